"""The worker's side of jobs: claiming a job, running its steps under the claim, heartbeats, the polling loop.

Claiming. A worker takes the oldest claimable job of a kind it knows with a conditional UPDATE that also
writes a fresh claim token: ``UPDATE … SET state='running', claim_token=<new> WHERE id=… AND state=<seen>
AND claim_token=<seen>``. Two workers racing for one row cannot both match, on SQLite (one writer at a time)
or PostgreSQL (the second UPDATE re-reads the row after the first commits). On PostgreSQL the candidate is
also picked with ``SELECT … FOR UPDATE SKIP LOCKED`` so that workers do not queue behind each other.

Heartbeat and recovery. While a job runs, a thread refreshes ``heartbeat_at`` every
``MINZHENG_JOB_HEARTBEAT_SECONDS`` (and every committed step refreshes it too). A running job whose heartbeat is
older than ``MINZHENG_JOB_STALE_SECONDS`` belongs to a dead worker; the next worker claims it with a new token,
counts a recovery and resumes from the job's last committed checkpoint.

Fencing. Every write a worker makes to its job is guarded by ``claim_token`` — above all the checkpoint
written in the same transaction as a step's work. A worker that was only presumed dead (stopped, or cut off
from the database) and wakes up after its job was reclaimed finds its token gone, and its step is rolled
back: correctness never depends on the timeout, only the wait for a recovery does.

SQLite has one writer at a time and no queue for the lock: a waiting writer sleeps and retries (up to 100 ms
apart), so a worker that starts its next step the moment the last one commits can hold the lock for minutes
and the web's writes (a login) fail with "database is locked". On SQLite the worker therefore pauses after
each step for as long as the step took, up to ``SQLITE_YIELD_SECONDS``.

States follow ``enums.TRANSITIONS``. The worker moves states with guarded UPDATEs rather than
``core.transitions.transition()``, because each move must also prove the claim; the table is checked first.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, Protocol

from django.core.serializers.json import DjangoJSONEncoder
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
    transaction,
)
from django.db.models import F, Q
from django.utils import timezone

from minzheng.audit.actions import record_event
from minzheng.core.errors import ApplicationError
from minzheng.core.transitions import TransitionError, can_transition
from minzheng.jobs import conf
from minzheng.jobs.enums import TRANSITIONS, JobState
from minzheng.jobs.errors import MESSAGES, JobErrorCode, job_error
from minzheng.jobs.kinds import Step, get_kind, kind_names
from minzheng.jobs.models import Job

logger = logging.getLogger("minzheng.jobs")

_TRANSIENT = (OperationalError, InterfaceError)

# Longer than SQLite's longest busy-retry sleep (100 ms), so that a waiting writer gets the lock between steps.
SQLITE_YIELD_SECONDS = 0.12


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    RELEASED = "released"  # handed back to the queue (shutdown, database error), checkpoint kept
    LOST = "lost"  # another worker holds the job now; nothing of the interrupted step was kept


@dataclass
class Claim:
    job: Job
    token: str
    recovered: bool


class _ClaimLost(Exception):
    pass


def _never() -> bool:
    return False


def to_json(value: Any) -> Any:
    """The value as it will read back from a JSON column, so that a running job and a resumed one see the
    same checkpoint (a UUID becomes its string, a tuple a list)."""
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _require_move(current: str, target: str) -> None:
    if not can_transition(TRANSITIONS, current, target):
        labels = dict(JobState.choices)
        raise TransitionError(current, target, labels.get(current, current), labels.get(target, target))


def _claimable(now) -> Q:
    stale_before = now - timedelta(seconds=conf.stale_seconds())
    return Q(state=JobState.QUEUED) | Q(state=JobState.RUNNING, heartbeat_at__lt=stale_before) | Q(
        state=JobState.RUNNING, heartbeat_at__isnull=True)


def _owned(claim: Claim):
    return Job.objects.filter(pk=claim.job.pk, claim_token=claim.token, state=JobState.RUNNING)


def _record(job: Job, action: str, before: dict, after: dict, note: str = "") -> None:
    # The worker acts on behalf of whoever started the job; the note says a background process wrote it.
    record_event(actor=job.started_by, action=action, obj=job, area_code=job.area_code, before=before,
                 after=after, note=note or "后台任务进程")


_RETRY = object()


def claim_next(*, worker: str) -> Claim | None:
    """Claim the oldest queued job, or a running job whose worker died. ``None`` when there is none."""
    names = kind_names()
    if not names:
        return None
    for _attempt in range(20):
        outcome = _claim_one(worker=worker, names=names)
        if outcome is not _RETRY:
            return outcome
    return None


def _claim_one(*, worker: str, names: list[str]):
    now = timezone.now()
    with transaction.atomic():
        candidates = Job.objects.filter(_claimable(now), kind__in=names).order_by("created_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        seen = candidates.only("pk", "state", "claim_token", "recoveries", "started_at").first()
        if seen is None:
            return None
        recovered = seen.state == JobState.RUNNING
        current = Job.objects.filter(_claimable(now), pk=seen.pk, state=seen.state, claim_token=seen.claim_token)
        interruptions = seen.recoveries + (1 if recovered else 0)
        if interruptions > conf.max_recoveries():
            _require_move(JobState.RUNNING if recovered else JobState.QUEUED, JobState.FAILED)
            if current.update(state=JobState.FAILED, claim_token="", finished_at=now, updated_at=now,
                              recoveries=interruptions, error=MESSAGES[JobErrorCode.WORKER_LOST]):
                failed = Job.objects.select_related("started_by").get(pk=seen.pk)
                _record(failed, "job.fail", {"state": seen.state},
                        {"state": JobState.FAILED, "error": failed.error})
                logger.warning("job %s failed after %s interruptions", seen.pk, interruptions)
            return _RETRY
        if not recovered:
            _require_move(JobState.QUEUED, JobState.RUNNING)
        token = uuid.uuid4().hex
        updates: dict[str, Any] = {"state": JobState.RUNNING, "claim_token": token, "worker": worker[:128],
                                   "heartbeat_at": now, "updated_at": now, "recoveries": interruptions}
        if seen.started_at is None:
            updates["started_at"] = now
        if not current.update(**updates):
            return _RETRY
        job = Job.objects.select_related("started_by").get(pk=seen.pk)
    if recovered:
        logger.info("job %s taken over from a stopped worker at %s/%s", job.pk, job.progress_done,
                    job.progress_total)
    return Claim(job=job, token=token, recovered=recovered)


def _step_fields(step: Any, now) -> dict[str, Any]:
    if not isinstance(step, Step):
        raise job_error(JobErrorCode.STEP_INVALID, f"任务程序应返回 Step，实际为 {type(step).__name__}")
    if not isinstance(step.done, int) or step.done < 0:
        raise job_error(JobErrorCode.STEP_INVALID, "步骤进度应为非负整数")
    if not step.finished and step.checkpoint is None:
        # Without a checkpoint a resumed worker would start over and repeat committed work.
        raise job_error(JobErrorCode.STEP_INVALID, "未完成的步骤必须返回检查点")
    fields: dict[str, Any] = {"checkpoint": to_json(step.checkpoint), "progress_done": step.done,
                              "heartbeat_at": now, "updated_at": now}
    if step.total is not None:
        fields["progress_total"] = max(step.total, step.done)
    if step.finished:
        _require_move(JobState.RUNNING, JobState.SUCCEEDED)
        fields.update(state=JobState.SUCCEEDED, result=to_json(step.result or {}), finished_at=now, claim_token="")
    return fields


def run_claimed(claim: Claim, *, should_stop: Callable[[], bool] = _never,
                on_progress: Callable[[Job], None] | None = None) -> Outcome:
    """Run the claimed job step by step until it finishes, fails, is cancelled, is released or is lost."""
    job = claim.job
    spec = get_kind(job.kind)
    if spec is None:
        return _fail(claim, job_error(JobErrorCode.KIND_UNKNOWN))
    checkpoint = to_json(job.checkpoint)
    while True:
        # Step boundary: the only place a job stops on request, so a stop never splits a step.
        row = _owned(claim).values("cancel_requested_at").first()
        if row is None:
            return Outcome.LOST
        if row["cancel_requested_at"] is not None:
            return _end(claim, JobState.CANCELLED, note="在步骤之间按申请停止")
        if should_stop():
            return release(claim)
        began = time.monotonic()
        try:
            # A kind may read and compute before its step's transaction (``prepare``): on SQLite the transaction
            # holds the write lock, which then covers only the writes.
            prepare = getattr(spec, "prepare", None)
            prepared = prepare(job, checkpoint) if prepare is not None else None
            with transaction.atomic():
                step = spec.step(job, checkpoint, prepared) if prepare is not None else spec.step(job, checkpoint)
                fields = _step_fields(step, timezone.now())
                if _owned(claim).update(**fields) != 1:
                    raise _ClaimLost
                if step.finished:
                    for name, value in fields.items():
                        setattr(job, name, value)
                    _record(job, "job.succeed", {"state": JobState.RUNNING},
                            {"state": JobState.SUCCEEDED, "result": fields["result"]})
        except _ClaimLost:
            logger.warning("job %s: claim lost, the step was rolled back", job.pk)
            return Outcome.LOST
        except _TRANSIENT:
            raise
        except Exception as exc:
            return _fail(claim, exc)
        for name, value in fields.items():
            setattr(job, name, value)
        checkpoint = fields["checkpoint"]
        if on_progress is not None:
            on_progress(job)
        if step.finished:
            return Outcome.SUCCEEDED
        if connection.vendor == "sqlite" and getattr(spec, "prepare", None) is None:
            # A kind that computes in prepare() leaves the write lock free while it does; others pause here.
            time.sleep(min(time.monotonic() - began, SQLITE_YIELD_SECONDS))


def _fail(claim: Claim, exc: Exception) -> Outcome:
    if isinstance(exc, ApplicationError):
        logger.warning("job %s failed: %s", claim.job.pk, exc)
        message = str(exc)
    else:
        logger.exception("job %s failed", claim.job.pk)
        message = f"任务执行出错：{type(exc).__name__}: {exc}"
    return _end(claim, JobState.FAILED, error=message[:4000])


def _end(claim: Claim, target: JobState, *, note: str = "", **fields: Any) -> Outcome:
    _require_move(JobState.RUNNING, target)
    now = timezone.now()
    with transaction.atomic():
        if not _owned(claim).update(state=target, claim_token="", finished_at=now, heartbeat_at=now,
                                    updated_at=now, **fields):
            return Outcome.LOST
        claim.job.refresh_from_db()
        after = {"state": target, **({"error": fields["error"]} if "error" in fields else {})}
        _record(claim.job, f"job.{'fail' if target == JobState.FAILED else 'cancel'}", {"state": JobState.RUNNING},
                after, note)
    return Outcome(target)


def release(claim: Claim, *, interrupted: bool = False) -> Outcome:
    """Hand a running job back to the queue with its checkpoint; ``interrupted`` counts it as a recovery."""
    _require_move(JobState.RUNNING, JobState.QUEUED)
    updates: dict[str, Any] = {"state": JobState.QUEUED, "claim_token": "", "worker": "", "heartbeat_at": None,
                               "updated_at": timezone.now()}
    if interrupted:
        updates["recoveries"] = F("recoveries") + 1
    return Outcome.RELEASED if _owned(claim).update(**updates) else Outcome.LOST


class Heartbeat:
    """Refreshes the claimed job's heartbeat from a thread while the main thread runs steps."""

    def __init__(self, claim: Claim, interval: float | None = None) -> None:
        self.claim = claim
        self.interval = conf.heartbeat_seconds() if interval is None else interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if self.interval > 0:
            self._thread = threading.Thread(target=self._beat, name="job-heartbeat", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    if not _owned(self.claim).update(heartbeat_at=timezone.now()):
                        return
                except DatabaseError as exc:
                    # The step may hold the write lock (SQLite) or the database may be away; try again next beat.
                    logger.warning("job %s: heartbeat not written (%s)", self.claim.job.pk, exc)
        finally:
            connections.close_all()


class Reporter(Protocol):
    def started(self, job: Job) -> None: ...

    def progress(self, job: Job) -> None: ...

    def finished(self, job: Job, outcome: Outcome) -> None: ...


class SilentReporter:
    def started(self, job: Job) -> None:
        pass

    def progress(self, job: Job) -> None:
        pass

    def finished(self, job: Job, outcome: Outcome) -> None:
        pass


def work(*, worker: str, stop: threading.Event, once: bool = False, poll: float | None = None,
         reporter: Reporter | None = None, should_stop: Callable[[], bool] = _never) -> int:
    """The worker loop: claim, run, repeat. Returns the number of jobs it ran (to any outcome).

    ``once`` drains the queue and returns; otherwise an idle worker waits ``poll`` seconds between looks.
    Setting ``stop`` (the signal handlers do) ends the loop at the next step boundary, handing the running job
    back to the queue.
    """
    poll = conf.poll_seconds() if poll is None else poll
    reporter = reporter or SilentReporter()

    def stopping() -> bool:
        return stop.is_set() or should_stop()

    count = 0
    while not stopping():
        if not connection.in_atomic_block:
            # Drop a connection that broke or outlived CONN_MAX_AGE, as a request would (not inside a
            # transaction, where the loop runs in tests).
            close_old_connections()
        claim: Claim | None = None
        try:
            claim = claim_next(worker=worker)
            if claim is None:
                if once:
                    break
                stop.wait(poll)
                continue
            reporter.started(claim.job)
            with Heartbeat(claim):
                outcome = run_claimed(claim, should_stop=stopping, on_progress=reporter.progress)
            count += 1
            claim.job.refresh_from_db()
            reporter.finished(claim.job, outcome)
        except _TRANSIENT:
            logger.exception("database error; the job is handed back to the queue")
            connections.close_all()
            if claim is not None:
                try:
                    release(claim, interrupted=True)
                except DatabaseError:
                    logger.warning("job %s stays claimed until its heartbeat goes stale", claim.job.pk)
            if once:
                raise
            stop.wait(poll)
    return count
