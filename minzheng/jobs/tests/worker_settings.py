"""Settings for the worker subprocesses of the kill-and-resume test.

The pytest database is in memory (SQLite) or inside the test process's transaction, so the subprocesses get a
database of their own: a SQLite file named by ``MINZHENG_JOBS_TEST_SQLITE`` (configured like the demo's, WAL and
IMMEDIATE transactions), or the throwaway PostgreSQL database in ``DATABASE_URL``. Recovery is made quick so
that a dozen kills fit in seconds.
"""

import os
from pathlib import Path

from config.django.test import *  # noqa: F403
from config.env import database_config

if os.environ.get("MINZHENG_JOBS_TEST_SQLITE"):
    DATABASES = {"default": database_config(Path(os.environ["MINZHENG_JOBS_TEST_SQLITE"]))}

MINZHENG_JOB_STALE_SECONDS = 0.5
MINZHENG_JOB_HEARTBEAT_SECONDS = 0.1
MINZHENG_JOB_POLL_SECONDS = 0.05
MINZHENG_JOB_MAX_RECOVERIES = 1000
MINZHENG_JOB_MODULES = ["minzheng.jobs.tests.kinds"]
