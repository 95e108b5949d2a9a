"""Payments for the demo district: payee accounts, budgets and two months of payroll history, so that the
payroll pages look alive — all made through the real actions by the demo users, deterministic from the seed.

The current month is left without a run: the newcomer (and the browser journey) generates it. A few payees are
left without an account so that the 无有效发放账户 hold shows; a few payments of the last month fail at the
bank so that the re-issue list (退票补发) has rows. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.payments.enums import AccountKind, FileFormat, FundingSource, RunStatus
from minzheng.payments.models import BankFile, BankLayout, Budget, PayeeAccount, PayrollRun
from minzheng.payments.payee import luhn_complete
from minzheng.payments.programs import due_in, month_start, programs
from minzheng.registry.models import Person

# The agent bank of the district's 一卡通 and the share of payees who have no account yet.
BANK_CODE, BANK_NAME = "HNRCB", "淮南农商银行"
WITHOUT_ACCOUNT = 0.04
# Budgets per program and year in yuan, split by funding source (shares in percent).
BUDGET_YUAN = {"dibao": 9_600_000, "individual_dibao": 1_200_000, "tekun": 4_800_000, "temp_aid": 600_000}
SOURCE_SHARES = {FundingSource.CENTRAL: 60, FundingSource.PROVINCIAL: 20, FundingSource.MUNICIPAL: 10,
                 FundingSource.DISTRICT: 10}
FAIL_REASONS = ["账户已销户", "户名与账号不符", "账户已冻结（司法冻结）", "卡片已挂失"]
DEMO_LAYOUT = "HNRCB_CSV"




def card_number_for(person: Person, kind: str) -> str:
    """A fictional, Luhn-valid card number derived from the person's key (same person, same number)."""
    serial = person.pk.int % 10**12
    return luhn_complete(f"{'621799' if kind == AccountKind.SOCIAL_SECURITY_CARD else '622848'}{serial:012d}")


def seed_payments(*, seed: int = 2025, today: dt.date | None = None, history_months: int = 2) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = random.Random(seed * 104_729)
    district = Area.objects.get(level="district")
    finance = User.objects.get(username="qu_caiwu")
    approver = User.objects.get(username="qu_shenpi")
    counts = {"accounts": seed_accounts(rng, district, today), "budgets": seed_budgets(finance, today), "runs": 0}
    counts["runs"] = seed_history(rng, district=district, finance=finance, approver=approver, today=today,
                                  months=history_months)
    return counts


# ---------------------------------------------------------------------------------------------------- accounts


def _payees(district: Area, today: dt.date) -> list[str]:
    """Registry person ids of everyone a program of the district may pay this month, in a stable order."""
    ids: set[str] = set()
    period = month_start(today)
    for program in programs():
        after = None
        while True:
            batch = program.sources(area_prefix=district.prefix, period=period, after=after, limit=5000)
            ids.update(s.payee_person_id for s in batch if s.payee_person_id)
            if len(batch) < 5000:
                break
            after = batch[-1].key
    return sorted(ids)


def seed_accounts(rng: random.Random, district: Area, today: dt.date) -> int:
    person_ids = _payees(district, today)
    persons = {str(p.pk): p for p in Person.objects.filter(pk__in=person_ids)}
    have = set(PayeeAccount.objects.filter(is_active=True).values_list("holder_id_bidx", flat=True))
    made = []
    for pid in person_ids:
        # Drawn for everyone, in order, so that a second run leaves the same people without an account.
        roll, kind_roll = rng.random(), rng.random()
        person = persons.get(pid)
        if person is None or person.death_date or roll < WITHOUT_ACCOUNT or person.id_number_bidx in have:
            continue
        kind = AccountKind.SOCIAL_SECURITY_CARD if kind_roll < 0.8 else AccountKind.BANK_CARD
        made.append(PayeeAccount(
            person=person, holder_name=person.name, holder_id_number=person.id_number, kind=kind,
            bank_code=BANK_CODE, bank_name=BANK_NAME, account_number=card_number_for(person, kind),
            verified_on=today - dt.timedelta(days=30 + int(kind_roll * 300)), note="演示数据"))
        have.add(person.id_number_bidx)
    PayeeAccount.objects.bulk_create(made, batch_size=1000)
    return len(made)


# ---------------------------------------------------------------------------------------------------- budgets


def seed_budgets(finance: User, today: dt.date) -> int:
    try:
        from minzheng.payments.funds import budget_set
    except ImportError:  # pragma: no cover - the funds module is part of payments
        budget_set = None
    codes = {p.code for p in programs()}
    made = 0
    for year in (today.year - 1, today.year):
        for program, yuan in BUDGET_YUAN.items():
            if program not in codes:
                continue
            for source, share in SOURCE_SHARES.items():
                amount_fen = yuan * share  # yuan × percent / 100 × 100 fen
                document = f"{year}年{source.label}困难群众救助补助资金"
                if budget_set is not None:
                    budget_set(acting_user=finance, year=year, program=program, source=source,
                               amount_fen=amount_fen, document=document)
                else:
                    Budget.objects.update_or_create(year=year, program=program, source=source,
                                                    defaults={"amount_fen": amount_fen, "document": document,
                                                              "created_by": finance})
                made += 1
    return made


