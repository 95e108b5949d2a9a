"""Bank file (一卡通代发文件) and return-file reconciliation (回盘对账) pages of a payroll run."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.areas.selectors import area_path
from minzheng.audit.actions import client_ip, record_access
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.money import format_fen
from minzheng.core.spreadsheets import check_size
from minzheng.payments import bankfiles, reconciliation
from minzheng.payments.access import access_reconciliation_by_id, access_run_by_id
from minzheng.payments.enums import LineStatus, ReconciliationOutcome, RunStatus
from minzheng.payments.models import BankFile, BankLayout, PayrollRun
from minzheng.payments.programs import program_label
from minzheng.payments.selectors import run_lines

DEMO_FAILURE_REASON = "账户已销户（演示）"


class BankFileExportForm(forms.Form):
    layout = forms.ModelChoiceField(label="银行文件格式", queryset=BankLayout.objects.none(), empty_label=None,
                                    widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["layout"].queryset = BankLayout.objects.filter(is_active=True).order_by("code")


class ReturnFileForm(forms.Form):
    file = forms.FileField(label="银行回盘文件", help_text="银行返回的代发结果文件（.csv 或 .xlsx）",
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".csv,.xlsx"}))


def _run(request, run_id) -> PayrollRun:
    try:
        run = access_run_by_id(request.user, run_id)
    except NotFoundError as exc:
        raise Http404 from exc
    # A bank file holds every line of the run with full account numbers: only someone whose area contains the
    # whole run handles it.
    if not bankfiles.covers_run(request.user, run):
        raise Http404
    return run


def _run_title(run: PayrollRun) -> str:
    return f"{run.period.year}年{run.period.month}月 {program_label(run.program)}发放名册"


def _breadcrumbs(run: PayrollRun, last: str) -> list:
    return [("资金发放", reverse("payments:run_list")),
            (_run_title(run), reverse("payments:run_detail", kwargs={"run_id": run.pk})), (last, None)]


def _error_404(error: ApplicationError) -> None:
    if error.http_status == 404:
        raise Http404 from error


@require_http_methods(["GET", "POST"])
def bank_file_export(request, run_id):
    require(request.user, Perm.PAYROLL_DISBURSE)
    run = _run(request, run_id)
    form = BankFileExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank_file = bankfiles.bank_file_export(acting_user=request.user, run=run,
                                                   layout=form.cleaned_data["layout"])
        except ApplicationError as error:
            _error_404(error)
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已生成银行代发文件 {bank_file.filename}（{bank_file.line_count} 笔，"
                                      f"{format_fen(bank_file.total_fen)}），请下载后报送代发银行")
            return redirect("payments:run_detail", run_id=run.pk)
    lines = run_lines(user=request.user, run=run)
    pending = lines.filter(status=LineStatus.PENDING)
    summary = pending.aggregate(count=Count("pk"), total=Sum("amount_fen"),
                                no_account=Count("pk", filter=Q(account__isnull=True) | Q(account__is_active=False)))
    return render(request, "payments/bank_file_export.html", {
        "page_title": "导出银行代发文件", "run": run, "form": form, "summary": summary,
        "run_title": _run_title(run), "area_label": area_path(run.area_id),
        "bank_file": BankFile.objects.filter(run=run).first(),
        "can_export": run.status == RunStatus.APPROVED and form.fields["layout"].queryset.exists(),
        "breadcrumbs": _breadcrumbs(run, "导出银行代发文件"),
    })


@require_GET
def bank_file_download(request, run_id):
    require(request.user, Perm.PAYROLL_DISBURSE)
    run = _run(request, run_id)
    bank_file = BankFile.objects.filter(run=run).select_related("layout").first()
    if bank_file is None:
        raise Http404
    record_access(actor=request.user, action="export", obj=bank_file, area_code=run.area_id,
                  fields=["holder_name", "account_number", "amount_fen"],
                  reason=f"下载银行代发文件（{bank_file.line_count}笔）", ip_address=client_ip(request))
    response = HttpResponse(bankfiles.bank_file_bytes(bank_file), content_type=bankfiles.content_type(bank_file))
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=bank_file.filename)
    response["Cache-Control"] = "no-store"
    return response


def _simulated_return_file(request, run: PayrollRun) -> HttpResponse:
    """Demo only: the return file the bank would send, with the seqs in ``?fail=3,7`` failed."""
    bank_file = BankFile.objects.filter(run=run).select_related("layout", "run").first()
    if bank_file is None:
        raise Http404
    failures = {int(seq): DEMO_FAILURE_REASON for seq in request.GET.get("fail", "").split(",")
                if seq.strip().isdigit()}
    record_access(actor=request.user, action="export", obj=bank_file, area_code=run.area_id,
                  fields=["holder_name", "account_number", "amount_fen"], reason="下载模拟回盘文件（演示）",
                  ip_address=client_ip(request))
    content = bankfiles.simulate_return_file(bank_file, failures=failures)
    spec = reconciliation.return_spec(bank_file.layout)
    is_xlsx = spec.get("format") == "xlsx"
    filename = bank_file.filename.rsplit(".", 1)[0] + ("_回盘模拟.xlsx" if is_xlsx else "_回盘模拟.csv")
    content_type = bankfiles.CONTENT_TYPES["xlsx"] if is_xlsx else "text/csv"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def reconciliation_upload(request, run_id):
    require(request.user, Perm.PAYROLL_DISBURSE)
    run = _run(request, run_id)
    demo = getattr(settings, "MINZHENG_DEMO", False)
    if request.method == "GET" and demo and request.GET.get("simulate"):
        return _simulated_return_file(request, run)
    form = ReturnFileForm(request.POST or None, request.FILES or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)
            item = reconciliation.reconciliation_import(acting_user=request.user, run=run, filename=upload.name,
                                                        content=upload.read())
        except ApplicationError as error:
            _error_404(error)
            form.add_error("file", error.message)
        else:
            if item.outcome == ReconciliationOutcome.ACCEPTED:
                messages.success(request, f"对账完成：发放成功 {item.paid_count} 笔 {format_fen(item.paid_fen)}，"
                                          f"失败 {item.failed_count} 笔 {format_fen(item.failed_fen)}")
                return redirect("payments:reconciliation_detail", reconciliation_id=item.pk)
            refused = item
    bank_file = BankFile.objects.filter(run=run).select_related("layout").first()
    columns = []
    if bank_file is not None:
        try:
            columns = [column["header"] for column in reconciliation.return_spec(bank_file.layout)["columns"]]
        except ApplicationError:
            columns = []
    return render(request, "payments/reconciliation_upload.html", {
        "page_title": "导入银行回盘文件", "run": run, "form": form, "refused": refused, "bank_file": bank_file,
        "columns": columns, "run_title": _run_title(run), "area_label": area_path(run.area_id),
        "can_import": run.status == RunStatus.EXPORTED and bank_file is not None,
        "demo": demo and bank_file is not None,
        "breadcrumbs": _breadcrumbs(run, "导入银行回盘文件"),
    })


def reconciliation_detail(request, reconciliation_id):
    try:
        item = access_reconciliation_by_id(request.user, reconciliation_id)
    except NotFoundError as exc:
        raise Http404 from exc
    run = item.run
    failed = []
    if item.outcome == ReconciliationOutcome.ACCEPTED:
        failed = list(run_lines(user=request.user, run=run).filter(status=LineStatus.FAILED)
                      .select_related("account").order_by("seq"))
        if failed:
            record_access(actor=request.user, action="view_detail", obj=item, area_code=run.area_id,
                          fields=["payee_name", "account_number(masked)", "fail_reason"],
                          ip_address=client_ip(request))
    return render(request, "payments/reconciliation_detail.html", {
        "page_title": "银行回盘对账", "item": item, "run": run, "failed": failed,
        "run_title": _run_title(run), "area_label": area_path(run.area_id),
        "can_retry": (item.outcome == ReconciliationOutcome.REFUSED and run.status == RunStatus.EXPORTED
                      and has_perm(request.user, Perm.PAYROLL_DISBURSE) and bankfiles.covers_run(request.user, run)),
        "breadcrumbs": _breadcrumbs(run, "银行回盘对账"),
    })
