"""Jobs test fixtures: the test-only job kinds, no heartbeat thread in process, and a claim helper."""

from __future__ import annotations

import pytest

from minzheng.jobs.tests import kinds  # noqa: F401  (registers the test job kinds)


@pytest.fixture(autouse=True)
def _job_settings(settings):
    # A heartbeat thread would open its own connection, which cannot see the test's uncommitted rows.
    settings.MINZHENG_JOB_HEARTBEAT_SECONDS = 0
    settings.MINZHENG_JOB_STALE_SECONDS = 30
    settings.MINZHENG_JOB_MAX_RECOVERIES = 5


@pytest.fixture
def admin(users):
    return users["district_admin"]
