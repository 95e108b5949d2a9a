"""All writes of applications, determinations and enrollments.

Each action checks the permission and the area, validates, changes the records in one transaction through
``transition()`` and writes one audit event per changed record. The event stream of an application is its
procedure history (办理流程).
"""

from __future__ import annotations

import calendar as pycalendar
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import IntegrityError, transaction

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.assistance.determination import ADULT_AGE, HouseholdInput, determine
from minzheng.assistance.enums import ApplicationPlace, IncomeKind, Program
from minzheng.assistance.inputs import household_input_for_application
from minzheng.assistance.models import (
    TRANSITIONS,
    Application,
    ApplicationAttachment,
    ApplicationDecision,
    ApplicationObjection,
    ApplicationStatus,
    AttachmentKind,
    Enrollment,
    EnrollmentStatus,
    ObjectionOutcome,
)
from minzheng.assistance.standards import standards_for
from minzheng.audit.actions import record_event, snapshot
from minzheng.core.calendar import deadline
from minzheng.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from minzheng.core.transitions import transition
from minzheng.policy.selectors import parameter_value
from minzheng.registry.enums import MemberStatus
from minzheng.registry.models import Household, Membership, Person

S = ApplicationStatus

# Programs paid or held month by month; 临时救助 is a one-off grant and creates no enrollment.
ENROLLING_PROGRAMS = frozenset({Program.DIBAO, Program.INDIVIDUAL_DIBAO, Program.TEKUN, Program.MARGINAL,
                                Program.RIGID_EXPENSE})


class WorkflowErrorCode(StrEnum):
    MEMBERS_REQUIRED = "application_members_required"
    MEMBER_NOT_IN_HOUSEHOLD = "application_member_not_in_household"
    APPLICANT_NOT_MEMBER = "application_applicant_not_member"
    TEXT_REQUIRED = "application_text_required"
    MAKER_CHECKER = "application_maker_checker"
    NOT_DETERMINED = "application_not_determined"
    NOTICE_RUNNING = "application_notice_running"
    ALREADY_EXTENDED = "application_already_extended"
    ENROLLMENT_EXISTS = "enrollment_exists"
    VALUE_INVALID = "application_value_invalid"
    CHECK_NOT_AUTHORIZED = "application_check_not_authorized"
    RESIDENCE_PERMIT_REQUIRED = "application_residence_permit_required"
    RESIDENCE_TOO_SHORT = "application_residence_too_short"
    OBJECTION_OUTCOME = "application_objection_outcome"
    NO_OPEN_OBJECTION = "application_no_open_objection"


# --- Input ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberEntry:
    """One member of the application's household file; the person is referenced by UUID only."""

    person_id: str
    relation: str
    living_together: bool = True
    status: str = MemberStatus.NORMAL
    serious_illness: bool = False
    student: bool = False
    income_fen: dict[str, int] = field(default_factory=dict)  # IncomeKind → monthly fen


@dataclass(frozen=True)
class ApplicationInput:
    members: list[MemberEntry]
    able_supporters: int = 0
    deposits_fen: int = 0
    vehicles: int = 0
    companies: int = 0
    homes: int = 0
    rigid_expenses_12m_fen: int = 0
    emergency_kind: str = ""
    emergency_loss_fen: int = 0
    # 居住地申办: the day the applicant's residence permit (居住证) was issued; required for that place.
    residence_permit_since: dt.date | None = None
    # The applicant and the members signed the authorization for the economic-status check (核对授权书).
    check_authorized: bool = False


# --- Helpers ----------------------------------------------------------------------------------------------


def _in_area(user, application: Application) -> None:
    """Actions get records through the access functions; this repeats the area check for direct callers."""
    if not application.area_id.startswith(user.area_prefix):
        raise NotFoundError("救助申请")


