"""The policy parameter pages (政策参数): the list with the values in force for the user's area, a parameter's
full history, the district admin's proposal and natural-growth forms, and the approver's decisions."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.core.errors import ApplicationError
from minzheng.policy import actions
from minzheng.policy.access import (
    access_growth_rule_by_id,
    access_parameter_definition_by_code,
    access_parameter_value_by_id,
)
from minzheng.policy.errors import PolicyErrorCode, policy_error
from minzheng.policy.forms import GrowthRuleForm, ParameterValueForm, RejectForm
from minzheng.policy.selectors import (
    growth_preview,
    growth_rules_of,
    parameter_history,
    parameter_overview,
    parameter_value,
    user_area_code,
)
from minzheng.policy.units import input_text


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _list_crumb() -> tuple[str, str]:
    return ("政策参数", reverse("policy:parameter_list"))


def _detail_url(code: str) -> str:
    return reverse("policy:parameter_detail", args=[code])


def _apply(form, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def parameter_list_view(request):
    require(request.user, Perm.POLICY_VIEW)
    today = timezone.localdate()
    return render(request, "policy/parameter_list.html", {
        "page_title": "政策参数", "breadcrumbs": [("政策参数", None)], "today": today,
        "groups": parameter_overview(user=request.user, on=today),
        "area_code": user_area_code(request.user),
    })


def parameter_detail_view(request, code: str):
    definition = access_parameter_definition_by_code(request.user, code)
    today = timezone.localdate()
    area_code = user_area_code(request.user)
    try:
        current = parameter_value(definition.code, area_code=area_code, on=today) if area_code else None
    except ApplicationError:
        current = None
    history = parameter_history(definition.code, area_code)
    can_edit = has_perm(request.user, Perm.POLICY_EDIT)
    return render(request, "policy/parameter_detail.html", {
        "page_title": definition.name, "breadcrumbs": [_list_crumb(), (definition.name, None)],
        "definition": definition, "current": definition.format_value(current) if current is not None else None,
        "today": today, "area_code": area_code,
        "entries": [(entry, entry.value.can_approve(request.user), entry.value.can_reject(request.user))
                    for entry in history],
        "rules": growth_rules_of(definition.code, area_code), "can_edit": can_edit,
        "reject_form": RejectForm(),
    })


@require_http_methods(["GET", "POST"])
def parameter_value_propose_view(request, code: str):
    require(request.user, Perm.POLICY_EDIT)
    definition = access_parameter_definition_by_code(request.user, code)
    area_code = user_area_code(request.user)
    initial = {"area_code": area_code}
    with contextlib.suppress(ApplicationError):
        initial["value"] = input_text(parameter_value(definition.code, area_code=area_code,
                                                      on=timezone.localdate()), definition.unit)
    form = ParameterValueForm(request.POST or None, user=request.user, definition=definition, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            value = actions.parameter_value_propose(
                acting_user=request.user, definition=definition, area_code=data["area_code"],
                effective_from=data["effective_from"], value_int=data["value"], label=data["label"],
                note=data["note"])
        except ApplicationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"已提出：{value.format_value()}（{_cn(value.effective_from)}起），待审批")
            return redirect(_detail_url(definition.code))
    return render(request, "policy/parameter_value_form.html", {
        "page_title": f"提出新值 · {definition.name}", "definition": definition, "form": form,
        "breadcrumbs": [_list_crumb(), (definition.name, _detail_url(definition.code)), ("提出新值", None)],
    }, status=400 if form.errors else 200)


@require_POST
def parameter_value_approve_view(request, value_id: int):
    require(request.user, Perm.POLICY_APPROVE)
    value = access_parameter_value_by_id(request.user, value_id)
    try:
        actions.parameter_value_approve(acting_user=request.user, value=value)
    except ApplicationError as error:
        if error.http_status != 400:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, f"已审批通过：{value.format_value()}（{_cn(value.effective_from)}起）")
    return redirect(_detail_url(value.definition.code))


@require_POST
def parameter_value_reject_view(request, value_id: int):
    require(request.user, Perm.POLICY_APPROVE)
    value = access_parameter_value_by_id(request.user, value_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写退回理由")
        return redirect(_detail_url(value.definition.code))
    try:
        actions.parameter_value_reject(acting_user=request.user, value=value, reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        if error.http_status != 400:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, f"已退回：{value.format_value()}（{_cn(value.effective_from)}起）")
    return redirect(_detail_url(value.definition.code))


@require_http_methods(["GET", "POST"])
def growth_rule_view(request, code: str):
    """Two steps on one page: 预览 shows the current standard and the resulting one; 确认 records the rule and
    proposes the value, provided the result is still the one previewed."""
    require(request.user, Perm.POLICY_EDIT)
    definition = access_parameter_definition_by_code(request.user, code)
    if not definition.is_money:
        raise policy_error(PolicyErrorCode.GROWTH_UNIT)
    form = GrowthRuleForm(request.POST or None, user=request.user, initial={"area_code": user_area_code(request.user)})
    preview = None
    notice = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            preview = growth_preview(definition=definition, area_code=data["area_code"], kind=data["kind"],
                                     amount=data["amount"], effective_from=data["effective_from"])
        except ApplicationError as error:
            _apply(form, error)
        confirmed = request.POST.get("step") == "confirm"
        if preview is not None and confirmed and request.POST.get("expected") != str(preview.result):
            notice = "预览后填写内容或现行标准已变化，请核对下面新的预览结果后再确认。"
        elif preview is not None and confirmed:
            try:
                with transaction.atomic():
                    rule = actions.growth_rule_create(
                        acting_user=request.user, definition=definition, area_code=data["area_code"],
                        kind=data["kind"], amount=data["amount"], effective_from=data["effective_from"],
                        label=data["label"], note=data["note"])
                    value = actions.growth_rule_apply(acting_user=request.user, rule=rule)
            except ApplicationError as error:
                _apply(form, error)
                preview = None
            else:
                messages.success(request, f"已按自然增长规则提出新标准{value.format_value()}"
                                          f"（{_cn(value.effective_from)}起），待审批")
                return redirect(_detail_url(definition.code))
    return render(request, "policy/growth_rule_form.html", {
        "page_title": f"自然增长 · {definition.name}", "definition": definition, "form": form,
        "preview": preview, "notice": notice,
        "breadcrumbs": [_list_crumb(), (definition.name, _detail_url(definition.code)), ("自然增长", None)],
    }, status=400 if form.errors else 200)


@require_POST
def growth_rule_apply_view(request, rule_id: int):
    require(request.user, Perm.POLICY_EDIT)
    rule = access_growth_rule_by_id(request.user, rule_id)
    try:
        value = actions.growth_rule_apply(acting_user=request.user, rule=rule)
    except ApplicationError as error:
        if error.http_status != 400:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, f"已提出新标准{value.format_value()}（{_cn(value.effective_from)}起），待审批")
    return redirect(_detail_url(rule.definition.code))
