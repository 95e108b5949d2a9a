"""Helpers for the policy tests: parameters of their own (so the demo values from the data migration do not
interfere) and values written directly in a given status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from minzheng.policy.enums import Unit, ValueStatus
from minzheng.policy.models import ParameterDefinition, ParameterValue

DISTRICT = "340471"
TOWN_A = "340471100"
TOWN_B = "340471101"
VILLAGE_A1 = "340471100201"
VILLAGE_A2 = "340471100202"
VILLAGE_B1 = "340471101201"


def make_definition(code: str = "test.standard_fen", *, name: str = "测试标准", unit: str = Unit.FEN
                    ) -> ParameterDefinition:
    definition, _ = ParameterDefinition.objects.get_or_create(code=code, defaults={"name": name, "unit": unit})
    return definition


def make_value(definition: ParameterDefinition, *, area: str = DISTRICT, on: dt.date, value: int,
               status: str = ValueStatus.APPROVED, created_by=None, approved_by=None,
               label: str = "") -> ParameterValue:
    decided = status in (ValueStatus.APPROVED, ValueStatus.SUPERSEDED)
    return ParameterValue.objects.create(definition=definition, area_code=area, effective_from=on, value_int=value,
                                         status=status, created_by=created_by, approved_by=approved_by,
                                         approved_at=timezone.now() if decided else None, label=label)


@pytest.fixture
def standard(db) -> ParameterDefinition:
    """A money parameter of the tests' own, without values."""
    return make_definition()
