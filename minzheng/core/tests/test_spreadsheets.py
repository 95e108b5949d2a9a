"""The shared spreadsheet import path: formats, limits, hostile files and formula cells."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import override_settings
from openpyxl import Workbook

from minzheng.core.errors import ApplicationError
from minzheng.core.spreadsheets import SheetColumn, SheetErrorCode, read_table

COLUMNS = [SheetColumn("name", "姓名"), SheetColumn("amount", "金额")]


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _replace_member(content: bytes, member: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, data if info.filename == member else source.read(info))
    return out.getvalue()


def _code(excinfo) -> str:
    return excinfo.value.code


def test_xlsx_rows_come_back_as_text_with_excel_row_numbers():
    """Given an .xlsx with a blank line, when read, then rows are text keyed by column with Excel's numbering."""
    rows, errors = read_table(_xlsx([["姓名", "金额"], ["张三", 12.0], [None, None], ["李四", "3.5"]]),
                              columns=COLUMNS)
    assert errors == []
    assert [(r.number, r.values) for r in rows] == [(2, {"name": "张三", "amount": "12"}),
                                                    (4, {"name": "李四", "amount": "3.5"})]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_is_read_in_the_encodings_staff_save(encoding):
    """Given the same CSV saved as UTF-8 (with or without BOM) or GBK, when read, then the Chinese is intact."""
    content = "姓名,金额\n张三,100\n".encode(encoding)
    rows, _ = read_table(content, filename="名单.csv", columns=COLUMNS)
    assert rows[0].values == {"name": "张三", "amount": "100"}


def test_header_mismatch_names_missing_and_extra_columns():
    """A header that differs from the template is refused on row 1, naming what is missing and extra."""
    with pytest.raises(ApplicationError) as excinfo:
        read_table(_xlsx([["姓名", "备注"], ["张三", "x"]]), columns=COLUMNS)
    assert _code(excinfo) == SheetErrorCode.HEADER
    assert excinfo.value.row == 1
    assert "缺少列：金额" in excinfo.value.message and "多出列：备注" in excinfo.value.message


def test_columns_in_the_wrong_order_are_refused():
    with pytest.raises(ApplicationError) as excinfo:
        read_table(_xlsx([["金额", "姓名"], ["1", "张三"]]), columns=COLUMNS)
    assert "顺序" in excinfo.value.message


def test_formula_cells_are_reported_by_row_and_column():
    """Given a formula in an .xlsx cell and a command in a CSV cell, then each is an error naming row and column,
    while a negative number is accepted."""
    _, errors = read_table(_xlsx([["姓名", "金额"], ["张三", "=SUM(1,2)"], ["李四", -5]]), columns=COLUMNS)
    assert [(e.row, e.field, e.code) for e in errors] == [(2, "金额", SheetErrorCode.FORMULA)]
    _, errors = read_table("姓名,金额\n@cmd,1\n王五,+3\n".encode(), filename="a.csv", columns=COLUMNS)
    assert [(e.row, e.field) for e in errors] == [(2, "姓名")]


def test_empty_file_is_refused():
    with pytest.raises(ApplicationError) as excinfo:
        read_table(_xlsx([["姓名", "金额"]]), columns=COLUMNS)
    assert _code(excinfo) == SheetErrorCode.EMPTY


@override_settings(MINZHENG_IMPORT_MAX_ROWS=3)
def test_row_limit_is_a_setting_and_refuses_clearly():
    """With a limit of 3 rows, 3 rows pass and 4 are refused with the limit in the message."""
    assert len(read_table(_xlsx([["姓名", "金额"]] + [["张三", 1]] * 3), columns=COLUMNS)[0]) == 3
    with pytest.raises(ApplicationError) as excinfo:
        read_table(_xlsx([["姓名", "金额"]] + [["张三", 1]] * 4), columns=COLUMNS)
    assert _code(excinfo) == SheetErrorCode.TOO_MANY_ROWS and "3行" in excinfo.value.message


def test_size_limit_refuses_before_parsing():
    content = _xlsx([["姓名", "金额"], ["张三", 1]])
    with pytest.raises(ApplicationError) as excinfo:
        read_table(content, columns=COLUMNS, max_bytes=len(content) - 1)
    assert _code(excinfo) == SheetErrorCode.TOO_LARGE


def test_zip_bomb_is_refused_without_parsing(monkeypatch):
    """Given an .xlsx whose sheet inflates far beyond the limit, then it is refused before openpyxl runs."""
    content = _replace_member(_xlsx([["姓名", "金额"]]), "xl/worksheets/sheet1.xml", b" " * 50_000_000)

    def must_not_open(*args, **kwargs):
        raise AssertionError("the workbook must not be opened")

    monkeypatch.setattr("openpyxl.load_workbook", must_not_open)
    with pytest.raises(ApplicationError) as excinfo:
        read_table(content, columns=COLUMNS)
    assert _code(excinfo) == SheetErrorCode.BOMB


def test_xml_entity_bomb_is_refused():
    """Given a sheet with a "billion laughs" entity declaration, when read, then it is refused as unsafe XML
    (openpyxl parses through defusedxml), not expanded."""
    base = _xlsx([["姓名", "金额"], ["张三", 1]])
    sheet = zipfile.ZipFile(io.BytesIO(base)).read("xl/worksheets/sheet1.xml").decode()
    entities = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>"
    hostile = entities + sheet.replace("<sheetPr>", "<sheetPr>&i;", 1)
    content = _replace_member(base, "xl/worksheets/sheet1.xml", hostile.encode())
    with pytest.raises(ApplicationError) as excinfo:
        read_table(content, columns=COLUMNS)
    assert _code(excinfo) == SheetErrorCode.UNSAFE_XML


def test_binary_file_with_csv_name_is_refused():
    with pytest.raises(ApplicationError) as excinfo:
        read_table(b"\x00\x01\x02garbage", filename="x.csv", columns=COLUMNS)
    assert _code(excinfo) == SheetErrorCode.UNREADABLE
