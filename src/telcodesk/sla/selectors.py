"""Reads of the SLA engine: time left, status, the clock's story, who is alerted;
which service standard is in force for a request, and the standards' vocabulary."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext

from telcodesk.core.calendar import DayKind, load_calendar
from telcodesk.core.clock import local, operator_zone
from telcodesk.core.memo import forget, transaction_memo
from telcodesk.core.models import OrgUnit, User
from telcodesk.core.ranges import rows_per_range
from telcodesk.core.roles import Role
from telcodesk.core.selectors import in_force_q, scope_q
from telcodesk.sla import computation
from telcodesk.sla.errors import SlaError, SlaErrorCode
from telcodesk.sla.models import (
    ClockState,
    PauseReason,
    RequestKind,
    Service,
    ServiceStandard,
    SlaClock,
    StaffAlertNumber,
    StandardArea,
    Tier,
)

MAX_EXPLAINED_DAYS = 120


def time_left(clock: SlaClock, *, now: dt.datetime) -> dt.timedelta:
    """Wall-clock time until the due instant; negative when late.

    A clock paused for an excluded reason is frozen at its pause; a finished one
    shows the margin it finished with.
    """
    if clock.state == ClockState.PAUSED and clock.paused_since is not None:
        return clock.due_at - clock.paused_since
    if clock.state in (ClockState.STOPPED, ClockState.CANCELLED) and clock.stopped_at:
        return clock.due_at - clock.stopped_at
    return clock.due_at - now


def clock_status(clock: SlaClock, *, now: dt.datetime) -> str:
    """``ok``, ``warning``, ``breached``, ``paused`` or ``stopped``."""
    if clock.state in (ClockState.STOPPED, ClockState.CANCELLED):
        return "stopped"
    if clock.state == ClockState.PAUSED:
        return "paused"
    if now >= clock.due_at:
        return "breached"
    if now >= clock.warn_at:
        return "warning"
    return "ok"


def branch_managers_of(unit: OrgUnit) -> list[User]:
    """Active branch managers whose unit is ``unit`` or above it."""
    managers = User.objects.filter(is_active=True, groups__name=Role.BRANCH_MANAGER,
                                   org_unit__isnull=False).select_related("org_unit")
    return [m for m in managers if m.org_unit is not None and unit.path.startswith(
        m.org_unit.path)]


def clocks_visible_to(user: User) -> QuerySet[SlaClock]:
    return SlaClock.objects.filter(scope_q(user)).select_related("org_unit", "assignee")


def clock_by_reference(reference: str) -> SlaClock:
    """A clock by id, or by its request's code (the first word of its label)."""
    reference = reference.strip()
    clocks = SlaClock.objects.select_related("standard", "org_unit")
    found = None
    if reference.isdigit():
        found = clocks.filter(pk=int(reference)).first()
    if found is None and reference:
        found = (clocks.filter(subject_label=reference).first()
                 or clocks.filter(subject_label__startswith=f"{reference} ")
                 .order_by("-accepted_at").first())
    if found is None:
        raise SlaError(SlaErrorCode.NOT_FOUND, f"no time-limit clock for {reference!r}")
    return found


def _at(value: dt.datetime) -> str:
    return local(value).strftime("%Y-%m-%d %H:%M")


def _amount(value: float | Decimal, unit: str) -> str:
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return f"{text} {'h' if unit == computation.HOURS else 'working days'}"


