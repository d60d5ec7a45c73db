"""Finished complaints imported from a legacy system: they count in the complaint
indicators exactly like live ones, re-runs skip what was imported, wrong rows are
named by line, a file that is no export is refused in one line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from click.testing import CliRunner
from django.utils import translation

from telcodesk.care.errors import CareError
from telcodesk.care.models import Complaint, SurveyAnswer
from telcodesk.care.selectors.complaint_stats import replied_totals
from telcodesk.care.services import surveys
from telcodesk.care.services.complaints import do_close_complaint, do_reply_complaint
from telcodesk.core.models import AuditEntry
from telcodesk.quality.indicators.compute import indicator_report
from telcodesk.quality.indicators.periods import parse_period
from telcodesk.sla.models import SlaClock
from tests.care import complaints_support
from tests.conftest import SHANGHAI

D = Decimal
H2 = parse_period("2025H2")
CHURNED = "13900000000"

HEADER = ("投诉单号,受理时间,回复时间,投诉类别,投诉渠道,投诉号码,投诉内容,满意度,回访时间,区县,"
          "工单来源")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def export(*rows: str, header: str = HEADER, encoding: str = "gbk") -> bytes:
    return "\r\n".join([header, *rows, ""]).encode(encoding)


def legacy_rows(home) -> list[str]:
    number = home.mobile.number.removeprefix("+86")
    return [
        # TS-1, the Xiaodian household: 1 Aug 08:00 → 3 Aug 08:00 = 48 h; satisfied.
        f"TS-1,2025/08/01 08:00,2025/08/03 08:00,计费,10000号,{number},话费多扣,满意,"
        "2025/08/04 10:00,,BSS",
        # TS-2, a subscriber who left, filed in Qingxu: 10 Oct → 15 Oct = 120 h; fairly
        # satisfied, answered at the reply (no survey time).
        f"TS-2,2025-10-10 08:00:00,2025-10-15 08:00:00,网络质量,营业厅,{CHURNED},信号差,"
        "基本满意,,清徐县分公司,BSS",
        # TS-3, the same churned number, no branch (the operator): 6 h; dissatisfied.
        f"TS-3,2025/11/01 09:00,2025/11/01 15:00,其它,,{CHURNED},咨询后投诉,不满意,"
        "2025/11/02 10:00,,BSS",
    ]


def invoke(*args: str):
    from telcodesk.cli import main

    with translation.override(None):
        return CliRunner().invoke(main, list(args))


@pytest.fixture
def live(home, people):
    """One live complaint: 1 Sep 09:00 → 21:00 = 12 h, answered "2" (fairly satisfied)."""
    found = complaints_support.receive(at("2025-09-01 09:00"), people.handler,
                                       customer=home.customer, received_at=at("2025-09-01 09:00"))
    found = do_reply_complaint(now=at("2025-09-01 21:00"), actor=people.handler,
                               complaint=found, reply_text="已退费")
    found = do_close_complaint(now=at("2025-09-01 22:00"), actor=people.handler,
                               complaint=found)
    surveys.do_answer_survey(now=at("2025-09-02 08:00"), complaint=found, raw_text="2",
                             channel="console", actor=people.handler)
    return found


def value(table, code):
    return table.get(code).figure.value


def test_imported_complaints_count_in_the_indicators_like_live_ones(tmp_path, org, home,
                                                                    people, live):
    path = tmp_path / "投诉.csv"
    path.write_bytes(export(*legacy_rows(home)))
    result = invoke("complaints", "import-history", str(path), "--user", "xd-handler")
    assert result.exit_code == 0, result.output + result.stderr
    assert "imported 3 finished complaints from 投诉.csv, 0 imported before" in result.output
    assert "survey answers 3 (66.67% satisfied)" in result.output
    assert "投诉.csv: warning: line 1: column(s) '工单来源' ignored" in result.stderr

    report = indicator_report(period=H2)
    # Handling time: (48 + 120 + 6 + 12 live) / 4 = 46.5 h.
    assert value(report.table, "complaint_handling_avg") == D("46.5")
    # Satisfaction: TS-1 satisfied, TS-2 and the live one fairly satisfied, TS-3
    # dissatisfied: 3 / 4.
    assert value(report.table, "complaint_satisfaction") == D(75)
    # Taiyuan: TS-1 and the live one (Xiaodian), TS-2 (Qingxu): (48 + 12 + 120) / 3 = 60 h;
    # TS-3 has no branch but the operator's.
    cities = {t.scope.unit_code: t for t in report.cities}
    assert value(cities["ty"], "complaint_handling_avg") == D(60)
    start, end = H2.bounds("Asia/Shanghai")
    assert sum(r.hours_sum for r in replied_totals(start=start, end=end)) == D(186)

    ts1 = Complaint.objects.get(legacy_id="TS-1")
    assert (ts1.state, ts1.category, ts1.channel) == ("closed", "billing", "hotline")
    assert (ts1.customer, ts1.org_unit, ts1.owner, ts1.handler) == (
        home.customer, org.xiaodian, people.handler, people.handler)
    assert (ts1.satisfaction, ts1.satisfaction_at) == ("satisfied", at("2025-08-04 10:00"))
    assert ts1.reply_clock.counted_duration == D(48) and ts1.reply_clock.timely
    assert ts1.regulator_clock.kind == "complaint_regulator"
    assert ts1.regulator_clock.stopped_at == at("2025-08-03 08:00")
    ts2 = Complaint.objects.get(legacy_id="TS-2")
    assert (ts2.customer, ts2.org_unit, ts2.contact_number) == (None, org.qingxu,
                                                                f"+86{CHURNED}")
    assert ts2.reply_clock.timely is False  # 120 h against the 48 h commitment
    answer = SurveyAnswer.objects.get(complaint=ts2)
    assert (answer.value, answer.status, answer.received_at) == (
        "fairly_satisfied", "accepted", at("2025-10-15 08:00"))
    assert Complaint.objects.get(legacy_id="TS-3").org_unit == org.operator
    assert AuditEntry.objects.filter(action="complaint.import_history").count() == 1


def test_a_second_run_skips_what_was_imported(tmp_path, home, people):
    path = tmp_path / "投诉.csv"
    path.write_bytes(export(*legacy_rows(home)[:2]))
    assert invoke("complaints", "import-history", str(path), "--user", "xd-handler"
                  ).exit_code == 0
    clocks = SlaClock.objects.count()
    path.write_bytes(export(*legacy_rows(home)))
    again = invoke("complaints", "import-history", str(path), "--user", "xd-handler")
    assert again.exit_code == 0, again.stderr
    assert "imported 1 finished complaints from 投诉.csv, 2 imported before and skipped" \
        in again.output
    assert Complaint.objects.count() == 3 and SurveyAnswer.objects.count() == 3
    assert SlaClock.objects.count() == clocks + 2  # the new one's reply and regulator clocks


def test_english_headers_in_utf8_with_a_bom(tmp_path, home, people):
    header = "legacy_id,received_at,replied_at,category,number,satisfaction,surveyed_at"
    path = tmp_path / "complaints.csv"
    path.write_bytes(export("C-9,2025-12-01 08:00,2025-12-01 10:30,billing,"
                            f"{CHURNED},2,2025-12-02 09:00", header=header,
                            encoding="utf-8-sig"))
    result = invoke("complaints", "import-history", str(path), "--user", "xd-handler")
    assert result.exit_code == 0, result.stderr
    found = Complaint.objects.get(legacy_id="C-9")
    assert found.reply_clock.counted_duration == D("2.5")
    assert found.satisfaction == "fairly_satisfied"


def test_wrong_rows_are_named_by_line_and_nothing_is_written(tmp_path, home, people):
    rows = legacy_rows(home)
    rows.insert(1, "TS-8,2025/08/05 08:00,2025/08/04 08:00,计费,,13900000001,x,满意,,,")
    rows.append("TS-9,2025/08/05 08:00,2025/08/06 08:00,计费,,13900000001,x,还行吧,,,")
    rows.append("TS-1,2025/08/05 08:00,2025/08/06 08:00,计费,,13900000001,x,,,,")
    path = tmp_path / "投诉.csv"
    path.write_bytes(export(*rows))
    result = invoke("complaints", "import-history", str(path), "--user", "xd-handler")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "telcodesk: error: 投诉.csv: 3 bad line(s), nothing imported: line 3: replied before "
        "it was received; line 6: satisfaction '还行吧' is not a survey answer (1, 2, 3, 满意, "
        "基本满意, 不满意); line 7: complaint TS-1 appears twice (first on line 2)")
    assert not Complaint.objects.exists() and not SlaClock.objects.exists()


def test_a_branch_or_handler_nobody_knows_refuses_the_file(home, people):
    from telcodesk.care.parsers.complaint_history import read_complaint_file
    from telcodesk.care.services.complaint_history import do_import_finished_complaints

    data = export(f"TS-5,2025/08/01 08:00,2025/08/01 09:00,,,{CHURNED},x,,,太原南站分公司,",
                  header=HEADER)
    read = read_complaint_file(data, zone=SHANGHAI, name="x.csv")
    with pytest.raises(CareError) as caught:
        do_import_finished_complaints(now=at("2025-12-20 00:00"), actor=people.handler,
                                      complaints=read.complaints)
    assert caught.value.message == ("1 bad complaint(s), nothing imported: line 2 (TS-5): "
                                    "no branch '太原南站分公司' (a code or a name)")
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("data", [bytes(range(256)) * 16, b"PK\x03\x04" + bytes(300), b""],
                         ids=["garbage", "workbook", "empty"])
def test_a_file_that_is_no_export_is_refused_in_one_line(tmp_path, people, data):
    path = tmp_path / "投诉.csv"
    path.write_bytes(data)
    result = invoke("complaints", "import-history", str(path), "--user", "xd-handler")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("telcodesk: error: 投诉.csv: ")
    assert not Complaint.objects.exists()
    assert not AuditEntry.objects.filter(action="complaint.import_history").exists()
