"""Payroll pages (发放名册, 退票补发, 发放账户). Views only parse, check access, call an action or selector, and render.

Bank files and reconciliation live in ``views_bank``, budgets and the public disclosure in ``views_funds``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.areas.enums import AreaLevel
from minzheng.areas.selectors import area_list, area_path
from minzheng.audit.actions import client_ip, record_access
from minzheng.core.errors import ApplicationError, NotFoundError, ValidationErrors
from minzheng.payments import actions
from minzheng.payments.access import access_account_by_id, access_line_by_id, access_run_by_id
from minzheng.payments.enums import Flag, LineStatus, RunStatus
from minzheng.payments.forms import AccountDeactivateForm, LineResolveForm, RunCreateForm
from minzheng.payments.models import PayeeAccount, PayrollLine, PayrollRun
from minzheng.payments.programs import program_choices, program_label
from minzheng.payments.selectors import account_scope, line_scope, reissue_lines, run_lines, run_scope
from minzheng.web.listing import Column, paginate, xlsx_bytes, xlsx_response

FLAG_LABELS = dict(Flag.choices)


def _month(value: str) -> dt.date | None:
    """``2025-07`` (a month input) → 2025-07-01; anything else → None."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return None


def _or_404(call, *args):
    try:
        return call(*args)
    except NotFoundError as exc:
        raise Http404 from exc


def _run_area(code: str) -> str:
    """A run's area by name, the district included ("毛集实验区", "毛集实验区·毛集镇")."""
    return area_path(code, from_level=AreaLevel.DISTRICT)


def _flag_labels(flags) -> list[str]:
    labels = []
    for flag in flags or []:
        code = flag.get("code", "") if isinstance(flag, dict) else str(flag)
        labels.append(FLAG_LABELS.get(code, code))
    return labels


# ---------------------------------------------------------------------------------------------------- runs


@dataclass(frozen=True)
class RunFilters:
    program: str = ""
    month: str = ""
    status: str = ""


def _run_filters(request) -> RunFilters:
    get = request.GET
    program = get.get("program", "")
    month = get.get("month", "").strip()[:7]
    status = get.get("status", "")
    return RunFilters(program=program if program in dict(program_choices()) else "",
                      month=month if _month(month) else "",
                      status=status if status in RunStatus.values else "")


RUN_COLUMNS = [
    Column("发放月份", lambda r: f"{r.period:%Y-%m}", 10),
    Column("救助项目", lambda r: program_label(r.program), 16),
    Column("发放范围", lambda r: _run_area(r.area_id), 24),
    Column("状态", lambda r: r.get_status_display(), 12),
    Column("名册人数", lambda r: r.line_count, 10),
    Column("应发笔数", lambda r: r.payable_count, 10),
    Column("应发金额（元）", lambda r: r.payable_fen / 100, 16),
    Column("暂缓笔数", lambda r: r.held_count, 10),
    Column("暂缓金额（元）", lambda r: r.held_fen / 100, 16),
    Column("发放成功金额（元）", lambda r: r.paid_fen / 100, 18),
    Column("发放失败笔数", lambda r: r.failed_count, 12),
    Column("制表人", lambda r: str(r.created_by), 12),
]


def run_list(request):
    require(request.user, Perm.PAYMENTS_VIEW)
    filters = _run_filters(request)
    runs = run_scope(request.user).select_related("area", "created_by")
    if filters.program:
        runs = runs.filter(program=filters.program)
    if filters.month:
        runs = runs.filter(period=_month(filters.month))
    if filters.status:
        runs = runs.filter(status=filters.status)
    runs = runs.order_by("-period", "program", "area__code")
    if request.GET.get("export") == "xlsx":
        content = xlsx_bytes(title="发放名册", columns=RUN_COLUMNS, rows=runs)
        return xlsx_response(filename=f"发放名册列表_{dt.date.today():%Y%m%d}.xlsx", content=content)
    page = paginate(request, runs)
    page.object_list = list(page.object_list)
    for run in page.object_list:
        run.program_label = program_label(run.program)
        run.area_label = _run_area(run.area_id)
    return render(request, "payments/run_list.html", {
        "page_title": "发放名册", "breadcrumbs": [("资金发放", None), ("发放名册", None)],
        "page_obj": page, "filters": filters, "program_choices": program_choices(),
        "status_choices": RunStatus.choices, "can_prepare": has_perm(request.user, Perm.PAYROLL_PREPARE),
    })


