"""List pages: pagination and the Excel export every list offers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    width: int = 14


def paginate(request, queryset, per_page: int | None = None) -> Page:
    paginator = Paginator(queryset, per_page or settings.MINZHENG_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def safe_cell(value: Any) -> Any:
    """Neutralize text a spreadsheet would run as a formula (= + - @, tab, carriage return)."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def xlsx_bytes(*, title: str, columns: list[Column], rows: Iterable[Any]) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([column.header for column in columns])
    header_fill = PatternFill("solid", fgColor="DDE7F3")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for count, row in enumerate(rows, start=1):
        if count > settings.MINZHENG_EXPORT_MAX_ROWS:
            break
        values = []
        for column in columns:
            value = column.value(row)
            if isinstance(value, dt.datetime):
                # Excel has no time zones: write the local (Asia/Shanghai) wall time people read on the pages.
                value = (timezone.localtime(value) if timezone.is_aware(value) else value).replace(tzinfo=None)
            values.append(safe_cell(value))
        sheet.append(values)
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
