"""The 政策参数 pages per role: everyone in business reads, the district admin proposes, the approver decides."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from minzheng.policy.enums import GrowthKind, ValueStatus
from minzheng.policy.models import GrowthRule, ParameterValue
from minzheng.policy.tests.conftest import DISTRICT, VILLAGE_A1, make_definition, make_value

pytestmark = pytest.mark.django_db

STANDARD = "dibao.standard_monthly_fen"
LIST = reverse("policy:parameter_list")
DETAIL = reverse("policy:parameter_detail", args=[STANDARD])


def _row(page: str, code: str) -> str:
    match = re.search(rf'<tr data-testid="parameter-row" data-code="{re.escape(code)}">(.*?)</tr>', page, re.S)
    assert match, code
    return match.group(1)


@pytest.mark.parametrize("role", ["village_a1", "town_a", "district_approver", "district_admin", "leader"])
def test_business_roles_and_the_leader_read_the_list(users, login, role):
    """Given the demo values of the data migration, when each business role or the leader opens the list, then it
    shows the 低保 standard in force today (¥770.00, 演示参数) and the menu entry."""
    page = login(users[role]).get(LIST).content.decode()
    row = _row(page, STANDARD)
    assert "¥770.00" in row and "演示参数" in row
    assert '<a class="mz-link active" href="/policy/">' in page


@pytest.mark.parametrize("role", ["auditor", "security_admin", "system_admin"])
def test_the_three_administrators_have_no_access(users, login, role):
    """Given the auditor, security and system administrators (三员分立), when they open the list or a detail page,
    then both are refused and the menu has no entry."""
    client = login(users[role])
    assert client.get(LIST).status_code == 403
    assert client.get(DETAIL).status_code == 403
    assert "政策参数" not in client.get(reverse("web:home")).content.decode()


def test_a_village_override_shows_for_that_village_only(users, login):
    """Given an approved ¥800 for village 甲一 from 2025-07-01, when its village worker and 乙一's open the list, then
    甲一 sees ¥800.00 and 乙一 the district's ¥770.00."""
    make_value(make_definition(STANDARD), area=VILLAGE_A1, on=dt.date(2025, 7, 1), value=80000)
    assert "¥800.00" in _row(login(users["village_a1"]).get(LIST).content.decode(), STANDARD)
    assert "¥770.00" in _row(login(users["village_b1"]).get(LIST).content.decode(), STANDARD)


def test_the_list_shows_the_next_approved_change(users, login):
    """Given ¥809 approved from 2099-07-01, when the list is opened, then the row shows it as the next change."""
    make_value(make_definition(STANDARD), on=dt.date(2099, 7, 1), value=80900)
    row = _row(login(users["leader"]).get(LIST).content.decode(), STANDARD)
    assert "¥809.00（2099年7月1日起）" in row


@pytest.mark.parametrize("extra", [0, 20])
def test_the_list_takes_a_fixed_number_of_queries(users, login, django_assert_max_num_queries, extra):
    """Given the demo parameters plus 0 or 20 more with values, when the list is opened, then the query count does
    not grow with them (session, user, definitions, values, pending counts, area names)."""
    for n in range(extra):
        make_value(make_definition(f"test.extra_{n}", unit="days"), on=dt.date(2024, 7, 1), value=n)
    client = login(users["town_a"])
    with django_assert_max_num_queries(7):
        response = client.get(LIST)
    assert response.content.decode().count('data-testid="parameter-row"') == 46 + extra


def test_the_detail_page_shows_the_history(users, login):
    """Given the two demo 低保 standards, when the village worker opens the detail page, then both are listed with
    their dates, the 演示参数 label and 系统 as approver, the older ending on 2025年6月30日; no edit buttons."""
    page = login(users["village_a1"]).get(DETAIL).content.decode()
    assert page.count('data-testid="history-row"') == 2
    assert "¥745.00" in page and "¥770.00" in page and "2025年6月30日" in page and "演示参数" in page
    assert 'data-testid="propose-link"' not in page and 'data-testid="approve-button"' not in page


def test_the_district_admin_proposes_in_yuan(users, login):
    """Given the district admin, when they enter ¥809 from 2026-07-01 for the district on the form, then ¥809 is
    stored as 80900 fen, pending, and they return to the detail page."""
    response = login(users["district_admin"]).post(reverse("policy:value_propose", args=[STANDARD]), {
        "area_code": "340471000000", "effective_from": "2026-07-01", "value": "809", "label": "淮民发〔2026〕1号",
        "note": ""})
    assert response.status_code == 302 and response.url == DETAIL
    value = ParameterValue.objects.get(definition__code=STANDARD, effective_from=dt.date(2026, 7, 1))
    assert (value.value_int, value.status, value.area_code) == (80900, ValueStatus.PROPOSED, DISTRICT)


