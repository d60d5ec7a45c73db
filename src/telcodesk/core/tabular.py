"""A tabular export as operators produce it: the one reader every import uses.

Pure: no database, no clock. What it accepts:

- **Encoding**: UTF-8 with or without a byte-order mark, else GB18030 (which
  covers GBK and GB2312, what a spreadsheet saves as CSV on Chinese Windows).
  The choice is made by ``charset-normalizer`` behind ``decode``; anything that
  is not text (binary data, an Excel workbook, an archive) is refused with one
  line.
- **Layout**: the first non-blank line names the columns; values separated by
  commas or tabs (taken from the header line); blank lines skipped; a trailing
  separator tolerated.
- **Column names**: each column has a canonical English snake_case name and
  aliases (Chinese names of common exports among them), matched after NFKC
  normalisation, in lower case, with spaces, hyphens, dots and slashes read as
  ``_``. Columns nobody knows are ignored and noticed (a warning on the header
  line), unless the caller asks for them to be errors.
- **Values**: ``parse_datetime`` (``2025/10/20 08:00``, ``2025-10-20 08:00:00``,
  ``2025/10/20``, ISO 8601 with an offset), ``parse_date`` and ``parse_count``
  (``1,234`` with thousands separators).

Errors and warnings are collected in ``Problems`` with their line numbers, so
that an import can report every wrong row at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from telcodesk.core.errors import CoreErrorCode, DomainError

MAX_LISTED = 50  # problems listed in a report; the rest are counted
_KEPT = 10_000  # problems kept in memory (the count goes on)


class TabularError(DomainError):
    """A file refused as a whole before any row is read (not text, empty, no header)."""

    def __init__(self, message: str) -> None:
        super().__init__(CoreErrorCode.INVALID, message)


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

    @property
    def refused_whole(self) -> bool:
        """Only file-level errors (not text, empty, no usable header): no row was read."""
        return self.error_count > 0 and all(p.line == 0 for p in self.errors)

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


@functools.lru_cache(maxsize=64)
def alias_index(columns: tuple[Column, ...]) -> dict[str, str]:
    """Normalised header name → canonical column name."""
    index: dict[str, str] = {}
    for column in columns:
        for name in (column.name, *column.aliases):
            key = normalise_name(name)
            known = index.setdefault(key, column.name)
            if known != column.name:
                raise ValueError(f"header alias {name!r} means both {known} and {column.name}")
    return index


# --- bytes to text --------------------------------------------------------------------

ENCODINGS = ("utf_8", "gb18030")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"
# Control characters that never appear in a text export (tab, newlines and form feed do).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Chinese characters, CJK and full-width punctuation: what a Chinese export holds.
_CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
                      r"\U00020000-\U0003134f\u2010-\u2027\u00b7\u00d7]")
_NOT_TEXT = "not a text export (CSV): save the table as CSV (UTF-8 or GBK) and import that"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig" or "gb18030"


def decode(data: bytes | str) -> Decoded:
    """The text of an export: UTF-8 (with or without BOM), else GB18030/GBK.

    Raises ``TabularError`` (one line) for what is not text.
    """
    if isinstance(data, str):
        text, encoding = data.removeprefix("\ufeff"), "utf-8"
    elif data.startswith(_ZIP) or data.startswith(_OLE):
        raise TabularError(f"an Excel workbook or an archive, {_NOT_TEXT}")
    elif data.startswith(b"\xef\xbb\xbf"):
        try:
            text, encoding = data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise TabularError(f"marked UTF-8 but not UTF-8 text, {_NOT_TEXT}") from None
    else:
        text, encoding = _detect(data)
    if _CONTROL.search(text[:65536]):
        raise TabularError(f"binary data, {_NOT_TEXT}")
    return Decoded(text, encoding)


def _detect(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"  # strict UTF-8 is never a false guess
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(ENCODINGS)).best()
    if best is not None and best.encoding in ENCODINGS:
        try:
            return data.decode(best.encoding), best.encoding.replace("_", "-")
        except UnicodeDecodeError:
            pass
    # A short or mostly-ASCII export can leave the detector unsure: GB18030 text whose
    # non-ASCII characters are Chinese characters and punctuation is still Chinese text.
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise TabularError(f"neither UTF-8 nor GBK text, {_NOT_TEXT}") from None
    wide = [char for char in text if ord(char) > 0x7F]
    chinese = sum(1 for char in wide if _CHINESE.match(char))
    if not wide or chinese < 0.95 * len(wide):
        raise TabularError(f"neither UTF-8 nor GBK text, {_NOT_TEXT}")
    return text, "gb18030"


def read_bytes(source: bytes | str | IO[bytes] | IO[str]) -> bytes | str:
    """What ``read_table`` takes, from bytes, text or an open stream."""
    if isinstance(source, bytes | str):
        return source
    raw: Any = source.read()
    return raw if isinstance(raw, str) else bytes(raw)


# --- the table ------------------------------------------------------------------------

# Told how far reading has got: (records read, records in the file as far as known).
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 2000


@dataclass
class Table:
    header_line: int
    width: int
    positions: dict[str, int]  # canonical name → position in a record
    records: Iterator[tuple[int, list[str]]]  # (line number, values), ``width`` values each
    ignored: list[str] = field(default_factory=list)  # header names of ignored columns
    encoding: str = "utf-8"

    def value(self, values: list[str], column: str) -> str:
        """The stripped value of ``column`` (empty when the file lacks the column)."""
        at = self.positions.get(column)
        return values[at].strip() if at is not None else ""


def read_table(data: bytes | str, columns: Sequence[Column], problems: Problems, *,
               unknown_columns: str = "ignore",
               progress: Progress | None = None) -> Table | None:
    """Decode, find the separator and the header, map the columns.

    ``unknown_columns``: ``"ignore"`` (a warning names them) or ``"error"``.
    ``progress``: told ``(records read, lines of the file)`` every ``PROGRESS_EVERY``
    records and once at the end (a page shows how far an import has got).
    ``None`` (with errors in ``problems``) when the file or its header is not usable.
    """
    try:
        decoded = decode(data)
    except TabularError as exc:
        problems.error(0, exc.message)
        return None
    text = decoded.text
    columns = tuple(columns)
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
    index = alias_index(columns)
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
        problems.error(0, f"the first line must name the columns ({expected}); "
                          f"found {','.join(header)[:120]!r}")
        return None
    if unknown:
        shown = ", ".join(repr(u) for u in unknown)
        if unknown_columns == "error":
            problems.error(header_line, f"unknown column(s): {shown} (the columns are "
                                        f"{expected}; see the documentation for the accepted "
                                        "names)")
        else:
            problems.warn(header_line, f"column(s) {shown} ignored (not used by this import)")
    if missing:
        problems.error(header_line, f"missing column(s): {', '.join(missing)}")
    if not problems.ok:
        return None
    return Table(header_line=header_line, width=width, positions=positions,
                 records=_sized(_counted(rows, progress, text.count("\n") or 1), width,
                                problems), ignored=unknown,
                 encoding=decoded.encoding)


def _counted(rows: Iterator[tuple[int, list[str]]], progress: Progress | None,
             lines: int) -> Iterator[tuple[int, list[str]]]:
    if progress is None:
        yield from rows
        return
    read = 0
    for read, row in enumerate(rows, start=1):
        if read % PROGRESS_EVERY == 0:
            progress(read, lines)
        yield row
    progress(read, read)


def _records(reader: Any, problems: Problems) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line number they start on (a quoted newline inside a
    value makes a record span lines)."""
    last = 0
    try:
        for values in reader:
            start, last = last + 1, reader.line_num
            if not any(values) or not "".join(values).strip():
                continue
            yield start, values
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


