"""Shipping parameter definitions and their demo values (演示参数) from data migrations.

Each migration that adds parameters lists its DEFINITIONS and VALUES and calls these two functions, so every
such migration loads, and unloads, in exactly the same way; ``minzheng.policy.demo`` reuses them to restore
the rows after a flush.
"""

from __future__ import annotations

DEMO_AREA = "340471"
DEMO_LABEL = "演示参数"
DEMO_NOTE = "演示值，须以主管部门正式文件替换"


def create_definitions_and_values(apps, definitions, values) -> None:
    from django.utils import timezone

    ParameterDefinition = apps.get_model("policy", "ParameterDefinition")
    ParameterValue = apps.get_model("policy", "ParameterValue")
    for code, name, unit, description, source_note in definitions:
        ParameterDefinition.objects.update_or_create(
            code=code, defaults={"name": name, "unit": unit, "description": description, "source_note": source_note})
    for code, effective_from, value in values:
        definition = ParameterDefinition.objects.get(code=code)
        if ParameterValue.objects.filter(definition=definition, area_code=DEMO_AREA, effective_from=effective_from,
                                         status="approved").exists():
            continue
        ParameterValue.objects.create(definition=definition, area_code=DEMO_AREA, effective_from=effective_from,
                                      value_int=value, status="approved", label=DEMO_LABEL, note=DEMO_NOTE,
                                      approved_at=timezone.now())


def delete_definitions_and_values(apps, definitions, values) -> None:
    """Remove exactly what ``create_definitions_and_values`` made (system-made, labelled demo values)."""
    ParameterValue = apps.get_model("policy", "ParameterValue")
    ParameterDefinition = apps.get_model("policy", "ParameterDefinition")
    for code, effective_from, value in values:
        ParameterValue.objects.filter(definition__code=code, area_code=DEMO_AREA, effective_from=effective_from,
                                      value_int=value, label=DEMO_LABEL, created_by__isnull=True).delete()
    ParameterDefinition.objects.filter(code__in=[row[0] for row in definitions]).delete()
