"""16 parallel attempts to create, then to approve, the same payroll run: one run, one set of payments, one approval.

Sixteen ``manage.py shell`` processes against the workers' database (the jobs tests' ``worker_db``: a SQLite file
or a throwaway PostgreSQL database) start Django, signal they are ready and wait for a start file, then all call
``payroll_run_create`` for the same program, district and month at once; a worker generates the run; the finance
officer reviews it; sixteen processes (sixteen district approvers) then call ``payroll_run_approve`` at once. The
amounts are chosen here, so the total to pay is summed independently in integer 分.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from minzheng.jobs.tests.test_kill_resume import ROOT, WorkerDatabase, _manage, worker_db  # noqa: F401
from minzheng.payments.tests.test_kill_resume import shell, use_payments_workers

ATTEMPTS = 16
HOUSEHOLDS = 120
PERIOD = "2025-12-01"
TODAY = "2026-01-10"
REFUSALS = {"payments_illegal_transition": "发放名册当前状态为「已批准」，不能变更为「已批准」。",
            "payments_changed": "发放名册刚被他人办理，状态已变化，请刷新后查看。"}


def amounts(seed: int = 16) -> list[tuple[int, bool]]:
    """(monthly amount in 分, has an account) of each household: every seventh has none and is held."""
    rng = random.Random(seed)
    return [(rng.randrange(20_001, 250_000), index % 7 != 3) for index in range(HOUSEHOLDS)]


# --- run in the subprocesses -------------------------------------------------------------------------------------


def seed_district() -> dict:
    import datetime as dt

    from minzheng.accounts.enums import Role
    from minzheng.payments.tests.conftest import enroll
    from minzheng.policy.demo import ensure_demo_parameters
    from minzheng.testing import factories as f

    f.make_areas()
    ensure_demo_parameters()
    f.make_user(Role.FINANCE_OFFICER, f.DISTRICT, username="pay_finance")
    for index in range(ATTEMPTS):
        f.make_user(Role.DISTRICT_APPROVER, f.DISTRICT, username=f"pay_approver_{index}")
    town = f.make_user(Role.TOWN_REVIEWER, f.TOWN_A, username="pay_town_a")
    villages = [f.VILLAGE_A1, f.VILLAGE_A2, f.VILLAGE_B1]
    for index, (amount, account) in enumerate(amounts()):
        village = villages[index % 3]
        people = [f.make_person(name=f"并{index}", area=village, birth=dt.date(1960 + index % 40, 1, 1))]
        if index % 4 == 0:
            people.append(f.make_person(name=f"并{index}子", area=village, birth=dt.date(2012, 1, 1)))
        enroll(town, people, amount_fen=amount, starts_on=dt.date(2025, 12, 1), area=village, account=account)
    print(json.dumps({"households": HOUSEHOLDS}))
    return {"households": HOUSEHOLDS}


def attempt(what: str, username: str, ready: str, go: str) -> None:
    """Wait for the start file, then create or approve the run; print what happened as JSON."""
    import datetime as dt

    from minzheng.accounts.models import User
    from minzheng.core.errors import ApplicationError
    from minzheng.payments.actions import payroll_run_approve, payroll_run_create
    from minzheng.payments.models import PayrollRun
    from minzheng.testing import factories as f

    user = User.objects.get(username=username)
    period, today = dt.date.fromisoformat(PERIOD), dt.date.fromisoformat(TODAY)
    run = PayrollRun.objects.filter(program="dibao", area_id=f.DISTRICT, period=period).first()
    from django.db import connection

    connection.close()  # the attempt opens its connection at the start, like a request
    Path(ready).touch()
    while not Path(go).exists():
        time.sleep(0.001)
    try:
        if what == "create":
            run = payroll_run_create(acting_user=user, program="dibao", area_code=f.DISTRICT, period=period,
                                     today=today)
        else:
            run = payroll_run_approve(acting_user=user, run=run)
        print(json.dumps({"ok": True, "run": str(run.pk), "job": str(run.job_id), "status": run.status}))
    except ApplicationError as error:
        print(json.dumps({"ok": False, "code": error.code, "message": error.message}, ensure_ascii=False))


def review() -> None:
    import datetime as dt

    from minzheng.accounts.models import User
    from minzheng.payments.actions import payroll_run_review
    from minzheng.payments.models import PayrollRun

    run = PayrollRun.objects.get(program="dibao", period=dt.date.fromisoformat(PERIOD))
    run = payroll_run_review(acting_user=User.objects.get(username="pay_finance"), run=run)
    print(json.dumps({"status": run.status}))


def outcome() -> dict:
    from django.db.models import Count

    from minzheng.audit.models import Event
    from minzheng.jobs.models import Job
    from minzheng.payments.models import PayrollLine, PayrollRun
    from minzheng.payments.tasks import GENERATE_KIND

    runs = list(PayrollRun.objects.values("pk", "status", "payable_count", "payable_fen", "held_count", "held_fen",
                                          "approved_by__username"))
    lines = PayrollLine.objects.all()
    result = {
        "runs": [{**run, "pk": str(run["pk"])} for run in runs],
        "jobs": list(Job.objects.filter(kind=GENERATE_KIND).values_list("state", flat=True)),
        "lines": lines.count(),
        "sources": lines.values("source_key").distinct().count(),
        "most_lines_per_source": max((row["n"] for row in lines.values("source_key").annotate(n=Count("pk"))),
                                     default=0),
        "line_runs": sorted({str(pk) for pk in lines.values_list("run_id", flat=True)}),
        "payable_fen": [int(fen) for fen in lines.filter(status="pending").values_list("amount_fen", flat=True)],
        "held_fen": [int(fen) for fen in lines.filter(status="held").values_list("amount_fen", flat=True)],
        "events": {action: Event.objects.filter(action=action).count()
                   for action in ("payroll.create", "payroll.review", "payroll.approve")},
    }
    print(json.dumps(result, ensure_ascii=False))
    return result


# --- the test ----------------------------------------------------------------------------------------------------


def _call(function: str, *args) -> str:
    return f"from minzheng.payments.tests.test_parallel import {function}; {function}(*{args!r})"


def _all_at_once(db: WorkerDatabase, tmp_path: Path, what: str, usernames: list[str]) -> list[dict]:
    """Start one process per user, wait until every one is ready, then let them all go at the same moment."""
    ready_dir, go = tmp_path / f"{what}-ready", tmp_path / f"{what}-go"
    ready_dir.mkdir()
    processes = [subprocess.Popen([sys.executable, "manage.py", "shell", "-c",
                                   _call("attempt", what, username, str(ready_dir / str(index)), str(go))],
                                  cwd=ROOT, env=db.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for index, username in enumerate(usernames)]
    deadline = time.monotonic() + 120
    while len(list(ready_dir.iterdir())) < len(processes):
        failed = [p for p in processes if p.poll() is not None]
        assert not failed, failed[0].communicate()
        assert time.monotonic() < deadline, "the attempts did not all start"
        time.sleep(0.02)
    go.touch()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_sixteen_parallel_creations_and_approvals_make_one_run_one_payment_each_and_one_approval(worker_db,  # noqa: F811
                                                                                                  tmp_path):
    """Given 120 低保 households (every seventh without an account), when 16 processes create the December run at
    the same moment, then all 16 get the same run and exactly one run and one generation job exist; when a
    worker has generated it and it is reviewed, and 16 district approvers approve it at the same moment, then
    exactly one approval takes effect (one audit event) and the 15 others are refused with a Chinese message;
    and there is one line per household, the pending lines sum to the independently summed amounts in 分 of the
    households with an account, the held ones to the rest."""
    db = use_payments_workers(worker_db)
    shell(db, _call("seed_district"))

    created = _all_at_once(db, tmp_path, "create", ["pay_finance"] * ATTEMPTS)
    assert all(result["ok"] for result in created), created
    assert len({result["run"] for result in created}) == 1
    assert len({result["job"] for result in created}) == 1
    state = shell(db, _call("outcome"))
    assert len(state["runs"]) == 1 and state["jobs"] == ["queued"]
    assert state["events"]["payroll.create"] == 1

    _manage(db, "worker", "--once", "--no-bar")
    shell(db, _call("review"))
    approvals = _all_at_once(db, tmp_path, "approve", [f"pay_approver_{i}" for i in range(ATTEMPTS)])
    accepted = [result for result in approvals if result["ok"]]
    refused = [result for result in approvals if not result["ok"]]
    assert len(accepted) == 1 and accepted[0]["status"] == "approved", approvals
    assert len(refused) == ATTEMPTS - 1
    print("refusals:", Counter(result["code"] for result in refused))
    for result in refused:
        assert REFUSALS.get(result["code"]) == result["message"], result

    state = shell(db, _call("outcome"))
    (run,) = state["runs"]
    assert run["status"] == "approved" and state["jobs"] == ["succeeded"]
    assert run["approved_by__username"] == f"pay_approver_{approvals.index(accepted[0])}"
    assert state["events"] == {"payroll.create": 1, "payroll.review": 1, "payroll.approve": 1}
    assert state["line_runs"] == [run["pk"]]
    assert state["lines"] == state["sources"] == HOUSEHOLDS and state["most_lines_per_source"] == 1

    expected_payable = sum(amount for amount, account in amounts() if account)
    expected_held = sum(amount for amount, account in amounts() if not account)
    assert sum(state["payable_fen"]) == expected_payable == run["payable_fen"]
    assert sum(state["held_fen"]) == expected_held == run["held_fen"]
    assert (run["payable_count"], run["held_count"]) == (len(state["payable_fen"]), len(state["held_fen"]))
    assert run["payable_count"] == sum(1 for _, account in amounts() if account)
