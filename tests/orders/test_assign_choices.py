"""The assign form shows each technician with their team and current load."""

from __future__ import annotations

import html as html_lib

import pytest
from django.test import Client

from telcodesk.core import clock
from telcodesk.core.roles import Role
from telcodesk.orders.services import work_orders

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew(org, make_staff, now, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: now)

    class Crew:
        manager = make_staff("xd-boss", org.xiaodian, Role.BRANCH_MANAGER)
        busy = make_staff("xd-busy", org.xiaodian, Role.REPAIR_TECHNICIAN)
        idle = make_staff("xd-idle", org.xiaodian, Role.INSTALLER)
        agent = make_staff("xd-agent", org.xiaodian, Role.HOTLINE_AGENT)
        outsider = make_staff("dt-tech", org.datong, Role.REPAIR_TECHNICIAN)

    Crew.busy.display_name = "张师傅"
    Crew.busy.save(update_fields=["display_name"])
    work_orders.do_create_team(now=now, code="xd-repair", name="小店维修班",
                               org_unit=org.xiaodian, members=[Crew.busy])
    return Crew


def options_of(page: str) -> list[str]:
    start = page.index('name="technician"')
    select = page[start:page.index("</select>", start)]
    return [html_lib.unescape(part.split(">", 1)[1].split("<", 1)[0])
            for part in select.split("<option")[1:]]


def test_each_technician_comes_with_team_and_open_work_orders(crew, home, now):
    first = work_orders.do_report_fault(now=now, actor=crew.agent, channel="hotline",
                                        subscription=home.broadband, description="断网")
    second = work_orders.do_report_fault(now=now, actor=crew.agent, channel="hotline",
                                         subscription=home.mobile, description="无信号")
    for wo in (first, second):
        work_orders.do_assign_work_order(now=now, work_order=wo, technician=crew.busy,
                                         team=None, actor=crew.manager)
    client = Client()
    client.force_login(crew.manager)
    page = client.get(f"/console/work-orders/{first.code}/").content.decode()
    options = options_of(page)
    assert "张师傅 · 小店维修班 · 在办工单 2 张" in options
    assert "xd-idle · 未加入班组 · 在办工单 0 张" in options
    assert not any("dt-tech" in option for option in options)  # another branch's technician


def test_a_closed_work_order_is_no_load(crew, home, now):
    wo = work_orders.do_report_fault(now=now, actor=crew.agent, channel="hotline",
                                     subscription=home.broadband, description="断网")
    work_orders.do_assign_work_order(now=now, work_order=wo, technician=crew.busy, team=None,
                                     actor=crew.manager)
    wo.status = "closed"  # a row written directly: only the count is checked here
    wo.save(update_fields=["status"])
    other = work_orders.do_report_fault(now=now, actor=crew.agent, channel="hotline",
                                        subscription=home.mobile, description="无信号")
    client = Client()
    client.force_login(crew.manager)
    page = client.get(f"/console/work-orders/{other.code}/").content.decode()
    assert "张师傅 · 小店维修班 · 在办工单 0 张" in options_of(page)
