"""The indicator sources read from daily totals where they are counted, from the rows
elsewhere — with exactly the results of the row queries.

``finished_clock_totals``, ``survey_totals`` and ``hotline_totals`` take the arguments
and return the rows of ``sla.selectors.finished_clock_totals``,
``care.selectors.complaint_stats.survey_totals`` and
``care.selectors.hotline_report.hotline_totals``. The days of ``[start, end)`` before the
source's watermark (``TotalsState.counted_until``) that no ``TotalsChange`` names are
summed from the daily totals (one aggregate query over a few hundred rows per day);
every other day — the open day, days changed since they were counted, everything when
the totals were kept under other settings — is read from the rows by the row query
itself, over as few ranges as possible. Sums, counts and maxima add up over days, so
the two parts together give the row query's figures exactly.

``daily_rows`` is what a day's totals must hold (used to write them and to verify them);
``differences`` compares the stored totals with it (``telcodesk report --verify``).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q, Sum

from telcodesk.care.selectors import complaint_stats, hotline_report
from telcodesk.care.selectors.complaint_stats import SurveyTotals
from telcodesk.care.selectors.hotline_report import HotlineTotals
from telcodesk.core.changes import CALLS, CLOCKS, SURVEYS
from telcodesk.core.clock import operator_zone
from telcodesk.quality.indicators.definitions import SLA_KINDS
from telcodesk.quality.models import (
    DailyCallTotal,
    DailyClockTotal,
    DailySurveyTotal,
    TotalsChange,
    TotalsState,
)
from telcodesk.sla import selectors as sla_selectors
from telcodesk.sla.selectors import ClockTotals, bucket_starts, day_bucket_index

# The clock kinds kept in the totals: those the indicators read.
STORED_KINDS: tuple[str, ...] = (*SLA_KINDS, "complaint_reply")
# At most this many separate ranges are read from the rows in one call; closer ranges
# are joined (reading the counted days between them from the rows as well).
MAX_RAW_RANGES = 6
FOUR_PLACES = Decimal("0.0001")
# The memory a report's GROUP BY queries may hash their groups in, on PostgreSQL.
REPORT_WORK_MEM = "64MB"

Run = tuple[dt.date, dt.date]  # [first day, end day)


def fingerprint(source: str) -> str:
    """The settings a source's totals depend on: the operator's zone (days are its
    local days); for calls also every queue's threshold and the grace period."""
    zone = str(operator_zone())
    if source == CALLS:
        return f"{zone};{hotline_report.thresholds_fingerprint()}"
    return zone


