"""kill -9 and resume with real worker processes on a real database: the done-when of the jobs issue.

The subprocesses get a database of their own (a SQLite file, or a throwaway PostgreSQL database when the suite
runs on PostgreSQL), migrated by ``manage.py migrate``. A ledger job (``tests/kinds.py``: one audit row per item,
a hash chain over the items in the checkpoint) runs once without interruption as the reference; a second one
is killed with SIGKILL at random points a dozen times — sometimes just after a worker took it over, sometimes
after it made progress — and finished by a last worker that is then stopped with SIGTERM. Both must end with
every item written exactly once and the same result.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from minzheng.jobs.tests.kinds import ITEM_TYPE

ROOT = Path(settings.BASE_DIR)
ITEMS = 480
BATCH = 5
DELAY = 0.003  # seconds per item: a step takes a few tens of milliseconds, long enough to be interrupted
KILLS = 12


@dataclass
class JobRow:
    state: str
    done: int
    recoveries: int
    result: dict | None


class WorkerDatabase:
    """The subprocesses' database, with just enough raw SQL to watch it from the test process."""

    placeholder = "%s"

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def query(self, sql: str, params: tuple) -> list[tuple]:
        raise NotImplementedError

    def job_key(self, job_id: str) -> str:
        return job_id

    def job(self, job_id: str) -> JobRow:
        ((state, done, recoveries, result),) = self.query(
            "SELECT state, progress_done, recoveries, result FROM jobs_job WHERE id = %s", (self.job_key(job_id),))
        return JobRow(state, done, recoveries, json.loads(result) if isinstance(result, str) else result)

    def items(self, label: str) -> Counter:
        rows = self.query("SELECT object_id FROM audit_event WHERE object_type = %s AND note = %s", (ITEM_TYPE, label))
        return Counter(int(object_id) for (object_id,) in rows)

    def close(self) -> None:
        pass


class SqliteDatabase(WorkerDatabase):
    def __init__(self, env: dict[str, str], path: Path) -> None:
        super().__init__(env)
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def query(self, sql: str, params: tuple) -> list[tuple]:
        if self._conn is None:
            self._conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        return self._conn.execute(sql.replace("%s", "?"), params).fetchall()

    def job_key(self, job_id: str) -> str:
        return uuid.UUID(job_id).hex  # Django stores UUIDs on SQLite as 32 hex digits

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


class PostgresDatabase(WorkerDatabase):
    def __init__(self, env: dict[str, str], conninfo: dict) -> None:
        super().__init__(env)
        import psycopg

        self._conn = psycopg.connect(autocommit=True, **conninfo)

    def query(self, sql: str, params: tuple) -> list[tuple]:
        return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self._conn.close()


@pytest.fixture
def worker_db(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="minzheng.jobs.tests.worker_settings", PYTHONUNBUFFERED="1",
               PYTHONDONTWRITEBYTECODE="1")
    if connection.vendor != "postgresql":
        env["MINZHENG_JOBS_TEST_SQLITE"] = str(tmp_path / "jobs.sqlite3")
        database = SqliteDatabase(env, tmp_path / "jobs.sqlite3")
        yield database
        database.close()
        return
    import psycopg

    given = connection.settings_dict
    server = {"host": given["HOST"] or "localhost", "port": int(given["PORT"] or 5432), "user": given["USER"],
              "password": given["PASSWORD"] or None}
    name = f"mz_jobs_kill_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    login = quote(server["user"] or "") + (f":{quote(server['password'])}" if server["password"] else "")
    env["DATABASE_URL"] = f"postgres://{login}@{server['host']}:{server['port']}/{name}"
    database = PostgresDatabase(env, {**server, "dbname": name})
    try:
        yield database
    finally:
        database.close()
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(db: WorkerDatabase, *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=db.env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


_ENQUEUE = """
from minzheng.accounts.enums import Role
from minzheng.accounts.models import User
from minzheng.jobs.actions import job_enqueue
from minzheng.testing import factories as f

f.make_areas()
user = User.objects.filter(username="jobs_admin").first() or f.make_user(Role.DISTRICT_ADMIN, f.DISTRICT,
                                                                         username="jobs_admin")
job = job_enqueue(acting_user=user, kind="jobs_test_items", parameters=%r)
print("JOB", job.pk)
"""


def _enqueue(db: WorkerDatabase, label: str) -> str:
    parameters = {"items": ITEMS, "batch": BATCH, "delay": DELAY, "label": label}
    out = _manage(db, "shell", "-c", _ENQUEUE % (parameters,))
    return next(line.split()[1] for line in out.splitlines() if line.startswith("JOB "))


def _start_worker(db: WorkerDatabase, log: Path) -> subprocess.Popen:
    with log.open("a") as stream:
        return subprocess.Popen([sys.executable, "manage.py", "worker", "--no-bar", "--poll", "0.05"], cwd=ROOT,
                                env=db.env, stdout=stream, stderr=subprocess.STDOUT)


def _wait_for(condition, *, worker: subprocess.Popen, log: Path, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{log.read_text()[-3000:]}")
        time.sleep(0.01)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()[-3000:]}")


def test_job_killed_at_random_points_finishes_as_if_never_interrupted(worker_db, tmp_path):
    """Given a ledger of 480 items run once without interruption, when the same job is run again and its worker
    is killed with SIGKILL at 12 random points (restarting a worker each time) and a last worker finishes it,
    then both runs wrote each item exactly once, their results (running sum and hash chain) are identical, every
    kill was followed by exactly one recovery, and the last worker stops cleanly on SIGTERM."""
    seed = random.SystemRandom().randrange(1_000_000)
    rng = random.Random(seed)
    db, log = worker_db, tmp_path / "workers.log"
    _manage(db, "migrate", "--noinput", "--skip-checks", "-v", "0")

    reference = _enqueue(db, "reference")
    _manage(db, "worker", "--once", "--no-bar")
    assert db.job(reference).state == "succeeded"

    killed = _enqueue(db, "killed")
    kills, last_done = 0, 0
    while kills < KILLS:
        worker = _start_worker(db, log)
        if kills % 2:
            # Just after the restarted worker took the job over: the kill lands in its first step.
            _wait_for(lambda n=kills: db.job(killed).recoveries == n, worker=worker, log=log, what="the takeover")
            time.sleep(rng.uniform(0, 0.03))
        else:
            _wait_for(lambda n=last_done: db.job(killed).done > n, worker=worker, log=log, what="progress")
            time.sleep(rng.uniform(0, 0.1))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        row = db.job(killed)
        assert row.state == "running", f"the job ended before kill {kills + 1} (seed {seed})"
        kills, last_done = kills + 1, row.done

    worker = _start_worker(db, log)
    _wait_for(lambda: db.job(killed).state == "succeeded", worker=worker, log=log, what="the end", timeout=60)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=15) == 0, log.read_text()[-3000:]

    expected = Counter(range(1, ITEMS + 1))
    assert db.items("reference") == expected
    assert db.items("killed") == expected, f"duplicates or gaps after {kills} kills (seed {seed})"
    final, uninterrupted = db.job(killed), db.job(reference)
    assert final.result == uninterrupted.result, f"seed {seed}"
    assert (final.done, final.recoveries) == (ITEMS, KILLS), f"seed {seed}"
