from django.contrib import admin

from minzheng.core.admin_base import ReadOnlyAdmin
from minzheng.jobs.models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("kind", "state", "progress_done", "progress_total", "started_by", "created_at", "finished_at")
    list_filter = ("state", "kind")
    search_fields = ("kind", "id")
    readonly_fields = ("kind", "parameters", "state", "progress_done", "progress_total", "checkpoint", "result",
                       "error", "started_by", "area_code", "started_at", "finished_at", "cancel_requested_at",
                       "worker", "heartbeat_at", "recoveries", "created_at", "updated_at")
