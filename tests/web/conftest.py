"""Fixtures of the web tests: a cast of staff and customers, and a real browser.

Browser fixtures (``browser``, ``page``, ``console_login``) are shared by every
page's browser test: mark the test ``@pytest.mark.browser`` and use
``live_server``. Chromium comes from the system (Debian's ``chromium`` package,
``/usr/bin/chromium``) or from ``TELCODESK_CHROMIUM``; Playwright never
downloads a browser. A missing Chromium fails the test, it is not skipped.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from telcodesk.core.models import User
from telcodesk.core.roles import Role
from telcodesk.customers.models import Customer, Subscription
from tests.factories import AccountFactory, CustomerFactory, SubscriptionFactory

PASSWORD = "pass-1234-word"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Debian's chromium package installs here.
DEFAULT_CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _private_cache(settings, request):
    """A fresh in-memory cache per test, so login rate limits never leak between tests."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"telcodesk-test-{request.node.nodeid}"}}
    from django.core.cache import cache

    cache.clear()


@dataclass
class Cast:
    clerk: User  # counter clerk, Xiaodian (urban county of Taiyuan)
    installer: User  # installer, Xiaodian
    qingxu_clerk: User  # counter clerk, Qingxu (rural county of Taiyuan)
    manager: User  # branch manager, Taiyuan city (above both counties)
    admin: User  # administrator, Taiyuan city
    xd_customer: Customer  # customer of Xiaodian
    xd_line: Subscription
    qx_customer: Customer  # customer of Qingxu
    qx_line: Subscription


@pytest.fixture
def cast(org, make_staff) -> Cast:
    clerk = make_staff("clerk_xd", org.xiaodian, Role.COUNTER_CLERK)
    clerk.display_name = "李营业员"
    clerk.save(update_fields=["display_name"])
    installer = make_staff("installer_xd", org.xiaodian, Role.INSTALLER)
    qingxu_clerk = make_staff("clerk_qx", org.qingxu, Role.COUNTER_CLERK)
    manager = make_staff("manager_ty", org.taiyuan, Role.BRANCH_MANAGER)
    admin = make_staff("admin_ty", org.taiyuan, Role.ADMINISTRATOR)

    xd_customer = CustomerFactory(code="C000000101", name="王建国", org_unit=org.xiaodian,
                                  contact_phone="+8613812345678", tier="gold")
    xd_account = AccountFactory(customer=xd_customer, number="A000000101", balance_fen=12345)
    xd_line = SubscriptionFactory(account=xd_account, number="+8618912345678")
    qx_customer = CustomerFactory(code="C000000202", name="王建军", org_unit=org.qingxu,
                                  contact_phone="+8613987654321")
    qx_account = AccountFactory(customer=qx_customer, number="A000000202")
    qx_line = SubscriptionFactory(account=qx_account, number="+8618987654321")
    return Cast(clerk, installer, qingxu_clerk, manager, admin,
                xd_customer, xd_line, qx_customer, qx_line)


# --- browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of the system Chromium; fails (never skips) when there is none."""
    candidate = os.environ.get("TELCODESK_CHROMIUM") or shutil.which("chromium") \
        or DEFAULT_CHROMIUM
    if not Path(candidate).is_file():
        pytest.fail(
            "Chromium was not found. Install it (Debian: `apt-get install chromium`) or set "
            "TELCODESK_CHROMIUM to the browser's executable; browser tests do not download "
            "browsers.",
            pytrace=False,
        )
    return candidate


@pytest.fixture(scope="session")
def browser(chromium_executable) -> Iterator[Any]:
    """One headless Chromium for the whole session, driven by Playwright's sync API."""
    # Playwright's sync API keeps an event loop in this thread; Django's ORM would
    # refuse to run next to it. The tests only touch the ORM between page actions.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_executable,
                                              args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def browser_settings(settings):
    """The live server speaks plain HTTP: let the browser keep session and CSRF cookies."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return settings


@pytest.fixture
def page(browser, browser_settings, live_server) -> Iterator[Any]:
    """A fresh browser tab (own cookies) at phone-friendly desktop size, in Chinese."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.console_errors = errors
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def console_login(live_server) -> Callable[[Any, str, str], None]:
    """Sign in through the login page: ``console_login(page, "clerk_xd", PASSWORD)``."""

    def login(tab: Any, username: str, password: str = PASSWORD) -> None:
        tab.goto(f"{live_server.url}/console/login/")
        tab.fill("input[name=username]", username)
        tab.fill("input[name=password]", password)
        tab.click("form.form button[type=submit]")
        # Technicians and installers land on their own work orders, the others on the home.
        tab.wait_for_url(re.compile(re.escape(live_server.url)
                                    + r"/console/(work-orders/mine/)?$"))

    return login
