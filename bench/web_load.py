"""Benchmark: the production web server under concurrent load, loopback only.

    uv run python bench/web_load.py                      # demo of 100,000 customers
                                                         # + 1,000,000 work orders
    uv run python bench/web_load.py --database-url postgres://postgres@127.0.0.1/bench
    uv run python bench/web_load.py --ci                 # 1,000 / 5,000, quick

Without ``--database-url`` (or ``DATABASE_URL``) the data goes into a throwaway
SQLite file in a temporary directory. A database given must be empty (the bench
builds the demo operator into it; drop it afterwards).

1. builds the demo operator (``demo.builder.build_demo``) with ``--customers``
   customers, then loads ``--work-orders`` more work orders of Taiyuan's
   counties (``core.bulk.BulkTable``: COPY on PostgreSQL), 95 % closed and 5 %
   open installs with a running SLA clock, so the branch manager's scope is large;
2. starts the production server (``telcodesk serve``: gunicorn, ``--workers``
   processes of ``--threads`` threads) on a free port of 127.0.0.1;
3. for each page, as Taiyuan's branch manager (``manager.ty``, a session cookie
   for the console, a bearer token for the API): a warm-up, then ``--single``
   requests on one connection, then ``--requests`` requests over
   ``--connections`` keep-alive connections (threads of this process), each
   phase bounded by ``--seconds``:

   - ``/console/work-orders/`` (the manager's work-order queue),
   - ``/console/customers/<code>/`` (a customer page, codes in turn),
   - ``/tmf-api/customerManagement/v4/customer`` (TMF629 list, first page),
   - ``/tmf-api/troubleTicket/v4/troubleTicket`` (TMF621 list, first page);

4. prints per page: requests/s, p50/p99 latency on one connection and under
   load, and the server's CPU per request (CPU time of gunicorn's processes read
   from /proc before and after the phase, divided by its requests), then the
   targets (server CPU at most 15 ms per request, p99 under 500 ms at 50
   connections), the engine and the machine.

Every request goes to 127.0.0.1; the loops stop after ``--requests`` or
``--seconds``, whichever comes first, and the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from _harness import bench_database, engine_line, machine_line, setup_django

TARGET_CPU_MS = 15.0
TARGET_P99_MS = 500.0
HOST = "127.0.0.1"
CHUNK = 50_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="",
                        help="an empty database to fill (default: DATABASE_URL, else a "
                             "throwaway SQLite file)")
    parser.add_argument("--customers", type=int, default=100_000,
                        help="demo customers (default 100,000)")
    parser.add_argument("--work-orders", type=int, default=1_000_000,
                        help="work orders added to Taiyuan's counties (default 1,000,000)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000,
                        help="requests per page under load (default 1,000)")
    parser.add_argument("--single", type=int, default=50,
                        help="requests per page on one connection (default 50)")
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="time bound of each phase (default 60)")
    parser.add_argument("--workers", type=int, default=0,
                        help="gunicorn worker processes (default: as `telcodesk serve`)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--only", default="",
                        help="comma-separated page names to run (queue,customer,tmf-customers,"
                             "tmf-tickets)")
    parser.add_argument("--ci", action="store_true",
                        help="a small run (1,000 customers, 5,000 work orders, 8 connections)")
    args = parser.parse_args()
    if args.ci:
        args.customers, args.work_orders = 1_000, 5_000
        args.connections, args.requests, args.single, args.seconds = 8, 40, 10, 20.0
    with bench_database(args.database_url):
        return run(args)


# --- data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    session_cookie: str
    token: str
    customer_codes: list[str]


def build(args: argparse.Namespace) -> Credentials:
    import datetime as dt
    from decimal import Decimal

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction

    from telcodesk.core.bulk import BulkTable
    from telcodesk.core.clock import now as clock_now
    from telcodesk.core.models import Channel, OrgUnit, User
    from telcodesk.core.services import do_issue_token
    from telcodesk.customers.models import Customer, Subscription
    from telcodesk.demo.builder import build_demo
    from telcodesk.orders.models import WorkOrder
    from telcodesk.sla.models import SlaClock
    from telcodesk.sla.selectors import standard_in_force

    now = clock_now()
    started = time.perf_counter()
    print(f"building the demo operator ({args.customers:,} customers) into "
          f"{connection.vendor}…", flush=True)
    build_demo(now=now, subscribers=args.customers, seed=2026)
    print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)

    manager = User.objects.get(username="manager.ty")
    branch = manager.org_unit
    counties = list(OrgUnit.objects.filter(path__startswith=branch.path, kind="county"))
    lines = list(Subscription.objects.filter(org_unit__path__startswith=branch.path)
                 .values_list("pk", "customer_id", "org_unit_id", "area", "service")[:20_000])
    if not lines or not counties:
        raise SystemExit("web_load: the demo has no Taiyuan lines to hang work orders on")
    standard = standard_in_force(service="broadband", kind="install", area="urban",
                                 tier="ordinary", at=now)

    n = args.work_orders
    started = time.perf_counter()
    print(f"loading {n:,} work orders into Taiyuan's counties…", flush=True)
    orders = BulkTable(WorkOrder, (
        "code", "kind", "ticket_type", "service", "subscription_id", "customer_id",
        "org_unit_id", "area", "status", "status_changed_at", "channel", "name",
        "created_at", "updated_at", "resolved_at", "closed_at", "sla_clock_id"))
    clocks = BulkTable(SlaClock, (
        "id", "standard_id", "limit_value", "limit_unit", "warning_ratio", "service", "kind",
        "area", "tier", "org_unit_id", "subject_label", "accepted_at", "due_at", "warn_at",
        "state"))
    for start in range(0, n, CHUNK):
        size = min(CHUNK, n - start)
        open_count = size // 20
        with transaction.atomic():
            clock_ids = clocks.reserve_ids(open_count) if standard is not None else []
            clock_rows = []
            order_rows = []
            for i in range(size):
                number = start + i
                line, customer, unit, area, service = lines[number % len(lines)]
                created = now - dt.timedelta(minutes=7 * (number % 200_000) + 30)
                code = f"WB{number:010d}"
                if i < len(clock_ids):  # open install, clock running
                    accepted = now - dt.timedelta(minutes=number % (60 * 30))
                    clock_rows.append((
                        clock_ids[i], standard.pk, Decimal(48), "hours", Decimal("0.80"),
                        "broadband", "install", "urban", "ordinary", unit,
                        f"{code} install", accepted, accepted + dt.timedelta(hours=48),
                        accepted + dt.timedelta(hours=38, minutes=24), "running"))
                    order_rows.append((
                        code, "install", "install", service, line, customer, unit, area,
                        "inProgress", accepted, "counter", "装机", accepted, accepted,
                        None, None, clock_ids[i]))
                else:  # closed repair, no clock
                    order_rows.append((
                        code, "repair", "fault", service, line, customer, unit, area,
                        "closed", created + dt.timedelta(hours=5), "hotline", "故障",
                        created, created + dt.timedelta(hours=5),
                        created + dt.timedelta(hours=4), created + dt.timedelta(hours=5),
                        None))
            if clock_rows:
                clocks.insert(clock_rows)
            orders.insert(order_rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  loaded in {time.perf_counter() - started:.1f} s", flush=True)

    session = SessionStore()
    session[SESSION_KEY] = str(manager.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = manager.get_session_auth_hash()
    session.create()
    token = do_issue_token(now=now, user=manager, name="web-load bench", actor=None,
                           channel=Channel.CLI)
    codes = list(Customer.objects.filter(org_unit__path__startswith=branch.path)
                 .order_by("code").values_list("code", flat=True)[:200])
    return Credentials(session_cookie=f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                       token=token.raw, customer_codes=codes)


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_server(args: argparse.Namespace, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "telcodesk.cli", "serve", "--host", HOST,
               "--port", str(port), "--threads", str(args.threads)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    env = {**os.environ, "TELCODESK_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"web_load: the server stopped at start (exit {server.returncode})")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit("web_load: the server did not listen within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the server's process and its live children."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        pending.extend(_children(current))
    return total / ticks


# --- the load -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    paths: list[str]
    headers: dict[str, str]


@dataclass
class Phase:
    requests: int
    seconds: float
    latencies: list[float]
    cpu: float
    failures: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    @property
    def cpu_ms(self) -> float:
        return self.cpu / self.requests * 1000 if self.requests else float("nan")


def drive(port: int, server_pid: int, target: Target, *, connections: int, requests: int,
          seconds: float) -> Phase:
    """``requests`` GETs over ``connections`` keep-alive connections, at most ``seconds``."""
    lock = threading.Lock()
    issued = [0]
    latencies: list[float] = []
    failures = [0]
    deadline = time.monotonic() + seconds

    def worker() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if issued[0] >= requests:
                        return
                    number = issued[0]
                    issued[0] += 1
                path = target.paths[number % len(target.paths)]
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers=target.headers)
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                    if response.will_close:
                        connection.close()
                except (OSError, http.client.HTTPException):
                    connection.close()
                    ok = False
                elapsed = time.perf_counter() - started
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        failures[0] += 1
        finally:
            connection.close()

    cpu_before = server_cpu_seconds(server_pid)
    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - started
    cpu = server_cpu_seconds(server_pid) - cpu_before
    return Phase(requests=len(latencies) + failures[0], seconds=elapsed, latencies=latencies,
                 cpu=cpu, failures=failures[0])


def run(args: argparse.Namespace) -> int:
    setup_django(migrate=True)
    from django.db import connection

    engine = engine_line()
    credentials = build(args)
    connection.close()
    cookie = {"Cookie": credentials.session_cookie, "Accept-Language": "zh-hans"}
    bearer = {"Authorization": f"Bearer {credentials.token}", "Accept": "application/json"}
    targets = [
        Target("queue", ["/console/work-orders/"], cookie),
        Target("customer", [f"/console/customers/{code}/"
                            for code in credentials.customer_codes], cookie),
        Target("tmf-customers", ["/tmf-api/customerManagement/v4/customer"], bearer),
        Target("tmf-tickets", ["/tmf-api/troubleTicket/v4/troubleTicket"], bearer),
    ]
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        targets = [target for target in targets if target.name in wanted]

    port = free_port()
    server = start_server(args, port)
    results: list[tuple[Target, Phase, Phase]] = []
    try:
        for target in targets:
            print(f"{target.name}: warming up, one connection, then {args.connections} "
                  f"connections…", flush=True)
            warm = drive(port, server.pid, target, connections=min(4, args.connections),
                         requests=20, seconds=args.seconds)
            if warm.failures:
                print(f"  warning: {warm.failures} of {warm.requests} warm-up requests failed",
                      flush=True)
            single = drive(port, server.pid, target, connections=1, requests=args.single,
                           seconds=args.seconds)
            loaded = drive(port, server.pid, target, connections=args.connections,
                           requests=args.requests, seconds=args.seconds)
            results.append((target, single, loaded))
    finally:
        stop_server(server)

    print()
    print(f"database: {engine}; {args.customers:,} demo customers + {args.work_orders:,} work "
          f"orders; server: gunicorn, {args.workers or 'default'} workers x {args.threads} "
          f"threads")
    print(f"{'page':<14} {'1 conn p50':>10} {'cpu/req':>8} | {'conns':>5} {'req/s':>7} "
          f"{'p50':>8} {'p99':>8} {'cpu/req':>8} {'failed':>6}")
    met = True
    for target, single, loaded in results:
        print(f"{target.name:<14} {single.percentile(0.5):8.1f}ms {single.cpu_ms:6.1f}ms | "
              f"{args.connections:>5} {loaded.rate:7.1f} {loaded.percentile(0.5):6.1f}ms "
              f"{loaded.percentile(0.99):6.1f}ms {loaded.cpu_ms:6.1f}ms {loaded.failures:>6}")
        met = met and single.cpu_ms <= TARGET_CPU_MS and not loaded.failures and (
            args.connections < 50 or loaded.percentile(0.99) < TARGET_P99_MS)
    cpus = [single.cpu_ms for _t, single, _l in results]
    if cpus:
        print(f"server CPU per request (one connection): median {statistics.median(cpus):.1f} ms")
    print(f"targets (server CPU <= {TARGET_CPU_MS:g} ms per request; p99 < {TARGET_P99_MS:g} ms "
          f"at 50 connections): {'met' if met else 'MISSED'}")
    print(machine_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
