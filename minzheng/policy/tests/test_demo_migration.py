"""The shipped demo values (演示参数) of migration 0003, and the definitions of 0002 with their documentation."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from minzheng.policy.enums import DEMO_LABEL, ValueStatus
from minzheng.policy.models import ParameterDefinition, ParameterValue
from minzheng.policy.selectors import load_snapshot, parameter_value

pytestmark = pytest.mark.django_db

definitions_migration = importlib.import_module("minzheng.policy.migrations.0002_parameter_definitions")
demo_migration = importlib.import_module("minzheng.policy.migrations.0003_demo_parameter_values")
later_migrations = [importlib.import_module(f"minzheng.policy.migrations.{name}")
                    for name in ("0004_temp_aid_parameters", "0005_town_confirmation_parameter",
                                 "0007_monitoring_parameters")]
monitoring_migration = later_migrations[-1]

EXPECTED = {
    "dibao.asset_deposit_months": 12, "dibao.asset_max_vehicles": 0, "dibao.asset_max_companies": 0,
    "dibao.asset_max_homes": 1, "tekun.age_min": 60, "tekun.basic_multiplier_permille": 1300,
    "tekun.care_dispersed_full_fen": 4500, "tekun.care_dispersed_partial_fen": 30000,
    "tekun.care_dispersed_none_fen": 52500, "tekun.care_centralized_full_fen": 6000,
    "tekun.care_centralized_partial_fen": 45000, "tekun.care_centralized_none_fen": 75000,
    "marginal.income_multiplier_permille": 1500, "rigid_expense.income_ceiling_annual_fen": 2600000,
    "rigid_expense.expense_share_percent": 50, "rigid_expense.valid_months": 12, "temp_aid.town_max_multiple": 6,
    "temp_aid.district_max_fen": 2000000, "application.residence_min_months": 6,
    "application.public_notice_days": 7, "application.time_limit_working_days": 30,
    "application.extended_time_limit_working_days": 45, "application.denial_notice_working_days": 3,
    "review.stable_months": 12, "review.other_months": 6, "phaseout.months": 6,
    "application.town_confirms": 0,
}


def test_every_demo_value_is_approved_by_the_system_and_labelled(db):
    """Given a migrated database, when the demo district's values are read, then there are 47, every one approved
    by nobody (the system), labelled 演示参数, for area 340471."""
    values = ParameterValue.objects.filter(label=DEMO_LABEL)
    assert values.count() == 47
    assert set(values.values_list("status", "area_code", "created_by", "approved_by")) == {
        (ValueStatus.APPROVED, "340471", None, None)}


def test_the_demo_values_resolve_for_a_demo_village(db):
    """Given the demo values, when a village of 340471 is resolved on 2025-07-01, then every figure of the issue
    comes back, the 低保 standard at ¥770."""
    snapshot = load_snapshot(on=dt.date(2025, 7, 1))
    assert {code: snapshot.value(code, "340471100201") for code in EXPECTED} == EXPECTED
    assert snapshot.value("dibao.standard_monthly_fen", "340471100201") == 77000


@pytest.mark.parametrize("day, expected", [(dt.date(2024, 7, 1), 74500), (dt.date(2025, 6, 30), 74500),
                                           (dt.date(2025, 7, 1), 77000)])
def test_the_demo_dibao_standard_series(db, day, expected):
    """Given the demo 低保 standards ¥745 from 2024-07-01 and ¥770 from 2025-07-01, when resolved around the change,
    then each day gets the right one."""
    assert parameter_value("dibao.standard_monthly_fen", area_code="340471100201", on=day) == expected


def test_the_demo_values_can_be_removed_and_restored(db):
    """Given the demo values, when the migration is reversed, then exactly its 28 rows go (a value someone proposed
    stays), and applying it again restores them."""
    kept = ParameterValue.objects.create(definition=ParameterDefinition.objects.get(code="phaseout.months"),
                                         area_code="340471", effective_from=dt.date(2026, 1, 1), value_int=3,
                                         status=ValueStatus.PROPOSED)
    # The historical models of that migration, as ``migrate`` passes them.
    state = MigrationLoader(connection).project_state(("policy", "0003_demo_parameter_values")).apps
    demo_migration.delete_demo_values(state, None)
    # Only the values of the later migrations (0004 to 0007) remain.
    assert set(ParameterValue.objects.filter(label=DEMO_LABEL).values_list("definition__code", flat=True)) == {
        "temp_aid.paperwork_working_days", "temp_aid.grants_per_cause_per_year", "application.town_confirms",
        "payments.budget_warning_permille", "payments.centenarian_age", "payments.centenarian_review_months",
        "payments.disclosure_days", *(row[0] for row in monitoring_migration.VALUES)}
    assert ParameterValue.objects.filter(pk=kept.pk).exists()
    demo_migration.create_demo_values(state, None)
    assert ParameterValue.objects.filter(label=DEMO_LABEL).count() == 47


def test_every_definition_is_documented(db):
    """Given the definitions shipped in migrations 0002, 0004 and 0005, when docs/parameters.md is read, then each
    code appears in it, so the document stays current with the table."""
    text = (Path(settings.BASE_DIR) / "docs" / "parameters.md").read_text(encoding="utf-8")
    shipped = [*definitions_migration.DEFINITIONS, *(row for m in later_migrations for row in m.DEFINITIONS)]
    missing = [row[0] for row in shipped if f"`{row[0]}`" not in text]
    assert missing == []


def test_a_flushed_database_gets_the_demo_parameters_back(db):
    """Given empty policy tables (as after a flush), when ensure_demo_parameters runs twice, then the 46 definitions
    and 47 demo values are back once."""
    from minzheng.policy.demo import ensure_demo_parameters

    ParameterValue.objects.all()._raw_delete(ParameterValue.objects.db)
    ParameterDefinition.objects.all().delete()
    ensure_demo_parameters()
    ensure_demo_parameters()
    assert (ParameterDefinition.objects.count(), ParameterValue.objects.filter(label=DEMO_LABEL).count()) == (46, 47)
