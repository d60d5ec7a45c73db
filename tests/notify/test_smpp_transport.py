"""The SMPP transport against the SMS-centre simulator, a real server process on loopback."""

from __future__ import annotations

import socket
from collections import Counter

import pytest

from telcodesk.notify.encoding import sms_length
from telcodesk.notify.errors import NotifyError, NotifyErrorCode
from telcodesk.notify.simulator import SimulatorProcess
from telcodesk.notify.transports.base import OutgoingSms, ReceiptState, SubmitStatus
from telcodesk.notify.transports.smpp import BindRefused, InboundSms, SmppTransport
from tests.notify.smsc import accepted_keys

SUBSCRIBER = "+8613812345678"
CHINESE = ("尊敬的客户，您好！您申请的宽带装机工单已经完成，装机师傅已上门调试完毕，"
           "如对本次服务有任何意见或建议，请回复短信或拨打客服热线10000，感谢您的支持。")


def sms(outbox_id: int, body: str = "", *, recipient: str = SUBSCRIBER) -> OutgoingSms:
    return OutgoingSms(outbox_id=outbox_id, dedupe_key=f"order-{outbox_id}",
                       recipient=recipient, sender="10000",
                       body=body or f"Your order {outbox_id} is confirmed.",
                       wire_key=f"d{outbox_id:031x}")


@pytest.fixture
def connect(smsc):
    opened: list[SmppTransport] = []

    def make(**options) -> SmppTransport:
        options.setdefault("rate", 0)
        transport = SmppTransport.from_url(smsc.url(**options))
        transport.open()
        opened.append(transport)
        return transport

    yield make
    for transport in opened:
        transport.close()


def by_status(results) -> dict[str, set[int]]:
    grouped: dict[str, set[int]] = {}
    for result in results:
        grouped.setdefault(str(result.status), set()).add(result.outbox_id)
    return grouped


def test_a_short_gsm_message_arrives_as_sent(connect, smsc):
    transport = connect()
    [result] = transport.submit_batch([sms(1, "Your line will be installed on 1 Oct [AM].")])

    assert result.status == SubmitStatus.SUBMITTED
    [submit] = smsc.dump()["submits"]
    assert submit["text"] == "Your line will be installed on 1 Oct [AM]."
    assert submit["data_coding"] == 0
    assert submit["esm_class"] == 0
    assert submit["destination"] == "8613812345678"
    assert submit["source"] == "10000"
    assert submit["dedupe_key"] == f"d{1:031x}"  # the wire key, not our readable key
    assert submit["registered_delivery"] == 1
    assert result.message_ids == (submit["message_id"],)


def test_chinese_text_goes_as_ucs2_in_udh_parts_that_reassemble(connect, smsc):
    assert len(CHINESE) > 70
    expected_parts = sms_length(CHINESE).segments
    assert expected_parts == 2
    transport = connect()
    [result] = transport.submit_batch([sms(300, CHINESE)])

    assert result.status == SubmitStatus.SUBMITTED
    dump = smsc.dump()
    submits = dump["submits"]
    assert len(submits) == expected_parts
    assert {s["data_coding"] for s in submits} == {8}
    assert {s["esm_class"] & 0x40 for s in submits} == {0x40}
    assert {s["concat"] for s in submits} == {"udh"}
    assert {s["reference"] for s in submits} == {300 & 0xFF}
    assert [(s["total"], s["seqnum"]) for s in submits] == [(2, 1), (2, 2)]
    [message] = dump["messages"]
    assert message["complete"] and message["text"] == CHINESE
    assert list(result.message_ids) == [s["message_id"] for s in submits]


def test_a_long_gsm_message_with_extension_characters(connect, smsc):
    text = ("Tariff {basic} costs 10€/month [incl. 1GB]; extras ~5€. " * 8)[:400]
    length = sms_length(text)
    extension = sum(text.count(ch) for ch in "€[]{}~")
    assert length.encoding == "gsm7"
    assert length.units == 400 + extension
    assert length.segments == 3

    transport = connect()
    [result] = transport.submit_batch([sms(7, text)])

    assert result.status == SubmitStatus.SUBMITTED
    assert len(result.message_ids) == 3
    dump = smsc.dump()
    assert [s["seqnum"] for s in dump["submits"]] == [1, 2, 3]
    assert all(sms_length(s["text"]).units <= 153 for s in dump["submits"])
    [message] = dump["messages"]
    assert message["text"] == text and message["data_coding"] == 0


