"""The row factories give rows the services' readers accept (tests/factories.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import SHANGHAI
from tests.factories import (
    ComplaintFactory,
    CustomerOrderFactory,
    HotlineCallFactory,
    SubscriptionFactory,
    UserFactory,
    WorkOrderFactory,
)

pytestmark = pytest.mark.django_db


def test_a_work_order_follows_its_line(org):
    line = SubscriptionFactory(account__customer__org_unit=org.qingxu, service="broadband",
                               address="清徐县1号")
    work_order = WorkOrderFactory(subscription=line)
    work_order.full_clean()
    assert (work_order.customer, work_order.org_unit, work_order.area, work_order.service,
            work_order.ticket_type) == (line.customer, org.qingxu, "rural", "broadband", "fault")
    assert WorkOrderFactory(kind="install").ticket_type == "install"


def test_orders_and_complaints_belong_to_the_customer_s_branch(org):
    order = CustomerOrderFactory(customer__org_unit=org.xiaodian)
    order.full_clean()
    assert order.org_unit == org.xiaodian
    complaint = ComplaintFactory(customer__org_unit=org.qingxu,
                                 owner=UserFactory(org_unit=org.qingxu))
    complaint.full_clean()
    assert (complaint.org_unit, complaint.area, complaint.handler) == (
        org.qingxu, "rural", complaint.owner)
    assert not complaint.owner.has_usable_password()


def test_a_call_is_filed_under_its_local_day_and_hour(org):
    call = HotlineCallFactory(entered_at=dt.datetime(2025, 9, 30, 23, 30, tzinfo=dt.UTC))
    call.full_clean()
    assert (call.entered_date, call.entered_hour) == (dt.date(2025, 10, 1), 7)
    assert HotlineCallFactory().source == call.source  # one log for all
    assert call.entered_at.astimezone(SHANGHAI).hour == 7
