"""Finished requests from elsewhere (a legacy system, the demo's history): the record
and the legacy CSV format. Pure: nothing here reads or writes the database.

``FinishedRequest`` is one request that was accepted and finished in the past.
``orders.services.history.do_import_finished_requests`` stores it as the services
would have (a work order or a customer order with its stopped SLA clock).

The file format (a CSV export, read by ``core.tabular``: UTF-8 with or without
BOM or GBK/GB18030, comma or tab separated, English or Chinese headers; see
``docs/orders-history.md``)::

    external_id,kind,service,number,accepted_at,finished_at,pauses
    L-1001,repair,broadband,0351A00001234,2025-09-29 09:10,2025-09-29 16:40,
    L-1002,install,fixed,+863517654321,2025/9/30 10:00,2025/10/11 11:00,PAUSE

where ``PAUSE`` is ``customer_absent|2025-10-09 09:00|2025-10-10 09:00``.

Required columns: ``kind``, ``service``, ``number``, ``accepted_at``,
``finished_at``; the others may be missing or empty; columns nobody knows are
ignored with a notice. ``pauses`` holds pauses separated by ``;``, each
``reason|start|end``. Times are as exports write them (``2025-10-20 08:00:00``,
``2025/10/20 08:00``, ``2025/10/20``), in the operator's time zone unless they
carry an offset. ``unit`` (a branch code or name) and ``area`` (urban, rural)
place a line telcodesk does not know (a churned subscriber's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, NamedTuple

from telcodesk.core.tabular import (
    Column,
    Problems,
    ValueProblem,
    normalise_name,
    parse_datetime,
    read_bytes,
    read_table,
)
from telcodesk.orders.errors import OrdersError, OrdersErrorCode
from telcodesk.orders.models import ItemKind, OrderChannel, WorkOrderKind
from telcodesk.sla import selectors as sla_selectors

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
PAUSE_REASONS = frozenset(sla_selectors.pause_reason_values())

AREAS = ("urban", "rural")
HISTORY_COLUMNS: tuple[Column, ...] = (
    Column("external_id", ("legacy_id", "id", "ticket_id", "order_id", "工单号", "工单编号",
                           "原工单号", "单号", "流水号", "受理单号"), required=False),
    Column("kind", ("type", "request_kind", "类型", "工单类型", "业务类型", "受理类型")),
    Column("service", ("product", "业务", "专业", "产品", "产品类型", "业务种类")),
    Column("number", ("line", "phone", "subscription", "号码", "用户号码", "业务号码",
                      "电话号码", "接入号", "接入号码", "宽带账号")),
    Column("customer", ("customer_code", "客户编码", "客户编号"), required=False),
    Column("accepted_at", ("accepted", "received_at", "reported_at", "受理时间", "申告时间",
                           "报障时间", "登记时间")),
    Column("finished_at", ("finished", "completed_at", "restored_at", "完成时间", "竣工时间",
                           "修复时间", "处理完成时间")),
    Column("pauses", ("暂停", "暂停记录", "挂起记录"), required=False),
    Column("channel", ("渠道", "受理渠道"), required=False),
    Column("description", ("remark", "note", "描述", "内容", "故障描述", "备注"),
           required=False),
    Column("technician", ("staff", "维修员", "装维人员", "处理人"), required=False),
    Column("team", ("班组", "维护班组"), required=False),
    Column("unit", ("unit_code", "branch", "org_unit", "地市", "区县", "分公司", "所属单位",
                    "单位", "单位编码"), required=False),
    Column("area", ("城乡", "城乡属性", "城乡类型", "区域类型"), required=False),
)
COLUMNS = tuple(c.name for c in HISTORY_COLUMNS)
REQUIRED_COLUMNS = tuple(c.name for c in HISTORY_COLUMNS if c.required)
MAX_REPORTED_ERRORS = 10

# Values as Chinese exports write them.
_KIND_NAMES = {"装机": "install", "新装": "install", "移机": "move", "修障": "repair",
               "障碍": "repair", "故障": "repair", "维修": "repair", "报障": "repair",
               "开户": "activation", "套餐变更": "package_change", "停机": "suspension",
               "改名": "name_change", "过户": "transfer", "拆机": "cancellation",
               "销户": "cancellation", "复机": "reconnection"}
_SERVICE_NAMES = {"固话": "fixed", "固定电话": "fixed", "宽带": "broadband",
                  "移动": "mobile", "手机": "mobile"}
_AREA_NAMES = {"城市": "urban", "城镇": "urban", "市区": "urban", "城区": "urban",
               "农村": "rural", "乡村": "rural", "乡镇": "rural"}


def _value(text: str, names: dict[str, str]) -> str:
    key = normalise_name(text)
    return names.get(key, key)


# The order item a live field work order comes from (orders.services): its kind is what
# the clock records as ``request_types``.
_ITEM_OF_WORK_ORDER = {"install": "new_line", "move": "move"}


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
    ``unit`` (a branch code or name) and ``area`` place a line telcodesk does not
    know. ``line`` is the source line in a file, used in error messages.
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
    unit: str = ""
    area: str = ""
    line: int | None = None

    @property
    def is_work_order(self) -> bool:
        return self.kind in WORK_ORDER_KINDS

    @property
    def request_kind(self) -> str:
        """The SLA request kind the standard is looked up with."""
        return WORK_ORDER_KINDS.get(self.kind) or ORDER_KINDS[self.kind]

    @property
    def request_types(self) -> str:
        """What was asked for, in the words a live request records on its clock (the
        order item's kind: an installation is a ``new_line``), so that indicator
        membership (``quality``) treats imported and live requests alike."""
        return _ITEM_OF_WORK_ORDER.get(self.kind, self.kind)

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
        if self.area and self.area not in AREAS:
            found.append(f"unknown area {self.area!r} (one of {', '.join(AREAS)})")
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


# --- the file format ----------------------------------------------------------------


def parse_time(text: str, zone: dt.tzinfo) -> dt.datetime:
    """A time as exports write it (see ``core.tabular.parse_datetime``)."""
    try:
        return parse_datetime(text, zone)
    except ValueProblem as exc:
        raise ValueError(str(exc)) from None


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


@dataclass
class HistoryFile:
    """The requests of a file and the notices about it (ignored columns)."""

    requests: list[FinishedRequest]
    warnings: list[str] = field(default_factory=list)


def _refused(prefix: str, problems: Problems) -> OrdersError:
    if problems.refused_whole:
        return OrdersError(OrdersErrorCode.INVALID,
                           f"{prefix}{problems.listed_errors()[0].message}")
    listed = problems.listed_errors()[:MAX_REPORTED_ERRORS]
    more = problems.error_count - len(listed)
    return OrdersError(OrdersErrorCode.INVALID,
                       f"{prefix}{problems.error_count} bad line(s), nothing imported: "
                       + "; ".join(str(p) for p in listed)
                       + (f" (and {more} more)" if more else ""))


def read_history_file(source: bytes | str | IO[bytes] | IO[str] | Iterable[str], *,
                      zone: dt.tzinfo, name: str = "") -> HistoryFile:
    """Read an export of finished requests (see the module's docstring).

    Every line is checked; any wrong line refuses the whole file with an
    ``OrdersError`` naming the lines (the first ``MAX_REPORTED_ERRORS``); a file
    that is no table at all (binary, empty, no header) is refused in one line.
    """
    prefix = f"{name}: " if name else ""
    if isinstance(source, bytes | str) or hasattr(source, "read"):
        data = read_bytes(source)  # type: ignore[arg-type]
    else:
        data = "".join(source)
    problems = Problems(limit=MAX_REPORTED_ERRORS)
    table = read_table(data, HISTORY_COLUMNS, problems)
    if table is None:
        raise _refused(prefix, problems)
    requests: list[FinishedRequest] = []
    for line, cells in table.records:
        try:
            request = _request(table.value, cells, zone=zone, line=line)
        except ValueError as exc:
            problems.error(line, str(exc))
            continue
        found = request.problems()
        if found:
            problems.error(line, "; ".join(found))
        requests.append(request)
    if not problems.ok:
        raise _refused(prefix, problems)
    if not requests:
        raise OrdersError(OrdersErrorCode.INVALID, f"{prefix}the file holds no requests")
    return HistoryFile(requests=requests, warnings=problems.warning_lines())


def read_finished_requests(source: bytes | str | IO[bytes] | IO[str] | Iterable[str], *,
                           zone: dt.tzinfo, name: str = "") -> list[FinishedRequest]:
    """The requests of ``read_history_file``."""
    return read_history_file(source, zone=zone, name=name).requests


def _request(value: Callable[[list[str], str], str], cells: list[str], *, zone: dt.tzinfo,
             line: int) -> FinishedRequest:
    def cell(column: str) -> str:
        return value(cells, column)

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
        kind=_value(cell("kind"), _KIND_NAMES), service=_value(cell("service"), _SERVICE_NAMES),
        subscription=cell("number"), accepted_at=accepted, finished_at=finished,
        customer=cell("customer"), pauses=pauses, channel=cell("channel").lower(),
        external_id=cell("external_id")[:100], description=cell("description"),
        technician=cell("technician"), team=cell("team"), unit=cell("unit"),
        area=_value(cell("area"), _AREA_NAMES) if cell("area") else "", line=line)


__all__ = ["AREAS", "COLUMNS", "HISTORY_COLUMNS", "KINDS", "REQUIRED_COLUMNS", "SERVICES",
           "FinishedRequest", "HistoryFile", "Pause", "parse_pauses",
           "parse_time", "read_finished_requests", "read_history_file", "ref"]
