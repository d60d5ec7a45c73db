"""The SMPP 3.4 transport: telcodesk as an ESME bound to an operator's SMS centre.

Chosen with ``TELCODESK_SMS_URL``::

    smpp://system_id:password@host:port?source_addr=10000&system_type=&rate=100&window=10

The PDU codec is ``smpplib`` (python-smpplib: every SMPP 3.4 PDU, both
directions, LGPL); the session is ours, because the library's client sends one
request at a time. This module keeps:

- one ``bind_transceiver`` session, with a reader thread that answers the peer's
  ``enquire_link``, sends our own when the link is idle, and reads responses,
  delivery receipts and subscriber replies as they arrive;
- a window of at most ``window`` outstanding ``submit_sm`` and a token bucket of
  at most ``rate`` submits per second (monotonic clock) that slows down when the
  SMS centre throttles and recovers as it accepts (``_RateControl``);
- results handed to the caller as they are decided (``on_results``), before the
  next submit, so a crash repeats at most one window;
- concatenation by UDH (default) or ``sar_*`` parameters (``concat=sar``);
- a vendor-specific optional parameter carrying an opaque digest of the outbox
  dedupe key (``OutgoingSms.wire_key``) on every segment (tag ``0x1401`` by
  default; SMS centres ignore unknown tags), so a repeat after a crash can be
  recognised downstream without the key's customer numbers leaving us;
- the mapping of answers to ``SubmitResult``: a throttled segment is sent
  again within the batch and never costs an attempt; a lost link is RETRY, never
  a loss; a refused destination is FAILED with the status name;
- reconnection with capped exponential backoff on the next ``submit_batch``.

A message is SUBMITTED only when every segment has an SMS-centre id. Segments
accepted before a later one failed transiently are remembered (per outbox id,
in this transport instance) and not sent again on the retry; after a worker
restart they are sent again, which the dedupe key makes detectable.

Delivery receipts are acknowledged (``deliver_sm_resp``) when the dispatcher
asks for the next batch of receipts: by then it has stored the previous ones.
A worker killed in between leaves them unacknowledged, and the SMS centre
delivers them again after the next bind instead of losing them. With
``receipt_ack=immediate`` they are acknowledged on arrival (for an SMS centre
whose deliver_sm window is too small for that), at the price of losing the
receipts a killed worker had not stored yet.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import itertools
import logging
import random
import re
import socket
import struct
import threading
import time
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from smpplib import consts as smpp_consts
from smpplib import smpp as smpp_codec

from telcodesk.core.phone import mask
from telcodesk.notify.encoding import (
    MessageTooLong,
    SmppSegment,
    decode_segment,
    split_for_smpp,
)
from telcodesk.notify.errors import NotifyError, NotifyErrorCode
from telcodesk.notify.transports.base import (
    DeliveryReport,
    InboundSms,
    OutgoingSms,
    ReceiptState,
    ResultSink,
    SubmitResult,
    SubmitStatus,
)

log = logging.getLogger("telcodesk.notify.smpp")
# smpplib logs a warning for every optional parameter it does not know, which
# includes our own dedupe tag: not worth a line per message.
logging.getLogger("smpplib.command").setLevel(logging.ERROR)

DEFAULT_PORT = 2775

# --- PDU level: command ids, status codes, framing ---------------------------

GENERIC_NACK = 0x80000000
BIND_TRANSCEIVER = 0x00000009
BIND_TRANSCEIVER_RESP = 0x80000009
SUBMIT_SM = 0x00000004
SUBMIT_SM_RESP = 0x80000004
DELIVER_SM = 0x00000005
DELIVER_SM_RESP = 0x80000005
UNBIND = 0x00000006
UNBIND_RESP = 0x80000006
ENQUIRE_LINK = 0x00000015
ENQUIRE_LINK_RESP = 0x80000015
ALERT_NOTIFICATION = 0x00000102
RESPONSE_BIT = 0x80000000

ESME_ROK = smpp_consts.SMPP_ESME_ROK
ESME_RINVCMDID = smpp_consts.SMPP_ESME_RINVCMDID
ESME_RTHROTTLED = smpp_consts.SMPP_ESME_RTHROTTLED
ESME_RMSGQFUL = smpp_consts.SMPP_ESME_RMSGQFUL
ESME_RSYSERR = smpp_consts.SMPP_ESME_RSYSERR
ESME_RINVBNDSTS = smpp_consts.SMPP_ESME_RINVBNDSTS
ESME_RX_T_APPN = smpp_consts.SMPP_ESME_RX_T_APPN

STATUS_NAMES: dict[int, str] = {
    value: name.removeprefix("SMPP_")
    for name, value in vars(smpp_consts).items()
    if name.startswith("SMPP_ESME_R") and isinstance(value, int)
}
STATUS_CODES: dict[str, int] = {name: value for value, name in STATUS_NAMES.items()}

# Answers that mean "not now": the message is retried, never failed.
THROTTLING = frozenset({ESME_RTHROTTLED, ESME_RMSGQFUL})
TRANSIENT = THROTTLING | {ESME_RSYSERR, ESME_RINVBNDSTS, ESME_RX_T_APPN}
# A bind refused for these reasons will not succeed by trying again.
BAD_CREDENTIALS = frozenset({smpp_consts.SMPP_ESME_RINVPASWD, smpp_consts.SMPP_ESME_RINVSYSID,
                             smpp_consts.SMPP_ESME_RINVSYSTYP})

DEDUPE_TAG_DEFAULT = 0x1401  # vendor-specific range is 0x1400-0x3FFF

# esm_class message type bits (SMPP 3.4, 5.2.12) in a deliver_sm
ESM_TYPE_MASK = 0x3C
ESM_TYPE_RECEIPT = 0x04
ESM_TYPE_INTERMEDIATE = 0x20

MAX_SEQUENCE = 0x7FFFFFFF
_NO_ROOM = float("inf")  # _send_window: wait for answers, not for the rate limit
HEADER = struct.Struct(">LLLL")


def status_text(status: int) -> str:
    """``0x58`` → ``"ESME_RTHROTTLED (0x58)"``."""
    return f"{STATUS_NAMES.get(status, 'ESME_UNKNOWN')} (0x{status:02x})"


class _NoClient:
    """smpplib wants a client object that hands out sequence numbers; we set them."""

    sequence = 0

    def next_sequence(self) -> int:
        return 0


_CODEC_CLIENT = _NoClient()


def encode_pdu(command: str, sequence: int, *, status: int = ESME_ROK,
               tlvs: Sequence[tuple[int, bytes]] = (), **fields: Any) -> bytes:
    """One PDU as bytes, through smpplib; ``tlvs`` are appended as raw (tag, value)."""
    pdu = smpp_codec.make_pdu(command, client=_CODEC_CLIENT, status=status, **fields)
    pdu.sequence = sequence
    data: bytes = pdu.generate()
    if tlvs:
        extra = b"".join(struct.pack(">HH", tag, len(value)) + value for tag, value in tlvs)
        data = struct.pack(">L", len(data) + len(extra)) + data[4:] + extra
    return data


def decode_pdu(data: bytes) -> Any:
    """Bytes → an smpplib command object (unknown optional parameters skipped)."""
    return smpp_codec.parse_pdu(data, client=_CODEC_CLIENT, allow_unknown_opt_params=True)


def pdu_header(data: bytes) -> tuple[int, int, int, int]:
    """(length, command_id, status, sequence)."""
    length, command_id, status, sequence = HEADER.unpack_from(data)
    return length, command_id, status, sequence


def _skip_cstring(body: bytes, pos: int) -> int:
    end = body.index(b"\x00", pos)
    return end + 1


def sm_optional_params(data: bytes) -> dict[int, bytes]:
    """The optional parameters of a submit_sm or deliver_sm, raw, by tag.

    smpplib skips the tags it does not know (such as our dedupe tag), so the
    mandatory part is walked here to reach them.
    """
    body = data[16:]
    try:
        pos = _skip_cstring(body, 0) + 2  # service_type, source ton/npi
        pos = _skip_cstring(body, pos) + 2  # source_addr, dest ton/npi
        pos = _skip_cstring(body, pos) + 3  # destination_addr, esm_class, pid, priority
        pos = _skip_cstring(body, pos)  # schedule_delivery_time
        pos = _skip_cstring(body, pos) + 4  # validity_period, reg, replace, dc, default id
        sm_length = body[pos]
        pos += 1 + sm_length
    except (ValueError, IndexError):
        return {}
    params: dict[int, bytes] = {}
    while pos + 4 <= len(body):
        tag, length = struct.unpack_from(">HH", body, pos)
        params[tag] = body[pos + 4:pos + 4 + length]
        pos += 4 + length
    return params


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


# --- receipts -----------------------------------------------------------------

_RECEIPT_FIELD = re.compile(
    r"(id|sub|dlvrd|submit date|done date|stat|err|text):(.*?)"
    r"(?=\s+(?:id|sub|dlvrd|submit date|done date|stat|err|text):|$)",
    re.IGNORECASE | re.DOTALL,
)
_STAT_STATES = {
    "DELIVRD": ReceiptState.DELIVERED,
    "UNDELIV": ReceiptState.UNDELIVERABLE,
    "EXPIRED": ReceiptState.EXPIRED,
    "REJECTD": ReceiptState.REJECTED,
    "DELETED": ReceiptState.DELETED,
    "UNKNOWN": ReceiptState.UNKNOWN,
    "ACCEPTD": ReceiptState.ACCEPTED,
    "ENROUTE": ReceiptState.ACCEPTED,
}
# message_state TLV values (SMPP 3.4, 5.3.2.35)
_MESSAGE_STATES = {
    1: ReceiptState.ACCEPTED,  # ENROUTE
    2: ReceiptState.DELIVERED,
    3: ReceiptState.EXPIRED,
    4: ReceiptState.DELETED,
    5: ReceiptState.UNDELIVERABLE,
    6: ReceiptState.ACCEPTED,
    7: ReceiptState.UNKNOWN,
    8: ReceiptState.REJECTED,
}


def parse_receipt_text(text: str) -> dict[str, str]:
    """``"id:1a2b sub:001 ... stat:DELIVRD err:000 text:..."`` → its fields."""
    return {m.group(1).lower(): m.group(2).strip() for m in _RECEIPT_FIELD.finditer(text)}


def parse_smsc_time(value: str, zone: dt.tzinfo) -> dt.datetime | None:
    """``YYMMDDhhmm`` or ``YYMMDDhhmmss`` in the SMS centre's zone → aware instant."""
    digits = value.strip()
    try:
        if len(digits) == 10:
            naive = dt.datetime.strptime(digits, "%y%m%d%H%M")
        elif len(digits) == 12:
            naive = dt.datetime.strptime(digits, "%y%m%d%H%M%S")
        else:
            return None
    except ValueError:
        return None
    return naive.replace(tzinfo=zone)


