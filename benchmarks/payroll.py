"""Benchmark: the monthly payroll (issue: payroll for 100,000 enrollments across programs, draft + bank file, in
≤ 30 s on 2 cores, on SQLite and on PostgreSQL).

A fresh database per backend is seeded (not timed) with 100,000 enrollments of 低保, 特困 and 单人保 in the demo
district's 30 villages — persons, households, memberships, applications, enrollments and payee accounts loaded with
``core.bulk.bulk_insert`` — and a first month (November) generated, approved and exported for every program, after
which amounts change, payees die and late approvals arrive, so that December has a ledger to settle: arrears,
deductions, re-issues and holds. Then, in a new process, timed:

- ``draft``: for each program, ``payroll_run_create`` + ``generate_run_sync`` of the district's December run (the
  same job steps, transactions and checkpoints as the worker's);
- ``review + approve``: ``payroll_run_review`` and ``payroll_run_approve``;
- ``bank file``: ``bank_file_export`` with the shipped fixed-width example layout (``hnrcb_fixed``; 单人保 with the
  CSV example, see ``LAYOUT_FOR``);

against a baseline measured in the same process before them: a naive per-enrollment ORM loop (for each enrollment
query its changes, its household head and persons, its account, its earlier lines and failures, then
``PayrollLine.objects.create``; the arithmetic is the engine's own) over the first 5,000 低保 enrollments, in a
transaction rolled back afterwards, extrapolated linearly to the full count. Its amounts are checked against the
engine's lines for the same enrollments.

    python benchmarks/payroll.py [--enrollments 100000] [--baseline-enrollments 5000] [--backends sqlite,postgresql]
    python benchmarks/payroll.py --profile ...   # also writes a cProfile of the timed December runs
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
TARGET_SECONDS = 30
PROGRAMS = ("dibao", "tekun", "individual_dibao")  # 低保 70 %, 特困 20 %, 单人保 10 %
SHARES = (0.7, 0.2, 0.1)
TODAY = "2026-01-10"
NOV, DEC = "2025-11-01", "2025-12-01"
LAYOUT = "hnrcb_fixed"
# 单人保 goes through the CSV example so that both shipped layouts are exercised.
LAYOUT_FOR = {"individual_dibao": "hnrcb_csv"}


# --- child processes -----------------------------------------------------------------------------------------------


def _setup() -> None:
    """Django on the benchmark's database: ``DATABASE_URL`` for PostgreSQL; for SQLite the file in
    ``BENCH_SQLITE`` configured as the embedded deployment is (WAL, IMMEDIATE transactions, page cache)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.django.test"  # fixed keys, DEBUG off
    from django.conf import settings

    from config.env import database_config

    if os.environ.get("BENCH_SQLITE"):
        settings.DATABASES["default"] = database_config(Path(os.environ["BENCH_SQLITE"]))
    import django

    django.setup()