def _required_text(value: str, field_name: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(WorkflowErrorCode.TEXT_REQUIRED, f"请填写{label}", field=field_name)
    return text


def _working_deadline(start: dt.date, code: str, area_code: str):
    n = parameter_value(code, area_code=area_code, on=start)
    return deadline(start, n, "working_days")


def _event(user, action: str, application: Application, before: dict, after: dict, note: str = "") -> None:
    record_event(actor=user, action=f"application.{action}", obj=application, area_code=application.area_id,
                 before=before, after=after, note=note)


def _move(user, application: Application, *, target: str, action: str, updates: dict | None = None,
          note: str = "") -> Application:
    fields = ["status", *(updates or {})]
    before = snapshot(application, fields)
    transition(application, table=TRANSITIONS, target=target, extra_updates=updates)
    _event(user, action, application, before, snapshot(application, fields), note)
    return application


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, pycalendar.monthrange(year, month)[1]))


def first_of_next_month(day: dt.date) -> dt.date:
    return add_months(day.replace(day=1), 1)


# --- Filing -----------------------------------------------------------------------------------------------


def _snapshot_json(data: ApplicationInput, household: Household) -> dict:
    current = {str(m.person_id): m for m in Membership.objects.filter(household=household, ended_on__isnull=True)}
    if not data.members:
        raise ApplicationError(WorkflowErrorCode.MEMBERS_REQUIRED, "申请至少需要一名家庭成员", field="members")
    members = []
    for entry in data.members:
        if str(entry.person_id) not in current:
            raise ApplicationError(WorkflowErrorCode.MEMBER_NOT_IN_HOUSEHOLD, "所选成员不是该家庭的现有成员",
                                   field="members")
        incomes = []
        for kind, amount in entry.income_fen.items():
            if kind not in IncomeKind.values or type(amount) is not int or amount < 0:
                raise ApplicationError(WorkflowErrorCode.VALUE_INVALID, "收入金额必须是非负数", field="members")
            if amount:
                incomes.append({"kind": str(kind), "monthly_fen": amount})
        members.append({
            "person_id": str(entry.person_id), "relation": str(entry.relation),
            "living_together": bool(entry.living_together), "status": str(entry.status),
            "serious_illness": bool(entry.serious_illness), "student": bool(entry.student),
            "income_items": incomes,
        })
    numbers = {"able_supporters": data.able_supporters, "deposits_fen": data.deposits_fen,
               "vehicles": data.vehicles, "companies": data.companies, "homes": data.homes,
               "rigid_expenses_12m_fen": data.rigid_expenses_12m_fen,
               "emergency_loss_fen": data.emergency_loss_fen}
    for name, value in numbers.items():
        if type(value) is not int or value < 0:
            raise ApplicationError(WorkflowErrorCode.VALUE_INVALID, "数值必须是非负整数", field=name)
    emergency = None
    if data.emergency_kind.strip():
        emergency = {"kind": data.emergency_kind.strip()[:100], "loss_fen": data.emergency_loss_fen}
    return {
        "members": members,
        "residence_permit_since": data.residence_permit_since.isoformat() if data.residence_permit_since else None,
        "able_supporters": data.able_supporters,
        "assets": {"deposits_fen": data.deposits_fen, "vehicles": data.vehicles, "companies": data.companies,
                   "homes": data.homes},
        "rigid_expenses_12m_fen": data.rigid_expenses_12m_fen,
        "emergency": emergency,
    }


def full_months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (31 Jan → 28 Feb counts as one, as ``add_months`` does)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    return months


def _check_residence(data: ApplicationInput, area_code: str, filed_on: dt.date) -> None:
    """居住地申办 needs a residence permit held at least ``application.residence_min_months`` by the filing day."""
    since = data.residence_permit_since
    if since is None:
        raise ApplicationError(WorkflowErrorCode.RESIDENCE_PERMIT_REQUIRED, "居住地申办须填写居住证办理日期",
                               field="residence_permit_since")
    if since > filed_on:
        raise ApplicationError(WorkflowErrorCode.VALUE_INVALID, "居住证办理日期不能晚于申请日期",
                               field="residence_permit_since")
    required = parameter_value("application.residence_min_months", area_code=area_code, on=filed_on)
    held = full_months_between(since, filed_on)
    if held < required:
        raise ApplicationError(WorkflowErrorCode.RESIDENCE_TOO_SHORT,
                               f"居住证持有时间不足{required}个月（至申请日期已持有{held}个月），不能在居住地申办",
                               field="residence_permit_since")


