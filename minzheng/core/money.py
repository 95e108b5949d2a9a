"""Money is integer fen (分). These helpers parse, display and spell amounts; none of them uses floats."""

from __future__ import annotations

import re
from decimal import Decimal

from minzheng.core.errors import ApplicationError

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_PLAIN_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_FULLWIDTH_AMOUNT = str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+")


def yuan_to_fen(value: str | int | Decimal) -> int:
    """Parse a yuan amount as typed by a person ("1234.5", "¥1,234.50") into fen, exactly.

    Only plain decimal notation is accepted; exponents, underscores, "NaN" and "Infinity" are not how
    anyone types money, so they are rejected rather than silently read. Trailing zeros beyond the
    fen ("1.230") are accepted because the amount is still exact to the fen.
    """
    if isinstance(value, bool):
        raise ApplicationError("money_invalid", f"金额「{value}」不是有效数字")
    if isinstance(value, int):
        return value * 100
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value).strip().translate(_FULLWIDTH_AMOUNT)
        for mark in (",", "，", "¥", "￥", " "):
            text = text.replace(mark, "")
        text = text.removesuffix("元")
        if not _PLAIN_DECIMAL.fullmatch(text):
            raise ApplicationError("money_invalid", f"金额「{value}」不是有效数字")
        amount = Decimal(text)
    if not amount.is_finite():
        raise ApplicationError("money_invalid", f"金额「{value}」不是有效数字")
    # Integer arithmetic on the decimal's parts: Decimal multiplication would round to 28 digits.
    sign, digits, exponent = amount.as_tuple()
    coefficient = int("".join(map(str, digits)) or "0")
    shift = int(exponent) + 2
    if shift >= 0:
        fen = coefficient * 10**shift
    else:
        fen, rest = divmod(coefficient, 10**-shift)
        if rest:
            raise ApplicationError("money_precision", f"金额「{value}」最多保留两位小数（精确到分）")
    return -fen if sign else fen


def fen_to_yuan_str(fen: int) -> str:
    """1234 → "12.34": plain, for forms and spreadsheets."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}.{cents:02d}"


def format_fen(fen: int | None) -> str:
    """123400 → "¥1,234.00" for pages."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def round_fen_to_yuan(fen: int) -> int:
    """Round an amount in fen to whole yuan, half up (policy amounts are paid in whole yuan).

    Half up as in 四舍五入: ¥1.50 → ¥2, and a negative amount rounds away from zero, -¥1.50 → -¥2.
    """
    fen = int(fen)
    yuan, rest = divmod(abs(fen), 100)
    if rest >= 50:
        yuan += 1
    return (-yuan if fen < 0 else yuan) * 100


def _four_digits_to_capital(group: int) -> str:
    """1..9999 → 壹仟零伍 and the like; zeros inside the group become one 零, trailing zeros nothing."""
    text = ""
    zero_pending = False
    for position in range(3, -1, -1):
        digit = group // (10**position) % 10
        if digit == 0:
            if text:
                zero_pending = True
            continue
        if zero_pending:
            text += "零"
            zero_pending = False
        text += _DIGITS[digit] + _SMALL_UNITS[position]
    return text


def _integer_to_capital(number: int) -> str:
    """A positive whole number in 大写 digits: 亿 splits first, then 万, so 10^12 is 壹万亿.

    A 零 joins the two halves when the lower half does not fill its leading place
    (壹拾万零壹拾, 壹亿零伍佰万), however many zeros it skips.
    """
    for unit, width in (("亿", 8), ("万", 4)):
        high, low = divmod(number, 10**width)
        if high:
            text = _integer_to_capital(high) + unit
            if low:
                if low < 10 ** (width - 1):
                    text += "零"
                text += _integer_to_capital(low)
            return text
    return _four_digits_to_capital(number)


def fen_to_capital(fen: int) -> str:
    """123405 → "壹仟贰佰叁拾肆元零伍分": the 大写 form required on official documents and cheques.

    Follows the 支付结算办法 convention: 整 after 元 when there are no 角/分, 零 for skipped places.
    """
    fen = int(fen)
    if fen < 0:
        return "负" + fen_to_capital(-fen)
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    if yuan >= 10**16:
        raise ApplicationError("money_too_large", "金额过大，无法转换为大写")

    text = (_integer_to_capital(yuan) + "元") if yuan else ""
    if not cents:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen_digit:
        text += _DIGITS[fen_digit] + "分"
    return text
