from django.contrib import admin

from minzheng.areas.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "kind", "parent", "is_active")
    list_filter = ("level", "kind", "is_active")
    search_fields = ("code", "name")
    readonly_fields = ("prefix", "created_at", "updated_at")

    # Changes go through the area pages (actions with event rows); the admin only shows.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
