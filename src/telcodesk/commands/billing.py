"""``telcodesk billing``: billing-error counts (计费差错率) until billing provides them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from telcodesk.commands.network import open_input, report_refused


@click.group()
def billing() -> None:
    """Billing-error counts per month: record them by hand or import a file."""


def _rate(erroneous: int, total: int) -> str:
    from telcodesk.quality.network.formulas import billing_error_rate, per_ten_thousand

    value = per_ten_thousand(billing_error_rate(erroneous=erroneous, total=total))
    return "no data" if value is None else f"{value:.2f}×10⁻⁴"


@billing.command("record")
@click.option("--month", required=True, help="The month counted, e.g. 2026-07.")
@click.option("--unit", "unit_code", default=None,
              help="City or county code (default: the whole operator).")
@click.option("--erroneous", required=True, type=int, help="Erroneous charge records.")
@click.option("--total", required=True, type=int, help="All charge records.")
@click.option("--note", default="", help="Where the figures come from.")
def billing_record(month: str, unit_code: str | None, erroneous: int, total: int,
                   note: str) -> None:
    """Record (or correct) the charge records of one month."""
    from telcodesk.cli import EXIT_USAGE, clear_errors, fail, now, setup_django

    setup_django()
    from telcodesk.core.models import Channel
    from telcodesk.core.selectors import org_unit_by_code
    from telcodesk.quality.network.csv_format import ValueProblem, parse_month
    from telcodesk.quality.services.billing import do_record_billing_errors

    try:
        first: dt.date = parse_month(month)
    except ValueProblem as exc:
        fail(str(exc), EXIT_USAGE)
    with clear_errors():
        unit = None
        if unit_code:
            unit = org_unit_by_code(unit_code)
            if unit is None:
                fail(f"unknown org unit {unit_code!r}")
        row = do_record_billing_errors(now=now(), actor=None, month=first, unit=unit,
                                       erroneous=erroneous, total=total, note=note,
                                       channel=Channel.CLI)
    where = f"{unit.name} ({unit.code})" if unit else "whole operator"
    click.echo(f"billing errors {row.month:%Y-%m} ({where}): {row.erroneous_records} of "
               f"{row.all_records} charge records erroneous "
               f"({_rate(row.erroneous_records, row.all_records)})")


@billing.command("import")
@click.argument("file")
def billing_import(file: str) -> None:
    """Import billing-error counts (CSV: month,unit_code,erroneous_records,all_records).

    A blank unit_code counts for the whole operator. A file with any error
    imports nothing; every error is listed with its line.
    """
    from telcodesk.cli import clear_errors, now, setup_django

    setup_django()
    from telcodesk.core.models import Channel
    from telcodesk.quality.network.csv_format import QualityFileError
    from telcodesk.quality.services.billing import do_import_billing_counts

    name = "stdin" if file == "-" else Path(file).name
    with clear_errors(), open_input(file) as stream:
        try:
            result = do_import_billing_counts(now=now(), actor=None, path_or_stream=stream,
                                              file_name=name, channel=Channel.CLI)
        except QualityFileError as exc:
            report_refused(exc)
    for line in result.warnings:
        click.echo(f"{name}: warning: {line}", err=True)
    click.echo(f"imported {name}: {result.describe()}")
