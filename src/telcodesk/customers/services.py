"""Writes of the customers app. ``do_*`` functions, keyword-only, ``now`` passed in."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from telcodesk.core import phone
from telcodesk.core.bulk import BulkTable
from telcodesk.core.models import OrgUnit, OrgUnitKind, User
from telcodesk.core.services import do_audit
from telcodesk.customers.errors import CustomerError, CustomerErrorCode
from telcodesk.customers.models import (
    CUSTOMER_CODE_DIGITS,
    CUSTOMER_CODE_PREFIX,
    Account,
    BillingType,
    Brand,
    Customer,
    CustomerStatus,
    Package,
    PartyType,
    Service,
    Subscription,
    SubscriptionStatus,
    Tier,
    ValueAddedOffering,
)
from telcodesk.customers.permissions import may_edit_customers, may_edit_customers_of

# --- customers: create, update (TMF629 API, console) ------------------------------------

# Org unit kinds a customer may belong to.
CUSTOMER_UNIT_KINDS = frozenset({OrgUnitKind.COUNTY, OrgUnitKind.OUTLET})
# Status moves a customer may make; "closed" is final.
CUSTOMER_TRANSITIONS: dict[str, frozenset[str]] = {
    CustomerStatus.ACTIVE: frozenset({CustomerStatus.SUSPENDED, CustomerStatus.CLOSED}),
    CustomerStatus.SUSPENDED: frozenset({CustomerStatus.ACTIVE, CustomerStatus.CLOSED}),
    CustomerStatus.CLOSED: frozenset(),
}
# Fields ``do_update_customer`` accepts in ``changes``.
CUSTOMER_CHANGEABLE = ("name", "status", "status_reason", "contact_phone", "email", "address",
                       "tier")

_CUSTOMER_CODE = re.compile(rf"^{CUSTOMER_CODE_PREFIX}\d{{{CUSTOMER_CODE_DIGITS}}}$")
_CODE_ATTEMPTS = 5


def next_customer_code() -> str:
    """The next free customer number: ``C`` and 9 digits, one above the highest in use.

    Codes of any other shape (e.g. imported ones) are ignored. The range scan
    walks the unique index on ``code`` backwards, so it reads one row in the
    usual case. Two concurrent writers may compute the same number; the unique
    index refuses the second, which ``do_create_customer`` retries.
    """
    low = CUSTOMER_CODE_PREFIX + "0" * CUSTOMER_CODE_DIGITS
    high = CUSTOMER_CODE_PREFIX + "9" * CUSTOMER_CODE_DIGITS
    codes = (Customer.objects.filter(code__gte=low, code__lte=high)
             .order_by("-code").values_list("code", flat=True))
    for code in codes.iterator(chunk_size=20):
        if _CUSTOMER_CODE.match(code):
            number = int(code[len(CUSTOMER_CODE_PREFIX):]) + 1
            if number >= 10**CUSTOMER_CODE_DIGITS:
                raise CustomerError(CustomerErrorCode.CONFLICT, "customer numbers are exhausted")
            return f"{CUSTOMER_CODE_PREFIX}{number:0{CUSTOMER_CODE_DIGITS}d}"
    return f"{CUSTOMER_CODE_PREFIX}{1:0{CUSTOMER_CODE_DIGITS}d}"


def _check_editor(actor: User | None, unit: OrgUnit) -> None:
    if actor is None:  # system, CLI and bulk loaders
        return
    if not may_edit_customers(actor):
        raise CustomerError(CustomerErrorCode.FORBIDDEN, "your role may not change customers")
    if not may_edit_customers_of(actor, unit):
        raise CustomerError(CustomerErrorCode.FORBIDDEN,
                            f"branch {unit.code} is outside your branch")


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise CustomerError(CustomerErrorCode.INVALID, "name: a customer needs a name")
    if len(name) > 100:
        raise CustomerError(CustomerErrorCode.INVALID, "name: at most 100 characters")
    return name


def _clean_phone(raw: str) -> str:
    if not (raw or "").strip():
        return ""
    try:
        return phone.normalize(raw)
    except phone.InvalidPhoneNumber:
        raise CustomerError(CustomerErrorCode.INVALID,
                            "contact phone: not a valid phone number") from None


def _clean_email(raw: str) -> str:
    raw = (raw or "").strip()
    if raw:
        try:
            validate_email(raw)
        except DjangoValidationError:
            raise CustomerError(CustomerErrorCode.INVALID,
                                "email: not a valid email address") from None
    return raw


def _clean_text(label: str, raw: str, max_length: int) -> str:
    raw = (raw or "").strip()
    if len(raw) > max_length:
        raise CustomerError(CustomerErrorCode.INVALID, f"{label}: at most {max_length} characters")
    return raw


def _clean_choice(label: str, value: str, choices: list[str]) -> str:
    if value not in choices:
        raise CustomerError(CustomerErrorCode.INVALID,
                            f"{label}: {value!r} is not one of {', '.join(choices)}")
    return value


@transaction.atomic
def do_create_customer(
    *,
    now: dt.datetime,
    actor: User | None,
    channel: str,
    name: str,
    party_type: str,
    org_unit: OrgUnit,
    contact_phone: str = "",
    email: str = "",
    address: str = "",
    tier: str = Tier.ORDINARY,
    id_number: str = "",
    status_reason: str = "",
    active_from: dt.datetime | None = None,
) -> Customer:
    """Register a customer under ``org_unit`` and give it the next customer number.

    The contact phone is normalised to E.164. ``actor`` (None for the system)
    must hold an editing role and own ``org_unit`` (it or a unit above it).
    """
    _check_editor(actor, org_unit)
    if org_unit.kind not in CUSTOMER_UNIT_KINDS:
        raise CustomerError(CustomerErrorCode.INVALID,
                            f"orgUnit: customers belong to a county branch or an outlet, "
                            f"not to {org_unit.code} ({org_unit.get_kind_display()})")
    fields: dict[str, Any] = {
        "name": _clean_name(name),
        "party_type": _clean_choice("party type", party_type, PartyType.values),
        "tier": _clean_choice("tier", tier, Tier.values),
        "contact_phone": _clean_phone(contact_phone),
        "email": _clean_email(email),
        "address": _clean_text("address", address, 200),
        "id_number": _clean_text("ID number", id_number, 30),
        "status_reason": _clean_text("status reason", status_reason, 200),
        "org_unit": org_unit,
        "status": CustomerStatus.ACTIVE,
        "active_from": active_from or now,
    }
    if fields["active_from"] > now:
        raise CustomerError(CustomerErrorCode.INVALID, "customer since: must not be in the future")
    customer = None
    for attempt in range(_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                customer = Customer.objects.create(code=next_customer_code(), **fields)
            break
        except IntegrityError:
            # Another writer took the number between our read and our insert.
            if attempt == _CODE_ATTEMPTS - 1:
                raise CustomerError(CustomerErrorCode.CONFLICT,
                                    "could not allocate a customer number; retry") from None
    assert customer is not None
    do_audit(now=now, actor=actor, channel=channel, action="customer.create",
             target_type="customer", target_id=customer.code,
             summary=f"{customer.code} {customer.party_type} at {org_unit.code}",
             details={"org_unit": org_unit.code, "tier": customer.tier,
                      "party_type": customer.party_type})
    return customer


@transaction.atomic
def do_update_customer(
    *,
    now: dt.datetime,
    actor: User | None,
    channel: str,
    customer: Customer,
    changes: dict[str, Any],
) -> Customer:
    """Change some of ``CUSTOMER_CHANGEABLE`` and return the saved customer.

    A status change follows ``CUSTOMER_TRANSITIONS``; closing sets ``active_to``
    to ``now`` and needs every subscription terminated first. Nothing is
    written, audit entry included, when no value actually changes.
    """
    unknown = sorted(set(changes) - set(CUSTOMER_CHANGEABLE))
    if unknown:
        raise CustomerError(CustomerErrorCode.INVALID, f"cannot change {', '.join(unknown)}")
    current = (Customer.objects.select_for_update().select_related("org_unit")
               .get(pk=customer.pk))
    _check_editor(actor, current.org_unit)

    cleaned: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "name":
            cleaned[key] = _clean_name(value)
        elif key == "contact_phone":
            cleaned[key] = _clean_phone(value or "")
        elif key == "email":
            cleaned[key] = _clean_email(value or "")
        elif key == "address":
            cleaned[key] = _clean_text("address", value or "", 200)
        elif key == "status_reason":
            cleaned[key] = _clean_text("status reason", value or "", 200)
        elif key == "tier":
            cleaned[key] = _clean_choice("tier", value, Tier.values)
        elif key == "status":
            cleaned[key] = _clean_choice("status", value, CustomerStatus.values)
    changed = {k: v for k, v in cleaned.items() if getattr(current, k) != v}
    if not changed:
        return current

    details: dict[str, Any] = {"changed": sorted(changed)}
    if "status" in changed:
        old, new = current.status, changed["status"]
        if new not in CUSTOMER_TRANSITIONS[old]:
            raise CustomerError(CustomerErrorCode.ILLEGAL_TRANSITION,
                                f"status: a {old} customer cannot become {new}")
        if new == CustomerStatus.CLOSED:
            live = Subscription.objects.filter(customer=current, active_to__isnull=True).exclude(
                status=SubscriptionStatus.TERMINATED)
            if live.exists():
                raise CustomerError(CustomerErrorCode.ILLEGAL_TRANSITION,
                                    "status: terminate the customer's subscriptions before "
                                    "closing the customer")
            current.active_to = now
            changed["active_to"] = now
        details["status"] = [old, new]
    if "tier" in changed:
        details["tier"] = [current.tier, changed["tier"]]
    for key, value in changed.items():
        setattr(current, key, value)
    current.save(update_fields=sorted(changed))
    do_audit(now=now, actor=actor, channel=channel, action="customer.update",
             target_type="customer", target_id=current.code,
             summary=f"{current.code}: {', '.join(details['changed'])}", details=details)
    return current


# --- catalog and bulk loading -------------------------------------------------
#
# Used by the demo operator and by imports from other systems. The bulk loader
# takes explicit codes and numbers, resolves org units and packages once, and
# writes with ``bulk_create`` in batches: no per-row queries.


@dataclass(frozen=True)
class BrandData:
    code: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class PackageData:
    brand_code: str
    code: str
    name: str
    services: tuple[str, ...]
    monthly_fee_fen: int
    active_from: dt.date
    voice_minutes: int = 0
    data_mb: int = 0
    sms_count: int = 0
    bandwidth_mbps: int = 0
    for_enterprise: bool = False
    active_to: dt.date | None = None


@dataclass(frozen=True)
class OfferingData:
    code: str
    name: str
    provider: str
    monthly_fee_fen: int
    active_from: dt.date
    collected_for_provider: bool = True
    active_to: dt.date | None = None


@dataclass(frozen=True)
class CatalogCounts:
    brands: int
    packages: int
    offerings: int


def _check_catalog_period(code: str, active_from: dt.date, active_to: dt.date | None) -> None:
    if active_to is not None and active_to <= active_from:
        raise CustomerError(CustomerErrorCode.INVALID,
                            f"{code}: on sale until must follow on sale from")


def _new_brand(data: BrandData) -> Brand:
    if not data.code or not data.name:
        raise CustomerError(CustomerErrorCode.INVALID, "a brand needs a code and a name")
    if Brand.objects.filter(code=data.code).exists():
        raise CustomerError(CustomerErrorCode.CONFLICT, f"brand {data.code!r} exists")
    return Brand.objects.create(code=data.code, name=data.name, name_en=data.name_en)


def _new_package(data: PackageData, brand: Brand) -> Package:
    unknown = [s for s in data.services if s not in Service.values]
    if not data.services or unknown:
        raise CustomerError(CustomerErrorCode.INVALID,
                        f"package {data.code!r}: unknown service(s) {', '.join(unknown) or '-'}")
    if data.monthly_fee_fen < 0:
        raise CustomerError(CustomerErrorCode.INVALID, f"package {data.code!r}: negative fee")
    _check_catalog_period(data.code, data.active_from, data.active_to)
    if Package.objects.filter(code=data.code).exists():
        raise CustomerError(CustomerErrorCode.CONFLICT, f"package {data.code!r} exists")
    return Package.objects.create(
        brand=brand, code=data.code, name=data.name, services=",".join(data.services),
        monthly_fee_fen=data.monthly_fee_fen, voice_minutes=data.voice_minutes,
        data_mb=data.data_mb, sms_count=data.sms_count, bandwidth_mbps=data.bandwidth_mbps,
        for_enterprise=data.for_enterprise, active_from=data.active_from,
        active_to=data.active_to,
    )


def _new_offering(data: OfferingData) -> ValueAddedOffering:
    if data.monthly_fee_fen < 0:
        raise CustomerError(CustomerErrorCode.INVALID, f"offering {data.code!r}: negative fee")
    _check_catalog_period(data.code, data.active_from, data.active_to)
    if ValueAddedOffering.objects.filter(code=data.code).exists():
        raise CustomerError(CustomerErrorCode.CONFLICT, f"value-added service {data.code!r} exists")
    return ValueAddedOffering.objects.create(
        code=data.code, name=data.name, provider=data.provider,
        collected_for_provider=data.collected_for_provider,
        monthly_fee_fen=data.monthly_fee_fen, active_from=data.active_from,
        active_to=data.active_to,
    )


@transaction.atomic
def do_create_brand(
    *, now: dt.datetime, data: BrandData, actor: User | None = None, channel: str = "cli"
) -> Brand:
    brand = _new_brand(data)
    do_audit(now=now, actor=actor, channel=channel, action="brand.create",
             target_type="brand", target_id=brand.pk, summary=brand.code)
    return brand


@transaction.atomic
def do_create_package(
    *, now: dt.datetime, data: PackageData, actor: User | None = None, channel: str = "cli"
) -> Package:
    brand = Brand.objects.filter(code=data.brand_code).first()
    if brand is None:
        raise CustomerError(CustomerErrorCode.INVALID, f"no brand {data.brand_code!r}")
    package = _new_package(data, brand)
    do_audit(now=now, actor=actor, channel=channel, action="package.create",
             target_type="package", target_id=package.pk, summary=package.code)
    return package


@transaction.atomic
def do_create_value_added_offering(
    *, now: dt.datetime, data: OfferingData, actor: User | None = None, channel: str = "cli"
) -> ValueAddedOffering:
    offering = _new_offering(data)
    do_audit(now=now, actor=actor, channel=channel, action="offering.create",
             target_type="value_added_offering", target_id=offering.pk,
             summary=offering.code)
    return offering


@transaction.atomic
def do_load_catalog(
    *,
    now: dt.datetime,
    brands: Iterable[BrandData],
    packages: Iterable[PackageData],
    offerings: Iterable[OfferingData],
    actor: User | None = None,
    channel: str = "cli",
) -> CatalogCounts:
    """Create brands, then packages (naming their brand by code), then offerings."""
    by_code: dict[str, Brand] = {}
    for brand_data in brands:
        by_code[brand_data.code] = _new_brand(brand_data)
    package_count = 0
    for package_data in packages:
        brand = by_code.get(package_data.brand_code) or Brand.objects.filter(
            code=package_data.brand_code).first()
        if brand is None:
            raise CustomerError(CustomerErrorCode.INVALID, f"no brand {package_data.brand_code!r}")
        _new_package(package_data, brand)
        package_count += 1
    offering_count = 0
    for offering_data in offerings:
        _new_offering(offering_data)
        offering_count += 1
    counts = CatalogCounts(brands=len(by_code), packages=package_count,
                           offerings=offering_count)
    do_audit(now=now, actor=actor, channel=channel, action="catalog.load",
             target_type="catalog", target_id="-",
             summary=f"{counts.brands} brands, {counts.packages} packages, "
                     f"{counts.offerings} value-added services")
    return counts


@dataclass(frozen=True)
class SubscriptionRow:
    service: str  # Service value
    number: str  # E.164 for mobile and fixed; the access account name for broadband
    package_code: str
    active_from: dt.datetime
    status: str = "active"  # SubscriptionStatus value
    activated_on: dt.date | None = None
    active_to: dt.datetime | None = None
    address: str = ""
    org_unit_code: str = ""  # empty: the customer's unit


@dataclass(frozen=True)
class AccountRow:
    number: str
    billing_type: str  # BillingType value
    active_from: dt.datetime
    name: str = ""  # empty: the customer's name
    balance_fen: int = 0
    active_to: dt.datetime | None = None
    subscriptions: tuple[SubscriptionRow, ...] = ()


@dataclass(frozen=True)
class CustomerRow:
    code: str
    party_type: str  # PartyType value
    name: str
    org_unit_code: str
    active_from: dt.datetime
    id_number: str = ""
    contact_phone: str = ""  # E.164
    email: str = ""
    address: str = ""
    tier: str = "ordinary"  # Tier value
    status: str = "active"  # CustomerStatus value
    status_reason: str = ""
    active_to: dt.datetime | None = None
    accounts: tuple[AccountRow, ...] = ()


@dataclass(frozen=True)
class BulkLoadCounts:
    customers: int
    accounts: int
    subscriptions: int


_E164_CN = re.compile(r"^\+86\d{9,11}$")


class _BulkLoader:
    """Checks rows against reference data read once, and inserts them in batches."""

    def __init__(self) -> None:
        self.units = {u.code: u for u in OrgUnit.objects.all()}
        self.packages = {p.code: (p.pk, frozenset(p.service_list))
                         for p in Package.objects.all()}
        self.party_types = frozenset(PartyType.values)
        self.tiers = frozenset(Tier.values)
        self.customer_statuses = frozenset(CustomerStatus.values)
        self.billing_types = frozenset(BillingType.values)
        self.services = frozenset(Service.values)
        self.subscription_statuses = frozenset(SubscriptionStatus.values)
        self.customers = BulkTable(Customer, (
            "code", "party_type", "name", "id_number", "contact_phone", "email", "address",
            "tier", "status", "status_reason", "org_unit_id", "active_from", "active_to"))
        self.accounts = BulkTable(Account, (
            "customer_id", "number", "name", "billing_type", "balance_fen", "active_from",
            "active_to"))
        self.subscriptions = BulkTable(Subscription, (
            "customer_id", "account_id", "service", "number", "package_id", "address",
            "org_unit_id", "area", "status", "activated_on", "active_from", "active_to"))
        self.counts = [0, 0, 0]

    def _invalid(self, row: CustomerRow, message: str) -> CustomerError:
        return CustomerError(CustomerErrorCode.INVALID, f"customer {row.code}: {message}")

    def _check_period(self, row: CustomerRow, what: str, start: dt.datetime,
                      end: dt.datetime | None) -> None:
        if start.tzinfo is None or (end is not None and end.tzinfo is None):
            raise self._invalid(row, f"{what}: naive datetime")
        if end is not None and end <= start:
            raise self._invalid(row, f"{what}: the period ends before it starts")

    def _unit(self, row: CustomerRow, code: str) -> OrgUnit:
        unit = self.units.get(code)
        if unit is None:
            raise self._invalid(row, f"unknown org unit {code!r}")
        return unit

    def load(self, batch: list[CustomerRow]) -> None:
        customer_rows = [self._customer(row) for row in batch]
        self.customers.insert(customer_rows)
        customer_ids = self.customers.ids("code", [row.code for row in batch])

        account_rows: list[tuple[Any, ...]] = []
        for row in batch:
            for acc in row.accounts:
                if acc.billing_type not in self.billing_types:
                    raise self._invalid(row, f"unknown billing type {acc.billing_type!r}")
                self._check_period(row, f"account {acc.number}", acc.active_from,
                                   acc.active_to)
                account_rows.append((customer_ids[row.code], acc.number, acc.name or row.name,
                                     acc.billing_type, acc.balance_fen, acc.active_from,
                                     acc.active_to))
        self.accounts.insert(account_rows)
        account_ids = self.accounts.ids("number", [a[1] for a in account_rows])

        subscription_rows = [
            self._subscription(row, customer_ids[row.code], account_ids[acc.number], sub)
            for row in batch for acc in row.accounts for sub in acc.subscriptions
        ]
        self.subscriptions.insert(subscription_rows)
        self.counts[0] += len(customer_rows)
        self.counts[1] += len(account_rows)
        self.counts[2] += len(subscription_rows)

    def _customer(self, row: CustomerRow) -> tuple[Any, ...]:
        if not row.code or not row.name:
            raise CustomerError(CustomerErrorCode.INVALID, "a customer needs a code and a name")
        if row.party_type not in self.party_types:
            raise self._invalid(row, f"unknown party type {row.party_type!r}")
        if row.tier not in self.tiers:
            raise self._invalid(row, f"unknown tier {row.tier!r}")
        if row.status not in self.customer_statuses:
            raise self._invalid(row, f"unknown status {row.status!r}")
        if row.contact_phone and not _E164_CN.match(row.contact_phone):
            raise self._invalid(row, "contact phone is not normalised (E.164)")
        self._check_period(row, "customer", row.active_from, row.active_to)
        unit = self._unit(row, row.org_unit_code)
        if unit.kind not in CUSTOMER_UNIT_KINDS:
            raise self._invalid(row, f"org unit {unit.code} is not a county or an outlet")
        return (row.code, row.party_type, row.name, row.id_number, row.contact_phone,
                row.email, row.address, row.tier, row.status, row.status_reason, unit.pk,
                row.active_from, row.active_to)

    def _subscription(self, row: CustomerRow, customer_id: int, account_id: int,
                      sub: SubscriptionRow) -> tuple[Any, ...]:
        if sub.service not in self.services:
            raise self._invalid(row, f"unknown service {sub.service!r}")
        if sub.status not in self.subscription_statuses:
            raise self._invalid(row, f"unknown subscription status {sub.status!r}")
        package = self.packages.get(sub.package_code)
        if package is None:
            raise self._invalid(row, f"unknown package {sub.package_code!r}")
        if sub.service not in package[1]:
            raise self._invalid(row, f"package {sub.package_code} does not cover {sub.service}")
        if sub.service == Service.BROADBAND:
            if not sub.number:
                raise self._invalid(row, "a broadband access needs an account name")
        elif not _E164_CN.match(sub.number):
            raise self._invalid(row, f"number {sub.number!r} is not normalised (E.164)")
        unit = self._unit(row, sub.org_unit_code or row.org_unit_code)
        if not unit.area:
            raise self._invalid(row, f"org unit {unit.code} has no urban/rural area; "
                                     "subscriptions belong to a county or an outlet")
        self._check_period(row, f"subscription {sub.number}", sub.active_from, sub.active_to)
        return (customer_id, account_id, sub.service, sub.number, package[0], sub.address,
                unit.pk, unit.area, sub.status, sub.activated_on, sub.active_from,
                sub.active_to)


def do_bulk_load_customers(
    *,
    now: dt.datetime,
    rows: Iterable[CustomerRow],
    batch_size: int = 2000,
    on_batch: Callable[[int], None] | None = None,
    actor: User | None = None,
    channel: str = "cli",
) -> BulkLoadCounts:
    """Insert customers with their accounts and subscriptions, all or nothing.

    Rows carry their own customer codes and account numbers. Every ``batch_size``
    customers are written with one batched insert per table (plus one read of
    the generated ids); ``on_batch`` is then told how many customers are done.
    A row that breaks a rule or collides with an existing code or live number
    aborts the whole load with a clear error.
    """
    if batch_size < 1:
        raise CustomerError(CustomerErrorCode.INVALID, "batch size must be at least 1")
    try:
        with transaction.atomic():
            loader = _BulkLoader()
            batch: list[CustomerRow] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= batch_size:
                    loader.load(batch)
                    batch = []
                    if on_batch is not None:
                        on_batch(loader.counts[0])
            if batch:
                loader.load(batch)
                if on_batch is not None:
                    on_batch(loader.counts[0])
            counts = BulkLoadCounts(*loader.counts)
            do_audit(now=now, actor=actor, channel=channel, action="customers.bulk_load",
                     target_type="customer", target_id="-",
                     summary=f"{counts.customers} customers, {counts.accounts} accounts, "
                             f"{counts.subscriptions} subscriptions")
    except IntegrityError as exc:
        raise CustomerError(CustomerErrorCode.CONFLICT,
                        f"bulk load collides with existing data: {exc}") from exc
    return counts


# --- subscription changes (applied by completed orders) ---------------------------------
#
# Called by ``orders.services`` when an order completes; each writes one audit entry.
# Permission checks belong to the caller (the order was accepted by someone entitled).

# Status moves of a subscription; "terminated" is final.
SUBSCRIPTION_TRANSITIONS: dict[str, frozenset[str]] = {
    SubscriptionStatus.PENDING: frozenset({SubscriptionStatus.ACTIVE,
                                           SubscriptionStatus.TERMINATED}),
    SubscriptionStatus.ACTIVE: frozenset({SubscriptionStatus.SUSPENDED,
                                          SubscriptionStatus.TERMINATED}),
    SubscriptionStatus.SUSPENDED: frozenset({SubscriptionStatus.ACTIVE,
                                             SubscriptionStatus.TERMINATED}),
    SubscriptionStatus.TERMINATED: frozenset(),
}


def _live_subscription(subscription: Subscription) -> Subscription:
    current = (Subscription.objects.select_for_update().select_related("package", "customer")
               .get(pk=subscription.pk))
    if current.active_to is not None:
        raise CustomerError(CustomerErrorCode.ILLEGAL_TRANSITION,
                            f"subscription {current.number} has ended")
    return current


def _audit_subscription(*, now: dt.datetime, actor: User | None, channel: str, action: str,
                        subscription: Subscription, summary: str,
                        details: dict[str, Any] | None = None) -> None:
    do_audit(now=now, actor=actor, channel=channel, action=action,
             target_type="subscription", target_id=subscription.pk,
             summary=f"{phone.mask(subscription.number)} {summary}", details=details)


@transaction.atomic
def do_create_subscription(
    *,
    now: dt.datetime,
    customer: Customer,
    service: str,
    number: str,
    package: Package,
    address: str = "",
    org_unit: OrgUnit | None = None,
    actor: User | None = None,
    channel: str = "cli",
) -> Subscription:
    """A new line, ``pending`` until ``do_activate_subscription`` (a new-line order)."""
    service = _clean_choice("service", service, Service.values)
    if service not in package.service_list:
        raise CustomerError(CustomerErrorCode.INVALID,
                            f"package {package.code} does not cover {service}")
    if service != Service.BROADBAND:
        number = _clean_phone(number)
    if not number:
        raise CustomerError(CustomerErrorCode.INVALID, "a new line needs a number")
    if Subscription.objects.filter(service=service, number=number,
                                   active_to__isnull=True).exists():
        raise CustomerError(CustomerErrorCode.CONFLICT, f"number {number} is in use")
    account = customer.accounts.filter(active_to__isnull=True).order_by("number").first()
    if account is None:
        raise CustomerError(CustomerErrorCode.INVALID,
                            f"customer {customer.code} has no open account")
    unit = org_unit or customer.org_unit
    if not unit.area:
        raise CustomerError(CustomerErrorCode.INVALID,
                            f"org unit {unit.code} has no urban/rural area")
    subscription = Subscription.objects.create(
        customer=customer, account=account, service=service, number=number, package=package,
        address=_clean_text("address", address, 200), org_unit=unit, area=unit.area,
        status=SubscriptionStatus.PENDING, active_from=now)
    _audit_subscription(now=now, actor=actor, channel=channel, action="subscription.create",
                        subscription=subscription, summary=f"{service} on {package.code}",
                        details={"customer": customer.code, "package": package.code})
    return subscription


@transaction.atomic
def do_set_subscription_status(
    *,
    now: dt.datetime,
    subscription: Subscription,
    status: str,
    reason: str = "",
    actor: User | None = None,
    channel: str = "cli",
) -> Subscription:
    """Activate, suspend, reconnect (suspended → active) or terminate a line."""
    current = _live_subscription(subscription)
    status = _clean_choice("status", status, SubscriptionStatus.values)
    if status not in SUBSCRIPTION_TRANSITIONS[current.status]:
        raise CustomerError(CustomerErrorCode.ILLEGAL_TRANSITION,
                            f"a {current.status} subscription cannot become {status}")
    old = current.status
    current.status = status
    fields = ["status"]
    if status == SubscriptionStatus.ACTIVE and current.activated_on is None:
        current.activated_on = now.date()
        fields.append("activated_on")
    if status == SubscriptionStatus.TERMINATED:
        current.active_to = now
        fields.append("active_to")
    current.save(update_fields=fields)
    _audit_subscription(now=now, actor=actor, channel=channel, action="subscription.status",
                        subscription=current, summary=f"{old} → {status} {reason}".strip(),
                        details={"status": [old, status], "reason": reason})
    return current


def do_activate_subscription(
    *, now: dt.datetime, subscription: Subscription, actor: User | None = None,
    channel: str = "cli",
) -> Subscription:
    """A pending new line starts working."""
    return do_set_subscription_status(now=now, subscription=subscription,
                                      status=SubscriptionStatus.ACTIVE, reason="activation",
                                      actor=actor, channel=channel)


@transaction.atomic
def do_change_package(
    *, now: dt.datetime, subscription: Subscription, package: Package,
    actor: User | None = None, channel: str = "cli",
) -> Subscription:
    current = _live_subscription(subscription)
    if current.service not in package.service_list:
        raise CustomerError(CustomerErrorCode.INVALID,
                            f"package {package.code} does not cover {current.service}")
    if current.package_id == package.pk:
        raise CustomerError(CustomerErrorCode.INVALID,
                            f"the line is already on package {package.code}")
    old = current.package.code
    current.package = package
    current.save(update_fields=["package"])
    _audit_subscription(now=now, actor=actor, channel=channel, action="subscription.package",
                        subscription=current, summary=f"{old} → {package.code}",
                        details={"package": [old, package.code]})
    return current


@transaction.atomic
def do_move_subscription(
    *, now: dt.datetime, subscription: Subscription, address: str,
    actor: User | None = None, channel: str = "cli",
) -> Subscription:
    """A fixed line or broadband access moves to a new installation address."""
    current = _live_subscription(subscription)
    address = _clean_text("address", address, 200)
    if not address:
        raise CustomerError(CustomerErrorCode.INVALID, "a move needs the new address")
    old = current.address
    current.address = address
    current.save(update_fields=["address"])
    _audit_subscription(now=now, actor=actor, channel=channel, action="subscription.move",
                        subscription=current, summary="moved",
                        details={"address": [old, address]})
    return current


@transaction.atomic
def do_transfer_subscription(
    *, now: dt.datetime, subscription: Subscription, new_owner: Customer,
    actor: User | None = None, channel: str = "cli",
) -> Subscription:
    """Transfer of ownership (过户): the line moves to another customer's open account."""
    current = _live_subscription(subscription)
    if current.customer_id == new_owner.pk:
        raise CustomerError(CustomerErrorCode.INVALID, "the line already belongs to "
                                                       f"{new_owner.code}")
    account = new_owner.accounts.filter(active_to__isnull=True).order_by("number").first()
    if account is None:
        raise CustomerError(CustomerErrorCode.INVALID,
                            f"customer {new_owner.code} has no open account")
    old = current.customer.code
    current.customer = new_owner
    current.account = account
    current.save(update_fields=["customer", "account"])
    _audit_subscription(now=now, actor=actor, channel=channel,
                        action="subscription.transfer", subscription=current,
                        summary=f"{old} → {new_owner.code}",
                        details={"customer": [old, new_owner.code]})
    return current
