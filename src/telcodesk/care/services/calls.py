"""Importing call-centre logs into hotline calls (contacts).

``do_import_call_log`` reads an Asterisk ``queue_log`` or FreeSWITCH
``mod_callcenter`` CDRs from where the last import of that file stopped and
writes one ``HotlineCall`` per queue visit:

- each visit is linked to the customer whose live subscription has the caller's
  number (normalised to E.164);
- queue names nobody configured are created with no skill group and listed in
  the run's ``unknown_queues`` (an administrator maps them on the IVR and skill
  groups page); their calls count for the queue at once;
- lines that cannot be read are kept as ``CallImportReject`` rows with their
  line numbers and the reason; nothing is dropped silently;
- the unique key (call id, queue, entry time) makes a second import of the same
  lines add nothing, whatever the file is called (a copy, a renamed, rotated or
  overlapping log); the run counts those as "already imported". A call stored
  without its exit line (the earlier file ended while it was in the queue) is
  completed when a later read has the exit: "completed" in the run's summary.

Writes are committed in batches (a log can hold millions of lines), each
together with the source's resume offset, so an interrupted import resumes
where its last commit ended and adds nothing twice. A large file is parsed in
a child process while this one writes (``care.calllogs.pipeline``). With ``follow`` the
file is read as it grows (``tail -F``): visits still open at the end of the
file stay open, and the source's offset points at the oldest open visit's entry
line so that a restart completes it. A file that was rotated or replaced is
read from its start; the rotated file (found next to it by its inode) is first
read to its end.

The semantics of each log format are in ``care.calllogs``; the operators'
description is ``docs/hotline-import.md``.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Field

from telcodesk.care.calllogs.asterisk import DEFAULT_HORIZON
from telcodesk.care.calllogs.freeswitch import UnreadableLog
from telcodesk.care.calllogs.numbers import normalise_caller
from telcodesk.care.calllogs.pipeline import (
    CALL_FIELDS,
    CALLER,
    CUSTOMER,
    ENTERED,
    QUEUE,
    SOURCE,
    Batch,
    ChildFailed,
    Parser,
    RowMaker,
    batches_in_child,
    make_parser,
    read_batches,
    refusal,
    take_batch,
)
from telcodesk.care.calllogs.reader import (
    FINGERPRINT_BYTES,
    LogReader,
    file_identity,
    find_rotated,
    fingerprint,
    same_file,
)
from telcodesk.care.calllogs.records import Reject
from telcodesk.care.errors import CareError, CareErrorCode
from telcodesk.care.models import (
    CallImportReject,
    CallImportRun,
    CallLogFormat,
    CallLogSource,
    CallOutcome,
    HotlineCall,
    HotlineQueue,
)
from telcodesk.core.bulk import BulkTable
from telcodesk.core.changes import CALLS, records_changed
from telcodesk.customers.selectors import customer_ids_by_number

__all__ = ["BATCH_SIZE", "ImportResult", "do_import_call_log", "normalise_caller"]

# Visits handed over and written at a time, and (one-shot imports) committed at a
# time with the resume offset: SQLite rewrites every index page a transaction
# touched, so few large transactions cost far less than many small ones.
BATCH_SIZE = 50_000
COMMIT_ROWS = 200_000
# A one-shot read of more than this many bytes is parsed in a child process while
# this one writes.
CHILD_READER_BYTES = 16 << 20
REJECTS_SHOWN = 20
# The first bytes of a file: the FreeSWITCH shape and header, and the check that the
# file is a log of the format at all.
_HEAD_BYTES = 65536
_CUSTOMERS_CACHED = 200_000
_REJECT_TEXT_LIMIT = 500
# SQLite while importing: a page cache for the randomly written caller index (KiB),
# and the write-ahead log copied back to the database less often (pages).
_SQLITE_CACHE_KIB = 65_536
_SQLITE_CHECKPOINT_PAGES = 65_536


@dataclass
class ImportResult:
    """What one run read and wrote (the CLI prints it; the run row keeps the counters)."""

    run_id: int
    source_id: int
    path: str
    fmt: str
    from_offset: int = 0
    to_offset: int = 0
    lines_read: int = 0
    calls_added: int = 0
    calls_already_known: int = 0
    calls_completed: int = 0
    rejected_lines: int = 0
    first_rejects: list[Reject] = field(default_factory=list)
    unknown_queues: list[str] = field(default_factory=list)
    ignored_events: dict[str, int] = field(default_factory=dict)
    understood_events: int = 0
    without_entry: int = 0
    closed_without_exit: int = 0
    not_queue_calls: int = 0
    agent_legs: int = 0
    open_calls: int = 0
    linked_to_customers: int = 0
    started_over: str = ""


# --- customers and queues ------------------------------------------------------------------


class _Customers:
    """E.164 number → customer id (None: nobody's), cached within bounds."""

    def __init__(self) -> None:
        self.known: dict[str, int | None] = {}

    def link(self, numbers: Iterable[str]) -> dict[str, int | None]:
        known = self.known
        missing = {n for n in numbers if n and n not in known}
        if missing:
            if len(known) + len(missing) > _CUSTOMERS_CACHED:
                known.clear()
            found = customer_ids_by_number(missing)
            for number in missing:
                known[number] = found.get(number)
        return known

    def forget(self) -> None:
        self.known.clear()


def _instant_from_text(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


class _Queues:
    """Queue name → id; names nobody configured are created without a skill group."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.unmapped: set[str] = set()

    def resolve(self, rows: list[list[Any]]) -> dict[str, int]:
        ids = self.ids
        first_seen: dict[str, str] = {}
        for row in rows:
            name = row[QUEUE]
            if name not in ids:
                seen = first_seen.get(name)
                if seen is None or row[ENTERED] < seen:
                    first_seen[name] = row[ENTERED]
        if first_seen:
            for queue in HotlineQueue.objects.filter(name__in=list(first_seen)):
                self._known(queue)
            for name, entered in first_seen.items():
                if name in ids:
                    continue
                try:
                    with transaction.atomic():
                        queue = HotlineQueue.objects.create(
                            name=name, skill_group=None, first_seen_at=_instant_from_text(entered))
                except IntegrityError:  # created meanwhile by another import
                    queue = HotlineQueue.objects.get(name=name)
                self._known(queue)
        return ids

    def _known(self, queue: HotlineQueue) -> None:
        self.ids[queue.name] = queue.pk
        if queue.skill_group_id is None:
            self.unmapped.add(queue.name)


# --- calls read again -------------------------------------------------------------------------

# What a later read of a stored call may complete: the visit's end and what follows from it.
_COMPLETED_FIELDS = ("answered_at", "ended_at", "outcome", "wait_seconds", "talk_seconds",
                     "agent", "ended_by", "transferred_to", "counted", "call_outcome",
                     "call_wait_seconds")
_IDENTITY_FIELDS = ("call_ref", "queue_id", "entered_at")
_ENDED = CALL_FIELDS.index("ended_at")
_ENTERED_DATE = CALL_FIELDS.index("entered_date")


def _column(name: str) -> str:
    """The quoted column of a ``HotlineCall`` field (``queue_id`` → its foreign key's)."""
    field = HotlineCall._meta.get_field(name.removesuffix("_id"))
    assert isinstance(field, Field) and field.column
    return connection.ops.quote_name(field.column)


class _Completer:
    """Calls already stored without their exit line, completed by a row that has it.

    A log cut while a call waited (a file that was copied or rotated, a one-shot
    import of a log still being written) stores that call as "no exit recorded";
    a later file that holds the rest of the call (the grown log, an overlapping
    one) completes the same row instead of leaving it, or storing it again.
    """

    def __init__(self) -> None:
        table = connection.ops.quote_name(HotlineCall._meta.db_table)
        sets = ", ".join(f"{_column(name)} = %s" for name in _COMPLETED_FIELDS)
        where = " AND ".join(f"{_column(name)} = %s" for name in _IDENTITY_FIELDS)
        self.sql = (f"UPDATE {table} SET {sets} "  # noqa: S608 - names from the model
                    f"WHERE {where} AND {_column('ended_at')} IS NULL")
        self.values = [CALL_FIELDS.index(name) for name in _COMPLETED_FIELDS]
        self.keys = [CALL_FIELDS.index(name) for name in _IDENTITY_FIELDS]

    def complete(self, rows: list[list[Any]]) -> int:
        """Complete the stored copies of ``rows`` (rows with an exit only); how many."""
        params = [[row[i] for i in self.values] + [row[i] for i in self.keys]
                  for row in rows if row[_ENDED] is not None]
        if not params:
            return 0
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, params)
            return max(cursor.rowcount, 0)


class _Linker:
    """The later visits of a call that went on from one queue to another: not counted
    themselves; the call's first visit takes the call's outcome and wait from them.

    Applying a link again (a file read twice, an overlapping log) changes nothing, and
    an older link never undoes a later one: a call once answered stays answered, and
    otherwise the visit that left last (the longest wait from the first entry) wins.
    """

    def __init__(self) -> None:
        table = connection.ops.quote_name(HotlineCall._meta.db_table)
        where = " AND ".join(f"{_column(name)} = %s" for name in _IDENTITY_FIELDS)
        outcome, wait = _column("call_outcome"), _column("call_wait_seconds")
        later = f"({outcome} <> %s AND ({wait} IS NULL OR {wait} <= %s))"
        self.not_counted_sql = (f"UPDATE {table} SET {_column('counted')} = %s "  # noqa: S608
                                f"WHERE {where}")
        self.first_sql = (f"UPDATE {table} SET "  # noqa: S608 - names from the model
                          f"{outcome} = CASE WHEN {later} THEN %s ELSE {outcome} END, "
                          f"{wait} = CASE WHEN {later} THEN %s ELSE {wait} END "
                          f"WHERE {where}")

    def apply(self, links: list[list[Any]], queue_ids: dict[str, int]) -> None:
        answered = CallOutcome.ANSWERED.value
        own, first = [], []
        for outcome, wait, call_ref, first_queue, first_entered, queue, entered in links:
            own.append([False, call_ref, queue_ids[queue], entered])
            first_id = queue_ids.get(first_queue)
            if first_id is not None:
                first.append([answered, wait, outcome, answered, wait, wait, call_ref,
                              first_id, first_entered])
        with connection.cursor() as cursor:
            cursor.executemany(self.not_counted_sql, own)
            if first:
                cursor.executemany(self.first_sql, first)


# --- the import -------------------------------------------------------------------------------


def _parser_for(fmt: str, head: bytes, horizon: int) -> Parser:
    try:
        return make_parser(fmt, head, horizon)
    except UnreadableLog as exc:
        raise CareError(CareErrorCode.UNREADABLE, str(exc)) from exc


def _refuse_if_not_a_log(path: Path, fmt: str, head: bytes, *, whole: bool,
                         horizon: int) -> None:
    """``CareError`` (one line, naming the file) when ``path`` is not a log of ``fmt``."""
    try:
        why = refusal(fmt, head, whole=whole, horizon=horizon)
    except UnreadableLog as exc:
        why = str(exc)
    if why is not None:
        raise CareError(CareErrorCode.UNREADABLE, f"{path}: {why}")


def _open_log(path: str) -> tuple[Path, BinaryIO]:
    given = Path(path).expanduser()
    if not given.exists():
        raise CareError(CareErrorCode.NOT_FOUND, f"no such file: {path}")
    if given.is_dir():
        raise CareError(CareErrorCode.INVALID, f"{path} is a directory, not a log file")
    resolved = given.resolve()
    try:
        return resolved, open(resolved, "rb")
    except OSError as exc:
        raise CareError(CareErrorCode.UNREADABLE,
                        f"cannot read {path}: {exc.strerror or exc}") from exc


class _Importer:
    def __init__(self, *, now: dt.datetime, path: Path, handle: BinaryIO, fmt: str,
                 batch_size: int, horizon: int, clock: Callable[[], dt.datetime],
                 progress: Callable[[int, int], object] | None) -> None:
        self.now = now
        self.path = path
        self.handle = handle
        self.fmt = fmt
        self.batch_size = batch_size
        self.horizon = horizon
        self.clock = clock
        self.progress = progress
        self.table = BulkTable(HotlineCall, CALL_FIELDS)
        self.completer = _Completer()
        self.linker = _Linker()
        self.maker = RowMaker(vendor=connection.vendor, zone=settings.TIME_ZONE)
        self.customers = _Customers()
        self.queues = _Queues()
        self.added = 0
        self.known = 0
        self.completed = 0
        self.linked = 0
        self.rejected = 0
        self.first_rejects: list[Reject] = []
        self.started_over = ""
        self.position = 0
        self.open_visits = 0
        self.met_known = False
        self.rotated: Path | None = None
        self.transaction = ExitStack()
        self.in_transaction = False
        self.uncommitted = 0

    # --- where to start -----------------------------------------------------------------

    def start(self) -> None:
        st = os.fstat(self.handle.fileno())
        # The file is checked before anything is written: a file that is not a log of
        # this format at all leaves no source and no run behind.
        self.head = os.pread(self.handle.fileno(), _HEAD_BYTES, 0)
        _refuse_if_not_a_log(self.path, self.fmt, self.head,
                             whole=len(self.head) >= st.st_size, horizon=self.horizon)
        self.parser = _parser_for(self.fmt, self.head, self.horizon)
        self.stats = self.parser.stats
        with transaction.atomic():
            source, created = CallLogSource.objects.get_or_create(
                path=str(self.path), fmt=self.fmt,
                defaults={"created_at": self.now, "updated_at": self.now})
        self.source = source
        offset, line = 0, 0
        if not created and (source.offset or source.line_number):
            same = (source.inode in (None, st.st_ino) and st.st_size >= source.offset
                    and same_file(self.handle, source.head_fingerprint))
            if same:
                offset, line = source.offset, source.line_number
            else:
                if source.inode is not None and source.inode != st.st_ino:
                    self.rotated = find_rotated(self.path, source.inode,
                                                source.head_fingerprint)
                self.started_over = (
                    f"the file was rotated: read the rest of {self.rotated.name}, then "
                    f"{self.path.name} from its start" if self.rotated is not None else
                    "the file is not the one read before (replaced or truncated): "
                    "read from its start")
        self.offset, self.line = offset, line
        self.position = offset
        self.identity = (st.st_ino, fingerprint(self.handle, st.st_size))
        self.run = CallImportRun.objects.create(source=source, started_at=self.now,
                                                from_offset=offset, to_offset=offset)

    def _read_rotated(self) -> None:
        """The rest of the rotated file, into the same parser (its calls go on in the new one)."""
        assert self.rotated is not None
        with open(self.rotated, "rb") as old:
            if self.fmt != CallLogFormat.ASTERISK_QUEUE_LOG:
                self.parser = _parser_for(self.fmt, os.pread(old.fileno(), _HEAD_BYTES, 0),
                                          self.horizon)
                self.parser.stats = self.stats
            reader = LogReader(old, offset=self.source.offset, line=self.source.line_number)
            while (block := reader.read(final=True)) is not None:
                self.parser.feed(block.lines, block.first_line, block.first_offset)
                if len(self.parser.finished) >= self.batch_size:
                    # Until the new file is read, a restart starts at its beginning.
                    self.write(take_batch(self.parser, self.maker, reader), resume=(0, 0))
            self.parser.rebase()
            self.write(take_batch(self.parser, self.maker, reader), resume=(0, 0))
        if self.fmt != CallLogFormat.ASTERISK_QUEUE_LOG:
            self.parser = _parser_for(self.fmt, self.head, self.horizon)
            self.parser.stats = self.stats

    # --- reading ----------------------------------------------------------------------------

    def run_once(self, *, in_child: bool | None) -> None:
        if self.rotated is not None:
            self._read_rotated()
            in_child = False
        remaining = os.fstat(self.handle.fileno()).st_size - self.offset
        if in_child is None:
            in_child = remaining > CHILD_READER_BYTES
        batches: Iterator[Batch]
        if in_child:
            batches = batches_in_child(
                str(self.path), fmt=self.fmt, head=self.head, horizon=self.horizon,
                offset=self.offset, line=self.line, batch_size=self.batch_size,
                vendor=connection.vendor, zone=settings.TIME_ZONE)
        else:
            batches = read_batches(self.handle, parser=self.parser, maker=self.maker,
                                   offset=self.offset, line=self.line,
                                   batch_size=self.batch_size)
        try:
            for batch in batches:
                self.write(batch, commit=False)
            self.commit()
        except ChildFailed as exc:
            raise CareError(CareErrorCode.UNREADABLE,
                            f"cannot read {self.path}: {exc}") from exc

    def run_follow(self, *, poll_seconds: float, stop_after_idle: int | None,
                   should_stop: Callable[[], bool], sleep: Callable[[float], object]) -> None:
        if self.rotated is not None:
            self._read_rotated()
        reader = self.reader = LogReader(self.handle, offset=self.offset, line=self.line)
        parser = self.parser
        idle_polls = 0
        while not should_stop():
            block = reader.read()
            if block is not None:
                idle_polls = 0
                parser.feed(block.lines, block.first_line, block.first_offset)
                if len(parser.finished) >= self.batch_size:
                    self.write(take_batch(parser, self.maker, reader))
                continue
            if idle_polls:
                # A whole poll without a new line: the log's last second is over.
                parser.idle()
            self.write(take_batch(parser, self.maker, reader))
            if stop_after_idle is not None and idle_polls >= stop_after_idle:
                break
            if self._switch_if_rotated():
                reader, parser = self.reader, self.parser
                idle_polls = 0
                continue
            idle_polls += 1
            if idle_polls % 60 == 0:
                self.customers.forget()  # customers may have been added meanwhile
            sleep(poll_seconds)
        parser.idle()
        self.write(take_batch(parser, self.maker, reader))

    def _switch_if_rotated(self) -> bool:
        """The old file read to its end and a new one at the path: read the new one."""
        now_there = file_identity(self.path)
        if now_there is None or now_there[0] == self.identity[0] or self.reader.pending_bytes:
            return False
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 - closed at the end of the run
        except OSError:
            return False
        self.handle.close()
        self.handle = handle
        self.parser.rebase()
        if self.fmt != CallLogFormat.ASTERISK_QUEUE_LOG:
            self.parser = _parser_for(self.fmt, os.pread(handle.fileno(), _HEAD_BYTES, 0),
                                      self.horizon)
            self.parser.stats = self.stats
        st = os.fstat(handle.fileno())
        self.identity = (st.st_ino, fingerprint(handle, st.st_size))
        self.reader = LogReader(handle, offset=0, line=0)
        self.started_over = "the file was rotated while it was followed: read the new one"
        return True

    # --- writing -----------------------------------------------------------------------------

    def _fill(self, rows: list[list[Any]]) -> None:
        """The ids a row needs from the database: source, queue, customer."""
        queue_ids = self.queues.resolve(rows)
        customers = self.customers.link({row[CALLER] for row in rows})
        source_id = self.source.pk
        linked = 0
        for row in rows:
            row[SOURCE] = source_id
            row[QUEUE] = queue_ids[row[QUEUE]]
            caller = row[CALLER]
            if caller:
                customer = customers.get(caller)
                if customer is not None:
                    row[CUSTOMER] = customer
                    linked += 1
        self.linked += linked

    @staticmethod
    def _changed(rows: list[list[Any]], links: list[list[Any]]) -> None:
        """Say which local days of calls the batch added or completed, and those of the
        first visits its links changed."""
        days = {row[_ENTERED_DATE] for row in rows}
        found = [dt.date.fromisoformat(day) for day in (min(days), max(days))] if days else []
        records_changed(source=CALLS, days=found,
                        instants=[_instant_from_text(link[4]) for link in links])

    def _identity_now(self) -> tuple[int, str]:
        """The file's inode and a fingerprint over as much of its head as exists now."""
        inode, head = self.identity
        if not head or int(head.split(":", 1)[0]) < FINGERPRINT_BYTES:
            size = os.fstat(self.handle.fileno()).st_size
            self.identity = inode, fingerprint(self.handle, size)
        return self.identity

    def _begin(self) -> None:
        if self.in_transaction:
            return
        self.transaction.enter_context(transaction.atomic())
        self.in_transaction = True
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The resume point commits with the calls: a crash loses both together and
                # the next run reads them again, so the commit need not wait for the disk.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")

    def commit(self) -> None:
        self.transaction.close()
        self.in_transaction = False
        self.uncommitted = 0

    def abort(self, *exc_info: Any) -> None:
        """Roll back what is not committed yet (an error ends the run)."""
        self.transaction.__exit__(*exc_info)
        self.in_transaction = False
        self.uncommitted = 0

    def write(self, batch: Batch, *, resume: tuple[int, int] | None = None,
              commit: bool = True) -> None:
        """The batch's calls and rejects, the run's counters and the resume point, in one
        transaction; with ``commit`` False that transaction stays open for the next
        batches until ``COMMIT_ROWS`` calls are in it."""
        self.stats = batch.stats
        self.open_visits = batch.open_visits
        offset, line = resume or (batch.resume_offset, batch.resume_line)
        if resume is None:
            self.position = batch.position
        rows, rejects = batch.rows, batch.rejects
        if not rows and not rejects and not batch.links and (offset, line) == (self.source.offset,
                                                           self.source.line_number):
            return
        inode, head = self._identity_now()
        at = self.clock()
        self._begin()
        if rows:
            self._fill(rows)
            # PostgreSQL: copy straight into the table unless the last batch met
            # calls already stored (a file read again); else skip them one by one.
            added = self.table.insert_new(
                rows, prepared=True,
                optimistic=connection.vendor == "postgresql" and not self.met_known)
            self.met_known = added < len(rows)
            self.added += added
            self.known += len(rows) - added
            if self.met_known:
                self.completed += self.completer.complete(rows)
        if batch.links:
            self.linker.apply(batch.links, self.queues.ids)
        if rows or batch.links:
            self._changed(rows, batch.links)
        if rejects:
            run_id = self.run.pk
            CallImportReject.objects.bulk_create(
                [CallImportReject(run_id=run_id, line_number=r.line,
                                  text=r.text[:_REJECT_TEXT_LIMIT], reason=r.reason[:200])
                 for r in rejects], batch_size=2000)
            self.rejected += len(rejects)
            room = REJECTS_SHOWN - len(self.first_rejects)
            if room > 0:
                self.first_rejects.extend(rejects[:room])
        CallImportRun.objects.filter(pk=self.run.pk).update(
            to_offset=self.position, lines_read=self.stats.lines,
            calls_added=self.added, calls_already_known=self.known,
            rejected_lines=self.rejected, unknown_queues=sorted(self.queues.unmapped))
        CallLogSource.objects.filter(pk=self.source.pk).update(
            offset=offset, line_number=line, inode=inode, head_fingerprint=head,
            updated_at=at)
        self.source.offset, self.source.line_number = offset, line
        self.uncommitted += max(1, len(rows))
        if commit or self.uncommitted >= COMMIT_ROWS:
            self.commit()
        if self.progress is not None:
            self.progress(self.position, self.stats.lines)

    def close(self) -> ImportResult:
        stats = self.stats
        CallImportRun.objects.filter(pk=self.run.pk).update(finished_at=self.clock())
        self.handle.close()
        return ImportResult(
            run_id=self.run.pk, source_id=self.source.pk, path=str(self.path), fmt=self.fmt,
            from_offset=self.run.from_offset, to_offset=self.position,
            lines_read=stats.lines, calls_added=self.added, calls_already_known=self.known,
            calls_completed=self.completed, rejected_lines=self.rejected,
            first_rejects=list(self.first_rejects),
            unknown_queues=sorted(self.queues.unmapped),
            ignored_events=dict(stats.ignored_events.most_common()),
            understood_events=stats.understood, without_entry=stats.without_entry,
            closed_without_exit=sum(stats.closed_without_exit.values()),
            not_queue_calls=stats.not_queue_calls, agent_legs=stats.agent_legs,
            open_calls=self.open_visits, linked_to_customers=self.linked,
            started_over=self.started_over)


class _FewerCollections:
    """The cyclic garbage collector, during a bulk import, leaves alone what existed
    before (``gc.freeze``) and runs less often: rows make no reference cycles, and
    walking the live objects again and again cost a tenth of the import's time."""

    def __enter__(self) -> None:
        self.thresholds = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(50_000, *self.thresholds[1:])

    def __exit__(self, *exc: object) -> None:
        gc.set_threshold(*self.thresholds)
        gc.unfreeze()


class _SqliteTuning:
    """SQLite settings of the import's connection, restored afterwards."""

    SETTINGS = {"cache_size": -_SQLITE_CACHE_KIB, "wal_autocheckpoint": _SQLITE_CHECKPOINT_PAGES}

    def __enter__(self) -> None:
        self.previous: dict[str, int] = {}
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                for name, value in self.SETTINGS.items():
                    cursor.execute(f"PRAGMA {name}")
                    self.previous[name] = int(cursor.fetchone()[0])
                    cursor.execute(f"PRAGMA {name} = {int(value)}")

    def __exit__(self, *exc: object) -> None:
        if self.previous and connection.connection is not None:
            with connection.cursor() as cursor:
                for name, value in self.previous.items():
                    cursor.execute(f"PRAGMA {name} = {value}")


def do_import_call_log(
    *,
    now: dt.datetime,
    path: str,
    fmt: str,
    follow: bool = False,
    poll_seconds: float = 1.0,
    stop_after_idle: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    sleep: Callable[[float], object] = time.sleep,
    batch_size: int = BATCH_SIZE,
    horizon: int = DEFAULT_HORIZON,
    progress: Callable[[int, int], object] | None = None,
    in_child: bool | None = None,
) -> ImportResult:
    """Import the log at ``path`` (format ``fmt``: ``asterisk-queue-log`` or
    ``freeswitch-cc``) from where the last import of that file stopped.

    One-shot (default): read to the end, close visits still open as ``unknown``
    (closed without an exit line). ``follow``: keep reading as the file grows,
    polling every ``poll_seconds`` (``sleep`` waits), until ``should_stop()`` is
    true or, when given, after ``stop_after_idle`` polls without a new line;
    visits still open stay open and are completed by the next run. ``clock``
    gives the time for progress stamps during a long run (default: ``now``);
    ``progress(byte_offset, lines_read)`` is called after every batch written.
    ``in_child``: parse in a child process (default: for one-shot reads of more
    than 16 MB).

    Calls are committed with the resume point: in follow mode every batch of
    ``batch_size`` visits and whatever is finished when the end of the file is
    reached; one-shot, every ``COMMIT_ROWS`` visits.
    Raises ``CareError`` for a missing or unreadable file or an unknown format.
    """
    if fmt not in CallLogFormat.values:
        raise CareError(CareErrorCode.INVALID,
                        f"unknown log format {fmt!r}; use one of "
                        f"{', '.join(CallLogFormat.values)}")
    if batch_size < 1 or horizon < 1:
        raise CareError(CareErrorCode.INVALID, "batch size and horizon must be positive")
    resolved, handle = _open_log(path)
    importer = _Importer(now=now, path=resolved, handle=handle, fmt=fmt,
                         batch_size=batch_size, horizon=horizon,
                         clock=clock or (lambda: now), progress=progress)
    try:
        with _SqliteTuning(), _FewerCollections():
            importer.start()
            if follow:
                importer.run_follow(poll_seconds=poll_seconds,
                                    stop_after_idle=stop_after_idle,
                                    should_stop=should_stop or (lambda: False), sleep=sleep)
            else:
                importer.run_once(in_child=in_child)
    except BaseException:
        importer.abort(*sys.exc_info())
        importer.handle.close()
        raise
    return importer.close()
