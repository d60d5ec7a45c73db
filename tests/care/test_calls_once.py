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

import pytest

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
    assert HotlineCall.objects.filter(counted=False).exists()  # calls through two queues

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


def test_the_migrations_remove_copies_and_count_each_call_once(transactional_db, now):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("care", "0003_complaints")]
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
    # A call that timed out of one queue and was answered in another 10 s later.
    Call.objects.create(source=sources[0], **{
        **visit, "call_ref": "2.1", "outcome": "timeout", "wait_seconds": 30,
        "ended_at": now + dt.timedelta(seconds=30)})
    Call.objects.create(source=sources[0], **{
        **visit, "call_ref": "2.1", "entered_at": now + dt.timedelta(seconds=40),
        "answered_at": now + dt.timedelta(seconds=45), "wait_seconds": 5})

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert sorted(HotlineCall.objects.filter(call_ref__startswith="1.")
                  .values_list("pk", "call_ref")) == [(first.pk, "1.1"), (first.pk + 2, "1.2")]
    assert list(HotlineCall.objects.filter(call_ref="2.1").order_by("entered_at").values_list(
        "counted", "call_outcome", "call_wait_seconds")) == [
        (True, "answered", 45), (False, "answered", 5)]


# --- files that are not logs, values that do not fit -----------------------------------------


def not_logs(tmp_path: Path) -> list[Path]:
    import io
    import struct
    import zipfile
    import zlib

    noise = random.Random(3).randbytes(6000)
    png = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR"
           + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0) + zlib.compress(b"\0" * 64))
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("queue_log", "1759111210|1.1|10000-mobile|NONE|ENTERQUEUE||1|1\n" * 50)
    files = {"noise.bin": noise, "photo.png": png, "queue_log.zip": packed.getvalue()}
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    return paths


@pytest.mark.django_db(transaction=True)
def test_the_command_refuses_a_file_that_is_not_a_log_in_one_line(run_cli, tmp_path):
    for path in not_logs(tmp_path):
        for fmt in (ASTERISK, FREESWITCH):
            refused = run_cli("calls", "import", "--format", fmt, str(path))
            assert refused.returncode != 0, (path.name, fmt, refused.stdout)
            lines = refused.stderr.strip().splitlines()
            assert len(lines) == 1, (path.name, fmt, refused.stderr)
            assert lines[0].startswith(f"telcodesk: error: {path}"), lines
            assert "Traceback" not in refused.stderr
    counted = run_cli("manage", "shell", "-c",
                      "from telcodesk.care.models import CallImportRun, CallLogSource;"
                      "print(CallImportRun.objects.count(), CallLogSource.objects.count())")
    assert counted.stdout.strip().splitlines()[-1].split() == ["0", "0"], counted.stderr


def test_a_header_followed_by_noise_is_refused_and_leaves_nothing(db, now, tmp_path):
    from telcodesk.care.errors import CareError
    from telcodesk.care.models import CallImportRun

    noise = random.Random(3).randbytes(6000)
    path = write(tmp_path / "Master.csv", [b"cc_queue,cc_queue_joined_epoch\n", noise])
    with pytest.raises(CareError, match="not FreeSWITCH mod_callcenter CDRs"):
        do_import_call_log(now=now, path=path, fmt=FREESWITCH)
    assert not CallImportRun.objects.exists()
    assert not CallLogSource.objects.exists()


def test_a_log_with_some_unreadable_lines_is_still_imported(db, now, tmp_path):
    lines = queue_log(tmp_path)[:200]
    garbage = random.Random(4).randbytes(300).replace(b"\n", b"")
    path = write(tmp_path / "queue_log", [garbage + b"\n", *lines])
    result = do_import_call_log(now=now, path=path, fmt=ASTERISK)
    assert result.calls_added > 10
    assert [r.line for r in result.first_rejects] == [1]


