"""The report read from daily totals equals the report read from every row, after
every kind of change: a finish, a reopening, a late import, a re-import.

The operator of ``indicator_records`` (2025H1 and 2025H2) is counted up to a day
inside 2025H2; then records change on counted days. Before the next refresh the
changed days are read from the rows (the services marked them); after it they are
counted again; ``differences`` finds nothing either time. A total changed behind the
report's back shows that the report does read the totals.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from telcodesk.care.services.calls import do_import_call_log
from telcodesk.core.changes import CALLS, CLOCKS, SOURCES, SURVEYS
from telcodesk.quality.indicators.compute import indicator_report
from telcodesk.quality.indicators.periods import parse_period
from telcodesk.quality.models import (
    DailyCallTotal,
    DailyClockTotal,
    DailySurveyTotal,
    TotalsChange,
    TotalsState,
)
from telcodesk.quality.selectors import totals as totals_selectors
from telcodesk.quality.services.totals import do_rebuild_totals, do_refresh_totals
from telcodesk.sla import services as sla_services
from telcodesk.sla.models import SlaClock
from tests.quality import indicator_records
from tests.quality.indicator_records import at, fault, resolve

H2 = parse_period("2025H2")
COUNTED_TO = at("2025-11-20 09:00")  # days before 20 Nov 2025 are counted
CALL_LOG = Path(__file__).parents[1] / "care" / "data" / "asterisk_events.queue_log"
ASTERISK = "asterisk-queue-log"


def both_ways(period=H2, **options):
    return (indicator_report(period=period, **options),
            indicator_report(period=period, totals=False, **options))


def assert_equal_to_the_rows() -> None:
    """The whole report (every scope, month, previous period) and each counted day."""
    for period in (H2, parse_period("2025Q4"), parse_period("2025-10-01..2025-11-25")):
        from_totals, from_rows = both_ways(period)
        assert from_totals == from_rows
    for source in SOURCES:
        assert totals_selectors.differences(source) == []


@pytest.fixture
def counted(operator):
    summary = do_refresh_totals(now=COUNTED_TO)
    assert "clocks: " in summary
    for source in SOURCES:
        state = TotalsState.objects.get(source=source)
        assert state.counted_until == dt.date(2025, 11, 20)
    assert not TotalsChange.objects.exists()
    return operator


def test_the_totals_give_the_same_report_as_the_rows(counted):
    assert DailyClockTotal.objects.exists()
    assert DailySurveyTotal.objects.exists()
    assert DailyCallTotal.objects.exists()
    assert_equal_to_the_rows()


def test_the_report_reads_the_totals(counted):
    """A counted day's total changed behind the report's back changes the report, and
    ``differences`` names that day."""
    total = DailyClockTotal.objects.filter(kind="repair", service="fixed").order_by("day")[0]
    DailyClockTotal.objects.filter(pk=total.pk).update(count=total.count + 1)
    from_totals, from_rows = both_ways(breakdowns=False, months=False)
    assert from_totals != from_rows
    found = totals_selectors.differences(CLOCKS)
    assert [d.day for d in found] == [total.day]
    # Rebuilding counts everything again.
    do_rebuild_totals(now=COUNTED_TO)
    assert_equal_to_the_rows()


def test_a_request_finished_on_a_counted_day(counted):
    clock = SlaClock.objects.filter(state="running", kind="install").first()
    assert clock is not None  # the install accepted on 29 Dec and never finished
    sla_services.do_stop_clock(now=at("2025-12-30 10:00"), clock=clock)
    assert TotalsChange.objects.filter(source=CLOCKS).exists()
    assert_equal_to_the_rows()
    # A finish dated on a counted day (a record finished late, back-dated).
    running = SlaClock.objects.create(**{
        **{f.attname: getattr(clock, f.attname) for f in SlaClock._meta.concrete_fields
           if f.attname != "id"},
        "state": "running", "stopped_at": None, "counted_duration": None, "timely": None,
        "indicator_duration": None, "indicator_timely": None,
        "accepted_at": at("2025-10-20 09:00"), "due_at": at("2025-10-23 09:00"),
        "warn_at": at("2025-10-22 09:00")})
    sla_services.do_stop_clock(now=at("2025-10-21 09:00"), clock=running)
    assert TotalsChange.objects.filter(source=CLOCKS, first_day=dt.date(2025, 10, 21)).exists()
    assert_equal_to_the_rows()
    do_refresh_totals(now=COUNTED_TO)
    assert not TotalsChange.objects.exists()
    assert_equal_to_the_rows()


def test_a_work_order_resolved_late_through_the_services(counted, org, make_staff):
    agent = make_staff("agent3", org.province, "hotline_agent")
    tech = make_staff("tech3", org.province, "repair_technician")
    from telcodesk.customers.models import Subscription

    mobile = Subscription.objects.filter(service="mobile").first()
    # Reported and resolved on counted days (the now passed in is in the past).
    work_order = fault(mobile, reported="2025-09-15 08:00", actor=agent)
    resolve(work_order, "2025-09-15 20:00", tech)
    assert_equal_to_the_rows()
    do_refresh_totals(now=COUNTED_TO)
    assert_equal_to_the_rows()


def test_a_reopened_request(counted):
    """A clock stopped on a counted day reopens: it no longer counts on that day."""
    clock = SlaClock.objects.filter(state="stopped", service="fixed", kind="repair",
                                    stopped_at__gte=at("2025-08-01 00:00"),
                                    stopped_at__lt=at("2025-08-03 00:00")).get()
    before = indicator_report(period=H2, breakdowns=False, months=False).table.get(
        "fixed_repair_timely").figure.records
    sla_services.do_reopen_clock(now=at("2025-11-25 10:00"), clock=clock)
    assert TotalsChange.objects.filter(source=CLOCKS, first_day=dt.date(2025, 8, 2)).exists()
    after = indicator_report(period=H2, breakdowns=False, months=False).table.get(
        "fixed_repair_timely").figure.records
    assert after == before - 1
    assert_equal_to_the_rows()
    do_refresh_totals(now=COUNTED_TO)
    assert_equal_to_the_rows()
    # Finished again after the watermark: counts on its new day, from the rows.
    clock.refresh_from_db()
    sla_services.do_stop_clock(now=at("2025-11-26 10:00"), clock=clock)
    assert_equal_to_the_rows()
    do_refresh_totals(now=at("2025-12-01 09:00"))
    assert TotalsState.objects.get(source=CLOCKS).counted_until == dt.date(2025, 12, 1)
    assert_equal_to_the_rows()


def test_a_late_import_of_finished_clocks(counted, org):
    sla_services.do_record_finished_clocks(clocks=[sla_services.FinishedClock(
        service="fixed", kind="repair", area="urban", tier="ordinary",
        org_unit_id=org.xiaodian.pk, accepted_at=at("2025-08-03 08:00"),
        stopped_at=at("2025-08-04 04:00"), subject_label="补录 障碍修复",
        request_types="repair")])
    assert TotalsChange.objects.filter(source=CLOCKS, first_day=dt.date(2025, 8, 4)).exists()
    assert_equal_to_the_rows()
    do_refresh_totals(now=COUNTED_TO)
    assert_equal_to_the_rows()


def test_a_late_call_log_import_and_its_re_import(counted, tmp_path):
    """Calls of 29 Sep 2025 imported after that day was counted; the log cut short
    first (calls without their exit), then the whole file read again (completed)."""
    log = tmp_path / "queue_log"
    lines = CALL_LOG.read_text().splitlines(keepends=True)
    log.write_text("".join(lines[: len(lines) // 2]))
    do_import_call_log(now=COUNTED_TO, path=str(log), fmt=ASTERISK)
    assert TotalsChange.objects.filter(source=CALLS).exists()
    assert_equal_to_the_rows()
    do_refresh_totals(now=COUNTED_TO)  # new queues: the calls' settings changed
    assert_equal_to_the_rows()
    shutil.copyfile(CALL_LOG, log)  # the same file grown: the cut calls are completed
    do_import_call_log(now=COUNTED_TO, path=str(log), fmt=ASTERISK)
    assert TotalsChange.objects.filter(source=CALLS,
                                       first_day__lte=dt.date(2025, 9, 29)).exists()
    assert_equal_to_the_rows()
    do_refresh_totals(now=COUNTED_TO)
    assert_equal_to_the_rows()
    again = do_import_call_log(now=COUNTED_TO, path=str(log), fmt=ASTERISK)  # re-import
    assert again.calls_added == 0
    assert_equal_to_the_rows()
    do_refresh_totals(now=COUNTED_TO)
    assert_equal_to_the_rows()


def test_a_complaint_replied_and_surveyed_on_counted_days(counted, org, make_staff):
    from telcodesk.care.models import Complaint
    from telcodesk.core.roles import Role

    handler = make_staff("handler2", org.province, Role.COMPLAINT_HANDLER)
    customer = Complaint.objects.order_by("pk").first().customer
    found = indicator_records.complaint(customer, received="2025-10-02 09:00",
                                        replied="2025-10-03 09:00", handler=handler)
    indicator_records.survey(found, closed="2025-10-03 10:00", answer="2",
                             answered="2025-10-03 12:00", handler=handler)
    assert TotalsChange.objects.filter(source=SURVEYS, first_day=dt.date(2025, 10, 3)).exists()
    assert TotalsChange.objects.filter(source=CLOCKS, first_day=dt.date(2025, 10, 3)).exists()
    assert_equal_to_the_rows()
    do_refresh_totals(now=COUNTED_TO)
    assert_equal_to_the_rows()


def test_totals_kept_under_other_settings_are_not_read(counted, settings):
    settings.TELCODESK_HOTLINE_GRACE_SECONDS = 3
    assert_equal_to_the_rows()
    do_refresh_totals(now=COUNTED_TO)
    state = TotalsState.objects.get(source=CALLS)
    assert "grace=3" in state.fingerprint
    assert_equal_to_the_rows()


def test_the_verify_command(counted, monkeypatch):
    from click.testing import CliRunner
    from django.utils import translation

    from telcodesk.cli import main
    from telcodesk.core import clock

    monkeypatch.setattr(clock, "now", lambda: COUNTED_TO)
    try:
        result = CliRunner().invoke(main, ["report", "--verify", "--period", "2025H2"])
        assert result.exit_code == 0, result.output
        assert "the daily totals agree with the records" in result.output
        assert "clocks: counted until 2025-11-20" in result.output

        total = DailySurveyTotal.objects.order_by("day")[0]
        DailySurveyTotal.objects.filter(pk=total.pk).update(dissatisfied=total.dissatisfied + 1)
        result = CliRunner().invoke(main, ["report", "--verify", "--period", "2025H2"])
        assert result.exit_code == 1
        assert f"surveys {total.day.isoformat()}: the totals kept differ" in result.stderr

        result = CliRunner().invoke(main, ["report", "--rebuild-totals", "--verify",
                                           "--period", "2025H2"])
        assert result.exit_code == 0, result.output
        assert "clocks: 0 days counted" not in result.output

        result = CliRunner().invoke(main, ["report", "--period", "2025H2"])
        assert result.exit_code == 1
        assert "--format and --out are required" in result.stderr
    finally:
        translation.deactivate()
