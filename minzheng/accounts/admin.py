from django.contrib import admin

from minzheng.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("username", "full_name", "role", "area", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name")
    fields = ("username", "full_name", "role", "area", "is_active", "last_login", "date_joined",
              "password_changed_at", "must_change_password")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("token_hash",)

    def has_add_permission(self, request):
        return False
