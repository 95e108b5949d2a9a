"""Classified determination (一次申请、分类审核认定): one household file, assessed once, yields a decision for
every program, each with the reason codes of the rules that decided it.

``determine(household, standards)`` is a pure function: no database, no clock, no settings. The pages, the
``assess`` command, the benchmark and the policy simulation all call it with a ``HouseholdInput`` and the
``Standards`` in force, so a decision can be reproduced from its inputs alone. The rules and the choices made
where the issue left them open are written up in ``docs/assistance.md``.

The second half of this module reads and writes the JSON form of a household file (``minzheng assess``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from minzheng.assistance import errors
from minzheng.assistance.enums import ApplicationPlace, CarePlacement, IncomeKind, Program
from minzheng.assistance.errors import AssessmentInputError, AssistanceErrorCode
from minzheng.assistance.reasons import Reason
from minzheng.assistance.standards import Standards
from minzheng.core.errors import ValidationErrors
from minzheng.core.identifiers import IdNumberError, parse_id_number
from minzheng.registry.enums import DisabilityKind, MemberStatus, Relation, SelfCare

# --- Input -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Disability:
    kind: str  # DisabilityKind
    grade: int  # 1 (most severe) to 4


@dataclass(frozen=True, slots=True)
class IncomeItem:
    kind: str  # IncomeKind
    monthly_fen: int


@dataclass(frozen=True, slots=True)
class MemberInput:
    id_number: str
    name: str
    birth_date: dt.date  # derived from the ID number when read from JSON
    relation: str  # Relation
    living_together: bool
    status: str = MemberStatus.NORMAL
    disability: Disability | None = None
    serious_illness: bool = False
    self_care: str = SelfCare.FULL
    student: bool = False
    care_placement: str = CarePlacement.DISPERSED  # decides the 特困 care standard
    income_items: tuple[IncomeItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Assets:
    deposits_fen: int = 0
    vehicles: int = 0
    companies: int = 0
    homes: int = 0


@dataclass(frozen=True, slots=True)
class Emergency:
    kind: str
    area_code: str  # 12-digit area code of the place where it happened
    loss_fen: int


@dataclass(frozen=True, slots=True)
class HouseholdInput:
    """One household file. Members are identified by their ID number, which must be unique in the file
    (``household_from_json`` refuses duplicates)."""

    as_of: dt.date
    area_code: str  # 12-digit code of the area the household applies in
    members: tuple[MemberInput, ...]
    able_supporters: int
    assets: Assets
    application_place: str = ApplicationPlace.HUKOU
    rigid_expenses_12m_fen: int = 0
    emergency: Emergency | None = None


# --- Output ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decision:
    program: str  # Program
    eligible: bool
    member_ids: tuple[str, ...]  # the members the decision covers; empty when not eligible
    monthly_amount_fen: int  # temp_aid: the one-off grant
    reasons: tuple[str, ...]  # Reason codes, in the order the rules were applied

    def as_json(self) -> dict[str, Any]:
        return {
            "program": str(self.program),
            "eligible": self.eligible,
            "member_ids": list(self.member_ids),
            "monthly_amount_fen": self.monthly_amount_fen,
            "reasons": [str(code) for code in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class Determination:
    as_of: dt.date
    household_size: int  # counted members (共同生活的家庭成员), 特困 members included
    per_capita_income_fen: int  # counted income of the counted members // household_size
    decisions: tuple[Decision, ...]  # one per program, in PROGRAMS order

    def decision(self, program: str) -> Decision:
        for decision in self.decisions:
            if decision.program == program:
                return decision
        raise KeyError(program)

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "household_size": self.household_size,
            "per_capita_income_fen": self.per_capita_income_fen,
            "decisions": [decision.as_json() for decision in self.decisions],
        }


PROGRAMS: tuple[str, ...] = (
    Program.DIBAO, Program.INDIVIDUAL_DIBAO, Program.TEKUN, Program.MARGINAL, Program.RIGID_EXPENSE,
    Program.TEMP_AID,
)

# --- Rules that are definitions rather than figures ------------------------------------------------------

# Members who are not 共同生活的家庭成员 (审核确认办法 第七条).
_STATUS_EXCLUSIONS: dict[str, Reason] = {
    MemberStatus.IMPRISONED: Reason.MEMBER_EXCLUDED_IMPRISONED,
    MemberStatus.COMPULSORY_REHAB: Reason.MEMBER_EXCLUDED_COMPULSORY_REHAB,
    MemberStatus.DECLARED_MISSING: Reason.MEMBER_EXCLUDED_DECLARED_MISSING,
    MemberStatus.CLERGY_AWAY: Reason.MEMBER_EXCLUDED_CLERGY_AWAY,
}

# Income that is not counted as household income (domain reference §1.2).
_EXCLUDED_INCOME: dict[str, Reason] = {
    IncomeKind.CARE_SUBSIDY: Reason.INCOME_EXCLUDED_CARE_SUBSIDY,
    IncomeKind.ASSISTANCE: Reason.INCOME_EXCLUDED_ASSISTANCE,
    IncomeKind.AWARD: Reason.INCOME_EXCLUDED_AWARD,
    IncomeKind.BASIC_PENSION: Reason.INCOME_EXCLUDED_BASIC_PENSION,
}

# The age of majority (民法典 第十七条), which bounds the disabled category of 特困 from below. It is law,
# not a local standard, so it is not a policy parameter; minors are assessed as orphans or 事实无人抚养儿童.
ADULT_AGE = 18

_TEKUN_CARE_REASONS = {
    SelfCare.FULL: Reason.TEKUN_CARE_FULL,
    SelfCare.PARTIAL: Reason.TEKUN_CARE_PARTIAL,
    SelfCare.NONE: Reason.TEKUN_CARE_NONE,
}


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Completed years on ``day``; someone born on 29 February becomes a year older on 1 March."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def severe_disability_reason(disability: Disability | None) -> Reason | None:
    """重度残疾人 (grade 1 or 2, any kind) or grade 3 intellectual or mental disability, else None."""
    if disability is None:
        return None
    if disability.grade <= 2:
        return Reason.INDIVIDUAL_DIBAO_SEVERE_DISABILITY
    if disability.grade == 3 and disability.kind in (DisabilityKind.INTELLECTUAL, DisabilityKind.MENTAL):
        return Reason.INDIVIDUAL_DIBAO_INTELLECTUAL_MENTAL_GRADE3
    return None


def round_yuan(fen: int) -> int:
    """Round a non-negative amount to whole yuan, half up (12350 → 12400, 12349 → 12300)."""
    return (fen + 50) // 100 * 100


def tekun_basic_monthly_fen(standards: Standards) -> int:
    """特困 basic living standard: the 低保 standard times the multiplier, rounded up to whole yuan."""
    product = standards.dibao_standard_monthly_fen * standards.tekun_basic_multiplier_permille
    return -(-product // 100_000) * 100


def tekun_care_monthly_fen(standards: Standards, placement: str, self_care: str) -> int:
    return getattr(standards, f"tekun_care_{placement}_{self_care}_fen")


# --- The engine ------------------------------------------------------------------------------------------


def _ordered(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def _counted_income(member: MemberInput) -> tuple[int, list[Reason]]:
    income = 0
    excluded: list[Reason] = []
    for item in member.income_items:
        reason = _EXCLUDED_INCOME.get(item.kind)
        if reason is None:
            income += item.monthly_fen
        elif item.monthly_fen:
            excluded.append(reason)
    return income, excluded


def determine(household: HouseholdInput, standards: Standards) -> Determination:
    """Assess one household for every program with the standards in force on ``household.as_of``."""
    s = standards
    standard = s.dibao_standard_monthly_fen
    place = [Reason.APPLICATION_AT_RESIDENCE] if household.application_place == ApplicationPlace.RESIDENCE else []

    # Who counts (共同生活的家庭成员), and each counted member's counted income.
    membership: list[Reason] = []
    counted: list[MemberInput] = []
    income_of: dict[str, int] = {}
    excluded_of: dict[str, list[Reason]] = {}
    for member in household.members:
        exclusion = _STATUS_EXCLUSIONS.get(member.status)
        if exclusion is not None:
            membership.append(exclusion)
            continue
        if not member.living_together:
            if not member.student:
                membership.append(Reason.MEMBER_EXCLUDED_NOT_LIVING_TOGETHER)
                continue
            membership.append(Reason.MEMBER_COUNTED_STUDENT)
        counted.append(member)
        income_of[member.id_number], excluded_of[member.id_number] = _counted_income(member)
    household_size = len(counted)
    total_income = sum(income_of.values())
    per_capita = total_income // household_size if household_size else 0

    # Assets, tested once for the whole household against the counted members.
    assets = household.assets
    asset_reasons: list[Reason] = []
    if assets.deposits_fen > s.dibao_asset_deposit_months * standard * household_size:
        asset_reasons.append(Reason.ASSETS_DEPOSITS_EXCEED)
    if assets.vehicles > s.dibao_asset_max_vehicles:
        asset_reasons.append(Reason.ASSETS_VEHICLE)
    if assets.companies > s.dibao_asset_max_companies:
        asset_reasons.append(Reason.ASSETS_COMPANY)
    if assets.homes > s.dibao_asset_max_homes:
        asset_reasons.append(Reason.ASSETS_HOMES_EXCEED)
    assets_pass = not asset_reasons
    if assets_pass:
        asset_reasons.append(Reason.ASSETS_PASS)

    tekun = _tekun(household, s, counted, income_of, excluded_of, assets_pass, asset_reasons, place)

    # The 低保 unit: counted members who are not 特困, with their income only.
    unit = [member for member in counted if member.id_number not in tekun.member_ids]
    if tekun.eligible:
        membership.append(Reason.MEMBER_EXCLUDED_TEKUN)
    unit_ids = tuple(member.id_number for member in unit)
    unit_n = len(unit)
    unit_income = sum(income_of[member_id] for member_id in unit_ids)
    unit_per_capita = unit_income // unit_n if unit_n else 0
    prefix = [*membership]
    for member_id in unit_ids:
        prefix.extend(excluded_of[member_id])

    if not unit_n:
        nobody = _ordered([*prefix, Reason.HOUSEHOLD_NO_COUNTED_MEMBERS])
        dibao = Decision(Program.DIBAO, False, (), 0, nobody)
        individual = Decision(Program.INDIVIDUAL_DIBAO, False, (), 0, nobody)
        marginal = Decision(Program.MARGINAL, False, (), 0, nobody)
        rigid = Decision(Program.RIGID_EXPENSE, False, (), 0, nobody)
    else:
        dibao = _dibao(s, unit_ids, unit_per_capita, assets_pass, prefix, asset_reasons, place)
        marginal = _marginal(s, dibao, unit_ids, unit_per_capita, assets_pass, prefix, asset_reasons, place)
        individual = _individual_dibao(s, dibao, marginal, unit, income_of, prefix, place)
        rigid = _rigid_expense(household, s, dibao, marginal, unit_ids, unit_income, unit_per_capita,
                               assets_pass, prefix, asset_reasons, place)
    temp_aid = _temp_aid(household, s, counted)
    return Determination(
        as_of=household.as_of,
        household_size=household_size,
        per_capita_income_fen=per_capita,
        decisions=(dibao, individual, tekun, marginal, rigid, temp_aid),
    )


def _tekun(household: HouseholdInput, s: Standards, counted: list[MemberInput], income_of: dict[str, int],
           excluded_of: dict[str, list[Reason]], assets_pass: bool, asset_reasons: list[Reason],
           place: list[Reason]) -> Decision:
    """特困, person by person: a category (elderly, or an adult with a qualifying disability), own counted
    income below the 低保 standard, household assets passing and no able supporter."""
    standard = s.dibao_standard_monthly_fen
    reasons: list[Reason] = []
    candidates: list[MemberInput] = []
    for member in counted:
        age = age_on(member.birth_date, household.as_of)
        if age >= s.tekun_age_min:
            reasons.append(Reason.TEKUN_CATEGORY_ELDERLY)
        elif age >= ADULT_AGE and severe_disability_reason(member.disability) is not None:
            reasons.append(Reason.TEKUN_CATEGORY_DISABLED)
        else:
            continue
        candidates.append(member)
    if not candidates:
        return Decision(Program.TEKUN, False, (), 0, _ordered([Reason.TEKUN_NO_CATEGORY_MEMBER, *place]))

    no_supporter = household.able_supporters == 0
    poor: list[MemberInput] = []
    for member in candidates:
        reasons.extend(excluded_of[member.id_number])
        if income_of[member.id_number] < standard:
            reasons.append(Reason.TEKUN_INCOME_BELOW_STANDARD)
            poor.append(member)
        else:
            reasons.append(Reason.TEKUN_INCOME_ABOVE_STANDARD)
    reasons.append(Reason.TEKUN_NO_SUPPORTER if no_supporter else Reason.TEKUN_HAS_SUPPORTER)
    reasons.extend(asset_reasons)
    if not (poor and no_supporter and assets_pass):
        return Decision(Program.TEKUN, False, (), 0, _ordered([*reasons, *place]))

    basic = tekun_basic_monthly_fen(s)
    amount = 0
    for member in poor:
        amount += basic + tekun_care_monthly_fen(s, member.care_placement, member.self_care)
        reasons.append(_TEKUN_CARE_REASONS[member.self_care])
        reasons.append(Reason.TEKUN_CENTRALIZED if member.care_placement == CarePlacement.CENTRALIZED
                       else Reason.TEKUN_DISPERSED)
    return Decision(Program.TEKUN, True, tuple(member.id_number for member in poor), amount,
                    _ordered([*reasons, *place]))


def _dibao(s: Standards, unit_ids: tuple[str, ...], per_capita: int, assets_pass: bool, prefix: list[Reason],
           asset_reasons: list[Reason], place: list[Reason]) -> Decision:
    """低保: per-capita counted income below the standard and assets passing; the amount is the gap times
    the members, rounded to whole yuan."""
    standard = s.dibao_standard_monthly_fen
    below = per_capita < standard
    income_reason = Reason.DIBAO_INCOME_BELOW_STANDARD if below else Reason.DIBAO_INCOME_ABOVE_STANDARD
    reasons = _ordered([*prefix, income_reason, *asset_reasons, *place])
    if not (below and assets_pass):
        return Decision(Program.DIBAO, False, (), 0, reasons)
    amount = round_yuan((standard - per_capita) * len(unit_ids))
    return Decision(Program.DIBAO, True, unit_ids, amount, reasons)


def _marginal(s: Standards, dibao: Decision, unit_ids: tuple[str, ...], per_capita: int, assets_pass: bool,
              prefix: list[Reason], asset_reasons: list[Reason], place: list[Reason]) -> Decision:
    """低保边缘: not 低保, per-capita income below the multiple of the standard, assets passing; no cash."""
    if dibao.eligible:
        return Decision(Program.MARGINAL, False, (), 0, (Reason.MARGINAL_HOUSEHOLD_IS_DIBAO,))
    below = per_capita * 1000 < s.dibao_standard_monthly_fen * s.marginal_income_multiplier_permille
    income_reason = Reason.MARGINAL_INCOME_BELOW_LIMIT if below else Reason.MARGINAL_INCOME_ABOVE_LIMIT
    reasons = _ordered([*prefix, income_reason, *asset_reasons, *place])
    eligible = below and assets_pass
    return Decision(Program.MARGINAL, eligible, unit_ids if eligible else (), 0, reasons)


def _individual_dibao(s: Standards, dibao: Decision, marginal: Decision, unit: list[MemberInput],
                      income_of: dict[str, int], prefix: list[Reason], place: list[Reason]) -> Decision:
    """单人保: in a 低保边缘 household, a severely disabled or seriously ill member gets 低保 alone."""
    if dibao.eligible:
        return Decision(Program.INDIVIDUAL_DIBAO, False, (), 0, (Reason.INDIVIDUAL_DIBAO_HOUSEHOLD_IS_DIBAO,))
    if not marginal.eligible:
        return Decision(Program.INDIVIDUAL_DIBAO, False, (), 0, (Reason.INDIVIDUAL_DIBAO_HOUSEHOLD_NOT_MARGINAL,))
    standard = s.dibao_standard_monthly_fen
    reasons: list[Reason] = [*prefix, Reason.INDIVIDUAL_DIBAO_HOUSEHOLD_MARGINAL]
    covered: list[str] = []
    amount = 0
    any_trigger = False
    for member in unit:
        triggers = []
        disability_reason = severe_disability_reason(member.disability)
        if disability_reason is not None:
            triggers.append(disability_reason)
        if member.serious_illness:
            triggers.append(Reason.INDIVIDUAL_DIBAO_SERIOUS_ILLNESS)
        if not triggers:
            continue
        any_trigger = True
        reasons.extend(triggers)
        own = income_of[member.id_number]
        if own < standard:
            reasons.append(Reason.INDIVIDUAL_DIBAO_INCOME_BELOW_STANDARD)
            covered.append(member.id_number)
            amount += round_yuan(standard - own)
        else:
            reasons.append(Reason.INDIVIDUAL_DIBAO_INCOME_ABOVE_STANDARD)
    if not any_trigger:
        reasons.append(Reason.INDIVIDUAL_DIBAO_NO_QUALIFYING_MEMBER)
    return Decision(Program.INDIVIDUAL_DIBAO, bool(covered), tuple(covered), amount,
                    _ordered([*reasons, *place]))


def _rigid_expense(household: HouseholdInput, s: Standards, dibao: Decision, marginal: Decision,
                   unit_ids: tuple[str, ...], unit_income: int, per_capita: int, assets_pass: bool,
                   prefix: list[Reason], asset_reasons: list[Reason], place: list[Reason]) -> Decision:
    """刚性支出困难: not 低保 or 边缘; per-capita annual income below the ceiling; rigid expenses over 12 months
    at least the set share of 12 months' income; assets passing. No cash; valid for a set number of months."""
    if dibao.eligible:
        return Decision(Program.RIGID_EXPENSE, False, (), 0, (Reason.RIGID_EXPENSE_HOUSEHOLD_IS_DIBAO,))
    if marginal.eligible:
        return Decision(Program.RIGID_EXPENSE, False, (), 0, (Reason.RIGID_EXPENSE_HOUSEHOLD_IS_MARGINAL,))
    below = per_capita * 12 < s.rigid_expense_income_ceiling_annual_fen
    expenses = household.rigid_expenses_12m_fen
    # A household without rigid expenses is not in rigid-expense hardship, even when it has no income either.
    share = expenses > 0 and expenses * 100 >= s.rigid_expense_expense_share_percent * unit_income * 12
    eligible = below and share and assets_pass
    reasons = [
        *prefix,
        Reason.RIGID_EXPENSE_INCOME_BELOW_CEILING if below else Reason.RIGID_EXPENSE_INCOME_ABOVE_CEILING,
        Reason.RIGID_EXPENSE_SHARE_REACHED if share else Reason.RIGID_EXPENSE_SHARE_NOT_REACHED,
        *asset_reasons,
    ]
    if eligible:
        reasons.append(Reason.RIGID_EXPENSE_VALID_PERIOD)
    return Decision(Program.RIGID_EXPENSE, eligible, unit_ids if eligible else (), 0, _ordered([*reasons, *place]))


