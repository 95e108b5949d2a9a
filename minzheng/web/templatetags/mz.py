"""Template filters for the house formats: dates as 2025年7月1日, money as ¥1,234.00, masked IDs."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from minzheng.areas.selectors import area_name, area_path
from minzheng.audit.display import masked_changes, masked_text
from minzheng.core.masking import mask_id_number, mask_phone
from minzheng.core.money import fen_to_capital, format_fen

register = template.Library()


@register.filter
def cn_date(value) -> str:
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def fen(value) -> str:
    return format_fen(value)


@register.filter
def fen_capital(value) -> str:
    return fen_to_capital(value) if value is not None else ""


@register.filter
def mask_id(value) -> str:
    return mask_id_number(value)


@register.filter(name="mask_phone")
def mask_phone_filter(value) -> str:
    return mask_phone(value)


@register.filter(name="masked_changes")
def masked_changes_filter(values):
    return masked_changes(values)


@register.filter(name="masked_text")
def masked_text_filter(text) -> str:
    return masked_text(text)


@register.filter(name="area_name")
def area_name_filter(code) -> str:
    return area_name(code)


@register.filter(name="area_path")
def area_path_filter(code) -> str:
    return area_path(code)


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs) -> str:
    """The current query string with some parameters replaced (pagination, export links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
