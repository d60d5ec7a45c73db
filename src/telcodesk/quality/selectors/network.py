"""Reads of the busy-hour network counters.

``network_totals`` is what the indicator engine calls: the counters summed in
one aggregate query, grouped by the cells' org unit and by month. The rates are
ratios of these sums (``quality.network.formulas``); to get a city's or the
operator's figure, add the totals of its units first (``combine_network_totals``)
and divide once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from telcodesk.core.models import OrgUnit, User
from telcodesk.core.selectors import scope_q, visible_org_units
from telcodesk.quality.models import NetworkCell, NetworkCounter, NetworkImport
from telcodesk.quality.network import formulas
from telcodesk.quality.network.csv_format import COUNTS
from telcodesk.sla.selectors import day_bucket_index

# Units a cell may be placed in.
CELL_UNIT_KINDS = ("city", "county")


@dataclass(frozen=True)
class NetworkTotals:
    """Busy-hour counters summed over the cell-days of one org unit and month.

    ``org_unit_id`` is the cells' unit; ``None`` for cells not placed in a unit
    yet (they count for the operator, not for a city). ``month`` is the first
    day of the month.
    """

    org_unit_id: int | None
    month: dt.date
    cell_days: int
    call_attempts: int
    answered: int
    called_busy: int
    no_answer: int
    unreachable: int
    tch_requests: int
    tch_failures_no_channel: int
    connected_calls: int
    dropped_calls: int

    @property
    def reached(self) -> int:
        """The connection rate's numerator: answered + called busy + no answer + unreachable."""
        return int(formulas.connection_numerator(
            answered=self.answered, called_busy=self.called_busy, no_answer=self.no_answer,
            unreachable=self.unreachable))

    @property
    def connection_rate(self) -> Decimal | None:
        return formulas.ratio(self.reached, self.call_attempts)

    @property
    def congestion_rate(self) -> Decimal | None:
        return formulas.congestion_rate(tch_failures_no_channel=self.tch_failures_no_channel,
                                        tch_requests=self.tch_requests)

    @property
    def drop_rate(self) -> Decimal | None:
        return formulas.drop_rate(dropped_calls=self.dropped_calls,
                                  connected_calls=self.connected_calls)


def combine_network_totals(items: Iterable[NetworkTotals], *, org_unit_id: int | None = None,
                           month: dt.date | None = None) -> NetworkTotals:
    """Add totals up (several units, several months) into one; ``month`` defaults to
    the earliest month added."""
    rows = list(items)
    sums = {name: sum(getattr(row, name) for row in rows) for name in COUNTS}
    first = month or (min(row.month for row in rows) if rows else dt.date.min)
    return NetworkTotals(org_unit_id=org_unit_id, month=first,
                         cell_days=sum(row.cell_days for row in rows), **sums)


def network_totals(*, start: dt.date, end: dt.date) -> list[NetworkTotals]:
    """Counters of the days ``[start, end)`` summed per cell org unit and month.

    One aggregate query: ``GROUP BY`` the cell's org unit and the month of the day
    (a bucket index of plain date comparisons, no date function per row).
    """
    months = _month_starts(start, end)
    rows: Any = (NetworkCounter.objects.filter(day__gte=start, day__lt=end)
                 .annotate(bucket=day_bucket_index("day", months))
                 .values("cell__org_unit_id", "bucket")
                 .annotate(cell_days=Count("id"), **{name: Sum(name) for name in COUNTS})
                 .order_by("bucket", "cell__org_unit_id"))
    return [NetworkTotals(org_unit_id=row["cell__org_unit_id"],
                          month=months[row["bucket"]].replace(day=1),
                          cell_days=row["cell_days"],
                          **{name: int(row[name] or 0) for name in COUNTS})
            for row in rows]


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """``start`` and the first day of every later month before ``end``."""
    starts = [start]
    cursor = start.replace(day=1)
    while True:
        cursor = (cursor.replace(year=cursor.year + 1, month=1) if cursor.month == 12
                  else cursor.replace(month=cursor.month + 1))
        if cursor >= end:
            return starts
        starts.append(cursor)


