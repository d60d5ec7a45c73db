"""Branch scope and number masking, swept over everything staff and integrators receive.

One demo operator (five cities) is built once for this module. For each role a
Taiyuan login (or the province's, for the quality manager; the superuser for
the administrator) walks

- every console URL, enumerated from the URL resolver: pages without arguments
  as they are, pages of one record with each kind of another branch's records
  (GET and POST must answer "not found");
- every TMF resource under ``/tmf-api/``: each collection, its items, and
  another branch's items by id (404);
- the exports of the report and every indicator's drill-down;
- the events its own listeners receive after writes in every branch;

and nothing it receives may name another branch's customers, requests,
complaints or numbers. A role that sees masked numbers may receive no
subscriber number in full anywhere: not in a field, an e-mail address, a note
or an SMS text.

A new console page without arguments is swept as soon as it exists; one with
arguments, or a new TMF collection, fails here until it is added to the tables
below.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Q
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from telcodesk.care.models import Complaint, HotlineCall
from telcodesk.care.services.complaints import do_add_complaint_note
from telcodesk.core import phone
from telcodesk.core.errors import DomainError
from telcodesk.core.events import deliver_due_events, do_register_listener
from telcodesk.core.models import ApiToken, Channel, OrgUnit, User
from telcodesk.core.roles import Role
from telcodesk.core.selectors import may_see_full_numbers
from telcodesk.core.services import do_issue_token
from telcodesk.customers.models import Customer, Package, Subscription
from telcodesk.customers.services import next_customer_code
from telcodesk.demo import builder
from telcodesk.notify.models import MessageTemplate, OutboxMessage
from telcodesk.orders.models import CustomerOrder, OrderCancellation, WorkOrder
from telcodesk.orders.services.product_orders import do_update_order
from telcodesk.orders.services.work_orders import do_add_note, do_report_fault
from telcodesk.quality.indicators.definitions import BY_CODE
from telcodesk.sla.models import SlaClock
from tests.factories import AccountFactory, CustomerFactory, SubscriptionFactory

NOW = dt.datetime(2025, 9, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PERIOD = "2025H1"  # the last complete half-year before NOW

# One login per role: inside Taiyuan where the role works in a branch.
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

# Console URLs left out of the sweep, and why.
NOT_SWEPT = {
    "logout": "ends the session the sweep runs in",
    "login": "the login form holds no records",
}

# Console URLs of one record: which kind of another branch's records fills their arguments.
RECORD_URLS = {
    "customer": "customer",
    "work_order": "work_order", "work_order_assign": "work_order",
    "work_order_status": "work_order", "work_order_pause": "work_order",
    "work_order_resume": "work_order", "work_order_note": "work_order",
    "work_order_attachment": "work_order", "work_order_step": "work_order",
    "order": "order", "order_sign": "order", "order_cancel": "order",
    "call": "call",
    "complaint": "complaint", "complaint_pdf": "complaint", "complaint_note": "complaint",
    "complaint_transfer": "complaint", "complaint_reassign": "complaint",
    "complaint_reply": "complaint", "complaint_close": "complaint",
    "complaint_survey": "complaint", "complaint_appeal": "complaint",
    "sla_clock": "clock",
    "notify_resend": "message",
    "token_revoke": "token",
}


def _template_kwargs() -> list[dict[str, str]]:
    found = MessageTemplate.objects.values("kind", "language").first()
    return [found] if found else []


def _skill_group_kwargs() -> list[dict[str, str]]:
    from telcodesk.care.models import SkillGroup

    return [{"code": code} for code in SkillGroup.objects.values_list("code", flat=True)[:1]]


# Console URLs with arguments that are not a branch's records: what to fill them with.
REFERENCE_URLS: dict[str, Any] = {
    "notify_template_edit": _template_kwargs,
    "skill_group_edit": _skill_group_kwargs,
    "report_publish": lambda: [{"period": PERIOD}],
    "report_compute": lambda: [{"period": PERIOD}],
    "report_download": lambda: [{"period": PERIOD, "fmt": fmt}
                                for fmt in ("html", "json", "md", "xlsx", "tmf")],
}

# TMF collections: which kind of records their item ids are.
TMF_COLLECTIONS = {
    "customer": ("customer",),
    "communicationMessage": ("message",),
    "troubleTicket": ("work_order", "complaint"),
    "productOrder": ("order",),
    "cancelProductOrder": ("cancellation",),
    "partyInteraction": ("call",),
    "complaint": ("complaint",),
}

ITEMS_PER_KIND = 3


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:
    """The demo operator, built once and rolled back after the module."""
    with (django_db_blocker.unblock(),
          override_settings(VAR_DIR=tmp_path_factory.mktemp("var")),
          transaction.atomic()):
        builder.build_demo(now=NOW, subscribers=40, complaints=12)
        yield
        transaction.set_rollback(True)


@pytest.fixture(params=list(ROLES), ids=str)
def viewer(request, demo, db) -> User:
    return User.objects.select_related("org_unit").get(username=ROLES[request.param])


def _digits(number: str) -> str:
    return phone.national(number) if number.startswith("+") else re.sub(r"\D", "", number)


@dataclass(frozen=True)
class Literals:
    """Finds any of many literal strings in a page, each standing alone: a number as a
    whole run of digits (with or without ``+86``/``86`` in front), a code (letters then
    digits) not inside a longer word or number. A set lookup per candidate run, where one
    regular expression alternating thousands of literals spent most of the sweep's time
    backtracking at every position of every page."""

    candidates: re.Pattern[str]
    wanted: frozenset[str]
    country_prefix: bool = False

    def search(self, text: str) -> str | None:
        for found in self.candidates.finditer(text):
            run = found.group(0)
            if run in self.wanted:
                return run
            if self.country_prefix and run.startswith("86") and run[2:] in self.wanted:
                return run
        return None


def _numbers_pattern(numbers: set[str]) -> Literals | None:
    numbers = {n for n in numbers if len(n) >= 7}
    if not numbers:
        return None
    assert all(n.isdigit() for n in numbers)
    return Literals(re.compile(r"(?<!\d)\d{7,}(?!\d)"), frozenset(numbers), country_prefix=True)


def _codes_pattern(codes: set[str]) -> Literals | None:
    if not codes:
        return None
    assert all(re.fullmatch(r"[A-Za-z]+\d+", code) for code in codes), "codes are letters+digits"
    return Literals(re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+\d+"), frozenset(codes))


@dataclass
class World:
    """What ``viewer`` must not receive, computed from the tables (not the selectors)."""

    viewer: User
    records: dict[str, list[str]] = field(default_factory=dict)  # kind → other-branch keys
    own: dict[str, list[str]] = field(default_factory=dict)  # kind → keys of its branch
    foreign: list[Literals] = field(default_factory=list)
    full_numbers: Literals | None = None  # every number, for masked viewers

    @classmethod
    def of(cls, viewer: User) -> World:
        world = cls(viewer)
        path = None if viewer.is_superuser else viewer.org_unit.path

        def outside(prefix: str) -> Q:
            if path is None:
                return Q(pk__in=[])
            return ~Q(**{f"{prefix}__path__startswith": path})

        def inside(prefix: str) -> Q:
            return ~outside(prefix)

        mine = Q(owner=viewer) | Q(handler=viewer)
        world.records = {
            "customer": list(Customer.objects.filter(outside("org_unit"))
                             .values_list("code", flat=True)),
            "work_order": list(WorkOrder.objects.filter(outside("org_unit"))
                               .values_list("code", flat=True)),
            "order": list(CustomerOrder.objects.filter(outside("org_unit"))
                          .values_list("code", flat=True)),
            "cancellation": list(OrderCancellation.objects.filter(outside("order__org_unit"))
                                 .values_list("code", flat=True)),
            "complaint": list(Complaint.objects.filter(outside("org_unit")).exclude(mine)
                              .values_list("code", flat=True)),
            "call": [str(pk) for pk in HotlineCall.objects.filter(
                outside("customer__org_unit"), customer__isnull=False)
                .values_list("pk", flat=True)],
            "message": [str(pk) for pk in OutboxMessage.objects.filter(
                outside("customer__org_unit"), customer__isnull=False)
                .exclude(Q(created_by=viewer) | Q(staff=viewer)).values_list("pk", flat=True)],
            "clock": [str(pk) for pk in SlaClock.objects.filter(outside("org_unit"))
                      .values_list("pk", flat=True)],
            "token": [str(pk) for pk in ApiToken.objects.exclude(user=viewer)
                      .values_list("pk", flat=True)],
        }
        world.own = {
            "customer": list(Customer.objects.filter(inside("org_unit"))
                             .values_list("code", flat=True)),
            "work_order": list(WorkOrder.objects.filter(inside("org_unit"))
                               .values_list("code", flat=True)),
            "order": list(CustomerOrder.objects.filter(inside("org_unit"))
                          .values_list("code", flat=True)),
            "complaint": list(Complaint.objects.filter(inside("org_unit") | mine)
                              .values_list("code", flat=True)),
            "call": [str(pk) for pk in HotlineCall.objects.filter(
                inside("customer__org_unit") | Q(customer__isnull=True))
                .order_by("-customer", "pk").values_list("pk", flat=True)],
            "clock": [str(pk) for pk in SlaClock.objects.filter(inside("org_unit"))
                      .values_list("pk", flat=True)],
        }
        codes = {code for kind in ("customer", "work_order", "order", "cancellation",
                                   "complaint") for code in world.records[kind]}
        numbers_of = _numbers_by_customer()
        own = {n for c in Customer.objects.filter(inside("org_unit")).values_list("pk", flat=True)
               for n in numbers_of.get(c, ())}
        theirs = {n for c in Customer.objects.filter(outside("org_unit"))
                  .values_list("pk", flat=True) for n in numbers_of.get(c, ())}
        world.foreign = [p for p in (_codes_pattern(codes), _numbers_pattern(theirs - own))
                         if p is not None]
        if not may_see_full_numbers(viewer):
            everyone = {n for numbers in numbers_of.values() for n in numbers}
            everyone |= {_digits(n) for n in HotlineCall.objects.exclude(caller="")
                         .values_list("caller", flat=True)}
            everyone |= {_digits(n) for n in OutboxMessage.objects.values_list("recipient",
                                                                               flat=True)}
            world.full_numbers = _numbers_pattern(everyone)
        return world

    def leaks(self, where: str, text: str) -> list[str]:
        found = []
        for literals in self.foreign:
            match = literals.search(text)
            if match:
                found.append(f"{where}: another branch's {match!r}")
        if self.full_numbers is not None:
            match = self.full_numbers.search(text)
            if match:
                found.append(f"{where}: unmasked number {match!r}")
        return found


def _numbers_by_customer() -> dict[int, set[str]]:
    numbers: dict[int, set[str]] = {}
    for pk, contact in Customer.objects.values_list("pk", "contact_phone"):
        if contact:
            numbers.setdefault(pk, set()).add(_digits(contact))
    for pk, number in Subscription.objects.filter(service__in=("mobile", "fixed")).values_list(
            "account__customer_id", "number"):
        numbers.setdefault(pk, set()).add(_digits(number))
    return numbers


def _text(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "".join(book.read(name).decode("utf-8", "replace")
                           for name in book.namelist() if name.endswith(".xml"))
    if "pdf" in kind:
        return ""  # the report's PDF holds the same figures as its HTML, checked there
    return content.decode("utf-8", "replace")


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


def _fill(route: str, kwargs: dict[str, str]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)


def _browser(viewer: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(viewer)
    return client


# --- the console ------------------------------------------------------------------------------


def test_console_pages_show_only_the_viewers_branch_and_masked_numbers(viewer):
    world = World.of(viewer)
    client = _browser(viewer)
    problems: list[str] = []
    swept = 0
    for name, route, arguments in _console_routes():
        if name in NOT_SWEPT:
            continue
        if not arguments:
            response = client.get(route)
            swept += 1
            if response.status_code >= 500:
                problems.append(f"GET {route}: {response.status_code}")
            problems += world.leaks(f"GET {route}", _text(response))
        elif name in RECORD_URLS:
            key = arguments[0]
            for record in world.own.get(RECORD_URLS[name], [])[:2]:
                url = _fill(route, {key: record})
                response = client.get(url)
                swept += 1
                if response.status_code >= 500:
                    problems.append(f"GET {url}: {response.status_code}")
                problems += world.leaks(f"GET {url}", _text(response))
            for record in world.records[RECORD_URLS[name]][:ITEMS_PER_KIND]:
                url = _fill(route, {key: record})
                for method in ("get", "post"):
                    response = getattr(client, method)(url)
                    swept += 1
                    if response.status_code not in (403, 404, 405):
                        problems.append(f"{method.upper()} {url} (another branch's): "
                                        f"{response.status_code}")
                    # The "not found" answer may repeat what was asked for, nothing more.
                    problems += world.leaks(f"{method.upper()} {url}",
                                            _text(response).replace(record, ""))
        elif name in REFERENCE_URLS:
            for kwargs in REFERENCE_URLS[name]():
                url = _fill(route, kwargs)
                response = client.get(url)
                swept += 1
                if response.status_code >= 500:
                    problems.append(f"GET {url}: {response.status_code}")
                problems += world.leaks(f"GET {url}", _text(response))
        else:
            problems.append(f"console URL {name!r} ({route}) is not in the sweep: add it to "
                            "RECORD_URLS or REFERENCE_URLS")
    assert swept > 30
    assert problems == []


def test_every_drill_down_shows_only_the_viewers_branch_and_masked_numbers(viewer):
    world = World.of(viewer)
    client = _browser(viewer)
    problems: list[str] = []
    for code in BY_CODE:
        for extra in ("", "&late=1", "&unit=dt", "&unit=dt&late=1"):
            url = f"/console/quality/records/?code={code}&period={PERIOD}{extra}"
            response = client.get(url)
            if response.status_code >= 500:
                problems.append(f"GET {url}: {response.status_code}")
            problems += world.leaks(f"GET {url}", _text(response))
    assert problems == []


# --- the TMF Open API -------------------------------------------------------------------------


def _tmf_collections() -> list[tuple[str, str]]:
    """(resource, path) of every TMF collection."""
    found = []

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern),
                     pattern.namespace or namespace)
            elif (isinstance(pattern, URLPattern) and namespace == "tmf" and pattern.name
                  and pattern.name.endswith("-collection")):
                found.append((pattern.name.removesuffix("-collection"),
                              prefix + str(pattern.pattern)))

    walk(get_resolver().url_patterns, "/", None)
    return found


def test_every_tmf_resource_shows_only_the_viewers_branch_and_masked_numbers(viewer):
    world = World.of(viewer)
    issued = do_issue_token(now=NOW, user=viewer, name="sweep", actor=None, channel=Channel.CLI)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")
    problems: list[str] = []
    collections = _tmf_collections()
    assert len(collections) >= 7
    for resource, path in collections:
        if resource not in TMF_COLLECTIONS:
            problems.append(f"TMF collection {resource!r} ({path}) is not in the sweep: "
                            "add it to TMF_COLLECTIONS")
            continue
        response = client.get(f"{path}?limit=1000")
        if response.status_code != 200:
            problems.append(f"GET {path}: {response.status_code}")
            continue
        problems += world.leaks(f"GET {path}", _text(response))
        for item in json.loads(response.content)[:ITEMS_PER_KIND * 3]:
            detail = client.get(f"{path}/{item['id']}")
            problems += world.leaks(f"GET {path}/{item['id']}", _text(detail))
        for kind in TMF_COLLECTIONS[resource]:
            for record in world.records[kind][:ITEMS_PER_KIND]:
                detail = client.get(f"{path}/{record}")
                if detail.status_code != 404:
                    problems.append(f"GET {path}/{record} (another branch's): "
                                    f"{detail.status_code}")
                problems += world.leaks(f"GET {path}/{record}",
                                        _text(detail).replace(record, ""))
    assert problems == []


# --- events -----------------------------------------------------------------------------------


def _fault_in_branch_of(viewer: User, admin: User) -> WorkOrder:
    """A broadband fault of a new customer of the viewer's branch, the number in its text."""
    county = OrgUnit.objects.filter(kind="county")
    if not viewer.is_superuser:
        county = county.filter(path__startswith=viewer.org_unit.path)
    unit = viewer.org_unit if viewer.org_unit.kind == "county" else county.order_by("path")[0]
    customer = CustomerFactory(org_unit=unit, code=next_customer_code())
    customer.email = f"{_digits(customer.contact_phone)}@189.cn"
    customer.save(update_fields=["email"])
    line = SubscriptionFactory(
        account=AccountFactory(customer=customer, number=f"SWEEP{customer.code}"),
        service="broadband",
        number=f"bb-sweep-{customer.code.lower()}", address="长风街1号",
        package=Package.objects.filter(services__contains="broadband").order_by("code")[0])
    return do_report_fault(now=NOW, actor=admin, channel="hotline", subscription=line,
                           description=f"断网，回电 {_digits(customer.contact_phone)}")