def _temp_aid(household: HouseholdInput, s: Standards, counted: list[MemberInput]) -> Decision:
    """临时救助, given where the emergency happened: the loss up to the town limit, above it with district
    approval up to the district maximum."""
    emergency = household.emergency
    if emergency is None:
        return Decision(Program.TEMP_AID, False, (), 0, (Reason.TEMP_AID_NO_EMERGENCY,))
    # The district is the county-level part (first six digits) of the area the household applies in.
    if emergency.area_code[:6] != household.area_code[:6]:
        return Decision(Program.TEMP_AID, False, (), 0, (Reason.TEMP_AID_EMERGENCY_OUTSIDE_DISTRICT,))
    reasons: list[Reason] = [Reason.TEMP_AID_EMERGENCY_IN_DISTRICT]
    if not counted:
        return Decision(Program.TEMP_AID, False, (), 0, (*reasons, Reason.HOUSEHOLD_NO_COUNTED_MEMBERS))
    loss = emergency.loss_fen
    if loss == 0:
        return Decision(Program.TEMP_AID, False, (), 0, (*reasons, Reason.TEMP_AID_NO_LOSS))
    town_max = s.dibao_standard_monthly_fen * s.temp_aid_town_max_multiple
    if loss <= town_max:
        amount = loss
        reasons.append(Reason.TEMP_AID_TOWN_LEVEL)
    else:
        district_max = max(town_max, s.temp_aid_district_max_fen)
        amount = min(loss, district_max)
        reasons.append(Reason.TEMP_AID_DISTRICT_APPROVAL)
        if loss > district_max:
            reasons.append(Reason.TEMP_AID_CAPPED_AT_DISTRICT_MAX)
    return Decision(Program.TEMP_AID, True, tuple(member.id_number for member in counted), amount, tuple(reasons))


