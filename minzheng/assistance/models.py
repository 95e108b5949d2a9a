"""Applications for social assistance, their determinations and the enrollments approval creates.

An application keeps its own copy of the household file (``snapshot``) as entered at filing: the members are
referenced by person UUID only, never by ID number, which stays encrypted in the registry. The history of an
application is the audit ``Event`` stream, written by the actions on every transition.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minzheng.assistance.enums import ApplicationPlace, Program
from minzheng.assistance.tempaid_models import TempAidCase  # noqa: F401 - registers the 临时救助 model
from minzheng.core.models import BaseModel


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    INCOMPLETE = "incomplete", "材料不全"
    REFUSED = "refused", "不予受理"
    ACCEPTED = "accepted", "已受理"
    INVESTIGATING = "investigating", "调查核实中"
    TOWN_REVIEWED = "town_reviewed", "乡镇已初审"
    PUBLIC_NOTICE = "public_notice", "公示中"
    REINVESTIGATING = "reinvestigating", "重新调查"
    DISTRICT_REVIEW = "district_review", "区级审核确认"
    APPROVED = "approved", "已批准"
    DENIED = "denied", "不予确认"


S = ApplicationStatus

# The statuses an application may move to from each status (domain reference §1.3). An incomplete application
# comes back as submitted once the applicant has supplied what the notice listed. An objection during the notice
# sends the application to re-investigation; a dismissed objection restarts the notice, an upheld one sends it
# back to investigation, where the town may determine again, give a new opinion and publish again (§1.3 step 6a).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.ACCEPTED, S.INCOMPLETE, S.REFUSED}),
    S.INCOMPLETE: frozenset({S.SUBMITTED}),
    S.ACCEPTED: frozenset({S.INVESTIGATING}),
    S.INVESTIGATING: frozenset({S.TOWN_REVIEWED}),
    S.TOWN_REVIEWED: frozenset({S.PUBLIC_NOTICE, S.DISTRICT_REVIEW}),
    S.PUBLIC_NOTICE: frozenset({S.DISTRICT_REVIEW, S.REINVESTIGATING}),
    S.REINVESTIGATING: frozenset({S.PUBLIC_NOTICE, S.INVESTIGATING}),
    S.DISTRICT_REVIEW: frozenset({S.APPROVED, S.DENIED}),
}

# Statuses in which the 30-working-day limit runs (from acceptance until the decision).
RUNNING = frozenset({S.ACCEPTED, S.INVESTIGATING, S.TOWN_REVIEWED, S.PUBLIC_NOTICE, S.REINVESTIGATING,
                     S.DISTRICT_REVIEW})
# Statuses in which the determination may be (re)run: after filing and before the town's opinion.
DETERMINABLE = frozenset({S.SUBMITTED, S.ACCEPTED, S.INVESTIGATING})


class Application(BaseModel):
    household = models.ForeignKey("registry.Household", verbose_name="家庭", on_delete=models.PROTECT,
                                  related_name="applications")
    applicant = models.ForeignKey("registry.Person", verbose_name="申请人", on_delete=models.PROTECT,
                                  related_name="+")
    area = models.ForeignKey("areas.Area", verbose_name="申办地", on_delete=models.PROTECT, related_name="+",
                             db_column="area_code")
    place = models.CharField("申办方式", max_length=16, choices=ApplicationPlace.choices,
                             default=ApplicationPlace.HUKOU)
    status = models.CharField("状态", max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED)
    filed_on = models.DateField("申请日期")
    snapshot = models.JSONField("申请信息", default=dict)
    check_authorized = models.BooleanField("已签署家庭经济状况核对授权书", default=False)
    missing_items = models.TextField("需补齐的材料", blank=True)
    refusal_reason = models.TextField("不予受理理由", blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    due_on = models.DateField("办结时限", null=True, blank=True)
    due_provisional = models.BooleanField("办结时限为暂定", default=False)
    extended_due_on = models.DateField("延长后的办结时限", null=True, blank=True)
    extended_provisional = models.BooleanField("延长时限为暂定", default=False)
    extension_reason = models.TextField("延长理由", blank=True)
    economic_check_requested_on = models.DateField("申请经济状况核对日期", null=True, blank=True)
    home_visit_on = models.DateField("入户调查日期", null=True, blank=True)
    home_visit_notes = models.TextField("入户调查情况", blank=True)
    town_opinion = models.TextField("乡镇初审意见", blank=True)
    notice_starts_on = models.DateField("公示开始日期", null=True, blank=True)
    notice_ends_on = models.DateField("公示截止日期", null=True, blank=True)
    notice_skipped = models.BooleanField("免于公示", default=False)
    decided_on = models.DateField("审核确认日期", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核确认人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    denial_reason = models.TextField("不予确认理由", blank=True)
    filed_with_district_on = models.DateField("报区级备案日期", null=True, blank=True)
    denial_notice_due_on = models.DateField("书面告知时限", null=True, blank=True)
    denial_notice_provisional = models.BooleanField("告知时限为暂定", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "救助申请"
        ordering = ["-filed_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ApplicationStatus.values),
                                   name="application_status_valid"),
            models.CheckConstraint(condition=models.Q(place__in=ApplicationPlace.values),
                                   name="application_place_valid"),
            models.CheckConstraint(condition=models.Q(accepted_on__isnull=True) | models.Q(due_on__isnull=False),
                                   name="application_accepted_has_due_on"),
        ]
        indexes = [
            models.Index(fields=["area", "status"], name="application_area_status_idx"),
            models.Index(fields=["status", "due_on"], name="application_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"救助申请 {self.filed_on.isoformat()} {self.household_id}"

    @property
    def effective_due_on(self):
        return self.extended_due_on or self.due_on

    @property
    def effective_due_provisional(self) -> bool:
        return self.extended_provisional if self.extended_due_on else self.due_provisional

    def is_overdue(self, today) -> bool:
        due = self.effective_due_on
        return self.status in RUNNING and due is not None and due < today

    # Guards: each decides whether the matching button shows; the actions check them again.
    def can_accept(self) -> bool:
        return self.status == S.SUBMITTED

    def can_mark_incomplete(self) -> bool:
        return self.status == S.SUBMITTED

    def can_refuse(self) -> bool:
        return self.status == S.SUBMITTED

    def can_resubmit(self) -> bool:
        return self.status == S.INCOMPLETE

    def can_investigate(self) -> bool:
        return self.status == S.ACCEPTED

    def can_determine(self) -> bool:
        return self.status in DETERMINABLE

    def can_town_review(self) -> bool:
        return self.status == S.INVESTIGATING

    def can_publish_notice(self) -> bool:
        return self.status == S.TOWN_REVIEWED

    def can_end_notice(self, today) -> bool:
        return self.status == S.PUBLIC_NOTICE and self.notice_ends_on is not None and today >= self.notice_ends_on

    def can_record_objection(self) -> bool:
        return self.status == S.PUBLIC_NOTICE

    def can_resolve_objection(self) -> bool:
        return self.status == S.REINVESTIGATING

    def can_extend(self) -> bool:
        return self.status in RUNNING and self.extended_due_on is None

    def can_approve(self) -> bool:
        return self.status == S.DISTRICT_REVIEW

    def can_deny(self) -> bool:
        return self.status == S.DISTRICT_REVIEW


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


class ApplicationObjection(BaseModel):
    """An objection raised during the public notice (公示异议) and how the town resolved it. At most one is open
    (unresolved) per application: recording one ends the notice, and the notice only restarts on resolution."""

    application = models.ForeignKey(Application, verbose_name="申请", on_delete=models.PROTECT,
                                    related_name="objections")
    received_on = models.DateField("收到日期")
    content = models.TextField("异议内容")
    raised_by_name = models.CharField("反映人", max_length=100, blank=True)  # may be anonymous
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    resolution = models.TextField("处理情况", blank=True)
    resolved_on = models.DateField("处理日期", null=True, blank=True)
    outcome = models.CharField("处理结果", max_length=16, choices=ObjectionOutcome.choices, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "公示异议"
        ordering = ["application", "received_on", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["application"], condition=models.Q(resolved_on__isnull=True),
                                    name="objection_one_open_per_application"),
            models.CheckConstraint(condition=models.Q(outcome="") | models.Q(outcome__in=ObjectionOutcome.values),
                                   name="objection_outcome_valid"),
            models.CheckConstraint(condition=(models.Q(resolved_on__isnull=True) & models.Q(outcome=""))
                                   | (models.Q(resolved_on__isnull=False) & ~models.Q(outcome="")),
                                   name="objection_resolved_has_outcome"),
        ]

    def __str__(self) -> str:
        return f"公示异议 {self.received_on.isoformat()}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class ApplicationDecision(BaseModel):
    """One program's outcome of one determination run. A new run marks the previous rows not current."""

    application = models.ForeignKey(Application, verbose_name="申请", on_delete=models.CASCADE,
                                    related_name="decisions")
    program = models.CharField("救助类别", max_length=20, choices=Program.choices)
    eligible = models.BooleanField("符合条件")
    monthly_amount_fen = models.BigIntegerField("月救助金额（分）", default=0)
    member_ids = models.JSONField("覆盖成员", default=list)  # person UUIDs as strings
    reasons = models.JSONField("认定依据", default=list)  # reason codes (assistance.reasons)
    as_of = models.DateField("认定基准日")
    household_size = models.PositiveSmallIntegerField("共同生活家庭人口")
    per_capita_income_fen = models.BigIntegerField("月人均收入（分）")
    is_current = models.BooleanField("当前结果", default=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="认定人", on_delete=models.PROTECT,
                               related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "认定结果"
        ordering = ["application", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "program"], condition=models.Q(is_current=True),
                                    name="decision_one_current_per_program"),
            models.CheckConstraint(condition=models.Q(program__in=Program.values), name="decision_program_valid"),
            models.CheckConstraint(condition=models.Q(monthly_amount_fen__gte=0), name="decision_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.get_program_display()}：{'符合' if self.eligible else '不符合'}"


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", "在保"
    SUSPENDED = "suspended", "暂停"
    PHASE_OUT = "phase_out", "渐退期"
    EXITED = "exited", "已退出"


E = EnrollmentStatus

# The statuses an enrollment may move to from each status (domain reference §1.5, §2.6). An exit is final: a
# household that qualifies again files a new application.
ENROLLMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    E.ACTIVE: frozenset({E.SUSPENDED, E.PHASE_OUT, E.EXITED}),
    E.SUSPENDED: frozenset({E.ACTIVE, E.EXITED}),
    E.PHASE_OUT: frozenset({E.EXITED, E.ACTIVE}),
}


