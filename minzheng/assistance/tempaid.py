"""临时救助: decided where the emergency happened, whatever the hukou; aid first when urgent.

Two paths (domain reference §4):

* 急难型, urgent: accepted → paid at once (先行救助) → paperwork completed within
  ``temp_aid.paperwork_working_days`` working days → closed.
* otherwise: accepted → investigated → approved at the level the amount requires → paid.

The amount is the loss or expense up to ``temp_aid.town_max_multiple`` × the monthly 低保 standard, which the
town approves; above that the district approves, up to ``temp_aid.district_max_fen`` — the same rule as the
determination engine, computed here by the engine itself. The same applicant gets at most
``temp_aid.grants_per_cause_per_year`` grants for the same cause in a calendar year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.areas.models import Area
from minzheng.assistance.determination import Assets, Emergency, HouseholdInput, MemberInput, determine
from minzheng.assistance.enums import ApplicationPlace, Program
from minzheng.assistance.standards import standards_for
from minzheng.assistance.tempaid_models import (
    TEMP_AID_TRANSITIONS,
    ApprovalLevel,
    TempAidCase,
    TempAidKind,
    TempAidStatus,
)
from minzheng.audit.actions import record_event, snapshot
from minzheng.core.calendar import deadline
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.identifiers import IdNumberError, parse_id_number, parse_uuid
from minzheng.core.transitions import transition
from minzheng.policy.selectors import parameter_value
from minzheng.registry.models import Person

_FIELDS = ["status", "amount_fen", "approval_level", "paid_first_on", "paperwork_due_on", "decided_on",
           "paid_on", "closed_on", "denial_reason"]


def _error(code: str, message: str, field: str | None = None) -> ApplicationError:
    return ApplicationError(code, message, field=field)


@dataclass(frozen=True)
class TempAidAssessment:
    eligible: bool
    amount_fen: int
    approval_level: str
    reasons: tuple[str, ...]


def assess_temp_aid(*, area_code: str, on: dt.date, applicant_id_number: str, loss_fen: int,
                    household_size: int, cause: str) -> TempAidAssessment:
    """The grant and the approval level, by the determination engine's 临时救助 rule."""
    standards = standards_for(area_code, on)
    # The grant depends only on the emergency (the loss and where it happened), so one member stands for the
    # household here; the engine's other programs are not read.
    member = MemberInput(id_number=applicant_id_number, name="申请人", relation="head", living_together=True,
                         birth_date=parse_id_number(applicant_id_number).birth_date)
    household = HouseholdInput(
        as_of=on, area_code=area_code, application_place=ApplicationPlace.HUKOU, members=(member,),
        able_supporters=0, assets=Assets(), emergency=Emergency(kind=cause, area_code=area_code, loss_fen=loss_fen),
    )
    decision = next(d for d in determine(household, standards).decisions if d.program == Program.TEMP_AID)
    level = ApprovalLevel.DISTRICT if "temp_aid_district_approval" in decision.reasons else ApprovalLevel.TOWN
    return TempAidAssessment(decision.eligible, decision.monthly_amount_fen, level, tuple(decision.reasons))


def temp_aid_scope(user) -> QuerySet[TempAidCase]:
    if not has_perm(user, Perm.ASSISTANCE_VIEW):
        return TempAidCase.objects.none()
    return TempAidCase.objects.filter(area__code__startswith=user.area_prefix)


def access_temp_aid_by_id(user, case_id) -> TempAidCase:
    require(user, Perm.ASSISTANCE_VIEW)
    pk = parse_uuid(case_id)
    case = temp_aid_scope(user).filter(pk=pk).select_related("area", "person", "created_by").first() if pk else None
    if case is None:
        raise NotFoundError("临时救助")
    return case


