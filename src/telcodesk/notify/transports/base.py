"""The interface every SMS transport implements.

The dispatcher (``notify.dispatcher``) claims due outbox rows, hands them to a
transport in batches and records what came back. A transport knows nothing of
the database: it turns ``OutgoingSms`` into ``SubmitResult`` and reports
delivery receipts as ``DeliveryReport``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


@dataclass(frozen=True)
class OutgoingSms:
    outbox_id: int
    dedupe_key: str  # ours, readable (e.g. "payment:P123"); it stays in our database
    recipient: str  # E.164, e.g. +8613812345678
    sender: str  # the source address the subscriber sees, e.g. 10000
    body: str
    # What goes to the SMS centre so a repeat can be recognised there: an opaque
    # digest of the dedupe key (``services.wire_key``), never the key itself, which
    # may carry customer numbers. Empty: nothing is sent.
    wire_key: str = ""


class SubmitStatus(StrEnum):
    SUBMITTED = "submitted"  # the SMS centre accepted every segment
    RETRY = "retry"  # transient: throttled, link down, timeout; try again later
    FAILED = "failed"  # permanent: rejected destination, bad message


@dataclass(frozen=True)
class SubmitResult:
    outbox_id: int
    status: SubmitStatus
    message_ids: tuple[str, ...] = ()  # one SMS-centre id per segment
    error: str = ""  # why it was not submitted, e.g. "ESME_RTHROTTLED (0x58)"
    retry_after: float | None = None  # seconds, when the peer suggested one
    # False when the peer has certainly not taken the message (the link was down,
    # the SMS centre only throttled it): such a retry does not use up an attempt.
    attempted: bool = True


class ReceiptState(StrEnum):
    DELIVERED = "delivered"
    UNDELIVERABLE = "undeliverable"
    EXPIRED = "expired"
    REJECTED = "rejected"
    DELETED = "deleted"
    UNKNOWN = "unknown"
    ACCEPTED = "accepted"  # intermediate; not final


@dataclass(frozen=True)
class DeliveryReport:
    message_id: str
    state: ReceiptState
    done_at: dt.datetime | None = None
    error_code: str = ""
    raw: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InboundSms:
    """A message a subscriber sent to us (a reply such as ``TD`` or ``Y``)."""

    source: str  # the subscriber, E.164 when the SMS centre gave an international number
    destination: str  # our address it was sent to
    text: str


ResultSink = Callable[[list[SubmitResult]], None]


class Transport(Protocol):
    """An SMS transport. One dispatcher thread drives it; it need not be thread-safe."""

    name: str

    def open(self) -> None:
        """Connect (and bind); may be called again after ``close`` or a failure."""

    def submit_batch(self, messages: Sequence[OutgoingSms], *,
                     on_results: ResultSink | None = None) -> list[SubmitResult]:
        """Submit messages, keeping up to the window outstanding; one result per message,
        in any order, returned when every message has an answer or has timed out.

        ``on_results``, when given, is called with results as soon as they are
        decided and before anything more is sent, so the caller can record them
        while the batch goes on: a crash then repeats at most what was in flight.
        Each result is passed to it at most once; all are returned in any case.
        """
        ...

    def poll_receipts(self) -> list[DeliveryReport]:
        """Delivery receipts received since the last call (never blocks long)."""
        ...

    def poll_inbound(self) -> list[InboundSms]:
        """Messages subscribers sent to us since the last call (replies such as ``TD``)."""
        ...

    def close(self) -> None:
        """Unbind and disconnect."""
