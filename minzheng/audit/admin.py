from django.contrib import admin

from minzheng.audit.models import AccessLog, Event


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "actor", "action", "object_type", "object_repr", "area_code")
    list_filter = ("action", "object_type")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "actor", "action", "object_type", "object_repr", "area_code", "ip_address")
    list_filter = ("action", "object_type", "channel")
