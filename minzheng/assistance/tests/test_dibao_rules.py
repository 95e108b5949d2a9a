"""低保, 单人保, 低保边缘 and 刚性支出困难: one test per rule, with the demo standards (¥745, ¥770 from 2025-07-01)."""

from __future__ import annotations

import pytest

from minzheng.assistance.enums import Program
from minzheng.assistance.reasons import Reason
from minzheng.assistance.tests.builders import STANDARD, assess, household, member

# --- 低保 ---------------------------------------------------------------------------------------------------


def test_dibao_rule_income_below_standard_is_eligible():
    """低保 rule (per-capita income < standard, assets pass). Given three members with ¥1,000 in all, when
    assessed, then 低保 covers all three for (745 − 333.33) × 3 = ¥1,235 (rounded to whole yuan)."""
    data = household(member(income=100000), member(relation="spouse", male=False), member(relation="child"))
    dibao = assess(data).decision(Program.DIBAO)
    assert dibao.eligible
    assert len(dibao.member_ids) == 3
    assert dibao.monthly_amount_fen == 123500
    assert dibao.reasons == (Reason.DIBAO_INCOME_BELOW_STANDARD, Reason.ASSETS_PASS)


def test_dibao_rule_income_at_standard_is_not_eligible():
    """低保 rule. Given a per-capita income exactly at the standard, then not eligible (the rule is "below"),
    no members, no amount."""
    dibao = assess(household(member(income=STANDARD))).decision(Program.DIBAO)
    assert (dibao.eligible, dibao.member_ids, dibao.monthly_amount_fen) == (False, (), 0)
    assert Reason.DIBAO_INCOME_ABOVE_STANDARD in dibao.reasons


@pytest.mark.parametrize(("incomes", "expected"), [
    ((50,), 74500),  # gap 744.50 → 745
    ((51,), 74400),  # gap 744.49 → 744
    ((148950, 0), 100),  # per-capita 744.75, gap 0.25 × 2 = 0.50 → 1
    ((148951, 0), 100),  # per-capita floors to 744.75 as well (the exact gap would be 0.49)
    ((148952, 0), 0),  # per-capita 744.76, gap 0.24 × 2 = 0.48 → 0: eligible, nothing to pay
])
def test_dibao_amount_rule_rounds_half_up_to_whole_yuan(incomes, expected):
    """低保 amount rule: (standard − per-capita income) × members, rounded to whole yuan, half up. The
    per-capita figure is the published one (floored to the fen)."""
    members = [member(income=incomes[0])] + [member(relation="child", income=i) for i in incomes[1:]]
    dibao = assess(household(*members)).decision(Program.DIBAO)
    assert dibao.eligible
    assert dibao.monthly_amount_fen == expected


def test_dibao_rule_refused_when_assets_fail():
    """低保 rule. Given no income but a car, then 低保 is refused: income passes, assets do not."""
    data = household(member(), assets={"deposits_fen": 0, "vehicles": 1, "companies": 0, "homes": 1})
    dibao = assess(data).decision(Program.DIBAO)
    assert not dibao.eligible
    assert dibao.reasons == (Reason.DIBAO_INCOME_BELOW_STANDARD, Reason.ASSETS_VEHICLE)


@pytest.mark.parametrize(("as_of", "eligible", "amount"), [
    ("2025-06-30", False, 0),
    ("2025-07-01", True, 1000),
])
def test_dibao_standard_change_on_2025_07_01(as_of, eligible, amount):
    """低保 standard change: ¥745 until 2025-06-30, ¥770 from 2025-07-01. Given a person earning ¥760, then
    on 30 June the income is above the standard and on 1 July 低保 pays the ¥10 gap."""
    dibao = assess(household(member(income=76000), as_of=as_of)).decision(Program.DIBAO)
    assert (dibao.eligible, dibao.monthly_amount_fen) == (eligible, amount)


# --- 单人保 -------------------------------------------------------------------------------------------------


def _marginal_household_with(candidate: dict, head_income: int = 200000) -> dict:
    """A 低保边缘 household: per-capita ¥1,000 (between ¥745 and 1.5 × ¥745); the head is an able supporter, so
    the candidate is not 特困."""
    return household(member(income=head_income), candidate, able_supporters=1)


@pytest.mark.parametrize(("disability", "reason"), [
    ({"kind": "physical", "grade": 1}, Reason.INDIVIDUAL_DIBAO_SEVERE_DISABILITY),
    ({"kind": "visual", "grade": 2}, Reason.INDIVIDUAL_DIBAO_SEVERE_DISABILITY),
    ({"kind": "intellectual", "grade": 3}, Reason.INDIVIDUAL_DIBAO_INTELLECTUAL_MENTAL_GRADE3),
    ({"kind": "mental", "grade": 3}, Reason.INDIVIDUAL_DIBAO_INTELLECTUAL_MENTAL_GRADE3),
])
def test_individual_dibao_rule_disability_triggers(disability, reason):
    """单人保 rule (disability grade 1–2, or grade 3 intellectual/mental, in a 低保边缘 household). Given such a
    member without income, then that member alone gets the whole standard."""
    candidate = member(born="1990-05-05", relation="child", disability=disability)
    result = assess(_marginal_household_with(candidate))
    decision = result.decision(Program.INDIVIDUAL_DIBAO)
    assert decision.eligible
    assert decision.member_ids == (candidate["id_number"],)
    assert decision.monthly_amount_fen == STANDARD
    assert Reason.INDIVIDUAL_DIBAO_HOUSEHOLD_MARGINAL in decision.reasons and reason in decision.reasons
    assert result.decision(Program.MARGINAL).eligible


