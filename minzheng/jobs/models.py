"""Background jobs: one row per run of a job kind, holding its state, progress, checkpoint and result.

The row is the source of truth for a job. A worker owns a running job through ``claim_token``; every write
it makes (a step's checkpoint, the final state) is guarded by that token, so a worker that was presumed dead
and replaced cannot write over its successor. See ``minzheng.jobs.kinds`` for how job code is written.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from minzheng.core.models import BaseModel
from minzheng.jobs.enums import ACTIVE_STATES, FINISHED_STATES, JobState


class Job(BaseModel):
    kind = models.CharField("任务类型", max_length=64)
    parameters = models.JSONField("参数", default=dict, blank=True, encoder=DjangoJSONEncoder)
    state = models.CharField("状态", max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    progress_done = models.PositiveBigIntegerField("已完成", default=0)
    progress_total = models.PositiveBigIntegerField("总量", null=True, blank=True)
    checkpoint = models.JSONField("检查点", null=True, blank=True, encoder=DjangoJSONEncoder)
    result = models.JSONField("结果", null=True, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField("错误信息", blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="jobs")
    # The starter's area, so that district administrators see the jobs of their district by code prefix.
    area_code = models.CharField("区划", max_length=12, blank=True, db_index=True)
    # Set for kinds that must not run twice at once (one payroll per period): unique among active jobs.
    exclusive_key = models.CharField(max_length=128, null=True, blank=True, editable=False)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    cancel_requested_at = models.DateTimeField("申请取消时间", null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    worker = models.CharField("后台进程", max_length=128, blank=True)
    heartbeat_at = models.DateTimeField("心跳时间", null=True, blank=True)
    recoveries = models.PositiveIntegerField("中断后恢复次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=JobState.values), name="job_state_valid"),
            # A claim exists exactly while the job runs: a finished or queued job has no owner.
            models.CheckConstraint(
                condition=(models.Q(state=JobState.RUNNING) & ~models.Q(claim_token=""))
                | (~models.Q(state=JobState.RUNNING) & models.Q(claim_token="")),
                name="job_claimed_while_running",
            ),
            models.UniqueConstraint(fields=["exclusive_key"], condition=models.Q(state__in=ACTIVE_STATES),
                                    name="job_one_active_per_exclusive_key"),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="job_queue_idx")]

    def __str__(self) -> str:
        return f"{self.kind_title}（{str(self.pk)[:8]}）"

    @property
    def kind_title(self) -> str:
        from minzheng.jobs.kinds import get_kind

        spec = get_kind(self.kind)
        return spec.title if spec else self.kind

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def progress_percent(self) -> int | None:
        if self.state == JobState.SUCCEEDED:
            return 100
        if not self.progress_total:
            return None
        return min(100, int(self.progress_done * 100 / self.progress_total))

    @property
    def duration(self) -> dt.timedelta | None:
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return end - self.started_at

    def can_cancel(self) -> bool:
        return self.state in ACTIVE_STATES and self.cancel_requested_at is None
