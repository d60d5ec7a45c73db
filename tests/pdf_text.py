"""Read the text back out of a PDF written by ``core.pdf.PdfDocument(compress=False)``.

Enough for tests to check what a reader would see: the page contents are left
uncompressed, each font's ``ToUnicode`` map turns the glyph codes back into
characters. Not a general PDF reader.
"""

from __future__ import annotations

import re

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.DOTALL)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_FONT_RESOURCE = re.compile(rb"/(F\d+)\s+(\d+) 0 R")
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_TOKEN = re.compile(rb"/(F\d+)\s+[\d.]+\s+Tf|(\((?:\\.|[^\\)])*\))\s*Tj|\[(.*?)\]\s*TJ|(ET)",
                    re.DOTALL)
_LITERAL = re.compile(rb"\((?:\\.|[^\\)])*\)", re.DOTALL)


def _unescape(literal: bytes) -> bytes:
    body = literal[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        if body[i] == 0x5C and i + 1 < len(body):
            nxt = body[i + 1:i + 2]
            if nxt.isdigit():
                digits = re.match(rb"[0-7]{1,3}", body[i + 1:i + 4])
                assert digits is not None
                out.append(int(digits.group(0), 8))
                i += 1 + len(digits.group(0))
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(
                nxt, nxt)
            i += 2
            continue
        out.append(body[i])
        i += 1
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The document's text, one line per text object, pages in order."""
    return "\n".join(pdf_pages(data))


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page (one content stream per page, as fpdf2 writes them)."""
    objects = {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(data)}
    cmaps: dict[int, dict[int, str]] = {}
    for number, body in objects.items():
        found = re.search(rb"/ToUnicode\s+(\d+) 0 R", body)
        if not found:
            continue
        stream = _STREAM.search(objects[int(found.group(1))])
        assert stream is not None, "ToUnicode map not found"
        mapping = {}
        for code, text in _BFCHAR.findall(stream.group(1)):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
        cmaps[number] = mapping
    resources: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        if b"/Font" in body and b"<<" in body:
            for name, ref in _FONT_RESOURCE.findall(body):
                if int(ref) in cmaps:
                    resources[name] = cmaps[int(ref)]
    pages: list[str] = []
    for number in sorted(objects):
        body = objects[number]
        if b"/Filter" in body.split(b"stream", 1)[0]:
            continue
        stream = _STREAM.search(body)
        if stream is None or b"BT" not in stream.group(1):
            continue
        lines: list[str] = []
        cmap: dict[int, str] = {}
        current = ""
        for match in _TOKEN.finditer(stream.group(1)):
            font, single, array, end = match.groups()
            if font:
                cmap = resources.get(font, {})
            elif end:
                if current.strip():
                    lines.append(current)
                current = ""
            else:
                literals = [single] if single else _LITERAL.findall(array)
                for literal in literals:
                    raw = _unescape(literal)
                    if cmap:
                        current += "".join(cmap.get(int.from_bytes(raw[i:i + 2], "big"), "?")
                                           for i in range(0, len(raw) - 1, 2))
                    else:
                        current += raw.decode("latin-1")
        pages.append("\n".join(lines))
    return pages
