"""``minzheng assess``: standards from the policy parameters, JSON out, exit 2 and Chinese messages on bad input."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from minzheng.assistance.standards import Standards, standards_for, standards_from_snapshot
from minzheng.assistance.tests.builders import DEMO_VALUES, household, member

ROOT = Path(__file__).resolve().parents[3]


def console_script() -> Path:
    """The installed ``minzheng`` console script of the interpreter running the tests (normally .venv/bin)."""
    for candidate in (Path(sys.executable).with_name("minzheng"), ROOT / ".venv" / "bin" / "minzheng"):
        if candidate.exists():
            return candidate
    raise AssertionError("the minzheng console script is not installed (pip install -e .)")


def script_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.django.test", **extra}


def _run(*args: str, stdin: str | None = None) -> dict:
    out = io.StringIO()
    call_command("assess", *args, stdout=out, stdin=io.StringIO(stdin) if stdin is not None else None)
    return json.loads(out.getvalue())


def _write(tmp_path: Path, data, name: str = "household.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.mark.django_db
@pytest.mark.parametrize(("as_of", "eligible", "amount"), [("2025-06-30", False, 0), ("2025-07-01", True, 1000)])
def test_assess_reads_the_standards_in_force_from_the_policy_parameters(tmp_path, as_of, eligible, amount):
    """Given the policy app's demo parameters (¥745, ¥770 from 2025-07-01) and a person earning ¥760 in the demo
    district, when ``assess`` runs without ``--standards``, then the standard in force on ``as_of`` decides."""
    result = _run(_write(tmp_path, household(member(income=76000), as_of=as_of)))
    dibao = result["decisions"][0]
    assert result["as_of"] == as_of
    assert (dibao["program"], dibao["eligible"], dibao["monthly_amount_fen"]) == ("dibao", eligible, amount)


@pytest.mark.django_db
def test_standards_for_and_the_snapshot_give_the_demo_values():
    """standards_for (one query) and standards_from_snapshot (batch) resolve the same demo standards."""
    from minzheng.policy.selectors import load_snapshot

    on = dt.date(2025, 7, 1)
    expected = Standards.from_values({**DEMO_VALUES, "dibao.standard_monthly_fen": 77000})
    assert standards_for("340471100201", on) == expected
    assert standards_from_snapshot(load_snapshot(on=on), "340471100201") == expected


@pytest.mark.django_db
def test_assess_reads_standard_input():
    """Given ``-`` as the file, the household is read from standard input."""
    result = _run("-", stdin=json.dumps(household(member())))
    assert result["household_size"] == 1 and len(result["decisions"]) == 6


@pytest.mark.django_db
def test_assess_without_standards_for_the_area_exits_1(tmp_path):
    """Given a household in an area without parameters (Beijing), then exit code 1 and the policy message."""
    data = household(member(), area_code="110105001001")
    with pytest.raises(CommandError) as caught:
        _run(_write(tmp_path, data))
    assert caught.value.returncode == 1
    assert "没有生效值" in str(caught.value)


def test_assess_with_a_standards_file_needs_no_database(tmp_path):
    """Given ``--standards`` with parameter values, the command determines without touching the database (this
    test has no database access) for any area."""
    params = _write(tmp_path, {**DEMO_VALUES, "dibao.standard_monthly_fen": 80000}, "params.json")
    result = _run(_write(tmp_path, household(member(income=70000), area_code="110105001001")), "--standards", params)
    assert result["decisions"][0]["monthly_amount_fen"] == 10000


def test_assess_refuses_an_incomplete_standards_file(tmp_path):
    params = _write(tmp_path, {"dibao.standard_monthly_fen": 80000}, "params.json")
    with pytest.raises(CommandError) as caught:
        _run(_write(tmp_path, household(member())), "--standards", params)
    assert caught.value.returncode == 1 and "缺少政策参数" in str(caught.value)


def test_assess_malformed_file_exits_2_naming_every_field(tmp_path):
    """Given a file with a negative income and a missing status, then exit code 2 and one Chinese line per fault."""
    bad = member(income_items=[{"kind": "wage", "monthly_fen": -5}])
    del bad["status"]
    with pytest.raises(CommandError) as caught:
        _run(_write(tmp_path, household(bad)))
    assert caught.value.returncode == 2
    lines = str(caught.value).splitlines()
    assert lines[0] == "家庭信息有2处错误："
    assert set(lines[1:]) == {"members[0].income_items[0].monthly_fen 必须是非负整数", "members[0].status 为必填项"}


def test_assess_missing_file_exits_2(tmp_path):
    with pytest.raises(CommandError) as caught:
        _run(str(tmp_path / "nope.json"))
    assert caught.value.returncode == 2 and "无法读取文件" in str(caught.value)


def test_console_script_malformed_input_exit_code_and_stderr():
    """The real ``minzheng assess`` console script: malformed JSON on stdin gives exit code 2, nothing on
    stdout and the Chinese message on stderr."""
    completed = subprocess.run([str(console_script()), "assess", "-"], input='{"as_of": 2025}', text=True,
                               capture_output=True, env=script_env(), cwd=ROOT, timeout=60)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "as_of 必须是 YYYY-MM-DD 格式的有效日期" in completed.stderr


def test_console_script_on_an_unmigrated_database_exits_1_with_a_chinese_message(tmp_path):
    """Given a database without the policy tables, the console script says so in Chinese (exit code 1), not
    with a traceback."""
    household_file = _write(tmp_path, household(member()))
    env = script_env(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    completed = subprocess.run([str(console_script()), "assess", household_file], text=True, capture_output=True,
                               env=env, cwd=ROOT, timeout=60)
    assert completed.returncode == 1
    assert "数据库是否已迁移" in completed.stderr and "Traceback" not in completed.stderr
