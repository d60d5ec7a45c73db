"""Reporting periods: a month, a quarter, a half-year or a custom range of days.

A period is ``[start, end)`` in the operator's time zone (dates; ``end``
exclusive). Codes: ``2026H2``, ``2026Q3``, ``2026-07``, ``2026-07-01..2026-09-30``
(custom, both days included). Pure: no database, no clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from telcodesk.quality.errors import QualityError, QualityErrorCode

_HALF = re.compile(r"^(\d{4})H([12])$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str  # "half", "quarter", "month", "custom"
    start: dt.date
    end: dt.date  # exclusive

    @property
    def code(self) -> str:
        if self.kind == "half":
            return f"{self.start.year}H{1 if self.start.month == 1 else 2}"
        if self.kind == "quarter":
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}..{(self.end - dt.timedelta(days=1)).isoformat()}"

    def label(self, language: str = "zh-hans") -> str:
        english = language.startswith("en")
        if self.kind == "half":
            half = 1 if self.start.month == 1 else 2
            return (f"{self.start.year} H{half}" if english
                    else f"{self.start.year}年{'上' if half == 1 else '下'}半年")
        if self.kind == "quarter":
            quarter = (self.start.month - 1) // 3 + 1
            return f"{self.start.year} Q{quarter}" if english else (
                f"{self.start.year}年第{quarter}季度")
        if self.kind == "month":
            return f"{self.start:%Y-%m}" if english else (
                f"{self.start.year}年{self.start.month}月")
        last = self.end - dt.timedelta(days=1)
        return f"{self.start.isoformat()} – {last.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def bounds(self, zone: str) -> tuple[dt.datetime, dt.datetime]:
        """Aware ``[start, end)`` instants at local midnight in ``zone``."""
        tz = ZoneInfo(zone)
        return (dt.datetime.combine(self.start, dt.time(), tz),
                dt.datetime.combine(self.end, dt.time(), tz))

    def previous(self) -> Period:
        """The period of the same kind and length just before this one."""
        if self.kind == "half":
            return Period("half", _add_months(self.start, -6), self.start)
        if self.kind == "quarter":
            return Period("quarter", _add_months(self.start, -3), self.start)
        if self.kind == "month":
            return Period("month", _add_months(self.start, -1), self.start)
        return Period("custom", self.start - dt.timedelta(days=self.days), self.start)

    def months(self) -> list[Period]:
        """The calendar months the period touches, clipped to it (for trend charts)."""
        result, cursor = [], self.start
        while cursor < self.end:
            nxt = _add_months(dt.date(cursor.year, cursor.month, 1), 1)
            kind = "month" if cursor.day == 1 and nxt <= self.end else "custom"
            result.append(Period(kind, cursor, min(nxt, self.end)))
            cursor = nxt
        return result


def parse_period(text: str) -> Period:
    """``2026H2``, ``2026Q3``, ``2026-07`` or ``2026-07-01..2026-09-30``."""
    raw = text.strip()
    if match := _HALF.match(raw):
        year, half = int(match[1]), int(match[2])
        start = dt.date(year, 1 if half == 1 else 7, 1)
        return Period("half", start, _add_months(start, 6))
    if match := _QUARTER.match(raw):
        start = dt.date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1)
        return Period("quarter", start, _add_months(start, 3))
    if match := _MONTH.match(raw):
        month = int(match[2])
        if not 1 <= month <= 12:
            raise QualityError(QualityErrorCode.INVALID, f"no month {month} in {raw!r}")
        start = dt.date(int(match[1]), month, 1)
        return Period("month", start, _add_months(start, 1))
    if match := _CUSTOM.match(raw):
        try:
            first, last = dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2])
        except ValueError as exc:
            raise QualityError(QualityErrorCode.INVALID,
                               gettext("%(period)s: not a date written YYYY-MM-DD")
                               % {"period": repr(raw)}) from exc
        if last < first:
            raise QualityError(QualityErrorCode.INVALID,
                               gettext("%(period)s: the last day comes before the first")
                               % {"period": repr(raw)})
        return Period("custom", first, last + dt.timedelta(days=1))
    raise QualityError(QualityErrorCode.INVALID,
                       gettext("unknown period %(period)s: use 2026H2, 2026Q3, 2026-07 or "
                               "2026-07-01..2026-09-30") % {"period": repr(raw)})


def last_complete_half(today: dt.date) -> Period:
    """The most recent half-year that has ended by ``today``."""
    if today.month >= 7:
        return parse_period(f"{today.year}H1")
    return parse_period(f"{today.year - 1}H2")
