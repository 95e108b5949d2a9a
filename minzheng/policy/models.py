"""Policy parameters (政策参数): effective-dated values per area, with their history, and growth rules.

A parameter is named by a code ("dibao.standard_monthly_fen"). Each value holds an area prefix ("" for every
area, or the 6/9/12-digit prefix of a district, town or village meaning "this area and everything under it")
and the date it takes effect. A value is proposed, then approved or rejected by someone else; once written its
figures never change, and a correction is a new value that supersedes the old one when approved. The end of a
value is not stored: it is the start of the next approved value for the same area.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import In

from minzheng.core.errors import ApplicationError
from minzheng.core.models import TimeStampedModel
from minzheng.core.money import format_fen
from minzheng.policy.enums import DEMO_LABEL, GROUP_LABELS, TRANSITIONS, GrowthKind, Unit, ValueStatus
from minzheng.policy.units import format_value

# Lengths of a stored area prefix: every area, district, town, village.
AREA_PREFIX_LENGTHS = (0, 6, 9, 12)


class ParameterDefinition(TimeStampedModel):
    """What a parameter is. Definitions are reference data shipped in migrations; their values are data."""

    code = models.CharField("参数代码", max_length=64, unique=True)
    name = models.CharField("参数名称", max_length=100)
    unit = models.CharField("单位", max_length=16, choices=Unit.choices)
    description = models.TextField("说明", blank=True)
    source_note = models.CharField("依据", max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "政策参数"
        constraints = [
            models.CheckConstraint(condition=models.Q(unit__in=Unit.values), name="parameter_unit_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def group(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def group_label(self) -> str:
        return GROUP_LABELS.get(self.group, self.group)

    @property
    def is_money(self) -> bool:
        return self.unit == Unit.FEN

    def format_value(self, value: int | None) -> str:
        return format_value(value, self.unit)


class ImmutableValueError(ApplicationError):
    def __init__(self) -> None:
        super().__init__("parameter_value_immutable", "参数值提出后不能修改，如需更正请提出新值")


class ParameterValueQuerySet(models.QuerySet):
    """Bulk changes would bypass the per-row guard below, so there are none: values change one at a time in
    actions, and only in their decision fields."""

    def update(self, **kwargs):
        raise ImmutableValueError()

    def delete(self):
        raise ImmutableValueError()


class ParameterValue(TimeStampedModel):
    # The only columns an existing row may change: its decision. The figures, area and date are fixed at creation.
    DECISION_FIELDS = frozenset({"status", "approved_by", "approved_at", "rejected_by", "rejected_at",
                                 "rejection_reason", "superseded_by", "superseded_at", "updated_at"})

    definition = models.ForeignKey(ParameterDefinition, verbose_name="参数", on_delete=models.PROTECT,
                                   related_name="values")
    area_code = models.CharField("适用区划", max_length=12, blank=True,
                                 help_text="区划代码前缀：空为全部区划，6/9/12位为该区划及其下级")
    effective_from = models.DateField("生效日期")
    value_int = models.BigIntegerField("参数值")
    status = models.CharField("状态", max_length=16, choices=ValueStatus.choices, default=ValueStatus.PROPOSED)
    label = models.CharField("标注/文号", max_length=100, blank=True, help_text="如：演示参数、淮民发〔2025〕12号")
    note = models.CharField("说明", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    rejected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="退回人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    rejected_at = models.DateTimeField("退回时间", null=True, blank=True)
    rejection_reason = models.CharField("退回理由", max_length=500, blank=True)
    superseded_by = models.ForeignKey("self", verbose_name="替代值", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    superseded_at = models.DateTimeField("替代时间", null=True, blank=True)

    objects = ParameterValueQuerySet.as_manager()

    class Meta:
        ordering = ["definition__code", "area_code", "-effective_from", "-created_at"]
        verbose_name = verbose_name_plural = "参数值"
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ValueStatus.values),
                                   name="parameter_value_status_valid"),
            models.CheckConstraint(condition=In(Length("area_code"), list(AREA_PREFIX_LENGTHS)),
                                   name="parameter_value_area_prefix_length"),
            # At most one approved and one pending value per parameter, area and date.
            models.UniqueConstraint(fields=["definition", "area_code", "effective_from"],
                                    condition=models.Q(status=ValueStatus.APPROVED),
                                    name="parameter_value_one_approved_per_key"),
            models.UniqueConstraint(fields=["definition", "area_code", "effective_from"],
                                    condition=models.Q(status=ValueStatus.PROPOSED),
                                    name="parameter_value_one_proposed_per_key"),
            models.CheckConstraint(
                condition=~models.Q(status__in=[ValueStatus.APPROVED, ValueStatus.SUPERSEDED])
                | models.Q(approved_at__isnull=False),
                name="parameter_value_decided_has_approval_time"),
            # Maker-checker: whoever proposed a value cannot be the one who approved it.
            models.CheckConstraint(
                condition=models.Q(created_by__isnull=True) | models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("created_by")),
                name="parameter_value_approver_not_proposer"),
        ]
        indexes = [
            models.Index(fields=["definition", "status", "effective_from"], name="parameter_value_lookup_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.name} {self.format_value()}（{self.effective_from:%Y-%m-%d}起）"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.DECISION_FIELDS:
                raise ImmutableValueError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        # History is kept: a decided value stays, even when a later value replaced it.
        if self.status != ValueStatus.DRAFT:
            raise ImmutableValueError()
        return super().delete(*args, **kwargs)

    def format_value(self) -> str:
        return self.definition.format_value(self.value_int)

    @property
    def is_demo(self) -> bool:
        return self.label == DEMO_LABEL

    def can_decide(self, user) -> bool:
        """Whether the approve and reject buttons show: a pending value, another approver than its proposer."""
        from minzheng.accounts.permissions import Perm, has_perm

        return (self.status == ValueStatus.PROPOSED and has_perm(user, Perm.POLICY_APPROVE)
                and self.created_by_id != getattr(user, "pk", None))

    def can_approve(self, user) -> bool:
        return self.can_decide(user) and ValueStatus.APPROVED in TRANSITIONS[self.status]

    def can_reject(self, user) -> bool:
        return self.can_decide(user) and ValueStatus.REJECTED in TRANSITIONS[self.status]


class GrowthRule(TimeStampedModel):
    """A natural-growth step (标准自然增长): from ``effective_from`` the standard for the area rises by
    ``amount``, rounded half up to whole yuan. Applying the rule proposes the new value; it never approves it.

    ``amount`` is in tenths of a percent (‰ of the current standard, 50 = +5.0 %) for ``percent`` and in fen
    for ``fixed_fen``.
    """

    definition = models.ForeignKey(ParameterDefinition, verbose_name="参数", on_delete=models.PROTECT,
                                   related_name="growth_rules")
    area_code = models.CharField("适用区划", max_length=12, blank=True)
    kind = models.CharField("增长方式", max_length=16, choices=GrowthKind.choices)
    amount = models.BigIntegerField("上调幅度", help_text="按比例：千分之一（50 = 5.0%）；按金额：分")
    effective_from = models.DateField("新标准生效日期")
    label = models.CharField("标注/文号", max_length=100, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    base_value = models.ForeignKey(ParameterValue, verbose_name="基数", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    proposed_value = models.OneToOneField(ParameterValue, verbose_name="生成的待审批值", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="growth_rule")
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="应用人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField("应用时间", null=True, blank=True)

    class Meta:
        ordering = ["-effective_from", "-created_at"]
        verbose_name = verbose_name_plural = "自然增长规则"
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=GrowthKind.values), name="growth_rule_kind_valid"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="growth_rule_amount_positive"),
            models.CheckConstraint(condition=In(Length("area_code"), list(AREA_PREFIX_LENGTHS)),
                                   name="growth_rule_area_prefix_length"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.name}：{self.effective_from:%Y-%m-%d}起{self.describe()}"

    def describe(self) -> str:
        return describe_growth(self.kind, self.amount)


def describe_growth(kind: str, amount: int) -> str:
    """"上调5%", "上调3.5%", "上调¥30.00"."""
    if kind == GrowthKind.PERCENT:
        whole, tenth = divmod(amount, 10)
        return f"上调{whole}{'.' + str(tenth) if tenth else ''}%"
    return f"上调{format_fen(amount)}"