def application_create(*, acting_user, household: Household, applicant: Person, place: str,
                       data: ApplicationInput, filed_on: dt.date | None = None) -> Application:
    """File an application for a household and assess it for every program at once (一次申请、分类审核认定)."""
    require(acting_user, Perm.ASSISTANCE_APPLY)
    if place not in ApplicationPlace.values:
        raise ApplicationError(WorkflowErrorCode.VALUE_INVALID, "申办方式无效", field="place")
    if data.check_authorized is not True:
        raise ApplicationError(WorkflowErrorCode.CHECK_NOT_AUTHORIZED,
                               "申请人及家庭成员须签署家庭经济状况核对授权书后方可申请", field="check_authorized")
    if not Membership.objects.filter(household=household, person=applicant, ended_on__isnull=True).exists():
        raise ApplicationError(WorkflowErrorCode.APPLICANT_NOT_MEMBER, "申请人必须是该家庭的现有成员",
                               field="applicant")
    area_code = household.area_id if place == ApplicationPlace.HUKOU else applicant.residence_area_id
    if not area_code.startswith(acting_user.area_prefix):
        raise PermissionDeniedError("只能在本辖区受理申请")
    filed_on = filed_on or dt.date.today()
    if place == ApplicationPlace.RESIDENCE:
        _check_residence(data, area_code, filed_on)
    elif data.residence_permit_since is not None:
        # Only a residence application depends on the permit; a date given for a hukou application is not kept.
        data = dataclasses.replace(data, residence_permit_since=None)
    with transaction.atomic():
        application = Application.objects.create(
            household=household, applicant=applicant, area_id=area_code, place=place,
            filed_on=filed_on, snapshot=_snapshot_json(data, household),
            check_authorized=True, created_by=acting_user,
        )
        record_event(actor=acting_user, action="application.create", obj=application, area_code=area_code,
                     after=snapshot(application, ["household_id", "applicant_id", "place", "status", "filed_on",
                                                  "check_authorized"]))
        _determine(acting_user, application)
    return application


# --- Determination ----------------------------------------------------------------------------------------


def household_input(application: Application) -> tuple[HouseholdInput, dict[str, str]]:
    """The engine's input for one application; see ``inputs.household_input_from``."""
    return household_input_for_application(application)


def _determine(user, application: Application) -> list[ApplicationDecision]:
    household, uuid_of = household_input(application)
    result = determine(household, standards_for(application.area_id, application.filed_on))
    application.decisions.filter(is_current=True).update(is_current=False)
    rows = [
        ApplicationDecision(
            application=application, program=str(d.program), eligible=d.eligible,
            monthly_amount_fen=d.monthly_amount_fen, member_ids=[uuid_of[i] for i in d.member_ids],
            reasons=[str(code) for code in d.reasons], as_of=result.as_of,
            household_size=result.household_size, per_capita_income_fen=result.per_capita_income_fen,
            run_by=user,
        )
        for d in result.decisions
    ]
    ApplicationDecision.objects.bulk_create(rows)
    eligible = "、".join(Program(row.program).label for row in rows if row.eligible) or "无"
    record_event(actor=user, action="application.determine", obj=application, area_code=application.area_id,
                 after={"eligible_programs": [row.program for row in rows if row.eligible]},
                 note=f"分类认定：符合 {eligible}")
    return rows


def application_determine(*, acting_user, application: Application) -> list[ApplicationDecision]:
    """Run the classified determination again (after the file or the standards changed)."""
    require(acting_user, Perm.ASSISTANCE_REVIEW)
    _in_area(acting_user, application)
    if not application.can_determine():
        raise ApplicationError("illegal_transition", "当前状态不能重新认定")
    with transaction.atomic():
        return _determine(acting_user, application)


# --- Acceptance -------------------------------------------------------------------------------------------


