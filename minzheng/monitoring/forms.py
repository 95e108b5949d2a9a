"""Forms of the monitoring pages: starting a comparison run and the three steps of an alert."""

from __future__ import annotations

import datetime as dt

from django import forms

from minzheng.monitoring.enums import AlertOutcome

_INPUT = {"class": "form-control form-control-sm"}
_SELECT = {"class": "form-select form-select-sm"}
_CHECK = {"class": "form-check-input"}


class RunStartForm(forms.Form):
    as_of = forms.DateField(label="比对基准日", widget=forms.DateInput(attrs={**_INPUT, "type": "date"}))

    def clean_as_of(self):
        value = self.cleaned_data["as_of"]
        if value > dt.date.today():
            raise forms.ValidationError("比对基准日不能晚于今天")
        return value


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label="核查人", widget=forms.Select(attrs=_SELECT))

    def __init__(self, *args, assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assignees = {str(user.pk): user for user in assignees}
        self.fields["assignee"].choices = [("", "请选择")] + [
            (str(user.pk), f"{user.display_name}（{user.area.name}）") for user in assignees]

    def clean_assignee(self):
        return self.assignees[self.cleaned_data["assignee"]]


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="入户核查日期", widget=forms.DateInput(attrs={**_INPUT, "type": "date"}))
    notes = forms.CharField(label="核查情况", max_length=2000,
                            widget=forms.Textarea(attrs={**_INPUT, "rows": 3}))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="处理结果", choices=AlertOutcome.choices,
                                widget=forms.RadioSelect(attrs=_CHECK))
    note = forms.CharField(label="处理说明", max_length=2000, required=False,
                           widget=forms.Textarea(attrs={**_INPUT, "rows": 2}))
    check_authorized = forms.BooleanField(label="申请人及家庭成员已签署家庭经济状况核对授权书（纳入救助时必填）",
                                          required=False, widget=forms.CheckboxInput(_CHECK))
    suspend = forms.BooleanField(label="同时暂停发放，待区级审核确认调整或停发（调整/停发时可选）", required=False,
                                 widget=forms.CheckboxInput(_CHECK))


def parse_month(text: str, default: dt.date) -> dt.date:
    """"2026-03" → 2026-03-01; anything else gives ``default``'s month."""
    try:
        year, month = (int(part) for part in (text or "").split("-")[:2])
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        return default.replace(day=1)
