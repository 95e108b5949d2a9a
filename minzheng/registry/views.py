"""Registry pages. Views only parse, check access, call an action or selector, and render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.areas.selectors import area_choices, area_path
from minzheng.audit.actions import client_ip, record_access
from minzheng.audit.selectors import events_for_object
from minzheng.core.errors import ApplicationError, NotFoundError, ValidationErrors
from minzheng.core.identifiers import IdNumberError, parse_id_number
from minzheng.core.spreadsheets import check_size
from minzheng.registry import actions, exports, roster
from minzheng.registry.access import access_household_by_id, access_person_by_id
from minzheng.registry.enums import DisabilityKind, Sex
from minzheng.registry.forms import (
    HouseholdCreateForm,
    MemberAddForm,
    MemberEditForm,
    PersonForm,
    RosterImportForm,
)
from minzheng.registry.selectors import (
    REVEALABLE_FIELDS,
    HouseholdFilters,
    PersonFilters,
    household_list,
    household_members,
    household_scope,
    person_current_membership,
    person_list,
    person_memberships,
    person_reveal,
    person_scope,
)
from minzheng.web.listing import paginate, xlsx_response


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _person_filters(request) -> PersonFilters:
    get = request.GET
    return PersonFilters(q=get.get("q", "").strip()[:40], area=get.get("area", "").strip()[:12],
                         sex=get.get("sex", ""), age_min=_int_or_none(get.get("age_min")),
                         age_max=_int_or_none(get.get("age_max")), disability=get.get("disability", ""),
                         alive=get.get("alive", "alive"))


def _describe(filters) -> str:
    """The list filter in words, kept as the reason of an export's access-log row."""
    labels = {"q": "检索", "area": "区划", "sex": "性别", "age_min": "最小年龄", "age_max": "最大年龄",
              "disability": "残疾", "alive": "状态"}
    parts = [f"{labels.get(k, k)}={v}" for k, v in vars(filters).items() if v not in ("", None)]
    return "导出条件：" + ("；".join(parts) if parts else "全部")


def _export_allowed(request) -> None:
    require(request.user, Perm.REGISTRY_EXPORT)


def person_list_view(request):
    require(request.user, Perm.REGISTRY_VIEW)
    filters = _person_filters(request)
    qs = person_list(user=request.user, filters=filters)
    if request.GET.get("export") == "xlsx":
        _export_allowed(request)
        content, count = exports.persons_xlsx(qs)
        record_access(actor=request.user, action="export", object_type="registry.person",
                      object_repr=f"人员列表导出（{count}条）", fields=exports.PERSON_EXPORT_FIELDS,
                      reason=_describe(filters), ip_address=client_ip(request))
        return xlsx_response(filename=f"人员名单_{dt.date.today():%Y%m%d}.xlsx", content=content)
    context = {
        "page_title": "人员", "breadcrumbs": [("社会救助对象库", None), ("人员", None)],
        "page_obj": paginate(request, qs), "filters": filters,
        "area_choices": area_choices(user=request.user, levels=("town", "village")),
        "sex_choices": Sex.choices, "disability_choices": DisabilityKind.choices,
        "can_edit": has_perm(request.user, Perm.REGISTRY_EDIT),
        "can_export": has_perm(request.user, Perm.REGISTRY_EXPORT),
    }
    partial = request.headers.get("HX-Request")
    template = "registry/partials/person_table.html" if partial else "registry/person_list.html"
    return render(request, template, context)


