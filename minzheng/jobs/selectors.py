"""Reads of jobs. A user follows the jobs they started; a user holding ``JOB_MANAGE_ALL`` (the district admin)
also sees every job started in their area."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from minzheng.accounts.permissions import Perm, has_perm
from minzheng.jobs.kinds import JobKind, all_kinds
from minzheng.jobs.models import Job


def job_scope(user) -> QuerySet[Job]:
    if not has_perm(user, Perm.JOB_VIEW):
        return Job.objects.none()
    own = Q(started_by=user)
    if has_perm(user, Perm.JOB_MANAGE_ALL):
        return Job.objects.filter(own | Q(area_code__startswith=user.area_prefix))
    return Job.objects.filter(own)


def job_list(*, user, state: str = "") -> QuerySet[Job]:
    qs = job_scope(user)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("started_by").order_by("-created_at", "pk")


def startable_kinds(*, user) -> list[JobKind]:
    """Kinds the user may start from the jobs page."""
    return [spec for spec in all_kinds() if has_perm(user, spec.perm)]


def can_manage_all_jobs(user) -> bool:
    return has_perm(user, Perm.JOB_MANAGE_ALL)
