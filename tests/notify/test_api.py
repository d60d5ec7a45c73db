"""TMF681 communicationMessage over HTTP with a bearer token, checked against the spec."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from telcodesk.core import clock
from telcodesk.core.models import Channel
from telcodesk.core.roles import Role
from telcodesk.core.services import do_issue_token
from telcodesk.notify.dispatcher import dispatch_once
from telcodesk.notify.models import OutboxMessage, State
from telcodesk.notify.services import do_opt_in
from telcodesk.notify.transports.base import ReceiptState, SubmitStatus
from tests.factories import AccountFactory, CustomerFactory, SubscriptionFactory
from tests.notify.support import ScriptedTransport, reminder
from tests.tmf_schema import assert_tmf_error, assert_valid

SPEC = "TMF681-Communication-v4.0.0.swagger.json"
BASE = "/tmf-api/communicationManagement/v4/communicationMessage"

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
        xd_clerk = make_staff("xd-clerk", org.xiaodian, Role.COUNTER_CLERK)
        qx_clerk = make_staff("qx-clerk", org.qingxu, Role.COUNTER_CLERK)
        xd_installer = make_staff("xd-installer", org.xiaodian, Role.INSTALLER)
        xd = CustomerFactory(code="C000000101", name="王建国", org_unit=org.xiaodian,
                             contact_phone="+8613812345678")
        qx = CustomerFactory(code="C000000202", name="李秀英", org_unit=org.qingxu,
                             contact_phone="+8613987654321")

    SubscriptionFactory(account=AccountFactory(customer=People.xd), number="+8618912345678")
    return People


def valid(document):
    """Strict check against CommunicationMessage; ``@type`` is telcodesk's convention
    for every resource (the v4 definition does not list it)."""
    assert document.get("@type") == "CommunicationMessage"
    assert_valid(spec=SPEC, definition="CommunicationMessage",
                 instance={k: v for k, v in document.items() if k != "@type"})


def post(client, body):
    return client.post(BASE, json.dumps(body), content_type="application/json")


SIMPLE = {
    "content": "【演示电信】您好，您申报的宽带故障已修复，如仍有问题请致电10000。",
    "messageType": "SMS",
    "receiver": [{"phoneNumber": "189 1234 5678"}],
    "sender": {"phoneNumber": "10000", "name": "演示电信"},
}


def test_create_sends_now_and_the_state_follows_delivery(client_for, people, now):
    client = client_for(people.xd_clerk)
    response = post(client, SIMPLE)
    assert response.status_code == 201, response.content
    document = response.json()
    valid(document)
    assert response["Location"] == document["href"]
    assert document["state"] == "initial"
    assert document["content"] == SIMPLE["content"]
    # The number belongs to Xiaodian's customer: the message is linked to it.
    [receiver] = document["receiver"]
    assert receiver["party"]["id"] == "C000000101"
    assert receiver["phoneNumber"] == "+8618912345678"  # clerks see full numbers
    message = OutboxMessage.objects.get(pk=int(document["id"]))
    assert message.kind == "free_text" and message.channel == Channel.API
    assert message.created_by == people.xd_clerk

    transport = ScriptedTransport()
    dispatch_once(transport=transport, now=now, owner="w1")
    assert client.get(f"{BASE}/{document['id']}").json()["state"] == "inProgress"
    for n in range(1, message.segments + 1):
        transport.deliver(f"scripted-{n}")
    dispatch_once(transport=transport, now=now, owner="w1")
    done = client.get(f"{BASE}/{document['id']}").json()
    valid(done)
    assert done["state"] == "completed"
    assert done["sendTime"] and done["sendTimeComplete"]


def test_scheduled_send_time_is_respected(client_for, people, now):
    later = now + dt.timedelta(hours=3)
    body = {**SIMPLE, "scheduledSendTime": later.isoformat()}
    document = post(client_for(people.xd_clerk), body).json()
    valid(document)
    assert document["scheduledSendTime"] == "2025-09-30T05:00:00Z"
    transport = ScriptedTransport()
    assert dispatch_once(transport=transport, now=later - dt.timedelta(seconds=1),
                         owner="w1").claimed == 0
    assert dispatch_once(transport=transport, now=later, owner="w1").submitted == 1


def test_several_receivers_make_one_message_with_a_state_over_all(client_for, people, now):
    body = {**SIMPLE, "receiver": [{"phoneNumber": "18912345678"},
                                   {"phoneNumber": "+8613700001111"}]}
    client = client_for(people.xd_clerk)
    document = post(client, body).json()
    valid(document)
    assert [r["phoneNumber"] for r in document["receiver"]] == ["+8618912345678",
                                                                "+8613700001111"]
    assert OutboxMessage.objects.count() == 2
    transport = ScriptedTransport(answers=[SubmitStatus.SUBMITTED])
    dispatch_once(transport=transport, now=now, owner="w1")
    # One id per message here: the first receiver's SMS arrives, the second's does not.
    transport.deliver("scripted-1")
    transport.deliver("scripted-2", ReceiptState.UNDELIVERABLE, error_code="001")
    dispatch_once(transport=transport, now=now, owner="w1")
    done = client.get(f"{BASE}/{document['id']}").json()
    assert done["state"] == "failed"
    assert client.get(BASE, {"state": "failed"}).json()[0]["id"] == document["id"]
    assert client.get(BASE, {"state": "completed"}).json() == []


def test_list_filters_pages_and_selects_fields(client_for, people, now):
    client = client_for(people.xd_clerk)
    first = post(client, SIMPLE).json()
    second = post(client, {**SIMPLE, "receiver": [{"phoneNumber": "13700001111"}]}).json()
    response = client.get(BASE)
    assert response.status_code == 200
    items = response.json()
    assert [d["id"] for d in items] == [second["id"], first["id"]]
    for item in items:
        valid(item)
    assert response["X-Total-Count"] == "2"
    page = client.get(BASE, {"limit": 1, "offset": 1})
    assert [d["id"] for d in page.json()] == [first["id"]]
    assert page["X-Result-Count"] == "1" and page["X-Total-Count"] == "2"
    by_number = client.get(BASE, {"receiver.phoneNumber": "189-1234-5678"}).json()
    assert [d["id"] for d in by_number] == [first["id"]]
    assert client.get(BASE, {"state": "initial"}).json() and \
        client.get(BASE, {"state": "completed"}).json() == []
    assert client.get(BASE, {"messageType": "Email"}).json() == []
    slim = client.get(BASE, {"fields": "state"}).json()[0]
    assert set(slim) == {"id", "href", "@type", "state"}
    assert_tmf_error(client.get(BASE, {"colour": "red"}), 400, spec=SPEC)
    assert_tmf_error(client.get(BASE, {"state": "sunny"}), 400, spec=SPEC)


def test_bad_bodies_get_a_tmf_error_and_write_nothing(client_for, people):
    client = client_for(people.xd_clerk)
    bad_bodies = [
        {**SIMPLE, "messageType": "Email"},
        {**SIMPLE, "receiver": []},
        {**SIMPLE, "receiver": [{"phoneNumber": "18912345678"}, {"phoneNumber": "12"}]},
        {**SIMPLE, "sender": {"phoneNumber": "95555"}},
        {**SIMPLE, "content": ""},
        {**SIMPLE, "colour": "red"},
        {**SIMPLE, "scheduledSendTime": "2025-10-01T10:00:00"},
        {**SIMPLE, "characteristic": [{"name": "kind", "value": "one_time_code"}]},
        {**SIMPLE, "receiver": [{"phoneNumber": "18912345678",
                                 "party": {"id": "C000000202", "@referredType": "Customer"}}]},
        {key: value for key, value in SIMPLE.items() if key != "sender"},
    ]
    for body in bad_bodies:
        body_error = assert_tmf_error(post(client, body), 400, spec=SPEC)
        assert body_error["code"] in {"invalid_body", "invalid_recipient"}, body_error
    response = client.post(BASE, "not json", content_type="application/json")
    assert_tmf_error(response, 400, spec=SPEC)
    assert_tmf_error(client.post(BASE, json.dumps(SIMPLE), content_type="text/plain"), 415,
                     spec=SPEC)
    assert not OutboxMessage.objects.exists()


def test_a_dedupe_key_makes_a_repeated_post_send_once(client_for, people):
    client = client_for(people.xd_clerk)
    body = {**SIMPLE, "characteristic": [{"name": "dedupeKey", "value": "crm-4711"}]}
    first = post(client, body)
    again = post(client, body)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert OutboxMessage.objects.count() == 1


def test_marketing_through_the_api_honours_consent(client_for, people, now):
    client = client_for(people.xd_clerk)
    body = {**SIMPLE, "content": "国庆特惠：加10元得30GB。",
            "characteristic": [{"name": "kind", "value": "marketing"}]}
    refused = post(client, body).json()
    assert refused["state"] == "cancelled"
    assert {"name": "stateReason", "valueType": "string",
            "value": "no marketing consent"} in refused["characteristic"]
    do_opt_in(now=now, number="18912345678", source="test")
    sent = post(client, body).json()
    assert sent["state"] == "initial"
    assert sent["content"].endswith("回复TD退订")


def test_scoping_and_masking(client_for, people, now):
    xd_message = reminder(now, key="xd", customer=people.xd)
    qx_message = reminder(now, key="qx", recipient="+8613987654321", customer=people.qx)
    created_by_qx_clerk = post(client_for(people.qx_clerk), {
        **SIMPLE, "receiver": [{"phoneNumber": "13700001111"}]}).json()
    xd_view = client_for(people.xd_clerk).get(BASE).json()
    assert {d["id"] for d in xd_view} == {str(xd_message.pk)}
    qx_client = client_for(people.qx_clerk)
    assert {d["id"] for d in qx_client.get(BASE).json()} == {
        str(qx_message.pk), created_by_qx_clerk["id"]}
    assert_tmf_error(qx_client.get(f"{BASE}/{xd_message.pk}"), 404, spec=SPEC)
    assert_tmf_error(qx_client.get(f"{BASE}/nope"), 404, spec=SPEC)
    installer_view = client_for(people.xd_installer).get(f"{BASE}/{xd_message.pk}").json()
    assert installer_view["receiver"][0]["phoneNumber"] == "189****5678"


def test_unauthenticated_requests_and_other_methods_are_refused(client_for, people, now):
    assert_tmf_error(Client().get(BASE), 401, spec=SPEC)
    message = reminder(now, customer=people.xd)
    client = client_for(people.xd_clerk)
    patched = client.patch(f"{BASE}/{message.pk}", "{}", content_type="application/json")
    assert_tmf_error(patched, 405, spec=SPEC)
    assert OutboxMessage.objects.get().state == State.QUEUED


def test_a_deleted_message_leaves_the_api_and_stays_on_record(client_for, people, now):
    clerk = client_for(people.xd_clerk)
    created = post(clerk, {**SIMPLE, "receiver": [{"phoneNumber": "189 1234 5678"},
                                                  {"phoneNumber": "139 8765 4321"}],
                           "characteristic": [{"name": "dedupeKey", "value": "k-1"}]})
    assert created.status_code == 201, created.content
    message_id = created.json()["id"]
    other_branch = client_for(people.qx_clerk)
    assert_tmf_error(other_branch.delete(f"{BASE}/{message_id}"), 404, spec=SPEC)

    response = clerk.delete(f"{BASE}/{message_id}")

    assert response.status_code == 204, response.content
    assert_tmf_error(clerk.get(f"{BASE}/{message_id}"), 404, spec=SPEC)
    listed = clerk.get(BASE)
    assert listed.json() == [] and listed["X-Total-Count"] == "0"
    assert_tmf_error(clerk.delete(f"{BASE}/{message_id}"), 404, spec=SPEC)
    # Both rows are kept for the audit; nothing unsent goes out under a deleted message.
    rows = OutboxMessage.objects.order_by("pk")
    assert [(m.deleted_at, m.state) for m in rows] == [(now, State.CANCELLED)] * 2
    # The same dedupeKey does not quietly answer with the deleted message.
    again = post(clerk, {**SIMPLE, "characteristic": [{"name": "dedupeKey", "value": "k-1"}]})
    assert assert_tmf_error(again, 409, spec=SPEC)["code"] == "deleted"


def test_only_the_creator_or_a_resending_role_may_delete(client_for, people, org, make_staff,
                                                          now):
    other_clerk = make_staff("xd-clerk-2", org.xiaodian, Role.COUNTER_CLERK)
    manager = make_staff("xd-manager", org.xiaodian, Role.BRANCH_MANAGER)
    created = post(client_for(people.xd_clerk), SIMPLE).json()
    system_sms = reminder(now, key="system", customer=people.xd)

    # A colleague who can read the message may not delete it, nor a system message.
    refused = client_for(other_clerk).delete(f"{BASE}/{created['id']}")
    assert assert_tmf_error(refused, 403, spec=SPEC)["code"] == "forbidden"
    refused = client_for(people.xd_clerk).delete(f"{BASE}/{system_sms.pk}")
    assert assert_tmf_error(refused, 403, spec=SPEC)["code"] == "forbidden"
    assert not OutboxMessage.objects.filter(deleted_at__isnull=False).exists()

    assert client_for(people.xd_clerk).delete(f"{BASE}/{created['id']}").status_code == 204
    assert client_for(manager).delete(f"{BASE}/{system_sms.pk}").status_code == 204


def test_a_deleted_message_whose_worker_died_is_never_sent(client_for, people, now):
    from telcodesk.notify.dispatcher import claim_batch

    clerk = client_for(people.xd_clerk)
    created = post(clerk, SIMPLE).json()
    [claimed] = claim_batch(now=now, owner="worker-that-dies", limit=10,
                            lease=dt.timedelta(seconds=60))
    assert str(claimed.id) == created["id"]
    assert clerk.delete(f"{BASE}/{created['id']}").status_code == 204

    later = now + dt.timedelta(minutes=5)
    assert claim_batch(now=later, owner="w2", limit=10) == []
    message = OutboxMessage.objects.get()
    assert message.state == State.CANCELLED and message.lease_owner == ""


def test_a_deleted_message_is_not_resent(people, org, make_staff, now):
    from telcodesk.notify.errors import NotifyError
    from telcodesk.notify.services import do_resend

    manager = make_staff("xd-manager", org.xiaodian, Role.BRANCH_MANAGER)
    message = reminder(now, customer=people.xd)
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=State.FAILED, deleted_at=now, finished_at=now)
    message.refresh_from_db()
    with pytest.raises(NotifyError) as refused:
        do_resend(now=now, message=message, actor=manager)
    assert refused.value.code == "deleted"
    message.refresh_from_db()
    assert message.state == State.FAILED
