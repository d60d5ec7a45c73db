"""Writes of the orders app: customer orders, confirmations, work orders, tickets.

Every ``do_*`` function takes keyword-only arguments and ``now`` from the caller,
runs in one transaction, writes an audit entry, a timeline event (work orders)
and a TMF event (``core.events``), and sends SMS only through ``notify``.

Channels: ``do_create_order`` and ``do_report_fault`` take the *request channel*
(``OrderChannel``: counter, self_service, hotline, api); every other function
takes the *audit channel* (``core.models.Channel``: console, api, self_service,
cli, system...).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from telcodesk.core import phone
from telcodesk.core.clock import local
from telcodesk.core.errors import DomainError
from telcodesk.core.events import do_publish_event
from telcodesk.core.models import Channel, HubRegistration, User
from telcodesk.core.services import do_audit
from telcodesk.customers import services as customer_services
from telcodesk.notify.services import do_notify
from telcodesk.orders.errors import OpenRepairExists, OrdersError, OrdersErrorCode
from telcodesk.orders.models import (
    CANCELLATION_CODE_PREFIX,
    CODE_DIGITS,
    ORDER_CODE_PREFIX,
    WORK_ORDER_CODE_PREFIX,
    Attachment,
    ChecklistStep,
    ConfirmationKind,
    CustomerOrder,
    EventKind,
    ItemAction,
    ItemKind,
    OrderCancellation,
    OrderChannel,
    OrderItem,
    OrderState,
    Severity,
    StepResult,
    Team,
    TicketStatus,
    VasSubscription,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderKind,
)
from telcodesk.orders.schemas import trouble_tickets as schemas
from telcodesk.orders.selectors.work_orders import may_assign
from telcodesk.orders.workflow.checklists import checklist_for
from telcodesk.orders.workflow.state_machines import (
    ORDER_FINAL,
    TICKET_OPEN,
    TICKET_PAUSED,
    check_order_transition,
    check_ticket_transition,
)
from telcodesk.sla import services as sla_services

# Other apps' records are named through their services modules (their models stay private).
Customer = customer_services.Customer
Package = customer_services.Package
Subscription = customer_services.Subscription
ValueAddedOffering = customer_services.ValueAddedOffering
PauseReason = sla_services.PauseReason
SlaClock = sla_services.SlaClock

# The request channel's audit channel.
AUDIT_CHANNEL = {
    OrderChannel.COUNTER: Channel.CONSOLE,
    OrderChannel.HOTLINE: Channel.CONSOLE,
    OrderChannel.SELF_SERVICE: Channel.SELF_SERVICE,
    OrderChannel.API: Channel.API,
}
# A fault reported (or a repair reopened) within this time of the last repair is a repeat.
REPEAT_WINDOW = dt.timedelta(days=7)
# Replies that confirm a value-added service order.
CONFIRM_REPLIES = frozenset({"Y", "YES", "是", "确认"})
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf",
                              "text/plain"})

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
FIELD_SERVICES = frozenset({"fixed", "broadband"})


def vas_confirm_window() -> dt.timedelta:
    return dt.timedelta(hours=settings.TELCODESK_VAS_CONFIRM_HOURS)


def repair_confirm_window() -> dt.timedelta:
    """A resolved repair the subscriber neither confirms nor reopens closes after this."""
    return dt.timedelta(days=settings.TELCODESK_REPAIR_CONFIRM_DAYS)


# --- helpers ------------------------------------------------------------------------------


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


def _has_listeners(api: str) -> bool:
    """Building a TMF document costs queries: skip it when nobody listens."""
    return HubRegistration.objects.filter(api=api).exists()


def _publish_order(now: dt.datetime, order: CustomerOrder, event_type: str) -> None:
    if not _has_listeners("productOrder"):
        return
    # In full: each listener gets the numbers as its user sees them (core.events).
    do_publish_event(now=now, api="productOrder", event_type=event_type, subject=order,
                     resource=schemas.order_document(order, base=schemas.ORDER_EVENT_BASE,
                                                     full_numbers=True))


def _publish_ticket(now: dt.datetime, work_order: WorkOrder, event_type: str) -> None:
    if not _has_listeners("troubleTicket"):
        return
    do_publish_event(now=now, api="troubleTicket", event_type=event_type, subject=work_order,
                     resource=schemas.ticket_document(work_order,
                                                      base=schemas.TICKET_EVENT_BASE,
                                                      full_numbers=True))


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


# --- customer orders ----------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    """One requested change of an order. Which attributes count depends on ``kind``.

    - ``new_line``: ``service``, ``number``, ``package`` (and ``address`` for fixed lines
      and broadband);
    - ``activation``, ``suspension``, ``reconnection``, ``cancellation``: the line;
    - ``package_change``: ``package``; ``move``: ``address``;
    - ``name_change``: ``new_name``; ``transfer``: ``new_owner``;
    - ``vas_subscribe`` / ``vas_unsubscribe``: ``offering``.

    ``subscription`` defaults to the order's subscription.
    """

    kind: str
    subscription: Subscription | None = None
    package: Package | None = None
    offering: ValueAddedOffering | None = None
    service: str = ""
    number: str = ""
    address: str = ""
    new_owner: Customer | None = None
    new_name: str = ""
    reason: str = ""


def _needs_field_work(item: OrderItem) -> bool:
    service = item.subscription.service if item.subscription else item.service
    return item.kind in (ItemKind.NEW_LINE, ItemKind.MOVE) and service in FIELD_SERVICES


def _check_item(spec: ItemSpec, subscription: Subscription | None, customer: Customer,
                position: int) -> None:
    where = f"item {position} ({spec.kind})"
    if spec.kind not in ItemKind.values:
        raise _invalid(f"item {position}: unknown kind {spec.kind!r}; kinds: "
                       f"{', '.join(ItemKind.values)}")
    if spec.kind == ItemKind.NEW_LINE:
        if spec.package is None or not spec.service or not spec.number:
            raise _invalid(f"{where}: a new line needs a service, a number and a package")
        if spec.service in FIELD_SERVICES and not spec.address.strip():
            raise _invalid(f"{where}: a fixed line or broadband needs an installation address")
        return
    if subscription is None:
        raise _invalid(f"{where}: which line? give the subscription")
    if subscription.customer_id != customer.pk:
        raise _invalid(f"{where}: line {phone.mask(subscription.number)} belongs to another "
                       "customer")
    if subscription.active_to is not None or subscription.status == "terminated":
        raise _invalid(f"{where}: line {phone.mask(subscription.number)} has ended")
    if spec.kind == ItemKind.PACKAGE_CHANGE:
        if spec.package is None:
            raise _invalid(f"{where}: the new package is missing")
        if subscription.service not in spec.package.service_list:
            raise _invalid(f"{where}: package {spec.package.code} does not cover "
                           f"{subscription.service}")
        if spec.package.pk == subscription.package_id:
            raise _invalid(f"{where}: the line is already on package {spec.package.code}")
    elif spec.kind == ItemKind.MOVE:
        if subscription.service not in FIELD_SERVICES:
            raise _invalid(f"{where}: only fixed lines and broadband move")
        if not spec.address.strip():
            raise _invalid(f"{where}: the new address is missing")
    elif spec.kind == ItemKind.ACTIVATION and subscription.status != "pending":
        raise _invalid(f"{where}: the line is {subscription.status}, not pending activation")
    elif spec.kind == ItemKind.SUSPENSION and subscription.status != "active":
        raise _invalid(f"{where}: only an active line can be suspended")
    elif spec.kind == ItemKind.RECONNECTION and subscription.status != "suspended":
        raise _invalid(f"{where}: only a suspended line can be reconnected")
    elif spec.kind == ItemKind.NAME_CHANGE and not spec.new_name.strip():
        raise _invalid(f"{where}: the new name is missing")
    elif spec.kind == ItemKind.TRANSFER:
        if spec.new_owner is None:
            raise _invalid(f"{where}: the new owner is missing")
        if spec.new_owner.pk == customer.pk:
            raise _invalid(f"{where}: the new owner is the current one")
    elif spec.kind in (ItemKind.VAS_SUBSCRIBE, ItemKind.VAS_UNSUBSCRIBE):
        if spec.offering is None:
            raise _invalid(f"{where}: the value-added service is missing")
        live = VasSubscription.objects.filter(subscription=subscription,
                                              offering=spec.offering,
                                              active_to__isnull=True).exists()
        if spec.kind == ItemKind.VAS_SUBSCRIBE and live:
            raise _invalid(f"{where}: {spec.offering.name} is already active on the line")
        if spec.kind == ItemKind.VAS_UNSUBSCRIBE and not live:
            raise _invalid(f"{where}: {spec.offering.name} is not active on the line")


@transaction.atomic
def do_create_order(
    *,
    now: dt.datetime,
    actor: User | None,
    channel: str,
    customer: Customer,
    items: Sequence[ItemSpec],
    subscription: Subscription | None = None,
    description: str = "",
    requested_completion: dt.datetime | None = None,
    auto_complete: bool = True,
) -> CustomerOrder:
    """Accept an order (``channel`` is the request channel, ``OrderChannel``).

    - Any value-added subscription → ``pending`` until the subscriber confirms a
      second time (SMS ``Y`` or the self-service hall) within
      ``TELCODESK_VAS_CONFIRM_HOURS`` (24 h); a confirmation request SMS is sent.
    - Otherwise a counter order → ``pending`` until the customer signs the
      acceptance form (``do_sign_order``).
    - Otherwise fulfilment starts at once (``inProgress``): field work (new fixed
      lines and broadband, moves) becomes work orders with their SLA clocks;
      business changes get an SLA clock on the order and, with
      ``auto_complete``, are completed at once.
    """
    if channel not in OrderChannel.values:
        raise _invalid(f"unknown channel {channel!r}; channels: {', '.join(OrderChannel.values)}")
    if not items:
        raise _invalid("an order needs at least one item")
    if customer.status != "active":
        raise _invalid(f"customer {customer.code} is {customer.status}")
    audit_channel = AUDIT_CHANNEL[OrderChannel(channel)]
    for position, spec in enumerate(items, start=1):
        _check_item(spec, spec.subscription or subscription, customer, position)

    needs_sms = any(spec.kind == ItemKind.VAS_SUBSCRIBE for spec in items)
    if needs_sms:
        line = next((spec.subscription or subscription) for spec in items
                    if spec.kind == ItemKind.VAS_SUBSCRIBE)
        if line is None or not _sms_number(line):
            raise _invalid("a value-added service needs a number to confirm it by SMS")
        confirmation = ConfirmationKind.SUBSCRIBER_SMS
    elif channel == OrderChannel.COUNTER:
        confirmation = ConfirmationKind.COUNTER_SIGNATURE
    else:
        confirmation = ConfirmationKind.NONE

    unit = (subscription.org_unit if subscription is not None else customer.org_unit)
    code, prefix = _placeholder(), ORDER_CODE_PREFIX
    order = CustomerOrder.objects.create(
        code=code, customer=customer, subscription=subscription, channel=channel,
        state=OrderState.ACKNOWLEDGED, description=description[:500],
        confirmation_kind=confirmation, org_unit=unit, created_by=actor, created_at=now,
        updated_at=now, state_changed_at=now, requested_completion=requested_completion,
        auto_complete=auto_complete)
    _assign_code(order, prefix)
    for position, spec in enumerate(items, start=1):
        line = spec.subscription or subscription
        if spec.kind == ItemKind.NEW_LINE:
            assert spec.package is not None
            line = customer_services.do_create_subscription(
                now=now, customer=customer, service=spec.service, number=spec.number,
                package=spec.package, address=spec.address, actor=actor,
                channel=audit_channel)
        OrderItem.objects.create(
            order=order, position=position, action=ITEM_ACTIONS[spec.kind], kind=spec.kind,
            subscription=line, package=spec.package, offering=spec.offering,
            service=line.service if line else spec.service,
            number=line.number if line else spec.number,
            new_address=spec.address, new_owner=spec.new_owner, new_name=spec.new_name,
            reason=spec.reason)
        if order.subscription is None and line is not None:
            order.subscription = line
            order.org_unit = line.org_unit
            order.save(update_fields=["subscription", "org_unit"])

    _audit_order(now=now, actor=actor, channel=audit_channel, action="order.create",
                 order=order, summary=", ".join(spec.kind for spec in items),
                 details={"channel": channel, "confirmation": confirmation})
    if confirmation == ConfirmationKind.NONE:
        _start_fulfilment(now=now, order=order, actor=actor, channel=audit_channel)
    else:
        _set_order_state(order, OrderState.PENDING, now=now,
                         reason="awaiting the subscriber's confirmation" if needs_sms
                         else "awaiting the customer's signature")
        if needs_sms:
            order.confirmation_deadline = now + vas_confirm_window()
            order.save(update_fields=["confirmation_deadline"])
            _send_confirmation_request(now=now, order=order, channel=audit_channel)
    _publish_order(now, order, "ProductOrderCreateEvent")
    return order


def _send_confirmation_request(*, now: dt.datetime, order: CustomerOrder, channel: str) -> None:
    hours = vas_confirm_window().total_seconds() / 3600
    for item in order.items.filter(kind=ItemKind.VAS_SUBSCRIBE).select_related(
            "offering", "subscription", "subscription__customer"):
        assert item.offering is not None and item.subscription is not None
        do_notify(now=now, kind="vas_confirmation", recipient=_sms_number(item.subscription),
                  context={"number": item.subscription.number, "service": item.offering.name,
                           "provider": item.offering.provider,
                           "fee": _fee(item.offering.monthly_fee_fen),
                           "hours": f"{hours:g}"},
                  dedupe_key=f"order:{order.code}:confirm:{item.position}", channel=channel,
                  customer=order.customer, subject=order.code)


def _set_order_state(order: CustomerOrder, state: str, *, now: dt.datetime,
                     reason: str = "") -> None:
    order.state = state
    order.state_reason = reason[:300]
    order.state_changed_at = now
    order.updated_at = now
    order.save(update_fields=["state", "state_reason", "state_changed_at", "updated_at"])
    order.items.exclude(state__in=ORDER_FINAL).update(state=state if state != OrderState.PARTIAL
                                                      else OrderState.COMPLETED)


def _start_clock_softly(**kwargs: Any) -> SlaClock | None:
    """An SLA clock for a business change, when a standard covers it (None otherwise).

    Field work (install, move, repair) must be covered: it uses ``do_start_clock``
    directly and lets the refusal through.
    """
    try:
        with transaction.atomic():
            return sla_services.do_start_clock(**kwargs)
    except DomainError:
        return None


def _start_fulfilment(*, now: dt.datetime, order: CustomerOrder, actor: User | None,
                      channel: str) -> None:
    check_order_transition(order.state, OrderState.IN_PROGRESS)
    _set_order_state(order, OrderState.IN_PROGRESS, now=now)
    customer = order.customer
    items = list(order.items.select_related("subscription", "subscription__org_unit"))
    field_items = [item for item in items if _needs_field_work(item)]
    for item in field_items:
        assert item.subscription is not None
        _create_work_order(
            now=now, actor=actor, kind=WorkOrderKind.INSTALL if item.kind == ItemKind.NEW_LINE
            else WorkOrderKind.MOVE, subscription=item.subscription, customer=customer,
            channel=order.channel, audit_channel=channel,
            description=order.description or item.get_kind_display(),
            address=item.new_address or item.subscription.address, order=order, item=item)
    if field_items:
        expected = max((wo.sla_clock.due_at for wo in order.work_orders.all()
                        if wo.sla_clock is not None), default=None)
        order.expected_completion = expected
        order.save(update_fields=["expected_completion"])
        return
    line = order.subscription
    kind = ("reconnection" if any(i.kind == ItemKind.RECONNECTION for i in items)
            else "install" if any(i.kind in (ItemKind.NEW_LINE, ItemKind.ACTIVATION)
                                  for i in items)
            else "change")
    if line is not None:
        order.sla_clock = _start_clock_softly(
            now=now, service=line.service, kind=kind, area=line.area, tier=customer.tier,
            accepted_at=now, org_unit=line.org_unit, assignee=None,
            subject_label=f"{order.code} {items[0].get_kind_display()}"[:120],
            subject_url=reverse("console:order", args=[order.code]),
            request_types=",".join(sorted({str(item.kind) for item in items})))
        if order.sla_clock is not None:
            order.expected_completion = order.sla_clock.due_at
        order.save(update_fields=["sla_clock", "expected_completion"])
    if order.auto_complete:
        _complete_order(now=now, order=order, actor=actor, channel=channel)


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
    order.save(update_fields=["completed_at"])
    _set_order_state(order, OrderState.COMPLETED, now=now)
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


@transaction.atomic
def do_complete_order(*, now: dt.datetime, order: CustomerOrder, actor: User | None,
                      channel: str) -> CustomerOrder:
    """Apply the items to the line(s), stop the clock, send the matching reminder(s)."""
    order = _locked_order(order)
    _complete_order(now=now, order=order, actor=actor, channel=channel)
    return order


def _awaiting(order: CustomerOrder, kind: str) -> None:
    if order.state != OrderState.PENDING or order.confirmation_kind != kind:
        raise OrdersError(OrdersErrorCode.NOT_AWAITING_CONFIRMATION,
                          f"order {order.code} is {order.state} and does not await "
                          f"{ConfirmationKind(kind).label}")


@transaction.atomic
def do_confirm_order(*, now: dt.datetime, order: CustomerOrder, channel: str,
                     actor: User | None = None, via: str = "") -> CustomerOrder:
    """The subscriber's second confirmation (SMS ``Y`` or the self-service hall).

    ``via`` records how (``sms``, ``self_service``...; default: the channel).
    Refused after the window: the order then expires with nothing charged.
    """
    order = _locked_order(order)
    _awaiting(order, ConfirmationKind.SUBSCRIBER_SMS)
    if order.confirmation_deadline is not None and now > order.confirmation_deadline:
        raise OrdersError(OrdersErrorCode.CONFIRMATION_EXPIRED,
                          f"order {order.code}: the confirmation window closed at "
                          f"{_stamp(order.confirmation_deadline)}; order again")
    order.confirmed_at = now
    order.confirmation_channel = (via or channel)[:20]
    order.save(update_fields=["confirmed_at", "confirmation_channel"])
    _audit_order(now=now, actor=actor, channel=channel, action="order.confirm", order=order)
    _start_fulfilment(now=now, order=order, actor=actor, channel=channel)
    if order.state != OrderState.COMPLETED:
        _publish_order(now, order, "ProductOrderStateChangeEvent")
    return order


@transaction.atomic
def do_sign_order(*, now: dt.datetime, order: CustomerOrder, actor: User | None,
                  channel: str = Channel.CONSOLE) -> CustomerOrder:
    """The customer signed the acceptance form at the counter: fulfilment starts."""
    order = _locked_order(order)
    _awaiting(order, ConfirmationKind.COUNTER_SIGNATURE)
    order.signed_at = now
    order.save(update_fields=["signed_at"])
    _audit_order(now=now, actor=actor, channel=channel, action="order.sign", order=order)
    _start_fulfilment(now=now, order=order, actor=actor, channel=channel)
    if order.state != OrderState.COMPLETED:
        _publish_order(now, order, "ProductOrderStateChangeEvent")
    return order


def handle_confirmation_reply(*, now: dt.datetime, number: str, text: str) -> bool:
    """A subscriber's SMS reply: ``Y`` confirms their latest pending VAS order.

    ``Y PO000000123`` names the order. Registered with ``notify`` in ``apps.py``.
    """
    words = text.strip().upper().split()
    if not words or words[0] not in CONFIRM_REPLIES or len(words) > 2:
        return False
    try:
        e164 = phone.normalize(number)
    except phone.InvalidPhoneNumber:
        return False
    orders = CustomerOrder.objects.filter(
        state=OrderState.PENDING, confirmation_kind=ConfirmationKind.SUBSCRIBER_SMS,
        confirmation_deadline__gte=now, items__kind=ItemKind.VAS_SUBSCRIBE,
        items__subscription__number=e164, items__subscription__active_to__isnull=True,
    ).distinct().order_by("-created_at", "-id")
    if len(words) == 2:
        orders = orders.filter(code=words[1])
    order = orders.first()
    if order is None:
        return False
    do_confirm_order(now=now, order=order, channel=Channel.SYSTEM, via="sms")
    return True


def expire_unconfirmed(now: dt.datetime) -> str:
    """Clock job: orders still unconfirmed after their window are cancelled, nothing charged.

    Each order is claimed by a conditional update that changes exactly one row,
    so two clocks running side by side expire (and audit) it once.
    """
    due = list(CustomerOrder.objects.filter(
        state=OrderState.PENDING, confirmation_kind=ConfirmationKind.SUBSCRIBER_SMS,
        confirmation_deadline__lt=now).values_list("pk", flat=True)[:1000])
    expired = 0
    for pk in due:
        with transaction.atomic():
            claimed = CustomerOrder.objects.filter(
                pk=pk, state=OrderState.PENDING, confirmation_deadline__lt=now).update(
                state=OrderState.CANCELLED, state_reason="not confirmed",
                cancellation_reason="not confirmed", cancelled_at=now, state_changed_at=now,
                updated_at=now)
            if claimed != 1:
                continue
            order = CustomerOrder.objects.get(pk=pk)
            order.items.update(state=OrderState.CANCELLED)
            _audit_order(now=now, actor=None, channel=Channel.SYSTEM, action="order.expire",
                         order=order, summary="not confirmed in time")
            _publish_order(now, order, "ProductOrderStateChangeEvent")
            expired += 1
    return f"{expired} unconfirmed order(s) expired"


@transaction.atomic
def do_change_order_state(*, now: dt.datetime, order: CustomerOrder, state: str,
                          reason: str = "", actor: User | None, channel: str) -> CustomerOrder:
    """Move an order through the TMF622 state machine (hold, resume, fail, reject...).

    ``completed`` completes it (``do_complete_order``), ``cancelled`` cancels it
    (``do_cancel_order``).
    """
    order = _locked_order(order)
    if state == OrderState.COMPLETED:
        _complete_order(now=now, order=order, actor=actor, channel=channel)
        return order
    if state == OrderState.CANCELLED:
        _cancel_order(now=now, order=order, reason=reason, actor=actor, channel=channel)
        return order
    check_order_transition(order.state, state, reason)
    old = order.state
    _set_order_state(order, state, now=now, reason=reason)
    if state in (OrderState.FAILED, OrderState.REJECTED):
        _cancel_order_work(now=now, order=order, reason=reason, actor=actor, channel=channel)
    _audit_order(now=now, actor=actor, channel=channel, action="order.state", order=order,
                 summary=f"{old} → {state}", details={"state": [old, state], "reason": reason})
    _publish_order(now, order, "ProductOrderStateChangeEvent")
    return order


def _cancel_order_work(*, now: dt.datetime, order: CustomerOrder, reason: str,
                       actor: User | None, channel: str) -> None:
    for work_order in order.work_orders.filter(status__in=TICKET_OPEN):
        _change_status(now=now, work_order=_locked_work_order(work_order),
                       status=TicketStatus.CANCELLED, reason=f"order {order.code}: {reason}",
                       actor=actor, channel=channel)
    if order.sla_clock is not None and order.sla_clock.state in ("running", "paused"):
        sla_services.do_cancel_clock(now=now, clock=order.sla_clock, actor=actor)


def _cancel_order(*, now: dt.datetime, order: CustomerOrder, reason: str, actor: User | None,
                  channel: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise OrdersError(OrdersErrorCode.REASON_REQUIRED, "cancelling an order needs a reason")
    if order.state in ORDER_FINAL:
        raise OrdersError(OrdersErrorCode.ILLEGAL_TRANSITION,
                          f"order {order.code} is {order.state} and can no longer be cancelled")
    done = order.work_orders.filter(status__in=(TicketStatus.RESOLVED, TicketStatus.CLOSED))
    if done.exists():
        raise OrdersError(OrdersErrorCode.ILLEGAL_TRANSITION,
                          f"order {order.code}: the field work is done "
                          f"({', '.join(done.values_list('code', flat=True))}); "
                          "it can no longer be cancelled")
    old = order.state
    # Orders under way are assessed, then cancelled; the intermediate states are kept
    # in the audit log.
    path = ([OrderState.ASSESSING_CANCELLATION, OrderState.PENDING_CANCELLATION,
             OrderState.CANCELLED] if old == OrderState.IN_PROGRESS else [OrderState.CANCELLED])
    current = old
    for step in path:
        check_order_transition(current, step, reason)
        current = step
    _cancel_order_work(now=now, order=order, reason=reason, actor=actor, channel=channel)
    order.cancellation_reason = reason[:300]
    order.cancelled_at = now
    order.save(update_fields=["cancellation_reason", "cancelled_at"])
    _set_order_state(order, OrderState.CANCELLED, now=now, reason=reason)
    _audit_order(now=now, actor=actor, channel=channel, action="order.cancel", order=order,
                 summary=reason, details={"state": [old, *path]})
    _publish_order(now, order, "ProductOrderStateChangeEvent")


@transaction.atomic
def do_cancel_order(*, now: dt.datetime, order: CustomerOrder, reason: str,
                    actor: User | None, channel: str) -> OrderCancellation:
    """TMF622 ``cancelProductOrder``: cancel an order whose field work is not done.

    Refusals raise and record nothing; an accepted request is recorded ``done``.
    """
    order = _locked_order(order)
    _cancel_order(now=now, order=order, reason=reason, actor=actor, channel=channel)
    code, prefix = _placeholder(), CANCELLATION_CODE_PREFIX
    cancellation = OrderCancellation.objects.create(
        code=code, order=order, reason=reason.strip()[:300],
        state=OrderCancellation.State.DONE, requested_at=now, effective_at=now,
        created_by=actor)
    _assign_code(cancellation, prefix)
    return cancellation


# --- work orders --------------------------------------------------------------------------


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


def _pause_reason(reason: str) -> tuple[str, str]:
    """(PauseReason value, note) for a status reason typed by staff."""
    if reason in PauseReason.values:
        return reason, ""
    return PauseReason.OTHER, reason


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
    work_order = _locked_work_order(work_order)
    return _change_status(now=now, work_order=work_order, status=status,
                          reason=(reason or "").strip(), actor=actor, channel=channel)


@transaction.atomic
def do_pause_work_order(*, now: dt.datetime, work_order: WorkOrder, reason: str,
                        note: str = "", actor: User | None,
                        channel: str = Channel.CONSOLE) -> WorkOrder:
    """Wait for the customer (``pending``): the SLA clock pauses with ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        raise OrdersError(OrdersErrorCode.REASON_REQUIRED, "a pause needs a reason")
    if reason not in PauseReason.values:
        raise _invalid(f"pause reason {reason!r} is not one of {', '.join(PauseReason.values)}")
    work_order = _locked_work_order(work_order)
    return _change_status(now=now, work_order=work_order, status=TicketStatus.PENDING,
                          reason=reason, actor=actor, channel=channel, note=note,
                          event_kind=EventKind.PAUSED)


