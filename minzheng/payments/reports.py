"""The monthly finance report (资金发放月报): per program and town, what a month's payrolls paid, against the budget.

Figures of the month come from the lines of the month's runs that are approved or later (a draft is not yet money
anyone will pay): recipients and covered persons of the payable lines, and the amounts payable (every line not held
or cancelled), paid (bank confirmed), failed (returned by the bank) and held (暂缓发放). All sums are integer fen;
the spreadsheet shows yuan with two decimals, converted exactly.

Each program closes with a 小计 row that carries its annual budget, the spending of the year up to the report's
month (district-wide, as the budget is), the use ratio and the warning of ``funds``. A 合计 row ends the sheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.db.models import Count, Sum
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from minzheng.areas.selectors import area_name
from minzheng.documents.formats import cn_date
from minzheng.payments.enums import LOCKED_STATUSES, LineStatus
from minzheng.payments.funds import fund_usage, warning_threshold
from minzheng.payments.programs import program_label
from minzheng.web.listing import safe_cell

REPORT_TITLE = "资金发放月报"
# Lines whose amount is due to be paid: everything but held (not released) and cancelled (not to be paid).
PAYABLE_STATUSES = frozenset({LineStatus.PENDING, LineStatus.EXPORTED, LineStatus.PAID, LineStatus.FAILED})

ROW_TOWN, ROW_PROGRAM, ROW_TOTAL = "town", "program", "total"


@dataclass
class ReportRow:
    kind: str
    program: str
    program_label: str
    town_code: str = ""
    town_name: str = ""
    recipients: int = 0
    members: int = 0
    payable_fen: int = 0
    paid_fen: int = 0
    failed_fen: int = 0
    held_fen: int = 0
    # On 小计 rows only: the program's annual budget and use (district-wide, up to the report month).
    budget_fen: int | None = None
    spent_to_date_fen: int | None = None
    ratio_permille: int | None = None
    warning: bool | None = None

    def add(self, other: ReportRow) -> None:
        for name in ("recipients", "members", "payable_fen", "paid_fen", "failed_fen", "held_fen"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class FinanceReport:
    year: int
    month: int
    threshold_permille: int
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def period(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


def _town_code(area_code: str) -> str:
    return area_code[:9] + "000"


def _month_end(period: dt.date) -> dt.date:
    return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def finance_report(*, lines, year: int, month: int) -> FinanceReport:
    """The report of one month. ``lines`` is the reader's scope of payroll lines (``selectors.line_scope``)."""
    period = dt.date(year, month, 1)
    usage = {item.program: item for item in fund_usage(year=year, on=_month_end(period))}
    threshold = warning_threshold(on=_month_end(period))
    grouped = (lines.filter(run__period=period, run__status__in=LOCKED_STATUSES)
               .values("run__program", "area_id", "status")
               .annotate(n=Count("id"), members=Sum("member_count"), total=Sum("amount_fen")).order_by())
    cells: dict[tuple[str, str], ReportRow] = {}
    for item in grouped:
        program, town = item["run__program"], _town_code(item["area_id"])
        row = cells.get((program, town))
        if row is None:
            row = cells[(program, town)] = ReportRow(kind=ROW_TOWN, program=program,
                                                     program_label=program_label(program), town_code=town,
                                                     town_name=area_name(town))
        status, amount = item["status"], int(item["total"] or 0)
        if status in PAYABLE_STATUSES:
            row.recipients += item["n"]
            row.members += int(item["members"] or 0)
            row.payable_fen += amount
        if status == LineStatus.PAID:
            row.paid_fen += amount
        elif status == LineStatus.FAILED:
            row.failed_fen += amount
        elif status == LineStatus.HELD:
            row.held_fen += amount

    report = FinanceReport(year=year, month=month, threshold_permille=threshold)
    programs_with_rows = {program for program, _ in cells}
    codes = sorted(programs_with_rows | {code for code, item in usage.items() if item.budget_fen or item.spent_fen})
    total = ReportRow(kind=ROW_TOTAL, program="", program_label="合计")
    for code in codes:
        subtotal = ReportRow(kind=ROW_PROGRAM, program=code, program_label=program_label(code), town_name="小计")
        for key in sorted(key for key in cells if key[0] == code):
            report.rows.append(cells[key])
            subtotal.add(cells[key])
        item = usage.get(code)
        subtotal.budget_fen = item.budget_fen if item else 0
        subtotal.spent_to_date_fen = item.spent_fen if item else 0
        subtotal.ratio_permille = item.ratio_permille if item else None
        subtotal.warning = item.warning if item else False
        report.rows.append(subtotal)
        total.add(subtotal)
    report.rows.append(total)
    return report


