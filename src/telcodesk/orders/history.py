"""Finished requests from elsewhere (a legacy system, the demo's history): the record
and the legacy CSV format. Pure: nothing here reads or writes the database.

``FinishedRequest`` is one request that was accepted and finished in the past.
``orders.history_services.do_import_finished_requests`` stores it as the services
would have (a work order or a customer order with its stopped SLA clock).

The CSV format (UTF-8, a header row, one request per line; see
``docs/orders-history.md``)::

    external_id,kind,service,number,accepted_at,finished_at,pauses
    L-1001,repair,broadband,0351A00001234,2025-09-29 09:10,2025-09-29 16:40,
    L-1002,install,fixed,+863517654321,2025-09-30 10:00,2025-10-11 11:00,PAUSE

where ``PAUSE`` is ``customer_absent|2025-10-09 09:00|2025-10-10 09:00``.

Required columns: ``kind``, ``service``, ``number``, ``accepted_at``,
``finished_at``; the others may be missing or empty. ``pauses`` holds pauses
separated by ``;``, each ``reason|start|end``. Times are ``YYYY-MM-DD HH:MM[:SS]``
(or ISO 8601 with ``T``), in the operator's time zone unless they carry an offset.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from telcodesk.orders.errors import OrdersError, OrdersErrorCode
from telcodesk.orders.models import ItemKind, OrderChannel, WorkOrderKind
from telcodesk.sla.services import PauseReason

# Work orders (field work); their SLA request kind.
WORK_ORDER_KINDS: dict[str, str] = {
    WorkOrderKind.INSTALL: "install",
    WorkOrderKind.MOVE: "move",
    WorkOrderKind.REPAIR: "repair",
    WorkOrderKind.RESTORE: "reconnection",
    WorkOrderKind.CHANGE: "change",
}
# Customer orders without field work (one item each); their SLA request kind, as
# ``orders.services`` chooses it.
ORDER_KINDS: dict[str, str] = {
    ItemKind.ACTIVATION: "install",
    ItemKind.PACKAGE_CHANGE: "change",
    ItemKind.SUSPENSION: "change",
    ItemKind.NAME_CHANGE: "change",
    ItemKind.TRANSFER: "change",
    ItemKind.CANCELLATION: "change",
    ItemKind.RECONNECTION: "reconnection",
}
KINDS = (*WORK_ORDER_KINDS, *ORDER_KINDS)
SERVICES = ("fixed", "broadband", "mobile")
CHANNELS = tuple(OrderChannel.values)
PAUSE_REASONS = frozenset(PauseReason.values)

COLUMNS = ("external_id", "kind", "service", "number", "customer", "accepted_at",
           "finished_at", "pauses", "channel", "description", "technician", "team")
REQUIRED_COLUMNS = ("kind", "service", "number", "accepted_at", "finished_at")
MAX_REPORTED_ERRORS = 10


class Pause(NamedTuple):
    reason: str  # PauseReason value
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class FinishedRequest:
    """A request accepted and finished in the past.

    ``kind`` is a work-order kind (``install``, ``move``, ``repair``, ``restore``,
    ``change``: field work) or an order kind without field work (``activation``,
    ``package_change``, ``suspension``, ``name_change``, ``transfer``,
    ``cancellation``, ``reconnection``). ``subscription`` is the line's number
    (E.164 or national digits for mobile and fixed lines, the access account
    name for broadband); ``customer`` a customer code (empty: the line's
    owner). ``channel`` empty means ``hotline`` for repairs, ``counter``
    otherwise. ``technician`` is a staff username, ``team`` a team code.
    ``line`` is the source line in a file, used in error messages.
    """

    kind: str
    service: str
    subscription: str
    accepted_at: dt.datetime
    finished_at: dt.datetime
    customer: str = ""
    pauses: tuple[Pause, ...] = ()
    channel: str = ""
    external_id: str = ""
    description: str = ""
    technician: str = ""
    team: str = ""
    line: int | None = None

    @property
    def is_work_order(self) -> bool:
        return self.kind in WORK_ORDER_KINDS

    @property
    def request_kind(self) -> str:
        """The SLA request kind the standard is looked up with."""
        return WORK_ORDER_KINDS.get(self.kind) or ORDER_KINDS[self.kind]

    @property
    def request_channel(self) -> str:
        if self.channel:
            return self.channel
        return OrderChannel.HOTLINE if self.kind == WorkOrderKind.REPAIR else OrderChannel.COUNTER

    def problems(self) -> list[str]:
        """What is wrong with the record itself (no database needed); empty if nothing."""
        found: list[str] = []
        if self.kind not in KINDS:
            found.append(f"unknown kind {self.kind!r} (one of {', '.join(KINDS)})")
        if self.service not in SERVICES:
            found.append(f"unknown service {self.service!r} (one of {', '.join(SERVICES)})")
        if not self.subscription.strip():
            found.append("the line's number is missing")
        if self.channel and self.channel not in CHANNELS:
            found.append(f"unknown channel {self.channel!r} (one of {', '.join(CHANNELS)})")
        naive = [label for label, value in (("accepted", self.accepted_at),
                                            ("finished", self.finished_at))
                 if value.tzinfo is None or value.utcoffset() is None]
        if naive:
            found.append(f"the {' and '.join(naive)} time needs a time zone")
            return found
        if self.finished_at < self.accepted_at:
            found.append("finished before it was accepted")
        previous: Pause | None = None
        for pause in sorted(self.pauses, key=lambda p: (p.start, p.end)):
            if pause.reason not in PAUSE_REASONS:
                found.append(f"unknown pause reason {pause.reason!r} "
                             f"(one of {', '.join(sorted(PAUSE_REASONS))})")
            if pause.start.tzinfo is None or pause.end.tzinfo is None:
                found.append("a pause time needs a time zone")
                break
            if pause.end < pause.start:
                found.append(f"the {pause.reason} pause ends before it starts")
            elif pause.start < self.accepted_at or pause.end > self.finished_at:
                found.append(f"the {pause.reason} pause lies outside the request "
                             "(acceptance to finish)")
            if previous is not None and pause.start < previous.end:
                found.append(f"pauses overlap ({previous.reason} and {pause.reason})")
            previous = pause
        return found


def ref(request: FinishedRequest, position: int) -> str:
    """How errors name a request: its file line, else its position (1-based)."""
    where = f"line {request.line}" if request.line is not None else f"request {position}"
    return f"{where} ({request.external_id})" if request.external_id else where


# --- the CSV format -------------------------------------------------------------------

_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
                   r"\s*(Z|[+-]\d{2}:?\d{2})?$")


def parse_time(text: str, zone: dt.tzinfo) -> dt.datetime:
    """``YYYY-MM-DD HH:MM[:SS]`` (or ``T``), with an optional offset; else in ``zone``."""
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"{text.strip()!r} is not a time like 2025-09-30 14:05")
    day, clock, offset = match.groups()
    if len(clock.split(":")[0]) == 1:
        clock = "0" + clock
    iso = f"{day}T{clock}" + ("+00:00" if offset == "Z" else (offset or ""))
    try:
        value = dt.datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a valid time") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def parse_pauses(text: str, zone: dt.tzinfo) -> tuple[Pause, ...]:
    """``reason|start|end`` pauses separated by ``;`` (empty: none)."""
    pauses: list[Pause] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        pieces = [p.strip() for p in part.split("|")]
        if len(pieces) != 3:
            raise ValueError(f"pause {part!r} is not reason|start|end")
        reason, start, end = pieces
        pauses.append(Pause(reason, parse_time(start, zone), parse_time(end, zone)))
    return tuple(pauses)


def _rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells); line numbers count physical lines (quoted newlines too)."""
    source = iter(lines)
    counter = {"line": 0}

    def counted() -> Iterator[str]:
        for text in source:
            counter["line"] += 1
            yield text

    reader = csv.reader(counted())
    start = 1
    for cells in reader:
        yield start, cells
        start = counter["line"] + 1


