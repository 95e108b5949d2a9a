"""Job pages. Views only parse, check access, call an action or selector, and render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from minzheng.accounts.permissions import Perm, require
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.jobs import actions
from minzheng.jobs.access import access_job_by_id
from minzheng.jobs.enums import JobState
from minzheng.jobs.forms import JobStartForm
from minzheng.jobs.kinds import get_kind
from minzheng.jobs.selectors import can_manage_all_jobs, job_list, startable_kinds
from minzheng.web.listing import paginate


def job_list_view(request):
    require(request.user, Perm.JOB_VIEW)
    state = request.GET.get("state", "")
    if state not in JobState.values:
        state = ""
    context = {
        "page_title": "后台任务", "breadcrumbs": [("后台任务", None)],
        "page_obj": paginate(request, job_list(user=request.user, state=state)), "state": state,
        "state_choices": JobState.choices, "startable": startable_kinds(user=request.user),
        "show_owner": can_manage_all_jobs(request.user),
    }
    return render(request, "jobs/job_list.html", context)


@require_POST
def job_start_view(request):
    require(request.user, Perm.JOB_VIEW)
    kinds = startable_kinds(user=request.user)
    form = JobStartForm(request.POST, kinds=kinds)
    if not form.is_valid():
        messages.error(request, "请选择可以启动的任务类型")
        return redirect("jobs:job_list")
    spec = get_kind(form.cleaned_data["kind"])
    try:
        job = actions.job_enqueue(acting_user=request.user, kind=spec.name, parameters=spec.default_parameters)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("jobs:job_list")
    messages.success(request, f"已排入后台任务：{spec.title}")
    return redirect("jobs:job_detail", job_id=job.pk)


def _job_or_404(request, job_id):
    try:
        return access_job_by_id(request.user, job_id)
    except NotFoundError as exc:
        raise Http404 from exc


def job_detail_view(request, job_id):
    job = _job_or_404(request, job_id)
    spec = get_kind(job.kind)
    context = {
        "page_title": job.kind_title, "job": job,
        "breadcrumbs": [("后台任务", reverse("jobs:job_list")), (job.kind_title, None)],
        "parameter_rows": spec.parameter_rows(job.parameters) if spec else list(job.parameters.items()),
        "result_rows": (spec.result_rows(job.result) if spec else list(job.result.items())) if job.result else [],
    }
    # htmx polls this page for the progress fragment until the job has finished.
    template = "jobs/partials/job_progress.html" if request.headers.get("HX-Request") else "jobs/job_detail.html"
    return render(request, template, context)


@require_POST
def job_cancel_view(request, job_id):
    job = _job_or_404(request, job_id)
    try:
        job = actions.job_cancel(acting_user=request.user, job=job)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        done = job.state == JobState.CANCELLED
        messages.success(request, "任务已取消" if done else "已申请取消，任务将在当前步骤完成后停止")
    return redirect("jobs:job_detail", job_id=job.pk)
