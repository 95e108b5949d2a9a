"""Resident ID numbers (GB 11643-1999): checksum, decoding, legacy upgrade, errors and normalization.

Check characters are computed here independently of the module, from the published rule: weight
W_i = 2^(i-1) mod 11 for position i counted from the right (the check character is position 1),
check = (12 - sum mod 11) mod 11, with 10 written as X.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from minzheng.core.identifiers import (
    ID_MESSAGES,
    PROVINCE_PREFIXES,
    IdErrorCode,
    IdNumberError,
    id_check_char,
    is_valid_id_number,
    make_id_number,
    normalize_id_text,
    parse_id_number,
    upgrade_15_to_18,
)

PUBLISHED_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SAMPLE = "11010519491231002X"
FIXED_TODAY = dt.date(2025, 7, 1)

pbt = settings(database=None, max_examples=200)


def reference_check_char(body17: str) -> str:
    weights = [pow(2, 17 - index, 11) for index in range(17)]
    total = sum(int(digit) * weight for digit, weight in zip(body17, weights, strict=True))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def valid(body17: str) -> str:
    return body17 + reference_check_char(body17)


def error_code(raw, **kwargs) -> str:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(raw, **kwargs)
    return caught.value.code


areas = st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(sorted(PROVINCE_PREFIXES)),
                  st.from_regex(r"[0-9]{4}", fullmatch=True))
births = st.dates(min_value=dt.date(1880, 1, 1), max_value=FIXED_TODAY)


# --- the check character --------------------------------------------------------------------------

def test_reference_weights_are_the_published_table():
    """Given the rule 2^(i-1) mod 11, when the weights are derived, then they equal the published table."""
    assert tuple(pow(2, 17 - index, 11) for index in range(17)) == PUBLISHED_WEIGHTS


def test_check_char_of_the_well_known_sample_is_x():
    """Given the body 11010519491231002, when its check character is computed, then it is X."""
    assert id_check_char("11010519491231002") == "X"


@pbt
@given(st.from_regex(r"[0-9]{17}", fullmatch=True))
def test_check_char_agrees_with_the_published_algorithm(body):
    """Given any 17-digit body, when the module computes the check character, then it matches the reference."""
    assert id_check_char(body) == reference_check_char(body)


@pytest.mark.parametrize("body", ["44030119800101001", "32010619931231123", "51010819671010987",
                                  "65010220000229456", "81000019991111000"])
def test_numbers_with_independently_computed_check_chars_are_valid(body):
    """Given a well-formed body and its reference check character, when parsed, then the number is valid."""
    assert parse_id_number(valid(body), today=FIXED_TODAY).number == valid(body)


# --- decoding -------------------------------------------------------------------------------------

def test_sample_number_is_valid():
    """Given the published sample 11010519491231002X, when parsed, then it comes back unchanged."""
    assert parse_id_number(SAMPLE).number == SAMPLE


def test_sample_number_is_female():
    """Given the sample (sequence digit 2, even), when parsed, then the sex is F."""
    assert parse_id_number(SAMPLE).sex == "F"


def test_sample_number_birth_date():
    """Given the sample, when parsed, then the birth date is 1949-12-31."""
    assert parse_id_number(SAMPLE).birth_date == dt.date(1949, 12, 31)


def test_sample_number_area():
    """Given the sample, when parsed, then the area code is 110105 and there are no warnings."""
    info = parse_id_number(SAMPLE)
    assert (info.area_code, info.warnings) == ("110105", ())


def test_odd_sequence_digit_means_male():
    """Given a valid number whose 17th digit is odd, when parsed, then the sex is M."""
    assert parse_id_number(valid("11010519491231001")).sex == "M"


def test_as_dict_reports_the_decoded_fields():
    """Given the sample, when rendered as a dict (the API shape), then it carries ISO dates and the fields."""
    assert parse_id_number(SAMPLE).as_dict() == {
        "valid": True, "number": SAMPLE, "birth_date": "1949-12-31", "sex": "F", "area_code": "110105",
        "upgraded_from": None, "warnings": [],
    }


def test_is_valid_id_number_true_for_valid():
    """Given a valid number, when checked with is_valid_id_number, then the answer is True."""
    assert is_valid_id_number(SAMPLE) is True


def test_is_valid_id_number_false_for_invalid():
    """Given a number with a wrong check character, when checked, then the answer is False, not an error."""
    assert is_valid_id_number("110105194912310021") is False


# --- 15-digit legacy numbers ----------------------------------------------------------------------

def test_legacy_number_is_upgraded_to_18_digits():
    """Given the 15-digit 110105491231002, when parsed, then it becomes the sample number by the algorithm."""
    info = parse_id_number("110105491231002")
    assert info.number == valid("11010519491231002") == SAMPLE


def test_legacy_number_remembers_the_original():
    """Given a 15-digit number, when parsed, then upgraded_from holds the number as typed."""
    assert parse_id_number("110105491231002").upgraded_from == "110105491231002"


def test_legacy_number_sex_from_its_last_digit():
    """Given a 15-digit number ending in an odd digit, when parsed, then the sex is M."""
    assert parse_id_number("110105491231003").sex == "M"


def test_upgrade_inserts_the_century_and_check_char():
    """Given a 15-digit number, when upgraded, then 19 is inserted before the year and the check appended."""
    assert upgrade_15_to_18("440301800101001") == valid("44030119800101001")


def test_legacy_number_with_impossible_date():
    """Given a 15-digit number born on 19490230, when parsed, then the error is id_impossible_date."""
    assert error_code("110105490230002") == IdErrorCode.IMPOSSIBLE_DATE


def test_legacy_number_with_a_letter():
    """Given a 15-character number ending in X (legacy numbers are all digits), then id_bad_characters."""
    assert error_code("11010549123100X") == IdErrorCode.BAD_CHARACTERS


# --- error codes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["", None, "   ", "\u3000"])
def test_empty_input(raw):
    """Given nothing or only whitespace, when parsed, then the error is id_empty."""
    assert error_code(raw) == IdErrorCode.EMPTY


@pytest.mark.parametrize("raw", [SAMPLE[:17], SAMPLE + "1", "1101051949", "1101054912310021"])
def test_wrong_length(raw):
    """Given 17, 19, 10 or 16 characters, when parsed, then the error is id_bad_length."""
    assert error_code(raw) == IdErrorCode.BAD_LENGTH


@pytest.mark.parametrize("raw", [
    "11010519491231A02X",  # a letter in the body
    "1101051949123100X2",  # X not at the end
    "X10105194912310021",  # X at the start
    "11010519491231002Y",  # a letter other than X as check
    "110105-9491231002X",  # punctuation
])
def test_bad_characters(raw):
    """Given 18 characters with a letter or symbol anywhere but an X at the end, then id_bad_characters."""
    assert error_code(raw) == IdErrorCode.BAD_CHARACTERS


def test_non_ascii_decimal_digits_are_rejected():
    """Given the sample written in Devanagari digits (str.isdigit() accepts them), then id_bad_characters."""
    devanagari = "".join(chr(0x966 + int(ch)) if ch.isdigit() else ch for ch in SAMPLE)
    assert error_code(devanagari) == IdErrorCode.BAD_CHARACTERS


def test_superscript_digit_is_rejected_with_a_code():
    """Given a superscript ² in the body (isdigit() but not int()-able), then id_bad_characters, no crash."""
    assert error_code("1101051949123100²X") == IdErrorCode.BAD_CHARACTERS


def test_bad_checksum():
    """Given the sample with its last character changed to 1, when parsed, then id_bad_checksum."""
    assert error_code("110105194912310021") == IdErrorCode.BAD_CHECKSUM


@pytest.mark.parametrize("body", [
    "11010519490230002",  # 30 February
    "11010519491301002",  # month 13
    "11010519490001002",  # month 0
    "11010519491200002",  # day 0
    "11010519490431002",  # 31 April
    "11010518791231002",  # before 1880
    "11010519000229002",  # 1900 is not a leap year
])
def test_impossible_birth_dates(body):
    """Given a correct check character but an impossible or implausible birth date, then id_impossible_date."""
    assert error_code(valid(body)) == IdErrorCode.IMPOSSIBLE_DATE


def test_leap_day_of_2000_is_valid():
    """Given a birth date of 2000-02-29 (2000 is a leap year), when parsed, then it is valid."""
    assert parse_id_number(valid("11010520000229002")).birth_date == dt.date(2000, 2, 29)


def test_earliest_accepted_birth_date_is_1880_01_01():
    """Given a birth date of 1880-01-01, when parsed, then it is still valid."""
    assert parse_id_number(valid("11010518800101002")).birth_date == dt.date(1880, 1, 1)


def test_birth_date_tomorrow_is_impossible():
    """Given a birth date after the current date, when parsed, then id_impossible_date."""
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert error_code(valid(f"110105{tomorrow:%Y%m%d}002")) == IdErrorCode.IMPOSSIBLE_DATE


def test_birth_date_today_is_valid():
    """Given a birth date equal to today (a newborn registered today), when parsed, then it is valid."""
    today = dt.date.today()
    assert parse_id_number(valid(f"110105{today:%Y%m%d}002")).birth_date == today


def test_birth_after_the_given_today_is_impossible():
    """Given today=2000-01-01 and a birth on 2000-01-02, when parsed, then id_impossible_date."""
    assert error_code(valid("11010520000102002"), today=dt.date(2000, 1, 1)) == IdErrorCode.IMPOSSIBLE_DATE


def test_given_today_later_than_the_clock_is_honoured():
    """Given today one year ahead and a birth date tomorrow, when parsed, then it is valid as of that day."""
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    later = dt.date.today() + dt.timedelta(days=366)
    assert parse_id_number(valid(f"110105{tomorrow:%Y%m%d}002"), today=later).birth_date == tomorrow


def test_error_carries_row_and_field():
    """Given an error built for an import row and field, when shown, then the row and field lead the message."""
    error = IdNumberError(IdErrorCode.BAD_CHECKSUM, field="身份证号码", row=7)
    assert str(error) == "第7行「身份证号码」身份证号码校验位错误，请核对是否录入有误"


@pytest.mark.parametrize("code", list(IdErrorCode))
def test_every_code_has_a_chinese_message(code):
    """Given any ID error code, when its message is looked up, then a Chinese sentence exists."""
    assert any("\u4e00" <= ch <= "\u9fff" for ch in ID_MESSAGES[code])


@pytest.mark.parametrize("code", [c for c in IdErrorCode if c != IdErrorCode.UNKNOWN_AREA])
def test_error_message_is_the_catalogue_message(code):
    """Given an IdNumberError for a code, then its message and code are those of the catalogue."""
    error = IdNumberError(code)
    assert (error.code, error.message) == (str(code), ID_MESSAGES[code])


# --- unknown areas ----------------------------------------------------------------------------------

def test_unknown_province_is_valid_with_a_warning():
    """Given a correct number with prefix 99 (no such province), when parsed, then it is valid but warned."""
    info = parse_id_number(valid("99010519491231002"))
    assert info.warnings == (IdErrorCode.UNKNOWN_AREA,)


def test_residence_permit_prefix_is_known():
    """Given a number with prefix 81 (Hong Kong residents' residence permit), then no area warning."""
    assert parse_id_number(valid("81000019800101002")).warnings == ()


# --- normalization ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    "11010519491231002x",
    "  11010519491231002X\t",
    "\u300011010519491231002X\u3000",
    "１１０１０５１９４９１２３１００２Ｘ",
    "１１０１０５１９４９１２３１００２ｘ",
    "110105 19491231 002X",
])
def test_typing_variants_are_normalized(raw):
    """Given lower-case x, surrounding or inner spaces, or full-width characters, then the canonical number."""
    assert parse_id_number(raw).number == SAMPLE


