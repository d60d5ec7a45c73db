"""From a log file to rows ready for the database, in this process or in a child one.

``read_batches`` reads a file from an offset, parses it and turns the finished
visits into rows (lists in the column order of ``CALL_FIELDS``) with
everything that needs no database: caller numbers normalised, times as column
text, the local day and hour. The importer fills in the three ids (source,
queue, customer) and writes each batch together with its resume point.

``batches_in_child`` runs the same in a child process, so that on a large file
reading and parsing go on while the parent writes the previous batch (two CPUs
at work instead of one). Nothing here touches the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import marshal
import multiprocessing
import queue as queues
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol
from zoneinfo import ZoneInfo

from telcodesk.care.calllogs.asterisk import QueueLogParser
from telcodesk.care.calllogs.freeswitch import CdrParser, UnreadableLog
from telcodesk.care.calllogs.numbers import CallerNumbers
from telcodesk.care.calllogs.reader import LogReader
from telcodesk.care.calllogs.records import (
    CallVisit,
    ParseStats,
    Reject,
)
from telcodesk.core.bulk import InstantText

ASTERISK = "asterisk-queue-log"
FREESWITCH = "freeswitch-cc"

# Columns of a row, in order (HotlineCall field names).
CALL_FIELDS = ("source_id", "call_ref", "queue_id", "caller", "customer_id", "entered_at",
               "entered_date", "entered_hour", "answered_at", "ended_at", "outcome",
               "wait_seconds", "talk_seconds", "agent", "entry_position", "ended_by",
               "transferred_to", "counted", "call_outcome", "call_wait_seconds")
# Until the importer fills them in: SOURCE is None, QUEUE holds the queue's name,
# CUSTOMER is None.
SOURCE, CALL_REF, QUEUE, CALLER, CUSTOMER, ENTERED = 0, 1, 2, 3, 4, 5

_QUARTER = 900  # every time zone's offset is a multiple of 15 minutes
_CACHED = 200_000
_HANDED_OVER = 4  # batches a child may read ahead of the writer


class Parser(Protocol):
    stats: ParseStats
    finished: list[CallVisit]
    rejects: list[Reject]

    def feed(self, lines: list[bytes], first_line: int, first_offset: int) -> None: ...
    def idle(self) -> None: ...
    def finish(self) -> None: ...
    def rebase(self) -> None: ...
    def open_visits(self) -> int: ...
    def resume_point(self, offset: int, line: int) -> tuple[int, int]: ...


def make_parser(fmt: str, head: bytes, horizon: int) -> Parser:
    """The parser of ``fmt``; ``head`` is the file's first bytes (FreeSWITCH: shape, header)."""
    if fmt == ASTERISK:
        return QueueLogParser(horizon=horizon)
    if fmt == FREESWITCH:
        return CdrParser(head)
    raise ValueError(f"unknown log format {fmt!r}")


# What a file that is not a log at all often is (its first bytes), for a clearer refusal.
_KINDS = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
          (b"GIF8", "a GIF image"), (b"%PDF-", "a PDF document"),
          (b"PK\x03\x04", "a zip archive (unpack it first)"),
          (b"PK\x05\x06", "an empty zip archive"),
          (b"\x1f\x8b", "a gzip file (unpack it first)"),
          (b"BZh", "a bzip2 file (unpack it first)"),
          (b"\xfd7zXZ\x00", "an xz file (unpack it first)"),
          (b"(\xb5/\xfd", "a zstd file (unpack it first)"),
          (b"7z\xbc\xaf\x27\x1c", "a 7-zip archive"), (b"\x7fELF", "a program"),
          (b"SQLite format 3\x00", "an SQLite database"))
_NAMES = {ASTERISK: "an Asterisk queue_log", FREESWITCH: "FreeSWITCH mod_callcenter CDRs"}


def refusal(fmt: str, head: bytes, *, whole: bool, horizon: int) -> str | None:
    """Why a file whose first bytes are ``head`` is not a log of ``fmt`` at all (None: it
    may be one). ``whole``: ``head`` is the whole file.

    A log with some unreadable lines is imported (each one rejected with its
    number); a file of which no line in ``head`` can be read — binary data, an
    image, an archive, some other text — is refused as a whole.
    """
    name = _NAMES.get(fmt, fmt)
    for magic, kind in _KINDS:
        if head.startswith(magic):
            return f"this is {kind}, not {name}"
    lines = head.split(b"\n")
    if not whole:
        lines.pop()  # the last line may be cut
    if not any(line.strip() for line in lines):
        return None
    binary = b"\x00" in head or not _utf8(head, whole)
    try:
        parser = make_parser(fmt, head, horizon)
    except UnreadableLog:
        if binary:
            return f"the file holds binary data, not {name}"
        raise
    parser.feed(lines, 1, 0)
    open_now = parser.open_visits()
    if whole:
        parser.finish()
    stats = parser.stats
    read = (parser.finished or open_now or stats.understood or stats.without_entry
            or stats.not_queue_calls or stats.agent_legs or stats.ignored_events)
    if read or not stats.rejected:
        return None
    what = "binary data" if binary else "text"
    return (f"not {name}: no line of the first {len(head):,} bytes can be read "
            f"(the file holds {what}; the first line: {parser.rejects[0].reason})")


def _utf8(head: bytes, whole: bool) -> bool:
    try:
        head.decode()
    except UnicodeDecodeError as exc:
        return not whole and exc.start >= len(head) - 3  # a character cut at the end
    return True


