"""``/console/`` lands each role on what it needs: field staff on their own work orders
(today's appointments first), managers on what needs them, each count a link to the
filtered queue that lists exactly those."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from telcodesk.core import clock
from telcodesk.core.models import OrgUnit, User
from telcodesk.core.roles import Role
from telcodesk.orders.models import Team, WorkOrder
from telcodesk.orders.services import work_orders as work_order_services
from telcodesk.sla.models import SlaClock
from tests.factories import AccountFactory, ComplaintFactory, CustomerFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
_numbers = itertools.count(1)


def a_clock(unit: OrgUnit, *, accepted: dt.datetime, kind: str = "repair") -> SlaClock:
    """A running 24-hour clock that warns after 19 h 12 min."""
    standard_model: Any = SlaClock._meta.get_field("standard").related_model
    standard = standard_model.objects.filter(service="broadband", kind="repair").first()
    return SlaClock.objects.create(
        standard=standard, limit_value=Decimal(24), limit_unit="hours",
        warning_ratio=Decimal("0.80"), service="broadband", kind=kind, area="urban",
        tier="ordinary", org_unit=unit, subject_label=f"T{next(_numbers)}",
        accepted_at=accepted, due_at=accepted + 24 * H,
        warn_at=accepted + dt.timedelta(hours=19, minutes=12), state="running")


def a_work_order(unit: OrgUnit, *, now: dt.datetime, hours_ago: float, team: Team | None = None,
                 technician: User | None = None,
                 appointment: dt.datetime | None = None) -> WorkOrder:
    accepted = now - dt.timedelta(hours=hours_ago)
    line = SubscriptionFactory(account=AccountFactory(customer=CustomerFactory(org_unit=unit)),
                               service="broadband", number=f"bbh{next(_numbers):07d}")
    return WorkOrder.objects.create(
        code=f"WH{next(_numbers):08d}", kind="repair", ticket_type="fault",
        service="broadband", subscription=line, customer=line.customer, org_unit=unit,
        area="urban", address="小店区长风街1号", status="inProgress", status_changed_at=accepted,
        channel="hotline", name="故障", description="宽带无法上网", created_at=accepted,
        updated_at=accepted, sla_clock=a_clock(unit, accepted=accepted), team=team,
        technician=technician, appointment_start=appointment,
        appointment_end=appointment + 2 * H if appointment else None)


@pytest.fixture
def at_now(monkeypatch, now):
    monkeypatch.setattr(clock, "now", lambda: now)
    return now


@pytest.fixture
def branch(org, make_staff, now):
    class Branch:
        manager = make_staff("xd-boss", org.xiaodian, Role.BRANCH_MANAGER)
        quality = make_staff("prov-quality", org.province, Role.QUALITY_MANAGER)
        tech = make_staff("xd-tech", org.xiaodian, Role.REPAIR_TECHNICIAN)
        installer = make_staff("xd-inst", org.xiaodian, Role.INSTALLER)
        clerk = make_staff("xd-clerk", org.xiaodian, Role.COUNTER_CLERK)
        dt_manager = make_staff("dt-boss", org.datong, Role.BRANCH_MANAGER)

    Branch.team = work_order_services.do_create_team(
        now=now, code="xd-repair", name="小店维修班", org_unit=org.xiaodian,
        members=[Branch.tech])
    return Branch


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_field_staff_land_on_their_own_work_orders_today_first(org, branch, at_now):
    now = at_now
    urgent = a_work_order(org.xiaodian, now=now, hours_ago=30, technician=branch.tech)
    later_today = a_work_order(org.xiaodian, now=now, hours_ago=1, technician=branch.tech,
                               appointment=now + 5 * H)
    sooner_today = a_work_order(org.xiaodian, now=now, hours_ago=2, technician=branch.tech,
                                appointment=now + 1 * H)
    tomorrow = a_work_order(org.xiaodian, now=now, hours_ago=3, technician=branch.tech,
                            appointment=now + 26 * H)
    for user in (branch.tech, branch.installer):
        response = signed_in(user).get("/console/")
        assert response.status_code == 302
        assert response["Location"] == "/console/work-orders/mine/"

    html = signed_in(branch.tech).get("/console/work-orders/mine/").content.decode()
    assert "今日预约" in html and "其他工单" in html
    cards = re.findall(r'id="card-([A-Z0-9]+)"', html)
    assert cards[:2] == [sooner_today.code, later_today.code]  # today's, by time
    assert cards[2:] == [urgent.code, tomorrow.code]  # then the most urgent first


def test_other_roles_keep_the_home_of_sections(branch, at_now):
    response = signed_in(branch.clerk).get("/console/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "待您处理" not in html
    assert 'action="/console/customers/"' in html


def test_a_branch_manager_sees_what_needs_them_each_count_a_link(org, branch, at_now):
    now = at_now
    team = branch.team
    a_work_order(org.xiaodian, now=now, hours_ago=30, team=team)  # breached, no technician
    a_work_order(org.xiaodian, now=now, hours_ago=26, team=team, technician=branch.tech)
    a_work_order(org.xiaodian, now=now, hours_ago=21, team=team, technician=branch.tech)  # warning
    a_work_order(org.xiaodian, now=now, hours_ago=2, team=team, technician=branch.tech)  # ok
    a_work_order(org.xiaodian, now=now, hours_ago=3)  # no team, no technician, ok
    a_work_order(org.datong, now=now, hours_ago=30)  # another branch: not theirs
    near = ComplaintFactory(org_unit=org.xiaodian, owner=branch.manager,
                            customer=CustomerFactory(org_unit=org.xiaodian))
    near.reply_clock = a_clock(org.xiaodian, accepted=now - 20 * H, kind="complaint")
    near.save(update_fields=["reply_clock"])
    late = ComplaintFactory(org_unit=org.xiaodian, owner=branch.manager,
                            customer=CustomerFactory(org_unit=org.xiaodian))
    late.reply_clock = a_clock(org.xiaodian, accepted=now - 25 * H, kind="complaint")
    late.save(update_fields=["reply_clock"])

    client = signed_in(branch.manager)
    html = client.get("/console/").content.decode()
    assert "待您处理" in html
    figures = {
        "breached": ("/console/work-orders/?status=breached", 2, "张工单已超时"),
        "warning": ("/console/work-orders/?status=warning", 1, "张工单临近超时"),
        "unassigned": ("/console/work-orders/?unassigned=on", 2, "张在办工单未派给技术员"),
        "complaints-near": ("/console/complaints/?near=on", 1, "件投诉临近答复时限"),
        "complaints-overdue": ("/console/complaints/?overdue=on", 1, "件投诉已超过答复时限"),
    }
    for name, (url, count, words) in figures.items():
        link = re.search(rf'<a [^>]*id="oversight-{name}" href="([^"]+)"><strong>(\d+)</strong> '
                         rf"([^<]+)</a>", html)
        assert link is not None, name
        assert (link.group(1), int(link.group(2)), link.group(3)) == (url, count, words), name
        # The link's queue lists exactly what the count counted.
        assert client.get(url).context["total"] == count, url

    row = re.search(r'<tr id="team-xd-repair">(.*?)</tr>', html, re.S)
    assert row is not None and "小店维修班" in row.group(1)
    team_links = re.findall(r'href="([^"]+)">(\d+)</a>', row.group(1))
    assert team_links == [("/console/work-orders/?team=xd-repair&amp;status=breached", "2"),
                          ("/console/work-orders/?team=xd-repair&amp;status=warning", "1")]
    assert client.get("/console/work-orders/?team=xd-repair&status=breached").context[
        "total"] == 2


def test_the_quality_manager_sees_the_whole_operator_and_few_queries(
        org, branch, at_now, django_assert_max_num_queries):
    now = at_now
    a_work_order(org.xiaodian, now=now, hours_ago=30, team=branch.team)
    a_work_order(org.datong, now=now, hours_ago=30)
    client = signed_in(branch.quality)
    with django_assert_max_num_queries(12):
        html = client.get("/console/").content.decode()
    assert re.search(r'id="oversight-breached" href="[^"]+"><strong>2</strong>', html)
    other = signed_in(branch.dt_manager).get("/console/").content.decode()
    assert re.search(r'id="oversight-breached" href="[^"]+"><strong>1</strong>', other)
    assert "小店维修班" not in other  # another branch's team
