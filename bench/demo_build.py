"""Benchmark: build the demo operator and print how long it took.

    uv run python bench/demo_build.py --subscribers 100000

Without ``DATABASE_URL`` the build goes into a throwaway SQLite file in a
temporary directory (removed afterwards). With ``DATABASE_URL`` set it builds into
that database, which must be empty of customers: the builder refuses otherwise.
Migrations run first. Prints elapsed seconds (and the process's CPU seconds, a
steadier figure on a shared machine), rows per second, the data size and the
machine.
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

    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        summary = build_demo(now=now(), subscribers=args.subscribers, seed=args.seed,
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
