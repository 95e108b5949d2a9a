"""Reads of policy parameters.

Resolution — the one rule every caller shares: among the APPROVED values of a code whose area prefix is a
prefix of the area asked about and whose ``effective_from`` is on or before the day asked about, the most
specific area wins (the longest prefix), then the latest ``effective_from``. So a town's own value applies in
that town even when the district's value is newer; a town that wants to follow a new district standard needs a
new town value (or none at all).

``parameter_value`` and ``parameter_values`` ask the database each time; ``load_snapshot`` reads every approved
value once and resolves in memory, for batch runs that determine many households on the same day. Both give the
same answers (tested). Page reads (``parameter_overview``, ``parameter_history``) are scoped to the user's area.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from minzheng.accounts.permissions import Perm, require
from minzheng.areas.codes import normalize_code, prefix_of
from minzheng.areas.selectors import area_name
from minzheng.core.errors import ApplicationError
from minzheng.policy.enums import DECIDED_STATUSES, GROUP_LABELS, GrowthKind, ValueStatus
from minzheng.policy.errors import PolicyErrorCode, policy_error
from minzheng.policy.growth import grown_value
from minzheng.policy.models import (
    AREA_PREFIX_LENGTHS,
    GrowthRule,
    ParameterDefinition,
    ParameterValue,
    describe_growth,
)

# Longest first: the order in which prefixes of an area are tried.
_PREFIX_LENGTHS = tuple(sorted(AREA_PREFIX_LENGTHS, reverse=True))


def area_prefixes(area_code: str) -> list[str]:
    """The stored prefixes that cover an area, most specific first: "340471100201" → the village, its town
    (340471100), its district (340471) and "" (every area)."""
    code = (area_code or "").strip()
    return [code[:length] for length in _PREFIX_LENGTHS if len(code) >= length]


def _area_label(area_code: str) -> str:
    if not area_code:
        return "全部区划"
    try:
        return area_name(normalize_code(area_code))
    except ApplicationError:
        return area_code


def _missing(code: str, name: str | None, *, area_code: str, on: dt.date) -> ApplicationError:
    day = f"{on.year}年{on.month}月{on.day}日"
    return policy_error(PolicyErrorCode.PARAMETER_MISSING,
                        f"参数「{name or code}」在{day}对{_area_label(area_code)}没有生效值")


def _names(codes: Iterable[str]) -> dict[str, str]:
    return dict(ParameterDefinition.objects.filter(code__in=list(codes)).values_list("code", "name"))


def _pick(rows: Iterable[tuple[str, str, dt.date, int]], prefixes: list[str]) -> dict[str, int]:
    """From (code, area prefix, effective_from, value) rows of approved values in force, the resolved value per
    code: most specific prefix first, then the latest date."""
    rank = {prefix: index for index, prefix in enumerate(prefixes)}
    best: dict[str, tuple[int, dt.date, int]] = {}
    for code, prefix, effective_from, value in rows:
        key = (-rank[prefix], effective_from)
        current = best.get(code)
        if current is None or key > current[:2]:
            best[code] = (*key, value)
    return {code: entry[2] for code, entry in best.items()}


def _approved_rows(codes: list[str], *, area_code: str, on: dt.date):
    prefixes = area_prefixes(area_code)
    rows = (ParameterValue.objects
            .filter(definition__code__in=codes, status=ValueStatus.APPROVED, area_code__in=prefixes,
                    effective_from__lte=on)
            .values_list("definition__code", "area_code", "effective_from", "value_int"))
    return _pick(rows, prefixes)


def parameter_value(code: str, *, area_code: str, on: dt.date) -> int:
    """The value of one parameter in force for an area (12-digit code) on a day; ``parameter_missing`` if none."""
    found = _approved_rows([code], area_code=area_code, on=on)
    if code not in found:
        raise _missing(code, _names([code]).get(code), area_code=area_code, on=on)
    return found[code]


def parameter_values(codes: Iterable[str], *, area_code: str, on: dt.date) -> dict[str, int]:
    """Several parameters for one area and day in one query; ``parameter_missing`` names the first one missing."""
    wanted = list(dict.fromkeys(codes))
    found = _approved_rows(wanted, area_code=area_code, on=on)
    missing = [code for code in wanted if code not in found]
    if missing:
        raise _missing(missing[0], _names(missing[:1]).get(missing[0]), area_code=area_code, on=on)
    return {code: found[code] for code in wanted}


@dataclass(frozen=True)
class ParameterSnapshot:
    """Every approved value in force on one day, held in memory: ``value()`` resolves exactly like
    ``parameter_value`` with a few dictionary lookups and no query. Immutable, so one snapshot can serve a
    whole batch run (and several threads)."""

    on: dt.date
    # (code, area prefix) → the value with the latest effective_from on or before ``on``.
    latest: dict[tuple[str, str], int] = field(repr=False)
    names: dict[str, str] = field(repr=False)

    def value(self, code: str, area_code: str) -> int:
        latest = self.latest
        for prefix in area_prefixes(area_code):
            value = latest.get((code, prefix))
            if value is not None:
                return value
        raise _missing(code, self.names.get(code), area_code=area_code, on=self.on)

    def values(self, codes: Iterable[str], area_code: str) -> dict[str, int]:
        return {code: self.value(code, area_code) for code in codes}


def load_snapshot(*, on: dt.date) -> ParameterSnapshot:
    """All approved values in force on ``on`` in two queries (values, names), for batch determination."""
    latest: dict[tuple[str, str], tuple[dt.date, int]] = {}
    rows = (ParameterValue.objects.filter(status=ValueStatus.APPROVED, effective_from__lte=on)
            .values_list("definition__code", "area_code", "effective_from", "value_int"))
    for code, prefix, effective_from, value in rows:
        current = latest.get((code, prefix))
        if current is None or effective_from > current[0]:
            latest[(code, prefix)] = (effective_from, value)
    names = dict(ParameterDefinition.objects.values_list("code", "name"))
    return ParameterSnapshot(on=on, latest={key: entry[1] for key, entry in latest.items()}, names=names)


# --- pages -----------------------------------------------------------------------------------------------------


def area_view_filter(area_code: str | None) -> Q:
    """Values a user of this area sees: those that apply to the area (the chain above it) and those set for
    areas under it. No area (a user without one) sees nothing."""
    if area_code is None:
        return Q(pk__in=[])
    # Areas under a district start with its 6-digit prefix, not with its padded code "340471000000".
    try:
        own = prefix_of(area_code) if area_code else ""
    except ApplicationError:
        own = area_code
    return Q(area_code__in=area_prefixes(area_code)) | Q(area_code__startswith=own)


def user_area_code(user) -> str | None:
    """The 12-digit code of the user's area, or None for a user without one."""
    return user.area_id or None


