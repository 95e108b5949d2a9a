"""Unified social credit codes (GB 32100-2015) and the organization code inside them (GB 11714).

References computed here from the standards: USCC weights 3^(i) mod 31 over the 31-character alphabet
without I, O, Z, S, V, check = (31 - sum mod 31) mod 31; organization-code weights 2^(8..1) mod 11 with
letters A=10 … Z=35, check = 11 - sum mod 11, written X for 10 and 0 for 11.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.core.identifiers import (
    USCC_MESSAGES,
    UsccError,
    UsccErrorCode,
    make_uscc,
    org_code_check_char,
    parse_uscc,
    uscc_check_char,
)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FORBIDDEN = "IOZSV"

# Codes of registered organizations, published in public validator test suites; each was checked
# against both reference algorithms below before being listed.
PUBLISHED = [
    "91350100M000100Y43",  # enterprise (9 1), Fuzhou, the code most often cited as a valid example
    "91110108551385082Q",  # enterprise, Beijing Haidian
    "51100000500019541K",  # social organization registered by the Ministry of Civil Affairs (5 1)
    "52610500MJU60350X1",  # private non-enterprise unit (5 2), Weinan
    "1142092201131905X1",  # public institution whose organization-code check is X
    "92510100MA61WJ3204",  # individual business (9 2), Chengdu
]

pbt = settings(database=None, max_examples=200)


def reference_uscc_check(body17: str) -> str:
    total = sum(ALPHABET.index(ch) * pow(3, index, 31) for index, ch in enumerate(body17))
    return ALPHABET[(31 - total % 31) % 31]


def reference_org_check(first8: str) -> str:
    values = [int(ch) if ch.isdigit() else string.ascii_uppercase.index(ch) + 10 for ch in first8]
    total = sum(value * pow(2, 8 - index, 11) for index, value in enumerate(values))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def error_code(raw) -> str:
    with pytest.raises(UsccError) as caught:
        parse_uscc(raw)
    return caught.value.code


org_bodies = st.text(alphabet=ALPHABET, min_size=8, max_size=8)
prefixes = st.text(alphabet=ALPHABET, min_size=2, max_size=2)
area_codes = st.from_regex(r"[0-9]{6}", fullmatch=True)


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_satisfy_the_reference_algorithms(code):
    """Given a published code, when both check characters are recomputed by reference, then both match."""
    assert (reference_org_check(code[8:16]), reference_uscc_check(code[:17])) == (code[16], code[17])


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    """Given a published code, when parsed, then it comes back unchanged."""
    assert parse_uscc(code) == code


def test_uscc_check_char_of_the_cited_example():
    """Given 91350100M000100Y4, when its check character is computed, then it is 3."""
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_org_code_check_char_of_the_cited_example():
    """Given the organization code body M000100Y, when its check is computed, then it is 4."""
    assert org_code_check_char("M000100Y") == "4"


def test_org_code_check_char_ten_is_x():
    """Given 01131905 (weighted sum ≡ 1 mod 11), when its check is computed, then it is X."""
    assert org_code_check_char("01131905") == "X"


@pbt
@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_uscc_check_char_agrees_with_the_reference(body):
    """Given any 17 characters of the alphabet, when the check is computed, then it matches the reference."""
    assert uscc_check_char(body) == reference_uscc_check(body)


@pbt
@given(st.text(alphabet=string.digits + string.ascii_uppercase, min_size=8, max_size=8))
def test_org_code_check_char_agrees_with_the_reference(body):
    """Given any 8 digits or capitals, when the organization-code check is computed, then it matches."""
    assert org_code_check_char(body) == reference_org_check(body)


def test_lower_case_and_spaces_are_normalized():
    """Given a valid code typed in lower case with surrounding spaces, when parsed, then upper case."""
    assert parse_uscc("  91350100m000100y43 ") == "91350100M000100Y43"


def test_full_width_code_is_normalized():
    """Given a valid code typed in full-width characters, when parsed, then the ASCII code."""
    assert parse_uscc("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


@pytest.mark.parametrize("raw", ["", None, "  "])
def test_empty(raw):
    """Given nothing, when parsed, then uscc_empty."""
    assert error_code(raw) == UsccErrorCode.EMPTY


@pytest.mark.parametrize("raw", ["91350100M000100Y4", "91350100M000100Y431", "913501"])
def test_wrong_length(raw):
    """Given 17, 19 or 6 characters, when parsed, then uscc_bad_length."""
    assert error_code(raw) == UsccErrorCode.BAD_LENGTH


@pytest.mark.parametrize("letter", list(FORBIDDEN))
def test_forbidden_letter_in_the_body(letter):
    """Given a code with I, O, Z, S or V inside, when parsed, then uscc_bad_characters."""
    assert error_code("91350100" + letter + "000100Y43") == UsccErrorCode.BAD_CHARACTERS


@pytest.mark.parametrize("letter", list(FORBIDDEN))
def test_forbidden_letter_as_check_char(letter):
    """Given a code whose last character is I, O, Z, S or V, when parsed, then uscc_bad_characters."""
    assert error_code("91350100M000100Y4" + letter) == UsccErrorCode.BAD_CHARACTERS


def test_punctuation_is_a_bad_character():
    """Given a code with a hyphen in it, when parsed, then uscc_bad_characters."""
    assert error_code("91350100-000100Y43") == UsccErrorCode.BAD_CHARACTERS


@pytest.mark.parametrize("last", [ch for ch in ALPHABET if ch != "3"])
def test_wrong_check_char(last):
    """Given the cited code with any other allowed last character, when parsed, then uscc_bad_checksum."""
    assert error_code("91350100M000100Y4" + last) == UsccErrorCode.BAD_CHECKSUM


def test_wrong_org_code_check_with_a_correct_uscc_check():
    """Given a code whose 17th character is not the organization-code check but whose 18th fits the 17,
    when parsed, then uscc_bad_org_code_checksum."""
    body = "91350100M000100Y5"
    assert error_code(body + reference_uscc_check(body)) == UsccErrorCode.BAD_ORG_CODE


@pytest.mark.parametrize("code", list(UsccErrorCode))
def test_every_code_has_a_chinese_message(code):
    """Given any USCC error code, when its error is built, then the message is the Chinese catalogue entry."""
    error = UsccError(code)
    assert error.message == USCC_MESSAGES[code] and any("\u4e00" <= ch <= "\u9fff" for ch in error.message)


def test_make_uscc_reproduces_the_cited_example():
    """Given the parts 91, 350100 and M000100Y, when a code is made, then it is 91350100M000100Y43."""
    assert make_uscc("91", "350100", "M000100Y") == "91350100M000100Y43"


@pbt
@given(prefix=prefixes, area=area_codes, org=org_bodies)
def test_make_uscc_round_trips(prefix, area, org):
    """Given any prefix, area and organization body, when a code is made, then it parses back to itself."""
    code = make_uscc(prefix, area, org)
    assert parse_uscc(code) == code


@pbt
@given(prefix=prefixes, area=area_codes, org=org_bodies)
def test_make_uscc_keeps_its_parts(prefix, area, org):
    """Given parts, when a code is made, then positions 1-16 are exactly those parts."""
    assert make_uscc(prefix, area, org)[:16] == prefix + area + org


@pbt
@given(prefix=prefixes, area=area_codes, org=org_bodies, position=st.integers(0, 16), shift=st.integers(1, 30))
def test_any_single_character_error_is_detected(prefix, area, org, position, shift):
    """Given a valid code with one of its first 17 characters replaced, when parsed, then it is rejected."""
    code = make_uscc(prefix, area, org)
    replaced = ALPHABET[(ALPHABET.index(code[position]) + shift) % 31]
    with pytest.raises(UsccError):
        parse_uscc(code[:position] + replaced + code[position + 1:])
