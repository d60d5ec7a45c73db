"""Customer selectors behind the TMF API and the console: scoping and search."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from telcodesk.core.roles import Role
from telcodesk.customers.errors import CustomerNotFound
from telcodesk.customers.models import Customer, PartyType
from telcodesk.customers.permissions import may_edit_customers
from telcodesk.customers.selectors import (
    customer_detail,
    customer_for,
    customer_unit_for,
    search_customers,
    visible_customers,
)
from telcodesk.customers.services import next_customer_code
from tests.factories import AccountFactory, CustomerFactory, SubscriptionFactory


@pytest.fixture
def world(org, make_staff):
    class World:
        clerk = make_staff("xd-clerk", org.xiaodian, Role.COUNTER_CLERK)
        manager = make_staff("ty-manager", org.taiyuan, Role.BRANCH_MANAGER)
        quality = make_staff("xd-quality", org.xiaodian, Role.QUALITY_MANAGER)
        boss = make_staff("root", None, superuser=True)
        mine = CustomerFactory(org_unit=org.xiaodian_outlet, name="王建国",
                               contact_phone="+8613812345678")
        firm = CustomerFactory(org_unit=org.xiaodian, name="小店建材公司",
                               party_type=PartyType.ENTERPRISE, contact_phone="+863517654321")
        theirs = CustomerFactory(org_unit=org.qingxu, name="王建军",
                                 contact_phone="+8613987654321")

    return World


def codes(queryset) -> list[str]:
    return [c.code for c in queryset]


def test_visible_customers_follow_the_org_tree(world):
    assert codes(visible_customers(world.clerk)) == sorted([world.mine.code, world.firm.code])
    assert codes(visible_customers(world.manager)) == sorted(
        [world.mine.code, world.firm.code, world.theirs.code])
    assert visible_customers(world.boss).count() == 3


def test_customer_for_hides_other_branches_as_not_found(world):
    assert customer_for(world.clerk, world.mine.code) == world.mine
    with pytest.raises(CustomerNotFound) as caught:
        customer_for(world.clerk, world.theirs.code)
    assert isinstance(caught.value, Http404)  # a console view answers 404 by itself
    assert caught.value.http_status == 404


def test_customer_detail_loads_accounts_and_subscriptions_up_front(world):
    account = AccountFactory(customer=world.mine)
    SubscriptionFactory(account=account)
    SubscriptionFactory(account=account)
    customer = customer_detail(world.clerk, world.mine.code)
    with CaptureQueriesContext(connection) as queries:
        numbers = [(s.number, s.package.name, s.account.number)
                   for s in customer.subscriptions.all()]
        accounts = [a.number for a in customer.accounts.all()]
        unit = customer.org_unit.code
    assert len(queries) == 0
    assert (len(numbers), accounts, unit) == (2, [account.number], "ty-xd-01")
    with pytest.raises(CustomerNotFound):
        customer_detail(world.clerk, world.theirs.code)


@pytest.mark.parametrize(("query", "expected"), [
    ("王建", ["mine"]),  # name substring, scoped: 王建军 is another county's
    ("建材", ["firm"]),
    ("138 1234 5678", ["mine"]),  # phone typed with spaces
    ("+86-138-1234-5678", ["mine"]),
    ("0351-7654321", ["firm"]),  # fixed line with area code
    ("13987654321", []),  # a number of another county's customer
    ("", []),
    ("   ", []),
])
def test_search_by_name_and_phone(world, query, expected):
    assert codes(search_customers(world.clerk, query)) == sorted(
        getattr(world, name).code for name in expected)


def test_search_by_customer_number_and_subscription_number(world):
    assert codes(search_customers(world.clerk, world.firm.code.lower())) == [world.firm.code]
    line = SubscriptionFactory(account=AccountFactory(customer=world.firm),
                               number="+8613700001111")
    broadband = SubscriptionFactory(account=AccountFactory(customer=world.mine),
                                    service="broadband", number="ty-ad-7788")
    assert codes(search_customers(world.clerk, "137 0000 1111")) == [world.firm.code]
    assert codes(search_customers(world.clerk, broadband.number)) == [world.mine.code]
    assert line.customer == world.firm
    # The manager above sees across counties; the clerk does not.
    assert len(codes(search_customers(world.manager, "王建"))) == 2


def test_who_may_edit_and_where(world, org):
    assert may_edit_customers(world.clerk)
    assert may_edit_customers(world.boss)
    assert not may_edit_customers(world.quality)
    assert customer_unit_for(world.clerk, "ty-xd-01") == org.xiaodian_outlet
    assert customer_unit_for(world.clerk, "ty-qx") is None  # exists, but not theirs
    assert customer_unit_for(world.clerk, "nowhere") is None


def test_next_customer_code(db, org):
    assert next_customer_code() == "C000000001"
    CustomerFactory(org_unit=org.xiaodian, code="C000000041")
    CustomerFactory(org_unit=org.xiaodian, code="CX-IMPORTED-1")
    CustomerFactory(org_unit=org.xiaodian, code="C1234567890")  # too long: another scheme
    assert next_customer_code() == "C000000042"
    assert Customer.objects.count() == 3


def test_a_number_taken_meanwhile_is_retried_with_the_next(world, monkeypatch, now):
    """Two writers may compute the same number; the loser retries instead of failing."""
    from telcodesk.customers import services

    real = services.next_customer_code
    calls: list[str] = []

    def stale_first() -> str:
        # The first answer is a number another writer has just taken.
        code = world.firm.code if not calls else real()
        calls.append(code)
        return code

    monkeypatch.setattr(services, "next_customer_code", stale_first)
    customer = services.do_create_customer(
        now=now, actor=world.clerk, channel="api", name="赵六", party_type="individual",
        org_unit=world.mine.org_unit)
    assert calls[0] == world.firm.code
    assert customer.code == calls[1] != world.firm.code
    assert Customer.objects.filter(name="赵六").count() == 1
