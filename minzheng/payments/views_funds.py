"""Funds pages (资金预算), the monthly finance report and the public disclosure (按月公示).

Views only parse, check access, call an action or selector, and render. A list of persons (the disclosure PDF)
is logged in the access log before it is built: a read that cannot be logged does not happen.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.areas.selectors import area_path
from minzheng.audit.actions import client_ip, record_access
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.identifiers import parse_uuid
from minzheng.documents.pdf import render_form
from minzheng.documents.views import pdf_response
from minzheng.payments import disclosure, funds, reports
from minzheng.payments.access import access_run_by_id
from minzheng.payments.forms_funds import ERROR_FIELDS, BudgetForm
from minzheng.payments.programs import program_label
from minzheng.payments.selectors import budget_scope, line_scope
from minzheng.web.listing import xlsx_response

FUNDS_TITLE = "资金预算"


def _int_param(request, name: str, default: int, *, low: int, high: int) -> int:
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return default
    return value if low <= value <= high else default


def _year(request) -> int:
    today = timezone.localdate()
    return _int_param(request, "year", today.year, low=funds.MIN_YEAR, high=today.year + funds.MAX_YEARS_AHEAD)


def _bar_class(usage) -> str:
    """Bootstrap colour of a usage bar: red at the warning threshold, amber from 3/4 of it."""
    if usage.warning:
        return "text-danger"
    ratio = usage.ratio_permille
    if ratio is not None and ratio * 4 >= usage.threshold_permille * 3:
        return "text-warning"
    return "text-success"


def _percent(permille: int | None) -> str:
    if permille is None:
        return "—"
    return f"{permille // 10}.{permille % 10}%"


# ------------------------------------------------------------------------------------------------- funds


@require_GET
def funds_overview(request):
    require(request.user, Perm.PAYMENTS_VIEW)
    year = _year(request)
    usage = funds.fund_usage(year=year)
    rows = [{"usage": item, "bar_class": _bar_class(item), "percent": _percent(item.ratio_permille),
             "bar_value": min(item.ratio_permille or 0, 1000),
             "sources": [{"source": s, "percent": _percent(s.ratio_permille),
                          "bar_value": min(s.ratio_permille or 0, 1000)} for s in item.sources]}
            for item in usage]
    threshold = usage[0].threshold_permille if usage else funds.warning_threshold(on=timezone.localdate())
    return render(request, "payments/funds_overview.html", {
        "page_title": FUNDS_TITLE, "breadcrumbs": [("资金发放", None), (FUNDS_TITLE, None)],
        "year": year, "years": funds.budget_years(), "rows": rows,
        "warnings": [item for item in usage if item.warning],
        "threshold_percent": _percent(threshold),
        "totals": {"budget_fen": sum(i.budget_fen for i in usage), "spent_fen": sum(i.spent_fen for i in usage)},
        "can_manage": has_perm(request.user, Perm.FUNDS_MANAGE),
        "report_month": timezone.localdate().month if year == timezone.localdate().year else 12,
        "months": range(1, 13),
    })


def _budget_form_page(request, form: BudgetForm, *, title: str):
    return render(request, "payments/budget_form.html", {
        "form": form, "page_title": title, "budget": form.budget,
        "breadcrumbs": [(FUNDS_TITLE, reverse("payments:funds_overview")), (title, None)],
    })


def _save_budget(request, form: BudgetForm):
    data = form.cleaned_data
    try:
        budget = funds.budget_set(acting_user=request.user, year=data["year"], program=data["program"],
                                  source=data["source"], amount_fen=data["amount"], document=data["document"])
    except ApplicationError as error:
        field = ERROR_FIELDS.get(error.field or "")
        form.add_error(field if field in form.fields and not form.fields[field].disabled else None, error.message)
        return None
    messages.success(request, f"已保存{budget.year}年{program_label(budget.program)}"
                              f"{budget.get_source_display()}预算")
    return redirect(f"{reverse('payments:funds_overview')}?year={budget.year}")


@require_http_methods(["GET", "POST"])
def budget_create(request):
    require(request.user, Perm.FUNDS_MANAGE)
    if request.method == "POST":
        form = BudgetForm(request.POST)
        if form.is_valid() and (response := _save_budget(request, form)) is not None:
            return response
    else:
        get = request.GET
        form = BudgetForm(initial={"year": _year(request), "program": get.get("program", "")[:32],
                                   "source": get.get("source", "")[:16]})
    return _budget_form_page(request, form, title="登记资金预算")


@require_http_methods(["GET", "POST"])
def budget_edit(request, budget_id):
    require(request.user, Perm.FUNDS_MANAGE)
    pk = parse_uuid(budget_id)
    budget = budget_scope(request.user).filter(pk=pk).first() if pk else None
    if budget is None:
        raise Http404
    form = BudgetForm(request.POST if request.method == "POST" else None, budget=budget)
    if request.method == "POST" and form.is_valid() and (response := _save_budget(request, form)) is not None:
        return response
    return _budget_form_page(request, form, title="调整资金预算")


@require_GET
def finance_report_xlsx(request):
    require(request.user, Perm.PAYMENTS_VIEW)
    today = timezone.localdate()
    year = _year(request)
    month = _int_param(request, "month", today.month if year == today.year else 12, low=1, high=12)
    report = reports.finance_report(lines=line_scope(request.user), year=year, month=month)
    record_access(actor=request.user, action="export", object_type="payments.payrollline",
                  object_repr=f"{reports.REPORT_TITLE} {year}年{month}月", area_code=request.user.area_id or "",
                  fields=["program", "town", "amounts", "budget"], reason=reports.REPORT_TITLE,
                  ip_address=client_ip(request))
    content = reports.finance_report_xlsx(report, generated_by=request.user.display_name)
    return xlsx_response(filename=reports.report_filename(year, month), content=content)


# ----------------------------------------------------------------------------------------- disclosure


def _run(request, run_id):
    try:
        return access_run_by_id(request.user, run_id)
    except NotFoundError as exc:
        raise Http404 from exc


@require_GET
def disclosure_index(request, run_id):
    run = _run(request, run_id)
    villages = disclosure.disclosure_villages(user=request.user, run=run) if disclosure.can_disclose(run) else []
    label = program_label(run.program)
    return render(request, "payments/disclosure_index.html", {
        "run": run, "program_label": label, "villages": villages, "can_disclose": disclosure.can_disclose(run),
        "run_area": area_path(run.area_id), "period": run.period,
        "page_title": "发放公示",
        "breadcrumbs": [("发放名册", reverse("payments:run_list")),
                        (f"{run.period.year}年{run.period.month}月 {label}",
                         reverse("payments:run_detail", args=[run.pk])),
                        ("发放公示", None)],
        "totals": {"listed": sum(v.listed for v in villages), "withheld": sum(v.withheld for v in villages)},
    })


@require_GET
def disclosure_pdf(request, run_id, village_code):
    run = _run(request, run_id)
    try:
        village = disclosure.access_disclosure_village(user=request.user, run=run, village_code=village_code)
    except NotFoundError as exc:
        raise Http404 from exc
    disclosure.check_disclosable(run)
    title = disclosure.disclosure_title(run=run, village=village)
    record_access(actor=request.user, action="print", obj=run, area_code=village.code,
                  fields=disclosure.DISCLOSURE_FIELDS, reason=title, ip_address=client_ip(request))
    document = disclosure.disclosure_document(user=request.user, run=run, village=village)
    filename = f"发放公示_{village.name}_{run.period:%Y%m}_{run.program}.pdf"
    return pdf_response(content=render_form(document), filename=filename)

