"""The demo's orders and faults: a half-year of history and a queue worth looking at."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from telcodesk.core.calendar import load_calendar
from telcodesk.core.clock import local
from telcodesk.core.models import User
from telcodesk.demo.builder import build_demo
from telcodesk.demo.orders_activity import half_year_before
from telcodesk.orders.models import CustomerOrder, OrderItem, WorkOrder, WorkOrderEvent
from telcodesk.orders.selectors.work_orders import work_order_queue
from telcodesk.sla.models import SlaClock, SlaPause
from telcodesk.sla.selectors import clock_status

pytestmark = pytest.mark.django_db


def test_half_year_boundaries():
    assert half_year_before(dt.date(2025, 9, 30)) == (dt.date(2025, 1, 1), dt.date(2025, 7, 1))
    assert half_year_before(dt.date(2026, 3, 2)) == (dt.date(2025, 7, 1), dt.date(2026, 1, 1))
    assert half_year_before(dt.date(2025, 7, 1)) == (dt.date(2025, 1, 1), dt.date(2025, 7, 1))


NOW = dt.datetime(2025, 9, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # as ``now``


@pytest.fixture(scope="module")
def built_demo(django_db_setup, django_db_blocker) -> Iterator[dt.datetime]:
    """One demo for the module's readers (built once: it takes seconds); rolled back after."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            build_demo(now=NOW, subscribers=1000, seed=2026)
            yield NOW
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(built_demo, db) -> dt.datetime:
    return built_demo


def test_history_covers_the_half_year_with_its_holiday_mostly_in_time(demo):
    now = demo
    start, end = half_year_before(local(now).date())
    history = WorkOrder.objects.filter(created_at__date__lt=end).select_related("sla_clock")
    assert history.exists()
    days = {local(wo.created_at).date() for wo in history}
    assert min(days) >= start
    # Spring Festival 2025 lies inside the period, and the calendar knows it.
    assert start <= dt.date(2025, 1, 29) < end
    assert not load_calendar().is_working_day(dt.date(2025, 1, 29))
    finished = [wo for wo in history if wo.sla_clock and wo.sla_clock.state == "stopped"]
    assert len(finished) == history.count()
    timely = sum(1 for wo in finished if wo.sla_clock.timely)
    assert timely / len(finished) >= 0.85
    assert CustomerOrder.objects.filter(state="completed").exists()


def test_customers_caused_pauses_are_recorded(demo):
    reasons = Counter(SlaPause.objects.values_list("reason", flat=True))
    assert reasons["customer_absent"] > 0
    assert all(p.excluded for p in SlaPause.objects.filter(reason="customer_absent"))


def test_the_queue_has_open_warning_and_breached_work(demo):
    now = demo
    admin = User.objects.get(username="admin")
    queue = list(work_order_queue(admin, now=now))
    statuses = Counter(clock_status(wo.sla_clock, now=now) for wo in queue if wo.sla_clock)
    assert statuses["warning"] >= 1
    assert statuses["breached"] >= 1
    assert all(wo.status in ("acknowledged", "inProgress", "pending", "held") for wo in queue)
    # Branch scoping: Taiyuan's manager sees Taiyuan's work only.
    manager = User.objects.get(username="manager.ty")
    taiyuan = list(work_order_queue(manager, now=now))
    assert len(taiyuan) < len(queue)
    assert all(wo.org_unit.path.startswith(manager.org_unit.path) for wo in taiyuan)


def test_history_is_written_at_full_volume_with_the_report_kinds(demo):
    """The half-year holds every kind the quality report needs, at full volume:
    most of it imported, a sample written through the services."""
    _start, end = half_year_before(local(demo).date())
    clocks = SlaClock.objects.filter(state="stopped", accepted_at__date__lt=end)
    kinds = Counter(clocks.values_list("service", "kind"))
    for key in [("fixed", "install"), ("broadband", "install"), ("fixed", "repair"),
                ("broadband", "repair"), ("mobile", "repair"), ("mobile", "change"),
                ("mobile", "reconnection")]:
        assert kinds[key] > 0, key
    # 1,000 customers, six months, ~130 requests per 1,000 customers and month.
    assert 600 < sum(kinds.values()) < 1000
    changes = Counter(OrderItem.objects.filter(order__created_at__date__lt=end)
                      .values_list("kind", flat=True))
    assert {"package_change", "suspension", "name_change", "transfer",
            "reconnection"} <= set(changes)
    imported = WorkOrder.objects.filter(status_reason="imported history").count()
    through_services = WorkOrder.objects.filter(created_at__date__lt=end).exclude(
        status_reason="imported history").count()
    assert imported > 10 * through_services > 0
    assert WorkOrderEvent.objects.filter(work_order__created_at__date__lt=end).exists()
    # Datong's installs are the red mark: later more often than the rest.
    installs = clocks.filter(kind="install")
    late = Counter(c.org_unit.code.split("-")[0] for c in installs.select_related("org_unit")
                   if not c.timely)
    total = Counter(c.org_unit.code.split("-")[0] for c in installs.select_related("org_unit"))
    assert late["dt"] / total["dt"] > sum(late.values()) / sum(total.values())