def test_an_amount_finer_than_a_fen_is_refused_on_the_field(users, login):
    """Given the propose form, when ¥808.505 is entered, then the value field explains the two-decimal rule and
    nothing is stored."""
    response = login(users["district_admin"]).post(reverse("policy:value_propose", args=[STANDARD]), {
        "area_code": "340471000000", "effective_from": "2026-07-01", "value": "808.505"})
    assert response.status_code == 400
    assert any("两位小数" in e for e in response.context["form"].errors["value"])
    assert not ParameterValue.objects.filter(effective_from=dt.date(2026, 7, 1)).exists()


def test_the_propose_form_starts_from_the_current_value(users, login):
    """Given the demo standard ¥770, when the district admin opens the propose form, then the value field holds
    770.00 and the area field the district."""
    form = login(users["district_admin"]).get(reverse("policy:value_propose", args=[STANDARD])).context["form"]
    assert form.initial["value"] == "770.00" and form.initial["area_code"] == "340471000000"


@pytest.mark.parametrize("role", ["village_a1", "district_approver", "leader"])
def test_only_the_district_admin_may_open_the_forms(users, login, role):
    """Given roles without the edit permission, when they open the propose or growth form, then both are refused."""
    client = login(users[role])
    assert client.get(reverse("policy:value_propose", args=[STANDARD])).status_code == 403
    assert client.get(reverse("policy:growth_rule", args=[STANDARD])).status_code == 403


def _pending(users) -> ParameterValue:
    return ParameterValue.objects.create(definition=make_definition(STANDARD), area_code=DISTRICT,
                                         effective_from=dt.date(2026, 7, 1), value_int=80900,
                                         status=ValueStatus.PROPOSED, created_by=users["district_admin"])


def test_the_approver_sees_decision_buttons_but_the_proposer_does_not(users, login, client):
    """Given a proposal by the district admin, when the approver opens the detail page, then approve and reject
    buttons show; the proposer sees neither."""
    _pending(users)
    approver_page = login(users["district_approver"]).get(DETAIL).content.decode()
    assert 'data-testid="approve-button"' in approver_page and 'data-testid="reject-button"' in approver_page
    client.logout()
    admin_page = login(users["district_admin"]).get(DETAIL).content.decode()
    assert 'data-testid="approve-button"' not in admin_page and "待审批" in admin_page


def test_the_approver_approves_on_the_page(users, login):
    """Given a pending ¥809, when the approver presses 审批通过, then it is approved by them."""
    value = _pending(users)
    response = login(users["district_approver"]).post(reverse("policy:value_approve", args=[value.pk]))
    assert response.status_code == 302 and response.url == DETAIL
    value.refresh_from_db()
    assert value.status == ValueStatus.APPROVED and value.approved_by == users["district_approver"]


def test_the_approver_rejects_with_a_reason_on_the_page(users, login):
    """Given a pending ¥809, when the approver rejects it with a reason, then it is rejected and the reason shows in
    the history."""
    value = _pending(users)
    client = login(users["district_approver"])
    client.post(reverse("policy:value_reject", args=[value.pk]), {"reason": "文件未下发"})
    value.refresh_from_db()
    assert value.status == ValueStatus.REJECTED
    assert "退回理由：文件未下发" in client.get(DETAIL).content.decode()


def test_the_district_admin_cannot_approve_by_posting(users, login):
    """Given a pending value, when the district admin posts to the approve address, then it is refused."""
    value = _pending(users)
    assert login(users["district_admin"]).post(reverse("policy:value_approve", args=[value.pk])).status_code == 403
    assert ParameterValue.objects.get(pk=value.pk).status == ValueStatus.PROPOSED


