"""The event hub never makes the server call inside, and a listener carries its user's scope.

Callbacks to loopback, private, link-local and other non-public addresses are
refused, also when a host name resolves to one (checked at registration and
again at every delivery); redirects are not followed. A listener receives an
event only while its user could ``GET`` the record.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from telcodesk.core import events
from telcodesk.core.errors import CoreError
from telcodesk.core.events import (
    deliver_due_events,
    do_publish_event,
    do_register_listener,
    http_post,
)
from telcodesk.core.models import HubRegistration, OrgUnit, TmfEventState
from telcodesk.core.roles import Role
from telcodesk.core.selectors import visible_org_units

TICKET = {"id": "WO000000123", "@type": "TroubleTicket", "status": "resolved",
          "description": "客户 18162207570@189.cn 来电，固话 0351-7654321 断线"}


@pytest.fixture
def public_only(settings):
    settings.TELCODESK_EVENT_PRIVATE_CALLBACKS = False


@pytest.fixture
def dns(monkeypatch) -> dict[str, list[str]]:
    """Host names and what they resolve to; IP literals resolve to themselves."""
    table: dict[str, list[str]] = {"bss.example.com": ["93.184.216.34"]}

    def resolve(host: str, port: int) -> list[str]:
        if host in table:
            return table[host]
        try:
            import ipaddress

            return [str(ipaddress.ip_address(host))]
        except ValueError:
            raise OSError(f"unknown host {host}") from None

    monkeypatch.setattr(events, "resolve_host", resolve)
    return table


@pytest.fixture
def org_units_as_subjects(monkeypatch):
    """Events "about" an org unit, visible to the staff of its subtree."""
    monkeypatch.setitem(events._SUBJECTS, events.subject_type(OrgUnit), visible_org_units)


@pytest.mark.parametrize("callback", [
    "http://127.0.0.1:8110/listener",
    "http://localhost/listener",
    "http://10.0.0.5/listener",
    "http://192.168.1.20/listener",
    "http://172.16.0.1/listener",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/listener",
    "http://[::ffff:127.0.0.1]/listener",
    "http://0.0.0.0/listener",
    "http://internal.example.com/listener",  # resolves to a private address
    "http://nowhere.invalid/listener",  # does not resolve
])
def test_a_callback_inside_is_refused(callback, public_only, dns, org, make_staff, now):
    dns["internal.example.com"] = ["93.184.216.34", "10.1.2.3"]
    dns["localhost"] = ["127.0.0.1"]
    clerk = make_staff("bss", org.operator, Role.COUNTER_CLERK)
    with pytest.raises(CoreError) as refused:
        do_register_listener(now=now, api="troubleTicket", callback=callback, actor=clerk)
    assert "public" in refused.value.message or "resolved" in refused.value.message
    assert not HubRegistration.objects.exists()


def test_a_public_callback_is_accepted(public_only, dns, org, make_staff, now):
    clerk = make_staff("bss", org.operator, Role.COUNTER_CLERK)
    registration = do_register_listener(now=now, api="troubleTicket",
                                        callback="https://bss.example.com/listener", actor=clerk)
    assert registration.created_by == clerk


def test_a_listener_needs_a_user(now, db):
    with pytest.raises(CoreError, match="scope"):
        do_register_listener(now=now, api="troubleTicket",
                             callback="https://bss.example.com/listener", actor=None)  # type: ignore[arg-type]


def test_a_host_that_turns_private_after_registration_is_not_called(
        public_only, dns, org, make_staff, now, org_units_as_subjects):
    clerk = make_staff("bss", org.operator, Role.COUNTER_CLERK)
    do_register_listener(now=now, api="troubleTicket",
                         callback="https://bss.example.com/listener", actor=clerk)
    do_publish_event(now=now, api="troubleTicket", event_type="TroubleTicketCreateEvent",
                     resource=TICKET, subject=org.operator)
    dns["bss.example.com"] = ["127.0.0.1"]  # DNS rebinding
    called: list[str] = []

    stats = deliver_due_events(now=now, post=lambda url, body: called.append(url) or 201)

    assert called == []
    assert (stats.delivered, stats.retried) == (0, 1)
    assert "not a public address" in events.TmfEvent.objects.get().last_error


class _Redirecting(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(307)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def redirecting_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/listener"
    server.shutdown()
    server.server_close()


def test_a_redirect_is_not_followed(redirecting_url):
    assert http_post(redirecting_url, b"{}", timeout=2) == 307  # a failed delivery


def test_a_listener_gets_only_its_users_branch_and_numbers_as_that_user_sees_them(
        org, make_staff, now, org_units_as_subjects):
    clerk = make_staff("xd-clerk", org.xiaodian, Role.COUNTER_CLERK)  # full numbers
    tech = make_staff("xd-tech", org.xiaodian, Role.REPAIR_TECHNICIAN)  # masked numbers
    datong = make_staff("dt-clerk", org.datong, Role.COUNTER_CLERK)
    for user in (clerk, tech, datong):
        do_register_listener(now=now, api="troubleTicket",
                             callback=f"https://bss.example.com/{user.username}", actor=user)

    queued = do_publish_event(now=now, api="troubleTicket", event_type="TroubleTicketCreateEvent",
                              resource=TICKET, subject=org.xiaodian)
    received: dict[str, str] = {}
    deliver_due_events(now=now, post=lambda url, body: received.setdefault(
        url.rsplit("/", 1)[1], body.decode()) and 201)

    assert {e.registration.created_by.username for e in queued} == {"xd-clerk", "xd-tech"}
    assert set(received) == {"xd-clerk", "xd-tech"}  # never Datong's listener
    assert "18162207570@189.cn" in received["xd-clerk"] and "0351-7654321" in received["xd-clerk"]
    assert "181****7570@189.cn" in received["xd-tech"] and "035****4321" in received["xd-tech"]
    assert "18162207570" not in received["xd-tech"] and "7654321" not in received["xd-tech"]


def test_a_listener_whose_user_lost_the_scope_gets_nothing(org, make_staff, now,
                                                           org_units_as_subjects):
    clerk = make_staff("xd-clerk", org.xiaodian, Role.COUNTER_CLERK)
    do_register_listener(now=now, api="troubleTicket", callback="https://bss.example.com/l",
                         actor=clerk)
    do_publish_event(now=now, api="troubleTicket", event_type="TroubleTicketCreateEvent",
                     resource=TICKET, subject=org.xiaodian)
    clerk.org_unit = org.yungang  # moved to Datong before the event went out
    clerk.save(update_fields=["org_unit"])
    called: list[str] = []

    stats = deliver_due_events(now=now, post=lambda url, body: called.append(url) or 201)

    assert called == [] and stats.withheld == 1
    assert events.TmfEvent.objects.get().state == TmfEventState.WITHHELD


def test_a_listener_query_cannot_probe_for_a_masked_number(org, make_staff, now,
                                                            org_units_as_subjects):
    tech = make_staff("xd-tech", org.xiaodian, Role.REPAIR_TECHNICIAN)
    do_register_listener(now=now, api="troubleTicket", callback="https://bss.example.com/l",
                         actor=tech, query="description=客户 18162207570@189.cn 来电，固话 "
                                           "0351-7654321 断线")
    assert do_publish_event(now=now, api="troubleTicket", event_type="TroubleTicketCreateEvent",
                            resource=TICKET, subject=org.xiaodian) == []
