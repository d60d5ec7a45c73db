"""Helpers shared by the orders services modules (private to ``orders.services``).

Codes, audit entries, timeline events, TMF events and row locks; and the three
steps each capability takes on the other's records: completing an order (a
resolved install completes it), opening a work order (an order's field work)
and moving a work order's status (a cancelled order cancels its work).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from telcodesk.core import permissions as core_permissions
from telcodesk.core import phone
from telcodesk.core.clock import local
from telcodesk.core.events import do_publish_event, has_listeners
from telcodesk.core.models import Channel, User
from telcodesk.core.services import do_audit
from telcodesk.customers import services as customer_services
from telcodesk.notify.services import do_notify
from telcodesk.orders.errors import OpenRepairExists, OrdersError, OrdersErrorCode
from telcodesk.orders.models import (
    CODE_DIGITS,
    WORK_ORDER_CODE_PREFIX,
    CustomerOrder,
    EventKind,
    ItemAction,
    ItemKind,
    OrderCancellation,
    OrderChannel,
    OrderItem,
    OrderState,
    Severity,
    TicketStatus,
    VasSubscription,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderKind,
)
from telcodesk.orders.schemas import product_orders as order_schemas
from telcodesk.orders.schemas import trouble_tickets as ticket_schemas
from telcodesk.orders.workflow.state_machines import (
    ORDER_FINAL,
    TICKET_OPEN,
    TICKET_PAUSED,
    check_order_transition,
    check_ticket_transition,
)
from telcodesk.sla import selectors as sla_selectors
from telcodesk.sla import services as sla_services

if TYPE_CHECKING:
    from telcodesk.customers.models import Customer, Subscription

# The request channel's audit channel.
AUDIT_CHANNEL = {
    OrderChannel.COUNTER: Channel.CONSOLE,
    OrderChannel.HOTLINE: Channel.CONSOLE,
    OrderChannel.SELF_SERVICE: Channel.SELF_SERVICE,
    OrderChannel.API: Channel.API,
}
# A fault reported (or a repair reopened) within this time of the last repair is a repeat.
REPEAT_WINDOW = dt.timedelta(days=7)

ITEM_ACTIONS: dict[str, str] = {
    ItemKind.NEW_LINE: ItemAction.ADD,
    ItemKind.ACTIVATION: ItemAction.MODIFY,
    ItemKind.PACKAGE_CHANGE: ItemAction.MODIFY,
    ItemKind.MOVE: ItemAction.MODIFY,
    ItemKind.SUSPENSION: ItemAction.MODIFY,
    ItemKind.RECONNECTION: ItemAction.MODIFY,
    ItemKind.NAME_CHANGE: ItemAction.MODIFY,
    ItemKind.TRANSFER: ItemAction.MODIFY,
    ItemKind.VAS_SUBSCRIBE: ItemAction.ADD,
    ItemKind.VAS_UNSUBSCRIBE: ItemAction.DELETE,
    ItemKind.CANCELLATION: ItemAction.DELETE,
}


def repair_confirm_window() -> dt.timedelta:
    """A resolved repair the subscriber neither confirms nor reopens closes after this."""
    return dt.timedelta(days=settings.TELCODESK_REPAIR_CONFIRM_DAYS)


# --- helpers ------------------------------------------------------------------------------


def _require_role(actor: User | None, allowed: Callable[[User], bool], what: str) -> None:
    """Refuse a staff ``actor`` whose roles ``allowed`` (an ``orders.permissions`` rule)
    does not admit; ``None`` is the system itself."""
    core_permissions.check_actor(actor, allowed, lambda: OrdersError(
        OrdersErrorCode.FORBIDDEN, f"your role may read {what} but not change them"))


def _invalid(message: str) -> OrdersError:
    return OrdersError(OrdersErrorCode.INVALID, message)


def _placeholder() -> str:
    """A unique code for the insert; the real one derives from the primary key."""
    return f"tmp-{uuid.uuid4().hex[:16]}"


def _assign_code(record: CustomerOrder | WorkOrder | OrderCancellation, prefix: str) -> None:
    record.code = f"{prefix}{record.pk:0{CODE_DIGITS}d}"
    type(record).objects.filter(pk=record.pk).update(code=record.code)


def _stamp(instant: dt.datetime) -> str:
    return f"{local(instant):%Y-%m-%d %H:%M}"


def _fee(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}元/月"


def _sms_number(subscription: Subscription) -> str:
    """Where a subscriber's reminders go: the mobile number, else the contact phone."""
    if subscription.service == "mobile":
        return subscription.number
    return subscription.customer.contact_phone or ""