@dataclass(frozen=True)
class ParameterRow:
    definition: ParameterDefinition
    current: int | None
    current_from: dt.date | None
    current_area: str | None
    current_label: str
    upcoming: int | None
    upcoming_from: dt.date | None
    pending: int

    @property
    def current_display(self) -> str:
        return self.definition.format_value(self.current)

    @property
    def upcoming_display(self) -> str:
        return self.definition.format_value(self.upcoming)


@dataclass(frozen=True)
class ParameterGroup:
    key: str
    label: str
    rows: list[ParameterRow]


def parameter_overview(*, user, on: dt.date) -> list[ParameterGroup]:
    """Every parameter with the value in force for the user's own area on ``on``, the next approved change and
    the number of pending proposals in the user's view, grouped by programme. Three queries whatever the count."""
    require(user, Perm.POLICY_VIEW)
    area_code = user_area_code(user)
    prefixes = area_prefixes(area_code) if area_code else []
    rank = {prefix: index for index, prefix in enumerate(prefixes)}
    definitions = list(ParameterDefinition.objects.all())
    applicable = defaultdict(list)
    for value in (ParameterValue.objects.filter(status=ValueStatus.APPROVED, area_code__in=prefixes)
                  .only("definition_id", "area_code", "effective_from", "value_int", "label")):
        applicable[value.definition_id].append(value)
    pending = dict(ParameterValue.objects.filter(area_view_filter(area_code), status=ValueStatus.PROPOSED)
                   .values("definition_id").annotate(n=Count("id")).values_list("definition_id", "n"))
    groups: dict[str, ParameterGroup] = {}
    for definition in definitions:
        values = applicable.get(definition.pk, [])
        in_force = [v for v in values if v.effective_from <= on]
        current = max(in_force, key=lambda v: (-rank[v.area_code], v.effective_from), default=None)
        # The next change: the earliest future value at least as specific as the one in force.
        later = [v for v in values if v.effective_from > on
                 and (current is None or rank[v.area_code] <= rank[current.area_code])]
        upcoming = min(later, key=lambda v: (v.effective_from, rank[v.area_code]), default=None)
        row = ParameterRow(
            definition=definition,
            current=current.value_int if current else None,
            current_from=current.effective_from if current else None,
            current_area=current.area_code if current else None,
            current_label=current.label if current else "",
            upcoming=upcoming.value_int if upcoming else None,
            upcoming_from=upcoming.effective_from if upcoming else None,
            pending=pending.get(definition.pk, 0),
        )
        group = groups.setdefault(definition.group, ParameterGroup(definition.group, definition.group_label, []))
        group.rows.append(row)
    # Programmes in the order of the work plan, then any group added later by its code.
    order = {key: index for index, key in enumerate(GROUP_LABELS)}
    return sorted(groups.values(), key=lambda group: (order.get(group.key, len(order)), group.key))