def application_accept(*, acting_user, application: Application, today: dt.date | None = None) -> Application:
    """受理: the time limit (working days from the parameter) starts the day after acceptance."""
    require(acting_user, Perm.ASSISTANCE_REVIEW)
    _in_area(acting_user, application)
    today = today or dt.date.today()
    due = _working_deadline(today, "application.time_limit_working_days", application.area_id)
    with transaction.atomic():
        return _move(acting_user, application, target=S.ACCEPTED, action="accept",
                     updates={"accepted_on": today, "due_on": due.date, "due_provisional": due.provisional})


def application_mark_incomplete(*, acting_user, application: Application, missing_items: str) -> Application:
    """材料不全: one notice listing everything missing (一次性告知)."""
    require(acting_user, Perm.ASSISTANCE_REVIEW)
    _in_area(acting_user, application)
    text = _required_text(missing_items, "missing_items", "需补齐的全部材料")
    with transaction.atomic():
        return _move(acting_user, application, target=S.INCOMPLETE, action="mark_incomplete",
                     updates={"missing_items": text})


def application_resubmit(*, acting_user, application: Application) -> Application:
    require(acting_user, Perm.ASSISTANCE_APPLY)
    _in_area(acting_user, application)
    with transaction.atomic():
        return _move(acting_user, application, target=S.SUBMITTED, action="resubmit")


def application_refuse(*, acting_user, application: Application, reason: str) -> Application:
    require(acting_user, Perm.ASSISTANCE_REVIEW)
    _in_area(acting_user, application)
    text = _required_text(reason, "reason", "不予受理的理由")
    with transaction.atomic():
        return _move(acting_user, application, target=S.REFUSED, action="refuse", updates={"refusal_reason": text})


# --- Investigation and the town's opinion -----------------------------------------------------------------


def application_investigate(*, acting_user, application: Application, economic_check: bool,
                            home_visit_on: dt.date | None, notes: str, today: dt.date | None = None) -> Application:
    """Record the request for the economic check and/or the home visit (入户调查)."""
    require(acting_user, Perm.ASSISTANCE_REVIEW)
    _in_area(acting_user, application)
    today = today or dt.date.today()
    if not economic_check and home_visit_on is None:
        raise ApplicationError(WorkflowErrorCode.TEXT_REQUIRED, "请申请经济状况核对或登记入户调查",
                               field="economic_check")
    if home_visit_on is not None and not (notes or "").strip():
        raise ApplicationError(WorkflowErrorCode.TEXT_REQUIRED, "请填写入户调查情况", field="notes")
    if home_visit_on is not None and home_visit_on > today:
        raise ApplicationError(WorkflowErrorCode.VALUE_INVALID, "入户调查日期不能晚于今天", field="home_visit_on")
    with transaction.atomic():
        return _move(acting_user, application, target=S.INVESTIGATING, action="investigate", updates={
            "economic_check_requested_on": today if economic_check else None,
            "home_visit_on": home_visit_on, "home_visit_notes": (notes or "").strip(),
        })


def application_town_review(*, acting_user, application: Application, opinion: str) -> Application:
    """乡镇初审意见, given on the current determination."""
    require(acting_user, Perm.ASSISTANCE_REVIEW)
    _in_area(acting_user, application)
    text = _required_text(opinion, "opinion", "初审意见")
    if not application.decisions.filter(is_current=True).exists():
        raise ApplicationError(WorkflowErrorCode.NOT_DETERMINED, "尚无认定结果，请先进行认定")
    with transaction.atomic():
        return _move(acting_user, application, target=S.TOWN_REVIEWED, action="town_review",
                     updates={"town_opinion": text})


def covered_person_ids(application: Application) -> list[str]:
    """The members the current eligible decisions cover, or every member of the file when none is eligible."""
    ids: dict[str, None] = {}
    for row in application.decisions.filter(is_current=True, eligible=True):
        ids.update(dict.fromkeys(row.member_ids))
    return list(ids) or [m["person_id"] for m in application.snapshot["members"]]


def covers_minor(application: Application, on: dt.date) -> bool:
    """A covered member under the age of majority (民法典 第十七条) keeps the application from being posted."""
    births = Person.objects.filter(pk__in=covered_person_ids(application)).values_list("birth_date", flat=True)
    return any(on.year - b.year - ((on.month, on.day) < (b.month, b.day)) < ADULT_AGE for b in births)


