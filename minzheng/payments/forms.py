"""Forms of the payroll pages: a new run (program, area, month) and the resolution of a held line."""

from __future__ import annotations

import datetime as dt

from django import forms

from minzheng.areas.selectors import area_choices
from minzheng.payments.programs import program_choices

_INPUT = {"class": "form-control form-control-sm"}
_SELECT = {"class": "form-select form-select-sm"}


class RunCreateForm(forms.Form):
    """生成发放名册: which program, for which area (the district or one town) and which month."""

    program = forms.ChoiceField(label="救助项目", widget=forms.Select(attrs=_SELECT),
                                error_messages={"required": "请选择救助项目",
                                                "invalid_choice": "请选择列表中的救助项目"})
    area = forms.ChoiceField(label="发放范围", widget=forms.Select(attrs=_SELECT),
                             error_messages={"required": "请选择发放范围",
                                             "invalid_choice": "请选择本辖区内的区或乡镇（街道）"})
    month = forms.CharField(label="发放月份", max_length=7,
                            widget=forms.TextInput(attrs={**_INPUT, "type": "month", "placeholder": "2025-07"}),
                            error_messages={"required": "请填写发放月份"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", "请选择"), *program_choices()]
        self.fields["area"].choices = area_choices(user=user, levels=("district", "town"))

    def clean_month(self) -> dt.date:
        text = self.cleaned_data["month"].strip()
        try:
            year, month = (int(part) for part in text.split("-"))
            period = dt.date(year, month, 1)
        except ValueError:
            raise forms.ValidationError("发放月份格式不正确，应为“年-月”，如 2025-07") from None
        if period.year < 2000:
            raise forms.ValidationError("发放月份格式不正确，应为“年-月”，如 2025-07")
        today = dt.date.today()
        latest = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        if period > latest:
            raise forms.ValidationError("最多只能提前一个月生成发放名册")
        return period


class LineResolveForm(forms.Form):
    """核实处理: a held line is released for payment or cancelled, always with the reason found."""

    DECISIONS = [("release", "核实无误，恢复发放"), ("cancel", "核实后不予发放")]

    decision = forms.ChoiceField(label="核实结论", choices=DECISIONS, widget=forms.RadioSelect,
                                 error_messages={"required": "请选择核实结论",
                                                 "invalid_choice": "请选择核实结论"})
    reason = forms.CharField(label="核实情况", max_length=2000,
                             widget=forms.Textarea(attrs={**_INPUT, "rows": 3}),
                             error_messages={"required": "请填写核实情况"})

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("请填写核实情况")
        return reason

    @property
    def release(self) -> bool:
        return self.cleaned_data["decision"] == "release"


class AccountDeactivateForm(forms.Form):
    reason = forms.CharField(label="停用原因", max_length=200, widget=forms.TextInput(attrs=_INPUT),
                             error_messages={"required": "请填写停用原因"})
