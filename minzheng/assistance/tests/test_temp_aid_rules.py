"""临时救助: given where the emergency happens; the town limit is 6 × the 低保 standard (¥4,470 with ¥745), above
it the district approves up to ¥20,000."""

from __future__ import annotations

import pytest

from minzheng.assistance.enums import Program
from minzheng.assistance.reasons import Reason
from minzheng.assistance.tests.builders import OTHER_DISTRICT_VILLAGE, STANDARD, VILLAGE, assess, household, member

TOWN_MAX = 6 * STANDARD


def _with_emergency(loss: int, area_code: str = VILLAGE, **fields) -> dict:
    emergency = {"kind": "fire", "area_code": area_code, "loss_fen": loss}
    return household(member(income=300000), member(relation="spouse", male=False), emergency=emergency, **fields)


def test_temp_aid_rule_no_emergency():
    """临时救助 rule. Without an emergency, not eligible."""
    decision = assess(household(member())).decision(Program.TEMP_AID)
    assert not decision.eligible and decision.reasons == (Reason.TEMP_AID_NO_EMERGENCY,)


def test_temp_aid_town_level_rule_pays_the_loss_below_the_town_limit():
    """临时救助 town-level rule (amount = min(loss, 6 × standard)). Given a ¥3,000 fire loss in the district,
    then the town grants ¥3,000 to the household, whatever its income."""
    decision = assess(_with_emergency(300000)).decision(Program.TEMP_AID)
    assert decision.eligible and decision.monthly_amount_fen == 300000 and len(decision.member_ids) == 2
    assert decision.reasons == (Reason.TEMP_AID_EMERGENCY_IN_DISTRICT, Reason.TEMP_AID_TOWN_LEVEL)


def test_temp_aid_town_level_rule_at_exactly_the_limit():
    """临时救助 town-level rule. A loss of exactly 6 × standard stays at town level."""
    decision = assess(_with_emergency(TOWN_MAX)).decision(Program.TEMP_AID)
    assert decision.monthly_amount_fen == TOWN_MAX and Reason.TEMP_AID_TOWN_LEVEL in decision.reasons


def test_temp_aid_district_approval_rule_above_the_town_limit():
    """临时救助 district-approval rule. One fen above the town limit needs district approval and is paid in
    full (it is below the district maximum)."""
    decision = assess(_with_emergency(TOWN_MAX + 1)).decision(Program.TEMP_AID)
    assert decision.eligible and decision.monthly_amount_fen == TOWN_MAX + 1
    assert decision.reasons == (Reason.TEMP_AID_EMERGENCY_IN_DISTRICT, Reason.TEMP_AID_DISTRICT_APPROVAL)


def test_temp_aid_district_approval_rule_capped_at_the_district_maximum():
    """临时救助 district-approval rule. A ¥50,000 loss is capped at the ¥20,000 district maximum."""
    decision = assess(_with_emergency(5000000)).decision(Program.TEMP_AID)
    assert decision.monthly_amount_fen == 2000000
    assert decision.reasons == (Reason.TEMP_AID_EMERGENCY_IN_DISTRICT, Reason.TEMP_AID_DISTRICT_APPROVAL,
                                Reason.TEMP_AID_CAPPED_AT_DISTRICT_MAX)


def test_temp_aid_place_rule_emergency_outside_the_district():
    """临时救助 place rule. An emergency in another district is not aided here (apply where it happened)."""
    decision = assess(_with_emergency(300000, area_code=OTHER_DISTRICT_VILLAGE)).decision(Program.TEMP_AID)
    assert not decision.eligible and decision.monthly_amount_fen == 0
    assert decision.reasons == (Reason.TEMP_AID_EMERGENCY_OUTSIDE_DISTRICT,)


def test_temp_aid_place_rule_hukou_elsewhere_is_eligible():
    """临时救助 place rule: eligible wherever the hukou is. Given migrant workers with Beijing ID numbers who
    apply where they live and have a fire in the district, then aided."""
    data = household(member(area6="110105", income=300000), application_place="residence",
                     emergency={"kind": "fire", "area_code": "340471101201", "loss_fen": 100000})
    decision = assess(data).decision(Program.TEMP_AID)
    assert decision.eligible and decision.monthly_amount_fen == 100000


def test_temp_aid_rule_no_loss():
    """临时救助 rule. An emergency without a loss amount gives nothing to grant: not eligible."""
    decision = assess(_with_emergency(0)).decision(Program.TEMP_AID)
    assert not decision.eligible and Reason.TEMP_AID_NO_LOSS in decision.reasons


@pytest.mark.parametrize(("as_of", "town_max"), [("2025-06-30", 6 * 74500), ("2025-07-01", 6 * 77000)])
def test_temp_aid_town_limit_follows_the_standard_change(as_of, town_max):
    """临时救助 town-level rule with the 2025-07-01 standard change: the limit is 6 × the standard in force."""
    decision = assess(_with_emergency(10**6, as_of=as_of)).decision(Program.TEMP_AID)
    assert Reason.TEMP_AID_DISTRICT_APPROVAL in decision.reasons
    town = assess(_with_emergency(town_max, as_of=as_of)).decision(Program.TEMP_AID)
    assert Reason.TEMP_AID_TOWN_LEVEL in town.reasons
