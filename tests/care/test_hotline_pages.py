"""Console pages of the hotline as an agent, a quality manager and an administrator use them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from telcodesk.care.models import HotlineQueue, IvrNode, SkillGroup
from telcodesk.care.selectors.ivr import ivr_outline
from telcodesk.core import clock
from telcodesk.core.roles import Role
from tests.care.factories_calls import make_call
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch, now):
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture
def people(org, make_staff):
    class People:
        agent = make_staff("hl-agent", org.province, Role.HOTLINE_AGENT)
        quality = make_staff("hl-quality", org.province, Role.QUALITY_MANAGER)
        admin = make_staff("hl-admin", org.province, Role.ADMINISTRATOR)
        qx_clerk = make_staff("qx-clerk", org.qingxu, Role.COUNTER_CLERK)

    return People


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def august(org):
    """Calls of August 2025 (the last complete month before the test's 2025-09-30)."""
    customer = CustomerFactory(code="C000000777", name="王建国", org_unit=org.xiaodian,
                               contact_phone="+8613812345678")
    t = dt.datetime(2025, 8, 12, 9, 30, tzinfo=SH)
    answered = make_call(queue="10000-mobile", at=t, wait=7, talk=200, caller="+8613812345678",
                         customer=customer, agent="Agent/8001", call_ref="1755000001.1")
    transferred = make_call(queue="10000-repair", at=t + dt.timedelta(minutes=4), wait=20,
                            caller="+8613812345678", customer=customer,
                            call_ref="1755000001.1")
    abandoned = make_call(queue="10000-mobile", at=t + dt.timedelta(hours=1), wait=3,
                          outcome="abandoned", caller="+8613987654321")
    unmapped = make_call(queue="10000-night", at=t + dt.timedelta(hours=13), wait=9,
                         caller="+8613700001111")
    return customer, answered, transferred, abandoned, unmapped


# --- calls ----------------------------------------------------------------------------------------


def test_agent_lists_calls_with_full_numbers_and_customer_links(people, august):
    customer, answered, *_ = august
    page = login(people.agent).get("/console/calls/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "13812345678" in html and "13987654321" in html
    assert f'href="/console/customers/{customer.code}/"' in html
    assert f'href="/console/calls/{answered.pk}/"' in html
    assert "not mapped" in html  # the 10000-night queue


def test_roles_without_full_numbers_see_them_masked(people, august):
    html = login(people.quality).get("/console/calls/").content.decode()
    assert "138****5678" in html
    assert "13812345678" not in html


def test_call_filters(people, august):
    _, answered, transferred, abandoned, unmapped = august
    client = login(people.agent)

    def ids(query: str) -> set[int]:
        html = client.get(f"/console/calls/?{query}").content.decode()
        return {c.pk for c in august[1:] if f'id="call-{c.pk}"' in html}

    assert ids("caller=5678") == {answered.pk, transferred.pk}
    assert ids("caller=139+8765+4321") == {abandoned.pk}
    assert ids("outcome=abandoned") == {abandoned.pk}
    assert ids("group=-") == {unmapped.pk}
    assert ids("group=repair") == {transferred.pk}
    assert ids("queue=10000-mobile&day=2025-08-12") == {answered.pk, abandoned.pk}
    assert ids("day=2025-08-13") == set()


def test_a_clerk_sees_calls_of_their_branch_and_calls_without_a_customer(people, august):
    _, answered, _, abandoned, _ = august  # the customer is in Xiaodian
    client = login(people.qx_clerk)
    html = client.get("/console/calls/").content.decode()
    assert f'id="call-{answered.pk}"' not in html
    assert f'id="call-{abandoned.pk}"' in html
    assert client.get(f"/console/calls/{answered.pk}/").status_code == 404


def test_call_detail_leads_to_a_complaint_and_a_fault_report(people, august):
    customer, answered, transferred, *_ = august
    page = login(people.agent).get(f"/console/calls/{answered.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Agent/8001" in html and "7 s" in html and "Answered by an agent" in html
    assert f'href="/console/customers/{customer.code}/"' in html
    assert 'href="/console/work-orders/new/?number=13812345678"' in html
    assert f'href="/console/calls/{transferred.pk}/"' in html  # the same call, other queue
    try:
        complaint_url = reverse("console:complaint_new")
    except NoReverseMatch:
        assert 'id="open-complaint"' not in html
    else:
        assert f'href="{complaint_url}?contact={answered.pk}"' in html
    masked = login(people.quality).get(f"/console/calls/{answered.pk}/").content.decode()
    assert 'href="/console/work-orders/new/"' in masked
    assert "13812345678" not in masked


def test_the_fault_form_is_prefilled_with_the_callers_number(people, august):
    page = login(people.agent).get("/console/work-orders/new/?number=13812345678")
    assert 'value="13812345678"' in page.content.decode()


# --- figures --------------------------------------------------------------------------------------


def test_figures_page_shows_the_last_complete_month(people, august):
    page = login(people.quality).get("/console/hotline/figures/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "2025-08-01 to 2025-08-31" in html
    assert '<dd id="total-offered">4</dd>' in html
    assert '<dd id="total-answered">3</dd>' in html
    # Offered 4, one abandoned within the grace: 2 of 3 answered within 15 s (20 s is late).
    assert '<dd id="total-timeliness">66.7%</dd>' in html
    assert "no calls" in html  # idle skill groups, never 0 %
    assert "Queues not mapped to a group" in html
    assert html.count("<svg") == 3
    assert "Calls offered and answered per day" in html
    assert 'role="img"' in html


def test_figures_page_filters_and_refuses_a_bad_period(people, august):
    client = login(people.quality)
    page = client.get("/console/hotline/figures/?start=2025-08-01&end=2025-08-31&group=repair")
    assert '<dd id="total-offered">1</dd>' in page.content.decode()
    bad = client.get("/console/hotline/figures/?start=2025-08-31&end=2025-08-01")
    assert bad.status_code == 400
    assert "The period ends before it starts." in bad.content.decode()


def test_figures_in_chinese_by_default(people, august):
    client = Client()
    client.force_login(people.quality)
    html = client.get("/console/hotline/figures/").content.decode()
    assert "移动业务综合受理" in html


# --- IVR and skill groups -------------------------------------------------------------------


def test_ivr_page_shows_the_tree_and_groups(people):
    html = login(people.agent).get("/console/hotline/ivr/").content.decode()
    assert "移动业务综合受理" in html and "Broadband and fixed-line repair" in html
    assert "10000-repair" in html
    assert 'data-key="0"' in html
    assert "/console/hotline/ivr/edit/" not in html  # agents read, administrators edit
    admin_html = login(people.admin).get("/console/hotline/ivr/").content.decode()
    assert "/console/hotline/ivr/edit/" in admin_html


def test_only_administrators_open_the_editors(people):
    client = login(people.agent)
    for url in ("/console/hotline/ivr/edit/", "/console/hotline/queues/",
                "/console/hotline/skill-groups/mobile/", "/console/hotline/skill-groups/new/"):
        assert client.get(url).status_code == 403, url


def test_the_editor_refuses_a_broken_menu_and_lists_problems_by_line(people):
    client = login(people.admin)
    page = client.get("/console/hotline/ivr/edit/")
    assert "10000号客服热线" in page.content.decode()
    before = ivr_outline()
    outline = "您好 | Hello\n  1 | 移动 | Mobile | mobile\n  1 | 重复 | Again | nosuch\n"
    response = client.post("/console/hotline/ivr/edit/", {"outline": outline,
                                                           "action": "save"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The menu was not saved: 2 problems." in html
    assert "Line 3" in html and "key 1 is already used on line 2" in html
    assert "unknown skill group" in html
    assert ivr_outline() == before


def test_the_editor_checks_then_saves(people):
    client = login(people.admin)
    outline = "您好 | Hello\n  1 | 移动 | Mobile | mobile\n  9 | 报修 | Repair | repair\n"
    check = client.post("/console/hotline/ivr/edit/", {"outline": outline, "action": "check"})
    assert check.status_code == 200
    html = check.content.decode()
    assert 'id="outline-preview"' in html and "Nothing has been saved yet" in html
    assert IvrNode.objects.count() == 8  # still the default menu
    saved = client.post("/console/hotline/ivr/edit/", {"outline": outline, "action": "save"},
                        follow=True)
    assert saved.redirect_chain[-1][0] == "/console/hotline/ivr/"
    html = saved.content.decode()
    assert "IVR menu saved: 3 nodes." in html
    assert "No key leads to these skill groups" in html and "complaint" in html
    assert IvrNode.objects.count() == 3


def test_skill_group_threshold_edit(people):
    client = login(people.admin)
    form = client.get("/console/hotline/skill-groups/repair/")
    assert 'value="15"' in form.content.decode()
    data = {"name_zh": "宽带固话障碍报修", "name_en": "Repair", "service_level_seconds": "20",
            "position": "3", "active": "on"}
    assert client.post("/console/hotline/skill-groups/repair/", data).status_code == 302
    assert SkillGroup.objects.get(code="repair").service_level_seconds == 20
    refused = client.post("/console/hotline/skill-groups/repair/",
                          {**data, "service_level_seconds": "0"})
    assert refused.status_code == 400
    assert SkillGroup.objects.get(code="repair").service_level_seconds == 20
    gone = client.post("/console/hotline/skill-groups/mobile/",
                       {**data, "name_en": "Mobile", "active": ""})
    assert gone.status_code == 400
    assert "still named in the IVR menu" in gone.content.decode()


def test_new_skill_group(people):
    client = login(people.admin)
    response = client.post("/console/hotline/skill-groups/new/", {
        "code": "roaming", "name_zh": "国际漫游", "name_en": "Roaming",
        "service_level_seconds": "30", "active": "on"})
    assert response.status_code == 302
    assert SkillGroup.objects.get(code="roaming").service_level_seconds == 30
    taken = client.post("/console/hotline/skill-groups/new/", {
        "code": "roaming", "name_zh": "x", "name_en": "x", "service_level_seconds": "30"})
    assert taken.status_code == 400 and "is taken" in taken.content.decode()


def test_a_new_inactive_skill_group_is_one_change(people):
    """Created inactive in one step: one audit entry, never an active group in between."""
    from telcodesk.core.models import AuditEntry

    client = login(people.admin)
    response = client.post("/console/hotline/skill-groups/new/", {
        "code": "night", "name_zh": "夜间", "name_en": "Night", "service_level_seconds": "30"})

    assert response.status_code == 302
    assert not SkillGroup.objects.get(code="night").active
    entries = AuditEntry.objects.filter(target_id="night")
    assert [(e.action, e.details["active"]) for e in entries] == [("skill_group_created", False)]


def test_unknown_queues_are_listed_then_mapped(people, august):
    client = login(people.admin)
    html = client.get("/console/hotline/queues/").content.decode()
    unmapped_section = html.split('id="unmapped-queues"')[1].split('id="mapped-queues"')[0]
    assert "10000-night" in unmapped_section and "10000-mobile" not in unmapped_section
    response = client.post("/console/hotline/queues/", {"queue_name": "10000-night",
                                                         "group": "mobile"}, follow=True)
    assert "Queue 10000-night now counts for mobile." in response.content.decode()
    assert HotlineQueue.objects.get(name="10000-night").skill_group.code == "mobile"
    refused = client.post("/console/hotline/queues/", {"queue_name": "10000-x",
                                                        "group": "nosuch"})
    assert refused.status_code == 400


def test_figures_page_names_every_outcome_and_they_add_up(people, august):
    t = dt.datetime(2025, 8, 20, 11, 0, tzinfo=SH)
    for outcome in ("timeout", "empty", "key", "unknown", "timeout"):
        make_call(queue="10000-fixed", at=t, wait=40, outcome=outcome)
    html = login(people.quality).get("/console/hotline/figures/").content.decode()
    # August: 3 answered, 1 abandoned, 2 timeouts, 1 queue empty, 1 key exit, 1 no exit.
    assert '<dd id="total-offered">9</dd>' in html
    assert '<dd id="total-answered">3</dd>' in html
    assert '<dd id="total-other">5 <span class="muted">(timeout 2, queue empty 1, key exit 1, ' \
           'no exit recorded 1)</span></dd>' in html
    for heading in ("Timeout", "Queue empty", "Key exit", "No exit recorded"):
        assert f'<th class="num">{heading}</th>' in html
    assert "counts once, on the queue it entered first" in html
