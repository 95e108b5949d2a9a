"""The payroll pages: list and new run, the run page while generating and after, the buttons per role, held
lines and their resolution, exports with masked accounts, the re-issue list, payee accounts, the menu, and the
demo history rendered on them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from minzheng.jobs.enums import JobState
from minzheng.payments import actions
from minzheng.payments.enums import LineStatus, RunStatus
from minzheng.payments.models import PayeeAccount, PayrollLine, PayrollRun
from minzheng.payments.payroll import generate_run_sync, update_run_totals
from minzheng.payments.tests.conftest import approved, enroll, generated
from minzheng.payments.tests.factories import card_number, make_account, make_run
from minzheng.testing import factories as f
from minzheng.web.navigation import menu_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_parameters")]

DEC = dt.date(2025, 12, 1)


def _held_and_paid(users):
    """Two 低保 households: 刘一 with an account (pending) and 王五 without one (held: 无有效发放账户)."""
    paid = enroll(users["town_a"], [f.make_person(name="刘一")])
    held = enroll(users["town_a"], [f.make_person(name="王五")], account=False, area=f.VILLAGE_B1)
    run = generated(users["finance"], period=DEC)
    return run, paid, held


def line_of(run, enrollment) -> PayrollLine:
    return PayrollLine.objects.get(run=run, source_key=f"enrollment:{enrollment.pk}")


# ---------------------------------------------------------------------------------------------------- runs


def test_run_list_shows_runs_in_scope_with_filters(users, login):
    """Given runs of two months, when the finance officer filters by month, only that month's run is listed;
    a town reviewer sees the district's run too (it covers their town), the auditor may not open the page."""
    make_run(user=users["finance"], period=DEC)
    make_run(user=users["finance"], period=dt.date(2025, 11, 1), status=RunStatus.RECONCILED)
    client = login(users["finance"])
    page = client.get(reverse("payments:run_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "2025年12月" in text and "2025年11月" in text and "生成发放名册" in text
    filtered = client.get(reverse("payments:run_list"), {"month": "2025-11"}).content.decode()
    assert "2025年11月" in filtered and "2025年12月" not in filtered
    assert "已对账" in client.get(reverse("payments:run_list"), {"status": "reconciled"}).content.decode()
    export = client.get(reverse("payments:run_list"), {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    town = login(users["town_a"]).get(reverse("payments:run_list")).content.decode()
    assert "2025年12月" in town and "生成发放名册" not in town
    assert login(users["auditor"]).get(reverse("payments:run_list")).status_code == 403


def test_new_run_form_checks_the_month_in_chinese(users, login):
    client = login(users["finance"])
    page = client.get(reverse("payments:run_create"))
    assert page.status_code == 200 and 'type="month"' in page.content.decode()
    bad = client.post(reverse("payments:run_create"), {"program": "dibao", "area": f.DISTRICT, "month": "2025/13"})
    assert bad.status_code == 200
    assert "发放月份格式不正确" in bad.content.decode()
    far = timezone.localdate().replace(day=1) + dt.timedelta(days=70)
    ahead = client.post(reverse("payments:run_create"),
                        {"program": "dibao", "area": f.DISTRICT, "month": f"{far:%Y-%m}"})
    assert "最多只能提前一个月" in ahead.content.decode()
    empty = client.post(reverse("payments:run_create"), {"program": "", "area": f.DISTRICT, "month": ""})
    assert "请选择救助项目" in empty.content.decode() and "请填写发放月份" in empty.content.decode()
    assert not PayrollRun.objects.exists()
    assert login(users["village_a1"]).get(reverse("payments:run_create")).status_code == 403


def test_new_run_is_generated_by_its_job_and_the_page_refreshes_when_done(users, login):
    """Given an enrolled household, when the finance officer generates this month's 低保 run, the run page shows
    the generating banner linked to the job; the polled fragment answers with a refresh once the job is done,
    and the page then lists the line."""
    enroll(users["town_a"], [f.make_person(name="刘一")])
    client = login(users["finance"])
    month = timezone.localdate().replace(day=1)
    response = client.post(reverse("payments:run_create"),
                           {"program": "dibao", "area": f.DISTRICT, "month": f"{month:%Y-%m}"})
    run = PayrollRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("payments:run_detail", args=[run.pk])
    assert run.status == RunStatus.GENERATING and run.job.state == JobState.QUEUED
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="run-progress"' in page and reverse("jobs:job_detail", args=[run.job_id]) in page
    fragment = client.get(response["Location"], {"fragment": "progress"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and 'hx-trigger="every 2s"' in fragment.content.decode()
    generate_run_sync(run)
    done = client.get(response["Location"], {"fragment": "progress"}, HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    page = client.get(response["Location"]).content.decode()
    assert "刘一" in page and "run-progress" not in page and "草稿" in page
    # The same program, area and month again: the existing run, not a second one.
    again = client.post(reverse("payments:run_create"),
                        {"program": "dibao", "area": f.DISTRICT, "month": f"{month:%Y-%m}"})
    assert again["Location"] == reverse("payments:run_detail", args=[run.pk])
    assert PayrollRun.objects.count() == 1


def test_run_page_shows_masked_accounts_flags_and_filters(users, login):
    run, paid, _ = _held_and_paid(users)
    account = line_of(run, paid).account
    client = login(users["finance"])
    url = reverse("payments:run_detail", args=[run.pk])
    page = client.get(url).content.decode()
    assert account.masked_account in page and account.account_number not in page
    assert "无有效发放账户" in page and "刘一" in page and "王五" in page
    assert "¥940.00" in page
    flagged = client.get(url, {"flagged": "1"}).content.decode()
    assert "王五" in flagged and "刘一" not in flagged
    village = client.get(url, {"village": f.VILLAGE_A1}).content.decode()
    assert "刘一" in village and "王五" not in village
    pending = client.get(url, {"status": "pending"}).content.decode()
    assert "刘一" in pending and "王五" not in pending
    # A village worker of 乙一村 sees the district's run but only their own village's lines.
    own = login(users["village_b1"]).get(url).content.decode()
    assert "王五" in own and "刘一" not in own


def test_buttons_follow_the_role_and_the_four_eyes_rule(users, login):
    """The finance officer reviews; the approve button is never theirs; the district approver approves; a
    return needs a reason."""
    run, _, _ = _held_and_paid(users)
    finance = login(users["finance"])
    url = reverse("payments:run_detail", args=[run.pk])
    page = finance.get(url).content.decode()
    assert 'data-testid="btn-review"' in page and 'data-testid="btn-regenerate"' in page
    assert 'data-testid="btn-approve"' not in page
    finance.post(reverse("payments:run_action", args=[run.pk, "review"]))
    run.refresh_from_db()
    assert run.status == RunStatus.REVIEWED and run.reviewed_by == users["finance"]
    page = finance.get(url).content.decode()
    assert 'data-testid="btn-approve"' not in page and 'data-testid="btn-return"' in page
    assert finance.post(reverse("payments:run_action", args=[run.pk, "approve"])).status_code == 403
    assert PayrollRun.objects.get(pk=run.pk).status == RunStatus.REVIEWED

    approver = login(users["district_approver"])
    no_reason = approver.post(reverse("payments:run_action", args=[run.pk, "return"]), {"reason": " "}, follow=True)
    assert "请填写退回原因" in no_reason.content.decode()
    page = approver.get(url).content.decode()
    assert 'data-testid="btn-approve"' in page and 'data-testid="btn-review"' not in page
    approver.post(reverse("payments:run_action", args=[run.pk, "approve"]))
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED and run.approved_by == users["district_approver"]
    page = login(users["finance"]).get(url).content.decode()
    assert reverse("payments:bank_file_export", args=[run.pk]) in page
    assert login(users["finance"]).post(reverse("payments:run_action", args=[run.pk, "nonsense"])).status_code == 404


def test_return_sends_the_run_back_to_draft_with_the_reason(users, login):
    run, _, _ = _held_and_paid(users)
    actions.payroll_run_review(acting_user=users["finance"], run=run)
    client = login(users["district_approver"])
    response = client.post(reverse("payments:run_action", args=[run.pk, "return"]), {"reason": "王五账户待核实"},
                           follow=True)
    assert "已退回修改" in response.content.decode()
    assert PayrollRun.objects.get(pk=run.pk).status == RunStatus.DRAFT


def test_lines_export_masks_account_numbers(users, login):
    run, paid, _ = _held_and_paid(users)
    account = line_of(run, paid).account
    response = login(users["finance"]).get(reverse("payments:run_lines_export", args=[run.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert account.masked_account in values and account.account_number not in values
    assert "无有效发放账户" in values and "刘一" in values


# ---------------------------------------------------------------------------------------------------- lines


def test_held_line_is_resolved_with_a_reason(users, login):
    run, _, held = _held_and_paid(users)
    line = line_of(run, held)
    client = login(users["finance"])
    url = reverse("payments:line_detail", args=[line.pk])
    page = client.get(url).content.decode()
    assert "无有效发放账户" in page and 'data-testid="resolve-form"' in page
    missing = client.post(reverse("payments:line_resolve", args=[line.pk]), {"decision": "cancel", "reason": ""})
    assert missing.status_code == 400 and "请填写核实情况" in missing.content.decode()
    no_choice = client.post(reverse("payments:line_resolve", args=[line.pk]), {"reason": "已核实"})
    assert "请选择核实结论" in no_choice.content.decode()
    done = client.post(reverse("payments:line_resolve", args=[line.pk]),
                       {"decision": "cancel", "reason": "已迁出本区，不再发放"})
    assert done.status_code == 302
    line.refresh_from_db()
    assert line.status == LineStatus.CANCELLED and line.hold_resolved_by == users["finance"]
    page = client.get(url).content.decode()
    assert "已迁出本区，不再发放" in page and 'data-testid="resolve-form"' not in page
    # Readers do not get the form, and cannot post it.
    assert 'data-testid="resolve-form"' not in login(users["town_b"]).get(url).content.decode()
    assert login(users["town_b"]).post(reverse("payments:line_resolve", args=[line.pk]),
                                       {"decision": "release", "reason": "x"}).status_code == 403
    line.refresh_from_db()
    assert line.status == LineStatus.CANCELLED


def test_resolving_after_review_shows_the_rule_inline(users, login):
    run, _, held = _held_and_paid(users)
    actions.payroll_run_review(acting_user=users["finance"], run=run)
    line = line_of(run, held)
    response = login(users["finance"]).post(reverse("payments:line_resolve", args=[line.pk]),
                                            {"decision": "release", "reason": "账户已登记"})
    assert response.status_code == 400 and "已审核的名册请先退回" in response.content.decode()


def test_line_page_explains_arrears_month_by_month(users, login):
    enroll(users["town_a"], [f.make_person(name="早一")])
    approved(users, period=dt.date(2025, 11, 1))
    late = enroll(users["town_a"], [f.make_person(name="迟二")], starts_on=dt.date(2025, 11, 1), amount_fen=50_000)
    run = generated(users["finance"], period=DEC)
    page = login(users["finance"]).get(reverse("payments:line_detail", args=[line_of(run, late).pk]))
    text = page.content.decode()
    assert "补发与扣减明细" in text and "2025年11月" in text and "¥500.00" in text and "¥1,000.00" in text


def test_line_of_another_village_is_not_found(users, login):
    run, paid, _ = _held_and_paid(users)
    line = line_of(run, paid)
    assert login(users["village_b1"]).get(reverse("payments:line_detail", args=[line.pk])).status_code == 404
    assert login(users["village_a1"]).get(reverse("payments:line_detail", args=[line.pk])).status_code == 200
    assert login(users["finance"]).get(reverse("payments:line_detail", args=["not-a-uuid"])).status_code == 404


# ---------------------------------------------------------------------------------------------------- reissue


def _failed_line(users, *, name="退一", program="dibao"):
    person = f.make_person(name=name)
    account = make_account(person)
    PayeeAccount.objects.filter(pk=account.pk).update(created_at=timezone.now() - dt.timedelta(days=60))
    account.refresh_from_db()
    run = make_run(user=users["finance"], status=RunStatus.RECONCILED, program=program)
    PayrollRun.objects.filter(pk=run.pk).update(reconciled_at=timezone.now() - dt.timedelta(days=3))
    run.refresh_from_db()
    from minzheng.payments.tests.factories import make_line

    line = make_line(run, person, account=account, status=LineStatus.FAILED, fail_reason="账户已销户")
    update_run_totals(run)
    return person, account, line


def test_reissue_list_shows_failures_and_whether_the_account_was_put_right(users, login):
    person, account, _ = _failed_line(users)
    _failed_line(users, name="退二", program="tekun")
    client = login(users["finance"])
    page = client.get(reverse("payments:reissue_list")).content.decode()
    assert "退一" in page and "退二" in page and "账户已销户" in page
    assert page.count('data-testid="account-unchanged"') == 2
    # 退一's card is replaced: the list says the account was put right and shows the new (masked) number.
    account.is_active = False
    account.save(update_fields=["is_active"])
    new = make_account(person, number=card_number(999_001))
    page = client.get(reverse("payments:reissue_list")).content.decode()
    assert page.count('data-testid="account-changed"') == 1 and new.masked_account in page
    assert new.account_number not in page
    changed = client.get(reverse("payments:reissue_list"), {"changed": "no"}).content.decode()
    assert "退二" in changed and "退一" not in changed
    export = client.get(reverse("payments:reissue_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "账户已销户" in values and account.account_number not in values
    assert "退一" not in login(users["village_b1"]).get(reverse("payments:reissue_list")).content.decode()


# ---------------------------------------------------------------------------------------------------- accounts


def test_account_list_search_and_detail_are_masked(users, login):
    person = f.make_person(name="卡一")
    account = make_account(person)
    f.make_person(name="卡二", area=f.VILLAGE_B1)
    client = login(users["finance"])
    page = client.get(reverse("payments:account_list"), {"q": "卡一"}).content.decode()
    assert "卡一" in page and account.masked_account in page and account.account_number not in page
    by_number = client.get(reverse("payments:account_list"), {"q": account.account_number}).content.decode()
    assert "卡一" in by_number
    detail = client.get(reverse("payments:account_detail", args=[account.pk])).content.decode()
    assert account.masked_account in detail and account.account_number not in detail
    assert 'data-testid="deactivate-form"' in detail
    # 乙一村's worker does not see 甲一村's account.
    assert login(users["village_b1"]).get(reverse("payments:account_detail", args=[account.pk])).status_code == 404


def test_account_create_picks_a_person_then_registers_and_replaces(users, login):
    person = f.make_person(name="新卡")
    client = login(users["village_a1"])
    pick = client.get(reverse("payments:account_create"), {"q": "新卡"}).content.decode()
    assert "新卡" in pick and f"?person={person.pk}" in pick
    url = f"{reverse('payments:account_create')}?person={person.pk}"
    bad = client.post(url, {"kind": "ssc", "bank_code": "HNRCB", "bank_name": "淮南农商银行",
                            "account_number": "6217991234567890", "holder_name": "新卡"})
    assert bad.status_code == 200 and 'data-testid="field-error-account_number"' in bad.content.decode()
    number = card_number(777_001)
    done = client.post(url, {"kind": "ssc", "bank_code": "HNRCB", "bank_name": "淮南农商银行",
                             "account_number": number, "holder_name": "新卡"})
    account = PayeeAccount.objects.get(holder_name="新卡")
    assert done.status_code == 302 and done["Location"] == reverse("payments:account_detail", args=[account.pk])
    assert account.account_number == number and account.created_by == users["village_a1"]
    replace = client.get(url).content.decode()
    assert 'data-testid="current-account"' in replace and account.masked_account in replace
    client.post(url, {"kind": "bank_card", "bank_code": "HNRCB", "bank_name": "淮南农商银行",
                      "account_number": card_number(777_002), "holder_name": "新卡", "reason": "换卡"})
    account.refresh_from_db()
    assert not account.is_active
    assert PayeeAccount.objects.filter(holder_name="新卡", is_active=True).count() == 1
    # Outside the worker's village: not found.
    stranger = f.make_person(name="外人", area=f.VILLAGE_B1)
    assert client.get(reverse("payments:account_create"), {"person": str(stranger.pk)}).status_code == 404


def test_account_deactivate_needs_a_reason(users, login):
    account = make_account(f.make_person(name="停一"))
    client = login(users["village_a1"])
    url = reverse("payments:account_deactivate", args=[account.pk])
    assert "请填写停用原因" in client.post(url, {"reason": ""}, follow=True).content.decode()
    client.post(url, {"reason": "卡片挂失"})
    account.refresh_from_db()
    assert not account.is_active
    assert login(users["leader"]).post(url, {"reason": "x"}).status_code == 403


# ---------------------------------------------------------------------------------------------------- menu


def test_menu_shows_the_payment_pages_by_role(users):
    def labels(user):
        return {item["label"] for group in menu_for(user, "/payments/runs/") for item in group["items"]}

    finance = labels(users["finance"])
    assert {"发放名册", "退票补发", "发放账户", "资金预算"} <= finance
    assert {"发放名册", "退票补发"} <= labels(users["leader"]) and "发放账户" not in labels(users["leader"])
    assert "发放名册" not in labels(users["auditor"])


# ---------------------------------------------------------------------------------------------------- demo


def test_demo_history_renders_on_the_pages(users, login, django_user_model):
    """The demo seeding on a tiny district: accounts for most payees, budgets, two months of reconciled runs
    with two failures in the last one; running it again changes nothing; the pages render it."""
    from minzheng.accounts.enums import Role
    from minzheng.demo.payments import seed_payments

    finance = f.make_user(Role.FINANCE_OFFICER, f.DISTRICT, username="qu_caiwu")
    f.make_user(Role.DISTRICT_APPROVER, f.DISTRICT, username="qu_shenpi")
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=70)).replace(day=1)
    people = [f.make_person(name=f"演示{i}", area=f.VILLAGE_A1 if i % 2 else f.VILLAGE_B1) for i in range(40)]
    for person in people:
        enroll(users["town_a"], [person], account=False, starts_on=start, area=person.hukou_area_id)
    counts = seed_payments(seed=7, today=today)
    assert counts["runs"] == 2 and counts["budgets"] == 2 * 4 * 4
    assert 30 <= counts["accounts"] <= 40
    runs = list(PayrollRun.objects.order_by("period"))
    assert [r.status for r in runs] == [RunStatus.RECONCILED, RunStatus.RECONCILED]
    assert runs[-1].failed_count == 2 and runs[0].failed_count == 0
    assert not PayrollRun.objects.filter(period=today.replace(day=1)).exists()
    again = seed_payments(seed=7, today=today)
    assert again["accounts"] == 0 and PayrollRun.objects.count() == 2
    client = login(finance)
    assert "已对账" in client.get(reverse("payments:run_list")).content.decode()
    detail = client.get(reverse("payments:run_detail", args=[runs[-1].pk])).content.decode()
    assert "发放失败" in detail and 'data-testid="reconciliation-table"' in detail
    assert client.get(reverse("payments:reissue_list")).content.decode().count('data-testid="reissue-link"') == 2
    assert client.get(reverse("payments:account_list")).status_code == 200


@pytest.mark.parametrize("role", ["village_a1", "town_a", "district_approver", "district_admin", "finance", "leader"])
def test_every_payments_menu_entry_opens_for_each_role(users, login, role):
    client = login(users[role])
    urls = [item["url"] for group in menu_for(users[role], "/") for item in group["items"]
            if item["url"].startswith("/payments/")]
    assert urls
    for url in urls:
        assert client.get(url).status_code == 200, url
