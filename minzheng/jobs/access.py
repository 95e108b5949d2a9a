"""The one door to a single job. Someone else's job and a missing job look the same: not found."""

from __future__ import annotations

from minzheng.accounts.permissions import Perm, require
from minzheng.core.errors import NotFoundError
from minzheng.core.identifiers import parse_uuid
from minzheng.jobs.models import Job
from minzheng.jobs.selectors import job_scope


def access_job_by_id(user, job_id) -> Job:
    require(user, Perm.JOB_VIEW)
    pk = parse_uuid(job_id)
    job = job_scope(user).filter(pk=pk).select_related("started_by").first() if pk else None
    if job is None:
        raise NotFoundError("任务")
    return job
