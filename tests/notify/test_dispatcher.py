"""The dispatcher: file sink, retries with backoff, failures, leases, receipts."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from telcodesk.notify.dispatcher import claim_batch, dispatch_once, run_dispatcher
from telcodesk.notify.errors import NotifyError
from telcodesk.notify.models import DeliveryReceipt, OutboxMessage, SmscMessageId, State
from telcodesk.notify.services import do_expire_stale, do_rematch_receipts
from telcodesk.notify.transports import transport_from_url
from telcodesk.notify.transports.base import (
    InboundSms,
    ReceiptState,
    SubmitResult,
    SubmitStatus,
)
from telcodesk.notify.transports.file import FileTransport
from tests.notify.support import ScriptedTransport, read_lines, reminder

pytestmark = pytest.mark.django_db


def test_file_transport_takes_a_message_from_queued_to_delivered(now, tmp_path):
    sink = tmp_path / "sms.jsonl"
    transport = transport_from_url(f"file://{sink}")
    assert isinstance(transport, FileTransport)
    message = reminder(now, key="payment:P1")
    transport.open()
    stats = dispatch_once(transport=transport, now=now, owner="w1")
    assert stats.submitted == 1
    message.refresh_from_db()
    # Written and acknowledged; the receipt comes with the next pass.
    assert message.state in (State.SUBMITTED, State.DELIVERED)
    dispatch_once(transport=transport, now=now + dt.timedelta(seconds=1), owner="w1")
    message.refresh_from_db()
    assert message.state == State.DELIVERED
    assert message.submitted_at == now
    assert message.finished_at is not None
    assert message.attempts == 1
    [line] = read_lines(sink)
    assert line["id"] == message.pk
    assert line["dedupe_key"] == "payment:P1"
    assert line["to"] == "+8618912345678"
    assert line["from"] == "10000"
    assert line["text"] == message.body
    assert line["encoding"] == "ucs2"
    assert line["segments"] == 2
    assert line["at"].endswith("Z")
    assert SmscMessageId.objects.get(outbox=message).message_id == f"file-{message.pk}"
    assert DeliveryReceipt.objects.get().outbox == message


def test_file_transport_writes_a_message_offered_twice_once(now, tmp_path):
    """A worker died after writing but before recording: the repeat adds no line."""
    sink = tmp_path / "sms.jsonl"
    message = reminder(now)
    first = FileTransport(sink)
    first.open()
    claim_batch(now=now, owner="dead-worker", limit=10, lease=dt.timedelta(seconds=30))
    from telcodesk.notify.dispatcher import outgoing
    from telcodesk.notify.services import Claimed

    row = OutboxMessage.objects.get(pk=message.pk)
    first.submit_batch([outgoing(Claimed(row.pk, row.dedupe_key, row.recipient, row.sender,
                                         row.body, row.category, 1, 0, row.segments))])
    # The worker is gone; another one starts with its own transport on the same file.
    second = FileTransport(sink)
    second.open()
    later = now + dt.timedelta(minutes=1)
    assert dispatch_once(transport=second, now=later, owner="w2").submitted == 1
    dispatch_once(transport=second, now=later, owner="w2")
    message.refresh_from_db()
    assert message.state == State.DELIVERED
    assert message.attempts == 2
    assert len(read_lines(sink)) == 1


def test_file_transport_survives_a_line_cut_short_by_a_crash(now, tmp_path):
    sink = tmp_path / "sms.jsonl"
    sink.write_text('{"id": 99, "dedupe_key": "x", "to": "+861', encoding="utf-8")
    transport = FileTransport(sink)
    transport.open()
    reminder(now)
    dispatch_once(transport=transport, now=now, owner="w1")
    lines = sink.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert [r["dedupe_key"] for r in read_lines_lenient(sink)] == ["pay-1"]


def read_lines_lenient(path):
    import json

    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def test_unknown_transport_url_is_a_clear_error():
    with pytest.raises(NotifyError) as caught:
        transport_from_url("http://sms.example/api")
    assert "file:///" in caught.value.message and "smpp://" in caught.value.message
    with pytest.raises(NotifyError) as secret:
        transport_from_url("ftp://user:hunter2@host/")
    assert "hunter2" not in secret.value.message


def test_a_failing_message_is_retried_with_growing_backoff_then_delivered(now, settings):
    settings.TELCODESK_SMS_RETRY_BASE_SECONDS = 30
    message = reminder(now)
    transport = ScriptedTransport(answers=[SubmitStatus.RETRY, SubmitStatus.RETRY])
    assert dispatch_once(transport=transport, now=now, owner="w1").retried == 1
    message.refresh_from_db()
    assert message.state == State.QUEUED
    assert message.next_attempt_at == now + dt.timedelta(seconds=30)
    assert "ESME_RSYSERR" in message.state_reason
    # Not due before the backoff has passed.
    assert dispatch_once(transport=transport, now=now + dt.timedelta(seconds=29),
                         owner="w1").claimed == 0
    second = now + dt.timedelta(seconds=30)
    assert dispatch_once(transport=transport, now=second, owner="w1").retried == 1
    message.refresh_from_db()
    assert message.next_attempt_at == second + dt.timedelta(seconds=60)
    third = second + dt.timedelta(seconds=60)
    assert dispatch_once(transport=transport, now=third, owner="w1").submitted == 1
    transport.deliver(transport.submitted[-1] and "scripted-1")
    dispatch_once(transport=transport, now=third, owner="w1")
    message.refresh_from_db()
    assert message.state == State.DELIVERED
    assert message.attempts == 3
    assert len(transport.submitted) == 3


def test_retry_after_from_the_peer_is_respected(now):
    from telcodesk.notify.services import Claimed, do_record_submit_results
    from telcodesk.notify.transports.base import SubmitResult

    message = reminder(now)
    [claimed] = claim_batch(now=now, owner="w1", limit=10)
    assert isinstance(claimed, Claimed)
    do_record_submit_results(now=now, transport="t", claimed={claimed.id: claimed}, results=[
        SubmitResult(message.pk, SubmitStatus.RETRY, error="throttled", retry_after=2.5)])
    message.refresh_from_db()
    assert message.next_attempt_at == now + dt.timedelta(seconds=2.5)


def test_a_message_still_failing_after_the_last_attempt_fails_with_the_reason(now, settings):
    settings.TELCODESK_SMS_MAX_ATTEMPTS = 2
    message = reminder(now)
    transport = ScriptedTransport(answers=[SubmitStatus.RETRY, SubmitStatus.RETRY])
    dispatch_once(transport=transport, now=now, owner="w1")
    dispatch_once(transport=transport, now=now + dt.timedelta(hours=1), owner="w1")
    message.refresh_from_db()
    assert message.state == State.FAILED
    assert message.state_reason.startswith("gave up after 2 attempts: ESME_RSYSERR")


def test_messages_never_sent_while_the_link_is_down_keep_their_attempts(now, settings):
    """An SMS centre down for a long time must not use up attempts of unsent messages."""
    from telcodesk.notify.services import do_record_submit_results

    settings.TELCODESK_SMS_MAX_ATTEMPTS = 2
    message = reminder(now)
    later = now
    for _ in range(5):
        [claimed] = claim_batch(now=later, owner="w1", limit=10)
        do_record_submit_results(now=later, transport="t", claimed={claimed.id: claimed},
                                 results=[SubmitResult(message.pk, SubmitStatus.RETRY,
                                                       error="SMS centre link down",
                                                       attempted=False)])
        message.refresh_from_db()
        assert message.state == State.QUEUED
        assert message.attempts == 0
        assert message.state_reason == "not sent yet: SMS centre link down"
        later = message.next_attempt_at
    transport = ScriptedTransport()
    assert dispatch_once(transport=transport, now=later, owner="w1").submitted == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.SUBMITTED, 1)


def test_an_sms_reply_td_from_a_subscriber_opts_them_out(now):
    from telcodesk.notify.models import MarketingConsent
    from telcodesk.notify.services import do_opt_in

    do_opt_in(now=now, number="+8618912345678", source="counter")
    transport = ScriptedTransport(replies=[
        InboundSms(source="+8618912345678", destination="10000", text=" td "),
        InboundSms(source="+8613300001111", destination="10000", text="hello")])
    stats = dispatch_once(transport=transport, now=now, owner="w1")
    assert stats.replies == 2
    consent = MarketingConsent.objects.get(number="+8618912345678")
    assert consent.opted_out_at == now
    assert not MarketingConsent.objects.filter(number="+8613300001111").exists()


def test_a_rejected_destination_fails_at_once(now):
    message = reminder(now)
    dispatch_once(transport=ScriptedTransport(answers=[SubmitStatus.FAILED]), now=now,
                  owner="w1")
    message.refresh_from_db()
    assert message.state == State.FAILED
    assert message.state_reason == "ESME_RINVDSTADR (0x0B)"
    assert message.finished_at == now


def test_a_transport_that_raises_leaves_every_message_to_retry(now):
    class Broken(ScriptedTransport):
        def submit_batch(self, messages, *, on_results=None):
            raise ConnectionResetError("link down")

    first, second = reminder(now, key="a"), reminder(now, key="b")
    stats = dispatch_once(transport=Broken(), now=now, owner="w1")
    assert "link down" in stats.transport_error
    for message in (first, second):
        message.refresh_from_db()
        assert message.state == State.QUEUED
        assert "link down" in message.state_reason


def test_a_dead_workers_claim_is_taken_over_when_its_lease_expires(now):
    message = reminder(now)
    [claimed] = claim_batch(now=now, owner="worker-that-dies", limit=10,
                            lease=dt.timedelta(seconds=60))
    assert claimed.id == message.pk
    message.refresh_from_db()
    assert message.state == State.SENDING
    assert message.lease_owner == "worker-that-dies"
    # While the lease runs, nobody else may take it.
    assert claim_batch(now=now + dt.timedelta(seconds=59), owner="w2", limit=10) == []
    [again] = claim_batch(now=now + dt.timedelta(seconds=60), owner="w2", limit=10)
    assert again.id == message.pk
    assert again.attempts == 2
    message.refresh_from_db()
    assert message.lease_owner == "w2"


def test_a_multipart_message_is_delivered_when_every_segment_is(now):
    message = reminder(now)
    assert message.segments == 2
    transport = ScriptedTransport(segments=2)
    dispatch_once(transport=transport, now=now, owner="w1")
    ids = list(SmscMessageId.objects.filter(outbox=message).order_by("segment")
               .values_list("message_id", flat=True))
    assert ids == ["scripted-1", "scripted-2"]
    transport.deliver("scripted-2")
    dispatch_once(transport=transport, now=now, owner="w1")
    message.refresh_from_db()
    assert message.state == State.SUBMITTED
    transport.deliver("scripted-1")
    dispatch_once(transport=transport, now=now, owner="w1")
    message.refresh_from_db()
    assert message.state == State.DELIVERED


def test_a_multipart_message_fails_with_its_first_failed_segment(now):
    message = reminder(now)
    transport = ScriptedTransport(segments=2)
    dispatch_once(transport=transport, now=now, owner="w1")
    transport.deliver("scripted-1")
    transport.deliver("scripted-2", ReceiptState.UNDELIVERABLE, error_code="001")
    dispatch_once(transport=transport, now=now, owner="w1")
    message.refresh_from_db()
    assert message.state == State.UNDELIVERABLE
    assert message.state_reason == "receipt undeliverable (error 001)"


def test_unmatched_receipts_are_kept_and_matched_later(now):
    transport = ScriptedTransport()
    transport.deliver("unknown-id")
    dispatch_once(transport=transport, now=now, owner="w1")
    receipt = DeliveryReceipt.objects.get()
    assert receipt.outbox is None
    message = reminder(now)
    dispatch_once(transport=transport, now=now, owner="w1")  # gets id scripted-1
    SmscMessageId.objects.filter(outbox=message).update(message_id="unknown-id")
    assert do_rematch_receipts(now=now, since=now - dt.timedelta(hours=1)) == 1
    message.refresh_from_db()
    assert message.state == State.DELIVERED


def test_submitted_messages_without_a_receipt_expire_after_the_validity(now, settings):
    settings.TELCODESK_SMS_VALIDITY_HOURS = 48
    message = reminder(now)
    dispatch_once(transport=ScriptedTransport(), now=now, owner="w1")
    assert do_expire_stale(now=now + dt.timedelta(hours=47)) == 0
    assert do_expire_stale(now=now + dt.timedelta(hours=49)) == 1
    message.refresh_from_db()
    assert message.state == State.EXPIRED
    assert message.state_reason == "no delivery receipt within 48 h"


def test_the_clock_job_is_registered():
    from telcodesk.core.scheduler import registered_jobs

    assert "notify.expire_stale" in {job.name for job in registered_jobs()}


@pytest.mark.django_db(transaction=True)
def test_run_dispatcher_delivers_and_stops_when_asked(now, tmp_path):
    sink = tmp_path / "sms.jsonl"
    for n in range(5):
        reminder(now, key=f"k{n}")
    stop = threading.Event()
    passes: list[int] = []

    def watch(stats) -> None:
        passes.append(stats.delivered)
        if OutboxMessage.objects.filter(state=State.DELIVERED).count() == 5:
            stop.set()

    thread = threading.Thread(target=run_dispatcher, kwargs={
        "transport": FileTransport(sink), "stop": stop, "owner": "w1", "idle_wait": 0.05,
        "on_pass": watch})
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert stop.is_set()
    assert len(read_lines(sink)) == 5
