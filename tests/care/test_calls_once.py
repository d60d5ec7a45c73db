"""A call is stored and counted once, whatever the name of the file it came from.

The hotline figures of a log imported twice under two names (a copy, a rotated
log that overlaps the previous one, a longer log that holds the first one) are
those of one import: Asterisk ``queue_log`` and FreeSWITCH CDRs.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from zoneinfo import ZoneInfo

from telcodesk.care.models import CallLogSource, HotlineCall
from telcodesk.care.selectors.hotline_stats import hotline_report
from telcodesk.care.services.calls import do_import_call_log
from telcodesk.demo.hotline_traffic import write_queue_log

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2025, 3, 3, tzinfo=SHANGHAI)
DAYS = 3
ASTERISK = "asterisk-queue-log"
FREESWITCH = "freeswitch-cc"


def figures() -> dict[str, object]:
    """Every hotline figure of the period, by group, queue, day and hour."""
    report = hotline_report(start=START.date(), end=START.date() + dt.timedelta(days=DAYS))
    return {by: found.as_dict() for by, found in report.items()}


def forget_imports() -> None:
    HotlineCall.objects.all().delete()
    CallLogSource.objects.all().delete()


def queue_log(tmp_path: Path) -> list[bytes]:
    path = tmp_path / "generated"
    write_queue_log(path, start=START, days=DAYS, calls_per_day=120, seed=11)
    return path.read_bytes().splitlines(keepends=True)


def cdr_csv(seed: int = 5, calls: int = 240) -> list[bytes]:
    """A mod_callcenter CSV: answered, abandoned, timed-out, empty and key exits."""
    rng = random.Random(seed)
    lines = [b"uuid,caller_id_number,cc_queue,cc_side,cc_member_uuid,cc_queue_joined_epoch,"
             b"cc_queue_answered_epoch,cc_queue_terminated_epoch,cc_queue_canceled_epoch,"
             b"cc_cancel_reason,cc_cause,cc_agent,sip_hangup_disposition\n"]
    joined = int(START.timestamp()) + 8 * 3600
    for n in range(calls):
        joined += rng.randint(20, 900)
        wait = rng.randint(0, 40)
        kind = rng.choice(["answered"] * 6 + ["BREAK_OUT", "TIMEOUT", "NO_AGENT_TIMEOUT",
                                              "EXIT_WITH_KEY"])
        queue = rng.choice(["support@default", "billing@default"])
        if kind == "answered":
            row = (f"u-{n},1381234{n:04d},{queue},member,m-{n},{joined},{joined + wait},"
                   f"{joined + wait + 90},,,answered,10{n % 7}@default,recv_bye")
        else:
            row = (f"u-{n},1391234{n:04d},{queue},member,m-{n},{joined},,,{joined + wait},"
                   f"{kind},cancel,,recv_cancel")
        lines.append(row.encode() + b"\n")
    return lines


def write(path: Path, lines: list[bytes]) -> str:
    path.write_bytes(b"".join(lines))
    return str(path)


def import_(path: str, fmt: str, now: dt.datetime) -> None:
    do_import_call_log(now=now, path=path, fmt=fmt)


def test_a_queue_log_imported_under_two_names_counts_once(db, now, tmp_path):
    lines = queue_log(tmp_path)
    import_(write(tmp_path / "queue_log", lines), ASTERISK, now)
    once, stored = figures(), HotlineCall.objects.count()
    assert once["group"]["total"]["offered"] > 300

    second = do_import_call_log(now=now, path=write(tmp_path / "queue_log.copy", lines),
                                fmt=ASTERISK)
    assert (second.calls_added, second.calls_already_known) == (0, stored)
    assert HotlineCall.objects.count() == stored
    assert figures() == once


def test_a_longer_queue_log_that_holds_the_first_counts_each_call_once(db, now, tmp_path):
    lines = queue_log(tmp_path)
    import_(write(tmp_path / "whole", lines), ASTERISK, now)
    once, stored = figures(), HotlineCall.objects.count()

    # Read a first part (cut while calls were in a queue, so their exits are missing),
    # then the whole log under another name (logrotate's copy, an archive …).
    forget_imports()
    busy = START.timestamp() + 34.5 * 3600  # the second day, 10:30: calls are waiting
    half = next(n for n, line in enumerate(lines) if int(line.split(b"|")[0]) >= busy)
    import_(write(tmp_path / "queue_log", lines[:half]), ASTERISK, now)
    assert HotlineCall.objects.filter(ended_at__isnull=True).exists()
    result = do_import_call_log(now=now, path=write(tmp_path / "queue_log-20250306", lines),
                                fmt=ASTERISK)
    assert result.calls_completed > 0
    assert HotlineCall.objects.count() == stored
    assert figures() == once

    # An overlapping log (the second half, and the first half again) adds nothing.
    import_(write(tmp_path / "overlap", lines[half // 2:]), ASTERISK, now)
    assert figures() == once


def test_freeswitch_cdrs_under_two_names_and_a_superset_count_once(db, now, tmp_path):
    lines = cdr_csv()
    import_(write(tmp_path / "Master.csv", lines), FREESWITCH, now)
    once, stored = figures(), HotlineCall.objects.count()
    assert (once["group"]["total"]["offered"], stored) == (240, 240)

    import_(write(tmp_path / "Master.csv.1", lines), FREESWITCH, now)
    assert HotlineCall.objects.count() == stored
    assert figures() == once

    forget_imports()
    import_(write(tmp_path / "first.csv", lines[:100]), FREESWITCH, now)
    import_(write(tmp_path / "all.csv", lines), FREESWITCH, now)
    assert HotlineCall.objects.count() == stored
    assert figures() == once


def test_the_migration_removes_the_copies_the_old_key_let_in(transactional_db, now):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("care", "0003_complaints")], [("care", "0004_calls_idempotent_by_call")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    queue = old.get_model("care", "HotlineQueue").objects.create(name="10000-x",
                                                                 first_seen_at=now)
    Source = old.get_model("care", "CallLogSource")
    Call = old.get_model("care", "HotlineCall")
    sources = [Source.objects.create(path=name, fmt=ASTERISK, created_at=now, updated_at=now)
               for name in ("/var/log/queue_log", "/tmp/queue_log.copy")]
    visit = {"call_ref": "1.1", "queue": queue, "entered_at": now,
             "entered_date": now.date(), "entered_hour": 10, "outcome": "answered",
             "wait_seconds": 4}
    first = Call.objects.create(source=sources[0], **visit)
    Call.objects.create(source=sources[1], **visit)
    Call.objects.create(source=sources[1], **{**visit, "call_ref": "1.2"})

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    assert sorted(HotlineCall.objects.values_list("pk", "call_ref")) == [
        (first.pk, "1.1"), (first.pk + 2, "1.2")]
