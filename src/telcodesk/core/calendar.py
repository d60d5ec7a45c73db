"""The working calendar: which days are working days, and arithmetic over them.

Two sources decide whether a day is a working day:

1. the ``chinesecalendar`` package: statutory holidays and adjusted working
   weekends for the years its release lists (read once per process);
2. overrides stored in the database (``CalendarDay`` rows): corrections of single
   days, and the days of a ``HolidayNotice`` entered by staff for a year the
   package does not cover yet.

A day is a working day when an override says so; otherwise when the package
lists it as an adjusted working day; otherwise when it is Monday to Friday and
not a statutory holiday. A year is *covered* when the package lists it or a
holiday notice was entered for it. Any answer that depends on a day of an
uncovered year raises ``CalendarNotCovered``: the calendar never guesses.

``WorkingCalendar`` is pure and holds no database handle: ``load_calendar()``
builds one from the database (two queries) and callers keep it for the length of
a request, a command or a report run.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as chinese_calendar_data
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from telcodesk.core.clock import operator_zone
from telcodesk.core.errors import CoreError, CoreErrorCode

if TYPE_CHECKING:
    from telcodesk.core.models import CalendarDay, HolidayNotice

UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)
# Below the resolution of a datetime (one microsecond ≈ 1.2e-11 day): used to
# absorb float rounding when a requested amount lands on the end of a day.
_EPSILON_DAYS = 1e-11
_EPSILON_HOURS = 1e-9


class CalendarNotCovered(CoreError):
    """A date falls in a year that neither the package nor a stored notice covers."""

    def __init__(self, year: int) -> None:
        message = _(
            "the working calendar does not cover %(year)s: enter the State Council "
            "holiday notice for %(year)s first"
        ) % {"year": year}
        super().__init__(CoreErrorCode.CALENDAR_NOT_COVERED, message)
        self.year = year


# --- the package's data, read once ---------------------------------------------


@dataclass(frozen=True)
class PackageCalendar:
    """What the installed ``chinesecalendar`` release knows."""

    version: str
    first_year: int
    last_year: int
    holidays: Mapping[dt.date, str]  # statutory holidays (rest days), by English name
    workdays: Mapping[dt.date, str]  # adjusted working weekends

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


def _read_package() -> PackageCalendar:
    holidays = dict(chinese_calendar_data.holidays)
    workdays = dict(chinese_calendar_data.workdays)
    return PackageCalendar(
        version=str(getattr(chinese_calendar, "__version__", "unknown")),
        first_year=min(holidays).year,
        last_year=max(holidays).year,
        holidays=MappingProxyType(holidays),
        workdays=MappingProxyType(workdays),
    )


PACKAGE = _read_package()


def _weekday_default(ordinal: int) -> bool:
    """Monday to Friday. ``date.fromordinal(1)`` (0001-01-01) is a Monday."""
    return (ordinal - 1) % 7 < 5


def _weekdays_before(ordinal: int) -> int:
    """How many Mondays-to-Fridays lie in [ordinal 1, ``ordinal``)."""
    weeks, rest = divmod(ordinal - 1, 7)
    return 5 * weeks + min(rest, 5)


# Days where the package departs from "Monday to Friday": ordinal -> is working day.
_PACKAGE_EXCEPTIONS: dict[int, bool] = {
    **{d.toordinal(): False for d in PACKAGE.holidays if _weekday_default(d.toordinal())},
    **{d.toordinal(): True for d in PACKAGE.workdays if not _weekday_default(d.toordinal())},
}


# --- working hours --------------------------------------------------------------

_WINDOW_RE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")

# A window is (start, end) in minutes after local midnight; end may be 24:00.
Window = tuple[int, int]


def parse_working_hours(raw: str) -> tuple[Window, ...]:
    """Parse ``TELCODESK_WORKING_HOURS``: ``HH:MM-HH:MM`` windows separated by commas.

    Windows must be in order and must not overlap; ``24:00`` may end the last one.
    Raises ``ImproperlyConfigured`` naming the offending part.
    """
    parts = [part.strip() for part in raw.split(",")]
    if not raw.strip() or any(not part for part in parts):
        raise ImproperlyConfigured(
            f"TELCODESK_WORKING_HOURS {raw!r} is malformed: expected windows like "
            "'08:30-17:30' or '08:30-12:00,13:30-17:30'"
        )
    windows: list[Window] = []
    for part in parts:
        match = _WINDOW_RE.match(part)
        if not match:
            raise ImproperlyConfigured(
                f"TELCODESK_WORKING_HOURS {raw!r} is malformed: {part!r} is not HH:MM-HH:MM"
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
            raise ImproperlyConfigured(
                f"TELCODESK_WORKING_HOURS {raw!r} is malformed: {part!r} is not a valid time range"
            )
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start >= end:
            raise ImproperlyConfigured(
                f"TELCODESK_WORKING_HOURS {raw!r} is malformed: {part!r} ends before it starts"
            )
        if windows and start < windows[-1][1]:
            raise ImproperlyConfigured(
                f"TELCODESK_WORKING_HOURS {raw!r} is malformed: {part!r} overlaps or precedes "
                "the window before it"
            )
        windows.append((start, end))
    return tuple(windows)


@functools.lru_cache(maxsize=8)
def _parsed_working_hours(raw: str) -> tuple[Window, ...]:
    return parse_working_hours(raw)


def working_hours_setting() -> tuple[Window, ...]:
    """The operator's working hours from the settings, parsed."""
    return _parsed_working_hours(str(settings.TELCODESK_WORKING_HOURS))


