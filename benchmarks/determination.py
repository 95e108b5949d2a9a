"""Benchmark: classified determination of synthetic households (issue: 100,000 households in ≤ 60 s on 2 cores).

Measured in the same run, on the same households:

- ``engine``: ``determine(household, standards)`` with one ``Standards`` resolved once (how batch runs and the
  policy simulation call it);
- ``engine, N workers``: the same split over worker processes (``--workers``, default 2);
- ``json path``: per household, read the JSON form (``household_from_json``, which validates every field and
  ID number), determine and build the output dict: the ``assess`` command's work without process start;
- baseline ``dict copy``: per household, copy the parameter values and rebuild ``Standards.from_values`` before
  determining (standards resolution per household without a database);
- baseline ``database``: per household, resolve the standards with ``standards_for`` (one policy query per
  household), as a page loop that resolves per household would. It needs a migrated database with the demo
  parameters, so it runs on a throwaway SQLite file and on fewer households (``--baseline-households``); its
  rate is what is compared.

    python benchmarks/determination.py [--households 100000] [--baseline-households 5000] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from minzheng.assistance.determination import (  # noqa: E402
    Assets,
    Disability,
    Emergency,
    HouseholdInput,
    IncomeItem,
    MemberInput,
    determine,
    household_from_json,
    household_to_json,
)
from minzheng.assistance.standards import Standards  # noqa: E402
from minzheng.core.identifiers import make_id_number  # noqa: E402

AS_OF = dt.date(2025, 9, 15)
VILLAGE = "340471100201"
# The demo parameter values (the policy app's demo data); the benchmark is not production code.
DEMO_VALUES = {
    "dibao.standard_monthly_fen": 77000, "dibao.asset_deposit_months": 12, "dibao.asset_max_vehicles": 0,
    "dibao.asset_max_companies": 0, "dibao.asset_max_homes": 1, "tekun.age_min": 60,
    "tekun.basic_multiplier_permille": 1300, "tekun.care_dispersed_full_fen": 4500,
    "tekun.care_dispersed_partial_fen": 30000, "tekun.care_dispersed_none_fen": 52500,
    "tekun.care_centralized_full_fen": 6000, "tekun.care_centralized_partial_fen": 45000,
    "tekun.care_centralized_none_fen": 75000, "marginal.income_multiplier_permille": 1500,
    "rigid_expense.income_ceiling_annual_fen": 2600000, "rigid_expense.expense_share_percent": 50,
    "rigid_expense.valid_months": 12, "temp_aid.town_max_multiple": 6, "temp_aid.district_max_fen": 2000000,
    "application.residence_min_months": 6,
}
STATUSES = ["normal"] * 40 + ["imprisoned", "compulsory_rehab", "declared_missing", "clergy_away"]
KINDS = ["wage", "wage", "wage", "business", "property", "transfer", "basic_pension", "care_subsidy",
         "assistance", "award"]
DISABILITY_KINDS = ["physical", "intellectual", "mental", "visual", "hearing", "speech", "multiple"]


def synthetic_households(count: int, seed: int = 2025) -> list[HouseholdInput]:
    """Households of 1–6 members with incomes around the standards, so every program's branch is taken."""
    rng = random.Random(seed)
    households = []
    for number in range(count):
        members = []
        for index in range(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6))):
            born = dt.date(rng.randint(1930, 2024), rng.randint(1, 12), rng.randint(1, 28))
            disability = None
            if rng.random() < 0.1:
                disability = Disability(kind=rng.choice(DISABILITY_KINDS), grade=rng.randint(1, 4))
            items = tuple(IncomeItem(kind=rng.choice(KINDS), monthly_fen=rng.randrange(0, 300_000, 50))
                          for _ in range(rng.choice((0, 1, 1, 2))))
            members.append(MemberInput(
                id_number=make_id_number("340471", born, (number * 8 + index) * 2, male=rng.random() < 0.5),
                name="成员", birth_date=born, relation="head" if index == 0 else "child",
                living_together=rng.random() < 0.9, status=rng.choice(STATUSES), disability=disability,
                serious_illness=rng.random() < 0.05, self_care=rng.choice(("full", "full", "partial", "none")),
                student=rng.random() < 0.1, care_placement=rng.choice(("dispersed", "centralized")),
                income_items=items))
        emergency = None
        if rng.random() < 0.1:
            emergency = Emergency(kind="fire", area_code=rng.choice((VILLAGE, "340421100201")),
                                  loss_fen=rng.randrange(0, 4_000_000, 100))
        households.append(HouseholdInput(
            as_of=AS_OF, area_code=VILLAGE, members=tuple(members), able_supporters=rng.choice((0, 0, 1, 2)),
            assets=Assets(deposits_fen=rng.randrange(0, 3_000_000, 100), vehicles=int(rng.random() < 0.1),
                          companies=int(rng.random() < 0.05), homes=rng.choice((0, 1, 1, 1, 2))),
            application_place=rng.choice(("hukou", "hukou", "residence")),
            rigid_expenses_12m_fen=rng.randrange(0, 6_000_000, 100), emergency=emergency))
    return households