# --- The spreadsheet -------------------------------------------------------------------------------------------


def yuan(fen: int | None) -> Decimal | None:
    """Fen as an exact yuan amount with two decimals (12345 → Decimal("123.45"))."""
    return None if fen is None else Decimal(int(fen)).scaleb(-2)


def percent(permille: int | None) -> Decimal | None:
    """‰ as a percentage with one decimal (905 → Decimal("90.5"))."""
    return None if permille is None else Decimal(int(permille)).scaleb(-1)


# (header, width, number format or "" for text)
COLUMNS: list[tuple[str, int, str]] = [
    ("救助项目", 16, ""), ("乡镇（街道）", 16, ""), ("发放人数（户）", 12, "0"), ("保障人数", 10, "0"),
    ("应发金额（元）", 16, "#,##0.00"), ("已发放金额（元）", 16, "#,##0.00"), ("发放失败金额（元）", 16, "#,##0.00"),
    ("暂缓发放金额（元）", 16, "#,##0.00"), ("年度预算（元）", 18, "#,##0.00"),
    ("年度累计已发放（元）", 18, "#,##0.00"), ("预算使用率（%）", 14, "0.0"), ("资金预警", 10, ""),
]


def _values(row: ReportRow) -> list:
    warning = "" if row.warning is None else ("已达预警" if row.warning else "正常")
    return [row.program_label, row.town_name, row.recipients, row.members, yuan(row.payable_fen), yuan(row.paid_fen),
            yuan(row.failed_fen), yuan(row.held_fen), yuan(row.budget_fen), yuan(row.spent_to_date_fen),
            percent(row.ratio_permille), warning]


def finance_report_xlsx(report: FinanceReport, *, generated_by: str = "", now: dt.datetime | None = None) -> bytes:
    """The report as an .xlsx: the table on the first sheet (header on row 1), how it was made on 说明."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{report.year}年{report.month:02d}月"
    sheet.append([header for header, _, _ in COLUMNS])
    header_fill = PatternFill("solid", fgColor="DDE7F3")
    subtotal_fill = PatternFill("solid", fgColor="F2F2F2")
    for index, (_, width, _) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = Font(bold=True), header_fill
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in report.rows:
        sheet.append([safe_cell(value) for value in _values(row)])
        excel_row = sheet.max_row
        for index, (_, _, number_format) in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=excel_row, column=index)
            if number_format:
                cell.number_format = number_format
            if row.kind != ROW_TOWN:
                cell.font, cell.fill = Font(bold=True), subtotal_fill
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("说明")
    made = timezone.localtime(now or timezone.now())
    for line in [
        (REPORT_TITLE, f"{report.year}年{report.month}月"),
        ("资金预警比例", f"{percent(report.threshold_permille)}%（政策参数 payments.budget_warning_permille）"),
        ("统计口径", "本月已批准及以后状态的发放名册；应发金额不含暂缓发放和核实后不予发放的明细；"
                     "年度累计已发放为本年1月至本月银行回盘确认发放成功的金额（全区）。"),
        ("生成时间", cn_date(made)),
        ("生成人", generated_by),
    ]:
        notes.append([safe_cell(value) for value in line])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_filename(year: int, month: int) -> str:
    return f"{REPORT_TITLE}_{year}年{month:02d}月.xlsx"
