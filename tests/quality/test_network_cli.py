"""``telcodesk network`` and ``telcodesk billing`` as an operator runs them."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from django.utils import translation

from telcodesk.cli import main
from telcodesk.core import clock
from telcodesk.quality.models import BillingErrorCount, NetworkCell, NetworkCounter, NetworkImport
from tests.quality.network_support import GOOD, counter_file, line

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch, now):
    monkeypatch.setattr(clock, "now", lambda: now)
    yield
    translation.deactivate()  # the command switches to English


def cli(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def test_network_import_prints_what_was_imported(tmp_path):
    path = tmp_path / "counters-0901.csv"
    path.write_bytes(counter_file(line("C1", "2025-09-01"), line("C2", "2025-09-01"),
                                  line("C1", "2025-09-02")))
    result = cli("network", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("imported counters-0901.csv: 3 rows, 2 day(s) (2025-09-01 – "
                             "2025-09-02), 2 cell(s); 2 new cell(s) without a unit: C1, C2\n")
    assert NetworkCounter.objects.count() == 3
    again = cli("network", "import", str(path))
    assert again.exit_code == 0
    assert "already imported" in again.stdout and "nothing written" in again.stdout


def test_network_import_lists_every_error_then_one_error_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(counter_file(line("C1", "2025-09-01"),
                                  line("C2", "2025-09-01", counts=(*GOOD[:8], -3)),
                                  line("C1", "2025-09-01", "24")))
    result = cli("network", "import", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "bad.csv:3: dropped_calls is negative: -3",
        "bad.csv:4: busy hour out of range (0-23): '24'",
        "bad.csv:4: cell C1 appears twice for 2025-09-01 (first on line 2)",
        "telcodesk: error: bad.csv: 3 error(s), nothing imported",
    ]
    assert NetworkCounter.objects.count() == 0 and NetworkCell.objects.count() == 0


def test_network_import_replace(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(counter_file(line("C1", "2025-09-01")))
    second.write_bytes(counter_file(line("C1", "2025-09-01", counts=(*GOOD[:6], 9, *GOOD[7:]))))
    assert cli("network", "import", str(first)).exit_code == 0
    refused = cli("network", "import", str(second))
    assert refused.exit_code == 1
    assert "b.csv:2: cell C1 already has counters for 2025-09-01 (imported from a.csv)" in (
        refused.stderr)
    replaced = cli("network", "import", str(second), "--replace")
    assert replaced.exit_code == 0, replaced.stderr
    assert "1 stored cell-day(s) replaced" in replaced.stdout
    assert NetworkCounter.objects.get().tch_failures_no_channel == 9


def test_network_import_reads_standard_input_and_prints_warnings():
    data = counter_file(line("C1", "2025-09-01", counts=(0,) * 9))
    result = cli("network", "import", "-", input=data)
    assert result.exit_code == 0
    assert result.stderr == ("stdin: warning: line 2: every counter is 0: was the cell out of "
                             "service?\n")


def test_a_missing_file_is_one_line():
    result = cli("network", "import", "/nonexistent/counters.csv")
    assert result.exit_code == 1
    assert result.stderr == ("telcodesk: error: cannot read /nonexistent/counters.csv: "
                             "No such file or directory\n")


def test_network_cells(tmp_path, org):
    path = tmp_path / "cells.csv"
    path.write_text("cell,name,unit_code\nC1,一号,ty-xd\nC2,,\n", encoding="utf-8")
    result = cli("network", "cells", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("registered cells.csv: 2 cell(s): 2 new, 0 changed, 0 unchanged; "
                             "1 without a unit\n")
    path.write_text("cell,name,unit_code\nC1,一号,nowhere\n", encoding="utf-8")
    bad = cli("network", "cells", str(path))
    assert bad.exit_code == 1
    assert bad.stderr.splitlines() == ["cells.csv:2: unknown org unit 'nowhere'",
                                       "telcodesk: error: cells.csv: 1 error(s), nothing "
                                       "registered"]


def test_billing_record(org):
    result = cli("billing", "record", "--month", "2025-07", "--unit", "ty", "--erroneous", "12",
                 "--total", "300000")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("billing errors 2025-07 (太原分公司 (ty)): 12 of 300000 charge "
                             "records erroneous (0.40×10⁻⁴)\n")
    whole = cli("billing", "record", "--month", "2025-08", "--erroneous", "3", "--total", "10")
    assert whole.exit_code == 0
    assert "(whole operator)" in whole.stdout
    assert BillingErrorCount.objects.count() == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "July", "--erroneous", "1", "--total", "2"], "not a month (YYYY-MM): 'July'"),
    (["--month", "2025-07", "--unit", "xx", "--erroneous", "1", "--total", "2"],
     "unknown org unit 'xx'"),
    (["--month", "2025-07", "--erroneous", "3", "--total", "2"],
     "erroneous charge records (3) exceed all charge records (2)"),
    (["--month", "2025-07", "--unit", "sx", "--erroneous", "1", "--total", "2"],
     "counts are kept per city or county"),
])
def test_billing_record_errors_are_one_line(org, args, message):
    result = cli("billing", "record", *args)
    assert result.exit_code in (1, 2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert BillingErrorCount.objects.count() == 0


def test_billing_import(tmp_path, org):
    path = tmp_path / "billing.csv"
    path.write_text("month,unit_code,erroneous_records,all_records\n2025-07,ty,12,300000\n"
                    "2025-07,dt,9,200000\n", encoding="utf-8")
    result = cli("billing", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("imported billing.csv: 2 count(s) for 1 month(s) (2025-07): "
                             "2 new, 0 corrected, 0 unchanged\n")
    path.write_text("month,unit_code,erroneous_records,all_records\n2025-08,ty,12,300000\n"
                    "2025-08,dt,-1,200000\n", encoding="utf-8")
    bad = cli("billing", "import", str(path))
    assert bad.exit_code == 1
    assert bad.stderr.splitlines() == ["billing.csv:3: erroneous_records is negative: -1",
                                       "telcodesk: error: billing.csv: 1 error(s), nothing "
                                       "imported"]
    assert not BillingErrorCount.objects.filter(month=dt.date(2025, 8, 1)).exists()


@pytest.mark.parametrize("command", [("network", "import"), ("network", "cells"),
                                     ("billing", "import")])
@pytest.mark.parametrize("data", [bytes(range(256)) * 16, b"PK\x03\x04" + bytes(300)],
                         ids=["garbage", "workbook"])
def test_a_file_that_is_no_export_is_refused_in_one_line(tmp_path, command, data):
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    result = cli(*command, str(path))
    assert result.exit_code == 1
    [message] = result.stderr.splitlines()
    assert message.startswith("telcodesk: error: export.csv: ")
    assert message.endswith("not a text export (CSV): save the table as CSV (UTF-8 or GBK) "
                            "and import that")
    assert not NetworkImport.objects.exists() and not NetworkCell.objects.exists()
    assert not BillingErrorCount.objects.exists()


def test_a_gbk_counter_export_with_extra_columns_is_imported_with_a_notice(tmp_path):
    header = ("地市,小区名称,日期,忙时,厂家,试呼次数,应答次数,被叫忙次数,被叫无应答次数,"
              "被叫不可及次数,业务信道请求次数,无线信道拥塞次数,通话建立次数,掉话次数")
    row = '太原,迎泽-1,2025/9/1,20,中兴,"5,120",4290,410,240,86,4980,3,4870,21'
    path = tmp_path / "话务.csv"
    path.write_bytes(f"{header}\r\n{row}\r\n".encode("gbk"))
    result = cli("network", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("话务.csv: warning: line 1: column(s) '地市', '厂家' ignored (not "
                             "used by this import)\n")
    assert NetworkCounter.objects.get().call_attempts == 5120
