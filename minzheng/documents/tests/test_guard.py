"""The ID-number guard every printed string passes through."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from minzheng.core.identifiers import make_id_number
from minzheng.core.masking import mask_id_number
from minzheng.documents.guard import guard_text
from minzheng.documents.spec import Unmasked

_BIRTHS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31))
_AROUND = st.text(alphabet="张三李四，。：（）、 年月日甲乙备注-/", max_size=8)


@given(birth=_BIRTHS, sequence=st.integers(0, 999), male=st.booleans(), before=_AROUND, after=_AROUND)
def test_any_valid_id_number_in_text_is_masked(birth, sequence, male, before, after):
    """Given any valid ID number with Chinese text or punctuation around it, then the guarded text holds only the
    masked number and keeps the surrounding text."""
    number = make_id_number("340471", birth, sequence, male=male)
    guarded = guard_text(f"{before}{number}{after}")
    assert number not in guarded
    assert guarded == f"{before}{mask_id_number(number)}{after}"


def test_a_lowercase_check_character_is_masked_and_normalised():
    """Given a number ending in a lowercase x, then it is masked with an uppercase X like any other."""
    number = make_id_number("110105", dt.date(1949, 12, 31), 2, male=False)
    assert number.endswith("X")
    assert guard_text(f"号码{number.lower()}") == "号码110105********002X"


def test_digits_inside_a_longer_run_are_left_alone():
    """Given a valid number embedded in a longer run of digits (some other identifier), then nothing is masked."""
    number = make_id_number("110105", dt.date(1980, 1, 1), 10, male=True)
    assert guard_text(f"9{number}") == f"9{number}"


def test_unmasked_values_pass_through_and_plain_values_become_strings():
    """Given an Unmasked value, then it is printed as given; None prints as nothing and numbers as text."""
    number = make_id_number("110105", dt.date(1980, 1, 1), 10, male=True)
    assert guard_text(Unmasked(number)) == number
    assert guard_text(Unmasked(number) + "") == mask_id_number(number)
    assert guard_text(None) == ""
    assert guard_text(123400) == "123400"
