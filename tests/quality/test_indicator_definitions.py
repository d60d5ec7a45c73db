"""The indicator list follows the seed report's order and wording, covers every row of
the standards' table, and prints values the way the report does."""

from __future__ import annotations

from decimal import Decimal

import pytest

from telcodesk.quality.indicators.definitions import (
    BY_CODE,
    INDICATORS,
    SECTIONS,
    indicator,
)
from telcodesk.quality.indicators.types import Target

# The seed report's indicator section (in Simplified Chinese), in order: section, name,
# qualifier.
SEED_ORDER = [
    (1, "装机平均时限", "城镇"),
    (1, "装机平均时限", "农村"),
    (1, "装机及时率", "城镇"),
    (1, "装机及时率", "农村"),
    (1, "障碍修复平均时限", "不含客户自维线路"),
    (1, "障碍修复及时率", ""),
    (1, "计费差错率", ""),
    (2, "装机入网平均时间", ""),
    (2, "装机入网及时率", ""),
    (2, "障碍修复平均时间", "不含处理客户接入线部分"),
    (2, "障碍修复及时率", ""),
    (3, "业务变更时长", "最长时间"),
    (3, "业务变更时长", "平均时间"),
    (3, "业务变更时长", "及时率"),
    (3, "恢复通话时长", "最长时间"),
    (3, "恢复通话时长", "平均时间"),
    (3, "恢复通话时长", "及时率"),
    (3, "障碍修复时长", "最长时间"),
    (3, "障碍修复时长", "平均时间"),
    (3, "障碍修复时长", "及时率"),
    (3, "网络接通率", "忙时"),
    (3, "无线信道拥塞率", "忙时"),
    (3, "通话中断率", "掉话率"),
    (4, "10000号应答平均时间", ""),
    (4, "10000号应答及时率", ""),
    (5, "投诉处理平均时间", ""),
    (5, "投诉处理满意率", ""),
]

# Every row of STANDARDS.md's indicator table → the codes that report it.
STANDARDS_ROWS = {
    "fixed 装机平均时限 (urban, rural)": ["fixed_install_avg_urban", "fixed_install_avg_rural"],
    "fixed 装机及时率 (urban, rural)": ["fixed_install_timely_urban",
                                        "fixed_install_timely_rural"],
    "fixed 障碍修复平均时限": ["fixed_repair_avg"],
    "fixed 障碍修复及时率": ["fixed_repair_timely"],
    "计费差错率": ["billing_error_rate"],
    "internet 装机入网平均时间": ["broadband_install_avg"],
    "internet 装机入网及时率": ["broadband_install_timely"],
    "internet 障碍修复平均时间": ["broadband_repair_avg"],
    "internet 障碍修复及时率": ["broadband_repair_timely"],
    "mobile 业务变更时长": ["mobile_change_max", "mobile_change_avg", "mobile_change_timely"],
    "mobile 恢复通话时长": ["mobile_reconnection_max", "mobile_reconnection_avg",
                            "mobile_reconnection_timely"],
    "mobile 障碍修复时长": ["mobile_repair_max", "mobile_repair_avg", "mobile_repair_timely"],
    "网络接通率": ["network_connection_rate"],
    "无线信道拥塞率": ["network_congestion_rate"],
    "通话中断率": ["network_drop_rate"],
    "hotline 应答平均时间": ["hotline_answer_avg"],
    "hotline 应答及时率": ["hotline_timely"],
    "投诉处理平均时间": ["complaint_handling_avg"],
    "投诉处理满意率": ["complaint_satisfaction"],
}


def test_order_and_wording_follow_the_seed_report():
    assert [(d.section.number, d.name_zh, d.qualifier_zh) for d in INDICATORS] == SEED_ORDER
    assert [s.title_zh for s in SECTIONS] == ["固定电话服务时限", "互联网接入业务服务时限",
                                             "移动通信服务质量", "电话服务台应答",
                                             "客户咨询投诉"]
    assert len(BY_CODE) == len(INDICATORS)  # codes are unique


def test_every_standards_row_is_reported():
    covered = [code for codes in STANDARDS_ROWS.values() for code in codes]
    assert sorted(covered) == sorted(BY_CODE)


def test_english_names_and_labels_exist():
    for definition in INDICATORS:
        assert definition.name_en and definition.section.title_en
        assert bool(definition.qualifier_en) == bool(definition.qualifier_zh)
    assert indicator("fixed_install_avg_urban").label() == "装机平均时限（城镇）"
    assert indicator("fixed_install_avg_urban").label("en") == (
        "Average installation time (urban)")


def test_sources_statistics_and_units():
    assert {d.source for d in INDICATORS} == {"sla", "billing", "network", "hotline",
                                              "complaints"}
    installs = [d for d in INDICATORS if d.kinds == ("install",)]
    assert all(d.unit in ("working_days", "percent") for d in installs)
    assert indicator("mobile_change_avg").unit == "hours"  # the limit's unit …
    assert indicator("mobile_change_avg").printed_unit == "minutes"  # … printed like the seed
    assert indicator("fixed_repair_avg").area == "any"  # urban and rural together
    assert indicator("hotline_timely").provincial


@pytest.mark.parametrize(("code", "value", "zh", "en"), [
    ("fixed_install_timely_urban", Decimal("97.6149"), "97.61%", "97.61%"),
    ("fixed_install_timely_urban", Decimal("97.615"), "97.62%", "97.62%"),  # half up
    ("fixed_install_avg_urban", Decimal("2.555"), "2.56个工作日", "2.56 working days"),
    ("fixed_repair_avg", Decimal("14.4712"), "14.47小时", "14.47 h"),
    ("mobile_change_avg", Decimal("0.116833"), "7.01分钟", "7.01 min"),
    ("hotline_answer_avg", Decimal(7), "7.00秒", "7.00 s"),
    ("billing_error_rate", Decimal("0.0000523"), "0.52×10⁻⁴", "0.52×10⁻⁴"),
    ("complaint_satisfaction", None, "无数据", "no data"),
])
def test_printing(code, value, zh, en):
    assert indicator(code).format(value) == zh
    assert indicator(code).format(value, "en") == en


def test_targets_and_changes_print():
    timely = indicator("fixed_install_timely_urban")
    assert timely.format_target(Target(Decimal("95.00"), ">=", "percent")) == "≥95%"
    assert timely.format_target(None) == "—"
    assert timely.format_change(Decimal("-1.234")) == "−1.23个百分点"
    assert timely.format_change(Decimal("1.234"), "en") == "+1.23 pp"
    congestion = indicator("network_congestion_rate")
    assert congestion.format_target(Target(Decimal("2.000000"), "<", "percent")) == "<2%"
    billing = indicator("billing_error_rate")
    assert billing.format_target(Target(Decimal("0.000100"), "<=", "ratio")) == "≤1×10⁻⁴"
    minutes = indicator("mobile_change_avg")
    assert minutes.format_target(Target(Decimal("1.00"), "<=", "hours"), "en") == "≤1 h"
    assert minutes.format_change(Decimal("0.5")) == "+30.00分钟"


def test_unknown_code():
    with pytest.raises(KeyError, match="unknown indicator"):
        indicator("nope")
