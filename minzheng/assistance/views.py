"""Application and enrollment pages. Views only parse, check access, call an action or selector, and render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.areas.selectors import area_choices, area_path
from minzheng.assistance import actions, views_documents
from minzheng.assistance.access import access_application_by_id
from minzheng.assistance.enums import IncomeKind, Program
from minzheng.assistance.forms import (
    ApplicationForm,
    InvestigateForm,
    MemberForm,
    ObjectionForm,
    ResolveObjectionForm,
    TextStepForm,
)
from minzheng.assistance.models import Application, ApplicationStatus, EnrollmentStatus
from minzheng.assistance.reasons import label as reason_label
from minzheng.assistance.selectors import (
    ApplicationFilters,
    EnrollmentFilters,
    application_list,
    current_decisions,
    enrollment_list,
    persons_by_id,
)
from minzheng.audit.actions import client_ip, record_access
from minzheng.audit.selectors import events_for_object
from minzheng.core.errors import ApplicationError, NotFoundError, ValidationErrors
from minzheng.registry.access import access_household_by_id
from minzheng.registry.enums import MemberStatus, Relation
from minzheng.registry.selectors import HouseholdFilters, household_list, household_members
from minzheng.web.listing import paginate

TABS = {"info": "申请信息", "decisions": "认定结果", "process": "办理流程"}

# Procedure steps as the 办理流程 tab names them (event action → label).
STEP_LABELS = {
    "application.create": "提交申请", "application.determine": "分类认定", "application.accept": "受理",
    "application.mark_incomplete": "告知补齐材料", "application.resubmit": "补齐材料后重新提交",
    "application.refuse": "不予受理", "application.investigate": "调查核实", "application.town_review": "乡镇初审",
    "application.publish_notice": "张榜公示", "application.skip_notice": "免于公示（含未成年人）",
    "application.end_notice": "公示期满，报区级审核", "application.extend": "延长办理时限",
    "application.approve": "审核确认（批准）", "application.deny": "不予确认",
    "application.record_objection": "登记公示异议", "application.resolve_objection": "处理公示异议",
}


def _application(request, application_id) -> Application:
    try:
        return access_application_by_id(request.user, application_id)
    except NotFoundError as exc:
        raise Http404 from exc


def application_list_view(request):
    require(request.user, Perm.ASSISTANCE_VIEW)
    get = request.GET
    status = get.get("status", "")
    filters = ApplicationFilters(status=status if status in ApplicationStatus.values else "",
                                 area=get.get("area", "").strip()[:12], overdue=get.get("overdue") == "1")
    today = dt.date.today()
    page = paginate(request, application_list(user=request.user, filters=filters, today=today))
    page.object_list = list(page.object_list)
    for application in page.object_list:
        application.overdue = application.is_overdue(today)
    context = {
        "page_title": "救助申请", "breadcrumbs": [("社会救助", None), ("救助申请", None)],
        "page_obj": page,
        "filters": filters, "today": today, "status_choices": ApplicationStatus.choices,
        "area_choices": area_choices(user=request.user, levels=("town", "village")),
        "can_apply": has_perm(request.user, Perm.ASSISTANCE_APPLY),
    }
    partial = request.headers.get("HX-Request")
    template = "assistance/partials/application_table.html" if partial else "assistance/application_list.html"
    return render(request, template, context)


def application_pick_household_view(request):
    """Step one of a new application: choose a household in the user's area."""
    require(request.user, Perm.ASSISTANCE_APPLY)
    filters = HouseholdFilters(q=request.GET.get("q", "").strip()[:40])
    context = {
        "page_title": "新建救助申请", "filters": filters,
        "breadcrumbs": [("救助申请", reverse("assistance:application_list")), ("新建救助申请", None)],
        "page_obj": paginate(request, household_list(user=request.user, filters=filters)),
    }
    return render(request, "assistance/application_pick.html", context)


@dataclass
class _MemberRow:
    membership: object
    form: MemberForm


