"""Customer orders as a clerk and a subscriber live them: confirmations, completion, reminders."""

from __future__ import annotations

import datetime as dt

import pytest

from telcodesk.core.models import AuditEntry
from telcodesk.core.scheduler import registered_jobs
from telcodesk.customers.models import Subscription
from telcodesk.notify.services import do_handle_reply
from telcodesk.orders.errors import OrdersError
from telcodesk.orders.models import (
    CustomerOrder,
    OrderCancellation,
    OrderState,
    TicketStatus,
    VasSubscription,
    WorkOrder,
)
from telcodesk.orders.services import product_orders, work_orders
from telcodesk.orders.services.product_orders import ItemSpec
from tests.orders.orders_support import outbox

H = dt.timedelta(hours=1)

# Shared fixtures (see orders_support).


def vas_order(now, home, shop, staff, channel="hotline"):
    return product_orders.do_create_order(
        now=now, actor=staff.agent, channel=channel, customer=home.customer,
        subscription=home.mobile, items=[ItemSpec(kind="vas_subscribe", offering=shop.music)])


# --- value-added services: the subscriber's second confirmation -------------------------------


def test_vas_order_waits_for_the_subscribers_confirmation(now, home, shop, staff):
    order = vas_order(now, home, shop, staff)

    assert order.code.startswith("PO") and len(order.code) == 11
    assert order.state == OrderState.PENDING
    assert order.confirmation_deadline == now + 24 * H
    request, = outbox("vas_confirmation")
    assert request.recipient == home.mobile.number
    assert "回复Y" in request.body and "爱音乐" in request.body
    assert not VasSubscription.objects.exists()  # nothing charged before the confirmation


def test_y_reply_within_the_window_completes_the_order(now, home, shop, staff):
    order = vas_order(now, home, shop, staff)

    handled = do_handle_reply(now=now + 23 * H, number=home.mobile.number, text=" y ")

    assert handled
    order.refresh_from_db()
    assert order.state == OrderState.COMPLETED
    assert order.confirmed_at == now + 23 * H
    assert order.confirmation_channel == "sms"
    vas, = VasSubscription.objects.all()
    assert (vas.offering, vas.subscription) == (shop.music, home.mobile)
    assert vas.charged_from == now + 23 * H
    reminder, = outbox("service_ordered")
    assert reminder.dedupe_key == f"order:{order.code}:completed"
    assert reminder.recipient == home.mobile.number
    assert order.items.get().state == OrderState.COMPLETED


def test_unconfirmed_order_expires_with_nothing_charged(now, home, shop, staff):
    order = vas_order(now, home, shop, staff)
    job = next(j for j in registered_jobs() if j.name == "orders.expire_unconfirmed")

    assert job.run(now + 23 * H).startswith("0 ")
    assert job.run(now + 25 * H).startswith("1 ")
    assert job.run(now + 26 * H).startswith("0 ")  # once only

    order.refresh_from_db()
    assert order.state == OrderState.CANCELLED
    assert order.cancellation_reason == "not confirmed"
    assert not VasSubscription.objects.exists()
    assert not outbox("service_ordered")
    assert AuditEntry.objects.filter(action="order.expire", target_id=order.code).count() == 1
    # A late Y changes nothing.
    assert not do_handle_reply(now=now + 27 * H, number=home.mobile.number, text="Y")
    assert not VasSubscription.objects.exists()


def test_confirmation_after_the_window_is_refused(now, home, shop, staff):
    order = vas_order(now, home, shop, staff)

    with pytest.raises(OrdersError) as excinfo:
        product_orders.do_confirm_order(now=now + 25 * H, order=order, channel="self_service")

    assert excinfo.value.code == "confirmation_expired"
    order.refresh_from_db()
    assert order.state == OrderState.PENDING and order.confirmed_at is None
    assert not VasSubscription.objects.exists()


def test_self_service_confirmation(now, home, shop, staff):
    order = vas_order(now, home, shop, staff, channel="self_service")

    product_orders.do_confirm_order(now=now + H, order=order, channel="self_service")

    order.refresh_from_db()
    assert order.state == OrderState.COMPLETED
    assert order.confirmation_channel == "self_service"