def person_detail_view(request, person_id):
    try:
        person = access_person_by_id(request.user, person_id)
    except NotFoundError as exc:
        raise Http404 from exc
    tab = request.GET.get("tab", "info")
    if tab not in {"info", "household", "history"}:
        tab = "info"
    # Every view of a person's full detail is logged, and the page is not shown if the log cannot be written.
    record_access(actor=request.user, action="view_detail", obj=person, area_code=person.hukou_area_id,
                  fields=["name", "id_number(masked)", "phone(masked)", "disability", "address"],
                  ip_address=client_ip(request))
    membership = person_current_membership(person=person)
    memberships = list(person_memberships(person=person)) if tab == "household" else None
    # A person living here may belong to a household registered elsewhere: show its number, link only in scope.
    household_ids = {m.household_id for m in [membership, *(memberships or [])] if m is not None}
    visible_households = set(household_scope(request.user).filter(pk__in=household_ids).values_list("pk", flat=True))
    context = {
        "page_title": person.name, "person": person, "tab": tab,
        "breadcrumbs": [("人员", reverse("registry:person_list")), (person.name, None)],
        "membership": membership, "memberships": memberships, "visible_households": visible_households,
        "events": events_for_object(user=request.user, obj=person) if tab == "history" else None,
        "can_edit": has_perm(request.user, Perm.REGISTRY_EDIT),
        "can_reveal": has_perm(request.user, Perm.SENSITIVE_VIEW_FULL),
        "today": dt.date.today(),
    }
    partial = request.headers.get("HX-Request")
    template = "registry/partials/person_tab.html" if partial else "registry/person_detail.html"
    return render(request, template, context)


def _apply_errors(form, error: ApplicationError) -> None:
    problems = error.errors if isinstance(error, ValidationErrors) else [error]
    for problem in problems:
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, problem.message)


@require_http_methods(["GET", "POST"])
def person_create_view(request):
    require(request.user, Perm.REGISTRY_EDIT)
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.person_create(acting_user=request.user, data=form.to_input())
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"已登记人员：{person.name}")
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/person_form.html", {
        "form": form, "page_title": "登记人员",
        "breadcrumbs": [("人员", reverse("registry:person_list")), ("登记人员", None)],
    })


@require_http_methods(["GET", "POST"])
def person_edit_view(request, person_id):
    require(request.user, Perm.REGISTRY_EDIT)
    try:
        person = access_person_by_id(request.user, person_id)
    except NotFoundError as exc:
        raise Http404 from exc
    initial = {
        "name": person.name, "ethnicity": person.ethnicity, "hukou_area": person.hukou_area_id,
        "residence_area": person.residence_area_id, "address": person.address, "phone": person.phone,
        "disability_kind": person.disability_kind, "disability_grade": person.disability_grade,
        "self_care": person.self_care, "death_date": person.death_date,
    }
    form = PersonForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.person_update(acting_user=request.user, person=person,
                                  data=form.to_input(current_id_number=person.id_number))
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "已保存修改")
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/person_form.html", {
        "form": form, "person": person, "page_title": f"编辑 {person.name}",
        "breadcrumbs": [("人员", reverse("registry:person_list")),
                        (person.name, reverse("registry:person_detail", args=[person.pk])), ("编辑", None)],
    })


def household_list_view(request):
    require(request.user, Perm.REGISTRY_VIEW)
    filters = HouseholdFilters(q=request.GET.get("q", "").strip()[:40], area=request.GET.get("area", "").strip()[:12])
    qs = household_list(user=request.user, filters=filters)
    if request.GET.get("export") == "xlsx":
        _export_allowed(request)
        content, count = exports.households_xlsx(qs)
        record_access(actor=request.user, action="export", object_type="registry.household",
                      object_repr=f"家庭列表导出（{count}条）", fields=exports.HOUSEHOLD_EXPORT_FIELDS,
                      reason=_describe(filters), ip_address=client_ip(request))
        return xlsx_response(filename=f"家庭名单_{dt.date.today():%Y%m%d}.xlsx", content=content)
    context = {
        "page_title": "家庭", "breadcrumbs": [("社会救助对象库", None), ("家庭", None)],
        "page_obj": paginate(request, qs), "filters": filters,
        "area_choices": area_choices(user=request.user, levels=("town", "village")),
        "can_edit": has_perm(request.user, Perm.REGISTRY_EDIT),
        "can_import": has_perm(request.user, Perm.REGISTRY_IMPORT),
        "can_export": has_perm(request.user, Perm.REGISTRY_EXPORT),
    }
    template = ("registry/partials/household_table.html" if request.headers.get("HX-Request")
                else "registry/household_list.html")
    return render(request, template, context)


