"""Reads of work orders: scoped lists, the work order queue, the timeline, the checklist.

Every function returning work orders is scoped with
``core.selectors.scope_q(user)`` on the record's branch: another branch's
record is "not found" (404), never "forbidden".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from telcodesk.core.models import OrgUnit, User
from telcodesk.core.selectors import scope_q
from telcodesk.orders import permissions
from telcodesk.orders.errors import RecordNotFound
from telcodesk.orders.models import (
    Attachment,
    ChecklistStep,
    EventKind,
    StepResult,
    Team,
    TicketStatus,
    WorkOrder,
    WorkOrderEvent,
)
from telcodesk.orders.workflow.checklists import Step, checklist_for
from telcodesk.orders.workflow.state_machines import TICKET_OPEN
from telcodesk.sla.selectors import clock_status, pause_reason_choices, time_left

# ``status`` filter values of the queue besides the TMF621 statuses.
QUEUE_STATUS_FILTERS = ("open", "warning", "breached", "paused")


EVENTS = "prefetched_events"
ATTACHMENTS = "prefetched_attachments"


def _with_events_and_attachments(work_orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """Prefetch the rows' events (oldest first) and attachments as plain lists, read by
    ``events_of`` and ``attachments_of``: a page of 100 rows spares Django's related
    manager and queryset per row."""
    return work_orders.prefetch_related(
        Prefetch("events", queryset=WorkOrderEvent.objects.order_by("at", "id"),
                 to_attr=EVENTS),
        Prefetch("attachments", queryset=Attachment.objects.all(), to_attr=ATTACHMENTS))


def events_of(work_order: WorkOrder) -> list[WorkOrderEvent]:
    """The work order's events, oldest first: prefetched by the selectors here, else read."""
    prefetched: list[WorkOrderEvent] | None = getattr(work_order, EVENTS, None)
    if prefetched is not None:
        return prefetched
    return list(work_order.events.all())


def attachments_of(work_order: WorkOrder) -> list[Attachment]:
    """The work order's attachments: prefetched by the selectors here, else read."""
    prefetched: list[Attachment] | None = getattr(work_order, ATTACHMENTS, None)
    if prefetched is not None:
        return prefetched
    return list(work_order.attachments.all())


def work_orders_visible_to(user: User) -> QuerySet[WorkOrder]:
    """Work orders of the user's branch subtree, with what a page or a document shows."""
    return _with_events_and_attachments(
        WorkOrder.objects.filter(scope_q(user))
        .select_related("subscription", "customer", "org_unit", "team", "technician",
                        "sla_clock", "order", "repeat_of")
        .order_by("-created_at", "-id"))


# What a TroubleTicket document (``orders.schemas.trouble_tickets``) reads of the rows
# joined to a work order; the work order's own columns are all read.
_TICKET_JOINED_COLUMNS = (
    "subscription__number", "subscription__service", "customer__code", "customer__name",
    "technician__username", "technician__display_name", "team__code", "team__name",
    "sla_clock__due_at", "order__code", "repeat_of__code")


def tickets_visible_to(user: User) -> QuerySet[WorkOrder]:
    """``work_orders_visible_to`` as TMF621 lists it: the same rows, order and prefetches,
    with only the joined rows' columns a TroubleTicket shows (a page renders 100 of them:
    building the customers', lines' and users' whole rows was most of its cost)."""
    own = [field.name for field in WorkOrder._meta.concrete_fields]
    return _with_events_and_attachments(
        WorkOrder.objects.filter(scope_q(user))
        .select_related("subscription", "customer", "team", "technician", "sla_clock",
                        "order", "repeat_of")
        .only(*own, *_TICKET_JOINED_COLUMNS)
        .order_by("-created_at", "-id"))


def work_order_for(user: User, code: str) -> WorkOrder:
    work_order = work_orders_visible_to(user).filter(code=code).first()
    if work_order is None:
        raise RecordNotFound("work order", code)
    return work_order


def assignable_technicians(user: User) -> QuerySet[User]:
    """The technicians and installers of ``user``'s branch subtree a work order may be
    given to, by username, each with their teams (prefetched, by code) and ``open_load``:
    how many open work orders are assigned to them now. One query, and one for the teams."""
    field_staff = User.objects.filter(groups__name__in=sorted(permissions.FIELD_ROLES))
    return (User.objects.filter(scope_q(user), is_active=True, pk__in=field_staff.values("pk"))
            .annotate(open_load=Count("work_orders", distinct=True,
                                      filter=Q(work_orders__status__in=TICKET_OPEN)))
            .prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("code")))
            .order_by("username"))


def work_orders_of_subscription(subscription_id: int) -> QuerySet[WorkOrder]:
    """A line's work orders, newest first (for the subscriber's own pages; unscoped)."""
    return (WorkOrder.objects.filter(subscription_id=subscription_id)
            .select_related("sla_clock").order_by("-created_at", "-id"))


