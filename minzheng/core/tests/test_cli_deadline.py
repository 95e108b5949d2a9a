"""``minzheng deadline``: the ISO date alone on stdout, ``(provisional)`` on stderr, JSON on request.

Expected dates come from the 2025 notice (国办发明电〔2024〕12号, 国庆节、中秋节 10月1日至8日放假调休，9月28日（周日）、
10月11日（周六）上班), counted by hand; see test_calendar.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from minzheng.core import calendar
from minzheng.core.models import CalendarOverride

pytestmark = pytest.mark.django_db

MINZHENG = Path(sys.executable).parent / "minzheng"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.clear_calendar_cache()
    yield
    calendar.clear_calendar_cache()


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("deadline", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_working_days_print_only_the_iso_date():
    """Given the event on 2025-09-26, when 10 working days are asked for, then stdout is exactly 2025-10-16 and
    stderr is empty."""
    assert _run("--from", "2025-09-26", "--working-days", "10") == ("2025-10-16\n", "")


def test_calendar_days_with_roll():
    """Given the event on 2025-09-20, when 15 days with --roll are asked for, then 2025-10-05 (国庆节) rolls to
    2025-10-09; without --roll it stays on 2025-10-05."""
    assert _run("--from", "2025-09-20", "--days", "15", "--roll")[0] == "2025-10-09\n"
    assert _run("--from", "2025-09-20", "--days", "15")[0] == "2025-10-05\n"


def test_provisional_result_is_flagged_on_stderr_only():
    """Given no 2027 data, when 3 working days from 2026-12-31 are asked for, then stdout is 2027-01-05 alone and
    stderr starts with (provisional) and names 2027."""
    out, err = _run("--from", "2026-12-31", "--working-days", "3")
    assert out == "2027-01-05\n"
    assert err.startswith("(provisional)") and "2027" in err


def test_overrides_in_the_database_are_used():
    """Given 2027-01-01 entered as a holiday, when the same period is asked for, then it is 2027-01-06 and not
    provisional."""
    CalendarOverride.objects.create(date="2027-01-01", kind="holiday", name="元旦")
    assert _run("--from", "2026-12-31", "--working-days", "3") == ("2027-01-06\n", "")


def test_json_output_carries_the_details():
    """Given --json, when a provisional deadline is asked for, then stdout is one JSON object with the date, the
    unit and the unknown year."""
    out, _err = _run("--from", "2026-12-31", "--working-days", "3", "--json")
    assert json.loads(out) == {"from": "2026-12-31", "n": 3, "unit": "working_days", "date": "2027-01-05",
                               "provisional": True, "unknown_years": [2027], "rolled_from": None}


@pytest.mark.parametrize("args", [
    ("--from", "2025-13-01", "--days", "1"),
    ("--from", "2025-09-26", "--days", "-1"),
])
def test_bad_input_is_a_command_error(args):
    """Given an impossible date or a negative period, when the command runs, then it fails with a CommandError."""
    with pytest.raises(CommandError):
        _run(*args)


def test_a_period_is_required():
    """Given neither --days nor --working-days, when the command runs, then argument parsing fails."""
    with pytest.raises(CommandError):
        _run("--from", "2025-09-26")


# --- the console script ----------------------------------------------------------------------------------------


def _script(*args: str) -> subprocess.CompletedProcess:
    # A fresh in-memory database: the command must work before anything was migrated (package data only).
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "config.django.test"
    return subprocess.run([str(MINZHENG), *args], capture_output=True, text=True, env=env, cwd=settings.BASE_DIR,
                          timeout=120, check=False)


@pytest.mark.skipif(not MINZHENG.exists(), reason="the minzheng console script is not installed (pip install -e .)")
def test_console_script_prints_the_acceptance_date():
    """Given the installed minzheng script, when `minzheng deadline --from 2025-09-26 --working-days 10` runs, then
    it exits 0 and prints 2025-10-16 alone on stdout."""
    result = _script("deadline", "--from", "2025-09-26", "--working-days", "10")
    assert (result.returncode, result.stdout) == (0, "2025-10-16\n"), result.stderr


@pytest.mark.skipif(not MINZHENG.exists(), reason="the minzheng console script is not installed (pip install -e .)")
def test_console_script_flags_a_provisional_deadline():
    """Given the script, when a deadline in 2027 is asked for, then stdout has the date and stderr (provisional)."""
    result = _script("deadline", "--from", "2026-12-31", "--working-days", "3")
    assert (result.returncode, result.stdout) == (0, "2027-01-05\n")
    assert "(provisional)" in result.stderr


@pytest.mark.skipif(not MINZHENG.exists(), reason="the minzheng console script is not installed (pip install -e .)")
def test_console_script_help_is_bilingual():
    """Given the script, when `minzheng deadline --help` runs, then the help has Chinese and English."""
    result = _script("deadline", "--help")
    text = " ".join(result.stdout.split())  # argparse wraps lines
    assert result.returncode == 0 and "起算日" in text and "compute the last day of a period" in text
