"""The report page reads figures computed once and kept (a snapshot) instead of
computing them on every visit; "Compute the figures again" runs on the worker and
the page shows its progress, then the new figures."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from telcodesk.core import clock
from telcodesk.core.roles import Role
from telcodesk.quality.indicators import compute
from telcodesk.quality.models import ReportSnapshot
from telcodesk.quality.services.snapshots import do_build_report_snapshot
from telcodesk.quality.tasks import build_report_snapshot
from tests.quality.report_support import AFTER_H2, add_records

pytestmark = pytest.mark.django_db

REPORTS = "/console/quality/reports/"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: AFTER_H2)


@pytest.fixture
def manager(org, make_staff):
    add_records(org)
    return make_staff("quality", org.province, Role.QUALITY_MANAGER)


def client_for(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def no_computing(**_):
    raise AssertionError("the figures were computed again on a visit")


def test_the_page_reads_the_kept_figures_and_computes_again_on_the_worker(
        manager, monkeypatch, django_capture_on_commit_callbacks):
    client = client_for(manager)
    first = client.get(REPORTS).content.decode()
    assert "Figures computed at" in first
    snapshot = ReportSnapshot.objects.get()
    assert (snapshot.period_code, snapshot.unit_code, snapshot.language, snapshot.state) == (
        "2025H2", "", "en", "done")

    # Later visits read the kept figures: nothing is computed.
    monkeypatch.setattr(compute, "indicator_report", no_computing)
    from telcodesk.quality.services import snapshots

    monkeypatch.setattr(snapshots, "indicator_report", no_computing)
    again = client.get(REPORTS).content.decode()
    assert "88.67%" in again and "Figures computed at" in again

    # Compute again: queued for the worker, the page shows the progress.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page = client.post(reverse("console:report_compute", args=["2025H2"]),
                           {"language": "en"}, follow=True)
    assert len(callbacks) == 1
    html = page.content.decode()
    assert "Computing the figures again: Waiting for the worker (0 %)" in html
    assert 'hx-trigger="every 5s"' in html
    queued = ReportSnapshot.objects.exclude(pk=snapshot.pk).get()
    assert queued.state == "queued"
    # Asking twice while it waits queues nothing more.
    client.post(reverse("console:report_compute", args=["2025H2"]), {"language": "en"})
    assert ReportSnapshot.objects.count() == 2

    # The worker runs the task (the task's own function, as the worker would).
    monkeypatch.undo()
    monkeypatch.setattr(clock, "now", lambda: AFTER_H2)
    result = build_report_snapshot.call(snapshot_id=queued.pk)
    assert result.endswith("2025H2 computed")
    queued.refresh_from_db()
    assert (queued.state, queued.progress) == ("done", 100)
    html = client.get(REPORTS).content.decode()
    assert "Computing the figures again" not in html and "88.67%" in html
    assert do_build_report_snapshot(now=AFTER_H2, snapshot_id=queued.pk).endswith(
        "nothing to do")


def test_only_staff_who_see_the_scope_may_compute_it(org, make_staff):
    add_records(org)
    clerk = make_staff("clerk", org.taiyuan, Role.BRANCH_MANAGER)  # a city manager
    response = client_for(clerk).post(reverse("console:report_compute", args=["2025H2"]),
                                      {"unit": "dt", "language": "en"})
    assert response.status_code == 404  # another city: not even shown
    assert not ReportSnapshot.objects.filter(unit_code="dt").exists()
    from telcodesk.quality.errors import QualityError
    from telcodesk.quality.services.snapshots import do_request_report_snapshot

    with pytest.raises(QualityError, match="no report of the whole operator for you"):
        do_request_report_snapshot(now=AFTER_H2, actor=clerk, period_code="2025H2")


def test_a_snapshot_keeps_exactly_the_computed_report_as_json(org, manager):
    """The figures go to the database as JSON (no pickle) and come back equal, field
    for field, with every Decimal's digits and every date as computed."""
    import json

    from telcodesk.quality.indicators.periods import parse_period
    from telcodesk.quality.selectors.snapshots import report_snapshot
    from telcodesk.quality.services.snapshots import do_compute_report_snapshot

    computed = compute.indicator_report(period=parse_period("2025H2"), language="en")
    assert computed.cities and computed.months  # breakdowns and the trend are kept too
    do_compute_report_snapshot(now=AFTER_H2, actor=manager, period_code="2025H2",
                               language="en")
    stored = ReportSnapshot.objects.get().figures
    assert json.loads(stored)["format"] == 1  # plain JSON text, nothing else
    read = report_snapshot(period_code="2025H2", unit_code="", language="en").figures
    assert read == computed
    assert repr(read) == repr(computed)  # Decimal("88.6700") stays "88.6700", not "88.67"


def test_figures_of_another_format_are_computed_again(manager):
    client = client_for(manager)
    client.get(REPORTS)
    ReportSnapshot.objects.update(figures='{"format": 0, "report": "pickled once"}')
    html = client.get(REPORTS).content.decode()
    assert "88.67%" in html and "Figures computed at" in html
    assert ReportSnapshot.objects.count() == 2  # the unreadable one was left, a new one kept


def test_decimals_and_dates_survive_the_round_trip_exactly():
    import datetime as dt
    from decimal import Decimal

    from telcodesk.quality.indicators.periods import parse_period
    from telcodesk.quality.indicators.types import (
        DrillDown,
        Figure,
        IndicatorReport,
        IndicatorResult,
        IndicatorTable,
        JudgedLimit,
        Scope,
        Target,
    )
    from telcodesk.quality.report.snapshot_json import figures_from_json, figures_to_json

    values = [Decimal("0.000010"), Decimal("1E+2"), Decimal("-3.50"), Decimal("12345678.9")]
    rows = [IndicatorResult(
        code=f"i{i}", figure=Figure(value, 7, numerator=value, denominator=Decimal("7")),
        target=Target(Decimal("95.0"), ">=", "percent", "source", verified=True),
        met=None, previous=Figure(None, 0), change=None,
        drill=DrillDown("sla", {"kind": "repair"}),
        limits=(JudgedLimit("urban", Decimal("24"), "hours"),))
        for i, value in enumerate(values)]
    custom = parse_period("2025-07-01..2025-07-31")
    assert custom.end == dt.date(2025, 8, 1)
    table = IndicatorTable(custom, parse_period("2025-06"), Scope("city", "ty", "太原"), rows)
    report = IndicatorReport(custom, Scope("city", "ty", "太原"), table, areas=[table])
    back = figures_from_json(figures_to_json(report))
    assert back == report and repr(back) == repr(report)
    for wrong in ('{"format": 1, "report": {"period": "2025H2"}}', "", "\x80\x04pickle"):
        with pytest.raises(ValueError):
            figures_from_json(wrong)


def test_downloads_carry_the_figures_the_page_shows_without_computing_them(
        manager, monkeypatch):
    client = client_for(manager)
    client.get(REPORTS)  # the first visit computes and keeps the figures
    from telcodesk.quality.services import snapshots

    monkeypatch.setattr(compute, "indicator_report", no_computing)
    monkeypatch.setattr(snapshots, "indicator_report", no_computing)
    from telcodesk.quality.report import document

    monkeypatch.setattr(document, "indicator_report", no_computing)
    for fmt in ("pdf", "xlsx", "json", "md"):
        response = client.get(reverse("console:report_download", args=["2025H2", fmt]),
                              {"language": "en"})
        assert response.status_code == 200, fmt
    kept = client.get(reverse("console:report_download", args=["2025H2", "md"]),
                      {"language": "en"}).content.decode()
    assert "88.67%" in kept
