"""Chinese PDF documents: the project's one interface to fpdf2.

Documents (the regulator-appeal dossier of a complaint, the half-year report)
are built with ``PdfDocument`` and come out as bytes. Nothing else imports
fpdf; keeping it behind this module lets the library change without touching
the documents.

- A4 portrait, 18 mm margins; Noto Sans SC for text and Noto Serif SC for the
  title, both from the ``pylopdf_fonts_zh_cn`` package and embedded as subsets
  (only the glyphs used), so any reader shows the Chinese text.
- Building blocks: ``title``, ``heading``, ``paragraph`` (wraps Chinese text
  anywhere, other text at spaces), ``key_values`` (a label–value block),
  ``table`` (its header row repeats on every page; a row is never split
  across two pages — a row taller than a page is continued in extra rows),
  ``svg`` (a chart as an SVG string, fonts mapped to the embedded ones),
  ``spacer`` and ``page_break``.
- Footer on every page: "Page N of M" in the document's language (translated
  through Django's i18n), or the ``page_label`` given.
- Metadata: title, author, subject, keywords, language and the creation
  instant — passed in by the caller, never read from the clock, so the same
  input gives the same bytes.

``pdf_info`` and ``pdf_page_count`` read a document back (metadata and page
count) for checks and tests; they understand what this module writes, not any
PDF.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Literal

from django.utils import translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.enums import TableBordersLayout, WrapMode

__all__ = ["Column", "PdfDocument", "font_paths", "pdf_info", "pdf_page_count"]

# fontTools reports every subsetting step at INFO: not news for an operator's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_SANS = "NotoSansSC"
FONT_SERIF = "NotoSerifSC"
FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILES = {FONT_SANS: "NotoSansSC-Regular.otf", FONT_SERIF: "NotoSerifSC-Regular.otf"}

MARGIN = 18.0  # mm
FOOTER_HEIGHT = 12.0  # mm kept free at the bottom for the page number
BODY_SIZE = 10.0  # pt
LINE_HEIGHT = 5.6  # mm, for BODY_SIZE
CELL_PADDING = 1.2  # mm
TEXT_COLOR = (33, 37, 41)
MUTED_COLOR = (100, 110, 120)
RULE_COLOR = (190, 196, 204)
HEADER_FILL = (232, 236, 241)

Align = Literal["left", "center", "right"]
_ALIGN = {"left": "LEFT", "center": "CENTER", "right": "RIGHT"}
# Chinese, Japanese and full-width characters: text holding any wraps anywhere.
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page\b(?!s)")
_INFO_ENTRY = re.compile(rb"/(Title|Author|Subject|Keywords|Creator|Producer|CreationDate)\s*"
                         rb"(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))")


@dataclass(frozen=True)
class Column:
    """A table column: its heading, its share of the width and its alignment."""

    title: str
    width: float = 1.0
    align: Align = "left"


def font_paths() -> dict[str, Path]:
    """The embedded fonts' files, found in the font package's directory."""
    base = resources.files(FONT_PACKAGE)
    return {family: Path(str(base.joinpath(name))) for family, name in FONT_FILES.items()}


def _has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def _default_page_label(language: str) -> str:
    with translation.override(language):
        # Translators: PDF footer; keep {page} and {pages}.
        return _("Page {page} of {pages}")


@functools.cache
def _lib() -> Any:
    """fpdf2, imported on first use (it is slow to import: pages that never print
    a document do not pay for it), with our page furniture."""
    import fpdf
    from fpdf import enums

    class Fpdf(fpdf.FPDF):
        """fpdf2 with our running header and footer."""

        page_label = "{page} / {pages}"
        running_title = ""

        def header(self) -> None:
            if self.page_no() > 1 and self.running_title:
                self.set_font(FONT_SANS, size=8)
                self.set_text_color(*MUTED_COLOR)
                self.set_y(MARGIN - 8)
                self.cell(0, 4, self.running_title, align="R")
                self.set_y(MARGIN)
                self.set_text_color(*TEXT_COLOR)

        def footer(self) -> None:
            self.set_y(-FOOTER_HEIGHT)
            self.set_font(FONT_SANS, size=8)
            self.set_text_color(*MUTED_COLOR)
            text = self.page_label.replace("{page}", str(self.page_no())).replace(
                "{pages}", self.str_alias_nb_pages)
            self.cell(0, 5, text, align="C")
            self.set_text_color(*TEXT_COLOR)

    return SimpleNamespace(Fpdf=Fpdf, FontFace=fpdf.FontFace, enums=enums)


@functools.cache
def _parsed_font(family: str, path: Path) -> Any:
    """fpdf2's font object for ``path``, parsed once per process: reading a CJK font's
    character map and widths (30,000 characters) is most of the time a document takes
    to start."""
    pdf = _lib().Fpdf()
    pdf.add_font(family, "", str(path))
    return pdf.fonts[family.lower()]


def _add_font(pdf: FPDF, family: str, path: Path) -> None:
    """``pdf.add_font(family, "", path)``, from the parsed font: a copy that shares the
    read-only tables (widths, character map, descriptor) and has its own state for this
    document (its number, the glyphs used, the font file the subsetter cuts down at
    output). ``test_pdf`` checks that the bytes equal fpdf2's own ``add_font``."""
    from fontTools import ttLib
    from fpdf.fonts import SubsetMap

    parsed = _parsed_font(family, path)
    font = copy.copy(parsed)
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(str(path), recalcTimestamp=False,
                               fontNumber=parsed.collection_font_number, lazy=True)
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    font._hbfont = None
    font.subset = SubsetMap(font)
    pdf.fonts[parsed.fontkey] = font
    if font.is_cff and font.is_cid_keyed:
        pdf._set_min_pdf_version("1.6")


