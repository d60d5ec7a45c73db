"""The console menu in a real Chromium: one line at 1280 px for every role, and behind a
menu button on a narrow screen, with the language switch and sign-out still in reach."""

from __future__ import annotations

import os

import pytest

from telcodesk.core.roles import Role

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_menu_keeps_to_one_line_and_folds_behind_a_button(page, console_login, live_server,
                                                          org, make_staff):
    for role in Role:
        make_staff(f"menu-{role.value}", org.taiyuan, role)
    for role in Role:
        page.context.clear_cookies()
        console_login(page, f"menu-{role.value}")
        page.goto(f"{live_server.url}/console/customers/")
        tops = page.eval_on_selector_all(
            "nav.mainnav > a, nav.mainnav > details > summary",
            "items => items.map(item => Math.round(item.getBoundingClientRect().top))")
        assert tops and len(set(tops)) == 1, role  # one line
        bar = page.eval_on_selector(".topbar-inner", "bar => bar.getBoundingClientRect().height")
        assert bar < 70, role
        assert not page.locator(".nav-toggle").is_visible()

    page.click(".langswitch button[lang=en]")  # English labels are longer
    page.wait_for_selector("html[lang=en]")
    tops = page.eval_on_selector_all(
        "nav.mainnav > a, nav.mainnav > details > summary",
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))")
    assert len(set(tops)) == 1
    page.click(".langswitch button[lang=zh-hans]")
    page.wait_for_selector("html[lang=zh-hans]")

    page.set_viewport_size({"width": 420, "height": 800})
    assert page.locator(".nav-toggle").is_visible()
    assert page.locator(".nav-toggle").inner_text() == "菜单"
    assert not page.locator("nav.mainnav").is_visible()
    assert page.locator(".langswitch").is_visible()
    assert page.get_by_role("button", name="退出登录").is_visible()
    page.click(".nav-toggle")
    assert page.locator("nav.mainnav").is_visible()
    assert page.locator(".nav-toggle").get_attribute("aria-expanded") == "true"
    page.click("nav.mainnav details.nav-more summary")
    page.click("nav.mainnav a[href='/console/tokens/']")  # the administrator signed in last
    page.wait_for_url(f"{live_server.url}/console/tokens/")
    assert page.console_errors == []
