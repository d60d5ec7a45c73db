"""Writes of the SLA engine: start, pause, resume, stop, cancel, reopen, assign a
clock; claim due warnings and breaches exactly once and alert the people concerned;
publish, retire, enable or disable a service standard.

Every function takes ``now`` from the caller and runs in one transaction. The
arithmetic lives in ``sla.computation``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction

from telcodesk.core.bulk import BulkTable
from telcodesk.core.calendar import WorkingCalendar, load_calendar
from telcodesk.core.changes import CLOCKS, records_changed
from telcodesk.core.models import Channel, OrgUnit, User
from telcodesk.core.services import do_audit
from telcodesk.notify.services import NotifyRequest, do_notify_bulk
from telcodesk.sla import computation
from telcodesk.sla.errors import SlaError, SlaErrorCode
from telcodesk.sla.history import (
    FinishedClock,
    FinishedClockWriter,
    indicator_figures,
    indicator_snapshot,
    standard_snapshot,
    stop_figures,
)
from telcodesk.sla.history import FinishedPause as FinishedPause  # for the callers of do_record_*
from telcodesk.sla.models import (
    AlertKind,
    ClockState,
    LimitUnit,
    PauseReason,
    RequestKind,
    Service,
    ServiceStandard,
    SlaAlert,
    SlaClock,
    SlaPause,
    StandardArea,
    Tier,
)
from telcodesk.sla.selectors import (
    active_staff_by_id,
    alert_numbers,
    branch_managers_by_unit,
    overlapping_standard,
    regulator_standard_in_force,
    standard_in_force,
)

AUDIT_TYPE = "sla.SlaClock"
CLAIM_BATCH = 2000


def _calendar_for(unit: str) -> WorkingCalendar | None:
    return load_calendar() if unit == computation.WORKING_DAYS else None


def _excluded_intervals(clock: SlaClock, *, until: dt.datetime | None = None
                        ) -> list[computation.Interval]:
    """Closed excluded pauses of ``clock``; an open one ends at ``until`` if given."""
    intervals: list[computation.Interval] = []
    if clock.pk is None:
        return intervals
    for pause in clock.pauses.filter(excluded=True).order_by("started_at", "id"):
        end = pause.ended_at or until
        if end is not None:
            intervals.append((pause.started_at, end))
    return intervals


def _recompute(clock: SlaClock) -> None:
    cal = _calendar_for(clock.limit_unit)
    found = computation.deadlines(
        accepted_at=clock.accepted_at, limit=clock.limit_value,
        warning_ratio=clock.warning_ratio, unit=clock.limit_unit,
        pauses=_excluded_intervals(clock), cal=cal)
    clock.due_at, clock.warn_at = found.due_at, found.warn_at


def _locked(clock: SlaClock) -> SlaClock:
    return SlaClock.objects.select_for_update().get(pk=clock.pk)


def _refresh(target: SlaClock, source: SlaClock) -> None:
    """Copy the saved state into the caller's instance."""
    for field in SlaClock._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _require_aware(value: dt.datetime, label: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise SlaError(SlaErrorCode.INVALID, f"{label} needs a time zone")


# --- the clock's life ------------------------------------------------------------


@transaction.atomic
def do_start_clock(*, now: dt.datetime, service: str, kind: str, area: str, tier: str,
                   accepted_at: dt.datetime, org_unit: OrgUnit, assignee: User | None = None,
                   subject_label: str, subject_url: str = "",
                   request_types: str = "") -> SlaClock:
    """Start a clock under the standard in force at ``accepted_at`` (kept as a snapshot).

    The clock runs, warns and breaches on the most specific standard (a VIP tier's
    own); the indicators judge the request against the regulator's limit, the
    ``any``-tier standard of its service, kind and area, kept beside it.
    ``request_types``: what was asked for (order item kinds, comma-separated, or the
    work-order kind), which decides the indicators it feeds."""
    _require_aware(accepted_at, "the acceptance time")
    if accepted_at > now:
        raise SlaError(SlaErrorCode.INVALID, "a request cannot be accepted in the future")
    if not subject_label.strip():
        raise SlaError(SlaErrorCode.INVALID, "the clock needs the request's label")
    standard = standard_in_force(service=service, kind=kind, area=area, tier=tier,
                                 at=accepted_at)
    regulator = (standard if standard.tier == "any" else regulator_standard_in_force(
        service=service, kind=kind, area=area, at=accepted_at))
    clock = SlaClock(
        standard=standard, **standard_snapshot(standard),
        **indicator_snapshot(standard, regulator), request_types=request_types[:200],
        service=service, kind=kind, area=area, tier=tier, org_unit=org_unit,
        assignee=assignee,
        subject_label=subject_label.strip()[:120], subject_url=subject_url,
        accepted_at=accepted_at, state=ClockState.RUNNING)
    _recompute(clock)
    clock.save(force_insert=True)
    return clock


@transaction.atomic
def do_pause_clock(*, now: dt.datetime, clock: SlaClock, reason: str, note: str = "",
                   actor: User | None = None, channel: str = Channel.SYSTEM) -> SlaPause:
    """Pause with a reason. An excluded reason stops the counting until the resume;
    any other reason is recorded while the clock keeps running."""
    if not reason:
        raise SlaError(SlaErrorCode.REASON_REQUIRED, "a pause needs a reason")
    if reason not in PauseReason.values:
        raise SlaError(SlaErrorCode.INVALID, f"unknown pause reason {reason!r} "
                                             f"(one of {', '.join(PauseReason.values)})")
    locked = _locked(clock)
    if locked.state not in (ClockState.RUNNING,):
        raise SlaError(SlaErrorCode.ILLEGAL_STATE,
                       f"{locked.subject_label}: a {locked.state} clock cannot be paused")
    if locked.pauses.filter(ended_at__isnull=True).exists():
        raise SlaError(SlaErrorCode.ILLEGAL_STATE,
                       f"{locked.subject_label} is already paused; resume it first")
    if now < locked.accepted_at:
        raise SlaError(SlaErrorCode.INVALID, "a pause cannot start before the acceptance")
    excluded = reason in locked.excluded_reasons
    pause = SlaPause.objects.create(clock=locked, reason=reason, note=note[:300],
                                    started_at=now, excluded=excluded, actor=actor)
    if excluded:
        locked.state = ClockState.PAUSED
        locked.paused_since = now
        locked.save(update_fields=["state", "paused_since"])
    do_audit(now=now, actor=actor, channel=channel, action="sla.pause", target_type=AUDIT_TYPE,
             target_id=locked.pk, summary=f"{locked.subject_label}: {reason}"
             f"{' (excluded)' if excluded else ' (clock keeps running)'}")
    _refresh(clock, locked)
    return pause


def _close_open_pause(clock: SlaClock, at: dt.datetime) -> SlaPause | None:
    pause = clock.pauses.filter(ended_at__isnull=True).first()
    if pause is not None:
        pause.ended_at = max(at, pause.started_at)
        pause.save(update_fields=["ended_at"])
    return pause


def _close_open_pause_and_exclude(clock: SlaClock, at: dt.datetime
                                  ) -> list[computation.Interval]:
    """``_close_open_pause`` then ``_excluded_intervals``, reading the pauses once."""
    pauses = list(clock.pauses.order_by("started_at", "id"))
    pause = next((p for p in pauses if p.ended_at is None), None)
    if pause is not None:
        pause.ended_at = max(at, pause.started_at)
        pause.save(update_fields=["ended_at"])
    return [(p.started_at, p.ended_at) for p in pauses
            if p.excluded and p.ended_at is not None]


@transaction.atomic
def do_resume_clock(*, now: dt.datetime, clock: SlaClock, actor: User | None = None,
                    channel: str = Channel.SYSTEM) -> SlaClock:
    """End the open pause; after an excluded one the due and warning times move on."""
    locked = _locked(clock)
    pause = (_close_open_pause(locked, now)
             if locked.state in (ClockState.RUNNING, ClockState.PAUSED) else None)
    if pause is None:
        raise SlaError(SlaErrorCode.ILLEGAL_STATE, f"{locked.subject_label} is not paused")
    if pause.excluded:
        locked.state = ClockState.RUNNING
        locked.paused_since = None
        _recompute(locked)
        locked.save(update_fields=["state", "paused_since", "due_at", "warn_at"])
    do_audit(now=now, actor=actor, channel=channel, action="sla.resume", target_type=AUDIT_TYPE,
             target_id=locked.pk, summary=f"{locked.subject_label}: due "
             f"{locked.due_at.isoformat()}")
    _refresh(clock, locked)
    return clock


@transaction.atomic
def do_stop_clock(*, now: dt.datetime, clock: SlaClock, actor: User | None = None,
                  channel: str = Channel.SYSTEM) -> SlaClock:
    """Stop the clock (the service works again, the change is done) and store the
    counted duration, whether it was timely and whether the limit was breached."""
    locked = _locked(clock)
    if locked.state not in (ClockState.RUNNING, ClockState.PAUSED):
        raise SlaError(SlaErrorCode.ILLEGAL_STATE,
                       f"{locked.subject_label}: a {locked.state} clock cannot be stopped")
    stop_at = max(now, locked.accepted_at)
    excluded = _close_open_pause_and_exclude(locked, stop_at)
    cal = _calendar_for(locked.limit_unit)
    figures = stop_figures(accepted_at=locked.accepted_at, until=stop_at,
                           unit=locked.limit_unit, limit=locked.limit_value,
                           pauses=excluded, cal=cal)
    locked.counted_duration, locked.timely = figures.counted, figures.timely
    locked.breached = figures.breached
    judged = indicator_figures(
        own=figures, own_unit=locked.limit_unit, accepted_at=locked.accepted_at,
        until=stop_at, unit=locked.indicator_limit_unit or locked.limit_unit,
        limit=(locked.indicator_limit_value if locked.indicator_limit_value is not None
               else locked.limit_value), pauses=excluded)
    locked.indicator_duration, locked.indicator_timely = judged.counted, judged.timely
    locked.state = ClockState.STOPPED
    locked.stopped_at = stop_at
    locked.paused_since = None
    locked.save(update_fields=["counted_duration", "timely", "breached", "state", "stopped_at",
                               "paused_since", "indicator_duration", "indicator_timely"])
    records_changed(source=CLOCKS, instants=[stop_at])
    _refresh(clock, locked)
    return clock


@transaction.atomic
def do_cancel_clock(*, now: dt.datetime, clock: SlaClock, actor: User | None = None,
                    channel: str = Channel.SYSTEM) -> SlaClock:
    """Cancel (the request was withdrawn): the clock counts in no report."""
    locked = _locked(clock)
    if locked.state not in (ClockState.RUNNING, ClockState.PAUSED):
        raise SlaError(SlaErrorCode.ILLEGAL_STATE,
                       f"{locked.subject_label}: a {locked.state} clock cannot be cancelled")
    _close_open_pause(locked, max(now, locked.accepted_at))
    locked.state = ClockState.CANCELLED
    locked.stopped_at = max(now, locked.accepted_at)
    locked.paused_since = None
    locked.save(update_fields=["state", "stopped_at", "paused_since"])
    do_audit(now=now, actor=actor, channel=channel, action="sla.cancel", target_type=AUDIT_TYPE,
             target_id=locked.pk, summary=locked.subject_label)
    _refresh(clock, locked)
    return clock


@transaction.atomic
def do_reopen_clock(*, now: dt.datetime, clock: SlaClock, actor: User | None = None,
                    channel: str = Channel.SYSTEM) -> SlaClock:
    """Reopen a stopped clock (the subscriber says the fault is back).

    The same clock continues: the time between the stop and the reopening is
    recorded as an excluded pause (``other``, "closed until reopened"), so the
    counted time goes on from where it stopped; the stored result is cleared
    until the next stop. Warnings and breaches already claimed are not sent again.
    """
    locked = _locked(clock)
    if locked.state != ClockState.STOPPED or locked.stopped_at is None:
        raise SlaError(SlaErrorCode.ILLEGAL_STATE,
                       f"{locked.subject_label}: only a stopped clock can be reopened")
    if now > locked.stopped_at:
        SlaPause.objects.create(clock=locked, reason=PauseReason.OTHER,
                                note="closed until reopened", started_at=locked.stopped_at,
                                ended_at=now, excluded=True, actor=actor)
    records_changed(source=CLOCKS, instants=[locked.stopped_at])
    locked.state = ClockState.RUNNING
    locked.stopped_at = None
    locked.counted_duration = None
    locked.timely = None
    locked.indicator_duration = None
    locked.indicator_timely = None
    locked.breached = locked.breach_claimed_at is not None
    locked.reopened += 1
    _recompute(locked)
    locked.save()
    do_audit(now=now, actor=actor, channel=channel, action="sla.reopen", target_type=AUDIT_TYPE,
             target_id=locked.pk, summary=f"{locked.subject_label}: due "
             f"{locked.due_at.isoformat()}")
    _refresh(clock, locked)
    return clock


@transaction.atomic
def do_record_finished_clocks(*, clocks: Sequence[FinishedClock],
                              writer: FinishedClockWriter | None = None) -> list[int]:
    """Write the stopped clocks of requests finished elsewhere (historical imports).

    Each clock is stored as ``do_start_clock`` … ``do_stop_clock`` would have left
    it: the standard in force at acceptance, due and warning instants, counted
    duration, timely, breached, its pauses (excluded by the standard's reasons).
    No alert, no SMS. A bad clock (finished before accepted, a pause outside the
    request or overlapping another, no standard in force) raises ``SlaError``
    naming its ``ref`` and nothing is written. Returns the new ids, in order.
    Pass one ``writer`` to successive calls to reuse what it looked up.
    """
    return (writer or FinishedClockWriter()).write(clocks)


@transaction.atomic
def do_assign_clock(*, clock: SlaClock, assignee: User | None) -> SlaClock:
    """Who is alerted as the assignee (follows the work order's technician)."""
    SlaClock.objects.filter(pk=clock.pk).update(assignee=assignee)
    clock.assignee = assignee
    return clock


# --- the clock process: claim due deadlines exactly once -----------------------------


_CLAIM_COLUMN = {AlertKind.WARNING: ("warning_claimed_at", "warn_at"),
                 AlertKind.BREACH: ("breach_claimed_at", "due_at")}


def _claim_ids(kind: AlertKind, *, now: dt.datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` due clocks in one conditional UPDATE ... RETURNING.

    The inner SELECT walks the partial index (running, unclaimed, ordered by the
    deadline); the outer WHERE repeats the condition, so a row another process
    claimed meanwhile is left alone. On PostgreSQL the rows are locked with
    ``SKIP LOCKED`` (a second clock skips what the first is claiming); SQLite runs
    the statement under its single write lock.
    """
    claimed_col, deadline_col = _CLAIM_COLUMN[kind]
    table = connection.ops.quote_name(SlaClock._meta.db_table)
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    # A breach also settles the warning: nobody is warned about a limit already passed.
    extra = (", breached = %s, warning_claimed_at = COALESCE(warning_claimed_at, %s)"
             if kind == AlertKind.BREACH else "")
    condition = (f"state = %s AND {claimed_col} IS NULL AND {deadline_col} <= %s")
    sql = (f"UPDATE {table} SET {claimed_col} = %s{extra} "  # noqa: S608 (names are ours)
           f"WHERE id IN (SELECT id FROM {table} WHERE {condition} "
           f"ORDER BY {deadline_col} LIMIT %s{lock}) AND {condition} RETURNING id")
    at = connection.ops.adapt_datetimefield_value(now)  # UTC text on SQLite
    params: list[Any] = [at]
    if kind == AlertKind.BREACH:
        params += [True, at]
    params += [ClockState.RUNNING, at, limit, ClockState.RUNNING, at]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def _alert(kind: AlertKind, ids: Sequence[int], *, now: dt.datetime) -> int:
    """Record an alert per clock and person (assignee, branch managers) and queue an
    SMS to those with an alert number. Returns the number of SMS queued.

    Built for an outage that makes thousands of deadlines due in one pass: the
    clocks are read as values, the managers once per pass, and the alerts and SMS
    written as rows in bulk (``core.bulk``, ``notify.services.do_notify_bulk``), a
    few queries per thousand deadlines. Each person still gets one SMS per deadline.
    """
    clocks = list(SlaClock.objects.filter(pk__in=ids).values_list(
        "pk", "org_unit_id", "assignee_id", "subject_label", "kind", "due_at"))
    managers = branch_managers_by_unit({clock[1] for clock in clocks})
    assignees = active_staff_by_id({clock[2] for clock in clocks if clock[2] is not None})
    alerts: list[tuple[int, User, str]] = []
    for clock_id, unit_id, assignee_id, *_rest in clocks:
        recipients: dict[int, tuple[User, str]] = {}
        assignee = assignees.get(assignee_id) if assignee_id is not None else None
        if assignee is not None:
            recipients[assignee.pk] = (assignee, "assignee")
        for manager in managers[unit_id]:
            recipients.setdefault(manager.pk, (manager, "branch_manager"))
        alerts += [(clock_id, user, role) for user, role in recipients.values()]
    if not alerts:
        return 0
    numbers = alert_numbers({user.pk for _clock, user, _role in alerts})
    notify_kind = "deadline_warning" if kind == AlertKind.WARNING else "deadline_breached"
    by_id = {clock[0]: clock for clock in clocks}
    requests = []
    rows = []
    for clock_id, user, role in alerts:
        number = numbers.get(user.pk)
        rows.append((clock_id, str(kind), user.pk, role, now, bool(number)))
        if not number:
            continue
        _pk, _unit, _assignee, label, clock_kind, due_at = by_id[clock_id]
        reference, _, what = label.partition(" ")
        requests.append(NotifyRequest(
            kind=notify_kind, recipient=number,
            context={"what": what or clock_kind, "reference": reference, "deadline": due_at},
            dedupe_key=f"sla:{clock_id}:{kind}:{user.pk}", staff=user))
    _alert_table().insert_new(rows)
    if requests:
        do_notify_bulk(now=now, requests=requests, channel=Channel.SYSTEM)
    return len(requests)


_alert_tables: dict[str, BulkTable] = {}


def _alert_table() -> BulkTable:
    vendor = connection.vendor
    if vendor not in _alert_tables:
        _alert_tables[vendor] = BulkTable(
            SlaAlert, ("clock_id", "kind", "staff_id", "role", "created_at", "sms_sent"))
    return _alert_tables[vendor]


@transaction.atomic
def do_claim_deadlines(*, now: dt.datetime, kind: AlertKind, limit: int = CLAIM_BATCH,
                       alert: bool = True) -> list[int]:
    """Claim due warnings or breaches (at most ``limit``) and alert; returns the ids.

    A deadline is claimed by exactly one caller, however many clock processes
    run: the claim and its alerts commit together, or not at all.
    """
    ids = _claim_ids(kind, now=now, limit=limit)
    if ids and alert:
        _alert(kind, ids, now=now)
    return ids


def claim_warnings(now: dt.datetime) -> list[int]:
    """Claim every due warning (batch after batch)."""
    return _claim_all(AlertKind.WARNING, now)


def claim_breaches(now: dt.datetime) -> list[int]:
    return _claim_all(AlertKind.BREACH, now)


def _claim_all(kind: AlertKind, now: dt.datetime) -> list[int]:
    claimed: list[int] = []
    while True:
        batch = do_claim_deadlines(now=now, kind=kind)
        claimed += batch
        if len(batch) < CLAIM_BATCH:
            return claimed


# --- the service standards -----------------------------------------------------------------
# Every change of a standard goes through here (the admin too) so that no two standards of
# the same (service, kind, area, tier) key are ever in force at the same instant.


def _standard_decimal(value: object, label: str, *, required: bool = True) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise SlaError(SlaErrorCode.INVALID, f"{label} is required")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise SlaError(SlaErrorCode.INVALID, f"{label} is not a number: {value!r}"
                       ) from None
    if not number.is_finite() or number <= 0:
        raise SlaError(SlaErrorCode.INVALID, f"{label} must be greater than 0")
    return number


def _check_standard_choice(value: str, choices: list[str], label: str) -> None:
    if value not in choices:
        raise SlaError(SlaErrorCode.INVALID,
                       f"unknown {label} {value!r} (one of {', '.join(choices)})")


def _describe_standard(standard: ServiceStandard) -> str:
    until = standard.active_to.isoformat() if standard.active_to else "open-ended"
    return (f"standard #{standard.pk} ({standard.service} {standard.kind} {standard.area} "
            f"{standard.tier}, {standard.limit_label}, "
            f"{standard.active_from.isoformat()} – {until})")


@transaction.atomic
def do_create_standard(
    *,
    now: dt.datetime,
    actor: User | None,
    service: str,
    kind: str,
    area: str = StandardArea.ANY,
    tier: str = Tier.ANY,
    limit_value: Decimal | int | str,
    limit_unit: str,
    maximum_value: Decimal | int | str | None = None,
    average_target: Decimal | int | str | None = None,
    timely_target_pct: Decimal | int | str | None = None,
    warning_ratio: Decimal | str = Decimal("0.80"),
    excluded_pause_reasons: Iterable[str] = (),
    active_from: dt.datetime,
    active_to: dt.datetime | None = None,
    source: str = "",
    verified: bool = False,
    channel: str = Channel.CONSOLE,
) -> ServiceStandard:
    """Publish a standard. A period overlapping another of the same key is refused."""
    _check_standard_choice(service, Service.values, "service")
    _check_standard_choice(kind, RequestKind.values, "request kind")
    _check_standard_choice(area, StandardArea.values, "area")
    _check_standard_choice(tier, Tier.values, "customer tier")
    _check_standard_choice(limit_unit, LimitUnit.values, "limit unit")
    reasons = list(dict.fromkeys(excluded_pause_reasons))
    for reason in reasons:
        _check_standard_choice(reason, PauseReason.values, "pause reason")
    limit = _standard_decimal(limit_value, "the limit")
    ratio = _standard_decimal(warning_ratio, "the warning ratio")
    assert limit is not None and ratio is not None
    if ratio > 1:
        raise SlaError(SlaErrorCode.INVALID,
                       "the warning ratio must lie between 0 and 1 (0.80 = 80% of the limit)")
    if active_from.tzinfo is None or (active_to is not None and active_to.tzinfo is None):
        raise SlaError(SlaErrorCode.INVALID, "validity dates need a time zone")
    if active_to is not None and active_to <= active_from:
        raise SlaError(SlaErrorCode.INVALID, "the validity period ends before it starts")
    target = _standard_decimal(timely_target_pct, "the timely-rate target", required=False)
    if target is not None and target > 100:
        raise SlaError(SlaErrorCode.INVALID, "the timely-rate target is a percentage")
    # Lock the key's rows so two concurrent publications cannot both pass the check.
    list(ServiceStandard.objects.select_for_update().filter(
        service=service, kind=kind, area=area, tier=tier).values_list("pk", flat=True))
    clash = overlapping_standard(service=service, kind=kind, area=area, tier=tier,
                                 active_from=active_from, active_to=active_to)
    if clash is not None:
        raise SlaError(
            SlaErrorCode.OVERLAP,
            f"the validity period overlaps {_describe_standard(clash)}: retire it first "
            "(set its end date) or choose another period")
    standard = ServiceStandard.objects.create(
        service=service, kind=kind, area=area, tier=tier, limit_value=limit,
        limit_unit=limit_unit,
        maximum_value=_standard_decimal(maximum_value, "the maximum", required=False),
        average_target=_standard_decimal(average_target, "the average target", required=False),
        timely_target_pct=target, warning_ratio=ratio, excluded_pause_reasons=reasons,
        active_from=active_from, active_to=active_to, source=source, verified=verified,
        created_at=now, created_by=actor)
    # The audit target keeps the type it had before the model moved from quality to sla,
    # so a standard's audit trail reads as one.
    do_audit(now=now, actor=actor, channel=channel, action="standard.create",
             target_type="quality.ServiceStandard", target_id=standard.pk,
             summary=_describe_standard(standard))
    return standard


@transaction.atomic
def do_retire_standard(*, now: dt.datetime, standard: ServiceStandard,
                       active_to: dt.datetime, actor: User | None = None,
                       channel: str = Channel.CONSOLE) -> ServiceStandard:
    """End a standard's validity at ``active_to`` (exclusive). Only shortening is allowed."""
    standard = ServiceStandard.objects.select_for_update().get(pk=standard.pk)
    if active_to.tzinfo is None:
        raise SlaError(SlaErrorCode.INVALID, "the end date needs a time zone")
    if active_to <= standard.active_from:
        raise SlaError(SlaErrorCode.INVALID,
                       "a standard cannot end before it comes into force")
    if standard.active_to is not None and active_to > standard.active_to:
        raise SlaError(SlaErrorCode.INVALID,
                       f"{_describe_standard(standard)} already ends earlier; a retirement "
                       "only shortens a period")
    before = standard.active_to
    standard.active_to = active_to
    standard.save(update_fields=["active_to"])
    do_audit(now=now, actor=actor, channel=channel, action="standard.retire",
             target_type="quality.ServiceStandard", target_id=standard.pk,
             summary=f"in force until {active_to.isoformat()}",
             details={"before": before.isoformat() if before else None,
                      "after": active_to.isoformat()})
    return standard


@transaction.atomic
def do_set_standard_enabled(*, now: dt.datetime, standard: ServiceStandard, enabled: bool,
                            actor: User | None = None,
                            channel: str = Channel.CONSOLE) -> ServiceStandard:
    """Enable a standard (it is in force over its period from now on: new requests of
    its key start their clocks on it) or disable it (never in force). Clocks already
    started keep the standard they started on."""
    standard = ServiceStandard.objects.select_for_update().get(pk=standard.pk)
    if standard.enabled == enabled:
        return standard
    standard.enabled = enabled
    standard.save(update_fields=["enabled"])
    do_audit(now=now, actor=actor, channel=channel,
             action="standard.enable" if enabled else "standard.disable",
             target_type="quality.ServiceStandard", target_id=standard.pk,
             summary=_describe_standard(standard))
    return standard
