"""The PDF layer: Chinese text in embedded fonts, tables over pages, page numbers, metadata.

What is asserted: the raw file (page objects, font names, the size of the
embedded subsets, the information dictionary) and, for documents written
uncompressed, the text a reader sees (decoded through the fonts' ToUnicode maps
by ``tests.pdf_text``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from telcodesk.core import pdf as pdf_module
from telcodesk.core.pdf import Column, PdfDocument, font_paths, pdf_info, pdf_page_count
from tests.conftest import SHANGHAI
from tests.pdf_text import pdf_pages, pdf_text

CREATED = dt.datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI)
PAGE_LABEL = "第 {page} 页 / 共 {pages} 页"
COLUMNS = [Column("编号", 1), Column("时间", 2), Column("内容", 4), Column("金额", 1, "right")]


def document(**kwargs) -> PdfDocument:
    defaults = {"title": "服务质量报告", "created_at": CREATED, "author": "太原分公司",
                "page_label": PAGE_LABEL, "compress": False}
    return PdfDocument(**{**defaults, **kwargs})


def long_table(doc: PdfDocument, rows: int = 150) -> None:
    doc.table(COLUMNS, [[f"R{n:03d}", f"2025-09-{n % 30 + 1:02d} 10:00",
                         f"第{n}行：用户反映宽带频繁掉线" + "，多次报修" * (n % 4), f"{n}.00"]
                        for n in range(rows)])


def test_the_fonts_come_from_the_font_package_and_are_embedded_as_subsets():
    paths = font_paths()
    assert {p.name for p in paths.values()} == {"NotoSansSC-Regular.otf",
                                                 "NotoSerifSC-Regular.otf"}
    assert all(p.is_file() for p in paths.values())
    doc = document()
    doc.title("服务质量报告", subtitle="2025年上半年")
    doc.paragraph("为进一步提高服务质量，现将有关情况报告如下。")
    data = doc.output()
    assert data.startswith(b"%PDF-")
    # Both faces are embedded under a subset tag (XXXXXX+Name)...
    assert re.search(rb"/FontName /[A-Z]{6}\+NotoSansSC", data)
    assert re.search(rb"/FontName /[A-Z]{6}\+NotoSerifSC", data)
    assert b"/FontFile" in data
    assert b"/Helvetica" not in data
    # ... and only the glyphs used: the whole fonts are several megabytes each.
    smallest_font = min(p.stat().st_size for p in paths.values())
    assert len(data) < smallest_font / 20
    assert "为进一步提高服务质量，现将有关情况报告如下。" in pdf_text(data)


def test_a_long_table_runs_over_pages_with_its_heading_on_each_and_numbered_pages():
    doc = document()
    doc.title("投诉明细")
    long_table(doc)
    data = doc.output()
    pages = pdf_pages(data)
    assert doc.page_count >= 3
    assert pdf_page_count(data) == doc.page_count == len(pages)
    for number, text in enumerate(pages, start=1):
        lines = text.splitlines()
        assert lines[lines.index("编号") + 1] == "时间"  # the heading row, on every page
        assert lines[-1] == f"第 {number} 页 / 共 {doc.page_count} 页"
    # Every row is on the page, and a row's cells are never parted by a page break.
    text = pdf_text(data)
    for n in range(150):
        assert text.count(f"R{n:03d}") == 1
    for page in pages:
        for marker in re.findall(r"R(\d{3})", page):
            assert f"第{int(marker)}行" in page


def test_a_row_taller_than_a_page_is_continued_not_lost():
    doc = document()
    long_text = "很长的答复内容" * 700
    doc.table([Column("时间", 1), Column("答复", 4)], [["2025-09-30", long_text], ["end", "完"]])
    data = doc.output()
    assert doc.page_count >= 2
    furniture = {"时间", "答复", "服务质量报告"}  # heading row and running title, on each page
    lines = [line for line in pdf_text(data).splitlines()
             if line not in furniture and not line.startswith("第 ")]
    text = "".join(lines)
    assert long_text in text
    assert text.index(long_text) < text.index("end")


def test_metadata_is_what_the_caller_passed_and_the_output_is_reproducible():
    def build() -> bytes:
        doc = document(title="投诉处理档案 CP20250930001", subject="CP20250930001",
                       keywords=["complaint", "CP20250930001"])
        doc.heading("一、基本信息")
        doc.key_values([("投诉编号", "CP20250930001"), ("渠道", "10000号热线")])
        return doc.output()

    first = build()
    info = pdf_info(first)
    assert info["Title"] == "投诉处理档案 CP20250930001"
    assert info["Author"] == "太原分公司"
    assert info["Subject"] == "CP20250930001"
    assert info["Keywords"] == "complaint CP20250930001"
    # 10:00 in Shanghai, written with its offset: no wall clock involved.
    assert info["CreationDate"] == "D:20250930100000+08'00'"
    assert build() == first


def test_fonts_parsed_once_give_the_bytes_of_fpdfs_own_font_loading(monkeypatch):
    """The fonts are parsed once per process and copied into each document; the
    document is byte for byte what fpdf2's ``add_font`` gives (so a new fpdf2 that keeps
    more state in its font objects fails here, not in a reader)."""
    def build() -> bytes:
        doc = document(title="投诉处理档案", subject="CP20250930001")
        doc.heading("一、基本信息")
        doc.paragraph("客户反映宽带故障修复超时，已按《电信服务规范》答复。" * 20)
        doc.table([Column("项目", 40), Column("内容", 100)], [["渠道", "10000号热线"]] * 30)
        return doc.output()

    document(title="先载入字体").output()  # the parsed fonts are warm
    cached = build()
    assert build() == cached  # a second copy starts clean
    monkeypatch.setattr(pdf_module, "_add_font",
                        lambda pdf, family, path: pdf.add_font(family, "", str(path)))
    assert build() == cached


def test_the_footer_speaks_the_document_language():
    doc = PdfDocument(title="Dossier", created_at=CREATED, language="en", compress=False)
    doc.paragraph("One page.")
    doc.page_break()
    doc.paragraph("Two pages.")
    pages = pdf_pages(doc.output())
    assert pages[0].splitlines()[-1] == "Page 1 of 2"
    assert pages[1].splitlines()[-1] == "Page 2 of 2"


def test_key_values_wrap_long_values_and_show_a_dash_for_empty_ones():
    doc = document()
    doc.key_values([("内容", "宽带频繁掉线" * 30), ("备注", "")])
    text = pdf_text(doc.output())
    assert ("宽带频繁掉线" * 30) in text.replace("\n", "")
    assert "—" in text


def test_an_svg_chart_is_drawn_with_the_embedded_fonts():
    chart = ('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120">'
             '<rect x="10" y="10" width="40" height="80" fill="#3070b0"/>'
             '<text x="10" y="110" style="font-family: Arial, sans-serif; font-weight: bold">'
             '一月 January</text></svg>')
    doc = document()
    doc.heading("图1 投诉量")
    doc.svg(chart, width=120)
    data = doc.output()
    assert b"/Helvetica" not in data and b"/Arial" not in data
    assert "一月 January" in pdf_text(data)


def test_compressed_output_is_smaller_and_still_counts_its_pages():
    plain = document()
    long_table(plain)
    packed = document(compress=True)
    long_table(packed)
    plain_bytes, packed_bytes = plain.output(), packed.output()
    assert len(packed_bytes) < len(plain_bytes)
    assert pdf_page_count(packed_bytes) == plain.page_count


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match="aware"):
        PdfDocument(title="x", created_at=dt.datetime(2025, 9, 30, 10, 0))
    doc = document()
    with pytest.raises(ValueError, match="2 cells for 4 columns"):
        doc.table(COLUMNS, [["a", "b"]])


def test_only_the_pdf_layer_imports_fpdf():
    """fpdf2 stays behind ``core.pdf``: documents are written through its interface."""
    import telcodesk

    root = Path(telcodesk.__file__).parent
    importers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                       if re.search(r"^\s*(from|import)\s+fpdf\b", p.read_text("utf-8"),
                                    re.MULTILINE))
    assert importers == ["core/pdf.py"]
