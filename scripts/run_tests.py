#!/usr/bin/env python
"""`make test`: the whole suite, three times over.

1. unit and integration tests on SQLite;
2. the same tests on PostgreSQL, when DATABASE_URL is set or a server answers at 127.0.0.1:5432;
3. the browser journeys in e2e/, when Chromium is installed.

A run that cannot happen is skipped with the reason printed; under CI=true a skip is a failure, so CI
proves all three. The last line is the combined count.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "var" / "test-reports"
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/minzheng_test"


@dataclass
class RunResult:
    name: str
    status: str  # "passed", "failed", "skipped"
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    reason: str = ""


def _counts(report: Path) -> tuple[int, int, int]:
    if not report.exists():
        return 0, 0, 0
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    tests = failures = errors = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0))
        errors += int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return tests - failures - errors - skipped, failures + errors, skipped


def _pytest(name: str, args: list[str], env: dict[str, str]) -> RunResult:
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{name}.xml"
    report.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pytest", f"--junitxml={report}", *args]
    print(f"\n=== {name}: {' '.join(command[2:])}", flush=True)
    code = subprocess.call(command, cwd=ROOT, env=env)
    passed, failed, skipped = _counts(report)
    if code == 5:  # pytest: no tests collected
        return RunResult(name, "failed", reason="no tests were collected")
    status = "passed" if code == 0 else "failed"
    if code not in (0, 1):
        failed = max(failed, 1)
    return RunResult(name, status, passed, failed, skipped)


def _postgres_url() -> tuple[str | None, str]:
    url = os.environ.get("DATABASE_URL")
    if url:
        return (url, "DATABASE_URL") if url.startswith("postgres") else (None, "DATABASE_URL is not PostgreSQL")
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            pass
    except OSError as exc:
        return None, f"no PostgreSQL server at 127.0.0.1:5432 ({exc.strerror or exc})"
    return PG_DEFAULT, "server at 127.0.0.1:5432"


def _ensure_database(url: str) -> str | None:
    """Create the base database the test database is cloned from, if it is missing."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    from urllib.parse import urlparse

    parts = urlparse(url)
    name = parts.path.lstrip("/") or "postgres"
    admin = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        return f"cannot connect to PostgreSQL: {exc}"
    return None


def _chromium() -> str | None:
    for candidate in (os.environ.get("MINZHENG_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def main() -> int:
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base_env["DJANGO_SETTINGS_MODULE"] = "config.django.test"
    base_env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    extra = sys.argv[1:]
    results: list[RunResult] = []

    results.append(_pytest("sqlite", ["-q", "minzheng", *extra], base_env))

    url, why = _postgres_url()
    problem = _ensure_database(url) if url else why
    if url and not problem:
        env = {**base_env, "DATABASE_URL": url}
        results.append(_pytest("postgresql", ["-q", "--create-db", "minzheng", *extra], env))
    else:
        print(f"\n=== postgresql: SKIPPED — {problem}", flush=True)
        results.append(RunResult("postgresql", "skipped", reason=problem or why))

    chromium = _chromium()
    try:
        import playwright  # noqa: F401
        has_playwright = True
    except ImportError:
        has_playwright = False
    if chromium and has_playwright:
        env = {**base_env, "MINZHENG_CHROMIUM": chromium, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
        results.append(_pytest("browser", ["-q", "e2e", "-p", "no:randomly", *extra], env))
    else:
        reason = "Chromium not found (apt-get install chromium)" if not chromium else "playwright not installed"
        print(f"\n=== browser: SKIPPED — {reason}", flush=True)
        results.append(RunResult("browser", "skipped", reason=reason))

    print("\n=== summary")
    ok = True
    for result in results:
        line = f"  {result.name:<11} {result.status:<8} {result.passed} passed, {result.failed} failed"
        if result.skipped:
            line += f", {result.skipped} skipped"
        if result.reason:
            line += f"  ({result.reason})"
        print(line)
        if result.status == "failed" or (result.status == "skipped" and CI):
            ok = False
    if CI and any(r.status == "skipped" for r in results):
        print("  CI=true: every run must happen; a skipped run fails the build.")
    total_passed = sum(r.passed for r in results)
    total_failed = sum(r.failed for r in results)
    total_skipped = sum(r.skipped for r in results)
    print(f"\n{total_passed} passed, {total_failed} failed, {total_skipped} skipped")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
