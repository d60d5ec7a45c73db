"""The report's words: the operator introduction, the measures taken (sections of
Markdown) and the declaration line, kept per period (and optionally per branch).

Until the quality manager saves some, a report uses the defaults: a neutral
introduction naming the operator, the first five measure headings of the
seed report with empty bodies (an empty section is shown as "to be written" in
the console preview and left out of the exported documents), and the seed's
declaration "本报告内容客观、真实、准确。".

Markdown is rendered with markdown-it-py with raw HTML disabled (typed tags are
shown as text), images disabled and links limited to safe schemes, so nothing a
manager types can run in a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from telcodesk.core.models import OrgUnit
from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.indicators.periods import Period
from telcodesk.quality.models import ReportNarrative
from telcodesk.quality.report.wording import DEFAULT_SECTION_TITLES, lang, word

MAX_INTRODUCTION = 20_000  # characters of Markdown
MAX_SECTION_BODY = 20_000
MAX_SECTION_TITLE = 200
MAX_SECTIONS = 30
MAX_DECLARATION = 300  # the model's column


@dataclass(frozen=True)
class NarrativeSection:
    title: str
    body: str = ""  # Markdown

    @property
    def is_empty(self) -> bool:
        return not self.body.strip()


@dataclass(frozen=True)
class Narrative:
    introduction: str  # Markdown
    sections: tuple[NarrativeSection, ...]
    declaration: str
    saved: bool = False  # False: the defaults, nothing saved for the period yet
    updated_at: dt.datetime | None = None
    updated_by: str = ""
    unit_code: str = ""  # "" for the whole operator

    @property
    def written_sections(self) -> tuple[NarrativeSection, ...]:
        """The sections that have a body (what the exported documents print)."""
        return tuple(s for s in self.sections if not s.is_empty)

    def as_dict(self) -> dict[str, Any]:
        return {"introduction": self.introduction,
                "sections": [{"title": s.title, "body": s.body} for s in self.sections],
                "declaration": self.declaration}


@dataclass(frozen=True)
class CleanNarrative:
    """Validated input of ``do_save_narrative``."""

    introduction: str
    sections: list[dict[str, str]] = field(default_factory=list)
    declaration: str = ""


# --- the operator ------------------------------------------------------------------------------


def operator_unit() -> OrgUnit | None:
    """The root of the organisation tree (the operator itself)."""
    return OrgUnit.objects.filter(kind="operator").order_by("path").first()


def unit_display_name(unit: OrgUnit | None, language: str) -> str:
    if unit is None:
        return ""
    if lang(language) == "en" and unit.name_en:
        return unit.name_en
    return unit.name


def report_name(unit: OrgUnit | None, language: str) -> str:
    """``演示电信`` for the operator, ``演示电信太原分公司`` for a branch."""
    operator = operator_unit()
    operator_name = unit_display_name(operator, language)
    if unit is None or unit.kind == "operator":
        return operator_name
    unit_name = unit_display_name(unit, language)
    if not operator_name:
        return unit_name
    return f"{operator_name}, {unit_name}" if lang(language) == "en" \
        else f"{operator_name}{unit_name}"


# --- defaults and loading ----------------------------------------------------------------------


def default_narrative(*, name: str, period: Period, language: str = "zh-hans",
                      unit_code: str = "") -> Narrative:
    """The words of a report nobody has edited yet."""
    label = period.label(language)
    return Narrative(
        introduction=word("intro_default", language, name=name or "—", period=label),
        sections=tuple(NarrativeSection(title) for title in DEFAULT_SECTION_TITLES[lang(language)]),
        declaration=word("declaration_default", language),
        saved=False, unit_code=unit_code)


def _stored(period_code: str, unit: OrgUnit | None) -> ReportNarrative | None:
    return (ReportNarrative.objects.select_related("updated_by")
            .filter(period_code=period_code, org_unit=unit).first())


def normalise_unit(unit: OrgUnit | None) -> OrgUnit | None:
    """Words of the operator unit itself are the operator-wide words (stored without a unit)."""
    if unit is not None and unit.kind == "operator":
        return None
    return unit


def load_narrative(*, period: Period, unit: OrgUnit | None = None,
                   language: str = "zh-hans") -> Narrative:
    """The saved words of ``period`` (and ``unit``), else the defaults in ``language``."""
    unit = normalise_unit(unit)
    stored = _stored(period.code, unit)
    if stored is None:
        return default_narrative(name=report_name(unit, language), period=period,
                                 language=language, unit_code=unit.code if unit else "")
    return Narrative(
        introduction=stored.introduction,
        sections=tuple(NarrativeSection(str(s.get("title", "")), str(s.get("body", "")))
                       for s in (stored.sections or []) if isinstance(s, dict)),
        declaration=stored.declaration,
        saved=True, updated_at=stored.updated_at,
        updated_by=stored.updated_by.get_username() if stored.updated_by else "",
        unit_code=unit.code if unit else "")


# --- validation --------------------------------------------------------------------------------


def _text(value: object) -> str:
    return "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n")


def clean_narrative(*, introduction: object, sections: Iterable[object],
                    declaration: object) -> CleanNarrative:
    """Check sizes and titles; blank rows (no title, no body) are dropped."""
    intro = _text(introduction).strip()
    if len(intro) > MAX_INTRODUCTION:
        raise QualityError(QualityErrorCode.INVALID,
                           f"the introduction has {len(intro)} characters; at most "
                           f"{MAX_INTRODUCTION} are allowed")
    cleaned: list[dict[str, str]] = []
    for position, raw in enumerate(sections, start=1):
        if isinstance(raw, NarrativeSection):
            title, body = raw.title, raw.body
        elif isinstance(raw, Mapping):
            title, body = raw.get("title", ""), raw.get("body", "")
        else:
            raise QualityError(QualityErrorCode.INVALID,
                               f"section {position} must have a title and a body")
        title, body = _text(title).strip(), _text(body).strip()
        if not title and not body:
            continue
        if not title:
            raise QualityError(QualityErrorCode.INVALID, f"section {position} has no title")
        if "\n" in title:
            raise QualityError(QualityErrorCode.INVALID,
                               f"the title of section {position} must be one line")
        if len(title) > MAX_SECTION_TITLE:
            raise QualityError(QualityErrorCode.INVALID,
                               f"the title of section {position} has {len(title)} characters; "
                               f"at most {MAX_SECTION_TITLE} are allowed")
        if len(body) > MAX_SECTION_BODY:
            raise QualityError(QualityErrorCode.INVALID,
                               f"section {position} ({title}) has {len(body)} characters; at "
                               f"most {MAX_SECTION_BODY} are allowed")
        cleaned.append({"title": title, "body": body})
    if len(cleaned) > MAX_SECTIONS:
        raise QualityError(QualityErrorCode.INVALID,
                           f"{len(cleaned)} sections; at most {MAX_SECTIONS} are allowed")
    decl = " ".join(_text(declaration).split())
    if not decl:
        raise QualityError(QualityErrorCode.INVALID, "the declaration line is required")
    if len(decl) > MAX_DECLARATION:
        raise QualityError(QualityErrorCode.INVALID,
                           f"the declaration has {len(decl)} characters; at most "
                           f"{MAX_DECLARATION} are allowed")
    return CleanNarrative(introduction=intro, sections=cleaned, declaration=decl)


# --- Markdown ----------------------------------------------------------------------------------


def _markdown() -> MarkdownIt:
    # "commonmark" with html=False: raw HTML is escaped; markdown-it also refuses
    # javascript:, vbscript:, file: and data: links. Images would load from
    # anywhere: off.
    return (MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
            .enable(["table", "strikethrough"]).disable("image"))


_MD = _markdown()


def _shift_headings(tokens: list[Token], offset: int) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + offset)
            token.tag = f"h{level}"


def render_markdown(text: str, *, heading_offset: int = 3) -> str:
    """Markdown to HTML (safe to insert in a page). Headings typed in the text are
    moved ``heading_offset`` levels down so they sit below the report's own."""
    tokens = _MD.parse(text or "")
    _shift_headings(tokens, heading_offset)
    html = _MD.renderer.render(tokens, _MD.options, {})
    # Links leave the document: never send the console's address along.
    return html.replace("<a href=", '<a rel="noopener noreferrer nofollow" href=')