def household_detail_view(request, household_id):
    try:
        household = access_household_by_id(request.user, household_id)
    except NotFoundError as exc:
        raise Http404 from exc
    tab = request.GET.get("tab", "members")
    if tab not in {"members", "history"}:
        tab = "members"
    members = list(household_members(household=household, include_past=True))
    visible = set(person_scope(request.user).filter(pk__in=[m.person_id for m in members])
                  .values_list("pk", flat=True))
    record_access(actor=request.user, action="view_detail", obj=household, area_code=household.area_id,
                  fields=["members", "id_number(masked)"], ip_address=client_ip(request))
    context = {
        "page_title": f"家庭 {household.number}", "household": household, "tab": tab,
        "members": [m for m in members if m.ended_on is None],
        "past_members": [m for m in members if m.ended_on is not None],
        "visible_ids": visible, "area_label": area_path(household.area_id),
        "breadcrumbs": [("家庭", reverse("registry:household_list")), (household.number, None)],
        "events": events_for_object(user=request.user, obj=household) if tab == "history" else None,
        "can_edit": has_perm(request.user, Perm.REGISTRY_EDIT),
        "member_form": MemberAddForm(), "today": dt.date.today(),
    }
    template = ("registry/partials/household_tab.html" if request.headers.get("HX-Request")
                else "registry/household_detail.html")
    return render(request, template, context)


def _person_by_number(user, raw: str):
    """Find a person in the user's scope by ID number; the form shows one message for bad and unknown."""
    try:
        number = parse_id_number(raw).number
    except IdNumberError as exc:
        raise ApplicationError(exc.code, exc.message, field="id_number") from exc
    person = person_scope(user).by_id_number(number).first()
    if person is None:
        raise ApplicationError("person_not_found", "人员库中（您的管辖范围内）没有该身份证号码的人员，请先登记人员",
                               field="id_number")
    return person


@require_http_methods(["GET", "POST"])
def household_create_view(request):
    require(request.user, Perm.REGISTRY_EDIT)
    form = HouseholdCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            head = _person_by_number(request.user, form.cleaned_data["head_id_number"])
            from minzheng.areas.models import Area

            area = Area.objects.get(code=form.cleaned_data["area"])
            household = actions.household_create(acting_user=request.user, area=area, head=head,
                                                 address=form.cleaned_data.get("address", ""))
        except ApplicationError as error:
            if error.field in ("id_number", "head"):
                error.field = "head_id_number"
            _apply_errors(form, error)
        else:
            messages.success(request, f"已建立家庭 {household.number}")
            return redirect("registry:household_detail", household_id=household.pk)
    return render(request, "registry/household_form.html", {
        "form": form, "page_title": "新建家庭",
        "breadcrumbs": [("家庭", reverse("registry:household_list")), ("新建家庭", None)],
    })


@require_POST
def member_add_view(request, household_id):
    require(request.user, Perm.REGISTRY_EDIT)
    try:
        household = access_household_by_id(request.user, household_id)
    except NotFoundError as exc:
        raise Http404 from exc
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        return render(request, "registry/partials/member_add_form.html", {"member_form": form, "household": household})
    try:
        person = _person_by_number(request.user, form.cleaned_data["id_number"])
        actions.household_add_member(acting_user=request.user, household=household, person=person,
                                     relation=form.cleaned_data["relation"],
                                     living_together=form.cleaned_data["living_together"],
                                     status=form.cleaned_data["status"])
    except ApplicationError as error:
        if error.field == "person":
            error.field = "id_number"
        _apply_errors(form, error)
        return render(request, "registry/partials/member_add_form.html", {"member_form": form, "household": household})
    messages.success(request, f"已将 {person.name} 加入本户")
    response = HttpResponse(status=204)
    response["HX-Redirect"] = reverse("registry:household_detail", args=[household.pk])
    return response


def _membership_for(request, household_id, membership_id):
    household = access_household_by_id(request.user, household_id)
    membership = household.memberships.filter(pk=membership_id).select_related("person").first()
    if membership is None:
        raise NotFoundError("家庭成员")
    return household, membership


