"""The working calendar: working days, limits in days and hours, coverage, notices."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from telcodesk.core.calendar import (
    PACKAGE,
    CalendarNotCovered,
    calendar_from,
    load_calendar,
    parse_working_hours,
)
from telcodesk.core.errors import CoreError, CoreErrorCode
from telcodesk.core.models import AuditEntry, CalendarDay, Channel, HolidayNotice
from telcodesk.core.roles import Role
from telcodesk.core.services import (
    do_enter_holiday_notice,
    do_remove_calendar_day,
    do_set_calendar_day,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date
# The first year the shipped holiday data does not cover (2027 with chinesecalendar 1.11).
NEXT = PACKAGE.last_year + 1


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0, zone: ZoneInfo = SHANGHAI) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=zone)


def first_weekday(year: int, month: int, weekday: int) -> dt.date:
    """The first ``weekday`` (0 = Monday) of a month."""
    day = D(year, month, 1)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def cal():
    return calendar_from(zone=SHANGHAI, working_hours="08:30-17:30")


# --- working days -----------------------------------------------------------------


def test_national_day_2025_and_its_adjusted_working_weekends(cal):
    assert cal.is_working_day(D(2025, 9, 28))  # Sunday, adjusted working day
    assert cal.is_working_day(D(2025, 9, 30))
    for day in range(1, 9):
        assert not cal.is_working_day(D(2025, 10, day)), f"2025-10-{day:02d} is a holiday"
    assert cal.is_working_day(D(2025, 10, 9))
    assert cal.is_working_day(D(2025, 10, 11))  # Saturday, adjusted working day
    assert not cal.is_working_day(D(2025, 10, 12))  # an ordinary Sunday


def test_add_working_days_skips_the_national_day_holiday(cal):
    # Oct 1-8 are holidays; Thu 9, Fri 10 and the adjusted Saturday 11 are the three days.
    assert cal.add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)
    assert cal.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert cal.add_working_days(D(2025, 9, 30), 4) == D(2025, 10, 13)
    # Friday Sep 26 + 1 is the adjusted working Sunday Sep 28.
    assert cal.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)


def test_the_start_day_is_not_counted(cal):
    assert cal.add_working_days(D(2025, 9, 30), 0) == D(2025, 9, 30)
    # Starting on a holiday: the first working day after it.
    assert cal.add_working_days(D(2025, 10, 3), 1) == D(2025, 10, 9)
    # Starting on a Saturday, an ordinary weekend.
    assert cal.add_working_days(D(2025, 11, 15), 1) == D(2025, 11, 17)


def test_ordinary_weekends_are_skipped(cal):
    assert cal.add_working_days(D(2025, 11, 14), 1) == D(2025, 11, 17)  # Fri -> Mon
    assert cal.add_working_days(D(2025, 11, 14), 5) == D(2025, 11, 21)
    assert cal.working_days_in(D(2025, 11, 10), D(2025, 11, 16)) == 5


def test_spring_festival_2026(cal):
    assert cal.is_working_day(D(2026, 2, 14))  # Saturday, adjusted working day
    for day in range(15, 24):
        assert not cal.is_working_day(D(2026, 2, day))
    assert cal.is_working_day(D(2026, 2, 24))
    assert cal.is_working_day(D(2026, 2, 28))  # Saturday, adjusted working day
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert cal.add_working_days(D(2026, 2, 13), 3) == D(2026, 2, 25)
    info = cal.describe(D(2026, 2, 17))
    assert not info.is_working_day and info.kind == "holiday" and info.name == "Spring Festival"


def test_long_counts_agree_with_counting_day_by_day(cal):
    rng = random.Random(2025)
    for _ in range(200):
        start = D(2004, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 17))
        n = rng.choice([1, 2, 3, 5, 8, 13, 40, 250, 1000])
        day, left = start, n
        while left:
            day += dt.timedelta(days=1)
            left -= cal.is_working_day(day)
        assert cal.add_working_days(start, n) == day, (start, n)


def test_negative_counts_are_refused(cal):
    with pytest.raises(CoreError) as caught:
        cal.add_working_days(D(2025, 9, 30), -1)
    assert caught.value.code == CoreErrorCode.INVALID
    with pytest.raises(CoreError):
        cal.add_working_time(at(2025, 9, 30, 10), -0.5)


# --- working-day time between instants ------------------------------------------------


def test_working_days_between_instants_over_national_day(cal):
    assert cal.working_days_between(at(2025, 9, 30, 10), at(2025, 10, 11, 10)) == pytest.approx(3)
    assert cal.working_days_between(at(2025, 10, 1), at(2025, 10, 9)) == 0
    assert cal.working_days_between(at(2025, 9, 30, 12), at(2025, 9, 30, 18)) == pytest.approx(0.25)
    # Friday noon to Monday noon of an ordinary weekend: one working day.
    assert cal.working_days_between(at(2025, 11, 14, 12), at(2025, 11, 17, 12)) == pytest.approx(1)
    # Backwards is negative.
    assert cal.working_days_between(at(2025, 10, 11, 10), at(2025, 9, 30, 10)) == pytest.approx(-3)


def test_add_working_time_over_national_day(cal):
    result = cal.add_working_time(at(2025, 9, 30, 10), 3)
    assert result == at(2025, 10, 11, 10)
    assert result.tzinfo == SHANGHAI
    assert cal.add_working_time(at(2025, 9, 30, 10), 0.25) == at(2025, 9, 30, 16)
    assert cal.add_working_time(at(2025, 9, 30, 10), 0) == at(2025, 9, 30, 10)
    # Exactly the rest of Sep 30: the end of that day, not the start of Oct 9.
    assert cal.add_working_time(at(2025, 9, 30, 10), 14 / 24) == at(2025, 10, 1)
    # Starting inside the holiday, the clock starts on Oct 9.
    assert cal.add_working_time(at(2025, 10, 3, 15), 0.5) == at(2025, 10, 9, 12)


def _instants(seed: int, count: int) -> list[dt.datetime]:
    rng = random.Random(seed)
    start = at(2024, 1, 1)
    result = []
    for _ in range(count):
        instant = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 700))
        if rng.random() < 0.2:  # some exactly at midnight
            instant = instant.replace(hour=0, minute=0)
        result.append(instant)
    return result


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
def test_add_working_time_is_the_inverse_of_working_days_between(zone):
    tz = ZoneInfo(zone)
    cal = calendar_from(zone=tz, working_hours="08:30-17:30")
    rng = random.Random(7)
    for a in _instants(11, 300):
        a = a.replace(tzinfo=tz)
        amount = rng.choice([0.1, 0.5, 1, 2, 3, 5.75, 20, 61.3])
        t = cal.add_working_time(a, amount)
        assert cal.working_days_between(a, t) == pytest.approx(amount, abs=1e-9)
        # t is the earliest such instant.
        assert cal.working_days_between(a, t - dt.timedelta(milliseconds=1)) < amount
        b = a + dt.timedelta(minutes=rng.randrange(1, 60 * 24 * 40))
        elapsed = cal.working_days_between(a, b)
        back = cal.add_working_time(a, elapsed)
        assert back <= b + dt.timedelta(microseconds=1)
        # Nothing counts between the earliest instant and b.
        assert cal.working_days_between(back, b) == pytest.approx(0, abs=1e-9)
        if cal.is_working_day(b.date()) and b != b.replace(hour=0, minute=0):
            assert abs(back - b) <= dt.timedelta(microseconds=1)


def test_a_day_with_a_clock_change_still_counts_as_one_working_day():
    berlin = ZoneInfo("Europe/Berlin")
    # Sunday 2025-10-26 has 25 hours in Berlin; declare it a working day.
    cal = calendar_from(zone=berlin, overrides=[(D(2025, 10, 26), True, "test")])
    day_start, day_end = at(2025, 10, 26, zone=berlin), at(2025, 10, 27, zone=berlin)
    assert cal.working_days_between(day_start, day_end) == pytest.approx(1)
    # Half of the 25 real hours is 12h30 after midnight: 11:30 on the wall clock.
    assert cal.add_working_time(day_start, 0.5) == at(2025, 10, 26, 11, 30, zone=berlin)


# --- working hours --------------------------------------------------------------------


def test_working_hours_skip_nights_weekends_and_holidays(cal):
    start = at(2025, 9, 30, 10)
    assert cal.add_working_hours(start, 7.5) == at(2025, 9, 30, 17, 30)
    assert cal.add_working_hours(start, 9) == at(2025, 10, 9, 10)
    assert cal.working_hours_between(start, at(2025, 10, 9, 10)) == pytest.approx(9)
    # Sep 30 7.5 h + Oct 9, 10, 11 (adjusted Saturday) 27 h + Oct 13 until noon 3.5 h.
    assert cal.working_hours_between(start, at(2025, 10, 13, 12)) == pytest.approx(38)
    assert cal.working_hours_between(at(2025, 9, 30, 18), at(2025, 10, 9, 8)) == 0
    assert cal.add_working_hours(at(2025, 9, 30, 20), 1) == at(2025, 10, 9, 9, 30)


def test_working_hours_with_a_lunch_break():
    cal = calendar_from(zone=SHANGHAI, working_hours="08:30-12:00,13:30-17:30")
    assert cal.hours_per_day == pytest.approx(7.5)
    assert cal.add_working_hours(at(2025, 9, 30, 11), 2) == at(2025, 9, 30, 14, 30)
    assert cal.working_hours_between(at(2025, 9, 30, 12), at(2025, 9, 30, 13, 30)) == 0
    assert cal.add_working_hours(at(2025, 9, 30, 8, 30), 3.5) == at(2025, 9, 30, 12)


def test_working_hours_come_from_the_setting(settings, db):
    settings.TELCODESK_WORKING_HOURS = "09:00-12:00,14:00-18:00"
    cal = load_calendar()
    assert cal.hours_per_day == pytest.approx(7)
    assert cal.add_working_hours(at(2025, 9, 30, 11), 2) == at(2025, 9, 30, 15)


def test_add_working_hours_is_the_inverse_of_working_hours_between():
    cal = calendar_from(zone=SHANGHAI, working_hours="08:30-12:00,13:30-17:30")
    rng = random.Random(3)
    for a in _instants(5, 300):
        hours = rng.choice([0.25, 1, 4, 7.5, 24, 48, 100, 1000])
        t = cal.add_working_hours(a, hours)
        assert cal.working_hours_between(a, t) == pytest.approx(hours, abs=1e-6)
        assert cal.working_hours_between(a, t - dt.timedelta(seconds=1)) < hours


@pytest.mark.parametrize(
    ("raw", "complaint"),
    [
        ("8:30-17:30", "'8:30-17:30' is not HH:MM-HH:MM"),
        ("08:30-17:30,", "expected windows like"),
        ("17:30-08:30", "ends before it starts"),
        ("08:30-12:00,11:00-17:30", "overlaps"),
        ("08:30-25:00", "not a valid time range"),
        ("", "expected windows like"),
    ],
)
def test_a_malformed_working_hours_setting_is_a_clear_error(raw, complaint):
    with pytest.raises(ImproperlyConfigured) as caught:
        parse_working_hours(raw)
    assert "TELCODESK_WORKING_HOURS" in str(caught.value)
    assert complaint in str(caught.value)


def test_working_hours_may_run_to_midnight():
    assert parse_working_hours("00:00-24:00") == ((0, 1440),)
    cal = calendar_from(zone=SHANGHAI, working_hours="00:00-24:00")
    assert cal.working_hours_between(at(2025, 11, 14, 12), at(2025, 11, 17, 12)) == 24


# --- coverage ---------------------------------------------------------------------------


def test_an_uncovered_year_is_refused_with_a_clear_message(cal):
    with pytest.raises(CalendarNotCovered) as caught:
        cal.is_working_day(D(NEXT, 3, 1))
    assert caught.value.code == CoreErrorCode.CALENDAR_NOT_COVERED
    assert caught.value.message == (
        f"the working calendar does not cover {NEXT}: enter the State Council holiday "
        f"notice for {NEXT} first"
    )
    with pytest.raises(CalendarNotCovered):
        cal.add_working_days(D(NEXT - 1, 12, 30), 3)
    with pytest.raises(CalendarNotCovered):
        cal.working_days_between(at(NEXT - 1, 12, 31, 12), at(NEXT, 1, 5, 12))
    with pytest.raises(CalendarNotCovered):
        cal.add_working_hours(at(NEXT - 1, 12, 31, 12), 9)
    with pytest.raises(CalendarNotCovered):
        cal.is_working_day(D(PACKAGE.first_year - 1, 6, 1))
    assert NEXT not in cal.covered_years()
    assert set(range(PACKAGE.first_year, NEXT)) <= cal.covered_years()


def test_answers_that_need_no_day_of_the_uncovered_year_are_given(cal):
    last = PACKAGE.last_year
    end_of_year = at(last, 12, 31, 17, 30)
    assert cal.add_working_days(D(NEXT, 3, 1), 0) == D(NEXT, 3, 1)
    assert cal.is_working_day(D(last, 12, 31))
    # The rest of Dec 31 ends exactly at midnight: no day of the next year is needed.
    assert cal.add_working_time(at(last, 12, 31), 1) == at(NEXT, 1, 1)
    assert cal.working_days_between(at(last, 12, 31), at(NEXT, 1, 1)) == 1
    assert cal.add_working_hours(at(last, 12, 31, 8, 30), 9) == end_of_year


def _notice_days(year: int) -> list[tuple[dt.date, bool, str]]:
    """A plausible notice: New Year's Day off, a Monday-to-Wednesday break in May
    and the Saturday before it worked."""
    may_monday = first_weekday(year, 5, 0)
    return [
        (D(year, 1, 1), False, "元旦"),
        (may_monday, False, "劳动节"),
        (may_monday + dt.timedelta(days=1), False, "劳动节"),
        (may_monday + dt.timedelta(days=2), False, "劳动节"),
        (may_monday - dt.timedelta(days=2), True, "劳动节调休"),
    ]


def test_entering_a_notice_covers_its_year(org, make_staff, now):
    manager = make_staff("qm", org.province, Role.QUALITY_MANAGER)
    notice = do_enter_holiday_notice(
        now=now, actor=manager, year=NEXT, title=f"国务院办公厅关于{NEXT}年部分节假日安排的通知",
        source="国办发明电", days=_notice_days(NEXT), channel=Channel.CONSOLE,
    )
    cal = load_calendar()
    assert cal.covers(NEXT)
    assert NEXT in cal.covered_years()
    assert not cal.is_working_day(D(NEXT, 1, 1))
    may_monday = first_weekday(NEXT, 5, 0)
    saturday = may_monday - dt.timedelta(days=2)
    assert cal.is_working_day(saturday)
    assert cal.describe(saturday).kind == "adjusted_working"
    # Friday before: + 1 is the adjusted Saturday, + 2 is the Thursday after the break.
    friday = saturday - dt.timedelta(days=1)
    assert cal.add_working_days(friday, 1) == saturday
    assert cal.add_working_days(friday, 2) == may_monday + dt.timedelta(days=3)
    # And the limits that ran into the year now have an answer.
    first_working = D(NEXT, 1, 2)
    while first_working.weekday() >= 5:
        first_working += dt.timedelta(days=1)
    assert cal.add_working_days(D(NEXT - 1, 12, 31), 1) == first_working
    assert notice.days.count() == 5
    entry = AuditEntry.objects.get(action="calendar.notice.enter")
    assert entry.actor == manager
    assert entry.target_id == str(notice.pk)
    assert [str(NEXT) + "-01-01", "holiday", "元旦"] in entry.details["days"]


def test_load_calendar_costs_two_queries(db, django_assert_num_queries):
    with django_assert_num_queries(2):
        load_calendar()


@pytest.mark.parametrize(
    ("year", "days", "code", "message"),
    [
        (PACKAGE.last_year, [(D(PACKAGE.last_year, 12, 31), False, "x")], CoreErrorCode.CONFLICT,
         "already covered"),
        (NEXT, [], CoreErrorCode.INVALID, "lists no days"),
        (NEXT, [(D(NEXT + 1, 1, 1), False, "元旦")], CoreErrorCode.INVALID,
         f"{NEXT + 1}-01-01 is not in {NEXT}"),
        (NEXT, [(D(NEXT, 1, 1), False, "元旦"), (D(NEXT, 1, 1), False, "元旦")],
         CoreErrorCode.INVALID, "listed twice"),
        (NEXT, [(first_weekday(NEXT, 2, 0), True, "调休")], CoreErrorCode.INVALID,
         "only a Saturday or Sunday"),
    ],
)
def test_a_bad_notice_is_refused_and_saves_nothing(org, make_staff, now, year, days, code,
                                                  message):
    manager = make_staff("qm", org.province, Role.QUALITY_MANAGER)
    with pytest.raises(CoreError) as caught:
        do_enter_holiday_notice(now=now, actor=manager, year=year, title="通知", source="",
                                days=days, channel=Channel.CONSOLE)
    assert caught.value.code == code
    assert message in caught.value.message
    assert not HolidayNotice.objects.exists()
    assert not CalendarDay.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="calendar.").exists()


def test_a_year_gets_one_notice(org, make_staff, now):
    manager = make_staff("qm", org.province, Role.QUALITY_MANAGER)
    do_enter_holiday_notice(now=now, actor=manager, year=NEXT, title="通知", source="",
                            days=_notice_days(NEXT), channel=Channel.CONSOLE)
    with pytest.raises(CoreError) as caught:
        do_enter_holiday_notice(now=now, actor=manager, year=NEXT, title="再次", source="",
                                days=[(D(NEXT, 10, 1), False, "国庆节")], channel=Channel.CONSOLE)
    assert caught.value.code == CoreErrorCode.CONFLICT
    assert HolidayNotice.objects.get().title == "通知"


def test_a_counter_clerk_may_not_change_the_calendar(org, make_staff, now):
    clerk = make_staff("clerk", org.xiaodian_outlet, Role.COUNTER_CLERK)
    with pytest.raises(CoreError) as caught:
        do_enter_holiday_notice(now=now, actor=clerk, year=NEXT, title="通知", source="",
                                days=_notice_days(NEXT), channel=Channel.CONSOLE)
    assert caught.value.code == CoreErrorCode.FORBIDDEN
    with pytest.raises(CoreError):
        do_set_calendar_day(now=now, actor=clerk, date=D(2025, 10, 10), is_working_day=False,
                            name="x", channel=Channel.CONSOLE)
    assert not HolidayNotice.objects.exists()
    assert not CalendarDay.objects.exists()


def test_overriding_a_covered_day_changes_the_arithmetic(org, make_staff, now):
    manager = make_staff("qm", org.province, Role.QUALITY_MANAGER)
    do_set_calendar_day(now=now, actor=manager, date=D(2025, 10, 10), is_working_day=False,
                        name="本地假日", channel=Channel.CONSOLE)
    cal = load_calendar()
    assert not cal.is_working_day(D(2025, 10, 10))
    assert cal.describe(D(2025, 10, 10)).name == "本地假日"
    assert cal.add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 13)

    # Changing the same day again replaces the override.
    do_set_calendar_day(now=now, actor=manager, date=D(2025, 10, 10), is_working_day=True,
                        name="", channel=Channel.CONSOLE)
    assert CalendarDay.objects.count() == 1
    assert load_calendar().is_working_day(D(2025, 10, 10))

    # A holiday of the shipped data made a working day.
    do_set_calendar_day(now=now, actor=manager, date=D(2025, 10, 8), is_working_day=True,
                        name="补班", channel=Channel.ADMIN)
    assert load_calendar().add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 8)

    do_remove_calendar_day(now=now, actor=manager, date=D(2025, 10, 8), channel=Channel.CONSOLE)
    do_remove_calendar_day(now=now, actor=manager, date=D(2025, 10, 10), channel=Channel.CONSOLE)
    assert load_calendar().add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions[-5:] == ["calendar.day.set"] * 3 + ["calendar.day.remove"] * 2


def test_an_override_in_an_uncovered_year_is_refused(org, make_staff, now):
    manager = make_staff("qm", org.province, Role.QUALITY_MANAGER)
    with pytest.raises(CalendarNotCovered):
        do_set_calendar_day(now=now, actor=manager, date=D(NEXT, 3, 1), is_working_day=False,
                            name="x", channel=Channel.CONSOLE)
    assert not CalendarDay.objects.exists()


def test_an_override_in_a_notice_year_joins_the_notice(org, make_staff, now):
    manager = make_staff("qm", org.province, Role.QUALITY_MANAGER)
    notice = do_enter_holiday_notice(now=now, actor=manager, year=NEXT, title="通知", source="",
                                     days=_notice_days(NEXT), channel=Channel.CONSOLE)
    day = do_set_calendar_day(now=now, actor=manager, date=D(NEXT, 10, 1), is_working_day=False,
                              name="国庆节", channel=Channel.CONSOLE)
    assert day.notice == notice
    assert not load_calendar().is_working_day(D(NEXT, 10, 1))
