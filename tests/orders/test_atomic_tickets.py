"""One open repair per line, and one API call = one transaction (TMF621, TMF622, complaints).

A refusal in the last step of a request must leave nothing behind: no work order,
no SLA clock, no SMS in the outbox, no TMF event, no audit entry.
"""

from __future__ import annotations

import json
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client

from telcodesk.core import clock
from telcodesk.core.events import do_register_listener
from telcodesk.core.models import AuditEntry, Channel, TmfEvent
from telcodesk.core.services import do_issue_token
from telcodesk.notify.models import OutboxMessage
from telcodesk.orders.errors import OpenRepairExists
from telcodesk.orders.models import TicketStatus, WorkOrder, WorkOrderEvent
from telcodesk.orders.services import work_orders as services
from telcodesk.sla.models import SlaClock
from tests.tmf_schema import assert_tmf_error

SPEC = "TMF621-TroubleTicket-v4.0.0.swagger.json"
BASE = "/tmf-api/troubleTicket/v4/troubleTicket"
MERGE_PATCH = "application/merge-patch+json"



@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch, now):
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture
def token_for(now):
    def make(user) -> str:
        return do_issue_token(now=now, user=user, name="test", actor=None,
                              channel=Channel.CLI).raw

    return make


def fault_body(number: str, **extra):
    return {"description": "宽带无法上网", "severity": "major", "ticketType": "fault",
            "relatedEntity": [{"id": number, "role": "affectedProduct",
                               "@referredType": "Product"}], **extra}


def post(client, body):
    return client.post(BASE, data=json.dumps(body), content_type="application/json")


def footprint() -> dict[str, int]:
    """What a write leaves behind, as an auditor would count it."""
    return {"work orders": WorkOrder.objects.count(), "clocks": SlaClock.objects.count(),
            "timeline": WorkOrderEvent.objects.count(), "sms": OutboxMessage.objects.count(),
            "events": TmfEvent.objects.count(),
            "audit": AuditEntry.objects.exclude(action__startswith="token.").count()}


# --- one open repair per line -------------------------------------------------------------


def test_a_second_report_on_a_line_gets_409_naming_the_open_ticket(home, staff, token_for):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(staff.agent)}")
    first = post(client, fault_body(home.broadband.number))
    assert first.status_code == 201
    code = first.json()["id"]

    second = post(client, fault_body(home.broadband.number))

    body = assert_tmf_error(second, 409, spec=SPEC)
    assert code in body["message"]
    assert WorkOrder.objects.filter(subscription=home.broadband).count() == 1


def test_the_database_refuses_a_second_open_repair_on_a_line(now, home):
    first = services.do_report_fault(now=now, actor=None, channel="api",
                                     subscription=home.broadband, description="no signal")
    services.do_change_work_order_status(now=now, work_order=first, status="resolved",
                                         actor=None, channel=Channel.SYSTEM)
    services.do_report_fault(now=now, actor=None, channel="api",
                             subscription=home.broadband, description="again")

    # Whatever code writes the row, the constraint holds: the resolved one cannot reopen
    # behind the service's back while another repair is open.
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkOrder.objects.filter(pk=first.pk).update(status=TicketStatus.IN_PROGRESS)


def test_the_loser_of_a_race_is_refused_with_the_winners_number(now, home, monkeypatch):
    """Two reports both pass the friendly check before either inserts (a race)."""
    winner = services.do_report_fault(now=now, actor=None, channel="api",
                                      subscription=home.broadband, description="no signal")
    checks = iter([None])  # the loser's first check saw nothing yet
    real_check = services._refuse_second_open_repair
    monkeypatch.setattr(services, "_refuse_second_open_repair",
                        lambda line: next(checks, None) or real_check(line))
    before = footprint()

    with pytest.raises(OpenRepairExists) as refused:
        services.do_report_fault(now=now, actor=None, channel="api",
                                 subscription=home.broadband, description="no signal")

    assert refused.value.existing == winner.code and refused.value.http_status == 409
    assert footprint() == before


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers: real concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_sixteen_parallel_reports_open_one_work_order(migrated_data, home, staff, token_for):
    token = token_for(staff.agent)
    number = home.broadband.number
    barrier = threading.Barrier(16)
    statuses: list[int] = []

    def report() -> None:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        barrier.wait()
        try:
            response = post(client, fault_body(number))
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201] + [409] * 15
    assert WorkOrder.objects.filter(subscription=home.broadband).count() == 1
    assert SlaClock.objects.count() == 1


