from django.contrib import admin

from minzheng.core.admin_base import ReadOnlyAdmin
from minzheng.core.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ReadOnlyAdmin):
    list_display = ("date", "kind", "name", "source", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "source")
    date_hierarchy = "date"
