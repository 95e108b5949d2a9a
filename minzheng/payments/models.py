"""Payments (资金发放): payee accounts, payroll runs and their lines, bank files, reconciliations and budgets.

Programs are not a closed list here: a run's ``program`` is the code of a payable program registered in
``minzheng.payments.programs`` (social assistance registers its own), so a new benefit plugs in without a change
to this module or a migration.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minzheng.core.fields import BlindIndexField, EncryptedTextField
from minzheng.core.masking import mask_bank_account
from minzheng.core.models import BaseModel, TimeStampedModel
from minzheng.payments.enums import (
    AccountKind,
    FileFormat,
    FundingSource,
    LineStatus,
    ReconciliationOutcome,
    RunStatus,
)

HOLDER_ID_CONTEXT = "payments.payeeaccount.holder_id_number"
ACCOUNT_CONTEXT = "payments.payeeaccount.account_number"


class PayeeAccount(BaseModel):
    """A person's 一卡通 account: a social-security card or a bank card/passbook at an agent bank.

    Keyed by the holder's ID number (blind index), not by a registry row, so that a temporary-assistance
    applicant who is not in the registry is paid the same way. One active account per holder.
    """

    person = models.ForeignKey("registry.Person", verbose_name="人员库记录", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField("户名", max_length=64)
    holder_id_number = EncryptedTextField("持卡人身份证号码", context=HOLDER_ID_CONTEXT)
    holder_id_bidx = BlindIndexField("身份证号码索引", source="holder_id_number", purpose="id_number", db_index=True)
    kind = models.CharField("账户类型", max_length=16, choices=AccountKind.choices,
                            default=AccountKind.SOCIAL_SECURITY_CARD)
    bank_code = models.CharField("代发银行代码", max_length=16)
    bank_name = models.CharField("代发银行", max_length=64)
    account_number = EncryptedTextField("账号", context=ACCOUNT_CONTEXT)
    account_bidx = BlindIndexField("账号索引", source="account_number", purpose="bank_account", db_index=True)
    is_active = models.BooleanField("有效", default=True)
    verified_on = models.DateField("核验日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "发放账户"
        ordering = ["holder_name", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["holder_id_bidx"], condition=models.Q(is_active=True),
                                    name="payee_account_one_active_per_holder"),
            models.CheckConstraint(condition=models.Q(kind__in=AccountKind.values), name="payee_account_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} {self.masked_account}"

    @property
    def masked_account(self) -> str:
        return mask_bank_account(self.account_number)


class BankLayout(TimeStampedModel):
    """How one agent bank wants its payment file and sends its return file: data, not code (see bankfiles)."""

    code = models.CharField("格式代码", max_length=32, primary_key=True)
    name = models.CharField("格式名称", max_length=100)
    bank_code = models.CharField("代发银行代码", max_length=16)
    bank_name = models.CharField("代发银行", max_length=64)
    file_format = models.CharField("文件格式", max_length=8, choices=FileFormat.choices)
    encoding = models.CharField("字符编码", max_length=16, default="gb18030")
    spec = models.JSONField("格式定义", default=dict)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "银行文件格式"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(file_format__in=FileFormat.values),
                                   name="bank_layout_format_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class PayrollRun(BaseModel):
    """The payroll (发放名册) of one program for one area and one month."""

    program = models.CharField("救助项目", max_length=32)
    area = models.ForeignKey("areas.Area", verbose_name="发放范围", on_delete=models.PROTECT, related_name="+",
                             db_column="area_code")
    period = models.DateField("发放月份")  # always the first day of the month
    status = models.CharField("状态", max_length=16, choices=RunStatus.choices, default=RunStatus.GENERATING)
    generation = models.PositiveIntegerField("生成次数", default=0)
    job = models.ForeignKey("jobs.Job", verbose_name="生成任务", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    line_count = models.PositiveIntegerField("名册人数", default=0)
    payable_count = models.PositiveIntegerField("应发笔数", default=0)
    payable_fen = models.BigIntegerField("应发金额（分）", default=0)
    held_count = models.PositiveIntegerField("暂缓笔数", default=0)
    held_fen = models.BigIntegerField("暂缓金额（分）", default=0)
    arrears_fen = models.BigIntegerField("补发金额（分）", default=0)
    deduction_fen = models.BigIntegerField("扣减金额（分）", default=0)
    paid_count = models.PositiveIntegerField("发放成功笔数", default=0)
    paid_fen = models.BigIntegerField("发放成功金额（分）", default=0)
    failed_count = models.PositiveIntegerField("发放失败笔数", default=0)
    failed_fen = models.BigIntegerField("发放失败金额（分）", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制表人", on_delete=models.PROTECT,
                                   related_name="+")
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    reconciled_at = models.DateTimeField("对账时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "发放名册"
        ordering = ["-period", "program", "area"]
        constraints = [
            models.UniqueConstraint(fields=["program", "area", "period"],
                                    name="payroll_run_one_per_program_area_month"),
            models.CheckConstraint(condition=models.Q(status__in=RunStatus.values), name="payroll_run_status_valid"),
            models.CheckConstraint(condition=models.Q(period__day=1), name="payroll_run_period_first_day"),
        ]
        indexes = [models.Index(fields=["program", "period"], name="payroll_run_program_period_idx")]

    def __str__(self) -> str:
        return f"{self.period:%Y年%m月} {self.program} {self.area_id}"


class PayrollLine(BaseModel):
    """One payment of one source (an enrollment, a temporary-assistance case…) in one month.

    The database refuses a second line for the same program, source and month: whatever races or resumes, a
    source is paid at most once a month. ``amount_fen = current + arrears − deduction`` (never below zero):
    arrears and deductions are the difference between what was due and what was settled in earlier months.
    """

    # Indexes cost every insert of a 10⁵-line payroll: only what queries use is indexed (run via the (run,
    # status) index, sources via the unique constraint, failures via a partial index, areas for scoped lists).
    run = models.ForeignKey(PayrollRun, verbose_name="发放名册", on_delete=models.CASCADE, related_name="lines",
                            db_index=False)
    program = models.CharField("救助项目", max_length=32)
    period = models.DateField("发放月份")
    source_key = models.CharField("发放依据", max_length=64)
    area = models.ForeignKey("areas.Area", verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+",
                             db_column="area_code")
    household = models.ForeignKey("registry.Household", verbose_name="家庭", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+", db_index=False)
    payee = models.ForeignKey("registry.Person", verbose_name="领款人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", db_index=False)
    payee_name = models.CharField("领款人姓名", max_length=64)
    payee_id_bidx = models.CharField("领款人身份证号码索引", max_length=64, blank=True)
    account = models.ForeignKey(PayeeAccount, verbose_name="发放账户", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+", db_index=False)
    person_ids = models.JSONField("保障成员", default=list)
    member_count = models.PositiveSmallIntegerField("保障人数", default=1)
    current_fen = models.BigIntegerField("本月应发（分）", default=0)
    arrears_fen = models.BigIntegerField("补发（分）", default=0)
    deduction_fen = models.BigIntegerField("扣减（分）", default=0)
    amount_fen = models.BigIntegerField("实发金额（分）")
    components = models.JSONField("金额构成", default=dict)
    adjustments = models.JSONField("补扣明细", default=dict)
    flags = models.JSONField("核查提示", default=list)
    status = models.CharField("状态", max_length=16, choices=LineStatus.choices, default=LineStatus.PENDING)
    hold_resolution = models.TextField("核实处理意见", blank=True)
    hold_resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+", db_index=False)
    hold_resolved_at = models.DateTimeField("核实时间", null=True, blank=True)
    seq = models.PositiveIntegerField("银行文件序号", null=True, blank=True)
    bank_ref = models.CharField("银行流水号", max_length=64, blank=True)
    fail_reason = models.CharField("失败原因", max_length=200, blank=True)
    paid_on = models.DateField("到账日期", null=True, blank=True)
    reissued_in = models.ForeignKey(PayrollRun, verbose_name="补发名册", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="reissued_lines", db_index=False)

    class Meta:
        verbose_name = verbose_name_plural = "发放明细"
        ordering = ["area", "source_key"]
        constraints = [
            models.UniqueConstraint(fields=["program", "source_key", "period"],
                                    name="payroll_line_one_per_source_month"),
            models.CheckConstraint(condition=models.Q(status__in=LineStatus.values), name="payroll_line_status_valid"),
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0, current_fen__gte=0, arrears_fen__gte=0,
                                                      deduction_fen__gte=0),
                                   name="payroll_line_amounts_not_negative"),
        ]
        indexes = [models.Index(fields=["run", "status"], name="payroll_line_run_status_idx"),
                   models.Index(fields=["reissued_in"], condition=models.Q(status="failed"),
                                name="payroll_line_failed_idx")]

    def __str__(self) -> str:
        return f"{self.payee_name} {self.period:%Y-%m}"


class BankFile(BaseModel):
    """The file sent to the bank for one run, kept byte for byte so a second download is the same file."""

    run = models.OneToOneField(PayrollRun, verbose_name="发放名册", on_delete=models.PROTECT, related_name="bank_file")
    layout = models.ForeignKey(BankLayout, verbose_name="文件格式", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField("文件名", max_length=128)
    content = models.BinaryField("文件内容")
    sha256 = models.CharField("SHA-256", max_length=64)
    line_count = models.PositiveIntegerField("笔数")
    total_fen = models.BigIntegerField("总金额（分）")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "银行代发文件"

    def __str__(self) -> str:
        return self.filename


class Reconciliation(BaseModel):
    """One import of the bank's return file (回盘文件): accepted and applied, or refused with the difference."""

    run = models.ForeignKey(PayrollRun, verbose_name="发放名册", on_delete=models.PROTECT,
                            related_name="reconciliations")
    filename = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    outcome = models.CharField("结果", max_length=16, choices=ReconciliationOutcome.choices)
    paid_count = models.PositiveIntegerField("成功笔数", default=0)
    paid_fen = models.BigIntegerField("成功金额（分）", default=0)
    failed_count = models.PositiveIntegerField("失败笔数", default=0)
    failed_fen = models.BigIntegerField("失败金额（分）", default=0)
    problems = models.JSONField("差异", default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "银行回盘对账"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(outcome__in=ReconciliationOutcome.values),
                                   name="reconciliation_outcome_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} {self.get_outcome_display()}"


class Budget(BaseModel):
    """A year's budget of one program from one funding source (中央/省/市/区)."""

    year = models.PositiveSmallIntegerField("预算年度")
    program = models.CharField("救助项目", max_length=32)
    source = models.CharField("资金来源", max_length=16, choices=FundingSource.choices)
    amount_fen = models.BigIntegerField("预算金额（分）")
    document = models.CharField("下达文件", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "资金预算"
        ordering = ["-year", "program", "source"]
        constraints = [
            models.UniqueConstraint(fields=["year", "program", "source"], name="budget_one_per_year_program_source"),
            models.CheckConstraint(condition=models.Q(source__in=FundingSource.values), name="budget_source_valid"),
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="budget_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.program} {self.get_source_display()}"