def receipt_from_deliver_sm(pdu: Any, zone: dt.tzinfo) -> DeliveryReport:
    """A delivery receipt deliver_sm → ``DeliveryReport`` (TLVs win over the text)."""
    raw_text = decode_segment(data_coding=pdu.data_coding or 0, esm_class=0,
                              short_message=pdu.short_message or b"").text
    fields = parse_receipt_text(raw_text)
    message_id = _text(pdu.receipted_message_id) or fields.get("id", "")
    state = ReceiptState.UNKNOWN
    if pdu.message_state is not None and pdu.message_state in _MESSAGE_STATES:
        state = _MESSAGE_STATES[pdu.message_state]
    elif fields.get("stat"):
        state = _STAT_STATES.get(fields["stat"].upper(), ReceiptState.UNKNOWN)
    done_at = parse_smsc_time(fields.get("done date", ""), zone)
    raw = dict(fields)
    if pdu.network_error_code:
        raw["network_error_code"] = bytes(pdu.network_error_code).hex()
    return DeliveryReport(message_id=message_id, state=state, done_at=done_at,
                          error_code=fields.get("err", ""), raw=raw)


# --- configuration ------------------------------------------------------------

_OPTIONS = {
    "source_addr": "the source address subscribers see (e.g. 10000)",
    "system_type": "system_type sent in the bind",
    "rate": "submit_sm per second the link allows (0 = no limit)",
    "window": "submit_sm outstanding without a response",
    "concat": "udh (default) or sar",
    "enquire_link": "seconds of idle link before an enquire_link",
    "timeout": "seconds to wait for a response",
    "reconnect_max": "longest wait between reconnection attempts, seconds",
    "throttle_pause": "seconds to hold back after the SMS centre throttled every submit "
                      "for a whole timeout",
    "dedupe_tlv": "vendor tag carrying the dedupe key (e.g. 0x1401) or off",
    "source_ton": "TON of the source address",
    "source_npi": "NPI of the source address",
    "dest_ton": "TON of destination addresses",
    "dest_npi": "NPI of destination addresses",
    "tz": "time zone of the SMS centre's receipt dates",
    "receipt_ack": "poll (acknowledge receipts once stored, default) or immediate",
}


