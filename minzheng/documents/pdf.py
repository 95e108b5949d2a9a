"""Rendering a ``FormDocument`` as an A4 PDF with fpdf2 (pure Python) and an embedded, subset CJK font.

The layout follows common Chinese government forms: a centred 宋体 title, an optional subtitle, a line with
the filling unit on the left and the form number on the right, ruled tables with centred labels, opinion
rows and signature boxes with date lines, and on every page a footer with the generation time, the person
who printed it and 「第 X 页 共 Y 页」. Every string goes through ``_FormPDF.clean`` on its way to the page:
ID numbers masked by ``guard_text``, and characters the fonts lack printed as □ instead of vanishing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils import timezone
from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableBordersLayout, TextMode, WrapMode, XPos, YPos

from minzheng.documents.fonts import HEI, SONG, font_files
from minzheng.documents.formats import cn_date
from minzheng.documents.guard import guard_text
from minzheng.documents.spec import (
    Column,
    FieldTable,
    FormDocument,
    ListTable,
    Opinion,
    Paragraph,
    Signatures,
)

# Sizes in points for text and millimetres for everything else (the unit of the page).
TITLE_PT = 18.0  # 小二
SUBTITLE_PT = 12.0  # 小四
BODY_PT = 10.5  # 五号, the usual size of table text on forms
SMALL_PT = 8.5
LINE_FACTOR = 1.5  # line height as a multiple of the font size
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 20.0, 18.0, 18.0, 20.0
BLOCK_GAP = 4.0
RULE_WIDTH = 0.3
LABEL_WEIGHT, VALUE_WEIGHT = 1.0, 2.2  # widths of a label and a value column in a field table
FIELD_ROW_MIN = 9.0
NUMBER_COLUMN = 12.0  # width of the 序号 column
CELL_PADDING = (1.6, 1.8, 1.6, 1.8)  # top, right, bottom, left
HEADING_FILL = (236, 236, 236)
INK = (0, 0, 0)
FAINT = (110, 110, 110)
_MM_PER_PT = 25.4 / 72
MISSING_GLYPH = "\u25a1"  # □, where the font has no glyph for a character


def _line_height(size_pt: float) -> float:
    return size_pt * _MM_PER_PT * LINE_FACTOR


class _FormPDF(FPDF):
    def __init__(self, document: FormDocument) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.document = document
        self.generated_at = document.generated_at or timezone.now()
        for family, path in font_files().items():
            self.add_font(family, fname=str(path))
        # Characters every face can print; anything else becomes a visible □ rather than silently vanishing
        # (fpdf2 drops a glyph the font lacks, which would print a rare name character as nothing at all).
        self.printable = frozenset(self.fonts[SONG].cmap) & frozenset(self.fonts[HEI].cmap)
        self.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
        self.set_auto_page_break(True, MARGIN_BOTTOM)
        self.set_line_width(RULE_WIDTH)
        self.set_draw_color(*INK)
        self.set_text_color(*INK)
        self.set_lang("zh-CN")
        self.set_title(guard_text(document.title))
        if document.doc_number:
            self.set_subject(guard_text(document.doc_number))
        self.set_creator("Minzheng")
        self.set_creation_date(self.generated_at)

    def clean(self, value: object) -> str:
        """``value`` as it may be printed: ID numbers masked (``guard_text``), unprintable characters as □."""
        text = guard_text(value)
        return "".join(char if ord(char) in self.printable or char in "\n\t" else MISSING_GLYPH for char in text)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(HEI, size=SMALL_PT)
        self.set_text_color(*FAINT)
        self.set_xy(self.l_margin, 10)
        self.cell(w=self.epw, h=5, text=self.clean(f"{self.document.title}（续）"), align=Align.R)
        self.set_text_color(*INK)
        self.set_xy(self.l_margin, MARGIN_TOP)

    def footer(self) -> None:
        self.set_font(HEI, size=SMALL_PT)
        self.set_text_color(*FAINT)
        self.set_y(-13)
        made = f"生成时间：{cn_date(self.generated_at)}"
        if self.document.generated_by:
            made += f"　打印人：{self.document.generated_by}"
        self.cell(w=self.epw * 0.7, h=5, text=self.clean(made), align=Align.L)
        self.cell(w=self.epw * 0.3, h=5, text=f"第 {self.page_no()} 页 共 {{nb}} 页", align=Align.R)
        self.set_text_color(*INK)


def render_form(document: FormDocument) -> bytes:
    """The document as PDF bytes."""
    pdf = _FormPDF(document)
    pdf.add_page()
    _title(pdf, document)
    for block in document.blocks:
        if isinstance(block, FieldTable):
            _field_table(pdf, block)
        elif isinstance(block, ListTable):
            _list_table(pdf, block)
        elif isinstance(block, Paragraph):
            _paragraph(pdf, block)
        elif isinstance(block, Opinion):
            _opinion(pdf, block)
        elif isinstance(block, Signatures):
            _signatures(pdf, block)
        else:
            raise TypeError(f"not a document block: {block!r}")
    _notes(pdf, document.notes)
    return bytes(pdf.output())


# --- title --------------------------------------------------------------------------------------------------


def _title(pdf: _FormPDF, document: FormDocument) -> None:
    pdf.set_font(SONG, size=TITLE_PT)
    # The fonts have no bold face: a thin outline stroked over the fill gives the title its weight.
    # A local context (q … Q) so the text rendering mode does not leak into the rest of the page.
    with pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.25):
        pdf.multi_cell(w=pdf.epw, h=_line_height(TITLE_PT) * 0.9, text=pdf.clean(document.title), align=Align.C,
                       wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if document.subtitle:
        pdf.set_font(SONG, size=SUBTITLE_PT)
        pdf.multi_cell(w=pdf.epw, h=_line_height(SUBTITLE_PT), text=pdf.clean(document.subtitle), align=Align.C,
                       wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    if document.issuer or document.doc_number:
        pdf.set_font(SONG, size=BODY_PT)
        height = _line_height(BODY_PT)
        issuer = f"填报单位：{document.issuer}" if document.issuer else ""
        number = f"编号：{document.doc_number}" if document.doc_number else ""
        pdf.cell(w=pdf.epw * 0.6, h=height, text=pdf.clean(issuer), align=Align.L)
        pdf.cell(w=pdf.epw * 0.4, h=height, text=pdf.clean(number), align=Align.R,
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


# --- tables -------------------------------------------------------------------------------------------------


def _heading_style(size_pt: float = BODY_PT) -> FontFace:
    return FontFace(family=HEI, emphasis="", size_pt=size_pt, fill_color=HEADING_FILL)


def _table(pdf: _FormPDF, *, col_widths: Sequence[float], headings: int):
    return pdf.table(
        col_widths=tuple(col_widths), width=pdf.epw, align=Align.L, text_align=Align.L,
        borders_layout=TableBordersLayout.ALL, outer_border_width=RULE_WIDTH * 1.6,
        first_row_as_headings=headings > 0, num_heading_rows=headings, repeat_headings=1,
        headings_style=_heading_style(), line_height=_line_height(BODY_PT), padding=CELL_PADDING,
        wrapmode=WrapMode.CHAR, min_row_height=FIELD_ROW_MIN,
    )


def _field_rows(table: FieldTable) -> list[list[tuple[str, str, int]]]:
    """Fields grouped into rows of (label, value, span); the last field of each row fills the row."""
    columns = max(1, table.columns)
    rows: list[list[tuple[str, str, int]]] = []
    current: list[tuple[str, str, int]] = []
    used = 0
    for item in table.fields:
        span = min(max(1, item.span), columns)
        if current and used + span > columns:
            rows.append(current)
            current, used = [], 0
        current.append((item.label, item.value, span))
        used += span
    if current:
        rows.append(current)
    for row in rows:
        label, value, span = row[-1]
        row[-1] = (label, value, span + columns - sum(s for _, _, s in row))
    return rows


def _field_table(pdf: _FormPDF, block: FieldTable) -> None:
    if not block.fields:
        return
    columns = max(1, block.columns)
    label_style = FontFace(family=HEI, emphasis="", size_pt=BODY_PT)
    label_width = pdf.epw * LABEL_WEIGHT / (columns * (LABEL_WEIGHT + VALUE_WEIGHT)) - CELL_PADDING[1] - CELL_PADDING[3]
    pdf.set_font(HEI, size=BODY_PT)
    labels = {item.label: _balanced(pdf, pdf.clean(item.label), label_width - 0.5) for item in block.fields}
    pdf.set_font(SONG, size=BODY_PT)
    with _table(pdf, col_widths=[LABEL_WEIGHT, VALUE_WEIGHT] * columns, headings=1 if block.title else 0) as table:
        if block.title:
            table.row().cell(pdf.clean(block.title), colspan=2 * columns, align=Align.C)
        for fields in _field_rows(block):
            row = table.row()
            for label, value, span in fields:
                row.cell(labels[label], align=Align.C, style=label_style)
                row.cell(pdf.clean(value), colspan=2 * span - 1)
    pdf.ln(BLOCK_GAP)


def _list_table(pdf: _FormPDF, block: ListTable) -> None:
    columns: list[Column] = list(block.columns)
    rows = [list(row) for row in block.rows]
    if block.numbered:
        # A fixed width that holds 序号 on one line, whatever the other columns' weights add up to.
        others = sum(column.width for column in columns)
        columns.insert(0, Column("序号", width=others * NUMBER_COLUMN / (pdf.epw - NUMBER_COLUMN)))
        rows = [[str(number), *row] for number, row in enumerate(rows, start=1)]
    if block.title:
        _section_title(pdf, block.title)
    total = sum(column.width for column in columns)
    pdf.set_font(HEI, size=BODY_PT)
    headers = [
        _balanced(pdf, pdf.clean(column.header),
                  pdf.epw * column.width / total - CELL_PADDING[1] - CELL_PADDING[3] - 0.5)
        for column in columns
    ]
    pdf.set_font(SONG, size=BODY_PT)
    with _table(pdf, col_widths=[column.width for column in columns], headings=1) as table:
        header = table.row()
        for text in headers:
            header.cell(text, align=Align.C)
        if not rows:
            table.row().cell(pdf.clean(block.empty_text), colspan=len(columns), align=Align.C)
        for values in rows:
            row = table.row()
            for column, value in zip(columns, values, strict=True):
                row.cell(pdf.clean(value), align=Align.coerce(column.align))
    pdf.ln(BLOCK_GAP)


def _section_title(pdf: _FormPDF, title: str) -> None:
    height = _line_height(SUBTITLE_PT)
    if pdf.will_page_break(height + FIELD_ROW_MIN * 2):
        pdf.add_page()
    pdf.set_font(HEI, size=SUBTITLE_PT - 1)
    pdf.cell(w=pdf.epw, h=height, text=pdf.clean(title), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.5)


# --- free text ----------------------------------------------------------------------------------------------


def _paragraph(pdf: _FormPDF, block: Paragraph) -> None:
    if block.title:
        _section_title(pdf, block.title)
    pdf.set_font(SONG, size=SUBTITLE_PT)
    indent = "\u3000\u3000" if block.indent else ""
    text = "\n".join(indent + line.strip() for line in pdf.clean(block.text).splitlines() if line.strip())
    pdf.multi_cell(w=pdf.epw, h=_line_height(SUBTITLE_PT) * 1.1, text=text, align=Align.J, wrapmode=WrapMode.CHAR,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(BLOCK_GAP)


def _notes(pdf: _FormPDF, notes: Sequence[str]) -> None:
    if not notes:
        return
    pdf.set_font(HEI, size=SMALL_PT + 0.5)
    height = _line_height(SMALL_PT + 0.5)
    lines = [pdf.clean(note) for note in notes]
    if pdf.will_page_break(height * 2):
        pdf.add_page()
    pdf.multi_cell(w=pdf.epw, h=height, text="\n".join(lines), align=Align.L, wrapmode=WrapMode.CHAR,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)


# --- opinions and signatures --------------------------------------------------------------------------------


def _text_height(pdf: _FormPDF, width: float, text: str, line_height: float) -> float:
    if not text:
        return 0.0
    lines = pdf.multi_cell(w=width, h=line_height, text=text, wrapmode=WrapMode.CHAR, dry_run=True,
                           output="LINES", padding=0)
    return len(lines) * line_height


def _balanced(pdf: _FormPDF, text: str, width: float) -> str:
    """A label too long for one line, broken into lines of even length (乡镇人民/政府审核/意见 rather than
    乡镇人民政府审/核意见). Labels are short CJK runs, so characters are taken as equally wide."""
    if "\n" in text or pdf.get_string_width(text) <= width:
        return text
    lines = math.ceil(pdf.get_string_width(text) / width)
    while lines <= len(text):
        per_line = math.ceil(len(text) / lines)
        chunks = [text[start:start + per_line] for start in range(0, len(text), per_line)]
        if all(pdf.get_string_width(chunk) <= width for chunk in chunks):
            return "\n".join(chunks)
        lines += 1
    return text


def _date_line() -> str:
    return "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"


def _opinion(pdf: _FormPDF, block: Opinion) -> None:
    # As wide as the label column of a two-pair field table, so an approval form's grid lines up.
    label_width = pdf.epw * LABEL_WEIGHT / (2 * (LABEL_WEIGHT + VALUE_WEIGHT))
    body_width = pdf.epw - label_width
    pad = CELL_PADDING[3]
    line_height = _line_height(BODY_PT)
    pdf.set_font(SONG, size=BODY_PT)
    text = pdf.clean(block.text)
    text_height = _text_height(pdf, body_width - 2 * pad, text, line_height)
    footer_height = 2 * line_height + 3
    height = max(block.min_height, text_height + footer_height + 2 * pad + 2)
    if pdf.will_page_break(height):
        pdf.add_page()
    x, y = pdf.l_margin, pdf.get_y()
    pdf.rect(x, y, label_width, height)
    pdf.rect(x + label_width, y, body_width, height)

    pdf.set_font(HEI, size=BODY_PT)
    label = _balanced(pdf, pdf.clean(block.label), label_width - 2 * pad - 2 * pdf.c_margin)
    label_height = _text_height(pdf, label_width - 2 * pad, label, line_height)
    pdf.set_xy(x + pad, y + (height - label_height) / 2)
    pdf.multi_cell(w=label_width - 2 * pad, h=line_height, text=label, align=Align.C, wrapmode=WrapMode.CHAR)

    pdf.set_font(SONG, size=BODY_PT)
    if text:
        pdf.set_xy(x + label_width + pad, y + pad)
        pdf.multi_cell(w=body_width - 2 * pad, h=line_height, text=text, align=Align.J, wrapmode=WrapMode.CHAR)
    sign_y = y + height - footer_height
    signer = pdf.clean(f"{block.signer}（签字）：") if block.signer else ""
    seal = "（盖章）" if block.seal else ""
    right = x + label_width + body_width - pad
    if signer:
        signer_width = pdf.get_string_width(signer)
        start = x + label_width + body_width * 0.38
        pdf.set_xy(start, sign_y)
        pdf.cell(w=signer_width, h=line_height, text=signer)
        underline_y = sign_y + line_height - 0.8
        pdf.line(start + signer_width, underline_y, start + signer_width + 30, underline_y)
    if seal:
        pdf.set_xy(right - 22, sign_y)
        pdf.cell(w=22, h=line_height, text=seal, align=Align.R)
    pdf.set_xy(x + label_width, sign_y + line_height + 1)
    pdf.cell(w=body_width - pad, h=line_height, text=_date_line(), align=Align.R)
    pdf.set_xy(pdf.l_margin, y + height)


def _signatures(pdf: _FormPDF, block: Signatures) -> None:
    boxes = list(block.boxes)
    if not boxes and not block.seal_unit:
        return
    seal_width = pdf.epw * 0.3 if block.seal_unit else 0.0
    count = max(1, len(boxes))
    box_width = (pdf.epw - seal_width) / count if boxes else 0.0
    height = block.height
    line_height = _line_height(BODY_PT)
    pad = CELL_PADDING[3]
    if pdf.will_page_break(height):
        pdf.add_page()
    x, y = pdf.l_margin, pdf.get_y()
    for index, box in enumerate(boxes):
        left = x + index * box_width
        pdf.rect(left, y, box_width, height)
        pdf.set_font(HEI, size=BODY_PT)
        pdf.set_xy(left + pad, y + pad)
        pdf.cell(w=box_width - 2 * pad, h=line_height, text=pdf.clean(f"{box.role}："))
        pdf.set_font(SONG, size=BODY_PT)
        sign_y = y + height - 2 * line_height - 3
        pdf.set_xy(left + pad, sign_y)
        label = "签字："
        width = pdf.get_string_width(label)
        pdf.cell(w=width, h=line_height, text=label)
        pdf.line(left + pad + width, sign_y + line_height - 0.8, left + box_width - pad - 2, sign_y + line_height - 0.8)
        if box.date_line:
            pdf.set_xy(left, sign_y + line_height + 1)
            pdf.cell(w=box_width - pad, h=line_height, text=_date_line(), align=Align.R)
    if block.seal_unit:
        # The unit's name with room around it for the seal, which is stamped over the name.
        left = x + pdf.epw - seal_width
        pdf.rect(left, y, seal_width, height)
        pdf.set_font(HEI, size=BODY_PT)
        pdf.set_xy(left + pad, y + pad)
        pdf.cell(w=seal_width - 2 * pad, h=line_height, text="单位盖章：")
        pdf.set_font(SONG, size=BODY_PT)
        pdf.set_xy(left + pad, y + height / 2 - line_height / 2)
        pdf.multi_cell(w=seal_width - 2 * pad, h=line_height, text=pdf.clean(f"{block.seal_unit}{block.seal_label}"),
                       align=Align.C, wrapmode=WrapMode.CHAR)
        pdf.set_xy(left, y + height - 2 * line_height - 3 + line_height + 1)
        pdf.cell(w=seal_width - pad, h=line_height, text=_date_line(), align=Align.R)
    pdf.set_xy(pdf.l_margin, y + height)
    pdf.ln(BLOCK_GAP)
