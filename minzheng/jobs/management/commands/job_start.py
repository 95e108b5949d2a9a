"""``manage.py job_start KIND --user NAME`` (``minzheng job-start``): queue a job from the command line and,
with ``--wait``, follow its progress on the terminal. A worker (``minzheng worker``) runs it."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from minzheng.accounts.models import User
from minzheng.core.errors import ApplicationError
from minzheng.jobs.actions import job_enqueue
from minzheng.jobs.enums import JobState
from minzheng.jobs.kinds import all_kinds
from minzheng.jobs.progress import BarReporter, LineReporter
from minzheng.jobs.runner import Outcome


def _parameter(text: str) -> tuple[str, object]:
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise CommandError(f"参数应写成 key=value：{text}")
    try:
        return key, json.loads(raw)
    except ValueError:
        return key, raw


class Command(BaseCommand):
    help = "排入一个后台任务 / queue a background job"

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", help="任务类型 / job kind (see --list)")
        parser.add_argument("--user", help="以该用户身份发起（写入审计）/ the user who starts the job")
        parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                            help="任务参数，可重复 / a job parameter, repeatable")
        parser.add_argument("--wait", action="store_true", help="等待任务结束并显示进度 / follow the job to its end")
        parser.add_argument("--list", action="store_true", dest="list_kinds", help="列出任务类型 / list the job kinds")

    def handle(self, *args, kind, user, param, wait, list_kinds, **options):
        if list_kinds or not kind:
            for spec in all_kinds():
                self.stdout.write(f"{spec.name:<32} {spec.title}")
            return
        if not user:
            raise CommandError("请用 --user 指定发起人 / --user is required")
        acting_user = User.objects.filter(username=user, is_active=True).first()
        if acting_user is None:
            raise CommandError(f"没有用户 {user} / no such user")
        try:
            job = job_enqueue(acting_user=acting_user, kind=kind, parameters=dict(_parameter(p) for p in param))
        except ApplicationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"已排入 / queued: {job.kind_title} {job.pk}")
        if wait:
            self._follow(job)

    def _follow(self, job) -> None:
        reporter = BarReporter(self.stdout) if self.stdout.isatty() else LineReporter(self.stdout)
        waited = 0.0
        while job.state == JobState.QUEUED:
            if waited >= 5 and waited - 0.5 < 5:
                self.stdout.write("等待后台任务进程领取… / waiting for a worker (minzheng worker)")
            time.sleep(0.5)
            waited += 0.5
            job.refresh_from_db()
        reporter.started(job)
        while not job.is_finished:
            time.sleep(0.5)
            job.refresh_from_db()
            reporter.progress(job)
        reporter.finished(job, Outcome(job.state))
        if job.state != JobState.SUCCEEDED:
            raise CommandError(f"任务未完成 / job ended {job.state}")
