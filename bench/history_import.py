"""Benchmark: import finished historical requests in bulk (requests per second).

    uv run python bench/history_import.py                  # 100,000 requests
    uv run python bench/history_import.py --count 20000
    uv run python bench/history_import.py --ci             # 5,000 requests, quick

Migrates a throwaway SQLite database in a temporary directory, or uses
``DATABASE_URL`` when set (PostgreSQL: a database you can fill; the bench adds
its rows under its own org units and removes them afterwards). Then:

1. loads a small operator: two counties (urban, rural) and one customer per ten
   requests, each with a mobile line, a fixed line and a broadband access
   (``do_bulk_load_customers``);
2. generates N finished requests over the second half of 2025 (National Day
   inside): fixed and broadband installs (working-day limits) and repairs,
   mobile repairs, business changes and reconnections, about 14 % with a pause
   (most excluded by the standard, some counted);
3. times ``orders.services.history.do_import_finished_requests`` on them (the
   whole call: lookups, SLA arithmetic, COPY/executemany, one audit entry per
   batch), in one transaction.

Prints requests per second, rows written, N, the database engine, Python and the
machine.
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
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000,
                        help="requests to import (default 100,000)")
    parser.add_argument("--batch", type=int, default=5000, help="batch size (default 5000)")
    parser.add_argument("--ci", action="store_true", help="a small run (5,000 requests)")
    args = parser.parse_args()
    if args.ci:
        args.count = 5_000
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

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from telcodesk.core.calendar import load_calendar
    from telcodesk.core.clock import operator_zone
    from telcodesk.core.models import AuditEntry
    from telcodesk.core.services import do_create_org_unit
    from telcodesk.customers.models import Account, Customer, Subscription
    from telcodesk.customers.services import (
        AccountRow,
        BrandData,
        CustomerRow,
        PackageData,
        SubscriptionRow,
        do_bulk_load_customers,
        do_create_brand,
        do_create_package,
    )
    from telcodesk.orders.models import CustomerOrder, OrderItem, WorkOrder
    from telcodesk.orders.parsers.history import FinishedRequest, Pause
    from telcodesk.orders.services.history import do_import_finished_requests
    from telcodesk.sla.models import SlaClock, SlaPause

    call_command("migrate", interactive=False, verbosity=0)
    zone = operator_zone()
    now = dt.datetime(2026, 1, 20, 10, tzinfo=zone)
    engine = connection.vendor
    tag = f"b{int(time.time()) % 100000:05d}"
    salt = int(tag[1:]) % 100
    rng = random.Random(2026)
    n = args.count
    people = max(1, n // 10)

    print(f"loading {people:,} customers with {3 * people:,} lines into {engine}…", flush=True)
    started = time.perf_counter()
    op = do_create_org_unit(code=f"{tag}-op", name="bench", kind="operator", parent=None)
    pv = do_create_org_unit(code=f"{tag}-pv", name="bench", kind="province", parent=op)
    city = do_create_org_unit(code=f"{tag}-ct", name="bench", kind="city", parent=pv)
    units = [do_create_org_unit(code=f"{tag}-{area}", name="bench", kind="county", parent=city,
                                area=area) for area in ("urban", "rural")]
    brand = do_create_brand(now=now, data=BrandData(tag, "bench", "bench"))
    package = do_create_package(now=now, data=PackageData(
        brand_code=brand.code, code=f"{tag}-all", name="bench", services=(
            "fixed", "broadband", "mobile"), monthly_fee_fen=9900,
        active_from=dt.date(2010, 1, 1)))
    since = dt.datetime(2015, 1, 1, tzinfo=zone)
    lines: list[tuple[str, str]] = []

    def customers():
        for i in range(people):
            mobile = f"+8619{salt:02d}{i:07d}"
            fixed = f"+86351{salt:02d}{i:06d}"
            broadband = f"{tag}A{i:08d}"
            lines.extend([("mobile", mobile), ("fixed", fixed), ("broadband", broadband)])
            yield CustomerRow(
                code=f"{tag.upper()}{i:09d}", party_type="individual", name=f"客户{i}",
                org_unit_code=units[i % 3 == 2].code, active_from=since,
                accounts=(AccountRow(number=f"{tag.upper()}A{i:09d}", billing_type="postpaid",
                                     active_from=since, subscriptions=tuple(
                                         SubscriptionRow(service=s, number=num,
                                                         package_code=package.code,
                                                         active_from=since)
                                         for s, num in (("mobile", mobile), ("fixed", fixed),
                                                        ("broadband", broadband)))),))

    do_bulk_load_customers(now=now, rows=customers(), batch_size=5000)
    print(f"loaded in {time.perf_counter() - started:.1f} s; generating {n:,} requests…",
          flush=True)

    cal = load_calendar()
    start = dt.datetime(2025, 7, 1, tzinfo=zone)
    kinds = [("repair", "broadband", 25), ("repair", "fixed", 12), ("install", "broadband", 10),
             ("install", "fixed", 4), ("repair", "mobile", 4), ("package_change", "mobile", 25),
             ("suspension", "mobile", 6), ("transfer", "mobile", 4),
             ("name_change", "mobile", 3), ("reconnection", "mobile", 7)]
    choices = [(k, s) for k, s, _ in kinds]
    weights = [w for _, _, w in kinds]
    requests: list[FinishedRequest] = []
    for i in range(n):
        kind, service = rng.choices(choices, weights)[0]
        person = rng.randrange(people)
        number = lines[3 * person + ("mobile", "fixed", "broadband").index(service)][1]
        accepted = start + dt.timedelta(days=rng.randrange(182),
                                        minutes=rng.randrange(8 * 60 + 30, 19 * 60))
        pauses: tuple[Pause, ...] = ()
        if kind == "install":
            finished = cal.add_working_time(accepted, rng.triangular(0.4, 3.6, 1.8))
        elif kind == "repair":
            finished = accepted + dt.timedelta(hours=rng.triangular(0.5, 30, 6))
        else:
            finished = accepted + dt.timedelta(minutes=rng.triangular(1, 30, 4))
        roll = rng.random()
        if kind in ("install", "repair") and roll < 0.14:
            reason = "awaiting_parts" if roll < 0.03 else "customer_absent"
            pause_start = accepted + (finished - accepted) / 3
            length = dt.timedelta(hours=rng.randint(2, 20))
            pauses = (Pause(reason, pause_start, pause_start + length),)
            finished += length
        requests.append(FinishedRequest(
            kind=kind, service=service, subscription=number, accepted_at=accepted,
            finished_at=finished, pauses=pauses, external_id=f"{tag}-{i}"))

    from django.urls import reverse

    reverse("console:work_order", args=["WO1"])  # load the URL map before timing
    print(f"importing {n:,} requests (batches of {args.batch:,})…", flush=True)
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        with transaction.atomic():
            summary = do_import_finished_requests(now=now, actor=None, requests=requests,
                                                  batch=args.batch)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        pause_rows = SlaPause.objects.filter(clock__org_unit__in=units).count()
    finally:
        started_cleanup = time.perf_counter()
        with transaction.atomic():
            SlaPause.objects.filter(clock__org_unit__in=units)._raw_delete(connection.alias)
            WorkOrder.objects.filter(org_unit__in=units)._raw_delete(connection.alias)
            OrderItem.objects.filter(order__org_unit__in=units)._raw_delete(connection.alias)
            CustomerOrder.objects.filter(org_unit__in=units)._raw_delete(connection.alias)
            SlaClock.objects.filter(org_unit__in=units)._raw_delete(connection.alias)
            Subscription.objects.filter(org_unit__in=units)._raw_delete(connection.alias)
            Account.objects.filter(customer__org_unit__in=units)._raw_delete(connection.alias)
            Customer.objects.filter(org_unit__in=units)._raw_delete(connection.alias)
            AuditEntry.objects.filter(action="orders.import_history",
                                      at=now)._raw_delete(connection.alias)
        cleanup = time.perf_counter() - started_cleanup

    rate = n / seconds
    print()
    print(f"requests imported       {n:,} ({summary.work_orders:,} work orders, "
          f"{summary.orders:,} orders; {summary.timely_share or 0:.2%} timely)")
    print(f"rows written            {2 * n + summary.orders + pause_rows:,} "
          f"(clocks, work orders/orders, order items, {pause_rows:,} pauses) "
          f"+ {summary.batches} audit entries")
    print(f"database                {engine} {connection.settings_dict['NAME']}")
    print(f"import                  {seconds:.2f} s: {rate:,.0f} requests/s "
          f"(this process's CPU {cpu:.2f} s; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores)")
    print(f"(cleanup                {cleanup:.1f} s, not counted)")
    print(f"python                  {platform.python_implementation()} "
          f"{platform.python_version()}")
    print(f"machine                 {platform.machine()}, {os.cpu_count()} cores, "
          f"{platform.system()} {platform.release()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