def test_sar_concatenation_when_asked(connect, smsc):
    transport = connect(concat="sar")
    [result] = transport.submit_batch([sms(0x1234 + 65536, CHINESE)])

    assert result.status == SubmitStatus.SUBMITTED
    dump = smsc.dump()
    assert {(s["concat"], s["esm_class"], s["reference"]) for s in dump["submits"]} == {
        ("sar", 0, 0x1234)}
    assert dump["messages"][0]["text"] == CHINESE


def test_throttled_messages_are_sent_again_in_the_batch_and_cost_no_attempt(
        connect, smsc):
    transport = connect(window=10, rate=200)
    smsc.command("throttle", every=5)  # one submit in five
    batch = [sms(i) for i in range(1, 41)]

    results = transport.submit_batch(batch)

    # Every message submitted in this one call, none failed, none left to retry.
    assert by_status(results) == {"submitted": set(range(1, 41))}
    assert smsc.status()["throttled"] == 9  # 49 submits for 40 messages
    # Each reached the SMS centre exactly once.
    assert sorted(accepted_keys(smsc.dump())) == sorted(m.wire_key for m in batch)


def test_an_sms_centre_that_throttles_everything_leaves_the_rest_to_retry_unattempted(
        connect, smsc):
    transport = connect(window=4, timeout=0.3, throttle_pause=0.2)
    smsc.command("throttle", count=1_000_000)
    batch = [sms(i) for i in range(1, 6)]

    results = transport.submit_batch(batch)

    assert by_status(results) == {"retry": set(range(1, 6))}
    # Throttling never uses up an attempt, and the next batch waits the pause.
    assert not any(r.attempted for r in results)
    assert all(r.retry_after == 0.2 and "ESME_RTHROTTLED" in r.error for r in results)
    assert smsc.status()["accepted"] == 0
    smsc.command("reset")
    again = transport.submit_batch(batch)
    assert by_status(again) == {"submitted": set(range(1, 6))}
    assert sorted(accepted_keys(smsc.dump())) == sorted(m.wire_key for m in batch)


def test_a_slower_sms_centre_is_followed_at_what_it_allows(connect, smsc):
    transport = connect(window=10, rate=400)
    smsc.command("throttle", rate=100)  # allows a quarter of the configured rate
    batch = [sms(i) for i in range(1, 121)]

    results = transport.submit_batch(batch)

    assert by_status(results) == {"submitted": set(range(1, 121))}
    status = smsc.status()
    assert status["accepted"] == 120
    # It slowed down instead of hammering: far fewer throttles than messages.
    assert status["throttled"] < 120


def test_results_are_handed_over_before_more_is_sent(connect, smsc):
    """What the SMS centre accepted and the caller has not been given is at most
    one window at any time: a crash repeats no more than that."""
    window = 4
    transport = connect(window=window)
    smsc.command("ack_delay", seconds=0.01)
    handed: list[int] = []
    outstanding: list[int] = []

    def sink(results) -> None:
        accepted = smsc.status()["accepted"]
        outstanding.append(accepted - len(handed))  # accepted, not yet handed over
        handed.extend(r.outbox_id for r in results if r.status == SubmitStatus.SUBMITTED)

    results = transport.submit_batch([sms(i) for i in range(1, 31)], on_results=sink)

    assert by_status(results) == {"submitted": set(range(1, 31))}
    assert sorted(handed) == list(range(1, 31))  # each handed over once, while running
    assert max(outstanding) <= window


def test_a_refused_destination_fails_with_the_status_name(connect, smsc):
    smsc.command("reject", destination="8613800000000", status="ESME_RINVDSTADR")
    transport = connect()

    results = transport.submit_batch([sms(1), sms(2, recipient="+8613800000000"), sms(3)])

    assert by_status(results) == {"submitted": {1, 3}, "failed": {2}}
    failed = next(r for r in results if r.outbox_id == 2)
    assert failed.error == "ESME_RINVDSTADR (0x0b)"


