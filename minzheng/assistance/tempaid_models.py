"""临时救助 cases. A case belongs to the area where the emergency happened (急难发生地), not to the applicant's
hukou: staff there handle it, wherever the applicant is registered."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minzheng.core.fields import BlindIndexField, EncryptedTextField
from minzheng.core.masking import mask_id_number
from minzheng.core.models import BaseModel


class TempAidKind(models.TextChoices):
    EMERGENCY = "emergency", "急难型"
    EXPENDITURE = "expenditure", "支出型"


class TempAidCause(models.TextChoices):
    FIRE = "fire", "火灾"
    TRAFFIC = "traffic", "交通事故"
    ACCIDENT = "accident", "意外伤害"
    ILLNESS = "illness", "突发重病"
    DISASTER = "disaster", "自然灾害"
    MEDICAL_EXPENSE = "medical_expense", "医疗支出"
    EDUCATION_EXPENSE = "education_expense", "教育支出"
    OTHER = "other", "其他"


class TempAidStatus(models.TextChoices):
    ACCEPTED = "accepted", "已受理"
    PAID_FIRST = "paid_first", "已先行救助"
    INVESTIGATING = "investigating", "调查核实中"
    APPROVED = "approved", "已批准"
    PAID = "paid", "已发放"
    CLOSED = "closed", "已办结"
    DENIED = "denied", "不予救助"


class ApprovalLevel(models.TextChoices):
    TOWN = "town", "乡镇审批"
    DISTRICT = "district", "区级审批"


S = TempAidStatus
TEMP_AID_TRANSITIONS: dict[str, frozenset[str]] = {
    # Aid first (先行救助): paid at once, paperwork completed within the deadline, then closed.
    S.ACCEPTED: frozenset({S.PAID_FIRST, S.INVESTIGATING, S.DENIED}),
    S.PAID_FIRST: frozenset({S.CLOSED}),
    S.INVESTIGATING: frozenset({S.APPROVED, S.DENIED}),
    S.APPROVED: frozenset({S.PAID}),
    S.PAID: frozenset(),
    S.CLOSED: frozenset(),
    S.DENIED: frozenset(),
}

ID_CONTEXT = "assistance.tempaidcase.applicant_id_number"


class TempAidQuerySet(models.QuerySet):
    def by_applicant(self, number: str) -> TempAidQuerySet:
        from minzheng.core import crypto

        return self.filter(applicant_id_bidx=crypto.blind_index(number, purpose="id_number"))


class TempAidCase(BaseModel):
    number = models.CharField("编号", max_length=32, unique=True)
    applicant_name = models.CharField("申请人姓名", max_length=64)
    applicant_id_number = EncryptedTextField("申请人身份证号码", context=ID_CONTEXT)
    applicant_id_bidx = BlindIndexField("身份证号码索引", source="applicant_id_number", purpose="id_number",
                                        db_index=True)
    person = models.ForeignKey("registry.Person", verbose_name="人员库记录", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("areas.Area", verbose_name="急难发生地", on_delete=models.PROTECT, related_name="+",
                             db_column="area_code")
    kind = models.CharField("类型", max_length=16, choices=TempAidKind.choices)
    cause = models.CharField("事由类别", max_length=24, choices=TempAidCause.choices)
    description = models.TextField("困难情况", max_length=2000)
    household_size = models.PositiveSmallIntegerField("家庭人口", default=1)
    loss_fen = models.BigIntegerField("损失或支出（分）")
    amount_fen = models.BigIntegerField("救助金额（分）")
    approval_level = models.CharField("审批层级", max_length=16, choices=ApprovalLevel.choices)
    reasons = models.JSONField("认定依据", default=list)
    status = models.CharField("状态", max_length=16, choices=TempAidStatus.choices, default=TempAidStatus.ACCEPTED)
    accepted_on = models.DateField("受理日期")
    paid_first_on = models.DateField("先行救助日期", null=True, blank=True)
    paperwork_due_on = models.DateField("补齐手续期限", null=True, blank=True)
    paperwork_due_provisional = models.BooleanField("期限为暂定", default=False)
    investigation = models.TextField("调查核实情况", blank=True)
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    paid_on = models.DateField("发放日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    denial_reason = models.TextField("不予救助理由", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT,
                                   related_name="+")

    objects = TempAidQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "临时救助"
        ordering = ["-accepted_on", "-number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=TempAidStatus.values), name="temp_aid_status_valid"),
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0, loss_fen__gte=0),
                                   name="temp_aid_amounts_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.applicant_name}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.applicant_id_number)

    def can_pay_first(self) -> bool:
        return self.status == S.ACCEPTED and self.kind == TempAidKind.EMERGENCY

    def can_investigate(self) -> bool:
        return self.status == S.ACCEPTED

    def can_close(self) -> bool:
        return self.status == S.PAID_FIRST

    def can_approve(self) -> bool:
        return self.status == S.INVESTIGATING

    def can_deny(self) -> bool:
        return self.status in (S.ACCEPTED, S.INVESTIGATING)

    def can_pay(self) -> bool:
        return self.status == S.APPROVED
