"""临时救助 pages: the cases of the user's area (the area where each emergency happened)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.areas.models import Area
from minzheng.areas.selectors import area_choices, area_path
from minzheng.assistance import tempaid
from minzheng.assistance.reasons import label as reason_label
from minzheng.assistance.tempaid_models import ApprovalLevel, TempAidCause, TempAidKind, TempAidStatus
from minzheng.audit.actions import client_ip, record_access
from minzheng.audit.selectors import events_for_object
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.money import yuan_to_fen
from minzheng.web.listing import paginate

_INPUT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


class TempAidForm(forms.Form):
    area = forms.ChoiceField(label="急难发生地（村/社区）", widget=forms.Select(attrs=_SELECT))
    applicant_name = forms.CharField(label="申请人姓名", max_length=30, widget=forms.TextInput(attrs=_INPUT))
    applicant_id_number = forms.CharField(label="申请人身份证号码", max_length=20,
                                          help_text="户籍不限：在急难发生地申请",
                                          widget=forms.TextInput(attrs={**_INPUT, "autocomplete": "off"}))
    kind = forms.ChoiceField(label="类型", choices=TempAidKind.choices, widget=forms.Select(attrs=_SELECT))
    cause = forms.ChoiceField(label="事由类别", choices=TempAidCause.choices, widget=forms.Select(attrs=_SELECT))
    household_size = forms.IntegerField(label="家庭人口", min_value=1, max_value=30, initial=1,
                                        widget=forms.NumberInput(attrs=_INPUT))
    loss = forms.CharField(label="损失或必需支出（元）", max_length=20, widget=forms.TextInput(attrs=_INPUT))
    description = forms.CharField(label="困难情况", max_length=2000,
                                  widget=forms.Textarea(attrs={**_INPUT, "rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices(user=user)

    def clean_loss(self):
        try:
            return yuan_to_fen(self.cleaned_data["loss"])
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error


def temp_aid_list_view(request):
    require(request.user, Perm.ASSISTANCE_VIEW)
    status = request.GET.get("status", "")
    qs = tempaid.temp_aid_scope(request.user).select_related("area")
    if status in TempAidStatus.values:
        qs = qs.filter(status=status)
    return render(request, "assistance/tempaid_list.html", {
        "page_title": "临时救助", "breadcrumbs": [("社会救助", None), ("临时救助", None)],
        "page_obj": paginate(request, qs), "status": status, "status_choices": TempAidStatus.choices,
        "can_create": has_perm(request.user, Perm.ASSISTANCE_APPLY),
        "overdue": tempaid.overdue_paperwork(user=request.user).count(),
    })


@require_http_methods(["GET", "POST"])
def temp_aid_create_view(request):
    require(request.user, Perm.ASSISTANCE_APPLY)
    form = TempAidForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = tempaid.temp_aid_create(
                acting_user=request.user, area=Area.objects.get(code=data["area"]),
                applicant_name=data["applicant_name"], applicant_id_number=data["applicant_id_number"],
                kind=data["kind"], cause=data["cause"], description=data["description"], loss_fen=data["loss"],
                household_size=data["household_size"])
        except ApplicationError as error:
            field = {"loss_fen": "loss"}.get(error.field or "", error.field)
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, f"已受理临时救助 {case.number}")
            return redirect("assistance:temp_aid_detail", case_id=case.pk)
    return render(request, "assistance/tempaid_form.html", {
        "form": form, "page_title": "受理临时救助",
        "breadcrumbs": [("临时救助", reverse("assistance:temp_aid_list")), ("受理", None)],
    })


def temp_aid_detail_view(request, case_id):
    try:
        case = tempaid.access_temp_aid_by_id(request.user, case_id)
    except NotFoundError as exc:
        raise Http404 from exc
    record_access(actor=request.user, action="view_detail", obj=case, area_code=case.area_id,
                  fields=["applicant_name", "id_number(masked)", "description"], ip_address=client_ip(request))
    user = request.user
    handler = has_perm(user, Perm.ASSISTANCE_REVIEW) or has_perm(user, Perm.ASSISTANCE_APPROVE)
    level_ok = case.approval_level == ApprovalLevel.TOWN or has_perm(user, Perm.ASSISTANCE_APPROVE)
    buttons = {
        "pay_first": handler and level_ok and case.can_pay_first(),
        "complete_paperwork": handler and case.can_close(),
        "investigate": handler and case.can_investigate(),
        "approve": handler and level_ok and case.can_approve() and case.created_by_id != user.pk,
        "pay": handler and case.can_pay(),
        "deny": handler and case.can_deny(),
    }
    return render(request, "assistance/tempaid_detail.html", {
        "case": case, "page_title": f"临时救助 {case.number}", "buttons": buttons,
        "reasons": [reason_label(code) for code in case.reasons], "area_label": area_path(case.area_id),
        "events": events_for_object(user=user, obj=case),
        "breadcrumbs": [("临时救助", reverse("assistance:temp_aid_list")), (case.number, None)],
    })


_STEPS = {
    "pay_first": lambda user, case, text: tempaid.temp_aid_pay_first(acting_user=user, case=case),
    "complete_paperwork": lambda user, case, text: tempaid.temp_aid_complete_paperwork(
        acting_user=user, case=case, investigation=text),
    "investigate": lambda user, case, text: tempaid.temp_aid_investigate(acting_user=user, case=case,
                                                                        investigation=text),
    "approve": lambda user, case, text: tempaid.temp_aid_approve(acting_user=user, case=case),
    "pay": lambda user, case, text: tempaid.temp_aid_pay(acting_user=user, case=case),
    "deny": lambda user, case, text: tempaid.temp_aid_deny(acting_user=user, case=case, reason=text),
}


@require_POST
def temp_aid_step_view(request, case_id, verb):
    if verb not in _STEPS:
        raise Http404
    try:
        case = tempaid.access_temp_aid_by_id(request.user, case_id)
    except NotFoundError as exc:
        raise Http404 from exc
    try:
        _STEPS[verb](request.user, case, request.POST.get("text", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已办理：{TempAidStatus(case.status).label}")
    return redirect("assistance:temp_aid_detail", case_id=case.pk)