def test_a_link_dropped_mid_window_loses_nothing(connect, smsc):
    transport = connect(window=10)
    smsc.command("drop", after=5)
    batch = [sms(i) for i in range(1, 11)]

    first = transport.submit_batch(batch)

    assert len(by_status(first)["submitted"]) == 5
    assert len(by_status(first)["retry"]) == 5
    assert smsc.status()["bound"] == 0
    second = transport.submit_batch([m for m in batch if m.outbox_id in by_status(first)["retry"]])

    assert by_status(second) == {"submitted": by_status(first)["retry"]}
    assert smsc.status()["binds"] == 2  # reconnected by itself
    submitted = Counter(r.outbox_id for r in first + second if r.status == SubmitStatus.SUBMITTED)
    assert submitted == Counter(range(1, 11))
    assert sorted(accepted_keys(smsc.dump())) == sorted(m.wire_key for m in batch)


def test_messages_accepted_but_unanswered_repeat_detectably(connect, smsc):
    # The SMS centre accepts 2 submits but the link dies before it answers them:
    # the transport cannot know, resends, and the dedupe key shows the repeat.
    transport = connect(window=10)
    smsc.command("drop", after=3, silent=2)
    batch = [sms(i) for i in range(1, 11)]

    first = transport.submit_batch(batch)
    retry = by_status(first)["retry"]
    second = transport.submit_batch([m for m in batch if m.outbox_id in retry])

    assert by_status(second) == {"submitted": retry}
    dump = smsc.dump()
    copies = {m["dedupe_key"]: m["copies"] for m in dump["messages"]}
    assert set(copies) == {m.wire_key for m in batch}  # every message reached the phone
    assert sorted(copies.values()) == [1] * 8 + [2] * 2  # two repeats, both recognisable


def test_only_missing_segments_are_sent_again(connect, smsc):
    text = "x" * 400  # 3 segments
    transport = connect(window=1)
    smsc.command("drop", after=1)

    [first] = transport.submit_batch([sms(42, text)])
    assert first.status == SubmitStatus.RETRY
    [second] = transport.submit_batch([sms(42, text)])

    assert second.status == SubmitStatus.SUBMITTED
    submits = [s for s in smsc.dump()["submits"] if s["status"] == "ESME_ROK"]
    assert [s["seqnum"] for s in submits] == [1, 2, 3]  # part 1 was not sent twice
    assert list(second.message_ids) == [s["message_id"] for s in submits]


def test_the_window_bounds_outstanding_submits(connect, smsc):
    smsc.command("ack_delay", seconds=0.1)
    transport = connect(window=4)

    results = transport.submit_batch([sms(i) for i in range(1, 13)])

    assert by_status(results) == {"submitted": set(range(1, 13))}
    assert 1 < smsc.status()["max_unanswered"] <= 4  # the window is used, never exceeded


def test_delivery_receipts_are_matched_to_the_submitted_ids(connect, smsc):
    transport = connect()
    smsc.command("receipts", mode="delivered")
    results = transport.submit_batch([sms(1), sms(2, CHINESE)])
    ids = {mid for r in results for mid in r.message_ids}
    assert len(ids) == 3

    smsc.wait_for("receipts_sent", 3)
    reports = []
    while len(reports) < 3:
        got = transport.poll_receipts(timeout=10)
        assert got, "no receipt arrived"
        reports += got

    assert {r.message_id for r in reports} == ids
    assert {r.state for r in reports} == {ReceiptState.DELIVERED}
    assert all(r.done_at is not None and r.done_at.tzinfo is not None for r in reports)
    assert {r.raw["stat"] for r in reports} == {"DELIVRD"}
    transport.poll_receipts()  # the dispatcher stored them: now they are acknowledged
    smsc.wait_for("receipts_acked", 3)


def test_undeliverable_receipts(connect, smsc):
    smsc.command("receipts", mode="undeliverable")
    transport = connect()
    [result] = transport.submit_batch([sms(1)])

    [report] = transport.poll_receipts(timeout=10)

    assert report.message_id == result.message_ids[0]
    assert report.state == ReceiptState.UNDELIVERABLE


