"""The payroll journey: one month of 低保 from generation to the bank's return file and the re-issue list."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from e2e.helpers import assert_styled
from minzheng.demo.payments import luhn_complete
from minzheng.payments.bankfiles import bank_file_bytes, simulate_return_file
from minzheng.payments.enums import LineStatus, RunStatus
from minzheng.payments.models import BankFile, PayrollLine, PayrollRun
from minzheng.payments.payroll import generate_run_sync

SEED = 7
FAILURES = {1: "账户已销户", 2: "户名与账号不符"}


def _seed_cases_and_history() -> None:
    """Enrolled households of the small demo district, their accounts, budgets and two months of history —
    what `minzheng demo` adds to the registry, made the same way."""
    from minzheng.demo.assistance import seed_assistance
    from minzheng.demo.payments import seed_payments

    seed_assistance(seed=SEED)
    seed_payments(seed=SEED)


def _run_of_this_month() -> PayrollRun:
    return PayrollRun.objects.get(program="dibao", period=timezone.localdate().replace(day=1))


def test_finance_generates_the_payroll_the_approver_approves_and_the_bank_returns_two_failures(
        page, login, logout, shot, tmp_path):
    """Given the demo district with its enrolled households and last months' payrolls, when 何财务 (district
    finance) generates this month's 低保 payroll and the job finishes, reviews it, 赵审批 approves it, and 何财务
    exports and downloads the bank file and uploads the bank's return file with two failed payments, then the
    run is 已对账 and the two failures are on the re-issue list with the bank's reasons."""
    _seed_cases_and_history()
    month = timezone.localdate().replace(day=1)
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. 何财务 opens the payroll list (last months' runs are there) and generates this month's 低保 run.
    login(page, "qu_caiwu")
    page.get_by_role("link", name="发放名册").first.click()
    page.wait_for_url("**/payments/runs/")
    assert_styled(page)
    assert page.get_by_test_id("run-table").locator("tbody tr").count() >= 2
    shot(page, "payments-01-run-list")
    page.get_by_test_id("run-new").click()
    page.get_by_label("救助项目").select_option(label="最低生活保障")
    assert page.get_by_label("发放月份").input_value() == f"{month:%Y-%m}"
    shot(page, "payments-02-new-run")
    page.get_by_test_id("run-submit").click()
    page.wait_for_url(re.compile(r"/payments/runs/[0-9a-f-]{36}/$"))
    page.get_by_test_id("run-progress").wait_for()
    assert page.get_by_test_id("run-status").inner_text() == "生成中"
    shot(page, "payments-03-generating")

    # 2. The worker generates the run (here: the job's steps run in the test); the page refreshes by itself.
    run = _run_of_this_month()
    generate_run_sync(run)
    expect(page.get_by_test_id("run-status")).to_have_text("草稿")
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT and run.line_count > 0
    table = page.get_by_test_id("line-table")
    assert table.locator("tbody tr").count() > 0
    # Account numbers are masked on the page: only the last four digits.
    masked = table.locator("td.mz-mono").first.inner_text()
    assert re.fullmatch(r"\*+\d{4}", masked), masked
    shot(page, "payments-04-draft")
    if run.held_count:
        page.get_by_label("只看有核查提示的").check()
        page.wait_for_url("**flagged=1**")
        assert page.get_by_test_id("line-flag").count() >= 1
        shot(page, "payments-05-held-lines")
        page.get_by_test_id("line-link").first.click()
        page.get_by_test_id("line-flags").wait_for()
        shot(page, "payments-06-held-line")
        page.go_back()
    page.get_by_test_id("btn-review").click()
    page.get_by_text("已审核，待批准").wait_for()
    assert page.get_by_test_id("run-status").inner_text() == "已审核"
    logout(page)

    # 3. 赵审批 (district approver) approves: a different person from the one who made and reviewed it.
    login(page, "qu_shenpi")
    page.goto(f"/payments/runs/{run.pk}/")
    assert page.get_by_test_id("btn-review").count() == 0
    shot(page, "payments-07-to-approve")
    page.get_by_test_id("btn-approve").click()
    page.get_by_text("已批准，可导出银行代发文件").wait_for()
    assert page.get_by_test_id("run-status").inner_text() == "已批准"
    logout(page)

    # 4. 何财务 exports the bank file and downloads it: the same bytes as the stored file.
    login(page, "qu_caiwu")
    page.goto(f"/payments/runs/{run.pk}/")
    page.get_by_test_id("btn-bank-export").click()
    page.get_by_test_id("bank-export-summary").wait_for()
    shot(page, "payments-08-bank-export")
    page.get_by_test_id("form-submit").click()
    page.wait_for_url(f"**/payments/runs/{run.pk}/")
    assert page.get_by_test_id("run-status").inner_text() == "已报送银行"
    with page.expect_download() as download_info:
        page.get_by_test_id("btn-bank-download").click()
    download = download_info.value
    bank_file = BankFile.objects.get(run=run)
    assert download.suggested_filename == bank_file.filename
    assert Path(download.path()).read_bytes() == bank_file_bytes(bank_file)
    shot(page, "payments-09-exported")

    # 5. The bank's return file: everything paid but the first two payments; 何财务 uploads it.
    returned = tmp_path / (bank_file.filename.rsplit(".", 1)[0] + "_回盘.csv")
    returned.write_bytes(simulate_return_file(bank_file, failures=FAILURES))
    page.get_by_test_id("btn-reconcile").click()
    page.locator("input[type=file]").set_input_files(str(returned))
    shot(page, "payments-10-upload")
    page.get_by_test_id("form-submit").click()
    page.wait_for_url("**/payments/reconciliations/*/")
    shot(page, "payments-11-reconciled")
    page.goto(f"/payments/runs/{run.pk}/")
    assert page.get_by_test_id("run-status").inner_text() == "已对账"
    run.refresh_from_db()
    assert run.status == RunStatus.RECONCILED and run.failed_count == 2
    assert run.paid_count == bank_file.line_count - 2
    assert "发放失败：2 笔" in page.get_by_test_id("run-failed").inner_text()
    shot(page, "payments-12-run-reconciled")

    # 6. The two failures wait on the re-issue list with the bank's reasons, their accounts not yet put right.
    failed = list(PayrollLine.objects.filter(run=run, status=LineStatus.FAILED).order_by("seq"))
    assert [line.fail_reason for line in failed] == list(FAILURES.values())
    page.get_by_role("link", name="退票补发").first.click()
    page.wait_for_url("**/payments/reissue/")
    table = page.get_by_test_id("reissue-table")
    for line in failed:
        row = table.locator("tbody tr").filter(has_text=line.payee_name).filter(has_text=line.fail_reason)
        assert row.count() >= 1, line.payee_name
        assert row.first.get_by_test_id("account-unchanged").count() == 1
    shot(page, "payments-13-reissue-list")

    # 7. The first payee's card was closed: 何财务 registers the new card from the list; the row turns 已更正.
    first = failed[0]
    row = table.locator("tbody tr").filter(has_text=first.payee_name).filter(has_text=first.fail_reason).first
    row.get_by_test_id("fix-account").click()
    page.get_by_test_id("current-account").wait_for()
    new_number = luhn_complete("622848990000000001")
    page.get_by_label("账户类型").select_option(label="银行卡")
    page.get_by_label("账号").fill(new_number)
    page.get_by_label(re.compile("^(备注|说明|更换原因)")).fill("原卡已销户，换新卡")
    shot(page, "payments-14-replace-account")
    page.get_by_test_id("account-submit").click()
    page.wait_for_url("**/payments/accounts/*/")
    assert page.get_by_test_id("account-number").inner_text() == "*" * (len(new_number) - 4) + new_number[-4:]
    assert new_number not in page.content()
    shot(page, "payments-15-account")
    page.goto("/payments/reissue/")
    row = (page.get_by_test_id("reissue-table").locator("tbody tr").filter(has_text=first.payee_name)
           .filter(has_text=first.fail_reason).first)
    assert row.get_by_test_id("account-changed").count() == 1
    shot(page, "payments-16-reissue-corrected")