def _publish_order(now: dt.datetime, order: CustomerOrder, event_type: str) -> None:
    if not has_listeners("productOrder"):
        return
    # In full: each listener gets the numbers as its user sees them (core.events).
    do_publish_event(now=now, api="productOrder", event_type=event_type, subject=order,
                     resource=order_schemas.order_document(
                         order, base=order_schemas.ORDER_EVENT_BASE, full_numbers=True))


def _publish_ticket(now: dt.datetime, work_order: WorkOrder, event_type: str) -> None:
    if not has_listeners("troubleTicket"):
        return
    do_publish_event(now=now, api="troubleTicket", event_type=event_type, subject=work_order,
                     resource=ticket_schemas.ticket_document(
                         work_order, base=ticket_schemas.TICKET_EVENT_BASE, full_numbers=True))


def _event(*, now: dt.datetime, work_order: WorkOrder, kind: str, actor: User | None,
           from_status: str = "", to_status: str = "", reason: str = "",
           note: str = "") -> WorkOrderEvent:
    return WorkOrderEvent.objects.create(
        work_order=work_order, at=now, actor=actor,
        actor_label=(str(actor) if actor else "system")[:150], kind=kind,
        from_status=from_status, to_status=to_status, reason=reason[:300], note=note)


def _audit_order(*, now: dt.datetime, actor: User | None, channel: str, action: str,
                 order: CustomerOrder, summary: str = "",
                 details: dict[str, Any] | None = None) -> None:
    do_audit(now=now, actor=actor, channel=channel, action=action, target_type="order",
             target_id=order.code, summary=f"{order.code} {summary}".strip(), details=details)


def _audit_work_order(*, now: dt.datetime, actor: User | None, channel: str, action: str,
                      work_order: WorkOrder, summary: str = "",
                      details: dict[str, Any] | None = None) -> None:
    do_audit(now=now, actor=actor, channel=channel, action=action, target_type="work_order",
             target_id=work_order.code, summary=f"{work_order.code} {summary}".strip(),
             details=details)


def _locked_order(order: CustomerOrder) -> CustomerOrder:
    return (CustomerOrder.objects.select_for_update(of=("self",))
            .select_related("customer", "subscription", "subscription__customer", "org_unit",
                            "sla_clock")
            .get(pk=order.pk))


def _locked_work_order(work_order: WorkOrder) -> WorkOrder:
    return (WorkOrder.objects.select_for_update(of=("self",))
            .select_related("subscription", "customer", "org_unit", "sla_clock", "order")
            .get(pk=work_order.pk))


# --- completing an order ------------------------------------------------------------------


def _set_order_state(order: CustomerOrder, state: str, *, now: dt.datetime,
                     reason: str = "", also: Sequence[str] = ()) -> None:
    """The new state on the order and its open items; ``also``: other changed fields
    of the order saved in the same UPDATE."""
    order.state = state
    order.state_reason = reason[:300]
    order.state_changed_at = now
    order.updated_at = now
    order.save(update_fields=["state", "state_reason", "state_changed_at", "updated_at",
                              *also])
    order.items.exclude(state__in=ORDER_FINAL).update(state=state if state != OrderState.PARTIAL
                                                      else OrderState.COMPLETED)

def _reminder(item: OrderItem, order: CustomerOrder, now: dt.datetime
              ) -> tuple[str, dict[str, Any]] | None:
    line = item.subscription
    if line is None:
        return None
    number, time = line.number, _stamp(now)
    if item.kind in (ItemKind.NEW_LINE, ItemKind.ACTIVATION):
        return "activation", {"number": number, "time": time, "package": line.package.name}
    if item.kind == ItemKind.PACKAGE_CHANGE:
        assert item.package is not None
        return "package_change", {"number": number, "time": time, "package": item.package.name}
    if item.kind == ItemKind.SUSPENSION:
        return "suspension", {"number": number, "time": time,
                              "reason": item.reason or "客户申请"}
    if item.kind == ItemKind.RECONNECTION:
        return "reconnection", {"number": number, "time": time}
    if item.kind == ItemKind.VAS_SUBSCRIBE:
        assert item.offering is not None
        return "service_ordered", {"number": number, "time": time,
                                   "service": item.offering.name,
                                   "fee": _fee(item.offering.monthly_fee_fen)}
    if item.kind == ItemKind.VAS_UNSUBSCRIBE:
        assert item.offering is not None
        return "service_cancelled", {"number": number, "time": time,
                                     "service": item.offering.name}
    # Moves are announced by their work order; name changes, transfers and line
    # cancellations have no reminder kind of their own.
    return None


