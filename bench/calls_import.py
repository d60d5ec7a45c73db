"""Benchmark: import an Asterisk queue_log of N lines; lines per second and memory.

    uv run python bench/calls_import.py                      # 10,000,000 lines, SQLite
    uv run python bench/calls_import.py --database-url postgres://postgres@127.0.0.1/bench
    uv run python bench/calls_import.py --lines 1000000
    uv run python bench/calls_import.py --ci                 # 20,000 lines, quick

Writes a synthetic half-year of hotline traffic (``demo.hotline_traffic``,
streamed, so the generator's memory does not grow either) to a temporary file,
migrates a fresh database (a throwaway SQLite file, or ``--database-url`` /
``DATABASE_URL``: it must hold no hotline calls), runs ``calls import`` on it
(``do_import_call_log``, as the command does) and prints:

- lines per second (wall clock) and the CPU seconds of this process and of the
  child process that parses large files;
- the resident memory after a quarter, half, three quarters and all of the file,
  and the peak (``ru_maxrss``): flat figures mean memory does not grow with the
  file;
- the data size, the database and the machine.

It then imports the file again and checks that nothing is added.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET = 200_000  # lines per second
LINES_PER_CALL = 4.1  # what the generator writes on average (DID, entry, exit, …)
DAYS = 182


def rss_mib() -> float:
    """Resident memory of this process now (Linux /proc; else the peak so far)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return peak_mib(resource.RUSAGE_SELF)


def server_cpu(connection: Any) -> float | None:
    """CPU seconds of this connection's PostgreSQL server process, when it runs here."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_mib(who: int) -> float:
    peak = resource.getrusage(who).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000_000,
                        help="lines of queue_log (default 10,000,000)")
    parser.add_argument("--database-url", help="database to import into (default: "
                        "DATABASE_URL, else a temporary SQLite file)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--in-process", action="store_true",
                        help="parse in this process even for a large file")
    parser.add_argument("--ci", action="store_true",
                        help="a small run (20,000 lines) so the benchmark never rots")
    args = parser.parse_args()
    if args.ci:
        args.lines = 20_000

    tmp = Path(tempfile.mkdtemp(prefix="telcodesk-bench-"))
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("TELCODESK_VAR_DIR", str(tmp))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telcodesk.settings")
    os.environ.setdefault("TELCODESK_LOG_LEVEL", "WARNING")
    try:
        return run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from telcodesk.care.services.calls import do_import_call_log
    from telcodesk.core.clock import local, now
    from telcodesk.demo.hotline_traffic import write_queue_log

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM care_hotlinecall")
        if cursor.fetchone()[0]:
            print("the database already holds hotline calls; use an empty one",
                  file=sys.stderr)
            return 1

    log = tmp / "queue_log"
    at = now()
    # Half a year for a large file; fewer days for a small one (at least 2,000 calls a day).
    days = max(1, min(DAYS, int(args.lines / LINES_PER_CALL / 2000)))
    calls_per_day = args.lines / days / LINES_PER_CALL * 1.05
    start = dt.datetime.combine(local(at).date() - dt.timedelta(days=days), dt.time(0),
                                tzinfo=local(at).tzinfo)
    started = time.perf_counter()
    written = write_queue_log(log, start=start, days=days * 2, calls_per_day=calls_per_day,
                              seed=args.seed, max_lines=args.lines)
    generated = time.perf_counter() - started
    size = log.stat().st_size
    print(f"queue_log: {written:,} lines, {size / 2**20:,.1f} MiB, written in "
          f"{generated:.1f} s ({calls_per_day:,.0f} calls a day over {days} days)")

    marks = [size * k // 4 for k in (1, 2, 3)]
    memory: list[tuple[str, float]] = [("before", rss_mib())]

    def progress(position: int, lines: int) -> None:
        while marks and position >= marks[0]:
            marks.pop(0)
            memory.append((f"{4 - len(marks) - 1}/4", rss_mib()))

    server0 = server_cpu(connection)
    cpu0 = time.process_time()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = do_import_call_log(now=at, path=str(log), fmt="asterisk-queue-log",
                                progress=progress, in_child=False if args.in_process else None)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = (children.ru_utime - children0.ru_utime) + (children.ru_stime
                                                            - children0.ru_stime)
    memory.append(("4/4", rss_mib()))
    server = server_cpu(connection)

    again = do_import_call_log(now=at, path=str(log), fmt="asterisk-queue-log")
    rate = result.lines_read / elapsed
    if connection.vendor == "sqlite":
        engine = f"SQLite {connection.Database.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            engine = cursor.fetchone()[0].split(",")[0]
    print(f"imported: {result.lines_read:,} lines -> {result.calls_added:,} calls "
          f"({result.rejected_lines} rejected, {result.closed_without_exit} closed without "
          f"an exit line) in {elapsed:.1f} s")
    print(f"rate:     {rate:,.0f} lines/s, {result.calls_added / elapsed:,.0f} calls/s "
          f"(target {TARGET:,} lines/s: {'met' if rate >= TARGET else 'NOT met'})")
    backend = (f", {server - server0:.1f} s the database server process"
               if server is not None and server0 is not None else "")
    busiest = max(cpu, child_cpu, (server - server0) if server and server0 else 0.0)
    print(f"cpu:      {cpu:.1f} s this process, {child_cpu:.1f} s the parsing child{backend}; "
          f"with a CPU each: {result.lines_read / busiest:,.0f} lines/s")
    print("memory:   " + ", ".join(f"{label} {mib:,.0f} MiB" for label, mib in memory)
          + f"; peak {peak_mib(resource.RUSAGE_SELF):,.0f} MiB "
          f"(child peak {peak_mib(resource.RUSAGE_CHILDREN):,.0f} MiB)")
    print(f"again:    {again.lines_read:,} lines read, {again.calls_added:,} calls added")
    print(f"database: {engine}")
    print(f"machine:  {platform.platform()}, {os.cpu_count()} CPUs, "
          f"{platform.processor() or platform.machine()}; Python {platform.python_version()}")
    if again.calls_added or result.rejected_lines:
        print("error: the second import added calls or lines were rejected", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