def test_values_longer_than_their_column_are_refused_with_the_line_number(db, now, tmp_path):
    long_agent = "PJSIP/" + "8" * 75
    path = write(tmp_path / "queue_log", [
        b"1759111210|1.1|10000-mobile|NONE|ENTERQUEUE||13812345678|1\n",
        f"1759111214|1.1|10000-mobile|{long_agent}|CONNECT|4|x|1\n".encode(),
        b"1759111216|1.2|" + b"q" * 81 + b"|NONE|ENTERQUEUE||13812345678|1\n",
        b"1759111218|" + b"9" * 81 + b"|10000-mobile|NONE|ENTERQUEUE||13812345678|1\n",
        b"1759111219|1.3|10000-mobile|NONE|ENTERQUEUE||" + b"1" * 40 + b"|1\n",
        b"1759111220|1.4|10000-mobile|NONE|ENTERQUEUE||13900000000|1\n",
        b"1759111222|1.4|10000-mobile|PJSIP/1|CONNECT|2|x|1\n",
        b"1759111230|1.4|10000-mobile|PJSIP/1|BLINDTRANSFER|" + b"7" * 81 + b"|ctx|2|8|1\n",
        b"1759111240|1.1|10000-mobile|PJSIP/8101|CONNECT|30|x|1\n",
        b"1759111300|1.1|10000-mobile|PJSIP/8101|COMPLETECALLER|30|60|1\n",
    ])
    result = do_import_call_log(now=now, path=path, fmt=ASTERISK)
    assert [(r.line, r.reason) for r in result.first_rejects] == [
        (2, "the agent name longer than 80 characters"),
        (3, "the queue name longer than 80 characters"),
        (4, "the call id is longer than 80 characters"),
        (5, "the caller number longer than 31 characters"),
        (8, "the transfer target longer than 80 characters"),
    ]
    # Nothing was stored cut: the call whose CONNECT was refused took its next one.
    call = HotlineCall.objects.get(call_ref="1.1")
    assert (call.agent, call.wait_seconds, call.talk_seconds) == ("PJSIP/8101", 30, 60)
    assert set(HotlineCall.objects.values_list("call_ref", flat=True)) == {"1.1", "1.4"}


def test_freeswitch_values_longer_than_their_column_are_refused(db, now, tmp_path):
    header = cdr_csv(calls=0)[0]
    path = write(tmp_path / "Master.csv", [
        header,
        b"u-1,13812345678,support@default,member,m-1,1759111200,1759111206,1759111326,,,"
        b"answered," + b"a" * 81 + b"@default,recv_bye\n",
        b"u-2,13812345678,support@default,member,m-2,1759111200,1759111206,1759111326,,,"
        b"answered,1001@default,recv_bye\n",
        b"u-3," + b"1" * 40 + b",support@default,member,m-3,1759111200,,,1759111210,"
        b"BREAK_OUT,cancel,,recv_cancel\n",
        b"u-4,13812345678,support@default,member,m-4,1759111200,,,1759111210,\r"
        b"BREAK_OUT,cancel,,recv_cancel\n",
    ])
    result = do_import_call_log(now=now, path=path, fmt=FREESWITCH)
    assert [(r.line, r.reason) for r in result.first_rejects][:3] == [
        (2, "the agent name longer than 80 characters"),
        (4, "the caller number longer than 31 characters"),
        (5, "not a CSV row (new-line character seen in unquoted field - do you need to "
            "open the file in universal-newline mode?)"),
    ]
    assert list(HotlineCall.objects.values_list("call_ref", flat=True)) == ["m-2"]


# --- a call through several queues counts once ------------------------------------------------

T = 1759111200  # 2025-09-29 10:00 in Shanghai


def chained_log(tmp_path: Path) -> str:
    lines = [
        # A: times out of the mobile queue after 30 s, answered in complaints 10 s later.
        f"{T}|A.1|10000-mobile|NONE|ENTERQUEUE||13812345678|1",
        f"{T + 30}|A.1|10000-mobile|NONE|EXITWITHTIMEOUT|1|1|30",
        f"{T + 31}|A.1|10000-complaint|NONE|ENTERQUEUE||13812345678|1",
        f"{T + 41}|A.1|10000-complaint|PJSIP/8401|CONNECT|10|x|1",
        f"{T + 101}|A.1|10000-complaint|PJSIP/8401|COMPLETECALLER|10|60|1",
        # B: answered in mobile after 5 s, transferred to repair, answered there too.
        f"{T + 100}|B.1|10000-mobile|NONE|ENTERQUEUE||13900001111|1",
        f"{T + 105}|B.1|10000-mobile|PJSIP/8101|CONNECT|5|x|1",
        f"{T + 165}|B.1|10000-mobile|PJSIP/8101|BLINDTRANSFER|10000-repair|ctx|5|60|1",
        f"{T + 165}|B.1|10000-repair|NONE|ENTERQUEUE||13900001111|1",
        f"{T + 185}|B.1|10000-repair|PJSIP/8301|CONNECT|20|x|1",
        f"{T + 245}|B.1|10000-repair|PJSIP/8301|COMPLETEAGENT|20|60|1",
        # C: the mobile queue is empty, the caller then hangs up in fixed after 3 s.
        f"{T + 200}|C.1|10000-mobile|NONE|ENTERQUEUE||13900002222|1",
        f"{T + 201}|C.1|10000-mobile|NONE|EXITEMPTY|1|1|1",
        f"{T + 202}|C.1|10000-fixed|NONE|ENTERQUEUE||13900002222|1",
        f"{T + 205}|C.1|10000-fixed|NONE|ABANDON|1|1|3",
        # D: times out, and its call id comes back only after 10 minutes: a new call.
        f"{T + 300}|D.1|10000-vip|NONE|ENTERQUEUE||13900003333|1",
        f"{T + 320}|D.1|10000-vip|NONE|EXITWITHTIMEOUT|1|1|20",
        f"{T + 920}|D.1|10000-vip|NONE|ENTERQUEUE||13900003333|1",
        f"{T + 924}|D.1|10000-vip|PJSIP/8601|CONNECT|4|x|1",
        f"{T + 984}|D.1|10000-vip|PJSIP/8601|COMPLETECALLER|4|60|1",
    ]
    return write(tmp_path / "queue_log", [f"{line}\n".encode() for line in lines])