# --- JSON in and out -------------------------------------------------------------------------------------

_MISSING = object()
_BAD = object()
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_AREA_CODE = re.compile(r"[0-9]{12}", re.ASCII)

_HOUSEHOLD_KEYS = frozenset({"as_of", "area_code", "application_place", "members", "able_supporters", "assets",
                             "rigid_expenses_12m_fen", "emergency"})
_MEMBER_KEYS = frozenset({"id_number", "name", "relation", "living_together", "status", "disability",
                          "serious_illness", "self_care", "student", "care_placement", "income_items"})
_DISABILITY_KEYS = frozenset({"kind", "grade"})
_INCOME_KEYS = frozenset({"kind", "monthly_fen"})
_ASSET_KEYS = frozenset({"deposits_fen", "vehicles", "companies", "homes"})
_EMERGENCY_KEYS = frozenset({"kind", "area_code", "loss_fen"})
# Allowed values, computed once: a TextChoices' ``values`` is rebuilt on every access.
_PLACES = tuple(ApplicationPlace.values)
_RELATIONS = tuple(Relation.values)
_STATUSES = tuple(MemberStatus.values)
_DISABILITY_KINDS = tuple(DisabilityKind.values)
_SELF_CARE = tuple(SelfCare.values)
_PLACEMENTS = tuple(CarePlacement.values)
_INCOME_KINDS = tuple(IncomeKind.values)


