"""The report as Markdown (``--format md``): for a wiki, a mail or a diff between
two periods. Tables are pipe tables; a figure that misses its target is bold
with ✗; the narrative is copied as written (its own headings moved below the
document's)."""

from __future__ import annotations

import re

from telcodesk.quality.report.document import ReportDocument, RowView
from telcodesk.quality.report.wording import section_number

_HEADING = re.compile(r"^(#{1,6})(\s)")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _value(row: RowView) -> str:
    text = _cell(row.value_text)
    return f"**{text}** ✗" if row.not_met else text


def _shift_headings(text: str, by: int = 3) -> str:
    lines, fenced = [], False
    for line in (text or "").splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            level = min(6, len(match.group(1)) + by)
            line = "#" * level + line[len(match.group(1)):]
        lines.append(line)
    return "\n".join(lines).strip()


def render_markdown_document(document: ReportDocument) -> bytes:
    w = document.word
    out: list[str] = [f"# {document.title}", "",
                      f"{document.period_line}  ",
                      f"{document.scope_line} · {document.generated_line}", "",
                      f"## {document.intro_heading}", "",
                      _shift_headings(document.narrative.introduction), ""]
    for number, measure in enumerate(document.narrative.written_sections, start=1):
        out += [f"### {section_number(number, document.language)}{measure.title}", "",
                _shift_headings(measure.body), ""]
    out += [f"## {document.indicators_heading}", ""]
    heading = [w("col_indicator"), w("col_value"), w("col_target"), w("col_judged"),
               w("col_met"),
               w("col_records"), w("col_previous"), w("col_change")]
    for section in document.main.sections:
        out += [f"### {section.title}", "", "| " + " | ".join(heading) + " |",
                "|---|---:|---:|---:|---|---:|---:|---:|"]
        for row in section.rows:
            out.append("| " + " | ".join([
                _cell(row.label), _value(row), _cell(row.target_text), _cell(row.limit_text),
                _cell(row.met_text),
                str(row.records), _cell(row.previous_text), _cell(row.change_text)]) + " |")
        out.append("")
    out += [f"> {w('no_data_note')} {w('not_met_note')}", ""]
    if document.breakdowns:
        out += [f"## {w('breakdowns_heading')}", ""]
        for breakdown in document.breakdowns:
            out += [f"### {breakdown.title}", ""]
            for group in breakdown.groups:
                if group.title:
                    out += [f"#### {group.title}", ""]
                out.append("| " + " | ".join([w("col_indicator"),
                                              *[_cell(x) for x in group.labels]]) + " |")
                out.append("|---|" + "---:|" * len(group.labels))
                for _definition, label, cells in group.lines():
                    out.append("| " + " | ".join([_cell(label), *[_value(c) for c in cells]])
                               + " |")
                out.append("")
    out += [document.declaration_line, ""]
    return "\n".join(out).encode("utf-8")
