"""Benchmark: a TMF list filtered in the database versus on the rendered documents.

    uv run python bench/tmf_filters.py                # 100,000 customers
    uv run python bench/tmf_filters.py --customers 20000
    uv run python bench/tmf_filters.py --ci           # 2,000 customers, quick

Migrates a throwaway SQLite database in a temporary directory, or uses
``DATABASE_URL`` when set (it must be a database you can fill: the bench adds N
customers of one new branch). Then times ``GET /tmf-api/customerManagement/v4/customer``
as a superuser's integrator would call it, each answer one page of at most 100:

1. no filter (paging only);
2. a declared filter evaluated in the database (``statusReason=...``);
3. an attribute matched on the rendered documents (``href=...``, one match):
   every candidate row is rendered once;
4. the same attribute behind a database filter narrowing to 1 % of the rows
   (``characteristic.tier=diamond&href=...``), as the API page advises.

Prints the milliseconds per request (best of three), N, the database engine,
Python and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

from _harness import bench_database, setup_django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000, help="N (default 100,000)")
    parser.add_argument("--ci", action="store_true", help="a small run (2,000 customers)")
    args = parser.parse_args()
    if args.ci:
        args.customers = 2_000
    with bench_database():
        return run(args)


def run(args: argparse.Namespace) -> int:
    import datetime as dt

    setup_django(migrate=True)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from telcodesk.core.bulk import BulkTable
    from telcodesk.core.clock import operator_zone
    from telcodesk.core.models import Channel
    from telcodesk.core.services import do_create_org_unit, do_create_staff, do_issue_token
    from telcodesk.customers.models import Customer

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    now = dt.datetime(2025, 9, 30, 10, tzinfo=operator_zone())
    tag = f"b{int(time.time()) % 100000}"
    op = do_create_org_unit(code=f"{tag}-op", name="bench", kind="operator", parent=None)
    pv = do_create_org_unit(code=f"{tag}-pv", name="bench", kind="province", parent=op)
    city = do_create_org_unit(code=f"{tag}-ct", name="bench", kind="city", parent=pv)
    unit = do_create_org_unit(code=f"{tag}-co", name="bench", kind="county", parent=city,
                              area="urban")
    root = do_create_staff(now=now, username=f"{tag}-root", password=None, org_unit=op,
                           roles=[], is_superuser=True)
    token = do_issue_token(now=now, user=root, name="bench", actor=None, channel=Channel.CLI)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token.raw}")

    n = args.customers
    print(f"loading {n:,} customers into {connection.vendor}…", flush=True)
    table = BulkTable(Customer, ("code", "party_type", "name", "tier", "status",
                                 "status_reason", "org_unit_id", "active_from"))
    rows = [(f"{tag.upper()}{i:09d}", "individual", f"客户{i}",
             "diamond" if i % 100 == 0 else "ordinary", "active",
             "欠费停机" if i % 1000 == 0 else "", unit.pk,
             now - dt.timedelta(minutes=i)) for i in range(n)]
    for start in range(0, n, 50_000):
        table.insert(rows[start:start + 50_000])
    target = f"{tag.upper()}{(n // 2) // 100 * 100:09d}"  # a diamond customer in the middle
    href = f"http://testserver/tmf-api/customerManagement/v4/customer/{target}"
    base = "/tmf-api/customerManagement/v4/customer"

    def timed(label: str, query: dict[str, str]) -> None:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            response = client.get(base, query)
            best = min(best, time.perf_counter() - started)
            assert response.status_code == 200, response.content[:300]
        print(f"  {label:<58} {best * 1000:9.1f} ms  X-Total-Count {response['X-Total-Count']}")

    print(f"GET {base} over {n:,} customers (one page of at most 100):")
    timed("no filter", {})
    timed("statusReason= (database)", {"statusReason": "欠费停机"})
    timed("href= (rendered documents, every row)", {"href": href})
    timed("characteristic.tier=diamond (database) & href= (documents)",
          {"characteristic.tier": "diamond", "href": href})
    print(f"N={n:,}  database={connection.vendor}  python={sys.version.split()[0]}  "
          f"machine={platform.machine()} {platform.processor() or platform.system()} "
          f"cpus={os.cpu_count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
