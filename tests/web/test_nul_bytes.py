"""A NUL character (``%00``) anywhere in a request's text is refused with 400, never a 500.

Every URL pattern of the project is enumerated, so a page or an API added later
is covered without touching this test: a NUL in its query string, in its path,
in a form body and (for the TMF Open API) in a JSON body answers 400 — a TMF
``Error`` body under ``/tmf-api/``, a plain 400 page elsewhere — and no view runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from telcodesk.core.models import AuditEntry, Channel
from telcodesk.core.services import do_issue_token
from tests.web.conftest import PASSWORD

LOGIN = "/console/login/"
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)|\([^)]*\)")


def _sample(part: str) -> str:
    """A concrete path for one pattern piece (route or regex)."""
    part = _CONVERTER.sub(lambda m: "1" if m.group(1) == "int" else "x1", part)
    part = _GROUP.sub("x1", part)
    return re.sub(r"[\^$?\\]", "", part).replace(".*", "x").replace("[^/]+", "x1")


def every_path(patterns=None, prefix: str = "/") -> Iterator[str]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        piece = _sample(str(entry.pattern))
        if isinstance(entry, URLResolver):
            yield from every_path(entry.url_patterns, prefix + piece)
        elif isinstance(entry, URLPattern):
            yield prefix + piece


PATHS = sorted(set(every_path()))


def test_the_enumeration_reaches_every_part_of_the_site():
    for where in ("/console/", "/my/", "/tmf-api/troubleTicket/", "/tmf-api/customerManagement/",
                  "/tmf-api/communicationManagement/", "/admin/", "/console/login/"):
        assert any(p.startswith(where) for p in PATHS), where
    assert len(PATHS) > 80


@pytest.fixture
def staff_client(cast) -> Client:
    client = Client()
    client.force_login(cast.admin)
    return client


@pytest.fixture
def api_client(cast, now) -> Client:
    issued = do_issue_token(now=now, user=cast.admin, name="t", actor=None, channel=Channel.CLI)
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")


def refused(response, path: str) -> bool:
    """400, and said so in the right shape: a TMF Error body or a plain page."""
    if response.status_code != 400:
        return False
    if path.startswith("/tmf-api"):
        body = response.json()
        return body["status"] == "400" and body["@type"] == "Error" and "NUL" in body["message"]
    # The page speaks the reader's language (Chinese by default), without English codes.
    return "空字符" in response.content.decode()


def assert_refused(response, path: str) -> None:
    assert refused(response, path), (path, response.status_code, response.content[:200])


def _insert_nul(path: str) -> str:
    """The same path with ``%00`` inside its last segment."""
    head, _, last = path.rstrip("/").rpartition("/")
    return f"{head}/{last or 'x'}%00{'/' if path.endswith('/') else ''}"


def _refusals(path: str, client: Client) -> Iterator[tuple[str, object]]:
    yield "query value", client.get(path, {"name": "a\x00b"})
    yield "query name", client.get(f"{path}?status%00=x")
    yield "path", client.get(_insert_nul(path))
    yield "form", client.post(path, {"name": "王\x00", "password": "x"})
    if path.startswith("/tmf-api"):
        for content_type in ("application/json", "application/merge-patch+json"):
            yield content_type, client.generic("PATCH", path, json.dumps({"name": "a\x00"}),
                                               content_type=content_type)
        yield "json note", client.post(path, json.dumps({"note": [{"text": "\x00"}]}),
                                       content_type="application/json")


def test_nul_in_query_path_and_body_is_refused_everywhere(staff_client, api_client):
    audit = AuditEntry.objects.count()
    wrong: list[str] = []
    for path in PATHS:
        client = api_client if path.startswith("/tmf-api") else staff_client
        for what, response in _refusals(path, client):
            if not refused(response, path):
                wrong.append(f"{path} ({what}): {response.status_code}")

    assert wrong == []
    assert AuditEntry.objects.count() == audit  # no view ran


def test_login_form_with_nul_is_refused_and_a_clean_one_works(cast):
    client = Client()
    audit = AuditEntry.objects.count()

    assert_refused(client.post(LOGIN, {"username": "admin_ty\x00", "password": PASSWORD}),
                   LOGIN)
    assert AuditEntry.objects.count() == audit

    response = client.post(LOGIN, {"username": cast.admin.username, "password": PASSWORD})
    assert response.status_code == 302


def test_text_that_merely_mentions_percent_00_is_accepted(api_client):
    response = api_client.get("/tmf-api/troubleTicket/v4/troubleTicket",
                              {"relatedParty.id": "C%00"})  # sent as C%2500
    assert response.status_code == 200 and response.json() == []


def test_a_nul_in_a_cookie_is_refused(staff_client):
    staff_client.cookies["django_language"] = "zh-hans\x00"
    assert_refused(staff_client.get("/console/"), "/console/")


def test_binary_file_contents_are_not_text_and_pass(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("modem.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                               content_type="image/png")
    response = staff_client.post("/console/", {"note": "光猫", "file": photo})
    assert not refused(response, "/console/")