def _shown(value: float | Decimal, unit: str) -> str:
    """An amount in the reader's language: "24 小时", "3 个工作日"."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    if unit == computation.HOURS:
        return gettext("%(amount)s h") % {"amount": text}
    return gettext("%(amount)s working days") % {"amount": text}


def _label(choices: Any, value: str) -> str:
    """The label of a vocabulary value; the value itself when it is not in it."""
    return str(choices(value).label) if value in choices.values else value


def explain(clock: SlaClock, *, now: dt.datetime) -> list[str]:
    """The clock's story, one line per event: start, pauses, working-day skips, stop,
    counted duration, timely or not; in the active language, with labels (never codes)."""
    unit = clock.limit_unit
    cal = load_calendar() if unit == computation.WORKING_DAYS else None
    standard = clock.standard
    what = ", ".join((_label(Service, clock.service), _label(RequestKind, clock.kind),
                      _label(StandardArea, clock.area), _label(Tier, clock.tier)))
    lines = [
        gettext("%(request)s (%(what)s; unit %(unit)s)") % {
            "request": clock.subject_label, "what": what, "unit": clock.org_unit},
        gettext("accepted %(at)s; limit %(limit)s under standard #%(id)s (%(standard)s)") % {
            "at": _at(clock.accepted_at), "limit": _shown(clock.limit_value, unit),
            "id": clock.standard_id,
            "standard": ", ".join((_label(Service, standard.service),
                                   _label(RequestKind, standard.kind),
                                   _label(StandardArea, standard.area)))},
        gettext("warning at %(percent)s%% of the limit: %(at)s") % {
            "percent": int(clock.warning_ratio * 100), "at": _at(clock.warn_at)},
    ]
    if unit == computation.HOURS:
        lines.append(gettext("clock hours: nights, weekends and holidays count"))
    end = clock.stopped_at or max(now, clock.due_at)
    if cal is not None:
        first = local(clock.accepted_at).date()
        last = min(local(end).date(), first + dt.timedelta(days=MAX_EXPLAINED_DAYS))
        day, run_start, run_name = first, None, ""
        runs: list[str] = []
        while day <= last + dt.timedelta(days=1):
            info = cal.describe(day) if day <= last else None
            skipped = info is not None and not info.is_working_day
            if skipped and run_start is None:
                run_start, run_name = day, info.name if info else ""
            if not skipped and run_start is not None:
                run_end = day - dt.timedelta(days=1)
                span = (run_start.isoformat() if run_end == run_start
                        else f"{run_start.isoformat()} – {run_end.isoformat()}")
                runs.append(gettext("skipped %(span)s: %(name)s (not a working day)") % {
                    "span": span, "name": run_name or gettext("weekend")})
                run_start = None
            if info is not None and info.kind == DayKind.ADJUSTED_WORKING:
                runs.append((gettext("counted %(day)s: adjusted working day %(name)s") % {
                    "day": day.isoformat(), "name": info.name}).rstrip())
            day += dt.timedelta(days=1)
        lines += runs
    excluded_total = 0.0
    for pause in clock.pauses.order_by("started_at", "id"):
        label = _label(PauseReason, pause.reason)
        until = _at(pause.ended_at) if pause.ended_at else gettext("now (still paused)")
        note = f" — {pause.note}" if pause.note else ""
        if pause.excluded:
            stop = pause.ended_at or (clock.stopped_at or now)
            hidden = computation.measure(pause.started_at, stop, unit, cal)
            excluded_total += hidden
            lines.append(gettext("paused %(start)s – %(until)s: %(reason)s, excluded: "
                                 "%(amount)s not counted") % {
                "start": _at(pause.started_at), "until": until, "reason": label,
                "amount": _shown(hidden, unit)} + note)
        else:
            lines.append(gettext("paused %(start)s – %(until)s: %(reason)s, not excluded by "
                                 "the standard: the clock kept running") % {
                "start": _at(pause.started_at), "until": until, "reason": label} + note)
    lines.append(gettext("due %(at)s") % {"at": _at(clock.due_at)})
    if clock.warning_claimed_at:
        lines.append(gettext("warning sent %(at)s") % {"at": _at(clock.warning_claimed_at)})
    if clock.breach_claimed_at:
        lines.append(gettext("breach recorded %(at)s") % {"at": _at(clock.breach_claimed_at)})
    if clock.state == ClockState.STOPPED and clock.stopped_at is not None:
        counted_value = clock.counted_duration if clock.counted_duration is not None else 0
        verdict = gettext("timely") if clock.timely else gettext("NOT timely (limit breached)")
        lines.append(gettext("stopped %(at)s") % {"at": _at(clock.stopped_at)})
        lines.append(gettext("counted duration %(counted)s of %(limit)s: %(verdict)s") % {
            "counted": _shown(counted_value, unit), "limit": _shown(clock.limit_value, unit),
            "verdict": verdict})
        if (clock.indicator_limit_value is not None and clock.indicator_duration is not None
                and clock.indicator_standard_id != clock.standard_id):
            judged_unit = clock.indicator_limit_unit or unit
            lines.append(gettext(
                "for the indicators: %(counted)s of the regulator's %(limit)s "
                "(standard #%(id)s): %(verdict)s") % {
                "counted": _shown(clock.indicator_duration, judged_unit),
                "limit": _shown(clock.indicator_limit_value, judged_unit),
                "id": clock.indicator_standard_id,
                "verdict": gettext("timely") if clock.indicator_timely
                else gettext("NOT timely")})
    elif clock.state == ClockState.CANCELLED and clock.stopped_at is not None:
        lines.append(gettext("cancelled %(at)s: counts in no report") % {
            "at": _at(clock.stopped_at)})
    else:
        intervals = [(p.started_at, p.ended_at or now)
                     for p in clock.pauses.filter(excluded=True)]
        so_far = computation.counted(accepted_at=clock.accepted_at, until=now, unit=unit,
                                     pauses=intervals, cal=cal)
        status = clock_status(clock, now=now)
        lines.append(gettext("%(status)s at %(at)s: %(counted)s counted of %(limit)s") % {
            "status": _STATUS_WORDS[status](), "at": _at(now),
            "counted": _shown(so_far, unit), "limit": _shown(clock.limit_value, unit)})
    if clock.reopened:
        lines.append(gettext("reopened %(count)s time(s)") % {"count": clock.reopened})
    return lines


# The words of ``clock_status`` in a story line.
_STATUS_WORDS = {
    "ok": lambda: gettext("running"),
    "warning": lambda: gettext("near the limit"),
    "breached": lambda: gettext("breached"),
    "paused": lambda: gettext("paused"),
    "stopped": lambda: gettext("stopped"),
}


def due_under_standard(*, service: str, kind: str, area: str, tier: str,
                       accepted_at: dt.datetime) -> str:
    """One line: the due time of a request accepted at ``accepted_at`` (``sla due``)."""
    standard = standard_in_force(service=service, kind=kind, area=area, tier=tier,
                                 at=accepted_at)
    unit = standard.limit_unit
    cal = load_calendar() if unit == computation.WORKING_DAYS else None
    found = computation.deadlines(accepted_at=accepted_at, limit=standard.limit_value,
                                  warning_ratio=standard.warning_ratio, unit=unit, cal=cal)
    return (f"{local(found.due_at).isoformat()} ({_amount(standard.limit_value, unit)}, "
            f"standard {standard.pk} \"{short_source(standard.source)}\")")


def short_source(source: str) -> str:
    """The title part of a standard's source text (up to its first colon)."""
    head = source.split(":", 1)[0].strip()
    return head if len(head) <= 80 else head[:79] + "…"


