"""Queries per page: a console page or a TMF list runs the same number of queries for
a few rows as for many, so a per-row query (an N+1) that creeps back fails here.

Each test renders its page with a few rows, adds more, renders it again, and asserts
the same count, under a ceiling (``django_assert_max_num_queries``). Rows are made
with the ORM (work orders, clocks, calls) or the factories, so the counts measure the
pages, not the services.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from telcodesk.care.models import CallLogSource, HotlineCall, HotlineQueue
from telcodesk.care.services.complaints import do_receive_complaint
from telcodesk.core import clock
from telcodesk.core.models import Channel, OrgUnit, User
from telcodesk.core.roles import Role
from telcodesk.core.services import do_issue_token
from telcodesk.customers.models import Customer, Subscription
from telcodesk.orders.models import Team, WorkOrder
from telcodesk.sla.models import SlaClock
from tests.factories import AccountFactory, CustomerFactory, SubscriptionFactory

_numbers = itertools.count(1)


def count_queries(fetch: Callable[[], Any]) -> int:
    fetch()  # warm: sessions, translations, content types and caches settle first
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries)


def assert_flat(fetch: Callable[[], Any], grow: Callable[[], None], *, ceiling: int,
                assert_max: Any) -> None:
    """The same number of queries before and after ``grow`` adds rows, at most ``ceiling``."""
    few = count_queries(fetch)
    grow()
    fetch()
    with assert_max(ceiling) as captured:
        response = fetch()
    assert response.status_code == 200, response.content[:500]
    many = len(captured.captured_queries)
    assert many == few, f"{few} queries with a few rows, {many} with many: a query per row"


# --- rows -------------------------------------------------------------------------------


def a_line(unit: OrgUnit) -> Subscription:
    customer = CustomerFactory(org_unit=unit)
    return SubscriptionFactory(account=AccountFactory(customer=customer), service="broadband",
                               number=f"bbq{next(_numbers):07d}")


def add_work_orders(count: int, *, unit: OrgUnit, now: dt.datetime,
                    technician: User | None, team: Team | None) -> None:
    standard_model: Any = SlaClock._meta.get_field("standard").related_model
    standard = standard_model.objects.filter(service="broadband", kind="repair").first()
    for i in range(count):
        number = next(_numbers)
        line = a_line(unit)
        paused = i % 5 == 4
        # ok, warning (past 80 % of 24 h), breached, ok, and every fifth paused
        accepted = now - dt.timedelta(hours=(2, 21, 30, 10)[i % 4])
        clock = SlaClock.objects.create(
            standard=standard, limit_value=Decimal(24), limit_unit="hours",
            warning_ratio=Decimal("0.80"), service="broadband", kind="repair", area="urban",
            tier="ordinary", org_unit=unit, subject_label=f"WQ{number:08d} repair",
            accepted_at=accepted, due_at=accepted + dt.timedelta(hours=24),
            warn_at=accepted + dt.timedelta(hours=19, minutes=12),
            state="paused" if paused else "running",
            paused_since=now if paused else None)
        WorkOrder.objects.create(
            code=f"WQ{number:08d}", kind="repair", ticket_type="fault", service="broadband",
            subscription=line, customer=line.customer, org_unit=unit, area="urban",
            address="小店区长风街1号", status="pending" if paused else "inProgress",
            status_changed_at=accepted, channel="hotline", name="故障",
            description="宽带无法上网", created_at=accepted, updated_at=accepted,
            sla_clock=clock, technician=technician if i % 2 else None,
            team=team if not i % 2 else None)


def add_calls(count: int, *, now: dt.datetime, customer: Customer | None) -> None:
    stamp = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    source, _ = CallLogSource.objects.get_or_create(
        path="/var/log/asterisk/queue_log", fmt="asterisk-queue-log",
        defaults={"created_at": stamp, "updated_at": stamp})
    queues = [HotlineQueue.objects.get_or_create(name=name)[0]
              for name in ("10000-mobile", "10000-broadband")]
    for i in range(count):
        number = next(_numbers)
        entered = now - dt.timedelta(minutes=7 * number)
        local = entered.astimezone(now.tzinfo)
        answered = i % 3 != 0
        HotlineCall.objects.create(
            source=source, call_ref=f"1759{number:06d}.1", queue=queues[i % 2],
            caller=f"+86139{number:08d}", customer=customer, entered_at=entered,
            entered_date=local.date(), entered_hour=local.hour,
            answered_at=entered + dt.timedelta(seconds=12) if answered else None,
            ended_at=entered + dt.timedelta(seconds=80), outcome="answered" if answered
            else "abandoned", wait_seconds=12, talk_seconds=68 if answered else None,
            agent="Agent/8001" if answered else "")


# --- pages ------------------------------------------------------------------------------


@pytest.fixture
def manager(org, make_staff) -> User:
    return make_staff("ty-manager", org.taiyuan, Role.BRANCH_MANAGER)


@pytest.fixture
def console(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def api(manager, now) -> Client:
    issued = do_issue_token(now=now, user=manager, name="test", actor=None, channel=Channel.CLI)
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")


@pytest.fixture
def field(org, make_staff) -> tuple[User, Team]:
    tech = make_staff("xd-tech", org.xiaodian, Role.REPAIR_TECHNICIAN)
    team = Team.objects.create(code="xd-repair", name="小店装维班", org_unit=org.xiaodian)
    team.members.add(tech)
    return tech, team


def test_work_order_queue(console, org, now, field, django_assert_max_num_queries):
    tech, team = field

    def grow() -> None:
        add_work_orders(45, unit=org.xiaodian, now=now, technician=tech, team=team)

    add_work_orders(5, unit=org.xiaodian, now=now, technician=tech, team=team)
    assert_flat(lambda: console.get("/console/work-orders/"), grow, ceiling=12,
                assert_max=django_assert_max_num_queries)


def test_technicians_own_work_orders(org, now, field, django_assert_max_num_queries):
    tech, team = field
    client = Client()
    client.force_login(tech)

    def grow() -> None:
        add_work_orders(30, unit=org.xiaodian, now=now, technician=tech, team=team)

    add_work_orders(4, unit=org.xiaodian, now=now, technician=tech, team=team)
    assert_flat(lambda: client.get("/console/work-orders/mine/"), grow, ceiling=7,
                assert_max=django_assert_max_num_queries)


def test_customer_page(console, org, django_assert_max_num_queries):
    customer = CustomerFactory(org_unit=org.xiaodian)

    def lines(count: int) -> None:
        for _ in range(count):
            SubscriptionFactory(account=AccountFactory(customer=customer))

    lines(3)
    assert_flat(lambda: console.get(f"/console/customers/{customer.code}/"),
                lambda: lines(30), ceiling=10, assert_max=django_assert_max_num_queries)


def test_customer_list(console, org, django_assert_max_num_queries):
    def customers(count: int) -> None:
        for _ in range(count):
            CustomerFactory(org_unit=org.xiaodian)

    customers(5)
    assert_flat(lambda: console.get("/console/customers/"), lambda: customers(45),
                ceiling=4, assert_max=django_assert_max_num_queries)


def test_complaint_queue(org, now, make_staff, django_assert_max_num_queries):
    handler = make_staff("xd-handler", org.xiaodian, Role.COMPLAINT_HANDLER)
    client = Client()
    client.force_login(handler)

    def complaints(count: int) -> None:
        for _ in range(count):
            do_receive_complaint(now=now, actor=handler, channel="hotline",
                                 category="billing", summary="话费多扣了20元",
                                 subscription=a_line(org.xiaodian), notify_customer=False)

    complaints(3)
    assert_flat(lambda: client.get("/console/complaints/"), lambda: complaints(12),
                ceiling=8, assert_max=django_assert_max_num_queries)


def test_hotline_figures_and_calls(console, org, now, django_assert_max_num_queries):
    customer = CustomerFactory(org_unit=org.xiaodian)
    add_calls(6, now=now, customer=customer)
    for path in ("/console/hotline/figures/", "/console/calls/"):
        assert_flat(lambda path=path: console.get(path),
                    lambda: add_calls(40, now=now, customer=customer), ceiling=9,
                    assert_max=django_assert_max_num_queries)


def test_tmf_customer_list(api, org, django_assert_max_num_queries):
    def customers(count: int) -> None:
        for _ in range(count):
            line = a_line(org.xiaodian)
            SubscriptionFactory(account=line.account)

    customers(5)
    assert_flat(lambda: api.get("/tmf-api/customerManagement/v4/customer"),
                lambda: customers(45), ceiling=5, assert_max=django_assert_max_num_queries)


def test_tmf_trouble_ticket_list(api, org, now, field, django_assert_max_num_queries):
    tech, team = field

    def grow() -> None:
        add_work_orders(45, unit=org.xiaodian, now=now, technician=tech, team=team)

    add_work_orders(5, unit=org.xiaodian, now=now, technician=tech, team=team)
    assert_flat(lambda: api.get("/tmf-api/troubleTicket/v4/troubleTicket"), grow, ceiling=6,
                assert_max=django_assert_max_num_queries)


def test_tmf_party_interaction_list(api, org, now, django_assert_max_num_queries):
    customer = CustomerFactory(org_unit=org.xiaodian)
    add_calls(5, now=now, customer=customer)
    assert_flat(lambda: api.get("/tmf-api/partyInteraction/v4/partyInteraction"),
                lambda: add_calls(45, now=now, customer=customer), ceiling=6,
                assert_max=django_assert_max_num_queries)


def test_queue_colour_counts_match_the_filtered_queues(console, org, now, field, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: now)
    tech, team = field
    add_work_orders(20, unit=org.xiaodian, now=now, technician=tech, team=team)
    technician = Client()
    technician.force_login(tech)
    for client in (console, technician):  # the whole branch; a field worker's own and team's
        counts = client.get("/console/work-orders/").context["counts"]
        filtered = {key: client.get("/console/work-orders/", {"status": key}).context["total"]
                    for key in ("warning", "breached", "paused")}
        assert counts == filtered
        assert counts["breached"] and counts["warning"] and counts["paused"]
