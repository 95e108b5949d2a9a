"""The monthly finance report: cells per program and town against sums computed here from the lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from minzheng.payments import funds, reports
from minzheng.payments.enums import FundingSource, LineStatus, RunStatus
from minzheng.payments.models import PayrollLine
from minzheng.payments.programs import PayableProgram, register_program, unregister_program
from minzheng.payments.selectors import line_scope
from minzheng.payments.tests.factories import make_line, make_run
from minzheng.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_parameters")]

JUNE = dt.date(2025, 6, 1)
TOWNS = {f.VILLAGE_A1: f.TOWN_A, f.VILLAGE_A2: f.TOWN_A, f.VILLAGE_B1: f.TOWN_B}


class ReportProgram(PayableProgram):
    def __init__(self, code, label):
        self.code, self.label = code, label

    def sources(self, *, area_prefix, period, after=None, limit=None):
        return []



@pytest.fixture
def programs():
    registered = [register_program(ReportProgram("test_alpha", "测试甲补助")),
                  register_program(ReportProgram("test_beta", "测试乙补助"))]
    yield registered
    for program in registered:
        unregister_program(program.code)


def lines_in(run, specs):
    """specs: (village, amount, status, members) → lines of the run, one new person each."""
    for village, amount, status, members in specs:
        make_line(run, f.make_person(name="赵一鸣", area=village), amount_fen=amount, status=status,
                  member_count=members)


@pytest.fixture
def month(users, programs):
    user = users["finance"]
    alpha = make_run(user=user, program="test_alpha", period=JUNE, status=RunStatus.RECONCILED)
    lines_in(alpha, [
        (f.VILLAGE_A1, 100_050, LineStatus.PAID, 3), (f.VILLAGE_A1, 20_001, LineStatus.FAILED, 1),
        (f.VILLAGE_A2, 33_333, LineStatus.PAID, 2), (f.VILLAGE_A2, 44_444, LineStatus.HELD, 2),
        (f.VILLAGE_A1, 55_555, LineStatus.CANCELLED, 1), (f.VILLAGE_B1, 77_777, LineStatus.PAID, 4),
        (f.VILLAGE_B1, 12_345, LineStatus.PAID, 1),
    ])
    beta = make_run(user=user, program="test_beta", period=JUNE, status=RunStatus.EXPORTED)
    lines_in(beta, [(f.VILLAGE_B1, 9_999, LineStatus.EXPORTED, 1), (f.VILLAGE_B1, 1_001, LineStatus.HELD, 1)])
    # Not in the month's figures: a draft run of June, and May (which counts in the year's spending only).
    draft = make_run(user=user, program="test_beta", period=JUNE, status=RunStatus.DRAFT, area=f.TOWN_A)
    lines_in(draft, [(f.VILLAGE_A1, 888_888, LineStatus.PENDING, 1)])
    may = make_run(user=user, program="test_alpha", period=dt.date(2025, 5, 1), status=RunStatus.CLOSED)
    lines_in(may, [(f.VILLAGE_A1, 700_000, LineStatus.PAID, 1)])
    july = make_run(user=user, program="test_alpha", period=dt.date(2025, 7, 1), status=RunStatus.RECONCILED)
    lines_in(july, [(f.VILLAGE_A1, 5_000_000, LineStatus.PAID, 1)])
    funds.budget_set(acting_user=user, year=2025, program="test_alpha", source=FundingSource.CENTRAL,
                     amount_fen=600_000, document="")
    funds.budget_set(acting_user=user, year=2025, program="test_alpha", source=FundingSource.DISTRICT,
                     amount_fen=400_000, document="")
    return alpha, beta


def expected_cells(runs):
    """Independent sums from the lines: (program, town) → figures."""
    cells = {}
    for line in PayrollLine.objects.filter(run__in=runs):
        cell = cells.setdefault((line.program, TOWNS[line.area_id]), {
            "recipients": 0, "members": 0, "payable": 0, "paid": 0, "failed": 0, "held": 0})
        if line.status not in (LineStatus.HELD, LineStatus.CANCELLED):
            cell["recipients"] += 1
            cell["members"] += line.member_count
            cell["payable"] += line.amount_fen
        for status, key in [(LineStatus.PAID, "paid"), (LineStatus.FAILED, "failed"), (LineStatus.HELD, "held")]:
            if line.status == status:
                cell[key] += line.amount_fen
    return cells


def sheet_rows(content: bytes):
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return rows[0], rows[1:], sheet


def fen(value) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value())


def test_report_cells_equal_the_sums_of_the_lines(users, month):
    """Given June runs of two programs in two towns with every line status, when the district's report is built,
    then each program × town row's recipients, members and payable/paid/failed/held amounts equal sums computed
    from the lines; held and cancelled lines are not payable; the draft run and other months are not counted."""
    report = reports.finance_report(lines=line_scope(users["finance"]), year=2025, month=6)
    header, rows, sheet = sheet_rows(reports.finance_report_xlsx(report, generated_by="何财务"))
    assert header[:8] == ("救助项目", "乡镇（街道）", "发放人数（户）", "保障人数", "应发金额（元）",
                          "已发放金额（元）", "发放失败金额（元）", "暂缓发放金额（元）")
    expected = expected_cells(month)
    labels = {"test_alpha": "测试甲补助", "test_beta": "测试乙补助"}
    towns = {f.TOWN_A: "甲镇", f.TOWN_B: "乙镇"}
    found = {}
    for row in rows:
        if row[1] in towns.values():
            program = next(code for code, label in labels.items() if label == row[0])
            town = next(code for code, name in towns.items() if name == row[1])
            found[(program, town)] = {"recipients": row[2], "members": row[3], "payable": fen(row[4]),
                                      "paid": fen(row[5]), "failed": fen(row[6]), "held": fen(row[7])}
    assert found == expected
    assert found[("test_alpha", f.TOWN_A)] == {"recipients": 3, "members": 6, "payable": 153_384, "paid": 133_383,
                                              "failed": 20_001, "held": 44_444}
    # Amounts are written with two decimals, exactly.
    alpha_a = next(i for i, row in enumerate(rows, start=2) if row[0] == "测试甲补助" and row[1] == "甲镇")
    assert sheet.cell(row=alpha_a, column=5).number_format == "#,##0.00"
    assert Decimal(str(sheet.cell(row=alpha_a, column=5).value)) == Decimal("1533.84")


def test_subtotal_rows_carry_budget_use_and_warning(users, month):
    """Given test_alpha's ¥10,000 budget and ¥7,000 paid in May plus ¥2,232.05 in June (92.3 %), when the June
    report is built, then its 小计 row sums its towns and shows the budget, the year's spending up to June (not
    July), 92.3 % and the warning; test_beta, without a budget and with nothing paid yet, does not warn; the 合计
    row sums the subtotals."""
    report = reports.finance_report(lines=line_scope(users["finance"]), year=2025, month=6)
    _, rows, _ = sheet_rows(reports.finance_report_xlsx(report))
    subtotal = {row[0]: row for row in rows if row[1] == "小计"}
    alpha, beta = subtotal["测试甲补助"], subtotal["测试乙补助"]
    cells = expected_cells(month)
    for row, code in [(alpha, "test_alpha"), (beta, "test_beta")]:
        for index, key in [(2, "recipients"), (3, "members")]:
            assert row[index] == sum(c[key] for (p, _), c in cells.items() if p == code)
        for index, key in [(4, "payable"), (5, "paid"), (6, "failed"), (7, "held")]:
            assert fen(row[index]) == sum(c[key] for (p, _), c in cells.items() if p == code)
    spent = 700_000 + 100_050 + 33_333 + 77_777 + 12_345
    assert (fen(alpha[8]), fen(alpha[9])) == (1_000_000, spent)
    assert Decimal(str(alpha[10])) == Decimal(spent * 1000 // 1_000_000) / 10 and alpha[11] == "已达预警"
    assert (beta[8], beta[10], beta[11]) == (0, None, "正常")
    total = next(row for row in rows if row[0] == "合计")
    assert fen(total[4]) == fen(alpha[4]) + fen(beta[4]) and total[2] == alpha[2] + beta[2]


def test_below_the_threshold_the_subtotal_reads_normal(users, programs):
    user = users["finance"]
    run = make_run(user=user, program="test_alpha", period=JUNE, status=RunStatus.RECONCILED)
    lines_in(run, [(f.VILLAGE_A1, 899_999, LineStatus.PAID, 1)])
    funds.budget_set(acting_user=user, year=2025, program="test_alpha", source=FundingSource.CENTRAL,
                     amount_fen=1_000_000, document="")
    report = reports.finance_report(lines=line_scope(user), year=2025, month=6)
    row = next(r for r in report.rows if r.kind == reports.ROW_PROGRAM and r.program == "test_alpha")
    assert (row.ratio_permille, row.warning) == (899, False)
    lines_in(run, [(f.VILLAGE_A2, 1, LineStatus.PAID, 1)])
    report = reports.finance_report(lines=line_scope(user), year=2025, month=6)
    row = next(r for r in report.rows if r.kind == reports.ROW_PROGRAM and r.program == "test_alpha")
    assert (row.ratio_permille, row.warning) == (900, True)


def test_a_town_reviewer_gets_only_their_town(users, month):
    report = reports.finance_report(lines=line_scope(users["town_b"]), year=2025, month=6)
    towns = {row.town_code for row in report.rows if row.kind == reports.ROW_TOWN}
    assert towns == {f.TOWN_B}
    beta = next(r for r in report.rows if r.kind == reports.ROW_TOWN and r.program == "test_beta")
    assert (beta.payable_fen, beta.held_fen) == (9_999, 1_001)


def test_the_notes_sheet_names_the_month_and_threshold(users, month):
    report = reports.finance_report(lines=line_scope(users["finance"]), year=2025, month=6)
    workbook = load_workbook(BytesIO(reports.finance_report_xlsx(report, generated_by="何财务")))
    assert workbook.sheetnames == ["2025年06月", "说明"]
    notes = dict(workbook["说明"].iter_rows(values_only=True))
    assert notes["资金发放月报"] == "2025年6月" and notes["资金预警比例"].startswith("90.0%")
    assert notes["生成人"] == "何财务"
