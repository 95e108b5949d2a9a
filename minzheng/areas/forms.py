from django import forms

from minzheng.areas.enums import AreaKind


class AreaCreateForm(forms.Form):
    code = forms.CharField(label="区划代码", max_length=12, help_text="12位统计用区划代码，乡镇可填9位",
                           widget=forms.TextInput(attrs={"class": "form-control"}))
    name = forms.CharField(label="名称", max_length=64, widget=forms.TextInput(attrs={"class": "form-control"}))
    kind = forms.ChoiceField(label="类型", choices=AreaKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))


class AreaEditForm(forms.Form):
    name = forms.CharField(label="名称", max_length=64, widget=forms.TextInput(attrs={"class": "form-control"}))
    is_active = forms.BooleanField(label="启用", required=False,
                                   widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
