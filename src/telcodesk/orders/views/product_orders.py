"""Console pages of customer orders.

Thin views: reads go through ``orders.selectors`` (scoped to the viewer's
branch subtree: another branch's record is a 404); writes go through
``orders.services``, whose refusals come back as form errors or an error
message, changing nothing.

- ``orders``, ``order``, ``order_new``: customer orders, the state of their
  confirmation (the subscriber confirms by SMS or in the self-service hall, never
  a clerk for them), the counter signature, cancellation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from telcodesk.core import clock
from telcodesk.core.errors import DomainError
from telcodesk.core.models import Channel
from telcodesk.customers.selectors import offering_by_code, package_by_code, subscription_for
from telcodesk.orders import permissions
from telcodesk.orders.forms import product_orders as order_forms
from telcodesk.orders.models import (
    ConfirmationKind,
    ItemKind,
    OrderState,
)
from telcodesk.orders.selectors import product_orders as selectors
from telcodesk.orders.selectors import work_orders as work_order_selectors
from telcodesk.orders.services import product_orders as services
from telcodesk.orders.views._common import _viewer, describe_time_left

ORDERS_PER_PAGE = 50


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    form = order_forms.OrderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    orders = selectors.orders_visible_to(user).select_related("customer", "subscription")
    if filters.get("state"):
        orders = orders.filter(state=filters["state"])
    if filters.get("q"):
        orders = orders.filter(code__icontains=filters["q"].strip())
    page = Paginator(orders.order_by("-created_at", "-id"), ORDERS_PER_PAGE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "orders/order_list.html",
                  {"form": form, "page": page, "query": query.urlencode()})


def _order_context(request: HttpRequest, order: Any, **forms: Any) -> dict[str, Any]:
    now = clock.now()
    awaiting = order.state == OrderState.PENDING and (
        (order.confirmation_kind == ConfirmationKind.SUBSCRIBER_SMS and order.confirmed_at is None)
        or (order.confirmation_kind == ConfirmationKind.COUNTER_SIGNATURE
            and order.signed_at is None))
    left = (order.confirmation_deadline - now) if order.confirmation_deadline else None
    may_change = permissions.may_change_orders(_viewer(request))
    return {
        "order": order,
        "state_reason": work_order_selectors.reason_label(order.state_reason),
        "cancellation_reason": work_order_selectors.reason_label(order.cancellation_reason),
        "items": list(order.items.all()),
        "work_orders": list(order.work_orders.all()),
        "awaiting": awaiting,
        "can_sign": (may_change and awaiting
                     and order.confirmation_kind == ConfirmationKind.COUNTER_SIGNATURE),
        "deadline_left": describe_time_left(left, "ok") if left is not None else "",
        "deadline_passed": left is not None and left < dt.timedelta(0),
        "can_cancel": may_change and order.state not in (
            OrderState.COMPLETED, OrderState.CANCELLED, OrderState.FAILED, OrderState.REJECTED,
            OrderState.PARTIAL),
        "cancel_form": forms.get("cancel") or order_forms.CancelOrderForm(),
    }


@login_required
@require_GET
def order_page(request: HttpRequest, code: str) -> HttpResponse:
    order = selectors.order_for(_viewer(request), code)
    return render(request, "orders/order_detail.html", _order_context(request, order))


@login_required
@require_POST
def order_sign(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    order = selectors.order_for(user, code)
    if not permissions.may_change_orders(user):
        raise PermissionDenied
    try:
        services.do_sign_order(now=clock.now(), order=order, actor=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Signature recorded."))
    return redirect("console:order", code=order.code)


@login_required
@require_POST
def order_cancel(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    order = selectors.order_for(user, code)
    if not permissions.may_change_orders(user):
        raise PermissionDenied
    form = order_forms.CancelOrderForm(request.POST)
    if form.is_valid():
        try:
            services.do_cancel_order(now=clock.now(), order=order,
                                     reason=form.cleaned_data["reason"], actor=user,
                                     channel=Channel.CONSOLE)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Order cancelled."))
            return redirect("console:order", code=order.code)
    return render(request, "orders/order_detail.html",
                  _order_context(request, order, cancel=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    if not permissions.may_change_orders(user):
        raise PermissionDenied
    form = order_forms.OrderForm(request.POST or None, user=user,
                                 initial={"number": request.GET.get("number", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subscription = subscription_for(user, data["number"])
        item: dict[str, Any] = {"kind": data["kind"], "subscription": subscription,
                                "reason": data.get("reason", "")}
        if subscription is None:
            form.add_error("number", _("No live line with this number in your branch."))
        if data["kind"] == ItemKind.PACKAGE_CHANGE:
            item["package"] = package_by_code(data["package"].strip())
            if item["package"] is None:
                form.add_error("package", _("No package with this code."))
        if data["kind"] in (ItemKind.VAS_SUBSCRIBE, ItemKind.VAS_UNSUBSCRIBE):
            item["offering"] = offering_by_code(data["offering"].strip())
            if item["offering"] is None:
                form.add_error("offering", _("No value-added service with this code."))
        if not form.errors and subscription is not None:
            try:
                order = services.do_create_order(
                    now=clock.now(), actor=user, channel=data["channel"],
                    customer=subscription.customer, subscription=subscription,
                    items=[services.ItemSpec(**item)])
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Order %(code)s created.") % {"code": order.code})
                return redirect("console:order", code=order.code)
    return render(request, "orders/order_form.html", {"form": form},
                  status=400 if form.errors else 200)