# --- quality indicators: finished clocks ------------------------------------------------------
#
# The quality report reads the clocks of the requests FINISHED in a period (stopped, not
# cancelled, ``stopped_at`` in ``[start, end)``), whenever they were accepted: one
# aggregate query for the whole report (every scope, month and the previous period), the
# roll-up over the org-unit tree is done by the caller.


@dataclass(frozen=True)
class ClockTotals:
    """The finished clocks of one (service, kind, area, org unit, bucket, regulator's
    limit unit, requested kinds). Durations and verdicts are those under the
    regulator's limit (``SlaClock.indicator_*``), not under a stricter tier promise."""

    service: str
    kind: str
    area: str
    org_unit_id: int
    month: dt.date  # local first day of the bucket (a month, or a split point inside one)
    limit_unit: str  # the unit of the regulator's limit
    count: int
    duration_sum: Decimal  # sum of counted durations, in ``limit_unit``
    timely: int  # finished within the regulator's limit
    duration_max: Decimal | None
    request_types: str = ""  # what was asked for (SlaClock.request_types)


def bucket_starts(*, start: dt.datetime, end: dt.datetime, zone: ZoneInfo,
                  splits: Sequence[dt.datetime] = ()) -> list[dt.datetime]:
    """Aware starts of the buckets of ``[start, end)``: ``start``, every local month start
    inside, and every split point inside (sorted, no duplicates)."""
    points = {start}
    local_start = start.astimezone(zone)
    cursor = dt.datetime(local_start.year, local_start.month, 1, tzinfo=zone)
    while cursor < end:
        if cursor > start:
            points.add(cursor)
        cursor = (dt.datetime(cursor.year + 1, 1, 1, tzinfo=zone) if cursor.month == 12
                  else dt.datetime(cursor.year, cursor.month + 1, 1, tzinfo=zone))
    points.update(s for s in splits if start < s < end)
    return sorted(points)


