"""Benchmark: build the demo operator and print how long it took.

    uv run python bench/demo_build.py --subscribers 100000

Without ``DATABASE_URL`` the build goes into a throwaway SQLite file in a
temporary directory (removed afterwards). With ``DATABASE_URL`` set it builds into
that database, which must be empty of customers: the builder refuses otherwise.
Migrations run first. Prints elapsed seconds (and the process's CPU seconds, a
steadier figure on a shared machine), rows per second, the data size and the
machine.

``--hash`` prints a digest of every table after the build, to check that a change
to the services builds the same data: pass the same ``--now`` to both builds (the
dates count back from it). Two columns differ between any two builds and are left
out: staff passwords (a random salt) and the call-log source's file path and
inode (a file in a temporary directory).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000,
                        help="customers to build (default 100000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--now", default="",
                        help="the build's instant, ISO 8601 with an offset (default: the clock)")
    parser.add_argument("--hash", action="store_true",
                        help="print a digest of every table after the build")
    parser.add_argument("--ci", action="store_true",
                        help="a small quiet run (1000 customers) so the benchmark never rots")
    args = parser.parse_args()
    if args.ci:
        args.subscribers, args.quiet = 1000, True

    tmp: Path | None = None
    if not os.environ.get("DATABASE_URL"):
        tmp = Path(tempfile.mkdtemp(prefix="telcodesk-bench-"))
        os.environ["TELCODESK_VAR_DIR"] = str(tmp)
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telcodesk.settings")
    os.environ.setdefault("TELCODESK_LOG_LEVEL", "WARNING")
    try:
        return run(args)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from telcodesk.core.clock import now
    from telcodesk.core.errors import DomainError
    from telcodesk.demo.builder import build_demo

    call_command("migrate", verbosity=0)
    last = {"step": ""}

    def progress(step: str, done: int, total: int) -> None:
        if args.quiet:
            return
        if step != last["step"] or done == total or done % 20_000 < 2000:
            print(f"  {step:<13} {done:>9,}/{total:,}", file=sys.stderr)
            last["step"] = step

    import datetime as dt

    at = dt.datetime.fromisoformat(args.now) if args.now else now()
    if at.tzinfo is None:
        print("demo_build: error: --now needs an offset (e.g. +08:00)", file=sys.stderr)
        return 2
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        summary = build_demo(now=at, subscribers=args.subscribers, seed=args.seed,
                             progress=progress)
    except DomainError as exc:
        print(f"demo_build: error: {exc.message}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started  # SQLite's work included; PostgreSQL's not

    vendor = connection.vendor
    if vendor == "sqlite":
        db_file = Path(connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db_file.stat().st_size
        engine = f"SQLite {connection.Database.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database()), version()")
            size, version = cursor.fetchone()
        engine = version.split(",")[0]

    rows = summary.total_rows
    print(f"demo operator: {args.subscribers:,} customers, seed {args.seed}")
    for table, count in summary.counts().items():
        print(f"  {table:<13} {count:>9,}")
    print(f"rows written:  {rows:,}")
    print(f"activity:      {summary.messages:,} SMS, {summary.requests:,} orders and work "
          f"orders, {summary.hotline_calls:,} hotline calls, {summary.complaints:,} complaints, "
          f"{summary.network_rows:,} cell-days")
    print(f"elapsed:       {elapsed:.2f} s ({cpu:.2f} s of this process's CPU)")
    print(f"rate:          {rows / elapsed:,.0f} rows/s, "
          f"{summary.customers / elapsed:,.0f} customers/s")
    print(f"database:      {engine}, {size / 1024 / 1024:,.1f} MiB")
    print(f"python:        {platform.python_implementation()} {platform.python_version()}")
    print(f"machine:       {platform.platform()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs")
    if args.hash:
        for table, (rows_in, digest) in table_digests().items():
            print(f"  {table:<40} {rows_in:>9,}  {digest}")
    return 0


# Columns that differ between two builds of the same seed and instant.
UNSTABLE_COLUMNS = {("core_user", "password"), ("care_calllogsource", "path"),
                    ("care_calllogsource", "inode")}


def table_digests() -> dict[str, tuple[int, str]]:
    """Rows and a SHA-256 prefix of every table of the project, rows in primary-key order."""
    import hashlib

    from django.apps import apps
    from django.db import connection

    quote = connection.ops.quote_name
    digests: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for model in sorted(apps.get_models(include_auto_created=True),
                            key=lambda m: m._meta.db_table):
            table = model._meta.db_table
            columns = [f.column for f in model._meta.concrete_fields
                       if (table, f.column) not in UNSTABLE_COLUMNS]
            cursor.execute(f"SELECT {', '.join(quote(c) for c in columns)} "
                           f"FROM {quote(table)} ORDER BY {quote(model._meta.pk.column)}")
            digest, count = hashlib.sha256(), 0
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
                count += 1
            digests[table] = (count, digest.hexdigest()[:16])
    return digests


if __name__ == "__main__":
    raise SystemExit(main())
