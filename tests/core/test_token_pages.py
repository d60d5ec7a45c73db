"""Console pages for API tokens: the secret is shown once, the token works, revoking stops it."""

from __future__ import annotations

import re

import pytest

from telcodesk.core.models import ApiToken, AuditEntry
from telcodesk.core.roles import Role
from telcodesk.core.selectors import active_token
from telcodesk.core.services import do_issue_token

pytestmark = pytest.mark.django_db

API = "/tmf-api/customerManagement/v4/customer"
SECRET = re.compile(r"tdk_[0-9a-f]{8}_[A-Za-z0-9_\-]{20,}")


@pytest.fixture
def clerk(org, make_staff):
    return make_staff("clerk_xd", org.xiaodian, Role.BRANCH_MANAGER)


@pytest.fixture
def other_clerk(org, make_staff):
    return make_staff("clerk_xd2", org.xiaodian, Role.BRANCH_MANAGER)


@pytest.fixture
def admin(org, make_staff):
    return make_staff("admin_ty", org.taiyuan, Role.ADMINISTRATOR)


def create(client, **data) -> str:
    response = client.post("/console/tokens/new/", {"name": "CRM sync", **data})
    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "")
    return response.content.decode()


def test_created_token_secret_is_shown_once_and_works(client, clerk):
    client.force_login(clerk)
    assert client.get("/console/tokens/new/").status_code == 200
    html = create(client)
    secrets = set(SECRET.findall(html))
    assert len(secrets) == 1
    secret = secrets.pop()

    token = active_token(secret)
    assert token is not None
    assert token.user == clerk
    assert token.name == "CRM sync"
    assert AuditEntry.objects.filter(action="token.issue", actor=clerk,
                                     channel="console").count() == 1

    listing = client.get("/console/tokens/").content.decode()
    assert "CRM sync" in listing
    assert token.prefix in listing
    assert secret not in listing
    assert not SECRET.search(listing)

    client.logout()
    response = client.get(API, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_revoking_makes_the_token_inactive(client, clerk):
    client.force_login(clerk)
    secret = SECRET.search(create(client)).group(0)
    token = ApiToken.objects.get(user=clerk)

    confirm = client.get(f"/console/tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200
    assert 'method="post"' in confirm.content.decode()
    assert active_token(secret) is not None  # a GET changes nothing

    response = client.post(f"/console/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert active_token(secret) is None
    assert AuditEntry.objects.filter(action="token.revoke", actor=clerk).count() == 1

    client.logout()
    assert client.get(API, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_clerk_sees_and_revokes_only_own_tokens(client, clerk, other_clerk, now):
    theirs = do_issue_token(now=now, user=other_clerk, name="theirs", actor=other_clerk,
                            channel="console")
    client.force_login(clerk)
    assert "theirs" not in client.get("/console/tokens/").content.decode()
    assert client.get(f"/console/tokens/{theirs.token.pk}/revoke/").status_code == 404
    assert client.post(f"/console/tokens/{theirs.token.pk}/revoke/").status_code == 404
    assert active_token(theirs.raw) is not None


def test_clerk_cannot_issue_a_token_for_someone_else(client, clerk, other_clerk):
    client.force_login(clerk)
    assert 'name="user"' not in client.get("/console/tokens/new/").content.decode()
    create(client, user=other_clerk.pk)  # the field is ignored
    assert list(ApiToken.objects.values_list("user__username", flat=True)) == ["clerk_xd"]


def test_administrator_manages_tokens_of_the_subtree(client, admin, clerk, org, make_staff,
                                                     now):
    outsider = make_staff("clerk_dt", org.yungang, Role.BRANCH_MANAGER)
    outside = do_issue_token(now=now, user=outsider, name="outside", actor=outsider,
                             channel="cli")
    client.force_login(admin)

    form = client.get("/console/tokens/new/").content.decode()
    assert "clerk_xd" in form
    assert "clerk_dt" not in form

    html = create(client, user=clerk.pk)
    assert ApiToken.objects.get(name="CRM sync").user == clerk
    assert SECRET.search(html)

    refused = client.post("/console/tokens/new/", {"name": "x", "user": outsider.pk})
    assert refused.status_code == 200
    assert not ApiToken.objects.filter(name="x").exists()

    listing = client.get("/console/tokens/").content.decode()
    assert "clerk_xd" in listing
    assert "outside" not in listing
    assert client.post(f"/console/tokens/{outside.token.pk}/revoke/").status_code == 404

    clerks = ApiToken.objects.get(name="CRM sync")
    assert client.post(f"/console/tokens/{clerks.pk}/revoke/").status_code == 302
    clerks.refresh_from_db()
    assert clerks.revoked_at is not None


def test_token_pages_need_a_signed_in_user(client):
    for url in ["/console/tokens/", "/console/tokens/new/", "/console/tokens/1/revoke/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/console/login/")
