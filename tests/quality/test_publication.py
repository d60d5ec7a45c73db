"""Publishing a half-year report: the frozen figures on the public ``/standards/`` page,
re-publication with an audit entry, and what cannot be published."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from telcodesk.core.models import AuditEntry
from telcodesk.core.roles import Role
from telcodesk.quality.errors import QualityError
from telcodesk.quality.models import BillingErrorCount, NetworkCounter, ReportPublication
from telcodesk.quality.selectors.reports import latest_published_table
from telcodesk.quality.services.reports import do_publish_report
from tests.conftest import SHANGHAI
from tests.quality.report_support import AFTER_H2, add_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(org):
    add_records(org)
    return org


@pytest.fixture
def manager(records, make_staff):
    return make_staff("quality", records.province, Role.QUALITY_MANAGER)


def public_page(language: str = "zh-hans") -> str:
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/standards/")
    assert page.status_code == 200
    return page.content.decode()


def test_nothing_published_shows_no_indicator_table(records):
    html = public_page()
    assert "服务标准" in html or "Service standards" in html
    assert "published-report" not in html
    assert latest_published_table() is None


def test_publishing_freezes_the_figures_for_the_public_page(manager):
    publication = do_publish_report(now=AFTER_H2, actor=manager, period="2025H2")
    assert publication.period_code == "2025H2" and publication.published_at == AFTER_H2
    snapshot = publication.snapshot
    assert snapshot["schema"] == "telcodesk.quality-report/1"
    rows = {row["code"]: row for row in snapshot["indicators"]}
    assert Decimal(rows["network_connection_rate"]["value"]) == Decimal(1330) * 100 / 1500
    assert set(snapshot["breakdowns"]) == {"cities", "counties", "areas", "months"}
    audit = AuditEntry.objects.get(action="report.publish")
    assert audit.actor == manager and "network_connection_rate" in audit.details["not_met"]

    html = public_page()
    assert "published-report" in html
    assert "2025年下半年" in html and "2026-01-12" in html
    assert "网络接通率（忙时）" in html and "88.67%" in html and "≥90%" in html
    assert "无数据" in html  # no install finished: said, not 0%
    assert "10000号应答及时率" in html
    english = public_page("en")
    assert "2025 H2" in english and "Network connection rate (busy hour)" in english
    assert "not met" in english

    # The page reads the snapshot, never the records: change them, the page stays.
    NetworkCounter.objects.all().delete()
    BillingErrorCount.objects.all().delete()
    assert "88.67%" in public_page()


def test_republishing_replaces_the_snapshot_with_an_audit_entry(manager, records):
    do_publish_report(now=AFTER_H2, actor=manager, period="2025H2")
    BillingErrorCount.objects.create(month=dt.date(2025, 12, 1), org_unit=None,
                                     erroneous_records=500, all_records=1_000_000,
                                     source="entered", entered_at=AFTER_H2)
    later = AFTER_H2 + dt.timedelta(days=2)
    publication = do_publish_report(now=later, actor=manager, period="2025H2")
    assert ReportPublication.objects.count() == 1
    assert publication.published_at == later
    rows = {row["code"]: row for row in publication.snapshot["indicators"]}
    assert Decimal(rows["billing_error_rate"]["value"]) == Decimal(505) / Decimal(1_110_000)
    audit = AuditEntry.objects.get(action="report.republish")
    assert audit.details["replaced"] == AFTER_H2.isoformat()
    assert "re-published the 2025H2 report" in audit.summary
    assert "2026-01-14" in public_page()


def test_the_latest_half_year_is_shown_not_the_latest_publication(manager):
    do_publish_report(now=AFTER_H2, actor=manager, period="2025H2")
    do_publish_report(now=AFTER_H2 + dt.timedelta(days=1), actor=manager, period="2025H1")
    table = latest_published_table()
    assert table is not None and table.period_code == "2025H2"


@pytest.mark.parametrize(("period", "message"), [
    ("2025Q4", "only half-year reports are published"),
    ("2025-12", "only half-year reports are published"),
    ("2026H1", "2026H1 has not ended yet"),
    ("2024H2", "no records at all in 2024H2"),
])
def test_what_cannot_be_published(manager, period, message):
    with pytest.raises(QualityError) as error:
        do_publish_report(now=AFTER_H2, actor=manager, period=period)
    assert message in error.value.message
    assert ReportPublication.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="report.").exists()


def test_a_half_year_can_be_published_once_it_has_ended(manager):
    last_evening = dt.datetime(2025, 12, 31, 23, 0, tzinfo=SHANGHAI)
    with pytest.raises(QualityError):
        do_publish_report(now=last_evening, actor=manager, period="2025H2")
    first_morning = dt.datetime(2026, 1, 1, 0, 5, tzinfo=SHANGHAI)
    assert do_publish_report(now=first_morning, actor=manager, period="2025H2").pk
