"""特困: categories, the 三无 tests, the basic and care standards, and how a 特困 member leaves the 低保 unit.
Demo standards on 2025-03-01: 低保 ¥745, so the basic living standard is ceil(1.3 × 745) = ¥969."""

from __future__ import annotations

import datetime as dt

import pytest

from minzheng.assistance.determination import age_on, tekun_basic_monthly_fen
from minzheng.assistance.enums import Program
from minzheng.assistance.reasons import Reason
from minzheng.assistance.tests.builders import STANDARD, assess, demo_standards, household, member

BASIC = 96900
DISPERSED_FULL = BASIC + 4500


def test_tekun_category_elderly_from_the_60th_birthday():
    """特困 category rule (aged ≥ 60). Given a person without income or supporter who turns 60 on the
    assessment day, then 特困 with the elderly category and the dispersed full-self-care amount."""
    elder = member(born="1965-03-01")
    tekun = assess(household(elder, as_of="2025-03-01")).decision(Program.TEKUN)
    assert tekun.eligible and tekun.member_ids == (elder["id_number"],)
    assert tekun.monthly_amount_fen == DISPERSED_FULL
    assert tekun.reasons == (Reason.TEKUN_CATEGORY_ELDERLY, Reason.TEKUN_INCOME_BELOW_STANDARD,
                             Reason.TEKUN_NO_SUPPORTER, Reason.ASSETS_PASS, Reason.TEKUN_CARE_FULL,
                             Reason.TEKUN_DISPERSED)


def test_tekun_category_elderly_not_the_day_before():
    """特困 category rule. The day before the 60th birthday there is no category."""
    tekun = assess(household(member(born="1965-03-02"), as_of="2025-03-01")).decision(Program.TEKUN)
    assert not tekun.eligible and tekun.reasons == (Reason.TEKUN_NO_CATEGORY_MEMBER,)


def test_age_rule_from_the_id_number_birth_date():
    """Age rule: completed years from the ID number's birth date on ``as_of``; a 29 February birthday falls on
    1 March in other years."""
    born = dt.date(1964, 2, 29)
    assert age_on(born, dt.date(2024, 2, 28)) == 59
    assert age_on(born, dt.date(2024, 2, 29)) == 60
    assert age_on(born, dt.date(2025, 2, 28)) == 60
    assert age_on(born, dt.date(2025, 3, 1)) == 61


@pytest.mark.parametrize("disability", [
    {"kind": "physical", "grade": 1},
    {"kind": "hearing", "grade": 2},
    {"kind": "intellectual", "grade": 3},
    {"kind": "mental", "grade": 3},
])
def test_tekun_category_disabled_adult(disability):
    """特困 category rule (18–59 with disability grade 1–2, or grade 3 intellectual/mental). Given such an
    adult without income or supporter, then 特困 with the disabled category."""
    tekun = assess(household(member(born="1990-06-01", disability=disability))).decision(Program.TEKUN)
    assert tekun.eligible and Reason.TEKUN_CATEGORY_DISABLED in tekun.reasons


def test_tekun_category_disabled_from_the_18th_birthday():
    """特困 category rule. A grade-1 disabled person qualifies from the 18th birthday, not the day before
    (minors are assessed as orphans or 事实无人抚养儿童, outside this engine)."""
    disability = {"kind": "physical", "grade": 1}
    on_birthday = assess(household(member(born="2007-03-01", disability=disability), as_of="2025-03-01"))
    day_before = assess(household(member(born="2007-03-02", disability=disability), as_of="2025-03-01"))
    assert on_birthday.decision(Program.TEKUN).eligible
    assert day_before.decision(Program.TEKUN).reasons == (Reason.TEKUN_NO_CATEGORY_MEMBER,)


def test_tekun_category_other_disabilities_do_not_qualify():
    """特困 category rule. Grade 3 physical disability at 40 is not a category."""
    data = household(member(born="1985-01-01", disability={"kind": "physical", "grade": 3}))
    assert assess(data).decision(Program.TEKUN).reasons == (Reason.TEKUN_NO_CATEGORY_MEMBER,)


