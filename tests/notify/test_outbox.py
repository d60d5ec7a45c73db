"""do_notify: the caller's transaction, dedupe keys, consent, opt-out, quiet hours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from telcodesk.core.models import Channel
from telcodesk.notify.dispatcher import dispatch_once
from telcodesk.notify.errors import NotifyError, NotifyErrorCode
from telcodesk.notify.models import OutboxMessage, State
from telcodesk.notify.services import (
    NO_CONSENT_REASON,
    NotifyRequest,
    do_cancel,
    do_cancel_many,
    do_handle_reply,
    do_notify,
    do_notify_bulk,
    do_notify_many,
    do_opt_in,
    outbox_wakeup,
)
from tests.notify.support import ScriptedTransport, at, reminder

pytestmark = pytest.mark.django_db

NUMBER = "+8613812345678"


def marketing(now, key="mkt-1", number=NUMBER, **extra):
    return do_notify(now=now, kind="marketing", recipient=number,
                     context={"text": "国庆特惠：加10元得30GB全国流量。"}, dedupe_key=key,
                     channel=Channel.SYSTEM, **extra)


def test_a_rolled_back_business_change_sends_nothing(now, django_capture_on_commit_callbacks):
    outbox_wakeup.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, \
            pytest.raises(RuntimeError), transaction.atomic():
        reminder(now)
        raise RuntimeError("the payment failed after all")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    transport = ScriptedTransport()
    assert dispatch_once(transport=transport, now=now, owner="w1").claimed == 0
    assert transport.submitted == []
    assert not outbox_wakeup.is_set()


def test_a_committed_message_wakes_the_dispatcher(now, django_capture_on_commit_callbacks):
    outbox_wakeup.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminder(now)
    assert outbox_wakeup.is_set()
    outbox_wakeup.clear()


def test_the_same_dedupe_key_twice_gives_one_message(now):
    first = reminder(now, key="payment:P100")
    again = reminder(now, key="payment:P100")
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    transport = ScriptedTransport()
    dispatch_once(transport=transport, now=now, owner="w1")
    assert len(transport.submitted) == 1


def test_the_message_records_text_length_and_recipient(now):
    message = reminder(now, recipient="189 1234 5678")
    assert message.recipient == "+8618912345678"
    assert message.state == State.QUEUED
    assert message.sender == "10000"
    assert message.body.startswith("【演示电信】尊敬的客户，您于2025年9月30日10:00为18912345678")
    assert message.encoding == "ucs2"
    assert message.segments == 2  # 71 UCS-2 characters: one more than a single SMS holds


def test_bad_input_is_refused_with_a_clear_error_and_writes_nothing(now):
    cases = [
        ({"kind": "no_such_kind"}, NotifyErrorCode.UNKNOWN_KIND),
        ({"recipient": "12345"}, NotifyErrorCode.INVALID_RECIPIENT),
        ({"language": "fr"}, NotifyErrorCode.UNKNOWN_LANGUAGE),
        ({"context": {"number": "1"}}, NotifyErrorCode.MISSING_CONTEXT),
    ]
    for change, code in cases:
        options = {"now": now, "kind": "payment_received", "recipient": NUMBER,
                   "context": {"number": "1", "time": now, "amount": "1", "balance": "2"},
                   "dedupe_key": "k", "channel": Channel.SYSTEM, **change}
        with pytest.raises(NotifyError) as caught:
            do_notify(**options)
        assert caught.value.code == code
    assert not OutboxMessage.objects.exists()


def test_english_messages_use_the_english_template(now):
    message = reminder(now, language="en")
    assert message.body.startswith("[Demo Telecom] Your payment of CNY 100.00")
    assert message.encoding == "gsm7"
    assert message.segments == 1


def test_marketing_without_consent_is_recorded_cancelled_and_never_sent(now):
    message = marketing(now)
    assert message.state == State.CANCELLED
    assert message.state_reason == NO_CONSENT_REASON
    transport = ScriptedTransport()
    dispatch_once(transport=transport, now=now, owner="w1")
    assert transport.submitted == []


def test_marketing_with_consent_carries_the_opt_out_line_and_is_sent_by_day(now):
    do_opt_in(now=now, number=NUMBER, source="counter form")
    message = marketing(now)
    assert message.state == State.QUEUED
    assert message.body == "【演示电信】国庆特惠：加10元得30GB全国流量。回复TD退订"
    english = marketing(now, key="mkt-en", language="en")
    assert english.body.endswith(" Reply TD to opt out")
    transport = ScriptedTransport()
    dispatch_once(transport=transport, now=now, owner="w1")
    assert {sms.outbox_id for sms in transport.submitted} == {message.pk, english.pk}


def test_marketing_in_quiet_hours_is_held_until_eight_then_sent(now):
    do_opt_in(now=now, number=NUMBER, source="counter form")
    evening = at(22, 30)
    message = marketing(evening)
    assert message.state == State.HELD
    assert message.next_attempt_at == at(8, 0, day=1, month=10)
    transport = ScriptedTransport()
    assert dispatch_once(transport=transport, now=at(23, 59), owner="w1").claimed == 0
    assert dispatch_once(transport=transport, now=at(7, 59, day=1, month=10),
                         owner="w1").claimed == 0
    assert transport.submitted == []
    stats = dispatch_once(transport=transport, now=at(8, 0, day=1, month=10), owner="w1")
    assert stats.submitted == 1
    message.refresh_from_db()
    assert message.state in (State.SUBMITTED, State.DELIVERED)


def test_early_morning_marketing_waits_until_eight_the_same_day(now):
    do_opt_in(now=now, number=NUMBER, source="counter form")
    message = marketing(at(6, 15))
    assert message.state == State.HELD
    assert message.next_attempt_at == at(8, 0)


def test_a_service_message_at_eleven_at_night_is_not_held(now):
    message = reminder(at(23, 0))
    assert message.state == State.QUEUED
    transport = ScriptedTransport()
    assert dispatch_once(transport=transport, now=at(23, 0), owner="w1").submitted == 1


def test_overdue_marketing_reaching_the_worker_in_quiet_hours_goes_back_on_hold(now):
    do_opt_in(now=now, number=NUMBER, source="counter form")
    message = marketing(at(20, 0))
    assert message.state == State.QUEUED
    # The worker was down; it picks the backlog up at 21:30.
    transport = ScriptedTransport()
    assert dispatch_once(transport=transport, now=at(21, 30), owner="w1").claimed == 0
    message.refresh_from_db()
    assert message.state == State.HELD
    assert message.next_attempt_at == at(8, 0, day=1, month=10)
    assert message.attempts == 0


def test_a_td_reply_opts_out_and_cancels_waiting_marketing(now):
    do_opt_in(now=now, number=NUMBER, source="counter form")
    held = marketing(at(22, 0))
    assert do_handle_reply(now=at(22, 5), number="13812345678", text=" td ")
    held.refresh_from_db()
    assert held.state == State.CANCELLED
    later = marketing(at(12, 0, day=2, month=10), key="mkt-2")
    assert later.state == State.CANCELLED
    assert later.state_reason == NO_CONSENT_REASON
    assert not do_handle_reply(now=now, number=NUMBER, text="你好")


def test_many_messages_at_once_follow_the_same_rules(now):
    existing = reminder(now, key="k1")
    do_opt_in(now=now, number=NUMBER, source="counter form")
    context = {"number": "1", "time": now, "amount": "1", "balance": "2"}
    requests = [
        NotifyRequest("payment_received", "+8618900000001", context, "k1"),
        NotifyRequest("payment_received", "+8618900000002", context, "k2"),
        NotifyRequest("payment_received", "+8618900000002", context, "k2"),
        NotifyRequest("marketing", NUMBER, {"text": "秋季特惠"}, "m1", not_before=at(22, 0)),
        NotifyRequest("marketing", "+8613700001111", {"text": "秋季特惠"}, "m2"),
    ]
    messages = do_notify_many(now=now, requests=requests, channel=Channel.SYSTEM)
    assert [m.dedupe_key for m in messages] == ["k1", "k2", "k2", "m1", "m2"]
    assert messages[0].pk == existing.pk
    assert messages[1].pk == messages[2].pk
    assert OutboxMessage.objects.count() == 4
    assert messages[3].state == State.HELD and messages[3].body.endswith("回复TD退订")
    assert messages[4].state == State.CANCELLED
    with pytest.raises(NotifyError):
        do_notify_many(now=now, channel=Channel.SYSTEM, requests=[
            NotifyRequest("payment_received", "+8618900000003", context, "k3"),
            NotifyRequest("payment_received", "bad", context, "k4")])
    assert not OutboxMessage.objects.filter(dedupe_key="k3").exists()


def test_a_bulk_message_is_the_row_do_notify_writes(now):
    """``do_notify_bulk`` (the SLA clock's alerts, the demo's history) writes rows without
    model instances: the same columns as ``do_notify``, at each request's own moment."""
    context = {"number": "1", "time": now, "amount": "1", "balance": "2"}
    one = do_notify(now=now, kind="payment_received", recipient="189 0000 0001",
                    context=context, dedupe_key="one", channel=Channel.SYSTEM)
    earlier = at(9, 15)
    written = do_notify_bulk(now=now, channel=Channel.SYSTEM, requests=[
        NotifyRequest("payment_received", "189 0000 0001", context, "bulk"),
        NotifyRequest("payment_received", "189 0000 0001", context, "bulk"),
        NotifyRequest("payment_received", "189 0000 0001", context, "one"),
        NotifyRequest("payment_received", "189 0000 0001", context, "then", queued_at=earlier),
    ])
    assert written == 2
    skip = {"id", "dedupe_key"}
    columns = [f.attname for f in OutboxMessage._meta.concrete_fields if f.attname not in skip]
    bulk = OutboxMessage.objects.get(dedupe_key="bulk")
    one.refresh_from_db()
    assert {c: getattr(bulk, c) for c in columns} == {c: getattr(one, c) for c in columns}
    then = OutboxMessage.objects.get(dedupe_key="then")
    assert then.created_at == then.next_attempt_at == earlier


