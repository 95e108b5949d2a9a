"""标准自然增长: a rule proposes the next standard, rounded half up to whole yuan, for someone else to approve."""

from __future__ import annotations

import datetime as dt

import pytest

from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError
from minzheng.policy import actions
from minzheng.policy.enums import GrowthKind, ValueStatus
from minzheng.policy.growth import grown_value
from minzheng.policy.models import GrowthRule, ParameterValue
from minzheng.policy.selectors import growth_preview, parameter_value
from minzheng.policy.tests.conftest import DISTRICT, VILLAGE_A1, make_definition, make_value
from minzheng.testing import factories as f

JULY_2025 = dt.date(2025, 7, 1)
JULY_2026 = dt.date(2026, 7, 1)


@pytest.mark.parametrize("base, amount, expected", [
    (77000, 50, 80900),   # ¥770 × 1.05 = ¥808.50 → ¥809
    (77190, 50, 81000),   # ¥810.495 → ¥810: the exact amount is rounded, not a fen-rounded ¥810.50
    (74500, 35, 77100),   # ¥745 × 1.035 = ¥771.075 → ¥771
    (74500, 1000, 149000),  # doubling
])
def test_a_percent_rise_rounds_the_exact_amount_half_up_to_whole_yuan(base, amount, expected):
    """Given a standard and a rise in tenths of a percent, when grown, then the exact new amount is rounded half up
    to whole yuan."""
    assert grown_value(base, kind=GrowthKind.PERCENT, amount=amount) == expected


@pytest.mark.parametrize("base, expected", [(77000, 80000), (74550, 77600), (74549, 77500)])
def test_a_fixed_rise_adds_the_amount_and_rounds_half_up_to_whole_yuan(base, expected):
    """Given a standard with or without fen, when it rises by ¥30, then the sum is rounded half up to whole yuan:
    ¥775.50 → ¥776, ¥775.49 → ¥775."""
    assert grown_value(base, kind=GrowthKind.FIXED_FEN, amount=3000) == expected


def test_a_rise_must_be_positive():
    """Given a rise of zero, when grown, then a Chinese error asks for more than zero."""
    with pytest.raises(ApplicationError, match="上调幅度应大于零"):
        grown_value(77000, kind=GrowthKind.PERCENT, amount=0)


@pytest.fixture
def standard_2025(standard):
    make_value(standard, on=dt.date(2024, 7, 1), value=74500)
    make_value(standard, on=JULY_2025, value=77000)
    return standard


def _rule(user, definition, *, kind=GrowthKind.PERCENT, amount=50, on=JULY_2026, area="340471000000"):
    return actions.growth_rule_create(acting_user=user, definition=definition, area_code=area, kind=kind,
                                      amount=amount, effective_from=on, label="测试文号")


@pytest.mark.django_db
def test_applying_a_rule_proposes_the_next_standard_without_approving_it(users, standard_2025):
    """Given ¥770 from 2025-07-01, when the district admin applies +5 % from 2026-07-01, then ¥809 is proposed for the
    district, nothing is approved, and 2026-07-01 still resolves to ¥770."""
    rule = _rule(users["district_admin"], standard_2025)
    value = actions.growth_rule_apply(acting_user=users["district_admin"], rule=rule)
    assert (value.status, value.value_int, value.area_code, value.effective_from) == (
        ValueStatus.PROPOSED, 80900, DISTRICT, JULY_2026)
    assert value.created_by == users["district_admin"] and value.approved_by is None
    assert "上调5%" in value.note and "¥770.00" in value.note
    assert parameter_value("test.standard_fen", area_code=VILLAGE_A1, on=JULY_2026) == 77000


@pytest.mark.django_db
def test_the_proposal_applies_once_another_user_approves_it(users, standard_2025):
    """Given ¥809 proposed by a growth rule, when the district approver approves it, then 2026-07-01 resolves to ¥809
    and 2026-06-30 still to ¥770."""
    value = actions.growth_rule_apply(acting_user=users["district_admin"], rule=_rule(users["district_admin"],
                                                                                      standard_2025))
    actions.parameter_value_approve(acting_user=users["district_approver"], value=value)
    assert parameter_value("test.standard_fen", area_code=VILLAGE_A1, on=JULY_2026) == 80900
    assert parameter_value("test.standard_fen", area_code=VILLAGE_A1, on=dt.date(2026, 6, 30)) == 77000