@pytest.mark.parametrize(("income", "eligible", "reason"), [
    (STANDARD - 1, True, Reason.TEKUN_INCOME_BELOW_STANDARD),
    (STANDARD, False, Reason.TEKUN_INCOME_ABOVE_STANDARD),
])
def test_tekun_income_rule_own_income_below_standard(income, eligible, reason):
    """特困 income rule (no livelihood: the person's own counted income below the 低保 standard)."""
    tekun = assess(household(member(born="1950-01-01", income=income))).decision(Program.TEKUN)
    assert tekun.eligible is eligible and reason in tekun.reasons


def test_tekun_income_rule_basic_pension_is_not_counted():
    """特困 income rule with excluded income. Given ¥1,500 of basic pension and ¥100 of wages, then the own
    counted income is ¥100: 特困, with the exclusion code."""
    elder = member(born="1950-01-01", income_items=[{"kind": "basic_pension", "monthly_fen": 150000},
                                                    {"kind": "wage", "monthly_fen": 10000}])
    tekun = assess(household(elder)).decision(Program.TEKUN)
    assert tekun.eligible and Reason.INCOME_EXCLUDED_BASIC_PENSION in tekun.reasons


def test_tekun_supporter_rule_able_supporter_refuses():
    """特困 supporter rule (able_supporters = 0). Given one able supporter, then not 特困, with the code."""
    tekun = assess(household(member(born="1950-01-01"), able_supporters=1)).decision(Program.TEKUN)
    assert not tekun.eligible and Reason.TEKUN_HAS_SUPPORTER in tekun.reasons


def test_tekun_asset_rule_assets_must_pass():
    """特困 asset rule. Given an elder who owns a company, then not 特困."""
    data = household(member(born="1950-01-01"), assets={"deposits_fen": 0, "vehicles": 0, "companies": 1, "homes": 1})
    tekun = assess(data).decision(Program.TEKUN)
    assert not tekun.eligible and Reason.ASSETS_COMPANY in tekun.reasons


def test_tekun_basic_standard_rule_is_ceil_of_1_3_times_dibao_standard():
    """特困 basic living standard rule: ceil(1.3 × 低保 standard) in whole yuan: ¥745 → ¥969 (968.5 rounded up),
    ¥770 → ¥1,001 exactly, ¥769.24 → ¥1,001 (1,000.012 rounded up)."""
    assert tekun_basic_monthly_fen(demo_standards()) == 96900
    assert tekun_basic_monthly_fen(demo_standards(dibao_standard_monthly_fen=77000)) == 100100
    assert tekun_basic_monthly_fen(demo_standards(dibao_standard_monthly_fen=76924)) == 100100


@pytest.mark.parametrize(("placement", "self_care", "care", "reason"), [
    ("dispersed", "full", 4500, Reason.TEKUN_CARE_FULL),
    ("dispersed", "partial", 30000, Reason.TEKUN_CARE_PARTIAL),
    ("dispersed", "none", 52500, Reason.TEKUN_CARE_NONE),
    ("centralized", "full", 6000, Reason.TEKUN_CARE_FULL),
    ("centralized", "partial", 45000, Reason.TEKUN_CARE_PARTIAL),
    ("centralized", "none", 75000, Reason.TEKUN_CARE_NONE),
])
def test_tekun_care_standard_rule_each_tier_and_placement(placement, self_care, care, reason):
    """特困 care standard rule: by self-care ability, 分散供养 ¥45/¥300/¥525 and 集中供养 ¥60/¥450/¥750 a
    month on top of the basic ¥969."""
    elder = member(born="1950-01-01", self_care=self_care, care_placement=placement)
    tekun = assess(household(elder)).decision(Program.TEKUN)
    assert tekun.monthly_amount_fen == BASIC + care
    placement_reason = Reason.TEKUN_CENTRALIZED if placement == "centralized" else Reason.TEKUN_DISPERSED
    assert reason in tekun.reasons and placement_reason in tekun.reasons