def test_reply_from_another_number_or_other_words_confirms_nothing(now, home, shop, staff):
    order = vas_order(now, home, shop, staff)

    assert not do_handle_reply(now=now, number="+8613300000000", text="Y")
    assert not do_handle_reply(now=now, number=home.mobile.number, text="你好")

    order.refresh_from_db()
    assert order.state == OrderState.PENDING


def test_vas_unsubscribe_ends_the_service_and_sends_the_reminder(now, home, shop, staff):
    product_orders.do_confirm_order(now=now, order=vas_order(now, home, shop, staff),
                              channel="self_service")
    order = product_orders.do_create_order(
        now=now + H, actor=None, channel="self_service", customer=home.customer,
        subscription=home.mobile, items=[ItemSpec(kind="vas_unsubscribe", offering=shop.music)])

    assert order.state == OrderState.COMPLETED
    assert VasSubscription.objects.get().active_to == now + H
    assert outbox("service_cancelled")[0].recipient == home.mobile.number


# --- counter orders: the customer's signature ----------------------------------------------------


def test_counter_order_waits_for_the_signature(now, home, shop, staff):
    order = product_orders.do_create_order(
        now=now, actor=staff.clerk, channel="counter", customer=home.customer,
        subscription=home.mobile,
        items=[ItemSpec(kind="package_change", package=shop.mobile_99)])

    assert order.state == OrderState.PENDING
    assert Subscription.objects.get(pk=home.mobile.pk).package == shop.mobile_59

    product_orders.do_sign_order(now=now + dt.timedelta(minutes=5), order=order, actor=staff.clerk)

    order.refresh_from_db()
    assert order.state == OrderState.COMPLETED
    assert order.signed_at == now + dt.timedelta(minutes=5)
    assert Subscription.objects.get(pk=home.mobile.pk).package == shop.mobile_99
    reminder, = outbox("package_change")
    assert "天翼99元套餐" in reminder.body
    assert reminder.dedupe_key == f"order:{order.code}:completed"
    # the business change was measured against the mobile change standard (24 h)
    assert order.sla_clock is not None
    order.sla_clock.refresh_from_db()
    assert order.sla_clock.state == "stopped" and order.sla_clock.timely


def test_signing_twice_is_refused(now, home, shop, staff):
    order = product_orders.do_create_order(
        now=now, actor=staff.clerk, channel="counter", customer=home.customer,
        subscription=home.mobile,
        items=[ItemSpec(kind="package_change", package=shop.mobile_99)])
    product_orders.do_sign_order(now=now, order=order, actor=staff.clerk)

    with pytest.raises(OrdersError) as excinfo:
        product_orders.do_sign_order(now=now, order=order, actor=staff.clerk)
    assert excinfo.value.code == "not_awaiting_confirmation"


def test_package_change_by_hotline_completes_at_once(now, home, shop, staff):
    order = product_orders.do_create_order(
        now=now, actor=staff.agent, channel="hotline", customer=home.customer,
        subscription=home.mobile,
        items=[ItemSpec(kind="package_change", package=shop.mobile_99)])

    assert order.state == OrderState.COMPLETED
    home.mobile.refresh_from_db()
    assert home.mobile.package == shop.mobile_99
    assert len(outbox("package_change")) == 1
    audit = AuditEntry.objects.filter(target_type="subscription",
                                      action="subscription.package").get()
    assert audit.actor == staff.agent


def test_business_change_left_open_is_completed_later(now, home, shop, staff):
    order = product_orders.do_create_order(
        now=now, actor=staff.agent, channel="hotline", customer=home.customer,
        subscription=home.mobile, items=[ItemSpec(kind="suspension", reason="出国")],
        auto_complete=False)
    assert order.state == OrderState.IN_PROGRESS

    product_orders.do_complete_order(now=now + 2 * H, order=order, actor=staff.agent,
                               channel="console")

    home.mobile.refresh_from_db()
    assert home.mobile.status == "suspended"
    assert "出国" in outbox("suspension")[0].body
    order.refresh_from_db()
    assert order.sla_clock is not None and order.sla_clock.counted_duration == 2

    reconnect = product_orders.do_create_order(
        now=now + 3 * H, actor=staff.agent, channel="hotline", customer=home.customer,
        subscription=home.mobile, items=[ItemSpec(kind="reconnection")])
    assert reconnect.state == OrderState.COMPLETED
    home.mobile.refresh_from_db()
    assert home.mobile.status == "active"
    assert reconnect.sla_clock is not None and reconnect.sla_clock.kind == "reconnection"
    assert len(outbox("reconnection")) == 1


