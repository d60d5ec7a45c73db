"""What a user finds in a demo operator: its tree, staff, customers, numbers and dates.

One operator is built for the whole module inside a transaction that is rolled
back at the end; each test runs in a savepoint inside it, as usual.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.db import transaction

from telcodesk.core import phone
from telcodesk.core.clock import local
from telcodesk.core.models import OrgUnit, User
from telcodesk.core.roles import Role
from telcodesk.customers.models import Account, Customer, Package, Subscription
from telcodesk.demo import data
from telcodesk.demo.builder import (
    DEMO_PASSWORD,
    build_demo,
    credit_code_check,
    demo_logins,
    resident_id_check,
)

SMALL = 300
NOW = dt.datetime(2025, 9, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Build once per module; roll everything back afterwards."""
    calls: list[tuple[str, int, int]] = []
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            summary = build_demo(now=NOW, subscribers=SMALL,
                                 progress=lambda step, done, total:
                                 calls.append((step, done, total)))
            yield summary, calls
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def built(demo, db):
    return demo


@pytest.fixture
def now():
    return NOW


def test_summary_and_progress_report_what_was_built(built):
    summary, calls = built
    assert summary.customers == SMALL == Customer.objects.count()
    assert summary.accounts == Account.objects.count() == SMALL
    assert summary.subscriptions == Subscription.objects.count()
    assert SMALL <= summary.subscriptions <= 3 * SMALL
    assert summary.org_units == OrgUnit.objects.count()
    assert summary.staff == len(summary.logins) == User.objects.count()
    assert summary.total_rows == sum(summary.counts().values())
    assert f"{SMALL} customers" in summary.describe()
    steps = [step for step, _, _ in calls]
    assert steps.index("organisation") < steps.index("staff") < steps.index("catalog") \
        < steps.index("customers")
    assert ("customers", SMALL, SMALL) in calls
    assert all(done <= total for _, done, total in calls)


def test_organisation_tree_has_cities_urban_and_rural_counties_and_outlets(built):
    assert OrgUnit.objects.get(code="op").name == "演示电信"
    assert OrgUnit.objects.get(code="sx").parent.code == "op"
    cities = set(OrgUnit.objects.filter(kind="city").values_list("code", flat=True))
    assert {"ty", "dt", "yc", "jz", "cz"} <= cities
    counties = OrgUnit.objects.filter(kind="county")
    assert all(c.area in ("urban", "rural") for c in counties)
    assert {"urban", "rural"} == set(counties.values_list("area", flat=True))
    assert counties.get(code="ty-xd").name == "小店区分公司"
    assert counties.get(code="ty-xd").area == "urban"
    assert counties.get(code="ty-qx").area == "rural"
    for county in counties:
        outlets = list(county.children.all())
        assert 1 <= len(outlets) <= 3
        for outlet in outlets:
            assert outlet.kind == "outlet" and outlet.area == county.area
            assert re.fullmatch(rf"{county.code}-0\d", outlet.code)


def test_every_subscription_sits_in_a_county_or_outlet_of_its_area(built):
    subs = Subscription.objects.select_related("org_unit", "customer__org_unit")
    for sub in subs:
        assert sub.org_unit.kind in ("county", "outlet")
        assert sub.area == sub.org_unit.area
        assert sub.org_unit == sub.customer.org_unit
    areas = Counter(Customer.objects.values_list("org_unit__area", flat=True))
    assert 0.5 < areas["urban"] / SMALL < 0.8


def test_numbers_are_valid_unique_and_belong_to_the_city(built):
    area_codes = {city.code: city.area_code for city in data.CITIES}
    subs = list(Subscription.objects.select_related("org_unit"))
    keys = [(s.service, s.number) for s in subs]
    assert len(keys) == len(set(keys))
    for sub in subs:
        city_area = area_codes[sub.org_unit.code.split("-")[0]]
        if sub.service == "broadband":
            assert re.fullmatch(rf"0{city_area}A\d{{8}}", sub.number)
            continue
        assert phone.normalize(sub.number) == sub.number
        if sub.service == "fixed":
            assert sub.number.startswith(f"+86{city_area}") and len(sub.number) == 13
            assert not phone.is_mobile(sub.number)
        else:
            assert sub.number[3:6] in {"133", "153", "173", "177", "180", "181", "189", "199"}
            assert phone.is_mobile(sub.number)
    contacts = list(Customer.objects.values_list("contact_phone", flat=True))
    assert len(set(contacts)) == len(contacts) == SMALL
    assert all(phone.normalize(c) == c and phone.is_mobile(c) for c in contacts)
    codes = list(Customer.objects.order_by("code").values_list("code", flat=True))
    assert codes == [f"C{i:09d}" for i in range(1, SMALL + 1)]
    numbers = list(Account.objects.order_by("number").values_list("number", flat=True))
    assert numbers == [f"A{i:09d}" for i in range(1, SMALL + 1)]


