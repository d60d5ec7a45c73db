"""The report as a workbook (xlsxwriter), for managers who check and reuse the figures.

Sheet "指标" (Indicators): one row per indicator — section, name, qualifier,
value, unit, numerator, denominator, records, target, met, previous, change,
code. Where the value is a rate or a mean, its cell is a live formula over the
numerator and denominator cells of the row (``=F2/G2``), so the inputs show and
a changed input recomputes; percentages are kept as fractions with a percent
format, the mobile averages converted to minutes (``=F2/G2*60``). One sheet per
breakdown (cities, counties, urban/rural, months) in the same layout, with the
unit (or month) first; a last sheet says what the workbook is.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from telcodesk.quality.indicators.definitions import IndicatorDefinition
from telcodesk.quality.report.document import ReportDocument, RowView, TableView
from telcodesk.quality.report.wording import lang

_SHEETS = {
    "indicators": ("指标", "Indicators"),
    "cities": ("地市", "Cities"),
    "counties": ("区县", "Counties"),
    "areas": ("城乡", "Urban-rural"),
    "months": ("月份", "Months"),
    "about": ("说明", "About"),
}
_HEADINGS = {
    "unit": ("单位/月份", "Unit or month"),
    "section": ("类别", "Section"),
    "name": ("指标", "Indicator"),
    "qualifier": ("口径", "Qualifier"),
    "value": ("本期值", "Value"),
    "unit_text": ("单位", "Unit"),
    "numerator": ("分子", "Numerator"),
    "denominator": ("分母", "Denominator"),
    "records": ("记录数", "Records"),
    "target": ("标准/目标", "Limit or target"),
    "judged": ("判定依据（监管限值）", "Judged against (regulator's limit)"),
    "met": ("是否达标", "Met"),
    "previous": ("上期值", "Previous"),
    "change": ("变化", "Change"),
    "code": ("代码", "Code"),
}
COLUMNS = ["section", "name", "qualifier", "value", "unit_text", "numerator", "denominator",
           "records", "target", "judged", "met", "previous", "change", "code"]
# How far a computed formula may differ from the engine's value and still be
# written as a formula (they are the same division; this only guards the layout).
_TOLERANCE = Decimal("1e-9")


def sheet_name(key: str, language: str) -> str:
    zh, en = _SHEETS[key]
    return en if lang(language) == "en" else zh


def _heading(key: str, language: str) -> str:
    zh, en = _HEADINGS[key]
    return en if lang(language) == "en" else zh


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.heading = book.add_format({"bold": True, "bg_color": "#E8ECF1", "border": 1,
                                        "text_wrap": True, "valign": "top"})
        self.text = book.add_format({"valign": "top"})
        self.number = book.add_format({"num_format": "0.00"})
        self.integer = book.add_format({"num_format": "0"})
        self.raw = book.add_format({"num_format": "General"})
        self.percent = book.add_format({"num_format": "0.00%"})
        self.scientific = book.add_format({"num_format": "0.00E+00"})
        self.bad = book.add_format({"font_color": "#B3261E", "bold": True})
        self.bad_percent = book.add_format({"num_format": "0.00%", "font_color": "#B3261E",
                                            "bold": True})
        self.bad_number = book.add_format({"num_format": "0.00", "font_color": "#B3261E",
                                           "bold": True})
        self.bad_scientific = book.add_format({"num_format": "0.00E+00",
                                               "font_color": "#B3261E", "bold": True})
        self.muted = book.add_format({"font_color": "#8A96A3"})
        self.title = book.add_format({"bold": True, "font_size": 14})


def _shown(definition: IndicatorDefinition, value: Decimal) -> tuple[Decimal, str]:
    """The number as a spreadsheet shows it, and its kind of format."""
    if definition.unit == "percent":
        return value / 100, "percent"
    if definition.unit == "ratio":
        return value, "scientific"
    if definition.unit == "hours" and definition.printed_unit == "minutes":
        return value * 60, "number"
    return value, "number"


def _value_format(formats: _Formats, kind: str, bad: bool) -> Any:
    if kind == "percent":
        return formats.bad_percent if bad else formats.percent
    if kind == "scientific":
        return formats.bad_scientific if bad else formats.scientific
    return formats.bad_number if bad else formats.number


def _formula(definition: IndicatorDefinition, row: RowView, num_cell: str,
             den_cell: str) -> str | None:
    """``=F2/G2`` (times 60 for minutes) when that division gives the engine's value."""
    figure = row.result.figure
    if definition.statistic == "maximum" or figure.value is None:
        return None
    if figure.numerator is None or not figure.denominator:
        return None
    quotient = figure.numerator / figure.denominator
    expected = quotient * 100 if definition.unit == "percent" else quotient
    if abs(expected - figure.value) > _TOLERANCE * max(Decimal(1), abs(figure.value)):
        return None
    scale = "*60" if definition.unit == "hours" and definition.printed_unit == "minutes" else ""
    return f"={num_cell}/{den_cell}{scale}"