def test_bad_items_are_refused_and_nothing_is_written(now, home, shop, staff):
    cases = [
        ItemSpec(kind="package_change", package=shop.mobile_59),  # already on it
        ItemSpec(kind="package_change", package=shop.broadband_100),  # wrong service
        ItemSpec(kind="reconnection"),  # the line is not suspended
        ItemSpec(kind="vas_unsubscribe", offering=shop.music),  # not active
        ItemSpec(kind="move", address="新地址"),  # mobiles do not move
        ItemSpec(kind="teleport"),
    ]
    for spec in cases:
        with pytest.raises(OrdersError):
            product_orders.do_create_order(now=now, actor=staff.agent, channel="hotline",
                                     customer=home.customer, subscription=home.mobile,
                                     items=[spec])
    assert not CustomerOrder.objects.exists()
    assert not outbox()


# --- field work: new broadband line, move ---------------------------------------------------------


def test_new_broadband_line_becomes_an_install_work_order(now, home, shop, staff):
    order = product_orders.do_create_order(
        now=now, actor=staff.agent, channel="hotline", customer=home.customer,
        items=[ItemSpec(kind="new_line", service="broadband", number="bb-new-01",
                        package=shop.broadband_100, address="小店区长治路5号")])

    assert order.state == OrderState.IN_PROGRESS
    work_order, = order.work_orders.all()
    assert work_order.code.startswith("WO") and len(work_order.code) == 11
    assert (work_order.kind, work_order.ticket_type) == ("install", "install")
    assert work_order.subscription.status == "pending"
    clock = work_order.sla_clock
    assert (clock.kind, clock.service, clock.area, clock.limit_unit) == (
        "install", "broadband", "urban", "working_days")
    # accepted on the eve of National Day: the three working days come after the holiday
    assert clock.due_at.date() > dt.date(2025, 10, 8)
    assert order.expected_completion == clock.due_at

    work_orders.do_change_work_order_status(now=now + 26 * H, work_order=work_order,
                                         status="inProgress", actor=staff.tech,
                                         channel="console")
    work_orders.do_change_work_order_status(now=now + 27 * H, work_order=work_order,
                                         status="resolved", reason="装机完成",
                                         actor=staff.tech, channel="console")

    order.refresh_from_db()
    assert order.state == OrderState.COMPLETED
    line = Subscription.objects.get(number="bb-new-01")
    assert line.status == "active"
    assert outbox("work_order_completed")[0].dedupe_key.startswith(f"wo:{work_order.code}")
    assert outbox("activation")[0].dedupe_key == f"order:{order.code}:completed"


def test_move_completes_with_the_new_address(now, home, shop, staff):
    order = product_orders.do_create_order(
        now=now, actor=staff.agent, channel="hotline", customer=home.customer,
        subscription=home.broadband, items=[ItemSpec(kind="move", address="小店区新址8号")])
    work_order = order.work_orders.get()
    assert work_order.kind == "move" and work_order.address == "小店区新址8号"
    with pytest.raises(OrdersError):
        product_orders.do_complete_order(now=now, order=order, actor=staff.agent, channel="console")

    work_orders.do_change_work_order_status(now=now + H, work_order=work_order,
                                         status="resolved", actor=staff.tech,
                                         channel="console")

    home.broadband.refresh_from_db()
    assert home.broadband.address == "小店区新址8号"
    assert CustomerOrder.objects.get(pk=order.pk).state == OrderState.COMPLETED


# --- cancellation ------------------------------------------------------------------------------


