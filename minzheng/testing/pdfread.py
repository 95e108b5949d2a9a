"""Reading rendered PDFs back with pypdf: each page's text and the fonts' dictionaries.

The text is decoded the way a PDF viewer does for copy and search: every string shown with Tj/TJ is split into
the font's two-byte codes and mapped through the font's ToUnicode CMap. ``PageObject.extract_text()`` is not
used: pypdf (up to 7.x) does not read a font whose /Encoding is an embedded CMap stream, which is what fpdf2
writes for a CFF-based CJK font, and it returns NUL characters and, past 255 distinct glyphs, wrong ones.
Poppler's pdftotext, pdf.js and PDFium read these files correctly.
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.generic import ContentStream, TextStringObject

_SPACE = re.compile(r"\s+")
_BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(r"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(r"<([0-9A-Fa-f]+)>")


def _unicode(hex_text: str) -> str:
    return bytes.fromhex(hex_text).decode("utf-16-be")


def _to_unicode_map(font) -> dict[int, str]:
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping: dict[int, str] = {}
    for block in _BFCHAR.findall(cmap):
        values = _HEX.findall(block)
        for code, text in zip(values[::2], values[1::2], strict=True):
            mapping[int(code, 16)] = _unicode(text)
    for block in _BFRANGE.findall(cmap):
        values = _HEX.findall(block)
        for start, end, first in zip(values[::3], values[1::3], values[2::3], strict=True):
            base = ord(_unicode(first))
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[code] = chr(base + offset)
    return mapping


def _raw(operand) -> bytes:
    """The bytes of a string operand. pypdf decodes a string of two-byte codes starting with 0x00 as UTF-16
    and would hand it back with a byte-order mark in front; re-encoding the decoded text gives the codes."""
    if isinstance(operand, TextStringObject):
        if operand.autodetect_utf16:
            return str(operand).encode("utf-16-be")
        return operand.get_original_bytes()
    return bytes(operand)


def _page_text(reader: PdfReader, page) -> str:
    fonts = {name: _to_unicode_map(font.get_object()) for name, font in page["/Resources"]["/Font"].items()}
    mapping: dict[int, str] = {}
    parts: list[str] = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            mapping = fonts[operands[0]]
        elif operator in (b"Tj", b"TJ"):
            strings = operands[0] if operator == b"TJ" else [operands[0]]
            for string in strings:
                if isinstance(string, int | float):
                    continue
                raw = _raw(string)
                # An unmapped code raises KeyError: text a reader could not copy is a failure here too.
                parts.append("".join(mapping[int.from_bytes(raw[i:i + 2], "big")] for i in range(0, len(raw), 2)))
        elif operator == b"ET":
            parts.append("\n")
    return "".join(parts)


def pdf_pages(content: bytes) -> list[str]:
    """Each page's text with all whitespace removed (line breaks fall wherever a cell wraps)."""
    reader = PdfReader(io.BytesIO(content))
    return [_SPACE.sub("", _page_text(reader, page)) for page in reader.pages]


def pdf_text(content: bytes) -> str:
    return "".join(pdf_pages(content))


def pdf_fonts(content: bytes) -> list[dict]:
    """For every font on every page: its BaseFont, subtype, and the sizes of its font-file streams."""
    reader = PdfReader(io.BytesIO(content))
    found: dict[str, dict] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            files = {key: descriptor[key].get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
                     if key in descriptor}
            found[str(font["/BaseFont"])] = {
                "base_font": str(font["/BaseFont"]),
                "subtype": str(descendant["/Subtype"]),
                "files": {key: len(stream.get_data()) for key, stream in files.items()},
            }
    return list(found.values())
