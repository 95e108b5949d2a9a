from django.contrib import admin

from minzheng.core.admin_base import ReadOnlyAdmin
from minzheng.policy.models import GrowthRule, ParameterDefinition, ParameterValue


@admin.register(ParameterDefinition)
class ParameterDefinitionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "unit")
    search_fields = ("code", "name")


@admin.register(ParameterValue)
class ParameterValueAdmin(ReadOnlyAdmin):
    list_display = ("definition", "area_code", "effective_from", "value_int", "status", "label", "created_by",
                    "approved_by")
    list_filter = ("status",)
    search_fields = ("definition__code", "definition__name", "area_code", "label")


@admin.register(GrowthRule)
class GrowthRuleAdmin(ReadOnlyAdmin):
    list_display = ("definition", "area_code", "kind", "amount", "effective_from", "proposed_value", "created_by")