@transaction.atomic
def do_resume_work_order(*, now: dt.datetime, work_order: WorkOrder, actor: User | None,
                         channel: str = Channel.CONSOLE, note: str = "") -> WorkOrder:
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
    if actor is not None and not may_assign(actor):
        raise OrdersError(OrdersErrorCode.FORBIDDEN,
                          "only branch managers and administrators assign work orders")
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
ORDER_CHANGEABLE = ("description", "requested_completion")


@transaction.atomic
def do_update_work_order(*, now: dt.datetime, work_order: WorkOrder, changes: dict[str, Any],
                         actor: User | None, channel: str) -> WorkOrder:
    """Change plain attributes (``WORK_ORDER_CHANGEABLE``); status has its own functions."""
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


@transaction.atomic
def do_update_order(*, now: dt.datetime, order: CustomerOrder, changes: dict[str, Any],
                    actor: User | None, channel: str) -> CustomerOrder:
    """Change ``ORDER_CHANGEABLE`` of an order that is not final."""
    unknown = sorted(set(changes) - set(ORDER_CHANGEABLE))
    if unknown:
        raise _invalid(f"cannot change {', '.join(unknown)}")
    order = _locked_order(order)
    if order.state in ORDER_FINAL:
        raise OrdersError(OrdersErrorCode.ILLEGAL_TRANSITION,
                          f"order {order.code} is {order.state} and can no longer change")
    changed = {k: v for k, v in changes.items() if getattr(order, k) != v}
    if "description" in changed:
        changed["description"] = (changed["description"] or "").strip()[:500]
    if not changed:
        return order
    for key, value in changed.items():
        setattr(order, key, value)
    order.updated_at = now
    order.save(update_fields=["updated_at", *sorted(changed)])
    _audit_order(now=now, actor=actor, channel=channel, action="order.update", order=order,
                 summary=", ".join(sorted(changed)))
    _publish_order(now, order, "ProductOrderAttributeValueChangeEvent")
    return order


@transaction.atomic
def do_patch_product_order(*, now: dt.datetime, order: CustomerOrder, changes: dict[str, Any],
                           state: str | None = None, reason: str = "", actor: User | None,
                           channel: str) -> CustomerOrder:
    """A TMF622 ``PATCH productOrder``: attributes and a state move, all or nothing."""
    order = _locked_order(order)
    if state is not None and state != order.state and state != OrderState.COMPLETED:
        check_order_transition(order.state, state, reason)
    if changes:
        order = do_update_order(now=now, order=order, changes=changes, actor=actor,
                                channel=channel)
    if state is not None and state != order.state:
        order = do_change_order_state(now=now, order=order, state=state, reason=reason,
                                      actor=actor, channel=channel)
    return order
