"""Demo values (演示参数) for the demo district 340471, approved by the system so that the demo works out of the
box. They are not the bureau's figures: each is to be superseded by a value proposed from the bureau's notice
(文号) and approved on the 政策参数 page. See docs/parameters.md for each figure and where it comes from."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

DEMO_LABEL = "演示参数"
DEMO_AREA = "340471"
DEMO_NOTE = "演示值，须以主管部门正式文件替换"
FROM_2024 = dt.date(2024, 7, 1)

# (code, effective_from, value); money in fen.
VALUES = [
    ("dibao.standard_monthly_fen", FROM_2024, 74500),
    ("dibao.standard_monthly_fen", dt.date(2025, 7, 1), 77000),
    ("dibao.asset_deposit_months", FROM_2024, 12),
    ("dibao.asset_max_vehicles", FROM_2024, 0),
    ("dibao.asset_max_companies", FROM_2024, 0),
    ("dibao.asset_max_homes", FROM_2024, 1),
    ("tekun.age_min", FROM_2024, 60),
    ("tekun.basic_multiplier_permille", FROM_2024, 1300),
    ("tekun.care_dispersed_full_fen", FROM_2024, 4500),
    ("tekun.care_dispersed_partial_fen", FROM_2024, 30000),
    ("tekun.care_dispersed_none_fen", FROM_2024, 52500),
    ("tekun.care_centralized_full_fen", FROM_2024, 6000),
    ("tekun.care_centralized_partial_fen", FROM_2024, 45000),
    ("tekun.care_centralized_none_fen", FROM_2024, 75000),
    ("marginal.income_multiplier_permille", FROM_2024, 1500),
    ("rigid_expense.income_ceiling_annual_fen", FROM_2024, 2600000),
    ("rigid_expense.expense_share_percent", FROM_2024, 50),
    ("rigid_expense.valid_months", FROM_2024, 12),
    ("temp_aid.town_max_multiple", FROM_2024, 6),
    ("temp_aid.district_max_fen", FROM_2024, 2000000),
    ("application.residence_min_months", FROM_2024, 6),
    ("application.public_notice_days", FROM_2024, 7),
    ("application.time_limit_working_days", FROM_2024, 30),
    ("application.extended_time_limit_working_days", FROM_2024, 45),
    ("application.denial_notice_working_days", FROM_2024, 3),
    ("review.stable_months", FROM_2024, 12),
    ("review.other_months", FROM_2024, 6),
    ("phaseout.months", FROM_2024, 6),
]


def create_demo_values(apps, schema_editor):
    ParameterDefinition = apps.get_model("policy", "ParameterDefinition")
    ParameterValue = apps.get_model("policy", "ParameterValue")
    definitions = {d.code: d for d in ParameterDefinition.objects.filter(code__in={row[0] for row in VALUES})}
    now = timezone.now()
    for code, effective_from, value in VALUES:
        definition = definitions[code]
        if ParameterValue.objects.filter(definition=definition, area_code=DEMO_AREA, effective_from=effective_from,
                                         status="approved").exists():
            continue
        ParameterValue.objects.create(definition=definition, area_code=DEMO_AREA, effective_from=effective_from,
                                      value_int=value, status="approved", label=DEMO_LABEL, note=DEMO_NOTE,
                                      approved_at=now)


def delete_demo_values(apps, schema_editor):
    """Remove exactly the rows this migration made (system-made, labelled, same area, date and figure)."""
    ParameterValue = apps.get_model("policy", "ParameterValue")
    for code, effective_from, value in VALUES:
        ParameterValue.objects.filter(definition__code=code, area_code=DEMO_AREA, effective_from=effective_from,
                                      value_int=value, label=DEMO_LABEL, created_by__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("policy", "0002_parameter_definitions"),
    ]

    operations = [
        migrations.RunPython(create_demo_values, delete_demo_values),
    ]