def test_individual_dibao_rule_serious_illness_trigger():
    """单人保 rule (serious illness). Given a seriously ill member earning ¥200 in a 低保边缘 household, then the
    member gets standard − own income = ¥545."""
    candidate = member(born="1990-05-05", relation="child", serious_illness=True, income=20000)
    decision = assess(_marginal_household_with(candidate, head_income=180000)).decision(Program.INDIVIDUAL_DIBAO)
    assert decision.eligible and decision.monthly_amount_fen == STANDARD - 20000
    assert Reason.INDIVIDUAL_DIBAO_SERIOUS_ILLNESS in decision.reasons


@pytest.mark.parametrize("disability", [{"kind": "physical", "grade": 3}, {"kind": "intellectual", "grade": 4}])
def test_individual_dibao_rule_other_disabilities_do_not_trigger(disability):
    """单人保 rule. Grade 3 physical or grade 4 disabilities are not triggers: not eligible, with the code."""
    candidate = member(born="1990-05-05", relation="child", disability=disability)
    decision = assess(_marginal_household_with(candidate)).decision(Program.INDIVIDUAL_DIBAO)
    assert not decision.eligible
    assert Reason.INDIVIDUAL_DIBAO_NO_QUALIFYING_MEMBER in decision.reasons


def test_individual_dibao_rule_own_income_at_standard_is_not_covered():
    """单人保 rule (amount = standard − own income). Given a triggering member whose own income is ¥800, then
    nothing is left to pay: not covered, with the code."""
    candidate = member(born="1990-05-05", relation="child", serious_illness=True, income=80000)
    decision = assess(_marginal_household_with(candidate, head_income=120000)).decision(Program.INDIVIDUAL_DIBAO)
    assert not decision.eligible and decision.monthly_amount_fen == 0
    assert Reason.INDIVIDUAL_DIBAO_INCOME_ABOVE_STANDARD in decision.reasons


def test_individual_dibao_rule_not_applicable_when_household_is_dibao():
    """单人保 rule. Given a 低保 household with a seriously ill member, then 单人保 is not needed."""
    data = household(member(), member(relation="child", serious_illness=True), able_supporters=1)
    decision = assess(data).decision(Program.INDIVIDUAL_DIBAO)
    assert not decision.eligible
    assert decision.reasons == (Reason.INDIVIDUAL_DIBAO_HOUSEHOLD_IS_DIBAO,)


def test_individual_dibao_rule_not_applicable_when_household_is_not_marginal():
    """单人保 rule. Given a household above the 边缘 limit with a seriously ill member, then no 单人保."""
    data = household(member(income=400000), member(relation="child", serious_illness=True), able_supporters=1)
    decision = assess(data).decision(Program.INDIVIDUAL_DIBAO)
    assert decision.reasons == (Reason.INDIVIDUAL_DIBAO_HOUSEHOLD_NOT_MARGINAL,)


def test_individual_dibao_rule_covers_several_members():
    """单人保 rule. Given two triggering members without income, then both are covered for a standard each."""
    first = member(born="1990-05-05", relation="child", serious_illness=True)
    second = member(born="1992-05-05", relation="child", disability={"kind": "mental", "grade": 2})
    data = household(member(income=300000), first, second, able_supporters=1)
    decision = assess(data).decision(Program.INDIVIDUAL_DIBAO)
    assert decision.member_ids == (first["id_number"], second["id_number"])
    assert decision.monthly_amount_fen == 2 * STANDARD


# --- 低保边缘 -------------------------------------------------------------------------------------------------


def test_marginal_rule_income_below_one_and_a_half_standards():
    """低保边缘 rule (not 低保, per-capita < 1.5 × standard, assets pass). Given ¥1,000 per capita, then
    低保边缘 with no monthly cash."""
    marginal = assess(household(member(income=100000))).decision(Program.MARGINAL)
    assert marginal.eligible and marginal.monthly_amount_fen == 0
    assert Reason.MARGINAL_INCOME_BELOW_LIMIT in marginal.reasons


def test_marginal_rule_income_at_the_limit_is_not_marginal():
    """低保边缘 rule. Given exactly 1.5 × ¥745 = ¥1,117.50 per capita, then not 边缘."""
    marginal = assess(household(member(income=111750))).decision(Program.MARGINAL)
    assert not marginal.eligible and Reason.MARGINAL_INCOME_ABOVE_LIMIT in marginal.reasons


