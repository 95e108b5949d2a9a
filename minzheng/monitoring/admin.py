from django.contrib import admin

from minzheng.core.admin_base import ReadOnlyAdmin
from minzheng.monitoring.models import FeedFile, FeedKind, MonitoringRun


@admin.register(FeedKind)
class FeedKindAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "department", "event_date_column", "schema_version", "is_active")


@admin.register(FeedFile)
class FeedFileAdmin(ReadOnlyAdmin):
    list_display = ("filename", "kind", "status", "rows_total", "rows_loaded", "rows_quarantined", "created_at")
    list_filter = ("status", "kind")


@admin.register(MonitoringRun)
class MonitoringRunAdmin(ReadOnlyAdmin):
    list_display = ("as_of", "backend", "status", "alerts_new", "alerts_repeated", "created_at")
    list_filter = ("status", "backend")
