"""Fast batched inserts for bulk loads (demo data, imports, benchmarks).

``bulk_create`` spends most of its time preparing each value through the field
machinery; a loader that already holds clean Python values passes rows as
tuples instead. PostgreSQL gets ``COPY``; SQLite ``executemany``.

``BulkTable.insert_new`` inserts while skipping rows that would break a unique
constraint (an import read twice adds nothing) and says how many were added.
``InstantText`` turns Unix epochs into the text a datetime column takes, for
loaders that write millions of timestamps (rows passed with ``prepared=True``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL

_READ_BACK_CHUNK = 900  # keys per "IN (...)" when reading generated ids back


class BulkTable:
    """A fast batched insert into one model's table (``COPY`` on PostgreSQL).

    ``bulk_create`` spends most of its time preparing each value through the
    field machinery (with it, loading took three times as long); the loader
    already holds clean Python values, so rows are passed as tuples of the
    ``given`` fields (dates and datetimes adapted by the backend) and every other
    column gets its default, computed once.
    """

    def __init__(self, model: Any, given: tuple[str, ...]) -> None:
        meta = model._meta
        self.model = model
        # The primary key is generated unless the loader gives it (ids from ``reserve_ids``).
        fields = [f for f in meta.concrete_fields if not f.primary_key or f.attname in given]
        by_name = {f.attname: f for f in fields}
        unknown = [name for name in given if name not in by_name]
        if unknown:
            raise ValueError(f"{meta.label} has no column(s) {', '.join(unknown)}")
        self.given = given
        self.rest = [f for f in fields if f.attname not in given]
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection)
                              for f in self.rest)
        ops = connection.ops
        self.adapters: list[tuple[int, Callable[[Any], Any]]] = []
        for index, name in enumerate(given):
            internal = by_name[name].get_internal_type()
            if internal == "DateTimeField":
                self.adapters.append((index, ops.adapt_datetimefield_value))
            elif internal == "DateField":
                self.adapters.append((index, ops.adapt_datefield_value))
        columns = [by_name[name].column for name in given] + [f.column for f in self.rest]
        # Only quoted names from model metadata go into the text; values are bound.
        table = ops.quote_name(meta.db_table)
        names = ", ".join(ops.quote_name(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        self.sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({names}) FROM STDIN"
        # insert_new: SQLite skips conflicting rows itself; PostgreSQL copies into a
        # session-local staging table first, then moves what is new.
        self.ignore_sql = f"{self.sql} ON CONFLICT DO NOTHING"
        staging = ops.quote_name(f"bulk_new_{meta.db_table}")
        self.staging_sql = (f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS "  # noqa: S608
                            f"SELECT {names} FROM {table} WITH NO DATA")
        self.staging_truncate_sql = f"TRUNCATE {staging}"
        self.staging_copy_sql = f"COPY {staging} ({names}) FROM STDIN"
        self.staging_move_sql = (f"INSERT INTO {table} ({names}) "  # noqa: S608
                                 f"SELECT {names} FROM {staging} ON CONFLICT DO NOTHING")

    def _params(self, rows: Sequence[Sequence[Any]], prepared: bool) -> Sequence[Sequence[Any]]:
        if prepared or not self.adapters:
            if not self.defaults:
                return rows
            defaults = self.defaults
            return [tuple(row) + defaults for row in rows]
        params: list[tuple[Any, ...]] = []
        adapted: dict[Any, Any] = {}  # rows of one batch repeat instants (``now``)
        for row in rows:
            values = list(row)
            for index, adapt in self.adapters:
                value = values[index]
                if value is not None:
                    if value not in adapted:
                        adapted[value] = adapt(value)
                    values[index] = adapted[value]
            params.append(tuple(values) + self.defaults)
        return params

    def insert(self, rows: list[tuple[Any, ...]], *, prepared: bool = False) -> None:
        """Insert ``rows``; with ``prepared`` see ``insert_new``."""
        if not rows:
            return
        params = self._params(rows, prepared)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            if connection.vendor == "postgresql" and hasattr(raw, "copy"):
                # psycopg 3: COPY is several times faster than any INSERT.
                with connection.wrap_database_errors, raw.copy(self.copy_sql) as copy:
                    for record in params:
                        copy.write_row(record)
            else:
                cursor.executemany(self.sql, params)

    def reserve_ids(self, count: int) -> list[int]:
        """``count`` primary keys nobody else will use, for rows that must know their ids
        before they are written (rows referring to each other, codes made from the id).

        PostgreSQL draws them from the table's sequence; SQLite moves the table's
        ``AUTOINCREMENT`` counter past them (the caller's transaction holds the write
        lock). Call inside a transaction.
        """
        if count <= 0:
            return []
        meta = self.model._meta
        table = meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                               "FROM generate_series(1, %s)", [table, meta.pk.column, count])
                return [row[0] for row in cursor.fetchall()]
            quoted = connection.ops.quote_name(table)
            pk = connection.ops.quote_name(meta.pk.column)
            cursor.execute(f"SELECT MAX({pk}) FROM {quoted}")  # noqa: S608 (names are ours)
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            first = max(highest, row[0] if row else 0) + 1
            last = first + count - 1
            if row:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s",
                               [last, table])
            else:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                               [table, last])
        return list(range(first, last + 1))

    def _write(self, params: Sequence[Sequence[Any]]) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor
            if connection.vendor == "postgresql" and hasattr(raw, "copy"):
                with connection.wrap_database_errors, raw.copy(self.copy_sql) as copy:
                    for record in params:
                        copy.write_row(record)
            else:
                cursor.executemany(self.sql, params)

    def insert_new(self, rows: Sequence[Sequence[Any]], *, prepared: bool = False,
                   optimistic: bool = False) -> int:
        """Insert ``rows`` except those a unique constraint already holds; return how many
        were added (rows repeated within ``rows`` count once).

        With ``prepared`` the rows already hold what the columns take (datetimes as
        ``InstantText`` gives them, dates as ``YYYY-MM-DD``) and are not adapted again.
        With ``optimistic`` (the caller expects the rows to be new) they are first
        written straight in, which is cheaper on PostgreSQL (``COPY`` into the table);
        should a unique constraint object, nothing of that attempt stays and the rows
        go the careful way.
        """
        if not rows:
            return 0
        params = self._params(rows, prepared)
        if optimistic:
            try:
                with transaction.atomic():
                    self._write(params)
                return len(params)
            except IntegrityError:
                pass
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            if connection.vendor == "postgresql" and hasattr(raw, "copy"):
                cursor.execute(self.staging_sql)
                cursor.execute(self.staging_truncate_sql)
                with connection.wrap_database_errors, raw.copy(self.staging_copy_sql) as copy:
                    for record in params:
                        copy.write_row(record)
                cursor.execute(self.staging_move_sql)
                return max(cursor.rowcount, 0)
            cursor.executemany(self.ignore_sql, params)
            return max(cursor.rowcount, 0)

    def ids(self, key: str, values: list[str]) -> dict[str, int]:
        """Generated primary keys of freshly inserted rows, by a unique column."""
        found: dict[str, int] = {}
        for start in range(0, len(values), _READ_BACK_CHUNK):
            chunk = values[start:start + _READ_BACK_CHUNK]
            found.update(self.model._default_manager.filter(**{f"{key}__in": chunk})
                         .values_list(key, "pk"))
        return found


def _sqlite_instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(" ")[:-6]  # what Django writes, less "+00:00"


def _as_is(value: dt.datetime) -> dt.datetime:
    return value


def instant_column() -> Callable[[dt.datetime], Any]:
    """How a ``prepared`` row holds an aware datetime on this connection: as it is for
    PostgreSQL (psycopg writes it), UTC text for SQLite (``YYYY-MM-DD HH:MM:SS[.ffffff]``,
    as Django stores it)."""
    return _as_is if connection.vendor == "postgresql" else _sqlite_instant


def values_subquery(values: Iterable[Any]) -> RawSQL:
    """``values`` (strings or integers) as a one-parameter subquery for ``field__in=``:
    thousands of values would otherwise make thousands of placeholders to bind."""
    values = list(values)
    if connection.vendor == "postgresql":
        kind = "bigint" if values and all(isinstance(v, int) for v in values) else "text"
        return RawSQL(f"SELECT unnest(%s::{kind}[])", [values])  # noqa: S611 (kind is ours)
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])


_SECONDS = tuple(f"{second:02d}" for second in range(60))
_MINUTES_CACHED = 50_000


class InstantText:
    """Unix epoch seconds → the text this connection's datetime columns take.

    SQLite stores UTC as ``YYYY-MM-DD HH:MM:SS[.ffffff]`` (what Django writes);
    PostgreSQL reads the same with ``+00:00`` appended. Minutes are cached (a
    bounded cache), so a loader pays a dictionary lookup per timestamp. ``vendor``
    (``connection.vendor`` by default) lets a process without a connection, e.g.
    a worker preparing rows, produce the text.
    """

    def __init__(self, vendor: str | None = None) -> None:
        suffix = "+00:00" if (vendor or connection.vendor) == "postgresql" else ""
        self._seconds = tuple(f"{s}{suffix}" for s in _SECONDS)
        self._suffix = suffix
        self._minutes: dict[int, str] = {}

    def _minute(self, minute: int) -> str:
        if len(self._minutes) >= _MINUTES_CACHED:
            self._minutes.clear()
        text = dt.datetime.fromtimestamp(minute * 60, dt.UTC).strftime("%Y-%m-%d %H:%M:")
        self._minutes[minute] = text
        return text

    def __call__(self, epoch: float) -> str:
        if epoch.__class__ is int:
            minute, second = divmod(int(epoch), 60)
            prefix = self._minutes.get(minute) or self._minute(minute)
            return prefix + self._seconds[second]
        whole = int(epoch // 1)
        micro = round((epoch - whole) * 1_000_000)
        if micro >= 1_000_000:
            whole, micro = whole + 1, 0
        minute, second = divmod(whole, 60)
        prefix = self._minutes.get(minute) or self._minute(minute)
        if micro == 0:
            return prefix + self._seconds[second]
        return f"{prefix}{_SECONDS[second]}.{micro:06d}{self._suffix}"
