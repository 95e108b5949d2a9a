"""Masked display of sensitive values: what pages, exports and public lists show by default.

Every function keeps a few characters that let staff tell records apart and hides the rest. A value
too short for its rule is hidden completely: keeping the usual ends of a short value would show most
or all of it.
"""

from __future__ import annotations

import re

_WHITESPACE = re.compile(r"\s+")


def _compact(value: str) -> str:
    return _WHITESPACE.sub("", value)


def mask_id_number(number: str | None) -> str:
    """11010519491231002X → 110105********002X (first six and last four kept).

    The six kept at the front are the area of issue, the four at the end the sequence and check
    character; the birth date in between is hidden. Anything shorter than a 15-digit number is hidden.
    """
    if not number:
        return ""
    number = _compact(number)
    if len(number) < 15:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """13812345678 → 138****5678; an 8-digit landline 62345678 → ****5678; shorter → all hidden."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) >= 8:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "*" * len(digits)


def mask_name(name: str | None) -> str:
    """张三丰 → 张*丰, 张三 → 张*, 欧阳修文 → 欧**文, 单 → *: the form used on public lists.

    The first and (from three characters) the last character stay. A one-character name is hidden
    entirely, since showing it would show the whole name.
    """
    if not name:
        return ""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_bank_account(account: str | None) -> str:
    """6222021234567890123 → ***************0123: only the last four kept, spaces dropped.

    An account shorter than eight characters is hidden entirely.
    """
    if not account:
        return ""
    account = _compact(account)
    if len(account) < 8:
        return "*" * len(account)
    return "*" * (len(account) - 4) + account[-4:]


def mask_value(name: str, value: str | None) -> str:
    """Mask a sensitive value by what it is (the field's name): ID numbers, phones, bank accounts."""
    if not value:
        return ""
    if name.endswith("id_number"):
        return mask_id_number(value)
    if name.endswith("phone"):
        return mask_phone(value)
    if "account" in name:
        return mask_bank_account(value)
    return "*" * len(value)
