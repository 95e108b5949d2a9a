"""Job progress on a terminal: a one-line bar redrawn in place when the output is a terminal, plain log lines
when it is a file or a pipe (``make run``, systemd, CI)."""

from __future__ import annotations

import shutil
import time
import unicodedata

from minzheng.jobs.models import Job
from minzheng.jobs.runner import Outcome

_OUTCOME_LABELS = {
    Outcome.SUCCEEDED: "✔ 完成 / succeeded",
    Outcome.FAILED: "✘ 失败 / failed",
    Outcome.CANCELLED: "■ 已取消 / cancelled",
    Outcome.RELEASED: "↺ 已交回队列 / handed back to the queue",
    Outcome.LOST: "↺ 已由其他进程接管 / taken over by another worker",
}


def display_width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def fit(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, with an ellipsis when cut."""
    if display_width(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def render_bar(*, label: str, done: int, total: int | None, width: int) -> str:
    """One line of at most ``width`` columns: ``label [██████░░░░]  60%  600/1000``."""
    if total:
        fraction = min(1.0, done / total)
        tail = f" {int(fraction * 100):3d}%  {done}/{total}"
    else:
        fraction = None
        tail = f"  {done}"
    label = fit(label, max(8, width // 2))
    cells = max(10, width - display_width(label) - len(tail) - 3)
    if fraction is None:
        bar = "·" * cells
    else:
        filled = round(fraction * cells)
        bar = "█" * filled + "░" * (cells - filled)
    return fit(f"{label} [{bar}]{tail}", width)


def _label(job: Job) -> str:
    return f"{job.kind_title} {str(job.pk)[:8]}"


class BarReporter:
    """Redraws one line per job; at most ten redraws a second."""

    def __init__(self, stream, *, width: int | None = None) -> None:
        self.stream = stream
        self.width = width or min(100, shutil.get_terminal_size((80, 20)).columns - 1)
        self._last = 0.0
        self._shown = 0

    def _draw(self, line: str) -> None:
        pad = max(0, self._shown - display_width(line))
        self.stream.write("\r" + line + " " * pad, ending="")
        self.stream.flush()
        self._shown = display_width(line)

    def started(self, job: Job) -> None:
        self._shown = 0
        self._draw(render_bar(label=_label(job), done=job.progress_done, total=job.progress_total, width=self.width))

    def progress(self, job: Job) -> None:
        now = time.monotonic()
        if now - self._last < 0.1:
            return
        self._last = now
        self._draw(render_bar(label=_label(job), done=job.progress_done, total=job.progress_total, width=self.width))

    def finished(self, job: Job, outcome: Outcome) -> None:
        self._draw(render_bar(label=_label(job), done=job.progress_done, total=job.progress_total, width=self.width))
        self.stream.write("")
        self.stream.write(f"  {_OUTCOME_LABELS[outcome]}{_detail(job)}")


class LineReporter:
    """A line when a job starts and one when it ends."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def started(self, job: Job) -> None:
        where = f"，从 {job.progress_done}/{job.progress_total or '?'} 继续 / resuming" if job.checkpoint else ""
        self.stream.write(f"▶ 任务开始 / job started: {_label(job)}{where}")

    def progress(self, job: Job) -> None:
        pass

    def finished(self, job: Job, outcome: Outcome) -> None:
        total = f"/{job.progress_total}" if job.progress_total else ""
        self.stream.write(f"{_OUTCOME_LABELS[outcome]}: {_label(job)} {job.progress_done}{total}{_detail(job)}")


def _detail(job: Job) -> str:
    return f" — {job.error}" if job.error else ""
