"""``telcodesk calls stats``: the hotline figures of a period, as a table or JSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from telcodesk.commands.calls import calls

GROUPINGS = ("group", "queue", "day", "hour")

# offered = answered + abandoned + timeout + queue empty + key exit + no exit recorded.
COLUMNS = ("offered", "answered", "abandoned", "timeout", "queue empty", "key exit",
           "no exit recorded", "abandoned ≤ grace", "avg answer s", "within threshold",
           "timeliness", "answer rate", "longest wait s")


def _percent(value: float | None) -> str:
    return "no calls" if value is None else f"{value * 100:.1f}%"


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _label(by: str, row: Any) -> str:
    if by == "day":
        return row.day.isoformat()
    if by == "hour":
        return f"{row.hour:02d}:00"
    if by == "queue":
        return f"{row.queue} ({row.group_code or 'unmapped'})"
    return row.group_code or "(queues not mapped to a group)"


def _cells(row: Any) -> list[str]:
    return [str(row.offered), str(row.answered), str(row.abandoned), str(row.timeout),
            str(row.empty), str(row.key), str(row.unknown), str(row.abandoned_in_grace),
            _seconds(row.avg_answer_seconds), str(row.answered_in_threshold),
            _percent(row.timeliness_rate), _percent(row.answer_rate),
            "–" if row.longest_wait_seconds is None else str(row.longest_wait_seconds)]


def _print_table(figures: Any) -> None:
    heading = figures.by
    lines = [[heading, *COLUMNS]]
    lines += [[_label(figures.by, row), *_cells(row)] for row in figures.rows]
    lines.append(["total", *_cells(figures.total)])
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]

    def render(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    last_day = (figures.end - dt.timedelta(microseconds=1)).date()
    scope = []
    if figures.group is not None:
        scope.append(f"group {figures.group.code}")
    if figures.queue is not None:
        scope.append(f"queue {figures.queue.name}")
    click.echo(f"hotline figures {figures.start.date()} to {last_day} (inclusive)"
               + (f", {', '.join(scope)}" if scope else "")
               + f"; grace {figures.grace_seconds:g} s, short abandons "
               + ("excluded from" if figures.exclude_short_abandons else "counted in")
               + " the timeliness base")
    click.echo(render(lines[0]))
    click.echo("  ".join("-" * w for w in widths))
    for line in lines[1:-1]:
        click.echo(render(line))
    click.echo("  ".join("-" * w for w in widths))
    click.echo(render(lines[-1]))


@calls.command("stats")
@click.option("--from", "start", metavar="DATE",
              help="First day counted (YYYY-MM-DD, operator's time zone). Default: the first "
                   "day of the last complete month.")
@click.option("--to", "end", metavar="DATE",
              help="Last day counted, INCLUSIVE (YYYY-MM-DD): --from 2025-09-01 --to "
                   "2025-09-30 is September. Default: the last day of the last complete month.")
@click.option("--group", "group", metavar="CODE", help="Only this skill group (e.g. mobile).")
@click.option("--queue", "queue", metavar="NAME", help="Only this queue (e.g. 10000-repair).")
@click.option("--by", "by", type=click.Choice(GROUPINGS), default="group", show_default=True,
              help="One row per skill group, queue, day, or hour of the day.")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table",
              show_default=True,
              help="table: aligned text with rates in percent; json: raw numbers with rates "
                   "as fractions of 1 (null when there were no calls).")
def calls_stats(start: str | None, end: str | None, group: str | None, queue: str | None,
                by: str, output: str) -> None:
    """Print the hotline figures: calls offered (each call once, however many queues it
    went through), answered, abandoned, timeout, queue empty, key exit and no exit
    recorded (these add up to offered), abandoned within the grace period, average
    answer time, answered within the group's threshold, timeliness
    (应答及时率), answer rate, longest wait. Definitions: docs/hotline.md."""
    from telcodesk.cli import clear_errors, fail, now, parse_date, setup_django

    setup_django()
    from telcodesk.care.selectors.hotline_stats import hotline_figures, last_complete_month
    from telcodesk.core.clock import local

    default_from, default_to = last_complete_month(local(now()).date())
    first = parse_date(start) if start else default_from
    last = parse_date(end) if end else default_to - dt.timedelta(days=1)
    if last < first:
        fail(f"--to {last} is before --from {first}")
    with clear_errors():
        figures = hotline_figures(start=first, end=last + dt.timedelta(days=1), group=group,
                                  queue=queue, by=by)  # type: ignore[arg-type]
        if output == "json":
            click.echo(json.dumps(figures.as_dict(), ensure_ascii=False, indent=2))
        else:
            _print_table(figures)
