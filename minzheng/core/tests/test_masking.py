"""Masked display: ID numbers, phones, names and bank accounts as pages and public lists show them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.core.masking import mask_bank_account, mask_id_number, mask_name, mask_phone

pbt = settings(database=None, max_examples=200)


# --- ID numbers -------------------------------------------------------------------------------------

def test_id_number_keeps_first_six_and_last_four():
    """Given 11010519491231002X, when masked, then 110105********002X."""
    assert mask_id_number("11010519491231002X") == "110105********002X"


def test_legacy_id_number_keeps_first_six_and_last_four():
    """Given a 15-digit number, when masked, then six kept, five hidden, four kept."""
    assert mask_id_number("110105491231002") == "110105*****1002"


@pytest.mark.parametrize("value", [None, ""])
def test_missing_id_number_is_empty(value):
    """Given no ID number, when masked, then the empty string."""
    assert mask_id_number(value) == ""


@pytest.mark.parametrize("value", ["1101051949", "11010519491", "11010519491231"])
def test_short_id_text_is_fully_hidden(value):
    """Given text shorter than any ID number (10 to 14 characters), when masked, then every character hidden."""
    assert mask_id_number(value) == "*" * len(value)


def test_id_number_whitespace_is_dropped_before_masking():
    """Given an ID number with surrounding spaces, when masked, then the same as without them."""
    assert mask_id_number(" 11010519491231002X ") == "110105********002X"


@settings(database=None)
@given(st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True))
def test_id_mask_hides_the_birth_date(number):
    """Given any 18-character number, when masked, then positions 7-14 (the birth date) are all stars."""
    assert mask_id_number(number)[6:14] == "********"


# --- phones -----------------------------------------------------------------------------------------

def test_mobile_phone():
    """Given 13812345678, when masked, then 138****5678."""
    assert mask_phone("13812345678") == "138****5678"


def test_phone_with_area_code():
    """Given 010-62345678 (12 characters), when masked, then the prefix and the last four stay."""
    assert mask_phone("010-62345678") == "010*****5678"


def test_eight_digit_landline_keeps_last_four_only():
    """Given the local number 62345678, when masked, then ****5678 (first three would reveal too much)."""
    assert mask_phone("62345678") == "****5678"


def test_seven_digit_number_is_fully_hidden():
    """Given a 7-digit number (first three plus last four would be all of it), when masked, then all stars."""
    assert mask_phone("6234567") == "*******"


def test_phone_surrounding_spaces_are_dropped():
    """Given a mobile number with surrounding spaces, when masked, then as without them."""
    assert mask_phone(" 13812345678 ") == "138****5678"


@pytest.mark.parametrize("value", [None, ""])
def test_missing_phone_is_empty(value):
    """Given no phone, when masked, then the empty string."""
    assert mask_phone(value) == ""


@pbt
@given(st.text(alphabet="0123456789-+ ", min_size=1, max_size=20).map(str.strip).filter(bool))
def test_phone_mask_always_hides_at_least_four(phone):
    """Given any phone text, when masked, then the same length with at least four characters hidden."""
    masked = mask_phone(phone)
    assert len(masked) == len(phone) and masked.count("*") >= min(4, len(phone))


# --- names ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    ("张三丰", "张*丰"),
    ("张三", "张*"),
    ("欧阳修", "欧*修"),
    ("欧阳修文", "欧**文"),
    ("阿依古丽·买买提", "阿******提"),
])
def test_name_keeps_first_and_last_character(name, expected):
    """Given a name of two or more characters, when masked, then the first (and from three, the last) stay."""
    assert mask_name(name) == expected


def test_one_character_name_is_fully_hidden():
    """Given a one-character name, when masked, then a single star (showing it would show the whole name)."""
    assert mask_name("单") == "*"


def test_name_surrounding_spaces_are_dropped():
    """Given a name with surrounding spaces (a spreadsheet cell), when masked, then as without them."""
    assert mask_name(" 张三 ") == "张*"


@pytest.mark.parametrize("value", [None, ""])
def test_missing_name_is_empty(value):
    """Given no name, when masked, then the empty string."""
    assert mask_name(value) == ""


@pbt
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=2, max_size=8))
def test_name_mask_never_shows_the_whole_name(name):
    """Given any Chinese name of two or more characters, when masked, then it differs from the name."""
    masked = mask_name(name)
    assert masked != name and len(masked) == len(name) and masked[0] == name[0]


# --- bank accounts ----------------------------------------------------------------------------------

def test_bank_account_keeps_last_four():
    """Given a 19-digit card number, when masked, then fifteen stars and the last four."""
    assert mask_bank_account("6222021234567890123") == "*" * 15 + "0123"


def test_bank_account_spaces_are_dropped():
    """Given a card number written in groups of four, when masked, then the same as without spaces."""
    assert mask_bank_account("6222 0212 3456 7890 123") == "*" * 15 + "0123"


def test_short_bank_account_is_fully_hidden():
    """Given an account of four characters (the kept tail would be all of it), when masked, then all stars."""
    assert mask_bank_account("1234") == "****"


@pytest.mark.parametrize("value", [None, ""])
def test_missing_bank_account_is_empty(value):
    """Given no account, when masked, then the empty string."""
    assert mask_bank_account(value) == ""
