"""Every indicator of a small operator, computed by hand and compared exactly.

The operator and its records are built in ``tests/quality/indicator_records.py``
(its comments give every record's counted duration, worked out by hand). The
period is 2025H2, the previous one 2025H1.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from telcodesk.care.selectors.complaint_stats import replied_totals
from telcodesk.quality.errors import QualityError
from telcodesk.quality.indicators.compute import indicator_report
from telcodesk.quality.indicators.definitions import INDICATORS, indicator
from telcodesk.quality.indicators.periods import parse_period

D = Decimal


# --- the operator's table ---------------------------------------------------------------------


H2 = parse_period("2025H2")


def value(table, code):
    return table.get(code).figure.value


def test_every_operator_figure_by_hand(operator):
    report = indicator_report(period=H2)
    table = report.table
    assert report.scope.kind == "operator"
    assert [row.code for row in table.rows] == [d.code for d in INDICATORS]
    expected = {
        # Fixed installs urban: I3 3.0, I1 1.0, I2 4.25 → (3 + 1 + 4.25) / 3; 2 of 3 timely.
        "fixed_install_avg_urban": (D("8.25") / 3, 3),
        "fixed_install_timely_urban": (D(2) * 100 / 3, 3),
        # No rural install finished in H2: no data (not 0 %).
        "fixed_install_avg_rural": (None, 0),
        "fixed_install_timely_rural": (None, 0),
        # Fixed repairs: R1 6 h, R2 54 h (R3 finished in 2026).
        "fixed_repair_avg": (D(60) / 2, 2),
        "fixed_repair_timely": (D(1) * 100 / 2, 2),
        # Billing: (3 + 2) / (100,000 + 10,000).
        "billing_error_rate": (D(5) / D(110_000), 110_000),
        # Broadband installs: B1 4.0, B2 1.5; both timely.
        "broadband_install_avg": (D("5.5") / 2, 2),
        "broadband_install_timely": (D(100), 2),
        # Broadband repairs: BR1 6 h, BR2 28 h (late).
        "broadband_repair_avg": (D(34) / 2, 2),
        "broadband_repair_timely": (D(50), 2),
        # Mobile changes: 0.5, 0.25, 25 h.
        "mobile_change_max": (D(25), 3),
        "mobile_change_avg": (D("25.75") / 3, 3),
        "mobile_change_timely": (D(2) * 100 / 3, 3),
        # Reconnection: 0.1 h (6 minutes).
        "mobile_reconnection_max": (D("0.1"), 1),
        "mobile_reconnection_avg": (D("0.1"), 1),
        "mobile_reconnection_timely": (D(100), 1),
        # Mobile repairs: MR1 4 h, MR2 49 h (late).
        "mobile_repair_max": (D(49), 2),
        "mobile_repair_avg": (D(53) / 2, 2),
        "mobile_repair_timely": (D(50), 2),
        # Network: reached = answered + busy + no answer + unreachable.
        # (980 + 450 + 97) / (1000 + 500 + 100) over 3 cell-days.
        "network_connection_rate": (D(1527) * 100 / D(1600), 3),
        "network_congestion_rate": (D(36) * 100 / D(1900), 3),
        "network_drop_rate": (D(34) * 100 / D(1395), 3),
        # Hotline: answered c1, c2, c3, c4, c7: (8 + 20 + 12 + 4 + 15) / 5 s; on time c1,
        # c4, c7 of the 8 offered less c5 (abandoned within 5 s).
        "hotline_answer_avg": (D(59) / 5, 5),
        "hotline_timely": (D(3) * 100 / 7, 7),
        # Complaints replied in H2: K2 12 h, K1 48 h, K3 96 h.
        "complaint_handling_avg": (D(156) / 3, 3),
        # Accepted answers in H2: fairly, satisfied, dissatisfied, satisfied → 3 of 4.
        "complaint_satisfaction": (D(3) * 100 / 4, 4),
    }
    assert set(expected) == {d.code for d in INDICATORS}
    for code, (want, records) in expected.items():
        row = table.get(code)
        assert (code, row.figure.value, row.figure.records) == (code, want, records)


def test_targets_and_verdicts(operator):
    table = indicator_report(period=H2).table
    met = {row.code: row.met for row in table.rows}
    assert met["fixed_install_avg_urban"] is True  # 2.75 ≤ 3 working days
    assert met["fixed_install_timely_urban"] is False  # 66.67 % < 95 %
    assert met["fixed_install_avg_rural"] is None  # no data: no verdict
    # Urban and rural repair standards differ (24 h / 48 h): the operator figure is judged
    # against the strictest, 24 h.
    repair = table.get("fixed_repair_avg")
    assert (repair.target.value, repair.target.unit, repair.met) == (D(24), "hours", False)
    assert "strictest" in repair.target.source
    assert met["billing_error_rate"] is True  # 0.45 × 10⁻⁴ ≤ 1 × 10⁻⁴
    assert met["mobile_change_max"] is False  # 25 h > 24 h
    assert met["mobile_change_avg"] is False  # 8.58 h > 1 h
    assert met["mobile_change_timely"] is None  # the mobile standard sets no rate target
    assert met["mobile_reconnection_avg"] is True
    assert met["mobile_repair_avg"] is False  # 26.5 h > 24 h
    assert met["network_congestion_rate"] is True  # 1.89 % < 2 %
    assert met["hotline_answer_avg"] is True  # 11.8 s ≤ 15 s
    assert met["hotline_timely"] is False  # 42.86 % < 90 %
    assert met["complaint_handling_avg"] is False  # 52 h > 48 h
    assert met["complaint_satisfaction"] is False  # 75 % < 90 %
    change_avg = table.get("mobile_change_avg")
    assert (change_avg.target.value, change_avg.target.unit) == (D(1), "hours")


def test_change_against_the_previous_period(operator):
    table = indicator_report(period=H2).table
    urban = table.get("fixed_install_avg_urban")
    assert urban.previous.value == D(2) and urban.previous.records == 1  # I0
    assert urban.change == D("8.25") / 3 - D(2)
    rural = table.get("fixed_install_avg_rural")
    assert rural.previous.value == D("3.5") and rural.change is None  # I5; none in H2
    repair = table.get("fixed_repair_avg")
    assert repair.change == D(30) - D(12)  # R0
    hotline = table.get("hotline_answer_avg")
    assert hotline.previous.value == D(5) and hotline.change == D(59) / 5 - D(5)  # c9
    billing = table.get("billing_error_rate")
    assert billing.change == D(5) / D(110_000) - D(1) / D(100_000)
    # Nothing in H1 for complaints (K2 was received in H1 but replied in H2).
    assert table.get("complaint_handling_avg").previous.value is None


def test_the_handling_time_from_the_clocks_equals_the_complaints(operator):
    start, end = H2.bounds("Asia/Shanghai")
    rows = replied_totals(start=start, end=end)
    assert sum(r.count for r in rows) == 3 and sum(r.hours_sum for r in rows) == D(156)


def test_breakdowns_by_city_county_and_area(operator):
    report = indicator_report(period=H2)
    cities = {t.scope.unit_code: t for t in report.cities}
    counties = {t.scope.unit_code: t for t in report.counties}
    areas = {t.scope.kind: t for t in report.areas}
    assert list(cities) == ["dt", "ty"] and list(counties) == ["dt-yg", "ty-qx", "ty-xd"]
    ty, qx, urban, rural = cities["ty"], counties["ty-qx"], areas["urban"], areas["rural"]
    # Taiyuan: urban installs I1 1.0, I2 4.25.
    assert value(ty, "fixed_install_avg_urban") == D("5.25") / 2
    # Qingxu (rural county): R2 54 h against the rural 48 h.
    repair = qx.get("fixed_repair_avg")
    assert (repair.figure.value, repair.target.value, repair.met) == (D(54), D(48), False)
    # Datong: I3 3.0 only; its July month.
    assert value(cities["dt"], "fixed_install_avg_urban") == D(3)
    # Areas: broadband installs urban B2 1.5 (limit 3), rural B1 4.0 (limit 5).
    assert value(urban, "broadband_install_avg") == D("1.5")
    rural_install = rural.get("broadband_install_avg")
    assert (rural_install.figure.value, rural_install.target.value) == (D(4), D(5))
    # Network: Taiyuan (980 + 450) / 1500; congestion 36 / 1800 = 2 %: not below 2 %.
    assert value(ty, "network_connection_rate") == D(1430) * 100 / D(1500)
    congestion = ty.get("network_congestion_rate")
    assert (congestion.figure.value, congestion.met) == (D(2), False)
    assert value(qx, "network_drop_rate") == D(24) * 100 / D(400)
    # The cell without a branch counts only for the operator.
    assert value(cities["dt"], "network_connection_rate") is None
    # Billing: Taiyuan 2 / 10,000 = 2 × 10⁻⁴, not met; Datong has no count.
    assert (ty.get("billing_error_rate").figure.value, ty.get("billing_error_rate").met) == (
        D(2) / D(10_000), False)
    assert value(cities["dt"], "billing_error_rate") is None
    # The hotline is provincial: not applicable below the operator.
    hotline = ty.get("hotline_timely")
    assert hotline.figure.value is None and hotline.drill is None
    # Complaints: Datong K3 96 h; satisfaction 1 of 2 (dissatisfied, then satisfied).
    assert value(cities["dt"], "complaint_handling_avg") == D(96)
    assert value(cities["dt"], "complaint_satisfaction") == D(50)


def test_monthly_trend(operator):
    months = indicator_report(period=H2).months
    assert [t.period.code for t in months] == ["2025-07", "2025-08", "2025-09", "2025-10",
                                              "2025-11", "2025-12"]
    july, october = months[0], months[3]
    assert value(july, "fixed_install_avg_urban") == D(3)  # I3
    assert value(october, "fixed_install_avg_urban") == D("5.25") / 2  # I1, I2
    assert value(months[1], "fixed_install_avg_urban") is None  # nothing in August
    # The call entered at local midnight on 1 July counts in July, not in June.
    assert july.get("hotline_answer_avg").figure.records == 1
    assert july.get("hotline_answer_avg").previous.value == D(5)  # June: c9


def test_one_unit_and_an_unknown_unit(operator):
    report = indicator_report(period=H2, unit_code="ty")
    assert (report.scope.kind, report.scope.unit_code) == ("city", "ty")
    assert report.cities == [] and [t.scope.unit_code for t in report.counties] == [
        "ty-qx", "ty-xd"]
    assert value(report.table, "fixed_install_avg_urban") == D("5.25") / 2
    assert value(report.table, "fixed_repair_avg") == D(60) / 2  # R1, R2 both in Taiyuan
    assert report.table.get("hotline_answer_avg").figure.value is None  # not applicable
    rural = next(t for t in report.areas if t.scope.kind == "rural")
    assert value(rural, "fixed_repair_avg") == D(54)
    assert rural.get("fixed_repair_avg").drill.filters == {
        "code": "fixed_repair_avg", "period": "2025H2", "unit": "ty", "area": "rural"}
    with pytest.raises(QualityError) as excinfo:
        indicator_report(period=H2, unit_code="xx")
    assert excinfo.value.code == "not_found"
    assert excinfo.value.message == "unknown unit 'xx' (known cities: dt, ty)"


def test_printed_values_round_only_when_printed(operator):
    table = indicator_report(period=H2).table

    def shown(code, language="zh-hans"):
        return indicator(code).format(table.get(code).figure.value, language)

    assert shown("fixed_install_avg_urban") == "2.75个工作日"
    assert shown("fixed_install_timely_urban") == "66.67%"
    assert shown("fixed_install_avg_rural") == "无数据"
    assert shown("fixed_install_avg_rural", "en") == "no data"
    assert shown("mobile_change_avg") == "515.00分钟"  # 8.5833… h in minutes
    assert shown("mobile_reconnection_avg", "en") == "6.00 min"
    assert shown("billing_error_rate") == "0.45×10⁻⁴"
    assert shown("hotline_timely") == "42.86%"
    assert indicator("billing_error_rate").format_target(
        table.get("billing_error_rate").target) == "≤1×10⁻⁴"
    assert indicator("fixed_install_avg_urban").format_target(
        table.get("fixed_install_avg_urban").target) == "≤3个工作日"


def test_a_period_with_no_records(operator):
    report = indicator_report(period=parse_period("2024-03"), breakdowns=False, months=False)
    assert all(row.figure.value is None and row.met is None for row in report.table.rows)
    assert report.cities == [] and report.months == []