# --- the calendar ---------------------------------------------------------------


@dataclass(frozen=True)
class DayOverride:
    """A stored override of one day (a ``CalendarDay`` row)."""

    is_working_day: bool
    name: str = ""


class DayKind:
    WORKING = "working"  # an ordinary Monday to Friday
    WEEKEND = "weekend"  # an ordinary Saturday or Sunday
    HOLIDAY = "holiday"  # a statutory or declared rest day
    ADJUSTED_WORKING = "adjusted_working"  # a weekend made a working day


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_working_day: bool
    kind: str  # a DayKind value
    name: str  # the holiday's name, empty for ordinary days
    overridden: bool  # decided by a stored override


def _require_aware(value: dt.datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime given where an aware instant is required")


@dataclass(frozen=True, eq=False)
class WorkingCalendar:
    """Working days of the covered years, and arithmetic over days, instants and hours.

    Build it with ``load_calendar()``; construct it directly in tests or tools that
    bring their own overrides.
    """

    zone: ZoneInfo
    overrides: Mapping[dt.date, DayOverride] = field(default_factory=dict)
    notice_years: frozenset[int] = frozenset()
    working_hours: tuple[Window, ...] = ((8 * 60 + 30, 17 * 60 + 30),)
    package: PackageCalendar = field(default=PACKAGE, repr=False)
    # Derived in __post_init__.
    _covered: frozenset[int] = field(init=False, repr=False)
    _status: dict[int, bool] = field(init=False, repr=False)
    _exception_ordinals: list[int] = field(init=False, repr=False)
    _exception_prefix: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        package_years = set(self.package.years)
        covered = frozenset(package_years | set(self.notice_years))
        if self.package is PACKAGE:
            status = dict(_PACKAGE_EXCEPTIONS)
        else:
            status = {d.toordinal(): False for d in self.package.holidays
                      if _weekday_default(d.toordinal())}
            status.update({d.toordinal(): True for d in self.package.workdays
                           if not _weekday_default(d.toordinal())})
        for day, override in self.overrides.items():
            ordinal = day.toordinal()
            if override.is_working_day == _weekday_default(ordinal):
                status.pop(ordinal, None)
            else:
                status[ordinal] = override.is_working_day
        ordinals = sorted(status)
        prefix = [0]
        for ordinal in ordinals:
            prefix.append(prefix[-1] + (1 if status[ordinal] else -1))
        object.__setattr__(self, "_covered", covered)
        object.__setattr__(self, "_status", status)
        object.__setattr__(self, "_exception_ordinals", ordinals)
        object.__setattr__(self, "_exception_prefix", prefix)

    # --- coverage ----------------------------------------------------------------

    def covered_years(self) -> set[int]:
        """Years the calendar can answer for (package years and entered notices)."""
        return set(self._covered)

    def covers(self, year: int) -> bool:
        return year in self._covered

    def first_uncovered_year(self, after: int) -> int:
        """The first year after ``after`` that is not covered (where entry is due)."""
        year = after + 1
        while year in self._covered:
            year += 1
        return year

    def _check_year(self, year: int) -> None:
        if year not in self._covered:
            raise CalendarNotCovered(year)

    def _check_range(self, first: int, last: int) -> None:
        """Every day of the ordinal range [first, last] must be covered."""
        if last < first:
            return
        for year in range(dt.date.fromordinal(first).year, dt.date.fromordinal(last).year + 1):
            self._check_year(year)

    # --- days ----------------------------------------------------------------------

    def _working(self, ordinal: int) -> bool:
        return self._status.get(ordinal, _weekday_default(ordinal))

    def is_working_day(self, day: dt.date) -> bool:
        """True for Monday to Friday unless a holiday, and for adjusted working weekends."""
        if isinstance(day, dt.datetime):
            raise TypeError("is_working_day takes a date; convert an instant with clock.local()")
        self._check_year(day.year)
        return self._working(day.toordinal())

    def describe(self, day: dt.date) -> DayInfo:
        """What kind of day ``day`` is, and the holiday's name if any."""
        working = self.is_working_day(day)
        override = self.overrides.get(day)
        name = (
            override.name if override is not None
            else self.package.holidays.get(day) or self.package.workdays.get(day) or ""
        )
        ordinary = _weekday_default(day.toordinal())
        if working:
            kind = DayKind.WORKING if ordinary else DayKind.ADJUSTED_WORKING
        elif ordinary or name:
            kind = DayKind.HOLIDAY
        else:
            kind = DayKind.WEEKEND
        if kind in (DayKind.WORKING, DayKind.WEEKEND) and override is None:
            name = ""
        return DayInfo(day, working, kind, name, override is not None)

    def _count(self, first: int, stop: int) -> int:
        """Working days in the ordinal range [first, stop), coverage checked."""
        if stop <= first:
            return 0
        self._check_range(first, stop - 1)
        weekdays = _weekdays_before(stop) - _weekdays_before(first)
        ordinals, prefix = self._exception_ordinals, self._exception_prefix
        adjustment = prefix[bisect_left(ordinals, stop)] - prefix[bisect_left(ordinals, first)]
        return weekdays + adjustment

    def working_days_in(self, first: dt.date, last: dt.date) -> int:
        """How many working days lie in [first, last], both ends included."""
        return self._count(first.toordinal(), last.toordinal() + 1)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start``; ``start`` itself is not counted.

        ``n == 0`` returns ``start``. Only the days after ``start`` up to the answer
        are consulted, so only their years must be covered.
        """
        if isinstance(start, dt.datetime):
            raise TypeError("add_working_days takes a date; use add_working_time for instants")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise CoreError(CoreErrorCode.INVALID,
                            _("the number of working days must be a whole number ≥ 0"))
        current, remaining = start.toordinal(), n
        # Jump: the next ``remaining - 1`` calendar days hold at most that many working
        # days, so the answer lies beyond them. Each jump leaves about 2/7 of the rest.
        while remaining > 7:
            span = remaining - 1
            remaining -= self._count(current + 1, current + span + 1)
            current += span
        while remaining > 0:
            current += 1
            self._check_year(dt.date.fromordinal(current).year)
            if self._working(current):
                remaining -= 1
        return dt.date.fromordinal(current)

    # --- instants: working-day time --------------------------------------------------

    def _day_start(self, ordinal: int) -> dt.datetime:
        """Local midnight opening the day, as a UTC instant."""
        local_midnight = dt.datetime.combine(dt.date.fromordinal(ordinal), dt.time(0),
                                             tzinfo=self.zone)
        return local_midnight.astimezone(UTC)

    def _local_ordinal(self, instant_utc: dt.datetime) -> int:
        return instant_utc.astimezone(self.zone).date().toordinal()

    def working_days_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Working-day time elapsed from ``a`` to ``b``, in days.

        Measured in the operator's zone: each working day contributes the fraction
        of its 24 hours that lies inside [a, b]; other days contribute nothing. A
        whole working day counts 1. Negative when ``b`` is before ``a``.
        """
        _require_aware(a)
        _require_aware(b)
        a_utc, b_utc = a.astimezone(UTC), b.astimezone(UTC)
        if b_utc < a_utc:
            return -self.working_days_between(b, a)
        if a_utc == b_utc:
            return 0.0
        first = self._local_ordinal(a_utc)
        last = self._local_ordinal(b_utc)
        if self._day_start(last) == b_utc:
            last -= 1  # b is the midnight closing the previous day
        if first == last:
            self._check_range(first, first)
            if not self._working(first):
                return 0.0
            return (b_utc - a_utc) / (self._day_start(first + 1) - self._day_start(first))
        self._check_range(first, last)
        total = float(self._count(first + 1, last))
        if self._working(first):
            start, end = self._day_start(first), self._day_start(first + 1)
            total += (end - a_utc) / (end - start)
        if self._working(last):
            start, end = self._day_start(last), self._day_start(last + 1)
            total += (b_utc - start) / (end - start)
        return total

    def add_working_time(self, start: dt.datetime, days: float) -> dt.datetime:
        """The earliest instant ``t`` with ``working_days_between(start, t) == days``.

        The exact inverse of ``working_days_between``: from 2025-09-30 10:00 adding 3
        gives 2025-10-11 10:00 (National Day holiday, adjusted working Saturday).
        The answer is in the operator's zone.
        """
        _require_aware(start)
        if isinstance(days, bool) or not math.isfinite(days) or days < 0:
            raise CoreError(CoreErrorCode.INVALID,
                            _("the number of working days must be a number ≥ 0"))
        start_utc = start.astimezone(UTC)
        if days == 0:
            return start_utc.astimezone(self.zone)
        remaining = float(days)
        ordinal = self._local_ordinal(start_utc)
        self._check_year(dt.date.fromordinal(ordinal).year)
        if self._working(ordinal):
            day_start, day_end = self._day_start(ordinal), self._day_start(ordinal + 1)
            length = day_end - day_start
            available = (day_end - start_utc) / length
            if remaining <= available + _EPSILON_DAYS:
                return min(start_utc + length * remaining, day_end).astimezone(self.zone)
            remaining -= available
        whole = max(1, math.ceil(remaining - _EPSILON_DAYS))
        fraction = min(1.0, remaining - (whole - 1))
        # The whole-th working day counting from the day after start's day.
        target = self.add_working_days(dt.date.fromordinal(ordinal), whole).toordinal()
        day_start, day_end = self._day_start(target), self._day_start(target + 1)
        result = day_start + (day_end - day_start) * fraction
        return min(result, day_end).astimezone(self.zone)

    # --- instants: working hours -----------------------------------------------------

    def _windows(self, ordinal: int) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working-hour windows of a day as UTC instants (whether or not it works)."""
        day = dt.date.fromordinal(ordinal)
        result = []
        for start, end in self.working_hours:
            result.append((self._wall(day, start), self._wall(day, end)))
        return result

    def _wall(self, day: dt.date, minutes: int) -> dt.datetime:
        if minutes == 24 * 60:
            return self._day_start(day.toordinal() + 1)
        local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=self.zone)
        return local.astimezone(UTC)

    @property
    def hours_per_day(self) -> float:
        """Nominal working hours of one working day (wall clock)."""
        return sum(end - start for start, end in self.working_hours) / 60

    def working_hours_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Hours of ``[a, b]`` that lie in working-hour windows of working days.

        Windows come from ``TELCODESK_WORKING_HOURS`` in the operator's zone. Only
        days whose windows overlap [a, b] are consulted. Negative when ``b < a``.
        """
        _require_aware(a)
        _require_aware(b)
        a_utc, b_utc = a.astimezone(UTC), b.astimezone(UTC)
        if b_utc < a_utc:
            return -self.working_hours_between(b, a)
        first, last = self._local_ordinal(a_utc), self._local_ordinal(b_utc)
        total = self._hours_on(first, a_utc, b_utc)
        if last > first:
            total += self._hours_on(last, a_utc, b_utc)
        if last > first + 1:
            # Whole days in between: every window lies inside [a, b].
            if self._same_offset(first + 1, last):
                total += dt.timedelta(hours=self.hours_per_day) * self._count(first + 1, last)
            else:
                for ordinal in range(first + 1, last):
                    total += self._hours_on(ordinal, a_utc, b_utc)
        return total / dt.timedelta(hours=1)

    def _hours_on(self, ordinal: int, a_utc: dt.datetime, b_utc: dt.datetime) -> dt.timedelta:
        """Working time of one day inside [a, b]; the day is consulted only if it matters."""
        overlap = dt.timedelta(0)
        for start, end in self._windows(ordinal):
            lo, hi = max(start, a_utc), min(end, b_utc)
            if hi > lo:
                overlap += hi - lo
        if not overlap:
            return overlap
        self._check_year(dt.date.fromordinal(ordinal).year)
        return overlap if self._working(ordinal) else dt.timedelta(0)

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The earliest instant ``t`` with ``working_hours_between(start, t) == hours``.

        The answer is in the operator's zone; it always lies inside (or at the end
        of) a working-hour window.
        """
        _require_aware(start)
        if isinstance(hours, bool) or not math.isfinite(hours) or hours < 0:
            raise CoreError(CoreErrorCode.INVALID,
                            _("the number of working hours must be a number ≥ 0"))
        start_utc = start.astimezone(UTC)
        if hours == 0:
            return start_utc.astimezone(self.zone)
        remaining = dt.timedelta(hours=hours)
        ordinal = self._local_ordinal(start_utc)
        per_day = dt.timedelta(hours=self.hours_per_day)
        while True:
            windows = [(max(s, start_utc), e) for s, e in self._windows(ordinal) if e > start_utc]
            if windows:
                self._check_year(dt.date.fromordinal(ordinal).year)
                if self._working(ordinal):
                    for lo, hi in windows:
                        if remaining <= hi - lo + dt.timedelta(hours=_EPSILON_HOURS):
                            return min(lo + remaining, hi).astimezone(self.zone)
                        remaining -= hi - lo
                    # Whole working days ahead: jump over all but the last one at once,
                    # counting nominal hours when the zone keeps one offset over the span.
                    whole = int(remaining / per_day) - 1
                    if whole > 0:
                        target = self.add_working_days(dt.date.fromordinal(ordinal), whole)
                        jumped = target.toordinal()
                        if self._same_offset(ordinal + 1, jumped + 1):
                            remaining -= per_day * whole
                            ordinal = jumped
            ordinal += 1

    def _same_offset(self, first: int, stop: int) -> bool:
        """True when no UTC-offset change happens in the local days [first, stop).

        Checked at every day start, which catches any transition of a real zone.
        """
        key = str(self.zone)
        for year in range(dt.date.fromordinal(first).year,
                          dt.date.fromordinal(max(first, stop - 1)).year + 1):
            if not _year_has_one_offset(key, year):
                return False
        return True


@functools.lru_cache(maxsize=256)
def _year_has_one_offset(zone_key: str, year: int) -> bool:
    """True when the zone keeps one UTC offset through ``year`` (checked day by day)."""
    zone = ZoneInfo(zone_key)
    day = dt.date(year, 1, 1)
    offset = dt.datetime.combine(day, dt.time(0), tzinfo=zone).utcoffset()
    while day.year == year:
        day += ONE_DAY
        if dt.datetime.combine(day, dt.time(0), tzinfo=zone).utcoffset() != offset:
            return False
    return True


# --- selectors ------------------------------------------------------------------


def load_calendar() -> WorkingCalendar:
    """The working calendar with the overrides stored in the database (two queries)."""
    from telcodesk.core.models import CalendarDay, HolidayNotice

    overrides = {
        day: DayOverride(is_working_day=working, name=name)
        for day, working, name in CalendarDay.objects.values_list("date", "is_working_day", "name")
    }
    notice_years = frozenset(HolidayNotice.objects.values_list("year", flat=True))
    return WorkingCalendar(
        zone=operator_zone(),
        overrides=MappingProxyType(overrides),
        notice_years=notice_years,
        working_hours=working_hours_setting(),
    )


def covered_years() -> set[int]:
    """Years the stored calendar covers (package years and entered notices)."""
    return load_calendar().covered_years()


def calendar_from(
    *,
    zone: ZoneInfo | None = None,
    overrides: Iterable[tuple[dt.date, bool, str]] = (),
    notice_years: Iterable[int] = (),
    working_hours: str | None = None,
) -> WorkingCalendar:
    """A calendar built from given data, without the database (tests, tools)."""
    return WorkingCalendar(
        zone=zone or operator_zone(),
        overrides=MappingProxyType({d: DayOverride(w, n) for d, w, n in overrides}),
        notice_years=frozenset(notice_years),
        working_hours=(parse_working_hours(working_hours) if working_hours is not None
                       else working_hours_setting()),
    )


def holiday_notices() -> QuerySet[HolidayNotice]:
    """Entered notices, newest year first, with their number of days."""
    from telcodesk.core.models import HolidayNotice

    return (HolidayNotice.objects.select_related("entered_by")
            .annotate(day_count=Count("days")).order_by("-year"))


def calendar_overrides(*, year_from: int | None = None) -> QuerySet[CalendarDay]:
    """Stored overrides in date order, optionally from a year on."""
    from telcodesk.core.models import CalendarDay

    days = CalendarDay.objects.select_related("notice").order_by("date")
    if year_from is not None:
        days = days.filter(date__gte=dt.date(year_from, 1, 1))
    return days