@contextmanager
def report_reads() -> Iterator[None]:
    """The reads of one report, in one transaction. On PostgreSQL its GROUP BY queries
    may use ``REPORT_WORK_MEM`` (this transaction only, put back afterwards): the
    planner expects tens of thousands of groups (it cannot count the buckets of a
    ``width_bucket`` key), finds they do not fit the default 4 MB and sorts every
    daily total on disk instead of hashing some 15,000 groups, several times slower.

    SQLite reads in autocommit, as before: its transactions begin IMMEDIATE (settings),
    which would hold the one write lock for the whole report and make every writer
    (console, clock, SMS dispatcher) wait."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('work_mem'), "
                           "set_config('work_mem', %s, true)", [REPORT_WORK_MEM])
            before = cursor.fetchone()[0]
        # A read that fails rolls the setting back with the transaction (or savepoint).
        yield
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [before])


def midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), zone)


def _runs(flags: list[bool], first: dt.date, wanted: bool) -> list[Run]:
    runs: list[Run] = []
    start: int | None = None
    for index, flag in enumerate([*flags, not wanted]):
        if flag == wanted and start is None:
            start = index
        elif flag != wanted and start is not None:
            runs.append((first + dt.timedelta(days=start), first + dt.timedelta(days=index)))
            start = None
    return runs


@dataclass(frozen=True)
class Plan:
    """Which days of a read come from the totals and which from the rows."""

    days: list[dt.date]  # local first day of every bucket
    counted: list[Run]  # read from the daily totals
    raw: list[Run]  # read from the rows

    def bucket_day(self, day: dt.date) -> dt.date:
        return self.days[bisect.bisect_right(self.days, day) - 1]

    def counted_q(self) -> Q:
        q = Q(pk__in=[])
        for first, end in self.counted:
            q |= Q(day__gte=first, day__lt=end)
        return q


def plan(source: str, *, start: dt.datetime, end: dt.datetime, zone: ZoneInfo,
         splits: Sequence[dt.datetime] = ()) -> Plan | None:
    """How to read ``[start, end)`` of ``source`` cut at ``splits``; None when no day of
    it can come from the totals (then the row query reads it all)."""
    starts = bucket_starts(start=start, end=end, zone=zone, splits=splits)
    if any(s.astimezone(zone).time() != dt.time() for s in [*starts, end]):
        return None  # a bucket does not start at a local midnight
    days = [s.astimezone(zone).date() for s in starts]
    first, end_day = days[0], end.astimezone(zone).date()
    state = TotalsState.objects.filter(source=source).first()
    if (state is None or state.counted_until is None
            or state.fingerprint != fingerprint(source)):
        return None
    until = min(state.counted_until, end_day)
    if until <= first:
        return None
    raw = [day >= until for day in _days(first, end_day)]
    for changed_first, changed_last in TotalsChange.objects.filter(
            source=source, first_day__lt=until, last_day__gte=first).values_list(
            "first_day", "last_day"):
        low = max((changed_first - first).days, 0)
        high = min((changed_last - first).days, (until - first).days - 1)
        for index in range(low, high + 1):
            raw[index] = True
    _join_raw_ranges(raw)
    return Plan(days=days, counted=_runs(raw, first, wanted=False),
                raw=_runs(raw, first, wanted=True))


def _days(first: dt.date, end: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((end - first).days)]


def _join_raw_ranges(raw: list[bool]) -> None:
    """Read counted days from the rows too (the shortest gaps first) until at most
    ``MAX_RAW_RANGES`` ranges are left to read from the rows."""
    origin = dt.date(2000, 1, 1)
    while True:
        runs = _runs(raw, origin, wanted=True)
        if len(runs) <= MAX_RAW_RANGES:
            return
        gaps = [((runs[i + 1][0] - runs[i][1]).days, i) for i in range(len(runs) - 1)]
        _, i = min(gaps)
        for index in range((runs[i][1] - origin).days, (runs[i + 1][0] - origin).days):
            raw[index] = True


def _raw_parts(p: Plan, zone: ZoneInfo, read: Callable[..., list[Any]]) -> list[Any]:
    """The row query over each range of ``p.raw``, its rows moved to their buckets."""
    found: list[Any] = []
    for first, end in p.raw:
        splits = [midnight(day, zone) for day in p.days if first < day < end]
        for row in read(start=midnight(first, zone), end=midnight(end, zone), zone=zone,
                        splits=splits):
            found.append(replace(row, month=p.bucket_day(row.month)))
    return found


# --- the three sources ----------------------------------------------------------------


def finished_clock_totals(*, start: dt.datetime, end: dt.datetime,
                          kinds: Sequence[str] = SLA_KINDS, zone: ZoneInfo | None = None,
                          splits: Sequence[dt.datetime] = ()) -> list[ClockTotals]:
    """``sla.selectors.finished_clock_totals``, counted days read from the totals."""
    zone = zone or operator_zone()
    p = None if set(kinds) - set(STORED_KINDS) else plan(
        CLOCKS, start=start, end=end, zone=zone, splits=splits)
    if p is None:
        return sla_selectors.finished_clock_totals(start=start, end=end, kinds=kinds,
                                                   zone=zone, splits=splits)

    def read(**bounds: Any) -> list[ClockTotals]:
        return sla_selectors.finished_clock_totals(kinds=kinds, **bounds)

    rows: list[ClockTotals] = _raw_parts(p, zone, read)
    if p.counted:
        days = p.days
        for (service, kind, area, unit, limit_unit, request_types, bucket, count, timely,
             total, longest) in (
                DailyClockTotal.objects.filter(p.counted_q(), kind__in=list(kinds))
                .annotate(bucket=day_bucket_index("day", days))
                .values_list("service", "kind", "area", "org_unit_id", "limit_unit",
                             "request_types", "bucket")
                .annotate(n=Sum("count"), on_time=Sum("timely"), total=Sum("duration_sum"),
                          longest=Max("duration_max"))
                .order_by()):
            rows.append(ClockTotals(
                service=service, kind=kind, area=area, org_unit_id=unit, month=days[bucket],
                limit_unit=limit_unit, count=int(count), duration_sum=Decimal(total or 0),
                timely=int(timely),
                duration_max=None if longest is None else Decimal(longest),
                request_types=request_types))
    return rows


def survey_totals(*, start: dt.datetime, end: dt.datetime, zone: ZoneInfo | None = None,
                  splits: Sequence[dt.datetime] = ()) -> list[SurveyTotals]:
    """``care.selectors.complaint_stats.survey_totals``, counted days from the totals."""
    zone = zone or operator_zone()
    p = plan(SURVEYS, start=start, end=end, zone=zone, splits=splits)
    if p is None:
        return complaint_stats.survey_totals(start=start, end=end, zone=zone, splits=splits)
    rows: list[SurveyTotals] = _raw_parts(p, zone, complaint_stats.survey_totals)
    if p.counted:
        for row in (DailySurveyTotal.objects.filter(p.counted_q())
                    .annotate(bucket=day_bucket_index("day", p.days))
                    .values("org_unit_id", "area", "bucket")
                    .annotate(s=Sum("satisfied"), f=Sum("fairly_satisfied"),
                              d=Sum("dissatisfied"))
                    .order_by()):
            rows.append(SurveyTotals(org_unit_id=row["org_unit_id"],  # type: ignore[arg-type]
                                     area=row["area"],
                                     month=p.days[row["bucket"]], satisfied=int(row["s"]),
                                     fairly_satisfied=int(row["f"]),
                                     dissatisfied=int(row["d"])))
    return rows


def hotline_totals(*, start: dt.datetime, end: dt.datetime, zone: ZoneInfo | None = None,
                   splits: Sequence[dt.datetime] = ()) -> list[HotlineTotals]:
    """``care.selectors.hotline_report.hotline_totals`` (one row per bucket with calls),
    counted days from the totals."""
    zone = zone or operator_zone()
    p = plan(CALLS, start=start, end=end, zone=zone, splits=splits)
    if p is None:
        return hotline_report.hotline_totals(start=start, end=end, zone=zone, splits=splits)
    sums: dict[dt.date, list[int]] = {}
    for raw_row in _raw_parts(p, zone, hotline_report.hotline_totals):
        _add(sums, raw_row.month, [raw_row.offered, raw_row.answered,
                                   raw_row.answered_with_wait, raw_row.wait_seconds_answered,
                                   raw_row.answered_in_threshold, raw_row.abandoned_in_grace])
    if p.counted:
        for row in (DailyCallTotal.objects.filter(p.counted_q())
                    .annotate(bucket=day_bucket_index("day", p.days))
                    .values("bucket")
                    .annotate(o=Sum("offered"), a=Sum("answered"), w=Sum("answered_with_wait"),
                              s=Sum("wait_seconds_answered"), t=Sum("answered_in_threshold"),
                              g=Sum("abandoned_in_grace"))
                    .order_by()):
            _add(sums, p.days[row["bucket"]],
                 [int(row[k]) for k in ("o", "a", "w", "s", "t", "g")])
    exclude = bool(settings.TELCODESK_HOTLINE_EXCLUDE_SHORT_ABANDONS)
    return [HotlineTotals(month=month, offered=o, answered=a, answered_with_wait=w,
                          wait_seconds_answered=s, answered_in_threshold=t,
                          abandoned_in_grace=g, exclude_short_abandons=exclude)
            for month, (o, a, w, s, t, g) in sorted(sums.items()) if o]


def _add(sums: dict[dt.date, list[int]], month: dt.date, values: list[int]) -> None:
    found = sums.setdefault(month, [0] * len(values))
    for index, value in enumerate(values):
        found[index] += value


# --- what a day's totals hold ------------------------------------------------------------


Key = tuple[Any, ...]


def _clock_key(row: Any) -> Key:
    return (row.service, row.kind, row.area, row.org_unit_id, row.limit_unit or "",
            row.request_types or "", int(row.count), int(row.timely),
            Decimal(row.duration_sum).quantize(FOUR_PLACES),
            None if row.duration_max is None else Decimal(row.duration_max).quantize(
                FOUR_PLACES))


def _survey_key(row: Any) -> Key:
    return (row.org_unit_id, row.area or "", int(row.satisfied), int(row.fairly_satisfied),
            int(row.dissatisfied))


def _call_key(row: Any) -> Key:
    return (int(row.offered), int(row.answered), int(row.answered_with_wait),
            int(row.wait_seconds_answered), int(row.answered_in_threshold),
            int(row.abandoned_in_grace))


def daily_rows(source: str, *, first: dt.date, end: dt.date) -> dict[dt.date, list[Key]]:
    """What the totals of each local day of ``[first, end)`` hold, from the rows (one
    row query per month, cut at every midnight); days without records are absent."""
    zone = operator_zone()
    found: dict[dt.date, list[Key]] = {}
    cursor = first
    while cursor < end:
        month_end = min(end, (cursor.replace(day=1) + dt.timedelta(days=32)).replace(day=1))
        bounds: dict[str, Any] = {
            "start": midnight(cursor, zone), "end": midnight(month_end, zone), "zone": zone,
            "splits": [midnight(day, zone) for day in _days(cursor, month_end)[1:]]}
        rows: list[Any]
        if source == CLOCKS:
            rows = sla_selectors.finished_clock_totals(kinds=STORED_KINDS, **bounds)
            key: Callable[[Any], Key] = _clock_key
        elif source == SURVEYS:
            rows, key = complaint_stats.survey_totals(**bounds), _survey_key
        else:
            rows, key = hotline_report.hotline_totals(**bounds), _call_key
        for row in rows:
            found.setdefault(row.month, []).append(key(row))
        cursor = month_end
    return found


def stored_rows(source: str, *, first: dt.date, end: dt.date) -> dict[dt.date, list[Key]]:
    """What the totals of each day of ``[first, end)`` hold now."""
    found: dict[dt.date, list[Key]] = {}
    if source == CLOCKS:
        for clock in DailyClockTotal.objects.filter(day__gte=first, day__lt=end):
            found.setdefault(clock.day, []).append(_clock_key(clock))
    elif source == SURVEYS:
        for survey in DailySurveyTotal.objects.filter(day__gte=first, day__lt=end):
            found.setdefault(survey.day, []).append(_survey_key(survey))
    else:
        for call in DailyCallTotal.objects.filter(day__gte=first, day__lt=end):
            found.setdefault(call.day, []).append(_call_key(call))
    return found


@dataclass(frozen=True)
class Difference:
    source: str
    day: dt.date
    stored: int  # rows kept for the day
    computed: int  # rows the records give

    def __str__(self) -> str:
        return (f"{self.source} {self.day.isoformat()}: the totals kept differ from the "
                f"records ({self.stored} rows kept, {self.computed} computed)")


def differences(source: str) -> list[Difference]:
    """The counted days of ``source`` (before its watermark, not changed since) whose
    totals differ from what its records give now; [] when they all agree."""
    state = TotalsState.objects.filter(source=source).first()
    if state is None or state.counted_until is None:
        return []
    first_found = first_day(source)
    if first_found is None:
        first_found = state.counted_until
    stored_first = _first_stored_day(source)
    first = min(d for d in (first_found, stored_first, state.counted_until) if d is not None)
    end = state.counted_until
    changed: set[dt.date] = set()
    for changed_first, changed_last in TotalsChange.objects.filter(
            source=source, first_day__lt=end).values_list("first_day", "last_day"):
        changed.update(_days(changed_first, changed_last + dt.timedelta(days=1)))
    computed = daily_rows(source, first=first, end=end)
    stored = stored_rows(source, first=first, end=end)
    found = []
    for day in sorted(set(computed) | set(stored)):
        if day in changed:
            continue
        if Counter(computed.get(day, [])) != Counter(stored.get(day, [])):
            found.append(Difference(source=source, day=day, stored=len(stored.get(day, [])),
                                    computed=len(computed.get(day, []))))
    return found


def _first_stored_day(source: str) -> dt.date | None:
    model: Any = {CLOCKS: DailyClockTotal, SURVEYS: DailySurveyTotal,
                  CALLS: DailyCallTotal}[source]
    first: dt.date | None = model.objects.order_by("day").values_list(
        "day", flat=True).first()
    return first


def first_day(source: str) -> dt.date | None:
    """The local day of the source's earliest record (None: it has none)."""
    if source == CLOCKS:
        instant = sla_selectors.first_finished_at()
    elif source == SURVEYS:
        instant = complaint_stats.first_accepted_answer_at()
    else:
        instant = hotline_report.first_counted_call_at()
    return None if instant is None else instant.astimezone(operator_zone()).date()


def watermarks() -> dict[str, dt.date | None]:
    """Each source's first day not counted yet (None: nothing counted)."""
    found = dict(TotalsState.objects.values_list("source", "counted_until"))
    return {source: found.get(source) for source in (CLOCKS, SURVEYS, CALLS)}
