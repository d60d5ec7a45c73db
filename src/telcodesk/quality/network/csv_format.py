"""The files the quality manager imports: busy-hour counters, the cell registry and
billing-error counts. Pure: no database, no clock (``today`` is passed in).

Every file is read by ``core.tabular.read_table``: CSV text in UTF-8 (with or
without a byte-order mark) or GBK/GB18030, separated by commas or tabs. The
first non-blank line names the columns, in any order; each column may be named
in English snake_case or by one of the aliases below (Chinese names from common
network-management exports included). Names are matched after Unicode NFKC
normalisation, in lower case, with spaces, hyphens, dots and slashes read as
``_``: ``Call Attempts``, ``call-attempts`` and ``CALL_ATTEMPTS`` are the same
column. A column nobody knows (``地市``, ``厂家``) is ignored with a warning; a
misspelt counter still refuses the file, as that counter's column is then
missing. Blank lines are skipped.

A file with any error is refused as a whole: every error is reported with its
line number (the first ``MAX_LISTED``, then a count of the rest) and nothing
is written. Warnings are reported but do not stop the import.

The counter file (one row per cell and day, the day's busy hour)::

    cell,date,busy_hour,call_attempts,answered,called_busy,no_answer,unreachable,tch_requests,tch_failures_no_channel,connected_calls,dropped_calls
    TY-XD-001,2026-07-01,20,5120,4290,410,240,86,4980,3,4870,21

- ``date``: ``YYYY-MM-DD`` or ``YYYY/MM/DD`` (one-digit months and days too,
  ``YYYYMMDD``, and a ``00:00`` time after it are accepted); only finished days
  (before today) are accepted.
- ``busy_hour``: ``20``, ``20:00`` or ``20:00-21:00`` (one hour starting on the
  hour, 0–23).
- counts: whole numbers, 0 or more (thousands separators as in ``1,234`` accepted).
- Errors (the file is refused): a missing, unknown or doubled column; a value
  that is empty, not a whole number or negative; a busy hour out of range; a
  cell twice for one day; counters that contradict each other: answered +
  called busy + no answer + unreachable above the call attempts (a connection
  rate above 100 %), assignment failures above the traffic-channel requests,
  dropped calls above the connected calls.
- Warnings (imported anyway): a cell-day whose counters are all 0 (the cell was
  probably out of service).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from telcodesk.core.tabular import (
    MAX_LISTED,
    Column,
    Problem,
    Problems,
    Progress,
    ValueProblem,
    normalise_name,
    parse_count,
    read_table,
)
from telcodesk.core.tabular import parse_date as parse_day
from telcodesk.quality.errors import QualityError, QualityErrorCode

__all__ = ["BILLING_COLUMNS", "CELL_COLUMNS", "COUNTER_COLUMNS", "COUNTS", "MAX_LISTED",
           "BillingFile", "BillingRow", "CellFile", "CellRow", "Column", "CounterFile",
           "CounterRow", "Problem", "Problems", "QualityFileError", "ValueProblem",
           "check_billing_counts", "normalise_name", "parse_billing_file", "parse_busy_hour",
           "parse_cell_file", "parse_count", "parse_day", "parse_month"]

CELL_CODE_MAX = 60
NOTE_MAX = 300


# --- columns and their names ----------------------------------------------------------


COUNTER_COLUMNS: tuple[Column, ...] = (
    Column("cell", ("cell_id", "cell_code", "cell_name", "cellid", "cellname", "ci",
                    "小区", "小区名", "小区名称", "小区编号", "小区代码", "小区标识", "小区id")),
    Column("date", ("day", "stat_date", "日期", "统计日期", "数据日期")),
    Column("busy_hour", ("busyhour", "bh", "hour", "busy_hour_start", "忙时", "忙时时段",
                         "忙时时间", "忙时小时")),
    Column("call_attempts", ("attempts", "call_attempt", "valid_call_attempts", "calls_attempted",
                             "呼叫次数", "试呼次数", "呼叫尝试次数", "有效呼叫次数",
                             "有效试呼次数")),
    Column("answered", ("answered_calls", "answer", "calls_answered", "应答", "应答次数",
                        "被叫应答次数")),
    Column("called_busy", ("callee_busy", "called_party_busy", "user_busy", "busy", "被叫忙",
                           "被叫忙次数", "用户忙", "用户忙次数")),
    Column("no_answer", ("not_answered", "no_reply", "无应答", "无应答次数", "被叫无应答",
                         "被叫无应答次数", "久叫不应")),
    Column("unreachable", ("not_reachable", "absent_subscriber", "不可及", "不可及次数",
                           "被叫不可及", "被叫不可及次数", "用户不可及")),
    Column("tch_requests", ("tch_request", "traffic_channel_requests", "tch_assignment_requests",
                            "tch_attempts", "业务信道请求次数", "话音信道请求次数",
                            "tch请求次数", "tch占用请求次数", "信道请求次数")),
    Column("tch_failures_no_channel", ("tch_congestion", "tch_blocked", "tch_blocking",
                                       "assignment_failures_no_free_channel",
                                       "tch_assignment_failures_no_channel",
                                       "无线信道拥塞次数", "信道拥塞次数", "tch拥塞次数",
                                       "业务信道拥塞次数", "无空闲信道分配失败次数",
                                       "tch分配失败次数(无空闲信道)")),
    Column("connected_calls", ("connected", "calls_connected", "tch_seizures", "通话次数",
                               "接通次数", "通话建立次数", "通话建立成功次数",
                               "tch占用成功次数")),
    Column("dropped_calls", ("dropped", "drops", "call_drops", "掉话", "掉话次数",
                             "通话中断次数")),
)
COUNTS: tuple[str, ...] = tuple(c.name for c in COUNTER_COLUMNS[3:])
CANONICAL_HEADER = ",".join(c.name for c in COUNTER_COLUMNS)

CELL_COLUMNS: tuple[Column, ...] = (
    Column("cell", ("cell_id", "cell_code", "cellid", "ci", "小区", "小区编号", "小区代码",
                    "小区标识", "小区id")),
    Column("name", ("cell_name", "cellname", "名称", "小区名称", "小区名"), required=False),
    Column("unit_code", ("unit", "org_unit", "branch", "branch_code", "单位", "单位编码",
                         "单位代码", "所属单位", "分公司", "分公司编码")),
)
CELL_HEADER = ",".join(c.name for c in CELL_COLUMNS)

BILLING_COLUMNS: tuple[Column, ...] = (
    Column("month", ("billing_month", "period", "月份", "账期", "计费月份", "统计月份")),
    Column("unit_code", ("unit", "org_unit", "branch", "branch_code", "单位", "单位编码",
                         "单位代码", "分公司", "分公司编码", "本地网")),
    Column("erroneous_records", ("erroneous", "error_records", "errors", "erroneous_charge_records",
                                 "差错记录数", "差错计费记录数", "计费差错记录数", "差错话单数")),
    Column("all_records", ("total", "total_records", "records", "all_charge_records",
                           "全部记录数", "计费记录总数", "总记录数", "话单总数")),
    Column("note", ("remark", "comment", "备注", "说明"), required=False),
)
BILLING_HEADER = "month,unit_code,erroneous_records,all_records"


# --- values ---------------------------------------------------------------------------

_HOUR = r"(\d{1,2})(?::(\d{2}))?(?::00)?"
_BUSY_HOUR = re.compile(rf"^{_HOUR}$")
_BUSY_RANGE = re.compile(rf"^{_HOUR}\s*[-~–—至到]\s*{_HOUR}$")
_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?(?:[-/]0?1)?$")


@functools.lru_cache(maxsize=256)
def parse_busy_hour(text: str) -> int:
    """``20``, ``20:00`` or ``20:00-21:00`` → 20."""
    value = text.strip()
    if not value:
        raise ValueProblem("busy_hour is empty")
    single = _BUSY_HOUR.match(value)
    ranged = None if single else _BUSY_RANGE.match(value)
    match = single or ranged
    if match is None:
        raise ValueProblem(f"busy_hour is not an hour (20, 20:00 or 20:00-21:00): {value!r}")
    hour = int(match[1])
    if hour > 23:
        raise ValueProblem(f"busy hour out of range (0-23): {value!r}")
    if match[2] not in (None, "00"):
        raise ValueProblem(f"the busy hour must start on the hour: {value!r}")
    if ranged is not None:
        end = int(ranged[3])
        if ranged[4] not in (None, "00") or (end != hour + 1 and not (hour == 23 and end == 0)):
            raise ValueProblem(f"the busy hour must last one hour: {value!r}")
    return hour


def parse_month(text: str) -> dt.date:
    """``2026-07``, ``2026/07``, ``202607``, ``2026年7月`` (or ``2026-07-01``) → 2026-07-01."""
    value = text.strip()
    match = _MONTH.match(value)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueProblem(f"not a month (YYYY-MM): {value!r}")
    return dt.date(int(match[1]), int(match[2]), 1)


# --- the counter file -----------------------------------------------------------------


class CounterRow(NamedTuple):
    line: int
    cell: str
    day: dt.date
    busy_hour: int
    call_attempts: int
    answered: int
    called_busy: int
    no_answer: int
    unreachable: int
    tch_requests: int
    tch_failures_no_channel: int
    connected_calls: int
    dropped_calls: int


@dataclass
class CounterFile:
    rows: list[CounterRow]
    problems: Problems

    @property
    def days(self) -> list[dt.date]:
        return sorted({row.day for row in self.rows})

    @property
    def cells(self) -> list[str]:
        return sorted({row.cell for row in self.rows})


def parse_counter_file(data: bytes | str, *, today: dt.date | None = None,
                       limit: int = MAX_LISTED,
                       progress: Progress | None = None) -> CounterFile:
    """Read and check a counter file. ``today``: days from it on are refused."""
    problems = Problems(limit=limit)
    table = read_table(data, COUNTER_COLUMNS, problems, progress=progress)
    result = CounterFile(rows=[], problems=problems)
    if table is None:
        return result
    at = table.positions
    cell_at, day_at, hour_at = at["cell"], at["date"], at["busy_hour"]
    count_at = [(name, at[name]) for name in COUNTS]
    seen: dict[tuple[str, dt.date], int] = {}
    for line, values in table.records:
        ok = True
        cell = values[cell_at].strip()
        if not cell:
            problems.error(line, "cell is empty")
            ok = False
        elif len(cell) > CELL_CODE_MAX:
            problems.error(line, f"the cell code is longer than {CELL_CODE_MAX} characters")
            ok = False
        day: dt.date | None = None
        try:
            day = parse_day(values[day_at])
        except ValueProblem as exc:
            problems.error(line, str(exc))
            ok = False
        if day is not None and today is not None and day >= today:
            problems.error(line, f"{day.isoformat()} has not ended yet: only finished days "
                                 "are imported")
            ok = False
        hour = 0
        try:
            hour = parse_busy_hour(values[hour_at])
        except ValueProblem as exc:
            problems.error(line, str(exc))
            ok = False
        texts = [values[position] for _name, position in count_at]
        joined = "".join(texts)
        if all(texts) and joined.isdigit() and joined.isascii():  # the common case, fast
            counts = [int(text) for text in texts]
        else:
            counts = []
            for (name, _position), text in zip(count_at, texts, strict=True):
                try:
                    counts.append(parse_count(text, name))
                except ValueProblem as exc:
                    problems.error(line, str(exc))
                    ok = False
        if day is not None and cell:
            first = seen.setdefault((cell, day), line)
            if first != line:
                problems.error(line, f"cell {cell} appears twice for {day.isoformat()} "
                                     f"(first on line {first})")
                ok = False
        if len(counts) == len(COUNTS):
            ok = _check_counters(line, counts, problems) and ok
        if ok and day is not None:
            result.rows.append(CounterRow(line, cell, day, hour, *counts))
    if not result.rows and problems.ok:
        problems.error(table.header_line, "the file has no rows after its header")
    return result


def _check_counters(line: int, counts: list[int], problems: Problems) -> bool:
    """The rules between counters of one row (``counts`` in ``COUNTS`` order)."""
    (attempts, answered, called_busy, no_answer, unreachable, requests, failures, connected,
     dropped) = counts
    ok = True
    reached = answered + called_busy + no_answer + unreachable
    if reached > attempts:
        problems.error(line, f"answered + called_busy + no_answer + unreachable ({reached}) "
                             f"exceed call_attempts ({attempts})")
        ok = False
    if failures > requests:
        problems.error(line, f"tch_failures_no_channel ({failures}) exceed tch_requests "
                             f"({requests})")
        ok = False
    if dropped > connected:
        problems.error(line, f"dropped_calls ({dropped}) exceed connected_calls ({connected})")
        ok = False
    if ok and not any(counts):
        problems.warn(line, "every counter is 0: was the cell out of service?")
    return ok


# --- the cell registry ----------------------------------------------------------------


@dataclass(frozen=True)
class CellRow:
    """One cell placed in an org unit (``unit_code`` blank: no unit)."""

    code: str
    name: str | None = None  # None: keep the stored name (blank: no name)
    unit_code: str = ""
    line: int = 0


@dataclass
class CellFile:
    rows: list[CellRow]
    problems: Problems


def parse_cell_file(data: bytes | str, *, limit: int = MAX_LISTED,
                    progress: Progress | None = None) -> CellFile:
    problems = Problems(limit=limit)
    table = read_table(data, CELL_COLUMNS, problems, progress=progress)
    result = CellFile(rows=[], problems=problems)
    if table is None:
        return result
    at = table.positions
    seen: dict[str, int] = {}
    for line, values in table.records:
        code = values[at["cell"]].strip()
        name = values[at["name"]].strip() if "name" in at else None
        unit = values[at["unit_code"]].strip()
        if not code:
            problems.error(line, "cell is empty")
            continue
        if len(code) > CELL_CODE_MAX:
            problems.error(line, f"the cell code is longer than {CELL_CODE_MAX} characters")
            continue
        if name is not None and len(name) > 120:
            problems.error(line, "the name is longer than 120 characters")
            continue
        first = seen.setdefault(code, line)
        if first != line:
            problems.error(line, f"cell {code} appears twice (first on line {first})")
            continue
        result.rows.append(CellRow(code=code, name=name, unit_code=unit, line=line))
    if not result.rows and problems.ok:
        problems.error(table.header_line, "the file has no rows after its header")
    return result


# --- billing-error counts -------------------------------------------------------------


@dataclass(frozen=True)
class BillingRow:
    line: int
    month: dt.date  # first day
    unit_code: str  # blank: the whole operator
    erroneous: int
    total: int
    note: str | None = None  # None: the file has no note column (a stored note stays)


@dataclass
class BillingFile:
    rows: list[BillingRow]
    problems: Problems


def check_billing_counts(erroneous: int, total: int) -> str | None:
    """What is wrong with a pair of counts, or ``None``."""
    if erroneous < 0 or total < 0:
        return "counts cannot be negative"
    if total == 0:
        return "all_records must be more than 0 (a month without charge records needs no entry)"
    if erroneous > total:
        return f"erroneous_records ({erroneous}) exceed all_records ({total})"
    return None


def parse_billing_file(data: bytes | str, *, today: dt.date | None = None,
                       limit: int = MAX_LISTED,
                       progress: Progress | None = None) -> BillingFile:
    problems = Problems(limit=limit)
    table = read_table(data, BILLING_COLUMNS, problems, progress=progress)
    result = BillingFile(rows=[], problems=problems)
    if table is None:
        return result
    at = table.positions
    this_month = today.replace(day=1) if today is not None else None
    seen: dict[tuple[dt.date, str], int] = {}
    for line, values in table.records:
        ok = True
        month: dt.date | None = None
        try:
            month = parse_month(values[at["month"]])
        except ValueProblem as exc:
            problems.error(line, str(exc))
            ok = False
        if month is not None and this_month is not None and month > this_month:
            problems.error(line, f"{month:%Y-%m} has not started yet")
            ok = False
        unit = values[at["unit_code"]].strip()
        counts: list[int] = []
        for name in ("erroneous_records", "all_records"):
            try:
                counts.append(parse_count(values[at[name]], name))
            except ValueProblem as exc:
                problems.error(line, str(exc))
                ok = False
        if len(counts) == 2 and (wrong := check_billing_counts(*counts)):
            problems.error(line, wrong)
            ok = False
        note = values[at["note"]].strip() if "note" in at else None
        if note is not None and len(note) > NOTE_MAX:
            problems.error(line, f"the note is longer than {NOTE_MAX} characters")
            ok = False
        if month is not None:
            first = seen.setdefault((month, unit), line)
            if first != line:
                problems.error(line, f"{month:%Y-%m} for {unit or 'the whole operator'} appears "
                                     f"twice (first on line {first})")
                ok = False
        if ok and month is not None:
            result.rows.append(BillingRow(line, month, unit, counts[0], counts[1], note))
    if not result.rows and problems.ok:
        problems.error(table.header_line, "the file has no rows after its header")
    return result


# --- a refused file -------------------------------------------------------------------


class QualityFileError(QualityError):
    """A file refused as a whole: ``problems`` lists every error with its line number."""

    def __init__(self, file_name: str, problems: Problems, *,
                 outcome: str = "nothing imported") -> None:
        shown = problems.listed_errors()[:3]
        more = "; …" if problems.error_count > len(shown) else ""
        message = (f"{file_name or 'the file'}: {problems.error_count} error(s), {outcome}: "
                   + "; ".join(str(p) for p in shown) + more)
        super().__init__(QualityErrorCode.INVALID, message)
        self.file_name = file_name
        self.problems = problems
        self.outcome = outcome
