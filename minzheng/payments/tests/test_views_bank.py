"""Bank file and reconciliation pages: export, download (logged, same bytes), upload with refusals shown."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minzheng.audit.models import AccessLog
from minzheng.payments import bankfiles
from minzheng.payments.enums import LineStatus, ReconciliationOutcome, RunStatus
from minzheng.payments.models import BankFile, PayrollLine, Reconciliation
from minzheng.payments.tests.factories import make_line
from minzheng.payments.tests.test_bankfiles import approved_run, export
from minzheng.testing import factories as f


def url(name: str, run) -> str:
    return reverse(f"payments:{name}", kwargs={"run_id": run.pk})


def return_rows(bank_file, failures=None) -> list[list[str]]:
    content = bankfiles.simulate_return_file(bank_file, failures=failures or {}, paid_on=dt.date(2025, 6, 25))
    return list(csv.reader(io.StringIO(content.decode("gb18030"))))


def upload(rows: list[list[str]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return SimpleUploadedFile("回盘.csv", buffer.getvalue().encode("gb18030"), content_type="text/csv")


def test_export_page_offers_the_layouts_and_sums_the_pending_lines(users, login):
    run, _ = approved_run(users["finance"])
    response = login(users["finance"]).get(url("bank_file_export", run))
    assert response.status_code == 200
    page = response.content.decode()
    assert "淮南农商银行一卡通代发（定长示例）" in page and "¥2,740.04" in page and "贰仟柒佰肆拾元零肆分" in page


def test_posting_the_export_form_writes_the_file_and_returns_to_the_run(users, login):
    run, _ = approved_run(users["finance"])
    response = login(users["finance"]).post(url("bank_file_export", run), {"layout": "hnrcb_fixed"})
    assert response.status_code == 302 and response["Location"] == url("run_detail", run)
    run.refresh_from_db()
    assert run.status == RunStatus.EXPORTED and BankFile.objects.filter(run=run).exists()


def test_a_refused_export_shows_the_reason_on_the_page(users, login):
    run, _ = approved_run(users["finance"])
    make_line(run, f.make_person(name="钱七"), account=None)
    response = login(users["finance"]).post(url("bank_file_export", run), {"layout": "hnrcb_fixed"})
    assert response.status_code == 200
    assert "钱七（无发放账户）" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED


def test_download_returns_the_stored_bytes_with_a_filename_and_logs_the_read(users, login):
    run, lines = approved_run(users["finance"])
    bank_file = export(users["finance"], run)
    client = login(users["finance"])
    first = client.get(url("bank_file_download", run))
    second = client.get(url("bank_file_download", run))
    assert first.status_code == 200 and first.content == second.content == bankfiles.bank_file_bytes(bank_file)
    assert bank_file.filename in first["Content-Disposition"] and "attachment" in first["Content-Disposition"]
    assert first["Content-Type"] == "text/plain; charset=gb18030" and first["Cache-Control"] == "no-store"
    assert lines[0].account.account_number in first.content.decode("gb18030")
    assert AccessLog.objects.filter(actor=users["finance"], action="export", object_id=str(bank_file.pk)).count() == 2


def test_only_a_disburser_reaches_the_bank_file(users, login):
    run, _ = approved_run(users["finance"])
    export(users["finance"], run)
    for key in ("town_a", "district_approver", "leader"):
        response = login(users[key]).get(url("bank_file_download", run))
        assert response.status_code in (403, 404), key
        assert not AccessLog.objects.filter(actor=users[key]).exists()


def test_an_uploaded_file_that_does_not_tie_out_is_refused_on_the_page(users, login):
    run, _ = approved_run(users["finance"])
    bank_file = export(users["finance"], run)
    rows = return_rows(bank_file)
    del rows[2]
    response = login(users["finance"]).post(url("reconciliation_upload", run), {"file": upload(rows)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "本次导入已拒绝" in page and "合计不符：导出 3 笔 ¥2,740.04，回盘 2 笔" in page
    assert "回盘文件缺少 1 笔：序号 2" in page
    assert set(PayrollLine.objects.filter(run=run).values_list("status", flat=True)) == {LineStatus.EXPORTED}
    assert Reconciliation.objects.get(run=run).outcome == ReconciliationOutcome.REFUSED


def test_an_accepted_upload_leads_to_the_detail_with_failed_lines_masked(users, login):
    run, lines = approved_run(users["finance"])
    bank_file = export(users["finance"], run)
    client = login(users["finance"])
    rows = return_rows(bank_file, {1: "账户已冻结"})
    response = client.post(url("reconciliation_upload", run), {"file": upload(rows)})
    assert response.status_code == 302
    item = Reconciliation.objects.get(run=run)
    assert response["Location"] == reverse("payments:reconciliation_detail", kwargs={"reconciliation_id": item.pk})
    detail = client.get(response["Location"])
    page = detail.content.decode()
    failed = PayrollLine.objects.select_related("account").get(run=run, seq=1)
    assert "账户已冻结" in page and failed.payee_name in page and failed.account.masked_account in page
    assert not any(line.account.account_number in page for line in lines)


def test_a_refused_reconciliation_shows_its_problems(users, login):
    run, _ = approved_run(users["finance"])
    bank_file = export(users["finance"], run)
    rows = return_rows(bank_file)
    rows[1][3] = "1"
    login(users["finance"]).post(url("reconciliation_upload", run), {"file": upload(rows)})
    item = Reconciliation.objects.get(run=run)
    page = login(users["leader"]).get(reverse("payments:reconciliation_detail",
                                              kwargs={"reconciliation_id": item.pk})).content.decode()
    assert "拒绝导入" in page and "金额 ¥0.01 与报送的" in page


def test_an_unreadable_upload_is_a_refusal_not_an_error_page(users, login):
    run, _ = approved_run(users["finance"])
    export(users["finance"], run)
    junk = SimpleUploadedFile("回盘.xlsx", b"PK\x03\x04not really a zip", content_type="application/octet-stream")
    response = login(users["finance"]).post(url("reconciliation_upload", run), {"file": junk})
    assert response.status_code == 200 and "无法读取文件" in response.content.decode()


def test_demo_offers_a_simulated_return_file(users, login):
    run, _ = approved_run(users["finance"])
    export(users["finance"], run)
    response = login(users["finance"]).get(url("reconciliation_upload", run) + "?simulate=1&fail=2")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("gb18030"))))
    assert [row[4] for row in rows[1:]] == ["成功", "失败", "成功"]


def test_pages_explain_when_the_run_is_not_at_that_step(users, login):
    run, _ = approved_run(users["finance"])
    client = login(users["finance"])
    assert "尚未报送银行" in client.get(url("reconciliation_upload", run)).content.decode()
    export(users["finance"], run)
    page = client.get(url("bank_file_export", run)).content.decode()
    assert "已于" in page and reverse("payments:bank_file_download", kwargs={"run_id": run.pk}) in page
