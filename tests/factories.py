"""factory_boy factories for the test suite. Org units go through the service."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import factory

from telcodesk.core.models import OrgUnit
from telcodesk.customers.models import (
    Account,
    BillingType,
    Brand,
    Customer,
    Package,
    PartyType,
    Subscription,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2025, 1, 1, 9, 0, tzinfo=SHANGHAI)
_mobile = itertools.count(13900000000)


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("code",)

    code = "tianyi"
    name = "天翼"
    name_en = "Tianyi"


class PackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Package
        django_get_or_create = ("code",)

    brand = factory.SubFactory(BrandFactory)
    code = factory.Sequence(lambda n: f"pkg-{n}")
    name = factory.Sequence(lambda n: f"天翼套餐{n}")
    services = "mobile"
    monthly_fee_fen = 5900
    voice_minutes = 300
    data_mb = 10240
    active_from = dt.date(2024, 1, 1)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"C{n:09d}")
    party_type = PartyType.INDIVIDUAL
    name = factory.Sequence(lambda n: f"张{'伟芳娜秀英敏静丽强磊'[n % 10]}{n}")
    contact_phone = factory.LazyFunction(lambda: f"+86{next(_mobile)}")
    org_unit = factory.LazyFunction(lambda: OrgUnit.objects.filter(kind="county").first())
    active_from = T0


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    customer = factory.SubFactory(CustomerFactory)
    number = factory.Sequence(lambda n: f"A{n:09d}")
    name = factory.LazyAttribute(lambda o: o.customer.name)
    billing_type = BillingType.POSTPAID
    active_from = T0


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    account = factory.SubFactory(AccountFactory)
    customer = factory.LazyAttribute(lambda o: o.account.customer)
    service = "mobile"
    number = factory.LazyFunction(lambda: f"+86{next(_mobile)}")
    package = factory.SubFactory(PackageFactory)
    org_unit = factory.LazyAttribute(lambda o: o.customer.org_unit)
    area = factory.LazyAttribute(lambda o: o.customer.org_unit.area or "urban")
    activated_on = dt.date(2025, 1, 1)
    active_from = T0