def _bad_url(message: str) -> NotifyError:
    return NotifyError(NotifyErrorCode.BAD_TRANSPORT_URL, f"TELCODESK_SMS_URL: {message}")


@dataclass(frozen=True)
class SmppConfig:
    host: str
    port: int = DEFAULT_PORT
    system_id: str = ""
    password: str = field(default="", repr=False)
    system_type: str = ""
    source_addr: str = ""
    rate: float = 100.0
    window: int = 10
    concat: str = "udh"
    enquire_link: float = 30.0
    timeout: float = 10.0
    reconnect_max: float = 30.0
    throttle_pause: float = 1.0
    dedupe_tag: int | None = DEDUPE_TAG_DEFAULT
    source_ton: int | None = None  # None: 5 (alphanumeric) for letters, else 0
    source_npi: int | None = None
    dest_ton: int = 1  # international
    dest_npi: int = 1  # ISDN (E.164)
    tz: str = "Asia/Shanghai"
    receipt_ack: str = "poll"

    @classmethod
    def from_url(cls, url: str) -> SmppConfig:
        parts = urlsplit(url)
        if parts.scheme != "smpp":
            raise _bad_url(f"expected smpp://system_id:password@host:port, got {parts.scheme!r}")
        if not parts.hostname:
            raise _bad_url("the SMS centre host is missing (smpp://system_id:password@HOST:port)")
        try:
            port = parts.port or DEFAULT_PORT
        except ValueError as exc:
            raise _bad_url(f"bad port: {exc}") from None
        if not 0 < port < 65536:
            raise _bad_url(f"bad port {port}")
        system_id = unquote(parts.username or "")
        password = unquote(parts.password or "")
        if not system_id:
            raise _bad_url("the system_id is missing (smpp://SYSTEM_ID:password@host:port)")
        if len(system_id) > 15:
            raise _bad_url("system_id is longer than 15 characters")
        if len(password) > 8:
            raise _bad_url("the password is longer than 8 characters (SMPP 3.4 limit)")
        values: dict[str, Any] = {"host": parts.hostname, "port": port,
                                  "system_id": system_id, "password": password,
                                  "tz": cls.tz}
        try:
            from django.conf import settings

            values["tz"] = settings.TIME_ZONE
        except Exception:  # noqa: S110 - Django not configured: keep the default zone
            pass
        for key, raw in parse_qsl(parts.query, keep_blank_values=True):
            if key not in _OPTIONS:
                known = ", ".join(sorted(_OPTIONS))
                raise _bad_url(f"unknown option {key!r} (known: {known})")
            values.update(_parse_option(key, raw))
        if len(values.get("system_type", "")) > 12:
            raise _bad_url("system_type is longer than 12 characters")
        try:
            zoneinfo.ZoneInfo(values["tz"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise _bad_url(f"unknown time zone {values['tz']!r}") from None
        return cls(**values)

    def describe(self) -> str:
        """For log lines: never the password."""
        return (f"smpp://{self.system_id}@{self.host}:{self.port} window={self.window} "
                f"rate={self.rate:g}/s concat={self.concat}")


def _parse_option(key: str, raw: str) -> dict[str, Any]:
    def number(kind: Callable[[str], Any], minimum: float) -> Any:
        try:
            value = kind(raw)
        except ValueError:
            raise _bad_url(f"{key}={raw!r} is not a number") from None
        if value < minimum:
            raise _bad_url(f"{key}={raw!r} must be at least {minimum:g}")
        return value

    if key in ("source_addr", "system_type"):
        if key == "source_addr" and len(raw) > 20:
            raise _bad_url("source_addr is longer than 20 characters")
        return {key: raw}
    if key == "tz":
        return {key: raw}
    if key == "window":
        return {key: number(int, 1)}
    if key in ("rate", "reconnect_max", "throttle_pause"):
        return {key: number(float, 0)}
    if key in ("enquire_link", "timeout"):
        return {key: number(float, 0.05)}
    if key in ("source_ton", "source_npi", "dest_ton", "dest_npi"):
        return {key: number(int, 0)}
    if key == "concat":
        if raw not in ("udh", "sar"):
            raise _bad_url(f"concat={raw!r}: use udh or sar")
        return {key: raw}
    if key == "receipt_ack":
        if raw not in ("poll", "immediate"):
            raise _bad_url(f"receipt_ack={raw!r}: use poll or immediate")
        return {key: raw}
    # dedupe_tlv
    if raw.lower() in ("off", "none", "0", ""):
        return {"dedupe_tag": None}
    try:
        tag = int(raw, 0)
    except ValueError:
        raise _bad_url(f"dedupe_tlv={raw!r}: a tag such as 0x1401, or off") from None
    if not 0x1400 <= tag <= 0x3FFF:
        raise _bad_url(f"dedupe_tlv={raw!r}: must be in the vendor range 0x1400-0x3FFF")
    return {"dedupe_tag": tag}


# --- the session ---------------------------------------------------------------


class LinkDown(Exception):
    """The TCP connection or the bind is gone."""


class BindRefused(NotifyError):
    """The SMS centre refused our credentials: retrying will not help."""

    def __init__(self, message: str) -> None:
        super().__init__(NotifyErrorCode.INVALID, message)


class _Link:
    """One bound connection: a socket plus the thread that reads it."""

    def __init__(self, sock: socket.socket, *, transport: SmppTransport,
                 pending: bytes = b"") -> None:
        self.sock = sock
        self.pending = pending  # bytes read during the bind that belong to the session
        self.transport = transport
        self.cond = threading.Condition()
        self.write_lock = threading.Lock()
        self.responses: dict[int, tuple[int, int, bytes]] = {}  # seq -> (cmd, status, pdu)
        self.alive = True
        self.reason = ""
        self.last_rx = time.monotonic()
        self.enquire_seq: int | None = None
        self.enquire_sent_at = 0.0
        self.enquire_links_answered = 0  # the peer's enquire_link we answered
        self.enquire_links_sent = 0
        self.closing = False
        self.write_error = ""
        self.reader = threading.Thread(target=self._read_loop, name="smpp-reader", daemon=True)

    # writing (both threads)
    def send(self, data: bytes) -> None:
        """Write one PDU. A failed write does not close the socket at once: answers the
        peer sent before it went away may still be waiting to be read (see ``settle``)."""
        if not self.alive or self.write_error:
            raise LinkDown(self.reason or self.write_error or "link closed")
        try:
            with self.write_lock:
                self.sock.sendall(data)
        except OSError as exc:
            self.write_error = f"send failed: {exc}"
            raise LinkDown(self.write_error) from exc

    def settle(self) -> None:
        """After a failed write: let the reader take what is left, then close."""
        if threading.current_thread() is not self.reader and self.reader.is_alive():
            self.reader.join(self.transport.config.timeout)
        self.die(self.write_error or "link closed")

    def die(self, reason: str) -> None:
        with self.cond:
            if not self.alive:
                return
            self.alive = False
            self.reason = reason
            self.cond.notify_all()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        if self.closing:
            log.debug("smpp link closed: %s", reason)
        else:
            log.warning("smpp link down: %s", reason)

    # reading (reader thread)
    def start(self) -> None:
        self.reader.start()

    def _read_loop(self) -> None:
        cfg = self.transport.config
        self.sock.settimeout(min(1.0, cfg.enquire_link / 2, cfg.timeout / 2))
        buffer = bytearray()
        chunk = self.pending
        try:
            while self.alive:
                if not chunk:
                    try:
                        chunk = self.sock.recv(65536)
                    except TimeoutError:
                        self._keepalive()
                        continue
                    except OSError as exc:
                        self.die(f"receive failed: {exc}")
                        return
                    if not chunk:
                        self.die("the SMS centre closed the connection")
                        return
                self.last_rx = time.monotonic()
                buffer += chunk
                chunk = b""
                while len(buffer) >= 16:
                    length = struct.unpack_from(">L", buffer)[0]
                    if length < 16 or length > 65536:
                        self.die(f"bad PDU length {length}")
                        return
                    if len(buffer) < length:
                        break
                    data = bytes(buffer[:length])
                    del buffer[:length]
                    self._handle(data)
                self._keepalive()
        except LinkDown:
            self.settle()
        except Exception as exc:  # a bug must not leave a silent half-dead link
            log.exception("smpp reader failed")
            self.die(f"reader failed: {exc!r}")

    def _keepalive(self) -> None:
        cfg = self.transport.config
        now = time.monotonic()
        if self.enquire_seq is not None:
            if now - self.enquire_sent_at > cfg.timeout:
                self.die(f"no enquire_link_resp within {cfg.timeout:g} s")
            return
        if now - self.last_rx >= cfg.enquire_link:
            seq = self.transport.next_sequence()
            self.enquire_seq, self.enquire_sent_at = seq, now
            self.enquire_links_sent += 1
            self.send(encode_pdu("enquire_link", seq))

    def _handle(self, data: bytes) -> None:
        _length, command_id, status, seq = pdu_header(data)
        if command_id & RESPONSE_BIT:
            if command_id == ENQUIRE_LINK_RESP and seq == self.enquire_seq:
                self.enquire_seq = None
                return
            with self.cond:
                self.responses[seq] = (command_id, status, data)
                self.cond.notify_all()
            return
        if command_id == ENQUIRE_LINK:
            self.enquire_links_answered += 1
            self.send(encode_pdu("enquire_link_resp", seq))
        elif command_id == DELIVER_SM:
            self.transport.on_deliver_sm(self, seq, data)
        elif command_id == UNBIND:
            self.send(encode_pdu("unbind_resp", seq))
            self.die("the SMS centre unbound")
        elif command_id == ALERT_NOTIFICATION:
            pass
        else:
            self.send(encode_pdu("generic_nack", seq, status=ESME_RINVCMDID))

    # waiting (dispatcher thread)
    def take_responses(self, timeout: float) -> dict[int, tuple[int, int, bytes]]:
        """Responses received so far; waits up to ``timeout`` if there are none."""
        with self.cond:
            if not self.responses and self.alive and timeout > 0:
                self.cond.wait(timeout)
            taken, self.responses = self.responses, {}
            return taken


@dataclass
class _Job:
    """One message of a batch on its way through the window."""

    sms: OutgoingSms
    segments: list[SmppSegment]
    ids: list[str | None]
    result: SubmitResult | None = None
    # A segment went out and was lost, left unanswered or refused for now: the
    # message used up an attempt. Throttled or never sent: it did not.
    attempted: bool = False

    @property
    def key(self) -> tuple[int, str]:
        return (self.sms.outbox_id, self.sms.dedupe_key)


@dataclass
class _Batch:
    """The segments of one ``submit_batch`` call: waiting and in the window."""

    queue: collections.deque[tuple[_Job, int]]
    # sequence number -> (job, segment index, deadline on the monotonic clock)
    inflight: dict[int, tuple[_Job, int, float]] = field(default_factory=dict)
    stop_reason: str = ""  # set when nothing more may be sent in this batch
    stop_retry_after: float | None = None
    # when the SMS centre last answered anything but a throttle (monotonic clock)
    last_progress: float = field(default_factory=time.monotonic)

    @property
    def stopped(self) -> bool:
        return bool(self.stop_reason)

    def stop(self, reason: str, *, retry_after: float | None) -> None:
        if not self.stop_reason:
            self.stop_reason, self.stop_retry_after = reason, retry_after


class SmppTransport:
    """SMPP 3.4 ESME (bind_transceiver). See the module docstring."""

    name = "smpp"

    def __init__(self, config: SmppConfig) -> None:
        self.config = config
        self.zone = zoneinfo.ZoneInfo(config.tz)
        self._link: _Link | None = None
        self._seq = itertools.count(1)
        self._seq_lock = threading.Lock()
        self._bucket = _RateControl(config.rate, window=config.window)
        self._failures = 0
        self._next_attempt = 0.0
        self._paused_until = 0.0
        self._last_error = ""
        # Segments accepted while another segment of the same message was not:
        # (outbox_id, dedupe_key) -> {seqnum: message_id}. Bounded, oldest dropped.
        self._accepted: collections.OrderedDict[tuple[int, str], dict[int, str]] = (
            collections.OrderedDict())
        self._receipts: collections.deque[tuple[DeliveryReport, _Link, int]] = (
            collections.deque())
        self._receipt_arrived = threading.Condition()
        self._to_ack: list[tuple[_Link, int]] = []
        self._inbound: collections.deque[InboundSms] = collections.deque()
        self._mo_parts: dict[tuple[str, int, int], dict[int, str]] = {}
        self.stats = collections.Counter[str]()
        # results decided in the running batch and not yet handed to its sink
        self._decided: list[_Job] = []
        self._sink: ResultSink | None = None

    @classmethod
    def from_url(cls, url: str) -> SmppTransport:
        return cls(SmppConfig.from_url(url))

    def __repr__(self) -> str:
        return f"<SmppTransport {self.config.describe()}>"

    # --- the Transport interface ---

    def open(self) -> None:
        """Connect and bind now. A network failure is logged and retried with backoff
        by the next ``submit_batch``; refused credentials raise ``BindRefused``."""
        if self.connected:
            return
        try:
            self._connect()
        except BindRefused:
            raise
        except (OSError, LinkDown) as exc:
            self._connect_failed(str(exc))

    @property
    def connected(self) -> bool:
        return self._link is not None and self._link.alive and not self._link.write_error

    def submit_batch(self, messages: Sequence[OutgoingSms], *,
                     on_results: ResultSink | None = None) -> list[SubmitResult]:
        """See ``Transport.submit_batch``: results decided while the batch runs go to
        ``on_results`` before the next submit_sm is written, so at most a window of
        messages is ever accepted by the SMS centre and not yet handed over."""
        jobs: list[_Job] = []
        for sms in messages:
            job = self._prepare(sms)
            jobs.append(job)
        open_jobs = [job for job in jobs if job.result is None]
        if open_jobs:
            self._decided, self._sink = [], on_results
            try:
                self._run(open_jobs)
            finally:
                self._decided, self._sink = [], None
        results = []
        for job in jobs:
            assert job.result is not None
            results.append(job.result)
            if job.result.status != SubmitStatus.RETRY:
                self._accepted.pop(job.key, None)
        return results

    def poll_receipts(self, timeout: float = 0.0) -> list[DeliveryReport]:
        """Receipts received since the last call. The ones handed out by the previous
        call are acknowledged to the SMS centre now: the caller has stored them.

        With ``timeout`` it waits up to that many seconds for a first receipt.
        """
        self._ack_handed_out()
        if timeout > 0:
            with self._receipt_arrived:
                if not self._receipts:
                    self._receipt_arrived.wait(timeout)
        reports = []
        while self._receipts:
            report, link, seq = self._receipts.popleft()
            reports.append(report)
            if seq:
                self._to_ack.append((link, seq))
        return reports

    def wait_for_receipts(self, at_least: int, timeout: float) -> bool:
        """Block until this transport has received ``at_least`` receipts in all (taken
        or not), or ``timeout`` seconds pass; for tests and benchmarks."""
        deadline = time.monotonic() + timeout
        with self._receipt_arrived:
            while self.stats["receipts"] < at_least:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._receipt_arrived.wait(remaining)
        return True

    def poll_inbound(self) -> list[InboundSms]:
        """Messages subscribers sent (already acknowledged to the SMS centre)."""
        items = []
        while self._inbound:
            items.append(self._inbound.popleft())
        return items

    def close(self) -> None:
        """Unbind. Receipts handed out but not yet acknowledged stay so: the caller may
        have failed to store them, and the SMS centre sends them again after a bind."""
        self._to_ack.clear()
        link, self._link = self._link, None
        if link is None or not link.alive:
            return
        link.closing = True
        try:
            seq = self.next_sequence()
            link.send(encode_pdu("unbind", seq))
            deadline = time.monotonic() + min(self.config.timeout, 2.0)
            while link.alive and time.monotonic() < deadline:
                if seq in link.take_responses(deadline - time.monotonic()):
                    break
        except LinkDown:
            pass
        link.die("closed")

    # --- introspection for operators and tests ---

    @property
    def enquire_links_answered(self) -> int:
        return self._link.enquire_links_answered if self._link else 0

    @property
    def enquire_links_sent(self) -> int:
        return self._link.enquire_links_sent if self._link else 0

    def next_sequence(self) -> int:
        with self._seq_lock:
            seq = next(self._seq)
            if seq > MAX_SEQUENCE:
                self._seq = itertools.count(2)
                seq = 1
            return seq

    # --- connecting ---

    def _connect(self) -> None:
        cfg = self.config
        sock = socket.create_connection((cfg.host, cfg.port), timeout=cfg.timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            seq = self.next_sequence()
            sock.sendall(encode_pdu("bind_transceiver", seq, system_id=cfg.system_id,
                                    password=cfg.password, system_type=cfg.system_type,
                                    interface_version=0x34, addr_ton=0, addr_npi=0,
                                    address_range=""))
            status, pending = self._await_bind(sock, seq)
        except BaseException:
            sock.close()
            raise
        if status != ESME_ROK:
            sock.close()
            message = f"the SMS centre refused the bind of {cfg.system_id!r}: {status_text(status)}"
            if status in BAD_CREDENTIALS:
                self._connect_failed(message)
                raise BindRefused(message)
            raise LinkDown(message)
        link = _Link(sock, transport=self, pending=pending)
        self._link = link
        link.start()
        self._failures = 0
        self._next_attempt = 0.0
        self.stats["binds"] += 1
        log.info("smpp bound: %s", cfg.describe())

    def _await_bind(self, sock: socket.socket, seq: int) -> tuple[int, bytes]:
        """The bind response's status, and whatever the peer sent right after it."""
        deadline = time.monotonic() + self.config.timeout
        buffer = b""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LinkDown(f"no bind_transceiver_resp within {self.config.timeout:g} s")
            sock.settimeout(remaining)
            chunk = sock.recv(4096)
            if not chunk:
                raise LinkDown("the SMS centre closed the connection during the bind")
            buffer += chunk
            while len(buffer) >= 16:
                length, command_id, status, got = pdu_header(buffer)
                if len(buffer) < length:
                    break
                buffer = buffer[length:]
                if command_id in (BIND_TRANSCEIVER_RESP, GENERIC_NACK) and got == seq:
                    return status, buffer
                if command_id == ENQUIRE_LINK:
                    sock.sendall(encode_pdu("enquire_link_resp", got))

    def _connect_failed(self, reason: str) -> None:
        self._failures += 1
        delay = min(self.config.reconnect_max, 0.5 * 2 ** (self._failures - 1))
        delay *= random.uniform(0.8, 1.0)  # jitter, so many workers do not reconnect in step
        self._next_attempt = time.monotonic() + delay
        self._last_error = reason
        self.stats["connect_failures"] += 1
        log.warning("smpp: cannot reach the SMS centre (%s): %s; next attempt in %.1f s",
                    self.config.describe(), reason, delay)

    def _ensure_link(self) -> _Link | None:
        if self._link is not None and self._link.alive and not self._link.write_error:
            return self._link
        if self._link is not None:  # it died: reconnect at once the first time
            self._link.settle()
            self._last_error = self._link.reason
            self._link = None
            self._next_attempt = 0.0
        if time.monotonic() < self._next_attempt:
            return None
        try:
            self._connect()
        except BindRefused as exc:
            self._last_error = exc.message
            return None
        except (OSError, LinkDown) as exc:
            self._connect_failed(str(exc))
            return None
        return self._link

    # --- submitting ---

    def _prepare(self, sms: OutgoingSms) -> _Job:
        def done(status: SubmitStatus, error: str) -> _Job:
            job = _Job(sms=sms, segments=[], ids=[])
            job.result = SubmitResult(outbox_id=sms.outbox_id, status=status, error=error)
            return job

        destination = sms.recipient.removeprefix("+")
        if not destination.isdigit() or len(destination) > 20:
            return done(SubmitStatus.FAILED, f"not a dialable recipient: {mask(sms.recipient)}")
        try:
            segments = split_for_smpp(sms.body, reference=sms.outbox_id,
                                      concat="sar" if self.config.concat == "sar" else "udh")
        except MessageTooLong as exc:
            return done(SubmitStatus.FAILED, str(exc))
        known = self._accepted.get((sms.outbox_id, sms.dedupe_key), {})
        ids: list[str | None] = [known.get(seg.seqnum) for seg in segments]
        job = _Job(sms=sms, segments=segments, ids=ids)
        if all(ids):
            job.result = SubmitResult(outbox_id=sms.outbox_id, status=SubmitStatus.SUBMITTED,
                                      message_ids=tuple(i for i in ids if i))
        return job

    def _submit_pdu(self, job: _Job, index: int, seq: int) -> bytes:
        cfg = self.config
        seg = job.segments[index]
        source = job.sms.sender or cfg.source_addr
        source_ton = cfg.source_ton
        if source_ton is None:
            source_ton = 0 if source.isdigit() or not source else 5
        source_npi = cfg.source_npi
        if source_npi is None:
            source_npi = 0 if source_ton == 5 else 1
        fields: dict[str, Any] = {
            "service_type": "", "source_addr_ton": source_ton, "source_addr_npi": source_npi,
            "source_addr": source, "dest_addr_ton": cfg.dest_ton, "dest_addr_npi": cfg.dest_npi,
            "destination_addr": job.sms.recipient.removeprefix("+"),
            "esm_class": seg.esm_class, "registered_delivery": 1,
            "data_coding": seg.data_coding, "short_message": seg.short_message,
        }
        if cfg.concat == "sar" and seg.total > 1:
            fields.update(sar_msg_ref_num=seg.reference, sar_total_segments=seg.total,
                          sar_segment_seqnum=seg.seqnum)
        tlvs: list[tuple[int, bytes]] = []
        if cfg.dedupe_tag is not None and job.sms.wire_key:
            # the opaque digest, never the readable key (it may carry customer numbers)
            tlvs.append((cfg.dedupe_tag, job.sms.wire_key.encode("utf-8")[:255]))
        return encode_pdu("submit_sm", seq, tlvs=tlvs, **fields)

    def _run(self, jobs: list[_Job]) -> None:
        cfg = self.config
        pause = self._paused_until - time.monotonic()
        if pause > 0:  # the SMS centre asked us to slow down: honour it before sending
            time.sleep(pause)
        link = self._ensure_link()
        if link is None:
            retry_after = max(0.0, self._next_attempt - time.monotonic())
            for job in jobs:
                self._finish(job, SubmitStatus.RETRY,
                             f"SMS centre link down: {self._last_error}", retry_after=retry_after)
            return
        batch = _Batch(
            queue=collections.deque((job, i) for job in jobs
                                    for i, known in enumerate(job.ids) if known is None))
        while batch.queue or batch.inflight:
            wait = self._send_window(link, batch)
            if not link.alive:
                # answers that arrived before the link went down still count
                self._take_answers(batch, link.take_responses(0))
                for job, _index, _deadline in batch.inflight.values():
                    job.attempted = True  # the SMS centre may have taken it
                    self._finish(job, SubmitStatus.RETRY,
                                 f"no submit_sm_resp before the link was lost ({link.reason})",
                                 retry_after=0.0)
                batch.inflight.clear()
                batch.stop(f"not sent: link lost ({link.reason})", retry_after=0.0)
                break
            if not batch.inflight:
                if batch.stopped or not batch.queue:
                    break
                if self._decided:  # they hold the room: hand them over, then go on
                    self._hand_over()
                    continue
                time.sleep(min(wait, cfg.timeout))  # only the rate limit holds us back
                continue
            oldest_deadline = next(iter(batch.inflight.values()))[2]
            now = time.monotonic()
            if now >= oldest_deadline:
                link.die(f"no submit_sm_resp within {cfg.timeout:g} s")
                continue
            timeout = oldest_deadline - now
            if batch.queue and not batch.stopped and len(batch.inflight) < cfg.window:
                timeout = min(timeout, wait)
            self._take_answers(batch, link.take_responses(timeout))
            if len(self._decided) >= max(1, cfg.window // 2) or not batch.inflight:
                self._hand_over()
        for job in jobs:
            if job.result is None:
                self._finish(job, SubmitStatus.RETRY, batch.stop_reason or "not sent",
                             retry_after=batch.stop_retry_after)

    def _room_for(self, batch: _Batch, job: _Job) -> bool:
        """May a segment of ``job`` go now? Not when the window is full, nor when the
        messages possibly at the SMS centre and not handed over yet (in the window,
        decided since the last hand-over, and ``job`` itself) would exceed it."""
        window = self.config.window
        if len(batch.inflight) >= window:
            return False
        if len(self._decided) + len(batch.inflight) + 1 <= window:
            return True  # even counting every segment in flight as its own message
        held = {id(other) for other, _index, _deadline in batch.inflight.values()}
        held.add(id(job))
        return len(self._decided) + len(held) <= window

    def _send_window(self, link: _Link, batch: _Batch) -> float:
        """Send segments while the window and the rate allow; returns how long the
        rate limit wants us to wait before the next one (0 if it does not;
        ``_NO_ROOM`` when only answers or a hand-over make room).

        Results not handed over yet take room in the window: results are handed
        over in groups (fewer, larger writes for the caller), and still at most a
        window of messages is ever accepted and not handed over."""
        while batch.queue and not batch.stopped:
            job, index = batch.queue[0]
            if job.result is not None:  # another segment of it already decided it
                batch.queue.popleft()
                continue
            if not self._room_for(batch, job):
                return _NO_ROOM
            delay = self._bucket.take()
            if delay > 0:
                return delay
            batch.queue.popleft()
            seq = self.next_sequence()
            try:
                link.send(self._submit_pdu(job, index, seq))
            except LinkDown:
                batch.queue.appendleft((job, index))
                self._bucket.give_back()
                link.settle()
                return 0.0
            self.stats["submit_sm"] += 1
            batch.inflight[seq] = (job, index, time.monotonic() + self.config.timeout)
        return 0.0

    def _take_answers(self, batch: _Batch, answers: dict[int, tuple[int, int, bytes]]) -> None:
        """Apply the SMS centre's answers. A throttled segment goes back to the head of
        the batch and is sent again at the lowered rate; it never costs the message
        an attempt. Only when the SMS centre has throttled everything for a whole
        ``timeout`` does the batch stop (the rest comes back RETRY, unattempted) and
        the next one wait ``throttle_pause``."""
        cfg = self.config
        again: list[tuple[_Job, int]] = []
        for seq, (command_id, status, data) in answers.items():
            entry = batch.inflight.pop(seq, None)
            if entry is None:
                continue  # a late answer to something already given up
            job, index, _deadline = entry
            if status in THROTTLING:
                self.stats["throttled"] += 1
                self._bucket.throttled()
                if job.result is None:
                    again.append((job, index))
                now = time.monotonic()
                if now - batch.last_progress > cfg.timeout:
                    self._paused_until = now + cfg.throttle_pause
                    batch.stop(f"not sent: the SMS centre throttled every submit for "
                               f"{cfg.timeout:g} s ({status_text(status)})",
                               retry_after=cfg.throttle_pause)
                continue
            batch.last_progress = time.monotonic()
            if command_id == SUBMIT_SM_RESP and status == ESME_ROK:
                self._bucket.accepted()
                self._accepted_segment(job, index, _text(decode_pdu(data).message_id))
            elif status in TRANSIENT:
                job.attempted = True
                self._finish(job, SubmitStatus.RETRY, status_text(status))
            else:
                self.stats["rejected"] += 1
                self._finish(job, SubmitStatus.FAILED, status_text(status))
        batch.queue.extendleft(reversed(again))

    def _hand_over(self) -> None:
        """Give the results decided so far to the batch's sink (the dispatcher records
        them) before anything more is written to the SMS centre."""
        if not self._decided:
            return
        decided, self._decided = self._decided, []
        if self._sink is not None:
            self._sink([job.result for job in decided if job.result is not None])

    def _accepted_segment(self, job: _Job, index: int, message_id: str) -> None:
        job.ids[index] = message_id
        if job.result is not None:
            # decided already (another segment failed): keep the id for the retry
            if job.result.status == SubmitStatus.RETRY:
                self._remember(job)
            return
        if all(job.ids):
            job.result = SubmitResult(outbox_id=job.sms.outbox_id,
                                      status=SubmitStatus.SUBMITTED,
                                      message_ids=tuple(i for i in job.ids if i))
            self._decided.append(job)
        else:
            self._remember(job)

    def _remember(self, job: _Job) -> None:
        accepted = {seg.seqnum: mid for seg, mid in zip(job.segments, job.ids, strict=True)
                    if mid}
        self._accepted[job.key] = accepted
        self._accepted.move_to_end(job.key)
        while len(self._accepted) > 100_000:
            self._accepted.popitem(last=False)

    def _finish(self, job: _Job, status: SubmitStatus, error: str,
                retry_after: float | None = None) -> None:
        if job.result is not None:
            return
        if status == SubmitStatus.RETRY and any(job.ids):
            self._remember(job)
        job.result = SubmitResult(outbox_id=job.sms.outbox_id, status=status, error=error,
                                  retry_after=retry_after,
                                  attempted=job.attempted or status != SubmitStatus.RETRY)
        self._decided.append(job)

    # --- incoming deliver_sm (reader thread) ---

    def on_deliver_sm(self, link: _Link, seq: int, data: bytes) -> None:
        try:
            pdu = decode_pdu(data)
        except Exception:
            log.exception("smpp: cannot parse a deliver_sm; acknowledged and dropped")
            link.send(encode_pdu("deliver_sm_resp", seq, message_id=""))
            return
        esm_type = (pdu.esm_class or 0) & ESM_TYPE_MASK
        if esm_type in (ESM_TYPE_RECEIPT, ESM_TYPE_INTERMEDIATE):
            report = receipt_from_deliver_sm(pdu, self.zone)
            if self.config.receipt_ack == "immediate":
                link.send(encode_pdu("deliver_sm_resp", seq, message_id=""))
                seq = 0
            # otherwise acknowledged once the dispatcher has taken it (see poll_receipts)
            with self._receipt_arrived:
                self._receipts.append((report, link, seq))
                self.stats["receipts"] += 1
                self._receipt_arrived.notify_all()
            return
        self._on_mobile_originated(pdu)
        link.send(encode_pdu("deliver_sm_resp", seq, message_id=""))

    def _on_mobile_originated(self, pdu: Any) -> None:
        payload = pdu.short_message or (pdu.message_payload or b"")
        sar = None
        if pdu.sar_msg_ref_num is not None and pdu.sar_total_segments:
            sar = (pdu.sar_msg_ref_num, pdu.sar_total_segments, pdu.sar_segment_seqnum or 1)
        part = decode_segment(data_coding=pdu.data_coding or 0, esm_class=pdu.esm_class or 0,
                              short_message=bytes(payload), sar=sar)
        source = _text(pdu.source_addr)
        if (pdu.source_addr_ton or 0) == 1 and source.isdigit():
            source = "+" + source
        destination = _text(pdu.destination_addr)
        text = part.text
        if part.total > 1 and part.reference is not None:
            key = (source, part.reference, part.total)
            if key not in self._mo_parts and len(self._mo_parts) >= 1000:
                self._mo_parts.pop(next(iter(self._mo_parts)))  # the oldest never completed
            parts = self._mo_parts.setdefault(key, {})
            parts[part.seqnum] = part.text
            if len(parts) < part.total:
                return
            del self._mo_parts[key]
            text = "".join(parts[i] for i in sorted(parts))
        self.stats["inbound"] += 1
        self._inbound.append(InboundSms(source=source, destination=destination, text=text))

    def _ack_handed_out(self) -> None:
        acks, self._to_ack = self._to_ack, []
        for link, seq in acks:
            if not link.alive:
                continue  # the SMS centre will deliver it again after the next bind
            try:
                link.send(encode_pdu("deliver_sm_resp", seq, message_id=""))
            except LinkDown:
                continue


class _Bucket:
    """A token bucket on the monotonic clock; ``rate`` 0 never holds back."""

    def __init__(self, rate: float, *, window: int, now: float) -> None:
        self.window = window
        self.rate = rate
        self.tokens = self.burst
        self.stamp = now

    @property
    def burst(self) -> float:
        """A tenth of a second's worth, at least one, never more than the window."""
        return max(1.0, min(self.rate / 10, float(self.window)))

    def wait(self, now: float) -> float:
        """0 when a token is there, else the seconds until one is."""
        if self.rate <= 0:
            return 0.0
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def spend(self) -> None:
        if self.rate > 0:
            self.tokens -= 1

    def give_back(self) -> None:
        if self.rate > 0:
            self.tokens = min(self.burst, self.tokens + 1)

    def set_rate(self, rate: float, now: float) -> None:
        self.wait(now)  # what the old rate earned up to now
        self.rate = rate
        self.tokens = min(self.burst, self.tokens)


class _RateControl:
    """How fast submit_sm may go: the configured rate as a hard ceiling, and under it
    a pace that follows what the SMS centre allows.

    ``ceiling`` is a token bucket at the configured ``limit`` (0 = none): never
    exceeded, throttled submits included. ``pace`` starts at the limit. Each
    throttle answer lowers it by ``DECREASE`` (from the rate actually reached
    when there is no limit), though not below the rate at which the SMS centre
    has lately been accepting, and leaves its bucket with ``CREDIT`` of a token,
    so the throttled segment is tried again after half an interval at the lower
    pace, not after a saved-up burst; each accepted submit raises the pace by
    ``INCREASE`` back towards the limit. An SMS centre that throttles now and
    then costs little more than the throttled submits themselves; one that
    allows less than the limit is followed at about what it allows.
    """

    DECREASE = 0.85
    INCREASE = 0.10
    CREDIT = 0.5
    FLOOR = 1.0  # submits per second, however hard the SMS centre throttles
    UNLIMITED = 100_000.0  # without a limit, past this pace there is none again

    def __init__(self, limit: float, *, window: int) -> None:
        now = time.monotonic()
        self.limit = limit
        self.ceiling = _Bucket(limit, window=window, now=now)
        self.pace = _Bucket(limit, window=window, now=now)
        self.granted: collections.deque[float] = collections.deque(maxlen=32)
        self.accepts: collections.deque[float] = collections.deque(maxlen=32)

    @property
    def rate(self) -> float:
        """The pace now, submits per second (0: no limit)."""
        return self.pace.rate

    def take(self) -> float:
        """Take one token: 0 when granted, else the seconds until one is available."""
        now = time.monotonic()
        wait = max(self.ceiling.wait(now), self.pace.wait(now))
        if wait > 0:
            return wait
        self.ceiling.spend()
        self.pace.spend()
        self.granted.append(now)
        return 0.0

    def give_back(self) -> None:
        self.ceiling.give_back()
        self.pace.give_back()

    def throttled(self) -> None:
        now = time.monotonic()
        base = self.pace.rate if self.pace.rate > 0 else self._per_second(self.granted)
        lowered = max(self.FLOOR, base * self.DECREASE, self._per_second(self.accepts, now))
        self.pace.set_rate(min(lowered, base), now)
        self.pace.tokens = self.CREDIT

    def accepted(self) -> None:
        now = time.monotonic()
        self.accepts.append(now)
        if self.pace.rate <= 0:
            return
        raised = self.pace.rate * (1 + self.INCREASE)
        if self.limit > 0:
            raised = min(self.limit, raised)
        elif raised >= self.UNLIMITED:
            raised = 0.0
        self.pace.set_rate(raised, now)

    def _per_second(self, stamps: collections.deque[float], now: float | None = None) -> float:
        """Events per second over the last few ``stamps`` (up to ``now`` when given);
        ``FLOOR`` when there are too few to tell."""
        if len(stamps) < 2:
            return self.FLOOR
        span = (now if now is not None else stamps[-1]) - stamps[0]
        return (len(stamps) - 1) / max(span, 1e-3)


__all__ = [
    "DEDUPE_TAG_DEFAULT",
    "BindRefused",
    "InboundSms",
    "SmppConfig",
    "SmppTransport",
    "decode_pdu",
    "encode_pdu",
    "parse_receipt_text",
    "sm_optional_params",
    "status_text",
]