def work_order_queue(user: User, *, now: dt.datetime, team: Team | None = None,
                     unit: OrgUnit | None = None, status: str | None = None,
                     kind: str | None = None, unassigned: bool = False) -> QuerySet[WorkOrder]:
    """Open work orders the user works on, the most urgent first.

    Sorted by the SLA due time of running clocks (least time left first), then
    paused clocks (their time is frozen) by due time, then work orders without a
    clock. Technicians and installers see their own work and their teams'
    unassigned work; dispatchers see their whole branch subtree.

    ``status``: a TMF621 status, or ``open`` (default: every open status),
    ``warning`` / ``breached`` (running clocks past their warning / due time at
    ``now``) or ``paused``. ``unassigned``: only those no technician holds.
    """
    # What a row of the queue shows, no more: no events, attachments, customer or order.
    work_orders = (WorkOrder.objects.filter(scope_q(user))
                   .select_related("subscription", "org_unit", "team", "technician",
                                   "sla_clock"))
    if permissions.is_field_worker(user):
        work_orders = work_orders.filter(
            Q(technician=user) | Q(technician__isnull=True, team__members=user)).distinct()
    if team is not None:
        work_orders = work_orders.filter(team=team)
    if unit is not None:
        work_orders = work_orders.filter(org_unit__path__startswith=unit.path)
    if kind:
        work_orders = work_orders.filter(kind=kind)
    if unassigned:
        work_orders = work_orders.filter(technician__isnull=True)
    if status in (None, "", "open"):
        work_orders = work_orders.filter(status__in=TICKET_OPEN)
    elif status == "warning":
        work_orders = work_orders.filter(status__in=TICKET_OPEN, sla_clock__state="running",
                                         sla_clock__warn_at__lte=now, sla_clock__due_at__gt=now)
    elif status == "breached":
        work_orders = work_orders.filter(status__in=TICKET_OPEN, sla_clock__state="running",
                                         sla_clock__due_at__lte=now)
    elif status == "paused":
        work_orders = work_orders.filter(status__in=(TicketStatus.PENDING, TicketStatus.HELD))
    else:
        work_orders = work_orders.filter(status=status)
    return work_orders.annotate(
        urgency=Case(When(sla_clock__state="running", then=Value(0)),
                     When(sla_clock__state="paused", then=Value(1)),
                     default=Value(2), output_field=IntegerField()),
    ).order_by("urgency", F("sla_clock__due_at").asc(nulls_last=True), "created_at", "id")


@dataclass(frozen=True)
class QueueEntry:
    work_order: WorkOrder
    time_left: dt.timedelta | None
    clock_status: str  # ok, warning, breached, paused, stopped, or "" without a clock


def queue_entries(work_orders: list[WorkOrder], *, now: dt.datetime) -> list[QueueEntry]:
    """Time left and colour class for a page of the queue."""
    entries = []
    for wo in work_orders:
        clock = wo.sla_clock
        entries.append(QueueEntry(
            work_order=wo,
            time_left=time_left(clock, now=now) if clock else None,
            clock_status=clock_status(clock, now=now) if clock else ""))
    return entries


@dataclass(frozen=True)
class TimelineEntry:
    """One event of a work order as a person reads it: statuses, checklist steps, pause
    reasons and the system by their labels in the reader's language, never their codes."""

    event: WorkOrderEvent
    from_status: str
    to_status: str
    reason: str
    actor: str


def _status_label(value: str) -> str:
    return str(TicketStatus(value).label) if value in TicketStatus.values else value


# Reasons the services record themselves (not typed by a person), as people read them.
_SYSTEM_REASONS = {
    "awaiting the subscriber's confirmation": gettext_lazy(
        "Waiting for the subscriber's confirmation"),
    "awaiting the customer's signature": gettext_lazy("Waiting for the customer's signature"),
    "not confirmed": gettext_lazy("Not confirmed in time"),
    "confirmed by the subscriber": gettext_lazy("Confirmed by the subscriber"),
    "reconnection": gettext_lazy("Reconnection"),
}
_IMPORTED = "imported history"  # orders.services.history.IMPORTED, then the legacy id


def reason_label(reason: str) -> str:
    """A recorded reason as a person reads it: a pause reason's code or a reason the
    services write becomes its label; a reason typed by a person stays as typed."""
    labels = {value: str(label) for value, label in pause_reason_choices()}
    if reason in labels:
        return labels[reason]
    if reason in _SYSTEM_REASONS:
        return str(_SYSTEM_REASONS[reason])
    if reason == _IMPORTED or reason.startswith(f"{_IMPORTED} "):
        legacy = reason[len(_IMPORTED):].strip()
        return (gettext("Imported from the history (old number %(id)s)") % {"id": legacy}
                if legacy else gettext("Imported from the history"))
    return reason


def _event_reason(event: WorkOrderEvent, steps: dict[str, str]) -> str:
    if event.kind == EventKind.CHECKLIST_STEP and ": " in event.reason:
        code, result = event.reason.split(": ", 1)  # as the service records it
        step = steps.get(code, code)
        shown = str(StepResult(result).label) if result in StepResult.values else result
        return f"{step}: {shown}"
    return reason_label(event.reason)


