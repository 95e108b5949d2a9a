from __future__ import annotations

from django.db import models

from minzheng.areas.enums import AreaKind, AreaLevel
from minzheng.core.models import TimeStampedModel


class Area(TimeStampedModel):
    """An administrative area. The code is the key, so other tables hold the code itself and can be
    scoped with a prefix match without a join."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=AreaLevel.choices)
    kind = models.CharField("类型", max_length=16, choices=AreaKind.choices)
    parent = models.ForeignKey("self", verbose_name="上级区划", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    prefix = models.CharField("代码前缀", max_length=12, db_index=True, editable=False)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"
        constraints = [
            models.CheckConstraint(condition=models.Q(level__in=AreaLevel.values), name="area_level_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        names = []
        node: Area | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    def contains(self, code: str | None) -> bool:
        return bool(code) and code.startswith(self.prefix)