def application_publish_notice(*, acting_user, application: Application, today: dt.date | None = None) -> Application:
    """公示: the period from the parameter, its end stored. An application covering a minor is not posted and
    goes straight to the district review (minors' privacy)."""
    require(acting_user, Perm.ASSISTANCE_REVIEW)
    _in_area(acting_user, application)
    today = today or dt.date.today()
    with transaction.atomic():
        if covers_minor(application, today):
            return _move(acting_user, application, target=S.DISTRICT_REVIEW, action="skip_notice",
                         updates={"notice_skipped": True}, note="保障对象含未成年人，免于公示")
        return _move(acting_user, application, target=S.PUBLIC_NOTICE, action="publish_notice",
                     updates=_notice_period(application, today))


def application_end_notice(*, acting_user, application: Application, today: dt.date | None = None) -> Application:
    """The notice ended without objection: send the file to the district."""
    require(acting_user, Perm.ASSISTANCE_REVIEW)
    _in_area(acting_user, application)
    today = today or dt.date.today()
    if application.status == S.PUBLIC_NOTICE and application.notice_ends_on and today < application.notice_ends_on:
        raise ApplicationError(WorkflowErrorCode.NOTICE_RUNNING,
                               f"公示期至{application.notice_ends_on:%Y年%-m月%-d日}，公示期满后方可报区级审核")
    with transaction.atomic():
        return _move(acting_user, application, target=S.DISTRICT_REVIEW, action="end_notice")


def _notice_period(application: Application, starts: dt.date) -> dict:
    days = parameter_value("application.public_notice_days", area_code=application.area_id, on=starts)
    return {"notice_starts_on": starts, "notice_ends_on": deadline(starts, days, "calendar_days").date}


def application_record_objection(*, acting_user, application: Application, content: str, raised_by_name: str = "",
                                 received_on: dt.date | None = None) -> ApplicationObjection:
    """公示异议: an objection received during the notice stops it; the town re-investigates (重新调查)."""
    require(acting_user, Perm.ASSISTANCE_REVIEW)
    _in_area(acting_user, application)
    text = _required_text(content, "content", "异议内容")
    received_on = received_on or dt.date.today()
    if application.notice_starts_on and received_on < application.notice_starts_on:
        raise ApplicationError(WorkflowErrorCode.VALUE_INVALID, "收到异议的日期不能早于公示开始日期",
                               field="received_on")
    with transaction.atomic():
        _move(acting_user, application, target=S.REINVESTIGATING, action="record_objection",
              note=f"收到公示异议：{text[:100]}")
        objection = ApplicationObjection.objects.create(
            application=application, received_on=received_on, content=text,
            raised_by_name=(raised_by_name or "").strip()[:100], recorded_by=acting_user)
        record_event(actor=acting_user, action="applicationobjection.create", obj=objection,
                     area_code=application.area_id,
                     after=snapshot(objection, ["application_id", "received_on", "content", "raised_by_name"]))
    return objection


def application_resolve_objection(*, acting_user, application: Application, outcome: str, resolution: str,
                                  today: dt.date | None = None) -> ApplicationObjection:
    """处理公示异议. Dismissed: the notice is published again for a full new period from ``today``. Upheld: the
    application goes back to investigation, where the town may determine again, give a new opinion and publish
    again; the district then approves or denies as usual."""
    require(acting_user, Perm.ASSISTANCE_REVIEW)
    _in_area(acting_user, application)
    if outcome not in ObjectionOutcome.values:
        raise ApplicationError(WorkflowErrorCode.OBJECTION_OUTCOME, "请选择异议处理结果", field="outcome")
    text = _required_text(resolution, "resolution", "异议处理情况")
    today = today or dt.date.today()
    objection = application.objections.filter(resolved_on__isnull=True).first()
    if objection is None or not application.can_resolve_objection():
        raise ApplicationError(WorkflowErrorCode.NO_OPEN_OBJECTION, "该申请没有待处理的公示异议")
    if today < objection.received_on:
        raise ApplicationError(WorkflowErrorCode.VALUE_INVALID, "处理日期不能早于收到异议的日期", field="today")
    fields = ["outcome", "resolution", "resolved_on", "resolved_by_id"]
    label = ObjectionOutcome(outcome).label
    with transaction.atomic():
        if outcome == ObjectionOutcome.DISMISSED:
            _move(acting_user, application, target=S.PUBLIC_NOTICE, action="resolve_objection",
                  updates=_notice_period(application, today), note=f"{label}，重新公示")
        else:
            _move(acting_user, application, target=S.INVESTIGATING, action="resolve_objection",
                  note=f"{label}，重新调查核实")
        before = snapshot(objection, fields)
        objection.outcome, objection.resolution = outcome, text
        objection.resolved_on, objection.resolved_by = today, acting_user
        objection.save(update_fields=[*[f.removesuffix("_id") for f in fields], "updated_at"])
        record_event(actor=acting_user, action="applicationobjection.update", obj=objection,
                     area_code=application.area_id, before=before, after=snapshot(objection, fields), note=label)
    return objection


