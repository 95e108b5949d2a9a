from django.urls import path

from minzheng.payments import views, views_bank, views_funds

app_name = "payments"

urlpatterns = [
    # Payroll runs and their lines (views.py)
    path("runs/", views.run_list, name="run_list"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<str:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<str:run_id>/action/<str:verb>/", views.run_action, name="run_action"),
    path("runs/<str:run_id>/lines.xlsx", views.run_lines_export, name="run_lines_export"),
    path("lines/<str:line_id>/", views.line_detail, name="line_detail"),
    path("lines/<str:line_id>/resolve/", views.line_resolve, name="line_resolve"),
    path("reissue/", views.reissue_list, name="reissue_list"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/<str:account_id>/", views.account_detail, name="account_detail"),
    path("accounts/<str:account_id>/deactivate/", views.account_deactivate, name="account_deactivate"),
    # Bank file and reconciliation (views_bank.py)
    path("runs/<str:run_id>/bank-file/", views_bank.bank_file_export, name="bank_file_export"),
    path("runs/<str:run_id>/bank-file/download/", views_bank.bank_file_download, name="bank_file_download"),
    path("runs/<str:run_id>/reconcile/", views_bank.reconciliation_upload, name="reconciliation_upload"),
    path("reconciliations/<str:reconciliation_id>/", views_bank.reconciliation_detail,
         name="reconciliation_detail"),
    # Funds, finance report and public disclosure (views_funds.py)
    path("funds/", views_funds.funds_overview, name="funds_overview"),
    path("funds/budgets/new/", views_funds.budget_create, name="budget_create"),
    path("funds/budgets/<str:budget_id>/", views_funds.budget_edit, name="budget_edit"),
    path("funds/report.xlsx", views_funds.finance_report_xlsx, name="finance_report_xlsx"),
    path("runs/<str:run_id>/disclosure/", views_funds.disclosure_index, name="disclosure_index"),
    path("runs/<str:run_id>/disclosure/<str:village_code>.pdf", views_funds.disclosure_pdf, name="disclosure_pdf"),
]
