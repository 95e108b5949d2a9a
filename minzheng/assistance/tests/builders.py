"""Test builders: household files in their JSON form, and the demo standards.

The demo parameter values live here, in test code, because production code holds no policy figure; the
``policy`` app ships the same values as its demo data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from minzheng.assistance.determination import Determination, determine, household_from_json
from minzheng.assistance.standards import Standards
from minzheng.core.identifiers import make_id_number

DISTRICT_AREA = "340471"
VILLAGE = "340471100201"
OTHER_DISTRICT_VILLAGE = "340421100201"
STANDARD_CHANGE = dt.date(2025, 7, 1)

DEMO_VALUES: dict[str, int] = {
    "dibao.standard_monthly_fen": 74500,
    "dibao.asset_deposit_months": 12,
    "dibao.asset_max_vehicles": 0,
    "dibao.asset_max_companies": 0,
    "dibao.asset_max_homes": 1,
    "tekun.age_min": 60,
    "tekun.basic_multiplier_permille": 1300,
    "tekun.care_dispersed_full_fen": 4500,
    "tekun.care_dispersed_partial_fen": 30000,
    "tekun.care_dispersed_none_fen": 52500,
    "tekun.care_centralized_full_fen": 6000,
    "tekun.care_centralized_partial_fen": 45000,
    "tekun.care_centralized_none_fen": 75000,
    "marginal.income_multiplier_permille": 1500,
    "rigid_expense.income_ceiling_annual_fen": 2600000,
    "rigid_expense.expense_share_percent": 50,
    "rigid_expense.valid_months": 12,
    "temp_aid.town_max_multiple": 6,
    "temp_aid.district_max_fen": 2000000,
    "application.residence_min_months": 6,
}
STANDARD = DEMO_VALUES["dibao.standard_monthly_fen"]


def demo_standards(**overrides: int) -> Standards:
    """The demo standards from 2024-07-01; keyword overrides use field names (``dibao_standard_monthly_fen``)."""
    code_of = {code.replace(".", "_"): code for code in Standards.CODES}
    values = dict(DEMO_VALUES)
    for name, value in overrides.items():
        values[code_of[name]] = value
    return Standards.from_values(values)


def demo_standards_on(day: dt.date) -> Standards:
    """The demo series of the 低保 standard: ¥745 from 2024-07-01, ¥770 from 2025-07-01."""
    return demo_standards(dibao_standard_monthly_fen=77000 if day >= STANDARD_CHANGE else 74500)


_sequence = iter(range(1, 10**6))


def id_number(born: str, *, male: bool = True, area6: str = DISTRICT_AREA) -> str:
    return make_id_number(area6, dt.date.fromisoformat(born), next(_sequence) * 2, male=male)


def member(*, born: str = "1980-03-05", income: int = 0, name: str = "张三", relation: str = "head",
           male: bool = True, area6: str = DISTRICT_AREA, **fields: Any) -> dict[str, Any]:
    """A member in the JSON form: living together, normal status; ``income`` is one wage item in fen."""
    data: dict[str, Any] = {
        "id_number": id_number(born, male=male, area6=area6),
        "name": name,
        "relation": relation,
        "living_together": True,
        "status": "normal",
        "disability": None,
        "serious_illness": False,
        "self_care": "full",
        "student": False,
        "income_items": [{"kind": "wage", "monthly_fen": income}] if income else [],
    }
    data.update(fields)
    return data


def household(*members: dict[str, Any], as_of: str = "2025-03-01", **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "as_of": as_of,
        "area_code": VILLAGE,
        "application_place": "hukou",
        "members": list(members),
        "able_supporters": 0,
        "assets": {"deposits_fen": 0, "vehicles": 0, "companies": 0, "homes": 1},
        "rigid_expenses_12m_fen": 0,
        "emergency": None,
    }
    data.update(fields)
    return data


def assess(data: dict[str, Any], standards: Standards | None = None) -> Determination:
    """Read the household file as the command does and determine it with the demo standards of its date."""
    parsed = household_from_json(data)
    return determine(parsed, standards or demo_standards_on(parsed.as_of))