@require_http_methods(["GET", "POST"])
def application_create_view(request, household_id):
    """Step two: the household file, members pre-filled from the registry; incomes per member per item."""
    require(request.user, Perm.ASSISTANCE_APPLY)
    try:
        household = access_household_by_id(request.user, household_id)
    except NotFoundError as exc:
        raise Http404 from exc
    memberships = list(household_members(household=household))
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data, memberships=memberships)
    rows = [_MemberRow(m, MemberForm(data, membership=m)) for m in memberships]
    if request.method == "POST" and form.is_valid() and all(row.form.is_valid() for row in rows):
        entries = [row.form.to_entry() for row in rows if row.form.cleaned_data["include"]]
        applicant = next(m.person for m in memberships if str(m.person_id) == form.cleaned_data["applicant"])
        try:
            application = actions.application_create(
                acting_user=request.user, household=household, applicant=applicant,
                place=form.cleaned_data["place"], data=form.to_input(entries))
        except ApplicationError as error:
            problems = error.errors if isinstance(error, ValidationErrors) else [error]
            for problem in problems:
                form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        else:
            messages.success(request, "已提交救助申请，并完成分类认定")
            return redirect("assistance:application_detail", application_id=application.pk)
    return render(request, "assistance/application_form.html", {
        "page_title": f"救助申请 · 家庭 {household.number}", "household": household, "form": form, "rows": rows,
        "income_labels": IncomeKind.labels, "area_label": area_path(household.area_id),
        "breadcrumbs": [("救助申请", reverse("assistance:application_list")),
                        ("新建救助申请", reverse("assistance:application_pick")), (household.number, None)],
    })


def _buttons(user, application: Application, today: dt.date) -> dict[str, bool]:
    review = has_perm(user, Perm.ASSISTANCE_REVIEW)
    # The town reviewer confirms where the power is delegated (application.town_confirms), the district elsewhere.
    approve = False
    if application.can_approve() and application.created_by_id != user.pk:
        try:
            delegated = actions.town_confirms(application, today)
        except ApplicationError:
            # A missing parameter is reported by the action itself, with its message, when the button is used.
            delegated = False
        approve = has_perm(user, Perm.ASSISTANCE_REVIEW if delegated else Perm.ASSISTANCE_APPROVE)
    return {
        "accept": review and application.can_accept(),
        "incomplete": review and application.can_mark_incomplete(),
        "refuse": review and application.can_refuse(),
        "resubmit": has_perm(user, Perm.ASSISTANCE_APPLY) and application.can_resubmit(),
        "investigate": review and application.can_investigate(),
        "determine": review and application.can_determine(),
        "town_review": review and application.can_town_review(),
        "publish_notice": review and application.can_publish_notice(),
        "end_notice": review and application.can_end_notice(today),
        "record_objection": review and application.can_record_objection(),
        "resolve_objection": review and application.can_resolve_objection(),
        "extend": review and application.can_extend(),
        "approve": approve and application.can_approve(),
        "deny": approve and application.can_deny(),
    }


def _member_rows(application: Application) -> list[dict]:
    people = persons_by_id(m["person_id"] for m in application.snapshot.get("members", []))
    relations, statuses, incomes = dict(Relation.choices), dict(MemberStatus.choices), dict(IncomeKind.choices)
    rows = []
    for entry in application.snapshot.get("members", []):
        person = people.get(entry["person_id"])
        rows.append({
            "person": person, "relation": relations.get(entry["relation"], entry["relation"]),
            "status": statuses.get(entry["status"], entry["status"]), "living_together": entry["living_together"],
            "serious_illness": entry["serious_illness"], "student": entry["student"],
            "incomes": [(incomes.get(i["kind"], i["kind"]), i["monthly_fen"]) for i in entry["income_items"]],
            "age": person.age_on(application.filed_on) if person else None,
        })
    return rows


def _decision_rows(application: Application) -> list[dict]:
    rows = current_decisions(application=application)
    people = persons_by_id({pid for row in rows for pid in row.member_ids})
    return [{
        "decision": row, "program": Program(row.program).label,
        "members": [people[pid].name for pid in row.member_ids if pid in people],
        "reasons": [(code, reason_label(code)) for code in row.reasons],
    } for row in rows]


def _process_rows(user, application: Application) -> list[dict]:
    statuses = dict(ApplicationStatus.choices)
    events = events_for_object(user=user, obj=application)
    rows = []
    for event in sorted(events, key=lambda e: (e.occurred_at, e.pk)):
        before = (event.before or {}).get("status")
        after = (event.after or {}).get("status")
        rows.append({"event": event, "label": STEP_LABELS.get(event.action, event.action),
                     "from": statuses.get(before, ""), "to": statuses.get(after, "")})
    return rows


