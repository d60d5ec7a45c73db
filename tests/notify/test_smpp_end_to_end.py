"""From ``do_notify`` through the dispatcher and SMPP to the simulator, and receipts back."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from telcodesk.core.models import Channel
from telcodesk.notify.dispatcher import dispatch_once
from telcodesk.notify.models import OutboxMessage, SmscMessageId, State
from telcodesk.notify.services import do_notify, wire_key
from telcodesk.notify.transports import transport_from_url
from telcodesk.notify.transports.smpp import SmppTransport

pytestmark = pytest.mark.django_db

LONG_CHINESE = ("您好，您的宽带装机工单已派发给装维人员，师傅将于明天上午九点至十二点上门安装，"
                "请保持电话畅通；如需改约请回复本短信或拨打客服热线10000，"
                "装机完成后请对本次服务进行评价，感谢您的支持与配合。")


def notify(now: dt.datetime, n: int, text: str, *, number: str | None = None) -> OutboxMessage:
    return do_notify(now=now, kind="free_text", recipient=number or f"+86189{n:08d}",
                     context={"text": text}, dedupe_key=f"e2e:{n}", channel=Channel.SYSTEM,
                     language="zh-hans")


@pytest.fixture
def transport(smsc):
    found = transport_from_url(smsc.url(window=8, rate=0, throttle_pause=0.1))
    assert isinstance(found, SmppTransport)
    found.open()
    yield found
    found.close()


def run_until_settled(transport: SmppTransport, start: dt.datetime, *, receipts: int,
                      passes: int = 20) -> dt.datetime:
    """Dispatch passes, a minute apart on the injected clock, until every expected
    receipt has come in and been recorded."""
    now = start
    for _ in range(passes):
        dispatch_once(transport=transport, now=now, owner="e2e", batch_size=50)
        pending = OutboxMessage.objects.filter(state__in=[State.QUEUED, State.SENDING]).count()
        if not pending and transport.wait_for_receipts(receipts, timeout=30):
            dispatch_once(transport=transport, now=now, owner="e2e")  # record the last ones
            if not OutboxMessage.objects.filter(state=State.SUBMITTED).exists():
                return now
        now += dt.timedelta(minutes=1)
    pytest.fail("the outbox did not settle")


def test_notified_messages_are_delivered_with_receipts(transport, smsc, now):
    messages = [notify(now, n, f"您的订单{n}已受理。") for n in range(1, 6)]
    messages.append(notify(now, 6, LONG_CHINESE))
    assert messages[-1].segments == 2

    run_until_settled(transport, now, receipts=7)

    assert {m.state for m in OutboxMessage.objects.all()} == {State.DELIVERED}
    dump = smsc.dump()
    received = {m["dedupe_key"]: m["text"] for m in dump["messages"]}
    assert received == {wire_key(m.dedupe_key): m.body for m in messages}
    ids = {(wire_key(row.outbox.dedupe_key), row.segment): row.message_id
           for row in SmscMessageId.objects.select_related("outbox")}
    assert ids == {(s["dedupe_key"], s["seqnum"]): s["message_id"] for s in dump["submits"]}
    assert {row.receipt_state for row in SmscMessageId.objects.all()} == {"delivered"}


def test_the_key_on_the_wire_is_an_opaque_digest_and_receipts_still_match(
        transport, smsc, now):
    customer_key = "demo:service_ordered:C000000001:0"
    message = do_notify(now=now, kind="free_text", recipient="+8618912345678",
                        context={"text": "您的订单已受理。"}, dedupe_key=customer_key,
                        channel=Channel.SYSTEM, language="zh-hans")

    run_until_settled(transport, now, receipts=1)

    message.refresh_from_db()
    assert message.dedupe_key == customer_key  # ours stays readable
    assert message.state == State.DELIVERED  # the receipt found its message
    [submit] = smsc.dump()["submits"]
    on_wire = submit["dedupe_key"]
    assert "C000000001" not in on_wire and "service_ordered" not in on_wire
    assert len(on_wire) == 32 and int(on_wire, 16) >= 0  # a digest, hex
    assert on_wire == wire_key(customer_key)  # the same key gives the same digest
    assert wire_key("demo:service_ordered:C000000002:0") != on_wire


def test_throttling_fails_nothing_costs_no_attempt_and_doubles_nothing(
        transport, smsc, now):
    smsc.command("throttle", every=5)  # one submit in five, all along
    messages = [notify(now, n, f"您的订单{n}已受理。") for n in range(1, 41)]
    messages.append(notify(now, 41, LONG_CHINESE))

    run_until_settled(transport, now, receipts=42)

    rows = list(OutboxMessage.objects.all())
    assert {m.state for m in rows} == {State.DELIVERED}  # none failed, none left behind
    assert {m.attempts for m in rows} == {1}  # throttles are not attempts
    status = smsc.status()
    assert status["throttled"] >= 8
    accepted = [s for s in smsc.dump()["submits"] if s["status"] == "ESME_ROK"]
    # every segment of every message reached the SMS centre exactly once
    assert Counter((s["dedupe_key"], s["seqnum"]) for s in accepted) == Counter(
        {(wire_key(m.dedupe_key), part): 1 for m in rows for part in range(1, m.segments + 1)})


def test_throttling_and_a_refused_number_end_in_the_right_states(
        transport, smsc, now):
    smsc.command("throttle", count=2)
    smsc.command("reject", destination="8618900000099", status="ESME_RINVDSTADR")
    good = [notify(now, n, f"提醒{n}") for n in range(1, 9)]
    refused = notify(now, 99, "提醒99")

    run_until_settled(transport, now, receipts=8)

    for message in good:
        message.refresh_from_db()
        assert message.state == State.DELIVERED
    assert {m.attempts for m in good} == {1}  # the throttled ones went again, at no cost
    refused.refresh_from_db()
    assert refused.state == State.FAILED
    assert "ESME_RINVDSTADR" in refused.state_reason
    status = smsc.status()
    assert status["throttled"] == 2
    assert status["distinct_keys"] == 8  # each accepted once: nothing lost, nothing doubled
    assert status["accepted"] == 8


def test_undeliverable_receipts_mark_the_message(transport, smsc, now):
    smsc.command("receipts", mode="undeliverable")
    message = notify(now, 1, "测试")

    run_until_settled(transport, now, receipts=1)

    message.refresh_from_db()
    assert message.state == State.UNDELIVERABLE