class ValueProblem(ValueError):
    """A value that cannot be read; the message is fit for a user."""


_DAY = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_DATE = re.compile(rf"^{_DAY}$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATETIME = re.compile(rf"^{_DAY}(?:[ T]+(\d{{1,2}}):(\d{{2}})(?::(\d{{2}})(?:\.(\d+))?)?)?"
                       r"\s*(Z|[+-]\d{2}:?\d{2})?$")
_WHOLE = re.compile(r"^\d+$", re.ASCII)
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+$", re.ASCII)
_NEGATIVE = re.compile(r"^-[\d,]+$", re.ASCII)


@functools.lru_cache(maxsize=4096)
def parse_date(text: str) -> dt.date:
    """``2025-10-20``, ``2025/10/20``, ``2025.10.20``, ``20251020``, ``2025年10月20日``; a
    midnight time after it (``2025/10/20 00:00``) is tolerated."""
    value = text.strip()
    match = _DATE.match(value) or _COMPACT_DATE.match(value)
    if not match:
        full = _DATETIME.match(value)
        if full and full[4] is not None and int(full[4]) == 0 and int(full[5]) == 0 \
                and int(full[6] or 0) == 0 and full[8] is None:
            match = full
    if not match:
        raise ValueProblem(f"not a date (YYYY-MM-DD or YYYY/MM/DD): {value!r}")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueProblem(f"no such date: {value!r}") from None


def parse_datetime(text: str, zone: dt.tzinfo) -> dt.datetime:
    """A time as exports write it, in ``zone`` unless it carries an offset.

    ``2025-10-20 08:00:00``, ``2025/10/20 8:00``, ``2025/10/20`` (midnight),
    ``2025-10-20T08:00+08:00``, ``2025年10月20日 08:00``.
    """
    value = text.strip()
    match = _DATETIME.match(value)
    if not match:
        raise ValueProblem(f"{value!r} is not a time like 2025-10-20 08:00 or 2025/10/20 08:00")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        moment = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                             int(second or 0), int((fraction or "0")[:6].ljust(6, "0")))
    except ValueError:
        raise ValueProblem(f"{value!r} is not a valid time") from None
    if offset is None:
        return moment.replace(tzinfo=zone)
    if offset == "Z":
        return moment.replace(tzinfo=dt.UTC)
    digits = offset[1:].replace(":", "")
    delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return moment.replace(tzinfo=dt.timezone(delta if offset[0] == "+" else -delta))


def parse_count(text: str, name: str) -> int:
    """A whole number, 0 or more; thousands separators (``1,234``) accepted."""
    if text.isdigit() and text.isascii():  # the common case, fast
        return int(text)
    value = text.strip()
    if _WHOLE.match(value):
        return int(value)
    if _GROUPED.match(value):
        return int(value.replace(",", ""))
    if not value:
        raise ValueProblem(f"{name} is empty")
    if _NEGATIVE.match(value):
        raise ValueProblem(f"{name} is negative: {value}")
    raise ValueProblem(f"{name} is not a whole number: {value!r}")
