"""Helpers of the notify tests: a fixed clock, a scripted transport, file sinks."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import transaction

from telcodesk.core.models import Channel
from telcodesk.notify.models import OutboxMessage
from telcodesk.notify.services import do_notify
from telcodesk.notify.transports.base import (
    DeliveryReport,
    InboundSms,
    OutgoingSms,
    ReceiptState,
    ResultSink,
    SubmitResult,
    SubmitStatus,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 30, month: int = 9) -> dt.datetime:
    """An instant on a local (Shanghai) clock in 2025."""
    return dt.datetime(2025, month, day, hour, minute, tzinfo=SHANGHAI)


def reminder(now: dt.datetime, key: str = "pay-1", recipient: str = "+8618912345678",
             **extra: Any) -> OutboxMessage:
    """A payment-received reminder queued (and committed, as far as the test goes)."""
    options: dict[str, Any] = {"channel": Channel.SYSTEM, **extra}
    return do_notify(now=now, kind="payment_received", recipient=recipient,
                     context={"number": "18912345678", "time": now, "amount": "100.00",
                              "balance": "186.50"},
                     dedupe_key=key, **options)


def committed(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run ``fn`` in its own atomic block (a savepoint inside the test's transaction)."""
    with transaction.atomic():
        return fn(*args, **kwargs)


def read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


@dataclass
class ScriptedTransport:
    """A transport whose answers are scripted per call; records what it was given."""

    name: str = "scripted"
    answers: list[Any] = field(default_factory=list)  # SubmitStatus or callables
    submitted: list[OutgoingSms] = field(default_factory=list)
    receipts: list[DeliveryReport] = field(default_factory=list)
    replies: list[InboundSms] = field(default_factory=list)
    segments: int = 1
    opened: int = 0
    closed: int = 0
    _counter: int = 0

    def open(self) -> None:
        self.opened += 1

    def close(self) -> None:
        self.closed += 1

    def submit_batch(self, messages: Sequence[OutgoingSms], *,
                     on_results: ResultSink | None = None) -> list[SubmitResult]:
        answer = self.answers.pop(0) if self.answers else SubmitStatus.SUBMITTED
        results = []
        for sms in messages:
            self.submitted.append(sms)
            if answer == SubmitStatus.SUBMITTED:
                ids = []
                for _ in range(self.segments):
                    self._counter += 1
                    ids.append(f"{self.name}-{self._counter}")
                results.append(SubmitResult(sms.outbox_id, SubmitStatus.SUBMITTED,
                                            message_ids=tuple(ids)))
            elif answer == SubmitStatus.RETRY:
                results.append(SubmitResult(sms.outbox_id, SubmitStatus.RETRY,
                                            error="ESME_RSYSERR (0x08)"))
            else:
                results.append(SubmitResult(sms.outbox_id, SubmitStatus.FAILED,
                                            error="ESME_RINVDSTADR (0x0B)"))
        return results

    def deliver(self, message_id: str, state: ReceiptState = ReceiptState.DELIVERED,
                error_code: str = "") -> None:
        self.receipts.append(DeliveryReport(message_id, state, error_code=error_code))

    def poll_receipts(self) -> list[DeliveryReport]:
        reports, self.receipts = self.receipts, []
        return reports

    def poll_inbound(self) -> list[InboundSms]:
        replies, self.replies = self.replies, []
        return replies


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str,
               every: float = 0.1) -> None:
    """Check ``condition`` every ``every`` seconds until it holds; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        pause.wait(every)


def outbox_states(database_url: str) -> dict[str, int]:
    """Messages per state in another process's database (``run_cli.database_url``), read
    over a connection of its own: cheap enough to poll, where a ``telcodesk manage shell``
    child costs a second of start-up each time."""
    query = (f"SELECT state, COUNT(*) FROM {OutboxMessage._meta.db_table} "  # noqa: S608
             "GROUP BY state")
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30) as db:
            return dict(db.execute(query).fetchall())
    with psycopg.connect(database_url) as db:
        return dict(db.execute(query).fetchall())
