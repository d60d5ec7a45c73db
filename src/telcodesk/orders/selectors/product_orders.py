"""Reads of customer orders: scoped lists and lookups, cancellations.

Every function returning orders is scoped with ``core.selectors.scope_q(user)``
on the record's branch: another branch's record is "not found" (404), never
"forbidden".
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from telcodesk.core.models import User
from telcodesk.core.selectors import scope_q
from telcodesk.orders.errors import RecordNotFound
from telcodesk.orders.models import CustomerOrder, OrderCancellation, OrderItem


def orders_visible_to(user: User) -> QuerySet[CustomerOrder]:
    """Orders of the user's branch subtree, newest first."""
    return (CustomerOrder.objects.filter(scope_q(user))
            .select_related("customer", "subscription", "org_unit", "sla_clock")
            .prefetch_related(Prefetch("items", queryset=OrderItem.objects.select_related(
                "package", "offering", "new_owner").order_by("position")))
            .order_by("-created_at", "-id"))


def order_for(user: User, code: str) -> CustomerOrder:
    order = orders_visible_to(user).filter(code=code).first()
    if order is None:
        raise RecordNotFound("order", code)
    return order


def cancellations_visible_to(user: User) -> QuerySet[OrderCancellation]:
    return (OrderCancellation.objects.filter(scope_q(user, field="order__org_unit"))
            .select_related("order").order_by("-requested_at", "-id"))


def cancellation_for(user: User, code: str) -> OrderCancellation:
    cancellation = cancellations_visible_to(user).filter(code=code).first()
    if cancellation is None:
        raise RecordNotFound("order cancellation", code)
    return cancellation


def order_by_code(code: str) -> CustomerOrder | None:
    """Unscoped lookup for the subscriber's own pages and SMS replies (never staff pages)."""
    return CustomerOrder.objects.select_related("customer", "subscription").filter(
        code=code).first()
