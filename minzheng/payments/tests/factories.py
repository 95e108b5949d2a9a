"""Rows for payments tests that do not need the payroll engine: runs, lines and accounts made directly."""

from __future__ import annotations

import datetime as dt
import itertools

from minzheng.core import crypto
from minzheng.payments.enums import AccountKind, LineStatus, RunStatus
from minzheng.payments.models import PayeeAccount, PayrollLine, PayrollRun
from minzheng.payments.payee import luhn_complete
from minzheng.testing import factories as f

_account_seq = itertools.count(1)




def card_number(n: int | None = None) -> str:
    n = next(_account_seq) if n is None else n
    return luhn_complete(f"621799{n:012d}")


def make_account(person, *, number: str | None = None, kind: str = AccountKind.SOCIAL_SECURITY_CARD,
                 name: str | None = None, **extra) -> PayeeAccount:
    return PayeeAccount.objects.create(
        person=person, holder_name=name or person.name, holder_id_number=person.id_number, kind=kind,
        bank_code=extra.pop("bank_code", "HNRCB"), bank_name=extra.pop("bank_name", "淮南农商银行"),
        account_number=number or card_number(), verified_on=extra.pop("verified_on", dt.date(2025, 1, 1)), **extra)


def make_run(*, user, program: str = "dibao", area: str = f.DISTRICT, period: dt.date = dt.date(2025, 6, 1),
             status: str = RunStatus.DRAFT) -> PayrollRun:
    return PayrollRun.objects.create(program=program, area_id=area, period=period, status=status, created_by=user)


def make_line(run: PayrollRun, person, *, amount_fen: int = 124_000, account: PayeeAccount | None = None,
              status: str = LineStatus.PENDING, source_key: str | None = None, household=None,
              **extra) -> PayrollLine:
    return PayrollLine.objects.create(
        run=run, program=run.program, period=run.period, source_key=source_key or f"test:{person.pk}",
        area_id=person.hukou_area_id, household=household, payee=person, payee_name=person.name,
        payee_id_bidx=crypto.blind_index(person.id_number, purpose="id_number"), account=account,
        person_ids=[str(person.pk)], current_fen=amount_fen, amount_fen=amount_fen, status=status, **extra)


def refresh_run_totals(run: PayrollRun) -> PayrollRun:
    """What the engine does at the end of generation, for runs whose lines a test made by hand."""
    from minzheng.payments.payroll import update_run_totals

    update_run_totals(run)
    run.refresh_from_db()
    return run
