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


@register.filter(name="action_label")
def action_label_filter(action) -> str:
    from minzheng.audit.display import action_label

    return action_label(action or "")


@register.filter(name="object_type_label")
def object_type_label_filter(object_type) -> str:
    from minzheng.audit.display import object_type_label

    return object_type_label(object_type or "")


@register.filter(name="readable_changes")
def readable_changes_filter(values, object_type) -> list:
    from minzheng.audit.display import readable_changes

    return readable_changes(values, object_type or "")


@register.filter(name="field_list")
def field_list_filter(fields) -> str:
    from minzheng.audit.display import field_list_label

    return field_list_label(fields)


@register.filter
def num(value) -> str:
    """12345 → "12,345" (Django's intcomma does nothing under zh-hans)."""
    if value is None or value == "":
        return ""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def with_invalid(field):
    """Render a form field's widget with Bootstrap's is-invalid class when it has errors."""
    if not field.errors:
        return field
    classes = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{classes} is-invalid".strip()})


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
