"""Compute every indicator for a period: the operator (or one unit), its cities,
counties and urban/rural areas, the monthly trend and the previous period.

Each source is read ONCE for the whole report over ``[previous period's start,
period's end)``, grouped by branch, area, month (cut at the period's start) and
the source's own keys (``indicators.sources``): the clocks, survey answers and
calls from their daily totals for the days counted and from the rows for the
rest (``quality.selectors.totals``, the same figures exactly; ``totals=False``
reads every row), the counters and billing counts from their tables. The rows
are then rolled up in Python over the org-unit tree (branches are few): a row
counts for the scope (the operator or the unit asked for), for its city, its
county and its area.

Values stay exact (``Decimal``, unrounded): a mean is Σ ÷ n in the limit's unit,
a rate is numerator × 100 ÷ denominator (percent), the billing error rate a bare
ratio. A figure without records has the value ``None`` ("no data"). Rounding
happens only in ``IndicatorDefinition.format``.

Targets: the time-limit indicators take theirs from the ``any``-tier service
standard of the indicator's area in force at the end of the period (the
strictest of urban and rural when the scope mixes them); the others from the
``IndicatorTarget`` in force then (``quality.selectors.target_in_force``).
Every time-limit figure also carries the regulator's limits its requests were
judged against (``IndicatorResult.limits``), which every export prints.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from telcodesk.core.clock import operator_zone
from telcodesk.core.models import OrgUnit, OrgUnitKind
from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.indicators import sources
from telcodesk.quality.indicators.definitions import (
    INDICATORS,
    SLA_KINDS,
    IndicatorDefinition,
)
from telcodesk.quality.indicators.periods import Period
from telcodesk.quality.indicators.types import (
    DrillDown,
    Figure,
    IndicatorReport,
    IndicatorResult,
    IndicatorTable,
    JudgedLimit,
    Scope,
    Target,
)
from telcodesk.quality.selectors import totals as totals_selectors
from telcodesk.quality.selectors.membership import indicator_members, is_member
from telcodesk.quality.selectors.targets import target_edges, targets_in_force
from telcodesk.sla.selectors import bucket_starts, standard_edges, standards_in_force

if TYPE_CHECKING:
    from telcodesk.sla.models import ServiceStandard

HUNDRED = Decimal(100)
OPERATOR_KEY = ("op", "")
AREAS = ("urban", "rural")
AREA_LABELS = {"urban": ("城镇", "Urban"), "rural": ("农村", "Rural")}
COMPLAINT_REPLY = "complaint_reply"


# --- accumulating -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Acc:
    """What a figure is made of, summed over rows (one window of buckets)."""

    records: int = 0
    numerator: Decimal = Decimal(0)
    denominator: Decimal = Decimal(0)
    maximum: Decimal | None = None


ScopeKey = tuple[str, str]  # ("op", ""), ("city", code), ("county", code), ("area", urban)


@dataclass(slots=True)
class _Series:
    """One figure's inputs for one scope, bucket by bucket (lists indexed by bucket).
    A list may be shared with another figure of the same rows (a timely rate's records
    are its denominator)."""

    records: list[int]
    numerator: list[Decimal | int]
    denominator: list[Decimal | int]
    maximum: list[Decimal | None]

    def window(self, low: int, high: int) -> _Acc:
        """The sums over the buckets ``[low, high)``, added up as ``Decimal`` from 0
        (exactly what adding the rows one by one gives)."""
        found = [m for m in self.maximum[low:high] if m is not None]
        return _Acc(records=sum(self.records[low:high]),
                    numerator=cast(Decimal, sum(self.numerator[low:high], Decimal(0))),
                    denominator=cast(Decimal, sum(self.denominator[low:high], Decimal(0))),
                    maximum=max(found) if found else None)  # the first of equal maxima


# (indicator code, scope key) -> its inputs by bucket
Store = dict[tuple[str, ScopeKey], _Series]


def _series(store: Store, code: str, key: ScopeKey, size: int) -> _Series:
    series = store.get((code, key))
    if series is None:
        series = store[(code, key)] = _Series(records=[0] * size, numerator=[0] * size,
                                              denominator=[0] * size, maximum=[None] * size)
    return series


def _add(store: Store, code: str, keys: Iterable[ScopeKey], bucket: int, size: int, *,
         records: int, numerator: Decimal | int, denominator: Decimal | int) -> None:
    """Add one row's inputs of figure ``code`` to every scope it counts for."""
    for key in keys:
        series = _series(store, code, key, size)
        series.records[bucket] += records
        series.numerator[bucket] += numerator
        series.denominator[bucket] += denominator