# --- one request, one transaction ---------------------------------------------------------


@pytest.fixture
def listener(now, staff):
    # A listener carries its user's scope: the agent sees the line's records.
    for api in ("troubleTicket", "productOrder"):
        do_register_listener(now=now, api=api, callback="http://listener.test/events",
                             actor=staff.agent)


@pytest.mark.parametrize("refused", [
    {"note": [{"text": "客户下午在家"}, {"text": "   "}]},  # the last note is empty
    {"note": [{"text": "客户下午在家"}], "priority": "9"},  # the last step: priority
])
def test_a_refused_post_leaves_no_ticket_sms_event_or_audit(home, staff, token_for, listener,
                                                             refused):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(staff.agent)}")
    before = footprint()

    assert_tmf_error(post(client, fault_body(home.broadband.number, **refused)), 400, spec=SPEC)

    assert footprint() == before
    assert post(client, fault_body(home.broadband.number)).status_code == 201


@pytest.mark.parametrize("refused", [
    # Attributes change first, then the note (too long) is refused.
    {"severity": "critical", "note": [{"text": "到场"}, {"text": "x" * 4001}]},
    # Attributes and a note are fine; the status move (cancel without a reason) is not.
    {"severity": "critical", "note": [{"text": "到场"}], "status": "cancelled"},
])
def test_a_refused_patch_changes_nothing(now, home, staff, token_for, listener, refused):
    ticket = services.do_report_fault(now=now, actor=None, channel="api",
                                      subscription=home.broadband, description="no signal")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(staff.tech)}")
    before = footprint()

    response = client.patch(f"{BASE}/{ticket.code}", content_type=MERGE_PATCH,
                            data=json.dumps(refused))

    assert_tmf_error(response, response.status_code, spec=SPEC)
    assert response.status_code in (400, 409)
    assert footprint() == before
    ticket.refresh_from_db()
    assert (ticket.severity, ticket.status) == ("minor", "acknowledged")


# --- reopening while another repair of the line is open -----------------------------------


@pytest.fixture
def resolved_then_reported(now, home):
    """Repair A resolved, then repair B reported on the same line (allowed)."""
    first = services.do_report_fault(now=now, actor=None, channel="hotline",
                                     subscription=home.broadband, description="no signal")
    first = services.do_change_work_order_status(now=now, work_order=first, status="resolved",
                                                 reason="", actor=None, channel="system")
    second = services.do_report_fault(now=now, actor=None, channel="api",
                                      subscription=home.broadband, description="slow again")
    return first, second


def test_reopening_a_repair_while_another_is_open_is_refused_naming_it(
        now, resolved_then_reported):
    first, second = resolved_then_reported
    before = footprint()

    with pytest.raises(OpenRepairExists) as refused:
        services.do_reopen_work_order(now=now, work_order=first, reason="灯又红了",
                                      actor=None, channel=Channel.SELF_SERVICE)

    assert refused.value.existing == second.code
    assert footprint() == before
    first.refresh_from_db()
    assert (first.status, first.reopened_count) == (TicketStatus.RESOLVED, 0)


def test_a_tmf_patch_reopening_it_answers_409_and_changes_nothing(
        resolved_then_reported, staff, token_for):
    first, second = resolved_then_reported
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(staff.tech)}")
    before = footprint()

    response = client.patch(f"{BASE}/{first.code}", content_type=MERGE_PATCH,
                            data=json.dumps({"status": "inProgress", "statusChangeReason": "x"}))

    body = assert_tmf_error(response, 409, spec=SPEC)
    assert second.code in body["message"]
    assert footprint() == before
    first.refresh_from_db()
    assert first.status == TicketStatus.RESOLVED