class _JsonObject(dict):
    """A decoded JSON object that remembers keys given more than once (JSON allows it; a file should not)."""

    duplicates: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        obj.duplicates = tuple(key for key, _ in pairs if key in seen or seen.add(key))
    return obj


def _reject_constant(name: str) -> None:
    raise ValueError(f"不支持 {name}")


class _Reader:
    """Reads a decoded household file, collecting every error with the path of its field."""

    def __init__(self) -> None:
        self.errors: list[AssessmentInputError] = []

    def error(self, path: str, message: str) -> object:
        self.errors.append(AssessmentInputError(path, message))
        return _BAD

    def obj(self, value: Any, path: str, keys: frozenset[str]) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, errors.FIELD_OBJECT)
            return None
        for key in getattr(value, "duplicates", ()):
            self.error(_join(path, key), errors.FIELD_DUPLICATE_KEY)
        for key in value:
            if key not in keys:
                self.error(_join(path, key), errors.FIELD_UNKNOWN)
        return value

    def get(self, data: dict, path: str, key: str, parse: Callable[[Any, str, str], Any],
            default: Any = _MISSING) -> Any:
        if key not in data:
            return self.error(_join(path, key), errors.FIELD_REQUIRED) if default is _MISSING else default
        return parse(data[key], path, key)

    # Field parsers: each returns the value, or records an error at ``path.key`` and returns _BAD. The path is
    # only joined on error: a valid file is the common case.

    def non_negative_int(self, value: Any, path: str, key: str) -> Any:
        if type(value) is int and value >= 0:
            return value
        return self.error(_join(path, key), errors.FIELD_NON_NEGATIVE_INT)

    def boolean(self, value: Any, path: str, key: str) -> Any:
        return value if value is True or value is False else self.error(_join(path, key), errors.FIELD_BOOL)

    def text(self, value: Any, path: str, key: str) -> Any:
        if isinstance(value, str) and value.strip():
            return value
        return self.error(_join(path, key), errors.FIELD_TEXT)

    def date(self, value: Any, path: str, key: str) -> Any:
        if isinstance(value, str) and _DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        return self.error(_join(path, key), errors.FIELD_DATE)

    def area_code(self, value: Any, path: str, key: str) -> Any:
        if isinstance(value, str) and _AREA_CODE.fullmatch(value):
            return value
        return self.error(_join(path, key), errors.FIELD_AREA_CODE)

    def choice(self, values: tuple[str, ...]) -> Callable[[Any, str, str], Any]:
        def parse(value: Any, path: str, key: str) -> Any:
            if isinstance(value, str) and value in values:
                return value
            return self.error(_join(path, key), errors.FIELD_CHOICE + "、".join(values))

        return parse

    def grade(self, value: Any, path: str, key: str) -> Any:
        if type(value) is int and 1 <= value <= 4:
            return value
        return self.error(_join(path, key), errors.FIELD_GRADE)

    def items(self, value: Any, path: str, *, non_empty: bool = False) -> list:
        if not isinstance(value, list):
            self.error(path, errors.FIELD_LIST)
            return []
        if non_empty and not value:
            self.error(path, errors.FIELD_NON_EMPTY_LIST)
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def household_from_json(data: Any) -> HouseholdInput:
    """Validate a decoded household file (the ``minzheng assess`` input) and build the typed input.

    Raises ``ValidationErrors`` listing every ``AssessmentInputError``; each names its field path.
    """
    r = _Reader()
    root = r.obj(data, "", _HOUSEHOLD_KEYS)
    if root is None:
        raise ValidationErrors([AssessmentInputError(None, "文件内容必须是一个JSON对象")], "家庭信息格式有误")
    as_of = r.get(root, "", "as_of", r.date)
    area_code = r.get(root, "", "area_code", r.area_code)
    place = r.get(root, "", "application_place", r.choice(_PLACES), ApplicationPlace.HUKOU)
    able_supporters = r.get(root, "", "able_supporters", r.non_negative_int)
    rigid = r.get(root, "", "rigid_expenses_12m_fen", r.non_negative_int, 0)
    assets = _BAD
    if "assets" not in root:
        r.error("assets", errors.FIELD_REQUIRED)
    elif (raw_assets := r.obj(root["assets"], "assets", _ASSET_KEYS)) is not None:
        parts = {key: r.get(raw_assets, "assets", key, r.non_negative_int) for key in sorted(_ASSET_KEYS)}
        assets = _BAD if _BAD in parts.values() else Assets(**parts)
    emergency = None
    if root.get("emergency") is not None:
        raw_emergency = r.obj(root["emergency"], "emergency", _EMERGENCY_KEYS)
        if raw_emergency is not None:
            parts = {
                "kind": r.get(raw_emergency, "emergency", "kind", r.text),
                "area_code": r.get(raw_emergency, "emergency", "area_code", r.area_code),
                "loss_fen": r.get(raw_emergency, "emergency", "loss_fen", r.non_negative_int),
            }
            emergency = _BAD if _BAD in parts.values() else Emergency(**parts)
    members: list[Any] = []
    if "members" not in root:
        r.error("members", errors.FIELD_REQUIRED)
    else:
        first_seen: dict[str, str] = {}
        for index, raw in enumerate(r.items(root["members"], "members", non_empty=True)):
            members.append(_member_from_json(r, raw, f"members[{index}]", as_of, first_seen))
    if r.errors:
        raise ValidationErrors(list(r.errors), f"家庭信息有{len(r.errors)}处错误")
    return HouseholdInput(as_of=as_of, area_code=area_code, members=tuple(members), able_supporters=able_supporters,
                          assets=assets, application_place=place, rigid_expenses_12m_fen=rigid,
                          emergency=emergency)