# ---------------------------------------------------------------------------------------------------- history


def demo_layout() -> BankLayout:
    """The agent bank's file layout: the first active one, or the demo's CSV layout."""
    layout = BankLayout.objects.filter(is_active=True).order_by("code").first()
    if layout is not None:
        return layout
    return BankLayout.objects.create(
        code=DEMO_LAYOUT, name="淮南农商银行一卡通代发（CSV）", bank_code=BANK_CODE, bank_name=BANK_NAME,
        file_format=FileFormat.CSV, encoding="gb18030",
        spec={
            "delimiter": ",", "line_ending": "\r\n", "checksum": "sm3",
            "filename": "{bank_code}_{program}_{period}_{batch_no}.csv",
            "header": [[{"value": "批次号"}, {"source": "batch_no"}, {"value": "笔数"}, {"source": "count"},
                        {"value": "总金额"}, {"source": "total_yuan"}]],
            "detail": [{"source": "seq"}, {"source": "account_number"}, {"source": "holder_name"},
                       {"source": "amount_yuan"}, {"source": "program_label"}, {"source": "area_code"}],
            "trailer": [[{"value": "校验码"}, {"source": "checksum"}]],
        })


def _paying_programs(district: Area, period: dt.date) -> list[str]:
    """The programs with something due in the district in the month (a run of nothing is not history)."""
    codes = []
    for program in programs():
        sources = program.sources(area_prefix=district.prefix, period=period, limit=5000)
        if any(due_in(source.schedule, period) for source in sources):
            codes.append(program.code)
    return codes


def seed_history(rng: random.Random, *, district: Area, finance: User, approver: User, today: dt.date,
                 months: int = 2) -> int:
    """Runs of the months before this one, each taken through review, approval, bank file and return file."""
    from minzheng.payments import actions
    from minzheng.payments.payroll import generate_run_sync

    current = month_start(today)
    periods = []
    month = current
    for _ in range(months):
        month = month_start(month - dt.timedelta(days=1))
        periods.insert(0, month)
    made = 0
    for period in periods:
        for code in _paying_programs(district, period):
            run = actions.payroll_run_create(acting_user=finance, program=code, area_code=district.code,
                                             period=period, today=today)
            if run.status == RunStatus.GENERATING:
                run = generate_run_sync(run)
            if run.status == RunStatus.DRAFT:
                run = actions.payroll_run_review(acting_user=finance, run=run)
            if run.status == RunStatus.REVIEWED:
                run = actions.payroll_run_approve(acting_user=approver, run=run)
            last = period == periods[-1]
            _disburse(rng, run, finance=finance, paid_on=period + dt.timedelta(days=9), failures=2 if last else 0)
            made += 1
    return made


def _disburse(rng: random.Random, run: PayrollRun, *, finance: User, paid_on: dt.date, failures: int) -> None:
    """Bank file and the bank's return file: everything paid but ``failures`` payments (last month's only)."""
    try:
        from minzheng.payments.bankfiles import bank_file_export, simulate_return_file
        from minzheng.payments.reconciliation import reconciliation_import, return_spec
    except ImportError:  # pragma: no cover - the bank modules are part of payments
        return
    run.refresh_from_db()
    if run.status == RunStatus.APPROVED:
        if not run.lines.filter(status="pending").exists():
            return
        bank_file_export(acting_user=finance, run=run, layout=demo_layout(), on=paid_on - dt.timedelta(days=2))
        run.refresh_from_db()
    if run.status != RunStatus.EXPORTED:
        return
    bank_file = BankFile.objects.get(run=run)
    # Chosen among the payees in a stable order (the file's order follows the enrollments' random keys).
    seqs = list(run.lines.filter(seq__isnull=False).order_by("payee_id", "seq").values_list("seq", flat=True))
    failed = {}
    if failures and len(seqs) > failures * 5:
        for index in sorted(rng.sample(range(len(seqs)), failures)):
            failed[seqs[index]] = FAIL_REASONS[len(failed) % len(FAIL_REASONS)]
    content = simulate_return_file(bank_file, failures=failed, paid_on=paid_on)
    extension = "xlsx" if return_spec(bank_file.layout).get("format") == FileFormat.XLSX else "csv"
    name = f"{bank_file.filename.rsplit('.', 1)[0]}_回盘.{extension}"
    reconciliation_import(acting_user=finance, run=run, filename=name, content=content,
                          today=paid_on + dt.timedelta(days=1))
