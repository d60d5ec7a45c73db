"""The report's formats: how each is rendered, its file extension and media type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.report.document import ReportDocument
from telcodesk.quality.report.html import render_html
from telcodesk.quality.report.json import render_json
from telcodesk.quality.report.markdown import render_markdown_document
from telcodesk.quality.report.pdf import render_pdf
from telcodesk.quality.report.tmf657 import render_tmf657
from telcodesk.quality.report.xlsx import render_xlsx


@dataclass(frozen=True)
class Export:
    key: str
    label: str
    extension: str
    content_type: str
    render: Callable[[ReportDocument], bytes]


EXPORTS: dict[str, Export] = {e.key: e for e in [
    Export("pdf", "PDF", "pdf", "application/pdf", render_pdf),
    Export("xlsx", "XLSX", "xlsx",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", render_xlsx),
    Export("html", "HTML", "html", "text/html; charset=utf-8", render_html),
    Export("json", "JSON", "json", "application/json", render_json),
    Export("md", "Markdown", "md", "text/markdown; charset=utf-8", render_markdown_document),
    Export("tmf657", "TMF657", "json", "application/json", render_tmf657),
]}
FORMATS = tuple(EXPORTS)


def get_export(key: str) -> Export:
    try:
        return EXPORTS[key]
    except KeyError:
        raise QualityError(QualityErrorCode.INVALID,
                           f"unknown format {key!r} (one of {', '.join(FORMATS)})") from None


def filename(document: ReportDocument, key: str) -> str:
    """``quality-report-2026H1.pdf``, ``quality-report-2026H1-ty.xlsx``, ``…-tmf657.json``."""
    export = get_export(key)
    scope = f"-{document.scope.unit_code}" if document.scope.unit_code else ""
    suffix = "-tmf657" if key == "tmf657" else ""
    period = document.period.code.replace("..", "_")
    return f"quality-report-{period}{scope}{suffix}.{export.extension}"
