"""The report as an HTML page: a file to open, print or mail (``render_html``), and
the same body inside the console's preview (``document_context``).

The standalone page carries its style sheet inline (it has to work as a file);
the console links the same sheet from the static files (the console's content
security policy forbids inline styles). Figures red when not met, "no data"
where a figure has no record, never 0%.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from telcodesk.quality.indicators.periods import Period
from telcodesk.quality.indicators.types import IndicatorResult, Scope
from telcodesk.quality.report.document import ReportDocument, RowView
from telcodesk.quality.report.narrative import render_markdown
from telcodesk.quality.report.wording import section_number

STYLE_SHEET = Path(__file__).resolve().parent.parent / "static" / "quality" / "report.css"
TEMPLATE = "quality/report_document.html"

# (result, period, scope) -> the console address of the records behind a figure.
LinkFunction = Callable[[IndicatorResult, Period, Scope], str | None]


@cache
def style_sheet() -> str:
    return STYLE_SHEET.read_text(encoding="utf-8")


def _safe(html: str) -> SafeString:
    # Markdown rendered with raw HTML disabled, and SVG from core.charts, which
    # escapes every text it writes.
    return mark_safe(html)  # noqa: S308


def _row(row: RowView, link: LinkFunction | None) -> dict[str, Any]:
    # A figure without a record behind it links nowhere (there is nothing to list).
    url = (link(row.result, row.period, row.scope)
           if link and row.applicable and row.records else None)
    return {"row": row, "url": url, "no_data": row.applicable and not row.has_data}


def document_context(document: ReportDocument, *, link: LinkFunction | None = None,
                     draft: bool = False, fluid_charts: bool = True) -> dict[str, Any]:
    """What ``quality/report_body.html`` needs. ``draft`` shows the sections
    nobody has written yet (the console's preview); ``link`` makes every figure
    a link to the records behind it."""
    narrative = document.narrative
    shown = narrative.sections if draft else narrative.written_sections
    sections = [{"title": section_number(i, document.language) + s.title,
                 "html": _safe(render_markdown(s.body)), "empty": s.is_empty}
                for i, s in enumerate(shown, start=1)]
    main = [{"title": section.title, "rows": [_row(r, link) for r in section.rows]}
            for section in document.main.sections]
    breakdowns = []
    for breakdown in document.breakdowns:
        groups = []
        for group in breakdown.groups:
            lines = [{"label": label, "cells": [_row(r, link) for r in rows]}
                     for _definition, label, rows in group.lines()]
            groups.append({"title": group.title, "labels": group.labels, "lines": lines})
        breakdowns.append({"key": breakdown.key, "title": breakdown.title, "groups": groups})
    charts = [{"key": c.key, "title": c.title, "svg": _safe(c.svg(fluid=fluid_charts))}
              for c in document.charts]
    return {
        "doc": document,
        "w": _Words(document),
        "intro_html": _safe(render_markdown(narrative.introduction)),
        "sections": sections,
        "main": main,
        "breakdowns": breakdowns,
        "charts": charts,
        "draft": draft,
    }


class _Words:
    """``{{ w.col_value }}`` in the template: the document's fixed words in its language."""

    def __init__(self, document: ReportDocument) -> None:
        self._document = document

    def __getattr__(self, key: str) -> str:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._document.word(key)
        except (KeyError, IndexError):
            raise AttributeError(key) from None


def render_html(document: ReportDocument) -> bytes:
    """The whole report as one self-contained HTML file (UTF-8)."""
    context = document_context(document)
    context["style"] = _safe(style_sheet())
    return render_to_string(TEMPLATE, context).encode("utf-8")