def _apply_item(*, now: dt.datetime, order: CustomerOrder, item: OrderItem,
                actor: User | None, channel: str) -> None:
    line = item.subscription
    assert line is not None
    kind = item.kind
    if kind in (ItemKind.NEW_LINE, ItemKind.ACTIVATION):
        customer_services.do_activate_subscription(now=now, subscription=line, actor=actor,
                                                   channel=channel)
    elif kind == ItemKind.PACKAGE_CHANGE:
        assert item.package is not None
        customer_services.do_change_package(now=now, subscription=line, package=item.package,
                                            actor=actor, channel=channel)
    elif kind == ItemKind.MOVE:
        customer_services.do_move_subscription(now=now, subscription=line,
                                               address=item.new_address, actor=actor,
                                               channel=channel)
    elif kind == ItemKind.SUSPENSION:
        customer_services.do_set_subscription_status(
            now=now, subscription=line, status="suspended", reason=item.reason, actor=actor,
            channel=channel)
    elif kind == ItemKind.RECONNECTION:
        customer_services.do_set_subscription_status(
            now=now, subscription=line, status="active", reason="reconnection", actor=actor,
            channel=channel)
    elif kind == ItemKind.CANCELLATION:
        VasSubscription.objects.filter(subscription=line, active_to__isnull=True).update(
            active_to=now)
        customer_services.do_set_subscription_status(
            now=now, subscription=line, status="terminated", reason=item.reason, actor=actor,
            channel=channel)
    elif kind == ItemKind.NAME_CHANGE:
        customer_services.do_update_customer(now=now, actor=None, channel=channel,
                                             customer=line.customer,
                                             changes={"name": item.new_name})
    elif kind == ItemKind.TRANSFER:
        assert item.new_owner is not None
        customer_services.do_transfer_subscription(now=now, subscription=line,
                                                   new_owner=item.new_owner, actor=actor,
                                                   channel=channel)
    elif kind == ItemKind.VAS_SUBSCRIBE:
        assert item.offering is not None
        VasSubscription.objects.create(subscription=line, offering=item.offering, order=order,
                                       active_from=now, charged_from=now)
    elif kind == ItemKind.VAS_UNSUBSCRIBE:
        VasSubscription.objects.filter(subscription=line, offering=item.offering,
                                       active_to__isnull=True).update(active_to=now)


def _complete_order(*, now: dt.datetime, order: CustomerOrder, actor: User | None,
                    channel: str) -> None:
    check_order_transition(order.state, OrderState.COMPLETED)
    unfinished = order.work_orders.exclude(
        status__in=(TicketStatus.RESOLVED, TicketStatus.CLOSED)).values_list("code", flat=True)
    if unfinished:
        raise OrdersError(OrdersErrorCode.CONFLICT,
                          f"order {order.code} waits for work order(s) "
                          f"{', '.join(unfinished)}")
    items = list(order.items.select_related("subscription", "subscription__package",
                                            "subscription__customer", "package", "offering",
                                            "new_owner").order_by("position"))
    for item in items:
        _apply_item(now=now, order=order, item=item, actor=actor, channel=channel)
    if order.sla_clock is not None and order.sla_clock.state != "stopped":
        sla_services.do_stop_clock(now=now, clock=order.sla_clock, actor=actor)
    order.completed_at = now
    _set_order_state(order, OrderState.COMPLETED, now=now, also=["completed_at"])
    reminders = [(item, r) for item in items if (r := _reminder(item, order, now)) is not None]
    for index, (item, (kind, context)) in enumerate(reminders):
        assert item.subscription is not None
        item.subscription.refresh_from_db()
        recipient = _sms_number(item.subscription)
        if not recipient:
            continue
        key = f"order:{order.code}:completed" + (f":{item.position}" if index else "")
        do_notify(now=now, kind=kind, recipient=recipient, context=context, dedupe_key=key,
                  channel=channel, customer=order.customer, subject=order.code)
    _audit_order(now=now, actor=actor, channel=channel, action="order.complete", order=order)
    _publish_order(now, order, "ProductOrderStateChangeEvent")



