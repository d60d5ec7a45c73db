"""``telcodesk network``: import busy-hour counter files and the cell registry."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

import click


def open_input(file: str) -> IO[bytes]:
    """``-`` is standard input; anything else a file, with a one-line error if unreadable."""
    from telcodesk.cli import fail

    if file == "-":
        return sys.stdin.buffer
    try:
        return Path(file).open("rb")
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")


def report_refused(exc: Any) -> None:
    """Print every error of a refused file (``FILE:LINE: message``), then fail; a file
    that is no table at all (binary, empty, no header) gets one line."""
    from telcodesk.cli import fail

    if exc.problems.refused_whole:  # not a table at all: one line
        fail(f"{exc.file_name}: {exc.problems.listed_errors()[0].message}")
    for problem in exc.problems.listed_errors():
        where = f"{exc.file_name}:{problem.line}" if problem.line else exc.file_name
        click.echo(f"{where}: {problem.message}", err=True)
    if exc.problems.unlisted_errors:
        click.echo(f"{exc.file_name}: … and {exc.problems.unlisted_errors} more error(s)",
                   err=True)
    fail(f"{exc.file_name}: {exc.problems.error_count} error(s), {exc.outcome}")


@click.group()
def network() -> None:
    """Busy-hour network counters: import counter files, place cells in branches."""


@network.command("import")
@click.argument("file")
@click.option("--replace", is_flag=True,
              help="Replace the stored counters of the cell-days in FILE instead of refusing "
                   "the file.")
def network_import(file: str, replace: bool) -> None:
    """Import a per-cell, per-day busy-hour counter file (CSV; FILE or - for stdin).

    Columns: cell,date,busy_hour,call_attempts,answered,called_busy,no_answer,
    unreachable,tch_requests,tch_failures_no_channel,connected_calls,dropped_calls.
    A file with any error imports nothing; every error is listed with its line.
    """
    from telcodesk.cli import clear_errors, now, setup_django

    setup_django()
    from telcodesk.core.clock import local
    from telcodesk.core.models import Channel
    from telcodesk.quality.network.csv_format import QualityFileError
    from telcodesk.quality.services.network import do_import_network_file

    name = "stdin" if file == "-" else Path(file).name
    with clear_errors(), open_input(file) as stream:
        try:
            report = do_import_network_file(now=now(), actor=None, path_or_stream=stream,
                                            file_name=name, replace=replace,
                                            channel=Channel.CLI)
        except QualityFileError as exc:
            report_refused(exc)
    earlier = report.network_import
    if report.already_imported:
        click.echo(f"{name} was already imported on {local(earlier.imported_at):%Y-%m-%d %H:%M} "
                   f"(import {earlier.pk}); nothing written")
        return
    for line in report.warnings:
        click.echo(f"{name}: warning: {line}", err=True)
    click.echo(f"imported {name}: {report.describe()}")


@network.command("cells")
@click.argument("file")
def network_cells(file: str) -> None:
    """Register cells and place them in city or county branches (CSV: cell,name,unit_code).

    A blank unit_code leaves a cell without a branch: its counters count for the
    operator only. A file with any error registers nothing.
    """
    from telcodesk.cli import clear_errors, now, setup_django

    setup_django()
    from telcodesk.core.models import Channel
    from telcodesk.quality.network.csv_format import QualityFileError
    from telcodesk.quality.services.network import do_import_cells

    name = "stdin" if file == "-" else Path(file).name
    with clear_errors(), open_input(file) as stream:
        try:
            result = do_import_cells(now=now(), actor=None, path_or_stream=stream,
                                     file_name=name, channel=Channel.CLI)
        except QualityFileError as exc:
            report_refused(exc)
    click.echo(f"registered {name}: {result.describe()}")
