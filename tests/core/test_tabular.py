"""The shared reader of tabular exports: encodings, headers, values."""

from __future__ import annotations

import datetime as dt

import pytest

from telcodesk.core.tabular import (
    Column,
    Problems,
    TabularError,
    ValueProblem,
    decode,
    parse_count,
    parse_date,
    parse_datetime,
    read_table,
)
from tests.conftest import SHANGHAI

COLUMNS = (Column("cell", ("小区名称",)), Column("calls", ("试呼次数",)),
           Column("note", ("备注",), required=False))
TEXT = "小区名称,试呼次数,地市\r\n迎泽𠀀-1,\"1,234\",太原\r\n\r\n"


@pytest.mark.parametrize(("data", "encoding"), [
    (TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gb18030"), "gb18030"),
    (TEXT.replace("𠀀", "").encode("gbk"), "gb18030"),
])
def test_an_export_is_read_in_any_of_its_encodings(data, encoding):
    problems = Problems()
    table = read_table(data, COLUMNS, problems)
    assert table is not None and table.encoding == encoding
    [(line, values)] = list(table.records)
    assert line == 2
    assert table.value(values, "cell").startswith("迎泽")
    assert parse_count(table.value(values, "calls"), "calls") == 1234
    assert table.value(values, "note") == ""
    assert table.ignored == ["地市"]
    assert [str(w) for w in problems.warnings] == [
        "line 1: column(s) '地市' ignored (not used by this import)"]
    assert problems.ok


def test_unknown_columns_may_be_errors_instead():
    problems = Problems()
    assert read_table(TEXT, COLUMNS, problems, unknown_columns="error") is None
    assert "unknown column(s): '地市'" in str(problems.errors[0])


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03" * 50, b"PK\x03\x04rest",
                                  b"\xd0\xcf\x11\xe0" + bytes(50),
                                  b"\xef\xbb\xbf\xff\xfe"])
def test_what_is_no_text_export_is_refused(data):
    with pytest.raises(TabularError) as caught:
        decode(data)
    assert "not a text export (CSV)" in caught.value.message
    problems = Problems()
    assert read_table(data, COLUMNS, problems) is None
    assert problems.refused_whole


@pytest.mark.parametrize(("text", "expected"), [
    ("2025/10/20 08:00", (2025, 10, 20, 8, 0, 0)),
    ("2025-10-20 08:00:00", (2025, 10, 20, 8, 0, 0)),
    ("2025/10/20", (2025, 10, 20, 0, 0, 0)),
    ("2025/1/5 8:05", (2025, 1, 5, 8, 5, 0)),
    ("2025-10-20T08:00:30.5", (2025, 10, 20, 8, 0, 30)),
    ("2025年10月20日 08:00", (2025, 10, 20, 8, 0, 0)),
])
def test_export_times_are_read_in_the_operator_zone(text, expected):
    assert parse_datetime(text, SHANGHAI).replace(microsecond=0) == dt.datetime(
        *expected, tzinfo=SHANGHAI)


def test_a_time_with_an_offset_keeps_it():
    assert parse_datetime("2025-10-20 08:00Z", SHANGHAI) == dt.datetime(
        2025, 10, 20, 16, 0, tzinfo=SHANGHAI)
    assert parse_datetime("2025-10-20T08:00+08:00", SHANGHAI) == dt.datetime(
        2025, 10, 20, 8, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize("text", ["20/10/2025 08:00", "2025-13-01 08:00", "2025-10-20 25:00",
                                  "yesterday", ""])
def test_what_is_no_time_is_named(text):
    with pytest.raises(ValueProblem):
        parse_datetime(text, SHANGHAI)


@pytest.mark.parametrize(("text", "day"), [
    ("2025-09-01", dt.date(2025, 9, 1)), ("2025/9/1", dt.date(2025, 9, 1)),
    ("20250901", dt.date(2025, 9, 1)), ("2025/09/01 00:00", dt.date(2025, 9, 1)),
])
def test_dates(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize(("text", "message"), [
    ("1,23", "is not a whole number"), ("-1,234", "is negative"), ("1.5", "not a whole"),
    ("", "is empty"), ("12,345,6789", "not a whole"),
])
def test_counts_that_are_wrong(text, message):
    with pytest.raises(ValueProblem) as caught:
        parse_count(text, "calls")
    assert message in str(caught.value)


def test_grouped_counts():
    assert [parse_count(t, "n") for t in ("0", "999", "1,000", "12,345,678", " 7 ")] == [
        0, 999, 1000, 12_345_678, 7]


@pytest.mark.parametrize("text", ["cell,calls\nC1,1\nC2,2\nC3,3 张\n",
                                  "小区,次数\n" + "A-1,12\n" * 200 + "迎泽,3\n"])
def test_a_mostly_ascii_gbk_export_is_still_read(text):
    assert decode(text.encode("gbk")).text == text