def timeline(work_order: WorkOrder) -> list[TimelineEntry]:
    """Every event of the work order, oldest first (the caller fetched it scoped)."""
    events = (WorkOrderEvent.objects.filter(work_order=work_order)
              .select_related("actor").order_by("at", "id"))
    steps = {step.code: str(step.label)
             for step in checklist_for(kind=work_order.kind, service=work_order.service)}
    return [TimelineEntry(
        event=event, from_status=_status_label(event.from_status),
        to_status=_status_label(event.to_status), reason=_event_reason(event, steps),
        actor=(gettext("System") if event.actor_id is None and event.actor_label == "system"
               else event.actor_label)) for event in events]


@dataclass(frozen=True)
class ChecklistLine:
    step: Step
    position: int
    recorded: ChecklistStep | None
    # True for the first step not yet recorded: the only one a technician may record next
    # (or any recorded one, to correct it).
    recordable: bool


def checklist(work_order: WorkOrder) -> list[ChecklistLine]:
    """The guided checklist of the work order with what is recorded (empty if none)."""
    steps = checklist_for(kind=work_order.kind, service=work_order.service)
    recorded = {s.step: s for s in ChecklistStep.objects.filter(work_order=work_order)}
    lines = []
    blocked = False
    for position, step in enumerate(steps, start=1):
        record = recorded.get(step.code)
        lines.append(ChecklistLine(step=step, position=position, recorded=record,
                                   recordable=not blocked))
        if record is None:
            blocked = True
    return lines


def teams_visible_to(user: User) -> QuerySet[Team]:
    return Team.objects.filter(scope_q(user)).select_related("org_unit").order_by("code")


def technicians_for(work_order: WorkOrder) -> QuerySet[User]:
    """Active technicians and installers who may take the work order (its branch line)."""
    unit = work_order.org_unit
    ancestors = [p for p in _ancestor_paths(unit.path)]
    return (User.objects.filter(is_active=True, groups__name__in=list(permissions.FIELD_ROLES))
            .filter(Q(org_unit__path__startswith=unit.path) | Q(org_unit__path__in=ancestors))
            .distinct().order_by("username"))


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def split_today_appointments(work_orders: Iterable[WorkOrder], *, now: dt.datetime,
                             ) -> tuple[list[WorkOrder], list[WorkOrder]]:
    """``work_orders`` (in queue order) split into those with an appointment today (local
    time of ``now``), by appointment time, and the others, in their order."""
    today = timezone.localdate(now)
    booked: list[WorkOrder] = []
    others: list[WorkOrder] = []
    for wo in work_orders:
        start = wo.appointment_start
        (booked if start is not None and timezone.localdate(start) == today else others).append(wo)
    booked.sort(key=lambda wo: (wo.appointment_start, wo.pk))
    return booked, others


@dataclass(frozen=True)
class TeamAlarm:
    """A team's open work orders past their limit (``breached``) or near it (``warning``)."""

    team_code: str  # "" for work orders without a team
    team_name: str
    breached: int
    warning: int


def team_alarms(user: User, *, now: dt.datetime) -> list[TeamAlarm]:
    """Per team, the open work orders of the user's branch subtree that are breached or
    in warning at ``now`` (``work_order_queue``'s ``status`` of the same names), worst
    first; teams with neither are left out. One query."""
    running = Q(sla_clock__state="running")
    rows = (WorkOrder.objects.filter(scope_q(user), running, status__in=TICKET_OPEN,
                                     sla_clock__warn_at__lte=now)
            .order_by().values("team__code", "team__name")
            .annotate(breached=Count("pk", filter=Q(sla_clock__due_at__lte=now)),
                      warning=Count("pk", filter=Q(sla_clock__due_at__gt=now))))
    alarms = [TeamAlarm(team_code=row["team__code"] or "", team_name=row["team__name"] or "",
                        breached=row["breached"], warning=row["warning"]) for row in rows]
    return sorted(alarms, key=lambda a: (-a.breached, -a.warning, a.team_code))


def unassigned_open_count(user: User) -> int:
    """Open work orders of the user's branch subtree that no technician holds."""
    return WorkOrder.objects.filter(scope_q(user), status__in=TICKET_OPEN,
                                    technician__isnull=True).count()


def queue_colour_counts(work_orders: QuerySet[WorkOrder], *,
                        now: dt.datetime) -> dict[str, int]:
    """How many of the open ``work_orders`` are in warning, breached or paused at ``now``
    (``work_order_queue``'s ``status`` of the same names), in one query."""
    running = Q(sla_clock__state="running")
    counts = work_orders.order_by().aggregate(
        warning=Count("pk", filter=running & Q(sla_clock__warn_at__lte=now,
                                               sla_clock__due_at__gt=now)),
        breached=Count("pk", filter=running & Q(sla_clock__due_at__lte=now)),
        paused=Count("pk", filter=Q(status__in=(TicketStatus.PENDING, TicketStatus.HELD))),
    )
    return {key: int(counts[key] or 0) for key in ("warning", "breached", "paused")}
