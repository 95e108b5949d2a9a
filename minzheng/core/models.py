"""Abstract bases every domain model builds on, and the kernel's own table of holiday overrides."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from minzheng.core.enums import DayKind


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class BaseModel(TimeStampedModel):
    """A record holding personal data: a UUID key, so that identifiers reveal no counts or order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class CalendarOverride(TimeStampedModel):
    """One day of a State Council holiday notice entered by an administrator.

    An override decides the day for every year, ahead of the ``chinese-calendar`` package: it fills in years the
    package does not know yet and corrects the package where needed. Changes go through
    ``core.actions.calendar_override_*`` only.
    """

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=16, choices=DayKind.choices)
    name = models.CharField("节日名称", max_length=32, blank=True, help_text="如：春节、国庆节")
    note = models.CharField("说明", max_length=200, blank=True)
    source = models.CharField("依据文件", max_length=200, blank=True,
                              help_text="如：国务院办公厅关于2027年部分节假日安排的通知")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = "节假日设置"
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DayKind.values), name="calendar_override_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}{(' ' + self.name) if self.name else ''}"
