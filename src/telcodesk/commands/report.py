"""``telcodesk report``: the service-quality report of a period as a file.

    telcodesk report --format pdf --out report.pdf            # last complete half-year
    telcodesk report --period 2026H2 --format xlsx --out h2.xlsx --unit ty
    telcodesk report --verify [--period 2026H2]               # totals against the rows
    telcodesk report --refresh-totals | --rebuild-totals      # count the closed days now

The file is written to a temporary name next to ``--out`` and renamed when
complete: a refused or failed run leaves no file (and never half a file).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

FORMATS = ("pdf", "xlsx", "html", "json", "md", "tmf657")


def _write_atomically(out: Path, data: bytes) -> None:
    directory = out.parent if str(out.parent) else Path(".")
    if not directory.is_dir():
        raise click.ClickException(f"no directory {directory} for {out}")
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part",
                                         dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.command("report")
@click.option("--period", "period_code", metavar="PERIOD",
              help="2026H2, 2026Q3, 2026-07 or 2026-07-01..2026-09-30. Default: the most "
                   "recent complete half-year.")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="pdf (for the regulator), xlsx (figures with their inputs), html, json "
                   "(for machines), md (Markdown), tmf657 (TMF657 service-level objectives).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (replaced if it exists).")
@click.option("--unit", "unit_code", metavar="CODE",
              help="A city or county code: its report instead of the whole operator's.")
@click.option("--language", type=click.Choice(["zh-hans", "en"]), default="zh-hans",
              show_default=True, help="Language of the document.")
@click.option("--verify", is_flag=True,
              help="Compare the daily totals with the records instead of writing a file: "
                   "every counted day, and the period's report both ways. Exit status 1 on "
                   "any difference.")
@click.option("--refresh-totals", "refresh", is_flag=True,
              help="Count the days closed since the last refresh and recount the changed "
                   "ones now (the clock process does it every 10 minutes).")
@click.option("--rebuild-totals", "rebuild", is_flag=True,
              help="Drop the daily totals and count every day again (after records were "
                   "loaded around the services).")
def report(period_code: str | None, fmt: str | None, out: Path | None, unit_code: str | None,
           language: str, verify: bool, refresh: bool, rebuild: bool) -> None:
    """Write the service-quality report of a period (PDF, XLSX, HTML, JSON, Markdown, TMF657)."""
    from telcodesk.cli import clear_errors, fail, now, setup_django

    setup_django()
    if verify or refresh or rebuild:
        _totals(period_code=period_code, unit_code=unit_code, verify=verify,
                refresh=refresh, rebuild=rebuild)
        return
    if fmt is None or out is None:
        fail("--format and --out are required (or --verify, --refresh-totals, "
             "--rebuild-totals)")
    from django.utils import translation

    from telcodesk.core.clock import local
    from telcodesk.quality.indicators.periods import last_complete_half, parse_period
    from telcodesk.quality.report.document import assemble_document
    from telcodesk.quality.report.exports import get_export

    if out.exists() and out.is_dir():
        fail(f"{out} is a directory")
    with clear_errors():
        instant = now()
        period = (parse_period(period_code) if period_code
                  else last_complete_half(local(instant).date()))
        with translation.override(language):
            document = assemble_document(period=period, unit_code=unit_code,
                                         language=language, now=local(instant),
                                         require_data=True)
            data = get_export(fmt).render(document)
        try:
            _write_atomically(out, data)
        except (OSError, click.ClickException) as exc:
            fail(f"cannot write {out}: {getattr(exc, 'strerror', None) or exc}")
    not_met = sum(1 for row in document.main.rows if row.not_met)
    click.echo(f"{out}: {document.title} ({fmt}, {len(data):,} bytes; "
               f"{len(document.main.rows)} indicators, {not_met} not met)")


def _totals(*, period_code: str | None, unit_code: str | None, verify: bool, refresh: bool,
            rebuild: bool) -> None:
    from telcodesk.cli import EXIT_ERROR, clear_errors, now
    from telcodesk.core.changes import SOURCES
    from telcodesk.core.clock import local
    from telcodesk.quality.indicators.compute import indicator_report
    from telcodesk.quality.indicators.periods import last_complete_half, parse_period
    from telcodesk.quality.selectors import totals as totals_selectors
    from telcodesk.quality.services import totals as totals_services

    with clear_errors():
        instant = now()
        if rebuild:
            click.echo(totals_services.do_rebuild_totals(now=instant))
        elif refresh:
            click.echo(totals_services.do_refresh_totals(now=instant))
        if not verify:
            return
        found = [str(d) for source in SOURCES for d in totals_selectors.differences(source)]
        period = (parse_period(period_code) if period_code
                  else last_complete_half(local(instant).date()))
        from_totals = indicator_report(period=period, unit_code=unit_code)
        from_rows = indicator_report(period=period, unit_code=unit_code, totals=False)
        if from_totals != from_rows:
            found.append(f"the {period.code} report from the totals differs from the "
                         "report from the records")
        for source, until in totals_selectors.watermarks().items():
            click.echo(f"{source}: counted until {until.isoformat() if until else '-'}")
    for line in found:
        click.echo(f"telcodesk: difference: {line}", err=True)
    if found:
        sys.exit(EXIT_ERROR)
    click.echo(f"the daily totals agree with the records (every counted day; the "
               f"{period.code} report)")
