"""The console each role would choose: the menu offers what the role may open, the
pages the menu hides answer 403, and errors come in the user's language with a way back."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from telcodesk.core.roles import Role
from telcodesk.web.views import error_500

pytestmark = pytest.mark.django_db

# Every page the menu may offer, by address.
IVR = "/console/hotline/ivr/"
FIGURES = "/console/hotline/figures/"
REPORT = "/console/quality/reports/"
NETWORK = "/console/quality/network/"
BILLING = "/console/quality/billing-errors/"
TEMPLATES = "/console/messages/templates/"
TOKENS = "/console/tokens/"
CALLS = "/console/calls/"
COMPLAINTS = "/console/complaints/"
HIDDEN_FROM_FRONT_LINE = (IVR, FIGURES, REPORT, NETWORK, BILLING, TEMPLATES, TOKENS)


def menu_of(client: Client) -> list[str]:
    html = client.get("/console/customers/").content.decode()
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert nav is not None
    return re.findall(r'href="([^"]+)"', nav.group(0))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [Role.COUNTER_CLERK, Role.VIP_CLERK, Role.INSTALLER,
                                  Role.REPAIR_TECHNICIAN])
def test_front_line_roles_see_no_back_office_pages(org, make_staff, role):
    client = signed_in(make_staff(f"front-{role}", org.xiaodian, role))
    menu = menu_of(client)
    assert "/console/customers/" in menu
    for url in HIDDEN_FROM_FRONT_LINE:
        assert url not in menu, url
        assert client.get(url).status_code == 403, url
    for url in menu:
        assert client.get(url).status_code == 200, url


def test_hotline_agents_see_calls_figures_and_complaints(org, make_staff):
    client = signed_in(make_staff("agent", org.taiyuan, Role.HOTLINE_AGENT))
    menu = menu_of(client)
    for url in (CALLS, FIGURES, COMPLAINTS):
        assert url in menu
    for url in (REPORT, NETWORK, BILLING, TEMPLATES, TOKENS):
        assert url not in menu
        assert client.get(url).status_code == 403, url


def test_managers_see_what_they_manage_and_administrators_everything(org, make_staff):
    manager = signed_in(make_staff("boss", org.taiyuan, Role.BRANCH_MANAGER))
    menu = menu_of(manager)
    for url in (REPORT, NETWORK, BILLING, FIGURES, TOKENS):
        assert url in menu
    assert TEMPLATES not in menu and IVR not in menu

    admin = signed_in(make_staff("root", org.taiyuan, Role.ADMINISTRATOR))
    menu = menu_of(admin)
    for url in (*HIDDEN_FROM_FRONT_LINE, CALLS, COMPLAINTS):
        assert url in menu


def test_the_menu_keeps_six_sections_on_its_line_and_the_rest_under_more(org, make_staff):
    html = signed_in(make_staff("root", org.taiyuan, Role.ADMINISTRATOR)).get(
        "/console/").content.decode()
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
    line, more = nav.split('<details class="nav-more">')
    assert len(re.findall(r"<a ", line)) == 6
    assert "<summary>更多</summary>" in more
    assert 'href="/console/tokens/"' in more
    assert "data-nav-toggle" in html and ">菜单</button>" in html
    assert "退出登录" in html  # sign-out stays in the top bar
    assert 'action="/i18n/setlang/"' in html


def test_a_clerk_opening_the_ivr_page_gets_a_chinese_403_with_a_way_back(org, make_staff):
    client = signed_in(make_staff("clerk", org.xiaodian, Role.COUNTER_CLERK))
    response = client.get(IVR)
    assert response.status_code == 403
    html = response.content.decode()
    assert "您无权打开此页面" in html
    assert '<a class="button button-primary" href="/console/">返回控制台首页</a>' in html
    assert '<nav class="mainnav"' in html  # the console's own frame


def test_an_unknown_console_address_is_a_chinese_404(org, make_staff):
    client = signed_in(make_staff("clerk", org.xiaodian, Role.COUNTER_CLERK))
    response = client.get("/console/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "返回控制台首页" in html


def test_the_404_page_speaks_english_after_switching(org, make_staff):
    client = signed_in(make_staff("clerk", org.xiaodian, Role.COUNTER_CLERK))
    client.post("/i18n/setlang/", {"language": "en", "next": "/console/"})
    html = client.get("/console/no-such-page/").content.decode()
    assert "Page not found" in html and "Back to the console home" in html


def test_the_500_page_renders_without_database_or_user(django_assert_num_queries):
    request = RequestFactory().get("/console/customers/")  # no session, no user
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = error_500(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "出错了" in html and 'href="/console/"' in html and "返回控制台首页" in html


def test_the_calls_page_links_to_the_figures_only_for_those_who_may_see_them(org, make_staff):
    clerk = signed_in(make_staff("clerk", org.xiaodian, Role.COUNTER_CLERK))
    assert f'href="{FIGURES}"' not in clerk.get(CALLS).content.decode()
    agent = signed_in(make_staff("agent", org.xiaodian, Role.HOTLINE_AGENT))
    html = agent.get(CALLS).content.decode()
    assert f'href="{FIGURES}"' in html and "热线统计" in html
