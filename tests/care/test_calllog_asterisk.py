"""Reading Asterisk queue_log files: every event kind and the quirks of real logs.

The figures are computed by hand from the files in ``tests/care/data`` (times
are offsets from 1759111200 = 2025-09-29 10:00 Shanghai).
"""

from __future__ import annotations

from pathlib import Path

from telcodesk.care.calllogs.asterisk import QueueLogParser
from telcodesk.care.calllogs.reader import LogReader
from telcodesk.care.calllogs.records import CallVisit

DATA = Path(__file__).parent / "data"
T = 1759111200


def parse(name: str, **kwargs: int) -> tuple[QueueLogParser, list[CallVisit]]:
    parser = QueueLogParser(**kwargs)
    visits: list[CallVisit] = []
    with open(DATA / name, "rb") as handle:
        reader = LogReader(handle, offset=0, line=0, chunk_size=200)  # small blocks on purpose
        while (block := reader.read(final=True)) is not None:
            parser.feed(block.lines, block.first_line, block.first_offset)
            visits += parser.finished
            parser.finished = []
    parser.finish()
    visits += parser.finished
    return parser, visits


def by_call(visits: list[CallVisit]) -> dict[tuple[str, str], CallVisit]:
    return {(v.call_ref, v.queue): v for v in visits}


def test_every_event_kind_gives_the_hand_computed_visits():
    parser, visits = parse("asterisk_events.queue_log")
    calls = by_call(visits)
    assert len(visits) == 12
    outcomes = sorted(v.outcome for v in visits)
    assert outcomes == ["abandoned", "abandoned", "answered", "answered", "answered",
                        "answered", "answered", "answered", "answered", "empty", "key",
                        "timeout"]
    a = calls["1759111190.1", "10000-mobile"]
    assert (a.entered - T, a.answered - T, a.ended - T) == (10, 18, 138)
    assert (a.wait, a.talk, a.agent, a.ended_by, a.position) == (8, 120, "PJSIP/8101",
                                                                 "caller", 1)
    assert a.caller == "13812345678"
    b = calls["1759111195.3", "10000-fixed"]
    assert (b.wait, b.talk, b.ended_by, b.caller) == (5, 60, "agent", "03517654321")
    assert calls["1759111200.5", "10000-mobile"].outcome == "abandoned"
    assert calls["1759111200.5", "10000-mobile"].wait == 40
    assert calls["1759111210.6", "10000-repair"].wait == 3
    timeout = calls["1759111220.7", "10000-repair"]
    assert (timeout.outcome, timeout.wait, timeout.ended - T) == ("timeout", 180, 230)
    assert calls["1759111230.8", "10000-gov"].outcome == "empty"
    key = calls["1759111240.9", "10000-mobile"]
    assert (key.outcome, key.wait) == ("key", 25)
    # A blind transfer to another queue: two visits of the same call.
    first = calls["1759111250.10", "10000-mobile"]
    second = calls["1759111250.10", "10000-complaint"]
    assert (first.ended_by, first.transferred_to, first.wait, first.talk) == (
        "transfer", "10000-complaint", 4, 60)
    assert (second.outcome, second.wait, second.talk, second.ended_by) == (
        "answered", 10, 300, "caller")
    assert calls["1759111260.13", "10000-vip"].transferred_to == "8888"
    assert calls["1759111270.15", "10000-vip"].transferred_to == "bridge-77"
    linked = calls["1759111280.17", "10000-vip"]
    assert (linked.transferred_to, linked.caller, linked.wait) == ("PJSIP/8603-01", "", 3)
    answered = [v for v in visits if v.outcome == "answered"]
    # Average answer time of this file: (8+5+4+10+2+1+3) / 7 seconds.
    assert sum(v.wait for v in answered) == 33
    stats = parser.stats
    assert (stats.lines, stats.rejected, stats.understood) == (49, 0, 18)
    assert not stats.ignored_events and not stats.closed_without_exit
    assert parser.rejects == []


