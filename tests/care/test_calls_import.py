"""Importing call-centre logs into hotline calls: the service, the command, the demo log.

Figures are hand-computed from ``tests/care/data`` (see test_calllog_asterisk.py
for what each line of those files means).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from telcodesk.care.calllogs.asterisk import QueueLogParser
from telcodesk.care.calllogs.numbers import normalise_caller
from telcodesk.care.errors import CareError
from telcodesk.care.models import (
    CallImportRun,
    CallLogSource,
    HotlineCall,
    HotlineQueue,
)
from telcodesk.care.selectors import calls as call_selectors
from telcodesk.care.services.calls import do_import_call_log
from telcodesk.core import phone
from telcodesk.demo.hotline_activity import DEMO_LOG_NAME, import_demo_hotline
from telcodesk.demo.hotline_traffic import QUEUES, iter_queue_log_days, write_queue_log
from tests.factories import SubscriptionFactory

DATA = Path(__file__).parent / "data"
SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = dt.datetime(2025, 9, 29, 10, 0, tzinfo=SHANGHAI)  # 1759111200
ASTERISK = "asterisk-queue-log"
FREESWITCH = "freeswitch-cc"


def copy(tmp_path: Path, name: str, as_name: str | None = None) -> Path:
    target = tmp_path / (as_name or name)
    shutil.copyfile(DATA / name, target)
    return target


def no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
def caller_a(org):
    """The customer whose mobile calls first in asterisk_events.queue_log."""
    return SubscriptionFactory(number="+8613812345678").customer


# --- the service --------------------------------------------------------------------------


def test_import_writes_one_call_per_queue_visit_and_links_customers(db, now, tmp_path,
                                                                   caller_a):
    log = copy(tmp_path, "asterisk_events.queue_log")
    result = do_import_call_log(now=now, path=str(log), fmt=ASTERISK)

    assert (result.lines_read, result.calls_added, result.calls_already_known,
            result.rejected_lines, result.linked_to_customers) == (49, 12, 0, 0, 1)
    assert result.unknown_queues == []  # the default IVR's queue names
    assert HotlineCall.objects.count() == 12
    assert Counter(HotlineCall.objects.values_list("outcome", flat=True)) == {
        "answered": 7, "abandoned": 2, "timeout": 1, "empty": 1, "key": 1}

    a = HotlineCall.objects.get(call_ref="1759111190.1")
    assert a.queue.name == "10000-mobile"
    assert a.entered_at == AT + dt.timedelta(seconds=10)
    assert a.answered_at == AT + dt.timedelta(seconds=18)
    assert a.ended_at == AT + dt.timedelta(seconds=138)
    assert (a.entered_date, a.entered_hour) == (dt.date(2025, 9, 29), 10)
    assert (a.wait_seconds, a.talk_seconds, a.agent, a.ended_by, a.entry_position) == (
        8, 120, "PJSIP/8101", "caller", 1)
    assert (a.caller, a.customer_id) == ("+8613812345678", caller_a.pk)
    b = HotlineCall.objects.get(call_ref="1759111195.3")
    assert (b.caller, b.customer_id) == ("+863517654321", None)  # fixed line, nobody's
    anonymous = HotlineCall.objects.get(call_ref="1759111280.17")
    assert anonymous.caller == ""
    transferred = HotlineCall.objects.filter(call_ref="1759111250.10").order_by("entered_at")
    assert [(c.queue.name, c.ended_by, c.transferred_to) for c in transferred] == [
        ("10000-mobile", "transfer", "10000-complaint"), ("10000-complaint", "caller", "")]

    run = CallImportRun.objects.get(pk=result.run_id)
    assert (run.lines_read, run.calls_added, run.rejected_lines, run.finished_at) == (
        49, 12, 0, now)
    source = CallLogSource.objects.get(pk=result.source_id)
    # Call .7 left the repair queue at its timeout (line 48) less than 300 s before the
    # log's last line: it may still go on into another queue, so the next read starts
    # again at its entry (line 15) and counts it once.
    lines = log.read_bytes().split(b"\n")
    assert (source.offset, source.line_number) == (sum(len(x) + 1 for x in lines[:14]), 14)
    assert source.path == str(log.resolve())
    assert call_selectors.latest_run(source.pk) == run


def test_importing_the_same_file_again_adds_nothing(db, now, tmp_path):
    log = copy(tmp_path, "asterisk_events.queue_log")
    do_import_call_log(now=now, path=str(log), fmt=ASTERISK)
    again = do_import_call_log(now=now, path=str(log), fmt=ASTERISK)
    # From the entry of call .7 on (it timed out less than 300 s before the end).
    assert (again.lines_read, again.calls_added, again.calls_already_known) == (35, 0, 8)

    # The same lines in a new file at that path (another inode): read from the start,
    # every call is recognised as already imported.
    replaced = tmp_path / "replacement"
    shutil.copyfile(log, replaced)
    os.replace(replaced, log)
    third = do_import_call_log(now=now, path=str(log), fmt=ASTERISK)
    assert third.started_over
    assert (third.lines_read, third.calls_added, third.calls_already_known) == (49, 0, 12)
    assert HotlineCall.objects.count() == 12
    assert CallImportRun.objects.count() == 3


def test_rejected_lines_are_kept_with_their_numbers_and_reasons(db, now, tmp_path):
    log = copy(tmp_path, "asterisk_quirks.queue_log")
    result = do_import_call_log(now=now, path=str(log), fmt=ASTERISK)

    assert (result.lines_read, result.calls_added, result.rejected_lines) == (44, 14, 6)
    assert result.closed_without_exit == 4
    assert result.without_entry == 1
    assert result.ignored_events == {"FOOBAR": 2}
    assert [r.line for r in result.first_rejects] == [2, 7, 10, 32, 33, 37]
    stored = call_selectors.run_rejects(result.run_id)
    assert [(r.line_number, r.reason) for r in stored] == [
        (2, "not a queue_log line (fewer than 5 fields)"),
        (7, "the time is not a Unix epoch"),
        (10, "a call event without a usable call id"),
        (32, "not UTF-8 text"),
        (33, "binary data in the line"),
        (37, "the time is out of range"),
    ]
    assert stored[0].text == "this is not a queue_log line"
    assert dict(call_selectors.reject_reasons(result.run_id))["not UTF-8 text"] == 1
    fraction = HotlineCall.objects.get(call_ref="1759111200.11")
    assert fraction.entered_at == AT + dt.timedelta(seconds=140.25)
    assert fraction.wait_seconds == 7
    assert Counter(HotlineCall.objects.values_list("outcome", flat=True))["unknown"] == 3


def test_unknown_queues_are_created_unmapped_and_listed(db, now, tmp_path):
    log = copy(tmp_path, "freeswitch_cc.csv")
    result = do_import_call_log(now=now, path=str(log), fmt=FREESWITCH)
    assert result.unknown_queues == ["billing@default", "support@default"]
    support = HotlineQueue.objects.get(name="support@default")
    assert support.skill_group is None
    assert support.first_seen_at == AT
    assert [q.name for q in call_selectors.unmapped_queues()] == ["support@default",
                                                                  "billing@default"]
    run = CallImportRun.objects.get(pk=result.run_id)
    assert run.unknown_queues == ["billing@default", "support@default"]


def test_freeswitch_csv_and_json_lines(db, now, tmp_path):
    csv_result = do_import_call_log(now=now, path=str(copy(tmp_path, "freeswitch_cc.csv")),
                                    fmt=FREESWITCH)
    assert (csv_result.lines_read, csv_result.calls_added, csv_result.rejected_lines,
            csv_result.not_queue_calls, csv_result.agent_legs) == (14, 8, 3, 1, 1)
    fixed = HotlineCall.objects.get(call_ref="m-0011")
    assert (fixed.caller, fixed.wait_seconds, fixed.talk_seconds) == ("+863517654321", 9, 60)

    jsonl = do_import_call_log(now=now, path=str(copy(tmp_path, "freeswitch_cc.jsonl")),
                               fmt=FREESWITCH)
    assert (jsonl.calls_added, jsonl.rejected_lines, jsonl.not_queue_calls) == (2, 1, 1)
    assert [r.line for r in jsonl.first_rejects] == [3]
    timeout = HotlineCall.objects.get(call_ref="mc-0002")
    assert (timeout.outcome, timeout.queue.name) == ("timeout", "support@default")

    array = do_import_call_log(now=now, path=str(copy(tmp_path, "freeswitch_cc.json")),
                               fmt=FREESWITCH)
    assert (array.calls_added, array.rejected_lines) == (3, 1)


def test_follow_keeps_calls_open_and_a_restart_completes_them(db, now, tmp_path):
    whole = (DATA / "asterisk_events.queue_log").read_bytes().split(b"\n")
    log = tmp_path / "queue_log"
    log.write_bytes(b"\n".join(whole[:14]) + b"\n")  # calls A, B and C still in a queue

    first = do_import_call_log(now=now, path=str(log), fmt=ASTERISK, follow=True,
                               stop_after_idle=1, sleep=no_sleep)
    source = CallLogSource.objects.get()
    # Line 7 is the entry of the oldest call still open (A): a restart reads from there.
    assert (source.line_number, source.offset) == (6, sum(len(x) + 1 for x in whole[:6]))
    assert first.open_calls == 3
    assert first.closed_without_exit == 0
    assert first.calls_added == 1  # D (a short abandon) ended already

    with open(log, "ab") as out:
        out.write(b"\n".join(whole[14:]))
    second = do_import_call_log(now=now, path=str(log), fmt=ASTERISK, follow=True,
                                stop_after_idle=1, sleep=no_sleep)
    assert second.from_offset == source.offset
    assert (second.calls_added, second.calls_already_known, second.open_calls) == (11, 1, 0)
    assert HotlineCall.objects.count() == 12
    assert not HotlineCall.objects.filter(outcome="unknown").exists()
    # Call .7 left the repair queue at its timeout (line 48) less than 300 s before the
    # log's last line: it may still go on into another queue, so a restart reads again
    # from its entry (line 15) to count it once.
    assert CallLogSource.objects.get().line_number == 14


def test_follow_reads_what_is_appended_while_it_runs(db, now, tmp_path):
    whole = (DATA / "asterisk_events.queue_log").read_bytes().split(b"\n")
    log = tmp_path / "queue_log"
    log.write_bytes(b"\n".join(whole[:30]) + b"\n")
    appended = []

    def grow(seconds: float) -> None:  # the telephone system writes while we wait
        if not appended:
            appended.append(True)
            with open(log, "ab") as out:
                out.write(b"\n".join(whole[30:]))

    result = do_import_call_log(now=now, path=str(log), fmt=ASTERISK, follow=True,
                                stop_after_idle=2, sleep=grow)
    assert (result.lines_read, result.calls_added, result.open_calls) == (49, 12, 0)


def test_a_large_file_is_parsed_in_a_child_process_with_the_same_result(db, now, tmp_path):
    one = do_import_call_log(now=now, path=str(copy(tmp_path, "asterisk_quirks.queue_log")),
                             fmt=ASTERISK, in_child=False)
    mine = set(HotlineCall.objects.values_list("call_ref", "queue__name", "entered_at",
                                               "outcome", "wait_seconds", "talk_seconds"))
    HotlineCall.objects.all().delete()
    two = do_import_call_log(now=now, path=str(copy(tmp_path, "asterisk_quirks.queue_log",
                                                    "copy_of_quirks")),
                             fmt=ASTERISK, in_child=True, batch_size=3)
    theirs = set(HotlineCall.objects.values_list("call_ref", "queue__name", "entered_at",
                                                 "outcome", "wait_seconds", "talk_seconds"))
    assert mine == theirs
    assert (two.calls_added, two.rejected_lines, two.closed_without_exit) == (
        one.calls_added, one.rejected_lines, one.closed_without_exit)
    assert [r.line for r in two.first_rejects] == [r.line for r in one.first_rejects]


def test_a_rotated_file_is_read_to_its_end_before_the_new_one(db, now, tmp_path):
    lines = (DATA / "asterisk_events.queue_log").read_bytes().split(b"\n")
    log = tmp_path / "queue_log"
    log.write_bytes(b"\n".join(lines[:30]) + b"\n")
    do_import_call_log(now=now, path=str(log), fmt=ASTERISK, follow=True, stop_after_idle=1,
                       sleep=no_sleep)
    # The system wrote more, then logrotate moved the file away and a new one began.
    with open(log, "ab") as out:
        out.write(b"\n".join(lines[30:]))
    log.rename(tmp_path / "queue_log.1")
    log.write_bytes(b"1759112000|9.1|10000-gov|NONE|ENTERQUEUE||13900000001|1\n"
                    b"1759112004|9.1|10000-gov|PJSIP/8501|CONNECT|4|x|1\n"
                    b"1759112064|9.1|10000-gov|PJSIP/8501|COMPLETEAGENT|4|60|1\n")

    result = do_import_call_log(now=now, path=str(log), fmt=ASTERISK)
    assert "queue_log.1" in result.started_over
    assert HotlineCall.objects.count() == 13
    assert HotlineCall.objects.get(call_ref="9.1").talk_seconds == 60
    assert CallLogSource.objects.get().line_number == 3


def test_a_missing_file_or_an_unknown_format_is_a_clear_error(db, now, tmp_path):
    with pytest.raises(CareError, match="no such file"):
        do_import_call_log(now=now, path=str(tmp_path / "nothing"), fmt=ASTERISK)
    with pytest.raises(CareError, match="unknown log format"):
        do_import_call_log(now=now, path=str(copy(tmp_path, "freeswitch_cc.csv")),
                           fmt="cisco")
    header_only = tmp_path / "cdr.csv"
    header_only.write_text("uuid,billsec\n1,2\n")
    with pytest.raises(CareError, match="no cc_queue"):
        do_import_call_log(now=now, path=str(header_only), fmt=FREESWITCH)
    assert not CallImportRun.objects.exists()


@pytest.mark.parametrize("raw", ["13812345678", "+86 138 1234 5678", "008613812345678",
                                 "8613812345678", "03517654321", "0351-7654321",
                                 "01012345678", "02112345678", "+12025550123", "12345",
                                 "10000", "95105888"])
def test_caller_numbers_are_normalised_like_everywhere_else(raw):
    try:
        expected = phone.normalize(raw)
    except phone.InvalidPhoneNumber:
        expected = None
    got = normalise_caller(raw)
    if expected is not None:
        assert got == expected
    else:
        assert got == "".join(c for c in raw if c.isdigit() or c == "+")


def test_random_mainland_numbers_take_the_fast_path_to_the_same_answer():
    rng = random.Random(5)
    for _ in range(3000):
        raw = (f"1{rng.randrange(10**10):010d}" if rng.random() < 0.5
               else f"0{rng.choice(['10', '21', '351', '755', '898'])}{rng.randrange(10**8)}")
        try:
            expected = phone.normalize(raw)
        except phone.InvalidPhoneNumber:
            expected = raw
        assert normalise_caller(raw) == expected, raw


# --- the command ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_command_prints_a_summary_and_follow_resumes_after_a_restart(run_cli, tmp_path):
    whole = (DATA / "asterisk_events.queue_log").read_bytes().split(b"\n")
    log = tmp_path / "queue_log"
    log.write_bytes(b"\n".join(whole[:14]) + b"\n")
    follow = ("calls", "import", "--format", ASTERISK, str(log), "--follow",
              "--poll-seconds", "0", "--stop-after-idle", "1")

    first = run_cli(*follow)
    assert first.returncode == 0, first.stderr
    assert "calls added: 1; already imported: 0" in first.stdout
    assert "calls still in a queue: 3 (the next run completes them)" in first.stdout

    with open(log, "ab") as out:
        out.write(b"\n".join(whole[14:]))
    second = run_cli(*follow)
    assert second.returncode == 0, second.stderr
    assert "calls added: 11; already imported: 1" in second.stdout
    assert "calls still in a queue" not in second.stdout

    # The last minutes again (a call that timed out may still go on): nothing added.
    third = run_cli("calls", "import", "--format", ASTERISK, str(log))
    assert "read 35 lines" in third.stdout
    assert "calls added: 0; already imported: 8" in third.stdout


@pytest.mark.django_db(transaction=True)
def test_command_lists_rejects_and_unknown_queues(run_cli, tmp_path):
    quirks = run_cli("calls", "import", "--format", ASTERISK,
                     str(copy(tmp_path, "asterisk_quirks.queue_log")))
    assert quirks.returncode == 0, quirks.stderr
    assert "rejected lines: 6" in quirks.stdout
    assert "  line 2: not a queue_log line (fewer than 5 fields)" in quirks.stdout
    assert "  line 37: the time is out of range" in quirks.stdout
    assert "closed without an exit line: 4" in quirks.stdout
    assert "events of unknown names, ignored: FOOBAR 2" in quirks.stdout

    cdrs = run_cli("calls", "import", "--format", FREESWITCH,
                   str(copy(tmp_path, "freeswitch_cc.csv")))
    assert cdrs.returncode == 0, cdrs.stderr
    assert ("queues not mapped to a skill group: billing@default, support@default"
            in cdrs.stdout)
    assert "map them on the IVR and skill groups page" in cdrs.stdout


def test_command_refuses_a_missing_file_and_an_unknown_format_in_one_line(run_cli, tmp_path):
    missing = run_cli("calls", "import", "--format", ASTERISK, str(tmp_path / "none"))
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        f"telcodesk: error: no such file: {tmp_path / 'none'}"]
    unknown = run_cli("calls", "import", "--format", "cisco", str(tmp_path / "none"))
    assert unknown.returncode == 1
    assert unknown.stderr.strip().splitlines() == [
        "telcodesk: error: unknown format 'cisco': use asterisk-queue-log or freeswitch-cc"]


# --- the demo's traffic -------------------------------------------------------------------


def test_generated_traffic_is_deterministic_and_streams_to_a_line_limit(tmp_path):
    start = dt.datetime(2025, 3, 1, tzinfo=SHANGHAI)
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_queue_log(first, start=start, days=5, calls_per_day=80, seed=1)
    write_queue_log(second, start=start, days=5, calls_per_day=80, seed=1)
    write_queue_log(other, start=start, days=5, calls_per_day=80, seed=2)
    assert first.read_bytes() == second.read_bytes() != other.read_bytes()
    assert write_queue_log(tmp_path / "d", start=start, days=5, calls_per_day=80, seed=1,
                           max_lines=1000) == 1000
    assert len((tmp_path / "d").read_bytes().splitlines()) == 1000


def test_generated_traffic_looks_like_the_report(tmp_path):
    start = dt.datetime(2025, 3, 3, tzinfo=SHANGHAI)  # a Monday
    parser = QueueLogParser()
    line = 1
    for day in iter_queue_log_days(start=start, days=56, calls_per_day=250, seed=7,
                                   numbers=["+8613812345678"]):
        encoded = [text[:-1].encode() for text in day]
        parser.feed(encoded, line, 0)
        line += len(encoded)
    parser.finish()
    visits = parser.finished
    assert parser.rejects == [] and not parser.stats.ignored_events
    assert {v.queue for v in visits} == set(QUEUES)
    answered = [v for v in visits if v.outcome == "answered"]
    short = [v for v in visits if v.outcome == "abandoned" and v.wait <= 5]
    asked = [v for v in visits if v.outcome != "unknown"]
    average = sum(v.wait for v in answered) / len(answered)
    timely = sum(1 for v in answered if v.wait <= 15) / (len(asked) - len(short))
    abandoned = sum(1 for v in visits if v.outcome == "abandoned") / len(visits)
    assert 5.5 <= average <= 9, average
    assert 0.86 <= timely <= 0.95, timely
    assert 0.02 <= abandoned <= 0.07, abandoned
    assert {"timeout", "empty", "key"} <= {v.outcome for v in visits}
    assert any(v.ended_by == "transfer" for v in visits)
    local = [dt.datetime.fromtimestamp(v.entered, SHANGHAI) for v in visits]
    by_weekday = Counter(d.weekday() for d in local)
    by_hour = Counter(d.hour for d in local)
    assert by_weekday[0] > 1.15 * by_weekday[2] > 1.15 * by_weekday[6]
    assert by_hour[10] > 5 * by_hour[3]
    assert any(v.caller == "13812345678" for v in visits)


def test_demo_hotline_is_imported_and_linked_to_subscribers(db, now, tmp_path, caller_a):
    result = import_demo_hotline(now=now, var_dir=tmp_path, numbers=["+8613812345678"],
                                 days=7, calls_per_day=60)
    assert (tmp_path / DEMO_LOG_NAME).exists()
    assert result.calls_added == HotlineCall.objects.count() > 300
    assert result.rejected_lines == 0
    assert HotlineCall.objects.filter(customer=caller_a).exists()
    latest = HotlineCall.objects.order_by("-entered_at").first()
    assert latest is not None and latest.entered_at < now