def test_cancel_an_order_under_way(now, home, shop, staff):
    order = product_orders.do_create_order(
        now=now, actor=staff.agent, channel="hotline", customer=home.customer,
        subscription=home.broadband, items=[ItemSpec(kind="move", address="小店区新址8号")])
    work_order = order.work_orders.get()

    with pytest.raises(OrdersError) as excinfo:
        product_orders.do_cancel_order(now=now, order=order, reason="", actor=staff.agent,
                                 channel="console")
    assert excinfo.value.code == "reason_required"

    cancellation = product_orders.do_cancel_order(now=now + H, order=order, reason="客户不搬了",
                                            actor=staff.agent, channel="console")

    assert cancellation.code.startswith("CPO")
    assert cancellation.state == OrderCancellation.State.DONE
    order.refresh_from_db()
    assert order.state == OrderState.CANCELLED and order.cancellation_reason == "客户不搬了"
    work_order.refresh_from_db()
    assert work_order.status == TicketStatus.CANCELLED
    assert work_order.sla_clock is not None and work_order.sla_clock.state == "cancelled"
    home.broadband.refresh_from_db()
    assert home.broadband.address == "小店区长风街1号"

    with pytest.raises(OrdersError) as excinfo:
        product_orders.do_cancel_order(now=now, order=order, reason="again", actor=staff.agent,
                                 channel="console")
    assert excinfo.value.code == "illegal_transition"
    assert OrderCancellation.objects.count() == 1


def test_order_whose_field_work_is_done_cannot_be_cancelled(now, home, shop, staff):
    order = product_orders.do_create_order(
        now=now, actor=staff.agent, channel="hotline", customer=home.customer,
        subscription=home.broadband, items=[ItemSpec(kind="move", address="小店区新址8号")],
        auto_complete=False)
    WorkOrder.objects.filter(order=order).update(status=TicketStatus.RESOLVED)

    with pytest.raises(OrdersError):
        product_orders.do_cancel_order(now=now, order=order, reason="too late", actor=staff.agent,
                                 channel="console")
    order.refresh_from_db()
    assert order.state == OrderState.IN_PROGRESS


def test_illegal_order_state_change_changes_nothing(now, home, shop, staff):
    order = product_orders.do_create_order(
        now=now, actor=staff.agent, channel="hotline", customer=home.customer,
        subscription=home.mobile,
        items=[ItemSpec(kind="package_change", package=shop.mobile_99)])
    audit_before = AuditEntry.objects.count()

    with pytest.raises(OrdersError) as excinfo:
        product_orders.do_change_order_state(now=now, order=order, state="held", reason="x",
                                       actor=staff.agent, channel="console")

    assert excinfo.value.code == "illegal_transition"
    assert CustomerOrder.objects.get(pk=order.pk).state == OrderState.COMPLETED
    assert AuditEntry.objects.count() == audit_before


def test_install_in_a_year_the_calendar_does_not_cover_is_refused(home, shop, staff):
    from telcodesk.core.errors import DomainError

    far = dt.datetime(2090, 3, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with pytest.raises(DomainError) as excinfo:
        product_orders.do_create_order(
            now=far, actor=staff.agent, channel="hotline", customer=home.customer,
            items=[ItemSpec(kind="new_line", service="broadband", number="bb-2090",
                            package=shop.broadband_100, address="小店区长治路5号")])
    assert "2090" in excinfo.value.message
    assert not CustomerOrder.objects.exists()
    assert not WorkOrder.objects.exists()
    assert not Subscription.objects.filter(number="bb-2090").exists()


# --- cost -------------------------------------------------------------------------------------


def test_creating_an_order_costs_a_fixed_number_of_queries(now, home, shop, staff,
                                                           django_assert_max_num_queries):
    # A package change by the hotline completes at once: clock started and stopped, the
    # line changed, the reminder queued (the first order of a transaction also asks which
    # standard is in force, which template the reminder uses and whether anyone listens,
    # and the actor's roles, once per user object: may this role take orders?).
    with django_assert_max_num_queries(39):
        change = product_orders.do_create_order(
            now=now, actor=staff.agent, channel="hotline", customer=home.customer,
            subscription=home.mobile,
            items=[ItemSpec(kind="package_change", package=shop.mobile_99)])
    # A new broadband line waits for its install work order (the first work order asks
    # whether anyone listens on the trouble-ticket hub).
    with django_assert_max_num_queries(29):
        install = product_orders.do_create_order(
            now=now, actor=staff.agent, channel="hotline", customer=home.customer,
            items=[ItemSpec(kind="new_line", service="broadband", number="bb-new-01",
                            package=shop.broadband_100, address="小店区长治路5号")])
    assert change.state == OrderState.COMPLETED
    assert len(outbox("package_change")) == 1
    assert install.state == OrderState.IN_PROGRESS
    work_order, = install.work_orders.all()
    assert install.expected_completion == work_order.sla_clock.due_at
