"""A repair technician on a phone: queue, work order, checklist, resolved.

It lives with the other browser tests so that it shares their one Chromium
(``tests/web/conftest.py``): two Playwright sessions cannot run in one thread.
"""

from __future__ import annotations

import datetime as dt

import pytest

from telcodesk.core import clock
from telcodesk.core.roles import Role
from telcodesk.orders.models import ChecklistStep, TicketStatus, WorkOrder
from telcodesk.orders.services import work_orders as services
from telcodesk.sla.errors import SlaError
from telcodesk.sla.selectors import standard_in_force
from telcodesk.sla.services import do_create_standard
from tests.orders.orders_support import make_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

H = dt.timedelta(hours=1)


@pytest.fixture
def frozen_clock(monkeypatch, now):
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture
def repair_standard(now):
    """The shipped standards come from a data migration, which an earlier
    transactional test may have flushed: publish the one this test needs."""
    when = now - 10 * 24 * H
    try:
        standard_in_force(service="broadband", kind="repair", area="urban", tier="ordinary",
                          at=when)
    except SlaError:
        do_create_standard(now=when, actor=None, service="broadband", kind="repair",
                           area="urban", limit_value=24, limit_unit="hours",
                           excluded_pause_reasons=["customer_absent", "customer_postponed",
                                                   "customer_access_line"],
                           active_from=when, source="test")


def test_technician_works_a_repair_on_a_phone(browser, browser_settings, console_login,
                                              live_server, org, make_staff, shop, now,
                                              frozen_clock, repair_standard):
    tech = make_staff("tech_xd", org.xiaodian, Role.REPAIR_TECHNICIAN)
    manager = make_staff("manager_xd", org.xiaodian, Role.BRANCH_MANAGER)
    team = services.do_create_team(now=now, code="xd-repair", name="小店维修班",
                                   org_unit=org.xiaodian, members=[tech])
    fresh_home = make_household(org.xiaodian, shop)
    late_home = make_household(org.xiaodian, shop)
    fresh = services.do_report_fault(now=now - 2 * H, actor=manager, channel="hotline",
                                     subscription=fresh_home.broadband,
                                     description="宽带无法上网")
    late = services.do_report_fault(now=now - 30 * H, actor=manager, channel="hotline",
                                    subscription=late_home.broadband, description="网速很慢")
    for wo in (fresh, late):
        services.do_assign_work_order(now=wo.created_at + H, work_order=wo, technician=tech,
                                      team=team, actor=manager)

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        console_login(page, "tech_xd")

        page.goto(f"{live_server.url}/console/work-orders/")
        late_row = page.locator(f"#wo-{late.code}")
        assert late_row.get_attribute("data-sla") == "breached"
        # The breached colour: the row's background is the error tint, not white.
        background = late_row.evaluate("row => getComputedStyle(row).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
        assert page.locator(f"#wo-{fresh.code}").get_attribute("data-sla") == "ok"

        page.goto(f"{live_server.url}/console/work-orders/mine/")
        cards = page.locator(".sla-card")
        assert cards.count() == 2
        assert cards.first.get_attribute("id") == f"card-{late.code}"  # most urgent first
        page.locator(f"#card-{fresh.code}").click()
        page.wait_for_url(f"{live_server.url}/console/work-orders/{fresh.code}/")

        page.get_by_role("button", name="Start work").or_(
            page.get_by_role("button", name="开始处理")).first.click()
        page.wait_for_load_state()
        for step in ("outside_line_inspected", "outside_line_tested", "modem_lights_checked"):
            item = page.locator(f"#step-{step}")
            item.locator("select").select_option("pass")
            item.locator("button").click()
            page.wait_for_load_state()
            page.locator(f"#step-{step} .step-done").wait_for()
        assert list(ChecklistStep.objects.filter(work_order=fresh).order_by("position")
                    .values_list("step", flat=True)) == [
            "outside_line_inspected", "outside_line_tested", "modem_lights_checked"]

        page.locator("#resolve").click()
        page.wait_for_load_state()
        assert page.locator("#wo-status").get_attribute("class") == \
            "badge wo-status-resolved"
        fresh.refresh_from_db()
        assert fresh.status == TicketStatus.RESOLVED
        assert WorkOrder.objects.get(pk=late.pk).status == TicketStatus.ACKNOWLEDGED
        assert errors == []
    finally:
        context.close()
