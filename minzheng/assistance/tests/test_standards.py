"""Standards: the policy parameters one determination needs, checked when built."""

from __future__ import annotations

from dataclasses import fields

import pytest

from minzheng.assistance.errors import AssistanceErrorCode, StandardsError
from minzheng.assistance.standards import Standards, standards_from_snapshot
from minzheng.assistance.tests.builders import DEMO_VALUES


def test_codes_and_fields_correspond_one_to_one():
    """Each parameter code has the field of the same name (dots as underscores), in the same order."""
    assert [code.replace(".", "_") for code in Standards.CODES] == [f.name for f in fields(Standards)]


def test_from_values_and_as_values_round_trip():
    standards = Standards.from_values(DEMO_VALUES)
    assert standards.dibao_standard_monthly_fen == 74500
    assert standards.as_values() == DEMO_VALUES


def test_from_values_ignores_codes_it_does_not_use():
    assert Standards.from_values({**DEMO_VALUES, "children.orphan_monthly_fen": 150000}).tekun_age_min == 60


def test_from_values_names_missing_codes():
    values = {code: value for code, value in DEMO_VALUES.items() if not code.startswith("tekun.care_")}
    with pytest.raises(StandardsError) as caught:
        Standards.from_values(values)
    assert caught.value.code == AssistanceErrorCode.STANDARDS_MISSING
    assert "tekun.care_dispersed_full_fen" in caught.value.message


@pytest.mark.parametrize("value", [-1, 1.5, "74500", True, None])
def test_from_values_refuses_values_that_are_not_non_negative_integers(value):
    with pytest.raises(StandardsError) as caught:
        Standards.from_values({**DEMO_VALUES, "dibao.standard_monthly_fen": value})
    assert caught.value.code == AssistanceErrorCode.STANDARDS_INVALID


def test_standards_from_snapshot_reads_every_code_for_the_area():
    """A batch run resolves standards from a policy snapshot: one ``value(code, area)`` per code."""
    asked = []

    class Snapshot:
        def value(self, code, area_code):
            asked.append((code, area_code))
            return DEMO_VALUES[code]

    assert standards_from_snapshot(Snapshot(), "340471100201") == Standards.from_values(DEMO_VALUES)
    assert asked == [(code, "340471100201") for code in Standards.CODES]
