"""Dynamic monitoring: department feeds and their files, quarantined rows, comparison runs, alerts (as tasks for
towns and villages) and name-only match candidates.

Feed rows themselves are not in the database: they are Parquet files in the lake (``MINZHENG_LAKE_DIR``), keyed
by the registry's blind index of the ID number, never by the number itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minzheng.core.fields import EncryptedTextField
from minzheng.core.models import BaseModel, TimeStampedModel
from minzheng.monitoring.enums import (
    AlertCategory,
    AlertOutcome,
    AlertStatus,
    CandidateStatus,
    FeedFileStatus,
    MonitoringRunStatus,
)

QUARANTINE_CONTEXT = "monitoring.quarantinedrow.raw"


class FeedKind(TimeStampedModel):
    """One department's feed: its columns and their types are data (shipped by a data migration, editable)."""

    code = models.CharField("代码", max_length=40, primary_key=True)
    name = models.CharField("名称", max_length=100)
    department = models.CharField("提供部门", max_length=100)
    description = models.TextField("说明", blank=True)
    # [{"name": "id_number", "label": "身份证号码", "type": "id_number", "required": true, "choices": [...]}, ...]
    columns = models.JSONField("字段定义", default=list)
    event_date_column = models.CharField("业务日期字段", max_length=64)
    key_columns = models.JSONField("唯一键字段", default=list)
    schema_version = models.PositiveIntegerField("格式版本", default=1)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据来源"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.department}·{self.name}"


class FeedFile(BaseModel):
    """One file received from a department: loaded completely or refused completely, never half."""

    kind = models.ForeignKey(FeedKind, verbose_name="数据来源", on_delete=models.PROTECT, related_name="files")
    filename = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    size_bytes = models.BigIntegerField("文件大小（字节）", default=0)
    status = models.CharField("状态", max_length=16, choices=FeedFileStatus.choices, default=FeedFileStatus.RECEIVED)
    refused_reason = models.TextField("拒收原因", blank=True)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_loaded = models.PositiveIntegerField("入库行数", default=0)
    rows_name_only = models.PositiveIntegerField("仅姓名行数", default=0)
    rows_quarantined = models.PositiveIntegerField("隔离行数", default=0)
    rows_duplicate = models.PositiveIntegerField("重复行数", default=0)
    lake_paths = models.JSONField("数据湖文件", default=list)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    job = models.ForeignKey("jobs.Job", verbose_name="入库任务", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    loaded_at = models.DateTimeField("入库时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据文件"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256"], condition=~models.Q(status="refused"),
                                    name="feed_file_once_per_kind"),
            models.CheckConstraint(condition=models.Q(status__in=FeedFileStatus.values),
                                   name="feed_file_status_valid"),
        ]

    def __str__(self) -> str:
        return self.filename


class QuarantinedRow(models.Model):
    """A row that failed validation, with the reasons; the row as received is kept encrypted."""

    file = models.ForeignKey(FeedFile, verbose_name="数据文件", on_delete=models.CASCADE, related_name="quarantine")
    row_number = models.PositiveIntegerField("行号")
    reasons = models.JSONField("原因", default=list)  # [{"column": "...", "message": "..."}]
    raw = EncryptedTextField("原始内容", context=QUARANTINE_CONTEXT)

    class Meta:
        verbose_name = verbose_name_plural = "隔离数据"
        ordering = ["file", "row_number"]

    def __str__(self) -> str:
        return f"{self.file_id} 第{self.row_number}行"


