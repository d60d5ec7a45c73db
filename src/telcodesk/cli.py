"""The ``telcodesk`` command.

``telcodesk demo`` runs everything at once on the embedded default; ``serve``,
``worker`` and ``clock`` run the parts one by one in production. Every failure
ends with one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

EXIT_ERROR = 1
EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    click.echo(f"telcodesk: error: {message}", err=True)
    sys.exit(code)


def setup_django() -> None:
    """Configure Django once, turning configuration mistakes into one clear line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telcodesk.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        fail(str(exc))
    from django.utils import translation

    # Command output is English unless the operator asks otherwise (e.g. zh-hans).
    translation.activate(os.environ.get("TELCODESK_CLI_LANGUAGE", "en"))


def database_label() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {settings['NAME']}"
    return f"PostgreSQL {settings.get('HOST') or 'localhost'}:{settings.get('PORT') or 5432}/" \
           f"{settings['NAME']}"


@contextmanager
def clear_errors() -> Iterator[None]:
    """Map the errors a user can cause to one line and a non-zero exit."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import OperationalError

    from telcodesk.core.errors import DomainError

    try:
        yield
    except DomainError as exc:
        fail(exc.message)
    except OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        fail(f"cannot use the database ({database_label()}): {first_line}")
    except ImproperlyConfigured as exc:
        fail(str(exc))


def now() -> dt.datetime:
    from telcodesk.core import clock

    return clock.now()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="telcodesk")
def main() -> None:
    """telcodesk: customer care and service quality for telecom operators."""


# --- database ---------------------------------------------------------------


def run_migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


@main.command()
def migrate() -> None:
    """Create or update the database tables."""
    setup_django()
    with clear_errors():
        run_migrate(verbosity=1)
        click.echo(f"database ready: {database_label()}")


def build_demo_data(*, subscribers: int, seed: int) -> Any:
    """Build the demo operator with a progress bar; returns the builder's summary."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from telcodesk.demo.builder import build_demo

    with Progress(TextColumn("{task.description:<28}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  transient=False) as bar:
        tasks: dict[str, Any] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        return build_demo(now=now(), subscribers=subscribers, seed=seed, progress=progress)


def database_is_empty() -> bool:
    from telcodesk.customers.selectors import any_customers

    return not any_customers()


@main.command()
@click.option("--subscribers", default=3000, show_default=True, type=click.IntRange(1),
              help="Number of demo customers.")
@click.option("--seed", "seed_value", default=2026, show_default=True, type=int,
              help="Random seed; the same seed builds the same operator.")
def seed(subscribers: int, seed_value: int) -> None:
    """Build the demo operator into an empty database."""
    setup_django()
    with clear_errors():
        run_migrate()
        started = time.perf_counter()
        summary = build_demo_data(subscribers=subscribers, seed=seed_value)
        click.echo(f"demo operator built in {time.perf_counter() - started:.1f} s: "
                   f"{summary.describe()}")


@main.command()
@click.argument("username")
@click.option("--unit", "unit_code", help="Org unit code the staff member belongs to.")
@click.option("--role", "roles", multiple=True,
              help="Role (repeatable): counter_clerk, vip_clerk, hotline_agent, "
                   "repair_technician, installer, complaint_handler, quality_manager, "
                   "branch_manager, administrator.")
@click.option("--name", "display_name", default="", help="Display name.")
@click.option("--superuser", is_flag=True, help="Full access to everything.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def createstaff(username: str, unit_code: str | None, roles: tuple[str, ...],
                display_name: str, superuser: bool, password_stdin: bool) -> None:
    """Create a staff user in an org unit with roles."""
    setup_django()
    from telcodesk.core.selectors import org_unit_by_code
    from telcodesk.core.services import do_create_staff

    with clear_errors():
        unit = None
        if unit_code:
            unit = org_unit_by_code(unit_code)
            if unit is None:
                fail(f"unknown org unit {unit_code!r}")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        if len(password) < 8:
            fail("the password must have at least 8 characters")
        user = do_create_staff(now=now(), username=username, password=password, org_unit=unit,
                               roles=roles, display_name=display_name, is_superuser=superuser)
        click.echo(f"created {user.username} in {unit.name if unit else 'the whole operator'}")


# --- API tokens -------------------------------------------------------------


@main.group()
def token() -> None:
    """Issue, list and revoke API bearer tokens."""


@token.command("create")
@click.argument("username")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
def token_create(username: str, name: str) -> None:
    """Issue a token for USERNAME and print it (shown once)."""
    setup_django()
    from telcodesk.core.models import Channel, User
    from telcodesk.core.services import do_issue_token

    with clear_errors():
        user = User.objects.filter(username=username).first()
        if user is None:
            fail(f"unknown user {username!r}")
        issued = do_issue_token(now=now(), user=user, name=name, actor=None, channel=Channel.CLI)
        click.echo(issued.raw)


@token.command("list")
@click.option("--user", "username", help="Only this user's tokens.")
def token_list(username: str | None) -> None:
    """List tokens (prefix, user, name, created, last used, state)."""
    setup_django()
    from telcodesk.core.models import ApiToken

    with clear_errors():
        tokens = ApiToken.objects.select_related("user").order_by("created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        for t in tokens:
            state = "revoked" if t.revoked_at else "active"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            click.echo(f"{t.prefix}  {t.user.username:<20} {t.name:<20} "
                       f"{t.created_at:%Y-%m-%d %H:%M}  used {used:<16} {state}")


@token.command("revoke")
@click.argument("prefix")
def token_revoke(prefix: str) -> None:
    """Revoke the token whose prefix is PREFIX."""
    setup_django()
    from telcodesk.core.models import ApiToken, Channel
    from telcodesk.core.services import do_revoke_token

    with clear_errors():
        found = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        if found is None:
            fail(f"no token with prefix {prefix!r}")
        do_revoke_token(now=now(), token=found, actor=None, channel=Channel.CLI)
        click.echo(f"revoked {prefix} of {found.user.username}")


# --- working calendar --------------------------------------------------------


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"not a date (YYYY-MM-DD): {text!r}", EXIT_USAGE)


def parse_instant(text: str) -> dt.datetime:
    from telcodesk.core.clock import make_aware

    try:
        return make_aware(dt.datetime.fromisoformat(text))
    except ValueError:
        fail(f"not a date-time (YYYY-MM-DDTHH:MM): {text!r}", EXIT_USAGE)


@main.group()
def calendar() -> None:
    """Check working-day arithmetic against the working calendar."""


@calendar.command("add-working-days")
@click.argument("start")
@click.argument("days", type=click.IntRange(0))
def calendar_add_working_days(start: str, days: int) -> None:
    """Print the DAYS-th working day after START (a date; the start day is not counted).

    With a date-time START (2025-09-30T10:00), print the instant after DAYS
    working days of elapsed working time.
    """
    setup_django()
    from telcodesk.core.calendar import load_calendar

    as_instant = "T" in start or " " in start.strip()
    instant = parse_instant(start) if as_instant else None
    day = None if as_instant else parse_date(start)
    with clear_errors():
        cal = load_calendar()
        if instant is not None:
            click.echo(cal.add_working_time(instant, days).isoformat())
        elif day is not None:
            click.echo(cal.add_working_days(day, days).isoformat())


@calendar.command("working-days-between")
@click.argument("start")
@click.argument("end")
def calendar_working_days_between(start: str, end: str) -> None:
    """Print the working days elapsed between two instants (dates mean midnight)."""
    setup_django()
    from telcodesk.core.calendar import load_calendar

    first, last = parse_instant(start), parse_instant(end)
    with clear_errors():
        value = load_calendar().working_days_between(first, last)
        click.echo(f"{value:.4f}".rstrip("0").rstrip("."))


@calendar.command("is-working-day")
@click.argument("day")
def calendar_is_working_day(day: str) -> None:
    """Print whether DAY is a working day."""
    setup_django()
    from telcodesk.core.calendar import load_calendar

    date = parse_date(day)
    with clear_errors():
        working = load_calendar().is_working_day(date)
        click.echo("working day" if working else "day off")


@calendar.command("coverage")
def calendar_coverage() -> None:
    """Print the years the calendar covers."""
    setup_django()
    from telcodesk.core.calendar import load_calendar

    with clear_errors():
        years = sorted(load_calendar().covered_years())
        click.echo(", ".join(str(y) for y in years))


# --- time limits (SLA) ------------------------------------------------------


@main.group()
def sla() -> None:
    """Time limits: due times under the published standards, a clock's story."""


@sla.command("due")
@click.option("--service", required=True,
              type=click.Choice(["fixed", "broadband", "mobile", "any"]))
@click.option("--kind", required=True,
              type=click.Choice(["install", "move", "change", "reconnection", "repair",
                                 "complaint_reply", "complaint_regulator"]))
@click.option("--area", default="any", show_default=True,
              type=click.Choice(["urban", "rural", "any"]))
@click.option("--tier", default="ordinary", show_default=True,
              type=click.Choice(["ordinary", "silver", "gold", "diamond", "any"]))
@click.option("--accepted", required=True, help="Acceptance time, e.g. 2025-09-30T10:00.")
def sla_due(service: str, kind: str, area: str, tier: str, accepted: str) -> None:
    """Print the due time of a request accepted at ACCEPTED under the standard in force."""
    setup_django()
    from telcodesk.sla.selectors import due_under_standard

    accepted_at = parse_instant(accepted)
    with clear_errors():
        click.echo(due_under_standard(service=service, kind=kind, area=area, tier=tier,
                                      accepted_at=accepted_at))


@sla.command("explain")
@click.argument("reference")
def sla_explain(reference: str) -> None:
    """Print the story of a clock: REFERENCE is a clock id or a request code (WO...)."""
    setup_django()
    from telcodesk.sla.selectors import clock_by_reference, explain

    with clear_errors():
        for line in explain(clock_by_reference(reference), now=now()):
            click.echo(line)


# --- running ----------------------------------------------------------------


def install_stop_handler() -> threading.Event:
    """SIGTERM and SIGINT set an event instead of killing the process mid-work."""
    stop = threading.Event()

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stop


@main.command()
@click.option("--interval", type=float, default=None,
              help="Seconds between passes (default TELCODESK_CLOCK_INTERVAL).")
@click.option("--once", is_flag=True, help="Run one pass and exit.")
def clock(interval: float | None, once: bool) -> None:
    """Run the clock: claim due deadlines and periodic jobs, exactly once each."""
    setup_django()
    from django.conf import settings
    from django.db import close_old_connections

    from telcodesk.core.scheduler import registered_jobs, run_pass

    period = interval if interval is not None else settings.TELCODESK_CLOCK_INTERVAL
    with clear_errors():
        if once:
            for outcome in run_pass(now=now()):
                click.echo(f"{outcome.name}: {outcome.result}")
            return
        stop = install_stop_handler()
        click.echo(f"clock: {len(registered_jobs())} jobs, a pass every {period:g} s "
                   f"({database_label()})")
        while not stop.is_set():
            close_old_connections()
            for outcome in run_pass(now=now()):
                click.echo(f"clock: {outcome.name}: {outcome.result}")
            stop.wait(period)
        click.echo("clock: stopped")


@main.command()
@click.option("--queue", default="default", show_default=True)
@click.option("--no-sms", is_flag=True, help="Run background tasks only, not the SMS outbox.")
@click.option("--batch-size", type=click.IntRange(1), default=None,
              help="SMS claimed per dispatcher pass (default TELCODESK_SMS_BATCH_SIZE).")
def worker(queue: str, no_sms: bool, batch_size: int | None) -> None:
    """Run the SMS outbox dispatcher and the background task worker until SIGTERM."""
    setup_django()
    from django.conf import settings
    from django_tasks_db.management.commands.db_worker import Worker

    from telcodesk.notify.dispatcher import run_dispatcher
    from telcodesk.notify.transports import transport_from_url

    with clear_errors():
        transport = None if no_sms else transport_from_url(settings.TELCODESK_SMS_URL)
    owner = f"{socket.gethostname()}:{os.getpid()}"
    stop = install_stop_handler()
    tasks = Worker(queue_names=[queue], interval=1.0, batch=False, backend_name="default",
                   startup_delay=False, max_tasks=None, worker_id=owner[:64],
                   excluded_queue_names=[])
    crashed: list[str] = []

    def guarded(name: str, target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as exc:  # a dead part stops the whole worker
                crashed.append(f"{name}: {exc.__class__.__name__}: {exc}")
                stop.set()
            finally:
                from django.db import connection

                connection.close()

        return run

    threads = [threading.Thread(target=guarded("tasks", tasks.run), name="tasks")]
    if transport is not None:
        sms_transport = transport
        threads.append(threading.Thread(
            target=guarded("sms", lambda: run_dispatcher(
                transport=sms_transport, stop=stop, owner=owner, batch_size=batch_size)),
            name="sms"))
    for thread in threads:
        thread.start()
    click.echo(f"worker {owner}: SMS via {transport.name if transport else 'nothing (--no-sms)'}"
               f", tasks of queue {queue} ({database_label()})")
    while not stop.is_set():
        stop.wait(0.5)
    tasks.running = False
    for thread in threads:
        thread.join(timeout=30)
    if crashed:
        fail("; ".join(crashed))
    click.echo("worker: stopped")


# --- SMS ----------------------------------------------------------------------


@main.group()
def sms() -> None:
    """Send a message by hand, resend a failed one."""


@sms.command("send")
@click.argument("number")
@click.argument("text")
@click.option("--key", default=None, help="Dedupe key (default: a new one each time).")
def sms_send(number: str, text: str, key: str | None) -> None:
    """Queue TEXT to NUMBER (the worker sends it)."""
    setup_django()
    import uuid

    from django.db import transaction

    from telcodesk.core.models import Channel
    from telcodesk.core.phone import mask
    from telcodesk.notify.services import do_notify

    with clear_errors(), transaction.atomic():
        message = do_notify(now=now(), kind="free_text", recipient=number,
                            context={"text": text}, dedupe_key=key or f"cli:{uuid.uuid4()}",
                            channel=Channel.CLI)
    click.echo(f"message {message.pk} to {mask(message.recipient)}: {message.state}, "
               f"{message.segments} SMS ({message.encoding})")


@sms.command("resend")
@click.argument("message_id", type=int)
def sms_resend(message_id: int) -> None:
    """Queue failed message MESSAGE_ID again."""
    setup_django()
    from telcodesk.core.models import Channel
    from telcodesk.notify.errors import NotifyError, NotifyErrorCode
    from telcodesk.notify.selectors import message_by_id
    from telcodesk.notify.services import do_resend

    with clear_errors():
        message = message_by_id(message_id)
        if message is None:
            raise NotifyError(NotifyErrorCode.NOT_FOUND, f"no message {message_id}")
        do_resend(now=now(), message=message, actor=None, channel=Channel.CLI)
        click.echo(f"message {message_id} queued again")


@main.command("sms-simulator")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=2775, show_default=True, type=click.IntRange(0, 65535),
              help="SMPP port (0: any free port).")
@click.option("--control-port", default=2776, show_default=True,
              type=click.IntRange(0, 65535), help="Control port (0: any free port).")
@click.option("--system-id", default=None, help="Accept only this system_id.")
@click.option("--password", default=None, help="Accept only this password.")
@click.option("--receipts", default="delivered", show_default=True,
              type=click.Choice(["delivered", "undeliverable", "expired", "rejected", "none"]))
@click.option("--receipt-delay", default=0.0, show_default=True, type=click.FloatRange(0),
              help="Seconds before a delivery receipt is sent.")
def sms_simulator(host: str, port: int, control_port: int, system_id: str | None,
                  password: str | None, receipts: str, receipt_delay: float) -> None:
    """Run an SMS-centre simulator (SMPP 3.4 server) until Ctrl-C."""
    from telcodesk.core.clock import wall_clock
    from telcodesk.notify.simulator import serve

    try:
        serve(host=host, port=port, control_port=control_port, system_id=system_id,
              password=password, receipts=receipts, receipt_delay=receipt_delay,
              clock=wall_clock)
    except OSError as exc:
        fail(f"cannot listen on {host}: {exc.strerror or exc} (try --port/--control-port)")


def default_web_workers() -> int:
    return max(2, min(8, (os.cpu_count() or 1) * 2))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", "web_workers", type=click.IntRange(1), default=None,
              help="Web worker processes (default: 2 per CPU, at most 8).")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1))
