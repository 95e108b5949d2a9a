"""``manage.py worker`` (``minzheng worker``): run queued background jobs until stopped.

SIGTERM or the first Ctrl+C stops at the next step boundary and hands the running job back to the queue with
its checkpoint; a second Ctrl+C quits at once (the running step is rolled back and the job is resumed by the
next worker once its heartbeat is stale).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import threading

from django.core.management.base import BaseCommand

from minzheng.jobs import conf
from minzheng.jobs.progress import BarReporter, LineReporter
from minzheng.jobs.runner import work


class Command(BaseCommand):
    help = "运行后台任务 / run queued background jobs"
    # The checks import every URL module and view (seconds of start-up); the web process runs them, and a
    # worker restarted after a crash should be back at once.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="处理完队列后退出 / drain the queue and exit")
        parser.add_argument("--poll", type=float, default=None,
                            help="队列为空时的轮询间隔（秒）/ seconds between looks at an empty queue")
        parser.add_argument("--no-bar", action="store_true",
                            help="不显示进度条，只输出日志行 / log lines instead of a progress bar")
        # Set by `minzheng run`: stop when the process that started the worker is gone.
        parser.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, once, poll, no_bar, parent_pid, **options):
        stop = threading.Event()

        def on_signal(signum, frame):
            if stop.is_set() and signum == signal.SIGINT:
                raise KeyboardInterrupt
            if not stop.is_set():
                self.stderr.write("\n■ 收到停止信号，当前步骤完成后退出 / stopping after the current step …")
            stop.set()

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        reporter = BarReporter(self.stdout) if self.stdout.isatty() and not no_bar else LineReporter(self.stdout)
        worker = f"{socket.gethostname()}:{os.getpid()}"
        poll = conf.poll_seconds() if poll is None else max(0.01, poll)
        self.stdout.write(f"▶ 后台任务进程已启动 / worker {worker} started"
                          f"{'（处理完队列后退出 / until the queue is empty）' if once else ''}")
        try:
            count = work(worker=worker, stop=stop, once=once, poll=poll, reporter=reporter,
                         should_stop=(lambda: os.getppid() != parent_pid) if parent_pid else (lambda: False))
        except KeyboardInterrupt:
            self.stderr.write("■ 已强制退出 / forced to quit; the job resumes from its last checkpoint")
            raise SystemExit(130) from None
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write(f"■ 后台任务进程已停止 / worker stopped after {count} job(s)")
