from django.contrib import admin

from minzheng.audit.models import AccessLog, Event
from minzheng.core.admin_base import ReadOnlyAdmin


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "actor", "action", "object_type", "object_repr", "area_code")
    list_filter = ("action", "object_type")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "actor", "action", "object_type", "object_repr", "area_code", "ip_address")
    list_filter = ("action", "object_type", "channel")
