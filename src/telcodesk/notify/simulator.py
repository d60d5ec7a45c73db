"""An SMS-centre simulator: a real SMPP 3.4 server on TCP, for tests, benchmarks and demos.

Run it as its own process::

    python -m telcodesk.notify.simulator --host 127.0.0.1 --port 2775 --control-port 2776
    telcodesk sms-simulator --port 2775 --control-port 2776

With ``--port 0``/``--control-port 0`` the system picks free ports; the first line
printed says which (``sms-simulator: smpp 127.0.0.1:PORT control 127.0.0.1:PORT``).

It accepts binds (any credentials, unless ``--system-id``/``--password`` are
given), answers ``submit_sm`` with fresh message ids, sends delivery receipts
as ``deliver_sm`` and re-sends the ones not acknowledged after the client
reconnects, answers and sends ``enquire_link``, and records everything it
received. It speaks SMPP through the same codec as the transport (smpplib).

The control port takes one JSON object per line and answers one JSON line::

    {"cmd": "throttle", "count": 3}          next 3 submit_sm get ESME_RTHROTTLED
    {"cmd": "throttle", "rate": 50}          submits above 50/s get ESME_RTHROTTLED
    {"cmd": "throttle", "every": 5}          every fifth submit_sm gets ESME_RTHROTTLED
    {"cmd": "reject", "count": 1, "status": "ESME_RINVDSTADR"}
    {"cmd": "reject", "destination": "8613800000000", "status": "ESME_RINVDSTADR"}
    {"cmd": "drop", "after": 5, "silent": 0} answer 5 more submits, accept `silent` more
                                             without answering, then drop the link
    {"cmd": "drop"}                          drop every link now
    {"cmd": "receipts", "mode": "delivered", "delay": 0.5}   or undeliverable/expired/none
    {"cmd": "ack_delay", "seconds": 0.2}     answer submit_sm this much later
    {"cmd": "enquire"}                       send enquire_link on every bound link
    {"cmd": "mo", "source": "8613812345678", "destination": "10000", "text": "TD"}
    {"cmd": "status"}                        counters
    {"cmd": "wait", "field": "accepted", "at_least": 10, "timeout": 10}
    {"cmd": "dump"}                          every submit_sm and the reassembled messages
    {"cmd": "reset"}

A dumped submit carries: destination, source, data_coding, esm_class, decoded
text, concatenation reference/total/seqnum (UDH or sar_*), the dedupe key read
from the vendor TLV, the status answered and the message id assigned.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import heapq
import itertools
import json
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from telcodesk.core.clock import wall_clock
from telcodesk.notify.encoding import decode_segment, encode_gsm7, split_for_smpp
from telcodesk.notify.transports.smpp import (
    DEDUPE_TAG_DEFAULT,
    DELIVER_SM_RESP,
    ENQUIRE_LINK,
    ENQUIRE_LINK_RESP,
    ESME_RINVCMDID,
    ESME_ROK,
    ESME_RTHROTTLED,
    RESPONSE_BIT,
    STATUS_CODES,
    SUBMIT_SM,
    UNBIND,
    decode_pdu,
    encode_pdu,
    pdu_header,
    sm_optional_params,
    status_text,
)

BIND_COMMANDS = {0x00000001: "bind_receiver", 0x00000002: "bind_transmitter",
                 0x00000009: "bind_transceiver"}
RECEIPT_STATS = {"delivered": ("DELIVRD", 2), "undeliverable": ("UNDELIV", 5),
                 "expired": ("EXPIRED", 3), "rejected": ("REJECTD", 8)}
ESME_RINVBNDSTS = STATUS_CODES["ESME_RINVBNDSTS"]
ESME_RINVPASWD = STATUS_CODES["ESME_RINVPASWD"]
ESME_RINVSYSID = STATUS_CODES["ESME_RINVSYSID"]


@dataclass
class Submit:
    """One submit_sm as the simulator received it."""

    n: int
    connection: int
    sequence: int
    destination: str
    source: str
    data_coding: int
    esm_class: int
    text: str
    reference: int | None
    total: int
    seqnum: int
    concat: str | None  # "udh", "sar" or None
    dedupe_key: str | None
    registered_delivery: int
    status: str = "ESME_ROK"
    message_id: str = ""
    answered: bool = False


@dataclass
class Receipt:
    message_id: str
    destination: str
    source: str
    stat: str
    state: int
    submitted_at: dt.datetime
    text: str
    attempts: int = 0


@dataclass
class Rules:
    throttle_next: int = 0
    throttle_rate: float | None = None
    throttle_every: int = 0  # every n-th submit is throttled (0: none)
    submits_seen: int = 0  # since throttle_every was set
    reject_next: int = 0
    reject_status: int = STATUS_CODES["ESME_RINVDSTADR"]
    reject_destinations: dict[str, int] = field(default_factory=dict)
    drop_after: int | None = None
    drop_silent: int = 0
    receipt_mode: str = "delivered"
    receipt_delay: float = 0.0
    ack_delay: float = 0.0


class Session:
    """One client connection (thread per connection)."""

    def __init__(self, smsc: Smsc, sock: socket.socket, number: int) -> None:
        self.smsc = smsc
        self.sock = sock
        self.number = number
        self.write_lock = threading.Lock()
        self.alive = True
        self.bound: str | None = None  # bind command name once bound
        self.system_id = ""
        self.seq = itertools.count(1)
        self.unacked: dict[int, Receipt] = {}  # deliver_sm seq -> receipt
        self.pending_enquire: set[int] = set()
        self.silent_left = 0  # accept this many more without answering, then drop
        self.unanswered = 0  # submit_sm read and not answered yet

    def send(self, data: bytes) -> bool:
        if not self.alive:
            return False
        try:
            with self.write_lock:
                self.sock.sendall(data)
            return True
        except OSError:
            self.close()
            return False

    def close(self) -> None:
        if not self.alive:
            return
        self.alive = False
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.smsc.session_closed(self)

    def run(self) -> None:
        buffer = bytearray()
        try:
            while self.alive:
                try:
                    chunk = self.sock.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                buffer += chunk
                while self.alive and len(buffer) >= 16:
                    length = struct.unpack_from(">L", buffer)[0]
                    if length < 16 or length > 65536:
                        self.close()
                        return
                    if len(buffer) < length:
                        break
                    data = bytes(buffer[:length])
                    del buffer[:length]
                    self.handle(data)
        finally:
            self.close()

    def handle(self, data: bytes) -> None:
        _length, command_id, status, seq = pdu_header(data)
        smsc = self.smsc
        if command_id in BIND_COMMANDS:
            self.on_bind(command_id, seq, data)
        elif command_id == SUBMIT_SM:
            smsc.on_submit(self, seq, data)
        elif command_id == DELIVER_SM_RESP:
            smsc.on_deliver_sm_resp(self, seq, status)
        elif command_id == ENQUIRE_LINK:
            smsc.count("enquire_links_received")
            self.send(encode_pdu("enquire_link_resp", seq))
        elif command_id == ENQUIRE_LINK_RESP:
            if seq in self.pending_enquire:
                self.pending_enquire.discard(seq)
                smsc.count("enquire_link_resps_received")
        elif command_id == UNBIND:
            self.send(encode_pdu("unbind_resp", seq))
            self.close()
        elif command_id & RESPONSE_BIT:  # unbind_resp, generic_nack, late answers
            pass
        else:
            self.send(encode_pdu("generic_nack", seq, status=ESME_RINVCMDID))

    def on_bind(self, command_id: int, seq: int, data: bytes) -> None:
        name = BIND_COMMANDS[command_id]
        pdu = decode_pdu(data)
        system_id = (pdu.system_id or b"").decode("latin-1")
        password = (pdu.password or b"").decode("latin-1")
        expected_id, expected_password = self.smsc.credentials
        status = ESME_ROK
        if self.bound:
            status = STATUS_CODES["ESME_RALYBND"]
        elif expected_id is not None and system_id != expected_id:
            status = ESME_RINVSYSID
        elif expected_password is not None and password != expected_password:
            status = ESME_RINVPASWD
        response = encode_pdu(f"{name}_resp", seq, status=status, system_id="TELCODESKSIM")
        if status != ESME_ROK:
            self.send(response)
            return
        try:
            with self.write_lock:  # bound as the client learns it, and nothing before that
                self.bound, self.system_id = name, system_id
                self.sock.sendall(response)
        except OSError:
            self.close()
            return
        self.smsc.session_bound(self)


class Smsc:
    """The simulated SMS centre: sessions, rules, records, receipts."""

    def __init__(self, *, credentials: tuple[str | None, str | None] = (None, None),
                 dedupe_tag: int = DEDUPE_TAG_DEFAULT, zone: str = "Asia/Shanghai",
                 clock: Callable[[], dt.datetime]) -> None:
        self.credentials = credentials
        self.clock = clock
        self.dedupe_tag = dedupe_tag
        self.zone = ZoneInfo(zone)
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.sessions: list[Session] = []
        self.rules = Rules()
        self.submits: list[Submit] = []
        self.accepted_keys: set[str] = set()
        self.counters: collections.Counter[str] = collections.Counter()
        self.pending_receipts: collections.deque[Receipt] = collections.deque()
        self.ids = itertools.count(1)
        self.id_prefix = f"{os.getpid() & 0xFFFF:04x}"
        self.connections = itertools.count(1)
        self.bucket_tokens = 0.0
        self.bucket_stamp = time.monotonic()
        self.timers: list[tuple[float, int, Callable[[], None]]] = []
        self.timer_seq = itertools.count()
        self.timer_wake = threading.Condition()
        threading.Thread(target=self._timer_loop, name="smsc-timers", daemon=True).start()

    # --- bookkeeping ---

    def count(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.counters[name] += n
            self.changed.notify_all()

    def later(self, delay: float, action: Callable[[], None]) -> None:
        if delay <= 0:
            action()
            return
        with self.timer_wake:
            heapq.heappush(self.timers, (time.monotonic() + delay, next(self.timer_seq), action))
            self.timer_wake.notify()

    def _timer_loop(self) -> None:
        while True:
            with self.timer_wake:
                while not self.timers or self.timers[0][0] > time.monotonic():
                    timeout = self.timers[0][0] - time.monotonic() if self.timers else None
                    self.timer_wake.wait(timeout)
                _due, _n, action = heapq.heappop(self.timers)
            try:
                action()
            except Exception as exc:  # a timer must never stop the simulator
                print(f"sms-simulator: timer failed: {exc!r}", file=sys.stderr, flush=True)

    def session_opened(self, sock: socket.socket) -> Session:
        session = Session(self, sock, next(self.connections))
        with self.lock:
            self.sessions.append(session)
            self.counters["connections"] += 1
            self.changed.notify_all()
        return session

    def session_bound(self, session: Session) -> None:
        self.count("binds")
        self.pump_receipts()

    def session_closed(self, session: Session) -> None:
        with self.lock:
            if session in self.sessions:
                self.sessions.remove(session)
            # receipts sent but not acknowledged go out again on the next bind
            requeued = len(session.unacked)
            for receipt in session.unacked.values():
                self.pending_receipts.appendleft(receipt)
                self.counters["receipts_requeued"] += 1
            session.unacked.clear()
            self.counters["disconnects"] += 1
            self.changed.notify_all()
        if requeued:  # another client may be bound already; not from this thread's stack
            self.later(0.001, self.pump_receipts)

    # --- submit_sm ---

    def _throttled_by_rate(self) -> bool:
        rate = self.rules.throttle_rate
        if rate is None:
            return False
        now = time.monotonic()
        self.bucket_tokens = min(max(1.0, rate / 10), self.bucket_tokens +
                                 (now - self.bucket_stamp) * rate)
        self.bucket_stamp = now
        if self.bucket_tokens >= 1:
            self.bucket_tokens -= 1
            return False
        return True

    def on_submit(self, session: Session, seq: int, data: bytes) -> None:
        if not session.bound or session.bound == "bind_receiver":
            session.send(encode_pdu("submit_sm_resp", seq, status=ESME_RINVBNDSTS))
            return
        pdu = decode_pdu(data)
        tlvs = sm_optional_params(data)
        sar = None
        concat: str | None = None
        if pdu.sar_msg_ref_num is not None and pdu.sar_total_segments:
            sar = (pdu.sar_msg_ref_num, pdu.sar_total_segments, pdu.sar_segment_seqnum or 1)
            concat = "sar"
        part = decode_segment(data_coding=pdu.data_coding or 0, esm_class=pdu.esm_class or 0,
                              short_message=bytes(pdu.short_message or b""), sar=sar)
        if concat is None and part.reference is not None:
            concat = "udh"
        key = tlvs.get(self.dedupe_tag)
        destination = (pdu.destination_addr or b"").decode("latin-1")
        with self.lock:
            rules = self.rules
            silent = False
            if session.silent_left > 0:
                session.silent_left -= 1
                silent = True
            status = ESME_ROK
            rules.submits_seen += 1
            if rules.throttle_next > 0:
                rules.throttle_next -= 1
                status = ESME_RTHROTTLED
            elif (rules.throttle_every and rules.submits_seen % rules.throttle_every == 0) \
                    or self._throttled_by_rate():
                status = ESME_RTHROTTLED
            elif destination in rules.reject_destinations:
                status = rules.reject_destinations[destination]
            elif rules.reject_next > 0:
                rules.reject_next -= 1
                status = rules.reject_status
            submit = Submit(
                n=len(self.submits) + 1, connection=session.number, sequence=seq,
                destination=destination, source=(pdu.source_addr or b"").decode("latin-1"),
                data_coding=pdu.data_coding or 0, esm_class=pdu.esm_class or 0,
                text=part.text, reference=part.reference, total=part.total,
                seqnum=part.seqnum, concat=concat,
                dedupe_key=key.decode("utf-8", errors="replace") if key is not None else None,
                registered_delivery=pdu.registered_delivery or 0,
                status=status_text(status).split(" ")[0])
            if status == ESME_ROK:
                submit.message_id = f"{self.id_prefix}{next(self.ids):08x}"
                self.counters["accepted"] += 1
                if submit.dedupe_key is not None:
                    self.accepted_keys.add(submit.dedupe_key)
            elif status == ESME_RTHROTTLED:
                self.counters["throttled"] += 1
            else:
                self.counters["rejected"] += 1
            self.submits.append(submit)
            self.counters["submits"] += 1
            drop_now = False
            if not silent and rules.drop_after is not None:
                rules.drop_after -= 1
                if rules.drop_after <= 0:
                    rules.drop_after = None
                    session.silent_left = rules.drop_silent
                    rules.drop_silent = 0
                    drop_now = session.silent_left == 0
            elif silent and session.silent_left == 0:
                drop_now = True
            ack_delay = rules.ack_delay
            if not silent:
                session.unanswered += 1
                if session.unanswered > self.counters["max_unanswered"]:
                    self.counters["max_unanswered"] = session.unanswered
            self.changed.notify_all()
        if status == ESME_ROK and submit.registered_delivery & 0x01:
            self.schedule_receipt(submit)
        if not silent:
            response = encode_pdu("submit_sm_resp", seq, status=status,
                                  message_id=submit.message_id)

            def answer() -> None:
                with self.lock:  # counted before the client can see the answer
                    session.unanswered -= 1
                    submit.answered = True
                if not session.send(response):
                    with self.lock:
                        submit.answered = False

            if ack_delay > 0:
                self.later(ack_delay, answer)
            else:
                answer()
        if drop_now:
            with self.lock:
                self.counters["drops"] += 1
            session.close()

    # --- receipts ---

    def schedule_receipt(self, submit: Submit) -> None:
        mode = self.rules.receipt_mode
        if mode == "none":
            return
        stat, state = RECEIPT_STATS[mode]
        receipt = Receipt(message_id=submit.message_id, destination=submit.destination,
                          source=submit.source, stat=stat, state=state,
                          submitted_at=self.wall_clock(), text=submit.text[:20])

        def due() -> None:
            with self.lock:
                self.pending_receipts.append(receipt)
            self.pump_receipts()

        self.later(self.rules.receipt_delay, due)

    def wall_clock(self) -> dt.datetime:
        # The simulator stands in for a foreign system with its own clock (given by
        # whoever starts it); receipt dates are the only place it is read.
        return self.clock().astimezone(self.zone)

    def pump_receipts(self) -> None:
        """Send pending receipts to bound receivers (round robin)."""
        with self.lock:
            receivers = [s for s in self.sessions
                         if s.alive and s.bound in ("bind_transceiver", "bind_receiver")]
            turn = 0
            while self.pending_receipts:
                receivers = [s for s in receivers if s.alive]
                if not receivers:
                    break
                receipt = self.pending_receipts.popleft()
                session = receivers[turn % len(receivers)]
                turn += 1
                seq = next(session.seq)
                receipt.attempts += 1
                session.unacked[seq] = receipt
                stamp = f"{receipt.submitted_at:%y%m%d%H%M}"
                done = f"{self.wall_clock():%y%m%d%H%M}"
                body = (f"id:{receipt.message_id} sub:001 dlvrd:"
                        f"{'001' if receipt.stat == 'DELIVRD' else '000'} submit date:{stamp} "
                        f"done date:{done} stat:{receipt.stat} err:000 text:")
                pdu = encode_pdu(
                    "deliver_sm", seq, source_addr=receipt.destination, source_addr_ton=1,
                    source_addr_npi=1, destination_addr=receipt.source, esm_class=0x04,
                    data_coding=0, short_message=encode_gsm7(body),
                    receipted_message_id=receipt.message_id, message_state=receipt.state)
                if session.send(pdu):
                    self.counters["receipts_sent"] += 1
                elif session.unacked.pop(seq, None) is not None:
                    self.pending_receipts.appendleft(receipt)  # try the next receiver
            self.changed.notify_all()

    def on_deliver_sm_resp(self, session: Session, seq: int, status: int) -> None:
        with self.lock:
            if session.unacked.pop(seq, None) is not None:
                self.counters["receipts_acked" if status == ESME_ROK else "receipts_nacked"] += 1
            else:
                self.counters["mo_acked"] += 1
            self.changed.notify_all()

    # --- control ---

    def control(self, request: dict[str, Any]) -> dict[str, Any]:
        cmd = request.get("cmd")
        handler = getattr(self, f"cmd_{cmd}", None) if isinstance(cmd, str) else None
        if handler is None:
            return {"ok": False, "error": f"unknown command {cmd!r}"}
        try:
            result = handler(request)
        except (KeyError, ValueError, TypeError) as exc:
            return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        return {"ok": True, **(result or {})}

    def cmd_ping(self, request: dict[str, Any]) -> dict[str, Any]:
        return {}

    def cmd_status(self, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            return {
                **{name: self.counters[name] for name in (
                    "connections", "binds", "disconnects", "drops", "submits", "accepted",
                    "throttled", "rejected", "receipts_sent", "receipts_acked",
                    "receipts_nacked", "receipts_requeued", "enquire_links_received",
                    "enquire_link_resps_received", "mo_sent", "mo_acked",
                    "max_unanswered")},
                "sessions": sum(1 for s in self.sessions if s.alive),
                "bound": sum(1 for s in self.sessions if s.alive and s.bound),
                "receipts_pending": len(self.pending_receipts),
                "distinct_keys": len(self.accepted_keys),
            }

    def cmd_wait(self, request: dict[str, Any]) -> dict[str, Any]:
        name, at_least = str(request["field"]), int(request["at_least"])
        deadline = time.monotonic() + min(float(request.get("timeout", 10)), 600)
        with self.lock:
            while True:
                status = self.cmd_status({})
                if status.get(name, 0) >= at_least:
                    return {"met": True, "status": status}
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return {"met": False, "status": status}
                self.changed.wait(min(remaining, 1.0))

    def cmd_throttle(self, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if "count" in request:
                self.rules.throttle_next = int(request["count"])
            if "every" in request:
                self.rules.throttle_every = max(0, int(request["every"] or 0))
                self.rules.submits_seen = 0
            if "rate" in request:
                rate = request["rate"]
                self.rules.throttle_rate = None if rate is None else float(rate)
                self.bucket_tokens, self.bucket_stamp = 0.0, time.monotonic()
        return {}

    def cmd_reject(self, request: dict[str, Any]) -> dict[str, Any]:
        status = STATUS_CODES[request.get("status", "ESME_RINVDSTADR")]
        with self.lock:
            if "destination" in request:
                self.rules.reject_destinations[str(request["destination"]).lstrip("+")] = status
            else:
                self.rules.reject_next = int(request.get("count", 1))
                self.rules.reject_status = status
        return {}

    def cmd_drop(self, request: dict[str, Any]) -> dict[str, Any]:
        after = request.get("after")
        with self.lock:
            if after is not None and int(after) > 0:
                self.rules.drop_after = int(after)
                self.rules.drop_silent = int(request.get("silent", 0))
                return {}
            sessions = list(self.sessions)
            self.counters["drops"] += len(sessions)
        for session in sessions:
            session.close()
        return {"dropped": len(sessions)}

    def cmd_receipts(self, request: dict[str, Any]) -> dict[str, Any]:
        mode = str(request.get("mode", "delivered"))
        if mode != "none" and mode not in RECEIPT_STATS:
            raise ValueError(f"mode {mode!r}: use delivered, undeliverable, expired, "
                             "rejected or none")
        with self.lock:
            self.rules.receipt_mode = mode
            self.rules.receipt_delay = float(request.get("delay", 0))
        return {}

    def cmd_ack_delay(self, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.rules.ack_delay = float(request["seconds"])
        return {}

    def cmd_enquire(self, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            sessions = [s for s in self.sessions if s.alive and s.bound]
        for session in sessions:
            seq = next(session.seq)
            session.pending_enquire.add(seq)
            session.send(encode_pdu("enquire_link", seq))
        return {"sent": len(sessions)}

    def cmd_mo(self, request: dict[str, Any]) -> dict[str, Any]:
        text = str(request["text"])
        source = str(request["source"]).lstrip("+")
        destination = str(request.get("destination", "10000"))
        with self.lock:
            receivers = [s for s in self.sessions
                         if s.alive and s.bound in ("bind_transceiver", "bind_receiver")]
        if not receivers:
            raise ValueError("no bound receiver to deliver to")
        session = receivers[0]
        reference = int(request.get("reference", 7))
        for segment in split_for_smpp(text, reference=reference):
            session.send(encode_pdu(
                "deliver_sm", next(session.seq), source_addr=source, source_addr_ton=1,
                source_addr_npi=1, destination_addr=destination, esm_class=segment.esm_class,
                data_coding=segment.data_coding, short_message=segment.short_message))
            self.count("mo_sent")
        return {}

    def cmd_dump(self, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            submits = [asdict(s) for s in self.submits]
        return {"submits": submits, "messages": reassemble(submits)}

    def cmd_reset(self, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.rules = Rules()
            self.submits.clear()
            self.accepted_keys.clear()
            self.counters.clear()
            self.pending_receipts.clear()
            for session in self.sessions:
                session.silent_left = 0
        return {}


def reassemble(submits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Accepted submits grouped into messages, as a handset would reassemble them.

    A group is (dedupe key, destination, reference, total). ``copies`` counts how
    many times the most repeated part arrived (1 = no repeat).
    """
    groups: dict[tuple[Any, ...], dict[int, list[dict[str, Any]]]] = {}
    order: list[tuple[Any, ...]] = []
    for s in submits:
        if s["status"] != "ESME_ROK":
            continue
        key = (s["dedupe_key"], s["destination"], s["reference"], s["total"])
        if key not in groups:
            groups[key] = {}
            order.append(key)
        groups[key].setdefault(s["seqnum"], []).append(s)
    messages = []
    for key in order:
        parts = groups[key]
        dedupe_key, destination, reference, total = key
        complete = all(i in parts for i in range(1, total + 1))
        messages.append({
            "dedupe_key": dedupe_key, "destination": destination, "reference": reference,
            "total": total, "complete": complete,
            "text": "".join(parts[i][0]["text"] for i in sorted(parts)),
            "copies": max(len(p) for p in parts.values()),
            "message_ids": [[s["message_id"] for s in parts[i]] for i in sorted(parts)],
            "data_coding": next(iter(parts.values()))[0]["data_coding"],
        })
    return messages