def figure_of(definition: IndicatorDefinition, acc: _Acc | None) -> Figure:
    """The figure of ``definition`` from its summed inputs (``None`` value: no data)."""
    if acc is None or acc.records == 0:
        return Figure(value=None, records=0)
    if definition.statistic == "maximum":
        return Figure(value=acc.maximum, records=acc.records)
    num, den = acc.numerator, acc.denominator
    if not den:
        return Figure(value=None, records=acc.records, numerator=num, denominator=den)
    value = num * HUNDRED / den if definition.unit == "percent" else num / den
    return Figure(value=value, records=acc.records, numerator=num, denominator=den)


# --- the org tree ------------------------------------------------------------------------------


@dataclass
class _Tree:
    root: OrgUnit
    operator_wide: bool  # the scope is the whole operator (rows without a branch count)
    units: dict[int, OrgUnit]
    keys: dict[int | None, tuple[ScopeKey, ...]] = field(default_factory=dict)
    by_code: dict[str, OrgUnit] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_code = {unit.code: unit for unit in self.units.values()}

    def scope_keys(self, unit_id: int | None, area: str) -> tuple[ScopeKey, ...]:
        """The scopes a row of branch ``unit_id`` and ``area`` counts for."""
        base = self.keys.get(unit_id)
        if base is None:
            base = self._unit_keys(unit_id)
            self.keys[unit_id] = base
        if not base:
            return base
        if area in AREAS:
            return (*base, ("area", area))
        return base

    def _unit_keys(self, unit_id: int | None) -> tuple[ScopeKey, ...]:
        if unit_id is None:
            return (OPERATOR_KEY,) if self.operator_wide else ()
        unit = self.units.get(unit_id)
        if unit is None or not unit.path.startswith(self.root.path):
            return ()
        keys: list[ScopeKey] = [OPERATOR_KEY]
        for ancestor_code in unit.path.strip("/").split("/"):
            ancestor = self.by_code.get(ancestor_code)
            if ancestor is None or ancestor.pk == self.root.pk:
                continue
            if not ancestor.path.startswith(self.root.path):
                continue
            if ancestor.kind == OrgUnitKind.CITY:
                keys.append(("city", ancestor.code))
            elif ancestor.kind == OrgUnitKind.COUNTY:
                keys.append(("county", ancestor.code))
        return tuple(keys)

    def unit_area(self, unit_id: int | None) -> str:
        unit = self.units.get(unit_id) if unit_id is not None else None
        return unit.area if unit is not None else ""

    def below(self, kind: str) -> list[OrgUnit]:
        return sorted((u for u in self.units.values()
                       if u.kind == kind and u.pk != self.root.pk
                       and u.path.startswith(self.root.path)), key=lambda u: u.path)


def _tree(unit_code: str | None) -> _Tree:
    units = {u.pk: u for u in OrgUnit.objects.all()}
    if unit_code:
        root = next((u for u in units.values() if u.code == unit_code), None)
        if root is None:
            cities = ", ".join(sorted(u.code for u in units.values()
                                      if u.kind == OrgUnitKind.CITY)) or "none"
            raise QualityError(QualityErrorCode.NOT_FOUND,
                               f"unknown unit {unit_code!r} (known cities: {cities})")
        operator_wide = root.kind in (OrgUnitKind.OPERATOR, OrgUnitKind.PROVINCE)
    else:
        tops = sorted((u for u in units.values() if u.parent_id is None), key=lambda u: u.path)
        if not tops:
            raise QualityError(QualityErrorCode.NOT_FOUND,
                               "no organisation units: create the operator first")
        root = tops[0]
        operator_wide = True
    return _Tree(root=root, operator_wide=operator_wide, units=units)


