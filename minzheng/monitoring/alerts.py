"""Alerts as tasks (预警任务): writing the engine's alert rows back as alerts, and the actions that take an alert
from raised to closed.

``materialize(run, rows)`` turns one batch of the engine's rows into alerts. The engine computes a ``dedupe_key``
(sha256 of rule, person and evidence); a key seen before only moves the alert's ``last_seen_in`` to this run, so the
same evidence never raises twice, across runs and across a resumed run (the unique constraint on ``dedupe_key`` is
the last line of defence). A row whose person is not in the registry is skipped and counted.

An alert goes to the person's village: the area of the household's open enrollment where there is one (the town
managing the assistance verifies it), otherwise the person's hukou village. It is due a number of working days
(parameter ``monitoring.alert_due_working_days``, PRC holiday calendar) after the day it was raised.

The life of an alert::

    待分派 (raised) --assign--> 待核查 (assigned) --visit--> 已入户核查 (visited) --close--> 已办结 (closed)
                                  ^--reassign--'

Who does what: the town (or the district) assigns an alert to a village or town worker whose area contains the
alert's area; the worker visits the home and records what was found; the town closes the alert with an outcome:

- 纳入救助 (``include_aid``): the household is not assisted and should be. Closing files a new assistance application
  for the household through ``assistance.actions.application_create`` (members pre-filled from the registry, the
  person as applicant), which needs the signed authorization for the economic-status check (核对授权书), collected
  at the visit. The application starts as a new filing (已提交) and follows the ordinary procedure.
- 调整/停发 (``adjust``): the person's household is enrolled and its assistance must change. Changing the amount or
  ending the enrollment is a district decision (``ASSISTANCE_APPROVE``, see ``assistance.lifecycle``), so the town
  does not decide it here. Closing links the alert to the enrollment, whose page is where the district acts; the
  town may also suspend payment at once (``suspend=True``: ``lifecycle.enrollment_suspend``, the town's own power,
  recorded as the alert's ``enrollment_change``) so nothing is overpaid while the district decides.
- 不属实 (``unfounded``) and 已帮扶 (``helped``): a note says why.

Overdue: the due day has passed and the alert is not closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from minzheng.accounts.enums import Role
from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.audit.actions import record_event, snapshot
from minzheng.core.calendar import deadline
from minzheng.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from minzheng.core.transitions import transition
from minzheng.monitoring.enums import AlertCategory, AlertOutcome, AlertStatus
from minzheng.monitoring.models import Alert, MonitoringRun
from minzheng.policy.selectors import parameter_value
from minzheng.registry.models import Membership, Person

S = AlertStatus
DUE_PARAMETER = "monitoring.alert_due_working_days"
BATCH_SIZE = 500

TRANSITIONS: dict[str, frozenset[str]] = {
    S.RAISED: frozenset({S.ASSIGNED}),
    S.ASSIGNED: frozenset({S.ASSIGNED, S.VISITED}),
    S.VISITED: frozenset({S.CLOSED}),
}

# Roles an alert can be assigned to: the people who visit homes.
ASSIGNEE_ROLES = frozenset({Role.VILLAGE_WORKER, Role.TOWN_REVIEWER})


class AlertErrorCode(StrEnum):
    ASSIGNEE_INVALID = "alert_assignee_invalid"
    TEXT_REQUIRED = "alert_text_required"
    DATE_INVALID = "alert_date_invalid"
    OUTCOME_INVALID = "alert_outcome_invalid"
    NOT_VISITED = "alert_not_visited"
    NO_HOUSEHOLD = "alert_no_household"
    NOT_ENROLLED = "alert_not_enrolled"
    CANNOT_SUSPEND = "alert_cannot_suspend"


# --- Materializing the engine's rows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Materialized:
    """What one batch did. Unpacks as ``new, repeated``; ``skipped`` counts rows of persons not in the registry."""

    new: int
    repeated: int
    skipped: int = 0

    def __iter__(self) -> Iterator[int]:
        return iter((self.new, self.repeated))


def _rule(code: str):
    """The rule's registry entry (title, category), or None for a code the registry does not know."""
    try:
        from minzheng.monitoring.rules import RULES
    except ImportError:  # the rules package is optional for materializing hand-made rows
        return None
    return RULES.get(code)