def test_the_growth_preview_shows_the_result_and_writes_nothing(users, login):
    """Given the demo standard ¥770, when the district admin previews +5 % from 2026-07-01, then the page shows ¥770.00
    → ¥809.00 and no rule or value is written."""
    response = login(users["district_admin"]).post(reverse("policy:growth_rule", args=[STANDARD]), {
        "area_code": "340471000000", "effective_from": "2026-07-01", "kind": GrowthKind.PERCENT, "amount": "5",
        "step": "preview"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="growth-preview"' in page
    assert "¥770.00" in page and "¥809.00" in page and "上调5%" in page
    assert not GrowthRule.objects.exists() and not ParameterValue.objects.filter(status="proposed").exists()


def test_confirming_the_growth_preview_proposes_the_value(users, login):
    """Given a preview of +¥30 from 2026-07-01 resulting in ¥800, when the admin confirms, then the rule and a
    pending ¥800 exist and they return to the detail page."""
    response = login(users["district_admin"]).post(reverse("policy:growth_rule", args=[STANDARD]), {
        "area_code": "340471000000", "effective_from": "2026-07-01", "kind": GrowthKind.FIXED_FEN, "amount": "30",
        "step": "confirm", "expected": "80000"})
    assert response.status_code == 302 and response.url == DETAIL
    rule = GrowthRule.objects.get()
    assert (rule.amount, rule.proposed_value.value_int, rule.proposed_value.status) == (3000, 80000, "proposed")


def test_a_confirmation_that_no_longer_matches_the_preview_shows_a_new_preview(users, login):
    """Given a preview that said ¥800, when the form is confirmed with +5 % instead, then nothing is written and the
    page shows the new result with a notice."""
    response = login(users["district_admin"]).post(reverse("policy:growth_rule", args=[STANDARD]), {
        "area_code": "340471000000", "effective_from": "2026-07-01", "kind": GrowthKind.PERCENT, "amount": "5",
        "step": "confirm", "expected": "80000"})
    page = response.content.decode()
    assert 'data-testid="growth-notice"' in page and "¥809.00" in page
    assert not GrowthRule.objects.exists()


def test_the_growth_form_reads_a_percent_with_one_decimal(users, login):
    """Given the growth form, when 3.55 % is entered, then the amount field asks for at most one decimal."""
    response = login(users["district_admin"]).post(reverse("policy:growth_rule", args=[STANDARD]), {
        "area_code": "340471000000", "effective_from": "2026-07-01", "kind": GrowthKind.PERCENT, "amount": "3.55",
        "step": "preview"})
    assert response.status_code == 400 and "最多一位小数" in response.content.decode()


def test_a_parameter_that_is_not_money_has_no_growth_form(users, login):
    """Given 公示期 (days), when the district admin opens its growth form, then a Chinese error page answers."""
    url = reverse("policy:growth_rule", args=["application.public_notice_days"])
    response = login(users["district_admin"]).get(url)
    assert response.status_code == 400 and "只有金额类参数" in response.content.decode()


def test_an_unapplied_rule_can_be_applied_from_the_detail_page(users, login):
    """Given a +5 % rule recorded without a proposal, when the admin presses 生成待审批值, then ¥809 is proposed."""
    rule = GrowthRule.objects.create(definition=make_definition(STANDARD), area_code=DISTRICT,
                                     kind=GrowthKind.PERCENT, amount=50, effective_from=dt.date(2026, 7, 1),
                                     created_by=users["district_admin"])
    client = login(users["district_admin"])
    assert 'data-testid="growth-apply-button"' in client.get(DETAIL).content.decode()
    client.post(reverse("policy:growth_rule_apply", args=[rule.pk]))
    rule.refresh_from_db()
    assert rule.proposed_value.value_int == 80900


def test_an_unknown_parameter_is_not_found(users, login):
    """Given no parameter test.nothing, when its detail page is opened, then the answer is 404."""
    assert login(users["leader"]).get(reverse("policy:parameter_detail", args=["test.nothing"])).status_code == 404


def test_the_list_follows_the_work_plan_order_of_programmes(users, login):
    """Given the demo parameters, when the list is opened, then 低保 comes first, then 特困, and 申请办理 after the
    programmes; ratios show without a thousands separator (1300‰)."""
    page = login(users["leader"]).get(LIST).content.decode()
    keys = re.findall(r'data-testid="parameter-table-([a-z_]+)"', page)
    assert keys[:5] == ["dibao", "tekun", "marginal", "rigid_expense", "temp_aid"]
    assert keys.index("application") > keys.index("temp_aid")
    assert "1300‰" in _row(page, "tekun.basic_multiplier_permille")


def test_the_approver_approves_a_village_value_on_the_page(users, login):
    """Given a pending ¥800 for village 甲一, when the district approver opens the page and approves it, then it
    shows with a button and is approved; the 甲一 village worker then sees ¥800.00 in the list."""
    value = ParameterValue.objects.create(definition=make_definition(STANDARD), area_code=VILLAGE_A1,
                                          effective_from=dt.date(2025, 7, 1), value_int=80000,
                                          status=ValueStatus.PROPOSED, created_by=users["district_admin"])
    client = login(users["district_approver"])
    assert f'data-value-id="{value.pk}"' in client.get(DETAIL).content.decode()
    assert client.post(reverse("policy:value_approve", args=[value.pk])).status_code == 302
    assert ParameterValue.objects.get(pk=value.pk).status == ValueStatus.APPROVED
    assert "¥800.00" in _row(login(users["village_a1"]).get(LIST).content.decode(), STANDARD)


def test_a_village_worker_does_not_see_another_villages_values(users, login):
    """Given a pending value for village 乙一, when the 甲一 village worker opens the detail page, then it is not
    listed, and opening it by its id is not found, like a missing value."""
    from minzheng.core.errors import NotFoundError
    from minzheng.policy.access import access_parameter_value_by_id

    value = ParameterValue.objects.create(definition=make_definition(STANDARD), area_code="340471101201",
                                          effective_from=dt.date(2025, 7, 1), value_int=80000,
                                          status=ValueStatus.PROPOSED, created_by=users["district_admin"])
    assert f'data-value-id="{value.pk}"' not in login(users["village_a1"]).get(DETAIL).content.decode()
    with pytest.raises(NotFoundError):
        access_parameter_value_by_id(users["village_a1"], value.pk)