def read_finished_requests(lines: Iterable[str], *, zone: dt.tzinfo,
                           name: str = "") -> list[FinishedRequest]:
    """Read the legacy CSV format (see the module's docstring) into records.

    Every line is checked; any error refuses the whole file with an
    ``OrdersError`` naming the lines (the first ``MAX_REPORTED_ERRORS``).
    """
    prefix = f"{name}: " if name else ""
    rows = _rows(lines)
    try:
        first = next(rows)
    except StopIteration:
        raise OrdersError(OrdersErrorCode.INVALID, f"{prefix}the file is empty") from None
    except csv.Error as exc:
        raise OrdersError(OrdersErrorCode.INVALID, f"{prefix}line 1: {exc}") from None
    header = [cell.strip().lstrip("\ufeff").lower() for cell in first[1]]
    unknown = [c for c in header if c not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if unknown or missing or duplicated:
        parts = ([f"unknown column(s) {', '.join(unknown)}"] if unknown else []) + \
                ([f"missing column(s) {', '.join(missing)}"] if missing else []) + \
                ([f"repeated column(s) {', '.join(duplicated)}"] if duplicated else [])
        raise OrdersError(OrdersErrorCode.INVALID,
                          f"{prefix}line 1: {'; '.join(parts)} (columns: {', '.join(COLUMNS)})")
    index = {column: header.index(column) for column in header}
    requests: list[FinishedRequest] = []
    errors: list[str] = []
    count, line = 0, 1
    try:
        for line, cells in rows:
            if not any(cell.strip() for cell in cells):
                continue
            problem = ""
            if len(cells) != len(header):
                problem = f"{len(cells)} cells, the header has {len(header)}"
            else:
                try:
                    request = _request(cells, index, zone=zone, line=line)
                except ValueError as exc:
                    problem = str(exc)
                else:
                    problem = "; ".join(request.problems())
                    requests.append(request)
            if problem:
                count += 1
                if len(errors) < MAX_REPORTED_ERRORS:
                    errors.append(f"line {line}: {problem}")
    except csv.Error as exc:
        count += 1
        errors.append(f"near line {line + 1}: {exc}")
    if errors:
        more = f" (and {count - len(errors)} more)" if count > len(errors) else ""
        raise OrdersError(OrdersErrorCode.INVALID,
                          f"{prefix}{count} bad line(s), nothing imported: "
                          f"{'; '.join(errors)}{more}")
    if not requests:
        raise OrdersError(OrdersErrorCode.INVALID, f"{prefix}the file holds no requests")
    return requests


def _request(cells: list[str], index: dict[str, int], *, zone: dt.tzinfo,
             line: int) -> FinishedRequest:
    def cell(column: str) -> str:
        at = index.get(column)
        return cells[at].strip() if at is not None else ""

    for column in REQUIRED_COLUMNS:
        if not cell(column):
            raise ValueError(f"{column} is empty")
    try:
        accepted = parse_time(cell("accepted_at"), zone)
        finished = parse_time(cell("finished_at"), zone)
    except ValueError as exc:
        raise ValueError(f"time: {exc}") from None
    try:
        pauses = parse_pauses(cell("pauses"), zone)
    except ValueError as exc:
        raise ValueError(f"pauses: {exc}") from None
    return FinishedRequest(
        kind=cell("kind").lower(), service=cell("service").lower(),
        subscription=cell("number"), accepted_at=accepted, finished_at=finished,
        customer=cell("customer"), pauses=pauses, channel=cell("channel").lower(),
        external_id=cell("external_id")[:100], description=cell("description"),
        technician=cell("technician"), team=cell("team"), line=line)