def application_extend(*, acting_user, application: Application, reason: str) -> Application:
    """特殊情况延长办理时限 (45 working days from acceptance, from the parameter)."""
    require(acting_user, Perm.ASSISTANCE_REVIEW)
    _in_area(acting_user, application)
    if not application.accepted_on:
        raise ApplicationError("illegal_transition", "申请尚未受理，不能延长时限")
    text = _required_text(reason, "reason", "延长理由")
    if not application.can_extend():
        raise ApplicationError(WorkflowErrorCode.ALREADY_EXTENDED, "办理时限已延长过或申请已办结，不能再延长")
    due = _working_deadline(application.accepted_on, "application.extended_time_limit_working_days",
                            application.area_id)
    fields = ["extended_due_on", "extended_provisional", "extension_reason"]
    with transaction.atomic():
        before = snapshot(application, fields)
        application.extended_due_on, application.extended_provisional = due.date, due.provisional
        application.extension_reason = text
        application.save(update_fields=[*fields, "updated_at"])
        _event(acting_user, "extend", application, before, snapshot(application, fields))
    return application


# --- The district's decision ------------------------------------------------------------------------------


def town_confirms(application: Application, on: dt.date) -> bool:
    """Whether the town confirms (审核确认) in the application's area, filing the result with the district
    (``application.town_confirms``, §1.3 step 7)."""
    return parameter_value("application.town_confirms", area_code=application.area_id, on=on) == 1


def _require_confirmer(user, application: Application, on: dt.date) -> bool:
    """The town reviewer confirms where the power is delegated, the district approver elsewhere. Returns whether
    the town confirms."""
    delegated = town_confirms(application, on)
    require(user, Perm.ASSISTANCE_REVIEW if delegated else Perm.ASSISTANCE_APPROVE)
    return delegated


def _check_maker(user, application: Application) -> None:
    if application.created_by_id == user.pk:
        raise ApplicationError(WorkflowErrorCode.MAKER_CHECKER,
                               "不能审核确认自己经办的申请（审核与经办须由不同人员完成）")


def application_approve(*, acting_user, application: Application,
                        today: dt.date | None = None) -> list[Enrollment]:
    """审核确认: enroll the household in every program the current determination found it eligible for, with
    the benefit from the first day of the next month."""
    today = today or dt.date.today()
    delegated = _require_confirmer(acting_user, application, today)
    _in_area(acting_user, application)
    _check_maker(acting_user, application)
    starts = first_of_next_month(today)
    review_months = parameter_value("review.stable_months", area_code=application.area_id, on=today)
    updates = {"decided_on": today, "decided_by": acting_user}
    if delegated:
        updates["filed_with_district_on"] = today
    with transaction.atomic():
        _move(acting_user, application, target=S.APPROVED, action="approve", updates=updates,
              note="乡镇审核确认，报区民政部门备案" if delegated else "")
        enrollments = []
        for row in application.decisions.filter(is_current=True, eligible=True).order_by("program"):
            if row.program not in ENROLLING_PROGRAMS:
                continue
            enrollments.append(_enroll(acting_user, application, row, starts, add_months(starts, review_months)))
    return enrollments


