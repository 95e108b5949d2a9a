"""Reading, showing and checking a parameter's integer value according to its unit."""

from __future__ import annotations

import re

from minzheng.core.errors import ApplicationError
from minzheng.core.money import fen_to_yuan_str, format_fen, yuan_to_fen
from minzheng.policy.enums import Unit
from minzheng.policy.errors import PolicyErrorCode, policy_error

_INTEGER = re.compile(r"[0-9]+", re.ASCII)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_TRUE = {"1", "是", "true", "yes"}
_FALSE = {"0", "否", "false", "no"}

_SUFFIX = {
    Unit.PERMILLE: "‰",
    Unit.PERCENT: "%",
    Unit.DAYS: "天",
    Unit.MONTHS: "个月",
    Unit.WORKING_DAYS: "个工作日",
}

# What the input field asks for, by unit (money is typed in yuan and stored in fen).
INPUT_HINTS = {
    Unit.FEN: "以元为单位，最多两位小数，如 809 或 808.50",
    Unit.COUNT: "整数",
    Unit.PERMILLE: "千分比整数，如 1300 表示 1.3 倍",
    Unit.PERCENT: "百分比整数，如 50 表示 50%",
    Unit.DAYS: "天数（整数）",
    Unit.MONTHS: "月数（整数）",
    Unit.WORKING_DAYS: "工作日数（整数）",
    Unit.BOOL: "填 是 或 否",
}


def format_value(value: int | None, unit: str) -> str:
    """The value as pages show it: ¥809.00, 1300‰, 7天, 是."""
    if value is None:
        return ""
    if unit == Unit.FEN:
        return format_fen(value)
    if unit == Unit.BOOL:
        return "是" if value else "否"
    # No thousands separator: these are small figures, and "1,300‰" reads worse than "1300‰".
    return f"{value}{_SUFFIX.get(Unit(unit), '')}" if unit in Unit.values else str(value)


def input_text(value: int | None, unit: str) -> str:
    """The value as a form field shows it: money in yuan, the rest as the plain integer."""
    if value is None:
        return ""
    if unit == Unit.FEN:
        return fen_to_yuan_str(value)
    if unit == Unit.BOOL:
        return "是" if value else "否"
    return str(value)


def parse_value(text: str | int, unit: str) -> int:
    """What a person typed, as the stored integer: yuan to fen exactly, everything else a whole number."""
    raw = str(text).strip().translate(_FULLWIDTH_DIGITS)
    if unit == Unit.FEN:
        try:
            return yuan_to_fen(raw)
        except ApplicationError as error:
            raise policy_error(PolicyErrorCode.VALUE_INVALID, error.message, field="value") from error
    if unit == Unit.BOOL:
        lowered = raw.lower()
        if lowered in _TRUE:
            return 1
        if lowered in _FALSE:
            return 0
        raise policy_error(PolicyErrorCode.VALUE_INVALID, "请填「是」或「否」", field="value")
    if not _INTEGER.fullmatch(raw.replace(",", "")):
        raise policy_error(PolicyErrorCode.VALUE_INVALID, f"「{text}」不是整数", field="value")
    return int(raw.replace(",", ""))


def check_value(value: int, unit: str) -> int:
    """Refuse a value no parameter of that unit can take (negative amounts, a share above 100 %)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise policy_error(PolicyErrorCode.VALUE_INVALID, field="value")
    if value < 0:
        raise policy_error(PolicyErrorCode.VALUE_OUT_OF_RANGE, "参数值不能为负数", field="value")
    if unit == Unit.PERCENT and value > 100:
        raise policy_error(PolicyErrorCode.VALUE_OUT_OF_RANGE, "百分比不能超过100", field="value")
    if unit == Unit.BOOL and value not in (0, 1):
        raise policy_error(PolicyErrorCode.VALUE_OUT_OF_RANGE, "是/否类参数只能取0或1", field="value")
    return value