# --- buckets --------------------------------------------------------------------------------


@dataclass
class _Buckets:
    days: list[dt.date]  # start day of every bucket, sorted
    end: dt.date  # exclusive end of the last bucket
    _spans: dict[tuple[dt.date, dt.date], tuple[int, int] | None] = field(default_factory=dict)
    _index: dict[dt.date, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.days)

    def index(self, day: dt.date) -> int:
        found = self._index.get(day)
        if found is None:
            found = self._index[day] = bisect.bisect_right(self.days, day) - 1
        return found

    def span(self, start: dt.date, end: dt.date) -> tuple[int, int] | None:
        """The buckets ``[low, high)`` making up ``[start, end)``; None when it does not
        fall on bucket bounds (then the figure cannot be given from these rows)."""
        key = (start, end)
        if key not in self._spans:
            bounds = [*self.days, self.end]
            self._spans[key] = (
                None if start not in bounds or end not in bounds or end <= start
                else (bounds.index(start), bounds.index(end)))
        return self._spans[key]


# --- reading the sources -----------------------------------------------------------------------


def _matches(definition: IndicatorDefinition, members: dict[str, frozenset[str]],
             service: str, kind: str, area: str, request_types: str) -> bool:
    if kind not in definition.kinds:
        return False
    if definition.service and service != definition.service:
        return False
    if definition.area != "any" and area != definition.area:
        return False
    return not definition.measure or is_member(members.get(definition.measure, frozenset()),
                                               request_types)


# Which of a clock row's sums a figure takes.
_TIMELY, _MEAN, _MAXIMUM = "timely", "mean", "maximum"
# The figures one kind of clock row feeds: (indicator code, which sums) of each.
_Template = tuple[tuple[str, str], ...]


def _template(definitions: list[IndicatorDefinition], members: dict[str, frozenset[str]],
              service: str, kind: str, area: str, request_types: str,
              limit_unit: str) -> _Template:
    """The figures a clock row of this service, kind, area, requested kinds and
    regulator's limit unit counts in (a limit in another unit than the figure's
    counts in the timely rate only)."""
    found: list[tuple[str, str]] = []
    for definition in definitions:
        if not _matches(definition, members, service, kind, area, request_types):
            continue
        if definition.statistic == "timely_rate":
            found.append((definition.code, _TIMELY))
        elif limit_unit != definition.unit:
            continue
        elif definition.statistic == "mean":
            found.append((definition.code, _MEAN))
        else:  # maximum
            found.append((definition.code, _MAXIMUM))
    return tuple(found)


