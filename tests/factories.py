"""factory_boy factories for the test suite. Org units go through the service.

The factories of work orders, product orders, complaints and hotline calls write ROWS
only: no SLA clock, no event, no SMS, no audit entry. They are for tests that read
(selectors, pages, API lists, figures); a test of a write goes through the service.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import factory

from telcodesk.care.models import (
    CallLogSource,
    CallOutcome,
    Complaint,
    HotlineCall,
    HotlineQueue,
)
from telcodesk.core.models import OrgUnit, User
from telcodesk.customers.models import (
    Account,
    BillingType,
    Brand,
    Customer,
    Package,
    PartyType,
    Subscription,
)
from telcodesk.orders.models import CustomerOrder, WorkOrder

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


# --- staff, orders, work orders, complaints, calls (rows only; see the module docstring) ---


class UserFactory(factory.django.DjangoModelFactory):
    """A staff account with no usable password and no role (``make_staff`` gives roles)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    password = "!"  # unusable: nothing to hash
    org_unit = factory.LazyFunction(lambda: OrgUnit.objects.filter(kind="county").first())


class CustomerOrderFactory(factory.django.DjangoModelFactory):
    """A product order (TMF622) as a row, acknowledged, without items."""

    class Meta:
        model = CustomerOrder

    code = factory.Sequence(lambda n: f"PO{n:09d}")
    customer = factory.SubFactory(CustomerFactory)
    channel = "counter"
    org_unit = factory.LazyAttribute(lambda o: o.customer.org_unit)
    created_at = T0
    updated_at = factory.LazyAttribute(lambda o: o.created_at)
    state_changed_at = factory.LazyAttribute(lambda o: o.created_at)


class WorkOrderFactory(factory.django.DjangoModelFactory):
    """A repair work order (trouble ticket) on a line, acknowledged."""

    class Meta:
        model = WorkOrder

    code = factory.Sequence(lambda n: f"WO{n:09d}")
    kind = "repair"
    ticket_type = factory.LazyAttribute(lambda o: "fault" if o.kind == "repair" else o.kind)
    subscription = factory.SubFactory(SubscriptionFactory)
    service = factory.LazyAttribute(lambda o: o.subscription.service)
    customer = factory.LazyAttribute(lambda o: o.subscription.customer)
    address = factory.LazyAttribute(lambda o: o.subscription.address)
    org_unit = factory.LazyAttribute(lambda o: o.subscription.org_unit)
    area = factory.LazyAttribute(lambda o: o.subscription.area)
    channel = "hotline"
    created_at = T0
    updated_at = factory.LazyAttribute(lambda o: o.created_at)
    status_changed_at = factory.LazyAttribute(lambda o: o.created_at)


class ComplaintFactory(factory.django.DjangoModelFactory):
    """An open complaint of a customer, received by its owner, who handles it."""

    class Meta:
        model = Complaint

    code = factory.Sequence(lambda n: f"CP{n:09d}")
    channel = "hotline"
    category = "billing"
    summary = "话费多扣了20元"
    customer = factory.SubFactory(CustomerFactory)
    org_unit = factory.LazyAttribute(lambda o: o.customer.org_unit if o.customer else
                                     OrgUnit.objects.filter(kind="county").first())
    area = factory.LazyAttribute(lambda o: o.org_unit.area or "urban")
    owner = factory.SubFactory(UserFactory)
    handler = factory.LazyAttribute(lambda o: o.owner)
    received_at = T0
    updated_at = factory.LazyAttribute(lambda o: o.received_at)


class CallLogSourceFactory(factory.django.DjangoModelFactory):
    """The Asterisk queue log the calls came from (one, shared)."""

    class Meta:
        model = CallLogSource
        django_get_or_create = ("path", "fmt")

    path = "/var/log/asterisk/queue_log"
    fmt = "asterisk-queue-log"
    created_at = T0
    updated_at = T0


class HotlineQueueFactory(factory.django.DjangoModelFactory):
    """A hotline queue by name, unmapped (as an import of an unknown queue leaves it)."""

    class Meta:
        model = HotlineQueue
        django_get_or_create = ("name",)

    name = "10000-mobile"


class HotlineCallFactory(factory.django.DjangoModelFactory):
    """A hotline call as the import stores it: ``entered_date``/``entered_hour`` are the
    local (Asia/Shanghai) day and hour of ``entered_at``; nothing else is derived."""

    class Meta:
        model = HotlineCall

    source = factory.SubFactory(CallLogSourceFactory)
    call_ref = factory.Sequence(lambda n: f"1759{n:06d}.1")
    queue = factory.SubFactory(HotlineQueueFactory)
    entered_at = T0
    entered_date = factory.LazyAttribute(lambda o: o.entered_at.astimezone(SHANGHAI).date())
    entered_hour = factory.LazyAttribute(lambda o: o.entered_at.astimezone(SHANGHAI).hour)
    outcome = CallOutcome.ANSWERED
