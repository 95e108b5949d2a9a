from django.contrib import admin

from minzheng.core.admin_base import ReadOnlyAdmin
from minzheng.payments.models import BankLayout, Budget, PayrollRun


@admin.register(PayrollRun)
class PayrollRunAdmin(ReadOnlyAdmin):
    list_display = ("period", "program", "area", "status", "payable_count", "payable_fen", "held_count")
    list_filter = ("status", "program")


@admin.register(BankLayout)
class BankLayoutAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "bank_name", "file_format", "encoding", "is_active")


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdmin):
    list_display = ("year", "program", "source", "amount_fen", "document")
    list_filter = ("year", "program", "source")
