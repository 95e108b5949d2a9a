"""The in-memory snapshot for batch runs resolves exactly like the per-call selector, without queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng.core.errors import ApplicationError
from minzheng.policy.enums import ValueStatus
from minzheng.policy.models import ParameterValue
from minzheng.policy.selectors import load_snapshot, parameter_value
from minzheng.policy.tests.conftest import (
    DISTRICT,
    TOWN_A,
    TOWN_B,
    VILLAGE_A1,
    VILLAGE_A2,
    VILLAGE_B1,
    make_definition,
    make_value,
)

pytestmark = pytest.mark.django_db

CODES = ["test.a", "test.b"]
PREFIXES = ["", DISTRICT, TOWN_A, TOWN_B, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1]
VILLAGES = [VILLAGE_A1, VILLAGE_A2, VILLAGE_B1]
DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=90 * n) for n in range(8)]

value_rows = st.lists(
    st.tuples(st.sampled_from(CODES), st.sampled_from(PREFIXES), st.sampled_from(DAYS),
              st.integers(min_value=0, max_value=10**9),
              st.sampled_from([ValueStatus.APPROVED, ValueStatus.APPROVED, ValueStatus.PROPOSED])),
    max_size=12, unique_by=lambda row: (row[0], row[1], row[2], row[4]))


def _resolve(code: str, area: str, on: dt.date) -> int | str:
    try:
        return parameter_value(code, area_code=area, on=on)
    except ApplicationError as error:
        return error.message


def _from_snapshot(snapshot, code: str, area: str) -> int | str:
    try:
        return snapshot.value(code, area)
    except ApplicationError as error:
        return error.message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=value_rows, on=st.sampled_from([*DAYS, dt.date(2023, 12, 31), dt.date(2026, 12, 31)]))
def test_snapshot_equals_per_call_resolution(areas, rows, on):
    """Given any set of approved and proposed values over two codes, seven area prefixes and eight dates, when each
    code is resolved for each village on a day, then the snapshot of that day gives the same value, or the same
    parameter_missing message, as parameter_value."""
    definitions = {code: make_definition(code, name=code) for code in CODES}
    with transaction.atomic():
        for code, prefix, day, value, status in rows:
            make_value(definitions[code], area=prefix, on=day, value=value, status=status)
        snapshot = load_snapshot(on=on)
        for code in CODES:
            for village in VILLAGES:
                assert _from_snapshot(snapshot, code, village) == _resolve(code, village, on)
        transaction.set_rollback(True)


def test_snapshot_loads_in_two_queries_and_resolves_with_none(areas, standard, django_assert_num_queries):
    """Given district and town values, when a snapshot is loaded and then asked for a village, then loading takes two
    queries (values, names) and resolving none."""
    make_value(standard, on=dt.date(2024, 7, 1), value=74500)
    make_value(standard, area=TOWN_A, on=dt.date(2025, 7, 1), value=78000)
    with django_assert_num_queries(2):
        snapshot = load_snapshot(on=dt.date(2025, 7, 1))
    with django_assert_num_queries(0):
        assert snapshot.value("test.standard_fen", VILLAGE_A1) == 78000
        assert snapshot.values(["test.standard_fen"], VILLAGE_B1) == {"test.standard_fen": 74500}


def test_snapshot_ignores_values_approved_after_it_was_loaded(areas, standard):
    """Given a snapshot loaded for 2025-07-01, when a value is added afterwards, then the snapshot still answers from
    what it loaded: it is a fixed picture for one batch run."""
    make_value(standard, on=dt.date(2024, 7, 1), value=74500)
    snapshot = load_snapshot(on=dt.date(2025, 7, 1))
    make_value(standard, area=VILLAGE_A1, on=dt.date(2025, 1, 1), value=80000)
    assert snapshot.value("test.standard_fen", VILLAGE_A1) == 74500
    assert ParameterValue.objects.filter(area_code=VILLAGE_A1).exists()


def test_snapshot_reports_a_missing_parameter_like_the_selector(areas, standard):
    """Given no value at all, when the snapshot is asked, then it raises parameter_missing with the same message."""
    snapshot = load_snapshot(on=dt.date(2025, 7, 1))
    with pytest.raises(ApplicationError) as raised:
        snapshot.value("test.standard_fen", VILLAGE_A1)
    assert raised.value.code == "parameter_missing"
    assert raised.value.message == "参数「测试标准」在2025年7月1日对甲一村没有生效值"
