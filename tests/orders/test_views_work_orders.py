"""Console pages of work orders and orders, as a dispatcher, a technician and a clerk use them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from telcodesk.core import clock
from telcodesk.core.roles import Role
from telcodesk.orders.errors import OrdersError
from telcodesk.orders.models import ChecklistStep, CustomerOrder, TicketStatus, WorkOrder
from telcodesk.orders.services import product_orders, work_orders
from tests.orders.orders_support import make_household

# Fixtures shared with the other orders tests.

H = dt.timedelta(hours=1)


@pytest.fixture
def clock_at(monkeypatch, now):
    """Pages read the time through ``core.clock``; tests move it."""
    state = {"now": now}
    monkeypatch.setattr(clock, "now", lambda: state["now"])

    def move(to: dt.datetime) -> None:
        state["now"] = to

    return move


@pytest.fixture
def people(org, make_staff):
    class People:
        manager = make_staff("xd-manager", org.xiaodian, Role.BRANCH_MANAGER)
        tech = make_staff("xd-tech", org.xiaodian, Role.REPAIR_TECHNICIAN)
        clerk = make_staff("xd-clerk", org.xiaodian, Role.COUNTER_CLERK)
        agent = make_staff("ty-agent", org.taiyuan, Role.HOTLINE_AGENT)
        dt_manager = make_staff("dt-manager", org.datong, Role.BRANCH_MANAGER)

    return People


def login(user, language: str = "en") -> Client:
    """A signed-in browser that asks for English pages (the default is Chinese)."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def team(org, people, now):
    return work_orders.do_create_team(now=now, code="xd-repair", name="小店维修班",
                                   org_unit=org.xiaodian, members=[people.tech])


def report(now, line, actor, description="宽带无法上网"):
    return work_orders.do_report_fault(now=now, actor=actor, channel="hotline", subscription=line,
                                    description=description)


def test_the_fault_and_order_forms_default_to_where_the_person_works(people):
    def selected(user, url: str) -> tuple[str, list[str]]:
        page = login(user, language="zh-hans").get(url).content.decode()
        field = re.search(r'<select name="channel".*?</select>', page, re.S)
        assert field, page
        chosen = re.search(r'<option value="(\w+)"[^>]*selected', field.group(0))
        return (chosen.group(1) if chosen else "",
                re.findall(r'<option value="(\w*)"', field.group(0)))

    assert selected(people.clerk, "/console/work-orders/new/") == (
        "counter", ["counter", "self_service", "hotline"])  # a person never picks "API"
    assert selected(people.agent, "/console/work-orders/new/")[0] == "hotline"
    assert selected(people.manager, "/console/work-orders/new/")[0] == "hotline"
    assert selected(people.clerk, "/console/orders/new/") == (
        "counter", ["counter", "self_service", "hotline"])


def test_hotline_agent_registers_a_fault_by_number(clock_at, people, home):
    client = login(people.agent)
    page = client.get("/console/work-orders/new/")
    assert page.status_code == 200
    response = client.post("/console/work-orders/new/", {
        "number": home.broadband.number, "channel": "hotline", "severity": "minor",
        "description": "光猫LOS灯红色闪烁"})
    work_order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/work-orders/{work_order.code}/"
    assert work_order.kind == "repair" and work_order.sla_clock is not None
    detail = client.get(response["Location"]).content.decode()
    assert "光猫LOS灯红色闪烁" in detail
    assert "Outside line inspected" in detail  # the broadband repair checklist


def test_an_unknown_number_is_a_form_error_and_nothing_is_created(clock_at, people, home):
    response = login(people.agent).post("/console/work-orders/new/", {
        "number": "+8613800000000", "channel": "hotline", "severity": "minor",
        "description": "没信号"})
    assert response.status_code == 400
    assert "No live line with this number" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_the_queue_is_sorted_by_time_left_and_coloured(clock_at, people, home, shop, org, now):
    other = make_household(org.xiaodian, shop)
    older = report(now - 30 * H, home.broadband, people.agent)  # 24 h urban: breached
    warning = report(now - 21 * H, other.broadband, people.agent)  # past 80 %
    fresh = report(now - H, home.mobile, people.agent, "手机无信号")
    far = make_household(org.yungang, shop)
    hidden = report(now - 40 * H, far.broadband, None)

    page = login(people.manager).get("/console/work-orders/").content.decode()

    positions = [page.index(wo.code) for wo in (older, warning, fresh)]
    assert positions == sorted(positions)
    assert hidden.code not in page
    assert f'class="sla-row-breached" id="wo-{older.code}"' in page
    assert f'class="sla-row-warning" id="wo-{warning.code}"' in page
    assert "late" in page and "left" in page