class PdfDocument:
    """An A4 document in Chinese (or English) built block by block; ``output()`` gives bytes.

    ``created_at`` is written as the creation date (the caller's ``now``).
    ``language`` (``zh-hans``, ``en``) picks the footer's words and the
    document language tag. ``compress=False`` leaves page contents readable in
    the file (for tests and debugging).
    """

    def __init__(self, *, title: str, created_at: dt.datetime, author: str = "",
                 subject: str = "", keywords: Iterable[str] = (), language: str = "zh-hans",
                 page_label: str | None = None, running_title: str | None = None,
                 compress: bool = True) -> None:
        if created_at.tzinfo is None:
            raise ValueError("created_at must be an aware datetime")
        self.language = language
        lib = _lib()
        self._enums = lib.enums
        self._font_face = lib.FontFace
        pdf = lib.Fpdf(orientation="portrait", unit="mm", format="A4")
        pdf.set_compression(compress)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(auto=True, margin=MARGIN + FOOTER_HEIGHT - 6)
        for family, path in font_paths().items():
            _add_font(pdf, family, path)
        pdf.alias_nb_pages()
        pdf.page_label = page_label or _default_page_label(language)
        pdf.running_title = title if running_title is None else running_title
        pdf.set_title(title)
        if author:
            pdf.set_author(author)
        if subject:
            pdf.set_subject(subject)
        words = [w for w in keywords if w]
        if words:
            pdf.set_keywords(" ".join(words))
        pdf.set_creator("telcodesk")
        pdf.set_producer("telcodesk")
        pdf.set_lang("en" if language.startswith("en") else "zh-CN")
        pdf.set_creation_date(created_at)
        pdf.set_text_color(*TEXT_COLOR)
        pdf.set_draw_color(*RULE_COLOR)
        pdf.add_page()
        pdf.set_font(FONT_SANS, size=BODY_SIZE)
        self._pdf = pdf

    # --- blocks -----------------------------------------------------------------------

    def title(self, text: str, *, subtitle: str = "") -> None:
        """The document title (serif, large), with an optional line under it."""
        pdf = self._pdf
        with self._emphasis():
            pdf.set_font(FONT_SERIF, size=18)
            pdf.multi_cell(0, 9, text, align="C", new_x="LMARGIN", new_y="NEXT",
                           wrapmode=self._wrap(text))
        if subtitle:
            pdf.set_font(FONT_SANS, size=9)
            pdf.set_text_color(*MUTED_COLOR)
            pdf.multi_cell(0, 5, subtitle, align="C", new_x="LMARGIN", new_y="NEXT",
                           wrapmode=self._wrap(subtitle))
            pdf.set_text_color(*TEXT_COLOR)
        pdf.ln(4)
        pdf.set_font(FONT_SANS, size=BODY_SIZE)

    def heading(self, text: str, *, level: int = 1) -> None:
        """A section heading; it moves to the next page rather than end one."""
        pdf = self._pdf
        size = 13.0 if level <= 1 else 11.0
        height = 7.0 if level <= 1 else 6.0
        # Keep the heading with what follows (a section's own first heading, a few lines).
        if pdf.will_page_break(height + 3 + (6 if level <= 1 else 3) * LINE_HEIGHT):
            pdf.add_page()
        pdf.ln(3 if level <= 1 else 2)
        with self._emphasis():
            pdf.set_font(FONT_SANS, size=size)
            pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT",
                           wrapmode=self._wrap(text))
        if level <= 1:
            y = pdf.get_y() + 0.5
            pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
            pdf.ln(2)
        pdf.set_font(FONT_SANS, size=BODY_SIZE)

    def paragraph(self, text: str, *, size: float = BODY_SIZE, muted: bool = False,
                  align: Align = "left") -> None:
        """Running text; line breaks in ``text`` are kept."""
        pdf = self._pdf
        pdf.set_font(FONT_SANS, size=size)
        if muted:
            pdf.set_text_color(*MUTED_COLOR)
        pdf.multi_cell(0, LINE_HEIGHT * size / BODY_SIZE, text or "", align=_ALIGN[align],
                       new_x="LMARGIN", new_y="NEXT", wrapmode=self._wrap(text))
        pdf.set_text_color(*TEXT_COLOR)
        pdf.ln(1)
        pdf.set_font(FONT_SANS, size=BODY_SIZE)

    def bullets(self, items: Sequence[str], *, size: float = 9.0) -> None:
        """A list, one entry per line (each wraps under itself)."""
        pdf = self._pdf
        pdf.set_font(FONT_SANS, size=size)
        indent = 4.0
        for item in items:
            pdf.set_x(pdf.l_margin)
            pdf.cell(indent, LINE_HEIGHT * size / BODY_SIZE, "•")
            pdf.multi_cell(pdf.epw - indent, LINE_HEIGHT * size / BODY_SIZE, item,
                           new_x="LMARGIN", new_y="NEXT", wrapmode=self._wrap(item))
        pdf.ln(1)
        pdf.set_font(FONT_SANS, size=BODY_SIZE)

    def key_values(self, pairs: Sequence[tuple[str, str]], *, key_share: float = 0.28) -> None:
        """Label–value lines (a form-like block); values wrap, a line never splits."""
        rows = [[key, value or "—"] for key, value in pairs]
        if not rows:
            return
        widths = (key_share, 1 - key_share)
        self._render_table(rows=rows, widths=widths, aligns=("left", "left"), headings=None,
                           size=BODY_SIZE, borders=self._enums.TableBordersLayout.HORIZONTAL_LINES,
                           key_column=True)

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[Any]], *,
              size: float = 9.0) -> None:
        """A table; the heading row repeats on each page and no row is split between pages."""
        if not columns:
            raise ValueError("a table needs at least one column")
        body = []
        for row in rows:
            cells = ["" if value is None else str(value) for value in row]
            if len(cells) != len(columns):
                raise ValueError(f"a row has {len(cells)} cells for {len(columns)} columns")
            body.append(cells)
        self._render_table(rows=body, widths=[c.width for c in columns],
                           aligns=[c.align for c in columns],
                           headings=[c.title for c in columns], size=size,
                           borders=self._enums.TableBordersLayout.ALL, key_column=False)

    def svg(self, svg_text: str, *, width: float | None = None) -> None:
        """An SVG drawing (a chart), ``width`` mm wide (default: the text width)."""
        pdf = self._pdf
        prepared = _prepare_svg(svg_text)
        pdf.ln(1)
        pdf.image(io.BytesIO(prepared.encode("utf-8")), x=pdf.l_margin, w=width or pdf.epw)
        pdf.ln(2)

    def spacer(self, height: float = 4.0) -> None:
        self._pdf.ln(height)

    def page_break(self) -> None:
        self._pdf.add_page()

    # --- output -----------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return int(self._pdf.pages_count)

    def output(self) -> bytes:
        return bytes(self._pdf.output())

    # --- internals --------------------------------------------------------------------

    def _wrap(self, text: str) -> WrapMode:
        wrap = self._enums.WrapMode
        return wrap.CHAR if _has_cjk(text or "") else wrap.WORD

    def _emphasis(self) -> _Emphasis:
        return _Emphasis(self._pdf)

    def _render_table(self, *, rows: list[list[str]], widths: Sequence[float],
                      aligns: Sequence[Align], headings: Sequence[str] | None, size: float,
                      borders: TableBordersLayout, key_column: bool) -> None:
        pdf = self._pdf
        pdf.set_font(FONT_SANS, size=size)
        line_height = LINE_HEIGHT * size / BODY_SIZE
        total = float(sum(widths))
        col_mm = [pdf.epw * w / total for w in widths]
        # Words stay whole; a run of Chinese (no spaces) longer than the cell is
        # broken between characters all the same.
        wrap = self._enums.WrapMode.WORD
        heading_lines = (max(self._lines(h, col_mm[i], wrap) for i, h in enumerate(headings))
                         if headings else 0)
        usable = pdf.h - pdf.t_margin - pdf.b_margin
        # The most lines one row may take and still fit a page under the heading row.
        limit = max(1, int((usable - 2 * CELL_PADDING * 2) / line_height) - heading_lines - 2)
        body = [piece for row in rows for piece in self._fit(row, col_mm, wrap, limit)]
        data = ([list(headings)] if headings else []) + body
        muted = self._font_face(color=MUTED_COLOR)
        with pdf.table(
            col_widths=tuple(widths), text_align=tuple(_ALIGN[a] for a in aligns),
            line_height=line_height, first_row_as_headings=headings is not None,
            headings_style=self._font_face(fill_color=HEADER_FILL, color=TEXT_COLOR),
            repeat_headings=1, borders_layout=borders, wrapmode=wrap,
            padding=CELL_PADDING, v_align="TOP", width=pdf.epw,
        ) as table:
            for r, cells in enumerate(data):
                row = table.row()
                for c, text in enumerate(cells):
                    is_key = key_column and c == 0 and not (headings and r == 0)
                    row.cell(text, style=muted if is_key else None)
        pdf.ln(3)
        pdf.set_font(FONT_SANS, size=BODY_SIZE)

    def _lines(self, text: str, width: float, wrap: WrapMode) -> int:
        return len(self._split(text, width, wrap))

    def _split(self, text: str, width: float, wrap: WrapMode) -> list[str]:
        if not text:
            return [""]
        lines = self._pdf.multi_cell(width - 2 * CELL_PADDING, LINE_HEIGHT, text,
                                     dry_run=True, output=self._enums.MethodReturnValue.LINES,
                                     wrapmode=wrap, padding=0)
        return [str(line) for line in lines] or [""]

    def _fit(self, row: list[str], col_mm: list[float], wrap: WrapMode,
             limit: int) -> list[list[str]]:
        """The row as is, or cut into rows of at most ``limit`` lines (a row taller than a page)."""
        if max(len(t) for t in row) + 1 <= limit:  # too few characters for too many lines
            return [row]
        split = [self._split(text, col_mm[i], wrap) for i, text in enumerate(row)]
        if max(len(lines) for lines in split) <= limit:
            return [row]
        pieces = []
        for start in range(0, max(len(lines) for lines in split), limit):
            pieces.append(["\n".join(lines[start:start + limit]) for lines in split])
        return pieces


