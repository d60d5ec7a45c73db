"""Admin screens of the customers app load and search (foreign keys without drop-downs)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, make_staff):
    client.force_login(make_staff("root", None, superuser=True))
    return client


@pytest.mark.parametrize("model", ["brand", "package", "valueaddedoffering", "customer",
                                   "account", "subscription"])
def test_changelist_add_and_search_pages_load(superuser_client, cast, model):
    base = f"/admin/customers/{model}/"
    assert superuser_client.get(base).status_code == 200
    assert superuser_client.get(base, {"q": "王"}).status_code == 200
    assert superuser_client.get(f"{base}add/").status_code == 200


def test_subscription_form_uses_no_full_drop_downs(superuser_client, cast):
    html = superuser_client.get(
        f"/admin/customers/subscription/{cast.xd_line.pk}/change/").content.decode()
    assert 'class="admin-autocomplete' in html  # customer, account, package
    assert 'class="vForeignKeyRawIdAdminField' in html  # org unit


def test_customer_search_by_phone(superuser_client, cast):
    html = superuser_client.get("/admin/customers/customer/",
                                {"q": "+8613812345678"}).content.decode()
    assert "C000000101" in html
    assert "C000000202" not in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_admin_says_telcodesk_not_django(client, make_staff, language):
    client.force_login(make_staff("root", None, superuser=True))
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "telcodesk" in title and "Django" not in title
    header = html.split('id="site-name"', 1)[1].split("</", 1)[0]
    assert "telcodesk" in header and "Django" not in header