def serve(host: str, port: int, web_workers: int | None, threads: int) -> None:
    """Serve the web console, self-service hall and TMF API with gunicorn."""
    setup_django()
    from telcodesk.web.server import run_gunicorn

    with clear_errors():
        ensure_port_free(host, port)
        run_gunicorn(host=host, port=port, workers=web_workers or default_web_workers(),
                     threads=threads)


def ensure_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            fail(f"cannot listen on {host}:{port}: {exc.strerror or exc} (try --port)")


def wait_for_port(host: str, port: int, *, timeout: float,
                  alive: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def part_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "telcodesk.cli", *args]


def print_where_to_go(host: str, port: int, logins: list[tuple[str, str, str, str]]) -> None:
    base = f"http://{host}:{port}"
    click.echo("")
    click.echo("telcodesk is running.")
    click.echo(f"  Landing page   {base}/")
    click.echo(f"  Staff console  {base}/console/")
    click.echo(f"  Admin          {base}/admin/")
    click.echo(f"  TMF API        {base}/tmf-api/customerManagement/v4/customer "
               f"(docs: {base}/tmf-api/docs)")
    from django.conf import settings

    if settings.TELCODESK_SMS_URL.startswith("file://"):
        click.echo(f"  SMS sink       {settings.TELCODESK_SMS_URL.removeprefix('file://')}")
    if logins:
        click.echo("")
        click.echo("Demo logins (all share one password):")
        shown_password = logins[0][1]
        for username, _password, role, unit in logins:
            click.echo(f"  {username:<22} {role:<20} {unit}")
        click.echo(f"  password: {shown_password}")
        click.echo(f"  API token: uv run telcodesk token create {logins[0][0]}")
    click.echo("")
    click.echo("Press Ctrl-C to stop.")


