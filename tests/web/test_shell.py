"""Landing page, language switch, console login (rate limited, audited), home, logout."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from telcodesk.core import clock
from telcodesk.core.models import AuditEntry
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/console/login/"


def login(client, username: str, password: str, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


@pytest.fixture
def frozen(monkeypatch, now):
    """Freeze the clock the views read; returns a setter to move it."""
    current = {"at": now}
    monkeypatch.setattr(clock, "now", lambda: current["at"])

    def move_to(instant: dt.datetime) -> None:
        current["at"] = instant

    return move_to


# --- landing page and language ----------------------------------------------------------


def test_landing_page_tells_where_to_go(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/console/"' in html
    assert 'href="/admin/"' in html
    assert 'href="/tmf-api/customerManagement/v4/customer"' in html
    assert re.search(r'href="/tmf-api/(docs|openapi\.json)"', html)
    assert 'action="/i18n/setlang/"' in html


def test_pages_carry_no_inline_script_or_style(client, cast):
    """The content security policy refuses inline code: the pages must not need it."""
    client.force_login(cast.clerk)
    for url in ["/", LOGIN_URL, "/console/"]:
        if url == LOGIN_URL:
            client.logout()
        response = client.get(url)
        html = response.content.decode()
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert " style=" not in html
        assert "<style" not in html
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag, tag
        assert not re.search(r"<[^>]+\son[a-z]+=", html)


def test_chinese_by_default_and_english_after_switching(client):
    assert '<html lang="zh-hans">' in client.get("/").content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert '<html lang="en">' in client.get("/").content.decode()

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


# --- login ----------------------------------------------------------------------------------


def test_console_asks_to_sign_in(client):
    response = client.get("/console/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{LOGIN_URL}?next=/console/"
    page = client.get(LOGIN_URL)
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()


def test_sign_in_shows_home_with_unit_and_roles(client, cast, frozen, now):
    response = login(client, "clerk_xd", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/"

    home = client.get("/console/").content.decode()
    assert "李营业员" in home  # display name
    assert "小店区分公司" in home  # org unit
    assert 'action="/console/customers/"' in home  # quick search
    assert 'href="/console/work-orders/"' in home
    assert 'href="/console/tokens/"' not in home  # a counter clerk holds no API token

    entry = AuditEntry.objects.get(action="login.success")
    assert entry.actor == cast.clerk
    assert entry.actor_label == "clerk_xd"
    assert entry.channel == "console"
    assert entry.at == now


def test_sign_in_follows_a_local_next_only(client, cast):
    response = client.post(f"{LOGIN_URL}?next=/console/tokens/",
                           {"username": "clerk_xd", "password": PASSWORD})
    assert response.headers["Location"] == "/console/tokens/"
    client.logout()
    response = client.post(f"{LOGIN_URL}?next=https://evil.example/",
                           {"username": "clerk_xd", "password": PASSWORD})
    assert response.headers["Location"] == "/console/"


def test_wrong_password_is_refused_and_audited_without_the_password(client, cast, frozen):
    response = login(client, "clerk_xd", "wrong-secret-42")
    assert response.status_code == 200
    assert client.get("/console/").status_code == 302  # still signed out

    entry = AuditEntry.objects.get(action="login.failure")
    assert entry.actor is None
    assert entry.actor_label == "clerk_xd"
    assert entry.channel == "console"
    for stored in AuditEntry.objects.all():
        assert "wrong-secret-42" not in f"{stored.summary} {stored.details} {stored.actor_label}"


def test_failures_for_a_username_block_even_the_right_password(client, cast, settings,
                                                               frozen, now):
    settings.TELCODESK_LOGIN_ATTEMPTS = 3
    settings.TELCODESK_LOGIN_WINDOW_SECONDS = 600
    for n in range(3):
        frozen(now + dt.timedelta(seconds=n))
        assert login(client, "clerk_xd", "wrong").status_code == 200

    frozen(now + dt.timedelta(seconds=10))
    blocked = login(client, "clerk_xd", PASSWORD)
    assert blocked.status_code == 429
    assert "10" in blocked.content.decode()  # "try again in 10 minutes"
    assert client.get("/console/").status_code == 302
    assert AuditEntry.objects.filter(action="login.blocked", actor_label="clerk_xd").count() == 1

    # Another address does not help: the username itself is blocked.
    assert login(client, "clerk_xd", PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 429

    # Once the first failure has left the window, the right password works again.
    frozen(now + dt.timedelta(seconds=601))
    assert login(client, "clerk_xd", PASSWORD).status_code == 302
    assert client.get("/console/").status_code == 200


def test_failures_from_an_address_throttle_it(client, cast, settings, frozen):
    settings.TELCODESK_LOGIN_ADDRESS_ATTEMPTS = 3
    for name in ["guess1", "guess2", "guess3"]:
        login(client, name, "wrong", REMOTE_ADDR="10.0.0.7")

    assert login(client, "clerk_xd", PASSWORD, REMOTE_ADDR="10.0.0.7").status_code == 429
    # Someone at another address is not affected.
    assert login(client, "clerk_xd", PASSWORD, REMOTE_ADDR="10.0.0.8").status_code == 302


def test_a_locked_colleague_does_not_lock_out_the_rest_of_the_outlet(client, cast, settings,
                                                                      frozen):
    """One outlet, one NAT address: the clerk mistypes until locked; the installer signs in."""
    settings.TELCODESK_LOGIN_ATTEMPTS = 5
    for _ in range(6):
        login(client, "clerk_xd", "wrong", REMOTE_ADDR="10.0.0.7")
    assert login(client, "clerk_xd", PASSWORD, REMOTE_ADDR="10.0.0.7").status_code == 429

    assert login(client, "installer_xd", PASSWORD, REMOTE_ADDR="10.0.0.7").status_code == 302
    assert client.get("/console/", follow=True).status_code == 200  # their own work orders


def test_sign_out_needs_post(client, cast):
    client.force_login(cast.clerk)
    assert client.get("/console/logout/").status_code == 405
    response = client.post("/console/logout/")
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("console:login")
    assert client.get("/console/").status_code == 302


# --- navigation -------------------------------------------------------------------------------


def test_navigation_shows_only_existing_pages(client, cast):
    client.force_login(cast.clerk)
    html = client.get("/console/").content.decode()
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert nav is not None
    assert 'href="/console/customers/"' in nav.group(0)
    assert 'href="/console/tokens/"' not in nav.group(0)  # a counter clerk holds no token
    for href in re.findall(r'href="([^"]+)"', nav.group(0)):
        assert client.get(href).status_code == 200, href