class _Emphasis:
    """Stroke the glyph outlines too: a bolder look from the regular-weight font."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    def __enter__(self) -> None:
        self.pdf.set_draw_color(*TEXT_COLOR)
        self.pdf.set_line_width(0.15)
        self.pdf.text_mode = _lib().enums.TextMode.FILL_STROKE

    def __exit__(self, *exc: object) -> None:
        self.pdf.text_mode = _lib().enums.TextMode.FILL
        self.pdf.set_line_width(0.2)
        self.pdf.set_draw_color(*RULE_COLOR)


# --- SVG ------------------------------------------------------------------------------

_SVG_NS = "http://www.w3.org/2000/svg"
_TEXT_TAGS = {"text", "tspan", "textPath"}
_FONT_STYLE_PROPS = ("font-family", "font-weight", "font-style")


def _prepare_svg(svg_text: str) -> str:
    """Point every text of the drawing at the embedded fonts.

    fpdf2 maps generic families (``sans-serif``) to its built-in Latin fonts,
    which have no Chinese glyphs, and needs a bold face we do not embed; so
    families become ours (serif stays serif) and weights and styles are dropped.
    """
    ET.register_namespace("", _SVG_NS)
    root = ET.fromstring(svg_text)  # noqa: S314 - our own chart markup
    width, height = root.get("width", ""), root.get("height", "")
    if root.get("viewBox") is None and width.replace(".", "").isdigit() \
            and height.replace(".", "").isdigit():
        root.set("viewBox", f"0 0 {width} {height}")
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        family = element.get("font-family")
        style = element.get("style") or ""
        style_family = re.search(r"font-family\s*:\s*([^;]+)", style)
        if style_family and family is None:
            family = style_family.group(1)
        if style:
            kept = [part for part in style.split(";")
                    if part.strip() and part.split(":", 1)[0].strip() not in _FONT_STYLE_PROPS]
            element.set("style", ";".join(kept))
        for name in ("font-weight", "font-style"):
            element.attrib.pop(name, None)
        if family is not None or tag in _TEXT_TAGS or element is root:
            serif = family is not None and "serif" in family.lower() and \
                "sans" not in family.lower()
            element.set("font-family", FONT_SERIF if serif else FONT_SANS)
    return ET.tostring(root, encoding="unicode")


# --- reading a document back ----------------------------------------------------------


def pdf_page_count(data: bytes) -> int:
    """Pages of a document written by ``PdfDocument`` (its ``/Type /Page`` objects)."""
    return len(_PAGE_OBJECT.findall(data))


def _decode_pdf_string(raw: bytes) -> str:
    if raw.startswith(b"<"):
        hexits = re.sub(rb"\s", b"", raw[1:-1])
        content = bytes.fromhex(hexits.decode("ascii"))
        if content.startswith(b"\xfe\xff"):
            return content[2:].decode("utf-16-be")
        return content.decode("latin-1")
    body = raw[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        char = body[i]
        if char == 0x5C and i + 1 < len(body):  # backslash escape
            nxt = body[i + 1]
            out.append({ord("n"): 10, ord("r"): 13, ord("t"): 9}.get(nxt, nxt))
            i += 2
            continue
        out.append(char)
        i += 1
    content = bytes(out)
    if content.startswith(b"\xfe\xff"):
        return content[2:].decode("utf-16-be")
    return content.decode("latin-1")


def pdf_info(data: bytes) -> dict[str, str]:
    """The document information entries (Title, Author, Subject, Keywords, ...) as text."""
    info: dict[str, str] = {}
    for match in _INFO_ENTRY.finditer(data):
        name = match.group(1).decode("ascii")
        info.setdefault(name, _decode_pdf_string(match.group(2)))
    return info
