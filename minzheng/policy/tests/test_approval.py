"""Proposing, approving (maker-checker), rejecting and superseding values; history is never rewritten."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError
from minzheng.policy import actions
from minzheng.policy.enums import ValueStatus
from minzheng.policy.models import ImmutableValueError, ParameterValue
from minzheng.policy.selectors import parameter_history, parameter_value
from minzheng.policy.tests.conftest import DISTRICT, TOWN_A, VILLAGE_A1, make_definition, make_value
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db

JULY_2025 = dt.date(2025, 7, 1)


def _propose(user, definition, *, value=77000, area="340471000000", on=JULY_2025, **extra):
    return actions.parameter_value_propose(acting_user=user, definition=definition, area_code=area,
                                           effective_from=on, value_int=value, **extra)


def test_a_proposal_is_pending_and_leaves_an_event(users, standard):
    """Given the district admin, when they propose ¥770 from 2025-07-01 for the district, then a pending value
    exists with them as proposer, and the change log holds the proposal."""
    value = _propose(users["district_admin"], standard, label="淮民发〔2025〕12号")
    assert (value.status, value.area_code, value.created_by) == (ValueStatus.PROPOSED, DISTRICT,
                                                                 users["district_admin"])
    event = Event.objects.get(action="parameter_value.submit", object_id=str(value.pk))
    assert event.after["value_int"] == 77000 and event.after["definition"] == "test.standard_fen"


def test_a_town_code_is_stored_as_the_town_prefix(users, standard):
    """Given town 甲's 12-digit code, when a value is proposed for it, then the stored prefix is 340471100."""
    assert _propose(users["district_admin"], standard, area=f.TOWN_A).area_code == TOWN_A


def test_another_approver_approves(users, standard):
    """Given a proposal by the district admin, when the district approver approves it, then it applies and records
    who approved it and when."""
    value = actions.parameter_value_approve(acting_user=users["district_approver"],
                                            value=_propose(users["district_admin"], standard))
    assert value.status == ValueStatus.APPROVED and value.approved_by == users["district_approver"]
    assert value.approved_at is not None
    assert parameter_value("test.standard_fen", area_code=VILLAGE_A1, on=JULY_2025) == 77000
    assert Event.objects.filter(action="parameter_value.approve", object_id=str(value.pk)).exists()


def test_the_proposer_cannot_approve_their_own_value(users, standard):
    """Given a proposal made by the approver themself, when they approve it, then a Chinese error refuses it and it
    stays pending."""
    value = make_value(standard, on=JULY_2025, value=77000, status=ValueStatus.PROPOSED,
                       created_by=users["district_approver"])
    with pytest.raises(ApplicationError) as raised:
        actions.parameter_value_approve(acting_user=users["district_approver"], value=value)
    assert raised.value.code == "parameter_self_approval"
    assert raised.value.message == "不能审批本人提出的参数值，请由其他审批人员办理"
    assert ParameterValue.objects.get(pk=value.pk).status == ValueStatus.PROPOSED


def test_the_database_refuses_an_approval_by_the_proposer(users, standard):
    """Given a value whose proposer and approver are the same user, when it is written, then the database refuses
    it, whatever the code path."""
    with pytest.raises(IntegrityError), transaction.atomic():
        make_value(standard, on=JULY_2025, value=77000, created_by=users["district_approver"],
                   approved_by=users["district_approver"])


def test_the_proposer_cannot_reject_their_own_value_either(users, standard):
    """Given a proposal made by the approver themself, when they reject it, then it is refused the same way."""
    value = make_value(standard, on=JULY_2025, value=77000, status=ValueStatus.PROPOSED,
                       created_by=users["district_approver"])
    with pytest.raises(ApplicationError, match="不能审批本人提出的参数值"):
        actions.parameter_value_reject(acting_user=users["district_approver"], value=value, reason="重复")


def test_the_district_admin_cannot_approve(users, standard):
    """Given a pending proposal, when the district admin (who proposes) tries to approve it, then it is refused:
    approving needs the approver's permission."""
    value = make_value(standard, on=JULY_2025, value=77000, status=ValueStatus.PROPOSED)
    with pytest.raises(ApplicationError) as raised:
        actions.parameter_value_approve(acting_user=users["district_admin"], value=value)
    assert raised.value.code == "permission_denied"


def test_approving_a_correction_supersedes_the_old_value_and_keeps_it(users, standard):
    """Given ¥770 approved from 2025-07-01, when a correction to ¥780 for the same area and date is proposed and
    approved, then the old value is superseded (figures unchanged, pointing at the new one) and ¥780 applies."""
    old = make_value(standard, on=JULY_2025, value=77000)
    new = actions.parameter_value_approve(acting_user=users["district_approver"],
                                          value=_propose(users["district_admin"], standard, value=78000))
    old.refresh_from_db()
    assert (old.status, old.value_int, old.superseded_by) == (ValueStatus.SUPERSEDED, 77000, new)
    assert parameter_value("test.standard_fen", area_code=VILLAGE_A1, on=JULY_2025) == 78000
    assert Event.objects.filter(action="parameter_value.supersede", object_id=str(old.pk)).exists()


def test_history_lists_every_value_with_derived_end_dates(users, standard):
    """Given ¥745 from 2024-07-01, ¥770 from 2025-07-01 (later corrected to ¥780) and a rejected proposal, when
    the history is read, then all four values are listed, and ¥745 ends on 2025-06-30."""
    first = make_value(standard, on=dt.date(2024, 7, 1), value=74500)
    make_value(standard, on=JULY_2025, value=77000)
    actions.parameter_value_approve(acting_user=users["district_approver"],
                                    value=_propose(users["district_admin"], standard, value=78000))
    actions.parameter_value_reject(acting_user=users["district_approver"],
                                   value=_propose(users["district_admin"], standard, value=99900,
                                                  on=dt.date(2026, 1, 1)), reason="未经批准的文件")
    entries = parameter_history("test.standard_fen", "340471000000")
    assert sorted((e.value.value_int, e.value.status) for e in entries) == [
        (74500, "approved"), (77000, "superseded"), (78000, "approved"), (99900, "rejected")]
    assert next(e for e in entries if e.value == first).effective_to == dt.date(2025, 6, 30)


