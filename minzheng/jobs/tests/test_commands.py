"""The worker and job_start commands in process, the terminal progress bar, and `minzheng run` starting a worker."""

from __future__ import annotations

import io
import subprocess
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper

from minzheng import cli
from minzheng.jobs.actions import job_enqueue
from minzheng.jobs.enums import JobState
from minzheng.jobs.models import Job
from minzheng.jobs.progress import BarReporter, display_width, render_bar
from minzheng.jobs.runner import Outcome, work


@pytest.mark.django_db
def test_worker_once_drains_the_queue(admin):
    """Given two queued jobs, when `worker --once` runs, then both succeed and the output has a line per start
    and end (the output is not a terminal, so no bar)."""
    first = job_enqueue(acting_user=admin, kind="jobs_test_items", parameters={"items": 4, "label": "one"})
    second = job_enqueue(acting_user=admin, kind="jobs_test_countdown", parameters={"start": 2})
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    states = set(Job.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True))
    assert states == {JobState.SUCCEEDED}
    text = out.getvalue()
    assert text.count("job started") == 2 and text.count("succeeded") == 2 and "after 2 job(s)" in text


@pytest.mark.django_db
def test_stopping_worker_hands_the_job_back(admin):
    """Given a worker running a ledger, when it is asked to stop after the first step, then the loop ends and the
    job is queued again with the first step's checkpoint."""
    job = job_enqueue(acting_user=admin, kind="jobs_test_items", parameters={"items": 9, "batch": 3})
    stop = threading.Event()

    class StopAfterFirstStep:
        def started(self, job):
            pass

        def progress(self, job):
            stop.set()

        def finished(self, job, outcome):
            assert outcome == Outcome.RELEASED

    assert work(worker="w", stop=stop, reporter=StopAfterFirstStep()) == 1
    job.refresh_from_db()
    assert (job.state, job.progress_done, job.checkpoint["next"]) == (JobState.QUEUED, 3, 4)


@pytest.mark.django_db
def test_job_start_queues_a_job_for_a_user(admin):
    """Given the district admin's username, when `job_start registry_pinyin_reindex --param batch_size=50` runs,
    then a queued reindex with batch size 50 is started by them."""
    out = io.StringIO()
    call_command("job_start", "registry_pinyin_reindex", "--user", admin.username, "--param", "batch_size=50",
                 stdout=out)
    job = Job.objects.get(kind="registry_pinyin_reindex")
    assert (job.started_by, job.parameters, job.state) == (admin, {"batch_size": 50}, JobState.QUEUED)
    assert str(job.pk) in out.getvalue()


@pytest.mark.django_db
def test_job_start_refuses_without_permission(users):
    """Given a village worker, when they start the reindex from the command line, then the command fails."""
    with pytest.raises(CommandError, match="权限"):
        call_command("job_start", "registry_pinyin_reindex", "--user", users["village_a1"].username,
                     stdout=io.StringIO())


def test_bar_fills_in_proportion():
    """Given 600 of 1000 done, when the bar is drawn 60 columns wide, then 60% of its cells are full, the line
    shows 60% and 600/1000, and it fits the width."""
    line = render_bar(label="重建人员拼音检索键", done=600, total=1000, width=60)
    bar = line[line.index("[") + 1:line.index("]")]
    assert round(bar.count("█") / len(bar), 1) == 0.6
    assert " 60%" in line and "600/1000" in line and display_width(line) <= 60


def test_bar_without_a_total_shows_the_count():
    """Given no total yet, when the bar is drawn, then it shows the count and no percentage."""
    line = render_bar(label="任务", done=42, total=None, width=40)
    assert line.endswith("42") and "%" not in line


def test_bar_reporter_redraws_one_line():
    """Given a terminal reporter, when a job starts, progresses and ends, then the bar is redrawn with carriage
    returns and the end adds a newline and the outcome."""
    stream = io.StringIO()
    reporter = BarReporter(OutputWrapper(stream), width=50)
    job = Job(kind="jobs_test_items", progress_done=0, progress_total=10)
    reporter.started(job)
    job.progress_done, job.state = 10, JobState.SUCCEEDED
    reporter.finished(job, Outcome.SUCCEEDED)
    text = stream.getvalue()
    assert text.count("\r") == 2 and "100%" in text and text.rstrip().endswith("✔ 完成 / succeeded")


class _FakeWorker:
    def __init__(self, args, **kwargs):
        self.args = args
        self.terminated = False
        self.returncode = None

    def poll(self):
        return self.returncode

    def terminate(self):
        self.terminated = True
        self.returncode = 0

    def wait(self, timeout=None):
        if not self.terminated:
            raise subprocess.TimeoutExpired(self.args, timeout)
        return 0

    def kill(self):
        self.returncode = -9


def test_run_starts_a_worker_beside_the_server_and_stops_it(monkeypatch):
    """Given `minzheng run`, when the server stops (Ctrl+C), then a `worker` child was started with this process
    as its parent and is terminated."""
    import django.core.management

    started: list[_FakeWorker] = []
    calls: list[str] = []

    def fake_popen(args, **kwargs):
        started.append(_FakeWorker(args))
        return started[-1]

    def fake_call_command(name, *args, **kwargs):
        calls.append(name)
        if name == "runserver":
            assert started and not started[0].terminated, "the worker starts before the server"
            raise KeyboardInterrupt

    monkeypatch.setattr(subprocess, "Popen", fake_popen)
    monkeypatch.setattr(django.core.management, "call_command", fake_call_command)
    with pytest.raises(KeyboardInterrupt):
        cli.run([])
    (worker,) = started
    assert worker.args[1:5] == ["-m", "minzheng.cli", "worker", "--no-bar"] and "--parent-pid" in worker.args
    assert worker.terminated and calls[-1] == "runserver"
