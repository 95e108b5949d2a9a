from django.contrib import admin

from minzheng.policy.models import GrowthRule, ParameterDefinition, ParameterValue


class _ReadOnlyAdmin(admin.ModelAdmin):
    # Values are proposed and decided on the policy pages (actions with event rows); the admin only shows.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ParameterDefinition)
class ParameterDefinitionAdmin(_ReadOnlyAdmin):
    list_display = ("code", "name", "unit")
    search_fields = ("code", "name")


@admin.register(ParameterValue)
class ParameterValueAdmin(_ReadOnlyAdmin):
    list_display = ("definition", "area_code", "effective_from", "value_int", "status", "label", "created_by",
                    "approved_by")
    list_filter = ("status",)
    search_fields = ("definition__code", "definition__name", "area_code", "label")


@admin.register(GrowthRule)
class GrowthRuleAdmin(_ReadOnlyAdmin):
    list_display = ("definition", "area_code", "kind", "amount", "effective_from", "proposed_value", "created_by")