def rule_title(code: str) -> str:
    rule = _rule(code)
    return str(getattr(rule, "title", "") or code)


def _category(code: str) -> str:
    value = str(getattr(_rule(code), "category", "") or "")
    return value if value in AlertCategory.values else AlertCategory.INELIGIBILITY


def due_date(*, area_code: str, raised_on: dt.date) -> tuple[dt.date, bool]:
    """The check's time limit: ``monitoring.alert_due_working_days`` working days after ``raised_on``."""
    n = parameter_value(DUE_PARAMETER, area_code=area_code, on=raised_on)
    end = deadline(raised_on, n, "working_days")
    return end.date, end.provisional


def _iso(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


def _open_enrollments(household_ids: set) -> dict[str, list]:
    from minzheng.assistance.models import Enrollment, EnrollmentStatus

    found: dict[str, list] = {}
    rows = (Enrollment.objects.filter(household_id__in=list(household_ids)).exclude(status=EnrollmentStatus.EXITED)
            .order_by("starts_on", "created_at"))
    for enrollment in rows:
        found.setdefault(str(enrollment.household_id), []).append(enrollment)
    return found


def _enrollment_for(person: Person, enrollments: list):
    """The open enrollment covering the person, else any open enrollment of the person's household."""
    for enrollment in enrollments:
        if str(person.pk) in (enrollment.person_ids or []):
            return enrollment
    return enrollments[0] if enrollments else None


def materialize(run: MonitoringRun, rows: Iterable[dict], *, today: dt.date | None = None) -> Materialized:
    """Write one batch of the engine's alert rows as alerts of ``run`` (see the module docstring).

    Each row has ``rule_code``, ``rule_version``, ``person_key`` (the registry's blind index of the ID number),
    ``evidence_row_ids``, ``event_date``, ``detail`` and ``dedupe_key``. Runs in one transaction (inside the job's
    step when called from the comparison run); the run's counters move with it.
    """
    today = today or timezone.localdate()
    unique: dict[str, dict] = {}
    for row in rows:
        unique.setdefault(str(row["dedupe_key"]), row)
    if not unique:
        return Materialized(0, 0, 0)
    with transaction.atomic():
        existing = set(Alert.objects.filter(dedupe_key__in=list(unique)).values_list("dedupe_key", flat=True))
        if existing:
            Alert.objects.filter(dedupe_key__in=list(existing)).update(last_seen_in=run, updated_at=timezone.now())
        fresh = [row for key, row in unique.items() if key not in existing]
        persons = {p.id_number_bidx: p for p in Person.objects.filter(
            id_number_bidx__in=list({str(row["person_key"]) for row in fresh})).select_related("hukou_area")}
        memberships = {str(m.person_id): m for m in Membership.objects.filter(
            person__in=list(persons.values()), ended_on__isnull=True).select_related("household")}
        enrollments = _open_enrollments({m.household_id for m in memberships.values()})
        due_cache: dict[str, tuple[dt.date, bool]] = {}
        created = skipped = 0
        for row in fresh:
            person = persons.get(str(row["person_key"]))
            if person is None:
                skipped += 1
                continue
            membership = memberships.get(str(person.pk))
            household = membership.household if membership else None
            enrollment = _enrollment_for(person, enrollments.get(str(household.pk), [])) if household else None
            area_code = enrollment.area_id if enrollment else person.hukou_area_id
            if area_code not in due_cache:
                due_cache[area_code] = due_date(area_code=area_code, raised_on=today)
            due_on, provisional = due_cache[area_code]
            detail = str(row.get("detail") or "").strip()
            title = rule_title(str(row["rule_code"]))
            event_date = _iso(row.get("event_date"))
            alert = Alert.objects.create(
                rule_code=str(row["rule_code"]), rule_version=int(row["rule_version"]),
                category=_category(str(row["rule_code"])), dedupe_key=str(row["dedupe_key"]),
                person_key=str(row["person_key"]), person=person, household=household, enrollment=enrollment,
                area_id=area_code, summary=(f"{title}：{detail}" if detail else title)[:300],
                evidence=[{"row_id": str(rid), "event_date": event_date}
                          for rid in sorted(str(r) for r in row.get("evidence_row_ids") or [])],
                raised_in=run, last_seen_in=run, due_on=due_on, due_provisional=provisional)
            record_event(actor=run.started_by, action="alert.raise", obj=alert, area_code=area_code,
                         after=snapshot(alert, ["rule_code", "rule_version", "status", "due_on", "raised_in_id"]))
            created += 1
        MonitoringRun.objects.filter(pk=run.pk).update(alerts_new=F("alerts_new") + created,
                                                        alerts_repeated=F("alerts_repeated") + len(existing))
    return Materialized(created, len(existing), skipped)


# --- Overdue ----------------------------------------------------------------------------------------------


def overdue_q(today: dt.date) -> Q:
    return Q(due_on__lt=today) & ~Q(status=S.CLOSED)


def is_overdue(alert: Alert, today: dt.date) -> bool:
    return alert.status != S.CLOSED and alert.due_on is not None and alert.due_on < today


def overdue(qs: QuerySet[Alert], today: dt.date) -> QuerySet[Alert]:
    return qs.filter(overdue_q(today))


# --- Actions ----------------------------------------------------------------------------------------------


def _in_area(user, alert: Alert) -> None:
    """Views get alerts through ``access_alert_by_id``; this repeats the area check for direct callers."""
    if not alert.area_id.startswith(user.area_prefix):
        raise NotFoundError("预警")


def _required_text(value: str, field_name: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(AlertErrorCode.TEXT_REQUIRED, f"请填写{label}", field=field_name)
    return text[:2000]


def _move(user, alert: Alert, *, target: str, action: str, updates: dict, note: str = "") -> Alert:
    fields = ["status", *updates]
    before = snapshot(alert, fields)
    transition(alert, table=TRANSITIONS, target=target, extra_updates=updates)
    record_event(actor=user, action=f"alert.{action}", obj=alert, area_code=alert.area_id, before=before,
                 after=snapshot(alert, fields), note=note)
    return alert


def can_be_assignee(user, alert: Alert) -> bool:
    return (user is not None and user.is_active and user.role in ASSIGNEE_ROLES
            and has_perm(user, Perm.ALERT_HANDLE) and user.area_id is not None
            and alert.area_id.startswith(user.area_prefix))


def alert_assign(*, acting_user, alert: Alert, assignee) -> Alert:
    """分派: the town or the district gives the alert to a village or town worker of the alert's area."""
    require(acting_user, Perm.ALERT_ASSIGN)
    _in_area(acting_user, alert)
    if not can_be_assignee(assignee, alert):
        raise ApplicationError(AlertErrorCode.ASSIGNEE_INVALID,
                               "核查人须为预警所在村（社区）或乡镇（街道）的经办人员", field="assignee")
    if alert.status not in (S.RAISED, S.ASSIGNED):
        raise ApplicationError("illegal_transition",
                               f"当前状态为「{alert.get_status_display()}」，不能分派")
    with transaction.atomic():
        return _move(acting_user, alert, target=S.ASSIGNED, action="assign",
                     updates={"assigned_to": assignee, "assigned_at": timezone.now()},
                     note=f"分派给{assignee.display_name}")


def alert_record_visit(*, acting_user, alert: Alert, visited_on: dt.date | None, notes: str,
                       today: dt.date | None = None) -> Alert:
    """入户核查: the worker records the home visit and what was found."""
    require(acting_user, Perm.ALERT_HANDLE)
    _in_area(acting_user, alert)
    today = today or timezone.localdate()
    if alert.status != S.ASSIGNED:
        raise ApplicationError("illegal_transition",
                               f"当前状态为「{alert.get_status_display()}」，不能登记入户核查")
    if visited_on is None:
        raise ApplicationError(AlertErrorCode.DATE_INVALID, "请填写入户核查日期", field="visited_on")
    if visited_on > today:
        raise ApplicationError(AlertErrorCode.DATE_INVALID, "入户核查日期不能晚于今天", field="visited_on")
    text = _required_text(notes, "notes", "核查情况")
    with transaction.atomic():
        return _move(acting_user, alert, target=S.VISITED, action="visit",
                     updates={"visited_on": visited_on, "visit_notes": text})


def _member_entries(household):
    from minzheng.assistance.actions import MemberEntry

    memberships = Membership.objects.filter(household=household, ended_on__isnull=True).order_by("started_on")
    return [MemberEntry(person_id=str(m.person_id), relation=str(m.relation), living_together=m.living_together,
                        status=str(m.status)) for m in memberships]


def _file_application(user, alert: Alert, *, check_authorized: bool, today: dt.date):
    from minzheng.assistance.actions import ApplicationInput, application_create
    from minzheng.assistance.enums import ApplicationPlace

    if not has_perm(user, Perm.ASSISTANCE_APPLY):
        raise PermissionDeniedError("纳入救助须由有救助申请受理权限的人员办理")
    household = alert.household
    if household is None:
        raise ApplicationError(AlertErrorCode.NO_HOUSEHOLD,
                               "该人员在户籍登记中没有所属家庭，请先在人员与家庭中登记后再纳入救助", field="outcome")
    members = _member_entries(household)
    current = {entry.person_id for entry in members}
    applicant = alert.person if alert.person_id and str(alert.person_id) in current else household.head
    return application_create(acting_user=user, household=household, applicant=applicant,
                              place=ApplicationPlace.HUKOU,
                              data=ApplicationInput(members=members, check_authorized=check_authorized),
                              filed_on=today)


def _suspend(user, alert: Alert, note: str, today: dt.date):
    from minzheng.assistance import lifecycle

    enrollment = alert.enrollment
    if not enrollment.can_suspend():
        raise ApplicationError(AlertErrorCode.CANNOT_SUSPEND,
                               f"救助对象当前状态为「{enrollment.get_status_display()}」，不能暂停发放",
                               field="suspend")
    lifecycle.enrollment_suspend(acting_user=user, enrollment=enrollment,
                                 reason=f"动态监测预警：{alert.summary}。核查结论：{note}"[:2000], effective_on=today)
    return enrollment.changes.order_by("-created_at").first()


def alert_close(*, acting_user, alert: Alert, outcome: str, note: str = "", check_authorized: bool = False,
                suspend: bool = False, today: dt.date | None = None) -> Alert:
    """办结: the town closes a visited alert with its outcome (see the module docstring for each outcome)."""
    require(acting_user, Perm.ALERT_HANDLE)
    require(acting_user, Perm.ALERT_ASSIGN)
    _in_area(acting_user, alert)
    today = today or timezone.localdate()
    if outcome not in AlertOutcome.values:
        raise ApplicationError(AlertErrorCode.OUTCOME_INVALID, "请选择处理结果", field="outcome")
    if alert.status == S.CLOSED:
        raise ApplicationError("illegal_transition", "预警已办结")
    if alert.status != S.VISITED:
        raise ApplicationError(AlertErrorCode.NOT_VISITED, "请先登记入户核查情况，再办结预警")
    text = (note or "").strip()[:2000]
    if outcome in (AlertOutcome.UNFOUNDED, AlertOutcome.HELPED, AlertOutcome.ADJUST):
        text = _required_text(note, "note", "处理说明")
    updates: dict = {"outcome": outcome, "outcome_note": text, "closed_on": today, "closed_by": acting_user}
    with transaction.atomic():
        if outcome == AlertOutcome.INCLUDE_AID:
            updates["application"] = _file_application(acting_user, alert, check_authorized=check_authorized,
                                                       today=today)
        elif outcome == AlertOutcome.ADJUST:
            if alert.enrollment is None or alert.enrollment.status == "exited":
                raise ApplicationError(AlertErrorCode.NOT_ENROLLED,
                                       "该人员所在家庭不是在保救助对象，不能选择“调整/停发”", field="outcome")
            if suspend:
                updates["enrollment_change"] = _suspend(acting_user, alert, text, today)
        return _move(acting_user, alert, target=S.CLOSED, action="close", updates=updates,
                     note=f"{AlertOutcome(outcome).label}{'：' + text if text else ''}")