@require_http_methods(["GET", "POST"])
def run_create(request):
    require(request.user, Perm.PAYROLL_PREPARE)
    today = dt.date.today()
    form = RunCreateForm(request.POST if request.method == "POST" else None, user=request.user,
                         initial={"month": f"{today:%Y-%m}", "area": request.user.area_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = actions.payroll_run_create(acting_user=request.user, program=data["program"],
                                             area_code=data["area"], period=data["month"])
        except ApplicationError as error:
            problems = error.errors if isinstance(error, ValidationErrors) else [error]
            for problem in problems:
                field = {"area_code": "area", "period": "month"}.get(problem.field or "", problem.field)
                form.add_error(field if field in form.fields else None, problem.message)
        else:
            messages.success(request, f"已开始生成{program_label(run.program)}{run.period:%Y年%m月}发放名册")
            return redirect("payments:run_detail", run_id=run.pk)
    return render(request, "payments/run_form.html", {
        "page_title": "生成发放名册", "form": form,
        "breadcrumbs": [("发放名册", reverse("payments:run_list")), ("生成发放名册", None)],
    })


@dataclass(frozen=True)
class LineFilters:
    status: str = ""
    flagged: bool = False
    village: str = ""


def _line_filters(request) -> LineFilters:
    get = request.GET
    status = get.get("status", "")
    return LineFilters(status=status if status in LineStatus.values else "", flagged=get.get("flagged") == "1",
                       village=get.get("village", "").strip()[:12])


def _filtered_lines(user, run: PayrollRun, filters: LineFilters):
    lines = run_lines(user=user, run=run).select_related("account")
    if filters.status:
        lines = lines.filter(status=filters.status)
    if filters.flagged:
        lines = lines.exclude(flags=[])
    if filters.village:
        lines = lines.filter(area__code__startswith=filters.village)
    return lines.order_by("area__code", "payee_name", "source_key")


def _run_context(request, run: PayrollRun) -> dict:
    return {
        "run": run, "program_label": program_label(run.program), "area_label": _run_area(run.area_id),
        "generating": run.status == RunStatus.GENERATING,
    }


def run_detail(request, run_id):
    run = _or_404(access_run_by_id, request.user, run_id)
    if request.headers.get("HX-Request") and request.GET.get("fragment") == "progress":
        # The generating banner polls here; once the job has finished the whole page is reloaded.
        if run.status != RunStatus.GENERATING:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "payments/run_progress.html", _run_context(request, run))
    filters = _line_filters(request)
    page = paginate(request, _filtered_lines(request.user, run, filters))
    page.object_list = list(page.object_list)
    for line in page.object_list:
        line.flag_labels = _flag_labels(line.flags)
    record_access(actor=request.user, action="view_detail", obj=run, area_code=run.area_id,
                  fields=["lines"], ip_address=client_ip(request))
    buttons = actions.allowed_run_actions(request.user, run)
    return render(request, "payments/run_detail.html", {
        **_run_context(request, run),
        "page_title": "发放名册", "page_obj": page, "filters": filters, "buttons": buttons,
        "breadcrumbs": [("发放名册", reverse("payments:run_list")),
                        (f"{run.period:%Y年%m月} {program_label(run.program)}", None)],
        "line_status_choices": LineStatus.choices,
        "village_choices": [(a.code, area_path(a.code))
                            for a in area_list(user=request.user, level="village", within=run.area.prefix)],
        "has_bank_file": _has_bank_file(run),
        "reconciliations": list(run.reconciliations.all()[:5]),
    })


def _has_bank_file(run: PayrollRun) -> bool:
    from minzheng.payments.models import BankFile

    return BankFile.objects.filter(run=run).exists()


# verb → (call, success message). Each call gets the user, the run and the POST data.
RUN_ACTIONS = {
    "regenerate": (lambda u, r, p: actions.payroll_run_regenerate(acting_user=u, run=r), "已开始重新生成发放名册"),
    "review": (lambda u, r, p: actions.payroll_run_review(acting_user=u, run=r), "已审核，待批准"),
    "return": (lambda u, r, p: actions.payroll_run_return(acting_user=u, run=r, reason=p.get("reason", "")),
               "已退回修改"),
    "approve": (lambda u, r, p: actions.payroll_run_approve(acting_user=u, run=r), "已批准，可导出银行代发文件"),
    "close": (lambda u, r, p: actions.payroll_run_close(acting_user=u, run=r), "已关闭发放名册"),
}


@require_POST
def run_action(request, run_id, verb):
    if verb not in RUN_ACTIONS:
        raise Http404
    run = _or_404(access_run_by_id, request.user, run_id)
    call, done = RUN_ACTIONS[verb]
    try:
        call(request.user, run, request.POST)
    except ApplicationError as error:
        if error.http_status == 404:
            raise Http404 from error
        if error.http_status == 403:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("payments:run_detail", run_id=run.pk)


LINE_COLUMNS = [
    Column("村（社区）", lambda line: area_path(line.area_id), 28),
    Column("领款人", lambda line: line.payee_name, 12),
    Column("代发银行", lambda line: line.account.bank_name if line.account else "", 16),
    Column("账号", lambda line: line.account.masked_account if line.account else "", 24),
    Column("保障人数", lambda line: line.member_count, 10),
    Column("本月应发（元）", lambda line: line.current_fen / 100, 14),
    Column("补发（元）", lambda line: line.arrears_fen / 100, 12),
    Column("扣减（元）", lambda line: line.deduction_fen / 100, 12),
    Column("实发金额（元）", lambda line: line.amount_fen / 100, 14),
    Column("核查提示", lambda line: "；".join(_flag_labels(line.flags)), 30),
    Column("状态", lambda line: line.get_status_display(), 16),
    Column("失败原因", lambda line: line.fail_reason, 20),
]


def run_lines_export(request, run_id):
    run = _or_404(access_run_by_id, request.user, run_id)
    filters = _line_filters(request)
    lines = _filtered_lines(request.user, run, filters)
    count = lines.count()
    record_access(actor=request.user, action="export", object_type="payments.payrollline",
                  object_repr=f"发放明细导出（{count}条）", area_code=run.area_id,
                  fields=["payee_name", "account_number", "amount_fen"], reason=str(run),
                  ip_address=client_ip(request))
    content = xlsx_bytes(title="发放明细", columns=LINE_COLUMNS, rows=lines.iterator())
    name = f"发放明细_{program_label(run.program)}_{run.period:%Y%m}_{run.area_id}.xlsx"
    return xlsx_response(filename=name, content=content)


# ---------------------------------------------------------------------------------------------------- lines


def _month_label(key: str) -> str:
    if len(key) >= 7 and key[4] == "-" and key[5:7].isdigit():
        return f"{key[:4]}年{int(key[5:7])}月"
    return key


def _adjustments(user, adjustments) -> dict | None:
    """The line's arrears and deductions, readable: what was due month by month in the ledger window, what
    earlier months' runs settled, the difference and the failed payments re-issued in this line.

    ``adjustments`` is what the engine writes: ``due_by_month`` (``{"2025-05": fen}``), ``due_before_fen``,
    ``settled_before_fen``, ``carried_deduction_fen`` and ``reissue`` (ids of failed lines).
    """
    if not isinstance(adjustments, dict) or not adjustments:
        return None
    by_month = adjustments.get("due_by_month") or {}
    months = [{"month": _month_label(str(key)), "due": int(value or 0)}
              for key, value in sorted(by_month.items()) if isinstance(value, int | float)]
    due = int(adjustments.get("due_before_fen") or 0)
    settled = int(adjustments.get("settled_before_fen") or 0)
    reissued = []
    ids = [str(pk) for pk in adjustments.get("reissue") or []]
    if ids:
        reissued = list(line_scope(user).filter(pk__in=ids).select_related("run", "account")
                        .order_by("period"))
    return {"months": months, "due": due, "settled": settled, "difference": due - settled,
            "carried": int(adjustments.get("carried_deduction_fen") or 0), "reissued": reissued,
            "reissue_count": len(ids)}


def line_detail(request, line_id):
    line = _or_404(access_line_by_id, request.user, line_id)
    run = line.run
    record_access(actor=request.user, action="view_detail", obj=line, area_code=line.area_id,
                  fields=["payee_name", "account", "amount_fen"], ip_address=client_ip(request))
    can_resolve = (has_perm(request.user, Perm.PAYROLL_PREPARE) and line.status == LineStatus.HELD
                   and run.status in (RunStatus.DRAFT, RunStatus.REVIEWED))
    return render(request, "payments/line_detail.html", _line_context(request, line, can_resolve,
                                                                       LineResolveForm() if can_resolve else None))


def _line_context(request, line: PayrollLine, can_resolve: bool, form) -> dict:
    run = line.run
    return {
        "page_title": "发放明细", "line": line, "run": run, "program_label": program_label(run.program),
        "area_label": area_path(line.area_id), "flag_labels": _flag_labels(line.flags),
        "adjustments": _adjustments(request.user, line.adjustments),
        "components": [(label, value) for label, value in (line.components or {}).items()
                       if isinstance(value, int)],
        "can_resolve": can_resolve, "form": form,
        "breadcrumbs": [("发放名册", reverse("payments:run_list")),
                        (f"{run.period:%Y年%m月} {program_label(run.program)}",
                         reverse("payments:run_detail", args=[run.pk])),
                        (line.payee_name, None)],
    }


@require_POST
def line_resolve(request, line_id):
    require(request.user, Perm.PAYROLL_PREPARE)
    line = _or_404(access_line_by_id, request.user, line_id)
    form = LineResolveForm(request.POST)
    if form.is_valid():
        try:
            actions.payroll_line_resolve(acting_user=request.user, line=line, release=form.release,
                                         reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            if error.http_status == 404:
                raise Http404 from error
            if error.http_status == 403:
                raise
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(request, "已恢复发放" if form.release else "已核实，不予发放")
            return redirect("payments:line_detail", line_id=line.pk)
    line.refresh_from_db()
    return render(request, "payments/line_detail.html", _line_context(request, line, True, form), status=400)


# ---------------------------------------------------------------------------------------------------- reissue


def _active_accounts_by_holder(bidxs) -> dict[str, PayeeAccount]:
    bidxs = {b for b in bidxs if b}
    if not bidxs:
        return {}
    return {a.holder_id_bidx: a for a in PayeeAccount.objects.filter(holder_id_bidx__in=bidxs, is_active=True)}


def _annotate_reissue(lines: list[PayrollLine]) -> None:
    """Whether the payee's account has been put right since the failure: the failed account was deactivated,
    or the active account was registered after the run was reconciled."""
    active = _active_accounts_by_holder(line.payee_id_bidx for line in lines)
    for line in lines:
        current = active.get(line.payee_id_bidx)
        reconciled_at = line.run.reconciled_at
        line.account_changed = (
            (line.account is not None and not line.account.is_active)
            or (current is not None and reconciled_at is not None and current.created_at > reconciled_at)
            or (current is not None and line.account_id is not None and current.pk != line.account_id))
        line.current_account = current
        line.program_label = program_label(line.program)


def _account_changed_q() -> Q:
    """The rule of ``_annotate_reissue`` as a filter, so that it can be paginated."""
    active = PayeeAccount.objects.filter(holder_id_bidx=OuterRef("payee_id_bidx"), is_active=True)
    return (Q(account__is_active=False)
            | Exists(active.filter(created_at__gt=OuterRef("run__reconciled_at")))
            | Exists(active.exclude(pk=OuterRef("account_id"))))


REISSUE_COLUMNS = [
    Column("发放月份", lambda line: f"{line.period:%Y-%m}", 10),
    Column("救助项目", lambda line: line.program_label, 16),
    Column("村（社区）", lambda line: area_path(line.area_id), 28),
    Column("领款人", lambda line: line.payee_name, 12),
    Column("原账号", lambda line: line.account.masked_account if line.account else "", 24),
    Column("金额（元）", lambda line: line.amount_fen / 100, 12),
    Column("失败原因", lambda line: line.fail_reason, 24),
    Column("账户已更正", lambda line: "是" if line.account_changed else "否", 10),
]


def reissue_list(request):
    require(request.user, Perm.PAYMENTS_VIEW)
    program = request.GET.get("program", "")
    program = program if program in dict(program_choices()) else ""
    changed = request.GET.get("changed", "")
    lines = reissue_lines(user=request.user).select_related("run", "account")
    if program:
        lines = lines.filter(program=program)
    lines = lines.order_by("-period", "area__code", "payee_name")
    if request.GET.get("export") == "xlsx":
        rows = list(lines[:10_000])
        _annotate_reissue(rows)
        record_access(actor=request.user, action="export", object_type="payments.payrollline",
                      object_repr=f"退票补发名单导出（{len(rows)}条）", fields=["payee_name", "account_number"],
                      ip_address=client_ip(request))
        return xlsx_response(filename=f"退票待补发_{dt.date.today():%Y%m%d}.xlsx",
                             content=xlsx_bytes(title="退票待补发", columns=REISSUE_COLUMNS, rows=rows))
    if changed in {"yes", "no"}:
        lines = lines.filter(_account_changed_q()) if changed == "yes" else lines.exclude(_account_changed_q())
    page = paginate(request, lines)
    page.object_list = list(page.object_list)
    _annotate_reissue(page.object_list)
    return render(request, "payments/reissue_list.html", {
        "page_title": "退票补发", "breadcrumbs": [("资金发放", None), ("退票补发", None)],
        "page_obj": page, "program": program, "changed": changed, "program_choices": program_choices(),
        "can_edit_accounts": has_perm(request.user, Perm.PAYEE_ACCOUNT_EDIT),
    })


# ---------------------------------------------------------------------------------------------------- accounts


def _require_accounts(user) -> None:
    if not (has_perm(user, Perm.PAYMENTS_VIEW) or has_perm(user, Perm.PAYEE_ACCOUNT_EDIT)):
        require(user, Perm.PAYMENTS_VIEW)


def account_list(request):
    _require_accounts(request.user)
    q = request.GET.get("q", "").strip()[:40]
    active = request.GET.get("active", "1")
    accounts = account_scope(request.user).select_related("person")
    if q:
        from minzheng.core import crypto

        compact = q.replace(" ", "").upper()
        if len(compact) == 18 and compact[:17].isdigit():
            accounts = accounts.filter(holder_id_bidx=crypto.blind_index(compact, purpose="id_number"))
        elif compact.isdigit() and len(compact) >= 12:
            accounts = accounts.filter(account_bidx=crypto.blind_index(compact, purpose="bank_account"))
        else:
            accounts = accounts.filter(holder_name__icontains=q)
    if active == "1":
        accounts = accounts.filter(is_active=True)
    elif active == "0":
        accounts = accounts.filter(is_active=False)
    accounts = accounts.order_by("holder_name", "-created_at")
    return render(request, "payments/account_list.html", {
        "page_title": "发放账户", "breadcrumbs": [("资金发放", None), ("发放账户", None)],
        "page_obj": paginate(request, accounts), "q": q, "active": active,
        "can_edit": has_perm(request.user, Perm.PAYEE_ACCOUNT_EDIT),
    })


@require_http_methods(["GET", "POST"])
def account_create(request):
    """登记发放账户: type the payee's ID number, or find the person in the registry of one's area first. A person
    who already has an active account gets it replaced (the old one is deactivated in the same step)."""
    from minzheng.payments.payee import (
        PayeeAccountForm,
        active_account_for,
        payee_account_create,
        payee_account_replace,
    )
    from minzheng.registry.access import access_person_by_id
    from minzheng.registry.selectors import PersonFilters, person_list

    require(request.user, Perm.PAYEE_ACCOUNT_EDIT)
    data = request.POST if request.method == "POST" else None
    person_id = request.GET.get("person", "")
    person = _or_404(access_person_by_id, request.user, person_id) if person_id else None
    current = active_account_for(person) if person is not None else None
    if current is not None:
        form = PayeeAccountForm(data, user=request.user, account=current)
    else:
        form = PayeeAccountForm(data, user=request.user, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            if current is not None:
                account = payee_account_replace(acting_user=request.user, account=current, **form.action_kwargs())
            else:
                kwargs = dict(form.cleaned_data)
                if person is not None:
                    kwargs["person"] = person
                account = payee_account_create(acting_user=request.user, **kwargs)
        except ApplicationError as error:
            if error.http_status == 404:
                raise Http404 from error
            if error.http_status == 403:
                raise
            form.apply_error(error)
        else:
            messages.success(request, "已更换发放账户，原账户已停用" if current else "已登记发放账户")
            return redirect("payments:account_detail", account_id=account.pk)
    q = request.GET.get("q", "").strip()[:40]
    found = list(person_list(user=request.user, filters=PersonFilters(q=q, alive="alive"))
                 .select_related("hukou_area")[:20]) if q and person is None else []
    return render(request, "payments/account_form.html", {
        "page_title": "更换发放账户" if current else "登记发放账户", "form": form, "person": person,
        "current": current, "q": q, "persons": found,
        "breadcrumbs": [("发放账户", reverse("payments:account_list")), ("登记发放账户", None)],
    })


def account_detail(request, account_id):
    _require_accounts(request.user)
    account = _or_404(access_account_by_id, request.user, account_id)
    record_access(actor=request.user, action="view_detail", obj=account, area_code=account.person.hukou_area_id
                  if account.person_id else "", fields=["holder_id_number", "account_number"],
                  ip_address=client_ip(request))
    payments = (line_scope(request.user).filter(account=account).select_related("run")
                .order_by("-period", "program")[:24])
    history = (account_scope(request.user).filter(holder_id_bidx=account.holder_id_bidx)
               .exclude(pk=account.pk).order_by("-created_at"))
    payments = list(payments)
    for line in payments:
        line.program_label = program_label(line.program)
    can_edit = has_perm(request.user, Perm.PAYEE_ACCOUNT_EDIT)
    return render(request, "payments/account_detail.html", {
        "page_title": "发放账户", "account": account, "payments": payments, "history": history,
        "can_deactivate": can_edit and account.is_active, "can_edit": can_edit,
        "deactivate_form": AccountDeactivateForm(),
        "breadcrumbs": [("发放账户", reverse("payments:account_list")), (account.holder_name, None)],
    })


@require_POST
def account_deactivate(request, account_id):
    from minzheng.payments.payee import payee_account_deactivate

    require(request.user, Perm.PAYEE_ACCOUNT_EDIT)
    account = _or_404(access_account_by_id, request.user, account_id)
    form = AccountDeactivateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写停用原因")
    else:
        try:
            payee_account_deactivate(acting_user=request.user, account=account, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            if error.http_status == 404:
                raise Http404 from error
            if error.http_status == 403:
                raise
            messages.error(request, error.message)
        else:
            messages.success(request, "已停用发放账户")
    return redirect("payments:account_detail", account_id=account.pk)