def test_tekun_standard_change_on_2025_07_01():
    """特困 standards follow the 低保 standard: from 2025-07-01 the basic standard is ¥1,001."""
    tekun = assess(household(member(born="1950-01-01"), as_of="2025-07-01")).decision(Program.TEKUN)
    assert tekun.monthly_amount_fen == 100100 + 4500


def test_tekun_member_is_not_counted_for_dibao():
    """特困 / 低保 rule: a 特困 person is not also counted for 低保. Given an elder (特困) and her unemployed son
    earning ¥600, then 特困 covers the elder and 低保 covers the son alone on his own income: (745 − 600) = ¥145.
    The household figures still describe both counted members."""
    elder = member(born="1950-01-01", male=False, income_items=[{"kind": "basic_pension", "monthly_fen": 15000}])
    son = member(born="1980-01-01", relation="child", income=60000)
    result = assess(household(elder, son))
    assert result.decision(Program.TEKUN).member_ids == (elder["id_number"],)
    dibao = result.decision(Program.DIBAO)
    assert dibao.eligible and dibao.member_ids == (son["id_number"],)
    assert dibao.monthly_amount_fen == STANDARD - 60000
    assert Reason.MEMBER_EXCLUDED_TEKUN in dibao.reasons
    # The elder's basic pension is hers, so it is not among the 低保 unit's exclusions.
    assert Reason.INCOME_EXCLUDED_BASIC_PENSION not in dibao.reasons
    assert (result.household_size, result.per_capita_income_fen) == (2, 30000)


def test_tekun_only_member_leaves_no_dibao_unit():
    """特困 / 低保 rule. Given a lone elder who is 特困, then 低保, 单人保, 边缘 and 刚性支出 have nobody to assess."""
    result = assess(household(member(born="1950-01-01")))
    assert result.decision(Program.TEKUN).eligible
    for program in (Program.DIBAO, Program.INDIVIDUAL_DIBAO, Program.MARGINAL, Program.RIGID_EXPENSE):
        decision = result.decision(program)
        assert not decision.eligible
        assert decision.reasons == (Reason.MEMBER_EXCLUDED_TEKUN, Reason.HOUSEHOLD_NO_COUNTED_MEMBERS)


def test_tekun_covers_each_qualifying_member_and_keeps_the_others_in_the_dibao_unit():
    """特困 rule, person by person. Given an elderly couple, the husband earning ¥800 and the wife nothing,
    then only the wife is 特困 and the husband is assessed for 低保 alone (¥800 > ¥745: not 低保, but 边缘)."""
    husband = member(born="1950-01-01", income=80000)
    wife = member(born="1952-01-01", relation="spouse", male=False, self_care="partial")
    result = assess(household(husband, wife))
    tekun = result.decision(Program.TEKUN)
    assert tekun.member_ids == (wife["id_number"],) and tekun.monthly_amount_fen == BASIC + 30000
    assert {Reason.TEKUN_INCOME_ABOVE_STANDARD, Reason.TEKUN_INCOME_BELOW_STANDARD} <= set(tekun.reasons)
    assert not result.decision(Program.DIBAO).eligible
    assert result.decision(Program.MARGINAL).member_ids == (husband["id_number"],)


def test_tekun_amount_is_the_sum_over_members():
    """特困 amount rule. Given an elderly couple without income, then both are covered and the amounts add up."""
    data = household(member(born="1950-01-01"), member(born="1951-01-01", relation="spouse", male=False,
                                                       self_care="none", care_placement="centralized"))
    tekun = assess(data).decision(Program.TEKUN)
    assert len(tekun.member_ids) == 2
    assert tekun.monthly_amount_fen == DISPERSED_FULL + BASIC + 75000


def test_tekun_rule_failed_candidate_stays_in_the_dibao_unit():
    """特困 / 低保 rule. Given an elder with an able supporter, then not 特困 and counted for 低保 as usual."""
    result = assess(household(member(born="1950-01-01"), able_supporters=1))
    dibao = result.decision(Program.DIBAO)
    assert dibao.eligible and dibao.monthly_amount_fen == STANDARD
    assert Reason.MEMBER_EXCLUDED_TEKUN not in dibao.reasons
