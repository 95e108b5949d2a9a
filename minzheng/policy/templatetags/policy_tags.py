"""Template filters of the policy pages."""

from __future__ import annotations

from django import template

from minzheng.areas.codes import normalize_code
from minzheng.areas.enums import AreaLevel
from minzheng.areas.selectors import area_path
from minzheng.core.errors import ApplicationError

register = template.Library()


@register.filter
def prefix_area(prefix: str | None) -> str:
    """A stored area prefix as a name: "" → 全部区划, "340471100" → 毛集实验区·毛集镇."""
    if not prefix:
        return "全部区划"
    try:
        return area_path(normalize_code(prefix), from_level=AreaLevel.DISTRICT)
    except ApplicationError:
        return prefix


_STATUS_CLASSES = {
    "draft": "text-bg-light border",
    "proposed": "text-bg-warning",
    "approved": "text-bg-success",
    "superseded": "text-bg-secondary",
    "rejected": "text-bg-danger",
}


@register.filter
def status_class(status: str) -> str:
    return _STATUS_CLASSES.get(str(status), "text-bg-light border")