# --- servers -------------------------------------------------------------------


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server = socket.socket(family, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, port))
    server.listen(128)
    return server


def _serve_smpp(smsc: Smsc, server: socket.socket) -> None:
    while True:
        sock, _addr = server.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        session = smsc.session_opened(sock)
        threading.Thread(target=session.run, name=f"smsc-session-{session.number}",
                         daemon=True).start()


def _serve_control_client(smsc: Smsc, sock: socket.socket) -> None:
    with sock, sock.makefile("rwb") as stream:
        for line in stream:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
                if not isinstance(request, dict):
                    raise ValueError("expected a JSON object")
            except ValueError as exc:
                reply: dict[str, Any] = {"ok": False, "error": f"bad request: {exc}"}
            else:
                reply = smsc.control(request)
            stream.write(json.dumps(reply, ensure_ascii=False).encode("utf-8") + b"\n")
            stream.flush()


def _serve_control(smsc: Smsc, server: socket.socket) -> None:
    while True:
        sock, _addr = server.accept()
        threading.Thread(target=_serve_control_client, args=(smsc, sock), daemon=True).start()


def serve(*, host: str = "127.0.0.1", port: int = 2775, control_port: int = 2776,
          system_id: str | None = None, password: str | None = None,
          receipts: str = "delivered", receipt_delay: float = 0.0,
          dedupe_tag: int = DEDUPE_TAG_DEFAULT, out: Any = None,
          clock: Callable[[], dt.datetime]) -> None:
    """Run the simulator until SIGTERM/SIGINT; ``clock`` gives the receipts' dates."""
    out = out or sys.stdout
    smsc = Smsc(credentials=(system_id, password), dedupe_tag=dedupe_tag, clock=clock)
    smsc.cmd_receipts({"mode": receipts, "delay": receipt_delay})
    smpp_server = _listen(host, port)
    control_server = _listen(host, control_port)
    threading.Thread(target=_serve_smpp, args=(smsc, smpp_server), daemon=True).start()
    threading.Thread(target=_serve_control, args=(smsc, control_server), daemon=True).start()
    print(f"sms-simulator: smpp {host}:{smpp_server.getsockname()[1]} "
          f"control {host}:{control_server.getsockname()[1]}", file=out, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    smpp_server.close()
    control_server.close()


# --- driving a simulator process (tests, benchmarks) -------------------------------

_READY = re.compile(r"smpp (\S+):(\d+) control (\S+):(\d+)")


class SimulatorError(RuntimeError):
    pass


class SimulatorProcess:
    """Start ``python -m telcodesk.notify.simulator`` and talk to its control port."""

    def __init__(self, *, host: str = "127.0.0.1", args: tuple[str, ...] = (),
                 start_timeout: float = 30.0) -> None:
        self.host = host
        self.process = subprocess.Popen(
            [sys.executable, "-m", "telcodesk.notify.simulator", "--host", host, "--port", "0",
             "--control-port", "0", *args],
            stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], start_timeout)
        line = self.process.stdout.readline() if ready else ""
        match = _READY.search(line)
        if not match:
            self.stop()
            raise SimulatorError(f"the simulator did not start (said {line!r})")
        self.port = int(match.group(2))
        self.control_port = int(match.group(4))
        self._control = socket.create_connection((host, self.control_port), timeout=60)
        self._stream = self._control.makefile("rwb")
        self._lock = threading.Lock()

    def url(self, system_id: str = "telcodesk", password: str = "", **options: Any) -> str:
        """An ``smpp://`` URL for this simulator (it accepts any credentials unless
        started with ``--system-id``/``--password``)."""
        password = password or "sim"
        query = "&".join(f"{k}={v}" for k, v in {"source_addr": "10000", **options}.items())
        return f"smpp://{system_id}:{password}@{self.host}:{self.port}?{query}"

    def command(self, cmd: str, **args: Any) -> dict[str, Any]:
        with self._lock:
            self._stream.write(json.dumps({"cmd": cmd, **args}).encode("utf-8") + b"\n")
            self._stream.flush()
            line = self._stream.readline()
        if not line:
            raise SimulatorError("the simulator closed its control connection")
        reply: dict[str, Any] = json.loads(line)
        if not reply.get("ok"):
            raise SimulatorError(reply.get("error", "the simulator refused the command"))
        return reply

    def status(self) -> dict[str, Any]:
        return self.command("status")

    def wait_for(self, name: str, at_least: int, timeout: float = 30.0) -> dict[str, Any]:
        """Block until the counter ``name`` reaches ``at_least`` (the simulator waits on
        its own condition); raises when the timeout passes first."""
        reply = self.command("wait", field=name, at_least=at_least, timeout=timeout)
        if not reply["met"]:
            raise SimulatorError(f"{name} did not reach {at_least} within {timeout:g} s: "
                                 f"{reply['status']}")
        status: dict[str, Any] = reply["status"]
        return status

    def dump(self) -> dict[str, Any]:
        return self.command("dump")

    def stop(self) -> None:
        with contextlib.suppress(AttributeError, OSError):
            self._stream.close()
            self._control.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> SimulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m telcodesk.notify.simulator",
                                     description="SMS-centre simulator (SMPP 3.4 server)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2775, help="SMPP port (0: any free port)")
    parser.add_argument("--control-port", type=int, default=2776,
                        help="control port (0: any free port)")
    parser.add_argument("--system-id", default=None, help="accept only this system_id")
    parser.add_argument("--password", default=None, help="accept only this password")
    parser.add_argument("--receipts", default="delivered",
                        choices=["delivered", "undeliverable", "expired", "rejected", "none"])
    parser.add_argument("--receipt-delay", type=float, default=0.0, help="seconds")
    args = parser.parse_args(argv)
    try:
        serve(host=args.host, port=args.port, control_port=args.control_port,
              system_id=args.system_id, password=args.password, receipts=args.receipts,
              receipt_delay=args.receipt_delay, clock=wall_clock)
    except OSError as exc:
        print(f"sms-simulator: error: cannot listen on {args.host}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
