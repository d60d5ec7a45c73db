"""Importing busy-hour counter files: good files, every kind of bad input, re-imports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from telcodesk.core.models import AuditEntry
from telcodesk.core.tabular import alias_index
from telcodesk.quality.models import NetworkCell, NetworkCounter, NetworkImport
from telcodesk.quality.network.csv_format import (
    COUNTER_COLUMNS,
    MAX_LISTED,
    QualityFileError,
)
from telcodesk.quality.selectors.network import network_totals
from telcodesk.quality.services.network import (
    do_import_cells,
    do_import_network_counters,
    do_import_network_file,
    do_register_cells,
)
from tests.quality.network_support import GOOD, HEADER, counter_file, line

pytestmark = pytest.mark.django_db


def run(now, data: bytes, *, replace: bool = False, actor=None, name: str = "counters.csv"):
    return do_import_network_file(now=now, actor=actor, path_or_stream=io.BytesIO(data),
                                  file_name=name, replace=replace)


def refused(now, data: bytes, **kwargs) -> QualityFileError:
    with pytest.raises(QualityFileError) as caught:
        run(now, data, **kwargs)
    return caught.value


def nothing_written() -> bool:
    return (NetworkCounter.objects.count() == 0 and NetworkImport.objects.count() == 0
            and NetworkCell.objects.count() == 0)


# --- a good file ----------------------------------------------------------------------


def test_a_good_file_is_imported_with_what_it_holds(now, org, make_staff):
    manager = make_staff("qm", org.province, "quality_manager")
    data = counter_file(line("TY-XD-001", "2025-09-01"), line("TY-XD-002", "2025-09-01"),
                        line("TY-XD-001", "2025-09-02", "21"))
    report = run(now, data, actor=manager)
    assert (report.rows, report.days, report.cells) == (3, 2, 2)
    assert (report.first_day, report.last_day) == (dt.date(2025, 9, 1), dt.date(2025, 9, 2))
    assert report.new_cells == ["TY-XD-001", "TY-XD-002"]
    assert not report.already_imported and report.replaced == 0
    assert "3 rows, 2 day(s) (2025-09-01 – 2025-09-02), 2 cell(s)" in report.describe()
    assert "2 new cell(s) without a unit: TY-XD-001, TY-XD-002" in report.describe()
    stored = report.network_import
    assert stored.rows == 3 and stored.imported_by == manager and stored.imported_at == now
    assert stored.file_name == "counters.csv" and len(stored.sha256) == 64
    counter = NetworkCounter.objects.get(cell__code="TY-XD-001", day=dt.date(2025, 9, 2))
    assert counter.busy_hour == 21
    assert (counter.call_attempts, counter.answered, counter.called_busy, counter.no_answer,
            counter.unreachable, counter.tch_requests, counter.tch_failures_no_channel,
            counter.connected_calls, counter.dropped_calls) == GOOD
    assert counter.source == stored
    assert set(NetworkCell.objects.values_list("org_unit", flat=True)) == {None}
    entry = AuditEntry.objects.get(action="network.import")
    assert entry.actor == manager and entry.target_id == str(stored.pk)
    assert entry.details["rows"] == 3 and entry.details["new_cells"] == ["TY-XD-001",
                                                                         "TY-XD-002"]


def test_the_plain_signature_returns_the_import_record(now, tmp_path):
    path = tmp_path / "day.csv"
    path.write_bytes(counter_file(line("C1", "2025-09-01")))
    record = do_import_network_counters(now=now, actor=None, path_or_stream=path,
                                        file_name="")
    assert isinstance(record, NetworkImport)
    assert record.file_name == "day.csv" and record.rows == 1


def test_registered_cells_keep_their_branch(now, org):
    do_register_cells(now=now, actor=None, rows=[])
    do_import_cells(now=now, actor=None, path_or_stream=io.BytesIO(
        b"cell,name,unit_code\nTY-XD-001,Xiaodian 1,ty-xd\n"))
    report = run(now, counter_file(line("TY-XD-001", "2025-09-01"),
                                   line("NEW-9", "2025-09-01")))
    assert report.new_cells == ["NEW-9"]
    assert report.unplaced_cells == ["NEW-9"]
    assert NetworkCell.objects.get(code="TY-XD-001").org_unit == org.xiaodian


def test_chinese_headers_tabs_bom_and_other_spellings(now):
    header = "\t".join(["小区", "日期", "忙时", "呼叫次数", "应答次数", "被叫忙次数",
                        "被叫无应答次数", "被叫不可及次数", "TCH请求次数", "TCH拥塞次数",
                        "通话建立成功次数", "掉话次数"])
    rows = ["\t".join(["晋阳-001", "2025/9/1", "20:00-21:00", "100", "90", "5", "3", "1",
                       "98", "1", "92", "1"]),
            "",  # a blank line is skipped
            "\t".join(["晋阳-001", "2025/09/02", "21:00", "100", "90", "5", "3", "1",
                       "98", "1", "92", "1"])]
    data = "\ufeff" + "\n".join([header, *rows]) + "\n"
    report = run(now, data.encode("utf-8"))
    assert (report.rows, report.days, report.cells) == (2, 2, 1)
    hours = dict(NetworkCounter.objects.values_list("day", "busy_hour"))
    assert hours == {dt.date(2025, 9, 1): 20, dt.date(2025, 9, 2): 21}


def test_english_headers_in_other_cases_and_orders(now):
    header = ("Dropped Calls,Connected Calls,TCH Congestion,TCH Requests,Unreachable,"
              "No Answer,Called-Busy,Answered,Call Attempts,Busy Hour,Date,Cell ID")
    data = counter_file("21,4870,3,4980,86,240,410,4290,5120,20,2025-09-01,C1", header=header)
    run(now, data)
    counter = NetworkCounter.objects.get()
    assert (counter.call_attempts, counter.dropped_calls, counter.tch_failures_no_channel) == (
        5120, 21, 3)


def test_no_alias_means_two_columns():
    index = alias_index(COUNTER_COLUMNS)
    assert index["小区"] == "cell" and index["掉话次数"] == "dropped_calls"


def test_a_silent_cell_is_imported_with_a_warning(now):
    report = run(now, counter_file(line("C1", "2025-09-01"),
                                   line("C2", "2025-09-01", counts=(0,) * 9)))
    assert report.rows == 2
    assert report.warning_count == 1
    assert report.warnings == ["line 3: every counter is 0: was the cell out of service?"]


# --- bad input: every kind refuses the file and names the line -------------------------


BAD_LINES = [
    ("not a whole number", line("C1", "2025-09-01", counts=(5120, "4290.5", *GOOD[2:])),
     "answered is not a whole number"),
    ("letters", line("C1", "2025-09-01", counts=(5120, 4290, "n/a", *GOOD[3:])),
     "called_busy is not a whole number"),
    ("negative", line("C1", "2025-09-01", counts=(*GOOD[:8], -1)), "dropped_calls is negative"),
    ("empty", line("C1", "2025-09-01", counts=("", *GOOD[1:])), "call_attempts is empty"),
    ("hour 24", line("C1", "2025-09-01", "24"), "busy hour out of range"),
    ("hour 25:00", line("C1", "2025-09-01", "25:00"), "busy hour out of range"),
    ("half past", line("C1", "2025-09-01", "20:30"), "must start on the hour"),
    ("two hours", line("C1", "2025-09-01", "20:00-22:00"), "must last one hour"),
    ("not an hour", line("C1", "2025-09-01", "evening"), "busy_hour is not an hour"),
    ("no such date", line("C1", "2025-02-30"), "no such date"),
    ("day first", line("C1", "30/09/2025"), "not a date"),
    ("today", line("C1", "2025-09-30"), "has not ended yet"),
    ("empty cell", line("", "2025-09-01"), "cell is empty"),
    ("long cell", line("C" * 61, "2025-09-01"), "longer than 60"),
    ("connection above 100 %", line("C1", "2025-09-01", counts=(5000, *GOOD[1:])),
     "answered + called_busy + no_answer + unreachable (5026) exceed call_attempts (5000)"),
    ("failures above requests", line("C1", "2025-09-01",
                                     counts=(*GOOD[:5], 10, 11, *GOOD[7:])),
     "tch_failures_no_channel (11) exceed tch_requests (10)"),
    ("dropped above connected", line("C1", "2025-09-01", counts=(*GOOD[:7], 20, 21)),
     "dropped_calls (21) exceed connected_calls (20)"),
    ("a value short", "C1,2025-09-01,20,1,1,0,0,0,1,0,1", "11 values, the header names 12"),
]


@pytest.mark.parametrize(("case", "bad", "message"), BAD_LINES, ids=[c[0] for c in BAD_LINES])
def test_a_bad_line_refuses_the_file_and_is_named(now, case, bad, message):
    error = refused(now, counter_file(line("C0", "2025-09-01"), bad, line("C9", "2025-09-01")))
    assert error.problems.error_count >= 1
    first = error.problems.listed_errors()[0]
    assert first.line == 3, case
    assert message in first.message
    assert "line 3" in error.message and "nothing imported" in error.message
    assert nothing_written()


BAD_HEADERS = [
    ("missing", HEADER.replace(",dropped_calls", ""), "missing column(s): dropped_calls"),
    ("misspelt", HEADER.replace("no_answer", "no_anwser"), "missing column(s): no_answer"),
    ("twice", HEADER.replace("answered", "应答次数") + ",answered", "both mean answered"),
]


@pytest.mark.parametrize(("case", "header", "message"), BAD_HEADERS,
                         ids=[c[0] for c in BAD_HEADERS])
def test_wrong_columns_are_named(now, case, header, message):
    error = refused(now, counter_file(line("C1", "2025-09-01"), header=header))
    problem = error.problems.listed_errors()[0]
    assert problem.line == 1
    assert message in problem.message
    assert nothing_written()


def test_a_file_without_a_header_is_refused_as_a_whole(now):
    error = refused(now, counter_file(line("C2", "2025-09-02"), header=line("C1", "2025-09-01")))
    assert error.problems.refused_whole
    assert "the first line must name the columns" in error.message
    assert nothing_written()


def test_a_misspelt_counter_is_missing_and_the_stray_column_noticed(now):
    header = HEADER.replace("unreachable", "unreach").replace(",dropped_calls", "")
    error = refused(now, counter_file(header=header))
    messages = [p.message for p in error.problems.listed_errors()]
    assert any("missing column(s): unreachable, dropped_calls" in m for m in messages)
    assert [str(p) for p in error.problems.listed_warnings()] == [
        "line 1: column(s) 'unreach' ignored (not used by this import)"]


def test_an_empty_file_is_refused(now):
    error = refused(now, b"\n\n")
    assert "the file is empty" in error.message
    assert nothing_written()


# --- real exports: GBK, extra columns, thousands separators ------------------------------


CHINESE_HEADER = ("地市,小区名称,日期,忙时,厂家,试呼次数,应答次数,被叫忙次数,被叫无应答次数,"
                  "被叫不可及次数,业务信道请求次数,无线信道拥塞次数,通话建立次数,掉话次数")


def chinese_line(cell: str, day: str) -> str:
    return (f'太原,{cell},{day},20:00-21:00,华为,"5,120","4,290",410,240,86,"4,980",3,'
            f'"4,870",21')


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_an_export_from_a_chinese_network_system_is_imported(now, encoding):
    text = "\r\n".join([CHINESE_HEADER, chinese_line("迎泽-1", "2025/9/1"),
                         chinese_line("迎泽-2", "2025/09/01 00:00"), ""])
    report = run(now, text.encode(encoding))
    assert (report.rows, report.cells) == (2, 2)
    assert report.warnings == ["line 1: column(s) '地市', '厂家' ignored (not used by this "
                               "import)"]
    counter = NetworkCounter.objects.get(cell__code="迎泽-1", day=dt.date(2025, 9, 1))
    assert (counter.call_attempts, counter.answered, counter.called_busy, counter.no_answer,
            counter.unreachable, counter.tch_requests, counter.tch_failures_no_channel,
            counter.connected_calls, counter.dropped_calls) == GOOD


def test_one_wrong_row_in_a_gbk_export_is_named_and_nothing_is_written(now):
    text = "\n".join([CHINESE_HEADER, chinese_line("迎泽-1", "2025/9/1"),
                      chinese_line("迎泽-2", "2025/9/1").replace('"4,290"', '"4.290,5"'),
                      chinese_line("迎泽-3", "2025/9/1"), ""])
    error = refused(now, text.encode("gbk"))
    assert [str(p) for p in error.problems.listed_errors()] == [
        "line 3: answered is not a whole number: '4.290,5'"]
    assert nothing_written()


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 8,
    b"PK\x03\x04\x14\x00\x06\x00" + bytes(200),
    b"\x89PNG\r\n\x1a\n" + bytes(100),
], ids=["garbage", "workbook", "image"])
def test_a_file_that_is_no_text_export_is_refused_as_a_whole(now, data):
    error = refused(now, data)
    assert error.problems.refused_whole
    assert "not a text export (CSV)" in error.message
    assert nothing_written()


def test_one_bad_line_among_good_ones_writes_nothing(now):
    lines = [line(f"C{n}", "2025-09-01") for n in range(50)]
    lines[37] = line("C37", "2025-09-01", counts=(*GOOD[:8], -5))
    error = refused(now, counter_file(*lines))
    assert [p.line for p in error.problems.listed_errors()] == [39]
    assert nothing_written()


def test_every_error_is_reported_in_line_order_up_to_a_limit(now):
    bad = line("C1", "2025-09-01", counts=("x", *GOOD[1:]))
    error = refused(now, counter_file(*[bad.replace("C1", f"C{n}") for n in range(60)]))
    assert error.problems.error_count == 60
    listed = error.problems.listed_errors()
    assert len(listed) == MAX_LISTED
    assert [p.line for p in listed] == list(range(2, 2 + MAX_LISTED))
    assert error.problems.error_lines()[-1] == "… and 10 more error(s)"


def test_the_same_cell_twice_for_one_day_is_refused(now):
    error = refused(now, counter_file(line("C1", "2025-09-01"), line("C2", "2025-09-01"),
                                      line("C1", "2025-09-01", "21")))
    problem = error.problems.listed_errors()[0]
    assert problem.line == 4
    assert problem.message == "cell C1 appears twice for 2025-09-01 (first on line 2)"
    assert nothing_written()


# --- importing again ------------------------------------------------------------------


def test_stored_cell_days_refuse_a_second_file(now):
    run(now, counter_file(line("C1", "2025-09-01"), line("C2", "2025-09-01")), name="a.csv")
    error = refused(now, counter_file(line("C1", "2025-09-02"), line("C2", "2025-09-01"),
                                      line("C3", "2025-09-01")), name="b.csv")
    problem = error.problems.listed_errors()[0]
    assert problem.line == 3
    assert "cell C2 already has counters for 2025-09-01 (imported from a.csv)" in problem.message
    assert "replace" in problem.message
    assert NetworkImport.objects.count() == 1 and NetworkCounter.objects.count() == 2
    assert not NetworkCell.objects.filter(code="C3").exists()


def test_replace_swaps_exactly_the_cell_days_of_the_file(now):
    run(now, counter_file(line("C1", "2025-09-01"), line("C2", "2025-09-01"),
                          line("C1", "2025-09-02")), name="a.csv")
    corrected = (5120, 4290, 410, 240, 86, 4980, 30, 4870, 21)
    report = run(now, counter_file(line("C1", "2025-09-01", counts=corrected),
                                   line("C3", "2025-09-01")), replace=True, name="b.csv")
    assert report.replaced == 1 and report.rows == 2
    assert "1 stored cell-day(s) replaced" in report.describe()
    assert NetworkCounter.objects.count() == 4
    c1 = NetworkCounter.objects.get(cell__code="C1", day=dt.date(2025, 9, 1))
    assert c1.tch_failures_no_channel == 30 and c1.source.file_name == "b.csv"
    untouched = NetworkCounter.objects.get(cell__code="C1", day=dt.date(2025, 9, 2))
    assert untouched.source.file_name == "a.csv"
    assert NetworkCounter.objects.get(cell__code="C2").source.file_name == "a.csv"


def test_the_same_file_again_writes_nothing(now):
    data = counter_file(line("C1", "2025-09-01"))
    first = run(now, data)
    again = run(now, data)
    assert again.already_imported
    assert again.network_import == first.network_import
    assert NetworkImport.objects.count() == 1 and NetworkCounter.objects.count() == 1


def test_the_same_file_with_replace_is_imported_again(now):
    data = counter_file(line("C1", "2025-09-01"))
    run(now, data)
    again = run(now, data, replace=True)
    assert not again.already_imported and again.replaced == 1
    assert NetworkImport.objects.count() == 2 and NetworkCounter.objects.count() == 1


# --- the cell registry ------------------------------------------------------------------


def test_the_cell_registry_places_cells_and_reports_changes(now, org):
    first = do_import_cells(now=now, actor=None, path_or_stream=io.BytesIO(
        "小区编号,小区名称,所属单位\nC1,一号,ty-xd\nC2,二号,ty-qx\nC3,,\n".encode()))
    assert (first.created, first.updated, first.unchanged, first.unplaced) == (3, 0, 0, 1)
    second = do_import_cells(now=now, actor=None, path_or_stream=io.BytesIO(
        "cell,name,unit_code\nC1,一号,ty-xd\nC2,二号,清徐县分公司\nC3,三号,dt-yg\n".encode()))
    assert (second.created, second.updated, second.unchanged) == (0, 1, 2)
    assert NetworkCell.objects.get(code="C3").org_unit == org.yungang
    assert NetworkCell.objects.get(code="C2").org_unit == org.qingxu  # by its unique name
    assert AuditEntry.objects.filter(action="network.cells").count() == 2


def test_a_registry_with_unknown_or_wrong_units_registers_nothing(now, org):
    data = b"cell,name,unit_code\nC1,,ty-xd\nC2,,nowhere\nC3,,sx\nC1,,ty\n"
    with pytest.raises(QualityFileError) as caught:
        do_import_cells(now=now, actor=None, path_or_stream=io.BytesIO(data), file_name="r.csv")
    problems = [str(p) for p in caught.value.problems.listed_errors()]
    assert problems == [
        "line 3: unknown org unit 'nowhere'",
        "line 4: a cell is placed in a city or a county, not in 'sx' (a province)",
        "line 5: cell C1 appears twice (first on line 2)",
    ]
    assert "nothing registered" in caught.value.message
    assert NetworkCell.objects.count() == 0


# --- the totals the indicators read ------------------------------------------------------


def test_network_totals_group_by_unit_and_month(now, org):
    do_register_cells(now=now, actor=None, rows=[])
    do_import_cells(now=now, actor=None, path_or_stream=io.BytesIO(
        b"cell,unit_code\nXD1,ty-xd\nXD2,ty-xd\nYG1,dt-yg\n"))
    small = (100, 90, 5, 3, 1, 98, 1, 92, 1)
    run(now, counter_file(line("XD1", "2025-08-31", counts=small),
                          line("XD1", "2025-09-01"), line("XD2", "2025-09-01"),
                          line("YG1", "2025-09-02", counts=small),
                          line("LOOSE", "2025-09-03", counts=small),
                          line("XD1", "2025-07-31")))
    rows = network_totals(start=dt.date(2025, 8, 1), end=dt.date(2025, 10, 1))
    by_key = {(r.org_unit_id, r.month): r for r in rows}
    assert set(by_key) == {(org.xiaodian.pk, dt.date(2025, 8, 1)),
                           (org.xiaodian.pk, dt.date(2025, 9, 1)),
                           (org.yungang.pk, dt.date(2025, 9, 1)),
                           (None, dt.date(2025, 9, 1))}
    september = by_key[(org.xiaodian.pk, dt.date(2025, 9, 1))]
    assert september.cell_days == 2
    assert september.call_attempts == 2 * 5120 and september.dropped_calls == 2 * 21
    assert september.connection_rate == (2 * 5026) / Decimal(2 * 5120)
    assert by_key[(org.xiaodian.pk, dt.date(2025, 8, 1))].call_attempts == 100
    assert by_key[(None, dt.date(2025, 9, 1))].cell_days == 1
    # [start, end): the last day of August alone.
    only = network_totals(start=dt.date(2025, 8, 31), end=dt.date(2025, 9, 1))
    assert [(r.org_unit_id, r.month, r.cell_days) for r in only] == [
        (org.xiaodian.pk, dt.date(2025, 8, 1), 1)]
    assert network_totals(start=dt.date(2024, 1, 1), end=dt.date(2024, 7, 1)) == []


def test_a_registry_without_names_keeps_the_stored_names(now, org):
    do_import_cells(now=now, actor=None, path_or_stream=io.BytesIO(
        "cell,name,unit_code\nC1,一号,ty-xd\n".encode()))
    moved = do_import_cells(now=now, actor=None, path_or_stream=io.BytesIO(
        b"cell,unit_code\nC1,dt-yg\n"))
    assert (moved.updated, moved.unchanged) == (1, 0)
    cell = NetworkCell.objects.get(code="C1")
    assert cell.name == "一号" and cell.org_unit == org.yungang


def test_a_header_without_rows_is_refused(now):
    error = refused(now, counter_file())
    assert str(error.problems.listed_errors()[0]) == "line 1: the file has no rows after its header"
    assert nothing_written()
