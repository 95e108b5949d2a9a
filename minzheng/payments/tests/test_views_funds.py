"""Funds pages, the finance report download and the disclosure pages, through the test client."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minzheng.audit.models import AccessLog, Event
from minzheng.core.masking import mask_id_number
from minzheng.payments import funds
from minzheng.payments.enums import FundingSource, LineStatus, RunStatus
from minzheng.payments.models import Budget
from minzheng.payments.programs import PayableProgram, register_program, unregister_program
from minzheng.payments.tests.factories import make_line, make_run
from minzheng.testing import factories as f
from minzheng.testing.pdfread import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_parameters")]

JUNE = dt.date(2025, 6, 1)
OVERVIEW = reverse("payments:funds_overview")
CREATE = reverse("payments:budget_create")
REPORT = reverse("payments:finance_report_xlsx")


class ViewProgram(PayableProgram):
    code = "test_view"
    label = "测试救助项目"
    protect_minors = False

    def sources(self, *, area_prefix, period, after=None, limit=None):
        return []



@pytest.fixture
def program():
    registered = register_program(ViewProgram())
    yield registered
    unregister_program(registered.code)


def budget(users, amount_fen, *, source=FundingSource.CENTRAL, year=2025):
    return funds.budget_set(acting_user=users["finance"], year=year, program="test_view", source=source,
                            amount_fen=amount_fen, document="淮财社〔2025〕1号")


def paid(users, amounts, *, period=JUNE, status=RunStatus.RECONCILED):
    run = make_run(user=users["finance"], program="test_view", period=period, status=status)
    for amount in amounts:
        make_line(run, f.make_person(name="张三丰"), amount_fen=amount, status=LineStatus.PAID)
    return run


# --- funds overview ---------------------------------------------------------------------------------------


def test_overview_shows_budgets_usage_and_no_warning_below_the_threshold(users, login, program):
    budget(users, 1_000_000)
    budget(users, 500_000, source=FundingSource.DISTRICT)
    paid(users, [1_349_999])  # 89.99 %
    page = login(users["finance"]).get(OVERVIEW, {"year": 2025}).content.decode()
    assert 'data-testid="funds-warning"' not in page
    row = page.split('data-program="test_view"')[1].split('data-testid="program-row"')[0]
    assert "测试救助项目" in row and "¥15,000.00" in row and "¥13,499.99" in row and "89.9%" in row
    assert 'data-testid="program-warning"' not in row
    assert "淮财社〔2025〕1号" in page and 'data-testid="budget-edit"' in page
    assert 'style=' not in page.split('data-testid="funds-table"')[1]  # strict CSP: no inline styles


def test_overview_shows_the_warning_banner_from_the_threshold_on(users, login, program):
    budget(users, 1_000_000)
    paid(users, [900_000])
    page = login(users["leader"]).get(OVERVIEW, {"year": 2025}).content.decode()
    assert 'data-testid="funds-warning"' in page and "资金使用预警" in page and "90.0%" in page
    assert 'data-testid="program-warning"' in page
    # The leader reads but does not manage budgets.
    assert 'data-testid="budget-edit"' not in page and 'data-testid="budget-new"' not in page


def test_the_year_selector_picks_the_year(users, login, program):
    budget(users, 1_000, year=2024)
    paid(users, [1_000], period=dt.date(2024, 3, 1))
    client = login(users["finance"])
    assert 'data-testid="funds-warning"' in client.get(OVERVIEW, {"year": 2024}).content.decode()
    assert 'data-testid="funds-warning"' not in client.get(OVERVIEW, {"year": 2025}).content.decode()
    assert client.get(OVERVIEW, {"year": "abc"}).status_code == 200


@pytest.mark.parametrize("role", ["auditor", "security_admin", "system_admin"])
def test_roles_outside_payments_cannot_open_funds(users, login, role):
    assert login(users[role]).get(OVERVIEW).status_code == 403


# --- budget forms -------------------------------------------------------------------------------------------


def test_the_finance_officer_registers_a_budget_in_yuan(users, login, program):
    response = login(users["finance"]).post(CREATE, {"year": "2025", "program": "test_view", "source": "provincial",
                                                     "amount": "1,234,567.89", "document": "皖财社〔2025〕3号"})
    assert response.status_code == 302 and response["Location"].endswith("?year=2025")
    saved = Budget.objects.get()
    assert (saved.year, saved.program, saved.source, saved.amount_fen, saved.document) == (
        2025, "test_view", "provincial", 123_456_789, "皖财社〔2025〕3号")
    assert Event.objects.filter(action="budget.create", object_id=str(saved.pk)).exists()


@pytest.mark.parametrize("data, field", [
    ({"amount": "-5"}, "amount"), ({"amount": "1.234"}, "amount"), ({"amount": "abc"}, "amount"),
    ({"year": "1990"}, "year"), ({"program": "nope"}, "program"), ({"source": ""}, "source"),
])
def test_invalid_budget_input_is_shown_on_the_form(users, login, program, data, field):
    post = {"year": "2025", "program": "test_view", "source": "central", "amount": "100", "document": "", **data}
    response = login(users["finance"]).post(CREATE, post)
    assert response.status_code == 200
    assert f'data-testid="field-error-{field}"' in response.content.decode()
    assert not Budget.objects.exists()


def test_editing_keeps_the_key_and_changes_the_amount(users, login, program):
    existing = budget(users, 1_000)
    url = reverse("payments:budget_edit", args=[existing.pk])
    client = login(users["finance"])
    page = client.get(url).content.decode()
    assert 'value="10.00"' in page and "disabled" in page
    response = client.post(url, {"year": "2030", "program": "dibao", "source": "district", "amount": "20",
                                 "document": "追加"})
    assert response.status_code == 302
    existing.refresh_from_db()
    assert (existing.year, existing.program, existing.source, existing.amount_fen, existing.document) == (
        2025, "test_view", "central", 2_000, "追加")
    assert Budget.objects.count() == 1


@pytest.mark.parametrize("role", ["village_a1", "town_a", "district_approver", "district_admin", "leader"])
def test_only_the_finance_officer_may_open_the_budget_forms(users, login, program, role):
    existing = budget(users, 1_000)
    client = login(users[role])
    assert client.get(CREATE).status_code == 403
    assert client.post(reverse("payments:budget_edit", args=[existing.pk]), {"amount": "1"}).status_code == 403
    existing.refresh_from_db()
    assert existing.amount_fen == 1_000


def test_an_unknown_budget_is_not_found(users, login):
    client = login(users["finance"])
    assert client.get(reverse("payments:budget_edit", args=["not-a-uuid"])).status_code == 404
    assert client.get(reverse("payments:budget_edit", args=["8d5e7a56-7ad4-4c1e-9f0e-5b1f2b8f7f10"])
                      ).status_code == 404


# --- finance report ---------------------------------------------------------------------------------------


def test_the_report_downloads_as_xlsx_and_is_logged(users, login, program):
    budget(users, 1_000_000)
    paid(users, [250_050])
    response = login(users["finance"]).get(REPORT, {"year": 2025, "month": 6})
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "2025%E5%B9%B406%E6%9C%88.xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    town = next(row for row in rows if row[0] == "测试救助项目" and row[1] == "甲镇")
    assert (town[2], town[5]) == (1, 2500.5)
    assert AccessLog.objects.filter(actor=users["finance"], action="export", object_type="payments.payrollline",
                                    reason="资金发放月报").count() == 1


def test_a_bad_month_falls_back_to_a_valid_one(users, login, program):
    response = login(users["finance"]).get(REPORT, {"year": 2025, "month": 13})
    assert response.status_code == 200
    assert "2025%E5%B9%B412%E6%9C%88" in response["Content-Disposition"]


# --- disclosure ---------------------------------------------------------------------------------------------


@pytest.fixture
def disclosed(users, program):
    run = make_run(user=users["finance"], program="test_view", period=JUNE, status=RunStatus.RECONCILED)
    adult = f.make_person(name="张三丰", birth=dt.date(1960, 1, 1))
    minor = f.make_person(name="李小明", birth=dt.date(2012, 1, 1))
    other = f.make_person(name="王乙村", area=f.VILLAGE_B1, birth=dt.date(1955, 1, 1))
    for person in (adult, minor, other):
        make_line(run, person, amount_fen=80_000, status=LineStatus.PAID)
    return run, adult, minor, other


def pdf_url(run, village):
    return reverse("payments:disclosure_pdf", args=[run.pk, village])


def test_the_index_lists_the_users_villages_with_counts_and_links(users, login, disclosed):
    run, *_ = disclosed
    page = login(users["district_admin"]).get(reverse("payments:disclosure_index", args=[run.pk])).content.decode()
    assert page.count('data-testid="disclosure-row"') == 2
    assert pdf_url(run, f.VILLAGE_A1) in page and pdf_url(run, f.VILLAGE_B1) in page
    village_page = login(users["village_b1"]).get(reverse("payments:disclosure_index", args=[run.pk])).content
    village_page = village_page.decode()
    assert village_page.count('data-testid="disclosure-row"') == 1
    assert pdf_url(run, f.VILLAGE_B1) in village_page and pdf_url(run, f.VILLAGE_A1) not in village_page


def test_the_pdf_lists_masked_adults_only_and_the_print_is_logged(users, login, disclosed):
    run, adult, minor, _ = disclosed
    response = login(users["village_a1"]).get(pdf_url(run, f.VILLAGE_A1))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    assert "张*丰" in text and mask_id_number(adult.id_number) in text
    assert "测试区甲一村2025年6月测试救助项目发放公示" in text  # the title (the reader drops spaces)
    assert "张三丰" not in text and adult.id_number not in text
    assert "李*明" not in text and mask_id_number(minor.id_number) not in text
    assert "如有异议，请在公示期内向村（居）委会或乡镇人民政府反映" in text and "公示期7天" in text
    log = AccessLog.objects.get(actor=users["village_a1"], action="print")
    assert (log.object_id, log.area_code) == (str(run.pk), f.VILLAGE_A1)
    assert "发放公示" in log.reason


@pytest.mark.parametrize("role, village", [("village_b1", f.VILLAGE_A1), ("town_b", f.VILLAGE_A1),
                                           ("village_a1", f.VILLAGE_B1), ("district_admin", f.VILLAGE_A2),
                                           ("district_admin", "340471100")])
def test_users_outside_the_village_get_404_and_nothing_is_logged(users, login, disclosed, role, village):
    run, *_ = disclosed
    assert login(users[role]).get(pdf_url(run, village)).status_code == 404
    assert not AccessLog.objects.filter(action="print").exists()


def test_users_without_payments_get_nothing(users, login, disclosed):
    run, *_ = disclosed
    client = login(users["auditor"])
    assert client.get(reverse("payments:disclosure_index", args=[run.pk])).status_code in (403, 404)
    assert client.get(pdf_url(run, f.VILLAGE_A1)).status_code in (403, 404)


def test_a_run_awaiting_approval_is_not_disclosed(users, login, program):
    run = make_run(user=users["finance"], program="test_view", period=JUNE, status=RunStatus.DRAFT)
    make_line(run, f.make_person(name="张三丰"), status=LineStatus.PENDING)
    client = login(users["district_admin"])
    page = client.get(reverse("payments:disclosure_index", args=[run.pk])).content.decode()
    assert 'data-testid="disclosure-not-ready"' in page and 'data-testid="disclosure-row"' not in page
    response = client.get(pdf_url(run, f.VILLAGE_A1))
    assert response.status_code == 400 and "批准后方可打印发放公示" in response.content.decode()
    assert not AccessLog.objects.filter(action="print").exists()
