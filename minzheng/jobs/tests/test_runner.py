"""The worker side in process: claiming, steps committed with their checkpoint, recovery, fencing, cancel, failure."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from minzheng.audit.models import Event
from minzheng.jobs.actions import job_cancel, job_enqueue
from minzheng.jobs.enums import JobState
from minzheng.jobs.models import Job
from minzheng.jobs.runner import Heartbeat, Outcome, claim_next, release, run_claimed
from minzheng.jobs.tests.kinds import ITEM_TYPE

pytestmark = pytest.mark.django_db


class SimulatedCrash(BaseException):
    """Stands in for kill -9 in the middle of a step: nothing in the runner catches it."""


def _ledger(user, **parameters) -> Job:
    return job_enqueue(acting_user=user, kind="jobs_test_items", parameters={"label": "t", **parameters})


def _items(label: str = "t") -> Counter:
    return Counter(int(i) for i in Event.objects.filter(object_type=ITEM_TYPE, note=label)
                   .values_list("object_id", flat=True))


def _make_stale(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=5))


def _steps_then(stop_after: int):
    calls = {"n": 0}

    def should_stop() -> bool:
        calls["n"] += 1
        return calls["n"] > stop_after

    return should_stop


def test_claim_moves_a_queued_job_to_running_with_a_token(admin):
    """Given a queued job, when a worker claims it, then it is running, owned by a token and the worker, with a
    start time and heartbeat."""
    job = _ledger(admin)
    claim = claim_next(worker="host:1")
    job.refresh_from_db()
    assert (claim.job.pk, job.state, job.claim_token, job.worker) == (job.pk, JobState.RUNNING, claim.token, "host:1")
    assert job.started_at is not None and job.heartbeat_at is not None and not claim.recovered


def test_a_job_is_claimed_only_once(admin):
    """Given one queued job, when two workers claim in turn, then the second gets nothing."""
    _ledger(admin)
    assert claim_next(worker="a") is not None
    assert claim_next(worker="b") is None


def test_jobs_are_claimed_oldest_first(admin):
    """Given two queued jobs, when a worker claims, then it gets the older one."""
    first = _ledger(admin, label="first")
    _ledger(admin, label="second")
    assert claim_next(worker="a").job.pk == first.pk


def test_a_running_job_with_a_fresh_heartbeat_is_not_reclaimed(admin):
    """Given a job claimed by a live worker, when another worker looks, then it finds nothing to claim."""
    _ledger(admin)
    claim_next(worker="a")
    assert claim_next(worker="b") is None


def test_jobs_of_kinds_the_worker_does_not_know_wait(admin):
    """Given a queued job of a kind this code does not register (a newer deployment's), when a worker looks,
    then it leaves the job queued."""
    Job.objects.create(kind="from_a_newer_release", started_by=admin)
    assert claim_next(worker="a") is None


def test_job_runs_in_steps_to_a_result(admin):
    """Given a ledger of 10 items in steps of 3, when it runs, then it succeeds with every item written once, the
    progress complete and the result from the checkpoint."""
    job = _ledger(admin, items=10, batch=3)
    assert run_claimed(claim_next(worker="a")) == Outcome.SUCCEEDED
    job.refresh_from_db()
    assert (job.state, job.progress_done, job.progress_total, job.claim_token) == (JobState.SUCCEEDED, 10, 10, "")
    assert _items() == Counter(range(1, 11))
    assert job.result["sum"] == 55 and job.finished_at is not None


def test_each_step_commits_its_checkpoint(admin):
    """Given a ledger of 10 items in steps of 3, when the worker stops after two steps, then the job is back in
    the queue holding the checkpoint after item 6, with items 1–6 written."""
    job = _ledger(admin, items=10, batch=3)
    assert run_claimed(claim_next(worker="a"), should_stop=_steps_then(2)) == Outcome.RELEASED
    job.refresh_from_db()
    assert (job.state, job.claim_token, job.progress_done, job.checkpoint["next"]) == (JobState.QUEUED, "", 6, 7)
    assert _items() == Counter(range(1, 7))


def test_released_job_resumes_where_it_stopped(admin):
    """Given a job handed back after two steps, when another worker claims it, then it finishes with each item
    once and the same result as a run without the stop, and no recovery is counted."""
    reference = _ledger(admin, items=10, batch=3, label="ref")
    run_claimed(claim_next(worker="a"))
    job = _ledger(admin, items=10, batch=3)
    run_claimed(claim_next(worker="a"), should_stop=_steps_then(2))
    assert run_claimed(claim_next(worker="b")) == Outcome.SUCCEEDED
    job.refresh_from_db()
    reference.refresh_from_db()
    assert _items() == Counter(range(1, 11)) and job.result == reference.result and job.recoveries == 0


def test_crash_mid_step_keeps_neither_work_nor_checkpoint(admin, monkeypatch):
    """Given a ledger whose worker dies inside its third step after writing item 7, when the job is looked at,
    then items 1–6 and the checkpoint after 6 are kept and item 7 is not."""
    job = _ledger(admin, items=10, batch=3)
    claim = claim_next(worker="a")
    original = Event.objects.create

    def create(**kwargs):
        event = original(**kwargs)
        if kwargs.get("object_id") == "7":
            raise SimulatedCrash
        return event

    monkeypatch.setattr(Event.objects, "create", create)
    with pytest.raises(SimulatedCrash):
        run_claimed(claim)
    monkeypatch.undo()
    job.refresh_from_db()
    assert (job.state, job.checkpoint["next"], job.progress_done) == (JobState.RUNNING, 7, 6)
    assert _items() == Counter(range(1, 7))


def test_stale_job_is_reclaimed_and_resumes_from_its_checkpoint(admin, monkeypatch):
    """Given a worker that died inside a step (heartbeat now stale), when the next worker claims, then it takes
    the job over, counts one recovery and finishes with every item exactly once and the reference result."""
    reference = _ledger(admin, items=10, batch=3, label="ref")
    run_claimed(claim_next(worker="a"))
    job = _ledger(admin, items=10, batch=3)
    claim = claim_next(worker="a")
    original = Event.objects.create

    def create(**kwargs):
        event = original(**kwargs)
        if kwargs.get("object_id") == "5":
            raise SimulatedCrash
        return event

    monkeypatch.setattr(Event.objects, "create", create)
    with pytest.raises(SimulatedCrash):
        run_claimed(claim)
    monkeypatch.undo()
    _make_stale(job)
    takeover = claim_next(worker="b")
    assert takeover.recovered and takeover.token != claim.token
    assert run_claimed(takeover) == Outcome.SUCCEEDED
    job.refresh_from_db()
    reference.refresh_from_db()
    assert (job.recoveries, job.result) == (1, reference.result)
    assert _items() == Counter(range(1, 11))


def test_replaced_worker_cannot_commit_its_step(admin):
    """Given a worker whose job is taken over while its step runs, when the step tries to commit, then the step
    is rolled back (its item is not written) and the worker reports the job lost."""
    job = job_enqueue(acting_user=admin, kind="jobs_test_stolen", parameters={})
    assert run_claimed(claim_next(worker="a")) == Outcome.LOST
    job.refresh_from_db()
    assert (job.checkpoint, job.progress_done) == (None, 0)
    assert not Event.objects.filter(object_type=ITEM_TYPE, note="stolen").exists()


def test_replaced_worker_stops_at_the_next_boundary(admin):
    """Given a worker whose job was reclaimed by another before its next step, when it carries on, then it runs
    no step and reports the job lost."""
    job = _ledger(admin, items=10, batch=3)
    stale = claim_next(worker="a")
    _make_stale(job)
    claim_next(worker="b")
    assert run_claimed(stale) == Outcome.LOST
    assert _items() == Counter()


def test_job_that_keeps_killing_its_worker_is_failed(admin, settings):
    """Given a job already recovered the maximum number of times, when its worker dies again and another
    looks, then the job is failed with the reason rather than claimed."""
    settings.MINZHENG_JOB_MAX_RECOVERIES = 2
    job = _ledger(admin)
    claim_next(worker="a")
    Job.objects.filter(pk=job.pk).update(recoveries=2)
    _make_stale(job)
    assert claim_next(worker="b") is None
    job.refresh_from_db()
    assert (job.state, job.recoveries, job.claim_token) == (JobState.FAILED, 3, "")
    assert "多次异常退出" in job.error
    assert Event.objects.filter(action="job.fail", object_id=str(job.pk)).exists()


def test_job_handed_back_too_often_is_failed(admin, settings):
    """Given a job handed back after database errors more often than allowed, when a worker next looks, then the
    job is failed rather than claimed."""
    settings.MINZHENG_JOB_MAX_RECOVERIES = 1
    job = _ledger(admin)
    release(claim_next(worker="a"), interrupted=True)
    release(claim_next(worker="a"), interrupted=True)
    assert claim_next(worker="a") is None
    job.refresh_from_db()
    assert (job.state, job.recoveries) == (JobState.FAILED, 2)


def test_failing_step_fails_the_job_and_keeps_earlier_steps(admin):
    """Given a ledger whose item 5 raises, when it runs, then the job fails with the error's message, items 1–3
    (the committed first step) stay and the failing step's item 4 is rolled back."""
    job = _ledger(admin, items=10, batch=3, fail_at=5)
    assert run_claimed(claim_next(worker="a")) == Outcome.FAILED
    job.refresh_from_db()
    assert (job.state, job.error, job.progress_done) == (JobState.FAILED, "第5项处理失败", 3)
    assert _items() == Counter(range(1, 4))
    assert Event.objects.get(action="job.fail", object_id=str(job.pk)).after["error"] == "第5项处理失败"


def test_step_without_a_checkpoint_fails_the_job(admin):
    """Given a kind that returns progress without a checkpoint, when it runs, then the job fails and the step's
    work is rolled back (a resumed worker would otherwise repeat it)."""
    job = job_enqueue(acting_user=admin, kind="jobs_test_no_checkpoint", parameters={})
    assert run_claimed(claim_next(worker="a")) == Outcome.FAILED
    job.refresh_from_db()
    assert "检查点" in job.error
    assert not Event.objects.filter(object_type=ITEM_TYPE, note="no-checkpoint").exists()


def test_function_kind_runs(admin):
    """Given a kind registered as a function, when it runs, then it steps until it finishes."""
    job = job_enqueue(acting_user=admin, kind="jobs_test_countdown", parameters={"start": 4})
    assert run_claimed(claim_next(worker="a")) == Outcome.SUCCEEDED
    job.refresh_from_db()
    assert (job.result, job.progress_done) == ({"counted": 4}, 4)


def test_cancel_of_a_running_job_stops_at_the_next_step(admin):
    """Given a running ledger after one step, when its owner cancels, then the next boundary ends it as
    cancelled with the first step's items kept, and the cancel is in the audit log."""
    job = _ledger(admin, items=10, batch=3)
    claim = claim_next(worker="a")

    def cancel_after_first_step(running_job):
        if running_job.progress_done == 3:
            job_cancel(acting_user=admin, job=Job.objects.get(pk=job.pk))

    assert run_claimed(claim, on_progress=cancel_after_first_step) == Outcome.CANCELLED
    job.refresh_from_db()
    assert (job.state, job.progress_done, job.claim_token) == (JobState.CANCELLED, 3, "")
    assert _items() == Counter(range(1, 4))
    actions = set(Event.objects.filter(object_id=str(job.pk)).values_list("action", flat=True))
    assert {"job.cancel_request", "job.cancel"} <= actions


def test_success_writes_an_event_with_the_result(admin):
    """Given a ledger, when it succeeds, then a job.succeed event carries the result, attributed to the starter."""
    job = _ledger(admin, items=2, batch=5)
    run_claimed(claim_next(worker="a"))
    event = Event.objects.get(action="job.succeed", object_id=str(job.pk))
    assert (event.actor_id, event.after["result"]["items"], event.area_code) == (admin.pk, 2, admin.area_id)


def test_checkpoint_is_handed_to_steps_as_json(admin):
    """Given a step that returns a tuple in its checkpoint, when the next step runs, then it receives a list, as
    a resumed worker reading the JSON column would."""
    seen = []
    from minzheng.jobs.kinds import Step, get_kind

    spec = get_kind("jobs_test_countdown")
    original = spec._function

    def step(job, checkpoint):
        seen.append(checkpoint)
        if checkpoint is None:
            return Step(checkpoint={"left": 1, "pair": (1, 2)}, done=1)
        return Step.finish(result={}, done=2)

    spec._function = step
    try:
        job_enqueue(acting_user=admin, kind="jobs_test_countdown", parameters={})
        run_claimed(claim_next(worker="a"))
    finally:
        spec._function = original
    assert seen == [None, {"left": 1, "pair": [1, 2]}]


def test_released_on_interruption_counts_a_recovery(admin):
    """Given a running job, when the worker hands it back after a database error, then it is queued again with
    its checkpoint and one recovery counted."""
    job = _ledger(admin)
    claim = claim_next(worker="a")
    assert release(claim, interrupted=True) == Outcome.RELEASED
    job.refresh_from_db()
    assert (job.state, job.recoveries, job.claim_token, job.worker) == (JobState.QUEUED, 1, "", "")


@pytest.mark.django_db(transaction=True)
def test_heartbeat_thread_refreshes_the_claimed_job(users):
    """Given a claimed job whose heartbeat is old, when the heartbeat runs for a few beats, then the heartbeat is
    recent again (so other workers leave the job alone)."""
    job = _ledger(users["district_admin"])
    claim = claim_next(worker="a")
    _make_stale(job)
    with Heartbeat(claim, interval=0.02):
        deadline = timezone.now() + dt.timedelta(seconds=5)
        while timezone.now() < deadline:
            job.refresh_from_db()
            if timezone.now() - job.heartbeat_at < dt.timedelta(seconds=1):
                break
    assert timezone.now() - job.heartbeat_at < dt.timedelta(seconds=1)