def _write_rows(sheet: Any, formats: _Formats, table: TableView, start_row: int,
                first_col: int, language: str, unit_label: str | None) -> int:
    r = start_row
    for section in table.sections:
        for row in section.rows:
            c = first_col
            definition = row.definition
            if unit_label is not None:
                sheet.write_string(r, 0, unit_label)
            cols = {key: c + i for i, key in enumerate(COLUMNS)}
            sheet.write_string(r, cols["section"], section.title)
            sheet.write_string(r, cols["name"], row.name)
            sheet.write_string(r, cols["qualifier"], row.qualifier)
            figure = row.result.figure
            if figure.numerator is not None and row.applicable:
                sheet.write_number(r, cols["numerator"], float(figure.numerator), formats.raw)
            if figure.denominator is not None and row.applicable:
                sheet.write_number(r, cols["denominator"], float(figure.denominator),
                                   formats.raw)
            sheet.write_number(r, cols["records"], row.records, formats.integer)
            if not row.applicable or figure.value is None:
                sheet.write_string(r, cols["value"], row.value_text, formats.muted)
                unit_text = row.unit_text
            else:
                shown, kind = _shown(definition, figure.value)
                fmt = _value_format(formats, kind, row.not_met)
                formula = _formula(definition, row,
                                   xl_rowcol_to_cell(r, cols["numerator"]),
                                   xl_rowcol_to_cell(r, cols["denominator"]))
                if formula:
                    sheet.write_formula(r, cols["value"], formula, fmt, float(shown))
                else:
                    sheet.write_number(r, cols["value"], float(shown), fmt)
                unit_text = "" if kind in ("percent", "scientific") else row.unit_text
            sheet.write_string(r, cols["unit_text"], unit_text)
            sheet.write_string(r, cols["target"], row.target_text)
            sheet.write_string(r, cols["judged"], row.limit_text)
            sheet.write_string(r, cols["met"], row.met_text,
                               formats.bad if row.not_met else formats.text)
            previous = row.result.previous
            if row.applicable and previous is not None and previous.value is not None:
                shown, kind = _shown(definition, previous.value)
                sheet.write_number(r, cols["previous"], float(shown),
                                   _value_format(formats, kind, False))
            else:
                sheet.write_string(r, cols["previous"], row.previous_text, formats.muted)
            change = row.result.change
            if row.applicable and change is not None:
                shown, kind = _shown(definition, change)
                sheet.write_number(r, cols["change"], float(shown),
                                   _value_format(formats, kind, False))
            else:
                sheet.write_string(r, cols["change"], "—", formats.muted)
            sheet.write_string(r, cols["code"], definition.code)
            r += 1
    return r


def _sheet(book: xlsxwriter.Workbook, formats: _Formats, name: str, language: str,
           with_unit: bool) -> Any:
    sheet = book.add_worksheet(name)
    keys = (["unit"] if with_unit else []) + COLUMNS
    for col, key in enumerate(keys):
        sheet.write_string(0, col, _heading(key, language), formats.heading)
    offset = 1 if with_unit else 0
    widths = {"unit": 14, "section": 22, "name": 22, "qualifier": 18, "value": 12,
              "unit_text": 10, "numerator": 12, "denominator": 12, "records": 10,
              "target": 14, "judged": 18, "met": 10, "previous": 12, "change": 12, "code": 28}
    for col, key in enumerate(keys):
        sheet.set_column(col, col, widths[key])
    sheet.freeze_panes(1, offset + 3)
    return sheet


def render_xlsx(document: ReportDocument) -> bytes:
    language = document.language
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": document.title, "author": document.name,
                         "subject": document.indicators_heading,
                         "created": document.generated_at.replace(tzinfo=None),
                         "comments": document.period_line})
    formats = _Formats(book)
    main = _sheet(book, formats, sheet_name("indicators", language), language, False)
    end = _write_rows(main, formats, document.main, 1, 0, language, None)
    main.autofilter(0, 0, max(end - 1, 1), len(COLUMNS) - 1)
    for breakdown in document.breakdowns:
        sheet = _sheet(book, formats, sheet_name(breakdown.key, language), language, True)
        row = 1
        for table in breakdown.tables:
            row = _write_rows(sheet, formats, table, row, 1, language, table.label)
        sheet.autofilter(0, 0, max(row - 1, 1), len(COLUMNS))
    about = book.add_worksheet(sheet_name("about", language))
    about.set_column(0, 0, 100)
    lines = [document.title, document.period_line, document.scope_line, document.generated_line,
             document.word("no_data_note"), document.word("not_met_note"),
             document.declaration_line]
    about.write_string(0, 0, lines[0], formats.title)
    for i, line in enumerate(lines[1:], start=1):
        about.write_string(i, 0, line)
    book.close()
    return buffer.getvalue()
