"""Reads of the customers app that carry a rule: branch scoping, search.

Every function returning customer data starts from ``visible_customers(user)``,
so a staff member never sees a customer outside their branch subtree. A
customer outside it is "not found", never "forbidden": its existence is not
revealed.
"""

from __future__ import annotations

import re

from django.db.models import Prefetch, Q, QuerySet

from telcodesk.core import phone
from telcodesk.core.models import OrgUnit, User
from telcodesk.core.selectors import scope_q, visible_org_units
from telcodesk.customers.models import Account, Customer, Package, Subscription, ValueAddedOffering
from telcodesk.customers.services import (
    CUSTOMER_CODE_PREFIX,
    CustomerNotFound,
    may_edit_customer_records,
)

# Something a person types when looking for a number: digits, spaces, dashes, +, ().
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-()]{5,}$")
_CODE_LIKE = re.compile(rf"^{CUSTOMER_CODE_PREFIX}\d+$", re.IGNORECASE)


def visible_customers(user: User) -> QuerySet[Customer]:
    """Customers of the user's branch subtree, ordered by customer number."""
    return Customer.objects.filter(scope_q(user)).order_by("code")


def customer_for(user: User, code: str) -> Customer:
    """The customer numbered ``code`` if the user may see it; else ``CustomerNotFound``."""
    customer = visible_customers(user).select_related("org_unit").filter(code=code).first()
    if customer is None:
        raise CustomerNotFound(code)
    return customer


def customer_detail(user: User, code: str) -> Customer:
    """A visible customer with its branch, accounts and subscriptions (and their packages)."""
    customer = (
        visible_customers(user)
        .select_related("org_unit")
        .prefetch_related(
            Prefetch("accounts", queryset=Account.objects.order_by("number")),
            Prefetch("subscriptions",
                     queryset=Subscription.objects.select_related("package", "account")
                     .order_by("number")),
        )
        .filter(code=code)
        .first()
    )
    if customer is None:
        raise CustomerNotFound(code)
    return customer


def search_customers(user: User, q: str) -> QuerySet[Customer]:
    """Visible customers matching what a clerk typed, ordered by customer number.

    - ``C000000123``: the customer number (exact, case-insensitive prefix letter);
    - something phone-like (``138 1234 5678``, ``+86-138...``, ``0351-7654321``):
      normalised to E.164 and matched exactly against the contact phone and the
      subscription numbers;
    - anything else: a name substring, or a subscription number typed exactly
      (broadband access accounts).

    Each kind of query uses an index except the name substring, which scans the
    (already branch-scoped) customers. An empty query matches nothing.
    """
    text = (q or "").strip()
    customers = visible_customers(user)
    if not text:
        return customers.none()
    if _CODE_LIKE.match(text):
        return customers.filter(code=text.upper())
    if _PHONE_LIKE.match(text):
        try:
            number = phone.normalize(text)
        except phone.InvalidPhoneNumber:
            number = re.sub(r"[\s\-()]", "", text)
        holders = Subscription.objects.filter(number=number).values("customer_id")
        return customers.filter(Q(contact_phone=number) | Q(pk__in=holders))
    holders = Subscription.objects.filter(number=text).values("customer_id")
    return customers.filter(Q(name__icontains=text) | Q(pk__in=holders))


def may_edit_customers(user: User) -> bool:
    """Whether the user's role lets them create and change customers."""
    return may_edit_customer_records(user)


def customer_unit_for(user: User, code: str) -> OrgUnit | None:
    """The unit ``code`` if it lies in the user's subtree (None otherwise, even if it exists).

    Whether a customer may belong to that kind of unit is checked by the service.
    """
    return visible_org_units(user).filter(code=code).first()


def any_customers() -> bool:
    """True once any customer exists (unscoped: for builders and loaders, not for pages)."""
    return Customer.objects.exists()


# --- lookups for other apps (orders) ------------------------------------------------------


def subscription_for(user: User, number: str) -> Subscription | None:
    """The live subscription numbered ``number`` in the user's subtree (None otherwise).

    Mobile and fixed numbers may be typed in any dialable form.
    """
    text = (number or "").strip()
    candidates = {text}
    if _PHONE_LIKE.match(text):
        try:
            candidates.add(phone.normalize(text))
        except phone.InvalidPhoneNumber:
            candidates.add(re.sub(r"[\s\-()]", "", text))
    return (Subscription.objects.filter(scope_q(user), number__in=candidates,
                                        active_to__isnull=True)
            .select_related("customer", "customer__org_unit", "package", "org_unit")
            .order_by("pk").first())


def live_subscription_by_number(number: str) -> Subscription | None:
    """Unscoped lookup for SMS replies and loaders (never for pages)."""
    return (Subscription.objects.filter(number=number, active_to__isnull=True)
            .select_related("customer").order_by("pk").first())


def package_by_code(code: str) -> Package | None:
    return Package.objects.filter(code=code).first()


def offering_by_code(code: str) -> ValueAddedOffering | None:
    return ValueAddedOffering.objects.filter(code=code).first()