# --- opening a work order and moving its status -------------------------------------------


def _create_work_order(*, now: dt.datetime, actor: User | None, kind: str,
                       subscription: Subscription, customer: Customer, channel: str,
                       audit_channel: str, description: str, address: str = "",
                       order: CustomerOrder | None = None, item: OrderItem | None = None,
                       severity: str = Severity.MINOR, name: str = "",
                       external_id: str = "", repeat_of: WorkOrder | None = None,
                       appointment_start: dt.datetime | None = None,
                       appointment_end: dt.datetime | None = None) -> WorkOrder:
    code, prefix = _placeholder(), WORK_ORDER_CODE_PREFIX
    label = WorkOrderKind(kind).label
    work_order = WorkOrder.objects.create(
        code=code, kind=kind, ticket_type="fault" if kind == WorkOrderKind.REPAIR else kind,
        service=subscription.service, subscription=subscription, customer=customer,
        address=address or subscription.address, org_unit=subscription.org_unit,
        area=subscription.area, status=TicketStatus.ACKNOWLEDGED, status_changed_at=now,
        channel=channel, severity=severity, name=(name or str(label))[:200],
        description=description, external_id=external_id[:100], order=order,
        order_item=item, repeat_of=repeat_of, created_by=actor, created_at=now,
        updated_at=now, appointment_start=appointment_start, appointment_end=appointment_end)
    _assign_code(work_order, prefix)
    request_kind = {WorkOrderKind.INSTALL: "install", WorkOrderKind.MOVE: "move",
                    WorkOrderKind.REPAIR: "repair", WorkOrderKind.RESTORE: "reconnection",
                    WorkOrderKind.CHANGE: "change"}[WorkOrderKind(kind)]
    work_order.sla_clock = sla_services.do_start_clock(
        now=now, service=subscription.service, kind=request_kind, area=subscription.area,
        tier=customer.tier, accepted_at=now, org_unit=subscription.org_unit, assignee=None,
        subject_label=f"{work_order.code} {label}"[:120],
        subject_url=reverse("console:work_order", args=[work_order.code]),
        request_types=str(item.kind) if item is not None else str(kind))
    work_order.save(update_fields=["sla_clock"])
    _event(now=now, work_order=work_order, kind=EventKind.CREATED, actor=actor,
           to_status=TicketStatus.ACKNOWLEDGED,
           note=f"repeat of {repeat_of.code}" if repeat_of else "")
    _audit_work_order(now=now, actor=actor, channel=audit_channel, action="work_order.create",
                      work_order=work_order, summary=f"{kind} {phone.mask(subscription.number)}",
                      details={"channel": channel, "order": order.code if order else None,
                               "repeat_of": repeat_of.code if repeat_of else None})
    _publish_ticket(now, work_order, "TroubleTicketCreateEvent")
    return work_order

def _refuse_second_open_repair(subscription: Subscription | int,
                               besides: WorkOrder | None = None) -> None:
    """``OpenRepairExists`` when the line has an open repair (other than ``besides``)."""
    open_repairs = WorkOrder.objects.filter(subscription=subscription,
                                            kind=WorkOrderKind.REPAIR,
                                            status__in=TICKET_OPEN)
    if besides is not None:
        open_repairs = open_repairs.exclude(pk=besides.pk)
    open_repair = open_repairs.order_by("created_at", "id").first()
    if open_repair is not None:
        raise OpenRepairExists(open_repair.code)


def _pause_reason(reason: str) -> tuple[str, str]:
    """(PauseReason value, note) for a status reason typed by staff."""
    if reason in sla_selectors.pause_reason_values():
        return reason, ""
    return sla_selectors.other_pause_reason(), reason


def _touch(work_order: WorkOrder, now: dt.datetime, *fields: str) -> None:
    work_order.updated_at = now
    work_order.save(update_fields=["updated_at", *fields])