def _read_sla(store: Store, tree: _Tree, buckets: _Buckets, start: dt.datetime,
              end: dt.datetime, splits: list[dt.datetime], *, totals: bool = True) -> None:
    """The clocks' figures. Each row's four sums (finished, within the limit, Σ and
    longest duration) are added once per scope it counts for, kept per template (the
    figures a kind of row feeds); each figure then takes the sums of its templates."""
    sla_defs = [d for d in INDICATORS if d.source == "sla"
                or (d.source == "complaints" and d.kinds)]
    members = indicator_members()
    read = totals_selectors.finished_clock_totals if totals else sources.finished_clock_totals
    rows = read(start=start, end=end, kinds=(*SLA_KINDS, COMPLAINT_REPLY),
                zone=operator_zone(), splits=splits)
    size = buckets.size
    template_ids: dict[_Template, int] = {}
    template_of: dict[tuple[str, str, str, str, str], int] = {}
    # (template, scope) -> [finished, within the limit, Σ duration, longest] by bucket
    cells: dict[tuple[int, ScopeKey], list[list[Any]]] = {}
    for row in rows:
        signature = (row.service, row.kind, row.area, row.request_types, row.limit_unit)
        template = template_of.get(signature)
        if template is None:
            parts = _template(sla_defs, members, *signature)
            template = template_of[signature] = (
                template_ids.setdefault(parts, len(template_ids)) if parts else -1)
        if template < 0:
            continue
        bucket = buckets.index(row.month)
        count, timely, total, longest = row.count, row.timely, row.duration_sum, row.duration_max
        for key in tree.scope_keys(row.org_unit_id, row.area):
            cell = cells.get((template, key))
            if cell is None:
                cell = cells[(template, key)] = [[0] * size, [0] * size, [0] * size,
                                                 [None] * size]
            cell[0][bucket] += count
            cell[1][bucket] += timely
            cell[2][bucket] += total
            if longest is not None:
                maximum = cell[3][bucket]
                if maximum is None or longest > maximum:
                    cell[3][bucket] = longest
    templates = {number: parts for parts, number in template_ids.items()}
    zeros: list[Decimal | int] = [0] * size
    nones: list[Decimal | None] = [None] * size
    for (template, key), (counts, on_time, durations, longest_of) in cells.items():
        for code, taken in templates[template]:
            if taken == _TIMELY:
                found = _Series(counts, on_time, counts, nones)
            elif taken == _MEAN:
                found = _Series(counts, durations, counts, nones)
            else:
                found = _Series(counts, zeros, zeros, longest_of)
            before = store.get((code, key))
            store[(code, key)] = found if before is None else _merged(before, found)


def _merged(one: _Series, other: _Series) -> _Series:
    """Two figures' inputs added bucket by bucket (new lists: the inputs may be shared)."""
    return _Series(records=list(map(operator.add, one.records, other.records)),
                   numerator=list(map(operator.add, one.numerator, other.numerator)),
                   denominator=list(map(operator.add, one.denominator, other.denominator)),
                   maximum=[b if a is None or (b is not None and b > a) else a
                            for a, b in zip(one.maximum, other.maximum, strict=True)])


def _read_complaints(store: Store, tree: _Tree, buckets: _Buckets, start: dt.datetime,
                     end: dt.datetime, splits: list[dt.datetime], *, totals: bool = True
                     ) -> None:
    read = totals_selectors.survey_totals if totals else sources.survey_totals
    size = buckets.size
    for row in read(start=start, end=end, zone=operator_zone(), splits=splits):
        _add(store, "complaint_satisfaction", tree.scope_keys(row.org_unit_id, row.area),
             buckets.index(row.month), size, records=row.answers,
             numerator=row.satisfied_answers, denominator=row.answers)


def _read_hotline(store: Store, tree: _Tree, buckets: _Buckets, start: dt.datetime,
                  end: dt.datetime, splits: list[dt.datetime], *, totals: bool = True) -> None:
    if not tree.operator_wide:
        return
    read = totals_selectors.hotline_totals if totals else sources.hotline_totals
    size = buckets.size
    for row in read(start=start, end=end, zone=operator_zone(), splits=splits):
        bucket = buckets.index(row.month)
        _add(store, "hotline_answer_avg", (OPERATOR_KEY,), bucket, size,
             records=row.answered_with_wait, numerator=row.wait_seconds_answered,
             denominator=row.answered_with_wait)
        _add(store, "hotline_timely", (OPERATOR_KEY,), bucket, size,
             records=row.timeliness_base, numerator=row.answered_in_threshold,
             denominator=row.timeliness_base)


def _read_network(store: Store, tree: _Tree, buckets: _Buckets,
                  pieces: list[tuple[dt.date, dt.date]]) -> None:
    size = buckets.size
    for first, last in pieces:
        for row in sources.network_totals(start=first, end=last):
            bucket = buckets.index(max(row.month, first))
            keys = tree.scope_keys(row.org_unit_id, tree.unit_area(row.org_unit_id))
            reached = sources.connection_numerator(
                answered=row.answered, called_busy=row.called_busy, no_answer=row.no_answer,
                unreachable=row.unreachable)
            inputs = (("network_connection_rate", reached, row.call_attempts),
                      ("network_congestion_rate", row.tch_failures_no_channel,
                       row.tch_requests),
                      ("network_drop_rate", row.dropped_calls, row.connected_calls))
            for code, numerator, denominator in inputs:
                _add(store, code, keys, bucket, size, records=row.cell_days,
                     numerator=numerator, denominator=denominator)


