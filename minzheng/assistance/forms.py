"""Forms of the application pages. Amounts are typed in yuan and kept in fen (``core.money.yuan_to_fen``)."""

from __future__ import annotations

from django import forms

from minzheng.assistance.actions import ApplicationInput, MemberEntry
from minzheng.assistance.enums import ApplicationPlace, IncomeKind
from minzheng.core.errors import ApplicationError
from minzheng.core.money import yuan_to_fen
from minzheng.registry.enums import MemberStatus

_INPUT = {"class": "form-control form-control-sm"}
_SELECT = {"class": "form-select form-select-sm"}
_CHECK = {"class": "form-check-input"}


class YuanField(forms.CharField):
    """A money amount typed in yuan ("1234.5"), cleaned to integer fen; empty means 0."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={**_INPUT, "inputmode": "decimal"}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return 0
        try:
            fen = yuan_to_fen(text)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error
        if fen < 0:
            raise forms.ValidationError("金额不能为负数")
        return fen


def _count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=99, initial=0,
                              widget=forms.NumberInput(attrs=_INPUT))


class MemberForm(forms.Form):
    """One current member of the household, pre-filled from the registry; incomes per item per month."""

    include = forms.BooleanField(label="列入申请", required=False, initial=True, widget=forms.CheckboxInput(_CHECK))
    living_together = forms.BooleanField(label="共同生活", required=False, widget=forms.CheckboxInput(_CHECK))
    status = forms.ChoiceField(label="成员状态", choices=MemberStatus.choices, widget=forms.Select(attrs=_SELECT))
    serious_illness = forms.BooleanField(label="重病", required=False, widget=forms.CheckboxInput(_CHECK))
    student = forms.BooleanField(label="在校学生", required=False, widget=forms.CheckboxInput(_CHECK))

    def __init__(self, *args, membership, **kwargs):
        kwargs.setdefault("initial", {"include": True, "living_together": membership.living_together,
                                      "status": membership.status})
        super().__init__(*args, prefix=f"m-{membership.pk}", **kwargs)
        self.membership = membership
        for kind, label in IncomeKind.choices:
            self.fields[f"income_{kind}"] = YuanField(label=label)

    @property
    def income_fields(self):
        return [self[f"income_{kind}"] for kind in IncomeKind.values]

    def to_entry(self) -> MemberEntry:
        data = self.cleaned_data
        return MemberEntry(
            person_id=str(self.membership.person_id), relation=self.membership.relation,
            living_together=data["living_together"], status=data["status"],
            serious_illness=data["serious_illness"], student=data["student"],
            income_fen={kind: data[f"income_{kind}"] for kind in IncomeKind.values if data[f"income_{kind}"]},
        )


class ApplicationForm(forms.Form):
    applicant = forms.ChoiceField(label="申请人", widget=forms.Select(attrs=_SELECT))
    place = forms.ChoiceField(label="申办方式", choices=ApplicationPlace.choices, initial=ApplicationPlace.HUKOU,
                              widget=forms.Select(attrs=_SELECT))
    residence_permit_since = forms.DateField(label="居住证办理日期（居住地申办必填）", required=False,
                                             widget=forms.DateInput(attrs={**_INPUT, "type": "date"}))
    # Not required here: the action refuses an application without it, with its own message on this field.
    check_authorized = forms.BooleanField(label="申请人及家庭成员已签署家庭经济状况核对授权书", required=False,
                                          widget=forms.CheckboxInput(_CHECK))
    able_supporters = _count_field("有赡养、抚养、扶养能力的义务人人数")
    deposits = YuanField(label="存款、有价证券等金融资产（元）")
    vehicles = _count_field("机动车辆（辆）")
    companies = _count_field("登记的市场主体（个）")
    homes = _count_field("房产（套）")
    rigid_expenses = YuanField(label="近12个月医疗、教育等刚性支出（元）")
    emergency_kind = forms.CharField(label="突发困难事由（临时救助，可不填）", max_length=100, required=False,
                                     widget=forms.TextInput(attrs=_INPUT))
    emergency_loss = YuanField(label="突发困难造成的损失或支出（元）")

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].choices = [(str(m.person_id), m.person.name) for m in memberships]
        head = next((m for m in memberships if m.relation == "head"), None)
        if head is not None:
            self.fields["applicant"].initial = str(head.person_id)

    def to_input(self, members: list[MemberEntry]) -> ApplicationInput:
        data = self.cleaned_data
        return ApplicationInput(
            members=members, able_supporters=data["able_supporters"] or 0, deposits_fen=data["deposits"],
            vehicles=data["vehicles"] or 0, companies=data["companies"] or 0, homes=data["homes"] or 0,
            rigid_expenses_12m_fen=data["rigid_expenses"], emergency_kind=data["emergency_kind"],
            emergency_loss_fen=data["emergency_loss"],
            residence_permit_since=data["residence_permit_since"], check_authorized=data["check_authorized"],
        )


class TextStepForm(forms.Form):
    text = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={**_INPUT, "rows": 3}))


class InvestigateForm(forms.Form):
    economic_check = forms.BooleanField(label="已申请居民家庭经济状况核对", required=False,
                                        widget=forms.CheckboxInput(_CHECK))
    home_visit_on = forms.DateField(label="入户调查日期", required=False,
                                    widget=forms.DateInput(attrs={**_INPUT, "type": "date"}))
    notes = forms.CharField(label="入户调查情况", max_length=2000, required=False,
                            widget=forms.Textarea(attrs={**_INPUT, "rows": 3}))


class ObjectionForm(forms.Form):
    received_on = forms.DateField(label="收到异议日期", required=False,
                                  widget=forms.DateInput(attrs={**_INPUT, "type": "date"}))
    raised_by_name = forms.CharField(label="反映人（可匿名，不填）", max_length=100, required=False,
                                     widget=forms.TextInput(attrs=_INPUT))
    content = forms.CharField(label="异议内容", max_length=2000,
                              widget=forms.Textarea(attrs={**_INPUT, "rows": 3}))


class ResolveObjectionForm(forms.Form):
    outcome = forms.ChoiceField(label="处理结果", widget=forms.Select(attrs=_SELECT))
    resolution = forms.CharField(label="处理情况（重新调查或民主评议的结论）", max_length=2000,
                                 widget=forms.Textarea(attrs={**_INPUT, "rows": 3}))

    def __init__(self, *args, **kwargs):
        from minzheng.assistance.models import ObjectionOutcome

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = ObjectionOutcome.choices


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="材料类别", widget=forms.Select(attrs=_SELECT))
    file = forms.FileField(label="文件（PDF、JPEG 或 PNG）",
                           widget=forms.ClearableFileInput(attrs={**_INPUT, "accept": ".pdf,.jpg,.jpeg,.png"}))

    def __init__(self, *args, **kwargs):
        from minzheng.assistance.models import AttachmentKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = AttachmentKind.choices