def _change_status(*, now: dt.datetime, work_order: WorkOrder, status: str, reason: str,
                   actor: User | None, channel: str, note: str = "",
                   event_kind: str = EventKind.STATUS_CHANGED) -> WorkOrder:
    old = work_order.status
    check_ticket_transition(old, status, reason)
    # Reopening a repair while another repair of the line is open would make two:
    # refused like a second fault report (the database constraint holds it under races).
    reopens_repair = (work_order.kind == WorkOrderKind.REPAIR and old not in TICKET_OPEN
                      and status in TICKET_OPEN and work_order.subscription_id is not None)
    if reopens_repair:
        _refuse_second_open_repair(work_order.subscription_id, besides=work_order)
    clock = work_order.sla_clock
    if clock is not None:
        if old in TICKET_PAUSED and clock.state in ("running", "paused"):
            sla_services.do_resume_clock(now=now, clock=clock, actor=actor)
        if status in TICKET_PAUSED:
            pause_reason, pause_note = _pause_reason(reason)
            sla_services.do_pause_clock(now=now, clock=clock, reason=pause_reason,
                                        note=(note or pause_note)[:300], actor=actor)
        elif status == TicketStatus.RESOLVED:
            sla_services.do_stop_clock(now=now, clock=clock, actor=actor)
        elif status in (TicketStatus.CANCELLED, TicketStatus.REJECTED):
            sla_services.do_cancel_clock(now=now, clock=clock, actor=actor)
        elif old == TicketStatus.RESOLVED and status == TicketStatus.IN_PROGRESS:
            sla_services.do_reopen_clock(now=now, clock=clock, actor=actor)
    work_order.status = status
    work_order.status_reason = reason[:300]
    work_order.status_changed_at = now
    fields = ["status", "status_reason", "status_changed_at"]
    if status == TicketStatus.RESOLVED:
        work_order.resolved_at = now
        fields.append("resolved_at")
    elif status == TicketStatus.CLOSED:
        work_order.closed_at = now
        fields.append("closed_at")
    elif old == TicketStatus.RESOLVED and status == TicketStatus.IN_PROGRESS:
        work_order.resolved_at = None
        work_order.reopened_count += 1
        fields += ["resolved_at", "reopened_count"]
    try:
        with transaction.atomic():
            _touch(work_order, now, *fields)
    except IntegrityError:
        if reopens_repair:
            _refuse_second_open_repair(work_order.subscription_id, besides=work_order)
        raise
    _event(now=now, work_order=work_order, kind=event_kind, actor=actor, from_status=old,
           to_status=status, reason=reason, note=note)
    _audit_work_order(now=now, actor=actor, channel=channel, action="work_order.status",
                      work_order=work_order, summary=f"{old} → {status} {reason}".strip(),
                      details={"status": [old, status], "reason": reason})
    _publish_ticket(now, work_order, "TroubleTicketStatusChangeEvent")
    if status == TicketStatus.RESOLVED:
        _publish_ticket(now, work_order, "TroubleTicketResolvedEvent")
        _announce_resolution(now=now, work_order=work_order, channel=channel)
        _complete_order_if_done(now=now, work_order=work_order, actor=actor, channel=channel)
    return work_order


def _announce_resolution(*, now: dt.datetime, work_order: WorkOrder, channel: str) -> None:
    recipient = _sms_number(work_order.subscription)
    if not recipient:
        return
    do_notify(now=now, kind="work_order_completed", recipient=recipient,
              context={"number": work_order.subscription.number, "time": _stamp(now),
                       "work": work_order.get_kind_display(), "reference": work_order.code},
              dedupe_key=f"wo:{work_order.code}:resolved:{work_order.reopened_count}",
              channel=channel, customer=work_order.customer, subject=work_order.code)


def _complete_order_if_done(*, now: dt.datetime, work_order: WorkOrder, actor: User | None,
                            channel: str) -> None:
    if work_order.order_id is None:
        return
    order = _locked_order(work_order.order) if work_order.order else None
    if order is None or order.state != OrderState.IN_PROGRESS:
        return
    if order.work_orders.exclude(status__in=(TicketStatus.RESOLVED, TicketStatus.CLOSED)
                                 ).exists():
        return
    _complete_order(now=now, order=order, actor=actor, channel=channel)

