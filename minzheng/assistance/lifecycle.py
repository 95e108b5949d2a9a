"""Dynamic management of enrollments (动态管理, domain reference §1.5 and §2.6): periodic review, amount changes,
suspension and resumption, phase-out and exit.

Each action checks the permission and the area, validates, changes the enrollment in one transaction (status
moves go through ``ENROLLMENT_TRANSITIONS`` and ``transition()``), writes one audit event with before/after of
the changed fields and one ``EnrollmentChange`` history row.

Who may do what. The town (乡镇) carries out dynamic management and holds ``ASSISTANCE_REVIEW``: the periodic
review, suspending and resuming payment while a matter is checked, and starting the phase-out once a member's
income rises. Changing the amount paid and ending the enrollment are decisions the county level confirms
(增发、减发、停发 and 终止 are 县级审核确认), so they need ``ASSISTANCE_APPROVE`` (the district approver).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.db import models, transaction

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.assistance.actions import add_months
from minzheng.assistance.determination import Disability, severe_disability_reason
from minzheng.assistance.enums import IncomeKind, Program
from minzheng.assistance.models import (
    ENROLLMENT_TRANSITIONS,
    Enrollment,
    EnrollmentChange,
    EnrollmentChangeKind,
    EnrollmentStatus,
    ExitReason,
)
from minzheng.audit.actions import record_event, snapshot
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.transitions import transition
from minzheng.policy.selectors import parameter_value
from minzheng.registry.models import Person

E = EnrollmentStatus

# Incomes that come from work and so may change from one month to the next.
_EARNED_INCOME = frozenset({IncomeKind.WAGE, IncomeKind.BUSINESS})

# The permission each action needs (see the module docstring); the page decides its buttons from the same table.
ACTION_PERMS: dict[str, Perm] = {
    "review": Perm.ASSISTANCE_REVIEW,
    "change_amount": Perm.ASSISTANCE_APPROVE,
    "suspend": Perm.ASSISTANCE_REVIEW,
    "resume": Perm.ASSISTANCE_REVIEW,
    "start_phaseout": Perm.ASSISTANCE_REVIEW,
    "exit": Perm.ASSISTANCE_APPROVE,
}


class LifecycleErrorCode(StrEnum):
    TEXT_REQUIRED = "enrollment_text_required"
    VALUE_INVALID = "enrollment_value_invalid"
    AMOUNT_UNCHANGED = "enrollment_amount_unchanged"


class ReviewOutcome(models.TextChoices):
    UNCHANGED = "unchanged", "家庭情况无明显变化，维持原救助"
    CHANGED = "changed", "家庭情况有变化，另行办理调整"


def allowed_actions(user, enrollment: Enrollment) -> dict[str, bool]:
    """Which lifecycle actions the user may take on the enrollment now: the permission and the model guard."""
    guards = {
        "review": enrollment.can_review(), "change_amount": enrollment.can_change_amount(),
        "suspend": enrollment.can_suspend(), "resume": enrollment.can_resume(),
        "start_phaseout": enrollment.can_start_phaseout(), "exit": enrollment.can_exit(),
    }
    return {verb: ok and has_perm(user, ACTION_PERMS[verb]) for verb, ok in guards.items()}


# --- Helpers ----------------------------------------------------------------------------------------------


def _check(user, verb: str, enrollment: Enrollment) -> None:
    require(user, ACTION_PERMS[verb])
    # Actions get records through access_enrollment_by_id; this repeats the area check for direct callers.
    if not enrollment.area_id.startswith(user.area_prefix):
        raise NotFoundError("救助对象")


def _required_text(value: str, field_name: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(LifecycleErrorCode.TEXT_REQUIRED, f"请填写{label}", field=field_name)
    return text


def _not_before_start(enrollment: Enrollment, day: dt.date, field_name: str) -> None:
    if day < enrollment.starts_on.replace(day=1):
        raise ApplicationError(LifecycleErrorCode.VALUE_INVALID,
                               f"日期不能早于享受起始日期（{enrollment.starts_on:%Y年%-m月%-d日}）", field=field_name)


def _record(user, enrollment: Enrollment, *, kind: str, action: str, fields: list[str], before: dict,
            status_before: str, amount_before: int, effective_on: dt.date, reason: str = "",
            reason_code: str = "") -> EnrollmentChange:
    change = EnrollmentChange.objects.create(
        enrollment=enrollment, kind=kind, status_before=status_before, status_after=enrollment.status,
        amount_before_fen=amount_before, amount_after_fen=enrollment.monthly_amount_fen, effective_on=effective_on,
        reason_code=reason_code, reason=reason, actor=user)
    record_event(actor=user, action=f"enrollment.{action}", obj=enrollment, area_code=enrollment.area_id,
                 before=before, after=snapshot(enrollment, fields), note=reason)
    return change


def _move(user, enrollment: Enrollment, *, target: str, kind: str, action: str, updates: dict,
          effective_on: dt.date, reason: str, reason_code: str = "") -> Enrollment:
    fields = ["status", *updates]
    before = snapshot(enrollment, fields)
    status_before = enrollment.status
    transition(enrollment, table=ENROLLMENT_TRANSITIONS, target=target, extra_updates=updates)
    _record(user, enrollment, kind=kind, action=action, fields=fields, before=before, status_before=status_before,
            amount_before=enrollment.monthly_amount_fen, effective_on=effective_on, reason=reason,
            reason_code=reason_code)
    return enrollment


# --- Review -----------------------------------------------------------------------------------------------


def is_stable(enrollment: Enrollment, on: dt.date) -> bool:
    """Whether the household's economic situation changes little in the short term (reviewed once a year) rather
    than depending on unstable income or on members able to work (every 6 months), §1.5.

    The rule: a 特困 enrollment is stable; any other enrollment is stable when every covered member still living is,
    on ``on``, at least the 特困 elderly age (parameter ``tekun.age_min``) or severely disabled (grade 1 or 2, or
    grade 3 intellectual or mental disability, the same test as 单人保), and the application's household file
    records no wage or business income for any covered member. Everyone else is reviewed every 6 months.
    """
    if enrollment.program == Program.TEKUN:
        return True
    covered = set(enrollment.person_ids)
    members = [m for m in enrollment.application.snapshot.get("members", []) if m["person_id"] in covered]
    if any(item["kind"] in _EARNED_INCOME and item["monthly_fen"] > 0
           for member in members for item in member.get("income_items", [])):
        return False
    elderly_age = parameter_value("tekun.age_min", area_code=enrollment.area_id, on=on)
    persons = [p for p in Person.objects.filter(pk__in=list(covered)) if p.death_date is None]
    if not persons:
        return False
    for person in persons:
        disability = (Disability(kind=person.disability_kind, grade=person.disability_grade)
                      if person.disability_kind and person.disability_grade else None)
        if person.age_on(on) < elderly_age and severe_disability_reason(disability) is None:
            return False
    return True


def next_review_on(enrollment: Enrollment, reviewed_on: dt.date) -> dt.date:
    """The next review: ``review.stable_months`` (12) or ``review.other_months`` (6) after this one."""
    code = "review.stable_months" if is_stable(enrollment, reviewed_on) else "review.other_months"
    return add_months(reviewed_on, parameter_value(code, area_code=enrollment.area_id, on=reviewed_on))


def enrollment_review(*, acting_user, enrollment: Enrollment, outcome: str, note: str,
                      today: dt.date | None = None) -> EnrollmentChange:
    """复核: record the review and schedule the next one by the household's stability (``is_stable``). The review
    itself changes neither status nor amount; a change it finds is carried out by the matching action."""
    _check(acting_user, "review", enrollment)
    if outcome not in ReviewOutcome.values:
        raise ApplicationError(LifecycleErrorCode.VALUE_INVALID, "复核结论无效", field="outcome")
    text = _required_text(note, "note", "复核情况")
    if not enrollment.can_review():
        raise ApplicationError("illegal_transition", "已退出的救助对象不能复核")
    today = today or dt.date.today()
    fields = ["last_reviewed_on", "review_due_on"]
    with transaction.atomic():
        before = snapshot(enrollment, fields)
        enrollment.last_reviewed_on = today
        enrollment.review_due_on = next_review_on(enrollment, today)
        enrollment.save(update_fields=[*fields, "updated_at"])
        return _record(acting_user, enrollment, kind=EnrollmentChangeKind.REVIEW, action="review", fields=fields,
                       before=before, status_before=enrollment.status, amount_before=enrollment.monthly_amount_fen,
                       effective_on=today, reason=text, reason_code=outcome)


# --- Amount -----------------------------------------------------------------------------------------------


def enrollment_change_amount(*, acting_user, enrollment: Enrollment, amount_fen: int, reason: str,
                             effective_month: dt.date) -> EnrollmentChange:
    """增发 / 减发: the new monthly amount from the first day of ``effective_month``."""
    _check(acting_user, "change_amount", enrollment)
    if type(amount_fen) is not int or amount_fen < 0:
        raise ApplicationError(LifecycleErrorCode.VALUE_INVALID, "月救助金额必须是非负数", field="amount")
    text = _required_text(reason, "reason", "调整原因")
    if not enrollment.can_change_amount():
        raise ApplicationError("illegal_transition",
                               f"当前状态为「{enrollment.get_status_display()}」，不能调整救助金额")
    if amount_fen == enrollment.monthly_amount_fen:
        raise ApplicationError(LifecycleErrorCode.AMOUNT_UNCHANGED, "新的月救助金额与现金额相同",
                               field="amount")
    effective_on = effective_month.replace(day=1)
    _not_before_start(enrollment, effective_on, "effective_month")
    fields = ["monthly_amount_fen"]
    with transaction.atomic():
        before = snapshot(enrollment, fields)
        amount_before = enrollment.monthly_amount_fen
        enrollment.monthly_amount_fen = amount_fen
        enrollment.save(update_fields=[*fields, "updated_at"])
        return _record(acting_user, enrollment, kind=EnrollmentChangeKind.AMOUNT, action="change_amount",
                       fields=fields, before=before, status_before=enrollment.status, amount_before=amount_before,
                       effective_on=effective_on, reason=text)


# --- Status -----------------------------------------------------------------------------------------------


def enrollment_suspend(*, acting_user, enrollment: Enrollment, reason: str,
                       effective_on: dt.date | None = None) -> Enrollment:
    """暂停: payment stops while a matter is checked (for example a review the household has not attended)."""
    _check(acting_user, "suspend", enrollment)
    text = _required_text(reason, "reason", "暂停原因")
    effective_on = effective_on or dt.date.today()
    _not_before_start(enrollment, effective_on, "effective_on")
    with transaction.atomic():
        return _move(acting_user, enrollment, target=E.SUSPENDED, kind=EnrollmentChangeKind.SUSPEND,
                     action="suspend", updates={}, effective_on=effective_on, reason=text)


def enrollment_resume(*, acting_user, enrollment: Enrollment, reason: str,
                      effective_on: dt.date | None = None) -> Enrollment:
    """恢复: a suspended enrollment is paid again, or a phase-out ends early because the income fell again."""
    _check(acting_user, "resume", enrollment)
    text = _required_text(reason, "reason", "恢复原因")
    effective_on = effective_on or dt.date.today()
    updates = {"phaseout_starts_on": None, "phaseout_ends_on": None} if enrollment.status == E.PHASE_OUT else {}
    with transaction.atomic():
        return _move(acting_user, enrollment, target=E.ACTIVE, kind=EnrollmentChangeKind.RESUME, action="resume",
                     updates=updates, effective_on=effective_on, reason=text)


def enrollment_start_phaseout(*, acting_user, enrollment: Enrollment, reason: str,
                              starts_on: dt.date | None = None) -> Enrollment:
    """渐退期: a member's income has risen above the standard; benefits continue for ``phaseout.months`` months
    from ``starts_on`` and the enrollment is then ended by ``enrollment_exit``."""
    _check(acting_user, "start_phaseout", enrollment)
    text = _required_text(reason, "reason", "进入渐退期的原因（如家庭成员就业、收入增加）")
    starts_on = starts_on or dt.date.today()
    _not_before_start(enrollment, starts_on, "starts_on")
    months = parameter_value("phaseout.months", area_code=enrollment.area_id, on=starts_on)
    updates = {"phaseout_starts_on": starts_on, "phaseout_ends_on": add_months(starts_on, months)}
    with transaction.atomic():
        return _move(acting_user, enrollment, target=E.PHASE_OUT, kind=EnrollmentChangeKind.PHASE_OUT,
                     action="start_phaseout", updates=updates, effective_on=starts_on, reason=text)


def enrollment_exit(*, acting_user, enrollment: Enrollment, reason_code: str, exited_on: dt.date,
                    note: str = "") -> Enrollment:
    """退出 (停保 / 终止): final. The reason comes from ``ExitReason``; ``other`` needs a description."""
    _check(acting_user, "exit", enrollment)
    if reason_code not in ExitReason.values:
        raise ApplicationError(LifecycleErrorCode.VALUE_INVALID, "请选择退出原因", field="reason_code")
    text = (note or "").strip()
    if reason_code == ExitReason.OTHER:
        text = _required_text(note, "note", "退出原因说明")
    if exited_on is None:
        raise ApplicationError(LifecycleErrorCode.VALUE_INVALID, "请填写退出日期", field="exited_on")
    _not_before_start(enrollment, exited_on, "exited_on")
    label = ExitReason(reason_code).label
    updates = {"exited_on": exited_on, "exit_reason_code": reason_code, "exit_reason": text}
    with transaction.atomic():
        return _move(acting_user, enrollment, target=E.EXITED, kind=EnrollmentChangeKind.EXIT, action="exit",
                     updates=updates, effective_on=exited_on, reason=f"{label}：{text}" if text else label,
                     reason_code=reason_code)
