"""Reads of payments, always scoped to the user's area.

A run belongs to an area (usually the district); a user sees the runs whose area contains theirs or lies inside
theirs, and of a run only the lines in their own area. Payee accounts are seen by the area of the person (or, for
a holder not in the registry, by the area of the lines that paid them).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from minzheng.accounts.permissions import Perm, has_perm
from minzheng.payments.enums import LineStatus, RunStatus
from minzheng.payments.models import Budget, PayeeAccount, PayrollLine, PayrollRun, Reconciliation


def _ancestor_prefixes(prefix: str) -> list[str]:
    """The prefixes of the areas containing an area of this prefix, itself included (district 6, town 9, …)."""
    return [prefix[:n] for n in (2, 4, 6, 9, 12) if n <= len(prefix)]


def run_scope(user) -> QuerySet[PayrollRun]:
    if not has_perm(user, Perm.PAYMENTS_VIEW):
        return PayrollRun.objects.none()
    prefix = user.area_prefix
    return PayrollRun.objects.filter(Q(area__code__startswith=prefix) | Q(area__prefix__in=_ancestor_prefixes(prefix)))


def line_scope(user) -> QuerySet[PayrollLine]:
    if not has_perm(user, Perm.PAYMENTS_VIEW):
        return PayrollLine.objects.none()
    return PayrollLine.objects.filter(area__code__startswith=user.area_prefix)


def run_lines(*, user, run: PayrollRun) -> QuerySet[PayrollLine]:
    return line_scope(user).filter(run=run)


def reconciliation_scope(user) -> QuerySet[Reconciliation]:
    return Reconciliation.objects.filter(run__in=run_scope(user))


def account_scope(user) -> QuerySet[PayeeAccount]:
    if not has_perm(user, Perm.PAYMENTS_VIEW) and not has_perm(user, Perm.PAYEE_ACCOUNT_EDIT):
        return PayeeAccount.objects.none()
    prefix = user.area_prefix
    paid_here = PayrollLine.objects.filter(area__code__startswith=prefix).values("account_id")
    return PayeeAccount.objects.filter(Q(person__hukou_area__code__startswith=prefix) | Q(pk__in=paid_here))


def reissue_lines(*, user) -> QuerySet[PayrollLine]:
    """Failed payments (退票) not yet re-issued in a later approved run: the re-issue list (待补发)."""
    return line_scope(user).filter(status=LineStatus.FAILED, reissued_in__isnull=True)


def budget_scope(user) -> QuerySet[Budget]:
    if not has_perm(user, Perm.PAYMENTS_VIEW):
        return Budget.objects.none()
    return Budget.objects.all()


def open_runs_before(*, program: str, area_code: str, period) -> QuerySet[PayrollRun]:
    """Runs of the program for an earlier month, overlapping the area, that are not approved yet."""
    return _overlapping(PayrollRun.objects.filter(program=program, period__lt=period,
                                                  status__in=[RunStatus.GENERATING, RunStatus.DRAFT,
                                                              RunStatus.REVIEWED]), area_code)


def overlapping_runs(*, program: str, area_code: str, period) -> QuerySet[PayrollRun]:
    return _overlapping(PayrollRun.objects.filter(program=program, period=period), area_code)


def _overlapping(runs: QuerySet[PayrollRun], area_code: str) -> QuerySet[PayrollRun]:
    from minzheng.areas.models import Area

    area = Area.objects.get(code=area_code)
    return runs.filter(Q(area__code__startswith=area.prefix) | Q(area__prefix__in=_ancestor_prefixes(area.prefix)))
