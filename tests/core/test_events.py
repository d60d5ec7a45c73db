"""The TMF event hub as an integrator sees it: register a listener, receive events.

Events are received by a real HTTP listener on 127.0.0.1 running in a thread;
it refuses the first deliveries on request, to show the retries.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.test import Client
from django.urls import path

from telcodesk.core import clock
from telcodesk.core.api_auth import API_AUTH
from telcodesk.core.events import (
    claim_event,
    deliver_due_events,
    do_publish_event,
    do_register_listener,
    do_unregister_listener,
    has_listeners,
    hub_router,
    query_matches,
    retry_delay,
)
from telcodesk.core.models import Channel, HubRegistration, TmfEvent, TmfEventState
from telcodesk.core.roles import Role
from telcodesk.core.services import do_issue_token
from telcodesk.core.tmf import TmfNinjaAPI
from tests.tmf_schema import assert_tmf_error, assert_valid

SPEC = "TMF621-TroubleTicket-v4.0.0.swagger.json"

# A TMF API of its own for these tests, mounting the hub the way resources do.
_test_api = TmfNinjaAPI(title="events test", version="4.0.0", urls_namespace="events-test",
                        auth=API_AUTH)
_test_api.add_router("troubleTicket/v4/", hub_router("troubleTicket", "troubleTicket"))
urlpatterns = [path("tmf-api/", _test_api.urls)]

HUB = "/tmf-api/troubleTicket/v4/hub"
TICKET = {"id": "WO000000123", "@type": "TroubleTicket", "status": "resolved",
          "ticketType": "repair", "relatedParty": [{"id": "C001", "role": "customer",
                                                    "@referredType": "Customer"}]}

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch, now):
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture(autouse=True)
def org_units_as_subjects(monkeypatch):
    """The events here are "about" an org unit, visible to the staff of its subtree."""
    from telcodesk.core import events
    from telcodesk.core.models import OrgUnit
    from telcodesk.core.selectors import visible_org_units

    monkeypatch.setitem(events._SUBJECTS, events.subject_type(OrgUnit), visible_org_units)


@pytest.fixture
def client_for(now):
    def make(user) -> Client:
        issued = do_issue_token(now=now, user=user, name="test", actor=None, channel=Channel.CLI)
        return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")

    return make


@pytest.fixture
def integrator(org, make_staff):
    return make_staff("bss", org.operator, Role.COUNTER_CLERK)


class Listener:
    """A callback endpoint: records what it receives, answers with queued statuses."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.statuses: list[int] = []  # answers for the next requests; 201 once empty
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                status = listener.statuses.pop(0) if listener.statuses else 201
                if 200 <= status < 300:
                    listener.received.append(body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/listener"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def dead_url() -> str:
    """A callback on a port nobody listens on (bound, then closed)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}/gone"


# --- POST /hub, DELETE /hub/{id} -------------------------------------------------------------


def test_integrator_registers_a_listener(client_for, integrator):
    client = client_for(integrator)
    response = client.post(HUB, data=json.dumps({
        "callback": "https://bss.example.net/listener",
        "query": "eventType=TroubleTicketStatusChangeEvent"}), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["callback"] == "https://bss.example.net/listener"
    assert body["query"] == "eventType=TroubleTicketStatusChangeEvent"
    assert response["Location"].endswith(f"{HUB}/{body['id']}")
    assert_valid(spec=SPEC, definition="EventSubscription", instance=body)
    registration = HubRegistration.objects.get(pk=int(body["id"]))
    assert registration.api == "troubleTicket"
    assert registration.created_by == integrator


@pytest.mark.parametrize("body", [
    {"callback": "not a url"},
    {"callback": "ftp://bss.example.net/x"},
    {"query": "eventType=X"},
    {"callback": "https://bss.example.net/x", "query": "eventType="},
    {"callback": "https://bss.example.net/x", "colour": "red"},
])
def test_a_bad_registration_is_refused_and_nothing_is_stored(client_for, integrator, body):
    response = client_for(integrator).post(HUB, data=json.dumps(body),
                                           content_type="application/json")
    assert_tmf_error(response, 400)
    assert not HubRegistration.objects.exists()


def test_registering_needs_authentication(db):
    response = Client().post(HUB, data=json.dumps({"callback": "https://x.example/l"}),
                             content_type="application/json")
    assert_tmf_error(response, 401)


def test_a_listener_is_removed_by_its_owner_only(client_for, integrator, make_staff, org):
    client = client_for(integrator)
    created = client.post(HUB, data=json.dumps({"callback": "https://bss.example.net/l"}),
                          content_type="application/json").json()
    other = client_for(make_staff("other", org.xiaodian, Role.COUNTER_CLERK))
    assert_tmf_error(other.delete(f"{HUB}/{created['id']}"), 404)
    assert client.delete(f"{HUB}/{created['id']}").status_code == 204
    assert not HubRegistration.objects.exists()
    assert_tmf_error(client.delete(f"{HUB}/{created['id']}"), 404)
    assert_tmf_error(client.delete(f"{HUB}/abc"), 404)


def test_an_administrator_may_remove_any_listener(client_for, integrator, make_staff, org, now):
    registration = do_register_listener(now=now, api="troubleTicket",
                                        callback="https://x.example/l", actor=integrator)
    admin = client_for(make_staff("admin", org.operator, Role.ADMINISTRATOR))
    assert admin.delete(f"{HUB}/{registration.pk}").status_code == 204


def test_whether_anyone_listens_is_asked_once_per_transaction(integrator, now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic():
        assert not has_listeners("troubleTicket")
        with CaptureQueriesContext(connection) as asked:
            for _ in range(5):
                assert not has_listeners("troubleTicket")
        assert len(asked) == 0
        registration = do_register_listener(now=now, api="troubleTicket",
                                            callback="https://x.example/l", actor=integrator)
        assert has_listeners("troubleTicket")
        assert not has_listeners("productOrder")
        do_unregister_listener(now=now, registration=registration, actor=integrator)
        assert not has_listeners("troubleTicket")
        # A row written without the services (an admin screen, a fixture) is seen too.
        direct = HubRegistration.objects.create(api="productOrder", callback="https://y.example/l",
                                                created_by=integrator, created_at=now)
        assert has_listeners("productOrder")
        direct.delete()
        assert not has_listeners("productOrder")
    # The next transaction asks the database again.
    HubRegistration.objects.create(api="troubleTicket", callback="https://z.example/l",
                                   created_by=integrator, created_at=now)
    with transaction.atomic():
        assert has_listeners("troubleTicket")


# --- publishing -------------------------------------------------------------------------------


def test_query_forms():
    kwargs = {"event_type": "TroubleTicketStatusChangeEvent", "resource": TICKET}
    assert query_matches("", **kwargs)
    assert query_matches("eventType=TroubleTicketStatusChangeEvent", **kwargs)
    assert query_matches("eventType=TroubleTicketCreateEvent,TroubleTicketStatusChangeEvent",
                         **kwargs)
    assert not query_matches("eventType=TroubleTicketCreateEvent", **kwargs)
    assert query_matches("eventType=TroubleTicketStatusChangeEvent&status=resolved", **kwargs)
    assert not query_matches("status=closed", **kwargs)
    assert query_matches("relatedParty.id=C001", **kwargs)
    assert not query_matches("relatedParty.id=C002", **kwargs)


def test_an_event_is_queued_for_each_listener_that_wants_it(integrator, now, org):
    everything = do_register_listener(now=now, api="troubleTicket",
                                      callback="https://a.example/l", actor=integrator)
    created_only = do_register_listener(now=now, api="troubleTicket",
                                        callback="https://b.example/l", actor=integrator,
                                        query="eventType=TroubleTicketCreateEvent")
    do_register_listener(now=now, api="productOrder", callback="https://c.example/l",
                         actor=integrator)

    events = do_publish_event(now=now, api="troubleTicket",
                              event_type="TroubleTicketStatusChangeEvent",
                              resource=TICKET, subject=org.operator)

    assert [e.registration for e in events] == [everything]
    assert created_only.events.count() == 0
    event = TmfEvent.objects.get()
    assert event.state == TmfEventState.PENDING
    assert event.payload == {
        "eventId": event.event_id,
        "eventTime": "2025-09-30T02:00:00Z",
        "eventType": "TroubleTicketStatusChangeEvent",
        "event": {"troubleTicket": TICKET},
    }
    assert_valid(spec=SPEC, definition="TroubleTicketStatusChangeEvent", instance=event.payload,
                 strict=False)


def test_a_rolled_back_change_sends_no_event(integrator, now, org):
    do_register_listener(now=now, api="troubleTicket", callback="https://a.example/l",
                         actor=integrator)
    with pytest.raises(RuntimeError), transaction.atomic():
        do_publish_event(now=now, api="troubleTicket", event_type="TroubleTicketCreateEvent",
                         resource=TICKET, subject=org.operator)
        raise RuntimeError("the service failed after publishing")
    assert not TmfEvent.objects.exists()


def test_two_listeners_get_the_same_event_id(integrator, now, org):
    for host in ("a", "b"):
        do_register_listener(now=now, api="troubleTicket", callback=f"https://{host}.example/l",
                             actor=integrator)
    events = do_publish_event(now=now, api="troubleTicket",
                              event_type="TroubleTicketCreateEvent",
                              resource=TICKET, subject=org.operator)
    assert len(events) == 2
    assert events[0].event_id == events[1].event_id


# --- delivery -----------------------------------------------------------------------------------


def test_the_listener_receives_the_event(listener, integrator, now, org):
    do_register_listener(now=now, api="troubleTicket", callback=listener.url, actor=integrator)
    do_publish_event(now=now, api="troubleTicket", event_type="TroubleTicketStatusChangeEvent",
                     resource=TICKET, subject=org.operator)

    stats = deliver_due_events(now=now)

    assert (stats.delivered, stats.retried, stats.failed) == (1, 0, 0)
    assert [body["event"]["troubleTicket"]["status"] for body in listener.received] == [
        "resolved"]
    event = TmfEvent.objects.get()
    assert (event.state, event.attempts, event.delivered_at) == (TmfEventState.DELIVERED, 1, now)
    assert deliver_due_events(now=now + dt.timedelta(hours=1)).delivered == 0
    assert len(listener.received) == 1


def test_a_refused_delivery_is_retried_with_backoff_and_in_order(listener, integrator, now, org):
    do_register_listener(now=now, api="troubleTicket", callback=listener.url, actor=integrator)
    for status in ("acknowledged", "inProgress"):
        do_publish_event(now=now, api="troubleTicket",
                         event_type="TroubleTicketStatusChangeEvent",
                         resource={**TICKET, "status": status},
                         subject=org.operator)
    listener.statuses = [503, 500]

    first = deliver_due_events(now=now)
    assert (first.delivered, first.retried) == (0, 1)  # the second waits behind the first
    oldest = TmfEvent.objects.order_by("pk").first()
    assert oldest is not None
    assert oldest.next_attempt_at == now + retry_delay(1)
    assert oldest.last_error == "HTTP 503"

    assert deliver_due_events(now=now + dt.timedelta(seconds=5)).delivered == 0  # too early

    second = deliver_due_events(now=now + retry_delay(1))
    assert (second.delivered, second.retried) == (0, 1)
    third = deliver_due_events(now=now + retry_delay(1) + retry_delay(2))
    assert third.delivered == 2
    assert [b["event"]["troubleTicket"]["status"] for b in listener.received] == [
        "acknowledged", "inProgress"]
    assert sorted(TmfEvent.objects.values_list("attempts", flat=True)) == [1, 3]


def test_a_dead_listener_is_given_up_after_the_last_attempt(dead_url, integrator, now, settings,
                                                            org):
    settings.TELCODESK_EVENT_MAX_ATTEMPTS = 3
    do_register_listener(now=now, api="troubleTicket", callback=dead_url, actor=integrator)
    do_publish_event(now=now, api="troubleTicket", event_type="TroubleTicketCreateEvent",
                     resource=TICKET, subject=org.operator)

    at = now
    outcomes = []
    for _ in range(4):
        stats = deliver_due_events(now=at)
        outcomes.append((stats.retried, stats.failed))
        at += dt.timedelta(hours=2)

    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0)]
    event = TmfEvent.objects.get()
    assert event.state == TmfEventState.FAILED
    assert event.attempts == 3
    assert "ConnectionRefused" in event.last_error or "refused" in event.last_error.lower()


def test_an_event_is_claimed_by_one_deliverer_only(integrator, now, org):
    do_register_listener(now=now, api="troubleTicket", callback="https://a.example/l",
                         actor=integrator)
    [event] = do_publish_event(now=now, api="troubleTicket",
                               event_type="TroubleTicketCreateEvent",
                              resource=TICKET, subject=org.operator)
    assert claim_event(event.pk, now=now)
    assert not claim_event(event.pk, now=now)
    # After the lease the event is due again (its deliverer died).
    assert claim_event(event.pk, now=now + dt.timedelta(minutes=2))


def test_the_clock_runs_the_delivery(listener, integrator, now, org):
    from telcodesk.core.scheduler import registered_jobs, run_pass

    do_register_listener(now=now, api="troubleTicket", callback=listener.url, actor=integrator)
    do_publish_event(now=now, api="troubleTicket", event_type="TroubleTicketCreateEvent",
                     resource=TICKET, subject=org.operator)
    job = next(j for j in registered_jobs() if j.name == "core.deliver_tmf_events")
    [outcome] = run_pass(now=now, jobs=[job])
    assert outcome.result.startswith("1 events delivered")
    assert len(listener.received) == 1