def group_figures() -> dict[str, dict[str, object]]:
    day = dt.date(2025, 9, 29)
    report = hotline_report(start=day, end=day + dt.timedelta(days=1))
    return {row.group_code or "-": row.as_dict() for row in report["group"].rows} | {
        "total": report["group"].total.as_dict()}


@pytest.mark.parametrize("batch_size", [1, 50_000])
def test_a_call_through_several_queues_counts_once_from_its_first_entry(db, now, tmp_path,
                                                                       batch_size):
    do_import_call_log(now=now, path=chained_log(tmp_path), fmt=ASTERISK,
                       batch_size=batch_size)
    assert HotlineCall.objects.count() == 8  # every visit is kept, for the call pages
    figures = group_figures()
    total = figures["total"]
    # A, B, C and the two calls of D; each call once.
    assert (total["offered"], total["answered"], total["abandoned"], total["timeout"],
            total["empty"], total["key"], total["unknown"]) == (5, 3, 1, 1, 0, 0, 0)
    # A counts where it first asked for an agent, answered 41 s after that first entry.
    mobile = figures["mobile"]
    assert (mobile["offered"], mobile["answered"], mobile["abandoned"]) == (3, 2, 1)
    assert mobile["answer_wait_total"] == 41 + 5
    assert mobile["longest_wait_seconds"] == 41
    assert figures["complaint"]["offered"] == figures["repair"]["offered"] == 0
    assert figures["fixed"]["offered"] == 0
    # C waited 5 s in all from its first entry: a short abandon (grace: at most 5 s).
    assert mobile["abandoned_in_grace"] == 1
    vip = figures["vip"]
    assert (vip["offered"], vip["answered"], vip["timeout"]) == (2, 1, 1)
    for row in figures.values():
        assert row["offered"] == (row["answered"] + row["abandoned"] + row["timeout"]
                                  + row["empty"] + row["key"] + row["unknown"])


def test_a_call_through_several_queues_counts_once_when_read_twice(db, now, tmp_path):
    path = chained_log(tmp_path)
    do_import_call_log(now=now, path=path, fmt=ASTERISK)
    once = group_figures()
    lines = Path(path).read_bytes().splitlines(keepends=True)
    # A first part that stops while A waits in its second queue, then the whole.
    forget_imports()
    import_(write(tmp_path / "part", lines[:4]), ASTERISK, now)
    import_(write(tmp_path / "whole", lines), ASTERISK, now)
    assert group_figures() == once
    # And the whole first, an old part after it: the part changes nothing.
    forget_imports()
    import_(write(tmp_path / "whole2", lines), ASTERISK, now)
    import_(write(tmp_path / "part2", lines[:4]), ASTERISK, now)
    assert group_figures() == once


def test_a_log_given_as_the_other_format_is_refused_naming_the_file(db, now, tmp_path):
    from telcodesk.care.errors import CareError
    from telcodesk.care.models import CallImportRun

    queue_log_path = chained_log(tmp_path)
    with pytest.raises(CareError, match=f"^{queue_log_path}: the CSV header names no cc_queue"):
        do_import_call_log(now=now, path=queue_log_path, fmt=FREESWITCH)
    cdrs = write(tmp_path / "Master.csv", cdr_csv(calls=20))
    with pytest.raises(CareError, match="not an Asterisk queue_log: no line of the first"):
        do_import_call_log(now=now, path=cdrs, fmt=ASTERISK)
    assert not CallImportRun.objects.exists()
    assert not CallLogSource.objects.exists()


def test_one_shot_imports_of_a_growing_log_complete_the_calls_left_waiting(db, now,
                                                                          tmp_path):
    """Cron runs ``calls import`` every few minutes on the log Asterisk is writing."""
    lines = queue_log(tmp_path)
    import_(write(tmp_path / "whole", lines), ASTERISK, now)
    once = figures()

    forget_imports()
    log = tmp_path / "queue_log"
    busy = START.timestamp() + 34.5 * 3600
    # Cut just after a call entered a queue: it is stored as "no exit recorded".
    cut = 1 + next(n for n, line in enumerate(lines)
                   if int(line.split(b"|")[0]) >= busy and b"|ENTERQUEUE|" in line)
    import_(write(log, lines[:cut]), ASTERISK, now)
    assert HotlineCall.objects.filter(outcome="unknown").exists()
    with open(log, "ab") as grown:
        grown.write(b"".join(lines[cut:]))
    import_(str(log), ASTERISK, now)
    assert figures() == once
