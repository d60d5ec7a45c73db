"""Complaints over the TMF621 API (``/tmf-api/troubleTicket/v4/complaint``), as an
integrator sees them: bearer token, TroubleTicket documents, TMF errors."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from telcodesk.care.models import Complaint, ComplaintState
from telcodesk.care.services import complaints as services
from telcodesk.core import clock, phone
from telcodesk.core.models import Channel
from telcodesk.core.services import do_issue_token
from tests.care.complaints_support import (
    hours,
    make_household,
    outbox,
    receive,
)
from tests.tmf_schema import assert_tmf_error, assert_valid

SPEC = "TMF621-TroubleTicket-v4.0.0.swagger.json"
BASE = "/tmf-api/troubleTicket/v4/complaint"
MERGE_PATCH = "application/merge-patch+json"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch, now):
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture
def client_for(now):
    def make(user) -> Client:
        issued = do_issue_token(now=now, user=user, name="test", actor=None, channel=Channel.CLI)
        return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")

    return make


def body(customer_code: str, **extra):
    return {"name": "话费多扣", "description": "9月话费多扣了20元，要求退还", "severity": "minor",
            "ticketType": "complaint", "@type": "TroubleTicket",
            "channel": {"id": "hotline"},
            "relatedParty": [{"id": customer_code, "role": "customer",
                              "@referredType": "Customer"}],
            "relatedEntity": [{"id": "billing", "role": "category",
                               "@referredType": "ComplaintCategory"},
                              {"id": "2025-09", "role": "bill",
                               "@referredType": "CustomerBill"}],
            **extra}


def post(client, data):
    return client.post(BASE, data=json.dumps(data), content_type="application/json")


def patch(client, code, data):
    return client.patch(f"{BASE}/{code}", data=json.dumps(data), content_type=MERGE_PATCH)


def error(response, status):
    return assert_tmf_error(response, status, spec=SPEC)


def test_create_a_complaint(now, home, people, client_for):
    response = post(client_for(people.handler), body(
        home.customer.code, note=[{"text": "客户情绪激动"}],
        relatedEntity=[*body("")["relatedEntity"],
                       {"id": phone.national(home.mobile.number), "role": "affectedProduct",
                        "@referredType": "Product"}]))
    assert response.status_code == 201, response.content
    ticket = response.json()
    assert_valid(spec=SPEC, definition="TroubleTicket", instance=ticket)
    assert response["Location"] == ticket["href"]
    assert ticket["href"].endswith(f"/tmf-api/troubleTicket/v4/complaint/{ticket['id']}")
    assert ticket["id"].startswith("CP")
    assert (ticket["ticketType"], ticket["@type"], ticket["severity"]) == (
        "complaint", "TroubleTicket", "minor")
    assert ticket["status"] == "inProgress"  # the note started the work
    assert [c["status"] for c in ticket["statusChange"]] == ["acknowledged", "inProgress"]
    assert ticket["channel"]["id"] == "hotline"
    assert ticket["expectedResolutionDate"] == "2025-10-02T02:00:00Z"  # 48 h after 10:00 +08
    entities = {e["role"]: e["id"] for e in ticket["relatedEntity"]}
    assert entities["category"] == "billing" and entities["bill"] == "2025-09"
    assert entities["affectedProduct"] == phone.mask(home.mobile.number)  # handler: masked
    parties = {p["role"]: p["id"] for p in ticket["relatedParty"]}
    assert parties == {"customer": home.customer.code, "owner": "xd-handler",
                       "handler": "xd-handler"}
    assert [n["text"] for n in ticket["note"]] == ["客户情绪激动"]
    complaint = Complaint.objects.get(code=ticket["id"])
    assert complaint.owner == people.handler and complaint.summary == "话费多扣"
    assert complaint.details == "9月话费多扣了20元，要求退还"
    assert [m.kind for m in outbox()] == ["complaint_received"]


def test_a_complaint_without_a_channel_gets_a_tmf_error(home, people, client_for):
    client = client_for(people.handler)
    without = body(home.customer.code)
    del without["channel"]
    message = error(post(client, without), 400)["message"]
    assert "a complaint needs its channel" in message and "supervision_line" in message
    error(post(client, {**body(home.customer.code), "channel": {"id": "pigeon"}}), 400)
    assert not Complaint.objects.exists()


def test_other_bad_bodies_are_refused(home, people, client_for, org, shop):
    client = client_for(people.handler)
    other = make_household(org.datong, shop)
    no_category = body(home.customer.code)
    no_category["relatedEntity"] = []
    cases = [
        no_category,
        {**body(home.customer.code), "ticketType": "fault"},
        {**body(home.customer.code), "colour": "red"},
        body(other.customer.code),  # another city's customer: not in the handler's branch
        {**body(home.customer.code), "relatedEntity": [
            {"id": "weather", "role": "category", "@referredType": "ComplaintCategory"}]},
        {**body(home.customer.code), "relatedEntity": [
            *body("")["relatedEntity"], {"id": "WO999999999", "role": "relatedTicket",
                                         "@referredType": "TroubleTicket"}]},
    ]
    for data in cases:
        error(post(client, data), 400)
    assert client.post(BASE, data="{", content_type="application/json").status_code == 400
    assert not Complaint.objects.exists()
    error(post(client_for(people.tech), body(home.customer.code)), 403)
    assert not Complaint.objects.exists()


def test_a_complaint_from_a_number_only(people, client_for):
    data = body("x", channel={"id": "sms"})
    data["relatedParty"] = [{"id": "13912345678", "role": "complainant",
                             "@referredType": "Individual"}]
    response = post(client_for(people.agent), data)
    assert response.status_code == 201, response.content
    ticket = response.json()
    assert_valid(spec=SPEC, definition="TroubleTicket", instance=ticket)
    parties = {p["role"]: p["id"] for p in ticket["relatedParty"]}
    assert parties["complainant"] == "+8613912345678"  # a hotline agent sees full numbers


def test_list_retrieve_filters_and_fields(now, home, people, client_for, org, shop):
    billing = receive(now - hours(2), people.handler, customer=home.customer)
    network = receive(now, people.handler, customer=home.customer, category="network",
                      channel="letter")
    elsewhere = receive(now, people.qx_handler,
                        customer=make_household(org.qingxu, shop).customer)
    client = client_for(people.handler)
    response = client.get(BASE)
    assert response.status_code == 200
    assert_valid(spec=SPEC, definition="TroubleTicket", instance=response.json())
    assert [t["id"] for t in response.json()] == [network.code, billing.code]
    assert response["X-Total-Count"] == "2" and response["X-Result-Count"] == "2"
    assert [t["id"] for t in client.get(BASE, {"category": "network"}).json()] == [
        network.code]
    assert [t["id"] for t in client.get(BASE, {"channel.id": "letter,sms"}).json()] == [
        network.code]
    assert client.get(BASE, {"status": "resolved"}).json() == []
    page = client.get(BASE, {"limit": 1, "offset": 1, "fields": "status"})
    assert page.json() == [{"id": billing.code, "href": page.json()[0]["href"],
                            "@type": "TroubleTicket", "status": "acknowledged"}]
    assert page["X-Total-Count"] == "2"
    error(client.get(BASE, {"colour": "red"}), 400)
    error(client.get(BASE, {"status": "sleeping"}), 400)
    item = client.get(f"{BASE}/{billing.code}")
    assert item.status_code == 200
    assert_valid(spec=SPEC, definition="TroubleTicket", instance=item.json())
    error(client.get(f"{BASE}/{elsewhere.code}"), 404)
    error(client.get(f"{BASE}/CP999999999"), 404)


def test_reply_and_close_through_patch(now, home, people, client_for):
    complaint = receive(now - hours(30), people.handler, customer=home.customer)
    client = client_for(people.handler)
    error(patch(client, complaint.code, {"status": "resolved"}), 400)  # the reply is missing
    error(patch(client, complaint.code, {"status": "closed"}), 409)  # not replied yet
    error(patch(client, complaint.code, {"status": "cancelled"}), 409)
    error(patch(client, complaint.code, {"name": "x"}), 400)  # not patchable
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.OPEN

    response = patch(client, complaint.code, {
        "status": "resolved", "statusChangeReason": "多扣20元已退回",
        "note": [{"text": "已与计费中心核对"}]})
    assert response.status_code == 200, response.content
    ticket = response.json()
    assert_valid(spec=SPEC, definition="TroubleTicket", instance=ticket)
    assert ticket["status"] == "resolved"
    assert ticket["statusChangeReason"] == "多扣20元已退回"
    assert ticket["resolutionDate"] == "2025-09-30T02:00:00Z"
    complaint.refresh_from_db()
    assert complaint.reply_clock.counted_duration == 30
    assert complaint.reply_text == "多扣20元已退回"

    response = patch(client, complaint.code, {"status": "closed"})
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert [m.kind for m in outbox()][-1] == "satisfaction_survey"
    error(patch(client, complaint.code, {"status": "acknowledged"}), 409)
    error(client.delete(f"{BASE}/{complaint.code}"), 405)


def test_a_failed_patch_changes_nothing(now, home, people, client_for):
    complaint = receive(now, people.handler, customer=home.customer)
    response = patch(client_for(people.handler), complaint.code, {
        "note": [{"text": "先记一笔"}], "status": "closed"})
    error(response, 409)
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.OPEN
    assert complaint.events.count() == 1  # only "received"


def test_start_work_through_patch_and_repeat_and_appeal_in_the_document(now, home, people,
                                                                        client_for):
    first = receive(now - hours(48), people.handler, customer=home.customer)
    complaint = receive(now, people.handler, customer=home.customer)
    client = client_for(people.handler)
    error(patch(client, complaint.code, {"status": "inProgress"}), 400)  # say what is done
    ticket = patch(client, complaint.code, {"status": "inProgress",
                                            "statusChangeReason": "联系计费中心"}).json()
    assert ticket["status"] == "inProgress" and ticket["severity"] == "major"  # a repeat
    assert ticket["troubleTicketRelationship"][0]["id"] == first.code
    services.do_record_regulator_appeal(now=now, actor=people.handler, complaint=complaint,
                                        reference="MIIT-2025-1")
    ticket = client.get(f"{BASE}/{complaint.code}").json()
    assert_valid(spec=SPEC, definition="TroubleTicket", instance=ticket)
    assert (ticket["severity"], ticket["externalId"]) == ("critical", "MIIT-2025-1")


def test_events_go_to_trouble_ticket_listeners(now, home, people, client_for):
    from telcodesk.core.models import TmfEvent

    client = client_for(people.manager)
    hub = client.post("/tmf-api/troubleTicket/v4/hub", data=json.dumps(
        {"callback": "https://bss.example/listener", "query": "ticketType=complaint"}),
        content_type="application/json")
    assert hub.status_code == 201, hub.content
    response = post(client, body(home.customer.code))
    assert response.status_code == 201
    event = TmfEvent.objects.get()
    assert event.event_type == "TroubleTicketCreateEvent"
    resource = event.payload["event"]["troubleTicket"]
    assert resource["id"] == response.json()["id"]
    assert resource["ticketType"] == "complaint"


def _complaint_footprint() -> dict[str, int]:
    from telcodesk.core.models import AuditEntry
    from telcodesk.notify.models import OutboxMessage
    from telcodesk.sla.models import SlaClock

    return {"complaints": Complaint.objects.count(), "clocks": SlaClock.objects.count(),
            "sms": OutboxMessage.objects.count(),
            "audit": AuditEntry.objects.exclude(action__startswith="token.").count()}


def test_a_complaint_whose_last_note_is_refused_is_not_registered(home, people, client_for):
    client = client_for(people.handler)
    before = _complaint_footprint()

    error(post(client, body(home.customer.code, note=[{"text": "客户情绪激动"}, {"text": " "}])),
          400)

    assert _complaint_footprint() == before
    assert post(client, body(home.customer.code)).status_code == 201


def test_a_patch_refused_at_its_status_move_adds_no_note(now, home, people, client_for):
    complaint = receive(now, people.handler, customer=home.customer)
    before = _complaint_footprint()
    notes = complaint.events.count()

    error(patch(client_for(people.handler), complaint.code,
                {"note": [{"text": "已联系客户"}], "status": "resolved"}), 400)  # no reply text

    assert _complaint_footprint() == before and complaint.events.count() == notes
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.OPEN