def application_detail_view(request, application_id):
    application = _application(request, application_id)
    tab = request.GET.get("tab", "info")
    if tab not in TABS:
        tab = "info"
    record_access(actor=request.user, action="view_detail", obj=application, area_code=application.area_id,
                  fields=["snapshot", "decisions"], ip_address=client_ip(request))
    today = dt.date.today()
    context = {
        "page_title": "救助申请", "application": application, "tab": tab, "tabs": TABS.items(), "today": today,
        "breadcrumbs": [("救助申请", reverse("assistance:application_list")),
                        (f"家庭 {application.household.number}", None)],
        "area_label": area_path(application.area_id), "buttons": _buttons(request.user, application, today),
        "overdue": application.is_overdue(today),
        "text_form": TextStepForm(), "investigate_form": InvestigateForm(initial={"economic_check": True}),
        "objection_form": ObjectionForm(initial={"received_on": today}),
        "resolve_form": ResolveObjectionForm(),
        "objections": list(application.objections.select_related("recorded_by", "resolved_by")),
        **views_documents.detail_context(request.user, application),
    }
    if tab == "info":
        context["members"] = _member_rows(application)
        context["snapshot"] = application.snapshot
    elif tab == "decisions":
        context["decisions"] = _decision_rows(application)
    else:
        context["steps"] = _process_rows(request.user, application)
    return render(request, "assistance/application_detail.html", context)


def _text(request) -> str:
    return request.POST.get("text", "")


def _date_or_none(value: str, field: str = "home_visit_on") -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise ApplicationError("date_invalid", "日期格式不正确", field=field) from exc


# verb → (call, success message). Each call gets the user, the application and the request.
STEPS = {
    "accept": (lambda u, a, r: actions.application_accept(acting_user=u, application=a), "已受理"),
    "incomplete": (lambda u, a, r: actions.application_mark_incomplete(acting_user=u, application=a,
                                                                       missing_items=_text(r)), "已告知补齐材料"),
    "refuse": (lambda u, a, r: actions.application_refuse(acting_user=u, application=a, reason=_text(r)),
               "已不予受理"),
    "resubmit": (lambda u, a, r: actions.application_resubmit(acting_user=u, application=a), "已重新提交"),
    "investigate": (lambda u, a, r: actions.application_investigate(
        acting_user=u, application=a, economic_check=r.POST.get("economic_check") == "on",
        home_visit_on=_date_or_none(r.POST.get("home_visit_on", "")), notes=r.POST.get("notes", "")),
        "已登记调查核实"),
    "determine": (lambda u, a, r: actions.application_determine(acting_user=u, application=a), "已重新认定"),
    "town_review": (lambda u, a, r: actions.application_town_review(acting_user=u, application=a,
                                                                    opinion=_text(r)), "已提交初审意见"),
    "publish_notice": (lambda u, a, r: actions.application_publish_notice(acting_user=u, application=a),
                       "已办理公示"),
    "end_notice": (lambda u, a, r: actions.application_end_notice(acting_user=u, application=a), "已报区级审核"),
    "record_objection": (lambda u, a, r: actions.application_record_objection(
        acting_user=u, application=a, content=r.POST.get("content", ""),
        raised_by_name=r.POST.get("raised_by_name", ""),
        received_on=_date_or_none(r.POST.get("received_on", ""), "received_on")), "已登记公示异议，转入重新调查"),
    "resolve_objection": (lambda u, a, r: actions.application_resolve_objection(
        acting_user=u, application=a, outcome=r.POST.get("outcome", ""), resolution=r.POST.get("resolution", "")),
        "已处理公示异议"),
    "extend": (lambda u, a, r: actions.application_extend(acting_user=u, application=a, reason=_text(r)),
               "已延长办理时限"),
    "approve": (lambda u, a, r: actions.application_approve(acting_user=u, application=a), "已审核确认，纳入救助"),
    "deny": (lambda u, a, r: actions.application_deny(acting_user=u, application=a, reason=_text(r)),
             "已不予确认"),
}


@require_POST
def application_step_view(request, application_id, verb):
    if verb not in STEPS:
        raise Http404
    application = _application(request, application_id)
    call, done = STEPS[verb]
    try:
        call(request.user, application, request)
    except ApplicationError as error:
        if error.http_status == 404:
            raise Http404 from error
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(f"{reverse('assistance:application_detail', args=[application.pk])}?tab=process")


def enrollment_list_view(request):
    require(request.user, Perm.ASSISTANCE_VIEW)
    get = request.GET
    program, status = get.get("program", ""), get.get("status", "")
    filters = EnrollmentFilters(program=program if program in Program.values else "",
                                status=status if status in EnrollmentStatus.values else "",
                                area=get.get("area", "").strip()[:12])
    context = {
        "page_title": "救助对象", "breadcrumbs": [("社会救助", None), ("救助对象", None)],
        "page_obj": paginate(request, enrollment_list(user=request.user, filters=filters)), "filters": filters,
        "program_choices": Program.choices, "status_choices": EnrollmentStatus.choices,
        "area_choices": area_choices(user=request.user, levels=("town", "village")),
    }
    return render(request, "assistance/enrollment_list.html", context)