def _read_billing(store: Store, tree: _Tree, buckets: _Buckets,
                  pieces: list[tuple[dt.date, dt.date]]) -> None:
    size = buckets.size
    for first, last in pieces:
        for row in sources.billing_totals(start=first, end=last):
            _add(store, "billing_error_rate",
                 tree.scope_keys(row.org_unit_id, tree.unit_area(row.org_unit_id)),
                 buckets.index(max(row.month, first)), size, records=row.total,
                 numerator=row.erroneous, denominator=row.total)


# --- targets --------------------------------------------------------------------------------


class _Targets:
    """Targets in force at an instant (standards and indicator targets). What is in
    force changes only at a standard's or a target's start or end (an *edge*): the
    instants with no edge between them share one read (the period's end and the ends
    of its months usually do)."""

    def __init__(self) -> None:
        self._cache: dict[int, tuple[list[ServiceStandard], dict[str, Target]]] = {}
        self._found: dict[tuple[str, dt.datetime, str | None], Target | None] = {}
        self._limits: dict[tuple[str, dt.datetime, str | None], tuple[JudgedLimit, ...]] = {}
        self._edges: list[dt.datetime] | None = None

    def _epoch(self, at: dt.datetime) -> int:
        """How many edges fall on or before ``at``: two instants with the same count
        have no edge in between, so the same standards and targets are in force."""
        if self._edges is None:
            self._edges = sorted({edge for pair in (*standard_edges(), *target_edges())
                                  for edge in pair if edge is not None})
        return bisect.bisect_right(self._edges, at)

    def _load(self, at: dt.datetime) -> tuple[list[ServiceStandard], dict[str, Target]]:
        epoch = self._epoch(at)
        if epoch not in self._cache:
            standards = list(standards_in_force(at=at))
            records = {code: Target(value=row.value, comparison=row.comparison,  # type: ignore[arg-type]
                                    unit=row.unit, source=row.source,  # type: ignore[arg-type]
                                    verified=row.verified)
                       for code, row in targets_in_force(at=at).items()}
            self._cache[epoch] = (standards, records)
        return self._cache[epoch]

    def target(self, definition: IndicatorDefinition, *, at: dt.datetime,
               area: str | None) -> Target | None:
        key = (definition.code, at, area)
        if key not in self._found:
            self._found[key] = self._target(definition, at=at, area=area)
        return self._found[key]

    def _target(self, definition: IndicatorDefinition, *, at: dt.datetime,
                area: str | None) -> Target | None:
        standards, records = self._load(at)
        if definition.target_rule == "indicator_target":
            return records.get(definition.code)
        found: list[Target] = []
        for one in _areas(definition, area):
            standard = _any_tier_standard(standards, definition.service, definition.kinds[0],
                                          one)
            if standard is not None and (target := _from_standard(definition, standard)):
                found.append(target)
        if not found:
            return None
        if definition.target_rule == "standard_timely":
            best = max(found, key=lambda t: t.value)
        else:
            best = min(found, key=lambda t: t.value)
        if len({(t.value, t.unit) for t in found}) > 1:
            best = Target(value=best.value, comparison=best.comparison, unit=best.unit,
                          source=f"{best.source} (the strictest of the urban and rural "
                                 "standards)", verified=best.verified)
        return best


    def limits(self, definition: IndicatorDefinition, *, at: dt.datetime,
               area: str | None) -> tuple[JudgedLimit, ...]:
        """The regulator's limits (``any``-tier standards in force at ``at``) that the
        requests behind a time-limit figure are judged against, one per area of the
        scope (one when both areas share a standard)."""
        if definition.source != "sla":
            return ()
        key = (f"limits:{definition.code}", at, area)
        if key not in self._limits:
            standards, _ = self._load(at)
            found: dict[int, tuple[str, ServiceStandard]] = {}
            for one in _areas(definition, area):
                standard = _any_tier_standard(standards, definition.service,
                                              definition.kinds[0], one)
                if standard is None:
                    continue
                if standard.pk in found:
                    found[standard.pk] = ("any", standard)
                else:
                    found[standard.pk] = (one if standard.area != "any" else "any", standard)
            self._limits[key] = tuple(
                JudgedLimit(area=where, value=standard.limit_value,
                            unit=standard.limit_unit,  # type: ignore[arg-type]
                            source=standard.source, verified=standard.verified)
                for where, standard in found.values())
        return self._limits[key]