def _enroll(user, application: Application, decision: ApplicationDecision, starts: dt.date,
            review_due: dt.date) -> Enrollment:
    label = Program(decision.program).label
    message = f"该家庭已有未退出的「{label}」救助对象记录，不能重复纳入"
    if Enrollment.objects.filter(household_id=application.household_id, program=decision.program).exclude(
            status=EnrollmentStatus.EXITED).exists():
        raise ApplicationError(WorkflowErrorCode.ENROLLMENT_EXISTS, message)
    try:
        # The constraint decides when two approvals race; the savepoint keeps the outer transaction usable.
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                program=decision.program, household_id=application.household_id, application=application,
                area_id=application.area_id, person_ids=list(decision.member_ids),
                monthly_amount_fen=decision.monthly_amount_fen, starts_on=starts, review_due_on=review_due)
    except IntegrityError as exc:
        raise ApplicationError(WorkflowErrorCode.ENROLLMENT_EXISTS, message) from exc
    record_event(actor=user, action="enrollment.create", obj=enrollment, area_code=enrollment.area_id,
                 after=snapshot(enrollment, ["program", "household_id", "monthly_amount_fen", "starts_on",
                                             "status", "review_due_on"]))
    return enrollment


def application_deny(*, acting_user, application: Application, reason: str,
                     today: dt.date | None = None) -> Application:
    """不予确认: reasons stored; the written notice is due within the parameter's working days."""
    today = today or dt.date.today()
    delegated = _require_confirmer(acting_user, application, today)
    _in_area(acting_user, application)
    _check_maker(acting_user, application)
    text = _required_text(reason, "reason", "不予确认的理由")
    due = _working_deadline(today, "application.denial_notice_working_days", application.area_id)
    updates = {"decided_on": today, "decided_by": acting_user, "denial_reason": text,
               "denial_notice_due_on": due.date, "denial_notice_provisional": due.provisional}
    if delegated:
        updates["filed_with_district_on"] = today
    with transaction.atomic():
        return _move(acting_user, application, target=S.DENIED, action="deny", updates=updates,
                     note="乡镇审核确认，报区民政部门备案" if delegated else "")


# --- Supporting documents ---------------------------------------------------------------------------------


def application_attachment_add(*, acting_user, application: Application, kind: str, upload) -> ApplicationAttachment:
    """Store an uploaded supporting document (PDF, JPEG or PNG, within the upload limit) with its SHA-256.

    ``upload`` is a Django ``UploadedFile`` (or any ``File`` with ``name`` and ``size``)."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from minzheng.assistance.attachments import (
        EXTENSIONS,
        AttachmentErrorCode,
        check_attachment_size,
        clean_filename,
        sniff_type,
    )

    if not (has_perm(acting_user, Perm.ASSISTANCE_APPLY) or has_perm(acting_user, Perm.ASSISTANCE_REVIEW)):
        raise PermissionDeniedError("没有上传申请材料的权限")
    _in_area(acting_user, application)
    if kind not in AttachmentKind.values:
        raise ApplicationError(AttachmentErrorCode.KIND, "请选择材料类别", field="kind")
    # Refused before reading: an oversized upload is never loaded into memory.
    check_attachment_size(upload.size)
    upload.seek(0)
    content = upload.read()
    check_attachment_size(len(content))
    file_type = sniff_type(content[:16])
    attachment = ApplicationAttachment(
        application=application, kind=kind, original_name=clean_filename(upload.name),
        content_type=file_type.content_type, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), uploaded_by=acting_user, uploaded_at=timezone.now())
    attachment.file.save(f"upload{EXTENSIONS[file_type.content_type]}", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            attachment.save()
            record_event(actor=acting_user, action="applicationattachment.create", obj=attachment,
                         area_code=application.area_id,
                         after={"application_id": str(application.pk), "kind": kind,
                                "original_name": attachment.original_name, "size": attachment.size,
                                "sha256": attachment.sha256},
                         note=f"上传申请材料：{attachment.get_kind_display()}")
    except Exception:
        # The file is written before the row; a row that could not be saved leaves no orphan on disk.
        attachment.file.delete(save=False)
        raise
    return attachment
