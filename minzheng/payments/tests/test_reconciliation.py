"""回盘对账: a return file that ties out is applied in full; any difference refuses it and changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, PermissionDeniedError
from minzheng.core.masking import mask_bank_account
from minzheng.payments import bankfiles
from minzheng.payments.enums import LineStatus, ReconciliationOutcome, RunStatus
from minzheng.payments.models import PayrollLine, Reconciliation
from minzheng.payments.programs import PayableProgram, register_program, unregister_program
from minzheng.payments.reconciliation import reconciliation_import
from minzheng.payments.selectors import reissue_lines
from minzheng.payments.tests.factories import make_account, make_line, make_run
from minzheng.payments.tests.test_bankfiles import approved_run, export
from minzheng.testing import factories as f

PAID_ON = dt.date(2025, 6, 25)
TOTAL = 124_000 + 50_005 + 99_999


@pytest.fixture
def exported(users):
    run, _ = approved_run(users["finance"])
    bank_file = export(users["finance"], run)
    run.refresh_from_db()
    return run, bank_file


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("gb18030"))))


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("gb18030")


def simulated(bank_file, failures=None) -> list[list[str]]:
    return rows_of(bankfiles.simulate_return_file(bank_file, failures=failures or {}, paid_on=PAID_ON))


def do_import(user, run, content: bytes, filename: str = "return.csv") -> Reconciliation:
    return reconciliation_import(acting_user=user, run=run, filename=filename, content=content,
                                 today=dt.date(2025, 6, 26))


def line_state(run) -> set[tuple]:
    return set(PayrollLine.objects.filter(run=run).values_list("seq", "status", "paid_on", "bank_ref",
                                                               "fail_reason"))


def test_a_matching_return_file_marks_lines_paid_and_failed_and_reconciles_the_run(users, exported):
    run, bank_file = exported
    item = do_import(users["finance"], run, as_csv(simulated(bank_file, {2: "账户已冻结"})))
    assert item.outcome == ReconciliationOutcome.ACCEPTED and item.problems == []
    lines = {line.seq: line for line in PayrollLine.objects.filter(run=run)}
    failed = lines.pop(2)
    assert failed.status == LineStatus.FAILED and failed.fail_reason == "账户已冻结" and failed.paid_on is None
    assert {line.status for line in lines.values()} == {LineStatus.PAID}
    assert {line.paid_on for line in lines.values()} == {PAID_ON}
    assert all(line.bank_ref for line in lines.values())
    run.refresh_from_db()
    assert run.status == RunStatus.RECONCILED and run.reconciled_at is not None
    assert (run.paid_count, run.paid_fen, run.failed_count, run.failed_fen) == (2, TOTAL - failed.amount_fen, 1,
                                                                                failed.amount_fen)
    assert (item.paid_count, item.paid_fen, item.failed_count, item.failed_fen) == (2, run.paid_fen, 1,
                                                                                    run.failed_fen)
    assert Event.objects.filter(action="payroll.reconcile", object_id=str(run.pk)).exists()


def test_failed_lines_go_on_the_reissue_list(users, exported):
    run, bank_file = exported
    do_import(users["finance"], run, as_csv(simulated(bank_file, {1: "户名不符", 3: "账户已销户"})))
    assert sorted(reissue_lines(user=users["finance"]).filter(run=run).values_list("seq", flat=True)) == [1, 3]


def test_the_program_is_told_which_sources_were_paid(users):
    calls = []

    class Recorder(PayableProgram):
        code = "recon_test"
        label = "对账测试项目"

        def sources(self, **kwargs):
            return []

        def on_paid(self, source_keys, paid_on):
            calls.append((sorted(source_keys), paid_on))

    register_program(Recorder())
    try:
        run = make_run(user=users["finance"], program="recon_test", status=RunStatus.APPROVED)
        lines = []
        for name in ("甲", "乙", "丙"):
            person = f.make_person(name=f"测试{name}")
            lines.append(make_line(run, person, account=make_account(person), source_key=f"case:{name}"))
        bank_file = export(users["finance"], run)
        run.refresh_from_db()
        do_import(users["finance"], run, as_csv(simulated(bank_file, {2: "账户已冻结"})))
    finally:
        unregister_program("recon_test")
    failed_key = PayrollLine.objects.get(run=run, seq=2).source_key
    assert calls == [(sorted({"case:甲", "case:乙", "case:丙"} - {failed_key}), PAID_ON)]


def test_a_missing_payment_refuses_the_file_with_the_totals_and_changes_nothing(users, exported):
    run, bank_file = exported
    before = line_state(run)
    rows = simulated(bank_file)
    dropped = rows.pop(3)
    item = do_import(users["finance"], run, as_csv(rows))
    assert item.outcome == ReconciliationOutcome.REFUSED
    missing_fen = int(dropped[3])
    assert "回盘文件缺少 1 笔：序号 3" in item.problems
    assert (f"合计不符：导出 3 笔 ¥2,740.04，回盘 2 笔 {format_yuan(TOTAL - missing_fen)}，"
            f"差 1 笔 {format_yuan(missing_fen)}") in item.problems
    assert line_state(run) == before
    run.refresh_from_db()
    assert run.status == RunStatus.EXPORTED and run.paid_count == 0
    assert Reconciliation.objects.filter(run=run, outcome=ReconciliationOutcome.REFUSED).count() == 1


def format_yuan(fen: int) -> str:
    from minzheng.core.money import format_fen

    return format_fen(fen)


def test_a_payment_listed_twice_is_refused(users, exported):
    run, bank_file = exported
    rows = simulated(bank_file)
    rows[3] = list(rows[2])
    before = line_state(run)
    item = do_import(users["finance"], run, as_csv(rows))
    assert item.outcome == ReconciliationOutcome.REFUSED
    assert any("序号 2 重复" in problem for problem in item.problems)
    assert any(problem == "回盘文件缺少 1 笔：序号 3" for problem in item.problems)
    assert line_state(run) == before


@pytest.mark.parametrize(("column", "value", "expected"), [
    (3, lambda old: "100", "金额 ¥1.00 与报送的"),
    (1, lambda old: old[:-4] + f"{(int(old[-4:]) + 1) % 10000:04d}", "与报送的尾号"),
    (4, lambda old: "处理中", "结果「处理中」无法识别"),
    (0, lambda old: "9", "序号 9 不在本次报送的银行文件中"),
    (7, lambda old: "2025年6月", "入账日期「2025年6月」无法识别"),
])
def test_a_row_that_differs_from_the_bank_file_is_refused(users, exported, column, value, expected):
    run, bank_file = exported
    rows = simulated(bank_file)
    rows[1][column] = value(rows[1][column])
    before = line_state(run)
    item = do_import(users["finance"], run, as_csv(rows))
    assert item.outcome == ReconciliationOutcome.REFUSED
    assert any(expected in problem for problem in item.problems), item.problems
    assert line_state(run) == before
    run.refresh_from_db()
    assert run.status == RunStatus.EXPORTED


def test_a_file_with_other_columns_is_refused(users, exported):
    run, bank_file = exported
    rows = simulated(bank_file)
    rows[0][3] = "金额"
    item = do_import(users["finance"], run, as_csv(rows))
    assert item.outcome == ReconciliationOutcome.REFUSED
    assert "表头与模板不一致" in item.problems[0]


def test_a_second_import_after_an_accepted_one_is_refused(users, exported):
    run, bank_file = exported
    content = as_csv(simulated(bank_file, {1: "账户已冻结"}))
    assert do_import(users["finance"], run, content).outcome == ReconciliationOutcome.ACCEPTED
    before = line_state(run)
    again = do_import(users["finance"], run, as_csv(simulated(bank_file)))
    assert again.outcome == ReconciliationOutcome.REFUSED
    assert "已完成对账" in again.problems[0] and "不能重复导入" in again.problems[0]
    assert line_state(run) == before
    run.refresh_from_db()
    assert run.failed_count == 1


def test_a_run_not_exported_cannot_be_reconciled(users):
    run, _ = approved_run(users["finance"])
    with pytest.raises(ApplicationError) as error:
        do_import(users["finance"], run, b"x")
    assert error.value.code == "reconciliation_not_exported"
    assert not Reconciliation.objects.filter(run=run).exists()


def test_only_a_disburser_may_import(users, exported):
    run, bank_file = exported
    with pytest.raises(PermissionDeniedError):
        do_import(users["town_a"], run, as_csv(simulated(bank_file)))
    assert not Reconciliation.objects.filter(run=run).exists()


def test_an_xlsx_return_file_with_masked_accounts_is_accepted(users, exported):
    """Banks often mask the account in the return file: the last four digits are what is compared."""
    from openpyxl import Workbook

    run, bank_file = exported
    rows = simulated(bank_file, {3: "账户已冻结"})
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(rows[0])
    for row in rows[1:]:
        row[1] = mask_bank_account(row[1])
        row[0], row[3] = int(row[0]), int(row[3])
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    item = do_import(users["finance"], run, buffer.getvalue(), filename="回盘.xlsx")
    assert item.outcome == ReconciliationOutcome.ACCEPTED, item.problems
    assert item.failed_count == 1 and item.paid_count == 2


def test_a_failure_without_a_reason_is_recorded_as_unexplained(users, exported):
    run, bank_file = exported
    rows = simulated(bank_file, {1: ""})
    item = do_import(users["finance"], run, as_csv(rows))
    assert item.outcome == ReconciliationOutcome.ACCEPTED
    assert PayrollLine.objects.get(run=run, seq=1).fail_reason == "银行未注明原因"
