"""Money is integer fen (分). These helpers parse, display and spell amounts; none of them uses floats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from minzheng.core.errors import ApplicationError

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿", "万亿"]


def yuan_to_fen(value: str | int | Decimal) -> int:
    """Parse a yuan amount as typed by a person ("1234.5", "¥1,234.50") into fen, exactly."""
    if isinstance(value, int):
        return value * 100
    text = str(value).strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    text = text.removesuffix("元")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ApplicationError("money_invalid", f"金额「{value}」不是有效数字") from exc
    if not amount.is_finite():
        raise ApplicationError("money_invalid", f"金额「{value}」不是有效数字")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ApplicationError("money_precision", f"金额「{value}」最多保留两位小数（精确到分）")
    return int((amount * 100).to_integral_value())


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
    """Round an amount in fen to whole yuan, half up (policy amounts are paid in whole yuan)."""
    return int((Decimal(fen) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 100


def _four_digits_to_capital(group: int) -> str:
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

    text = ""
    groups = []
    rest = yuan
    while rest:
        groups.append(rest % 10000)
        rest //= 10000
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(text)
            continue
        if text and (need_zero or group < 1000):
            text += "零"
        text += _four_digits_to_capital(group) + _BIG_UNITS[index]
        need_zero = False

    if not text:
        if not cents:
            return "零元整"
    else:
        text += "元"

    if not cents:
        return text + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen_digit:
        text += _DIGITS[fen_digit] + "分"
    return text