class MonitoringRun(BaseModel):
    """One comparison run: what went in (feed files, snapshot, rule versions, parameters) and what came out, so
    any alert can be explained and any run repeated."""

    status = models.CharField("状态", max_length=16, choices=MonitoringRunStatus.choices,
                              default=MonitoringRunStatus.RUNNING)
    backend = models.CharField("计算引擎", max_length=16)
    as_of = models.DateField("比对基准日")
    area = models.ForeignKey("areas.Area", verbose_name="比对范围", on_delete=models.PROTECT, related_name="+",
                             db_column="area_code")
    inputs = models.JSONField("输入", default=dict)
    rule_versions = models.JSONField("规则版本", default=dict)
    parameters = models.JSONField("参数", default=dict)
    outputs = models.JSONField("结果", default=dict)
    alerts_new = models.PositiveIntegerField("新增预警", default=0)
    alerts_repeated = models.PositiveIntegerField("重复预警", default=0)
    candidates_new = models.PositiveIntegerField("新增待确认匹配", default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    job = models.ForeignKey("jobs.Job", verbose_name="比对任务", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "比对批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d} {self.backend}"


class Alert(BaseModel):
    """A warning about one person from one rule, handled as a task by the person's town or village."""

    rule_code = models.CharField("规则", max_length=64)
    rule_version = models.PositiveIntegerField("规则版本")
    category = models.CharField("类别", max_length=16, choices=AlertCategory.choices)
    dedupe_key = models.CharField("去重键", max_length=64, unique=True)
    person_key = models.CharField("人员索引", max_length=64, db_index=True)
    person = models.ForeignKey("registry.Person", verbose_name="人员", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name="家庭", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey("assistance.Enrollment", verbose_name="救助对象", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("areas.Area", verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+",
                             db_column="area_code")
    summary = models.CharField("预警内容", max_length=300)
    evidence = models.JSONField("证据", default=list)
    raised_in = models.ForeignKey(MonitoringRun, verbose_name="发现批次", on_delete=models.PROTECT,
                                  related_name="alerts")
    last_seen_in = models.ForeignKey(MonitoringRun, verbose_name="最近一次发现", on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField("状态", max_length=16, choices=AlertStatus.choices, default=AlertStatus.RAISED)
    due_on = models.DateField("核查时限", null=True, blank=True)
    due_provisional = models.BooleanField("时限为暂定", default=False)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核查人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField("分派时间", null=True, blank=True)
    visited_on = models.DateField("入户核查日期", null=True, blank=True)
    visit_notes = models.TextField("核查情况", blank=True)
    outcome = models.CharField("处理结果", max_length=16, choices=AlertOutcome.choices, blank=True)
    outcome_note = models.TextField("处理说明", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办结人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey("assistance.Application", verbose_name="救助申请", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    enrollment_change = models.ForeignKey("assistance.EnrollmentChange", verbose_name="救助对象变更", null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "监测预警"
        ordering = ["due_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=AlertStatus.values), name="alert_status_valid"),
            models.CheckConstraint(condition=models.Q(category__in=AlertCategory.values),
                                   name="alert_category_valid"),
            models.CheckConstraint(condition=models.Q(outcome="") | models.Q(outcome__in=AlertOutcome.values),
                                   name="alert_outcome_valid"),
        ]
        indexes = [models.Index(fields=["area", "status"], name="alert_area_status_idx"),
                   models.Index(fields=["rule_code", "status"], name="alert_rule_status_idx")]

    def __str__(self) -> str:
        return self.summary


class NameMatchCandidate(BaseModel):
    """A feed row without a valid ID number that looks like a registry person (same normalized name, birth date
    and area): proposed for a person to confirm, never an alert by itself."""

    file = models.ForeignKey(FeedFile, verbose_name="数据文件", on_delete=models.CASCADE, related_name="candidates")
    row_number = models.PositiveIntegerField("行号")
    name = models.CharField("姓名", max_length=64)
    birth_date = models.DateField("出生日期")
    area = models.ForeignKey("areas.Area", verbose_name="地区", on_delete=models.PROTECT, related_name="+",
                             db_column="area_code")
    person = models.ForeignKey("registry.Person", verbose_name="候选人员", on_delete=models.PROTECT,
                               related_name="+")
    status = models.CharField("状态", max_length=16, choices=CandidateStatus.choices,
                              default=CandidateStatus.PROPOSED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待确认匹配"
        ordering = ["status", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["file", "row_number", "person"], name="name_candidate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.birth_date}"