def test_the_queue_refreshes_as_a_fragment_and_filters(clock_at, people, home, now):
    wo = report(now - 30 * H, home.broadband, people.agent)
    client = login(people.manager)
    fragment = client.get("/console/work-orders/", HTTP_HX_REQUEST="true").content.decode()
    assert wo.code in fragment and "<html" not in fragment
    assert wo.code in client.get("/console/work-orders/?status=breached").content.decode()
    assert wo.code not in client.get("/console/work-orders/?status=warning").content.decode()
    assert wo.code not in client.get("/console/work-orders/?kind=install").content.decode()


def test_another_branchs_work_order_is_not_found(clock_at, people, home, now):
    wo = report(now, home.broadband, people.agent)
    assert login(people.dt_manager).get(f"/console/work-orders/{wo.code}/").status_code == 404
    response = login(people.dt_manager).post(f"/console/work-orders/{wo.code}/note/",
                                             {"note": "x"})
    assert response.status_code == 404


def test_manager_assigns_and_technician_may_not(clock_at, people, home, team, now):
    wo = report(now, home.broadband, people.agent)
    url = f"/console/work-orders/{wo.code}/assign/"
    data = {"team": team.pk, "technician": people.tech.pk}
    assert login(people.tech).post(url, data).status_code == 403
    response = login(people.manager).post(url, data)
    assert response.status_code == 302
    wo.refresh_from_db()
    assert (wo.team, wo.technician) == (team, people.tech)
    mine = login(people.tech).get("/console/work-orders/mine/").content.decode()
    assert wo.code in mine


def test_a_status_that_needs_a_reason_asks_for_it(clock_at, people, home, now):
    wo = report(now, home.broadband, people.agent)
    client = login(people.manager)
    url = f"/console/work-orders/{wo.code}/status/"
    response = client.post(url, {"status": "held", "reason": ""})
    assert response.status_code == 400
    assert "needs a reason" in response.content.decode()
    wo.refresh_from_db()
    assert wo.status == TicketStatus.ACKNOWLEDGED

    illegal = client.post(url, {"status": "closed"})
    assert illegal.status_code == 400
    wo.refresh_from_db()
    assert wo.status == TicketStatus.ACKNOWLEDGED

    assert client.post(url, {"status": "held", "reason": "等待配件"}).status_code == 302
    wo.refresh_from_db()
    assert (wo.status, wo.status_reason) == (TicketStatus.HELD, "等待配件")


def test_pause_with_a_reason_then_resume(clock_at, people, home, now):
    wo = report(now, home.broadband, people.agent)
    client = login(people.manager)
    refused = client.post(f"/console/work-orders/{wo.code}/pause/", {"reason": ""})
    assert refused.status_code == 400
    response = client.post(f"/console/work-orders/{wo.code}/pause/",
                           {"reason": "customer_absent", "note": "上门未遇"})
    assert response.status_code == 302
    wo.refresh_from_db()
    assert wo.status == TicketStatus.PENDING
    assert wo.sla_clock.pauses.get().reason == "customer_absent"
    clock_at(now + 5 * H)
    page = client.get(f"/console/work-orders/{wo.code}/").content.decode()
    assert "Resume the clock" in page
    client.post(f"/console/work-orders/{wo.code}/resume/")
    wo.refresh_from_db()
    assert wo.status == TicketStatus.IN_PROGRESS
    timeline = client.get(f"/console/work-orders/{wo.code}/").content.decode()
    assert "上门未遇" in timeline