@pytest.mark.django_db
def test_a_fixed_rise_of_30_yuan(users, standard_2025):
    """Given ¥770, when the rule is +¥30 from 2026-07-01, then ¥800 is proposed."""
    rule = _rule(users["district_admin"], standard_2025, kind=GrowthKind.FIXED_FEN, amount=3000)
    assert actions.growth_rule_apply(acting_user=users["district_admin"], rule=rule).value_int == 80000


@pytest.mark.django_db
def test_the_base_is_the_standard_in_force_the_day_before(users, standard_2025):
    """Given ¥770 from 2025-07-01, when a +5 % rule for 2025-07-01 itself is previewed, then it grows ¥745 (in force
    on 2025-06-30), so re-running a rise for a date never compounds on itself."""
    preview = growth_preview(definition=standard_2025, area_code=DISTRICT, kind=GrowthKind.PERCENT, amount=50,
                             effective_from=JULY_2025)
    assert (preview.base.value_int, preview.result) == (74500, 78200)  # ¥782.25 → ¥782


@pytest.mark.django_db
def test_a_rule_is_applied_only_once(users, standard_2025):
    """Given an applied rule, when it is applied again, then it is refused and no second proposal exists."""
    rule = _rule(users["district_admin"], standard_2025)
    actions.growth_rule_apply(acting_user=users["district_admin"], rule=rule)
    with pytest.raises(ApplicationError, match="已生成过待审批的值"):
        actions.growth_rule_apply(acting_user=users["district_admin"], rule=rule)
    assert ParameterValue.objects.filter(definition=standard_2025, status=ValueStatus.PROPOSED).count() == 1


@pytest.mark.django_db
def test_a_rise_that_rounds_away_is_refused(users, standard_2025):
    """Given ¥770, when the rule is +¥0.30 (rounding back to ¥770), then applying it is refused: nothing to propose."""
    rule = _rule(users["district_admin"], standard_2025, kind=GrowthKind.FIXED_FEN, amount=30)
    with pytest.raises(ApplicationError, match="无需提出"):
        actions.growth_rule_apply(acting_user=users["district_admin"], rule=rule)


@pytest.mark.django_db
def test_only_money_parameters_grow(users, areas):
    """Given a parameter counted in months, when a growth rule is created for it, then it is refused in Chinese."""
    months = make_definition("test.months", name="测试月数", unit="months")
    with pytest.raises(ApplicationError, match="只有金额类参数"):
        _rule(users["district_admin"], months)


@pytest.mark.django_db
def test_without_a_standard_in_force_there_is_nothing_to_grow(users, standard):
    """Given no value at all, when a rule is applied, then parameter_missing explains why, and the rule stays
    unapplied."""
    rule = _rule(users["district_admin"], standard)
    with pytest.raises(ApplicationError) as raised:
        actions.growth_rule_apply(acting_user=users["district_admin"], rule=rule)
    assert raised.value.code == "parameter_missing"
    assert GrowthRule.objects.get(pk=rule.pk).proposed_value is None


@pytest.mark.django_db
def test_creating_and_applying_a_rule_leave_event_rows(users, standard_2025):
    """Given a rule created and applied, when the change log is read, then it holds the rule's creation, its
    application and the proposal, each by the district admin."""
    rule = _rule(users["district_admin"], standard_2025)
    value = actions.growth_rule_apply(acting_user=users["district_admin"], rule=rule)
    events = {(e.action, e.object_id) for e in Event.objects.filter(actor=users["district_admin"])}
    assert {("growth_rule.create", str(rule.pk)), ("growth_rule.apply", str(rule.pk)),
            ("parameter_value.submit", str(value.pk))} <= events


@pytest.mark.django_db
def test_village_workers_cannot_create_rules(users, standard_2025):
    """Given a village worker, when they create a growth rule, then it is refused."""
    with pytest.raises(ApplicationError) as raised:
        _rule(users["village_a1"], standard_2025, area=f.VILLAGE_A1)
    assert raised.value.code == "permission_denied"