@dataclass(frozen=True)
class HistoryEntry:
    value: ParameterValue
    # The day before the next approved value for the same area takes effect; None while it is the latest.
    effective_to: dt.date | None


def parameter_history(code: str, area_code: str | None) -> list[HistoryEntry]:
    """Every value of a parameter, in every status, that applies to the area or was set for an area under it:
    by area, newest date first. ``effective_to`` is derived from the next approved value of the same area."""
    values = list(ParameterValue.objects.filter(area_view_filter(area_code), definition__code=code)
                  .select_related("definition", "created_by", "approved_by", "rejected_by")
                  .order_by("area_code", "-effective_from", "-created_at"))
    starts: dict[str, list[dt.date]] = defaultdict(list)
    for value in values:
        if value.status == ValueStatus.APPROVED:
            starts[value.area_code].append(value.effective_from)
    entries = []
    for value in values:
        end = None
        if value.status in DECIDED_STATUSES:
            later = [start for start in starts[value.area_code] if start > value.effective_from]
            end = min(later) - dt.timedelta(days=1) if later else None
        entries.append(HistoryEntry(value=value, effective_to=end))
    return entries


def growth_rules_of(code: str, area_code: str | None) -> list[GrowthRule]:
    return list(GrowthRule.objects.filter(area_view_filter(area_code), definition__code=code)
                .select_related("created_by", "base_value", "proposed_value"))


# --- growth preview -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrowthPreview:
    definition: ParameterDefinition
    area_code: str
    effective_from: dt.date
    kind: GrowthKind
    amount: int
    base: ParameterValue
    result: int

    @property
    def base_display(self) -> str:
        return self.definition.format_value(self.base.value_int)

    @property
    def result_display(self) -> str:
        return self.definition.format_value(self.result)

    @property
    def rule_display(self) -> str:
        return describe_growth(self.kind, self.amount)

    @property
    def increase_display(self) -> str:
        return self.definition.format_value(self.result - self.base.value_int)


def growth_base(definition: ParameterDefinition, *, area_code: str, effective_from: dt.date) -> ParameterValue:
    """The approved value a rise starts from: the one in force for the area on the day before the new standard
    takes effect, so re-running a rule for a date that already has a value still grows the previous standard."""
    day_before = effective_from - dt.timedelta(days=1)
    prefixes = area_prefixes(area_code)
    rank = {prefix: index for index, prefix in enumerate(prefixes)}
    candidates = list(ParameterValue.objects.filter(definition=definition, status=ValueStatus.APPROVED,
                                                    area_code__in=prefixes, effective_from__lte=day_before))
    if not candidates:
        raise _missing(definition.code, definition.name, area_code=area_code, on=day_before)
    return max(candidates, key=lambda v: (-rank[v.area_code], v.effective_from))


def growth_preview(*, definition: ParameterDefinition, area_code: str, kind: str, amount: int,
                   effective_from: dt.date) -> GrowthPreview:
    """What a growth rule would propose, computed the same way ``growth_rule_apply`` does, without writing."""
    base = growth_base(definition, area_code=area_code, effective_from=effective_from)
    return GrowthPreview(definition=definition, area_code=area_code, effective_from=effective_from,
                         kind=GrowthKind(kind), amount=amount, base=base,
                         result=grown_value(base.value_int, kind=kind, amount=amount))
