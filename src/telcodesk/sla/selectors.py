"""Reads of the SLA engine: time left, status, the clock's story, who is alerted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from telcodesk.core.calendar import DayKind, load_calendar
from telcodesk.core.clock import local
from telcodesk.core.models import OrgUnit, User
from telcodesk.core.roles import Role
from telcodesk.core.selectors import scope_q
from telcodesk.sla import computation
from telcodesk.sla.errors import SlaError, SlaErrorCode
from telcodesk.sla.models import ClockState, PauseReason, SlaClock

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


def explain(clock: SlaClock, *, now: dt.datetime) -> list[str]:
    """The clock's story, one line per event: start, pauses, working-day skips, stop,
    counted duration, timely or not."""
    unit = clock.limit_unit
    cal = load_calendar() if unit == computation.WORKING_DAYS else None
    standard = clock.standard
    lines = [
        f"{clock.subject_label} ({clock.service} {clock.kind}, {clock.area}, "
        f"tier {clock.tier}, unit {clock.org_unit})",
        f"accepted {_at(clock.accepted_at)}; limit {_amount(clock.limit_value, unit)} under "
        f"standard #{clock.standard_id} \"{short_source(standard.source)}\"",
        f"warning at {int(clock.warning_ratio * 100)}% of the limit: {_at(clock.warn_at)}",
    ]
    if unit == computation.HOURS:
        lines.append("clock hours: nights, weekends and holidays count")
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
                runs.append(f"skipped {span}: {run_name or 'weekend'} (not a working day)")
                run_start = None
            if info is not None and info.kind == DayKind.ADJUSTED_WORKING:
                runs.append(f"counted {day.isoformat()}: adjusted working day "
                            f"{info.name}".rstrip())
            day += dt.timedelta(days=1)
        lines += runs
    excluded_total = 0.0
    for pause in clock.pauses.order_by("started_at", "id"):
        label = PauseReason(pause.reason).label if pause.reason in PauseReason.values \
            else pause.reason
        until = _at(pause.ended_at) if pause.ended_at else "now (still paused)"
        if pause.excluded:
            stop = pause.ended_at or (clock.stopped_at or now)
            hidden = computation.measure(pause.started_at, stop, unit, cal)
            excluded_total += hidden
            lines.append(f"paused {_at(pause.started_at)} – {until}: {pause.reason} ({label}), "
                         f"excluded: {_amount(hidden, unit)} not counted"
                         + (f" — {pause.note}" if pause.note else ""))
        else:
            lines.append(f"paused {_at(pause.started_at)} – {until}: {pause.reason} ({label}), "
                         "not excluded by the standard: the clock kept running"
                         + (f" — {pause.note}" if pause.note else ""))
    lines.append(f"due {_at(clock.due_at)}")
    if clock.warning_claimed_at:
        lines.append(f"warning sent {_at(clock.warning_claimed_at)}")
    if clock.breach_claimed_at:
        lines.append(f"breach recorded {_at(clock.breach_claimed_at)}")
    if clock.state == ClockState.STOPPED and clock.stopped_at is not None:
        counted_value = clock.counted_duration if clock.counted_duration is not None else 0
        verdict = "timely" if clock.timely else "NOT timely (limit breached)"
        lines.append(f"stopped {_at(clock.stopped_at)}")
        lines.append(f"counted duration {_amount(counted_value, unit)} of "
                     f"{_amount(clock.limit_value, unit)}: {verdict}")
    elif clock.state == ClockState.CANCELLED and clock.stopped_at is not None:
        lines.append(f"cancelled {_at(clock.stopped_at)}: counts in no report")
    else:
        intervals = [(p.started_at, p.ended_at or now)
                     for p in clock.pauses.filter(excluded=True)]
        so_far = computation.counted(accepted_at=clock.accepted_at, until=now, unit=unit,
                                     pauses=intervals, cal=cal)
        status = clock_status(clock, now=now)
        lines.append(f"{status} at {_at(now)}: {_amount(so_far, unit)} counted of "
                     f"{_amount(clock.limit_value, unit)}")
    if clock.reopened:
        lines.append(f"reopened {clock.reopened} time(s)")
    return lines


def due_under_standard(*, service: str, kind: str, area: str, tier: str,
                       accepted_at: dt.datetime) -> str:
    """One line: the due time of a request accepted at ``accepted_at`` (``sla due``)."""
    from telcodesk.quality.selectors import standard_in_force

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
