from django.contrib import admin

from minzheng.areas.models import Area
from minzheng.core.admin_base import ReadOnlyAdmin


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "kind", "parent", "is_active")
    list_filter = ("level", "kind", "is_active")
    search_fields = ("code", "name")
    readonly_fields = ("prefix", "created_at", "updated_at")
