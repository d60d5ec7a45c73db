"""The Simplified Chinese catalogue: complete, compiled, and what the pages show by default."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings

from telcodesk.core.roles import Role
from tests.web.conftest import PASSWORD

LOGIN_URL = "/console/login/"
# Python and brace format placeholders, HTML tags and entities a translation must keep.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[A-Za-z_][A-Za-z0-9_]*\}|</?[a-z][^>]*>"
                         r"|&[a-z]+;|&#\d+;")


def _catalogue(suffix: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / f"django.{suffix}"


def _placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def _messages(entries) -> dict[tuple[str | None, str], tuple[str, ...]]:
    """(msgctxt, msgid) → its translation(s), header left out."""
    result = {}
    for entry in entries:
        if entry.msgid == "" or getattr(entry, "obsolete", False):
            continue
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            forms = (entry.msgstr,)
        result[(entry.msgctxt, entry.msgid)] = forms
    return result


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return polib.pofile(str(_catalogue("po")))


# --- the catalogue --------------------------------------------------------------------------


def test_catalogue_is_complete_and_not_fuzzy(po):
    entries = [e for e in po if not e.obsolete]
    assert entries, "the zh_Hans catalogue is empty"
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert not po.metadata_is_fuzzy
    assert po.metadata.get("Plural-Forms", "").startswith("nplurals=1;")
    for entry in entries:
        if entry.msgid_plural:
            assert entry.msgstr_plural.get(0), entry.msgid


def test_translations_keep_the_placeholders(po):
    wrong = []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            # One Chinese form serves both English forms; they share the placeholders.
            expected = _placeholders(entry.msgid_plural)
            translations = [s for s in entry.msgstr_plural.values() if s]
        else:
            expected = _placeholders(entry.msgid)
            translations = [entry.msgstr]
        wrong += [(entry.msgid, s) for s in translations if _placeholders(s) != expected]
    assert not wrong, wrong


def test_compiled_catalogue_matches_the_source(po):
    """A .po edited without running ``compilemessages`` fails here."""
    mo_path = _catalogue("mo")
    assert mo_path.is_file(), "django.mo is missing: run compilemessages -l zh_Hans"
    compiled = _messages(polib.mofile(str(mo_path)))
    source = _messages(e for e in po if e.translated())  # msgfmt leaves out the rest
    missing = sorted(set(source) - set(compiled), key=str)
    stale = sorted(set(compiled) - set(source), key=str)
    differing = sorted((k for k in set(source) & set(compiled) if source[k] != compiled[k]),
                       key=str)
    assert not (missing or stale or differing), (
        f"django.mo is out of date (run compilemessages -l zh_Hans): missing {missing[:5]}, "
        f"stale {stale[:5]}, differing {differing[:5]}")


# --- the pages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_chinese_by_default_and_english_on_request(client):
    html = client.get(LOGIN_URL).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录员工工作台" in html
    assert "用户名" in html and "密码" in html
    assert "Sign in to the staff console" not in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN_URL})
    assert response.status_code == 302

    html = client.get(LOGIN_URL).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in to the staff console" in html
    assert "Username" in html and "Password" in html
    assert "登录员工工作台" not in html


@pytest.mark.django_db
def test_signed_in_console_is_chinese(client, org, make_staff):
    clerk = make_staff("clerk_zh", org.xiaodian, Role.COUNTER_CLERK)
    response = client.post(LOGIN_URL, {"username": "clerk_zh", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(clerk.pk)

    html = client.get("/console/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "您好" in html  # Hello, …
    assert "营业员" in html  # the role badge
    assert "退出登录" in html  # Sign out
    assert "查找客户" in html  # the quick search
    assert "工作日历" in html  # a console section
    assert "Sign out" not in html
    assert "Counter clerk" not in html