def test_a_wait_the_standard_does_not_exclude_says_the_clock_keeps_running(
        clock_at, people, home, now):
    wo = report(now, home.broadband, people.agent)
    client = login(people.manager, language="zh-hans")
    response = client.post(f"/console/work-orders/{wo.code}/pause/",
                           {"reason": "awaiting_parts", "note": "光猫缺货"}, follow=True)
    page = response.content.decode()
    assert "等待已记录" in page and "计时继续" in page and "已暂停计时" not in page
    wo.refresh_from_db()
    assert wo.status == TicketStatus.PENDING and wo.sla_clock.state == "running"
    badge = page.split('id="wo-sla"', 1)[1].split("</span>", 1)[0]
    assert "等待中，计时继续" in badge and 'data-sla="paused"' not in page
    # An excluded reason does pause it, and says so.
    wo2 = report(now, home.mobile, people.agent)
    page = client.post(f"/console/work-orders/{wo2.code}/pause/",
                       {"reason": "customer_absent"}, follow=True).content.decode()
    assert "已暂停计时" in page and 'data-sla="paused"' in page


def test_checklist_steps_in_order_then_resolve(clock_at, people, home, now):
    wo = report(now, home.broadband, people.agent)
    client = login(people.tech)
    work_orders.do_assign_work_order(now=now, work_order=wo, technician=people.tech, team=None,
                                  actor=people.manager)
    url = f"/console/work-orders/{wo.code}/checklist/"
    out_of_order = client.post(url, {"step": "speed_test_passed", "result": "pass"},
                               follow=True)
    assert "before speed_test_passed" in out_of_order.content.decode()
    assert not ChecklistStep.objects.exists()
    client.post(url, {"step": "outside_line_inspected", "result": "pass", "note": "外线正常"})
    assert list(ChecklistStep.objects.values_list("step", flat=True)) == [
        "outside_line_inspected"]
    response = client.post(f"/console/work-orders/{wo.code}/status/", {"status": "resolved"})
    assert response.status_code == 302
    wo.refresh_from_db()
    assert wo.status == TicketStatus.RESOLVED


