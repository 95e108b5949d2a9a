"""临时救助: decided where the emergency happened, aid first when urgent, approval by amount."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minzheng.areas.models import Area
from minzheng.assistance import tempaid
from minzheng.assistance.tempaid_models import ApprovalLevel, TempAidCase, TempAidStatus
from minzheng.core.calendar import deadline
from minzheng.core.errors import ApplicationError
from minzheng.core.identifiers import make_id_number
from minzheng.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_parameters")]

ON = dt.date(2025, 9, 1)  # 低保 standard ¥770 → town limit 6 × ¥770 = ¥4,620
OUTSIDER = make_id_number("410526", dt.date(1980, 5, 6), 31, male=True)  # hukou in Henan, not in the registry



def _case(users, *, loss_fen: int, kind: str = "emergency", cause: str = "fire", number: str = OUTSIDER,
          on: dt.date = ON) -> TempAidCase:
    return tempaid.temp_aid_create(
        acting_user=users["village_a1"], area=Area.objects.get(code=f.VILLAGE_A1), applicant_name="赵大勇",
        applicant_id_number=number, kind=kind, cause=cause, description="房屋失火，家当尽毁", loss_fen=loss_fen,
        household_size=3, on=on)


def test_a_loss_within_six_standards_is_granted_in_full_at_town_level(users):
    """Given a ¥3,000 loss (below 6 × ¥770), then the grant is ¥3,000 and the town approves it."""
    case = _case(users, loss_fen=300_000)
    assert (case.amount_fen, case.approval_level) == (300_000, ApprovalLevel.TOWN)
    assert "temp_aid_town_level" in case.reasons


def test_a_larger_loss_needs_district_approval_and_is_capped_at_the_district_maximum(users):
    """A ¥10,000 loss is granted in full with district approval; a ¥30,000 loss is capped at ¥20,000."""
    assert (_case(users, loss_fen=1_000_000).amount_fen, _case(users, loss_fen=1_000_000, cause="traffic")
            .approval_level) == (1_000_000, ApprovalLevel.DISTRICT)
    capped = _case(users, loss_fen=3_000_000, cause="illness")
    assert capped.amount_fen == 2_000_000 and "temp_aid_capped_at_district_max" in capped.reasons


def test_the_emergency_area_decides_not_the_hukou(users):
    """Given an applicant registered in another province (not in the registry), when the village where the fire
    happened accepts the case, then it belongs to that village and is visible there, masked."""
    case = _case(users, loss_fen=200_000)
    assert case.person is None and case.area_id == f.VILLAGE_A1
    assert case.masked_id_number == OUTSIDER[:6] + "********" + OUTSIDER[-4:]
    assert list(tempaid.temp_aid_scope(users["village_a1"])) == [case]
    assert list(tempaid.temp_aid_scope(users["village_b1"])) == []


def test_aid_first_sets_the_paperwork_deadline_in_working_days_and_closes_when_completed(users):
    """Given an urgent case, when the town pays first on 2025-09-26, then paperwork is due 5 working days later
    across the National Day holiday (2025-10-10), and completing it closes the case."""
    case = _case(users, loss_fen=300_000)
    tempaid.temp_aid_pay_first(acting_user=users["town_a"], case=case, on=dt.date(2025, 9, 26))
    assert case.status == TempAidStatus.PAID_FIRST
    assert case.paperwork_due_on == deadline(dt.date(2025, 9, 26), 5, "working_days").date == dt.date(2025, 10, 10)
    tempaid.temp_aid_complete_paperwork(acting_user=users["town_a"], case=case,
                                        investigation="已补签申请书，入户核实属实")
    assert case.status == TempAidStatus.CLOSED


def test_only_urgent_cases_can_be_paid_first(users):
    case = _case(users, loss_fen=300_000, kind="expenditure", cause="medical_expense")
    with pytest.raises(ApplicationError, match="急难型"):
        tempaid.temp_aid_pay_first(acting_user=users["town_a"], case=case)


def test_a_district_level_grant_cannot_be_approved_by_the_town(users):
    """Given a case above the town limit, the town reviewer's approval is refused; the district approver's
    approval stands, and the grant is then recorded as paid."""
    case = _case(users, loss_fen=1_000_000, kind="expenditure", cause="medical_expense")
    tempaid.temp_aid_investigate(acting_user=users["town_a"], case=case, investigation="医疗票据核实")
    with pytest.raises(ApplicationError, match="区级审批"):
        tempaid.temp_aid_approve(acting_user=users["town_a"], case=case)
    tempaid.temp_aid_approve(acting_user=users["district_approver"], case=case)
    tempaid.temp_aid_pay(acting_user=users["town_a"], case=case)
    assert (case.status, case.decided_by) == (TempAidStatus.PAID, users["district_approver"])


def test_the_same_cause_twice_in_a_year_is_refused_but_a_denied_case_does_not_count(users):
    first = _case(users, loss_fen=300_000)
    with pytest.raises(ApplicationError, match="同一事由"):
        _case(users, loss_fen=100_000)
    tempaid.temp_aid_deny(acting_user=users["town_a"], case=first, reason="经核实不属实")
    assert _case(users, loss_fen=100_000).status == TempAidStatus.ACCEPTED
    assert _case(users, loss_fen=100_000, cause="traffic").status == TempAidStatus.ACCEPTED


def test_input_errors_are_chinese_and_name_the_field(users):
    with pytest.raises(ApplicationError) as excinfo:
        _case(users, loss_fen=0)
    assert excinfo.value.field == "loss_fen" and "大于0" in excinfo.value.message
    with pytest.raises(ApplicationError) as excinfo:
        _case(users, loss_fen=100_000, number=OUTSIDER[:-1] + ("0" if OUTSIDER[-1] != "0" else "1"))
    assert excinfo.value.field == "applicant_id_number"


def test_pages_file_show_and_scope_a_case(users, login):
    """Given the village worker files a case through the form, then the detail page shows the grant in ¥ and
    大写 with the ID masked; the town can pay first; another village's worker gets 404."""
    worker = login(users["village_a1"])
    response = worker.post(reverse("assistance:temp_aid_create"), {
        "area": f.VILLAGE_A1, "applicant_name": "赵大勇", "applicant_id_number": OUTSIDER, "kind": "emergency",
        "cause": "fire", "household_size": 3, "loss": "3000", "description": "房屋失火"})
    case = TempAidCase.objects.get()
    assert response.status_code == 302
    page = worker.get(reverse("assistance:temp_aid_detail", args=[case.pk])).content.decode()
    assert "¥3,000.00" in page and "叁仟元整" in page and OUTSIDER not in page
    town = login(users["town_a"])
    town.post(reverse("assistance:temp_aid_step", args=[case.pk, "pay_first"]))
    case.refresh_from_db()
    assert case.status == TempAidStatus.PAID_FIRST
    other = login(users["village_b1"])
    assert other.get(reverse("assistance:temp_aid_detail", args=[case.pk])).status_code == 404
