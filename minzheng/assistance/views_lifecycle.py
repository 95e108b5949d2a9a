"""The enrollment page (救助对象详情) with its dynamic-management forms, and the overdue page (逾期事项).
Views only parse, check access, call an action or selector, and render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from minzheng.accounts.permissions import Perm, require
from minzheng.areas.selectors import area_path
from minzheng.assistance import lifecycle
from minzheng.assistance.access import access_enrollment_by_id
from minzheng.assistance.models import Enrollment, ExitReason
from minzheng.assistance.overdue import overdue_report
from minzheng.assistance.selectors import persons_by_id
from minzheng.audit.actions import client_ip, record_access
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.money import yuan_to_fen


def _enrollment(request, enrollment_id) -> Enrollment:
    try:
        return access_enrollment_by_id(request.user, enrollment_id)
    except NotFoundError as exc:
        raise Http404 from exc


def enrollment_detail_view(request, enrollment_id):
    enrollment = _enrollment(request, enrollment_id)
    record_access(actor=request.user, action="view_detail", obj=enrollment, area_code=enrollment.area_id,
                  fields=["person_ids", "monthly_amount_fen"], ip_address=client_ip(request))
    today = dt.date.today()
    people = persons_by_id(enrollment.person_ids)
    members = [people[pid] for pid in enrollment.person_ids if pid in people]
    context = {
        "page_title": "救助对象", "enrollment": enrollment, "today": today, "members": members,
        "breadcrumbs": [("救助对象", reverse("assistance:enrollment_list")),
                        (f"家庭 {enrollment.household.number}", None)],
        "area_label": area_path(enrollment.area_id),
        "review_overdue": enrollment.is_review_overdue(today),
        "changes": enrollment.changes.select_related("actor").order_by("-created_at"),
        "buttons": lifecycle.allowed_actions(request.user, enrollment),
        "review_outcomes": lifecycle.ReviewOutcome.choices, "exit_reasons": ExitReason.choices,
        "this_month": today.strftime("%Y-%m"), "today_iso": today.isoformat(),
    }
    return render(request, "assistance/enrollment_detail.html", context)


def _date(value: str, field_name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ApplicationError("date_invalid", "日期格式不正确", field=field_name) from exc


def _month(value: str) -> dt.date:
    """A month typed as YYYY-MM (the month input) or a full date."""
    return _date(f"{value}-01" if len(value) == 7 else value, "effective_month")


def _amount(value: str) -> int:
    if not value.strip():
        raise ApplicationError("money_invalid", "请填写新的月救助金额", field="amount")
    return yuan_to_fen(value)


# verb → (call, success message). Each call gets the user, the enrollment and the POST data.
ACTIONS = {
    "review": (lambda u, e, p: lifecycle.enrollment_review(
        acting_user=u, enrollment=e, outcome=p.get("outcome", ""), note=p.get("note", "")),
        "已登记复核，下次复核日期已更新"),
    "change_amount": (lambda u, e, p: lifecycle.enrollment_change_amount(
        acting_user=u, enrollment=e, amount_fen=_amount(p.get("amount", "")), reason=p.get("reason", ""),
        effective_month=_month(p.get("effective_month", ""))), "已调整救助金额"),
    "suspend": (lambda u, e, p: lifecycle.enrollment_suspend(
        acting_user=u, enrollment=e, reason=p.get("reason", ""),
        effective_on=_date(p.get("effective_on", ""), "effective_on")), "已暂停救助"),
    "resume": (lambda u, e, p: lifecycle.enrollment_resume(
        acting_user=u, enrollment=e, reason=p.get("reason", ""),
        effective_on=_date(p.get("effective_on", ""), "effective_on")), "已恢复正常救助"),
    "start_phaseout": (lambda u, e, p: lifecycle.enrollment_start_phaseout(
        acting_user=u, enrollment=e, reason=p.get("reason", ""),
        starts_on=_date(p.get("starts_on", ""), "starts_on")), "已进入渐退期"),
    "exit": (lambda u, e, p: lifecycle.enrollment_exit(
        acting_user=u, enrollment=e, reason_code=p.get("reason_code", ""),
        exited_on=_date(p.get("exited_on", ""), "exited_on"), note=p.get("note", "")), "已办理退出"),
}


@require_POST
def enrollment_action_view(request, enrollment_id, verb):
    if verb not in ACTIONS:
        raise Http404
    enrollment = _enrollment(request, enrollment_id)
    call, done = ACTIONS[verb]
    try:
        call(request.user, enrollment, request.POST)
    except ApplicationError as error:
        if error.http_status == 404:
            raise Http404 from error
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("assistance:enrollment_detail", enrollment_id=enrollment.pk)


def overdue_view(request):
    require(request.user, Perm.ASSISTANCE_VIEW)
    report = overdue_report(user=request.user, today=dt.date.today())
    # The summary is one level below the user's own area: a town sees its villages, the district its towns.
    by_village = len(request.user.area_prefix) >= 9
    summary = ([(v.name, len(v.applications), len(v.enrollments)) for t in report.towns for v in t.village_list]
               if by_village else
               [(t.name, t.application_count, t.enrollment_count) for t in report.towns])
    return render(request, "assistance/overdue.html", {
        "page_title": "逾期事项", "breadcrumbs": [("社会救助", None), ("逾期事项", None)],
        "report": report, "summary": summary, "summary_label": "村（社区）" if by_village else "乡镇（街道）",
    })