def test_quirks_of_real_logs():
    parser, visits = parse("asterisk_quirks.queue_log")
    calls = {(v.call_ref, v.queue, v.entered - T): v for v in visits}
    assert len(visits) == 14
    # ENTERQUEUE with the caller id alone, CONNECT with only the holdtime.
    old = calls["1759111200.1", "10000-mobile", 2]
    assert (old.caller, old.position, old.outcome, old.wait, old.talk, old.ended_by) == (
        "13800000001", None, "answered", 2, 10, "agent")
    # "|callerid" and a queue timeout line with the position only: wait from the times.
    timeout = calls["1759111200.2", "10000-fixed", 5]
    assert (timeout.caller, timeout.outcome, timeout.wait) == ("13800000002", "timeout", 4)
    assert calls["1759111200.3", "10000-repair", 6].position == 4  # url|callerid|position
    # Re-entered without an exit line: the first visit is unknown, the second counts.
    lost = calls["1759111200.4", "10000-mobile", 30]
    again = calls["1759111200.4", "10000-mobile", 50]
    assert (lost.outcome, lost.wait, lost.closed_without_exit) == ("unknown", None,
                                                                   "re-entered")
    assert (again.outcome, again.wait, again.talk) == ("answered", 3, 60)
    # Open for more than four hours of log time: closed without an exit line.
    assert calls["1759111200.5", "10000-mobile", 60].closed_without_exit == "horizon"
    # CONNECT written before ENTERQUEUE within the same second.
    early = calls["1759111200.6", "10000-fixed", 100]
    assert (early.outcome, early.wait, early.answered - T, early.talk) == ("answered", 0,
                                                                           100, 60)
    # COMPLETECALLER before CONNECT within the same second.
    swapped = calls["1759111200.7", "10000-repair", 110]
    assert (swapped.outcome, swapped.wait, swapped.answered - T, swapped.talk,
            swapped.agent) == ("answered", 5, 115, 0, "PJSIP/8301")
    # The exit of one queue written after the entry into the next, same second.
    left = calls["1759111200.8", "10000-mobile", 120]
    moved = calls["1759111200.8", "10000-complaint", 130]
    assert (left.outcome, left.wait, left.closed_without_exit) == ("key", 10, "")
    assert (moved.outcome, moved.wait, moved.talk) == ("answered", 5, 60)
    # Times with a fraction.
    fraction = calls["1759111200.11", "10000-vip", 140.25]
    assert (fraction.answered - T, fraction.wait, fraction.caller) == (147.75, 7,
                                                                       "+8613800000011")
    # Answered, but the log ends before its end line: answered, no talk time.
    unfinished = calls["1759111200.15", "10000-mobile", 15010]
    assert (unfinished.outcome, unfinished.ended, unfinished.closed_without_exit) == (
        "answered", None, "end of file")
    assert calls["1759111200.16", "10000-fixed", 15020].outcome == "unknown"
    assert calls["1759111200.17", "10000-fixed", 15030].talk == 60

    stats = parser.stats
    assert stats.lines == 44
    assert stats.ignored_events == {"FOOBAR": 2}
    assert stats.without_entry == 1  # the first line ends a call whose entry is not there
    assert dict(stats.closed_without_exit) == {"re-entered": 1, "horizon": 1,
                                               "end of file": 2}
    assert stats.understood == 2  # QUEUESTART with a CRLF ending, PAUSE
    assert [(r.line, r.reason) for r in parser.rejects] == [
        (2, "not a queue_log line (fewer than 5 fields)"),
        (7, "the time is not a Unix epoch"),
        (10, "a call event without a usable call id"),
        (32, "not UTF-8 text"),
        (33, "binary data in the line"),
        (37, "the time is out of range"),
    ]
    assert stats.rejected == 6
    assert parser.rejects[3].text.endswith("||\\xff\\xfe|1")
    assert "\x00" not in parser.rejects[4].text


def test_the_horizon_closes_calls_whose_exit_never_comes():
    lines = [f"{T}|5.1|q|NONE|ENTERQUEUE||13800000001|1".encode()]
    lines += [f"{T + 100 * k}|NONE|q|PJSIP/1|PAUSE|".encode() for k in range(1, 11)]
    short = QueueLogParser(horizon=600)
    short.feed(lines, 1, 0)
    assert [(v.call_ref, v.outcome, v.closed_without_exit) for v in short.finished] == [
        ("5.1", "unknown", "horizon")]
    default = QueueLogParser()  # four hours: still waiting
    default.feed(lines, 1, 0)
    assert default.finished == [] and default.open_visits() == 1


def test_duplicated_entry_line_is_kept_once():
    parser = QueueLogParser()
    lines = [f"{T}|7.1|q|NONE|ENTERQUEUE||13800000001|1".encode(),
             f"{T}|7.1|q|NONE|ENTERQUEUE||13800000001|1".encode(),
             f"{T + 9}|7.1|q|PJSIP/1|CONNECT|9|x|1".encode(),
             f"{T + 69}|7.1|q|PJSIP/1|COMPLETEAGENT|9|60|1".encode()]
    parser.feed(lines, 1, 0)
    parser.finish()
    assert [(v.outcome, v.wait, v.talk) for v in parser.finished] == [("answered", 9, 60)]
    assert not parser.stats.closed_without_exit


def test_resume_point_is_the_oldest_open_entry():
    parser = QueueLogParser()
    raw = [f"{T}|1.1|q|NONE|ENTERQUEUE||13800000001|1",
           f"{T + 5}|1.2|q|NONE|ENTERQUEUE||13800000002|1",
           f"{T + 6}|1.1|q|PJSIP/1|CONNECT|6|x|1",
           f"{T + 60}|1.1|q|PJSIP/1|COMPLETECALLER|6|54|1"]
    lines = [line.encode() for line in raw]
    parser.feed(lines, 1, 0)
    end = sum(len(line) + 1 for line in lines)
    second_line_offset = len(lines[0]) + 1
    # 1.1 ended in the log's last second: not handed out yet, so still re-read.
    assert parser.resume_point(end, 4) == (0, 0)
    assert parser.finished == []
    parser.idle()
    assert [v.call_ref for v in parser.finished] == ["1.1"]
    assert parser.open_visits() == 1
    assert parser.resume_point(end, 4) == (second_line_offset, 1)
