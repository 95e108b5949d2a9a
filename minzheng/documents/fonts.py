"""The fonts printed documents are set in, and where they come from.

Both are Noto CJK SC (SIL Open Font License 1.1) as shipped by the PyPI package ``pylopdf-fonts-zh-cn``: a
plain ``pip install`` brings them, with no system font packages. They are OpenType with CFF outlines;
fpdf2 embeds each as a subset (CIDFontType0C) holding only the glyphs a document uses, so a one-page form
stays a few tens of kilobytes. The fonts cover all of GB 2312 and most of GBK (about 30,000 characters); a
character they lack (a rare name character outside the BMP, such as 𠮷) prints as □ so that it can be
written in by hand, rather than disappearing from the name.
"""

from __future__ import annotations

from pathlib import Path

import pylopdf_fonts_zh_cn

SONG = "song"  # Noto Serif SC: the 宋体-style face for titles and body text
HEI = "hei"  # Noto Sans SC: the 黑体-style face for labels, headings and small print


def font_files() -> dict[str, Path]:
    return {SONG: pylopdf_fonts_zh_cn.serif_path(), HEI: pylopdf_fonts_zh_cn.sans_path()}
