"""Benchmark: the half-year indicator report against one plain scan of its tables.

    uv run python bench/report.py                       # 5,000,000 work orders, 20,000,000
                                                        # calls, 500,000 complaints
    uv run python bench/report.py --database-url postgres://postgres@127.0.0.1/bench
    uv run python bench/report.py --ci                  # 20,000 / 50,000 / 2,000, quick

Without ``--database-url`` (or ``DATABASE_URL``) the data goes into a throwaway
SQLite file in a temporary directory. A database given must hold no other
operator's records: the bench loads its own operator and removes it afterwards
(``--keep`` leaves it; a throwaway database is simply deleted).

What is loaded (``core.bulk.BulkTable``: COPY on PostgreSQL), spread evenly
over 2025 (the report's half-year 2025H2 and the previous half-year it is
compared with, so the report reads every row):

- N finished work orders as their SLA clocks (installs, repairs, mobile
  changes and reconnections of fixed, broadband and mobile lines in 110
  counties). The indicators read the clocks only, so no ``WorkOrder`` rows are
  written (they would not change the figures or the time);
- calls hotline calls in 7 queues (answered, abandoned, timeouts);
- complaints replied complaints with their reply clocks, and a survey answer
  for 70 % of them;
- busy-hour counters of 330 cells for every day, and monthly billing counts.

Then, in the same run, it counts the daily totals of the loaded year (what the
clock process's ``quality.refresh_totals`` does one day at a time; loaded in bulk,
the rows went around the services, so they are counted in one go, then analysed as
autovacuum would on a live database), times
``indicator_report(period=2025H2)`` with every breakdown and the monthly trend —
read from the totals (every day of 2025 is closed on 10 January 2026), and once
from every row for comparison, checking that both give the same report — and
``SELECT count(*)`` over each table the report's rows live in (the plain
sequential scan: the sum over the tables), and prints the times (the report's also
as CPU time of this process, which a busy machine inflates less), the ratio of the
report to the scans (target: at most 1) and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

TARGET_RATIO = 1.0
CHUNK = 50_000
YEAR_START = 1735660800  # 2025-01-01 00:00 Asia/Shanghai, as Unix seconds
YEAR_SECONDS = 365 * 86400
LOCAL_OFFSET = 8 * 3600  # Asia/Shanghai (no daylight saving)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="",
                        help="the database to fill (default: DATABASE_URL, else a throwaway "
                             "SQLite file)")
    parser.add_argument("--work-orders", type=int, default=5_000_000)
    parser.add_argument("--calls", type=int, default=20_000_000)
    parser.add_argument("--complaints", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="leave the loaded rows in place")
    parser.add_argument("--profile", default="", metavar="SORT",
                        help="print a profile of the report sorted by SORT (e.g. tottime)")
    parser.add_argument("--ci", action="store_true",
                        help="a small run (20,000 / 50,000 / 2,000) so the bench never rots")
    args = parser.parse_args()
    if args.ci:
        args.work_orders, args.calls, args.complaints = 20_000, 50_000, 2_000
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    tmp: Path | None = None
    if not os.environ.get("DATABASE_URL"):
        tmp = Path(tempfile.mkdtemp(prefix="telcodesk-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    if not os.environ.get("TELCODESK_VAR_DIR"):
        tmp = tmp or Path(tempfile.mkdtemp(prefix="telcodesk-bench-"))
        os.environ["TELCODESK_VAR_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telcodesk.settings")
    os.environ.setdefault("TELCODESK_LOG_LEVEL", "WARNING")
    try:
        return run(args, throwaway=tmp is not None and "bench.sqlite3" in os.environ[
            "DATABASE_URL"])
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def chunks(rows: Iterator[tuple[Any, ...]], size: int = CHUNK) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def load(table: Any, rows: Iterator[tuple[Any, ...]]) -> int:
    """Write rows whose values are already what the columns take (instants as text):
    COPY on PostgreSQL, ``executemany`` on SQLite, through the table's statements."""
    from django.db import connection, transaction

    count = 0
    for chunk in chunks(rows):
        params = [row + table.defaults for row in chunk] if table.defaults else chunk
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            if connection.vendor == "postgresql" and hasattr(raw, "copy"):
                with raw.copy(table.copy_sql) as copy:
                    for record in params:
                        copy.write_row(record)
            else:
                cursor.executemany(table.sql, params)
        count += len(chunk)
    return count