class ExitReason(models.TextChoices):
    DEATH = "death", "死亡（含宣告死亡、宣告失踪）"
    INCOME_ABOVE_STANDARD = "income_above_standard", "家庭人均收入超过保障标准"
    ASSETS_ABOVE_LIMIT = "assets_above_limit", "家庭财产超过规定"
    MOVED_AWAY = "moved_away", "迁出本辖区"
    REFUSED_REVIEW = "refused_review", "无正当理由拒不配合复核"
    IMPRISONED = "imprisoned", "服刑"
    SUPPORT_CAPACITY = "support_capacity", "义务人具备赡养、抚养、扶养能力"
    VOLUNTARY = "voluntary", "自愿退出"
    OTHER = "other", "其他"


class EnrollmentChangeKind(models.TextChoices):
    REVIEW = "review", "复核"
    AMOUNT = "amount", "调整救助金额"
    SUSPEND = "suspend", "暂停"
    RESUME = "resume", "恢复"
    PHASE_OUT = "phase_out", "进入渐退期"
    EXIT = "exit", "退出"


class Enrollment(BaseModel):
    """A household (or some of its members) receiving one program. Every status but ``exited`` holds the
    household's place in the program, so the uniqueness constraint covers all of them."""

    program = models.CharField("救助类别", max_length=20, choices=Program.choices)
    household = models.ForeignKey("registry.Household", verbose_name="家庭", on_delete=models.PROTECT,
                                  related_name="enrollments")
    application = models.ForeignKey(Application, verbose_name="来源申请", on_delete=models.PROTECT,
                                    related_name="enrollments")
    area = models.ForeignKey("areas.Area", verbose_name="管理地", on_delete=models.PROTECT, related_name="+",
                             db_column="area_code")
    person_ids = models.JSONField("保障成员", default=list)  # person UUIDs as strings
    monthly_amount_fen = models.BigIntegerField("月救助金额（分）")
    starts_on = models.DateField("享受起始日期")
    status = models.CharField("状态", max_length=16, choices=EnrollmentStatus.choices,
                              default=EnrollmentStatus.ACTIVE)
    review_due_on = models.DateField("下次复核日期", null=True, blank=True)
    exited_on = models.DateField("退出日期", null=True, blank=True)
    exit_reason = models.TextField("退出原因", blank=True)
    exit_reason_code = models.CharField("退出原因类别", max_length=32, choices=ExitReason.choices, blank=True)
    last_reviewed_on = models.DateField("上次复核日期", null=True, blank=True)
    phaseout_starts_on = models.DateField("渐退期开始日期", null=True, blank=True)
    phaseout_ends_on = models.DateField("渐退期截止日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "救助对象"
        ordering = ["-starts_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["household", "program"], condition=~models.Q(status="exited"),
                                    name="enrollment_one_open_per_household_program"),
            models.CheckConstraint(condition=models.Q(status__in=EnrollmentStatus.values),
                                   name="enrollment_status_valid"),
            models.CheckConstraint(condition=models.Q(program__in=Program.values),
                                   name="enrollment_program_valid"),
            models.CheckConstraint(condition=models.Q(monthly_amount_fen__gte=0), name="enrollment_amount_nonneg"),
            models.CheckConstraint(condition=models.Q(exit_reason_code="")
                                   | models.Q(exit_reason_code__in=ExitReason.values),
                                   name="enrollment_exit_reason_valid"),
            models.CheckConstraint(condition=~models.Q(status="phase_out") | models.Q(phaseout_ends_on__isnull=False),
                                   name="enrollment_phase_out_has_end"),
        ]
        indexes = [models.Index(fields=["area", "status"], name="enrollment_area_status_idx"),
                   models.Index(fields=["status", "review_due_on"], name="enrollment_status_review_idx")]

    def __str__(self) -> str:
        return f"{self.get_program_display()} {self.household_id}"

    def is_review_overdue(self, today) -> bool:
        return self.status != E.EXITED and self.review_due_on is not None and self.review_due_on < today

    # Guards: each decides whether the matching button shows; the lifecycle actions check them again.
    def can_review(self) -> bool:
        return self.status != E.EXITED

    def can_change_amount(self) -> bool:
        return self.status in (E.ACTIVE, E.PHASE_OUT)

    def can_suspend(self) -> bool:
        return E.SUSPENDED in ENROLLMENT_TRANSITIONS.get(self.status, ())

    def can_resume(self) -> bool:
        return E.ACTIVE in ENROLLMENT_TRANSITIONS.get(self.status, ())

    def can_start_phaseout(self) -> bool:
        return E.PHASE_OUT in ENROLLMENT_TRANSITIONS.get(self.status, ())

    def can_exit(self) -> bool:
        return E.EXITED in ENROLLMENT_TRANSITIONS.get(self.status, ())


