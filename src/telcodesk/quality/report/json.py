"""The report as JSON, for machines (schema ``telcodesk.quality-report/1``,
described in ``docs/report.md``).

Every number is a string holding the exact unrounded decimal (``"97.6123..."``)
or ``null`` when there is no data, so nothing is lost to floating point; counts
of records are integers. Names and printed values are given in both languages.
The same document is the snapshot stored when a half-year report is published.
"""

from __future__ import annotations

import datetime as dt
import json as jsonlib
from decimal import Decimal
from typing import Any

from telcodesk.quality.indicators.definitions import IndicatorDefinition
from telcodesk.quality.indicators.periods import Period
from telcodesk.quality.indicators.types import Figure, JudgedLimit, Scope, Target
from telcodesk.quality.report.document import ReportDocument, TableView, row_view
from telcodesk.quality.report.wording import lang

SCHEMA = "telcodesk.quality-report/1"
LANGUAGES = ("zh-hans", "en")


def decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _period(period: Period, language: str) -> dict[str, Any]:
    return {"code": period.code, "kind": period.kind, "start": period.start.isoformat(),
            "end": (period.end - dt.timedelta(days=1)).isoformat(),
            "label": {code: period.label(code) for code in LANGUAGES}}


def _scope(scope: Scope, label: str) -> dict[str, Any]:
    return {"kind": scope.kind, "unit_code": scope.unit_code, "label": label}


def _figure(figure: Figure) -> dict[str, Any]:
    return {"value": decimal_text(figure.value), "numerator": decimal_text(figure.numerator),
            "denominator": decimal_text(figure.denominator), "records": figure.records}


def _target(definition: IndicatorDefinition, target: Target | None) -> dict[str, Any] | None:
    if target is None:
        return None
    return {"value": decimal_text(target.value), "comparison": target.comparison,
            "unit": target.unit, "source": target.source, "verified": target.verified,
            "display": {code: definition.format_target(target, code) for code in LANGUAGES}}


def _limit(limit: JudgedLimit) -> dict[str, Any]:
    return {"area": limit.area, "value": decimal_text(limit.value), "unit": limit.unit,
            "source": limit.source, "verified": limit.verified}


def indicator_rows(table: TableView, *, full: bool = True) -> list[dict[str, Any]]:
    """The rows of one table. ``full=False`` (breakdowns) leaves out what the
    top-level rows already say about each code (section, names, units)."""
    rows = []
    for section in table.sections:
        for row in section.rows:
            definition, result = row.definition, row.result
            other = {code: row_view(definition, result, period=row.period, scope=row.scope,
                                    language=code) for code in LANGUAGES}
            described = {
                "section": {"number": definition.section.number,
                            "title": {code: definition.section.title(code)
                                      for code in LANGUAGES}},
                "name": {code: definition.name(code) for code in LANGUAGES},
                "qualifier": {code: definition.qualifier(code) for code in LANGUAGES},
                "source": definition.source,
                "statistic": definition.statistic,
                "unit": definition.unit,
                "printed_unit": definition.printed_unit,
            } if full else {}
            rows.append({
                "code": definition.code,
                **described,
                "applicable": row.applicable,
                **_figure(result.figure),
                "display": {code: other[code].value_text for code in LANGUAGES},
                "target": _target(definition, result.target) if row.applicable else None,
                # The regulator's limits the requests were judged against (time limits).
                "judged_against": ([_limit(limit) for limit in result.limits]
                                   if row.applicable else []),
                "judged_against_display": {code: other[code].limit_text
                                           for code in LANGUAGES},
                "met": result.met if row.applicable else None,
                "previous": (_figure(result.previous)
                             if result.previous is not None and row.applicable else None),
                "change": decimal_text(result.change) if row.applicable else None,
            })
    return rows


def _table(table: TableView, language: str) -> dict[str, Any]:
    return {"scope": _scope(table.table.scope, table.label),
            "period": _period(table.table.period, language),
            "indicators": indicator_rows(table, full=False)}


def report_dict(document: ReportDocument) -> dict[str, Any]:
    language = document.language
    return {
        "schema": SCHEMA,
        "title": document.title,
        "language": "en" if lang(language) == "en" else "zh-hans",
        "generated_at": document.generated_at.isoformat(),
        "name": document.name,
        "period": _period(document.period, language),
        "previous_period": _period(document.previous_period, language),
        "scope": _scope(document.scope, document.scope_label),
        "narrative": document.narrative.as_dict(),
        "indicators": indicator_rows(document.main),
        "breakdowns": {breakdown.key: [_table(t, language) for t in breakdown.tables]
                       for breakdown in document.breakdowns},
    }


def render_json(document: ReportDocument) -> bytes:
    return (jsonlib.dumps(report_dict(document), ensure_ascii=False, indent=2) + "\n").encode(
        "utf-8")
