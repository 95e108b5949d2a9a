"""The monthly monitoring report (监测报告): per town (or village, for a town's own report) and rule, what a month
brought and how it was handled.

For a month and the user's area, each row counts alerts of one area and one rule:

- 新增预警 (raised): alerts raised (created) in the month;
- 办结 by outcome: alerts closed (``closed_on``) in the month, by outcome, and their total;
- 逾期未办结 (overdue): at the report date (the month's last day, or today for the current month), alerts raised by
  then, not closed by then, whose due date is before it.

An alert belongs to the town of the village it was sent to. Each town closes with a 小计 row and the sheet with a
合计 row. The page shows the same figures as charts (``dashboard``), the spreadsheet as a table.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from io import BytesIO

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from minzheng.areas.selectors import area_name
from minzheng.monitoring.alerts import rule_title
from minzheng.monitoring.enums import AlertOutcome, AlertStatus
from minzheng.monitoring.models import Alert
from minzheng.monitoring.selectors import alert_scope, group_areas, group_code, group_level
from minzheng.web.listing import safe_cell

REPORT_TITLE = "监测报告"
ROW_DETAIL, ROW_SUBTOTAL, ROW_TOTAL = "detail", "subtotal", "total"
OUTCOMES = [value for value, _ in AlertOutcome.choices]


@dataclass
class ReportRow:
    kind: str
    area_code: str = ""
    area_name: str = ""
    rule_code: str = ""
    rule_title: str = ""
    raised: int = 0
    closed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    overdue: int = 0

    @property
    def closed_list(self) -> list[int]:
        return [self.closed[outcome] for outcome in OUTCOMES]

    @property
    def closed_total(self) -> int:
        return sum(self.closed.values())

    def add(self, other: ReportRow) -> None:
        self.raised += other.raised
        self.overdue += other.overdue
        for outcome in OUTCOMES:
            self.closed[outcome] += other.closed[outcome]


@dataclass
class MonitoringReport:
    year: int
    month: int
    area_code: str
    level: str
    as_of: dt.date
    rows: list[ReportRow]

    @property
    def period(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def total(self) -> ReportRow:
        return next(row for row in self.rows if row.kind == ROW_TOTAL)


def month_end(period: dt.date) -> dt.date:
    return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def _is_overdue_on(alert: Alert, as_of: dt.date) -> bool:
    raised_on = _local_date(alert.created_at)
    still_open = alert.status != AlertStatus.CLOSED or (alert.closed_on is not None and alert.closed_on > as_of)
    return raised_on <= as_of and still_open and alert.due_on is not None and alert.due_on < as_of


def monitoring_report(*, user, year: int, month: int, today: dt.date | None = None) -> MonitoringReport:
    today = today or timezone.localdate()
    start = dt.date(year, month, 1)
    end = month_end(start)
    as_of = min(end, today)
    level = group_level(user)
    qs = alert_scope(user)
    # Alerts that can count: raised by the report date, and raised in the month, closed in it or still open then.
    start_dt = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after_dt = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    candidates = qs.filter(created_at__lt=after_dt).filter(
        Q(created_at__gte=start_dt) | Q(closed_on__gte=start, closed_on__lte=end)
        | ~Q(status=AlertStatus.CLOSED) | Q(closed_on__gt=as_of))
    cells: dict[tuple[str, str], ReportRow] = {}
    for alert in candidates.only("area_id", "rule_code", "created_at", "status", "outcome", "closed_on", "due_on"):
        code = group_code(alert.area_id, level)
        row = cells.get((code, alert.rule_code))
        if row is None:
            row = cells[(code, alert.rule_code)] = ReportRow(
                kind=ROW_DETAIL, area_code=code, area_name=area_name(code), rule_code=alert.rule_code,
                rule_title=rule_title(alert.rule_code))
        if start <= _local_date(alert.created_at) <= end:
            row.raised += 1
        if alert.status == AlertStatus.CLOSED and alert.closed_on and start <= alert.closed_on <= end \
                and alert.outcome in row.closed:
            row.closed[alert.outcome] += 1
        if _is_overdue_on(alert, as_of):
            row.overdue += 1
    by_area: dict[str, list[ReportRow]] = defaultdict(list)
    for (code, _rule), row in sorted(cells.items()):
        if row.raised or row.closed_total or row.overdue:
            by_area[code].append(row)
    names = dict(group_areas(user, level))
    rows: list[ReportRow] = []
    total = ReportRow(kind=ROW_TOTAL, area_name="合计")
    for code in sorted(set(names) | set(by_area)):
        subtotal = ReportRow(kind=ROW_SUBTOTAL, area_code=code, area_name=names.get(code) or area_name(code),
                             rule_title="小计")
        for row in by_area.get(code, []):
            rows.append(row)
            subtotal.add(row)
        rows.append(subtotal)
        total.add(subtotal)
    rows.append(total)
    return MonitoringReport(year=year, month=month, area_code=user.area_id or "", level=level, as_of=as_of,
                            rows=rows)


HEADERS = ["乡镇（街道）", "预警规则", "规则代码", "新增预警",
           *[f"办结·{label}" for _, label in AlertOutcome.choices], "办结合计", "逾期未办结"]
WIDTHS = [18, 30, 24, 10, 12, 12, 12, 12, 10, 12]


def report_values(row: ReportRow) -> list:
    return [row.area_name, row.rule_title, row.rule_code, row.raised, *[row.closed[o] for o in OUTCOMES],
            row.closed_total, row.overdue]


def monitoring_report_xlsx(report: MonitoringReport, *, generated_by: str = "",
                           now: dt.datetime | None = None) -> bytes:
    now = timezone.localtime(now or timezone.now())
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{report.year}年{report.month}月"
    area_label = area_name(report.area_code) if report.area_code else ""
    sheet.append([safe_cell(f"{area_label}低收入人口动态监测报告（{report.year}年{report.month}月）")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([safe_cell(f"逾期统计截至{report.as_of.year}年{report.as_of.month}月{report.as_of.day}日；"
                            f"制表：{generated_by}；生成时间：{now:%Y-%m-%d %H:%M}")])
    headers = list(HEADERS)
    if report.level != "town":
        headers[0] = "村（社区）"
    sheet.append(headers)
    header_row = sheet.max_row
    fill = PatternFill("solid", fgColor="DDE7F3")
    for index, width in enumerate(WIDTHS, start=1):
        cell = sheet.cell(row=header_row, column=index)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    subtotal_fill = PatternFill("solid", fgColor="F2F2F2")
    for row in report.rows:
        sheet.append([safe_cell(value) for value in report_values(row)])
        if row.kind != ROW_DETAIL:
            for index in range(1, len(HEADERS) + 1):
                cell = sheet.cell(row=sheet.max_row, column=index)
                cell.font = Font(bold=True)
                cell.fill = subtotal_fill
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    notes = workbook.create_sheet("说明")
    for line in [
        "新增预警：本月比对发现的预警（同一证据不重复预警）。",
        "办结：本月办结的预警，按处理结果分列：纳入救助、调整/停发、不属实、已帮扶。",
        "逾期未办结：截至统计日期，超过核查时限（工作日，参数 monitoring.alert_due_working_days）仍未办结的预警。",
        "预警按所在村（社区）归属乡镇（街道）统计。",
    ]:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_filename(year: int, month: int) -> str:
    return f"监测报告-{year}年{month:02d}月.xlsx"