def bucket_case(field: str, starts: Sequence[dt.datetime]) -> Case:
    """``CASE WHEN field < starts[1] THEN 0 WHEN field < starts[2] THEN 1 … ELSE n-1``:
    the bucket index of a row already filtered to ``[starts[0], end)``. Plain comparisons,
    so the engine needs no time-zone function per row."""
    whens = [When(**{f"{field}__lt": bound}, then=Value(index))
             for index, bound in enumerate(starts[1:])]
    if not whens:
        return Case(default=Value(0), output_field=IntegerField())
    return Case(*whens, default=Value(len(starts) - 1), output_field=IntegerField())


class _WidthBucket(Func):
    """PostgreSQL's ``width_bucket(t, ARRAY[b1, b2, …])``: how many bounds are ≤ ``t``
    (a binary search per row instead of a chain of comparisons)."""

    output_field = IntegerField()

    def __init__(self, field: str, bounds: Sequence[dt.date | dt.datetime],
                 sql_type: str) -> None:
        super().__init__(F(field))
        self.bounds = list(bounds)
        self.sql_type = sql_type

    def as_sql(self, compiler: Any, connection: Any, **extra: Any  # type: ignore[override]
               ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        marks = ", ".join(["%s"] * len(self.bounds))
        return (f"width_bucket({sql}, ARRAY[{marks}]::{self.sql_type}[])",
                [*params, *self.bounds])


def bucket_index(field: str, starts: Sequence[dt.datetime]) -> Case | Func:
    """The bucket index of ``field`` among the buckets starting at ``starts`` (rows
    already filtered to ``[starts[0], end)``): ``width_bucket`` on PostgreSQL, a
    ``CASE`` of plain comparisons elsewhere."""
    if connection.vendor == "postgresql" and len(starts) > 1:
        return _WidthBucket(field, starts[1:], "timestamptz")
    return bucket_case(field, starts)


def day_bucket_index(field: str, starts: Sequence[dt.date]) -> Case | Func:
    """``bucket_index`` over a local DATE column (buckets starting on the days
    ``starts``). On PostgreSQL the planner knows how many days a column holds, so it
    expects few groups and aggregates in parallel."""
    if connection.vendor == "postgresql" and len(starts) > 1:
        return _WidthBucket(field, starts[1:], "date")
    whens = [When(**{f"{field}__lt": bound}, then=Value(index))
             for index, bound in enumerate(starts[1:])]
    return Case(*whens, default=Value(len(starts) - 1), output_field=IntegerField())


def finished_clock_totals(*, start: dt.datetime, end: dt.datetime,
                          kinds: Sequence[str] = ("install", "repair", "change", "reconnection"),
                          zone: ZoneInfo | None = None,
                          splits: Sequence[dt.datetime] = ()) -> list[ClockTotals]:
    """Counts, summed and longest counted durations and timely counts of the clocks of
    ``kinds`` finished in ``[start, end)``, grouped by (service, kind, area, org unit,
    local month of ``stopped_at`` (further cut at ``splits``), the regulator's limit
    unit, the requested kinds), judged against the regulator's limit. ONE query that
    reads each clock once.

    Cancelled clocks count nowhere; a reopened clock counts when it stops again.
    """
    zone = zone or operator_zone()
    starts = bucket_starts(start=start, end=end, zone=zone, splits=splits)
    # One SELECT per bucket joined by UNION ALL: each reads its own range of
    # ``sla_indicator_cover_idx`` (an index-only scan where the engine can), so every clock
    # is read once, and no per-row bucket expression hides the group count from the
    # planner (which then aggregates in parallel). The timely flag is a grouping key.
    bounds = [*starts, end]
    # The kinds are picked from the groups afterwards: a per-row ``kind IN (…)`` test
    # costs more than the few extra groups of the other kinds.
    def aggregate(first: dt.datetime, last: dt.datetime, index: int) -> QuerySet[Any, Any]:
        return (SlaClock.objects.filter(state=ClockState.STOPPED, stopped_at__gte=first,
                                        stopped_at__lt=last)
                .values("service", "kind", "area", "org_unit_id", "request_types",
                        "indicator_limit_unit", "indicator_timely")
                .annotate(bucket=Value(index, output_field=IntegerField()), n=Count("*"),
                          total=Sum("indicator_duration"), longest=Max("indicator_duration"))
                .order_by())

    rows = rows_per_range(aggregate, bounds)
    days = [s.astimezone(zone).date() for s in starts]
    merged: dict[tuple[Any, ...], list[Any]] = {}
    wanted = set(kinds)
    for row in rows:
        if row["kind"] not in wanted:
            continue
        key = (row["service"], row["kind"], row["area"], row["org_unit_id"],
               row["indicator_limit_unit"], row["bucket"], row["request_types"])
        timely, n = row["indicator_timely"], row["n"]
        total, longest = row["total"], row["longest"]
        found = merged.get(key)
        if found is None:
            found = merged[key] = [0, Decimal(0), 0, None]
        found[0] += n
        found[1] += Decimal(total or 0)
        if timely:
            found[2] += n
        if longest is not None and (found[3] is None or longest > found[3]):
            found[3] = Decimal(longest)
    return [ClockTotals(service=service, kind=kind, area=area, org_unit_id=unit,
                        month=days[bucket], limit_unit=limit_unit, count=n,
                        duration_sum=total, timely=on_time, duration_max=longest,
                        request_types=request_types)
            for (service, kind, area, unit, limit_unit, bucket, request_types),
            (n, total, on_time, longest) in merged.items()]


def requested_q(members: Collection[str]) -> Q:
    """Clocks one of whose requested kinds (comma-separated) is in ``members``."""
    q = Q(pk__in=[])
    for kind in members:
        q |= (Q(request_types=kind) | Q(request_types__startswith=f"{kind},")
              | Q(request_types__endswith=f",{kind}")
              | Q(request_types__contains=f",{kind},"))
    return q


def finished_clocks(*, start: dt.datetime, end: dt.datetime, kinds: Sequence[str],
                    service: str | None = None, area: str | None = None,
                    unit_path: str | None = None, only_late: bool = False,
                    user: User | None = None,
                    members: Collection[str] | None = None) -> QuerySet[SlaClock]:
    """The clocks behind a figure: finished in ``[start, end)``, of ``kinds`` (and
    ``service``, ``area``, the subtree at ``unit_path`` when given); ``members`` keeps
    the requests one of whose kinds is a member (``any`` or None: every request);
    ``only_late`` keeps those not within the regulator's limit. With ``user``, limited
    to the user's branch subtree."""
    clocks = SlaClock.objects.filter(state=ClockState.STOPPED, stopped_at__gte=start,
                                     stopped_at__lt=end, kind__in=list(kinds))
    if service:
        clocks = clocks.filter(service=service)
    if area and area != "any":
        clocks = clocks.filter(area=area)
    if unit_path:
        clocks = clocks.filter(org_unit__path__startswith=unit_path)
    if members is not None and "any" not in members:
        clocks = clocks.filter(requested_q(members))
    if only_late:
        clocks = clocks.filter(indicator_timely=False)
    if user is not None:
        clocks = clocks.filter(scope_q(user))
    return clocks.select_related("org_unit").order_by("stopped_at", "pk")


def clock_visible_to(user: User, pk: int) -> SlaClock:
    """One clock of the user's branch subtree (anything else is "not found")."""
    found = (SlaClock.objects.filter(scope_q(user), pk=pk)
             .select_related("standard", "org_unit", "assignee").first())
    if found is None:
        raise SlaError(SlaErrorCode.NOT_FOUND, f"no time-limit clock #{pk} in your branch")
    return found


# --- the service standards ---------------------------------------------------------------------


def standard_in_force(*, service: str, kind: str, area: str, tier: str,
                      at: dt.datetime) -> ServiceStandard:
    """The most specific standard in force at ``at`` for a request.

    Exact tier beats ``any``, then exact area beats ``any``; a service of ``any``
    (complaint replies) matches every service. A disabled standard is never in
    force. Nothing in force is an ``SlaError`` naming the key.
    """
    if service not in Service.values:
        raise SlaError(SlaErrorCode.INVALID, f"unknown service {service!r}")
    if kind not in RequestKind.values:
        raise SlaError(SlaErrorCode.INVALID, f"unknown request kind {kind!r}")
    if area not in StandardArea.values:
        raise SlaError(SlaErrorCode.INVALID, f"unknown area {area!r}")
    if tier not in Tier.values:
        raise SlaError(SlaErrorCode.INVALID, f"unknown customer tier {tier!r}")
    memo = transaction_memo(STANDARDS_MEMO)
    if memo is None:
        found = _most_specific(service=service, kind=kind, area=area, tier=tier, at=at)
    else:
        # Which standard is in force changes only at some standard's active_from or
        # active_to: between two such edges the answer for a key is the same.
        edges = memo.get(_EDGES)
        if edges is None:
            edges = memo[_EDGES] = sorted(
                {edge for period in standard_edges() for edge in period if edge is not None})
        key = (service, kind, area, tier, bisect_right(edges, at))
        if key not in memo:
            memo[key] = _most_specific(service=service, kind=kind, area=area, tier=tier, at=at)
        found = memo[key]
    if found is None:
        raise SlaError(
            SlaErrorCode.NOT_FOUND,
            f"no service standard in force on {at.isoformat()} for {service} {kind} "
            f"({area}, tier {tier}): publish one first")
    return found


STANDARDS_MEMO = "sla.standards-in-force"
_EDGES = "edges"


def forget_standards(**_kwargs: Any) -> None:
    """Standards changed: ``standard_in_force`` asks the database again (also a
    ``post_save`` / ``post_delete`` receiver of ``ServiceStandard``)."""
    forget(STANDARDS_MEMO)


def _most_specific(*, service: str, kind: str, area: str, tier: str,
                   at: dt.datetime) -> ServiceStandard | None:
    candidates = list(ServiceStandard.objects.filter(
        in_force_q(at), enabled=True, service__in={service, Service.ANY}, kind=kind,
        area__in={area, StandardArea.ANY}, tier__in={tier, Tier.ANY}))
    if not candidates:
        return None

    def rank(standard: ServiceStandard) -> tuple[int, int, int]:
        return (standard.tier == tier, standard.area == area, standard.service == service)

    return max(candidates, key=rank)


def regulator_standard_in_force(*, service: str, kind: str, area: str,
                                at: dt.datetime) -> ServiceStandard | None:
    """The regulator's limit for a request: the ``any``-tier standard in force at ``at``
    for its service, kind and area (what the indicators judge it against, whatever
    stricter tier standard its own clock runs on); None when there is none."""
    try:
        return standard_in_force(service=service, kind=kind, area=area, tier=Tier.ANY, at=at)
    except SlaError:
        return None


def disabled_standards(*, at: dt.datetime) -> QuerySet[ServiceStandard]:
    """Standards that would be in force at ``at`` but are not enabled (the shipped VIP
    examples): shown to the quality manager, ready to enable."""
    return ServiceStandard.objects.filter(in_force_q(at), enabled=False).order_by(
        "service", "kind", "area", "tier")


def standards_in_force(*, at: dt.datetime) -> QuerySet[ServiceStandard]:
    """The enabled standards in force at ``at``."""
    return ServiceStandard.objects.filter(in_force_q(at), enabled=True).order_by(
        "service", "kind", "area", "tier")


def standard_edges() -> list[tuple[dt.datetime, dt.datetime | None]]:
    """Every standard's ``(active_from, active_to)``: the instants at which the standard
    in force for some key may change."""
    return list(ServiceStandard.objects.values_list("active_from", "active_to"))


SERVICE_ORDER = [Service.FIXED, Service.BROADBAND, Service.MOBILE, Service.ANY]


def published_standards(*, at: dt.datetime) -> OrderedDict[str, list[ServiceStandard]]:
    """The standards in force grouped by service, in publication order (public page)."""
    kinds = list(RequestKind.values)
    areas = list(StandardArea.values)
    tiers = list(Tier.values)
    rows = sorted(standards_in_force(at=at), key=lambda s: (
        SERVICE_ORDER.index(Service(s.service)), kinds.index(s.kind),
        tiers.index(s.tier) if s.tier != Tier.ANY else -1, areas.index(s.area)))
    grouped: OrderedDict[str, list[ServiceStandard]] = OrderedDict()
    for row in rows:
        grouped.setdefault(row.service, []).append(row)
    return grouped


def overlapping_standard(*, service: str, kind: str, area: str, tier: str,
                         active_from: dt.datetime, active_to: dt.datetime | None,
                         exclude_id: int | None = None) -> ServiceStandard | None:
    """Another standard of the same key whose period meets ``[active_from, active_to)``."""
    q = ServiceStandard.objects.filter(service=service, kind=kind, area=area, tier=tier).filter(
        Q(active_to__isnull=True) | Q(active_to__gt=active_from))
    if active_to is not None:
        q = q.filter(active_from__lt=active_to)
    if exclude_id is not None:
        q = q.exclude(pk=exclude_id)
    return q.order_by("active_from").first()


# --- the standards' vocabulary, for the apps above (they never import sla.models) -----------


def pause_reason_choices() -> list[tuple[str, Any]]:
    """The reasons a clock may be paused for, ``(value, label)``, for other apps' forms.

    The labels are lazy translations: the form shows them in the request's language.
    """
    return list(PauseReason.choices)


def pause_reason_values() -> tuple[str, ...]:
    """The values ``do_pause_clock`` accepts as a reason, in the vocabulary's order."""
    return tuple(PauseReason.values)


def other_pause_reason() -> str:
    """The reason recorded for a pause whose cause has no value of its own."""
    return str(PauseReason.OTHER)



def service_label(service: str) -> str:
    """The label of a standard's service (``fixed``, ``broadband``, ``mobile``, ``any``)."""
    return str(Service(service).label)


# --- for the apps whose records run clocks (care): reads without the clock's model ----------


def clocks_by_ids(ids: Collection[int]) -> list[SlaClock]:
    """The clocks with these ids, in id order (an id with no clock is left out)."""
    return list(SlaClock.objects.filter(pk__in=list(ids)).order_by("pk"))


def clock_is_open(clock: SlaClock) -> bool:
    """Whether the clock still counts (running or paused): it can be stopped."""
    return clock.state in (ClockState.RUNNING, ClockState.PAUSED)


def clock_is_stopped(clock: SlaClock) -> bool:
    """Whether the clock was stopped (the request was done): it can be reopened."""
    return clock.state == ClockState.STOPPED


def alert_number_of(staff: User) -> str | None:
    """The mobile number ``staff`` receives alerts on (``StaffAlertNumber``), or None."""
    return (StaffAlertNumber.objects.filter(staff=staff)
            .values_list("number", flat=True).first())


def first_finished_at() -> dt.datetime | None:
    """When the earliest stopped clock stopped (None: none yet); where daily totals of
    the finished clocks start (``quality.services.totals``)."""
    return (SlaClock.objects.filter(state=ClockState.STOPPED)
            .aggregate(first=Min("stopped_at"))["first"])


def branch_managers_by_unit(unit_ids: Collection[int]) -> dict[int, list[User]]:
    """``branch_managers_of`` for many units at once: two queries however many units."""
    paths = dict(OrgUnit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "path"))
    managers = User.objects.filter(is_active=True, groups__name=Role.BRANCH_MANAGER,
                                   org_unit__isnull=False).select_related("org_unit")
    by_path = [(m.org_unit.path, m) for m in managers if m.org_unit is not None]
    return {unit_id: [m for prefix, m in by_path if path.startswith(prefix)]
            for unit_id, path in paths.items()}


def active_staff_by_id(ids: Collection[int]) -> dict[int, User]:
    """The active users among ``ids`` (alerted assignees), by id."""
    return {user.pk: user for user in User.objects.filter(pk__in=list(ids), is_active=True)}


def alert_numbers(staff_ids: Collection[int]) -> dict[int, str]:
    """Staff id → the mobile number deadline alerts go to, for those who have one."""
    return dict(StaffAlertNumber.objects.filter(staff_id__in=list(staff_ids))
                .values_list("staff_id", "number"))