@require_http_methods(["GET", "POST"])
def member_edit_view(request, household_id, membership_id):
    require(request.user, Perm.REGISTRY_EDIT)
    try:
        household, membership = _membership_for(request, household_id, membership_id)
    except (NotFoundError, ValueError) as exc:
        raise Http404 from exc
    form = MemberEditForm(request.POST or None, initial={"relation": membership.relation,
                                                           "living_together": membership.living_together,
                                                           "status": membership.status})
    if request.method == "POST" and form.is_valid():
        try:
            actions.membership_update(acting_user=request.user, membership=membership, **form.cleaned_data)
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"已更新 {membership.person.name} 的成员信息")
            return redirect("registry:household_detail", household_id=household.pk)
    return render(request, "registry/member_form.html", {
        "form": form, "household": household, "membership": membership, "page_title": "编辑成员",
        "breadcrumbs": [("家庭", reverse("registry:household_list")),
                        (household.number, reverse("registry:household_detail", args=[household.pk])),
                        ("编辑成员", None)],
    })


@require_POST
def member_end_view(request, household_id, membership_id):
    require(request.user, Perm.REGISTRY_EDIT)
    try:
        household, membership = _membership_for(request, household_id, membership_id)
    except (NotFoundError, ValueError) as exc:
        raise Http404 from exc
    try:
        actions.membership_end(acting_user=request.user, membership=membership,
                               note=request.POST.get("note", "")[:200])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{membership.person.name} 已移出本户")
    return redirect("registry:household_detail", household_id=household.pk)


@require_POST
def member_make_head_view(request, household_id, membership_id):
    require(request.user, Perm.REGISTRY_EDIT)
    try:
        household, membership = _membership_for(request, household_id, membership_id)
    except (NotFoundError, ValueError) as exc:
        raise Http404 from exc
    try:
        actions.household_change_head(acting_user=request.user, household=household, new_head=membership,
                                      old_head_relation=request.POST.get("old_head_relation", "other"))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"户主已变更为 {membership.person.name}")
    return redirect("registry:household_detail", household_id=household.pk)


@require_http_methods(["GET", "POST"])
def roster_import_view(request):
    require(request.user, Perm.REGISTRY_IMPORT)
    form = RosterImportForm(request.POST or None, request.FILES or None)
    errors: list[ApplicationError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Refused before reading: an oversized upload is never loaded into memory.
            check_size(upload.size)
            result = actions.household_roster_import(acting_user=request.user, content=upload.read(),
                                                     filename=upload.name)
        except ValidationErrors as error:
            errors = error.errors
        except ApplicationError as error:
            errors = [error]
        else:
            messages.success(request, f"导入成功：新建家庭 {result.households} 户，登记人员 {result.persons} 人")
            return redirect("registry:household_list")
    return render(request, "registry/roster_import.html", {
        "form": form, "errors": errors[:500], "error_count": len(errors), "page_title": "导入家庭花名册",
        "breadcrumbs": [("家庭", reverse("registry:household_list")), ("导入花名册", None)],
    })


def roster_template_view(request):
    require(request.user, Perm.REGISTRY_IMPORT)
    village = next((code for code, _ in area_choices(user=request.user)), "340471100201")
    return xlsx_response(filename="家庭花名册模板.xlsx", content=roster.template_bytes(village))



@require_http_methods(["GET", "POST"])
def person_reveal_view(request, person_id):
    """查看完整: a form asking the reason, then the full values, logged. Never cached."""
    require(request.user, Perm.SENSITIVE_VIEW_FULL)
    try:
        person = access_person_by_id(request.user, person_id)
    except NotFoundError as exc:
        raise Http404 from exc
    context = {"person": person, "fields": REVEALABLE_FIELDS, "chosen": ["id_number", "phone"], "error": None}
    if request.method == "POST":
        chosen = request.POST.getlist("fields")
        context["chosen"] = chosen
        context["reason"] = request.POST.get("reason", "")
        try:
            values = person_reveal(user=request.user, person=person, fields=chosen, reason=context["reason"],
                                   ip_address=client_ip(request))
        except ApplicationError as error:
            context["error"] = error
        else:
            response = render(request, "registry/partials/reveal_values.html",
                              {"person": person, "values": [(REVEALABLE_FIELDS[k], v) for k, v in values.items()]})
            response["Cache-Control"] = "no-store"
            response.reveals_sensitive = True  # the one response allowed to carry full values
            return response
    return render(request, "registry/partials/reveal_form.html", context)