def _member_from_json(r: _Reader, raw: Any, path: str, as_of: Any, first_seen: dict[str, str]) -> Any:
    data = r.obj(raw, path, _MEMBER_KEYS)
    if data is None:
        return _BAD
    id_number, birth_date = _BAD, _BAD
    raw_id = r.get(data, path, "id_number", r.text)
    if raw_id is not _BAD:
        try:
            info = parse_id_number(raw_id, today=dt.date.max)
        except IdNumberError as exc:
            r.error(f"{path}.id_number", exc.message)
        else:
            id_number, birth_date = info.number, info.birth_date
            if isinstance(as_of, dt.date) and birth_date > as_of:
                r.error(f"{path}.id_number", errors.FIELD_BORN_AFTER_AS_OF)
            if id_number in first_seen:
                r.error(f"{path}.id_number", errors.FIELD_DUPLICATE_ID.format(other=first_seen[id_number]))
            first_seen.setdefault(id_number, f"{path}.id_number")
    disability = None
    if data.get("disability") is not None:
        raw_disability = r.obj(data["disability"], f"{path}.disability", _DISABILITY_KEYS)
        if raw_disability is not None:
            kind = r.get(raw_disability, f"{path}.disability", "kind", r.choice(_DISABILITY_KINDS))
            grade = r.get(raw_disability, f"{path}.disability", "grade", r.grade)
            disability = _BAD if _BAD in (kind, grade) else Disability(kind=kind, grade=grade)
    income_items = []
    if "income_items" not in data:
        r.error(f"{path}.income_items", errors.FIELD_REQUIRED)
    else:
        for index, raw_item in enumerate(r.items(data["income_items"], f"{path}.income_items")):
            item_path = f"{path}.income_items[{index}]"
            item = r.obj(raw_item, item_path, _INCOME_KEYS)
            if item is None:
                continue
            kind = r.get(item, item_path, "kind", r.choice(_INCOME_KINDS))
            monthly = r.get(item, item_path, "monthly_fen", r.non_negative_int)
            income_items.append(IncomeItem(kind=kind, monthly_fen=monthly))
    return MemberInput(
        id_number=id_number,
        name=r.get(data, path, "name", r.text),
        birth_date=birth_date,
        relation=r.get(data, path, "relation", r.choice(_RELATIONS)),
        living_together=r.get(data, path, "living_together", r.boolean),
        status=r.get(data, path, "status", r.choice(_STATUSES)),
        disability=disability,
        serious_illness=r.get(data, path, "serious_illness", r.boolean, False),
        self_care=r.get(data, path, "self_care", r.choice(_SELF_CARE), SelfCare.FULL),
        student=r.get(data, path, "student", r.boolean, False),
        care_placement=r.get(data, path, "care_placement", r.choice(_PLACEMENTS), CarePlacement.DISPERSED),
        income_items=tuple(income_items),
    )