def test_marginal_rule_not_for_a_dibao_household():
    """低保边缘 rule. A 低保 household is not also 边缘."""
    marginal = assess(household(member(income=74499))).decision(Program.MARGINAL)
    assert marginal.reasons == (Reason.MARGINAL_HOUSEHOLD_IS_DIBAO,)


def test_marginal_rule_refused_when_assets_fail():
    """低保边缘 rule. Given ¥1,000 per capita and two homes, then not 边缘."""
    data = household(member(income=100000), assets={"deposits_fen": 0, "vehicles": 0, "companies": 0, "homes": 2})
    marginal = assess(data).decision(Program.MARGINAL)
    assert not marginal.eligible and Reason.ASSETS_HOMES_EXCEED in marginal.reasons


# --- 刚性支出困难 -----------------------------------------------------------------------------------------------


def _rigid_household(*, income: int = 240000, expenses: int = 1440000) -> dict:
    """Two members, per-capita ¥1,200 a month (above the 边缘 limit of ¥1,117.50)."""
    return household(member(income=income), member(relation="spouse", male=False),
                     rigid_expenses_12m_fen=expenses)


def test_rigid_expense_rule_eligible_at_half_of_income():
    """刚性支出困难 rule. Given per-capita ¥14,400 a year (< ¥26,000) and rigid expenses of ¥14,400 over 12
    months, exactly 50 % of 12 × ¥2,400, then eligible, valid for the set period, no monthly cash."""
    rigid = assess(_rigid_household()).decision(Program.RIGID_EXPENSE)
    assert rigid.eligible and rigid.monthly_amount_fen == 0 and len(rigid.member_ids) == 2
    assert rigid.reasons == (Reason.RIGID_EXPENSE_INCOME_BELOW_CEILING, Reason.RIGID_EXPENSE_SHARE_REACHED,
                             Reason.ASSETS_PASS, Reason.RIGID_EXPENSE_VALID_PERIOD)


def test_rigid_expense_rule_share_below_half_is_not_eligible():
    """刚性支出困难 rule (expenses ≥ 50 % of 12 months' income). One fen short of half, then not eligible."""
    rigid = assess(_rigid_household(expenses=1439999)).decision(Program.RIGID_EXPENSE)
    assert not rigid.eligible and Reason.RIGID_EXPENSE_SHARE_NOT_REACHED in rigid.reasons


@pytest.mark.parametrize(("income", "reason", "eligible"), [
    (216666, Reason.RIGID_EXPENSE_INCOME_BELOW_CEILING, True),  # 12 × 2,166.66 = 25,999.92
    (216667, Reason.RIGID_EXPENSE_INCOME_ABOVE_CEILING, False),  # 12 × 2,166.67 = 26,000.04
])
def test_rigid_expense_rule_income_ceiling(income, reason, eligible):
    """刚性支出困难 rule (per-capita monthly income × 12 < ¥26,000). Given one member just under or just over,
    with rigid expenses equal to the whole year's income, then the ceiling decides."""
    data = household(member(income=income), rigid_expenses_12m_fen=income * 12)
    rigid = assess(data).decision(Program.RIGID_EXPENSE)
    assert rigid.eligible is eligible and reason in rigid.reasons


def test_rigid_expense_rule_not_for_marginal_or_dibao_households():
    """刚性支出困难 rule (not 低保/特困/边缘). A 边缘 or 低保 household with large expenses is not assessed."""
    marginal = assess(household(member(income=100000), rigid_expenses_12m_fen=10**8))
    dibao = assess(household(member(income=1000), rigid_expenses_12m_fen=10**8))
    assert marginal.decision(Program.RIGID_EXPENSE).reasons == (Reason.RIGID_EXPENSE_HOUSEHOLD_IS_MARGINAL,)
    assert dibao.decision(Program.RIGID_EXPENSE).reasons == (Reason.RIGID_EXPENSE_HOUSEHOLD_IS_DIBAO,)


def test_rigid_expense_rule_refused_when_assets_fail():
    """刚性支出困难 rule (assets pass). Given a company, then not eligible."""
    data = _rigid_household()
    data["assets"] = {"deposits_fen": 0, "vehicles": 0, "companies": 1, "homes": 1}
    rigid = assess(data).decision(Program.RIGID_EXPENSE)
    assert not rigid.eligible and Reason.ASSETS_COMPANY in rigid.reasons


def test_rigid_expense_rule_needs_some_rigid_expense():
    """刚性支出困难 rule. Without any rigid expense the share test fails, even when the income is nil (0 ≥ 0 is
    not hardship); such a household is refused 低保 only for its assets."""
    data = household(member(), assets={"deposits_fen": 0, "vehicles": 1, "companies": 0, "homes": 1})
    rigid = assess(data).decision(Program.RIGID_EXPENSE)
    assert not rigid.eligible and Reason.RIGID_EXPENSE_SHARE_NOT_REACHED in rigid.reasons
