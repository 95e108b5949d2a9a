"""Money helpers: 大写 amounts, display, parsing typed amounts and rounding to whole yuan.

The 大写 table follows 《支付结算办法》 (附件一 正确填写票据和结算凭证的基本规定): 整 after 元 when there are
no 角 or 分; a 零 wherever digits in the middle are 0 (one 零 for a run of zeros); no 整 after 分.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.core.errors import ApplicationError
from minzheng.core.money import fen_to_capital, fen_to_yuan_str, format_fen, round_fen_to_yuan, yuan_to_fen

pbt = settings(database=None, max_examples=300)
MAX_FEN = 10**18 - 1  # 9999万亿 yuan and 99 fen, the largest amount spelled

CAPITAL_CASES = [
    (0, "零元整"),
    (1, "壹分"),
    (10, "壹角"),
    (11, "壹角壹分"),
    (100, "壹元整"),
    (105, "壹元零伍分"),
    (150, "壹元伍角"),
    (1000, "壹拾元整"),
    (1005, "壹拾元零伍分"),
    (10100, "壹佰零壹元整"),
    (100100, "壹仟零壹元整"),
    (123405, "壹仟贰佰叁拾肆元零伍分"),
    (168032, "壹仟陆佰捌拾元叁角贰分"),
    (1000000, "壹万元整"),
    (1000550, "壹万零伍元伍角"),
    (10000000, "壹拾万元整"),
    (10001000, "壹拾万零壹拾元整"),
    (10100000, "壹拾万壹仟元整"),
    (100000000, "壹佰万元整"),
    (2000000000, "贰仟万元整"),
    (10000000000, "壹亿元整"),
    (10100000000, "壹亿零壹佰万元整"),
    (100000000100, "壹拾亿零壹元整"),
    (100000000000000, "壹万亿元整"),
    (123450000000000, "壹万贰仟叁佰肆拾伍亿元整"),
    (100010000000000, "壹万零壹亿元整"),
    (100000000000001, "壹万亿元零壹分"),
]


@pytest.mark.parametrize(("fen", "expected"), CAPITAL_CASES)
def test_fen_to_capital_table(fen, expected):
    """Given an amount checked by hand against the convention, when spelled, then it reads as expected."""
    assert fen_to_capital(fen) == expected


def test_negative_amount_is_prefixed_with_fu():
    """Given -¥1,234.05, when spelled, then 负 precedes the spelling of the positive amount."""
    assert fen_to_capital(-123405) == "负壹仟贰佰叁拾肆元零伍分"


def test_negative_cents_only():
    """Given -¥0.50, when spelled, then 负伍角."""
    assert fen_to_capital(-50) == "负伍角"


def test_largest_amount_is_spelled():
    """Given 9999万亿 yuan and 99 fen, when spelled, then every place is written."""
    assert fen_to_capital(MAX_FEN) == "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"


def test_too_large_amount_is_refused():
    """Given 10^16 yuan (one 亿亿), when spelled, then money_too_large."""
    with pytest.raises(ApplicationError) as caught:
        fen_to_capital(MAX_FEN + 1)
    assert caught.value.code == "money_too_large"


_CAPITAL_DIGITS = {ch: value for value, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def read_capital(text: str) -> int:
    """An independent reader of 大写 amounts, back to fen, for the round-trip property."""
    sign = -1 if text.startswith("负") else 1
    text = text.removeprefix("负").removesuffix("整")
    yuan_part, _, cents_part = text.rpartition("元") if "元" in text else ("", "", text)
    total = section = digit = 0
    for ch in yuan_part:
        if ch in _CAPITAL_DIGITS:
            digit = _CAPITAL_DIGITS[ch]
        elif ch in _SMALL:
            section += digit * _SMALL[ch]
            digit = 0
        elif ch == "万":
            section = (section + digit) * 10**4
            digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 10**8
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {text!r}")
    yuan = total + section + digit
    cents = 0
    for ch, unit in itertools.pairwise(cents_part):
        if ch in _CAPITAL_DIGITS and unit in "角分":
            cents += _CAPITAL_DIGITS[ch] * (10 if unit == "角" else 1)
    return sign * (yuan * 100 + cents)


@pbt
@given(st.integers(min_value=-MAX_FEN, max_value=MAX_FEN))
def test_capital_reads_back_to_the_amount(fen):
    """Given any amount in range, when spelled and read back independently, then the same amount."""
    assert read_capital(fen_to_capital(fen)) == fen


@pbt
@given(st.integers(min_value=1, max_value=MAX_FEN))
def test_capital_never_doubles_or_dangles_zero(fen):
    """Given any positive amount, when spelled, then no 零零, no 零 before a unit, and no leading 零."""
    text = fen_to_capital(fen)
    assert not any(bad in text for bad in ("零零", "零万", "零亿", "零元", "零角", "零整")) and text[0] != "零"


@pbt
@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_zheng_exactly_when_there_are_no_cents(fen):
    """Given any amount, when spelled, then it ends in 整 exactly when the amount is whole yuan."""
    assert fen_to_capital(fen).endswith("整") == (fen % 100 == 0)


# --- display ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fen", "expected"), [
    (123400, "¥1,234.00"),
    (0, "¥0.00"),
    (5, "¥0.05"),
    (100000000, "¥1,000,000.00"),
    (-123456, "-¥1,234.56"),
    (-5, "-¥0.05"),
])
def test_format_fen(fen, expected):
    """Given an amount in fen, when formatted for a page, then yuan with thousands separators and two places."""
    assert format_fen(fen) == expected


def test_format_fen_of_none_is_empty():
    """Given no amount, when formatted, then the empty string (a blank cell, not ¥0.00)."""
    assert format_fen(None) == ""


@pytest.mark.parametrize(("fen", "expected"), [(1234, "12.34"), (5, "0.05"), (-1234, "-12.34"), (0, "0.00")])
def test_fen_to_yuan_str(fen, expected):
    """Given an amount in fen, when written plainly for a form or a sheet, then yuan with two places."""
    assert fen_to_yuan_str(fen) == expected


# --- parsing ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "fen"), [
    ("1234", 123400),
    ("1234.5", 123450),
    ("1234.50", 123450),
    ("¥1,234.5", 123450),
    ("￥1，234.56元", 123456),
    (" 0.01 ", 1),
    (".5", 50),
    ("-12.30", -1230),
    ("1.230", 123),
    ("１２３．４５", 12345),
    ("-¥1,234.56", -123456),
])
def test_yuan_to_fen_parses_typed_amounts(typed, fen):
    """Given an amount as a person types it, when parsed, then the exact amount in fen."""
    assert yuan_to_fen(typed) == fen


def test_yuan_to_fen_of_an_integer_is_whole_yuan():
    """Given the integer 12 (yuan), when parsed, then 1200 fen."""
    assert yuan_to_fen(12) == 1200


def test_yuan_to_fen_of_a_decimal():
    """Given Decimal('0.07'), when parsed, then 7 fen, with no float in between."""
    assert yuan_to_fen(Decimal("0.07")) == 7


def test_yuan_to_fen_is_exact_beyond_28_digits():
    """Given an amount with 30 significant digits (beyond Decimal's default precision), then it is exact."""
    assert yuan_to_fen("1234567890123456789012345678.91") == 123456789012345678901234567891


@pytest.mark.parametrize("typed", ["1.234", "0.001", "1.2301", Decimal("0.005")])
def test_yuan_to_fen_rejects_fractions_of_a_fen(typed):
    """Given an amount with a non-zero third decimal, when parsed, then money_precision in Chinese."""
    with pytest.raises(ApplicationError) as caught:
        yuan_to_fen(typed)
    assert caught.value.code == "money_precision" and "两位小数" in caught.value.message


@pytest.mark.parametrize("typed", ["abc", "", "1,2a", "NaN", "Infinity", "1e3", "1_000", "--1", "1.2.3",
                                   "壹佰元", True, Decimal("NaN")])
def test_yuan_to_fen_rejects_non_numbers(typed):
    """Given text that is not a plain decimal amount, when parsed, then money_invalid naming the input."""
    with pytest.raises(ApplicationError) as caught:
        yuan_to_fen(typed)
    assert caught.value.code == "money_invalid" and caught.value.message == f"金额「{typed}」不是有效数字"


@pbt
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_formatted_amounts_parse_back(fen):
    """Given any amount, when formatted for a page and typed back in, then the same amount."""
    assert yuan_to_fen(format_fen(fen)) == fen


@pbt
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_plain_amounts_parse_back(fen):
    """Given any amount, when written plainly and parsed, then the same amount."""
    assert yuan_to_fen(fen_to_yuan_str(fen)) == fen


# --- rounding ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fen", "expected"), [
    (149, 100), (150, 200), (151, 200), (250, 300), (49, 0), (50, 100), (0, 0), (100, 100),
    (-149, -100), (-150, -200), (-250, -300),
])
def test_round_fen_to_yuan_half_up(fen, expected):
    """Given an amount, when rounded to whole yuan, then half a yuan rounds away from zero (not to even)."""
    assert round_fen_to_yuan(fen) == expected


def test_round_fen_to_yuan_is_exact_for_huge_amounts():
    """Given an amount with 31 digits, when rounded, then integer-exact (no 28-digit Decimal rounding)."""
    assert round_fen_to_yuan(10**30 + 49) == 10**30


@pbt
@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_rounding_lands_on_whole_yuan_within_half(fen):
    """Given any amount, when rounded, then the result is whole yuan and at most 50 fen away."""
    rounded = round_fen_to_yuan(fen)
    assert rounded % 100 == 0 and abs(rounded - fen) <= 50
