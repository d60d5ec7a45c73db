"""``telcodesk orders import-history FILE``: finished requests from a legacy system."""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.group()
def orders() -> None:
    """Orders and work orders: import finished historical requests."""


@orders.command("import-history")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--user", "username", default="",
              help="Staff username recorded in the audit log as the importer.")
@click.option("--batch", type=click.IntRange(1), default=5000, show_default=True,
              help="Requests written per batch.")
def import_history(file: Path, username: str, batch: int) -> None:
    """Import the finished requests of FILE (a CSV export, see docs/orders-history.md).

    Each becomes a closed work order or a completed order with its SLA clock (a
    request on a line telcodesk does not know is kept as a historical request);
    a wrong line refuses the whole file, naming its line, and nothing is written.
    """
    from telcodesk.cli import clear_errors, fail, now, setup_django

    setup_django()
    from telcodesk.core.clock import operator_zone
    from telcodesk.core.models import Channel, User
    from telcodesk.orders.parsers.history import read_history_file
    from telcodesk.orders.services.history import do_import_finished_requests

    started = time.perf_counter()
    with clear_errors():
        actor = None
        if username:
            actor = User.objects.filter(username=username, is_active=True).first()
            if actor is None:
                fail(f"no active staff member {username!r}")
        try:
            data = file.read_bytes()
        except OSError as exc:
            fail(f"cannot read {file}: {exc.strerror or exc}")
        read = read_history_file(data, zone=operator_zone(), name=file.name)
        for warning in read.warnings:
            click.echo(f"{file.name}: warning: {warning}", err=True)
        summary = do_import_finished_requests(now=now(), actor=actor, requests=read.requests,
                                              batch=batch, channel=Channel.CLI)
    seconds = time.perf_counter() - started
    share = summary.timely_share
    kinds = ", ".join(f"{kind} {count:,}" for kind, count in sorted(summary.by_kind.items()))
    click.echo(f"imported {summary.total:,} finished requests from {file.name}: "
               f"{summary.work_orders:,} work orders, {summary.orders:,} orders, "
               f"{summary.pauses:,} pauses ({kinds})")
    if summary.historical:
        click.echo(f"{summary.historical:,} on lines not in telcodesk, kept as historical "
                   "requests for the figures")
    click.echo(f"timely {summary.timely:,} of {summary.total:,}"
               + (f" ({share:.2%})" if share is not None else "")
               + f"; {seconds:.1f} s ({summary.total / max(seconds, 1e-9):,.0f} requests/s)")
