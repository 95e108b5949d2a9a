"""Forms of the feed pages: uploading a department file, deciding a name-only match."""

from __future__ import annotations

from django import forms

from minzheng.monitoring.models import FeedKind

_SELECT = {"class": "form-select"}


class FeedUploadForm(forms.Form):
    kind = forms.ChoiceField(label="数据来源", widget=forms.Select(attrs=_SELECT))
    file = forms.FileField(label="数据文件（.csv、.xlsx 或 .parquet）",
                           help_text="表头可用中文列名或英文代码；CSV 请以 UTF-8 或 GBK 编码保存",
                           widget=forms.ClearableFileInput(attrs={"class": "form-control",
                                                                  "accept": ".csv,.xlsx,.parquet,.txt"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择")] + [
            (kind.code, f"{kind.department}·{kind.name}") for kind in FeedKind.objects.filter(is_active=True)]


class CandidateDecideForm(forms.Form):
    decision = forms.ChoiceField(label="核对结果", choices=[("confirm", "是同一人"), ("reject", "不是同一人")],
                                 widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    note = forms.CharField(label="说明", max_length=200, required=False,
                           help_text="如：经电话核实、入户核实",
                           widget=forms.TextInput(attrs={"class": "form-control"}))
