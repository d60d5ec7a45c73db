"""FreeSWITCH ``mod_callcenter`` CDRs: records in, finished queue visits out.

A member's channel carries the ``cc_*`` variables that ``mod_callcenter`` sets;
its CDR is one queue visit. Read from:

- CSV with a header row naming the variables (``variable_`` prefixes are
  dropped: ``variable_cc_queue`` is ``cc_queue``);
- JSON: an array of CDR objects, JSON lines (one object per line), or objects
  one after another (pretty-printed ``mod_json_cdr`` files joined together);
  an object may be flat or ``mod_json_cdr``'s ``{"variables": {...}, ...}``
  (URL-encoded values are decoded).

Mapping: ``cc_queue_answered_epoch`` → answered (wait = answered − joined, talk
= terminated − answered); otherwise ``cc_cancel_reason`` decides: ``BREAK_OUT``
or ``NONE`` → abandoned, ``TIMEOUT`` → timeout, ``NO_AGENT_TIMEOUT`` → empty,
``EXIT_WITH_KEY`` → key (wait = canceled − joined). A CDR without ``cc_queue``
is not a queue call and an agent's leg (``cc_side`` agent) repeats the member's
visit: both are counted, not rejected. A record whose epochs cannot be read is
a reject with its line number (the line where the record starts).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from telcodesk.care.calllogs.records import (
    ABANDONED,
    AGENT_MAX,
    ANSWERED,
    BY_AGENT,
    BY_CALLER,
    BY_TRANSFER,
    CALL_REF_MAX,
    EMPTY,
    KEY,
    QUEUE_MAX,
    TIMEOUT,
    TRANSFER_MAX,
    UNKNOWN,
    CallVisit,
    ParseStats,
    Reject,
    TooLong,
    bounded,
    caller_fits,
    reject_text,
)

MIN_EPOCH = 946_684_800
MAX_EPOCH = 4_102_444_800
MAX_RECORD_CHARS = 4 << 20  # a JSON record longer than this is not a CDR

CSV = "csv"
JSON_ARRAY = "json-array"
JSON_LINES = "json-lines"
JSON_OBJECTS = "json-objects"

_CANCEL_OUTCOMES = {"BREAK_OUT": ABANDONED, "NONE": ABANDONED, "": ABANDONED,
                    "TIMEOUT": TIMEOUT, "NO_AGENT_TIMEOUT": EMPTY, "EXIT_WITH_KEY": KEY}
_CALLER_ENDS = {"recv_bye", "recv_cancel", "recv_refuse"}
_AGENT_ENDS = {"send_bye", "send_cancel", "send_refuse"}
_ANONYMOUS = {"", "anonymous", "unknown", "restricted", "private", "0000000000"}
_REQUIRED_COLUMNS = ("cc_queue", "cc_queue_joined_epoch")


class UnreadableLog(ValueError):
    """The file as a whole is not in the format asked for (e.g. a CSV without cc_queue)."""


def detect_shape(head: bytes) -> str | None:
    """CSV or which JSON shape the file's first bytes show (None for an empty head)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        return None
    if text.startswith(b"["):
        return JSON_ARRAY
    if text.startswith(b"{"):
        first = text.split(b"\n", 1)[0]
        try:
            json.loads(first)
        except ValueError:
            return JSON_OBJECTS
        return JSON_LINES
    return CSV


def _column(name: str) -> str:
    name = name.strip().lstrip("\ufeff").strip('"').strip()
    return name[len("variable_"):] if name.startswith("variable_") else name


class _BadRecord(ValueError):
    pass


def _epoch(values: Mapping[str, Any], name: str) -> float | None:
    raw = values.get(name)
    if raw is None:
        return None
    text = str(raw).strip()
    if text in ("", "0"):
        return None
    try:
        value = float(text)
    except ValueError:
        raise _BadRecord(f"{name} is not a Unix epoch") from None
    if value > MAX_EPOCH * 1000:  # microseconds (some exports use *_uepoch values)
        value /= 1_000_000
    if not MIN_EPOCH <= value <= MAX_EPOCH:
        raise _BadRecord(f"{name} is out of range")
    return int(value) if value == int(value) else value


def _since(later: float, earlier: float) -> int:
    return max(0, round(later - earlier))


def _transfer_target(history: str) -> str | None:
    """The destination of the last transfer in ``transfer_history``, if it was one."""
    last = history.replace("ARRAY::", "").split("|:")[-1]
    parts = last.split(":", 3)
    if len(parts) == 4 and parts[2] in ("bl_xfer", "att_xfer", "uuid_br"):
        return bounded(parts[3].split("/", 1)[0], TRANSFER_MAX, "the transfer target")
    return None


