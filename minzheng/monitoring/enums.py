"""Vocabulary of dynamic monitoring (低收入人口动态监测): feeds, runs, alerts and their triage."""

from django.db import models


class ColumnType(models.TextChoices):
    """What a feed column holds; each type has one validator (``feeds``) and one lake type."""

    ID_NUMBER = "id_number", "身份证号码"
    NAME = "name", "姓名"
    DATE = "date", "日期"
    AMOUNT = "amount", "金额（元）"
    INTEGER = "integer", "整数"
    TEXT = "text", "文本"
    CODE = "code", "代码"
    AREA = "area", "行政区划代码"
    BOOLEAN = "boolean", "是/否"


class FeedFileStatus(models.TextChoices):
    RECEIVED = "received", "已接收"
    LOADING = "loading", "入库中"
    LOADED = "loaded", "已入库"
    REFUSED = "refused", "已拒收"


class MonitoringRunStatus(models.TextChoices):
    RUNNING = "running", "比对中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


class AlertCategory(models.TextChoices):
    INELIGIBILITY = "ineligibility", "不符合条件核查"
    RISK = "risk", "风险预警（主动发现）"


class AlertStatus(models.TextChoices):
    RAISED = "raised", "待分派"
    ASSIGNED = "assigned", "待核查"
    VISITED = "visited", "已入户核查"
    CLOSED = "closed", "已办结"


class AlertOutcome(models.TextChoices):
    INCLUDE_AID = "include_aid", "纳入救助"
    ADJUST = "adjust", "调整/停发"
    UNFOUNDED = "unfounded", "不属实"
    HELPED = "helped", "已帮扶"


class CandidateStatus(models.TextChoices):
    PROPOSED = "proposed", "待确认"
    CONFIRMED = "confirmed", "已确认为同一人"
    REJECTED = "rejected", "非同一人"
