"""Masked display of sensitive values: what pages, exports and public lists show by default."""

from __future__ import annotations


def mask_id_number(number: str | None) -> str:
    """110105199001010021 → 110105********0021 (first six and last four kept)."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """13812345678 → 138****5678."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(name: str | None) -> str:
    """张三丰 → 张*丰, 张三 → 张*: the form used on public lists."""
    if not name:
        return ""
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_bank_account(account: str | None) -> str:
    if not account:
        return ""
    return "*" * max(len(account) - 4, 0) + account[-4:]
