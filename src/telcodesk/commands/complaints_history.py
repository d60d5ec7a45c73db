"""``telcodesk complaints import-history FILE``: finished complaints from a legacy system."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def complaints() -> None:
    """Complaints: import finished historical complaints."""


@complaints.command("import-history")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True,
              help="Staff username recorded as the importer, and as owner and handler of "
                   "complaints whose file line names none.")
def import_history(file: Path, username: str) -> None:
    """Import the finished complaints of FILE (a CSV export, see docs/complaints.md).

    Each becomes a closed complaint with its stopped reply clocks and its survey
    answer, counted in the complaint indicators like a live one. Complaints
    imported before (same legacy id) are skipped; a wrong line refuses the whole
    file, naming its line, and nothing is written.
    """
    from telcodesk.cli import clear_errors, fail, now, setup_django

    setup_django()
    from telcodesk.care.parsers.complaint_history import read_complaint_file
    from telcodesk.care.services.complaint_history import do_import_finished_complaints
    from telcodesk.core.clock import operator_zone
    from telcodesk.core.models import Channel, User

    with clear_errors():
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            fail(f"no active staff member {username!r}")
        try:
            data = file.read_bytes()
        except OSError as exc:
            fail(f"cannot read {file}: {exc.strerror or exc}")
        read = read_complaint_file(data, zone=operator_zone(), name=file.name)
        for warning in read.warnings:
            click.echo(f"{file.name}: warning: {warning}", err=True)
        summary = do_import_finished_complaints(now=now(), actor=actor,
                                                complaints=read.complaints,
                                                channel=Channel.CLI)
    share = f" ({summary.satisfied / summary.answers:.2%} satisfied)" if summary.answers else ""
    click.echo(f"imported {summary.imported:,} finished complaints from {file.name}, "
               f"{summary.skipped:,} imported before and skipped; replied within the "
               f"commitment {summary.timely:,}; survey answers {summary.answers:,}{share}")