# --- the console pages ----------------------------------------------------------------


def network_import_list() -> QuerySet[NetworkImport]:
    """Every counter import, newest first (imports are operator-wide files), with the
    cell-days still stored from each (``stored``)."""
    return (NetworkImport.objects.select_related("imported_by").order_by("-imported_at", "-id")
            .annotate(stored=Count("counters")))


def cell_units(user: User) -> QuerySet[OrgUnit]:
    """Units the viewer may place a cell in: the cities and counties of their subtree."""
    return visible_org_units(user).filter(kind__in=CELL_UNIT_KINDS).order_by("path")


def visible_cells(user: User, *, search: str = "", unit: OrgUnit | None = None,
                  without_unit: bool = False) -> QuerySet[NetworkCell]:
    """Cells of the viewer's subtree and the cells not placed in a unit yet."""
    cells = NetworkCell.objects.select_related("org_unit").filter(
        scope_with_unplaced(user, "org_unit"))
    if search:
        cells = cells.filter(Q(code__icontains=search) | Q(name__icontains=search))
    if unit is not None:
        cells = cells.filter(org_unit__path__startswith=unit.path)
    if without_unit:
        cells = cells.filter(org_unit__isnull=True)
    return cells.annotate(cell_days=Count("counters"),
                          last_day=Max("counters__day")).order_by("code")


def cell_by_code(code: str) -> NetworkCell | None:
    return NetworkCell.objects.select_related("org_unit").filter(code=code).first()


@dataclass(frozen=True)
class CellTotals:
    """One cell's counters summed over a range of days (the drill-down rows)."""

    cell: NetworkCell
    totals: NetworkTotals
    first_day: dt.date
    last_day: dt.date


def cell_totals(user: User, *, start: dt.date, end: dt.date, unit: OrgUnit | None = None,
                unplaced: bool = False) -> list[CellTotals]:
    """Per-cell sums of ``[start, end)`` for the cells of ``unit``'s subtree (or of
    the cells without a unit), worst congestion first. One aggregate query."""
    counters = NetworkCounter.objects.filter(day__gte=start, day__lt=end).filter(
        scope_with_unplaced(user, "cell__org_unit"))
    if unplaced:
        counters = counters.filter(cell__org_unit__isnull=True)
    elif unit is not None:
        counters = counters.filter(cell__org_unit__path__startswith=unit.path)
    rows: Any = list(counters.values("cell_id").annotate(
        cell_days=Count("id"), first_day=Min("day"), last_day=Max("day"),
        **{name: Sum(name) for name in COUNTS}))
    cells = NetworkCell.objects.select_related("org_unit").in_bulk([r["cell_id"] for r in rows])
    result = []
    for row in rows:
        cell = cells[row["cell_id"]]
        totals = NetworkTotals(org_unit_id=cell.org_unit_id, month=start,
                               cell_days=row["cell_days"],
                               **{name: int(row[name] or 0) for name in COUNTS})
        result.append(CellTotals(cell=cell, totals=totals, first_day=row["first_day"],
                                 last_day=row["last_day"]))
    result.sort(key=lambda r: (-(r.totals.congestion_rate or 0), -(r.totals.drop_rate or 0),
                               r.cell.code))
    return result


def counter_summary() -> dict[str, object]:
    """Counts for the imports page: stored cell-days, cells, cells without a unit, days."""
    stored = NetworkCounter.objects.aggregate(cell_days=Count("id"), first_day=Min("day"),
                                              last_day=Max("day"))
    cells = NetworkCell.objects.aggregate(cells=Count("id"),
                                          unplaced=Count("id", filter=Q(org_unit__isnull=True)))
    return {**stored, **cells}


def scope_with_unplaced(user: User, field: str) -> Q:
    """Rows whose unit lies in the viewer's subtree, and rows without a unit (they are
    the operator's). Superusers see everything."""
    if user.is_superuser:
        return Q()
    return scope_q(user, field) | Q(**{f"{field}__isnull": True})
