"""Every export of the report, from one hand-built ``IndicatorReport`` (no database).

What is checked is what a reader of each file would look at: the seed report's
wording in its order, "无数据" where a figure has no record (never 0%), the
failing figures marked, formulas in the workbook, exact numbers in the JSON, and
the TMF657 document against the official schema.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from telcodesk.quality.indicators.definitions import INDICATORS, indicator
from telcodesk.quality.report.document import build_document
from telcodesk.quality.report.exports import EXPORTS, filename
from telcodesk.quality.report.html import render_html
from telcodesk.quality.report.json import SCHEMA, render_json
from telcodesk.quality.report.markdown import render_markdown_document
from telcodesk.quality.report.narrative import (
    Narrative,
    NarrativeSection,
    default_narrative,
    render_markdown,
)
from telcodesk.quality.report.pdf import render_pdf
from telcodesk.quality.report.tmf657 import (
    EXTENSION_ATTRIBUTES,
    EXTENSION_SCHEMA,
    render_tmf657,
)
from telcodesk.quality.report.xlsx import render_xlsx
from tests.conftest import SHANGHAI
from tests.pdf_text import pdf_pages, pdf_text
from tests.quality.report_fixture import FIGURES, PERIOD, fixed_report
from tests.tmf_schema import assert_valid

NOW = dt.datetime(2026, 7, 10, 9, 30, tzinfo=SHANGHAI)
PARENTS = {"ty-xd": "太原分公司", "ty-qx": "太原分公司", "dt-yg": "大同分公司"}
TMF657 = "TMF657-ServiceQualityManagement-v4.0.0.swagger.json"

# The seed report's indicator lines, in its order (Simplified Chinese).
SEED_ORDER = [
    "1. 固定电话服务时限", "装机平均时限（城镇）", "装机平均时限（农村）", "装机及时率（城镇）",
    "装机及时率（农村）", "障碍修复平均时限（不含客户自维线路）", "障碍修复及时率", "计费差错率",
    "2. 互联网接入业务服务时限", "装机入网平均时间", "装机入网及时率",
    "障碍修复平均时间（不含处理客户接入线部分）", "障碍修复及时率",
    "3. 移动通信服务质量", "业务变更时长（最长时间）", "业务变更时长（平均时间）",
    "业务变更时长（及时率）", "恢复通话时长（最长时间）", "恢复通话时长（平均时间）",
    "恢复通话时长（及时率）", "障碍修复时长（最长时间）", "障碍修复时长（平均时间）",
    "障碍修复时长（及时率）", "网络接通率", "无线信道拥塞率", "通话中断率",
    "4. 电话服务台应答", "10000号应答平均时间", "10000号应答及时率",
    "5. 客户咨询投诉", "投诉处理平均时间", "投诉处理满意率",
]


def narrative(language: str = "zh-hans") -> Narrative:
    base = default_narrative(name="演示电信", period=PERIOD, language=language)
    return Narrative(
        introduction=base.introduction,
        sections=(NarrativeSection("提升装机服务能力",
                                   "全年新增装机人员**20名**。\n\n- 缩短预约时间\n- 增加周末上门"),
                  NarrativeSection("尚未填写的一节", ""),
                  NarrativeSection("安全提示", "不允许 <script>alert(1)</script> 运行")),
        declaration=base.declaration, saved=True)


@functools.cache
def document(language: str = "zh-hans"):
    return build_document(report=fixed_report(), narrative=narrative(language),
                          language=language, now=NOW, name="演示电信", county_parents=PARENTS)


@functools.cache
def uncompressed_pdf() -> bytes:
    return render_pdf(document(), compress=False)


def in_order(text: str, needles: list[str]) -> None:
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        assert found >= 0, f"{needle!r} missing after position {position}"
        position = found + len(needle)


# --- HTML ---------------------------------------------------------------------------------------


def test_html_has_the_seed_wording_in_order_with_units_targets_and_verdicts():
    html = render_html(document()).decode("utf-8")
    assert html.startswith("<!doctype html>")
    in_order(html, ["演示电信2026年上半年服务质量状况报告", "一、公司简介",
                    "演示电信依法经营电信业务",
                    "（一）提升装机服务能力", "（二）安全提示", "二、2026年上半年服务指标完成情况",
                    *SEED_ORDER, "企业声明：本报告内容客观、真实、准确。"])
    row = re.search(r'<tr class="([^"]*)" data-indicator="fixed_repair_avg">(.*?)</tr>', html,
                    re.DOTALL)
    assert row is not None
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(2), re.DOTALL)
    assert cells == ["障碍修复平均时限（不含客户自维线路）", "14.47小时", "≤24小时",
                     "城镇24小时、农村48小时", "✓ 达标", "200", "14.33小时", "+0.14小时"]
    # Failing figures are red (class not-met) and say so.
    failing = re.findall(r'<tr class="not-met[^"]*" data-indicator="([a-z_]+)"', html)
    assert failing == ["fixed_repair_timely", "mobile_reconnection_max",
                       "complaint_satisfaction"]
    assert "✗ 未达标" in html
    assert "color: #b3261e" in html  # the red comes with the file


def test_html_says_no_data_instead_of_zero_percent():
    html = render_html(document()).decode("utf-8")
    row = re.search(r'data-indicator="fixed_install_timely_rural">(.*?)</tr>', html, re.DOTALL)
    assert row is not None
    assert "无数据" in row.group(1)
    assert "0%" not in row.group(1) and "0.00" not in row.group(1)
    assert "no-data" in html


def test_html_charts_breakdowns_and_markdown_without_raw_html():
    html = render_html(document()).decode("utf-8")
    assert html.count("<svg") >= 2
    assert 'data-chart="trend"' in html and 'data-chart="cities"' in html
    assert "主要指标月度趋势" in html and "各地市对比" in html
    for title in ("分地市", "分区县", "城镇与农村", "分月"):
        assert title in html
    # The counties in tree order, with the cities they belong to named above them.
    in_order(html, ["分区县", "<h4>太原分公司、大同分公司</h4>", "小店区分公司", "清徐县分公司",
                    "云冈区分公司"])
    assert "不适用" in html  # the hotline below the operator
    assert "<strong>20名</strong>" in html and "<li>缩短预约时间</li>" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # An unwritten section is left out of the exported file.
    assert "尚未填写的一节" not in html


def test_markdown_rendering_is_safe():
    html = render_markdown("[x](javascript:alert(1)) <img src=x onerror=alert(1)> ![i](http://e/i.png)"
                           "\n\n# 标题")
    assert "javascript:" not in html.replace("[x](javascript:alert(1))", "")
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<h4>标题</h4>" in html  # typed headings sit below the report's own


def test_english_document():
    html = render_html(document("en")).decode("utf-8")
    in_order(html, ["service quality report, 2026 H1", "1. About the operator",
                    "2. Service indicators, 2026 H1", "Average installation time (urban)",
                    "Billing error rate", "Hotline 10000 calls answered on time",
                    "Declaration: The content of this report is objective, true and accurate."])
    assert "no data" in html and "✗ not met" in html


# --- PDF ----------------------------------------------------------------------------------------


def test_pdf_embeds_the_noto_font_numbers_pages_and_prints_the_table():
    data = uncompressed_pdf()
    assert data.startswith(b"%PDF-")
    assert re.search(rb"/FontName /[A-Z]{6}\+NotoSansSC", data)
    assert re.search(rb"/FontName /[A-Z]{6}\+NotoSerifSC", data)  # the title
    text = pdf_text(data)
    flat = text.replace("\n", "")
    for needle in ["演示电信2026年上半年服务质量状况报告", "一、公司简介",
                   "二、2026年上半年服务指标完成情况",
                   "1. 固定电话服务时限", "5. 客户咨询投诉", "装机及时率（农村）", "无数据",
                   "14.47小时", "× 未达标", "企业声明：本报告内容客观、真实、准确。"]:
        assert needle in flat, needle
    assert "第 1 页 / 共" in text
    assert "0.52×10ˉ⁴" in flat  # the superscript minus is not in the font: a raised bar
    # Every row of the indicator table is whole on one page, next to its value.
    pages = [page.replace("\n", "") for page in pdf_pages(data)]
    for row in document().main.rows:
        cells = (row.label + row.value_text + row.target_text).replace("⁻", "ˉ")
        assert sum(cells in page for page in pages) == 1, row.label
    compressed = render_pdf(document())
    assert compressed.startswith(b"%PDF-") and len(compressed) < len(data)


def test_the_charts_go_into_the_pdf_as_vector_drawings():
    data = uncompressed_pdf()
    assert "主要指标月度趋势" in pdf_text(data).replace("\n", "")
    without_charts = build_document(report=fixed_report(), narrative=narrative(),
                                    language="zh-hans", now=NOW, name="演示电信")
    without_charts.charts.clear()
    assert len(render_pdf(without_charts, compress=False)) < len(data)


# --- XLSX ---------------------------------------------------------------------------------------


def _xml(data: bytes | str) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - the workbook we just wrote


def _sheets(data: bytes) -> tuple[dict[str, str], list[str]]:
    """Sheet name → its XML, and the shared strings."""
    book = zipfile.ZipFile(BytesIO(data))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    workbook = _xml(book.read("xl/workbook.xml"))
    rels = _xml(book.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    sheets = {}
    for sheet in workbook.find("m:sheets", ns):
        target = targets[sheet.get(f"{{{ns['r']}}}id")]
        sheets[sheet.get("name")] = book.read(f"xl/{target.lstrip('/').removeprefix('xl/')}"
                                              ).decode("utf-8")
    strings_xml = _xml(book.read("xl/sharedStrings.xml"))
    strings = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")) for si in strings_xml]
    return sheets, strings


def _cells(sheet_xml: str, strings: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Cell reference → (formula, shown value) of one sheet."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    cells = {}
    for c in _xml(sheet_xml).iter(f"{ns}c"):
        formula = c.find(f"{ns}f")
        value = c.find(f"{ns}v")
        shown = value.text if value is not None else None
        if c.get("t") == "s" and shown is not None:
            shown = strings[int(shown)]
        cells[c.get("r")] = (formula.text if formula is not None else None, shown)
    return cells


def test_xlsx_has_the_indicator_sheet_with_live_formulas_and_one_sheet_per_breakdown():
    sheets, strings = _sheets(render_xlsx(document()))
    assert list(sheets) == ["指标", "地市", "区县", "城乡", "月份", "说明"]
    cells = _cells(sheets["指标"], strings)
    heading = [cells[f"{col}1"][1] for col in "ABCDEFGHIJKLMN"]
    assert heading == ["类别", "指标", "口径", "本期值", "单位", "分子", "分母", "记录数",
                       "标准/目标", "判定依据（监管限值）", "是否达标", "上期值", "变化", "代码"]
    rows = {cells[f"N{r}"][1]: r for r in range(2, len(INDICATORS) + 2)}
    assert list(rows) == [d.code for d in INDICATORS]  # the seed's order
    r = rows["fixed_repair_timely"]
    assert cells[f"D{r}"] == (f"F{r}/G{r}", "0.9")  # a live formula over its inputs
    assert cells[f"F{r}"][1] == "180" and cells[f"G{r}"][1] == "200"
    assert cells[f"J{r}"][1] == "城镇24小时、农村48小时"  # what it was judged against
    assert cells[f"K{r}"][1] == "✗ 未达标"
    r = rows["mobile_change_avg"]
    assert cells[f"D{r}"][0] == f"F{r}/G{r}*60" and cells[f"E{r}"][1] == "分钟"
    assert float(cells[f"D{r}"][1]) == pytest.approx(7.01, abs=0.005)
    r = rows["mobile_change_max"]  # a maximum has no formula
    assert cells[f"D{r}"] == (None, "23.5")
    r = rows["fixed_install_timely_rural"]
    assert cells[f"D{r}"] == (None, "无数据")
    assert f"F{r}" not in cells  # no inputs written
    r = rows["billing_error_rate"]
    assert cells[f"D{r}"][0] == f"F{r}/G{r}"
    assert float(cells[f"D{r}"][1]) == pytest.approx(0.000052)


def test_xlsx_breakdown_sheets_name_the_unit_of_each_row():
    sheets, strings = _sheets(render_xlsx(document()))
    cities = _cells(sheets["地市"], strings)
    assert cities["A1"][1] == "单位/月份" and cities["O1"][1] == "代码"
    units = [cities[f"A{r}"][1] for r in range(2, 2 * len(INDICATORS) + 2)]
    assert units == ["太原分公司"] * len(INDICATORS) + ["大同分公司"] * len(INDICATORS)
    assert cities["E2"][0] == "G2/H2"  # the formula follows the shifted columns
    counties = _cells(sheets["区县"], strings)
    assert {counties[f"A{r}"][1] for r in range(2, 3 * len(INDICATORS) + 2)} == {
        "小店区分公司", "清徐县分公司", "云冈区分公司"}
    months = _cells(sheets["月份"], strings)
    assert months["A2"][1] == "1月" and months[f"A{5 * len(INDICATORS) + 2}"][1] == "6月"
    assert len(_cells(sheets["城乡"], strings)) > 2 * len(INDICATORS)


# --- JSON ---------------------------------------------------------------------------------------


def test_json_round_trips_exact_numbers_targets_and_breakdowns():
    data = json.loads(render_json(document()))
    assert data["schema"] == SCHEMA
    assert data["period"] == {"code": "2026H1", "kind": "half", "start": "2026-01-01",
                              "end": "2026-06-30",
                              "label": {"zh-hans": "2026年上半年", "en": "2026 H1"}}
    assert data["previous_period"]["code"] == "2025H2"
    assert data["scope"] == {"kind": "operator", "unit_code": "", "label": "演示电信"}
    rows = {row["code"]: row for row in data["indicators"]}
    assert [row["code"] for row in data["indicators"]] == [d.code for d in INDICATORS]
    timely = rows["fixed_repair_timely"]
    assert (timely["value"], timely["numerator"], timely["denominator"]) == ("90", "180", "200")
    assert timely["met"] is False and timely["records"] == 200
    assert timely["target"]["value"] == "95" and timely["target"]["comparison"] == ">="
    assert timely["display"] == {"zh-hans": "90.00%", "en": "90.00%"}
    assert timely["name"]["zh-hans"] == "障碍修复及时率"
    # Exact: the string is the engine's unrounded Decimal.
    n, d, _records = FIGURES["mobile_reconnection_avg"]
    assert Decimal(rows["mobile_reconnection_avg"]["value"]) == n / d
    rural = rows["fixed_install_timely_rural"]
    assert rural["value"] is None and rural["met"] is None
    assert rural["display"]["zh-hans"] == "无数据"
    assert rows["billing_error_rate"]["value"] == "0.000052"
    assert set(data["breakdowns"]) == {"cities", "counties", "areas", "months"}
    tai_yuan = data["breakdowns"]["cities"][0]
    assert tai_yuan["scope"]["unit_code"] == "ty"
    hotline = {row["code"]: row for row in tai_yuan["indicators"]}["hotline_timely"]
    assert hotline["applicable"] is False and hotline["value"] is None
    assert [m["period"]["code"] for m in data["breakdowns"]["months"]] == [
        f"2026-0{i}" for i in range(1, 7)]
    assert data["narrative"]["declaration"] == "本报告内容客观、真实、准确。"


def test_markdown_document():
    text = render_markdown_document(document()).decode("utf-8")
    in_order(text, ["# 演示电信2026年上半年服务质量状况报告", "## 一、公司简介",
                    "### （一）提升装机服务能力",
                    "## 二、2026年上半年服务指标完成情况", "### 1. 固定电话服务时限",
                    "| 指标 | 本期 | 标准/目标 | 判定依据（监管限值） | 达标 | 记录数 | 上期 "
                    "| 变化 |",
                    "| 障碍修复及时率 | **90.00%** ✗ | ≥95% | 城镇24小时、农村48小时 | ✗ 未达标 "
                    "| 200 |",
                    "## 分项数据", "### 分地市", "企业声明：本报告内容客观、真实、准确。"])
    assert "| 装机及时率（农村） | 无数据 |" in text


# --- TMF657 -------------------------------------------------------------------------------------


def test_tmf657_objectives_validate_against_the_official_schema():
    data = json.loads(render_tmf657(document()))
    spec, objectives = data["serviceLevelSpecification"], data["serviceLevelObjective"]
    assert_valid(spec=TMF657, definition="ServiceLevelSpecification", instance=spec)
    extension = json.loads(Path(EXTENSION_SCHEMA).read_text(encoding="utf-8"))
    for objective in objectives:
        # The whole object is a valid ServiceLevelObjective (extensions allowed)...
        assert_valid(spec=TMF657, definition="ServiceLevelObjective", instance=objective,
                     strict=False)
        # ... every attribute outside the extension is spelt as the specification says...
        core = {k: v for k, v in objective.items() if k not in EXTENSION_ATTRIBUTES}
        assert_valid(spec=TMF657, definition="ServiceLevelObjective", instance=core)
        # ... and the extension follows its own schema.
        jsonschema.validate(objective, extension)
    # Every indicator with a target, applicable to the operator, once; in the seed's order.
    assert [o["serviceLevelObjectiveParameter"]["name"] for o in objectives] == [
        d.code for d in INDICATORS]
    assert [ref["id"] for ref in spec["relatedServiceLevelObjective"]] == [
        o["id"] for o in objectives]
    timely = {o["serviceLevelObjectiveParameter"]["name"]: o for o in objectives}[
        "fixed_repair_timely"]
    assert timely["conformanceTarget"] == "95" and timely["conformanceComparator"] == ">="
    assert timely["measuredValue"] == "90" and timely["conformant"] is False
    assert timely["conformancePeriod"] == {"startDateTime": "2026-01-01T00:00:00+08:00",
                                           "endDateTime": "2026-07-01T00:00:00+08:00"}
    rural = {o["serviceLevelObjectiveParameter"]["name"]: o for o in objectives}[
        "fixed_install_timely_rural"]
    assert rural["measuredValue"] is None and rural["conformant"] is None


def test_a_city_report_has_no_hotline_objective():
    from tests.quality.report_fixture import Scope

    report = fixed_report(scope=Scope("city", "ty", "太原分公司"))
    doc = build_document(report=report, narrative=narrative(), language="zh-hans", now=NOW,
                         name="演示电信太原分公司")
    names = [o["serviceLevelObjectiveParameter"]["name"]
             for o in json.loads(render_tmf657(doc))["serviceLevelObjective"]]
    assert "hotline_timely" not in names and "fixed_repair_timely" in names
    assert json.loads(render_tmf657(doc))["serviceLevelSpecification"]["id"] == "2026H1.ty"


# --- every format -------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(EXPORTS))
def test_every_format_renders_with_its_file_name(key):
    doc = document()
    data = EXPORTS[key].render(doc)
    assert data
    expected = {"pdf": "quality-report-2026H1.pdf", "xlsx": "quality-report-2026H1.xlsx",
                "html": "quality-report-2026H1.html", "json": "quality-report-2026H1.json",
                "md": "quality-report-2026H1.md", "tmf657": "quality-report-2026H1-tmf657.json"}
    assert filename(doc, key) == expected[key]


def test_the_document_reads_every_definition_once():
    doc = document()
    assert [row.code for row in doc.main.rows] == [d.code for d in INDICATORS]
    assert doc.main.row("fixed_repair_avg").value_text == indicator("fixed_repair_avg").format(
        Decimal("14.47"))
