from django.contrib import admin

from minzheng.core.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "source", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "source")
    date_hierarchy = "date"

    # Changes go through the 节假日设置 page (actions with event rows and a cache reset); the admin only shows.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