def _areas(definition: IndicatorDefinition, area: str | None) -> Iterable[str]:
    if definition.area != "any":
        return (definition.area,)
    if area in AREAS:
        return (area,)
    return AREAS


def _any_tier_standard(standards: list[ServiceStandard], service: str, kind: str,
                       area: str) -> ServiceStandard | None:
    candidates = [s for s in standards if s.tier == "any" and s.kind == kind
                  and s.service in (service, "any") and s.area in (area, "any")]
    if not candidates:
        return None
    return max(candidates, key=lambda s: (s.area == area, s.service == service))


def _from_standard(definition: IndicatorDefinition, standard: ServiceStandard) -> Target | None:
    unit = standard.limit_unit
    if definition.target_rule == "standard_timely":
        if standard.timely_target_pct is None:
            return None
        return Target(value=standard.timely_target_pct, comparison=">=", unit="percent",
                      source=standard.source, verified=standard.verified)
    if definition.target_rule == "standard_maximum":
        value = standard.maximum_value or standard.limit_value
    else:
        value = standard.average_target or standard.limit_value
    return Target(value=value, comparison="<=", unit=unit,  # type: ignore[arg-type]
                  source=standard.source, verified=standard.verified)


def _met(definition: IndicatorDefinition, figure: Figure, target: Target | None) -> bool | None:
    if figure.value is None or target is None or target.unit != definition.unit:
        return None
    return target.met_by(figure.value)


# --- building the tables -------------------------------------------------------------------


@dataclass
class _Context:
    store: Store
    buckets: _Buckets
    targets: _Targets
    unit_code: str  # "" for the operator

    def acc(self, code: str, key: ScopeKey, start: dt.date, end: dt.date) -> _Acc | None:
        span = self.buckets.span(start, end)
        if span is None:
            return None
        series = self.store.get((code, key))
        return _Acc() if series is None else series.window(*span)


def _end_instant(period: Period) -> dt.datetime:
    """The last instant of the period (the standards in force then apply)."""
    return period.bounds(str(operator_zone()))[1] - dt.timedelta(microseconds=1)


def _table(ctx: _Context, period: Period, scope: Scope, key: ScopeKey,
           area: str | None) -> IndicatorTable:
    previous = period.previous()
    at = _end_instant(period)
    rows: list[IndicatorResult] = []
    for definition in INDICATORS:
        if definition.provincial and scope.kind not in ("operator",):
            rows.append(IndicatorResult(code=definition.code,
                                        figure=Figure(value=None, records=0), target=None,
                                        met=None, previous=None, change=None, drill=None))
            continue
        current_acc = ctx.acc(definition.code, key, period.start, period.end)
        figure = figure_of(definition, current_acc)
        before_acc = ctx.acc(definition.code, key, previous.start, previous.end)
        before = figure_of(definition, before_acc) if before_acc is not None else None
        target = ctx.targets.target(definition, at=at, area=area)
        change = (figure.value - before.value
                  if before is not None and figure.value is not None
                  and before.value is not None else None)
        filters = {"code": definition.code, "period": period.code}
        unit = scope.unit_code or ctx.unit_code
        if unit:
            filters["unit"] = unit
        if scope.kind in AREAS:
            filters["area"] = scope.kind
        rows.append(IndicatorResult(
            code=definition.code, figure=figure, target=target,
            met=_met(definition, figure, target), previous=before, change=change,
            drill=DrillDown(source=definition.source, filters=filters),
            limits=ctx.targets.limits(definition, at=at, area=area)))
    return IndicatorTable(period=period, previous_period=previous, scope=scope, rows=rows)


