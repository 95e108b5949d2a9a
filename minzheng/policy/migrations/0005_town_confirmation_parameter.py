"""Whether the town confirms applications (审核确认) and files the result with the district (备案), per area, with
its demo value (演示参数): the district confirms in the demo district."""

import datetime as dt
import importlib

from django.db import migrations

DEFINITIONS = [
    ("application.town_confirms", "乡镇（街道）审核确认并报区级备案", "bool",
     "为“是”时，该地区的救助申请由乡镇（街道）审核确认，结果报区民政部门备案；为“否”时由区民政部门审核确认。",
     "审核确认权限下放乡镇为地方做法（参考安庆：公示结束后5个工作日内乡镇确认，5个工作日内报县备案）；"
     "毛集是否下放待核实"),
]
VALUES = [
    ("application.town_confirms", dt.date(2024, 7, 1), 0),
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
    dependencies = [("policy", "0004_temp_aid_parameters")]

    operations = [migrations.RunPython(create, delete)]