def _luhn(prefix: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return prefix + str((10 - total % 10) % 10)


def seed(enrollments: int) -> dict:
    """Load the district (bulk), then pay November for every program through the real actions."""
    import datetime as dt
    import random

    from django.core.management import call_command
    from django.db import connection, transaction

    from minzheng.accounts.enums import Role
    from minzheng.assistance.models import (
        Application,
        ApplicationStatus,
        Enrollment,
        EnrollmentChange,
        EnrollmentChangeKind,
        EnrollmentStatus,
    )
    from minzheng.core.bulk import bulk_insert
    from minzheng.demo.generator import _SURNAMES, _PersonFactory, create_areas
    from minzheng.payments.bankfiles import bank_file_export
    from minzheng.payments.enums import LineStatus
    from minzheng.payments.models import BankLayout, PayeeAccount, PayrollLine, PayrollRun
    from minzheng.policy.demo import ensure_demo_parameters
    from minzheng.registry.enums import Relation
    from minzheng.registry.models import Household, Membership, Person
    from minzheng.registry.pinyin import name_search_key
    from minzheng.testing import factories as f

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(2025)
    factory = _PersonFactory(rng)
    with transaction.atomic():
        areas = create_areas()
        ensure_demo_parameters()
        district = areas[0]
        finance = f.make_user(Role.FINANCE_OFFICER, district.code, username="bench_finance")
        approver = f.make_user(Role.DISTRICT_APPROVER, district.code, username="bench_approver")
    villages = [a for a in areas if a.level == "village"]
    nov = dt.date.fromisoformat(NOV)
    late = enrollments // 50  # approved after November was paid: November comes as arrears in December
    counts = [round(enrollments * share) for share in SHARES]
    counts[0] += enrollments - sum(counts)
    plan = [program for program, count in zip(PROGRAMS, counts, strict=True) for _ in range(count)]
    rng.shuffle(plan)
    serial = itertools.count(1)

    def load(kinds: list[str], starts_on: dt.date) -> list[Enrollment]:
        made: list[Enrollment] = []
        for start in range(0, len(kinds), 10_000):
            persons, households, members, applications, rows, accounts = [], [], [], [], [], []
            for program in kinds[start:start + 10_000]:
                village = rng.choice(villages)
                size = 1 if program != "dibao" else rng.choice((1, 1, 2, 2, 3, 4))
                surname = _SURNAMES.pick(rng)
                people = []
                for index in range(size):
                    age = rng.randint(62, 95) if program == "tekun" else rng.randint(25, 80) if index == 0 \
                        else rng.randint(1, 60)
                    male = rng.random() < 0.5
                    birth = factory.birth(age)
                    name = factory.name(surname, male)
                    people.append(Person(id=factory.uuid(), name=name, id_number=factory.id_number(birth, male, True),
                                         sex="M" if male else "F", birth_date=birth, hukou_area_id=village.code,
                                         residence_area_id=village.code, search_pinyin=name_search_key(name)))
                number = next(serial)
                household = Household(id=factory.uuid(), number=f"BENCH{number:09d}",
                                      area_id=village.code, head_id=people[0].id)
                application = Application(id=factory.uuid(), household_id=household.id, applicant_id=people[0].id,
                                          area_id=village.code, status=ApplicationStatus.APPROVED,
                                          filed_on=dt.date(2025, 9, 1), snapshot={}, created_by_id=finance.pk)
                amount = (rng.randrange(60_000, 180_000, 100) if program == "tekun"
                          else rng.randrange(20_000, 80_000, 100) * size)
                rows.append(Enrollment(id=factory.uuid(), program=program, household_id=household.id,
                                       application_id=application.id, area_id=village.code,
                                       person_ids=[str(p.id) for p in people], monthly_amount_fen=amount,
                                       starts_on=starts_on, status=EnrollmentStatus.ACTIVE,
                                       last_reviewed_on=dt.date(2025, rng.randint(1, 10), 1)))
                persons.extend(people)
                households.append(household)
                applications.append(application)
                members.extend(Membership(id=factory.uuid(), household_id=household.id, person_id=p.id,
                                          relation=Relation.HEAD if i == 0 else Relation.CHILD,
                                          started_on=dt.date(2015, 1, 1)) for i, p in enumerate(people))
                if rng.random() < 0.97:  # the others are held: 无有效发放账户
                    head = people[0]
                    accounts.append(PayeeAccount(id=factory.uuid(), person_id=head.id, holder_name=head.name,
                                                 holder_id_number=head.id_number, bank_code="HNRCB",
                                                 bank_name="淮南农商银行",
                                                 account_number=_luhn(f"621799{number:012d}"),
                                                 verified_on=dt.date(2025, 1, 1), created_by_id=finance.pk))
            with transaction.atomic():
                for model, objects in ((Person, persons), (Household, households), (Membership, members),
                                       (Application, applications), (Enrollment, rows), (PayeeAccount, accounts)):
                    bulk_insert(model, objects)
            made.extend(rows)
        return made

    loaded = load(plan[late:], nov)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    november = {program: _month(program, nov, finance, approver) for program in PROGRAMS}
    for program in PROGRAMS:
        bank_file_export(acting_user=finance, run=PayrollRun.objects.get(program=program, period=nov),
                         layout=BankLayout.objects.get(code=LAYOUT_FOR.get(program, LAYOUT)),
                         on=dt.date(2025, 11, 15))
    # What happened since: the bank returned some payments, amounts changed from November, payees died, and
    # late approvals arrived.
    failed = list(PayrollLine.objects.filter(period=nov, status=LineStatus.EXPORTED).order_by("source_key")
                  .values_list("pk", flat=True)[::500])
    PayrollLine.objects.filter(pk__in=failed).update(status=LineStatus.FAILED, fail_reason="账户已销户")
    changes = []
    for enrollment in loaded[::20]:
        after = max(enrollment.monthly_amount_fen + rng.choice((-40_000, -10_000, 15_000, 30_000)), 5_000)
        changes.append(EnrollmentChange(id=factory.uuid(), enrollment_id=enrollment.id,
                                        kind=EnrollmentChangeKind.AMOUNT, status_before=EnrollmentStatus.ACTIVE,
                                        status_after=EnrollmentStatus.ACTIVE,
                                        amount_before_fen=enrollment.monthly_amount_fen, amount_after_fen=after,
                                        effective_on=nov, reason="复核后调整", actor_id=approver.pk))
    with transaction.atomic():
        bulk_insert(EnrollmentChange, changes)
        for change in changes:  # the enrollment carries the amount in force, as the lifecycle action sets it
            Enrollment.objects.filter(pk=change.enrollment_id).update(monthly_amount_fen=change.amount_after_fen)
        dead = [e.household_id for e in loaded[7::150]]
        heads = Household.objects.filter(pk__in=dead).values_list("head_id", flat=True)
        Person.objects.filter(pk__in=list(heads)).update(death_date=dt.date(2025, 11, 18))
    loaded += load(plan[:late], nov)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result = {"enrollments": len(loaded), "by_program": {p: c for p, c in zip(PROGRAMS, counts, strict=True)},
              "persons": Person.objects.count(), "accounts": PayeeAccount.objects.count(),
              "november": november, "seed_seconds": round(time.perf_counter() - started, 1)}
    print(json.dumps(result, ensure_ascii=False))
    return result


def _month(program: str, period, finance, approver) -> dict:
    import datetime as dt

    from minzheng.payments.actions import payroll_run_approve, payroll_run_create, payroll_run_review
    from minzheng.payments.payroll import generate_run_sync

    started, cpu = time.perf_counter(), time.process_time()
    run = payroll_run_create(acting_user=finance, program=program, area_code="340471000000", period=period,
                             today=dt.date.fromisoformat(TODAY))
    run = generate_run_sync(run)
    drafted, drafted_cpu = time.perf_counter(), time.process_time()
    payroll_run_review(acting_user=finance, run=run)
    run = payroll_run_approve(acting_user=approver, run=run)
    return {"lines": run.line_count, "payable": run.payable_count, "payable_fen": run.payable_fen,
            "held": run.held_count, "arrears_fen": run.arrears_fen, "deduction_fen": run.deduction_fen,
            "draft_seconds": round(drafted - started, 3), "draft_cpu_seconds": round(drafted_cpu - cpu, 3),
            "review_approve_seconds": round(time.perf_counter() - drafted, 3)}


def naive_baseline(count: int) -> dict:
    """Per enrollment: its changes, household head, persons, account, earlier lines and failures, one insert.
    In a transaction rolled back afterwards; returns the time and the amounts it computed."""
    import datetime as dt

    from django.db import transaction
    from django.db.models import Sum

    from minzheng.accounts.models import User
    from minzheng.areas.models import Area
    from minzheng.assistance.models import Enrollment, EnrollmentChange
    from minzheng.assistance.payables import enrollment_schedule
    from minzheng.payments.enums import LOCKED_STATUSES, SETTLED_LINE_STATUSES, LineStatus, RunStatus
    from minzheng.payments.models import PayeeAccount, PayrollLine, PayrollRun
    from minzheng.payments.payroll import Batch, ledger_start, run_parameters
    from minzheng.payments.programs import Source, next_month
    from minzheng.registry.models import Household, Person

    dec = dt.date.fromisoformat(DEC)
    district = Area.objects.get(level="district")
    amounts: dict[str, list[int]] = {}
    started = time.perf_counter()
    with transaction.atomic():
        run = PayrollRun.objects.create(program="dibao", area=district, period=dec, status=RunStatus.GENERATING,
                                        created_by=User.objects.get(username="bench_finance"))
        window = ledger_start("dibao", dec)
        batch = Batch(run, window_start=window, parameters=run_parameters(run))
        for e in (Enrollment.objects.filter(program="dibao", area__code__startswith=district.prefix,
                                            starts_on__lt=next_month(dec)).order_by("pk")[:count]):
            changes = list(EnrollmentChange.objects.filter(enrollment=e).order_by("effective_on", "created_at")
                           .values("status_after", "amount_before_fen", "amount_after_fen", "effective_on"))
            head = Household.objects.get(pk=e.household_id).head_id
            persons = {str(p["pk"]): p for p in Person.objects.filter(pk__in=[*e.person_ids, head])
                       .values("pk", "name", "id_number_bidx", "birth_date", "death_date")}
            payee = persons[str(head)]
            account = (PayeeAccount.objects.filter(holder_id_bidx=payee["id_number_bidx"], is_active=True)
                       .values("pk", "holder_id_bidx", "holder_name").first())
            key = f"enrollment:{e.pk}"
            settled = (PayrollLine.objects.filter(program="dibao", source_key=key, period__gte=window, period__lt=dec,
                                                  run__status__in=LOCKED_STATUSES,
                                                  status__in=SETTLED_LINE_STATUSES)
                       .aggregate(total=Sum("amount_fen"))["total"] or 0)
            failures = [(str(pk), str(account_id) if account_id else None) for pk, account_id in
                        PayrollLine.objects.filter(program="dibao", source_key=key, status=LineStatus.FAILED,
                                                   reissued_in__isnull=True, period__lt=dec)
                        .order_by("period").values_list("pk", "account_id")]
            schedule = enrollment_schedule({"starts_on": e.starts_on, "monthly_amount_fen": e.monthly_amount_fen,
                                            "status": e.status, "exited_on": e.exited_on,
                                            "phaseout_ends_on": e.phaseout_ends_on}, changes)
            source = Source(key=key, area_code=e.area_id, payee_name=payee["name"],
                            payee_id_bidx=payee["id_number_bidx"] or "", schedule=schedule,
                            person_ids=tuple(sorted(str(pid) for pid in e.person_ids)),
                            household_id=str(e.household_id), payee_person_id=str(head),
                            last_reviewed_on=e.last_reviewed_on)
            line = batch._line(source, settled, failures, persons, account)
            if line is not None:
                line.save(force_insert=True)
                amounts[key] = [line.current_fen, line.arrears_fen, line.deduction_fen, line.amount_fen]
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {"enrollments": count, "seconds": round(seconds, 3), "amounts": amounts}


def measure(baseline_count: int, profile: str | None, programs_wanted: tuple[str, ...] = PROGRAMS) -> dict:
    import datetime as dt
    import resource

    from minzheng.accounts.models import User
    from minzheng.payments.bankfiles import bank_file_export
    from minzheng.payments.models import BankLayout, PayrollLine, PayrollRun

    finance = User.objects.get(username="bench_finance")
    approver = User.objects.get(username="bench_approver")
    baseline = naive_baseline(baseline_count) if baseline_count else None
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    programs = {}
    for program in programs_wanted:
        row = _month(program, dt.date.fromisoformat(DEC), finance, approver)
        started, cpu = time.perf_counter(), time.process_time()
        bank_file = bank_file_export(acting_user=finance, run=PayrollRun.objects.get(program=program, period=DEC),
                                     layout=BankLayout.objects.get(code=LAYOUT_FOR.get(program, LAYOUT)),
                                     on=dt.date(2025, 12, 15))
        row["bank_seconds"] = round(time.perf_counter() - started, 3)
        row["bank_cpu_seconds"] = round(time.process_time() - cpu, 3)
        row["bank_lines"], row["bank_bytes"] = bank_file.line_count, len(bytes(bank_file.content))
        assert bank_file.total_fen == row["payable_fen"], "the bank file must pay what the run says"
        programs[program] = row
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    result = {"programs": programs, "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    if baseline is not None and "dibao" in programs_wanted:
        # The baseline computed the same amounts as the engine for its enrollments.
        ours = {key: [c, a, d, t] for key, c, a, d, t in
                PayrollLine.objects.filter(program="dibao", period=DEC, source_key__in=list(baseline["amounts"]))
                .values_list("source_key", "current_fen", "arrears_fen", "deduction_fen", "amount_fen")}
        assert ours == baseline["amounts"], "the naive loop and the engine must compute the same amounts"
    if baseline is not None:
        result["baseline"] = {k: v for k, v in baseline.items() if k != "amounts"}
        result["baseline_lines"] = len(baseline["amounts"])
    print(json.dumps(result, ensure_ascii=False))
    return result


# --- the parent ---------------------------------------------------------------------------------------------------


def _child(env: dict, *args: str) -> dict:
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-6000:])
        raise SystemExit(f"benchmark child {args[0]} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


# With two workers (two cores), the programs are split so that each worker has about half the enrollments.
PARTITIONS = {1: [PROGRAMS], 2: [("dibao",), ("tekun", "individual_dibao")]}


def _children_in_parallel(env: dict, argument_lists: list[list[str]]) -> tuple[list[dict], float]:
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", *args], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for args in argument_lists]
    results = []
    for proc, args in zip(procs, argument_lists, strict=True):
        out, err = proc.communicate()
        if proc.returncode != 0:
            sys.stderr.write(out[-3000:] + err[-6000:])
            raise SystemExit(f"benchmark child {args[0]} failed")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results, time.perf_counter() - started


def run_backend(backend: str, enrollments: int, baseline: int, profile: bool, workers: int = 2) -> dict:
    sys.path.insert(0, str(HERE))
    from demo_scale import _database

    url, cleanup = _database(backend, "payroll")
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "BENCH_SQLITE")}
    if backend == "sqlite":
        env["BENCH_SQLITE"] = url.removeprefix("sqlite:///")
    else:
        env["DATABASE_URL"] = url
    try:
        seeded = _child(env, "seed", str(enrollments))
        profile_path = str(ROOT / "var" / f"payroll-{backend}.prof") if profile else ""
        if profile:
            (ROOT / "var").mkdir(exist_ok=True)
        measured = _child(env, "measure", str(baseline), profile_path, "")  # the baseline alone, nothing timed
        parts, wall = _children_in_parallel(env, [["measure", "0", "", ",".join(part)]
                                                  for part in PARTITIONS[workers]])
    finally:
        cleanup()
    programs = {program: row for part in parts for program, row in part["programs"].items()}
    measured["peak_rss_mb"] = max(part["peak_rss_mb"] for part in parts)
    draft = sum(row["draft_seconds"] for row in programs.values())
    approve = sum(row["review_approve_seconds"] for row in programs.values())
    bank = sum(row["bank_seconds"] for row in programs.values())
    one_worker = draft + approve + bank  # the programs one after the other (measured side by side when workers=2)
    total = wall
    cpu = sum(row["draft_cpu_seconds"] + row["bank_cpu_seconds"] for row in programs.values())
    per_enrollment = measured["baseline"]["seconds"] / measured["baseline"]["enrollments"]
    extrapolated = per_enrollment * seeded["enrollments"]
    row = {"backend": backend, "enrollments": seeded["enrollments"], "seeded": seeded, "measured": measured,
           "draft_seconds": round(draft, 2), "review_approve_seconds": round(approve, 2),
           "bank_seconds": round(bank, 2), "total_seconds": round(total, 2), "workers": workers,
           "sum_of_programs_seconds": round(one_worker, 2), "client_cpu_seconds": round(cpu, 2),
           "baseline_extrapolated_seconds": round(extrapolated, 1),
           "ratio": round(extrapolated / draft, 1), "peak_rss_mb": measured["peak_rss_mb"],
           "met": total <= TARGET_SECONDS, "profile": profile_path or None}
    lines = sum(r["lines"] for r in programs.values())
    print(f"{backend:<11} {seeded['enrollments']:,} enrollments → {lines:,} lines | {workers} worker(s): wall "
          f"{total:.1f} s | per program summed: draft {draft:.1f} s, "
          f"review+approve {approve:.1f} s, bank file {bank:.1f} s = {one_worker:.1f} s (client CPU "
          f"{cpu:.1f} s) | naive loop "
          f"{measured['baseline']['seconds']:.1f} s for {measured['baseline']['enrollments']:,} → "
          f"{extrapolated:.0f} s at {seeded['enrollments']:,} (draft ×{extrapolated / draft:.1f}) | peak "
          f"{measured['peak_rss_mb']} MB | target ≤ {TARGET_SECONDS} s: {'met' if row['met'] else 'MISSED'}",
          flush=True)
    for program, r in programs.items():
        print(f"    {program:<17} {r['lines']:>7,} lines ({r['payable']:,} payable, {r['held']:,} held) "
              f"draft {r['draft_seconds']:.2f} s (CPU {r['draft_cpu_seconds']:.2f} s), review+approve "
              f"{r['review_approve_seconds']:.2f} s, bank file {r['bank_seconds']:.2f} s (CPU "
              f"{r['bank_cpu_seconds']:.2f} s, {r['bank_bytes']:,} bytes)", flush=True)
    nov = seeded["november"]
    print(f"    first month (no ledger yet, seeding): draft "
          f"{sum(r['draft_seconds'] for r in nov.values()):.1f} s; seeding took {seeded['seed_seconds']:.0f} s",
          flush=True)
    return row


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enrollments", type=int, default=100_000)
    parser.add_argument("--baseline-enrollments", type=int, default=5_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--profile", action="store_true", help="cProfile the timed runs into var/payroll-*.prof")
    parser.add_argument("--workers", type=int, choices=(1, 2), default=2,
                        help="processes generating the programs' runs side by side (2 = the target's 2 cores)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _setup()
        if args.child[0] == "seed":
            seed(int(args.child[1]))
        else:
            wanted = tuple(args.child[3].split(",")) if len(args.child) > 3 and args.child[3] else ()
            measure(int(args.child[1]), args.child[2] if len(args.child) > 2 and args.child[2] else None, wanted)
        return []
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
    rows = [run_backend(backend, args.enrollments, args.baseline_enrollments, args.profile, args.workers)
            for backend in args.backends.split(",")]
    print(json.dumps([{k: v for k, v in row.items() if k not in ("seeded", "measured")} for row in rows],
                     ensure_ascii=False))
    return rows


if __name__ == "__main__":
    main()
