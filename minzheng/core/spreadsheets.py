"""The one way a spreadsheet comes in: .xlsx or .csv, checked before anything is parsed deeply.

``read_table`` refuses files over the size limit, zip bombs (the unpacked size of an .xlsx is capped before
openpyxl inflates anything) and XML bombs (openpyxl parses through defusedxml, a hard dependency), checks
that the header row is exactly the template's, caps the number of data rows, rejects formula cells, and
returns the rows as text keyed by column. It never writes: callers validate each row, collect every
``ApplicationError`` (each naming the row and the column in Chinese) and write only a file with none
(all-or-nothing, inside one transaction).

Limits are settings (``MINZHENG_IMPORT_MAX_BYTES``, ``MINZHENG_IMPORT_MAX_ROWS``), overridable per call.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from minzheng.core.errors import ApplicationError

MAX_UNZIP_RATIO = 100
UNREADABLE_MESSAGE = "无法读取文件，请上传由模板填写的 .xlsx 或 .csv 文件"


class SheetErrorCode(StrEnum):
    TOO_LARGE = "import_too_large"
    TOO_MANY_ROWS = "import_too_many_rows"
    BOMB = "import_bomb"
    UNREADABLE = "import_file"
    HEADER = "import_header"
    EMPTY = "import_empty"
    FORMULA = "import_formula"
    UNSAFE_XML = "import_unsafe_xml"


@dataclass(frozen=True)
class SheetColumn:
    key: str
    header: str


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number a person sees in Excel (the header is row 1)
    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.values[key]


def _megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(size // 1024, 1)} KB"


def check_size(size: int, *, max_bytes: int | None = None) -> None:
    """Refuse a file larger than the limit; callers pass an upload's size before reading it."""
    limit = max_bytes or settings.MINZHENG_IMPORT_MAX_BYTES
    if size > limit:
        raise ApplicationError(SheetErrorCode.TOO_LARGE, f"文件大小超过上限（{_megabytes(limit)}），请分批导入")


def check_archive(content: bytes, *, max_bytes: int | None = None) -> None:
    """Refuse a zip whose members would inflate past ten times the size limit or a hundredfold."""
    limit = max_bytes or settings.MINZHENG_IMPORT_MAX_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ApplicationError(SheetErrorCode.UNREADABLE, UNREADABLE_MESSAGE) from exc
    if unpacked > min(limit * 10, max(len(content), 1) * MAX_UNZIP_RATIO):
        raise ApplicationError(SheetErrorCode.BOMB, "文件解压后体积异常，疑似压缩炸弹，已拒绝")


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time.min else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _unsafe_xml(exc: BaseException) -> bool:
    """Whether defusedxml refused the file (possibly wrapped by openpyxl in a ValueError)."""
    seen = 0
    while exc is not None and seen < 10:
        name = type(exc).__name__
        if name in {"EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden", "NotSupportedError"}:
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _xlsx_rows(content: bytes) -> Iterator[Sequence]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged or hostile file
        if _unsafe_xml(exc):
            raise ApplicationError(SheetErrorCode.UNSAFE_XML, "文件含有不安全的XML结构，已拒绝") from exc
        raise ApplicationError(SheetErrorCode.UNREADABLE, UNREADABLE_MESSAGE) from exc
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    except Exception as exc:
        if _unsafe_xml(exc):
            raise ApplicationError(SheetErrorCode.UNSAFE_XML, "文件含有不安全的XML结构，已拒绝") from exc
        raise ApplicationError(SheetErrorCode.UNREADABLE, UNREADABLE_MESSAGE) from exc
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> Iterator[Sequence]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ApplicationError(SheetErrorCode.UNREADABLE, "CSV 文件编码无法识别，请以 UTF-8 或 GBK 编码保存")
    yield from csv.reader(io.StringIO(text))


def _is_formula(text: str) -> bool:
    # "=SUM(...)" from Excel, or "+cmd"/"@SUM" typed into a CSV; a minus sign alone is a negative number.
    return bool(text) and (text[0] in "=@" or (text[0] == "+" and not text[1:].replace(".", "", 1).isdigit()))


def read_table(content: bytes, *, filename: str = "", columns: Sequence[SheetColumn], max_bytes: int | None = None,
               max_rows: int | None = None) -> tuple[list[SheetRow], list[ApplicationError]]:
    """Rows of a template-shaped sheet as text, plus the formula errors found (other checks raise)."""
    check_size(len(content), max_bytes=max_bytes)
    is_xlsx = content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")
    if is_xlsx:
        check_archive(content, max_bytes=max_bytes)
        rows = _xlsx_rows(content)
    else:
        if b"\x00" in content[:4096]:
            raise ApplicationError(SheetErrorCode.UNREADABLE, UNREADABLE_MESSAGE)
        rows = _csv_rows(content)

    headers = [column.header for column in columns]
    header = [cell_text(v) for v in next(rows, ())]
    while header and header[-1] == "":
        header.pop()
    if header != headers:
        missing = [h for h in headers if h not in header]
        extra = [h for h in header if h not in headers]
        detail = []
        if missing:
            detail.append("缺少列：" + "、".join(missing))
        if extra:
            detail.append("多出列：" + "、".join(extra))
        if not detail:
            detail.append("列的顺序与模板不同")
        raise ApplicationError(SheetErrorCode.HEADER, "表头与模板不一致（" + "；".join(detail) + "），请下载模板填写",
                               row=1)

    limit = max_rows or settings.MINZHENG_IMPORT_MAX_ROWS
    keys = [column.key for column in columns]
    result: list[SheetRow] = []
    errors: list[ApplicationError] = []
    for number, raw in enumerate(rows, start=2):
        values = [cell_text(v) for v in list(raw)[: len(columns)]]
        values += [""] * (len(columns) - len(values))
        if not any(values):
            continue
        if len(result) >= limit:
            raise ApplicationError(SheetErrorCode.TOO_MANY_ROWS, f"数据行数超过上限（{limit}行），请分批导入")
        row = SheetRow(number=number, values=dict(zip(keys, values, strict=True)))
        bad = [column for column in columns if _is_formula(row.values[column.key])]
        for column in bad:
            errors.append(ApplicationError(SheetErrorCode.FORMULA, "单元格中不得含有公式", row=number,
                                           field=column.header))
        result.append(row)
    if not result:
        raise ApplicationError(SheetErrorCode.EMPTY, "文件中没有数据行")
    return result, errors