def test_normalize_maps_full_width_letters():
    """Given full-width Latin letters (as a USCC typed in full-width mode), then ASCII upper case."""
    assert normalize_id_text("９１ａｂ") == "91AB"


# --- properties -----------------------------------------------------------------------------------

@pbt
@given(area=areas, birth=births, sequence=st.integers(min_value=0, max_value=10**6), male=st.booleans())
def test_make_id_number_is_valid_with_the_requested_sex(area, birth, sequence, male):
    """Given any area, birth date, sequence and sex, when a number is made, then it parses back to them."""
    info = parse_id_number(make_id_number(area, birth, sequence, male=male), today=FIXED_TODAY)
    assert (info.area_code, info.birth_date, info.sex, info.warnings) == (area, birth, "M" if male else "F", ())


@pbt
@given(area=areas, birth=births, sequence=st.integers(0, 999), male=st.booleans(),
       position=st.integers(0, 16), delta=st.integers(1, 9))
def test_any_single_digit_error_is_detected(area, birth, sequence, male, position, delta):
    """Given a valid number with one body digit changed, when parsed, then it is rejected (mod 11 is exact)."""
    number = make_id_number(area, birth, sequence, male=male)
    changed = str((int(number[position]) + delta) % 10)
    with pytest.raises(IdNumberError):
        parse_id_number(number[:position] + changed + number[position + 1:], today=FIXED_TODAY)


@pbt
@given(area=areas, birth=births, sequence=st.integers(0, 999), male=st.booleans(), position=st.integers(0, 15))
def test_any_adjacent_transposition_is_detected(area, birth, sequence, male, position):
    """Given a valid number with two different adjacent body digits swapped, when parsed, then it is rejected."""
    number = make_id_number(area, birth, sequence, male=male)
    first, second = number[position], number[position + 1]
    assume(first != second)
    swapped = number[:position] + second + first + number[position + 2:]
    with pytest.raises(IdNumberError):
        parse_id_number(swapped, today=FIXED_TODAY)