def test_note_and_attachment(clock_at, people, home, now):
    wo = report(now, home.broadband, people.agent)
    client = login(people.tech)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(f"/console/work-orders/{wo.code}/note/", {"note": "用户下午在家"})
    upload = SimpleUploadedFile("modem.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    response = client.post(f"/console/work-orders/{wo.code}/attachment/", {"file": upload})
    assert response.status_code == 302
    page = client.get(f"/console/work-orders/{wo.code}/").content.decode()
    assert "用户下午在家" in page and "modem.png" in page
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/x-msdownload")
    refused = client.post(f"/console/work-orders/{wo.code}/attachment/", {"file": bad})
    assert refused.status_code == 400
    assert wo.attachments.count() == 1


def test_clerk_orders_a_package_change_and_the_customer_signs(clock_at, people, home, shop):
    client = login(people.clerk)
    response = client.post("/console/orders/new/", {
        "number": home.mobile.number, "kind": "package_change", "package": "m99",
        "channel": "counter"})
    assert response.status_code == 302
    order = CustomerOrder.objects.get()
    assert order.state == "pending"
    page = client.get(f"/console/orders/{order.code}/").content.decode()
    assert "The customer signed the form" in page
    client.post(f"/console/orders/{order.code}/sign/")
    order.refresh_from_db()
    assert order.signed_at is not None and order.state == "completed"
    assert order.code in client.get("/console/orders/").content.decode()


def test_an_order_form_with_an_unknown_package_is_refused(clock_at, people, home):
    response = login(people.clerk).post("/console/orders/new/", {
        "number": home.mobile.number, "kind": "package_change", "package": "nope",
        "channel": "counter"})
    assert response.status_code == 400
    assert not CustomerOrder.objects.exists()


def test_an_order_is_cancelled_with_a_reason(clock_at, people, home, shop, now):
    order = product_orders.do_create_order(
        now=now, actor=people.clerk, channel="counter", customer=home.customer,
        subscription=home.mobile,
        items=[product_orders.ItemSpec(kind="package_change", package=shop.mobile_99)])
    client = login(people.clerk)
    assert client.post(f"/console/orders/{order.code}/cancel/", {"reason": ""}).status_code == 400
    response = client.post(f"/console/orders/{order.code}/cancel/", {"reason": "用户改主意"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "cancelled"


# --- who may take orders and report faults (orders.permissions, checked by the services) --


def test_a_technician_may_not_take_or_cancel_an_order(clock_at, people, home, shop, now):
    client = login(people.tech)
    assert client.get("/console/orders/new/").status_code == 403
    response = client.post("/console/orders/new/", {
        "number": home.mobile.number, "kind": "package_change", "package": "m99",
        "channel": "counter"})
    assert response.status_code == 403
    assert not CustomerOrder.objects.exists()
    order = product_orders.do_create_order(
        now=now, actor=people.clerk, channel="counter", customer=home.customer,
        subscription=home.mobile,
        items=[product_orders.ItemSpec(kind="package_change", subscription=home.mobile,
                                       package=shop.mobile_99)])
    page = client.get(f"/console/orders/{order.code}/").content.decode()
    assert f"/console/orders/{order.code}/sign/" not in page
    assert f"/console/orders/{order.code}/cancel/" not in page
    response = client.post(f"/console/orders/{order.code}/cancel/", {"reason": "改主意了"})
    assert response.status_code == 403
    assert client.post(f"/console/orders/{order.code}/sign/").status_code == 403
    order.refresh_from_db()
    assert order.state == "pending" and order.signed_at is None
    with pytest.raises(OrdersError, match="may read product orders but not change them"):
        product_orders.do_sign_order(now=now, order=order, actor=people.tech)


def test_the_services_refuse_a_role_that_may_not_change_them(people, org, make_staff, home,
                                                            shop, now):
    quality = make_staff("quality", org.province, Role.QUALITY_MANAGER)
    with pytest.raises(OrdersError) as refused:
        product_orders.do_create_order(
            now=now, actor=people.tech, channel="counter", customer=home.customer,
            subscription=home.mobile,
            items=[product_orders.ItemSpec(kind="package_change", subscription=home.mobile,
                                           package=shop.mobile_99)])
    assert refused.value.code == "forbidden" and refused.value.http_status == 403
    with pytest.raises(OrdersError, match="may read trouble tickets but not change them"):
        report(now, home.broadband, quality)
    assert not CustomerOrder.objects.exists() and not WorkOrder.objects.exists()
    # The system itself (no actor) and a role that may: accepted.
    assert report(now, home.broadband, None).status == TicketStatus.ACKNOWLEDGED


def test_a_quality_manager_has_no_fault_form_and_moves_no_work_order(clock_at, org, make_staff,
                                                                     people, home, now):
    """A quality manager sees every work order (and reports on their clocks): pausing,
    resuming or closing one would change the figures they report."""
    quality = make_staff("quality", org.province, Role.QUALITY_MANAGER)
    assert login(quality).get("/console/work-orders/new/").status_code == 403
    work_order = report(now, home.broadband, people.agent)
    for move in (
        lambda: work_orders.do_pause_work_order(now=now, work_order=work_order,
                                                reason="customer_unavailable", actor=quality),
        lambda: work_orders.do_change_work_order_status(now=now, work_order=work_order,
                                                        status="resolved", actor=quality,
                                                        channel="console"),
        lambda: work_orders.do_add_note(now=now, work_order=work_order, text="看看",
                                        actor=quality),
    ):
        with pytest.raises(OrdersError, match="may read trouble tickets but not change them"):
            move()
    work_order.refresh_from_db()
    assert work_order.status == TicketStatus.ACKNOWLEDGED
    assert work_order.sla_clock.state == "running"


def test_a_new_ticket_asks_for_its_next_status_and_tells_its_story_in_chinese(
        clock_at, people, home, now):
    fault = report(now, home.broadband, people.agent)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(people.manager)
    html = client.get(f"/console/work-orders/{fault.code}/").content.decode()
    status_select = html.split('id="id_status"', 1)[1].split("</select>", 1)[0]
    options = [part.split(">", 1)[1].split("<", 1)[0].strip()
               for part in status_select.split("<option")[1:]]
    # Nothing is chosen for the user: not 已拒绝, the first of the allowed statuses.
    chosen = [part for part in status_select.split("<option")[1:] if "selected" in part]
    assert options[0] == "请选择新状态" and len(chosen) <= 1
    assert all('value=""' in part for part in chosen)
    assert options[1] == "处理中" and options[-2:] == ["已拒绝", "已取消"]
    timeline = html.split('id="timeline"', 1)[1]
    assert "已受理" in timeline and "acknowledged" not in timeline
