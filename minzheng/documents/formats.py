"""The house formats as printed on documents: dates as 2025年7月1日, money as ¥1,234.00 and in 大写."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from minzheng.core.money import fen_to_capital, format_fen


def cn_date(value: dt.date | None) -> str:
    """2025-07-01 → 2025年7月1日; a datetime is shown in local time with hours and minutes."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


def money(fen: int | None) -> str:
    """123400 → ¥1,234.00."""
    return format_fen(fen)


def money_with_capital(fen: int | None) -> str:
    """123400 → ¥1,234.00（大写：壹仟贰佰叁拾肆元整）, the form official documents require."""
    if fen is None:
        return ""
    return f"{format_fen(fen)}（大写：{fen_to_capital(fen)}）"
