"""Parameters of the temporary-assistance workflow: the paperwork deadline after aid-first payment and the
number of grants for the same cause in a calendar year, with their demo values (演示参数)."""

import datetime as dt
import importlib

from django.db import migrations

DEFINITIONS = [
    ("temp_aid.paperwork_working_days", "先行救助后补齐手续时限（工作日）", "working_days",
     "紧急情况下先行救助的，应在此时限内补齐申请、调查和审批手续。",
     "地方规定（参考邹平：24小时内救助、5个工作日内补齐手续）；淮南、毛集的时限待核实"),
    ("temp_aid.grants_per_cause_per_year", "同一事由年度临时救助次数上限", "count",
     "同一救助对象因同一事由在一个自然年度内给予临时救助的次数上限。",
     "地方规定：原则上同一事由一年内救助一次"),
]
VALUES = [
    ("temp_aid.paperwork_working_days", dt.date(2024, 7, 1), 5),
    ("temp_aid.grants_per_cause_per_year", dt.date(2024, 7, 1), 1),
]


def _demo():
    return importlib.import_module("minzheng.policy.migrations.0003_demo_parameter_values")


def create(apps, schema_editor):
    ParameterDefinition = apps.get_model("policy", "ParameterDefinition")
    ParameterValue = apps.get_model("policy", "ParameterValue")
    demo = _demo()
    from django.utils import timezone

    for code, name, unit, description, source_note in DEFINITIONS:
        ParameterDefinition.objects.update_or_create(
            code=code, defaults={"name": name, "unit": unit, "description": description, "source_note": source_note})
    for code, effective_from, value in VALUES:
        definition = ParameterDefinition.objects.get(code=code)
        if ParameterValue.objects.filter(definition=definition, area_code=demo.DEMO_AREA, effective_from=effective_from,
                                         status="approved").exists():
            continue
        ParameterValue.objects.create(definition=definition, area_code=demo.DEMO_AREA, effective_from=effective_from,
                                      value_int=value, status="approved", label=demo.DEMO_LABEL, note=demo.DEMO_NOTE,
                                      approved_at=timezone.now())


def delete(apps, schema_editor):
    ParameterValue = apps.get_model("policy", "ParameterValue")
    ParameterDefinition = apps.get_model("policy", "ParameterDefinition")
    demo = _demo()
    for code, effective_from, value in VALUES:
        ParameterValue.objects.filter(definition__code=code, area_code=demo.DEMO_AREA, effective_from=effective_from,
                                      value_int=value, label=demo.DEMO_LABEL, created_by__isnull=True).delete()
    ParameterDefinition.objects.filter(code__in=[row[0] for row in DEFINITIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0003_demo_parameter_values")]

    operations = [migrations.RunPython(create, delete)]