def household_from_text(text: str | bytes) -> HouseholdInput:
    """Decode and validate a household file's text."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationErrors([AssessmentInputError(None, "文件不是UTF-8编码的文本",
                                                         code=AssistanceErrorCode.INPUT_NOT_JSON)],
                                   "家庭信息格式有误") from exc
    try:
        data = json.loads(text.removeprefix("\ufeff"), object_pairs_hook=_object_pairs,
                          parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        message = f"文件不是有效的JSON：第{exc.lineno}行第{exc.colno}列（{exc.msg}）"
        raise ValidationErrors([AssessmentInputError(None, message, code=AssistanceErrorCode.INPUT_NOT_JSON)],
                               "家庭信息格式有误") from exc
    except ValueError as exc:
        message = f"文件不是有效的JSON：{exc}"
        raise ValidationErrors([AssessmentInputError(None, message, code=AssistanceErrorCode.INPUT_NOT_JSON)],
                               "家庭信息格式有误") from exc
    return household_from_json(data)


def household_to_json(household: HouseholdInput) -> dict[str, Any]:
    """The JSON form of a household file; ``household_from_json`` reads it back to an equal input."""
    emergency = household.emergency
    return {
        "as_of": household.as_of.isoformat(),
        "area_code": household.area_code,
        "application_place": str(household.application_place),
        "members": [
            {
                "id_number": member.id_number,
                "name": member.name,
                "relation": str(member.relation),
                "living_together": member.living_together,
                "status": str(member.status),
                "disability": None if member.disability is None else {
                    "kind": str(member.disability.kind), "grade": member.disability.grade},
                "serious_illness": member.serious_illness,
                "self_care": str(member.self_care),
                "student": member.student,
                "care_placement": str(member.care_placement),
                "income_items": [{"kind": str(item.kind), "monthly_fen": item.monthly_fen}
                                 for item in member.income_items],
            }
            for member in household.members
        ],
        "able_supporters": household.able_supporters,
        "assets": {
            "deposits_fen": household.assets.deposits_fen,
            "vehicles": household.assets.vehicles,
            "companies": household.assets.companies,
            "homes": household.assets.homes,
        },
        "rigid_expenses_12m_fen": household.rigid_expenses_12m_fen,
        "emergency": None if emergency is None else {
            "kind": emergency.kind, "area_code": emergency.area_code, "loss_fen": emergency.loss_fen},
    }


def determination_to_text(determination: Determination) -> str:
    """The ``minzheng assess`` output: indented JSON with Chinese kept readable."""
    return json.dumps(determination.as_json(), ensure_ascii=False, indent=2)
