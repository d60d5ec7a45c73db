"""The file sink: one JSON line per message, so a demo shows what would have been sent.

``TELCODESK_SMS_URL=file:///path/sms.jsonl`` (the default is ``sms.jsonl`` under
the var directory). Each submitted message is appended as::

    {"id": 17, "dedupe_key": "payment:P123", "to": "+8618912345678", "from": "10000",
     "text": "...", "encoding": "ucs2", "segments": 2, "at": "2025-09-30T02:00:00Z"}

The file is locked (``flock``) while a batch is appended and synced once per
batch. Every line's dedupe key is remembered, also those appended by other
worker processes since the last batch: a message offered again (its worker
died before recording the submit) is acknowledged without a second line, so
each message appears exactly once in the file. Message ids are
``file-<outbox id>``; every submitted message is reported delivered on the next
``poll_receipts``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

from telcodesk.core import clock
from telcodesk.core.tmf import tmf_datetime
from telcodesk.notify.encoding import sms_length
from telcodesk.notify.transports.base import (
    DeliveryReport,
    InboundSms,
    OutgoingSms,
    ReceiptState,
    ResultSink,
    SubmitResult,
    SubmitStatus,
)

# On open, lines written this recently are reported delivered again, in case a
# worker died between writing them and recording their receipts.
REANNOUNCE_WINDOW = dt.timedelta(minutes=10)


def message_id(outbox_id: int) -> str:
    return f"file-{outbox_id}"


class FileTransport:
    """Appends messages to a JSON-lines file and reports them delivered."""

    name = "file"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._seen: set[str] = set()
        self._offset = 0
        self._pending: list[DeliveryReport] = []
        self._opened = False

    @classmethod
    def from_url(cls, url: str) -> FileTransport:
        """``file:///abs/path/sms.jsonl``; ``file://relative/path`` is taken from the cwd."""
        parts = urlsplit(url)
        path = unquote(parts.netloc + parts.path) if parts.netloc else unquote(parts.path)
        if not path or path.endswith("/"):
            raise ValueError(f"{url!r} names no file: use file:///path/to/sms.jsonl")
        return cls(path)

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch(exist_ok=True)
        self._seen.clear()
        self._offset = 0
        recent_since = clock.now() - REANNOUNCE_WINDOW
        with self.path.open("rb") as handle:
            for record in self._read_new(handle):
                at, outbox_id = _instant(record.get("at")), record.get("id")
                if at is not None and at >= recent_since and isinstance(outbox_id, int):
                    self._pending.append(DeliveryReport(message_id(outbox_id),
                                                        ReceiptState.DELIVERED, done_at=at))
        self._opened = True

    def _read_new(self, handle: IO[bytes]) -> list[dict[str, object]]:
        """Complete lines appended since the last read; remembers their dedupe keys."""
        handle.seek(self._offset)
        data = handle.read()
        end = data.rfind(b"\n") + 1  # a partial last line (a writer died) is skipped
        records = []
        for line in data[:end].splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # the remains of a line cut short by a crash
            if isinstance(record, dict) and isinstance(record.get("dedupe_key"), str):
                self._seen.add(record["dedupe_key"])
                records.append(record)
        self._offset += end
        return records

    def submit_batch(self, messages: Sequence[OutgoingSms], *,
                     on_results: ResultSink | None = None) -> list[SubmitResult]:
        # One write for the whole batch: every result is returned together.
        if not self._opened:
            self.open()
        now = clock.now()
        at = tmf_datetime(now)
        results: list[SubmitResult] = []
        with self.path.open("a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                self._read_new(handle)
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                if size > self._offset:  # a cut-short line: start ours on a fresh line
                    handle.write(b"\n")
                lines: list[bytes] = []
                for sms in messages:
                    if sms.dedupe_key not in self._seen:
                        length = sms_length(sms.body)
                        lines.append(json.dumps({
                            "id": sms.outbox_id, "dedupe_key": sms.dedupe_key,
                            "to": sms.recipient, "from": sms.sender, "text": sms.body,
                            "encoding": length.encoding, "segments": length.segments, "at": at,
                        }, ensure_ascii=False).encode() + b"\n")
                        self._seen.add(sms.dedupe_key)
                    mid = message_id(sms.outbox_id)
                    results.append(SubmitResult(sms.outbox_id, SubmitStatus.SUBMITTED,
                                                message_ids=(mid,)))
                    self._pending.append(DeliveryReport(mid, ReceiptState.DELIVERED,
                                                        done_at=now))
                if lines:
                    handle.write(b"".join(lines))
                handle.flush()
                os.fsync(handle.fileno())
                self._offset = handle.tell()
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return results

    def poll_receipts(self) -> list[DeliveryReport]:
        reports, self._pending = self._pending, []
        return reports

    def poll_inbound(self) -> list[InboundSms]:
        return []  # a file cannot answer

    def close(self) -> None:
        self._opened = False


def _instant(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