def test_receipts_not_stored_before_a_crash_come_again(connect, smsc):
    first = connect()
    [result] = first.submit_batch([sms(1)])
    [report] = first.poll_receipts(timeout=10)
    # the worker dies before it stored the receipt: no deliver_sm_resp went out
    assert smsc.status()["receipts_acked"] == 0
    first.close()

    second = connect()
    [again] = second.poll_receipts(timeout=10)

    assert again.message_id == report.message_id == result.message_ids[0]
    second.poll_receipts()
    smsc.wait_for("receipts_acked", 1)


def test_enquire_link_both_ways(connect, smsc):
    transport = connect(enquire_link=0.2)
    smsc.wait_for("enquire_links_received", 1)  # we keep an idle link alive

    smsc.command("enquire")
    smsc.wait_for("enquire_link_resps_received", 1)  # and answer the SMS centre's

    assert transport.connected
    assert transport.enquire_links_answered == 1


def test_subscriber_replies_are_queued(connect, smsc):
    transport = connect()
    smsc.command("mo", source="8613812345678", destination="10000", text="TD")
    smsc.command("mo", source="8613812345678", destination="10000", text=CHINESE)
    smsc.wait_for("mo_acked", 3)  # "TD" plus the two parts of the long reply

    assert transport.poll_inbound() == [
        InboundSms(source=SUBSCRIBER, destination="10000", text="TD"),
        InboundSms(source=SUBSCRIBER, destination="10000", text=CHINESE),
    ]


def test_an_unreachable_sms_centre_means_retry_later():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    transport = SmppTransport.from_url(f"smpp://telcodesk:pw@127.0.0.1:{port}?timeout=2")
    transport.open()  # logged, not raised: the worker keeps running

    results = transport.submit_batch([sms(1), sms(2)])

    assert {r.status for r in results} == {SubmitStatus.RETRY}
    assert all("link down" in r.error for r in results)
    assert all(r.retry_after is not None and r.retry_after > 0 for r in results)
    assert not transport.connected


def test_refused_credentials_are_reported_clearly():
    with SimulatorProcess(args=("--system-id", "telcodesk", "--password", "right")) as strict:
        transport = SmppTransport.from_url(strict.url(password="wrong"))
        with pytest.raises(BindRefused, match="ESME_RINVPASWD"):
            transport.open()
        good = SmppTransport.from_url(strict.url(password="right"))
        good.open()
        assert good.connected
        good.close()


@pytest.mark.parametrize(("url", "problem"), [
    ("smpp://telcodesk:pw@:2775", "host is missing"),
    ("smpp://telcodesk:pw@smsc.example:99999", "bad port"),
    ("smpp://telcodesk:pw@smsc.example:abc", "bad port"),
    ("smpp://smsc.example:2775", "system_id is missing"),
    ("smpp://telcodesk:pw@smsc.example:2775?windw=10", "unknown option 'windw'"),
    ("smpp://telcodesk:pw@smsc.example:2775?window=0", "window='0' must be at least 1"),
    ("smpp://telcodesk:pw@smsc.example:2775?rate=fast", "rate='fast' is not a number"),
    ("smpp://telcodesk:pw@smsc.example:2775?concat=both", "use udh or sar"),
    ("smpp://telcodesk:pw@smsc.example:2775?dedupe_tlv=0x0204", "vendor range"),
    ("smpp://telcodesk:toolongpassword@smsc.example", "password is longer than 8"),
])
def test_bad_urls_are_refused_with_a_clear_message(url, problem):
    with pytest.raises(NotifyError) as caught:
        SmppTransport.from_url(url)
    assert caught.value.code == NotifyErrorCode.BAD_TRANSPORT_URL
    assert problem in caught.value.message


def test_url_options():
    transport = SmppTransport.from_url(
        "smpp://sys%40id:p%3Ass@smsc.example?source_addr=10000&system_type=VMA&rate=250"
        "&window=32&concat=sar&dedupe_tlv=off")
    config = transport.config
    assert (config.host, config.port, config.system_id, config.password) == (
        "smsc.example", 2775, "sys@id", "p:ss")
    assert (config.source_addr, config.system_type, config.rate, config.window) == (
        "10000", "VMA", 250.0, 32)
    assert (config.concat, config.dedupe_tag) == ("sar", None)
    assert "p:ss" not in repr(transport)
