"""The clock of a request: start, pauses, stop, reopen, explain — through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from telcodesk.core.calendar import CalendarNotCovered
from telcodesk.sla.errors import SlaError
from telcodesk.sla.models import SlaClock, SlaPause
from telcodesk.sla.selectors import (
    clock_by_reference,
    clock_status,
    explain,
    standard_in_force,
    time_left,
)
from telcodesk.sla.services import (
    do_cancel_clock,
    do_create_standard,
    do_pause_clock,
    do_reopen_clock,
    do_resume_clock,
    do_retire_standard,
    do_start_clock,
    do_stop_clock,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def start(org, at):
    def make(service="broadband", kind="repair", area="urban", tier="ordinary",
             accepted=None, label="WO000000001 宽带修障"):
        accepted = accepted or at(2025, 9, 1, 10)
        return do_start_clock(now=accepted, service=service, kind=kind, area=area, tier=tier,
                              accepted_at=accepted, org_unit=org.xiaodian, subject_label=label)
    return make


def test_start_snapshots_the_standard_and_computes_due_and_warning(start, at):
    clock = start(kind="install", accepted=at(2025, 9, 30, 10))
    assert clock.limit_value == Decimal("3") and clock.limit_unit == "working_days"
    assert clock.due_at == at(2025, 10, 11, 10)
    assert clock.warn_at == at(2025, 10, 10, 19, 36)
    assert clock.excluded_reasons == ["customer_absent", "customer_postponed",
                                      "awaiting_customer_info"]
    assert clock_status(clock, now=at(2025, 10, 1, 9)) == "ok"
    assert clock_status(clock, now=at(2025, 10, 10, 20)) == "warning"
    assert clock_status(clock, now=at(2025, 10, 11, 10)) == "breached"
    assert time_left(clock, now=at(2025, 10, 11, 12)) == -dt.timedelta(hours=2)


def test_excluded_pause_moves_the_due_time_and_is_left_out_of_the_count(start, at):
    clock = start()  # broadband repair urban: 24 h, due 2 Sep 10:00
    assert clock.due_at == at(2025, 9, 2, 10)
    do_pause_clock(now=at(2025, 9, 1, 12), clock=clock, reason="customer_access_line",
                   note="drop cable inside the flat")
    assert clock.state == "paused"
    assert clock_status(clock, now=at(2025, 9, 1, 13)) == "paused"
    do_resume_clock(now=at(2025, 9, 1, 15), clock=clock)
    assert clock.state == "running"
    assert clock.due_at == at(2025, 9, 2, 13)
    do_stop_clock(now=at(2025, 9, 2, 12), clock=clock)
    clock.refresh_from_db()
    assert clock.counted_duration == Decimal("23.0000")
    assert clock.timely is True and clock.breached is False


def test_a_pause_the_standard_does_not_exclude_keeps_the_clock_running(start, at):
    clock = start()
    pause = do_pause_clock(now=at(2025, 9, 1, 12), clock=clock, reason="awaiting_parts")
    assert pause.excluded is False
    assert clock.state == "running"
    do_resume_clock(now=at(2025, 9, 1, 18), clock=clock)
    assert clock.due_at == at(2025, 9, 2, 10)
    do_stop_clock(now=at(2025, 9, 2, 11), clock=clock)
    assert clock.counted_duration == Decimal("25.0000")
    assert clock.timely is False and clock.breached is True


def test_handset_fault_is_excluded_for_mobile_repair_only(start, at):
    mobile = start(service="mobile", label="WO000000002 手机故障")
    assert do_pause_clock(now=at(2025, 9, 1, 11), clock=mobile,
                          reason="handset_fault").excluded
    broadband = start(label="WO000000003 宽带修障")
    assert not do_pause_clock(now=at(2025, 9, 1, 11), clock=broadband,
                              reason="handset_fault").excluded


def test_a_pause_spanning_the_original_due_time_never_breaches_while_paused(start, at):
    from telcodesk.sla.services import claim_breaches, claim_warnings

    clock = start()  # due 2 Sep 10:00
    do_pause_clock(now=at(2025, 9, 1, 20), clock=clock, reason="customer_absent")
    assert claim_warnings(at(2025, 9, 2, 11)) == []
    assert claim_breaches(at(2025, 9, 2, 11)) == []
    assert time_left(clock, now=at(2025, 9, 2, 11)) == dt.timedelta(hours=14)
    do_resume_clock(now=at(2025, 9, 3, 8), clock=clock)
    assert clock.due_at == at(2025, 9, 3, 22)  # 14 h were left when it paused
    do_stop_clock(now=at(2025, 9, 3, 20), clock=clock)
    assert clock.timely is True
    assert clock.counted_duration == Decimal("22.0000")


def test_stop_while_paused_closes_the_pause(start, at):
    clock = start()
    do_pause_clock(now=at(2025, 9, 1, 12), clock=clock, reason="customer_postponed")
    do_stop_clock(now=at(2025, 9, 1, 18), clock=clock)
    assert clock.counted_duration == Decimal("2.0000")
    assert SlaPause.objects.get(clock=clock).ended_at == at(2025, 9, 1, 18)


def test_a_pause_without_a_reason_is_refused_and_nothing_changes(start, at):
    clock = start()
    with pytest.raises(SlaError) as caught:
        do_pause_clock(now=at(2025, 9, 1, 12), clock=clock, reason="")
    assert caught.value.code == "reason_required"
    with pytest.raises(SlaError, match="unknown pause reason"):
        do_pause_clock(now=at(2025, 9, 1, 12), clock=clock, reason="lunch")
    assert not SlaPause.objects.exists()
    clock.refresh_from_db()
    assert clock.state == "running"


def test_illegal_moves_are_refused(start, at):
    clock = start()
    with pytest.raises(SlaError, match="not paused"):
        do_resume_clock(now=at(2025, 9, 1, 12), clock=clock)
    do_pause_clock(now=at(2025, 9, 1, 12), clock=clock, reason="customer_absent")
    with pytest.raises(SlaError, match="cannot be paused"):
        do_pause_clock(now=at(2025, 9, 1, 13), clock=clock, reason="customer_absent")
    do_stop_clock(now=at(2025, 9, 1, 14), clock=clock)
    with pytest.raises(SlaError, match="cannot be stopped"):
        do_stop_clock(now=at(2025, 9, 1, 15), clock=clock)
    with pytest.raises(SlaError, match="cannot be cancelled"):
        do_cancel_clock(now=at(2025, 9, 1, 15), clock=clock)


def test_an_uncovered_calendar_year_is_refused_and_no_clock_is_written(start, at):
    with pytest.raises(CalendarNotCovered):
        start(kind="install", accepted=at(2035, 3, 1, 10))
    assert not SlaClock.objects.exists()


def test_a_standard_changed_mid_flight_does_not_rewrite_the_clock(start, at):
    clock = start(kind="install", accepted=at(2025, 9, 1, 10))
    old = standard_in_force(service="broadband", kind="install", area="urban",
                            tier="ordinary", at=at(2025, 9, 1, 10))
    switch = at(2025, 9, 2, 0)
    do_retire_standard(now=switch, standard=old, active_to=switch)
    do_create_standard(now=switch, actor=None, service="broadband", kind="install",
                       area="urban", limit_value=1, limit_unit="working_days",
                       active_from=switch, excluded_pause_reasons=["customer_absent"])
    later = start(kind="install", accepted=at(2025, 9, 2, 10), label="WO000000009 宽带装机")
    assert later.limit_value == Decimal("1")
    do_pause_clock(now=at(2025, 9, 2, 10), clock=clock, reason="customer_postponed")
    do_resume_clock(now=at(2025, 9, 2, 12), clock=clock)
    clock.refresh_from_db()
    assert clock.standard_id == old.pk and clock.limit_value == Decimal("3")
    assert "customer_postponed" in clock.excluded_reasons
    do_stop_clock(now=at(2025, 9, 3, 22), clock=clock)
    assert clock.timely is True  # 2.42 working days of the old 3, though the new limit is 1


def test_reopen_continues_the_same_clock(start, at):
    clock = start()
    do_stop_clock(now=at(2025, 9, 1, 20), clock=clock)
    assert clock.counted_duration == Decimal("10.0000")
    do_reopen_clock(now=at(2025, 9, 3, 9), clock=clock)
    assert clock.state == "running" and clock.counted_duration is None
    assert clock.reopened == 1
    assert clock.due_at == at(2025, 9, 3, 23)  # 14 h were left at the stop
    do_stop_clock(now=at(2025, 9, 3, 12), clock=clock)
    assert clock.counted_duration == Decimal("13.0000")


def test_explain_tells_the_clocks_story(start, at):
    clock = start(kind="install", accepted=at(2025, 9, 30, 10))
    do_pause_clock(now=at(2025, 10, 9, 9), clock=clock, reason="customer_absent",
                   note="nobody home")
    do_resume_clock(now=at(2025, 10, 9, 15), clock=clock)
    do_pause_clock(now=at(2025, 10, 10, 9), clock=clock, reason="awaiting_parts")
    do_stop_clock(now=at(2025, 10, 11, 11), clock=clock)
    with translation.override("en"):
        story = "\n".join(explain(clock_by_reference("WO000000001"), now=at(2025, 10, 12, 9)))
    assert "accepted 2025-09-30 10:00; limit 3 working days" in story
    assert "skipped 2025-10-01 – 2025-10-08: National Day" in story
    assert "counted 2025-10-11: adjusted working day" in story
    assert "Customer absent at the appointment" in story
    assert "0.25 working days not counted" in story
    assert "Waiting for parts" in story and "the clock kept running" in story
    assert "customer_absent" not in story  # the reason's label, never its code
    with translation.override("zh-hans"):
        chinese = "\n".join(explain(clock_by_reference("WO000000001"), now=at(2025, 10, 12, 9)))
    assert "计时时长 2.79 个工作日，时限 3 个工作日：及时" in chinese
    assert "预约时间客户不在" in chinese and "customer_absent" not in chinese
    assert "due 2025-10-11 16:00" in story
    assert "stopped 2025-10-11 11:00" in story
    assert "counted duration 2.79 working days of 3 working days: timely" in story
    assert clock_by_reference(str(clock.pk)).pk == clock.pk
    with pytest.raises(SlaError):
        clock_by_reference("WO999")