@dataclass(frozen=True)
class Block:
    """A Markdown block as plain text, for documents that are not HTML (PDF)."""

    kind: str  # "heading", "paragraph", "bullets", "table", "code"
    text: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()  # table: the first row is the heading


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak",):
            parts.append(" " if not _ends_cjk(parts) else "")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts).strip()


def _ends_cjk(parts: list[str]) -> bool:
    last = "".join(parts)[-1:] if parts else ""
    return bool(last) and ord(last) >= 0x2E80


def markdown_blocks(text: str) -> list[Block]:
    """The blocks of a Markdown text: headings, paragraphs, lists, tables, code."""
    tokens = _MD.parse(text or "")
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            blocks.append(Block("heading", _inline_text(tokens[i + 1])))
            i += 3
            continue
        if token.type in ("bullet_list_open", "ordered_list_open"):
            # (ordered, items so far) per nesting level; nested items are indented.
            stack: list[list[int]] = []
            items: list[str] = []
            j = i
            while j < len(tokens):
                t = tokens[j]
                if t.type in ("bullet_list_open", "ordered_list_open"):
                    stack.append([int(t.type == "ordered_list_open"), 0])
                elif t.type in ("bullet_list_close", "ordered_list_close"):
                    stack.pop()
                    if not stack:
                        break
                elif t.type == "list_item_open":
                    stack[-1][1] += 1
                elif t.type == "inline":
                    ordered, count = stack[-1]
                    number = f"{count}. " if ordered else ""
                    items.append("  " * (len(stack) - 1) + number + _inline_text(t))
                j += 1
            blocks.append(Block("bullets", items=tuple(items)))
            i = j + 1
            continue
        if token.type == "table_open":
            rows: list[tuple[str, ...]] = []
            row: list[str] = []
            j = i
            while j < len(tokens) and tokens[j].type != "table_close":
                t = tokens[j]
                if t.type == "tr_open":
                    row = []
                elif t.type == "inline":
                    row.append(_inline_text(t))
                elif t.type == "tr_close":
                    rows.append(tuple(row))
                j += 1
            blocks.append(Block("table", rows=tuple(rows)))
            i = j + 1
            continue
        if token.type in ("fence", "code_block"):
            blocks.append(Block("code", token.content.rstrip("\n")))
        elif token.type == "inline":
            blocks.append(Block("paragraph", _inline_text(token)))
        i += 1
    return blocks
