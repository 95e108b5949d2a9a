"""Writes of payroll runs and their lines. Each action checks the permission and the status, changes the rows in
one transaction and records the audit event with them.

Races are settled by the database, not by reading first: creating the same run twice hits the unique constraint
(program, area, month) and returns the run that won; approving is a conditional update from 已审核, so of many
simultaneous approvals exactly one takes effect and the others are told the run changed.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.areas.enums import AreaLevel
from minzheng.areas.models import Area
from minzheng.audit.actions import record_event
from minzheng.core.errors import ApplicationError
from minzheng.jobs.actions import job_enqueue
from minzheng.payments.enums import RUN_TRANSITIONS, LineStatus, RunStatus
from minzheng.payments.models import PayrollLine, PayrollRun
from minzheng.payments.payroll import ZERO_NOTE, update_run_totals
from minzheng.payments.programs import get_program, month_start, next_month
from minzheng.payments.selectors import open_runs_before, overlapping_runs
from minzheng.payments.tasks import GENERATE_KIND

R = RunStatus


def _error(code: str, message: str, field: str | None = None) -> ApplicationError:
    return ApplicationError(f"payments_{code}", message, field=field)


def _snapshot(run: PayrollRun) -> dict:
    return {"status": run.status, "program": run.program, "area": run.area_id, "period": run.period.isoformat(),
            "payable_count": run.payable_count, "payable_fen": run.payable_fen, "held_count": run.held_count}


def _require_move(run: PayrollRun, target: str) -> None:
    if target not in RUN_TRANSITIONS.get(run.status, ()):
        raise _error("illegal_transition",
                     f"发放名册当前状态为「{run.get_status_display()}」，不能变更为「{R(target).label}」。")


def _in_scope(user, area_code: str) -> bool:
    return area_code.startswith(user.area_prefix)


def payroll_run_create(*, acting_user, program: str, area_code: str, period: dt.date,
                       today: dt.date | None = None) -> PayrollRun:
    """Create the run of a program for an area (district or town) and month and start its generation job."""
    require(acting_user, Perm.PAYROLL_PREPARE)
    get_program(program)
    area = Area.objects.filter(code=area_code).first()
    if area is None or not _in_scope(acting_user, area_code):
        raise _error("area_invalid", "发放范围不存在或不在您的管辖范围内。", "area_code")
    if area.level not in (AreaLevel.DISTRICT, AreaLevel.TOWN):
        raise _error("area_level", "发放名册按区或乡镇（街道）生成。", "area_code")
    period = month_start(period)
    today = today or timezone.localdate()
    if period > next_month(month_start(today)):
        raise _error("period_future", "只能生成本月或下月的发放名册。", "period")
    existing = PayrollRun.objects.filter(program=program, area=area, period=period).first()
    if existing is not None:
        return existing
    if overlapping_runs(program=program, area_code=area_code, period=period).exclude(area=area).exists():
        raise _error("overlap", f"{period:%Y年%m月}已有覆盖该范围的同项目发放名册，不能重复生成。", "area_code")
    earlier = open_runs_before(program=program, area_code=area_code, period=period).order_by("period").first()
    if earlier is not None:
        raise _error("earlier_open",
                     f"{earlier.period:%Y年%m月}的发放名册尚未批准，请先完成该月名册再生成{period:%Y年%m月}的名册。",
                     "period")
    try:
        with transaction.atomic():
            run = PayrollRun.objects.create(program=program, area=area, period=period, status=R.GENERATING,
                                            generation=1, created_by=acting_user)
            run.job = job_enqueue(acting_user=acting_user, kind=GENERATE_KIND, parameters={"run_id": str(run.pk)})
            run.save(update_fields=["job", "updated_at"])
            record_event(actor=acting_user, action="payroll.create", obj=run, area_code=area_code,
                         after=_snapshot(run))
    except IntegrityError:
        # Another request created the same run a moment ago: that one is the run.
        existing = PayrollRun.objects.filter(program=program, area=area, period=period).first()
        if existing is None:
            raise
        return existing
    return run


def payroll_run_regenerate(*, acting_user, run: PayrollRun) -> PayrollRun:
    require(acting_user, Perm.PAYROLL_PREPARE)
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        _require_move(run, R.GENERATING)
        before = _snapshot(run)
        run.status = R.GENERATING
        run.generation += 1
        run.reviewed_by = None
        run.reviewed_at = None
        run.save(update_fields=["status", "generation", "reviewed_by", "reviewed_at", "updated_at"])
        run.job = job_enqueue(acting_user=acting_user, kind=GENERATE_KIND, parameters={"run_id": str(run.pk)})
        run.save(update_fields=["job", "updated_at"])
        record_event(actor=acting_user, action="payroll.regenerate", obj=run, area_code=run.area_id, before=before,
                     after=_snapshot(run))
    return run


def _move(acting_user, run: PayrollRun, *, source: str, target: str, action: str, updates: dict,
          note: str = "") -> PayrollRun:
    """Conditional update from ``source``: of simultaneous requests exactly one moves the run."""
    with transaction.atomic():
        current = PayrollRun.objects.get(pk=run.pk)
        _require_move(current, target)
        if current.status != source:
            raise _error("illegal_transition", f"发放名册当前状态为「{current.get_status_display()}」，无法办理。")
        before = _snapshot(current)
        moved = PayrollRun.objects.filter(pk=run.pk, status=source).update(status=target, updated_at=timezone.now(),
                                                                            **updates)
        if moved != 1:
            raise _error("changed", "发放名册刚被他人办理，状态已变化，请刷新后查看。")
        current.refresh_from_db()
        record_event(actor=acting_user, action=action, obj=current, area_code=current.area_id, before=before,
                     after=_snapshot(current), note=note)
    return current


def payroll_run_review(*, acting_user, run: PayrollRun) -> PayrollRun:
    require(acting_user, Perm.PAYROLL_PREPARE)
    return _move(acting_user, run, source=R.DRAFT, target=R.REVIEWED, action="payroll.review",
                 updates={"reviewed_by": acting_user, "reviewed_at": timezone.now()})


def payroll_run_return(*, acting_user, run: PayrollRun, reason: str) -> PayrollRun:
    if not (has_perm(acting_user, Perm.PAYROLL_APPROVE) or has_perm(acting_user, Perm.PAYROLL_PREPARE)):
        require(acting_user, Perm.PAYROLL_APPROVE)
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason_required", "请填写退回原因。", "reason")
    return _move(acting_user, run, source=R.REVIEWED, target=R.DRAFT, action="payroll.return",
                 updates={"reviewed_by": None, "reviewed_at": None}, note=reason)


def payroll_run_approve(*, acting_user, run: PayrollRun) -> PayrollRun:
    """Approve a reviewed run: from now on its lines are money, immutable; corrections go to later months."""
    require(acting_user, Perm.PAYROLL_APPROVE)
    if acting_user.pk in (run.created_by_id, run.reviewed_by_id):
        raise _error("same_user", "审批人不能是该名册的制表人或审核人。")
    with transaction.atomic():
        approved = _move(acting_user, run, source=R.REVIEWED, target=R.APPROVED, action="payroll.approve",
                         updates={"approved_by": acting_user, "approved_at": timezone.now()})
        _mark_reissued(approved)
    return approved


def _mark_reissued(run: PayrollRun) -> None:
    """Failed payments of earlier months whose money this run pays again (as arrears) leave the re-issue list."""
    failed_ids = []
    for adjustments in (PayrollLine.objects.filter(run=run, status=LineStatus.PENDING, adjustments__has_key="reissue")
                        .values_list("adjustments", flat=True)):
        failed_ids.extend(adjustments.get("reissue", []))
    if failed_ids:
        PayrollLine.objects.filter(pk__in=failed_ids, status=LineStatus.FAILED, reissued_in__isnull=True).update(
            reissued_in=run)


def payroll_run_close(*, acting_user, run: PayrollRun) -> PayrollRun:
    require(acting_user, Perm.PAYROLL_DISBURSE)
    return _move(acting_user, run, source=R.RECONCILED, target=R.CLOSED, action="payroll.close",
                 updates={"closed_at": timezone.now()})


def payroll_line_resolve(*, acting_user, line: PayrollLine, release: bool, reason: str) -> PayrollLine:
    """Clear a held line (release it for payment) or confirm it is not paid, with the reason; draft runs only."""
    require(acting_user, Perm.PAYROLL_PREPARE)
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason_required", "请填写核实情况。", "reason")
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=line.run_id)
        if run.status != R.DRAFT:
            raise _error("run_not_draft", "只能在名册草稿中处理暂缓发放的人员；已审核的名册请先退回。")
        line = PayrollLine.objects.select_for_update().get(pk=line.pk)
        if line.status != LineStatus.HELD:
            raise _error("line_not_held", "该笔发放不是暂缓发放状态。")
        before = {"status": line.status, "flags": line.flags}
        if release:
            line.status = LineStatus.PENDING if line.amount_fen > 0 else LineStatus.CANCELLED
        else:
            line.status = LineStatus.CANCELLED
        line.hold_resolution = reason if line.amount_fen > 0 or not release else f"{reason}（{ZERO_NOTE}）"
        line.hold_resolved_by = acting_user
        line.hold_resolved_at = timezone.now()
        line.save(update_fields=["status", "hold_resolution", "hold_resolved_by", "hold_resolved_at", "updated_at"])
        update_run_totals(run)
        record_event(actor=acting_user, action="payroll.release" if release else "payroll.cancel_line", obj=line,
                     area_code=line.area_id, before=before, after={"status": line.status}, note=reason)
    return line


def allowed_run_actions(user, run: PayrollRun) -> dict[str, bool]:
    prepare = has_perm(user, Perm.PAYROLL_PREPARE)
    disburse = has_perm(user, Perm.PAYROLL_DISBURSE)
    approver = has_perm(user, Perm.PAYROLL_APPROVE) and user.pk not in (run.created_by_id, run.reviewed_by_id)
    return {
        "regenerate": prepare and run.status == R.DRAFT,
        "review": prepare and run.status == R.DRAFT,
        "return": (prepare or has_perm(user, Perm.PAYROLL_APPROVE)) and run.status == R.REVIEWED,
        "approve": approver and run.status == R.REVIEWED,
        "export": disburse and run.status == R.APPROVED,
        "reconcile": disburse and run.status == R.EXPORTED,
        "close": disburse and run.status == R.RECONCILED,
        "resolve": prepare and run.status == R.DRAFT,
    }
