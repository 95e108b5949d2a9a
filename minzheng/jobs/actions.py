"""Writes of jobs made by people: starting a job and cancelling one. Each leaves an event row.

The worker's own writes (claims, checkpoints, the final state) are in ``runner``.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.audit.actions import record_event
from minzheng.core.errors import ApplicationError, PermissionDeniedError
from minzheng.core.transitions import can_transition
from minzheng.jobs.enums import ACTIVE_STATES, TRANSITIONS, JobState
from minzheng.jobs.errors import JobErrorCode, job_error
from minzheng.jobs.kinds import get_kind
from minzheng.jobs.models import Job
from minzheng.jobs.runner import to_json


def job_enqueue(*, acting_user, kind: str, parameters: dict | None = None) -> Job:
    """Queue a job of ``kind``; a worker picks it up. The kind's permission decides who may start it."""
    spec = get_kind(kind)
    if spec is None:
        raise job_error(JobErrorCode.KIND_UNKNOWN, field="kind")
    require(acting_user, spec.perm)
    try:
        clean = to_json(spec.clean_parameters(dict(parameters or {})))
    except ApplicationError:
        raise
    except (TypeError, ValueError, KeyError) as exc:
        raise job_error(JobErrorCode.PARAMETER_INVALID, field="parameters") from exc
    key = spec.exclusive_key(clean)
    area_code = acting_user.area_id or ""
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, parameters=clean, started_by=acting_user, area_code=area_code,
                                     exclusive_key=key)
            record_event(actor=acting_user, action="job.enqueue", obj=job, area_code=area_code,
                         after={"kind": kind, "parameters": clean, "state": JobState.QUEUED})
    except IntegrityError:
        if key and Job.objects.filter(exclusive_key=key, state__in=ACTIVE_STATES).exists():
            raise job_error(JobErrorCode.ALREADY_ACTIVE) from None
        raise
    return job


def job_cancel(*, acting_user, job: Job) -> Job:
    """Cancel a job: a queued job at once, a running one at its next step boundary (its committed steps stay)."""
    require(acting_user, Perm.JOB_VIEW)
    if job.started_by_id != acting_user.pk and not has_perm(acting_user, Perm.JOB_MANAGE_ALL):
        raise PermissionDeniedError("只能取消本人发起的任务")
    if job.cancel_requested_at is not None and job.state == JobState.RUNNING:
        raise job_error(JobErrorCode.CANCEL_PENDING)
    if not can_transition(TRANSITIONS, job.state, JobState.CANCELLED):
        raise job_error(JobErrorCode.NOT_CANCELLABLE)
    now = timezone.now()
    with transaction.atomic():
        # Conditional updates: a worker may claim the job between the page being shown and the click.
        if Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
                state=JobState.CANCELLED, cancel_requested_at=now, finished_at=now, updated_at=now):
            job.refresh_from_db()
            record_event(actor=acting_user, action="job.cancel", obj=job, area_code=job.area_code,
                         before={"state": JobState.QUEUED}, after={"state": JobState.CANCELLED})
            return job
        if Job.objects.filter(pk=job.pk, state=JobState.RUNNING, cancel_requested_at__isnull=True).update(
                cancel_requested_at=now, updated_at=now):
            job.refresh_from_db()
            record_event(actor=acting_user, action="job.cancel_request", obj=job, area_code=job.area_code,
                         after={"cancel_requested_at": now.isoformat()})
            return job
    job.refresh_from_db()
    if job.state == JobState.RUNNING:
        raise job_error(JobErrorCode.CANCEL_PENDING)
    raise job_error(JobErrorCode.NOT_CANCELLABLE)
