"""The clock's arithmetic, as pure functions (no database, no clock reading).

Time is measured in the limit's own unit:

- ``hours``: clock hours; weekends and holidays count like any other hour;
- ``working_days``: working-day time through ``core.calendar``
  (``WorkingCalendar.working_days_between``): each working day contributes the
  fraction of its 24 hours that lies in the interval; weekends and statutory
  holidays contribute nothing; adjusted working weekends count.

The *counted* time up to ``t`` is the measured time from acceptance to ``t``
minus the measured time of the excluded pauses before ``t``. The due instant is
the earliest ``t`` whose counted time reaches the limit, the warning instant the
earliest ``t`` whose counted time reaches ``warning_ratio × limit``. Because every
pause is measured with the same calendar as the rest, a pause over a weekend
with a working-day limit extends the due time only by the working time it hid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from telcodesk.core.calendar import WorkingCalendar

HOURS = "hours"
WORKING_DAYS = "working_days"
ONE_HOUR = dt.timedelta(hours=1)
COUNT_QUANTUM = Decimal("0.0001")

Interval = tuple[dt.datetime, dt.datetime]


def _need_calendar(unit: str, cal: WorkingCalendar | None) -> WorkingCalendar:
    if unit != WORKING_DAYS:
        raise ValueError(f"unknown limit unit {unit!r}")
    if cal is None:
        raise ValueError("a working-day limit needs the working calendar")
    return cal


def measure(a: dt.datetime, b: dt.datetime, unit: str, cal: WorkingCalendar | None) -> float:
    """Time from ``a`` to ``b`` in ``unit`` (0 when ``b`` is not after ``a``)."""
    if b <= a:
        return 0.0
    if unit == HOURS:
        return (b - a) / ONE_HOUR
    return _need_calendar(unit, cal).working_days_between(a, b)


def advance(start: dt.datetime, amount: float, unit: str,
            cal: WorkingCalendar | None) -> dt.datetime:
    """The earliest instant ``amount`` (in ``unit``) after ``start``."""
    if unit == HOURS:
        return start + dt.timedelta(hours=amount)
    return _need_calendar(unit, cal).add_working_time(start, amount)


def _closed(pauses: Sequence[Interval], until: dt.datetime | None = None) -> list[Interval]:
    """Sorted, clipped, non-overlapping pause intervals."""
    result: list[Interval] = []
    for start, end in sorted(pauses):
        if until is not None:
            end = min(end, until)
        if result and start < result[-1][1]:
            start = result[-1][1]  # overlapping pauses never count twice
        if end > start:
            result.append((start, end))
    return result


def instant_at_counted(*, accepted_at: dt.datetime, amount: float, unit: str,
                       pauses: Sequence[Interval], cal: WorkingCalendar | None) -> dt.datetime:
    """The earliest instant whose counted time since ``accepted_at`` reaches ``amount``.

    ``pauses`` are the excluded pauses (closed intervals); pauses lying after the
    answer do not move it.
    """
    cursor, remaining = accepted_at, float(amount)
    for start, end in _closed(pauses):
        if end <= cursor:
            continue
        start = max(start, cursor)
        segment = measure(cursor, start, unit, cal)
        if remaining <= segment:
            break
        remaining -= segment
        cursor = end
    return advance(cursor, remaining, unit, cal)


@dataclass(frozen=True)
class Deadlines:
    due_at: dt.datetime
    warn_at: dt.datetime


def deadlines(*, accepted_at: dt.datetime, limit: Decimal | float, warning_ratio: Decimal | float,
              unit: str, pauses: Sequence[Interval] = (),
              cal: WorkingCalendar | None = None) -> Deadlines:
    """Due and warning instants of a clock given its closed excluded pauses."""
    total = float(limit)
    due = instant_at_counted(accepted_at=accepted_at, amount=total, unit=unit, pauses=pauses,
                             cal=cal)
    warn = instant_at_counted(accepted_at=accepted_at, amount=total * float(warning_ratio),
                              unit=unit, pauses=pauses, cal=cal)
    return Deadlines(due_at=due, warn_at=warn)


def counted(*, accepted_at: dt.datetime, until: dt.datetime, unit: str,
            pauses: Sequence[Interval] = (), cal: WorkingCalendar | None = None) -> float:
    """Counted time from acceptance to ``until``, excluded pauses left out."""
    total = measure(accepted_at, until, unit, cal)
    for start, end in _closed(pauses, until):
        total -= measure(max(start, accepted_at), end, unit, cal)
    return max(total, 0.0)


def as_decimal(value: float) -> Decimal:
    """A counted duration as stored: four decimals in the limit's unit."""
    return Decimal(repr(value)).quantize(COUNT_QUANTUM)


def is_timely(counted_value: Decimal, limit: Decimal) -> bool:
    return counted_value <= limit
