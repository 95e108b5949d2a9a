"""Resolving a parameter: most specific area first, then the latest effective date; only approved values."""

from __future__ import annotations

import datetime as dt

import pytest

from minzheng.core.errors import ApplicationError
from minzheng.policy.enums import ValueStatus
from minzheng.policy.selectors import parameter_value, parameter_values
from minzheng.policy.tests.conftest import (
    DISTRICT,
    TOWN_A,
    VILLAGE_A1,
    VILLAGE_A2,
    VILLAGE_B1,
    make_definition,
    make_value,
)
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db

JULY_1 = dt.date(2025, 7, 1)


@pytest.fixture
def layered(areas, standard):
    """District 700 from 2024-07-01, town 甲 720 from 2025-01-01, village 甲一 750 from 2025-01-01."""
    make_value(standard, area=DISTRICT, on=dt.date(2024, 7, 1), value=70000)
    make_value(standard, area=TOWN_A, on=dt.date(2025, 1, 1), value=72000)
    make_value(standard, area=VILLAGE_A1, on=dt.date(2025, 1, 1), value=75000)
    return standard


@pytest.mark.parametrize("village, expected", [(VILLAGE_B1, 70000), (VILLAGE_A2, 72000), (VILLAGE_A1, 75000)])
def test_the_most_specific_area_wins(layered, village, expected):
    """Given a district value, a town 甲 override and a village 甲一 override, when each village is resolved, then 乙一
    gets the district's, 甲二 the town's and 甲一 its own."""
    assert parameter_value("test.standard_fen", area_code=village, on=dt.date(2025, 3, 1)) == expected


def test_an_older_specific_value_beats_a_newer_district_value(layered):
    """Given town 甲's value from 2025-01-01, when the district approves a new value from 2025-07-01, then 甲二 still
    gets the town's value: a more specific area wins before a later date."""
    make_value(layered, area=DISTRICT, on=JULY_1, value=77000)
    assert parameter_value("test.standard_fen", area_code=VILLAGE_A2, on=dt.date(2025, 8, 1)) == 72000
    assert parameter_value("test.standard_fen", area_code=VILLAGE_B1, on=dt.date(2025, 8, 1)) == 77000


@pytest.mark.parametrize("day, expected", [(dt.date(2025, 6, 30), 74500), (JULY_1, 77000),
                                           (dt.date(2025, 7, 2), 77000)])
def test_a_new_value_applies_from_its_effective_date(areas, standard, day, expected):
    """Given 745 from 2024-07-01 and 770 from 2025-07-01, when resolved the day before, on and after 2025-07-01, then
    the old value applies the day before and the new one from the date itself."""
    make_value(standard, on=dt.date(2024, 7, 1), value=74500)
    make_value(standard, on=JULY_1, value=77000)
    assert parameter_value("test.standard_fen", area_code=f.VILLAGE_A1, on=day) == expected


def test_a_value_for_every_area_is_the_fallback(areas, standard):
    """Given a value with an empty area prefix only, when any village is resolved, then it gets that value."""
    make_value(standard, area="", on=dt.date(2024, 1, 1), value=60000)
    assert parameter_value("test.standard_fen", area_code=VILLAGE_B1, on=JULY_1) == 60000


@pytest.mark.parametrize("status", [ValueStatus.PROPOSED, ValueStatus.REJECTED, ValueStatus.SUPERSEDED])
def test_only_approved_values_apply(areas, standard, status, users):
    """Given the approved 745 and a newer village value that is proposed, rejected or superseded, when resolved,
    then the approved value applies."""
    make_value(standard, on=dt.date(2024, 7, 1), value=74500)
    make_value(standard, area=VILLAGE_A1, on=JULY_1, value=99900, status=status, created_by=users["district_admin"])
    assert parameter_value("test.standard_fen", area_code=VILLAGE_A1, on=JULY_1) == 74500


def test_before_the_first_value_the_parameter_is_missing_with_a_chinese_message(areas, standard):
    """Given a value from 2024-07-01 only, when resolved for 2024-06-30, then parameter_missing names the parameter,
    the day and the area in Chinese."""
    make_value(standard, on=dt.date(2024, 7, 1), value=74500)
    with pytest.raises(ApplicationError) as raised:
        parameter_value("test.standard_fen", area_code=VILLAGE_A1, on=dt.date(2024, 6, 30))
    assert raised.value.code == "parameter_missing"
    assert raised.value.message == "参数「测试标准」在2024年6月30日对甲一村没有生效值"


def test_a_value_of_another_district_does_not_apply(areas, standard):
    """Given a value for district 340472 only, when a village of 340471 is resolved, then it is missing."""
    make_value(standard, area="340472", on=dt.date(2024, 7, 1), value=74500)
    with pytest.raises(ApplicationError, match="没有生效值"):
        parameter_value("test.standard_fen", area_code=VILLAGE_A1, on=JULY_1)


def test_many_codes_resolve_in_one_query(areas, standard, django_assert_num_queries):
    """Given three parameters with district and village values, when parameter_values asks for all three, then one
    query answers, each resolved by the same rule."""
    other = make_definition("test.months", name="测试月数", unit="months")
    third = make_definition("test.days", name="测试天数", unit="days")
    make_value(standard, on=dt.date(2024, 7, 1), value=74500)
    make_value(standard, area=VILLAGE_A1, on=JULY_1, value=80000)
    make_value(other, on=dt.date(2024, 7, 1), value=12)
    make_value(third, area=TOWN_A, on=dt.date(2024, 7, 1), value=7)
    with django_assert_num_queries(1):
        values = parameter_values(["test.standard_fen", "test.months", "test.days"], area_code=VILLAGE_A1, on=JULY_1)
    assert values == {"test.standard_fen": 80000, "test.months": 12, "test.days": 7}


def test_many_codes_name_the_first_missing_one(areas, standard):
    """Given a value for the standard only, when parameter_values also asks for an unknown code, then
    parameter_missing names that code."""
    make_value(standard, on=dt.date(2024, 7, 1), value=74500)
    with pytest.raises(ApplicationError) as raised:
        parameter_values(["test.standard_fen", "test.unknown"], area_code=VILLAGE_A1, on=JULY_1)
    assert raised.value.code == "parameter_missing" and "test.unknown" in raised.value.message