class EnrollmentChange(BaseModel):
    """One step of an enrollment's dynamic management (动态管理): a review, an amount change, a suspension, a
    resumption, the start of phase-out or the exit. The audit event records who changed which field; this row is
    the case history the enrollment page shows and the payment run can read by effective date."""

    enrollment = models.ForeignKey(Enrollment, verbose_name="救助对象", on_delete=models.PROTECT,
                                   related_name="changes")
    kind = models.CharField("变更类别", max_length=16, choices=EnrollmentChangeKind.choices)
    status_before = models.CharField("变更前状态", max_length=16, choices=EnrollmentStatus.choices)
    status_after = models.CharField("变更后状态", max_length=16, choices=EnrollmentStatus.choices)
    amount_before_fen = models.BigIntegerField("变更前月救助金额（分）")
    amount_after_fen = models.BigIntegerField("变更后月救助金额（分）")
    effective_on = models.DateField("生效日期")
    reason_code = models.CharField("原因类别", max_length=32, blank=True)
    reason = models.TextField("原因或复核情况", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT,
                              related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "救助对象变更记录"
        ordering = ["enrollment", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=EnrollmentChangeKind.values),
                                   name="enrollment_change_kind_valid"),
            models.CheckConstraint(condition=models.Q(amount_before_fen__gte=0) & models.Q(amount_after_fen__gte=0),
                                   name="enrollment_change_amounts_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on.isoformat()}"


class AttachmentKind(models.TextChoices):
    IDENTITY = "identity", "身份证明"
    INCOME = "income", "收入证明"
    PROPERTY = "property", "财产证明"
    VISIT_PHOTO = "visit_photo", "入户调查照片"
    MEDICAL = "medical", "病历"
    OTHER = "other", "其他"


def attachment_upload_to(instance: ApplicationAttachment, filename: str) -> str:
    """assistance/<application id>/<random name>.<sniffed type>: the person's file name never reaches the disk."""
    import uuid
    from pathlib import PurePosixPath

    return f"assistance/{instance.application_id}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


class ApplicationAttachment(BaseModel):
    """A supporting document of an application (申请材料), stored under MEDIA_ROOT and never changed once
    uploaded; ``sha256`` lets the dossier archive prove which file was filed."""

    application = models.ForeignKey(Application, verbose_name="申请", on_delete=models.PROTECT,
                                    related_name="attachments")
    kind = models.CharField("材料类别", max_length=16, choices=AttachmentKind.choices)
    original_name = models.CharField("原文件名", max_length=200)
    file = models.FileField("文件", upload_to=attachment_upload_to, max_length=200)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = verbose_name_plural = "申请材料"
        ordering = ["application", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=AttachmentKind.values),
                                   name="attachment_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"