class RowMaker:
    """Finished visits → rows (lists), with the caches that make that cheap."""

    def __init__(self, *, vendor: str, zone: str) -> None:
        self.instant = InstantText(vendor)
        self.zone = ZoneInfo(zone)
        self.callers = CallerNumbers()
        self._hours: dict[int, tuple[str, int]] = {}

    def _local(self, quarter: int) -> tuple[str, int]:
        if len(self._hours) >= _CACHED:
            self._hours.clear()
        local = dt.datetime.fromtimestamp(quarter * _QUARTER, self.zone)
        found = self._hours[quarter] = (local.date().isoformat(), local.hour)
        return found

    def rows(self, visits: list[CallVisit]) -> tuple[list[list[Any]], list[list[Any]]]:
        """The rows of ``visits``, and the links of the later visits of calls to their
        first visit (see ``Batch.links``)."""
        instant = self.instant
        callers = self.callers
        hours = self._hours
        rows: list[list[Any]] = []
        links: list[list[Any]] = []
        append = rows.append
        for v in visits:
            entered = v.entered
            quarter = int(entered // _QUARTER)
            local = hours.get(quarter) or self._local(quarter)
            answered = v.answered
            ended = v.ended
            caller = v.caller
            first = v.first_entered
            append([None, v.call_ref, v.queue, callers(caller) if caller else "", None,
                    instant(entered), local[0], local[1],
                    None if answered is None else instant(answered),
                    None if ended is None else instant(ended), v.outcome, v.wait, v.talk,
                    v.agent, v.position, v.ended_by, v.transferred_to, first is None,
                    v.outcome, v.wait])
            if first is not None:
                until = answered if answered is not None else ended
                links.append([v.outcome, None if until is None else max(0, round(until - first)),
                              v.call_ref, v.first_queue, instant(first), v.queue,
                              instant(entered)])
        return rows, links


@dataclass
class Batch:
    """Rows and rejects to write together, and where a restart must read from after them."""

    rows: list[list[Any]]
    rejects: list[Reject]
    # Later visits of calls that went on from an earlier queue: [outcome, wait from
    # the first entry, call id, first queue, first entry, queue, entry] (names, times
    # as column text). The first visit counts the call; these update it.
    links: list[list[Any]]
    resume_offset: int
    resume_line: int
    position: int  # byte offset just after the last line read
    stats: ParseStats = field(default_factory=ParseStats)
    open_visits: int = 0


def take_batch(parser: Parser, maker: RowMaker, reader: LogReader) -> Batch:
    """What the parser has finished so far, as a batch."""
    visits, parser.finished = parser.finished, []
    rejects, parser.rejects = parser.rejects, []
    offset, line = parser.resume_point(reader.position, reader.line)
    rows, links = maker.rows(visits)
    return Batch(rows, rejects, links, offset, line, reader.position, parser.stats,
                 parser.open_visits())


def read_batches(handle: BinaryIO, *, parser: Parser, maker: RowMaker, offset: int, line: int,
                 batch_size: int) -> Iterator[Batch]:
    """Read ``handle`` from ``offset`` to its end (a one-shot read) in batches.

    Visits still open at the end are closed (without an exit line), but the last
    batch's resume point stays where they (and calls that may still go on into
    another queue) began: the next read of a growing file reads them again and
    completes the stored calls.
    """
    reader = LogReader(handle, offset=offset, line=line)
    while (block := reader.read(final=True)) is not None:
        parser.feed(block.lines, block.first_line, block.first_offset)
        if len(parser.finished) >= batch_size:
            yield take_batch(parser, maker, reader)
    parser.idle()  # the last second is over: what ended in it is final
    resume = parser.resume_point(reader.position, reader.line)
    parser.finish()
    last = take_batch(parser, maker, reader)
    last.resume_offset, last.resume_line = resume
    yield last


# --- the same in a child process ------------------------------------------------------------


def _child(path: str, fmt: str, head: bytes, horizon: int, offset: int, line: int,
           batch_size: int, vendor: str, zone: str, out: Any) -> None:
    try:
        parser = make_parser(fmt, head, horizon)
        maker = RowMaker(vendor=vendor, zone=zone)
        with open(path, "rb") as handle:
            for batch in read_batches(handle, parser=parser, maker=maker, offset=offset,
                                      line=line, batch_size=batch_size):
                # marshal: rows of plain values travel at half pickle's cost.
                out.put(("batch", (marshal.dumps(batch.rows), dataclasses.replace(batch,
                                                                                  rows=[]))))
        out.put(("done", None))
    except BaseException as exc:  # handed to the parent, which raises it
        out.put(("error", f"{type(exc).__name__}: {exc}"))


class ChildFailed(RuntimeError):
    """The child process reading the log stopped with an error (its message)."""


def batches_in_child(path: str, *, fmt: str, head: bytes, horizon: int, offset: int,
                     line: int, batch_size: int, vendor: str, zone: str) -> Iterator[Batch]:
    """``read_batches`` run in a child process; the batches arrive here in order."""
    methods = multiprocessing.get_all_start_methods()
    context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    out = context.Queue(maxsize=_HANDED_OVER)
    child = context.Process(
        target=_child, name="telcodesk-calllog-reader", daemon=True,
        args=(path, fmt, head, horizon, offset, line, batch_size, vendor, zone, out))
    child.start()
    try:
        while True:
            try:
                kind, value = out.get(timeout=1.0)
            except queues.Empty:
                if not child.is_alive():
                    raise ChildFailed(f"the log reader stopped (exit code "
                                      f"{child.exitcode})") from None
                continue
            if kind == "batch":
                rows, batch = value
                batch.rows = marshal.loads(rows)  # noqa: S302 - our own child wrote it
                yield batch
            elif kind == "done":
                break
            else:
                raise ChildFailed(value)
    finally:
        if child.is_alive():
            child.terminate()
        child.join(timeout=10)
        out.close()
