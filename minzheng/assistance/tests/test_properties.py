"""Properties of the determination over generated households (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.assistance.determination import (
    PROGRAMS,
    determine,
    household_from_json,
    household_to_json,
)
from minzheng.assistance.enums import IncomeKind, Program
from minzheng.assistance.reasons import Reason
from minzheng.assistance.tests.builders import OTHER_DISTRICT_VILLAGE, VILLAGE, demo_standards
from minzheng.core.identifiers import make_id_number
from minzheng.registry.enums import DisabilityKind, MemberStatus, SelfCare

AS_OF = dt.date(2025, 7, 1)
money = st.integers(min_value=0, max_value=3_000_000)

income_items = st.lists(st.fixed_dictionaries({"kind": st.sampled_from(IncomeKind.values), "monthly_fen": money}),
                        max_size=3)
disabilities = st.none() | st.fixed_dictionaries({"kind": st.sampled_from(DisabilityKind.values),
                                                  "grade": st.integers(1, 4)})


@st.composite
def households(draw):
    size = draw(st.integers(min_value=1, max_value=6))
    members = []
    for index in range(size):
        born = draw(st.dates(min_value=dt.date(1925, 1, 1), max_value=AS_OF))
        members.append({
            "id_number": make_id_number("340471", born, index * 2, male=draw(st.booleans())),
            "name": "成员",
            "relation": "head" if index == 0 else "other",
            "living_together": draw(st.booleans()),
            "status": draw(st.sampled_from(MemberStatus.values)),
            "disability": draw(disabilities),
            "serious_illness": draw(st.booleans()),
            "self_care": draw(st.sampled_from(SelfCare.values)),
            "student": draw(st.booleans()),
            "care_placement": draw(st.sampled_from(["dispersed", "centralized"])),
            "income_items": draw(income_items),
        })
    emergency = draw(st.none() | st.fixed_dictionaries({
        "kind": st.just("fire"), "area_code": st.sampled_from([VILLAGE, OTHER_DISTRICT_VILLAGE]),
        "loss_fen": st.integers(0, 5_000_000)}))
    return {
        "as_of": AS_OF.isoformat(),
        "area_code": VILLAGE,
        "application_place": draw(st.sampled_from(["hukou", "residence"])),
        "members": members,
        "able_supporters": draw(st.integers(0, 2)),
        "assets": {"deposits_fen": draw(st.integers(0, 50_000_000)), "vehicles": draw(st.integers(0, 2)),
                   "companies": draw(st.integers(0, 1)), "homes": draw(st.integers(0, 3))},
        "rigid_expenses_12m_fen": draw(st.integers(0, 100_000_000)),
        "emergency": emergency,
    }


@settings(max_examples=300, deadline=None)
@given(households())
def test_every_household_gets_one_decision_per_program_and_no_negative_amount(data):
    """Property. For any valid household: exactly one decision per program in the fixed order; no amount is
    negative; a refusal covers nobody and pays nothing; a decision covers only members of the file; every
    reason is a known code; 特困 members are never in the 低保 decision."""
    parsed = household_from_json(data)
    result = determine(parsed, demo_standards(dibao_standard_monthly_fen=77000))
    assert tuple(decision.program for decision in result.decisions) == PROGRAMS
    ids = {member.id_number for member in parsed.members}
    known = set(Reason)
    for decision in result.decisions:
        assert decision.monthly_amount_fen >= 0
        assert decision.reasons and set(decision.reasons) <= known
        assert set(decision.member_ids) <= ids
        if not decision.eligible:
            assert decision.member_ids == () and decision.monthly_amount_fen == 0
    assert not set(result.decision(Program.TEKUN).member_ids) & set(result.decision(Program.DIBAO).member_ids)
    assert result.household_size <= len(parsed.members)
    assert result.per_capita_income_fen >= 0


@settings(max_examples=100, deadline=None)
@given(households())
def test_determination_depends_only_on_its_input(data):
    """Property. Writing the typed input back to JSON and reading it again gives the same determination."""
    standards = demo_standards()
    parsed = household_from_json(data)
    again = household_from_json(household_to_json(parsed))
    assert determine(again, standards) == determine(parsed, standards)


@settings(max_examples=200, deadline=None)
@given(households())
def test_at_most_one_basic_living_status_for_the_household(data):
    """Property (一次申请、分类审核认定). The household unit is at most one of 低保, 边缘 and 刚性支出困难."""
    result = determine(household_from_json(data), demo_standards())
    statuses = [result.decision(program).eligible
                for program in (Program.DIBAO, Program.MARGINAL, Program.RIGID_EXPENSE)]
    assert sum(statuses) <= 1
