"""Writes of customer orders (TMF622): orders, confirmations, fulfilment, cancellations.

Every ``do_*`` function takes keyword-only arguments and ``now`` from the caller,
runs in one transaction, writes an audit entry and a TMF event (``core.events``),
and sends SMS only through ``notify``.

Channels: ``do_create_order`` takes the *request channel* (``OrderChannel``:
counter, self_service, hotline, api); every other function takes the *audit
channel* (``core.models.Channel``: console, api, self_service, cli, system...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from telcodesk.core import phone
from telcodesk.core.errors import DomainError
from telcodesk.core.models import Channel, User
from telcodesk.customers import services as customer_services
from telcodesk.notify.services import do_notify
from telcodesk.orders import permissions
from telcodesk.orders.errors import OrdersError, OrdersErrorCode
from telcodesk.orders.models import (
    CANCELLATION_CODE_PREFIX,
    ORDER_CODE_PREFIX,
    ConfirmationKind,
    CustomerOrder,
    ItemKind,
    OrderCancellation,
    OrderChannel,
    OrderItem,
    OrderState,
    TicketStatus,
    VasSubscription,
    WorkOrderKind,
)
from telcodesk.orders.services._common import (
    AUDIT_CHANNEL,
    ITEM_ACTIONS,
    _assign_code,
    _audit_order,
    _change_status,
    _complete_order,
    _create_work_order,
    _fee,
    _invalid,
    _locked_order,
    _locked_work_order,
    _placeholder,
    _publish_order,
    _require_role,
    _set_order_state,
    _sms_number,
    _stamp,
)
from telcodesk.orders.workflow.state_machines import (
    ORDER_FINAL,
    TICKET_OPEN,
    check_order_transition,
)
from telcodesk.sla import services as sla_services

if TYPE_CHECKING:
    from telcodesk.customers.models import Customer, Package, Subscription, ValueAddedOffering
    from telcodesk.sla.models import SlaClock

# Replies that confirm a value-added service order.
CONFIRM_REPLIES = frozenset({"Y", "YES", "是", "确认"})
FIELD_SERVICES = frozenset({"fixed", "broadband"})


def vas_confirm_window() -> dt.timedelta:
    return dt.timedelta(hours=settings.TELCODESK_VAS_CONFIRM_HOURS)


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
    _require_role(actor, permissions.may_change_orders, "product orders")
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



def _start_clock_softly(**kwargs: Any) -> SlaClock | None:
    """An SLA clock for a business change, when a standard covers it (None otherwise).

    Field work (install, move, repair) must be covered: it uses ``do_start_clock``
    directly and lets the refusal through.
    """
    try:
        # do_start_clock is atomic itself: a refusal rolls back its own savepoint.
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
    work_orders = []
    for item in field_items:
        assert item.subscription is not None
        work_orders.append(_create_work_order(
            now=now, actor=actor, kind=WorkOrderKind.INSTALL if item.kind == ItemKind.NEW_LINE
            else WorkOrderKind.MOVE, subscription=item.subscription, customer=customer,
            channel=order.channel, audit_channel=channel,
            description=order.description or item.get_kind_display(),
            address=item.new_address or item.subscription.address, order=order, item=item))
    if field_items:
        # The order's work orders are the ones just created: fulfilment starts once.
        expected = max((wo.sla_clock.due_at for wo in work_orders
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


@transaction.atomic
def do_complete_order(*, now: dt.datetime, order: CustomerOrder, actor: User | None,
                      channel: str) -> CustomerOrder:
    """Apply the items to the line(s), stop the clock, send the matching reminder(s)."""
    _require_role(actor, permissions.may_change_orders, "product orders")
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
    _require_role(actor, permissions.may_change_orders, "product orders")
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
    _require_role(actor, permissions.may_change_orders, "product orders")
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
    _require_role(actor, permissions.may_change_orders, "product orders")
    order = _locked_order(order)
    _cancel_order(now=now, order=order, reason=reason, actor=actor, channel=channel)
    code, prefix = _placeholder(), CANCELLATION_CODE_PREFIX
    cancellation = OrderCancellation.objects.create(
        code=code, order=order, reason=reason.strip()[:300],
        state=OrderCancellation.State.DONE, requested_at=now, effective_at=now,
        created_by=actor)
    _assign_code(cancellation, prefix)
    return cancellation


# --- details (TMF PATCH of plain attributes) ----------------------------------------------------

ORDER_CHANGEABLE = ("description", "requested_completion")


@transaction.atomic
def do_update_order(*, now: dt.datetime, order: CustomerOrder, changes: dict[str, Any],
                    actor: User | None, channel: str) -> CustomerOrder:
    """Change ``ORDER_CHANGEABLE`` of an order that is not final."""
    _require_role(actor, permissions.may_change_orders, "product orders")
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
    _require_role(actor, permissions.may_change_orders, "product orders")
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
