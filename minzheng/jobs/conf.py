"""Worker settings, read where they are used so that tests and deployments can change them.

``MINZHENG_JOB_STALE_SECONDS``   a running job whose heartbeat is older than this belongs to a dead worker
                                 and may be reclaimed (default 30)
``MINZHENG_JOB_HEARTBEAT_SECONDS`` how often a worker refreshes the heartbeat of the job it runs; 0 turns the
                                 heartbeat thread off (in-process tests) (default 5)
``MINZHENG_JOB_POLL_SECONDS``    how long an idle worker waits before looking at the queue again (default 1)
``MINZHENG_JOB_MAX_RECOVERIES``  how many times a job may be taken over from a dead worker before it is failed,
                                 so that a job that kills its worker cannot do so forever (default 5)
``MINZHENG_JOB_MODULES``         modules to import for job kinds besides every app's ``tasks`` module
"""

from __future__ import annotations

from django.conf import settings


def stale_seconds() -> float:
    return float(getattr(settings, "MINZHENG_JOB_STALE_SECONDS", 30.0))


def heartbeat_seconds() -> float:
    return float(getattr(settings, "MINZHENG_JOB_HEARTBEAT_SECONDS", 5.0))


def poll_seconds() -> float:
    return float(getattr(settings, "MINZHENG_JOB_POLL_SECONDS", 1.0))


def max_recoveries() -> int:
    return int(getattr(settings, "MINZHENG_JOB_MAX_RECOVERIES", 5))


def extra_modules() -> tuple[str, ...]:
    return tuple(getattr(settings, "MINZHENG_JOB_MODULES", ()))
