"""Rules shared by the household programs: who is counted, which income counts, the asset tests, and the
household figures of the output."""

from __future__ import annotations

import pytest

from minzheng.assistance.enums import Program
from minzheng.assistance.reasons import Reason
from minzheng.assistance.tests.builders import STANDARD, assess, household, member

HOUSEHOLD_PROGRAMS = (Program.DIBAO, Program.MARGINAL, Program.RIGID_EXPENSE)


@pytest.mark.parametrize(("status", "reason"), [
    ("imprisoned", Reason.MEMBER_EXCLUDED_IMPRISONED),
    ("compulsory_rehab", Reason.MEMBER_EXCLUDED_COMPULSORY_REHAB),
    ("declared_missing", Reason.MEMBER_EXCLUDED_DECLARED_MISSING),
    ("clergy_away", Reason.MEMBER_EXCLUDED_CLERGY_AWAY),
])
def test_counted_members_rule_excludes_each_status(status, reason):
    """Counted-members rule. Given a couple where the husband has the status and the wife earns ¥900,
    when assessed, then only the wife counts: household of one, per-capita ¥900, and the status's code."""
    data = household(member(income=0, status=status), member(income=90000, relation="spouse", male=False))
    result = assess(data)
    assert result.household_size == 1
    assert result.per_capita_income_fen == 90000
    assert reason in result.decision(Program.DIBAO).reasons


def test_counted_members_rule_excluded_member_income_is_not_counted():
    """Counted-members rule. Given an imprisoned member with ¥5,000 of income and a spouse with none, when
    assessed, then the prisoner's income is not household income and the spouse gets 低保 alone."""
    data = household(member(income=500000, status="imprisoned"), member(relation="spouse", male=False))
    result = assess(data)
    assert result.per_capita_income_fen == 0
    dibao = result.decision(Program.DIBAO)
    assert dibao.eligible and len(dibao.member_ids) == 1 and dibao.monthly_amount_fen == STANDARD


def test_counted_members_rule_excludes_member_not_living_together():
    """Counted-members rule. Given a son who does not live with his mother (and is not a student), when
    assessed, then he is not counted and the code says why."""
    data = household(member(born="1950-01-01", income=50000),
                     member(born="1980-01-01", relation="child", income=900000, living_together=False))
    result = assess(data)
    assert result.household_size == 1
    assert Reason.MEMBER_EXCLUDED_NOT_LIVING_TOGETHER in result.decision(Program.DIBAO).reasons


def test_counted_members_rule_counts_adult_full_time_student_living_away():
    """Counted-members rule: adult full-time students count. Given a 20-year-old student at university (not
    living at home), when assessed, then the student is counted and the code records it."""
    data = household(member(income=100000),
                     member(born="2004-09-01", relation="child", living_together=False, student=True))
    result = assess(data)
    assert result.household_size == 2
    assert result.per_capita_income_fen == 50000
    assert Reason.MEMBER_COUNTED_STUDENT in result.decision(Program.DIBAO).reasons


def test_counted_members_rule_status_excludes_even_a_student():
    """Counted-members rule. Given a student who is imprisoned, when assessed, then the status decides: not
    counted."""
    data = household(member(income=100000), member(born="2004-09-01", relation="child", student=True,
                                                   status="imprisoned"))
    assert assess(data).household_size == 1


def test_household_size_counts_counted_members_only():
    """household_size decision: it is the number of counted members, not the number of people in the file."""
    data = household(member(), member(relation="spouse", male=False),
                     member(relation="child", living_together=False), member(relation="sibling", status="imprisoned"))
    assert assess(data).household_size == 2


def test_per_capita_income_rule_floors_to_the_fen():
    """per_capita_income_fen decision: integer division (floor). Given ¥1,000.00 among 3 members, then 33,333
    fen per member."""
    data = household(member(income=100000), member(relation="spouse", male=False), member(relation="child"))
    assert assess(data).per_capita_income_fen == 33333


@pytest.mark.parametrize(("kind", "reason"), [
    ("care_subsidy", Reason.INCOME_EXCLUDED_CARE_SUBSIDY),
    ("assistance", Reason.INCOME_EXCLUDED_ASSISTANCE),
    ("award", Reason.INCOME_EXCLUDED_AWARD),
    ("basic_pension", Reason.INCOME_EXCLUDED_BASIC_PENSION),
])
def test_excluded_income_rule_for_each_kind(kind, reason):
    """Excluded-income rule. Given ¥600 of wages and ¥2,000 of an excluded kind, when assessed, then only the
    wages count (per-capita ¥600, 低保 granted) and the exclusion is a reason."""
    data = household(member(income_items=[{"kind": "wage", "monthly_fen": 60000},
                                          {"kind": kind, "monthly_fen": 200000}]))
    result = assess(data)
    assert result.per_capita_income_fen == 60000
    dibao = result.decision(Program.DIBAO)
    assert dibao.eligible and reason in dibao.reasons


