"""The one door to a single run, line, account or reconciliation. Missing and out-of-area look the same."""

from __future__ import annotations

from minzheng.accounts.permissions import Perm, require
from minzheng.core.errors import NotFoundError
from minzheng.core.identifiers import parse_uuid
from minzheng.payments.models import PayeeAccount, PayrollLine, PayrollRun, Reconciliation
from minzheng.payments.selectors import account_scope, line_scope, reconciliation_scope, run_scope


def access_run_by_id(user, run_id) -> PayrollRun:
    require(user, Perm.PAYMENTS_VIEW)
    pk = parse_uuid(run_id)
    run = run_scope(user).filter(pk=pk).select_related("area", "created_by", "reviewed_by", "approved_by").first() \
        if pk else None
    if run is None:
        raise NotFoundError("发放名册")
    return run


def access_line_by_id(user, line_id) -> PayrollLine:
    require(user, Perm.PAYMENTS_VIEW)
    pk = parse_uuid(line_id)
    line = line_scope(user).filter(pk=pk).select_related("run", "area", "account", "payee").first() if pk else None
    if line is None:
        raise NotFoundError("发放明细")
    return line


def access_account_by_id(user, account_id) -> PayeeAccount:
    pk = parse_uuid(account_id)
    account = account_scope(user).filter(pk=pk).select_related("person").first() if pk else None
    if account is None:
        raise NotFoundError("发放账户")
    return account


def access_reconciliation_by_id(user, reconciliation_id) -> Reconciliation:
    require(user, Perm.PAYMENTS_VIEW)
    pk = parse_uuid(reconciliation_id)
    item = reconciliation_scope(user).filter(pk=pk).select_related("run").first() if pk else None
    if item is None:
        raise NotFoundError("对账记录")
    return item
