"""``telcodesk calls import``: read an Asterisk queue_log or FreeSWITCH CDRs into hotline calls."""

from __future__ import annotations

import click

from telcodesk.commands.calls import calls

FORMATS = ("asterisk-queue-log", "freeswitch-cc")


def _count(n: int) -> str:
    return f"{n:,}"


@calls.command("import")
@click.option("--format", "fmt", required=True, metavar="FORMAT",
              help="asterisk-queue-log (queue_log lines) or freeswitch-cc "
                   "(mod_callcenter CDRs as CSV with a header row, or JSON).")
@click.argument("file")
@click.option("--follow", is_flag=True,
              help="Keep reading as the file grows (like tail -F); stop with Ctrl-C. The "
                   "position is kept, so a restart goes on where this run stopped.")
@click.option("--poll-seconds", type=click.FloatRange(0), default=1.0, show_default=True,
              help="With --follow: seconds between looks at the file's end.")
@click.option("--stop-after-idle", type=click.IntRange(1), default=None, metavar="N",
              help="With --follow: stop once the file has not grown for N polls (for "
                   "tests and scripts).")
def calls_import(fmt: str, file: str, follow: bool, poll_seconds: float,
                 stop_after_idle: int | None) -> None:
    """Import the call-centre log FILE: one hotline call per queue visit.

    Reading starts where the last import of FILE stopped; lines read again add
    nothing. Lines that cannot be read are counted and listed with their numbers.
    """
    from telcodesk.cli import clear_errors, fail, install_stop_handler, now, setup_django

    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}: use {' or '.join(FORMATS)}")
    setup_django()
    from telcodesk.care.services.calls import do_import_call_log
    from telcodesk.core import clock

    with clear_errors():
        if follow:
            stop = install_stop_handler()
            result = do_import_call_log(
                now=now(), path=file, fmt=fmt, follow=True, poll_seconds=poll_seconds,
                stop_after_idle=stop_after_idle, should_stop=stop.is_set, clock=clock.now,
                sleep=stop.wait)
        else:
            result = do_import_call_log(now=now(), path=file, fmt=fmt, clock=clock.now)
    for line in summary_lines(result):
        click.echo(line)


def summary_lines(result: object) -> list[str]:
    """The run's summary as the command prints it."""
    from telcodesk.care.services.calls import ImportResult
    from telcodesk.core.phone import mask_in_text

    assert isinstance(result, ImportResult)
    r = result
    lines = [f"read {_count(r.lines_read)} lines of {r.path} ({r.fmt}), "
             f"bytes {_count(r.from_offset)} to {_count(r.to_offset)}"]
    if r.started_over:
        lines.append(f"note: {r.started_over}")
    completed = (f" ({_count(r.calls_completed)} of them completed with their exit line)"
                 if r.calls_completed else "")
    lines.append(f"calls added: {_count(r.calls_added)}; already imported: "
                 f"{_count(r.calls_already_known)}{completed}; linked to customers: "
                 f"{_count(r.linked_to_customers)}")
    if r.rejected_lines:
        lines.append(f"rejected lines: {_count(r.rejected_lines)} (kept with the import run "
                     f"#{r.run_id}; the first {len(r.first_rejects)}:)")
        for reject in r.first_rejects[:10]:
            lines.append(f"  line {reject.line}: {reject.reason}: "
                         f"{mask_in_text(reject.text)[:100]}")
    else:
        lines.append("rejected lines: 0")
    extras = []
    if r.closed_without_exit:
        extras.append(f"closed without an exit line: {_count(r.closed_without_exit)}")
    if r.without_entry:
        extras.append(f"lines of calls whose entry was not read: {_count(r.without_entry)}")
    if r.not_queue_calls:
        extras.append(f"not queue calls: {_count(r.not_queue_calls)}")
    if r.agent_legs:
        extras.append(f"agent legs: {_count(r.agent_legs)}")
    if extras:
        lines.append("; ".join(extras))
    if r.ignored_events:
        names = ", ".join(f"{name} {_count(n)}" for name, n in r.ignored_events.items())
        lines.append(f"events of unknown names, ignored: {names}")
    if r.unknown_queues:
        lines.append(f"queues not mapped to a skill group: {', '.join(r.unknown_queues)} -- "
                     "their calls are counted for the queue; map them on the IVR and skill "
                     "groups page")
    if r.open_calls:
        lines.append(f"calls still in a queue: {_count(r.open_calls)} (the next run "
                     "completes them)")
    return lines