def run(args: argparse.Namespace, *, throwaway: bool) -> int:
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from telcodesk.care.models import (
        CallLogSource,
        Complaint,
        HotlineCall,
        HotlineQueue,
        SkillGroup,
        SurveyAnswer,
    )
    from telcodesk.core.bulk import BulkTable, InstantText
    from telcodesk.core.clock import operator_zone
    from telcodesk.core.models import OrgUnit
    from telcodesk.core.roles import Role
    from telcodesk.core.services import do_create_org_unit, do_create_staff
    from telcodesk.quality.indicators.compute import indicator_report
    from telcodesk.quality.indicators.periods import parse_period
    from telcodesk.quality.models import (
        BillingErrorCount,
        DailyCallTotal,
        DailyClockTotal,
        DailySurveyTotal,
        NetworkCell,
        NetworkCounter,
        NetworkImport,
    )
    from telcodesk.quality.services.totals import do_rebuild_totals
    from telcodesk.sla.models import SlaClock
    from telcodesk.sla.selectors import standard_in_force

    call_command("migrate", interactive=False, verbosity=0)
    engine = connection.vendor
    if engine == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    rng = random.Random(args.seed)
    zone = operator_zone()
    now = dt.datetime(2026, 1, 10, 9, tzinfo=zone)
    tag = f"rb{int(time.time()) % 100_000_000}"
    instant = InstantText()

    # --- the operator: 11 cities of 10 counties each ------------------------------------
    op = do_create_org_unit(code=f"{tag}-op", name="基准电信", kind="operator", parent=None)
    province = do_create_org_unit(code=f"{tag}-sx", name="省分公司", kind="province",
                                  parent=op)
    counties: list[OrgUnit] = []
    for c in range(11):
        city = do_create_org_unit(code=f"{tag}-c{c:02d}", name=f"城市{c}", kind="city",
                                  parent=province)
        for k in range(10):
            counties.append(do_create_org_unit(
                code=f"{tag}-c{c:02d}-{k}", name=f"区县{c}-{k}", kind="county", parent=city,
                area="urban" if k < 6 else "rural"))
    by_area = {area: [u.pk for u in counties if u.area == area] for area in ("urban", "rural")}
    handler = do_create_staff(now=now, username=f"{tag}-handler", password=None,
                              org_unit=province, roles=[Role.COMPLAINT_HANDLER])

    # --- clocks of finished work orders ---------------------------------------------------
    # (service, kind, weight, typical counted duration as a share of the limit)
    mix = [("fixed", "install", 6), ("fixed", "move", 2), ("fixed", "repair", 10),
           ("broadband", "install", 10), ("broadband", "repair", 17),
           ("mobile", "change", 35), ("mobile", "reconnection", 12), ("mobile", "repair", 8)]
    profiles = []
    for service, kind, weight in mix:
        for area in ("urban", "rural"):
            standard = standard_in_force(service=service, kind=kind, area=area,
                                         tier="ordinary", at=now)
            limit = standard.limit_value
            profiles += [(standard.pk, str(limit), standard.limit_unit, service, kind, area,
                          int(limit * 10_000),
                          86400 if standard.limit_unit == "working_days" else 3600)] * weight
    # Ordinary-tier clocks: the regulator's limit they are judged against is their own.
    clock_fields = ("standard_id", "limit_value", "limit_unit", "service", "kind", "area", "tier",
                    "org_unit_id", "subject_label", "accepted_at", "due_at", "warn_at",
                    "stopped_at", "state", "counted_duration", "timely", "breached",
                    "request_types", "indicator_standard_id", "indicator_limit_value",
                    "indicator_limit_unit", "indicator_duration", "indicator_timely")
    requested = {"change": ("name_change", "transfer", "suspension", "package_change"),
                 "reconnection": ("reconnection",)}
    clocks = BulkTable(SlaClock, clock_fields)

    def clock_rows() -> Iterator[tuple[Any, ...]]:
        pick, county_of, span = rng.choice, rng.choice, rng.randrange
        for i in range(args.work_orders):
            standard_id, limit, unit, service, kind, area, limit_q, seconds = pick(profiles)
            stopped = YEAR_START + span(YEAR_SECONDS)
            counted_q = span(limit_q * 13 // 10)  # up to 1.3 × the limit: some are late
            took = counted_q * seconds // 10_000
            accepted = stopped - took
            limit_seconds = limit_q * seconds // 10_000
            timely = counted_q <= limit_q
            counted = f"{counted_q // 10_000}.{counted_q % 10_000:04d}"
            yield (standard_id, limit, unit, service, kind, area, "ordinary",
                   county_of(by_area[area]), f"{tag}W{i:010d}", instant(accepted),
                   instant(accepted + limit_seconds), instant(accepted + limit_seconds * 4 // 5),
                   instant(stopped), "stopped", counted, timely, not timely,
                   pick(requested.get(kind, (kind,))), standard_id, limit, unit, counted, timely)

    print(f"database: {engine}; loading {args.work_orders:,} finished work-order clocks, "
          f"{args.complaints:,} complaints, {args.calls:,} calls …", flush=True)
    started = time.perf_counter()
    load(clocks, clock_rows())
    print(f"  clocks       {time.perf_counter() - started:8.1f} s", flush=True)

    # --- complaints: reply clocks, complaints, survey answers ------------------------------
    mark = time.perf_counter()
    reply = standard_in_force(service="any", kind="complaint_reply", area="any", tier="any",
                              at=now)
    reply_clocks = BulkTable(SlaClock, ("id", *clock_fields))
    complaints_table = BulkTable(Complaint, (
        "id", "code", "channel", "category", "state", "summary", "org_unit_id", "area",
        "owner_id", "handler_id", "received_at", "replied_at", "reply_clock_id", "updated_at",
        "satisfaction", "satisfaction_at"))
    answers_table = BulkTable(SurveyAnswer, ("complaint_id", "received_at", "channel",
                                             "raw_text", "value", "status"))
    from django.db import transaction

    with transaction.atomic():
        clock_ids = reply_clocks.reserve_ids(args.complaints)
        complaint_ids = complaints_table.reserve_ids(args.complaints)
    answers = ("satisfied", "satisfied", "satisfied", "fairly_satisfied", "dissatisfied")
    plan = []
    for _ in range(args.complaints):
        area = "urban" if rng.random() < 0.6 else "rural"
        replied = YEAR_START + rng.randrange(YEAR_SECONDS)
        hours_q = rng.randrange(10_000, 72 * 10_000)  # 1 h … 72 h
        answer = rng.choice(answers) if rng.random() < 0.7 else ""
        plan.append((area, rng.choice(by_area[area]), replied, hours_q, answer))
    limit_q = int(reply.limit_value * 10_000)

    def reply_rows() -> Iterator[tuple[Any, ...]]:
        for n, (area, unit, replied, hours_q, _answer) in enumerate(plan):
            received = replied - hours_q * 3600 // 10_000
            timely = hours_q <= limit_q
            yield (clock_ids[n], reply.pk, str(reply.limit_value), "hours", "any",
                   "complaint_reply", area, "ordinary", unit, f"{tag}K{n:09d} reply",
                   instant(received), instant(received + 48 * 3600),
                   instant(received + 38 * 3600), instant(replied), "stopped",
                   f"{hours_q // 10_000}.{hours_q % 10_000:04d}", timely, not timely,
                   "complaint_reply", reply.pk, str(reply.limit_value), "hours",
                   f"{hours_q // 10_000}.{hours_q % 10_000:04d}", timely)

    def complaint_rows() -> Iterator[tuple[Any, ...]]:
        for n, (area, unit, replied, hours_q, answer) in enumerate(plan):
            received = replied - hours_q * 3600 // 10_000
            answered = instant(replied + 7200) if answer else None
            yield (complaint_ids[n], f"{tag}K{n:09d}", "hotline", "billing",
                   "closed" if answer else "replied", "话费疑问", unit, area, handler.pk,
                   handler.pk, instant(received), instant(replied), clock_ids[n],
                   instant(replied), answer, answered)

    def answer_rows() -> Iterator[tuple[Any, ...]]:
        for n, (_area, _unit, replied, _hours_q, answer) in enumerate(plan):
            if answer:
                yield (complaint_ids[n], instant(replied + 7200), "sms", "1", answer,
                       "accepted")

    load(reply_clocks, reply_rows())
    load(complaints_table, complaint_rows())
    answered = load(answers_table, answer_rows())
    print(f"  complaints   {time.perf_counter() - mark:8.1f} s ({answered:,} survey answers)",
          flush=True)

    # --- hotline calls -------------------------------------------------------------------
    mark = time.perf_counter()
    source = CallLogSource.objects.create(path=f"/bench/{tag}/queue_log",
                                          fmt="asterisk-queue-log", created_at=now,
                                          updated_at=now)
    queue_ids = []
    for q, seconds in enumerate((15, 15, 15, 20, 10, 15)):
        group = SkillGroup.objects.create(code=f"{tag}-g{q}", name_zh=f"技能组{q}",
                                          name_en=f"Group {q}", service_level_seconds=seconds)
        queue_ids.append(HotlineQueue.objects.create(name=f"{tag}-q{q}",
                                                     skill_group=group).pk)
    queue_ids.append(HotlineQueue.objects.create(name=f"{tag}-unmapped").pk)
    call_table = BulkTable(HotlineCall, ("source_id", "call_ref", "queue_id", "entered_at",
                                         "entered_date", "entered_hour", "outcome",
                                         "wait_seconds"))
    days = [(dt.date(2025, 1, 1) + dt.timedelta(days=d)).isoformat() for d in range(366)]
    outcomes = ["answered"] * 86 + ["abandoned"] * 11 + ["timeout"] * 3
    step = YEAR_SECONDS / max(args.calls, 1)

    def call_rows() -> Iterator[tuple[Any, ...]]:
        pick, span = rng.choice, rng.randrange
        for i in range(args.calls):
            entered = YEAR_START + int(i * step)  # in time order, as a log is read
            local = entered - YEAR_START
            yield (source.pk, f"{i:011d}", pick(queue_ids), instant(entered),
                   days[local // 86400], local % 86400 // 3600, pick(outcomes), span(40))

    load(call_table, call_rows())
    print(f"  calls        {time.perf_counter() - mark:8.1f} s", flush=True)

    # --- busy-hour counters and billing counts ----------------------------------------------
    mark = time.perf_counter()
    run_row = NetworkImport.objects.create(file_name="bench.csv", sha256="0" * 64,
                                           imported_at=now)
    cells = [NetworkCell.objects.create(code=f"{tag}-cell-{u}-{j}", org_unit_id=u).pk
             for u in by_area["urban"] + by_area["rural"] for j in range(3)]
    counter_table = BulkTable(NetworkCounter, (
        "cell_id", "day", "busy_hour", "call_attempts", "answered", "called_busy", "no_answer",
        "unreachable", "tch_requests", "tch_failures_no_channel", "connected_calls",
        "dropped_calls", "source_id"))

    def counter_rows() -> Iterator[tuple[Any, ...]]:
        for day in days[:365]:
            for cell in cells:
                attempts = rng.randrange(800, 1200)
                answered = attempts * 90 // 100
                yield (cell, day, 20, attempts, answered, attempts * 4 // 100,
                       attempts * 3 // 100, attempts // 100, attempts, rng.randrange(0, 8),
                       answered, rng.randrange(0, 9), run_row.pk)

    counters = load(counter_table, counter_rows())
    billing_ids = [BillingErrorCount.objects.create(
        month=dt.date(2025, month, 1), org_unit=province, erroneous_records=rng.randrange(20, 80),
        all_records=1_000_000, source="entered", entered_at=now).pk for month in range(1, 13)]
    print(f"  counters     {time.perf_counter() - mark:8.1f} s ({counters:,} cell-days)",
          flush=True)
    loaded = time.perf_counter() - started

    tables = [SlaClock, HotlineCall, Complaint, SurveyAnswer, NetworkCounter, BillingErrorCount]
    with connection.cursor() as cursor:
        if engine == "postgresql":
            for model in tables:
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        else:
            cursor.execute("ANALYZE")

    period = parse_period("2025H2")
    mark = time.perf_counter()
    counted = do_rebuild_totals(now=now)
    totals_seconds = time.perf_counter() - mark
    # The totals were just written in bulk: give the planner their statistics, as the
    # raw tables got theirs above (a live database's autovacuum keeps them).
    with connection.cursor() as cursor:
        for model in (DailyClockTotal, DailySurveyTotal, DailyCallTotal):
            table_name = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"{'VACUUM ' if engine == 'postgresql' else ''}ANALYZE {table_name}")

    def report(totals: bool = True) -> Any:
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            result = profiler.runcall(indicator_report, period=period, unit_code=op.code,
                                      breakdowns=True, months=True, totals=totals)
            pstats.Stats(profiler).sort_stats(args.profile).print_stats(30)
            return result
        return indicator_report(period=period, unit_code=op.code, breakdowns=True, months=True,
                                totals=totals)

    def scans() -> dict[str, float]:
        """``count(*)`` of each table as a plain sequential scan of the table itself
        (PostgreSQL would otherwise count a small index; SQLite its smallest b-tree)."""
        found = {}
        with transaction.atomic(), connection.cursor() as cursor:
            if engine == "postgresql":
                cursor.execute("SET LOCAL enable_indexscan = off")
                cursor.execute("SET LOCAL enable_indexonlyscan = off")
                cursor.execute("SET LOCAL enable_bitmapscan = off")
            hint = " NOT INDEXED" if engine == "sqlite" else ""
            for model in tables:
                table = connection.ops.quote_name(model._meta.db_table)
                mark = time.perf_counter()
                cursor.execute(f"SELECT count(*) FROM {table}{hint}")
                cursor.fetchone()
                found[model._meta.db_table] = time.perf_counter() - mark
        return found

    def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
        """Wall time, this process's CPU time (the database's own work excluded on
        PostgreSQL), and the result."""
        mark, cpu = time.perf_counter(), time.process_time()
        result = fn()
        return time.perf_counter() - mark, time.process_time() - cpu, result

    scans()  # warm the cache the same way for both
    runs = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            seconds, cpu, built = timed(report)
        scan = scans()
        runs.append((seconds, cpu, len(queries), scan))
    best_report = min(r[0] for r in runs)
    rows_seconds, _, from_rows = timed(lambda: report(totals=False))
    same = from_rows == built
    best_scan = {name: min(r[3][name] for r in runs) for name in runs[0][3]}
    scan_total = sum(best_scan.values())
    with connection.cursor() as cursor:
        rows = {}
        for model in tables:
            table_name = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT count(*) FROM {table_name}")
            rows[model._meta.db_table] = cursor.fetchone()[0]


    ratio = best_report / scan_total if scan_total else float("inf")
    table = built.table
    print()
    print(f"data                {args.work_orders:,} finished work orders (clocks), "
          f"{args.calls:,} hotline calls, {args.complaints:,} complaints; loaded in "
          f"{loaded:.1f} s")
    print(f"database            {_engine(connection)}")
    print(f"report              2025H2: {len(table.rows)} indicators × (operator, "
          f"{len(built.cities)} cities, {len(built.counties)} counties, {len(built.areas)} areas, "
          f"{len(built.months)} months), with the previous half-year")
    print(f"daily totals        counted in {totals_seconds:.1f} s ({counted})")
    for n, (seconds, cpu, queries, scan) in enumerate(runs, start=1):
        print(f"  run {n}: report {seconds:7.2f} s ({queries} queries, {cpu:.2f} s CPU in "
              f"this process); count(*) scans "
              f"{sum(scan.values()):7.2f} s (sequential)")
    print("seq. scan per table " + "; ".join(
        f"{name} {rows[name]:,} rows {best_scan[name]:.2f} s" for name in best_scan))
    print(f"report (best)       {best_report:.2f} s (from the daily totals)")
    print(f"report from rows    {rows_seconds:.2f} s (every row, ratio "
          f"{rows_seconds / scan_total if scan_total else float('inf'):.2f}); same report: "
          f"{'yes' if same else 'NO'}")
    print(f"scans (best, sum)   {scan_total:.2f} s (count(*), one sequential scan per table)")
    print(f"ratio               {ratio:.2f} (target ≤ {TARGET_RATIO:g}: "
          f"{'met' if ratio <= TARGET_RATIO else 'MISSED'})")
    sample = table.get("fixed_repair_timely").figure
    print(f"check               fixed repairs on time {sample.value:.2f}% of "
          f"{sample.records:,} finished")
    print(f"python              {platform.python_implementation()} {platform.python_version()}")
    print(f"machine             {platform.machine()}, {os.cpu_count()} cores, "
          f"{platform.system()} {platform.release()}")
    if not (args.keep or throwaway):
        cleanup(tag, op, source, run_row, billing_ids)
    return 0 if same else 1


def _engine(connection: Any) -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version} ({connection.settings_dict['NAME']})"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        return cursor.fetchone()[0].split(",")[0]


def cleanup(tag: str, op: Any, source: Any, run_row: Any, billing_ids: list[int]) -> None:
    """Remove the bench's rows (raw deletes: no objects are collected)."""
    from django.db import connection

    from telcodesk.care.models import (
        CallLogSource,
        Complaint,
        HotlineCall,
        HotlineQueue,
        SkillGroup,
        SurveyAnswer,
    )
    from telcodesk.core.models import OrgUnit, User
    from telcodesk.quality.models import (
        BillingErrorCount,
        DailyCallTotal,
        DailyClockTotal,
        DailySurveyTotal,
        NetworkCell,
        NetworkCounter,
        NetworkImport,
        TotalsChange,
        TotalsState,
    )
    from telcodesk.sla.models import SlaClock

    alias = connection.alias
    # The totals counted the bench's rows: drop them (the next refresh counts again).
    for model in (DailyClockTotal, DailySurveyTotal, DailyCallTotal, TotalsChange, TotalsState):
        model.objects.all()._raw_delete(alias)
    units = OrgUnit.objects.filter(path__startswith=op.path)
    SurveyAnswer.objects.filter(complaint__org_unit__in=units)._raw_delete(alias)
    Complaint.objects.filter(org_unit__in=units)._raw_delete(alias)
    SlaClock.objects.filter(org_unit__in=units)._raw_delete(alias)
    HotlineCall.objects.filter(source=source)._raw_delete(alias)
    HotlineQueue.objects.filter(name__startswith=f"{tag}-").delete()
    SkillGroup.objects.filter(code__startswith=f"{tag}-").delete()
    CallLogSource.objects.filter(pk=source.pk).delete()
    NetworkCounter.objects.filter(source=run_row)._raw_delete(alias)
    NetworkCell.objects.filter(code__startswith=f"{tag}-").delete()
    NetworkImport.objects.filter(pk=run_row.pk).delete()
    BillingErrorCount.objects.filter(pk__in=billing_ids).delete()
    User.objects.filter(username__startswith=f"{tag}-").delete()
    for unit in sorted(units, key=lambda u: -len(u.path)):
        OrgUnit.objects.filter(pk=unit.pk).delete()


if __name__ == "__main__":
    sys.exit(main())