def _next_number(area: Area, on: dt.date) -> str:
    prefix = f"LS{area.code[:9]}{on:%Y}"
    last = (TempAidCase.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    serial = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


def temp_aid_create(*, acting_user, area: Area, applicant_name: str, applicant_id_number: str, kind: str,
                    cause: str, description: str, loss_fen: int, household_size: int = 1,
                    on: dt.date | None = None) -> TempAidCase:
    """Accept a case in the area where the emergency happened. The applicant may be registered anywhere."""
    require(acting_user, Perm.ASSISTANCE_APPLY)
    on = on or timezone.localdate()
    if area.level != "village" or not area.code.startswith(acting_user.area_prefix):
        raise _error("temp_aid_area", "急难发生地须为您管辖范围内的村（社区）", "area")
    name = (applicant_name or "").strip()
    if not name:
        raise _error("temp_aid_name", "申请人姓名不能为空", "applicant_name")
    try:
        number = parse_id_number(applicant_id_number).number
    except IdNumberError as exc:
        raise _error(exc.code, exc.message, "applicant_id_number") from exc
    if kind not in TempAidKind.values:
        raise _error("temp_aid_kind", "救助类型无效", "kind")
    if not description.strip():
        raise _error("temp_aid_description", "请填写困难情况", "description")
    if loss_fen <= 0:
        raise _error("temp_aid_loss", "损失或支出金额须大于0", "loss_fen")
    if household_size < 1:
        raise _error("temp_aid_household_size", "家庭人口至少为1人", "household_size")
    limit = parameter_value("temp_aid.grants_per_cause_per_year", area_code=area.code, on=on)
    same_cause = (TempAidCase.objects.by_applicant(number)
                  .filter(cause=cause, accepted_on__year=on.year)
                  .exclude(status=TempAidStatus.DENIED).count())
    if same_cause >= limit:
        raise _error("temp_aid_same_cause",
                     f"该申请人本年度已因同一事由获得{same_cause}次临时救助，不能再次申请", "cause")
    assessment = assess_temp_aid(area_code=area.code, on=on, applicant_id_number=number, loss_fen=loss_fen,
                                 household_size=household_size, cause=cause)
    with transaction.atomic():
        case = TempAidCase.objects.create(
            number=_next_number(area, on), applicant_name=name, applicant_id_number=number,
            person=Person.objects.by_id_number(number).first(), area=area, kind=kind, cause=cause,
            description=description.strip()[:2000], household_size=household_size, loss_fen=loss_fen,
            amount_fen=assessment.amount_fen, approval_level=assessment.approval_level,
            reasons=list(assessment.reasons), accepted_on=on, created_by=acting_user,
        )
        record_event(actor=acting_user, action="temp_aid.create", obj=case, area_code=area.code,
                     after=snapshot(case, ["number", "kind", "cause", "loss_fen", "amount_fen", "approval_level",
                                           "applicant_id_number"]))
    return case


def _move(acting_user, case: TempAidCase, *, target: str, action: str, updates: dict) -> TempAidCase:
    with transaction.atomic():
        before = snapshot(case, _FIELDS)
        transition(case, table=TEMP_AID_TRANSITIONS, target=target, extra_updates=updates)
        record_event(actor=acting_user, action=f"temp_aid.{action}", obj=case, area_code=case.area_id,
                     before=before, after=snapshot(case, _FIELDS))
    return case


def _require_town_or_district(acting_user) -> None:
    if not (has_perm(acting_user, Perm.ASSISTANCE_REVIEW) or has_perm(acting_user, Perm.ASSISTANCE_APPROVE)):
        raise _error("temp_aid_permission", "只有乡镇审核人员或区级审批人员可以办理")


def temp_aid_pay_first(*, acting_user, case: TempAidCase, on: dt.date | None = None) -> TempAidCase:
    """先行救助: pay now, and set the deadline for completing the paperwork."""
    _require_town_or_district(acting_user)
    if case.approval_level == ApprovalLevel.DISTRICT and not has_perm(acting_user, Perm.ASSISTANCE_APPROVE):
        raise _error("temp_aid_level", "该金额超出乡镇审批权限，先行救助须由区级审批人员决定")
    if not case.can_pay_first():
        raise _error("temp_aid_not_urgent", "只有急难型救助可以先行救助")
    on = on or timezone.localdate()
    days = parameter_value("temp_aid.paperwork_working_days", area_code=case.area_id, on=on)
    due = deadline(on, days, "working_days")
    return _move(acting_user, case, target=TempAidStatus.PAID_FIRST, action="pay_first",
                 updates={"paid_first_on": on, "paperwork_due_on": due.date,
                          "paperwork_due_provisional": due.provisional})


def temp_aid_complete_paperwork(*, acting_user, case: TempAidCase, investigation: str,
                                on: dt.date | None = None) -> TempAidCase:
    _require_town_or_district(acting_user)
    if not investigation.strip():
        raise _error("temp_aid_investigation", "请填写补齐手续时的调查核实情况", "investigation")
    return _move(acting_user, case, target=TempAidStatus.CLOSED, action="complete_paperwork",
                 updates={"investigation": investigation.strip()[:2000], "closed_on": on or timezone.localdate()})


def temp_aid_investigate(*, acting_user, case: TempAidCase, investigation: str) -> TempAidCase:
    _require_town_or_district(acting_user)
    if not investigation.strip():
        raise _error("temp_aid_investigation", "请填写调查核实情况", "investigation")
    return _move(acting_user, case, target=TempAidStatus.INVESTIGATING, action="investigate",
                 updates={"investigation": investigation.strip()[:2000]})


def temp_aid_approve(*, acting_user, case: TempAidCase, on: dt.date | None = None) -> TempAidCase:
    """Approval at the level the amount requires: the town up to its limit, the district above it."""
    if case.created_by_id == acting_user.pk:
        raise _error("maker_checker", "经办人不能审批自己受理的临时救助")
    if case.approval_level == ApprovalLevel.DISTRICT:
        if not has_perm(acting_user, Perm.ASSISTANCE_APPROVE):
            raise _error("temp_aid_level", "救助金额超过乡镇审批权限，须报区级审批")
    elif not (has_perm(acting_user, Perm.ASSISTANCE_REVIEW) or has_perm(acting_user, Perm.ASSISTANCE_APPROVE)):
        raise _error("temp_aid_permission", "没有审批临时救助的权限")
    return _move(acting_user, case, target=TempAidStatus.APPROVED, action="approve",
                 updates={"decided_on": on or timezone.localdate(), "decided_by": acting_user})


def temp_aid_pay(*, acting_user, case: TempAidCase, on: dt.date | None = None) -> TempAidCase:
    _require_town_or_district(acting_user)
    return _move(acting_user, case, target=TempAidStatus.PAID, action="pay",
                 updates={"paid_on": on or timezone.localdate()})


def temp_aid_deny(*, acting_user, case: TempAidCase, reason: str, on: dt.date | None = None) -> TempAidCase:
    _require_town_or_district(acting_user)
    if not reason.strip():
        raise _error("temp_aid_reason", "请填写不予救助的理由", "reason")
    return _move(acting_user, case, target=TempAidStatus.DENIED, action="deny",
                 updates={"denial_reason": reason.strip()[:2000], "decided_on": on or timezone.localdate(),
                          "decided_by": acting_user})


def overdue_paperwork(*, user, today: dt.date | None = None) -> QuerySet[TempAidCase]:
    """Aid-first cases whose paperwork is past its deadline."""
    today = today or timezone.localdate()
    return temp_aid_scope(user).filter(status=TempAidStatus.PAID_FIRST, paperwork_due_on__lt=today)
