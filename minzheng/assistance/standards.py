"""The policy figures one determination needs, resolved once for an area and a date.

Every figure is a ``policy`` parameter (house rule: no policy number in code). ``Standards`` is a plain frozen
value so the determination engine stays a pure function: resolve the standards once (one area, one date, or a
"what-if" variant of them) and assess any number of households with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from minzheng.assistance.errors import AssistanceErrorCode, StandardsError


@dataclass(frozen=True, slots=True)
class Standards:
    """Parameter values in force; money in fen, multipliers in per mille, shares in per cent.

    Each field is named after its parameter code with the dot replaced by an underscore
    (``dibao.standard_monthly_fen`` → ``dibao_standard_monthly_fen``).
    """

    dibao_standard_monthly_fen: int
    dibao_asset_deposit_months: int
    dibao_asset_max_vehicles: int
    dibao_asset_max_companies: int
    dibao_asset_max_homes: int
    tekun_age_min: int
    tekun_basic_multiplier_permille: int
    tekun_care_dispersed_full_fen: int
    tekun_care_dispersed_partial_fen: int
    tekun_care_dispersed_none_fen: int
    tekun_care_centralized_full_fen: int
    tekun_care_centralized_partial_fen: int
    tekun_care_centralized_none_fen: int
    marginal_income_multiplier_permille: int
    rigid_expense_income_ceiling_annual_fen: int
    rigid_expense_expense_share_percent: int
    rigid_expense_valid_months: int
    temp_aid_town_max_multiple: int
    temp_aid_district_max_fen: int
    application_residence_min_months: int

    CODES: ClassVar[tuple[str, ...]] = (
        "dibao.standard_monthly_fen",
        "dibao.asset_deposit_months",
        "dibao.asset_max_vehicles",
        "dibao.asset_max_companies",
        "dibao.asset_max_homes",
        "tekun.age_min",
        "tekun.basic_multiplier_permille",
        "tekun.care_dispersed_full_fen",
        "tekun.care_dispersed_partial_fen",
        "tekun.care_dispersed_none_fen",
        "tekun.care_centralized_full_fen",
        "tekun.care_centralized_partial_fen",
        "tekun.care_centralized_none_fen",
        "marginal.income_multiplier_permille",
        "rigid_expense.income_ceiling_annual_fen",
        "rigid_expense.expense_share_percent",
        "rigid_expense.valid_months",
        "temp_aid.town_max_multiple",
        "temp_aid.district_max_fen",
        "application.residence_min_months",
    )

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Standards:
        """Build from ``{parameter code: value}``; codes this engine does not use are ignored."""
        missing = [code for code in cls.CODES if code not in values]
        if missing:
            raise StandardsError(AssistanceErrorCode.STANDARDS_MISSING, "、".join(missing))
        invalid = [code for code in cls.CODES
                   if type(values[code]) is not int or values[code] < 0]
        if invalid:
            raise StandardsError(AssistanceErrorCode.STANDARDS_INVALID, "、".join(invalid))
        return cls(**{_field_name(code): values[code] for code in cls.CODES})

    def as_values(self) -> dict[str, int]:
        """The inverse of ``from_values``: ``{parameter code: value}``."""
        return {code: getattr(self, _field_name(code)) for code in self.CODES}


def _field_name(code: str) -> str:
    return code.replace(".", "_")


def standards_for(area_code: str, on: dt.date) -> Standards:
    """The standards in force in ``area_code`` on ``on``, read from the policy parameters."""
    try:
        from minzheng.policy.selectors import parameter_values
    except ImportError as exc:
        raise StandardsError(AssistanceErrorCode.STANDARDS_UNAVAILABLE) from exc
    return Standards.from_values(parameter_values(Standards.CODES, area_code=area_code, on=on))


def standards_from_snapshot(snapshot: Any, area_code: str) -> Standards:
    """The standards of one area from a policy snapshot (``load_snapshot(on=...)``), for batch runs."""
    return Standards.from_values({code: snapshot.value(code, area_code) for code in Standards.CODES})