@main.command()
@click.option("--subscribers", default=3000, show_default=True, type=click.IntRange(1),
              help="Demo customers to build when the database is empty.")
@click.option("--seed", "seed_value", default=2026, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-serve", is_flag=True, help="Build the demo data and exit.")
def demo(subscribers: int, seed_value: int, host: str, port: int, no_serve: bool) -> None:
    """Migrate, build the demo operator if the database is empty, run everything."""
    # Links in the demo's SMS (the survey page) point at the address it serves.
    os.environ.setdefault("TELCODESK_PUBLIC_URL", f"http://{host}:{port}")
    setup_django()
    from telcodesk.demo.builder import demo_logins

    with clear_errors():
        started = time.perf_counter()
        run_migrate()
        if database_is_empty():
            summary = build_demo_data(subscribers=subscribers, seed=seed_value)
            click.echo(f"demo operator built in {time.perf_counter() - started:.1f} s: "
                       f"{summary.describe()}")
        else:
            click.echo(f"the database already holds data ({database_label()}); using it")
        if no_serve:
            return
        ensure_port_free(host, port)
        logins = demo_logins()
    supervise(host=host, port=port, logins=logins)


def supervise(*, host: str, port: int, logins: list[tuple[str, str, str, str]]) -> None:
    """Run web, worker and clock as child processes; stop them all on Ctrl-C."""
    env = dict(os.environ)
    # The demo is served over plain HTTP on this machine.
    env.setdefault("TELCODESK_SECURE_COOKIES", "0")
    env.setdefault("TELCODESK_CLOCK_INTERVAL", "5")
    parts = {
        "web": part_command("serve", "--host", host, "--port", str(port), "--workers", "2"),
        "worker": part_command("worker"),
        "clock": part_command("clock"),
    }
    children = {name: subprocess.Popen(cmd, env=env) for name, cmd in parts.items()}
    stop = install_stop_handler()

    def all_alive() -> bool:
        return all(child.poll() is None for child in children.values())

    try:
        if not wait_for_port(host, port, timeout=60, alive=all_alive):
            dead = [name for name, child in children.items() if child.poll() is not None]
            raise SystemExit(f"telcodesk: error: the {', '.join(dead) or 'web'} process did "
                             "not start; see the messages above")
        print_where_to_go(host, port, logins)
        while not stop.is_set():
            dead = [name for name, child in children.items() if child.poll() is not None]
            if dead:
                raise SystemExit(f"telcodesk: error: the {', '.join(dead)} process stopped "
                                 "unexpectedly; stopping the rest")
            stop.wait(0.5)
        click.echo("\nstopping…")
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    click.echo("stopped")


# --- Django's own commands ----------------------------------------------------


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command: telcodesk manage COMMAND [ARGS]..."""
    setup_django()
    from django.core.management import execute_from_command_line

    with clear_errors():
        execute_from_command_line(["telcodesk manage", *args])


# --- command groups of the domains (telcodesk.commands) ------------------------------

from telcodesk.commands.calls import calls  # noqa: E402

main.add_command(calls)
from telcodesk.commands.orders_history import orders  # noqa: E402

main.add_command(orders)

from telcodesk.commands.billing import billing  # noqa: E402
from telcodesk.commands.network import network  # noqa: E402

main.add_command(network)
main.add_command(billing)
from telcodesk.commands.report import report  # noqa: E402

main.add_command(report)
from telcodesk.commands.complaints_history import complaints  # noqa: E402

main.add_command(complaints)


if __name__ == "__main__":
    main()