def test_events_reach_a_listener_only_for_its_users_branch_and_masked(viewer):
    for api in ("troubleTicket", "productOrder"):
        do_register_listener(now=NOW, api=api, callback=f"https://listener.example/{api}",
                             actor=viewer)
    admin = User.objects.get(username="admin")
    own_fault = _fault_in_branch_of(viewer, admin)
    world = World.of(viewer)
    # A write in every city, each naming the customer's number in free text.
    for work_order in WorkOrder.objects.order_by("pk"):
        number = _digits(work_order.subscription.number) if work_order.subscription else ""
        do_add_note(now=NOW, work_order=work_order, text=f"客户来电 {number} 催修",
                    actor=admin)
    for order in CustomerOrder.objects.order_by("pk"):
        contact = _digits(order.customer.contact_phone or "")
        with suppress(DomainError):  # a finished order is not changed
            do_update_order(now=NOW, order=order, changes={"description": f"回访 {contact}"},
                            actor=admin, channel=Channel.CONSOLE)
    for complaint in Complaint.objects.order_by("pk"):
        contact = _digits(complaint.customer.contact_phone or "") if complaint.customer else ""
        with suppress(DomainError):  # a closed complaint takes no notes
            do_add_complaint_note(now=NOW, actor=admin, complaint=complaint,
                                  text=f"致电 {contact}")
    received: list[tuple[str, bytes]] = []

    def post(url: str, body: bytes) -> int:
        received.append((url, body))
        return 201

    while deliver_due_events(now=NOW, post=post).delivered:
        pass
    problems: list[str] = []
    for url, body in received:
        problems += world.leaks(f"event to {url}", body.decode())
    assert problems == []
    # The listener does get its own branch's events (with the numbers its user may see).
    assert any(own_fault.code in body.decode() for _url, body in received)
