"""The console in a real Chromium: sign in, search a customer, open their page."""

from __future__ import annotations

import os

import pytest

from telcodesk.core.roles import Role
from tests.factories import AccountFactory, CustomerFactory, SubscriptionFactory

# Playwright's sync API runs an event loop in this thread; the ORM may run beside it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(org, make_staff):
    make_staff("clerk_xd", org.xiaodian, Role.COUNTER_CLERK)
    make_staff("installer_xd", org.xiaodian, Role.INSTALLER)
    make_staff("manager_xd", org.xiaodian, Role.BRANCH_MANAGER)
    customer = CustomerFactory(code="C000000101", name="王建国", org_unit=org.xiaodian,
                               contact_phone="+8613812345678", tier="gold",
                               address="太原市小店区长治路 1 号")
    account = AccountFactory(customer=customer, number="A000000101", balance_fen=12345)
    SubscriptionFactory(account=account, number="+8618912345678")
    CustomerFactory(code="C000000202", name="王建军", org_unit=org.qingxu)
    return customer


def test_clerk_signs_in_searches_and_opens_a_customer(page, console_login, live_server, shop,
                                                      tmp_path):
    page.goto(f"{live_server.url}/")
    page.screenshot(path=str(tmp_path / "landing.png"), full_page=True)
    console_login(page, "clerk_xd")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    # Live search: typing fills the results without submitting the form.
    page.goto(f"{live_server.url}/console/customers/")
    page.fill("input[name=q]", "王建")
    row = page.locator("#results a", has_text="C000000101")
    row.wait_for()
    assert page.locator("#results").inner_text().count("C0000") == 1  # not Qingxu's 王建军
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)

    row.click()
    page.wait_for_url(f"{live_server.url}/console/customers/C000000101/")
    assert page.locator("h1").inner_text() == "王建国"
    body = page.locator("main").inner_text()
    assert "13812345678" in body  # a counter clerk sees full numbers
    assert "18912345678" in body
    assert "¥123.45" in body

    shot = tmp_path / "customer.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.is_file() and shot.stat().st_size > 10_000
    assert page.console_errors == []


def test_installer_on_a_phone_sees_masked_numbers(browser, browser_settings, console_login,
                                                  live_server, shop, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        page = context.new_page()
        console_login(page, "installer_xd")
        page.goto(f"{live_server.url}/console/customers/?q=13812345678")
        page.locator("#results a", has_text="C000000101").first.click()
        page.wait_for_url(f"{live_server.url}/console/customers/C000000101/")
        body = page.locator("main").inner_text()
        assert "138****5678" in body
        assert "189****5678" in body
        assert "13812345678" not in body
        shot = tmp_path / "customer-phone.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.is_file()
    finally:
        context.close()


def test_manager_creates_and_revokes_an_api_token(page, console_login, live_server, shop,
                                                  tmp_path):
    from telcodesk.core.selectors import active_token

    console_login(page, "manager_xd")
    page.click("nav.mainnav details.nav-more summary")
    page.click("nav.mainnav a[href='/console/tokens/']")
    page.click("a[href='/console/tokens/new/']")
    page.fill("input[name=name]", "CRM sync")
    page.screenshot(path=str(tmp_path / "token-form.png"), full_page=True)
    page.click("form.form button[type=submit]")
    secret = page.locator("#token-secret").inner_text().strip()
    assert secret.startswith("tdk_")
    page.screenshot(path=str(tmp_path / "token-created.png"), full_page=True)
    assert active_token(secret) is not None

    page.click("main a.button[href='/console/tokens/']")
    page.wait_for_url(f"{live_server.url}/console/tokens/")
    assert secret not in page.content()
    page.click("main a.button[href$='/revoke/']")
    page.screenshot(path=str(tmp_path / "token-revoke.png"), full_page=True)
    page.click("button.button-danger")
    page.wait_for_url(f"{live_server.url}/console/tokens/")
    page.screenshot(path=str(tmp_path / "tokens.png"), full_page=True)
    assert active_token(secret) is None
    assert page.console_errors == []
