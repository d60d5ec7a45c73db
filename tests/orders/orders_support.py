"""Shared set-up of the orders tests: a catalog, a customer with lines, staff.

The fixtures built from these (``shop``, ``home``, ``staff``) are declared in
``tests/conftest.py``: the care, quality, core and web tests use them too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from telcodesk.core.models import OrgUnit, User
from telcodesk.core.roles import Role
from telcodesk.customers.models import (
    Customer,
    Package,
    Subscription,
    ValueAddedOffering,
)
from telcodesk.notify.models import OutboxMessage
from telcodesk.sla.models import ServiceStandard
from telcodesk.sla.services import do_set_standard_enabled
from tests.factories import (
    AccountFactory,
    BrandFactory,
    CustomerFactory,
    PackageFactory,
    SubscriptionFactory,
)


@dataclass
class Shop:
    mobile_59: Package
    mobile_99: Package
    broadband_100: Package
    music: ValueAddedOffering


@dataclass
class Household:
    customer: Customer
    mobile: Subscription
    broadband: Subscription


def make_shop() -> Shop:
    brand = BrandFactory()
    return Shop(
        mobile_59=PackageFactory(brand=brand, code="m59", name="天翼59元套餐", services="mobile",
                                 monthly_fee_fen=5900),
        mobile_99=PackageFactory(brand=brand, code="m99", name="天翼99元套餐", services="mobile",
                                 monthly_fee_fen=9900),
        broadband_100=PackageFactory(brand=brand, code="bb100", name="百兆宽带",
                                     services="broadband", monthly_fee_fen=10000,
                                     bandwidth_mbps=100),
        music=ValueAddedOffering.objects.create(
            code="music", name="爱音乐", provider="某音乐公司", monthly_fee_fen=500,
            active_from=dt.date(2024, 1, 1)),
    )


def make_household(unit: OrgUnit, shop: Shop, *, tier: str = "ordinary") -> Household:
    customer = CustomerFactory(org_unit=unit, tier=tier)
    account = AccountFactory(customer=customer)
    mobile = SubscriptionFactory(account=account, package=shop.mobile_59)
    broadband = SubscriptionFactory(account=account, service="broadband",
                                    number=f"bb{customer.code.lower()}",
                                    package=shop.broadband_100, address="小店区长风街1号")
    return Household(customer=customer, mobile=mobile, broadband=broadband)


def enable_vip_standard(now: dt.datetime, **key: str) -> None:
    """Enable a shipped VIP example (they ship disabled: nobody published them)."""
    do_set_standard_enabled(now=now, standard=ServiceStandard.objects.get(**key), enabled=True)


def make_shop_staff(org, make_staff):
    class Staff:
        clerk: User = make_staff("xd-clerk", org.xiaodian, Role.COUNTER_CLERK)
        agent: User = make_staff("xd-agent", org.xiaodian, Role.HOTLINE_AGENT)
        tech: User = make_staff("xd-tech", org.xiaodian, Role.REPAIR_TECHNICIAN)
        tech2: User = make_staff("xd-tech2", org.xiaodian, Role.REPAIR_TECHNICIAN)
        manager: User = make_staff("xd-manager", org.xiaodian, Role.BRANCH_MANAGER)
        qx_clerk: User = make_staff("qx-clerk", org.qingxu, Role.COUNTER_CLERK)
        ty_manager: User = make_staff("ty-manager", org.taiyuan, Role.BRANCH_MANAGER)

    return Staff


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    messages = OutboxMessage.objects.order_by("id")
    if kind is not None:
        messages = messages.filter(kind=kind)
    return list(messages)
