"""Policy simulation (政策模拟): "from day D set parameter P to V" — who would enter, leave or get a different
amount, and what the monthly cost per town would become. A pure read: nothing is written.

The cases are the households with a pending application or a current enrollment in the area. Each is assessed
from one application's household file (the latest of its pending applications and the sources of its current
enrollments) as of day D, twice: with the standards in force on D (one policy snapshot for the whole run) and
with the same standards where P is V. Households are processed in batches ordered by household id, so a job can
checkpoint after each batch; every batch reads a fixed number of queries whatever its size.

Aggregates and the change list are plain JSON (they live in a job's checkpoint and result). Monthly cost counts
the monthly programs only; 临时救助 is a one-off grant, so it appears in the per-program counts but not in the
cost.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.db.models import Q

from minzheng.assistance.actions import ENROLLING_PROGRAMS
from minzheng.assistance.determination import PROGRAMS, Determination, determine
from minzheng.assistance.inputs import household_input_from, person_ids_of
from minzheng.assistance.models import Application, ApplicationStatus, Enrollment, EnrollmentStatus
from minzheng.assistance.standards import Standards, standards_from_snapshot
from minzheng.core.errors import ApplicationError
from minzheng.core.masking import mask_name
from minzheng.policy.models import ParameterDefinition
from minzheng.policy.selectors import ParameterSnapshot, load_snapshot
from minzheng.registry.models import Household, Person

DECIDED = (ApplicationStatus.APPROVED, ApplicationStatus.DENIED, ApplicationStatus.REFUSED)
BATCH_SIZE = 200

ENTERING, LEAVING, CHANGED, UNCHANGED = "entering", "leaving", "changed", "unchanged"


def town_of(area_code: str) -> str:
    """The 12-digit code of the town an area lies in (340471100201 → 340471100000)."""
    return area_code[:9].ljust(12, "0")


def _pending(area_prefix: str) -> Q:
    return Q(area__code__startswith=area_prefix) & ~Q(status__in=DECIDED)


def _current(area_prefix: str) -> Q:
    return Q(area__code__startswith=area_prefix) & ~Q(status=EnrollmentStatus.EXITED)


def case_households(area_prefix: str):
    """Ids of the households with a pending application or a current enrollment in the area, in id order."""
    pending = Application.objects.filter(_pending(area_prefix)).values("household_id")
    enrolled = Enrollment.objects.filter(_current(area_prefix)).values("household_id")
    return (Household.objects.filter(Q(pk__in=pending) | Q(pk__in=enrolled)).order_by("pk")
            .values_list("pk", flat=True))


def empty_aggregates() -> dict[str, Any]:
    return {
        "households": 0,
        "programs": {str(p): {ENTERING: 0, LEAVING: 0, CHANGED: 0, UNCHANGED: 0, "eligible_before": 0,
                              "eligible_after": 0} for p in PROGRAMS},
        "towns": {},
        "before_fen": 0,
        "after_fen": 0,
    }


def _town_row() -> dict[str, int]:
    return {"households": 0, ENTERING: 0, LEAVING: 0, CHANGED: 0, "before_fen": 0, "after_fen": 0}


def _monthly_cost(result: Determination) -> int:
    return sum(d.monthly_amount_fen for d in result.decisions if d.eligible and d.program in ENROLLING_PROGRAMS)


class Simulator:
    """Baseline and overridden standards per area, resolved once from one snapshot."""

    def __init__(self, *, snapshot: ParameterSnapshot, overrides: dict[str, int]) -> None:
        self.snapshot = snapshot
        self.overrides = dict(overrides)
        self._cache: dict[str, tuple[Standards, Standards]] = {}

    def standards(self, area_code: str) -> tuple[Standards, Standards]:
        pair = self._cache.get(area_code)
        if pair is None:
            baseline = standards_from_snapshot(self.snapshot, area_code)
            changed = Standards.from_values({**baseline.as_values(), **self.overrides})
            pair = self._cache[area_code] = (baseline, changed)
        return pair

    def run_batch(self, household_ids: list, *, area_prefix: str, aggregates: dict[str, Any],
                  changes: list[dict[str, Any]]) -> None:
        """Assess the households of one batch, adding to ``aggregates`` and ``changes`` in place."""
        if not household_ids:
            return
        enrolled = Enrollment.objects.filter(_current(area_prefix), household_id__in=household_ids)
        applications = list(Application.objects.filter(
            Q(household_id__in=household_ids) & _pending(area_prefix) | Q(pk__in=enrolled.values("application_id"))))
        latest: dict[Any, Application] = {}
        for application in applications:
            known = latest.get(application.household_id)
            if known is None or (application.filed_on, application.created_at) > (known.filed_on, known.created_at):
                latest[application.household_id] = application
        wanted = person_ids_of(latest.values()) | {str(a.applicant_id) for a in latest.values()}
        persons = {str(p.pk): p for p in Person.objects.filter(pk__in=wanted)}
        on = self.snapshot.on
        for household_id in household_ids:
            application = latest.get(household_id)
            if application is not None:
                self._assess(application, persons, on, aggregates, changes)

    def _assess(self, application: Application, persons: dict[str, Person], on: dt.date,
                aggregates: dict[str, Any], changes: list[dict[str, Any]]) -> None:
        household, _ = household_input_from(application, persons)
        household = dataclasses.replace(household, as_of=on)
        baseline, changed = self.standards(application.area_id)
        before, after = determine(household, baseline), determine(household, changed)
        town = aggregates["towns"].setdefault(town_of(application.area_id), _town_row())
        aggregates["households"] += 1
        town["households"] += 1
        cost_before, cost_after = _monthly_cost(before), _monthly_cost(after)
        aggregates["before_fen"] += cost_before
        aggregates["after_fen"] += cost_after
        town["before_fen"] += cost_before
        town["after_fen"] += cost_after
        program_changes = []
        for old, new in zip(before.decisions, after.decisions, strict=True):
            counts = aggregates["programs"][str(old.program)]
            counts["eligible_before"] += old.eligible
            counts["eligible_after"] += new.eligible
            kind = _compare(old.eligible, old.monthly_amount_fen, new.eligible, new.monthly_amount_fen)
            counts[kind] += 1
            if kind != UNCHANGED:
                program_changes.append({"program": str(old.program), "kind": kind,
                                        "before_fen": old.monthly_amount_fen if old.eligible else 0,
                                        "after_fen": new.monthly_amount_fen if new.eligible else 0})
        if not program_changes:
            return
        for kind in (ENTERING, LEAVING, CHANGED):
            town[kind] += any(change["kind"] == kind for change in program_changes)
        applicant = persons.get(str(application.applicant_id))
        changes.append({
            "household_id": str(application.household_id), "application_id": str(application.pk),
            "applicant_id": str(application.applicant_id), "name": mask_name(applicant.name if applicant else ""),
            "area_code": application.area_id, "town": town_of(application.area_id),
            "before_fen": cost_before, "after_fen": cost_after, "changes": program_changes,
        })


def _compare(old_eligible: bool, old_fen: int, new_eligible: bool, new_fen: int) -> str:
    if not old_eligible and new_eligible:
        return ENTERING
    if old_eligible and not new_eligible:
        return LEAVING
    if old_eligible and old_fen != new_fen:
        return CHANGED
    return UNCHANGED


@dataclasses.dataclass(frozen=True)
class SimulationResult:
    aggregates: dict[str, Any]
    changes: list[dict[str, Any]]

    @property
    def delta_fen(self) -> int:
        return self.aggregates["after_fen"] - self.aggregates["before_fen"]


def batches(ids: Iterable, size: int = BATCH_SIZE) -> Iterable[list]:
    batch: list = []
    for item in ids:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def simulate(*, area_prefix: str, on: dt.date, overrides: dict[str, int]) -> SimulationResult:
    """Re-determine every case of the area as of ``on`` with and without ``overrides`` ({code: value})."""
    simulator = Simulator(snapshot=load_snapshot(on=on), overrides=overrides)
    aggregates, changes = empty_aggregates(), []
    for batch in batches(list(case_households(area_prefix))):
        simulator.run_batch(batch, area_prefix=area_prefix, aggregates=aggregates, changes=changes)
    return SimulationResult(aggregates=aggregates, changes=changes)


# --- Parameters ----------------------------------------------------------------------------------------------


class SimulationErrorCode(StrEnum):
    CODE_UNKNOWN = "simulation_code_unknown"
    VALUE_INVALID = "simulation_value_invalid"
    DATE_INVALID = "simulation_date_invalid"
    AREA_INVALID = "simulation_area_invalid"


def simulation_codes() -> list[ParameterDefinition]:
    """The parameters a simulation may change: those the determination engine reads, in its order."""
    definitions = {d.code: d for d in ParameterDefinition.objects.filter(code__in=Standards.CODES)}
    return [definitions[code] for code in Standards.CODES if code in definitions]


def clean_simulation_parameters(parameters: dict) -> dict[str, Any]:
    """Validate ``{code, value, effective_on, area_prefix}``; the value is in the parameter's stored unit."""
    code = str(parameters.get("code") or "").strip()
    if code not in Standards.CODES or not ParameterDefinition.objects.filter(code=code).exists():
        raise ApplicationError(SimulationErrorCode.CODE_UNKNOWN, "未知的政策参数，请从列表中选择", field="code")
    raw = parameters.get("value")
    value = raw if type(raw) is int else None
    if isinstance(raw, str) and raw.strip().isdigit():
        value = int(raw.strip())
    if value is None or value < 0:
        raise ApplicationError(SimulationErrorCode.VALUE_INVALID, "参数值必须是非负整数", field="value")
    day = parameters.get("effective_on")
    if not isinstance(day, dt.date):
        try:
            day = dt.date.fromisoformat(str(day or ""))
        except ValueError:
            raise ApplicationError(SimulationErrorCode.DATE_INVALID, "生效日期应为YYYY-MM-DD格式的有效日期",
                                   field="effective_on") from None
    prefix = str(parameters.get("area_prefix") or "")
    if not (prefix.isdigit() and len(prefix) <= 12):
        raise ApplicationError(SimulationErrorCode.AREA_INVALID, "模拟范围应为行政区划代码前缀", field="area_prefix")
    return {"code": code, "value": value, "effective_on": day.isoformat(), "area_prefix": prefix}
