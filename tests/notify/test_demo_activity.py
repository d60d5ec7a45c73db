"""The demo's activity: reminders in the file sink, held and refused marketing, failures."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from telcodesk.core.clock import local
from telcodesk.core.models import User
from telcodesk.demo.builder import build_demo
from telcodesk.notify.dispatcher import dispatch_once
from telcodesk.notify.kinds import REMINDER_KINDS
from telcodesk.notify.models import OutboxMessage, State
from telcodesk.notify.services import NO_CONSENT_REASON
from telcodesk.notify.transports.file import FileTransport
from tests.notify.support import read_lines

pytestmark = pytest.mark.django_db

SUBSCRIBERS = 400


def test_the_demo_queues_reminders_marketing_and_failures(now, tmp_path, client):
    summary = build_demo(now=now, subscribers=SUBSCRIBERS, seed=2026)
    assert summary.messages == OutboxMessage.objects.count()
    assert f"{summary.messages:,} SMS queued" in summary.describe()
    reminders = OutboxMessage.objects.filter(kind__in=REMINDER_KINDS, state=State.QUEUED)
    reminder_keys = set(reminders.values_list("dedupe_key", flat=True))
    kinds = Counter(reminders.values_list("kind", flat=True))
    assert reminders.count() >= 300
    assert len(kinds) >= 8
    today = local(now).date()
    for created in reminders.values_list("created_at", flat=True):
        assert today - dt.timedelta(days=3) <= local(created).date() < today
    assert reminders.filter(customer__isnull=True).count() == 0

    marketing = OutboxMessage.objects.filter(kind="marketing")
    held = list(marketing.filter(state=State.HELD))
    assert held
    for message in held:
        assert local(message.next_attempt_at).time() == dt.time(8, 0)
        assert message.body.endswith("回复TD退订")
    assert marketing.filter(state=State.CANCELLED, state_reason=NO_CONSENT_REASON).count() > 0
    failures = OutboxMessage.objects.filter(state__in=[State.FAILED, State.UNDELIVERABLE])
    assert failures.count() == 2

    # The worker sends every due reminder into the file sink; held marketing waits.
    sink = tmp_path / "sms.jsonl"
    transport = FileTransport(sink)
    transport.open()
    while dispatch_once(transport=transport, now=now, owner="demo", batch_size=200).claimed:
        pass
    dispatch_once(transport=transport, now=now, owner="demo")
    written = {line["dedupe_key"] for line in read_lines(sink)}
    assert written == reminder_keys
    assert OutboxMessage.objects.filter(state=State.DELIVERED).count() == len(written)
    assert marketing.filter(state=State.HELD).count() == len(held)

    # The console shows a subscriber's reminders and the failures.
    client.force_login(User.objects.get(username="admin"))
    customer = OutboxMessage.objects.filter(dedupe_key__in=reminder_keys).first().customer
    page = client.get(f"/console/customers/{customer.code}/").content.decode()
    assert 'id="messages"' in page and "status-active" in page
    failures_page = client.get("/console/messages/failures/").content.decode()
    for message in failures:
        assert f'id="message-{message.pk}"' in failures_page
