"""Customer search and customer page: branch scoping, masking, HTMX fragment, paging."""

from __future__ import annotations

import re

import pytest

from telcodesk.core.services import do_audit
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def search(client, q: str, **extra) -> str:
    response = client.get("/console/customers/", {"q": q}, **extra)
    assert response.status_code == 200
    return response.content.decode()


def codes_in(html: str) -> set[str]:
    return set(re.findall(r'href="/console/customers/(C\d+)/"', html))


def test_county_clerk_finds_own_customer_by_name_number_and_code(client, cast):
    client.force_login(cast.clerk)
    # Both customers are called 王建…, but only Xiaodian's is in the clerk's branch.
    assert codes_in(search(client, "王建")) == {"C000000101"}
    assert codes_in(search(client, "189 1234 5678")) == {"C000000101"}  # line number
    assert codes_in(search(client, "13812345678")) == {"C000000101"}  # contact phone
    assert codes_in(search(client, "c000000101")) == {"C000000101"}


def test_county_clerk_cannot_see_another_countys_customer(client, cast):
    client.force_login(cast.clerk)
    assert codes_in(search(client, "18987654321")) == set()
    assert codes_in(search(client, "C000000202")) == set()
    assert client.get("/console/customers/C000000202/").status_code == 404
    assert client.get("/console/customers/C999999999/").status_code == 404


def test_city_manager_sees_both_counties(client, cast):
    client.force_login(cast.manager)
    assert codes_in(search(client, "王建")) == {"C000000101", "C000000202"}
    assert client.get("/console/customers/C000000202/").status_code == 200


def test_empty_query_shows_a_hint_not_every_customer(client, cast):
    client.force_login(cast.manager)
    html = search(client, "")
    assert codes_in(html) == set()
    assert 'class="hint"' in html


def test_numbers_masked_for_installer_and_full_for_counter_clerk(client, cast):
    client.force_login(cast.installer)
    results = search(client, "王建")
    page = client.get("/console/customers/C000000101/").content.decode()
    for html in (results, page):
        assert "138****5678" in html
        assert "13812345678" not in html
    assert "189****5678" in page
    assert "18912345678" not in page

    client.force_login(cast.clerk)
    results = search(client, "王建")
    page = client.get("/console/customers/C000000101/").content.decode()
    assert "13812345678" in results
    assert "13812345678" in page
    assert "18912345678" in page


def test_customer_page_shows_accounts_subscriptions_and_history(client, cast, now):
    do_audit(now=now, actor=cast.clerk, channel="console", action="customer.update",
             target_type="customer", target_id="C000000101",
             summary="C000000101: contact_phone 13812345678")
    do_audit(now=now, actor=cast.clerk, channel="console", action="customer.update",
             target_type="customer", target_id="C000000202", summary="other customer")
    client.force_login(cast.installer)
    html = client.get("/console/customers/C000000101/").content.decode()
    assert "王建国" in html
    assert "tier-gold" in html
    assert "小店区分公司" in html
    assert "A000000101" in html
    assert "¥123.45" in html
    assert cast.xd_line.package.name in html
    assert "customer.update" in html
    assert "138****5678" in html  # the audit summary is masked too
    assert "other customer" not in html


def test_live_search_returns_a_fragment(client, cast):
    client.force_login(cast.clerk)
    fragment = search(client, "王建", HTTP_HX_REQUEST="true")
    assert "<html" not in fragment
    assert codes_in(fragment) == {"C000000101"}
    full = search(client, "王建")
    assert "<html" in full
    assert 'hx-get="/console/customers/"' in full
    # A history restore asks for the whole page.
    restore = search(client, "王建", HTTP_HX_REQUEST="true",
                     HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore


def test_results_come_in_pages_of_25(client, cast, org):
    for n in range(30):
        CustomerFactory(code=f"C0000010{n:02d}", name=f"赵六{n}", org_unit=org.xiaodian)
    client.force_login(cast.clerk)
    first = search(client, "赵六")
    assert len(codes_in(first)) == 25
    assert "page=2" in first
    second = client.get("/console/customers/", {"q": "赵六", "page": 2}).content.decode()
    assert len(codes_in(second)) == 5
    assert codes_in(first).isdisjoint(codes_in(second))