@pytest.mark.parametrize("kind", ["wage", "business", "property", "transfer"])
def test_counted_income_rule_counts_every_other_kind(kind):
    """Counted-income rule. Given ¥800 of a counted kind, when assessed, then per-capita income is ¥800 and
    the household is above the ¥745 standard."""
    result = assess(household(member(income_items=[{"kind": kind, "monthly_fen": 80000}])))
    assert result.per_capita_income_fen == 80000
    assert not result.decision(Program.DIBAO).eligible


def test_asset_rule_deposits_at_the_limit_pass():
    """Asset rule (deposits ≤ 12 × standard per counted member). Given two members with exactly 24 × ¥745 in
    deposits, when assessed, then the assets pass."""
    data = household(member(), member(relation="spouse", male=False),
                     assets={"deposits_fen": 24 * STANDARD, "vehicles": 0, "companies": 0, "homes": 1})
    dibao = assess(data).decision(Program.DIBAO)
    assert dibao.eligible and Reason.ASSETS_PASS in dibao.reasons


def test_asset_rule_deposits_over_the_limit_fail():
    """Asset rule (deposits). Given one fen more than 12 × standard × counted members, when assessed, then no
    household program passes and each names the deposits."""
    data = household(member(), member(relation="spouse", male=False),
                     assets={"deposits_fen": 24 * STANDARD + 1, "vehicles": 0, "companies": 0, "homes": 1})
    result = assess(data)
    for program in HOUSEHOLD_PROGRAMS:
        decision = result.decision(program)
        assert not decision.eligible and Reason.ASSETS_DEPOSITS_EXCEED in decision.reasons


def test_asset_rule_deposits_count_only_counted_members():
    """Asset rule (deposits). Given 15 × standard in deposits, two members of whom one is imprisoned, then the
    limit is 12 × standard (one counted member) and the assets fail."""
    data = household(member(), member(relation="spouse", male=False, status="imprisoned"),
                     assets={"deposits_fen": 15 * STANDARD, "vehicles": 0, "companies": 0, "homes": 1})
    assert Reason.ASSETS_DEPOSITS_EXCEED in assess(data).decision(Program.DIBAO).reasons


@pytest.mark.parametrize(("assets", "reason"), [
    ({"deposits_fen": 0, "vehicles": 1, "companies": 0, "homes": 1}, Reason.ASSETS_VEHICLE),
    ({"deposits_fen": 0, "vehicles": 0, "companies": 1, "homes": 1}, Reason.ASSETS_COMPANY),
    ({"deposits_fen": 0, "vehicles": 0, "companies": 0, "homes": 2}, Reason.ASSETS_HOMES_EXCEED),
])
def test_asset_rule_vehicles_companies_homes(assets, reason):
    """Asset rules (vehicles = 0, companies = 0, homes ≤ 1). Given a household without income but one asset
    over its limit, when assessed, then 低保 is refused with that asset's code and not ``assets_pass``."""
    dibao = assess(household(member(), assets=assets)).decision(Program.DIBAO)
    assert not dibao.eligible
    assert reason in dibao.reasons and Reason.ASSETS_PASS not in dibao.reasons


def test_asset_rule_reports_every_failing_test():
    """Asset rules. Given a vehicle, a company and three homes, then all three codes are listed."""
    assets = {"deposits_fen": 0, "vehicles": 2, "companies": 1, "homes": 3}
    reasons = assess(household(member(), assets=assets)).decision(Program.DIBAO).reasons
    assert {Reason.ASSETS_VEHICLE, Reason.ASSETS_COMPANY, Reason.ASSETS_HOMES_EXCEED} <= set(reasons)


def test_asset_rule_homes_zero_passes():
    """Asset rule (homes ≤ 1). Given a household that owns no home, the assets pass."""
    assets = {"deposits_fen": 0, "vehicles": 0, "companies": 0, "homes": 0}
    assert assess(household(member(), assets=assets)).decision(Program.DIBAO).eligible


def test_application_at_residence_rule_is_recorded_only():
    """Residence-application rule. Given an application at the place of residence, when assessed, then the
    decisions are the same as at the hukou place, with ``application_at_residence`` added to the household
    and 特困 decisions (the residence-months test needs data the file does not carry)."""
    at_hukou = assess(household(member(income=20000)))
    at_residence = assess(household(member(income=20000), application_place="residence"))
    for program in (Program.DIBAO, Program.TEKUN):
        assert Reason.APPLICATION_AT_RESIDENCE in at_residence.decision(program).reasons
        assert Reason.APPLICATION_AT_RESIDENCE not in at_hukou.decision(program).reasons
    assert [(d.eligible, d.monthly_amount_fen) for d in at_hukou.decisions] == \
        [(d.eligible, d.monthly_amount_fen) for d in at_residence.decisions]


def test_no_counted_members_rule():
    """No-counted-members rule. Given a file whose only member is imprisoned, then every household program is
    refused with ``household_no_counted_members`` and the household figures are zero."""
    result = assess(household(member(status="imprisoned")))
    assert (result.household_size, result.per_capita_income_fen) == (0, 0)
    for program in (Program.DIBAO, Program.INDIVIDUAL_DIBAO, Program.MARGINAL, Program.RIGID_EXPENSE):
        decision = result.decision(program)
        assert not decision.eligible and Reason.HOUSEHOLD_NO_COUNTED_MEMBERS in decision.reasons
