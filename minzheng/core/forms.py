from django import forms

from minzheng.core.calendar import LINE_EXAMPLE, NAME_MAX_LENGTH, YEAR_BOUNDS
from minzheng.core.enums import DayKind

_SOURCE_PLACEHOLDER = "如：国务院办公厅关于2027年部分节假日安排的通知"


class CalendarOverrideForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}))
    kind = forms.ChoiceField(label="类型", choices=DayKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    name = forms.CharField(label="节日名称", max_length=NAME_MAX_LENGTH, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "如：春节"}))
    source = forms.CharField(label="依据文件", max_length=200, required=False,
                             widget=forms.TextInput(attrs={"class": "form-control",
                                                           "placeholder": _SOURCE_PLACEHOLDER}))
    note = forms.CharField(label="说明", max_length=200, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))


class CalendarImportForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=YEAR_BOUNDS[0], max_value=YEAR_BOUNDS[1],
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    source = forms.CharField(label="依据文件", max_length=200, required=False,
                             widget=forms.TextInput(attrs={"class": "form-control",
                                                           "placeholder": _SOURCE_PLACEHOLDER}))
    text = forms.CharField(
        label="节假日安排",
        help_text=(f"每行一天或一个日期范围：日期 类型 名称，如「{LINE_EXAMPLE}」、「2027-02-06~2027-02-12 休 春节」"
                   "「2027-02-14 班 春节」；类型可写 holiday/休 或 workday/班"),
        widget=forms.Textarea(attrs={"class": "form-control mz-mono", "rows": 14}))
    replace = forms.BooleanField(label="替换该年已有设置", required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
