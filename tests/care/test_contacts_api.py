"""TMF683 partyInteraction: hotline calls as contacts, over HTTP with a bearer token,
checked against the specification."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from telcodesk.care.models import HotlineCall, PartyInteraction
from telcodesk.core import clock
from telcodesk.core.models import Channel
from telcodesk.core.roles import Role
from telcodesk.core.services import do_issue_token
from tests.care.factories_calls import make_call
from tests.factories import ComplaintFactory, CustomerFactory
from tests.tmf_schema import assert_tmf_error, assert_valid

SPEC = "TMF683-PartyInteraction-v4.0.0.swagger.json"
BASE = "/tmf-api/partyInteraction/v4/partyInteraction"
SH = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch, now):
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture
def client_for(now):
    def make(user) -> Client:
        issued = do_issue_token(now=now, user=user, name="test", actor=None, channel=Channel.CLI)
        return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")

    return make


@pytest.fixture
def people(org, make_staff):
    class People:
        agent = make_staff("api-agent", org.province, Role.HOTLINE_AGENT)
        quality = make_staff("api-quality", org.province, Role.QUALITY_MANAGER)
        qx_clerk = make_staff("api-qx", org.qingxu, Role.COUNTER_CLERK)

    return People


@pytest.fixture
def calls(org, people):
    customer = CustomerFactory(code="C000000321", name="李秀英", org_unit=org.xiaodian,
                               contact_phone="+8613812345678")
    t = dt.datetime(2025, 9, 29, 9, 0, tzinfo=SH)
    answered = make_call(queue="10000-repair", at=t, wait=12, talk=300, caller="+8613812345678",
                         customer=customer, agent="Agent/8001")
    abandoned = make_call(queue="10000-night", at=t + dt.timedelta(hours=1), wait=4,
                          outcome="abandoned", caller="+8613987654321")
    waiting = make_call(queue="10000-mobile", at=t + dt.timedelta(hours=2), wait=None,
                        outcome="unknown", caller="+8613700001111")
    ComplaintFactory(
        code="CP000000001", channel="hotline", category="network", summary="宽带断线",
        customer=customer, contact=answered, org_unit=org.xiaodian, area="urban",
        owner=people.agent, handler=people.agent, received_at=t + dt.timedelta(minutes=6),
        updated_at=t + dt.timedelta(minutes=6))
    return customer, answered, abandoned, waiting


def valid(document):
    """Strict check against PartyInteraction; ``@type`` is telcodesk's convention for every
    resource (the v4 definition does not list it)."""
    assert document.get("@type") == "PartyInteraction"
    assert_valid(spec=SPEC, definition="PartyInteraction",
                 instance={k: v for k, v in document.items() if k != "@type"})


def test_retrieve_a_call_as_a_party_interaction(client_for, people, calls):
    customer, answered, *_ = calls
    response = client_for(people.agent).get(f"{BASE}/{answered.pk}")
    assert response.status_code == 200
    body = response.json()
    valid(body)
    assert body["id"] == str(answered.pk)
    assert body["href"].endswith(f"{BASE}/{answered.pk}")
    assert body["direction"] == "inbound" and body["status"] == "completed"
    assert body["interactionDate"] == {"startDateTime": "2025-09-29T01:00:00Z",
                                       "endDateTime": "2025-09-29T01:05:12Z"}
    assert body["channel"] == [{"id": "hotline", "name": "hotline", "role": "inbound call"}]
    assert body["reason"] == "Broadband and fixed-line repair"
    assert "queue 10000-repair" in body["description"]
    assert "outcome answered" in body["description"] and "waited 12 s" in body["description"]
    parties = {p["role"]: p for p in body["relatedParty"]}
    assert parties["customer"]["id"] == customer.code
    assert parties["customer"]["@referredType"] == "Customer"
    assert parties["customer"]["href"].endswith(
        f"/tmf-api/customerManagement/v4/customer/{customer.code}")
    assert parties["caller"]["id"] == "+8613812345678"
    assert parties["agent"]["id"] == "Agent/8001"
    assert body["interactionItem"][0]["item"] == {"id": "CP000000001", "role": "complaint",
                                                  "@referredType": "Complaint"}


def test_numbers_are_masked_for_roles_that_do_not_see_them(client_for, people, calls):
    _, answered, *_ = calls
    body = client_for(people.quality).get(f"{BASE}/{answered.pk}").json()
    caller = next(p for p in body["relatedParty"] if p["role"] == "caller")
    assert caller["id"] == "138****5678"
    assert "13812345678" not in str(body)


def test_list_with_paging_filters_and_fields(client_for, people, calls):
    customer, answered, abandoned, waiting = calls
    client = client_for(people.agent)
    response = client.get(BASE)
    assert response.status_code == 200
    assert response["X-Total-Count"] == "3"
    items = response.json()
    for item in items:
        valid(item)
    assert [i["id"] for i in items] == [str(waiting.pk), str(abandoned.pk), str(answered.pk)]
    assert items[0]["status"] == "inProgress" and "endDateTime" not in items[0]["interactionDate"]
    assert items[1]["reason"] == "queue 10000-night"  # not mapped to a group

    page = client.get(BASE, {"limit": 1, "offset": 1})
    assert page["X-Total-Count"] == "3" and page["X-Result-Count"] == "1"
    assert page.json()[0]["id"] == str(abandoned.pk)

    def ids(**query) -> list[str]:
        return [i["id"] for i in client.get(BASE, query).json()]

    assert ids(**{"relatedParty.id": customer.code}) == [str(answered.pk)]
    assert ids(**{"relatedParty.id": "139 8765 4321"}) == [str(abandoned.pk)]
    assert ids(status="inProgress") == [str(waiting.pk)]
    assert ids(status="completed") == [str(abandoned.pk), str(answered.pk)]
    assert ids(**{"creationDate.gte": "2025-09-29T01:30:00Z"}) == [str(waiting.pk),
                                                                  str(abandoned.pk)]
    assert ids(**{"creationDate.lt": "2025-09-29T01:30:00Z"}) == [str(answered.pk)]
    assert ids(direction="outbound") == []

    selected = client.get(BASE, {"fields": "status,reason"}).json()[0]
    assert set(selected) == {"id", "href", "@type", "status", "reason"}


def test_bad_requests_are_tmf_errors(client_for, people, calls):
    client = client_for(people.agent)
    assert_tmf_error(client.get(BASE, {"queue": "x"}), 400, spec=SPEC)
    assert_tmf_error(client.get(BASE, {"fields": "nope"}), 400, spec=SPEC)
    assert_tmf_error(client.get(BASE, {"status": "closed"}), 400, spec=SPEC)
    assert_tmf_error(client.get(f"{BASE}/999999"), 404, spec=SPEC)
    assert_tmf_error(client.get(f"{BASE}/abc"), 404, spec=SPEC)
    assert_tmf_error(Client().get(BASE), 401, spec=SPEC)


def test_calls_of_another_branchs_customer_are_not_found(client_for, people, calls):
    _, answered, abandoned, _ = calls
    client = client_for(people.qx_clerk)
    assert_tmf_error(client.get(f"{BASE}/{answered.pk}"), 404, spec=SPEC)
    listed = [i["id"] for i in client.get(BASE).json()]
    assert str(answered.pk) not in listed and str(abandoned.pk) in listed


# --- POST: recording a visit, a chat... -------------------------------------------------------


def record(client, body, content_type="application/json"):
    return client.post(BASE, data=json.dumps(body), content_type=content_type)


def visit(customer_code=None, **extra):
    body = {"reason": "办理宽带提速", "direction": "inbound",
            "channel": [{"id": "visit", "name": "营业厅"}],
            "description": "客户到营业厅咨询提速", **extra}
    if customer_code:
        body["relatedParty"] = [{"id": customer_code, "role": "customer",
                                 "@referredType": "Customer"}]
    return body


@pytest.fixture
def xd_clerk(org, make_staff):
    return make_staff("api-xd-clerk", org.xiaodian, Role.COUNTER_CLERK)


def test_a_clerk_records_a_visit_that_reads_back_and_lists_with_the_calls(
        client_for, people, calls, xd_clerk, now):
    customer, answered, abandoned, waiting = calls
    client = client_for(xd_clerk)
    calls_before = HotlineCall.objects.count()

    response = record(client, visit(customer.code, direction="Inbound", note=[
        {"text": "带身份证原件"}], interactionDate={"startDateTime": "2025-09-30T01:50:00Z"}))

    assert response.status_code == 201, response.content
    created = response.json()
    valid(created)
    assert response["Location"] == created["href"]
    assert created["id"].startswith("PI") and created["href"].endswith(f"{BASE}/{created['id']}")
    assert (created["direction"], created["status"], created["reason"]) == (
        "inbound", "completed", "办理宽带提速")
    assert created["channel"][0]["id"] == "visit"
    assert created["creationDate"] == "2025-09-30T02:00:00Z"  # now, 10:00 in Shanghai
    assert created["interactionDate"] == {"startDateTime": "2025-09-30T01:50:00Z"}
    assert created["note"][0]["text"] == "带身份证原件"
    parties = {p["role"]: p["id"] for p in created["relatedParty"]}
    assert parties == {"customer": customer.code, "agent": "api-xd-clerk"}
    assert client.get(created["href"]).json() == created
    # Recorded interactions are no hotline calls: the hotline figures do not change.
    assert HotlineCall.objects.count() == calls_before

    listed = client.get(BASE)
    assert [i["id"] for i in listed.json()] == [
        created["id"], str(waiting.pk), str(abandoned.pk), str(answered.pk)]
    assert listed["X-Total-Count"] == "4"
    page = client.get(BASE, {"limit": 2, "offset": 1})
    assert [i["id"] for i in page.json()] == [str(waiting.pk), str(abandoned.pk)]
    assert (page["X-Total-Count"], page["X-Result-Count"]) == ("4", "2")
    mine = client.get(BASE, {"relatedParty.id": customer.code, "limit": 1, "offset": 1})
    assert [i["id"] for i in mine.json()] == [str(answered.pk)]
    assert mine["X-Total-Count"] == "2"
    assert [i["id"] for i in client.get(BASE, {"reason": "办理宽带提速"}).json()] == [
        created["id"]]


def test_a_recorded_interaction_stays_in_its_branch(client_for, people, calls, xd_clerk):
    customer, *_ = calls
    created = record(client_for(xd_clerk), visit(customer.code)).json()
    other = client_for(people.qx_clerk)
    assert_tmf_error(other.get(f"{BASE}/{created['id']}"), 404, spec=SPEC)
    listed = other.get(BASE, {"id": created["id"]})
    assert listed.json() == [] and listed["X-Total-Count"] == "0"
    # Without a customer it belongs to the recording clerk's branch.
    own = record(client_for(people.qx_clerk), visit(channel=[{"id": "Chat"}])).json()
    assert own["channel"][0]["id"] == "chat"
    assert_tmf_error(client_for(xd_clerk).get(f"{BASE}/{own['id']}"), 404, spec=SPEC)


@pytest.mark.parametrize(("change", "words"), [
    ({"reason": None}, "reason"),
    ({"reason": ""}, "reason"),
    ({"direction": "sideways"}, "direction"),
    ({"channel": []}, "channel"),
    ({"channel": [{"id": "pigeon"}]}, "unknown channel 'pigeon'"),
    ({"status": "closed"}, "status"),
    ({"interactionItem": [{"id": "1"}]}, "not a supported attribute"),
    ({"interactionDate": {"startDateTime": "2025-10-01T00:00:00Z"}}, "in the future"),
    ({"relatedParty": [{"id": "C000000999", "@referredType": "Customer"}]}, "no customer"),
    ({"relatedParty": [{"id": "someone", "@referredType": "Individual"}]}, "at most one customer"),
])
def test_a_bad_interaction_is_refused_and_nothing_is_recorded(
        client_for, xd_clerk, calls, change, words):
    body = {k: v for k, v in {**visit(), **change}.items() if v is not None}
    refused = assert_tmf_error(record(client_for(xd_clerk), body), 400, spec=SPEC)
    assert words in refused["message"]
    assert PartyInteraction.objects.count() == 0


def test_a_customer_of_another_branch_cannot_be_named(client_for, people, calls):
    customer, *_ = calls  # a Xiaodian customer
    refused = assert_tmf_error(record(client_for(people.qx_clerk), visit(customer.code)), 400,
                               spec=SPEC)
    assert "no customer" in refused["message"]
    assert PartyInteraction.objects.count() == 0


def test_who_may_record_and_how(client_for, people, calls):
    assert_tmf_error(record(client_for(people.quality), visit()), 403, spec=SPEC)
    assert_tmf_error(record(client_for(people.agent), visit(), content_type="text/plain"), 415,
                     spec=SPEC)
    assert_tmf_error(Client().post(BASE, data="{}", content_type="application/json"), 401,
                     spec=SPEC)
    assert PartyInteraction.objects.count() == 0


def test_reason_filters_calls_in_the_database(client_for, people, calls):
    _customer, answered, abandoned, _waiting = calls
    client = client_for(people.agent)
    repair = client.get(BASE, {"reason": "Broadband and fixed-line repair"})
    assert [i["id"] for i in repair.json()] == [str(answered.pk)]
    night = client.get(BASE, {"reason": "queue 10000-night"})
    assert [i["id"] for i in night.json()] == [str(abandoned.pk)]
    assert client.get(BASE, {"reason": "nothing like it"}).json() == []


def test_a_filter_the_calls_cannot_index_is_bounded(client_for, people, calls, monkeypatch,
                                                     django_assert_max_num_queries):
    from telcodesk.core import tmf

    client = client_for(people.agent)
    t = dt.datetime(2025, 9, 30, 9, 0, tzinfo=SH)
    for minute in range(30):
        make_call(queue="10000-repair", at=t + dt.timedelta(minutes=minute), wait=3,
                  caller="+8613700002222")
    monkeypatch.setattr(tmf, "DOCUMENT_FILTER_CAP", 10)
    with django_assert_max_num_queries(12):
        refused = client.get(BASE, {"description": "anything"})
    assert "description" in assert_tmf_error(refused, 400)["message"]
    with django_assert_max_num_queries(12):
        found = client.get(BASE, {"reason": "queue 10000-night"})
    assert found.status_code == 200 and len(found.json()) == 1