def test_many_waiting_messages_are_cancelled_at_once_each_with_its_audit_entry(now):
    from telcodesk.core.models import AuditEntry

    first, second, third = (reminder(now, key=f"pay-{n}") for n in (1, 2, 3))
    later = now + dt.timedelta(minutes=5)
    assert do_cancel_many(now=later, messages=[first, second], actor=None,
                          reason="sent by mistake", channel=Channel.SYSTEM) == 2
    for message in (first, second):
        message.refresh_from_db()
        assert (message.state, message.state_reason, message.finished_at) == (
            State.CANCELLED, "sent by mistake", later)
    trail = AuditEntry.objects.filter(action="notify.cancel").order_by("pk")
    assert [(e.target_id, e.summary) for e in trail] == [
        (str(first.pk), "sent by mistake"), (str(second.pk), "sent by mistake")]
    # A message no longer waiting refuses the whole call: nothing changes.
    with pytest.raises(NotifyError) as caught:
        do_cancel_many(now=later, messages=[third, first], actor=None, reason="again")
    assert caught.value.code == NotifyErrorCode.NOT_CANCELLABLE
    assert f"message {first.pk} is cancelled" in caught.value.message
    third.refresh_from_db()
    assert third.state == State.QUEUED
    assert trail.count() == 2
    # The one-by-one service says the same.
    with pytest.raises(NotifyError):
        do_cancel(now=later, message=first, actor=None, reason="again")
