"""The report document, assembled once and read by every export.

``build_document`` is pure: it takes an ``IndicatorReport`` (the figures), a
``Narrative`` (the words) and the names, and lays out what every format prints:
the indicator table in the seed report's order grouped by its five sections,
each value with its unit, the limit or target, the regulator's limits its
requests were judged against, met or not, the records behind
it and the change against the previous period; the breakdown tables (cities,
counties in tree order with their cities named, urban/rural, months); and the chart data (the trend
of the key rates by month, the cities compared). ``assemble_document`` reads
the database (words, names) and runs the indicator engine first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from telcodesk.core.charts import Series, bar_chart, line_chart
from telcodesk.core.models import OrgUnit
from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.indicators.compute import indicator_report
from telcodesk.quality.indicators.definitions import (
    INDICATORS,
    IndicatorDefinition,
    Section,
    format_limits,
    not_applicable,
)
from telcodesk.quality.indicators.periods import Period
from telcodesk.quality.indicators.types import (
    IndicatorReport,
    IndicatorResult,
    IndicatorTable,
    Scope,
)
from telcodesk.quality.report.narrative import Narrative, load_narrative, report_name
from telcodesk.quality.report.wording import lang, word

# The rates drawn month by month, and compared city by city (when present).
TREND_CODES = ("fixed_install_timely_urban", "fixed_repair_timely", "broadband_install_timely",
               "broadband_repair_timely", "hotline_timely", "complaint_satisfaction")
CITY_CODES = ("fixed_repair_timely", "broadband_install_timely", "broadband_repair_timely")
BREAKDOWN_COLUMNS = 6  # units side by side in one breakdown table (more: another table)

BreakdownKey = Literal["cities", "counties", "areas", "months"]


@dataclass(frozen=True)
class RowView:
    """One indicator as printed in one table."""

    definition: IndicatorDefinition
    result: IndicatorResult
    period: Period
    scope: Scope
    label: str  # name with qualifier
    name: str
    qualifier: str
    value_text: str
    unit_text: str
    target_text: str
    limit_text: str  # the regulator's limits the requests were judged against
    met: bool | None
    met_text: str
    records: int
    previous_text: str
    change_text: str
    applicable: bool

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def has_data(self) -> bool:
        return self.applicable and self.result.figure.value is not None

    @property
    def not_met(self) -> bool:
        return self.met is False


@dataclass(frozen=True)
class SectionView:
    section: Section
    title: str  # "1. 固定电话服务时限"
    rows: list[RowView]


@dataclass(frozen=True)
class TableView:
    table: IndicatorTable
    label: str
    sections: list[SectionView]

    @property
    def rows(self) -> list[RowView]:
        return [row for section in self.sections for row in section.rows]

    def row(self, code: str) -> RowView:
        for row in self.rows:
            if row.code == code:
                return row
        raise KeyError(code)


@dataclass(frozen=True)
class BreakdownGroup:
    """Up to ``BREAKDOWN_COLUMNS`` units side by side: one row per indicator."""

    title: str  # "" or the city the counties belong to
    columns: list[TableView]

    @property
    def labels(self) -> list[str]:
        return [column.label for column in self.columns]

    def lines(self) -> list[tuple[IndicatorDefinition, str, list[RowView]]]:
        """(definition, label, one RowView per column) per indicator, in order."""
        if not self.columns:
            return []
        first = self.columns[0]
        return [(row.definition, row.label, [c.row(row.code) for c in self.columns])
                for row in first.rows]


@dataclass(frozen=True)
class BreakdownView:
    key: BreakdownKey
    title: str
    tables: list[TableView]
    groups: list[BreakdownGroup]


@dataclass(frozen=True)
class ChartSpec:
    kind: Literal["line", "bar"]
    key: str
    title: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    y_label: str = "%"

    def svg(self, *, fluid: bool, width: int = 720, height: int = 300) -> str:
        series = [Series(name, values) for name, values in self.series]
        if self.kind == "line":
            return line_chart(title=self.title, categories=self.categories, series=series,
                              y_label=self.y_label, value_format=_percent_label, y_max=100.0,
                              fluid=fluid, width=width, height=height,
                              chart_id=f"report-{self.key}")
        return bar_chart(title=self.title, categories=self.categories, series=series,
                         y_label=self.y_label, value_format=_percent_label, y_max=100.0,
                         fluid=fluid, width=width, height=height, chart_id=f"report-{self.key}")


def _percent_label(value: float) -> str:
    return f"{value:.1f}%" if not float(value).is_integer() else f"{int(value)}%"


@dataclass(frozen=True)
class ReportDocument:
    title: str
    language: str
    period: Period
    previous_period: Period
    scope: Scope
    scope_label: str
    name: str  # the operator (and unit) the report is about
    generated_at: dt.datetime
    narrative: Narrative
    report: IndicatorReport
    main: TableView
    breakdowns: list[BreakdownView] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        """Some record at all behind the main table."""
        return any(row.result.figure.records for row in self.main.rows)

    @property
    def lang(self) -> str:
        return lang(self.language)

    def word(self, key: str, **values: object) -> str:
        return word(key, self.language, **values)

    @property
    def intro_heading(self) -> str:
        return self.word("intro_heading")

    @property
    def indicators_heading(self) -> str:
        return self.word("indicators_heading", period=self.period.label(self.language))

    @property
    def declaration_line(self) -> str:
        return self.word("declaration_label") + self.narrative.declaration

    @property
    def period_line(self) -> str:
        last = self.period.end - dt.timedelta(days=1)
        return self.word("computed_from", start=self.period.start.isoformat(),
                         end=last.isoformat(),
                         previous=self.previous_period.label(self.language))

    @property
    def scope_line(self) -> str:
        return self.word("scope_line", scope=self.scope_label)

    @property
    def generated_line(self) -> str:
        return self.word("generated", at=self.generated_at.strftime("%Y-%m-%d %H:%M"))

    def breakdown(self, key: BreakdownKey) -> BreakdownView | None:
        for item in self.breakdowns:
            if item.key == key:
                return item
        return None


# --- building --------------------------------------------------------------------------------


def scope_label(scope: Scope, language: str) -> str:
    if scope.kind == "operator":
        return scope.label or word("scope_operator", language)
    if scope.kind in ("urban", "rural"):
        return word(f"scope_{scope.kind}", language)
    return scope.label or scope.unit_code


def _met_text(met: bool | None, language: str) -> str:
    if met is None:
        return word("met_none", language)
    return word("met_yes" if met else "met_no", language)


def row_view(definition: IndicatorDefinition, result: IndicatorResult, *, period: Period,
             scope: Scope, language: str) -> RowView:
    applicable = not (definition.provincial and scope.kind != "operator")
    figure = result.figure
    if applicable:
        value_text = definition.format(figure.value, language)
        previous_value = result.previous.value if result.previous is not None else None
        previous_text = (definition.format(previous_value, language)
                         if result.previous is not None else "—")
        change_text = definition.format_change(result.change, language)
        target_text = definition.format_target(result.target, language)
        limit_text = format_limits(result.limits, language)
        met = result.met
    else:
        value_text = previous_text = not_applicable(language)
        change_text, target_text, limit_text, met = "—", "—", "—", None
    return RowView(
        definition=definition, result=result, period=period, scope=scope,
        label=definition.label(language), name=definition.name(language),
        qualifier=definition.qualifier(language), value_text=value_text,
        unit_text=definition.unit_text(language), target_text=target_text,
        limit_text=limit_text, met=met,
        met_text=_met_text(met, language), records=figure.records if applicable else 0,
        previous_text=previous_text, change_text=change_text, applicable=applicable)


def table_view(table: IndicatorTable, *, language: str, label: str | None = None) -> TableView:
    """The table's rows in the definitions' order, grouped by section."""
    by_code = {row.code: row for row in table.rows}
    sections: list[SectionView] = []
    current: SectionView | None = None
    for definition in INDICATORS:
        result = by_code.get(definition.code)
        if result is None:
            continue
        if current is None or current.section != definition.section:
            current = SectionView(definition.section,
                                  f"{definition.section.number}. "
                                  f"{definition.section.title(language)}", [])
            sections.append(current)
        current.rows.append(row_view(definition, result, period=table.period,
                                     scope=table.scope, language=language))
    return TableView(table=table, label=label or scope_label(table.scope, language),
                     sections=sections)


def month_label(period: Period, language: str) -> str:
    if period.kind != "month":
        return period.label(language)
    return word("month_label", language, year=period.start.year, month=period.start.month)


def _chunks(tables: Sequence[TableView], size: int) -> list[list[TableView]]:
    return [list(tables[i:i + size]) for i in range(0, len(tables), size)]


def _groups(tables: list[TableView], *, parents: dict[str, str] | None,
            separator: str = "、") -> list[BreakdownGroup]:
    """Tables side by side, ``BREAKDOWN_COLUMNS`` at a time, in tree order; a group
    of counties is titled with the cities its counties belong to."""
    groups = []
    for chunk in _chunks(tables, BREAKDOWN_COLUMNS):
        title = ""
        if parents:
            cities = dict.fromkeys(parents.get(t.table.scope.unit_code, "") for t in chunk)
            title = separator.join(city for city in cities if city)
        groups.append(BreakdownGroup(title, chunk))
    return groups


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _charts(main: TableView, months: list[TableView], cities: list[TableView],
            language: str) -> list[ChartSpec]:
    charts: list[ChartSpec] = []
    present = {row.code for row in main.rows if row.applicable}
    if months:
        series = []
        for code in TREND_CODES:
            if code not in present:
                continue
            values = [_float(m.row(code).result.figure.value) if m.row(code).applicable
                      else None for m in months]
            if any(v is not None for v in values):
                series.append((main.row(code).label, values))
        if series:
            charts.append(ChartSpec("line", "trend", word("chart_trend", language),
                                    [m.label for m in months], series))
    if cities:
        series = []
        for code in CITY_CODES:
            if code not in present:
                continue
            values = [_float(c.row(code).result.figure.value) for c in cities]
            if any(v is not None for v in values):
                series.append((main.row(code).label, values))
        if series:
            charts.append(ChartSpec("bar", "cities", word("chart_cities", language),
                                    [c.label for c in cities], series))
    return charts


def build_document(*, report: IndicatorReport, narrative: Narrative, language: str,
                   now: dt.datetime, name: str,
                   county_parents: dict[str, str] | None = None) -> ReportDocument:
    """Lay the report out (pure). ``county_parents`` maps a county's code to the
    name of its city, to name the cities above the county tables."""
    main = table_view(report.table, language=language)
    breakdowns: list[BreakdownView] = []
    cities = [table_view(t, language=language) for t in report.cities]
    counties = [table_view(t, language=language) for t in report.counties]
    areas = [table_view(t, language=language) for t in report.areas]
    months = [table_view(t, language=language, label=month_label(t.period, language))
              for t in report.months]
    separator = ", " if lang(language) == "en" else "、"
    parts: list[tuple[BreakdownKey, str, list[TableView], dict[str, str] | None]] = [
        ("cities", "by_city", cities, None), ("counties", "by_county", counties, county_parents),
        ("areas", "by_area", areas, None), ("months", "by_month", months, None)]
    for key, title_key, tables, parents in parts:
        if tables:
            breakdowns.append(BreakdownView(key, word(title_key, language), tables,
                                            _groups(tables, parents=parents,
                                                    separator=separator)))
    label = scope_label(report.scope, language)
    period_label = report.period.label(language)
    return ReportDocument(
        title=word("title", language, name=name, period=period_label),
        language=language, period=report.period, previous_period=report.table.previous_period,
        scope=report.scope, scope_label=label, name=name, generated_at=now,
        narrative=narrative, report=report, main=main, breakdowns=breakdowns,
        charts=_charts(main, months, cities, language))


# --- assembling from the database --------------------------------------------------------------


def find_unit(unit_code: str | None) -> OrgUnit | None:
    """The unit of ``--unit`` (``None`` for the whole operator); unknown is an error."""
    if not unit_code:
        return None
    unit = OrgUnit.objects.filter(code=unit_code).first()
    if unit is None:
        raise QualityError(QualityErrorCode.NOT_FOUND, f"unknown unit {unit_code!r}")
    if unit.kind not in ("operator", "province", "city", "county"):
        raise QualityError(QualityErrorCode.INVALID,
                           f"unit {unit_code!r} is a {unit.kind}: a report covers the operator, "
                           "a city or a county")
    return unit


def _county_parents(report: IndicatorReport, language: str) -> dict[str, str]:
    """County code → the name of its city (English name in English, if it has one)."""
    codes = [t.scope.unit_code for t in report.counties if t.scope.unit_code]
    if not codes:
        return {}
    english = lang(language) == "en"
    return {code: (name_en if english and name_en else name) for code, name, name_en in
            OrgUnit.objects.filter(code__in=codes).values_list("code", "parent__name",
                                                                "parent__name_en")}


def assemble_document(*, period: Period, unit_code: str | None = None,
                      language: str = "zh-hans", now: dt.datetime, breakdowns: bool = True,
                      months: bool = True, require_data: bool = False,
                      figures: IndicatorReport | None = None) -> ReportDocument:
    """Compute the figures and lay the report out. ``require_data`` refuses a
    period without a single record (an export would be all "no data"). ``figures``:
    figures already computed for this period, scope and language (a snapshot)."""
    unit = find_unit(unit_code)
    if unit is not None and unit.kind in ("operator", "province"):
        unit = None  # the whole operator
    report = figures if figures is not None else indicator_report(
        period=period, unit_code=unit.code if unit else None, breakdowns=breakdowns,
        months=months, language=language)
    narrative = load_narrative(period=period, unit=unit, language=language)
    parents = _county_parents(report, language)
    document = build_document(report=report, narrative=narrative, language=language, now=now,
                              name=report_name(unit, language), county_parents=parents)
    if require_data and not document.has_data:
        where = f" for {unit.code}" if unit else ""
        raise QualityError(QualityErrorCode.NOT_FOUND,
                           f"no records at all in {period.code}{where}: nothing to report")
    return document
