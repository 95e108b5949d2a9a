"""The 12-digit statistical division code: 6 county + 3 town + 3 village digits."""

from __future__ import annotations

from minzheng.areas.enums import PREFIX_LENGTH, AreaLevel
from minzheng.core.errors import ApplicationError


def normalize_code(raw: str) -> str:
    """Pad a 6- or 9-digit code to 12 digits ("340471" → "340471000000")."""
    text = (raw or "").strip()
    if not text.isdigit() or len(text) not in (6, 9, 12):
        raise ApplicationError("area_code_invalid", f"区划代码「{raw}」应为6、9或12位数字", field="code")
    return text.ljust(12, "0")


def level_of(code: str) -> AreaLevel:
    code = normalize_code(code)
    if code[9:] != "000":
        return AreaLevel.VILLAGE
    if code[6:9] != "000":
        return AreaLevel.TOWN
    return AreaLevel.DISTRICT


def prefix_of(code: str) -> str:
    """The leading digits shared by an area and everything under it."""
    code = normalize_code(code)
    return code[: PREFIX_LENGTH[level_of(code)]]


def parent_code(code: str) -> str | None:
    level = level_of(code)
    code = normalize_code(code)
    if level == AreaLevel.VILLAGE:
        return code[:9] + "000"
    if level == AreaLevel.TOWN:
        return code[:6] + "000000"
    return None


def short_code(code: str) -> str:
    """The code without trailing zero groups, as staff write it ("340471100")."""
    return prefix_of(code)