def test_customers_are_plausible_people_and_companies(built, now):
    divisions = {f"{city.code}-{c.code}": c.division for city in data.CITIES
                 for c in city.counties}
    today = local(now).date()
    enterprises = 0
    for customer in Customer.objects.select_related("org_unit"):
        county_code = "-".join(customer.org_unit.code.split("-")[:2])
        division = divisions[county_code]
        number = customer.id_number
        assert len(number) == 18
        if customer.party_type == "individual":
            assert 2 <= len(customer.name) <= 4
            assert number.startswith(division)
            assert resident_id_check(number[:17]) == number[17]
            birth = dt.datetime.strptime(number[6:14], "%Y%m%d").date()
            assert 18 <= (today - birth).days // 365 <= 83
        else:
            enterprises += 1
            assert customer.name.endswith("公司")
            assert number[:2] == "91" and number[2:8] == division
            assert credit_code_check(number[:17]) == number[17]
        city = data.CITIES[[c.code for c in data.CITIES].index(county_code.split("-")[0])]
        assert customer.address.startswith(f"{city.name}市")
    assert 0 < enterprises < SMALL * 0.1
    tiers = Counter(Customer.objects.values_list("tier", flat=True))
    assert 0.82 <= tiers["ordinary"] / SMALL <= 0.96
    assert tiers["silver"] > tiers["gold"] > 0
    assert set(tiers) <= {"ordinary", "silver", "gold", "diamond"}


def test_packages_fit_the_customer(built):
    assert {"天翼", "我的e家", "商务领航"} <= set(
        Package.objects.values_list("brand__name", flat=True))
    for sub in Subscription.objects.select_related("package", "customer", "account"):
        assert sub.service in sub.package.service_list
        assert sub.package.for_enterprise is (sub.customer.party_type == "enterprise")
        if sub.account.billing_type == "prepaid":
            assert sub.service == "mobile"
    per_customer = Counter(Subscription.objects.values_list("customer_id", flat=True))
    assert set(per_customer.values()) <= {1, 2, 3}


def test_dates_lie_in_the_past_and_spread_over_years(built, now):
    today = local(now).date()
    subs = list(Subscription.objects.all())
    assert all(s.active_from < now for s in subs)
    assert all(s.active_to is None or s.active_from < s.active_to < now for s in subs)
    assert all(s.activated_on is None or s.activated_on < today for s in subs)
    statuses = Counter(s.status for s in subs)
    assert statuses["active"] > 0.8 * len(subs)
    assert statuses["suspended"] > 0 and statuses["terminated"] > 0
    assert all(s.active_to is not None for s in subs if s.status == "terminated")
    assert all(s.activated_on is None for s in subs if s.status == "pending")
    years = {s.active_from.year for s in subs}
    assert len(years) >= 5
    for customer in Customer.objects.prefetch_related("subscriptions"):
        first = min(s.active_from for s in customer.subscriptions.all())
        assert customer.active_from == first
        if customer.status == "closed":
            assert all(s.status == "terminated" for s in customer.subscriptions.all())


def test_staff_cover_every_role_and_the_demo_password_works(built):
    summary, _ = built
    roles = Counter(summary_role for _, _, summary_role, _ in summary.logins)
    assert set(roles) == set(Role.values)
    for username, role in [("admin", Role.ADMINISTRATOR), ("quality", Role.QUALITY_MANAGER),
                           ("manager.ty", Role.BRANCH_MANAGER), ("clerk.ty-xd", Role.COUNTER_CLERK),
                           ("clerk.ty-xd-01", Role.COUNTER_CLERK), ("vip.ty-xd", Role.VIP_CLERK),
                           ("agent.ty", Role.HOTLINE_AGENT), ("tech.ty-qx", Role.REPAIR_TECHNICIAN),
                           ("installer.ty-xd", Role.INSTALLER),
                           ("complaints.ty", Role.COMPLAINT_HANDLER)]:
        user = User.objects.get(username=username)
        assert user.has_role(role), username
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="clerk.ty-xd-01").org_unit.kind == "outlet"
    assert User.objects.get(username="quality").org_unit.code == "sx"
    # One hash for everyone, and it is a real one.
    assert User.objects.values("password").distinct().count() == 1
    assert authenticate(username="clerk.ty-xd", password=DEMO_PASSWORD) is not None
    assert authenticate(username="clerk.ty-xd", password="wrong-password") is None
    featured = demo_logins()
    assert featured[0] == ("admin", DEMO_PASSWORD, "administrator", "演示电信")
    assert {login.role for login in featured} == set(Role.values)
    assert len(demo_logins(everyone=True)) == summary.staff




def test_the_demo_operator_publishes_its_vip_repair_promises(built):
    from telcodesk.sla.models import ServiceStandard

    vip = ServiceStandard.objects.exclude(tier="any")
    assert vip.exists() and not vip.filter(enabled=False).exists()
