"""TMF conformance profile items, over HTTP as an integrator sees them.

- filtering a collection by any first-level attribute (exact match; ``.gt``,
  ``.gte``, ``.lt``, ``.lte`` for dates and numbers), paging and counts kept right;
- a trailing slash on a collection path;
- enumerations in the specification's capitals;
- junk ids answered with a clean 404 or 400;
- ``/tmf-api/openapi.json`` lists exactly the operations served.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from telcodesk.api import api
from telcodesk.core import clock
from telcodesk.core.models import Channel
from telcodesk.core.roles import Role
from telcodesk.core.services import do_issue_token
from tests.care.factories_calls import make_call
from tests.orders import orders_support
from tests.tmf_schema import assert_tmf_error, assert_valid

TICKET_SPEC = "TMF621-TroubleTicket-v4.0.0.swagger.json"
TICKETS = "/tmf-api/troubleTicket/v4/troubleTicket"
ORDERS = "/tmf-api/productOrderingManagement/v4/productOrder"
MESSAGES = "/tmf-api/communicationManagement/v4/communicationMessage"
CONTACTS = "/tmf-api/partyInteraction/v4/partyInteraction"
COLLECTIONS = [
    "/tmf-api/customerManagement/v4/customer",
    TICKETS,
    "/tmf-api/troubleTicket/v4/complaint",
    ORDERS,
    "/tmf-api/productOrderingManagement/v4/cancelProductOrder",
    MESSAGES,
    CONTACTS,
]
# Words of a Python exception that must never reach a client.
LEAKS = re.compile(r"invalid literal|Traceback|int\(\)|too large|Overflow|NoneType", re.I)



@pytest.fixture
def set_clock(monkeypatch, now):
    current = {"now": now}
    monkeypatch.setattr(clock, "now", lambda: current["now"])

    def move(instant: dt.datetime) -> None:
        current["now"] = instant

    return move


@pytest.fixture
def client_for(now):
    def make(user) -> Client:
        issued = do_issue_token(now=now, user=user, name="test", actor=None, channel=Channel.CLI)
        return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")

    return make


@pytest.fixture
def superuser_client(make_staff, client_for):
    return client_for(make_staff("root", None, superuser=True))


def fault(number: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"description": description, "severity": "major", "ticketType": "fault",
            "relatedEntity": [{"id": number, "role": "affectedProduct",
                               "@referredType": "Product"}], **extra}


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


def get(client: Client, path: str, **query: str) -> Any:
    return client.get(f"{path}?{urlencode(query)}" if query else path)


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()]


@pytest.fixture
def three_tickets(now, org, shop, staff, client_for, set_clock):
    """Three faults of three lines reported an hour apart (now, +1 h, +2 h), newest
    listed first."""
    agent = client_for(staff.agent)
    made = []
    for hour, text in enumerate(["光猫LOS灯红", "网速慢", "无法拨号"]):
        set_clock(now + dt.timedelta(hours=hour))
        line = orders_support.make_household(org.xiaodian, shop).broadband
        response = post(agent, TICKETS, fault(line.number, text))
        assert response.status_code == 201, response.content
        made.append(response.json())
    set_clock(now + dt.timedelta(hours=3))
    return agent, made


# --- filters ---------------------------------------------------------------------------------


def test_dates_compare_in_the_database_with_every_operator(three_tickets, now):
    agent, (first, second, third) = three_tickets
    t1 = (now + dt.timedelta(hours=1)).astimezone(dt.UTC).isoformat().replace("+00:00", "Z")

    assert ids(get(agent, TICKETS, **{"creationDate.gt": t1})) == [third["id"]]
    assert ids(get(agent, TICKETS, **{"creationDate.gte": t1})) == [third["id"], second["id"]]
    assert ids(get(agent, TICKETS, **{"creationDate.lt": t1})) == [first["id"]]
    assert ids(get(agent, TICKETS, **{"creationDate.lte": t1})) == [second["id"], first["id"]]
    # Exact match on an instant, written in another zone than the answer's.
    local = (now + dt.timedelta(hours=1)).isoformat()
    assert ids(get(agent, TICKETS, creationDate=local)) == [second["id"]]


def test_any_attribute_of_the_document_filters_with_paging_and_counts(three_tickets):
    agent, (first, second, third) = three_tickets

    by_href = get(agent, TICKETS, href=second["href"])
    assert ids(by_href) == [second["id"]]
    assert by_href["X-Total-Count"] == "1"

    # A sub-attribute inside a list, paged: the counts are those of matching tickets.
    page = get(agent, TICKETS, **{"relatedParty.role": "customer", "limit": "1", "offset": "1"})
    assert ids(page) == [second["id"]]
    assert (page["X-Total-Count"], page["X-Result-Count"]) == ("3", "1")

    # A date the database does not hold as a column, compared on the document.
    due = second["expectedResolutionDate"]
    assert ids(get(agent, TICKETS, **{"expectedResolutionDate.gt": due})) == [third["id"]]
    assert ids(get(agent, TICKETS, expectedResolutionDate=due)) == [second["id"]]
    assert ids(get(agent, TICKETS, **{"expectedResolutionDate.lte": due})) == [
        second["id"], first["id"]]

    # Combined with a database filter and fields=.
    both = get(agent, TICKETS, description="网速慢", status="acknowledged", fields="status")
    assert both.json() == [{"id": second["id"], "href": second["href"],
                            "@type": "TroubleTicket", "status": "acknowledged"}]
    assert ids(get(agent, TICKETS, description="nothing like it")) == []


def test_filters_of_the_conformance_profile_answer(three_tickets, superuser_client):
    agent, (first, _second, _third) = three_tickets
    for path, query in [
        (ORDERS, {"orderDate": "2025-09-30T02:00:00Z"}),
        (ORDERS, {"orderDate.gte": "2025-09-30T02:00:00Z", "description": "x"}),
        (MESSAGES, {"content": "您好"}),
        (MESSAGES, {"href": f"http://testserver{MESSAGES}/1"}),
        (CONTACTS, {"reason": "Broadband repair"}),
        (CONTACTS, {"creationDate.lte": "2025-09-30T02:00:00Z"}),
        (TICKETS, {"priority.lte": "3"}),
    ]:
        response = get(superuser_client, path, **query)
        assert response.status_code == 200, (path, query, response.content)
        assert response["X-Total-Count"] == str(len(response.json()))
    assert ids(get(agent, TICKETS, priority=first["priority"])) != []


def test_messages_filter_by_content_and_contacts_by_reason(
        org, staff, client_for, superuser_client, now):
    clerk = client_for(staff.clerk)
    body = {"messageType": "SMS", "receiver": [{"phoneNumber": "189 1234 5678"}],
            "sender": {"phoneNumber": "10000"}}
    made = [post(clerk, MESSAGES, {**body, "content": text}).json()["id"]
            for text in ("宽带已修复", "话费提醒")]
    assert ids(get(clerk, MESSAGES, content="话费提醒")) == [made[1]]

    make_call(queue="10000-night", at=now, caller="+8613987654321")
    evening = make_call(queue="10000-evening", at=now + dt.timedelta(hours=1))
    found = get(superuser_client, CONTACTS, reason="queue 10000-evening")
    assert ids(found) == [str(evening.pk)] and found["X-Total-Count"] == "1"


@pytest.mark.parametrize(("query", "words"), [
    ({"nothing": "1"}, "unknown query parameter(s) nothing"),
    ({"creationDate.gt": "yesterday"}, "RFC 3339"),
    ({"expectedResolutionDate.lt": "soon"}, "compares dates and numbers"),
    ({"description.gt": "a"}, "compares dates and numbers"),
    ({"severity": "huge"}, "must be one of critical, major, minor"),
])
def test_bad_filters_are_refused_with_a_reason(three_tickets, query, words):
    agent, _tickets = three_tickets
    body = assert_tmf_error(get(agent, TICKETS, **query), 400, spec=TICKET_SPEC)
    assert words in body["message"]


# --- trailing slash -----------------------------------------------------------------------


@pytest.mark.parametrize("path", COLLECTIONS)
def test_a_trailing_slash_reaches_the_collection(superuser_client, path):
    plain, slashed = superuser_client.get(path), superuser_client.get(path + "/")
    assert slashed.status_code == 200, slashed.content
    assert slashed.json() == plain.json()
    assert slashed["X-Total-Count"] == plain["X-Total-Count"]


def test_a_post_to_a_collection_with_a_trailing_slash_creates(home, staff, client_for,
                                                               set_clock):
    response = post(client_for(staff.agent), TICKETS + "/", fault(home.broadband.number, "断网"))
    assert response.status_code == 201, response.content
    assert response["Location"] == response.json()["href"]
    assert f"{TICKETS}/{response.json()['id']}" in response["Location"]


# --- enumerations --------------------------------------------------------------------------


def test_enumerations_in_capitals_are_accepted_and_answered_in_the_spec_form(
        home, staff, client_for, set_clock):
    agent = client_for(staff.agent)
    created = post(agent, TICKETS, fault(home.broadband.number, "断网", severity="Major"))
    assert created.status_code == 201, created.content
    ticket = created.json()
    assert ticket["severity"] == "major"

    patched = agent.patch(f"{TICKETS}/{ticket['id']}", data=json.dumps(
        {"severity": "CRITICAL", "status": "InProgress"}),
        content_type="application/merge-patch+json")

    assert patched.status_code == 200, patched.content
    assert (patched.json()["severity"], patched.json()["status"]) == ("critical", "inProgress")
    assert_valid(spec=TICKET_SPEC, definition="TroubleTicket", instance=patched.json())
    assert ids(get(agent, TICKETS, status="INPROGRESS", severity="Critical")) == [ticket["id"]]


# --- junk ids ---------------------------------------------------------------------------------


ITEMS = [
    "/tmf-api/customerManagement/v4/customer/{}",
    TICKETS + "/{}",
    "/tmf-api/troubleTicket/v4/complaint/{}",
    ORDERS + "/{}",
    "/tmf-api/productOrderingManagement/v4/cancelProductOrder/{}",
    MESSAGES + "/{}",
    CONTACTS + "/{}",
]
JUNK = ["null", "-1", "0", "4.5", "%C2%B2", "99999999999999999999999", "9223372036854775808"]


@pytest.mark.parametrize("item", ITEMS)
def test_junk_ids_are_not_found_without_an_exception_text(superuser_client, item):
    for junk in JUNK:
        body = assert_tmf_error(superuser_client.get(item.format(junk)), 404)
        assert not LEAKS.search(body["message"]), (item, junk, body)
    for hub in ("/tmf-api/troubleTicket/v4/hub/{}",
                "/tmf-api/productOrderingManagement/v4/hub/{}"):
        for junk in JUNK:
            body = assert_tmf_error(superuser_client.delete(hub.format(junk)), 404)
            assert not LEAKS.search(body["message"])


@pytest.mark.parametrize("item", ITEMS)
def test_an_item_takes_fields_and_no_filter(superuser_client, item):
    """A filter on one resource is refused before the resource is looked up; ``fields``
    is read (and an unknown attribute in it refused)."""
    body = assert_tmf_error(get(superuser_client, item.format("C1"), status="x"), 400)
    assert body["message"] == ("unknown query parameter(s) status; filters: none; "
                               "also fields, offset, limit")
    body = assert_tmf_error(get(superuser_client, item.format("C1"), fields="nonsense"), 400)
    assert "nonsense" in body["message"]


@pytest.mark.parametrize("path", COLLECTIONS)
@pytest.mark.parametrize("junk", ["null", "99999999999999999999999", "²"])
def test_junk_id_filters_answer_a_clean_400_or_nothing(superuser_client, path, junk):
    response = get(superuser_client, path, id=junk)
    if response.status_code == 200:  # ids that are numbers by name (C000000101, WO...)
        assert response.json() == [] and response["X-Total-Count"] == "0"
    else:
        body = assert_tmf_error(response, 400)
        assert not LEAKS.search(body["message"]), body


# --- openapi.json ------------------------------------------------------------------------------

METHODS = ("get", "post", "put", "patch", "delete")
NOT_AN_OPERATION = {"tmf-unknown-path", "api-root", "openapi-json", "openapi-view"}


def _reached(response: Any) -> bool:
    """The request reached an operation: neither "method not allowed" nor "no such path"."""
    if response.status_code == 405:
        return False
    if response.status_code == 404:
        return not json.loads(response.content)["message"].startswith("no TMF resource at")
    return True


def _call(client: Client, method: str, path: str) -> Any:
    if method in ("post", "put", "patch"):
        return getattr(client, method)(path, data="{}", content_type="application/json")
    return getattr(client, method)(path)


def _served_routes() -> set[str]:
    patterns, _app, _namespace = api.urls
    routes = set()
    for pattern in patterns:
        if getattr(pattern, "name", None) in NOT_AN_OPERATION:
            continue
        routes.add("/tmf-api/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern)))
    return routes


def test_openapi_lists_exactly_the_operations_served(superuser_client):
    response = Client().get("/tmf-api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    listed = {(path, method) for path, operations in document["paths"].items()
              for method in operations if method in METHODS}
    operation_ids = [operation["operationId"] for operations in document["paths"].values()
                     for method, operation in operations.items() if method in METHODS]
    assert len(operation_ids) == len(set(operation_ids)), "operationIds must be unique"
    # Built again, the document is the same (building it must not consume its parts).
    assert Client().get("/tmf-api/openapi.json").json() == document

    served = set()
    for route in _served_routes():
        for method in METHODS:
            if _reached(_call(superuser_client, method, route.replace("{id}", "0"))):
                served.add((route, method))

    assert listed - served == set(), "listed in openapi.json but not served"
    assert served - listed == set(), "served but missing from openapi.json"
    assert ("/tmf-api/partyInteraction/v4/partyInteraction", "post") in listed
    assert ("/tmf-api/communicationManagement/v4/communicationMessage/{id}", "delete") in listed


def test_a_masked_role_cannot_probe_hidden_digits_through_filters(
        org, shop, staff, make_staff, client_for):
    """A role that sees ``181****7570`` must not learn the hidden digits by filtering:
    its filters meet the documents as it sees them, columns and documents alike."""
    full = client_for(staff.agent)
    masked = client_for(make_staff("xd-quality", org.xiaodian, Role.QUALITY_MANAGER))
    line = orders_support.make_household(org.xiaodian, shop).broadband
    text = "客户手机18162207570无法上网"
    made = post(full, TICKETS, fault(line.number, text, note=[{"text": "回电18162207570"}]))
    assert made.status_code == 201, made.content
    ticket = made.json()["id"]

    # The full-number role finds it by what was typed.
    assert ids(get(full, TICKETS, description=text)) == [ticket]
    assert ids(get(full, TICKETS, **{"note.text": "回电18162207570"})) == [ticket]
    # The masked role sees the ticket, masked, and finds it only by what it sees.
    seen = get(masked, TICKETS, id=ticket).json()[0]
    assert seen["description"] == "客户手机181****7570无法上网"
    assert ids(get(masked, TICKETS, description="客户手机181****7570无法上网")) == [ticket]
    for probe in ({"description": text}, {"note.text": "回电18162207570"}):
        answer = get(masked, TICKETS, **probe)
        assert ids(answer) == [] and answer["X-Total-Count"] == "0", probe
