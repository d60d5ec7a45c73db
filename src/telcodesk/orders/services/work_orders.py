"""Writes of work orders / trouble tickets (TMF621) and field teams.

Every ``do_*`` function takes keyword-only arguments and ``now`` from the caller,
runs in one transaction, writes an audit entry, a timeline event and a TMF event
(``core.events``), and sends SMS only through ``notify``.

Channels: ``do_report_fault`` takes the *request channel* (``OrderChannel``:
counter, self_service, hotline, api); every other function takes the *audit
channel* (``core.models.Channel``: console, api, self_service, cli, system...).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from telcodesk.core import phone
from telcodesk.core.models import Channel, User
from telcodesk.core.permissions import check_actor
from telcodesk.core.services import do_audit
from telcodesk.orders import permissions
from telcodesk.orders.errors import OrdersError, OrdersErrorCode
from telcodesk.orders.models import (
    Attachment,
    ChecklistStep,
    EventKind,
    OrderChannel,
    Severity,
    StepResult,
    Team,
    TicketStatus,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderKind,
)
from telcodesk.orders.services._common import (
    AUDIT_CHANNEL,
    REPEAT_WINDOW,
    _audit_work_order,
    _change_status,
    _create_work_order,
    _event,
    _invalid,
    _locked_work_order,
    _publish_ticket,
    _refuse_second_open_repair,
    _require_role,
    _stamp,
    _touch,
    repair_confirm_window,
)
from telcodesk.orders.workflow.checklists import checklist_for
from telcodesk.orders.workflow.state_machines import (
    TICKET_OPEN,
    TICKET_PAUSED,
    check_ticket_transition,
)
from telcodesk.sla import selectors as sla_selectors
from telcodesk.sla import services as sla_services

if TYPE_CHECKING:
    from telcodesk.customers.models import Subscription

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf",
                              "text/plain"})


def last_repair(subscription: Subscription) -> WorkOrder | None:
    return (WorkOrder.objects.filter(subscription=subscription, kind=WorkOrderKind.REPAIR,
                                     resolved_at__isnull=False)
            .order_by("-resolved_at", "-id").first())


@transaction.atomic
def do_report_fault(
    *,
    now: dt.datetime,
    actor: User | None,
    channel: str,
    subscription: Subscription,
    description: str,
    severity: str = Severity.MINOR,
    name: str = "",
    external_id: str = "",
    appointment_start: dt.datetime | None = None,
    appointment_end: dt.datetime | None = None,
) -> WorkOrder:
    """A fault report from any channel → a repair work order with its SLA clock.

    A report within 7 days of the line's last resolved repair is a repeat fault
    (``repeat_of``). A line with a repair still open is refused: add a note there.
    """
    _require_role(actor, permissions.may_change_tickets, "trouble tickets")
    if channel not in OrderChannel.values:
        raise _invalid(f"unknown channel {channel!r}; channels: {', '.join(OrderChannel.values)}")
    description = (description or "").strip()
    if not description:
        raise _invalid("describe the fault")
    if severity not in Severity.values:
        raise _invalid(f"severity must be one of {', '.join(Severity.values)}")
    if subscription.active_to is not None or subscription.status == "terminated":
        raise _invalid(f"line {phone.mask(subscription.number)} has ended")
    if appointment_start and appointment_end and appointment_end <= appointment_start:
        raise _invalid("the appointment must end after it starts")
    _refuse_second_open_repair(subscription)
    previous = last_repair(subscription)
    repeat_of = (previous if previous is not None and previous.resolved_at is not None
                 and now - previous.resolved_at <= REPEAT_WINDOW else None)
    try:
        # A savepoint: a concurrent report that won the race trips the database's
        # one-open-repair constraint here, and the loser gets the same answer as above.
        with transaction.atomic():
            return _create_work_order(
                now=now, actor=actor, kind=WorkOrderKind.REPAIR, subscription=subscription,
                customer=subscription.customer, channel=channel,
                audit_channel=AUDIT_CHANNEL[OrderChannel(channel)],
                description=description[:4000], severity=severity, name=name,
                external_id=external_id, repeat_of=repeat_of,
                appointment_start=appointment_start, appointment_end=appointment_end)
    except IntegrityError:
        _refuse_second_open_repair(subscription)
        raise


@transaction.atomic
def do_open_trouble_ticket(
    *,
    now: dt.datetime,
    actor: User | None,
    channel: str,
    subscription: Subscription,
    description: str,
    severity: str = Severity.MINOR,
    name: str = "",
    external_id: str = "",
    notes: Sequence[str] = (),
    priority: Any = None,
    audit_channel: str = Channel.API,
) -> WorkOrder:
    """A TMF621 ``POST troubleTicket``: the fault report, its notes and its priority.

    One transaction: if a note or the priority is refused, no ticket, SMS,
    event or audit entry is left behind.
    """
    work_order = do_report_fault(now=now, actor=actor, channel=channel,
                                 subscription=subscription, description=description,
                                 severity=severity, name=name, external_id=external_id)
    for text in notes:
        do_add_note(now=now, work_order=work_order, text=text, actor=actor,
                    channel=audit_channel)
    if priority is not None:
        work_order = do_update_work_order(now=now, work_order=work_order,
                                          changes={"priority": priority}, actor=actor,
                                          channel=audit_channel)
    return work_order


@transaction.atomic
def do_patch_trouble_ticket(
    *,
    now: dt.datetime,
    work_order: WorkOrder,
    changes: dict[str, Any],
    notes: Sequence[str] = (),
    status: str | None = None,
    reason: str = "",
    actor: User | None,
    channel: str,
) -> WorkOrder:
    """A TMF621 ``PATCH troubleTicket``: attributes, new notes and a status move.

    One transaction: the whole patch applies or nothing does (a refused status
    move leaves the attributes and notes unchanged).
    """
    _require_role(actor, permissions.may_change_tickets, "trouble tickets")
    work_order = _locked_work_order(work_order)
    if status is not None and status != work_order.status:
        check_ticket_transition(work_order.status, status, reason)
    if changes:
        work_order = do_update_work_order(now=now, work_order=work_order, changes=changes,
                                          actor=actor, channel=channel)
    for text in notes:
        do_add_note(now=now, work_order=work_order, text=text, actor=actor, channel=channel)
    if status is not None and status != work_order.status:
        work_order = do_change_work_order_status(now=now, work_order=work_order,
                                                 status=status, reason=reason, actor=actor,
                                                 channel=channel)
    return work_order


@transaction.atomic
def do_change_work_order_status(*, now: dt.datetime, work_order: WorkOrder, status: str,
                                reason: str = "", actor: User | None,
                                channel: str) -> WorkOrder:
    """Move a work order through the TMF621 state machine.

    ``pending``/``held`` pause the SLA clock (a ``PauseReason`` value as reason
    is recorded as such, any other text as ``other``, which the standard does
    not exclude); leaving them resumes it. ``resolved`` stops the clock and
    tells the subscriber; an install or move resolved completes its order.
    ``cancelled``/``rejected`` cancel the clock. ``resolved → inProgress``
    reopens the clock.
    """
    _require_role(actor, permissions.may_change_tickets, "trouble tickets")
    work_order = _locked_work_order(work_order)
    return _change_status(now=now, work_order=work_order, status=status,
                          reason=(reason or "").strip(), actor=actor, channel=channel)


@transaction.atomic
def do_pause_work_order(*, now: dt.datetime, work_order: WorkOrder, reason: str,
                        note: str = "", actor: User | None,
                        channel: str = Channel.CONSOLE) -> WorkOrder:
    """Wait for the customer (``pending``): the SLA clock pauses with ``reason``."""
    _require_role(actor, permissions.may_change_tickets, "trouble tickets")
    reason = (reason or "").strip()
    if not reason:
        raise OrdersError(OrdersErrorCode.REASON_REQUIRED, "a pause needs a reason")
    reasons = sla_selectors.pause_reason_values()
    if reason not in reasons:
        raise _invalid(f"pause reason {reason!r} is not one of {', '.join(reasons)}")
    work_order = _locked_work_order(work_order)
    return _change_status(now=now, work_order=work_order, status=TicketStatus.PENDING,
                          reason=reason, actor=actor, channel=channel, note=note,
                          event_kind=EventKind.PAUSED)


@transaction.atomic
def do_resume_work_order(*, now: dt.datetime, work_order: WorkOrder, actor: User | None,
                         channel: str = Channel.CONSOLE, note: str = "") -> WorkOrder:
    _require_role(actor, permissions.may_change_tickets, "trouble tickets")
    work_order = _locked_work_order(work_order)
    if work_order.status not in TICKET_PAUSED:
        raise OrdersError(OrdersErrorCode.ILLEGAL_TRANSITION,
                          f"work order {work_order.code} is {work_order.status}, not paused")
    return _change_status(now=now, work_order=work_order, status=TicketStatus.IN_PROGRESS,
                          reason="", actor=actor, channel=channel, note=note,
                          event_kind=EventKind.RESUMED)


def _same_branch(unit_a: Any, unit_b: Any) -> bool:
    return bool(unit_a and unit_b and (unit_a.is_within(unit_b) or unit_b.is_within(unit_a)))


@transaction.atomic
def do_assign_work_order(*, now: dt.datetime, work_order: WorkOrder,
                         technician: User | None, team: Team | None, actor: User | None,
                         channel: str = Channel.CONSOLE) -> WorkOrder:
    """Give the work order to a team and/or a technician (the SLA clock's assignee).

    A staff ``actor`` must hold an assigning role; ``None`` is the system itself.
    """
    check_actor(actor, permissions.may_assign, lambda: OrdersError(
        OrdersErrorCode.FORBIDDEN, "only branch managers and administrators assign work orders"))
    work_order = _locked_work_order(work_order)
    if work_order.status not in TICKET_OPEN:
        raise OrdersError(OrdersErrorCode.ILLEGAL_TRANSITION,
                          f"work order {work_order.code} is {work_order.status}")
    if technician is None and team is None:
        raise _invalid("assign a team, a technician or both")
    if team is not None and not _same_branch(team.org_unit, work_order.org_unit):
        raise _invalid(f"team {team.code} works outside branch {work_order.org_unit.code}")
    if technician is not None and not technician.is_active:
        raise _invalid(f"{technician} is inactive")
    if technician is not None and not (technician.is_superuser or _same_branch(
            technician.org_unit, work_order.org_unit)):
        raise _invalid(f"{technician} works outside branch {work_order.org_unit.code}")
    before = (work_order.team.code if work_order.team else "",
              work_order.technician.username if work_order.technician else "")
    work_order.team = team or work_order.team
    work_order.technician = technician
    _touch(work_order, now, "team", "technician")
    if work_order.sla_clock is not None:
        sla_services.do_assign_clock(clock=work_order.sla_clock, assignee=technician)
    summary = " / ".join(x for x in (team.name if team else "",
                                     str(technician) if technician else "") if x)
    _event(now=now, work_order=work_order, kind=EventKind.ASSIGNED, actor=actor, note=summary)
    _audit_work_order(now=now, actor=actor, channel=channel, action="work_order.assign",
                      work_order=work_order, summary=summary,
                      details={"before": list(before),
                               "team": team.code if team else None,
                               "technician": technician.username if technician else None})
    _publish_ticket(now, work_order, "TroubleTicketAttributeValueChangeEvent")
    return work_order


@transaction.atomic
def do_set_appointment(*, now: dt.datetime, work_order: WorkOrder, start: dt.datetime,
                       end: dt.datetime, actor: User | None,
                       channel: str = Channel.CONSOLE) -> WorkOrder:
    _require_role(actor, permissions.may_change_tickets, "trouble tickets")
    work_order = _locked_work_order(work_order)
    if end <= start:
        raise _invalid("the appointment must end after it starts")
    if work_order.status not in TICKET_OPEN:
        raise OrdersError(OrdersErrorCode.ILLEGAL_TRANSITION,
                          f"work order {work_order.code} is {work_order.status}")
    work_order.appointment_start, work_order.appointment_end = start, end
    _touch(work_order, now, "appointment_start", "appointment_end")
    text = f"{_stamp(start)} – {_stamp(end)}"
    _event(now=now, work_order=work_order, kind=EventKind.APPOINTMENT, actor=actor, note=text)
    _audit_work_order(now=now, actor=actor, channel=channel, action="work_order.appointment",
                      work_order=work_order, summary=text)
    return work_order


@transaction.atomic
def do_record_checklist_step(*, now: dt.datetime, work_order: WorkOrder, step: str,
                             result: str, note: str = "", actor: User | None,
                             channel: str = Channel.CONSOLE) -> ChecklistStep:
    """Record one step of the guided checklist; the earlier steps must be recorded first."""
    _require_role(actor, permissions.may_change_tickets, "trouble tickets")
    work_order = _locked_work_order(work_order)
    steps = checklist_for(kind=work_order.kind, service=work_order.service)
    if not steps:
        raise _invalid(f"work order {work_order.code} has no guided checklist")
    codes = [s.code for s in steps]
    if step not in codes:
        raise _invalid(f"unknown checklist step {step!r}; steps: {', '.join(codes)}")
    if result not in StepResult.values:
        raise _invalid(f"result must be one of {', '.join(StepResult.values)}")
    if work_order.status not in TICKET_OPEN:
        raise OrdersError(OrdersErrorCode.ILLEGAL_TRANSITION,
                          f"work order {work_order.code} is {work_order.status}")
    position = codes.index(step)
    recorded = set(work_order.checklist_steps.values_list("step", flat=True))
    missing = [c for c in codes[:position] if c not in recorded]
    if missing:
        raise OrdersError(OrdersErrorCode.CHECKLIST_ORDER,
                          f"record {', '.join(missing)} before {step} "
                          "(outside before inside, look before test, hardware before software)")
    record, _created = ChecklistStep.objects.update_or_create(
        work_order=work_order, step=step,
        defaults={"position": position + 1, "result": result, "note": note[:300], "at": now,
                  "actor": actor})
    _touch(work_order, now)
    _event(now=now, work_order=work_order, kind=EventKind.CHECKLIST_STEP, actor=actor,
           reason=f"{step}: {result}", note=note)
    _audit_work_order(now=now, actor=actor, channel=channel, action="work_order.checklist",
                      work_order=work_order, summary=f"{step} {result}")
    return record


@transaction.atomic
def do_add_note(*, now: dt.datetime, work_order: WorkOrder, text: str, actor: User | None,
                channel: str = Channel.CONSOLE) -> WorkOrderEvent:
    _require_role(actor, permissions.may_change_tickets, "trouble tickets")
    text = (text or "").strip()
    if not text:
        raise _invalid("a note needs text")
    if len(text) > 4000:
        raise _invalid("a note has at most 4000 characters")
    work_order = _locked_work_order(work_order)
    _touch(work_order, now)
    event = _event(now=now, work_order=work_order, kind=EventKind.NOTE, actor=actor, note=text)
    _audit_work_order(now=now, actor=actor, channel=channel, action="work_order.note",
                      work_order=work_order, summary=text[:100])
    _publish_ticket(now, work_order, "TroubleTicketAttributeValueChangeEvent")
    return event


_SAFE_NAME = re.compile(r"[^\w.\-]+")


@transaction.atomic
def do_add_attachment(*, now: dt.datetime, work_order: WorkOrder, name: str, content: bytes,
                      content_type: str, actor: User | None,
                      channel: str = Channel.CONSOLE) -> Attachment:
    """A photo or document on the ticket: at most 10 MB, JPEG/PNG/WebP/PDF/text."""
    _require_role(actor, permissions.may_change_tickets, "trouble tickets")
    name = (name or "").strip()[:200]
    if not name:
        raise _invalid("an attachment needs a file name")
    if content_type not in ATTACHMENT_TYPES:
        raise _invalid(f"file type {content_type or '(none)'} is not accepted; use "
                       f"{', '.join(sorted(ATTACHMENT_TYPES))}")
    if not content:
        raise _invalid("the file is empty")
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise _invalid(f"the file is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
    work_order = _locked_work_order(work_order)
    attachment = Attachment(work_order=work_order, name=name, content_type=content_type,
                            size=len(content), uploaded_at=now, uploaded_by=actor)
    attachment.file.save(_SAFE_NAME.sub("_", name) or "file", ContentFile(content), save=False)
    attachment.save()
    _touch(work_order, now)
    _event(now=now, work_order=work_order, kind=EventKind.ATTACHMENT, actor=actor, note=name)
    _audit_work_order(now=now, actor=actor, channel=channel, action="work_order.attachment",
                      work_order=work_order, summary=name)
    return attachment


@transaction.atomic
def do_subscriber_confirm_repair(*, now: dt.datetime, work_order: WorkOrder,
                                 channel: str = Channel.SELF_SERVICE,
                                 actor: User | None = None) -> WorkOrder:
    """The subscriber confirms the repair: the ticket closes."""
    work_order = _locked_work_order(work_order)
    if work_order.status != TicketStatus.RESOLVED:
        raise OrdersError(OrdersErrorCode.ILLEGAL_TRANSITION,
                          f"work order {work_order.code} is {work_order.status}; only a "
                          "resolved one can be confirmed")
    work_order.confirmed_by_subscriber_at = now
    work_order.save(update_fields=["confirmed_by_subscriber_at"])
    return _change_status(now=now, work_order=work_order, status=TicketStatus.CLOSED,
                          reason="confirmed by the subscriber", actor=actor, channel=channel,
                          event_kind=EventKind.CONFIRMED)


@transaction.atomic
def do_reopen_work_order(*, now: dt.datetime, work_order: WorkOrder, reason: str,
                         actor: User | None = None,
                         channel: str = Channel.SELF_SERVICE) -> WorkOrder:
    """The subscriber says the fault is back.

    - A resolved ticket within 7 days of its resolution is reopened
      (``inProgress``, ``reopened_count`` + 1, the same SLA clock continues): a
      repeat fault.
    - A closed ticket within 7 days → a new repair ticket with ``repeat_of``
      (a repeat fault; TMF621 ``closed`` is final).
    - Later → a new, ordinary fault report.

    Returns the ticket now carrying the fault (the same one or a new one).
    """
    _require_role(actor, permissions.may_change_tickets, "trouble tickets")
    reason = (reason or "").strip()
    if not reason:
        raise OrdersError(OrdersErrorCode.REASON_REQUIRED, "say what is wrong again")
    work_order = _locked_work_order(work_order)
    if work_order.kind != WorkOrderKind.REPAIR or work_order.status not in (
            TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise OrdersError(OrdersErrorCode.ILLEGAL_TRANSITION,
                          f"work order {work_order.code} is a {work_order.kind} in status "
                          f"{work_order.status}; only a resolved or closed repair reopens")
    assert work_order.resolved_at is not None
    within = now - work_order.resolved_at <= REPEAT_WINDOW
    if within and work_order.status == TicketStatus.RESOLVED:
        return _change_status(now=now, work_order=work_order, status=TicketStatus.IN_PROGRESS,
                              reason=reason, actor=actor, channel=channel,
                              event_kind=EventKind.REOPENED)
    audit_to_request: dict[str, str] = {Channel.SELF_SERVICE: OrderChannel.SELF_SERVICE,
                        Channel.API: OrderChannel.API}
    return do_report_fault(now=now, actor=actor,
                           channel=audit_to_request.get(channel, OrderChannel.HOTLINE),
                           subscription=work_order.subscription,
                           description=f"{reason} (after {work_order.code})",
                           severity=work_order.severity)


def close_unconfirmed_repairs(now: dt.datetime) -> str:
    """Clock job: resolved tickets nobody confirmed or reopened close after the window.

    Each is claimed with a conditional update (status still ``resolved``).
    """
    cutoff = now - repair_confirm_window()
    due = list(WorkOrder.objects.filter(status=TicketStatus.RESOLVED, resolved_at__lte=cutoff)
               .values_list("pk", flat=True)[:1000])
    closed = 0
    reason = "closed automatically: not confirmed or reopened in time"
    for pk in due:
        with transaction.atomic():
            claimed = WorkOrder.objects.filter(pk=pk, status=TicketStatus.RESOLVED).update(
                status=TicketStatus.CLOSED, status_reason=reason, status_changed_at=now,
                closed_at=now, updated_at=now)
            if claimed != 1:
                continue
            work_order = WorkOrder.objects.select_related("subscription", "customer").get(pk=pk)
            _event(now=now, work_order=work_order, kind=EventKind.STATUS_CHANGED, actor=None,
                   from_status=TicketStatus.RESOLVED, to_status=TicketStatus.CLOSED,
                   reason=reason)
            _audit_work_order(now=now, actor=None, channel=Channel.SYSTEM,
                              action="work_order.status", work_order=work_order,
                              summary="resolved → closed (automatic)")
            _publish_ticket(now, work_order, "TroubleTicketStatusChangeEvent")
            closed += 1
    return f"{closed} resolved work order(s) closed"


# --- teams --------------------------------------------------------------------------------


@transaction.atomic
def do_create_team(*, now: dt.datetime, code: str, name: str, org_unit: Any,
                   members: Sequence[User] = (), actor: User | None = None,
                   channel: str = Channel.CLI) -> Team:
    if not code or not name:
        raise _invalid("a team needs a code and a name")
    if Team.objects.filter(code=code).exists():
        raise OrdersError(OrdersErrorCode.CONFLICT, f"team {code!r} exists")
    team = Team.objects.create(code=code, name=name, org_unit=org_unit)
    if members:
        team.members.set(members)
    do_audit(now=now, actor=actor, channel=channel, action="team.create", target_type="team",
             target_id=team.code, summary=name)
    return team


# --- details (TMF PATCH of plain attributes) ----------------------------------------------------

WORK_ORDER_CHANGEABLE = ("name", "description", "severity", "priority", "external_id")


@transaction.atomic
def do_update_work_order(*, now: dt.datetime, work_order: WorkOrder, changes: dict[str, Any],
                         actor: User | None, channel: str) -> WorkOrder:
    """Change plain attributes (``WORK_ORDER_CHANGEABLE``); status has its own functions."""
    _require_role(actor, permissions.may_change_tickets, "trouble tickets")
    unknown = sorted(set(changes) - set(WORK_ORDER_CHANGEABLE))
    if unknown:
        raise _invalid(f"cannot change {', '.join(unknown)}")
    work_order = _locked_work_order(work_order)
    cleaned: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "severity":
            if value not in Severity.values:
                raise _invalid(f"severity must be one of {', '.join(Severity.values)}")
            cleaned[key] = value
        elif key == "priority":
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise _invalid("priority must be a whole number from 1 to 5") from None
            if not 1 <= number <= 5:
                raise _invalid("priority must be a whole number from 1 to 5")
            cleaned[key] = number
        elif key == "description":
            text = (value or "").strip()
            if not text:
                raise _invalid("description: a work order needs a description")
            cleaned[key] = text[:4000]
        else:
            cleaned[key] = (value or "").strip()[:200 if key == "name" else 100]
    changed = {k: v for k, v in cleaned.items() if getattr(work_order, k) != v}
    if not changed:
        return work_order
    for key, value in changed.items():
        setattr(work_order, key, value)
    _touch(work_order, now, *sorted(changed))
    _audit_work_order(now=now, actor=actor, channel=channel, action="work_order.update",
                      work_order=work_order, summary=", ".join(sorted(changed)))
    _publish_ticket(now, work_order, "TroubleTicketAttributeValueChangeEvent")
    return work_order