def _unit_label(unit: OrgUnit, language: str) -> str:
    if language.lower().startswith("en"):
        return unit.name_en or unit.name
    return unit.name


def indicator_report(*, period: Period, unit_code: str | None = None, breakdowns: bool = True,
                     months: bool = True, language: str = "zh-hans",
                     totals: bool = True) -> IndicatorReport:
    """Every indicator of ``period`` for the operator (or the unit ``unit_code`` and
    everything under it), with the cities, counties and urban/rural areas under it
    (``breakdowns``) and one table per month (``months``); each figure with its
    previous-period figure and change. One read per source: the daily totals for
    the days they count and the rows for the rest; ``totals=False`` reads every row
    (the same report; ``telcodesk report --verify`` compares the two).

    Unknown ``unit_code``: ``QualityError`` (not found) naming the known cities.
    """
    tree = _tree(unit_code)
    zone = operator_zone()
    previous = period.previous()
    start, _ = previous.bounds(str(zone))
    split, end = period.bounds(str(zone))
    starts = bucket_starts(start=start, end=end, zone=zone, splits=[split])
    buckets = _Buckets(days=[s.astimezone(zone).date() for s in starts], end=period.end)
    splits = [split]
    store: Store = {}
    pieces = [(previous.start, period.start), (period.start, period.end)]
    with totals_selectors.report_reads():
        _read_sla(store, tree, buckets, start, end, splits, totals=totals)
        _read_complaints(store, tree, buckets, start, end, splits, totals=totals)
        _read_hotline(store, tree, buckets, start, end, splits, totals=totals)
        _read_network(store, tree, buckets, pieces)
        _read_billing(store, tree, buckets, pieces)

    ctx = _Context(store=store, buckets=buckets, targets=_Targets(),
                   unit_code=unit_code or "")
    root = tree.root
    if tree.operator_wide:
        scope = Scope(kind="operator", unit_code=unit_code or "",
                      label=_unit_label(root, language))
        scope_area = None
    else:
        kind = "city" if root.kind == OrgUnitKind.CITY else "county"
        scope = Scope(kind=kind, unit_code=root.code,  # type: ignore[arg-type]
                      label=_unit_label(root, language))
        scope_area = root.area if root.area in AREAS else None
    table = _table(ctx, period, scope, OPERATOR_KEY, scope_area)
    report = IndicatorReport(period=period, scope=scope, table=table)
    if breakdowns:
        for city in tree.below(OrgUnitKind.CITY):
            report.cities.append(_table(
                ctx, period, Scope(kind="city", unit_code=city.code,
                                   label=_unit_label(city, language)),
                ("city", city.code), None))
        for county in tree.below(OrgUnitKind.COUNTY):
            report.counties.append(_table(
                ctx, period, Scope(kind="county", unit_code=county.code,
                                   label=_unit_label(county, language)),
                ("county", county.code), county.area or None))
        english = language.lower().startswith("en")
        for area in AREAS:
            label = AREA_LABELS[area][1 if english else 0]
            report.areas.append(_table(ctx, period, Scope(kind=area, label=label),  # type: ignore[arg-type]
                                       ("area", area), area))
    if months:
        for month in period.months():
            report.months.append(_table(ctx, month, Scope(
                kind=scope.kind, unit_code=scope.unit_code,
                label=month.label(language)), OPERATOR_KEY, scope_area))
    return report


def has_records(report: IndicatorReport) -> bool:
    """Whether any figure of the report's period has a record behind it (a period with
    no records at all is refused by the report command)."""
    return any(row.figure.records for row in report.table.rows)


def definition_applies(definition: IndicatorDefinition, scope: Scope) -> bool:
    """False for the hotline figures outside the operator-wide scope (not applicable)."""
    return not definition.provincial or scope.kind == "operator"
