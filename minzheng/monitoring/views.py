"""The monitoring page (监测预警), comparison runs (数据比对) and alerts as tasks (预警任务). Views only parse, check
access, call an action or selector, and render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.areas.selectors import area_choices, area_path
from minzheng.audit.actions import client_ip, record_access
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.masking import mask_name
from minzheng.jobs.actions import job_enqueue
from minzheng.monitoring import alerts, reports, selectors
from minzheng.monitoring.access import access_alert_by_id, access_run_by_id
from minzheng.monitoring.enums import AlertOutcome, AlertStatus, MonitoringRunStatus
from minzheng.monitoring.forms import AssignForm, CloseForm, RunStartForm, VisitForm, parse_month
from minzheng.monitoring.models import Alert
from minzheng.web.listing import paginate, xlsx_response

RUN_KIND = "monitoring_comparison_run"


def _today() -> dt.date:
    return timezone.localdate()


# --- The monitoring page and its report ---------------------------------------------------------------------


def _month(request) -> dt.date:
    return parse_month(request.GET.get("month", ""), _today())


def _report(request):
    month = _month(request)
    return reports.monitoring_report(user=request.user, year=month.year, month=month.month, today=_today())


def _chart_payload(data: selectors.Dashboard, report: reports.MonitoringReport) -> dict:
    subtotals = [row for row in report.rows if row.kind == reports.ROW_SUBTOTAL]
    return {
        **data.chart_data(),
        "kpis": {"total": data.total, "open": data.open, "overdue": data.overdue, "unassigned": data.unassigned,
                 "closed": data.closed},
        "month": {"label": f"{report.year}年{report.month}月", "names": [r.area_name for r in subtotals],
                  "raised": [r.raised for r in subtotals], "closed": [r.closed_total for r in subtotals],
                  "overdue": [r.overdue for r in subtotals]},
    }


def dashboard(request):
    require(request.user, Perm.MONITORING_VIEW)
    today = _today()
    data = selectors.dashboard(user=request.user, today=today)
    report = _report(request)
    month = report.period
    context = {
        "page_title": "监测预警", "breadcrumbs": [("社会救助", None), ("监测预警", None)],
        "data": data, "report": report, "month_value": f"{month:%Y-%m}",
        "report_rows": [row for row in report.rows if row.kind != reports.ROW_DETAIL],
        "outcome_labels": [label for _, label in AlertOutcome.choices], "outcomes": reports.OUTCOMES,
        "data_url": f"{reverse('monitoring:report_data')}?month={month:%Y-%m}",
        "xlsx_url": f"{reverse('monitoring:report_xlsx')}?month={month:%Y-%m}",
        "can_run": has_perm(request.user, Perm.MONITORING_RUN),
        # The charts' figures travel in a JSON data block (never executed, so the CSP allows it), the same as
        # report_data answers: one request draws the page.
        "chart_payload": _chart_payload(data, report),
    }
    return render(request, "monitoring/dashboard.html", context)


def report_data(request):
    """The figures of the monitoring page's charts as JSON (the page's static script draws them)."""
    require(request.user, Perm.MONITORING_VIEW)
    payload = _chart_payload(selectors.dashboard(user=request.user, today=_today()), _report(request))
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def report_xlsx(request):
    require(request.user, Perm.MONITORING_VIEW)
    report = _report(request)
    content = reports.monitoring_report_xlsx(report, generated_by=request.user.display_name)
    return xlsx_response(filename=reports.report_filename(report.year, report.month), content=content)


# --- Comparison runs ----------------------------------------------------------------------------------------


def _run_status(run) -> tuple[str, str]:
    """The run's status, with the job's when the job ended without finishing the run (failed or cancelled)."""
    if run.status == MonitoringRunStatus.RUNNING and run.job is not None and run.job.is_finished:
        return MonitoringRunStatus.FAILED, "未完成（比对任务已终止）"
    return run.status, run.get_status_display()


def run_list(request):
    require(request.user, Perm.MONITORING_VIEW)
    page = paginate(request, selectors.run_list(user=request.user))
    page.object_list = list(page.object_list)
    for run in page.object_list:
        run.status_value, run.status_label = _run_status(run)
    return render(request, "monitoring/run_list.html", {
        "page_title": "数据比对", "breadcrumbs": [("社会救助", None), ("数据比对", None)], "page_obj": page,
        "can_run": has_perm(request.user, Perm.MONITORING_RUN),
        "form": RunStartForm(initial={"as_of": _today().isoformat()}),
    })


@require_POST
def run_start(request):
    require(request.user, Perm.MONITORING_RUN)
    form = RunStartForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("monitoring:run_list")
    try:
        job = job_enqueue(acting_user=request.user, kind=RUN_KIND,
                          parameters={"as_of": form.cleaned_data["as_of"].isoformat(),
                                      "area_code": request.user.area_id})
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("monitoring:run_list")
    messages.success(request, "已开始数据比对，完成后可在“数据比对”中查看结果")
    return redirect("jobs:job_detail", job_id=job.pk)


def run_detail(request, run_id):
    try:
        run = access_run_by_id(request.user, run_id)
    except NotFoundError as exc:
        raise Http404 from exc
    status_value, status_label = _run_status(run)
    inputs = run.inputs or {}
    outputs = run.outputs or {}
    rule_rows = [{"code": code, "title": alerts.rule_title(code), "version": version}
                 for code, version in sorted((run.rule_versions or {}).items())]
    scoped = selectors.alert_scope(request.user)
    return render(request, "monitoring/run_detail.html", {
        "page_title": f"比对批次 · {run.as_of:%Y-%m-%d}", "run": run, "status_value": status_value,
        "status_label": status_label, "inputs": inputs, "outputs": outputs,
        "feed_files": selectors.run_feed_files(run), "snapshot_rows": selectors.run_snapshot_tables(run),
        "rule_rows": rule_rows,
        "parameter_rows": sorted((run.parameters or {}).items()),
        "area_label": area_path(run.area_id) or run.area.name,
        "raised_here": scoped.filter(raised_in=run).count(), "seen_here": scoped.filter(last_seen_in=run).count(),
        "breadcrumbs": [("数据比对", reverse("monitoring:run_list")), (f"{run.as_of:%Y-%m-%d}", None)],
    })


# --- Alerts -----------------------------------------------------------------------------------------------


def alert_list(request):
    require(request.user, Perm.MONITORING_VIEW)
    get = request.GET
    status = get.get("status", "")
    outcome = get.get("outcome", "")
    run = get.get("run", "").strip()[:36]
    filters = selectors.AlertFilters(
        rule=get.get("rule", "").strip()[:64], status=status if status in AlertStatus.values else "",
        overdue=get.get("overdue") == "1", area=get.get("area", "").strip()[:12],
        outcome=outcome if outcome in AlertOutcome.values else "", run=run if selectors._is_uuid(run) else "",
        mine=get.get("mine") == "1")
    today = _today()
    page = paginate(request, selectors.alert_list(user=request.user, filters=filters, today=today))
    page.object_list = list(page.object_list)
    for alert in page.object_list:
        alert.overdue = alerts.is_overdue(alert, today)
        alert.masked_name = mask_name(alert.person.name) if alert.person else "—"
    return render(request, "monitoring/alert_list.html", {
        "page_title": "预警任务", "breadcrumbs": [("社会救助", None), ("预警任务", None)], "page_obj": page,
        "filters": filters, "today": today, "status_choices": AlertStatus.choices,
        "outcome_choices": AlertOutcome.choices, "rule_choices": selectors.rule_choices(user=request.user),
        "area_choices": area_choices(user=request.user, levels=("town", "village")),
    })


def _alert(request, alert_id) -> Alert:
    try:
        return access_alert_by_id(request.user, alert_id)
    except NotFoundError as exc:
        raise Http404 from exc


def _buttons(user, alert: Alert) -> dict[str, bool]:
    return {
        "assign": has_perm(user, Perm.ALERT_ASSIGN) and alert.status in (AlertStatus.RAISED, AlertStatus.ASSIGNED),
        "visit": has_perm(user, Perm.ALERT_HANDLE) and alert.status == AlertStatus.ASSIGNED,
        "close": (has_perm(user, Perm.ALERT_HANDLE) and has_perm(user, Perm.ALERT_ASSIGN)
                  and alert.status == AlertStatus.VISITED),
    }


def alert_detail(request, alert_id, *, forms: dict | None = None):
    alert = _alert(request, alert_id)
    record_access(actor=request.user, action="view_detail", obj=alert, area_code=alert.area_id,
                  fields=["person.name", "person.id_number", "evidence"], ip_address=client_ip(request))
    today = _today()
    buttons = _buttons(request.user, alert)
    forms = forms or {}
    assignees = selectors.assignee_choices(alert=alert) if buttons["assign"] else []
    rule = alerts._rule(alert.rule_code)
    return render(request, "monitoring/alert_detail.html", {
        "page_title": "预警详情", "alert": alert, "today": today, "overdue": alerts.is_overdue(alert, today),
        "person_name": mask_name(alert.person.name) if alert.person else "",
        "rule_title": alerts.rule_title(alert.rule_code), "rule": rule,
        "area_label": area_path(alert.area_id), "evidence": selectors.evidence_rows(alert),
        "events": selectors.alert_events(user=request.user, alert=alert), "buttons": buttons,
        "assign_form": forms.get("assign") or AssignForm(assignees=assignees),
        "visit_form": forms.get("visit") or VisitForm(initial={"visited_on": today.isoformat()}),
        "close_form": forms.get("close") or CloseForm(),
        "can_view_assistance": has_perm(request.user, Perm.ASSISTANCE_VIEW),
        "breadcrumbs": [("预警任务", reverse("monitoring:alert_list")), ("预警详情", None)],
    })


def _errors_to_messages(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_POST
def alert_action(request, alert_id, verb):
    if verb not in ("assign", "visit", "close"):
        raise Http404
    alert = _alert(request, alert_id)
    user = request.user
    try:
        if verb == "assign":
            require(user, Perm.ALERT_ASSIGN)
            form = AssignForm(request.POST, assignees=selectors.assignee_choices(alert=alert))
            if not form.is_valid():
                _errors_to_messages(request, form)
                return redirect("monitoring:alert_detail", alert_id=alert.pk)
            alerts.alert_assign(acting_user=user, alert=alert, assignee=form.cleaned_data["assignee"])
            messages.success(request, f"已分派给{form.cleaned_data['assignee'].display_name}")
        elif verb == "visit":
            form = VisitForm(request.POST)
            if not form.is_valid():
                _errors_to_messages(request, form)
                return redirect("monitoring:alert_detail", alert_id=alert.pk)
            alerts.alert_record_visit(acting_user=user, alert=alert, visited_on=form.cleaned_data["visited_on"],
                                      notes=form.cleaned_data["notes"], today=_today())
            messages.success(request, "已登记入户核查情况")
        else:
            form = CloseForm(request.POST)
            if not form.is_valid():
                _errors_to_messages(request, form)
                return redirect("monitoring:alert_detail", alert_id=alert.pk)
            data = form.cleaned_data
            alert = alerts.alert_close(acting_user=user, alert=alert, outcome=data["outcome"], note=data["note"],
                                       check_authorized=data["check_authorized"], suspend=data["suspend"],
                                       today=_today())
            return _after_close(request, alert)
    except ApplicationError as error:
        if error.http_status == 404:
            raise Http404 from error
        messages.error(request, error.message)
    return redirect("monitoring:alert_detail", alert_id=alert.pk)


def _after_close(request, alert: Alert):
    """纳入救助 opens the new application; 调整/停发 opens the enrollment page, where the change is made."""
    can_view = has_perm(request.user, Perm.ASSISTANCE_VIEW)
    if alert.outcome == AlertOutcome.INCLUDE_AID and alert.application_id and can_view:
        messages.success(request, "预警已办结（纳入救助），已为该家庭提交救助申请，请继续办理受理、调查等环节")
        return redirect("assistance:application_detail", application_id=alert.application_id)
    if alert.outcome == AlertOutcome.ADJUST and alert.enrollment_id and can_view:
        suspended = "，已暂停发放" if alert.enrollment_change_id else ""
        messages.success(request, f"预警已办结（调整/停发）{suspended}，请在救助对象页面办理金额调整或退出")
        return redirect("assistance:enrollment_detail", enrollment_id=alert.enrollment_id)
    messages.success(request, f"预警已办结（{alert.get_outcome_display()}）")
    return redirect("monitoring:alert_detail", alert_id=alert.pk)
