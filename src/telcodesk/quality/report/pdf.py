"""The report as a PDF (through ``core.pdf``): Noto SC fonts embedded, page
numbers, the indicator table with its heading on each page and no row split
between pages, the charts as vector drawings.

The PDF has no colour per cell: a figure that misses its target says so in
words ("✓ 达标" / "× 未达标"), the way a printed report on a black-and-white
printer must anyway.
"""

from __future__ import annotations

import re

from telcodesk.core.pdf import Column, PdfDocument
from telcodesk.quality.report.document import ReportDocument
from telcodesk.quality.report.narrative import markdown_blocks
from telcodesk.quality.report.wording import section_number

# Characters our fonts lack, and what is printed instead.
_MISSING_GLYPHS = str.maketrans({"✗": "×", "⁻": "ˉ"})
CHART_WIDTH_MM = 174.0
# Hover and screen-reader texts of the charts: nothing to draw on paper.
_SVG_LABELS = re.compile(r"<(title|desc)\b[^>]*>.*?</\1>", re.DOTALL)


def _text(value: str) -> str:
    return value.translate(_MISSING_GLYPHS)


def _markdown(pdf: PdfDocument, text: str) -> None:
    for block in markdown_blocks(text):
        if block.kind == "heading":
            pdf.heading(_text(block.text), level=3)
        elif block.kind == "bullets":
            pdf.bullets([_text(item) for item in block.items])
        elif block.kind == "table" and block.rows:
            width = max(len(row) for row in block.rows)
            rows = [[_text(c) for c in row] + [""] * (width - len(row)) for row in block.rows]
            pdf.table([Column(title) for title in rows[0]], rows[1:])
        elif block.kind == "code":
            pdf.paragraph(_text(block.text), size=9, muted=True)
        elif block.text:
            pdf.paragraph(_text(block.text))


def render_pdf(document: ReportDocument, *, compress: bool = True) -> bytes:
    w = document.word
    pdf = PdfDocument(
        title=document.title, created_at=document.generated_at, author=document.name,
        subject=document.indicators_heading,
        keywords=[document.period.code, document.scope_label], language=document.language,
        page_label=w("page_label"), compress=compress)
    pdf.title(_text(document.title),
              subtitle=_text(f"{document.period_line}\n{document.scope_line} · "
                             f"{document.generated_line}"))

    pdf.heading(document.intro_heading)
    _markdown(pdf, document.narrative.introduction)
    for number, measure in enumerate(document.narrative.written_sections, start=1):
        pdf.heading(_text(section_number(number, document.language) + measure.title), level=2)
        _markdown(pdf, measure.body)

    pdf.heading(_text(document.indicators_heading))
    # The records column holds up to nine digits (billing counts charge records).
    columns = [Column(w("col_indicator"), 3.0), Column(w("col_value"), 1.6, "right"),
               Column(w("col_target"), 1.5, "right"), Column(w("col_judged"), 1.8, "right"),
               Column(w("col_met"), 1.1),
               Column(w("col_records"), 1.3, "right"), Column(w("col_previous"), 1.5, "right"),
               Column(w("col_change"), 1.4, "right")]
    for section in document.main.sections:
        pdf.heading(_text(section.title), level=2)
        pdf.table(columns, [[_text(r.label), _text(r.value_text), _text(r.target_text),
                             _text(r.limit_text), _text(r.met_text), str(r.records),
                             _text(r.previous_text), _text(r.change_text)]
                            for r in section.rows], size=8.5)
    pdf.paragraph(_text(f"{w('no_data_note')} {w('not_met_note_print')}"), size=8,
                  muted=True)

    if document.charts:
        pdf.heading(w("charts_heading"))
        for chart in document.charts:
            drawing = _SVG_LABELS.sub("", chart.svg(fluid=False, width=720, height=300))
            pdf.svg(drawing, width=CHART_WIDTH_MM)

    if document.breakdowns:
        pdf.page_break()
        pdf.heading(w("breakdowns_heading"))
        for breakdown in document.breakdowns:
            pdf.heading(breakdown.title, level=2)
            for group in breakdown.groups:
                if group.title:
                    pdf.paragraph(group.title, size=9, muted=True)
                cols = [Column(w("col_indicator"), 3.0)] + [
                    Column(_text(label), 1.4, "right") for label in group.labels]
                rows = []
                for _definition, label, cells in group.lines():
                    marks = [_text(c.value_text) + (" ×" if c.not_met else "") for c in cells]
                    rows.append([_text(label), *marks])
                pdf.table(cols, rows, size=8)

    pdf.spacer(6)
    pdf.paragraph(_text(document.declaration_line))
    return pdf.output()
