"""No English word and no internal code reaches the Simplified Chinese console.

One demo operator (five cities) is built once for this module. For each role a
Taiyuan login (or the province's, for the quality manager; the superuser for
the administrator) reads, in zh-Hans,

- every console page without arguments, enumerated from the URL resolver (a new
  page is read as soon as it exists);
- record pages of its own branch: customers, work orders, orders, complaints,
  calls and SLA clock explanations, several of each in different states;
- the drill-down records of a few indicators;

and what a person sees there — text outside ``<script>`` and ``<style>``, the
``title``, ``placeholder``, ``aria-label`` and ``alt`` attributes, the labels of
buttons — may hold no Latin word except the codes and units in ``ALLOWED`` and
values that come from the records themselves (record numbers, e-mail addresses,
web addresses, numbers, the demo's own Latin names). The failure lists every
page, word and the text around it at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Q
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from telcodesk.care.models import Complaint, HotlineCall, SkillGroup
from telcodesk.core.models import User
from telcodesk.core.roles import Role
from telcodesk.customers.models import Customer, Package
from telcodesk.demo import builder
from telcodesk.notify.models import OutboxMessage
from telcodesk.orders.models import CustomerOrder, WorkOrder
from telcodesk.sla.models import SlaClock

NOW = dt.datetime(2025, 9, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PERIOD = "2025H1"

ROLES = {
    Role.COUNTER_CLERK: "clerk.ty-xd",
    Role.VIP_CLERK: "vip.ty-xd",
    Role.REPAIR_TECHNICIAN: "tech.ty-xd",
    Role.INSTALLER: "installer.ty-xd",
    Role.BRANCH_MANAGER: "manager.ty",
    Role.HOTLINE_AGENT: "agent.ty",
    Role.COMPLAINT_HANDLER: "complaints.ty",
    Role.QUALITY_MANAGER: "quality",
    Role.ADMINISTRATOR: "admin",
}

NOT_READ = {"logout"}  # ends the session
# Indicators whose drill-down records are read: one of each source of figures.
DRILL_DOWNS = ("fixed_install_timely_urban", "broadband_repair_avg", "mobile_change_max",
               "billing_error_rate", "network_drop_rate", "hotline_timely",
               "complaint_satisfaction")

# Latin words a Chinese page may show: product names, acronyms and units people use as is.
ALLOWED = frozenset({
    "telcodesk", "TMF", "SMS", "SMPP", "API", "PDF", "CSV", "JSON", "XLSX", "HTML", "VIP",
    "IVR", "ID", "URL", "SLA", "IPTV", "FTTH", "ADSL", "DSL", "LTE", "NR", "GSM", "WCDMA",
    "TD", "SCDMA", "CDMA", "EVDO", "GPRS", "CPE", "ONU", "OLT", "PON", "GPON", "EPON",
    "Wi", "Fi", "WiFi", "Mbps", "Gbps", "kbps", "Kbps", "KB", "MB", "GB", "TB", "ms", "s",
    "M", "G", "K", "h", "min", "km", "m", "A", "B", "C", "D", "E", "H", "Excel", "Markdown",
    "UTF", "BOM", "GB18030", "ok", "OK", "RSRP", "SINR", "KPI", "Top", "PUK", "PIN", "SIM", "eSIM",
    "USIM", "IMEI", "IMSI", "ICCID", "MSISDN", "ACD", "CTI", "AHT", "ASA", "FCR", "CSAT",
    "NPS", "MML", "Bearer", "E164", "QR", "APP", "App", "app", "UTC", "GMT", "AM", "PM",
    "Open", "TM", "Forum", "OpenAPI",  # TM Forum Open API, OpenAPI: the specifications' names
    "English",  # the language switch names each language in itself
    "td",  # the brand mark
    "Y", "N",  # the keys an SMS asks the subscriber to reply with
})

SMPP_STATUS = re.compile(r"ESME_[A-Z0-9_]+")  # kept for the tooltip of an SMS failure
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")  # a field of an SMS template: {number}, {time}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WEB_ADDRESS = re.compile(r"(?:https?://|/)[\w./?=&%#:+~-]*")
# A run of characters a code, number, address or word may be made of.
TOKEN = re.compile(r"[A-Za-z0-9@._%+/:#?=&~'{}-]+")
LATIN_WORD = re.compile(r"[A-Za-z]+")

VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
BUTTON_INPUTS = ("submit", "button", "reset")
HIDDEN_CONTENT = ("script", "style", "noscript", "svg")
# Text a person reads or types literally, character for character (file headers, keywords
# of an input format, a library's name), and the text being edited in a text area: marked
# up as such, it is not a word of the interface.
LITERAL_CONTENT = ("code", "kbd", "samp", "textarea")
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input",
                           "link", "meta", "source", "track", "wbr"})


class VisibleText(HTMLParser):
    """The pieces of Chinese-page text a person sees (or hovers over): text outside
    ``<script>``/``<style>``, a few attributes, the labels of button inputs. Left out:
    literal text (``<code>``, ``<kbd>``, ``<samp>``) and content marked as being in
    another language (``lang="en"``: the English text of an SMS template, an English
    voice prompt)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, left out)

    def _left_out(self) -> bool:
        return any(out for _tag, out in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        language = (values.get("lang") or "zh").lower()
        out = (tag in HIDDEN_CONTENT or tag in LITERAL_CONTENT
               or not language.startswith("zh"))
        if not out and not self._left_out():  # a text area's placeholder is its example
            for name in VISIBLE_ATTRIBUTES:
                if values.get(name):
                    self.pieces.append(values[name] or "")
            if tag == "input" and values.get("type") in BUTTON_INPUTS and values.get("value"):
                self.pieces.append(values["value"] or "")
        if tag not in VOID_ELEMENTS:
            self._open.append((tag, out))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS and self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_endtag(self, tag: str) -> None:
        for at in range(len(self._open) - 1, -1, -1):  # tolerate unclosed <p>, <li>, <td>
            if self._open[at][0] == tag:
                del self._open[at:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and not self._left_out():
            self.pieces.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.pieces


def _is_value(token: str, record_words: frozenset[str]) -> bool:
    """Whether a token is a value from the records rather than a word of the interface."""
    token = token.strip(".:,;'-/?#")
    if not token:
        return True
    if EMAIL.fullmatch(token) or WEB_ADDRESS.fullmatch(token) or token.startswith("www."):
        return True
    if SMPP_STATUS.fullmatch(token) or PLACEHOLDER.fullmatch(token):
        return True
    if any(ch.isdigit() for ch in token):
        return True  # record numbers (C000000123, WO…), periods (2025H1), 100M, 5ms
    return token in record_words


def untranslated_words(piece: str, record_words: frozenset[str]) -> list[str]:
    found = []
    for match in TOKEN.finditer(piece):
        token = match.group(0)
        if not LATIN_WORD.search(token) or _is_value(token, record_words):
            continue
        found += [word for word in LATIN_WORD.findall(token)
                  if word not in ALLOWED and word not in record_words]
    return found


def _around(piece: str, word: str) -> str:
    at = piece.find(word)
    start = max(0, at - 30)
    return piece[start:at + len(word) + 30]


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    pages: int = 0

    def read(self, client: Client, url: str, record_words: frozenset[str]) -> None:
        response = client.get(url)
        self.pages += 1
        if response.status_code >= 500:
            self.problems.append(f"{url}: HTTP {response.status_code}")
        # A page the role may not open answers with the error pages, checked with them.
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            return
        content = b"".join(response.streaming_content) if response.streaming else \
            response.content
        seen: set[tuple[str, str]] = set()
        for piece in visible_text(content.decode("utf-8", "replace")):
            for word in untranslated_words(piece, record_words):
                if (word, piece) not in seen:
                    seen.add((word, piece))
                    self.problems.append(f"{url} → {word!r} in “{_around(piece, word)}”")


def _console_routes() -> list[tuple[str, str, list[str]]]:
    """(name, route, argument names) of every console URL."""
    found: list[tuple[str, str, list[str]]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern),
                     pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "console" and pattern.name:
                found.append((pattern.name, prefix + str(pattern.pattern),
                              list(pattern.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, "/", None)
    return found


def _one_per(rows: Any, *fields: str, key: str, limit: int = 8) -> list[str]:
    """A record's key for each distinct combination of ``fields`` (at most ``limit``)."""
    chosen: dict[tuple[Any, ...], str] = {}
    for row in rows.values(key, *fields):
        chosen.setdefault(tuple(row[f] for f in fields), str(row[key]))
    return list(chosen.values())[:limit]


def _record_pages(viewer: User) -> list[str]:
    """Record pages of the viewer's branch, several of each kind in different states."""
    path = None if viewer.is_superuser else viewer.org_unit.path

    def inside(prefix: str) -> Q:
        return Q() if path is None else Q(**{f"{prefix}__path__startswith": path})

    paused = set(WorkOrder.objects.filter(sla_clock__pauses__isnull=False)
                 .values_list("pk", flat=True)[:50])
    work_orders = WorkOrder.objects.filter(inside("org_unit")).order_by("pk")
    failed_sms = OutboxMessage.objects.filter(customer__isnull=False).exclude(state_reason="")
    customers = (_one_per(Customer.objects.filter(inside("org_unit")).order_by("pk"),
                          "tier", "status", key="code", limit=4)
                 + list(Customer.objects.filter(inside("org_unit"),
                                                pk__in=failed_sms.values("customer"))
                        .values_list("code", flat=True)[:2]))
    pages = [f"/console/customers/{code}/" for code in customers]
    pages += [f"/console/work-orders/{code}/" for code in
              _one_per(work_orders, "kind", "status", key="code")
              + list(work_orders.filter(pk__in=paused).values_list("code", flat=True)[:2])
              + list(work_orders.exclude(status_reason="").values_list("code", flat=True)[:2])]
    pages += [f"/console/orders/{code}/" for code in _one_per(
        CustomerOrder.objects.filter(inside("org_unit")).order_by("pk"), "state", key="code")]
    mine = Q(owner=viewer) | Q(handler=viewer)
    pages += [f"/console/complaints/{code}/" for code in _one_per(
        Complaint.objects.filter(inside("org_unit") | mine).order_by("pk"), "state",
        key="code")]
    pages += [f"/console/calls/{pk}/" for pk in _one_per(
        HotlineCall.objects.filter(inside("customer__org_unit") | Q(customer__isnull=True))
        .order_by("pk"), "outcome", key="pk", limit=4)]
    pages += [f"/console/quality/clocks/{pk}/" for pk in _one_per(
        SlaClock.objects.filter(inside("org_unit")).order_by("pk"), "state", key="pk",
        limit=4)]
    name = Customer.objects.filter(inside("org_unit")).values_list("name", flat=True).first()
    pages += [f"/console/customers/?q={name or ''}", "/console/complaints/?state=all",
              "/console/work-orders/?status=closed", "/console/orders/?state=completed"]
    for code in DRILL_DOWNS:
        pages += [f"/console/quality/records/?code={code}&period={PERIOD}",
                  f"/console/quality/records/?code={code}&period={PERIOD}&late=1"]
    return list(dict.fromkeys(pages))


def _record_words() -> frozenset[str]:
    """Latin words that come from the demo's records (names, addresses, log-ins)."""
    words: set[str] = set()
    texts: list[str] = []
    texts += User.objects.values_list("username", flat=True)
    texts += User.objects.values_list("first_name", flat=True)
    texts += User.objects.values_list("last_name", flat=True)
    texts += Customer.objects.values_list("name", flat=True)
    texts += Customer.objects.values_list("address", flat=True)
    texts += Package.objects.values_list("name", flat=True)
    texts += SkillGroup.objects.values_list("code", flat=True)  # chosen by the administrator
    for text in texts:
        for token in TOKEN.findall(text or ""):
            words.add(token)
            words.update(LATIN_WORD.findall(token))
    return frozenset(words)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[frozenset[str]]:
    """The demo operator, built once and rolled back after the module; the Latin words
    of its records."""
    with (django_db_blocker.unblock(),
          override_settings(VAR_DIR=tmp_path_factory.mktemp("var")),
          transaction.atomic()):
        builder.build_demo(now=NOW, subscribers=40, complaints=12)
        yield _record_words()
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", list(ROLES), ids=str)
def test_every_page_of_the_role_is_in_chinese(role, demo, db):
    viewer = User.objects.select_related("org_unit").get(username=ROLES[role])
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(viewer)
    findings = Findings()
    for name, route, arguments in _console_routes():
        if name not in NOT_READ and not arguments:
            findings.read(client, route, demo)
    for url in _record_pages(viewer):
        findings.read(client, url, demo)
    assert findings.pages > 30
    assert findings.problems == [], "\n".join(
        [f"{len(findings.problems)} untranslated words on {role}'s pages:", *findings.problems])


def test_the_reader_finds_english_and_lets_codes_through():
    html = """<html><head><title>工单 WO2025000123</title><style>.x{color:red}</style>
    <script>const state = "inProgress";</script></head><body>
    <p>状态：acknowledged → inProgress</p><input placeholder="Search customers">
    <span title="SMPP 0x0000000B">号码无效</span> <a href="/console/">返回</a>
    <p>zhang.wei@example.cn 100M 2025H1 https://tmf.example/api SMS 5 ms</p>
    <p>表头：<code>cell,date</code></p><p lang="en">Dear customer</p><br><p>Search
    <td title="SMPP 状态 ESME_RINVDSTADR (0x0B)">接收号码无效</td>
    <p>您的{number}已开通，回复Y确认</p>
    </body></html>"""
    pieces = visible_text(html)
    assert "const" not in " ".join(pieces)
    found = [w for piece in pieces for w in untranslated_words(piece, frozenset())]
    assert found == ["acknowledged", "inProgress", "Search", "customers", "Search"]


def test_the_public_pages_are_in_chinese(demo, db):
    findings = Findings()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for url in ("/", "/console/login/"):
        findings.read(client, url, demo)
    assert findings.problems == [], "\n".join(findings.problems)
