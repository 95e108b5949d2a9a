"""The jobs pages: the list, starting a job, the detail page whose progress fragment htmx polls, cancelling."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from minzheng.jobs.actions import job_enqueue
from minzheng.jobs.enums import JobState
from minzheng.jobs.models import Job
from minzheng.jobs.runner import claim_next, run_claimed

pytestmark = pytest.mark.django_db

_JOB_LINK = re.compile(r'href="/jobs/([0-9a-f-]{36})/" data-testid="job-link"')

# Session, user, count, page rows: four, plus two spare. A query per row would add twenty.
MAX_QUERIES = 6


def _own_job(user, **extra) -> Job:
    return Job.objects.create(kind="jobs_test_items", started_by=user, area_code=user.area_id, **extra)


def test_nav_shows_jobs_to_case_workers_only(users, login):
    """Given the navigation, when a village worker and an auditor open the home page, then only the worker sees
    后台任务."""
    assert "后台任务" in login(users["village_a1"]).get(reverse("web:home")).content.decode()
    assert "后台任务" not in login(users["auditor"]).get(reverse("web:home")).content.decode()


def test_list_shows_own_jobs(users, login):
    """Given jobs of two village workers, when one opens the list, then only their own job is linked."""
    mine = _own_job(users["village_a1"])
    _own_job(users["village_b1"])
    page = login(users["village_a1"]).get(reverse("jobs:job_list")).content.decode()
    assert _JOB_LINK.findall(page) == [str(mine.pk)]


def test_list_filters_by_state(users, login):
    """Given a queued and a failed job, when the list is filtered to failed, then only the failed one shows."""
    user = users["district_admin"]
    _own_job(user)
    failed = _own_job(user, state=JobState.FAILED)
    page = login(user).get(reverse("jobs:job_list"), {"state": "failed"}).content.decode()
    assert _JOB_LINK.findall(page) == [str(failed.pk)]


@pytest.mark.parametrize("rows", [1, 20])
def test_list_query_count_does_not_grow_with_rows(users, login, django_assert_max_num_queries, rows):
    """Given 1 or a full page of 20 jobs, when the district admin opens the list, then it takes a fixed number of
    queries."""
    for _ in range(rows):
        _own_job(users["village_a1"])
    client = login(users["district_admin"])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("jobs:job_list"))
    assert len(_JOB_LINK.findall(response.content.decode())) == rows


def test_admin_starts_the_reindex_from_the_list(users, login):
    """Given the district admin on the list (which offers the reindex), when they start it, then a queued job
    exists and they land on its page."""
    client = login(users["district_admin"])
    assert 'data-testid="start-registry_pinyin_reindex"' in client.get(reverse("jobs:job_list")).content.decode()
    response = client.post(reverse("jobs:job_start"), {"kind": "registry_pinyin_reindex"})
    job = Job.objects.get(kind="registry_pinyin_reindex")
    assert response.status_code == 302 and response.url == reverse("jobs:job_detail", args=[job.pk])
    assert (job.state, job.parameters) == (JobState.QUEUED, {"batch_size": 500})


def test_second_start_of_an_exclusive_job_shows_the_reason(users, login):
    """Given a reindex already queued, when the admin starts another, then no second job is made and the list
    says why."""
    client = login(users["district_admin"])
    client.post(reverse("jobs:job_start"), {"kind": "registry_pinyin_reindex"})
    response = client.post(reverse("jobs:job_start"), {"kind": "registry_pinyin_reindex"}, follow=True)
    assert "同类任务正在排队或运行" in response.content.decode()
    assert Job.objects.filter(kind="registry_pinyin_reindex").count() == 1


def test_village_worker_cannot_start_the_reindex(users, login):
    """Given a village worker, when they post a reindex start, then nothing is queued."""
    login(users["village_a1"]).post(reverse("jobs:job_start"), {"kind": "registry_pinyin_reindex"})
    assert not Job.objects.exists()


def test_detail_of_a_running_job_polls(users, login):
    """Given a running job, when its page's progress fragment is fetched by htmx, then it carries the 1 s polling
    trigger, the state and a progress element."""
    user = users["district_admin"]
    job = job_enqueue(acting_user=user, kind="jobs_test_items", parameters={"items": 10})
    claim_next(worker="a")
    response = login(user).get(reverse("jobs:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'data-state="running"' in fragment
    assert "<progress" in fragment and "<html" not in fragment


def test_detail_of_a_finished_job_stops_polling_and_shows_the_result(users, login):
    """Given a finished reindex, when its page is opened, then it shows 已完成 and the labelled counts and does not
    poll any more."""
    user = users["district_admin"]
    job = job_enqueue(acting_user=user, kind="registry_pinyin_reindex", parameters={})
    run_claimed(claim_next(worker="a"))
    page = login(user).get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "hx-trigger" not in page and 'data-state="succeeded"' in page
    assert "检查人数" in page and 'value="100"' in page


def test_someone_elses_job_page_is_404(users, login):
    """Given the 乙一 worker's job, when the 甲一 worker opens it, then the answer is 404."""
    job = _own_job(users["village_b1"])
    assert login(users["village_a1"]).get(reverse("jobs:job_detail", args=[job.pk])).status_code == 404


def test_cancel_button_cancels_a_queued_job(users, login):
    """Given a queued job, when its owner presses 取消任务, then it is cancelled."""
    user = users["village_a1"]
    job = _own_job(user)
    client = login(user)
    assert 'data-testid="job-cancel"' in client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    client.post(reverse("jobs:job_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED


def test_failed_job_shows_its_error(users, login):
    """Given a job that failed, when its page is opened, then the error message is shown."""
    user = users["district_admin"]
    job = job_enqueue(acting_user=user, kind="jobs_test_items", parameters={"items": 3, "fail_at": 2})
    run_claimed(claim_next(worker="a"))
    page = login(user).get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert 'data-testid="job-error"' in page and "第2项处理失败" in page