class CdrParser:
    """Feed it lines (without their newline); collect ``finished`` visits and ``rejects``.

    ``head``: the first bytes of the file, so a read that resumes in the middle
    knows the shape and (for CSV) the header.
    """

    def __init__(self, head: bytes = b"") -> None:
        self.stats = ParseStats()
        self.finished: list[CallVisit] = []
        self.rejects: list[Reject] = []
        self.shape = detect_shape(head)
        self.columns: list[str] | None = None
        if self.shape == CSV:
            header = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r")
            self.columns = self._header(header)
        self._decoder = json.JSONDecoder()
        self._buffer: list[str] = []
        self._buffer_chars = 0
        self._buffer_line = 0
        self._buffer_offset = 0

    @staticmethod
    def _header(raw: bytes) -> list[str]:
        text = raw.decode("utf-8", errors="replace")
        try:
            columns = [_column(c) for c in next(csv.reader([text]), [])]
        except csv.Error:
            columns = []
        missing = [c for c in _REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise UnreadableLog(
                f"the CSV header names no {' and no '.join(missing)} column: export the "
                "mod_callcenter cc_* variables with a header row")
        return columns

    # --- lines in ---------------------------------------------------------------------

    def feed(self, lines: list[bytes], first_line: int, first_offset: int) -> None:
        lineno = first_line - 1
        pos = first_offset
        for raw in lines:
            lineno += 1
            start = pos
            pos += len(raw) + 1
            self.stats.lines += 1
            if self.shape is None:
                self.shape = detect_shape(raw + b"\n")
                if self.shape is None:
                    continue
                if self.shape == CSV:
                    self.columns = self._header(raw.rstrip(b"\r"))
                    continue
            if self.shape == CSV and lineno == 1:
                continue  # the header
            try:
                text = raw.decode()
            except UnicodeDecodeError:
                self._reject(lineno, raw, "not UTF-8 text")
                continue
            if "\x00" in text:
                self._reject(lineno, raw, "binary data in the line")
                continue
            if self.shape == CSV:
                self._csv_line(text, lineno, raw)
            elif self.shape == JSON_LINES:
                self._json_line(text, lineno, raw)
            else:
                self._json_stream(text, lineno, start)

    def _csv_line(self, text: str, lineno: int, raw: bytes) -> None:
        if not text.strip():
            return
        assert self.columns is not None
        try:
            row = next(csv.reader([text.rstrip("\r")]), [])
        except csv.Error as exc:
            self._reject(lineno, raw, f"not a CSV row ({exc})")
            return
        if len(row) != len(self.columns):
            self._reject(lineno, raw, f"{len(row)} fields where the header has "
                                      f"{len(self.columns)}")
            return
        self._record(dict(zip(self.columns, row, strict=True)), lineno, raw)

    def _json_line(self, text: str, lineno: int, raw: bytes) -> None:
        stripped = text.strip().rstrip(",")
        if not stripped:
            return
        try:
            value = json.loads(stripped)
        except ValueError:
            self._reject(lineno, raw, "not a JSON object")
            return
        self._json_value(value, lineno, raw)

    def _json_stream(self, text: str, lineno: int, start: int) -> None:
        stripped = text.strip()
        if not self._buffer:
            stripped = stripped.lstrip("[,").strip()
            if not stripped or stripped == "]":
                return
            self._buffer_line, self._buffer_offset = lineno, start
        self._buffer.append(text)
        self._buffer_chars += len(text) + 1
        if self._buffer_chars > MAX_RECORD_CHARS:
            self._reject_buffer("a JSON record longer than 4 MB")
            return
        if not stripped.rstrip(",] \t\r").endswith("}"):
            return
        pending = "\n".join(self._buffer).strip().lstrip("[,").strip()
        while pending:
            try:
                value, end = self._decoder.raw_decode(pending)
            except json.JSONDecodeError as exc:
                if exc.pos >= len(pending.rstrip()):
                    self._buffer = [pending]
                    self._buffer_chars = len(pending)
                    return  # not complete yet
                self._reject_buffer("not valid JSON")
                return
            self._json_value(value, self._buffer_line, pending[:end].encode())
            pending = pending[end:].strip().lstrip(",]").strip()
            self._buffer_line = lineno  # further records start on this line
            self._buffer_offset = start
        self._buffer = []
        self._buffer_chars = 0

    def _reject_buffer(self, reason: str) -> None:
        self._reject(self._buffer_line, "\n".join(self._buffer).encode(), reason)
        self._buffer = []
        self._buffer_chars = 0

    def _json_value(self, value: Any, lineno: int, raw: bytes) -> None:
        if isinstance(value, list):  # an array on one line
            for item in value:
                self._json_value(item, lineno, raw)
            return
        if not isinstance(value, dict):
            self._reject(lineno, raw, "not a JSON object")
            return
        variables = value.get("variables")
        values: dict[str, Any] = dict(variables) if isinstance(variables, dict) else value
        if isinstance(variables, dict):
            values = {k: unquote(v) if isinstance(v, str) and "%" in v else v
                      for k, v in values.items()}
            profile = _caller_profile(value)
            for key in ("caller_id_number", "uuid"):
                if not values.get(key) and profile.get(key):
                    values[key] = profile[key]
        else:
            values = {_column(k): v for k, v in value.items()}
        self._record(values, lineno, raw)

    # --- one CDR ------------------------------------------------------------------------

    def _record(self, values: Mapping[str, Any], lineno: int, raw: bytes) -> None:
        try:
            visit = self._visit(values, lineno)
        except (_BadRecord, TooLong) as exc:
            self._reject(lineno, raw, str(exc))
            return
        if visit is not None:
            self.finished.append(visit)

    def _visit(self, values: Mapping[str, Any], lineno: int) -> CallVisit | None:
        queue = str(values.get("cc_queue") or "").strip()
        if not queue:
            self.stats.not_queue_calls += 1
            return None
        if str(values.get("cc_side") or "").strip().lower() == "agent":
            self.stats.agent_legs += 1
            return None
        bounded(queue, QUEUE_MAX, "the queue name")
        call_ref = str(values.get("cc_member_uuid") or values.get("uuid")
                       or values.get("call_uuid") or "").strip()
        if not call_ref:
            raise _BadRecord("no usable call id (cc_member_uuid or uuid)")
        bounded(call_ref, CALL_REF_MAX, "the call id")
        joined = _epoch(values, "cc_queue_joined_epoch")
        if joined is None:
            raise _BadRecord("no cc_queue_joined_epoch")
        answered = _epoch(values, "cc_queue_answered_epoch")
        canceled = _epoch(values, "cc_queue_canceled_epoch")
        terminated = _epoch(values, "cc_queue_terminated_epoch")
        caller = str(values.get("caller_id_number") or values.get("cc_member_cid_number")
                     or values.get("ani") or "").strip()
        if caller.lower() in _ANONYMOUS:
            caller = ""
        caller_fits(caller)
        visit = CallVisit(call_ref, queue, joined, caller, line=lineno)
        reason = str(values.get("cc_cancel_reason") or "").strip().upper()
        cause = str(values.get("cc_cause") or "").strip().lower()
        if answered is not None:
            visit.outcome = ANSWERED
            visit.answered = answered
            visit.wait = _since(answered, joined)
            visit.agent = bounded(str(values.get("cc_agent") or "").strip(), AGENT_MAX,
                                  "the agent name")
            if terminated is not None:
                visit.ended = terminated
                visit.talk = _since(terminated, answered)
            disposition = str(values.get("sip_hangup_disposition") or "").strip().lower()
            if disposition in _CALLER_ENDS:
                visit.ended_by = BY_CALLER
            elif disposition in _AGENT_ENDS:
                visit.ended_by = BY_AGENT
            target = _transfer_target(str(values.get("transfer_history") or ""))
            if target is not None:
                visit.ended_by = BY_TRANSFER
                visit.transferred_to = target
        elif canceled is not None or cause == "cancel" or reason:
            visit.outcome = _CANCEL_OUTCOMES.get(reason, UNKNOWN)
            end = canceled if canceled is not None else terminated
            if end is not None:
                visit.ended = end
                visit.wait = _since(end, joined)
        else:
            visit.outcome = UNKNOWN
        return visit

    def _reject(self, lineno: int, raw: bytes, reason: str) -> None:
        self.stats.rejected += 1
        self.rejects.append(Reject(lineno, reject_text(raw), reason))

    # --- the end ------------------------------------------------------------------------

    def idle(self) -> None:
        """Nothing to do: every record is a finished visit as soon as it is read."""

    def finish(self) -> None:
        if self._buffer:
            self._reject_buffer("the file ends inside a JSON record")

    def open_visits(self) -> int:
        return 0

    def rebase(self) -> None:
        """Reading moved to another file (rotation): a record cut there is lost."""
        if self._buffer:
            self._reject_buffer("a JSON record cut by the file's rotation")

    def resume_point(self, offset: int, line: int) -> tuple[int, int]:
        if self._buffer:
            return self._buffer_offset, self._buffer_line - 1
        return offset, line


def _caller_profile(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """``callflow[0].caller_profile`` of a mod_json_cdr object (or nothing)."""
    flow = value.get("callflow")
    if isinstance(flow, list) and flow:
        flow = flow[0]
    if isinstance(flow, dict):
        profile = flow.get("caller_profile")
        if isinstance(profile, dict):
            return profile
    return {}
