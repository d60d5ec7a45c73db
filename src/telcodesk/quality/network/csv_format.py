"""The files the quality manager imports: busy-hour counters, the cell registry and
billing-error counts. Pure: no database, no clock (``today`` is passed in).

Every file is CSV text in UTF-8, with or without a byte-order mark, separated by
commas or tabs (the separator is taken from the header line). The first
non-blank line names the columns, in any order; each column may be named in
English snake_case or by one of the aliases below (Chinese names from common
network-management exports included). Names are matched after Unicode NFKC
normalisation, in lower case, with spaces, hyphens, dots and slashes read as
``_``: ``Call Attempts``, ``call-attempts`` and ``CALL_ATTEMPTS`` are the same
column. A column nobody knows is an error, so that a misspelt counter never
goes unnoticed; blank lines are skipped.

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
- counts: whole numbers, 0 or more.
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

import csv
import datetime as dt
import functools
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from telcodesk.quality.errors import QualityError, QualityErrorCode

MAX_LISTED = 50  # errors listed in a report; the rest are counted
_KEPT = 10_000  # problems kept in memory (the count goes on)
CELL_CODE_MAX = 60
NOTE_MAX = 300


# --- problems -----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One error or warning; ``line`` 0 means the file as a whole."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class Problems:
    """Errors and warnings found in one file, in line order when listed."""

    limit: int = MAX_LISTED
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0

    def error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < _KEPT:
            self.errors.append(Problem(line, message))

    def warn(self, line: int, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < _KEPT:
            self.warnings.append(Problem(line, message))

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def listed_errors(self) -> list[Problem]:
        return sorted(self.errors, key=lambda p: p.line)[:self.limit]

    def listed_warnings(self) -> list[Problem]:
        return sorted(self.warnings, key=lambda p: p.line)[:self.limit]

    @property
    def unlisted_errors(self) -> int:
        return self.error_count - len(self.listed_errors())

    @property
    def unlisted_warnings(self) -> int:
        return self.warning_count - len(self.listed_warnings())

    def error_lines(self) -> list[str]:
        lines = [str(p) for p in self.listed_errors()]
        if self.unlisted_errors:
            lines.append(f"… and {self.unlisted_errors} more error(s)")
        return lines

    def warning_lines(self) -> list[str]:
        lines = [str(p) for p in self.listed_warnings()]
        if self.unlisted_warnings:
            lines.append(f"… and {self.unlisted_warnings} more warning(s)")
        return lines


# --- columns and their names ----------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # the canonical English snake_case name
    aliases: tuple[str, ...] = ()
    required: bool = True


_SEPARATORS = re.compile(r"[\s\-./]+")


def normalise_name(text: str) -> str:
    """How a header is compared: NFKC, lower case, separators read as ``_``."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    return _SEPARATORS.sub("_", folded).strip("_")


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


def alias_index(columns: Sequence[Column]) -> dict[str, str]:
    """Normalised header name → canonical column name."""
    index: dict[str, str] = {}
    for column in columns:
        for name in (column.name, *column.aliases):
            key = normalise_name(name)
            known = index.setdefault(key, column.name)
            if known != column.name:
                raise ValueError(f"header alias {name!r} means both {known} and {column.name}")
    return index


_INDEXES = {id(cols): alias_index(cols) for cols in (COUNTER_COLUMNS, CELL_COLUMNS,
                                                     BILLING_COLUMNS)}


# --- reading a table ------------------------------------------------------------------


