from __future__ import annotations

from django import forms

from minzheng.areas.selectors import area_choices, area_path
from minzheng.registry.enums import (
    ETHNICITY_CHOICES,
    DisabilityGrade,
    DisabilityKind,
    MemberStatus,
    Relation,
    SelfCare,
)
from minzheng.registry.validation import PersonInput

_INPUT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


class PersonForm(forms.Form):
    """Field names match ``PersonInput`` so validation errors land on the right field."""

    name = forms.CharField(label="姓名", max_length=30, widget=forms.TextInput(attrs=_INPUT))
    id_number = forms.CharField(label="身份证号码", max_length=20, required=False,
                                widget=forms.TextInput(attrs={**_INPUT, "autocomplete": "off"}))
    ethnicity = forms.ChoiceField(label="民族", choices=ETHNICITY_CHOICES, initial="01",
                                  widget=forms.Select(attrs=_SELECT))
    hukou_area = forms.ChoiceField(label="户籍地（村/社区）", widget=forms.Select(attrs=_SELECT))
    residence_area = forms.ChoiceField(label="居住地（村/社区）", widget=forms.Select(attrs=_SELECT))
    address = forms.CharField(label="居住地址", max_length=200, required=False, widget=forms.TextInput(attrs=_INPUT))
    phone = forms.CharField(label="联系电话", max_length=20, required=False, widget=forms.TextInput(attrs=_INPUT))
    disability_kind = forms.ChoiceField(label="残疾类别", required=False,
                                        choices=[("", "无"), *DisabilityKind.choices],
                                        widget=forms.Select(attrs=_SELECT))
    disability_grade = forms.TypedChoiceField(label="残疾等级", required=False, coerce=int, empty_value=None,
                                              choices=[("", "无"), *DisabilityGrade.choices],
                                              widget=forms.Select(attrs=_SELECT))
    self_care = forms.ChoiceField(label="生活自理能力", choices=SelfCare.choices, initial=SelfCare.FULL,
                                  widget=forms.Select(attrs=_SELECT))
    death_date = forms.DateField(label="死亡日期", required=False,
                                 widget=forms.DateInput(attrs={**_INPUT, "type": "date"}))

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = area_choices(user=user)
        if editing:
            # A person seen through their residence keeps a hukou elsewhere; offer it, or saving would move it.
            offered = {code for code, _ in choices}
            current = [self.initial.get("hukou_area"), self.initial.get("residence_area")]
            choices = [*choices, *((code, area_path(code)) for code in dict.fromkeys(current)
                                   if code and code not in offered)]
        self.fields["hukou_area"].choices = choices
        self.fields["residence_area"].choices = choices
        self.editing = editing
        if editing:
            self.fields["id_number"].label = "更正身份证号码"
            self.fields["id_number"].help_text = "不更正请留空；更正将记入变更记录"
        else:
            self.fields["id_number"].required = True
            self.fields["id_number"].help_text = "18位（旧式15位将自动升级）；性别和出生日期由号码自动得出"

    def to_input(self, *, current_id_number: str = "") -> PersonInput:
        data = self.cleaned_data
        return PersonInput(
            name=data["name"], id_number=data.get("id_number") or current_id_number,
            ethnicity=data["ethnicity"], hukou_area=data["hukou_area"], residence_area=data["residence_area"],
            address=data.get("address", ""), phone=data.get("phone", ""),
            disability_kind=data.get("disability_kind", ""), disability_grade=data.get("disability_grade"),
            self_care=data["self_care"], death_date=data.get("death_date"),
        )


class HouseholdCreateForm(forms.Form):
    area = forms.ChoiceField(label="所在村/社区", widget=forms.Select(attrs=_SELECT))
    head_id_number = forms.CharField(label="户主身份证号码", max_length=20,
                                     help_text="户主须已在人员库中登记",
                                     widget=forms.TextInput(attrs={**_INPUT, "autocomplete": "off"}))
    address = forms.CharField(label="家庭住址", max_length=200, required=False, widget=forms.TextInput(attrs=_INPUT))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices(user=user)


class MemberAddForm(forms.Form):
    id_number = forms.CharField(label="成员身份证号码", max_length=20,
                                widget=forms.TextInput(attrs={**_INPUT, "autocomplete": "off"}))
    relation = forms.ChoiceField(label="与户主关系", choices=[c for c in Relation.choices if c[0] != Relation.HEAD],
                                 widget=forms.Select(attrs=_SELECT))
    living_together = forms.BooleanField(label="共同生活", required=False, initial=True,
                                         widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    status = forms.ChoiceField(label="成员状态", choices=MemberStatus.choices, widget=forms.Select(attrs=_SELECT))


class MemberEditForm(forms.Form):
    relation = forms.ChoiceField(label="与户主关系", choices=Relation.choices, widget=forms.Select(attrs=_SELECT))
    living_together = forms.BooleanField(label="共同生活", required=False,
                                         widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    status = forms.ChoiceField(label="成员状态", choices=MemberStatus.choices, widget=forms.Select(attrs=_SELECT))


class RosterImportForm(forms.Form):
    file = forms.FileField(label="户籍花名册（.xlsx）",
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}))
