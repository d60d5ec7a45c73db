"""Benchmark: one clock pass over many open SLA clocks, and the cost of a due time.

    uv run python bench/sla_clock.py                  # 1,000,000 open clocks
    uv run python bench/sla_clock.py --clocks 200000
    uv run python bench/sla_clock.py --ci             # 20,000 clocks, quick

Migrates a throwaway SQLite database in a temporary directory, or uses
``DATABASE_URL`` when set (PostgreSQL recommended; it must be a database you can
fill: the bench adds N clocks and removes them afterwards). Then:

1. loads N open clocks (``core.bulk.BulkTable``: COPY on PostgreSQL) of which a
   fraction (default 0.1 %) has a breach due and as many a warning due;
2. times one clock pass (``sla.jobs.claim_deadlines``: find and claim every due
   breach and warning with the conditional UPDATE ... RETURNING, record the
   alerts and queue the SMS to one branch manager through ``do_notify_bulk``),
   then a second pass that finds nothing (the cost of looking);
   The pass's cost per due deadline (wall and CPU) is printed against its target;
3. times the due-time computation (µs per call) for a clock-hour limit and a
   working-day limit, without and with an excluded pause.

Prints the figures, N, the database engine, Python and the machine.
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

TARGET_SECONDS = 1.0  # a pass over a million open clocks on PostgreSQL
TARGET_PER_DUE_MS = 0.1  # claim, alert and queue the SMS of one due deadline


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clocks", type=int, default=1_000_000, help="N (default 1,000,000)")
    parser.add_argument("--due", type=float, default=0.001,
                        help="share of clocks with a breach due, and again with a warning "
                             "due (default 0.001)")
    parser.add_argument("--ci", action="store_true", help="a small run (20,000 clocks)")
    args = parser.parse_args()
    if args.ci:
        args.clocks = 20_000
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
    import datetime as dt
    from decimal import Decimal

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from telcodesk.core.bulk import BulkTable
    from telcodesk.core.calendar import load_calendar
    from telcodesk.core.clock import operator_zone
    from telcodesk.core.roles import Role
    from telcodesk.core.services import do_create_org_unit, do_create_staff
    from telcodesk.notify.models import OutboxMessage
    from telcodesk.sla import computation
    from telcodesk.sla.jobs import claim_deadlines
    from telcodesk.sla.models import SlaAlert, SlaClock, StaffAlertNumber
    from telcodesk.sla.selectors import standard_in_force

    call_command("migrate", interactive=False, verbosity=0)
    zone = operator_zone()
    now = dt.datetime(2025, 9, 30, 10, tzinfo=zone)
    engine = connection.vendor
    tag = f"bench{int(time.time())}"
    op = do_create_org_unit(code=f"{tag}-op", name="bench", kind="operator", parent=None)
    pv = do_create_org_unit(code=f"{tag}-pv", name="bench", kind="province", parent=op)
    city = do_create_org_unit(code=f"{tag}-ct", name="bench", kind="city", parent=pv)
    unit = do_create_org_unit(code=f"{tag}-co", name="bench", kind="county", parent=city,
                              area="urban")
    manager = do_create_staff(now=now, username=f"{tag}-mgr", password=None, org_unit=city,
                              roles=[Role.BRANCH_MANAGER])
    StaffAlertNumber.objects.create(staff=manager, number="+8613800000000")
    standard = standard_in_force(service="broadband", kind="repair", area="urban",
                                 tier="ordinary", at=now)

    n = args.clocks
    due_count = max(1, int(n * args.due))
    print(f"loading {n:,} open clocks ({due_count:,} breaches and {due_count:,} warnings due)"
          f" into {engine}…", flush=True)
    table = BulkTable(SlaClock, ("standard_id", "limit_value", "limit_unit", "warning_ratio",
                                 "service", "kind", "area", "tier", "org_unit_id",
                                 "subject_label", "accepted_at", "due_at", "warn_at", "state"))
    started = time.perf_counter()
    chunk: list[tuple[object, ...]] = []
    for i in range(n):
        if i < due_count:  # breach due
            accepted = now - dt.timedelta(hours=30, minutes=i % 600)
        elif i < 2 * due_count:  # warning due
            accepted = now - dt.timedelta(hours=20, minutes=i % 200)
        else:  # running, nothing due yet
            accepted = now - dt.timedelta(minutes=i % (18 * 60))
        due = accepted + dt.timedelta(hours=24)
        warn = accepted + dt.timedelta(hours=19, minutes=12)
        chunk.append((standard.pk, Decimal(24), "hours", Decimal("0.80"), "broadband",
                      "repair", "urban", "ordinary", unit.pk, f"BENCH{i:09d} repair",
                      accepted, due, warn, "running"))
        if len(chunk) == 50_000:
            table.insert(chunk)
            chunk = []
    table.insert(chunk)
    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SlaClock._meta.db_table}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"loaded in {time.perf_counter() - started:.1f} s", flush=True)

    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = claim_deadlines(now)
        first_pass = time.perf_counter() - started
        first_cpu = time.process_time() - cpu_started
        started = time.perf_counter()
        empty = claim_deadlines(now)
        idle_pass = time.perf_counter() - started
        sms = OutboxMessage.objects.filter(dedupe_key__startswith="sla:").count()
        alerts = SlaAlert.objects.filter(clock__org_unit=unit).count()

        cal = load_calendar()
        accepted = dt.datetime(2025, 9, 30, 10, tzinfo=zone)
        pause = [(accepted + dt.timedelta(hours=2), accepted + dt.timedelta(days=3))]
        figures = {}
        for label, unit_name, limit, pauses in [
            ("hours, no pause", "hours", 24, []),
            ("hours, one excluded pause", "hours", 24, pause),
            ("working days, no pause", "working_days", 3, []),
            ("working days, one excluded pause", "working_days", 3, pause),
        ]:
            calls = 2_000 if args.ci else 20_000
            started = time.perf_counter()
            for _ in range(calls):
                computation.deadlines(accepted_at=accepted, limit=limit, warning_ratio=0.8,
                                      unit=unit_name, pauses=pauses, cal=cal)
            figures[label] = (time.perf_counter() - started) / calls * 1e6
    finally:
        # The bench's rows only; a raw delete (the clocks have no pauses) avoids
        # collecting a million objects for the cascade.
        SlaAlert.objects.filter(clock__org_unit=unit).delete()
        OutboxMessage.objects.filter(dedupe_key__startswith="sla:", staff=manager).delete()
        SlaClock.objects.filter(org_unit=unit)._raw_delete(connection.alias)

    print()
    print(f"open clocks             {n:,}")
    print(f"database                {engine} {connection.settings_dict['NAME']}")
    print(f"clock pass (claim)      {first_pass * 1000:.1f} ms: {result}; "
          f"{alerts} alerts recorded, {sms} SMS queued (do_notify_bulk)")
    print(f"clock pass (nothing due) {idle_pass * 1000:.1f} ms: {empty}")
    due_total = 2 * due_count
    print(f"per due deadline        {first_pass * 1000 / due_total:.3f} ms "
          f"({first_cpu * 1000 / due_total:.3f} ms of this process's CPU; "
          f"target <= {TARGET_PER_DUE_MS:g} ms)")
    for label, micro in figures.items():
        print(f"due time, {label:<32} {micro:.1f} µs per call")
    print(f"python                  {platform.python_implementation()} "
          f"{platform.python_version()}")
    print(f"machine                 {platform.machine()}, {os.cpu_count()} cores, "
          f"{platform.system()} {platform.release()}")
    if engine == "postgresql" and n >= 1_000_000:
        verdict = "met" if first_pass < TARGET_SECONDS else "MISSED"
        print(f"target (< {TARGET_SECONDS:g} s per pass over 1,000,000 on PostgreSQL): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