def test_a_village_user_sees_the_values_that_apply_to_their_village_only(users, standard):
    """Given values for the district, town 甲 and town 乙, when the history is read for village 甲一, then the
    district's and town 甲's are listed but not town 乙's."""
    make_value(standard, on=JULY_2025, value=77000)
    make_value(standard, area=TOWN_A, on=JULY_2025, value=78000)
    make_value(standard, area="340471101", on=JULY_2025, value=79000)
    values = sorted(e.value.value_int for e in parameter_history("test.standard_fen", f.VILLAGE_A1))
    assert values == [77000, 78000]


def test_an_approved_value_is_never_edited_in_place(users, standard):
    """Given an approved value, when its figure is changed and saved, or it is deleted, one by one or in bulk, then
    every attempt is refused."""
    value = make_value(standard, on=JULY_2025, value=77000)
    value.value_int = 78000
    with pytest.raises(ImmutableValueError):
        value.save()
    with pytest.raises(ImmutableValueError):
        value.save(update_fields=["value_int"])
    with pytest.raises(ImmutableValueError):
        value.delete()
    with pytest.raises(ImmutableValueError):
        ParameterValue.objects.filter(pk=value.pk).update(value_int=78000)
    with pytest.raises(ImmutableValueError):
        ParameterValue.objects.filter(pk=value.pk).delete()


def test_a_rejection_needs_a_reason_and_the_value_never_applies(users, standard):
    """Given a pending ¥999, when the approver rejects it without a reason, then that is refused; with a reason it
    is rejected and the parameter stays missing."""
    value = _propose(users["district_admin"], standard, value=99900)
    with pytest.raises(ApplicationError, match="请填写退回理由"):
        actions.parameter_value_reject(acting_user=users["district_approver"], value=value, reason="  ")
    rejected = actions.parameter_value_reject(acting_user=users["district_approver"], value=value, reason="金额有误")
    assert (rejected.status, rejected.rejection_reason, rejected.rejected_by) == (
        ValueStatus.REJECTED, "金额有误", users["district_approver"])
    with pytest.raises(ApplicationError, match="没有生效值"):
        parameter_value("test.standard_fen", area_code=VILLAGE_A1, on=JULY_2025)


def test_a_rejected_value_cannot_be_approved(users, standard):
    """Given a rejected proposal, when it is approved, then the status pipeline refuses it in Chinese."""
    value = _propose(users["district_admin"], standard)
    actions.parameter_value_reject(acting_user=users["district_approver"], value=value, reason="金额有误")
    with pytest.raises(ApplicationError) as raised:
        actions.parameter_value_approve(acting_user=users["district_approver"], value=value)
    assert raised.value.message == "当前状态为「已退回」，不能变更为「已生效」"


def test_only_one_pending_proposal_per_area_and_date(users, standard):
    """Given a pending proposal for the district from 2025-07-01, when another is proposed for the same area and
    date, then it is refused until the first is decided."""
    _propose(users["district_admin"], standard)
    with pytest.raises(ApplicationError, match="已有待审批的值"):
        _propose(users["district_admin"], standard, value=78000)


@pytest.mark.parametrize("area", ["340472000000", "340471109000", "abc"])
def test_a_proposal_outside_the_users_area_is_refused(users, standard, area):
    """Given the district admin of 340471, when they propose for another district, an unknown town or a malformed
    code, then it is refused on the area field."""
    with pytest.raises(ApplicationError) as raised:
        _propose(users["district_admin"], standard, area=area)
    assert raised.value.field == "area_code"


@pytest.mark.parametrize("unit, value, message", [("fen", -1, "不能为负数"), ("percent", 101, "不能超过100"),
                                                  ("bool", 2, "只能取0或1")])
def test_impossible_values_are_refused(users, areas, unit, value, message):
    """Given parameters of several units, when an impossible value is proposed, then a Chinese error names why."""
    definition = make_definition(f"test.{unit}", unit=unit)
    with pytest.raises(ApplicationError, match=message):
        _propose(users["district_admin"], definition, value=value)


def test_village_workers_cannot_propose(users, standard):
    """Given a village worker, when they propose a value, then it is refused."""
    with pytest.raises(ApplicationError) as raised:
        _propose(users["village_a1"], standard, area=f.VILLAGE_A1)
    assert raised.value.code == "permission_denied"


def test_a_district_user_sees_the_values_of_every_area_under_the_district(users, standard):
    """Given values for the district, town 甲 and village 乙一, when the history is read for the district's padded
    code, then all three are listed."""
    make_value(standard, on=JULY_2025, value=77000)
    make_value(standard, area=TOWN_A, on=JULY_2025, value=78000)
    make_value(standard, area="340471101201", on=JULY_2025, value=79000)
    values = sorted(e.value.value_int for e in parameter_history("test.standard_fen", "340471000000"))
    assert values == [77000, 78000, 79000]


def test_the_district_approver_approves_a_town_value(users, standard):
    """Given a proposal for town 甲, when the district approver approves it, then it applies in 甲's villages."""
    value = _propose(users["district_admin"], standard, area=f.TOWN_A, value=78000)
    actions.parameter_value_approve(acting_user=users["district_approver"], value=value)
    assert parameter_value("test.standard_fen", area_code=VILLAGE_A1, on=JULY_2025) == 78000
