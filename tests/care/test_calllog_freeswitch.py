"""Reading FreeSWITCH mod_callcenter CDRs: CSV with a header, JSON arrays, JSON lines
and mod_json_cdr objects. Figures computed by hand from ``tests/care/data``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from telcodesk.care.calllogs.freeswitch import (
    CSV,
    JSON_ARRAY,
    JSON_LINES,
    JSON_OBJECTS,
    CdrParser,
    UnreadableLog,
    detect_shape,
)
from telcodesk.care.calllogs.reader import LogReader
from telcodesk.care.calllogs.records import CallVisit

DATA = Path(__file__).parent / "data"
T = 1759111200


def parse(name: str, offset: int = 0, line: int = 0) -> tuple[CdrParser, list[CallVisit]]:
    with open(DATA / name, "rb") as handle:
        parser = CdrParser(os.pread(handle.fileno(), 65536, 0))
        visits: list[CallVisit] = []
        reader = LogReader(handle, offset=offset, line=line, chunk_size=300)
        while (block := reader.read(final=True)) is not None:
            parser.feed(block.lines, block.first_line, block.first_offset)
            visits += parser.finished
            parser.finished = []
    parser.finish()
    return parser, visits + parser.finished


def test_csv_export_with_a_header_row():
    parser, visits = parse("freeswitch_cc.csv")
    assert parser.shape == CSV
    found = {v.call_ref: v for v in visits}
    assert list(found) == ["m-0001", "m-0002", "m-0003", "m-0004", "m-0005", "m-0006",
                           "m-0009", "m-0011"]
    answered = found["m-0001"]
    assert (answered.queue, answered.outcome, answered.wait, answered.talk, answered.agent,
            answered.ended_by, answered.entered - T) == (
        "support@default", "answered", 6, 120, "1001@default", "caller", 0)
    assert [(found[k].outcome, found[k].wait) for k in ("m-0002", "m-0003", "m-0004",
                                                         "m-0005", "m-0006")] == [
        ("abandoned", 30), ("abandoned", 2), ("timeout", 300), ("empty", 5), ("key", 20)]
    assert (found["m-0009"].ended_by, found["m-0009"].talk) == ("agent", 30)
    assert found["m-0011"].caller == "0351 7654321"  # quoted field; normalised on import
    assert parser.stats.not_queue_calls == 1
    assert parser.stats.agent_legs == 1
    assert [(r.line, r.reason) for r in parser.rejects] == [
        (10, "cc_queue_joined_epoch is not a Unix epoch"),
        (12, "no cc_queue_joined_epoch"),
        (13, "2 fields where the header has 13"),
    ]


def test_csv_read_from_the_middle_knows_its_header():
    data = (DATA / "freeswitch_cc.csv").read_bytes()
    fifth_line = sum(len(line) + 1 for line in data.split(b"\n")[:4])
    parser, visits = parse("freeswitch_cc.csv", offset=fifth_line, line=4)
    assert [v.call_ref for v in visits][:1] == ["m-0003"]
    assert [r.line for r in parser.rejects] == [10, 12, 13]


def test_json_array_pretty_printed():
    parser, visits = parse("freeswitch_cc.json")
    assert parser.shape == JSON_ARRAY
    assert [(v.call_ref, v.outcome, v.wait, v.line) for v in visits] == [
        ("mb-0001", "answered", 4, 2), ("mb-0002", "abandoned", 5, 15),
        ("mb-0005", "answered", 3, 34)]
    transferred = visits[2]
    assert (transferred.ended_by, transferred.transferred_to) == ("transfer", "8888")
    assert [(r.line, r.reason) for r in parser.rejects] == [
        (25, "cc_queue_joined_epoch is out of range")]
    assert parser.stats.not_queue_calls == 1


def test_json_lines_in_the_mod_json_cdr_shape():
    parser, visits = parse("freeswitch_cc.jsonl")
    assert parser.shape == JSON_LINES
    first, second = visits
    assert (first.queue, first.agent, first.ended_by, first.wait, first.talk) == (
        "support@default", "1001@default", "agent", 3, 60)  # URL-encoded values decoded
    assert (second.outcome, second.wait, second.caller) == ("timeout", 40, "03517654321")
    assert [(r.line, r.reason) for r in parser.rejects] == [(3, "not a JSON object")]
    assert parser.stats.not_queue_calls == 1


def test_pretty_printed_objects_one_after_another():
    parser, visits = parse("freeswitch_cc_pretty.json")
    assert parser.shape == JSON_OBJECTS
    assert [(v.call_ref, v.outcome) for v in visits] == [("mc-0001", "answered"),
                                                         ("mc-0002", "timeout")]
    assert parser.rejects == []


def test_shapes_are_detected_from_the_first_bytes():
    assert detect_shape(b"") is None
    assert detect_shape(b"\xef\xbb\xbf uuid,cc_queue\n") == CSV
    assert detect_shape(b"  [\n {") == JSON_ARRAY
    assert detect_shape(b'{"a": 1}\n{"a": 2}\n') == JSON_LINES
    assert detect_shape(b'{\n  "a": 1\n}\n') == JSON_OBJECTS


def test_a_csv_without_the_queue_variables_is_refused_clearly():
    with pytest.raises(UnreadableLog, match="no cc_queue"):
        CdrParser(b"uuid,caller_id_number,billsec\n")


def test_a_json_record_cut_at_the_end_is_a_reject():
    parser = CdrParser(b"[\n")
    parser.feed([b"[", b"  {", b'    "cc_queue": "q",'], 1, 0)
    assert parser.resume_point(100, 3) == (2, 1)  # a restart re-reads the record
    parser.finish()
    assert [(r.line, r.reason) for r in parser.rejects] == [
        (2, "the file ends inside a JSON record")]
