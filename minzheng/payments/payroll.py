"""The payroll engine: from a program's sources to the lines of one run.

Money is a ledger per source. For each month from the ledger start (the first month this program was ever paid
through the system) to the month before the run, payments compares what was *due* (the source's schedule, zeroed
after every covered person died) with what was *settled* (lines of approved runs, except held and failed lines).
The difference is paid as arrears (补发: a late approval, a raised standard, a failed or held payment) or taken
as a deduction (扣减: a lowered amount, a death or exit recorded after the month was paid) on top of the current
month's due. A line never goes below zero; what cannot be deducted this month stays in the ledger for the next.

Generation runs as a job in batches of sources ordered by key (see ``tasks``): each batch is computed in the
job's ``prepare`` and inserted in the step's transaction with the checkpoint, so a killed worker resumes without
losing or repeating a line; the unique constraint (program, source, month) stays the last line of defence. The
last step checks the programs that exclude each other, which needs every line of the run, and totals the run.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Min, Sum
from django.utils import timezone

from minzheng.core.bulk import bulk_insert
from minzheng.payments.enums import (
    LOCKED_STATUSES,
    SETTLED_LINE_STATUSES,
    Flag,
    LineStatus,
    RunStatus,
)
from minzheng.payments.models import PayeeAccount, PayrollLine, PayrollRun
from minzheng.payments.programs import (
    Source,
    due_in,
    get_program,
    months_between,
    next_month,
    programs,
    recorded_deaths,
)
from minzheng.policy.selectors import parameter_values
from minzheng.registry.models import Person

BATCH_SIZE = 5000  # sources per step; the setting MINZHENG_PAYROLL_BATCH overrides it (tests use a few)


def configured_batch_size() -> int:
    return int(getattr(settings, "MINZHENG_PAYROLL_BATCH", BATCH_SIZE))

PARAMETER_CODES = ("payments.centenarian_age", "payments.centenarian_review_months")

ZERO_NOTE = "本月应发金额已全部抵扣，无需发放"


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def ledger_start(program: str, period: dt.date) -> dt.date:
    """The first month this program was paid through the system; months before it were paid elsewhere."""
    first = (PayrollRun.objects.filter(program=program, status__in=LOCKED_STATUSES)
             .aggregate(first=Min("period"))["first"])
    return min(first, period) if first else period


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class Batch:
    """Computes the lines of one batch of sources for a run. Everything it reads is loaded in a few queries."""

    def __init__(self, run: PayrollRun, *, window_start: dt.date, parameters: dict[str, int],
                 recorded_deaths: set[str] | None = None):
        self.run = run
        self.recorded_deaths = recorded_deaths or set()
        self.period = run.period
        self.window_start = window_start
        self.centenarian_age = parameters["payments.centenarian_age"]
        self.review_cutoff = add_months(run.period, -parameters["payments.centenarian_review_months"])

    def lines(self, sources: list[Source]) -> list[PayrollLine]:
        if not sources:
            return []
        keys = [s.key for s in sources]
        settled = self._settled(keys)
        failed = self._unreissued_failures(keys)
        persons = self._persons(sources)
        accounts = self._accounts(sources)
        return [line for source in sources
                if (line := self._line(source, settled.get(source.key, 0), failed.get(source.key, []), persons,
                                       accounts.get(source.payee_id_bidx))) is not None]

    # -- loading -------------------------------------------------------------------------------------------------
    def _settled(self, keys: list[str]) -> dict[str, int]:
        rows = (PayrollLine.objects
                .filter(program=self.run.program, source_key__in=keys, period__gte=self.window_start,
                        period__lt=self.period, run__status__in=LOCKED_STATUSES, status__in=SETTLED_LINE_STATUSES)
                .values("source_key").annotate(total=Sum("amount_fen")))
        return {row["source_key"]: row["total"] for row in rows}

    def _unreissued_failures(self, keys: list[str]) -> dict[str, list[tuple[str, str | None]]]:
        found: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        rows = (PayrollLine.objects
                .filter(program=self.run.program, source_key__in=keys, status=LineStatus.FAILED,
                        reissued_in__isnull=True, period__lt=self.period)
                .order_by("period").values_list("source_key", "pk", "account_id"))
        for key, pk, account_id in rows:
            found[key].append((str(pk), str(account_id) if account_id else None))
        return found

    def _persons(self, sources: list[Source]) -> dict[str, dict]:
        ids = {pid for s in sources for pid in s.person_ids}
        ids.update(s.payee_person_id for s in sources if s.payee_person_id)
        rows = Person.objects.filter(pk__in=list(ids)).values("pk", "birth_date", "death_date", "id_number_bidx")
        return {str(row["pk"]): row for row in rows}

    def _accounts(self, sources: list[Source]) -> dict[str, dict]:
        bidxs = {s.payee_id_bidx for s in sources if s.payee_id_bidx}
        rows = (PayeeAccount.objects.filter(holder_id_bidx__in=list(bidxs), is_active=True)
                .values("pk", "holder_id_bidx", "holder_name"))
        return {row["holder_id_bidx"]: row for row in rows}

    # -- one source ----------------------------------------------------------------------------------------------
    def _due(self, source: Source, month: dt.date, persons: dict[str, dict]) -> int:
        """What the schedule says for the month, or nothing once every covered person died before it began."""
        amount = due_in(source.schedule, month)
        if amount and source.person_ids:
            deaths = [persons.get(pid, {}).get("death_date") for pid in source.person_ids]
            if all(d is not None and d < month for d in deaths):
                return 0
        return amount

    def _line(self, source: Source, settled: int, failures: list[tuple[str, str | None]],
              persons: dict[str, dict], account: dict | None) -> PayrollLine | None:
        period = self.period
        first = source.schedule[0][0] if source.schedule else period
        due_before = 0
        by_month: dict[str, int] = {}
        if first < period:
            for month in months_between(max(first, self.window_start), previous_month(period)):
                due = self._due(source, month, persons)
                if due:
                    by_month[month.strftime("%Y-%m")] = due
                due_before += due
        current = self._due(source, period, persons)
        difference = due_before - settled
        arrears = max(difference, 0)
        owed_back = max(-difference, 0)
        deduction = min(owed_back, current + arrears)
        amount = current + arrears - deduction
        if not (current or arrears or deduction):
            return None

        flags = self._flags(source, persons, account, failures)
        if flags:
            status, note = LineStatus.HELD, ""
        elif amount == 0:
            status, note = LineStatus.CANCELLED, ZERO_NOTE
        else:
            status, note = LineStatus.PENDING, ""
        adjustments: dict = {}
        if by_month or settled:
            adjustments = {"due_by_month": by_month, "due_before_fen": due_before, "settled_before_fen": settled,
                           "carried_deduction_fen": owed_back - deduction}
        if failures:
            adjustments["reissue"] = [pk for pk, _ in failures]
        return PayrollLine(
            run_id=self.run.pk, program=self.run.program, period=period, source_key=source.key,
            area_id=source.area_code, household_id=source.household_id, payee_id=source.payee_person_id,
            payee_name=source.payee_name, payee_id_bidx=source.payee_id_bidx,
            account_id=account["pk"] if account else None, person_ids=list(source.person_ids),
            member_count=max(len(source.person_ids), 1), current_fen=current, arrears_fen=arrears,
            deduction_fen=deduction, amount_fen=amount, components=source.components if current else {},
            adjustments=adjustments, flags=flags, status=status, hold_resolution=note)

    def _flags(self, source: Source, persons: dict[str, dict], account: dict | None,
               failures: list[tuple[str, str | None]]) -> list[str]:
        flags: list[str] = []
        month_end = next_month(self.period)
        payee = persons.get(source.payee_person_id or "")
        if payee and payee["death_date"] is not None:
            flags.append(Flag.PAYEE_DEAD)
        elif any((p := persons.get(pid)) and p["death_date"] is not None and p["death_date"] < month_end
                 for pid in source.person_ids):
            flags.append(Flag.MEMBER_DEAD)
        # Death recorded elsewhere (funeral and cremation records, the police register) but not yet in the registry.
        if Flag.PAYEE_DEAD not in flags and self.recorded_deaths:
            keys = {source.payee_id_bidx} | {p["id_number_bidx"] for pid in source.person_ids
                                              if (p := persons.get(pid)) and p["death_date"] is None}
            if keys & self.recorded_deaths:
                flags.append(Flag.DEATH_RECORDED)
        reviewed = source.last_reviewed_on
        if reviewed is None or reviewed < self.review_cutoff:
            for pid in source.person_ids:
                p = persons.get(pid)
                if p and p["death_date"] is None and age_on(p["birth_date"], self.period) >= self.centenarian_age:
                    flags.append(Flag.CENTENARIAN_UNREVIEWED)
                    break
        if account is None:
            flags.append(Flag.NO_ACCOUNT)
        else:
            if account["holder_name"] != source.payee_name:
                flags.append(Flag.ACCOUNT_NAME_MISMATCH)
            if any(failed_account == str(account["pk"]) for _, failed_account in failures):
                flags.append(Flag.FAILED_ACCOUNT_UNCHANGED)
        return [str(f) for f in flags]


def run_parameters(run: PayrollRun) -> dict[str, int]:
    return parameter_values(PARAMETER_CODES, area_code=run.area_id, on=run.period)


def compute_batch(run: PayrollRun, *, after: str | None, window_start: dt.date, parameters: dict[str, int],
                  batch_size: int | None = None) -> tuple[list[PayrollLine], str | None, int]:
    """The lines of the next batch of sources, computed without writing: (lines, last key, sources read)."""
    program = get_program(run.program)
    sources = program.sources(area_prefix=run.area.prefix, period=run.period, after=after,
                              limit=batch_size or configured_batch_size())
    lines = Batch(run, window_start=window_start, parameters=parameters,
                  recorded_deaths=recorded_deaths() if sources else None).lines(sources)
    return lines, (sources[-1].key if sources else after), len(sources)


def insert_lines(run: PayrollRun, lines: list[PayrollLine]) -> None:
    if lines:
        # A step redone after a crash starts from nothing it wrote; this only guards a step repeated by hand.
        PayrollLine.objects.filter(run=run, source_key__in=[line.source_key for line in lines]).delete()
        bulk_insert(PayrollLine, lines)


def exclusive_siblings(code: str):
    program = get_program(code)
    if not program.exclusive_group:
        return []
    return [p for p in programs() if p.exclusive_group == program.exclusive_group and p.code != code]


def flag_exclusive_programs(run: PayrollRun) -> int:
    """Hold every line covering a person whom another program of the same exclusive group also covers this month."""
    siblings = exclusive_siblings(run.program)
    if not siblings:
        return 0
    covered: set[str] = set()
    for sibling in siblings:
        covered |= sibling.covered_person_ids(area_prefix=run.area.prefix, period=run.period)
    if not covered:
        return 0
    flagged = []
    for pk, person_ids, flags in PayrollLine.objects.filter(run=run).values_list("pk", "person_ids", "flags"):
        if covered.intersection(person_ids) and Flag.EXCLUSIVE_PROGRAMS not in flags:
            flagged.append(PayrollLine(pk=pk, flags=[*flags, str(Flag.EXCLUSIVE_PROGRAMS)], status=LineStatus.HELD,
                                       hold_resolution=""))
    PayrollLine.objects.bulk_update(flagged, ["flags", "status", "hold_resolution"], batch_size=1000)
    return len(flagged)


def update_run_totals(run: PayrollRun) -> None:
    lines = PayrollLine.objects.filter(run=run)
    by_status = {row["status"]: row for row in lines.values("status").annotate(n=Count("pk"), fen=Sum("amount_fen"))}

    def n(*statuses) -> int:
        return sum(by_status.get(s, {}).get("n", 0) for s in statuses)

    def fen(*statuses) -> int:
        return sum(by_status.get(s, {}).get("fen") or 0 for s in statuses)

    totals = lines.aggregate(count=Count("pk"), arrears=Sum("arrears_fen"), deduction=Sum("deduction_fen"))
    payable = (LineStatus.PENDING, LineStatus.EXPORTED, LineStatus.PAID, LineStatus.FAILED)
    PayrollRun.objects.filter(pk=run.pk).update(
        line_count=totals["count"], arrears_fen=totals["arrears"] or 0, deduction_fen=totals["deduction"] or 0,
        payable_count=n(*payable), payable_fen=fen(*payable),
        held_count=n(LineStatus.HELD), held_fen=fen(LineStatus.HELD),
        paid_count=n(LineStatus.PAID), paid_fen=fen(LineStatus.PAID),
        failed_count=n(LineStatus.FAILED), failed_fen=fen(LineStatus.FAILED))


def finish_generation(run: PayrollRun) -> dict:
    held_exclusive = flag_exclusive_programs(run)
    update_run_totals(run)
    PayrollRun.objects.filter(pk=run.pk, status=RunStatus.GENERATING).update(
        status=RunStatus.DRAFT, generated_at=timezone.now())
    run.refresh_from_db()
    return {"lines": run.line_count, "payable_fen": run.payable_fen, "held": run.held_count,
            "held_exclusive": held_exclusive}


def generate_run_sync(run: PayrollRun) -> PayrollRun:
    """Run the generation job in this process, through the job runner (tests, demo, benchmarks): the same steps,
    transactions and checkpoints as the worker's."""
    import uuid

    from minzheng.jobs.enums import JobState
    from minzheng.jobs.models import Job
    from minzheng.jobs.runner import Claim, Outcome, run_claimed

    run.refresh_from_db()
    token = uuid.uuid4().hex
    now = timezone.now()
    if not Job.objects.filter(pk=run.job_id, state=JobState.QUEUED).update(
            state=JobState.RUNNING, claim_token=token, worker="inline", heartbeat_at=now, started_at=now):
        raise ValueError("the run's generation job is not queued")
    job = Job.objects.select_related("started_by").get(pk=run.job_id)
    outcome = run_claimed(Claim(job=job, token=token, recovered=False))
    if outcome != Outcome.SUCCEEDED:
        job.refresh_from_db()
        raise RuntimeError(f"payroll generation ended {outcome}: {job.error}")
    run.refresh_from_db()
    return run

