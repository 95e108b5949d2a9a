"""Rendering forms: extractable Chinese text, the house formats, page numbers, an embedded subset font, masked
ID numbers whatever the caller passes, and a small file."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from minzheng.core.identifiers import make_id_number
from minzheng.documents.formats import cn_date, money, money_with_capital
from minzheng.documents.pdf import _field_rows, render_form
from minzheng.documents.spec import (
    Column,
    Field,
    FieldTable,
    FormDocument,
    ListTable,
    Opinion,
    Paragraph,
    SignatureBox,
    Signatures,
    Unmasked,
)
from minzheng.testing.pdfread import pdf_fonts, pdf_pages, pdf_text

FULL_ID = make_id_number("110105", dt.date(1949, 12, 31), 2, male=False)  # 11010519491231002X
MASKED_ID = "110105********002X"
GENERATED = dt.datetime(2025, 7, 1, 14, 5)


def _approval_form(*, id_number: str = MASKED_ID, members: int = 2, **overrides) -> FormDocument:
    rows = [[f"成员{n}", "子女", id_number, money(150000)] for n in range(members)]
    values = {
        "title": "最低生活保障审批表",
        "subtitle": "（2025年度）",
        "doc_number": "测民救〔2025〕18号",
        "issuer": "测试区甲镇甲一村",
        "generated_at": GENERATED,
        "generated_by": "张经办",
        "blocks": [
            FieldTable(title="申请人基本信息", fields=[
                Field("姓名", "张三"), Field("身份证号码", id_number),
                Field("出生日期", cn_date(dt.date(1949, 12, 31))), Field("性别", "女"),
                Field("月保障金额", money_with_capital(123400), span=2),
            ]),
            ListTable(title="家庭成员", numbered=True,
                      columns=[Column("姓名"), Column("关系"), Column("身份证号码", 2), Column("月收入", 1.2, "R")],
                      rows=rows),
            Opinion(label="乡镇人民政府审核意见", text="情况属实，同意上报。", signer="审核人", seal=True),
            Signatures(boxes=[SignatureBox("经办人"), SignatureBox("审核人"), SignatureBox("审批人")],
                       seal_unit="测试区民政局"),
        ],
    }
    values.update(overrides)
    return FormDocument(**values)


@pytest.fixture(scope="module")
def one_page() -> bytes:
    return render_form(_approval_form())


@pytest.fixture(scope="module")
def two_pages() -> bytes:
    return render_form(_approval_form(members=30))


# --- text -----------------------------------------------------------------------------------------------------


def test_title_labels_and_values_are_extractable_chinese(one_page):
    """Given an approval form, when it is rendered, then its title, labels, values and signature boxes come
    back out of the PDF as Chinese text."""
    text = pdf_text(one_page)
    for expected in ["最低生活保障审批表", "（2025年度）", "填报单位：测试区甲镇甲一村", "编号：测民救〔2025〕18号",
                     "申请人基本信息", "姓名", "张三", "出生日期", "1949年12月31日", "家庭成员", "序号",
                     "乡镇人民政府审核意见", "情况属实，同意上报。", "审核人（签字）：", "（盖章）",
                     "经办人：", "审批人：", "测试区民政局", "年月日"]:
        assert expected in text, expected


def test_money_is_printed_in_figures_and_in_capitals(one_page):
    """Given an amount of 123400 fen, when printed, then it reads ¥1,234.00 and 壹仟贰佰叁拾肆元整."""
    text = pdf_text(one_page)
    assert "¥1,234.00（大写：壹仟贰佰叁拾肆元整）" in text
    assert "¥1,500.00" in text


def test_footer_carries_generation_time_printer_and_page_numbers(one_page):
    """Given a one-page form, then its footer shows when and by whom it was generated and 第 1 页 共 1 页."""
    (page,) = pdf_pages(one_page)
    assert "生成时间：2025年7月1日14:05" in page
    assert "打印人：张经办" in page
    assert "第1页共1页" in page


def test_a_two_page_document_numbers_its_pages_of_the_total(two_pages):
    """Given a member list too long for one page, then there are two pages, numbered 第 1 页 共 2 页 and
    第 2 页 共 2 页."""
    pages = pdf_pages(two_pages)
    assert len(pages) == 2
    assert "第1页共2页" in pages[0]
    assert "第2页共2页" in pages[1]


def test_a_list_repeats_its_header_row_on_the_next_page(two_pages):
    """Given a member list running onto a second page, then that page repeats the header row and marks the
    title as continued."""
    second = pdf_pages(two_pages)[1]
    assert "序号姓名关系身份证号码月收入" in second
    assert "最低生活保障审批表（续）" in second
    assert "成员29" in second


def test_a_field_table_repeats_its_title_on_the_next_page():
    """Given a field table longer than a page, then its title row is printed again on the second page."""
    fields = [Field(f"项目{n}", f"内容{n}") for n in range(80)]
    pages = pdf_pages(render_form(FormDocument(title="长表", blocks=[FieldTable(title="基本信息", fields=fields)])))
    assert len(pages) >= 2
    assert all("基本信息" in page for page in pages)
    assert "内容79" in pages[-1]


def test_long_values_wrap_inside_their_cell_and_are_printed_whole():
    """Given a value far wider than its cell, then all of it is printed (wrapped, not clipped)."""
    address = "甲一村三组十八号" * 12
    text = pdf_text(render_form(FormDocument(title="登记表", blocks=[FieldTable(fields=[Field("住址", address)])])))
    assert address in text


def test_an_empty_list_prints_its_empty_text():
    """Given a list without rows, then the table prints its header and the empty text."""
    block = ListTable(columns=[Column("姓名"), Column("金额")], rows=[], empty_text="（本期无公示对象）")
    text = pdf_text(render_form(FormDocument(title="公示名单", blocks=[block])))
    assert "姓名金额" in text and "（本期无公示对象）" in text


def test_paragraphs_are_printed_with_their_title():
    """Given a notice with a titled paragraph, then both are printed."""
    block = Paragraph(title="告知事项", text="经审核，您的申请不符合条件。\n如不服，可在六十日内申请行政复议。")
    text = pdf_text(render_form(FormDocument(title="不予批准告知书", blocks=[block])))
    assert "告知事项" in text
    assert "经审核，您的申请不符合条件。" in text and "如不服，可在六十日内申请行政复议。" in text


def test_a_character_the_font_lacks_prints_as_a_box_instead_of_vanishing():
    """Given a name with a character outside the fonts (𠮷), then it prints as □ in its place, and the rest of
    the name, including rarer characters the fonts do have (䶮, 堃), prints as given."""
    text = pdf_text(render_form(FormDocument(title="登记表", blocks=[FieldTable(fields=[Field("姓名", "𠮷田䶮堃")])])))
    assert "姓名□田䶮堃" in text


# --- the font -------------------------------------------------------------------------------------------------


def test_the_cjk_fonts_are_embedded_as_subsets(one_page):
    """Given a rendered form, then every font is embedded (a FontFile stream) and subset (a BaseFont with a
    six-letter tag, and a font program far smaller than the 8 MB source file)."""
    fonts = pdf_fonts(one_page)
    assert fonts
    for font in fonts:
        assert re.fullmatch(r"/[A-Z]{6}\+Noto(Sans|Serif)SC", font["base_font"]), font
        assert set(font["files"]) & {"/FontFile2", "/FontFile3"}, font
        assert all(size < 200_000 for size in font["files"].values()), font


def test_a_one_page_form_stays_small(one_page):
    """Given a one-page form, then the PDF is under 300 KB."""
    assert len(one_page) < 300_000


def test_a_form_is_a_portrait_a4_pdf(one_page):
    """Given a rendered form, then it is a PDF whose pages are A4 portrait (595 × 842 pt)."""
    assert one_page.startswith(b"%PDF-")
    box = PdfReader(io.BytesIO(one_page)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


# --- ID numbers -----------------------------------------------------------------------------------------------


def test_a_full_id_number_passed_in_any_value_is_printed_masked():
    """Given a caller that passes a full ID number in a field, a list cell, a paragraph and the title, then the
    number never appears in the PDF and its masked form does."""
    document = _approval_form(
        id_number=FULL_ID,
        title=f"审批表{FULL_ID}",
        blocks=[*_approval_form(id_number=FULL_ID).blocks, Paragraph(text=f"申请人（身份证号{FULL_ID}）承诺属实。")],
    )
    content = render_form(document)
    text = pdf_text(content)
    assert FULL_ID not in text
    assert FULL_ID.encode() not in content
    assert f"身份证号{MASKED_ID}" in text
    assert text.count(MASKED_ID) >= 5


def test_an_id_number_typed_in_full_width_digits_is_masked_too():
    """Given an ID number typed with a Chinese input method in full-width mode, then it is printed masked."""
    full_width = FULL_ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    text = pdf_text(render_form(FormDocument(title="表", blocks=[FieldTable(fields=[Field("备注", full_width)])])))
    assert full_width not in text and FULL_ID not in text
    assert MASKED_ID in text


def test_other_long_numbers_are_printed_unchanged():
    """Given an 18-digit number that fails the ID checks and a 19-digit bank reference, then both print as given."""
    wrong_check = FULL_ID[:-1] + ("0" if FULL_ID[-1] != "0" else "1")
    reference = "6222021234567890123"
    fields = [Field("号码", wrong_check), Field("账号", reference)]
    text = pdf_text(render_form(FormDocument(title="表", blocks=[FieldTable(fields=fields)])))
    assert wrong_check in text and reference in text


def test_a_value_marked_unmasked_is_printed_in_full():
    """Given a value explicitly marked Unmasked (a certificate that must carry the full number), then it is
    printed as given; an unmarked copy of the same number in the same document is still masked."""
    fields = [Field("身份证号码", Unmasked(FULL_ID)), Field("备注", f"号码{FULL_ID}")]
    text = pdf_text(render_form(FormDocument(title="证明", blocks=[FieldTable(fields=fields)])))
    assert text.count(FULL_ID) == 1
    assert f"号码{MASKED_ID}" in text


# --- layout of field tables -----------------------------------------------------------------------------------


def test_field_rows_fill_each_row_and_start_a_new_row_for_a_wide_field():
    """Given fields of span 1, 1, 1 and 2 in a two-pair table, then rows are [a b] [c↦2] [d=2]: the field left
    alone on a row is widened to the row's end."""
    fields = [Field("a"), Field("b"), Field("c"), Field("d", span=2)]
    rows = _field_rows(FieldTable(fields=fields, columns=2))
    assert [[(label, span) for label, _, span in row] for row in rows] == [
        [("a", 1), ("b", 1)], [("c", 2)], [("d", 2)],
    ]
