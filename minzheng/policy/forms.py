from __future__ import annotations

import re

from django import forms

from minzheng.areas.enums import AreaLevel
from minzheng.areas.selectors import area_list, area_path
from minzheng.core.errors import ApplicationError
from minzheng.core.money import yuan_to_fen
from minzheng.policy.enums import GrowthKind
from minzheng.policy.growth import PERCENT_SCALE
from minzheng.policy.models import ParameterDefinition
from minzheng.policy.units import INPUT_HINTS, parse_value

_PERCENT = re.compile(r"([0-9]+)(?:\.([0-9]))?", re.ASCII)
_LABEL_PLACEHOLDER = "如：淮民发〔2025〕12号"


def area_choices(user) -> list[tuple[str, str]]:
    """The user's own area and every area under it, district first, as "毛集实验区·毛集镇" labels."""
    return [(area.code, area_path(area.code, from_level=AreaLevel.DISTRICT)) for area in area_list(user=user)]


class _AreaDateForm(forms.Form):
    area_code = forms.ChoiceField(label="适用区划", help_text="选中区划及其下级均适用；下级区划单独设置的值优先",
                                  widget=forms.Select(attrs={"class": "form-select"}))
    effective_from = forms.DateField(label="生效日期",
                                     widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = area_choices(user)


class ParameterValueForm(_AreaDateForm):
    value = forms.CharField(label="参数值", max_length=32, widget=forms.TextInput(attrs={"class": "form-control"}))
    label = forms.CharField(label="标注/文号", max_length=100, required=False,
                            widget=forms.TextInput(attrs={"class": "form-control",
                                                          "placeholder": _LABEL_PLACEHOLDER}))
    note = forms.CharField(label="说明", max_length=500, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, definition: ParameterDefinition, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.fields["value"].help_text = INPUT_HINTS.get(definition.unit, "")
        if definition.is_money:
            self.fields["value"].label = "参数值（元）"

    def clean_value(self) -> int:
        try:
            return parse_value(self.cleaned_data["value"], self.definition.unit)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error


def parse_percent(text: str) -> int:
    """"5" → 50, "3.5%" → 35: a percentage with at most one decimal, in tenths of a percent."""
    raw = str(text).strip().removesuffix("%").removesuffix("％").strip()
    match = _PERCENT.fullmatch(raw)
    if not match:
        raise forms.ValidationError("请填写百分数，最多一位小数，如 5 或 3.5")
    return int(match.group(1)) * (PERCENT_SCALE // 100) + int(match.group(2) or 0)


class GrowthRuleForm(_AreaDateForm):
    kind = forms.ChoiceField(label="增长方式", choices=GrowthKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    amount = forms.CharField(label="上调幅度", max_length=16,
                             help_text="按比例填百分数（最多一位小数，如 5 表示上调5%）；按固定金额填元（如 30）",
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    label = forms.CharField(label="标注/文号", max_length=100, required=False,
                            widget=forms.TextInput(attrs={"class": "form-control",
                                                          "placeholder": _LABEL_PLACEHOLDER}))
    note = forms.CharField(label="说明", max_length=500, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].label = "新标准生效日期"

    def clean(self):
        data = super().clean()
        kind, text = data.get("kind"), data.get("amount")
        if kind is None or text is None:
            return data
        try:
            amount = parse_percent(text) if kind == GrowthKind.PERCENT else yuan_to_fen(text)
        except ApplicationError as error:
            self.add_error("amount", error.message)
            return data
        except forms.ValidationError as error:
            self.add_error("amount", error)
            return data
        if amount <= 0:
            self.add_error("amount", "上调幅度应大于零")
        else:
            data["amount"] = amount
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=500,
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                                           "placeholder": "退回理由"}))
