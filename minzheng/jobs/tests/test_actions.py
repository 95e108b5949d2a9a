"""Starting and cancelling jobs, and who sees which job."""

from __future__ import annotations

import pytest

from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from minzheng.jobs.access import access_job_by_id
from minzheng.jobs.actions import job_cancel, job_enqueue
from minzheng.jobs.enums import JobState
from minzheng.jobs.models import Job
from minzheng.jobs.runner import claim_next, run_claimed
from minzheng.jobs.selectors import job_list, startable_kinds

pytestmark = pytest.mark.django_db


def test_enqueue_creates_a_queued_job_and_an_event(admin):
    """Given the district admin, when they start a pinyin reindex, then a queued job with the cleaned parameters
    exists and a job.enqueue event names the kind."""
    job = job_enqueue(acting_user=admin, kind="registry_pinyin_reindex", parameters={"batch_size": "200"})
    assert (job.state, job.parameters, job.started_by, job.area_code) == (
        JobState.QUEUED, {"batch_size": 200}, admin, admin.area_id)
    event = Event.objects.get(action="job.enqueue", object_id=str(job.pk))
    assert (event.actor, event.after["kind"]) == (admin, "registry_pinyin_reindex")


def test_enqueue_needs_the_kinds_permission(users):
    """Given a village worker, when they start a registry maintenance job, then it is refused and nothing queued."""
    with pytest.raises(PermissionDeniedError):
        job_enqueue(acting_user=users["village_a1"], kind="registry_pinyin_reindex")
    assert not Job.objects.exists()


def test_enqueue_of_an_unknown_kind_is_refused(admin):
    """Given no kind named "nope", when it is started, then the error says there is no such job."""
    with pytest.raises(ApplicationError) as caught:
        job_enqueue(acting_user=admin, kind="nope")
    assert caught.value.code == "job_kind_unknown"


def test_invalid_parameters_are_refused(admin):
    """Given a batch size of 0, when the reindex is started, then the batch_size field is refused in Chinese."""
    with pytest.raises(ApplicationError) as caught:
        job_enqueue(acting_user=admin, kind="registry_pinyin_reindex", parameters={"batch_size": 0})
    assert (caught.value.code, caught.value.field) == ("job_parameter_invalid", "batch_size")
    assert "每批人数" in caught.value.message


def test_exclusive_kind_cannot_be_queued_twice(admin):
    """Given an exclusive job already queued, when it is started again, then the second start is refused."""
    job_enqueue(acting_user=admin, kind="jobs_test_exclusive")
    with pytest.raises(ApplicationError) as caught:
        job_enqueue(acting_user=admin, kind="jobs_test_exclusive")
    assert caught.value.code == "job_already_active"
    assert Job.objects.filter(kind="jobs_test_exclusive").count() == 1


def test_exclusive_kind_can_start_again_after_it_finished(admin):
    """Given an exclusive job that has finished, when it is started again, then a new job is queued."""
    job_enqueue(acting_user=admin, kind="jobs_test_exclusive")
    run_claimed(claim_next(worker="a"))
    assert job_enqueue(acting_user=admin, kind="jobs_test_exclusive").state == JobState.QUEUED


def test_cancel_of_a_queued_job_is_immediate(admin):
    """Given a queued job, when its owner cancels it, then it is cancelled with a finish time and an event."""
    job = job_enqueue(acting_user=admin, kind="jobs_test_items", parameters={})
    job = job_cancel(acting_user=admin, job=job)
    assert (job.state, job.finished_at is not None) == (JobState.CANCELLED, True)
    assert Event.objects.filter(action="job.cancel", object_id=str(job.pk)).exists()
    assert claim_next(worker="a") is None


def test_cancel_of_a_running_job_is_a_request(admin):
    """Given a running job, when its owner cancels, then it keeps running with the request recorded, and a
    second cancel says the request is pending."""
    job = job_enqueue(acting_user=admin, kind="jobs_test_items", parameters={})
    claim_next(worker="a")
    job.refresh_from_db()
    job = job_cancel(acting_user=admin, job=job)
    assert (job.state, job.cancel_requested_at is not None, job.can_cancel()) == (JobState.RUNNING, True, False)
    with pytest.raises(ApplicationError) as caught:
        job_cancel(acting_user=admin, job=job)
    assert caught.value.code == "job_cancel_pending"


def test_cancel_of_a_finished_job_is_refused(admin):
    """Given a finished job, when it is cancelled, then the error says it has ended."""
    job = job_enqueue(acting_user=admin, kind="jobs_test_countdown", parameters={"start": 1})
    run_claimed(claim_next(worker="a"))
    job.refresh_from_db()
    with pytest.raises(ApplicationError) as caught:
        job_cancel(acting_user=admin, job=job)
    assert caught.value.code == "job_not_cancellable"


def test_cancel_of_a_job_claimed_meanwhile_becomes_a_request(admin):
    """Given a job shown as queued but claimed by a worker since, when it is cancelled, then the cancel becomes a
    request to the running worker instead of a second owner of the state."""
    job = job_enqueue(acting_user=admin, kind="jobs_test_items", parameters={})
    claim_next(worker="a")
    job = job_cancel(acting_user=admin, job=job)  # the instance still says queued
    assert (job.state, job.cancel_requested_at is not None) == (JobState.RUNNING, True)


def test_only_the_owner_or_a_manager_may_cancel(users):
    """Given a job of village worker 甲一 seen by 乙一's worker (who cannot reach it), when 乙一 cancels it, then it
    is refused."""
    owner = users["village_a1"]
    job = Job.objects.create(kind="jobs_test_items", started_by=owner, area_code=owner.area_id)
    with pytest.raises(PermissionDeniedError):
        job_cancel(acting_user=users["village_b1"], job=job)


@pytest.fixture
def jobs_of(users):
    """One job each by the 甲一 and 乙一 village workers and the district admin."""
    made = {}
    for key in ("village_a1", "village_b1", "district_admin"):
        user = users[key]
        made[key] = Job.objects.create(kind="jobs_test_items", started_by=user, area_code=user.area_id)
    return made


@pytest.mark.parametrize("role, visible", [
    ("village_a1", {"village_a1"}),
    ("village_b1", {"village_b1"}),
    ("town_a", set()),
    ("district_admin", {"village_a1", "village_b1", "district_admin"}),
    ("auditor", set()),
])
def test_users_see_their_own_jobs_and_managers_all(users, jobs_of, role, visible):
    """Given jobs by two village workers and the district admin, when each role lists jobs, then each sees their
    own and the district admin sees every job in the district."""
    listed = set(job_list(user=users[role]).values_list("pk", flat=True))
    assert listed == {jobs_of[key].pk for key in visible}


def test_someone_elses_job_is_not_found(users, jobs_of):
    """Given the 乙一 worker's job, when the 甲一 worker opens it, then it is "not found", as a missing one is."""
    with pytest.raises(NotFoundError):
        access_job_by_id(users["village_a1"], jobs_of["village_b1"].pk)
    with pytest.raises(NotFoundError):
        access_job_by_id(users["village_a1"], "not-a-uuid")
    assert access_job_by_id(users["district_admin"], jobs_of["village_b1"].pk) == jobs_of["village_b1"]


def test_startable_kinds_follow_permissions(users):
    """Given the built-in reindex, when the district admin and a village worker look, then only the admin may
    start it."""
    assert "registry_pinyin_reindex" in {spec.name for spec in startable_kinds(user=users["district_admin"])}
    assert startable_kinds(user=users["village_a1"]) == []
