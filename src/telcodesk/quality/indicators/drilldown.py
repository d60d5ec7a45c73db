"""The records behind a figure: the clocks, survey answers, calls, counters or billing
counts a figure was computed from, limited to the viewer's branch subtree.

Every family goes through the selector that decides who sees those records on the
pages that list them (SLA clocks, survey answers, hotline calls as contacts:
``calls_visible_to``, counters and billing counts): a drill-down never shows a
record its viewer could not open elsewhere.

The selection repeats the figure's own rule (``compute``): requests finished in
the period (stopped clocks), accepted survey answers received in it, calls that
entered a queue in it, counters of its days, billing counts of its months; for
the scope's branch subtree and area. ``only_late`` keeps what failed: requests
not finished within their limit, dissatisfied answers, calls not answered
within the threshold. Counters of cells without a branch and billing counts kept
for the whole operator are the operator's: every staff member sees them in the
operator-wide selection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from telcodesk.care.selectors.complaint_stats import survey_answers_behind
from telcodesk.care.selectors.hotline_report import calls_behind
from telcodesk.core.clock import operator_zone
from telcodesk.core.models import OrgUnit, OrgUnitKind, User
from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.indicators.definitions import (
    BY_CODE,
    IndicatorDefinition,
)
from telcodesk.quality.indicators.periods import Period
from telcodesk.quality.indicators.types import IndicatorResult, Scope, Source
from telcodesk.quality.models import BillingErrorCount, NetworkCounter
from telcodesk.quality.selectors.membership import indicator_members
from telcodesk.quality.selectors.network import scope_with_unplaced
from telcodesk.sla.selectors import finished_clocks

AREAS = ("urban", "rural")


@dataclass(frozen=True)
class RecordsBehind:
    """What a figure is made of, for one viewer: ``records`` is an unsliced queryset
    (the page paginates it) of clocks, survey answers, calls, counters or counts."""

    definition: IndicatorDefinition
    period: Period
    source: Source
    unit: OrgUnit | None  # the branch asked for (None: the whole operator)
    area: str  # "urban", "rural" or "" (both)
    only_late: bool
    records: QuerySet[Any]
    applicable: bool = True  # False: the hotline outside the operator-wide scope

    @property
    def start(self) -> dt.datetime:
        return self.period.bounds(str(operator_zone()))[0]

    @property
    def end(self) -> dt.datetime:
        return self.period.bounds(str(operator_zone()))[1]


def _unit(code: str) -> OrgUnit | None:
    if not code:
        return None
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise QualityError(QualityErrorCode.NOT_FOUND, f"unknown unit {code!r}")
    return unit


def records_behind(*, user: User, code: str, period: Period, scope: Scope | None = None,
                   unit_code: str = "", area: str = "",
                   only_late: bool = False) -> RecordsBehind:
    """The records behind indicator ``code`` for ``period`` and a scope: ``scope`` (a
    table's scope: its unit for a city/county, its area for urban/rural), or
    ``unit_code`` and ``area`` given separately (an area inside one unit's report)."""
    definition = BY_CODE.get(code)
    if definition is None:
        raise QualityError(QualityErrorCode.NOT_FOUND,
                           f"unknown indicator {code!r} (known: {', '.join(BY_CODE)})")
    if scope is not None:
        if scope.kind in AREAS:
            area = area or scope.kind
        unit_code = unit_code or scope.unit_code
    if area and area not in AREAS:
        raise QualityError(QualityErrorCode.INVALID, f"unknown area {area!r} (urban or rural)")
    unit = _unit(unit_code)
    start, end = period.bounds(str(operator_zone()))
    path = unit.path if unit is not None else None
    operator_wide = unit is None or unit.kind in (OrgUnitKind.OPERATOR, OrgUnitKind.PROVINCE)
    records: QuerySet[Any]
    applicable = True
    if definition.source == "sla" or (definition.source == "complaints" and definition.kinds):
        records = _clocks(definition, start, end, path, area, only_late, user)
    elif definition.source == "complaints":
        records = survey_answers_behind(start=start, end=end, user=user, unit_path=path,
                                        area=area or None, only_dissatisfied=only_late)
    elif definition.source == "hotline":
        applicable = operator_wide and not area
        records = calls_behind(start=start, end=end, statistic=definition.statistic,
                               user=user, only_late=only_late)
        if not applicable:
            records = records.none()
    elif definition.source == "network":
        records = _counters(period, path, area, user)
    else:
        records = _billing(period, path, area, user)
    return RecordsBehind(definition=definition, period=period, source=definition.source,
                         unit=unit, area=area, only_late=only_late, records=records,
                         applicable=applicable)


def _clocks(definition: IndicatorDefinition, start: dt.datetime, end: dt.datetime,
            path: str | None, area: str, only_late: bool, user: User) -> QuerySet[Any]:
    wanted = definition.area if definition.area != "any" else area
    members = (indicator_members().get(definition.measure, frozenset())
               if definition.measure else None)
    clocks = finished_clocks(start=start, end=end, kinds=definition.kinds,
                             service=definition.service or None, area=wanted or None,
                             unit_path=path, only_late=only_late, user=user, members=members)
    if area and wanted != area:
        return clocks.none()  # an urban indicator in the rural table: nothing behind it
    if definition.statistic == "maximum":
        return clocks.order_by("-indicator_duration", "pk")
    return clocks


def _counters(period: Period, path: str | None, area: str, user: User) -> QuerySet[Any]:
    counters = NetworkCounter.objects.filter(
        scope_with_unplaced(user, "cell__org_unit"), day__gte=period.start, day__lt=period.end)
    if path:
        counters = counters.filter(cell__org_unit__path__startswith=path)
    if area:
        counters = counters.filter(cell__org_unit__area=area)
    return counters.select_related("cell", "cell__org_unit").order_by("day", "cell__code")


def _billing(period: Period, path: str | None, area: str, user: User) -> QuerySet[Any]:
    counts = BillingErrorCount.objects.filter(
        scope_with_unplaced(user, "org_unit"), month__gte=period.start, month__lt=period.end)
    if path:
        counts = counts.filter(org_unit__path__startswith=path)
    if area:
        counts = counts.filter(org_unit__area=area)
    return counts.select_related("org_unit").order_by("month", "org_unit__path")


def drill_url(result: IndicatorResult, period: Period, scope: Scope) -> str | None:
    """The console link to the records behind ``result`` (None for a figure with none:
    the hotline outside the operator-wide table). ``period`` and ``scope`` are used when
    the result carries no drill-down filters of its own."""
    if result.drill is None:
        return None
    filters = dict(result.drill.filters)
    filters.setdefault("code", result.code)
    filters.setdefault("period", period.code)
    if scope.kind in AREAS:
        filters.setdefault("area", scope.kind)
    elif scope.unit_code:
        filters.setdefault("unit", scope.unit_code)
    return f"{reverse('console:indicator_records')}?{urlencode(filters)}"


def late_url(result: IndicatorResult, period: Period, scope: Scope) -> str | None:
    """``drill_url`` keeping only the records that failed (late, dissatisfied …)."""
    url = drill_url(result, period, scope)
    return f"{url}&late=1" if url else None
