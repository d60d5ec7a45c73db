"""The demo operator: deterministic, well-formed, refuses to build twice."""

from __future__ import annotations

import datetime as dt

import pytest

from telcodesk.core.models import OrgUnit
from telcodesk.customers.errors import CustomerError
from telcodesk.customers.models import Customer, Package, Subscription
from telcodesk.customers.services import (
    AccountRow,
    BrandData,
    CustomerRow,
    OfferingData,
    PackageData,
    SubscriptionRow,
    do_bulk_load_customers,
    do_create_brand,
    do_create_package,
    do_create_value_added_offering,
    do_load_catalog,
)
from telcodesk.demo import catalog
from telcodesk.demo.builder import (
    DemoError,
    build_demo,
)
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_refuses_to_build_into_a_database_with_customers(now):
    build_demo(now=now, subscribers=20)
    with pytest.raises(DemoError) as caught:
        build_demo(now=now, subscribers=20)
    assert caught.value.code == "not_empty"
    assert Customer.objects.count() == 20


def test_refuses_when_someone_else_has_customers(org, now):
    CustomerFactory(org_unit=org.xiaodian)
    with pytest.raises(DemoError, match="empty database"):
        build_demo(now=now, subscribers=20)
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("kwargs", [{"subscribers": 0}, {"now": dt.datetime(2025, 9, 30)}])
def test_refuses_bad_arguments(now, kwargs):
    with pytest.raises(DemoError):
        build_demo(**{"now": now, "subscribers": 10, **kwargs})
    assert not OrgUnit.objects.exists()


# --- the bulk loader behind the builder ----------------------------------------------


@pytest.fixture
def loaded_catalog(org, now):
    since = dt.date(2020, 1, 1)
    do_load_catalog(now=now, brands=catalog.BRANDS, packages=catalog.packages(since),
                    offerings=catalog.offerings(since))


def row(code: str, number: str, *, unit: str = "ty-xd", package: str = "tianyi-59",
        at: dt.datetime) -> CustomerRow:
    sub = SubscriptionRow(service="mobile", number=number, package_code=package,
                          active_from=at, activated_on=at.date())
    account = AccountRow(number=code.replace("C", "A"), billing_type="prepaid",
                         active_from=at, subscriptions=(sub,))
    return CustomerRow(code=code, party_type="individual", name="王伟", org_unit_code=unit,
                       active_from=at, contact_phone=number, accounts=(account,))


def test_bulk_loader_writes_rows_in_batches(loaded_catalog, now):
    at = now - dt.timedelta(days=10)
    rows = [row(f"C{i:09d}", f"+861890000{i:04d}", at=at) for i in range(1, 6)]
    seen: list[int] = []
    counts = do_bulk_load_customers(now=now, rows=iter(rows), batch_size=2,
                                    on_batch=seen.append)
    assert (counts.customers, counts.accounts, counts.subscriptions) == (5, 5, 5)
    assert seen == [2, 4, 5]
    sub = Subscription.objects.select_related("customer", "account").get(
        number="+8618900000003")
    assert sub.customer.code == "C000000003" and sub.account.number == "A000000003"
    assert sub.area == "urban" and sub.active_to is None


@pytest.mark.parametrize(("bad", "message"), [
    ({"unit": "nowhere"}, "unknown org unit"),
    ({"unit": "ty"}, "not a county or an outlet"),
    ({"package": "bizpilot-nothing"}, "unknown package"),
    ({"package": "broadband-300"}, "does not cover mobile"),
])
def test_bulk_loader_refuses_a_bad_row_and_writes_nothing(loaded_catalog, now, bad, message):
    at = now - dt.timedelta(days=10)
    rows = [row("C000000001", "+8618900000001", at=at),
            row("C000000002", "+8618900000002", at=at, **bad)]
    with pytest.raises(CustomerError, match=message):
        do_bulk_load_customers(now=now, rows=rows, batch_size=1)
    assert not Customer.objects.exists()


def test_bulk_loader_refuses_a_taken_customer_code(loaded_catalog, now):
    at = now - dt.timedelta(days=10)
    do_bulk_load_customers(now=now, rows=[row("C000000001", "+8618900000001", at=at)])
    with pytest.raises(CustomerError) as caught:
        do_bulk_load_customers(now=now, rows=[row("C000000009", "+8618900000009", at=at),
                                              row("C000000001", "+8618900000002", at=at)])
    assert caught.value.code == "conflict"
    assert list(Customer.objects.values_list("code", flat=True)) == ["C000000001"]


def test_catalog_services_check_what_they_create(org, now):
    since = dt.date(2020, 1, 1)
    brand = do_create_brand(now=now, data=BrandData("tianyi", "天翼"))
    package = do_create_package(now=now, data=PackageData(
        "tianyi", "tianyi-59", "天翼畅享59元套餐", ("mobile",), 5900, since, data_mb=30720))
    assert package.brand == brand and package.service_list == ["mobile"]
    offering = do_create_value_added_offering(now=now, data=OfferingData(
        "imusic", "爱音乐", "天翼爱音乐文化科技有限公司", 600, since))
    assert offering.collected_for_provider
    with pytest.raises(CustomerError, match="exists"):
        do_create_brand(now=now, data=BrandData("tianyi", "天翼"))
    with pytest.raises(CustomerError, match="unknown service"):
        do_create_package(now=now, data=PackageData(
            "tianyi", "tianyi-tv", "天翼电视", ("television",), 1000, since))
    with pytest.raises(CustomerError, match="no brand"):
        do_create_package(now=now, data=PackageData(
            "nothing", "x-1", "X", ("mobile",), 1000, since))
    with pytest.raises(CustomerError, match="must follow"):
        do_create_value_added_offering(now=now, data=OfferingData(
            "game", "爱游戏", "炫彩互动", 1000, since, active_to=since))
    assert Package.objects.count() == 1
