"""The one admin base class: the Django admin only shows records. Every change goes through the pages and
their actions, which check permissions and write audit events; the admin would bypass both."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
