"""Audit rows: what changed (Event) and who read what (AccessLog). Both are append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minzheng.core.errors import ApplicationError


class AppendOnlyError(ApplicationError):
    def __init__(self) -> None:
        super().__init__("audit_immutable", "审计记录只能追加，不能修改或删除")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError()

    def delete(self):
        raise AppendOnlyError()


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError()


class Event(AppendOnlyModel):
    """One business write: who did what to which record, with the fields before and after."""

    occurred_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象标识", max_length=64, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    area_code = models.CharField("区划", max_length=12, blank=True, db_index=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = verbose_name_plural = "变更记录"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"


class AccessLog(AppendOnlyModel):
    """One read of a sensitive record (a person's full detail, an unmasked value, an export)."""

    occurred_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="访问人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    action = models.CharField("访问方式", max_length=64)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象标识", max_length=64, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    area_code = models.CharField("区划", max_length=12, blank=True, db_index=True)
    fields = models.JSONField("涉及字段", default=list, blank=True)
    reason = models.CharField("事由", max_length=500, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    channel = models.CharField("渠道", max_length=16, default="web")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = verbose_name_plural = "访问日志"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"