def _timed(label: str, count: int, work) -> dict:
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    row = {"what": label, "households": count, "seconds": round(seconds, 3),
           "per_second": round(count / seconds)}
    print(f"{label:<50} {count:>8} households {seconds:>8.2f} s {row['per_second']:>10,} /s", flush=True)
    return row | {"result": result}


def _eligible_counts(determinations) -> dict[str, int]:
    """Consume determinations as they are made (a batch run writes them out rather than keeping 100,000 in
    memory, which would mostly measure the garbage collector) and count the grants per program."""
    counts: dict[str, int] = {}
    for determination in determinations:
        for decision in determination.decisions:
            if decision.eligible:
                counts[decision.program] = counts.get(decision.program, 0) + 1
    return counts


def _eligible_counts_json(outputs) -> dict[str, int]:
    counts: dict[str, int] = {}
    for output in outputs:
        for decision in output["decisions"]:
            if decision["eligible"]:
                counts[decision["program"]] = counts.get(decision["program"], 0) + 1
    return counts


_WORKER_HOUSEHOLDS: list[HouseholdInput] = []


def _determine_range(bounds: tuple[int, int]) -> dict[str, int]:
    standards = Standards.from_values(DEMO_VALUES)
    return _eligible_counts(determine(household, standards) for household in _WORKER_HOUSEHOLDS[bounds[0]:bounds[1]])


def _parallel(households: list[HouseholdInput], workers: int) -> dict[str, int]:
    global _WORKER_HOUSEHOLDS
    _WORKER_HOUSEHOLDS = households
    step = -(-len(households) // workers)
    chunks = [(start, min(start + step, len(households))) for start in range(0, len(households), step)]
    # fork: the workers inherit the generated households instead of receiving them pickled.
    totals: dict[str, int] = {}
    with get_context("fork").Pool(workers) as pool:
        for counts in pool.map(_determine_range, chunks):
            for program, count in counts.items():
                totals[program] = totals.get(program, 0) + count
    return totals


def _migrated_database() -> tuple[Path, object]:
    """A throwaway SQLite database migrated with the demo parameters; returns its directory and
    ``standards_for``. Set up before timing: only the per-household resolution is measured."""
    directory = Path(tempfile.mkdtemp(prefix="mz-bench-determination-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.django.test"
    import django

    django.setup()
    from django.core.management import call_command

    from minzheng.assistance.standards import standards_for

    call_command("migrate", verbosity=0, interactive=False)
    return directory, standards_for


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--baseline-households", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-database", action="store_true", help="skip the database baseline")
    args = parser.parse_args(argv)

    print(f"generating {args.households:,} households …", flush=True)
    households = synthetic_households(args.households)
    as_json = [household_to_json(household) for household in households]
    standards = Standards.from_values(DEMO_VALUES)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)

    rows = []
    engine = _timed("engine (one Standards)", len(households),
                    lambda: _eligible_counts(determine(household, standards) for household in households))
    rows.append(engine)
    if args.workers > 1:
        rows.append(_timed(f"engine, {args.workers} worker processes", len(households),
                           lambda: _parallel(households, args.workers)))
    rows.append(_timed("json path (validate + determine + output)", len(households),
                       lambda: _eligible_counts_json(determine(household_from_json(data), standards).as_json()
                                                     for data in as_json)))
    rows.append(_timed("baseline: dict copy + from_values per household", len(households),
                       lambda: _eligible_counts(determine(household, Standards.from_values(dict(DEMO_VALUES)))
                                                for household in households)))
    for row in rows[1:]:
        assert row["result"] == engine["result"], f"{row['what']} must decide the same"
    if not args.no_database:
        sample = households[:args.baseline_households]
        directory, standards_for = _migrated_database()
        try:
            database = _timed("baseline: standards_for (1 query) per household", len(sample),
                              lambda: [determine(household, standards_for(household.area_code, household.as_of))
                                       for household in sample])
        finally:
            for path in directory.glob("*"):
                path.unlink()
            directory.rmdir()
        assert database["result"] == [determine(household, standards) for household in sample], \
            "the database baseline must decide the same"
        rows.append(database)
    print("eligible per program:", json.dumps(engine["result"]), flush=True)
    for row in rows:
        if row["what"].startswith("baseline"):
            print(f"engine is {engine['per_second'] / row['per_second']:.1f}× the rate of {row['what']}")
    summary = [{key: value for key, value in row.items() if key != "result"} for row in rows]
    print(json.dumps(summary, ensure_ascii=False))
    return summary


if __name__ == "__main__":
    main()
