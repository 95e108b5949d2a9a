"""Forms of the funds pages: a program's budget from one funding source for a year (下达或调整预算)."""

from __future__ import annotations

from django import forms

from minzheng.core.errors import ApplicationError
from minzheng.core.money import fen_to_yuan_str, yuan_to_fen
from minzheng.payments.enums import FundingSource
from minzheng.payments.models import Budget
from minzheng.payments.programs import program_choices

_INPUT = {"class": "form-control"}
_SELECT = {"class": "form-select"}

# ``budget_set`` error fields → form fields.
ERROR_FIELDS = {"year": "year", "program": "program", "source": "source", "amount_fen": "amount",
                "document": "document"}


class BudgetForm(forms.Form):
    """A new budget, or (``budget`` given) a new amount and document for an existing one: its year, program and
    source then stay as they are."""

    year = forms.IntegerField(label="预算年度", widget=forms.NumberInput(attrs=_INPUT),
                              error_messages={"required": "请填写预算年度", "invalid": "预算年度应为四位年份"})
    program = forms.ChoiceField(label="救助项目", widget=forms.Select(attrs=_SELECT),
                                error_messages={"required": "请选择救助项目",
                                                "invalid_choice": "请选择列表中的救助项目"})
    source = forms.ChoiceField(label="资金来源", choices=[("", "请选择"), *FundingSource.choices],
                               widget=forms.Select(attrs=_SELECT),
                               error_messages={"required": "请选择资金来源",
                                               "invalid_choice": "请选择列表中的资金来源"})
    amount = forms.CharField(label="预算金额（元）", max_length=24, help_text="以元为单位，最多两位小数",
                             widget=forms.TextInput(attrs={**_INPUT, "inputmode": "decimal"}),
                             error_messages={"required": "请填写预算金额"})
    document = forms.CharField(label="下达文件", max_length=200, required=False,
                               help_text="资金下达文件的文号或名称，如 淮财社〔2025〕12号",
                               widget=forms.TextInput(attrs=_INPUT))

    def __init__(self, *args, budget: Budget | None = None, **kwargs):
        if budget is not None:
            kwargs.setdefault("initial", {"year": budget.year, "program": budget.program, "source": budget.source,
                                          "amount": fen_to_yuan_str(budget.amount_fen),
                                          "document": budget.document})
        super().__init__(*args, **kwargs)
        self.budget = budget
        choices = program_choices()
        if budget is not None and budget.program not in dict(choices):
            choices.append((budget.program, budget.program))
        self.fields["program"].choices = [("", "请选择"), *choices]
        if budget is not None:
            for name in ("year", "program", "source"):
                self.fields[name].disabled = True

    def clean_amount(self) -> int:
        try:
            fen = yuan_to_fen(self.cleaned_data["amount"])
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error
        if fen < 0:
            raise forms.ValidationError("预算金额不能为负数")
        return fen

    def clean_document(self) -> str:
        return self.cleaned_data["document"].strip()
