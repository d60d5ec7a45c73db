"""Due times and counted durations (pure arithmetic, no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from telcodesk.core.calendar import CalendarNotCovered
from telcodesk.sla import computation as c


def test_three_working_days_over_national_day_end_on_the_adjusted_saturday(cal, at):
    found = c.deadlines(accepted_at=at(2025, 9, 30, 10), limit=Decimal(3),
                        warning_ratio=Decimal("0.8"), unit="working_days", cal=cal)
    assert found.due_at == at(2025, 10, 11, 10)  # Saturday, an adjusted working day
    # 2.4 working days: the rest of 30 Sep (0.583), 9 Oct (1), then 0.817 of 10 Oct.
    assert found.warn_at == at(2025, 10, 10, 19, 36)


def test_three_working_days_over_spring_festival_2026(cal, at):
    # 14 Feb 2026 (Saturday) is worked; 15–23 Feb are off.
    found = c.deadlines(accepted_at=at(2026, 2, 13, 10), limit=3, warning_ratio="0.8",
                        unit="working_days", cal=cal)
    assert found.due_at == at(2026, 2, 25, 10)


def test_clock_hours_run_through_nights_weekends_and_holidays(at):
    found = c.deadlines(accepted_at=at(2025, 9, 30, 10), limit=24, warning_ratio="0.8",
                        unit="hours")
    assert found.due_at == at(2025, 10, 1, 10)
    assert found.warn_at == at(2025, 10, 1, 5, 12)


def test_an_uncovered_year_is_refused(cal, at):
    with pytest.raises(CalendarNotCovered):
        c.deadlines(accepted_at=at(2035, 3, 1, 10), limit=3, warning_ratio="0.8",
                    unit="working_days", cal=cal)


def test_excluded_pause_extends_hours_limit_by_its_length(at):
    found = c.deadlines(accepted_at=at(2025, 9, 1, 10), limit=24, warning_ratio="0.8",
                        unit="hours", pauses=[(at(2025, 9, 1, 12), at(2025, 9, 1, 16))])
    assert found.due_at == at(2025, 9, 2, 14)


def test_two_pauses_both_extend(at):
    pauses = [(at(2025, 9, 1, 12), at(2025, 9, 1, 14)), (at(2025, 9, 1, 20), at(2025, 9, 1, 22))]
    found = c.deadlines(accepted_at=at(2025, 9, 1, 10), limit=24, warning_ratio="0.8",
                        unit="hours", pauses=pauses)
    assert found.due_at == at(2025, 9, 2, 14)
    assert c.counted(accepted_at=at(2025, 9, 1, 10), until=found.due_at, unit="hours",
                     pauses=pauses) == pytest.approx(24)


def test_a_pause_after_the_warning_does_not_move_the_warning(at):
    found = c.deadlines(accepted_at=at(2025, 9, 1, 10), limit=10, warning_ratio="0.5",
                        unit="hours", pauses=[(at(2025, 9, 1, 16), at(2025, 9, 1, 18))])
    assert found.warn_at == at(2025, 9, 1, 15)
    assert found.due_at == at(2025, 9, 1, 22)


def test_a_pause_over_a_weekend_hides_only_its_working_time(cal, at):
    # Thursday 4 Sep 2025 10:00, 3 working days → Tuesday 9 Sep 10:00 without a pause.
    plain = c.deadlines(accepted_at=at(2025, 9, 4, 10), limit=3, warning_ratio="0.8",
                        unit="working_days", cal=cal)
    assert plain.due_at == at(2025, 9, 9, 10)
    # Paused Friday 10:00 → Monday 10:00: 14/24 of Friday + 10/24 of Monday = 1 working day.
    pause = (at(2025, 9, 5, 10), at(2025, 9, 8, 10))
    found = c.deadlines(accepted_at=at(2025, 9, 4, 10), limit=3, warning_ratio="0.8",
                        unit="working_days", pauses=[pause], cal=cal)
    assert found.due_at == at(2025, 9, 10, 10)


def test_a_pause_started_before_a_holiday(cal, at):
    # Monday 29 Sep 10:00 + 3 working days → Friday 10 Oct 10:00 (1–8 Oct off).
    plain = c.deadlines(accepted_at=at(2025, 9, 29, 10), limit=3, warning_ratio="0.8",
                        unit="working_days", cal=cal)
    assert plain.due_at == at(2025, 10, 10, 10)
    # Paused 30 Sep 10:00 → 9 Oct 10:00 hides 14/24 + 10/24 = 1 working day only.
    pause = (at(2025, 9, 30, 10), at(2025, 10, 9, 10))
    found = c.deadlines(accepted_at=at(2025, 9, 29, 10), limit=3, warning_ratio="0.8",
                        unit="working_days", pauses=[pause], cal=cal)
    assert found.due_at == at(2025, 10, 11, 10)
    assert c.counted(accepted_at=at(2025, 9, 29, 10), until=found.due_at,
                     unit="working_days", pauses=[pause], cal=cal) == pytest.approx(3)


def test_counted_duration_leaves_out_excluded_pauses_clipped_to_the_stop(at):
    value = c.counted(accepted_at=at(2025, 9, 1, 10), until=at(2025, 9, 2, 12), unit="hours",
                      pauses=[(at(2025, 9, 1, 20), at(2025, 9, 3, 0))])
    assert value == pytest.approx(10)
    assert c.as_decimal(value) == Decimal("10.0000")
    assert c.is_timely(Decimal("24.0000"), Decimal("24"))
    assert not c.is_timely(Decimal("24.0001"), Decimal("24"))


def test_overlapping_pauses_never_count_twice(at):
    pauses = [(at(2025, 9, 1, 12), at(2025, 9, 1, 16)), (at(2025, 9, 1, 14), at(2025, 9, 1, 18))]
    assert c.counted(accepted_at=at(2025, 9, 1, 10), until=at(2025, 9, 1, 20), unit="hours",
                     pauses=pauses) == pytest.approx(4)
    assert c.instant_at_counted(accepted_at=at(2025, 9, 1, 10), amount=4, unit="hours",
                                pauses=pauses, cal=None) == at(2025, 9, 1, 20)


def test_hours_need_no_calendar_but_working_days_do(at):
    with pytest.raises(ValueError, match="calendar"):
        c.measure(at(2025, 9, 1, 10), at(2025, 9, 2, 10), "working_days", None)
    assert c.advance(at(2025, 9, 1, 10), 1.5, "hours", None) == at(2025, 9, 1, 11, 30) \
        + dt.timedelta(0)