def decode(data: bytes | str, problems: Problems) -> str | None:
    """UTF-8 text without its byte-order mark; an error (with the line) otherwise."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        problems.error(line, "the file is not UTF-8 text (a spreadsheet saved as CSV in "
                             "Chinese Windows is GBK: save it as \"CSV UTF-8\")")
        return None


@dataclass
class Table:
    header_line: int
    width: int
    positions: dict[str, int]  # canonical name → position in a record
    records: Iterator[tuple[int, list[str]]]


def read_table(data: bytes | str, columns: Sequence[Column], problems: Problems) -> Table | None:
    """Decode, find the separator and the header, map the columns.

    ``None`` (with errors in ``problems``) when the header is not usable.
    """
    text = decode(data, problems)
    if text is None:
        return None
    first = next((line for line in text.splitlines() if line.strip()), None)
    expected = ",".join(c.name for c in columns if c.required)
    if first is None:
        problems.error(0, f"the file is empty: its first line must name the columns "
                          f"({expected})")
        return None
    delimiter = "\t" if "\t" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = _records(reader, problems)
    header_line, header = next(rows, (0, []))
    if not header:
        return None
    index = _INDEXES.get(id(columns)) or alias_index(columns)
    positions: dict[str, int] = {}
    unknown: list[str] = []
    width = len(header)
    while width and not header[width - 1].strip():  # a trailing separator
        width -= 1
    for position, raw in enumerate(header[:width]):
        name = index.get(normalise_name(raw))
        if name is None:
            unknown.append(raw.strip())
        elif name in positions:
            problems.error(header_line, f"columns {header[positions[name]].strip()!r} and "
                                        f"{raw.strip()!r} both mean {name}")
        else:
            positions[name] = position
    missing = [c.name for c in columns if c.required and c.name not in positions]
    if not positions:
        problems.error(header_line, f"the first line must name the columns ({expected}); "
                                    f"found {','.join(header)[:120]!r}")
        return None
    if unknown:
        problems.error(header_line, f"unknown column(s): {', '.join(repr(u) for u in unknown)} "
                                    f"(the columns are {expected}; see the documentation "
                                    "for the accepted names)")
    if missing:
        problems.error(header_line, f"missing column(s): {', '.join(missing)}")
    if not problems.ok:
        return None
    return Table(header_line=header_line, width=width, positions=positions,
                 records=_sized(rows, width, problems))


def _records(reader: Any, problems: Problems) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line number they end on."""
    try:
        for values in reader:
            if not any(values) or not "".join(values).strip():
                continue
            yield reader.line_num, values
    except csv.Error as exc:
        problems.error(reader.line_num or 1, f"cannot read the line: {exc}")


def _sized(rows: Iterator[tuple[int, list[str]]], width: int,
           problems: Problems) -> Iterator[tuple[int, list[str]]]:
    """Records with exactly ``width`` values (blank extra values tolerated)."""
    for line, values in rows:
        if len(values) > width and not "".join(values[width:]).strip():
            values = values[:width]
        if len(values) != width:
            problems.error(line, f"{len(values)} values, the header names {width} columns")
            continue
        yield line, values


# --- values ---------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]0?0:00(?::00)?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_HOUR = r"(\d{1,2})(?::(\d{2}))?(?::00)?"
_BUSY_HOUR = re.compile(rf"^{_HOUR}$")
_BUSY_RANGE = re.compile(rf"^{_HOUR}\s*[-~–—至到]\s*{_HOUR}$")
_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?(?:[-/]0?1)?$")
_WHOLE = re.compile(r"^\d+$", re.ASCII)
_NEGATIVE = re.compile(r"^-\d+$", re.ASCII)


class ValueProblem(ValueError):
    pass


@functools.lru_cache(maxsize=4096)
def parse_day(text: str) -> dt.date:
    value = text.strip()
    match = _DATE.match(value) or _COMPACT_DATE.match(value)
    if not match:
        raise ValueProblem(f"not a date (YYYY-MM-DD or YYYY/MM/DD): {value!r}")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueProblem(f"no such date: {value!r}") from None


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


def parse_count(text: str, name: str) -> int:
    if text.isdigit() and text.isascii():  # the common case, fast
        return int(text)
    value = text.strip()
    if _WHOLE.match(value):
        return int(value)
    if not value:
        raise ValueProblem(f"{name} is empty")
    if _NEGATIVE.match(value):
        raise ValueProblem(f"{name} is negative: {value}")
    raise ValueProblem(f"{name} is not a whole number: {text.strip()!r}")


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
                       limit: int = MAX_LISTED) -> CounterFile:
    """Read and check a counter file. ``today``: days from it on are refused."""
    problems = Problems(limit=limit)
    table = read_table(data, COUNTER_COLUMNS, problems)
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


def parse_cell_file(data: bytes | str, *, limit: int = MAX_LISTED) -> CellFile:
    problems = Problems(limit=limit)
    table = read_table(data, CELL_COLUMNS, problems)
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
                       limit: int = MAX_LISTED) -> BillingFile:
    problems = Problems(limit=limit)
    table = read_table(data, BILLING_COLUMNS, problems)
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
