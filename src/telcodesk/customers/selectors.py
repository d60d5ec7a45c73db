"""Reads of the customers app that carry a rule: branch scoping, search.

Every function returning customer data starts from ``visible_customers(user)``,
so a staff member never sees a customer outside their branch subtree. A
customer outside it is "not found", never "forbidden": its existence is not
revealed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet

from telcodesk.core import phone
from telcodesk.core.bulk import values_subquery
from telcodesk.core.models import OrgUnit, User
from telcodesk.core.selectors import scope_q, visible_org_units
from telcodesk.customers.errors import CustomerNotFound
from telcodesk.customers.models import (
    CUSTOMER_CODE_PREFIX,
    Account,
    Customer,
    Package,
    Subscription,
    ValueAddedOffering,
)

# Something a person types when looking for a number: digits, spaces, dashes, +, ().
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-()]{5,}$")
_CODE_LIKE = re.compile(rf"^{CUSTOMER_CODE_PREFIX}\d+$", re.IGNORECASE)


def visible_customers(user: User) -> QuerySet[Customer]:
    """Customers of the user's branch subtree, ordered by customer number."""
    return Customer.objects.filter(scope_q(user)).order_by("code")


ACCOUNTS = "accounts_by_number"


def customers_listed_for(user: User) -> QuerySet[Customer]:
    """``visible_customers`` with what a TMF629 list shows: the branch, and the accounts
    by number as a plain list (read by ``accounts_of``), which spares Django's related
    manager and queryset per row of a page of 100."""
    return visible_customers(user).select_related("org_unit").prefetch_related(
        Prefetch("accounts", queryset=Account.objects.order_by("number"), to_attr=ACCOUNTS))


def accounts_of(customer: Customer) -> list[Account]:
    """The customer's accounts: as prefetched by ``customers_listed_for``, else read."""
    listed: list[Account] | None = getattr(customer, ACCOUNTS, None)
    if listed is not None:
        return listed
    return list(customer.accounts.all())


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


_NUMBERS_PER_QUERY = 20_000


def customer_ids_by_number(numbers: Iterable[str]) -> dict[str, int]:
    """Customer id of the live subscription holding each number, for bulk importers.

    ``numbers`` are E.164 (mobile and fixed lines are stored so); numbers no live
    subscription holds are left out of the answer. Unscoped: for loaders and
    imports, never for pages. Thousands of numbers cost one query, not thousands of
    placeholders (``core.bulk.values_subquery``).
    """
    wanted = sorted({n for n in numbers if n})
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _NUMBERS_PER_QUERY):
        chunk = wanted[start:start + _NUMBERS_PER_QUERY]
        for number, customer_id in (Subscription.objects
                                    .filter(number__in=values_subquery(chunk),
                                            active_to__isnull=True)
                                    .order_by("pk").values_list("number", "customer_id")):
            found.setdefault(number, customer_id)
    return found


def live_subscription_by_number(number: str) -> Subscription | None:
    """Unscoped lookup for SMS replies and loaders (never for pages)."""
    return (Subscription.objects.filter(number=number, active_to__isnull=True)
            .select_related("customer").order_by("pk").first())


class LineRecord(NamedTuple):
    """A subscription as an import needs it (plain values, no model instance)."""

    id: int
    service: str
    number: str
    customer_id: int
    org_unit_id: int
    area: str
    address: str
    live: bool  # not ended (``active_to`` empty)


class CustomerRecord(NamedTuple):
    id: int
    code: str
    tier: str


def lines_by_number(numbers: Iterable[str]) -> list[LineRecord]:
    """Every subscription (live or ended) numbered one of ``numbers``; unscoped, for
    imports and loaders (never for pages)."""
    return [LineRecord(*row) for row in Subscription.objects.filter(
        number__in=values_subquery(set(numbers))).annotate(
        live=ExpressionWrapper(Q(active_to__isnull=True), output_field=BooleanField()))
        .values_list(*LineRecord._fields)]


def line_periods(ids: Iterable[int]) -> dict[int, tuple[dt.datetime, dt.datetime | None]]:
    """``(active_from, active_to)`` of the given subscriptions (to tell apart lines that
    had the same number at different times)."""
    return {pk: (start, end) for pk, start, end in Subscription.objects.filter(
        pk__in=values_subquery(set(ids))).values_list("pk", "active_from", "active_to")}


def customers_by_id_or_code(*, ids: Iterable[int] = (), codes: Iterable[str] = ()
                            ) -> list[CustomerRecord]:
    """Customers by primary key or code; unscoped, for imports (never for pages)."""
    return [CustomerRecord(*row) for row in Customer.objects.filter(
        Q(pk__in=values_subquery(set(ids))) | Q(code__in=values_subquery(set(codes))))
        .values_list("id", "code", "tier")]


def package_by_code(code: str) -> Package | None:
    return Package.objects.filter(code=code).first()


def offering_by_code(code: str) -> ValueAddedOffering | None:
    return ValueAddedOffering.objects.filter(code=code).first()


def live_phone_numbers(*, limit: int) -> list[str]:
    """Numbers of live mobile and fixed-telephone lines, in number order (loaders only:
    the demo's hotline callers). Unscoped, like ``customer_ids_by_number``."""
    return list(Subscription.objects.filter(active_to__isnull=True,
                                            service__in=("mobile", "fixed"))
                .order_by("number").values_list("number", flat=True)[:limit])
