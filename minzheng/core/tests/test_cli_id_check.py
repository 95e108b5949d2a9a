"""``minzheng id-check``: JSON for a valid number, the error code and exit code 1 for an invalid one."""

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

MINZHENG = Path(sys.executable).parent / "minzheng"
VALID = "11010519491231002X"  # the GB 11643 example number


def _run(number: str) -> str:
    out = StringIO()
    call_command("id_check", number, stdout=out)
    return out.getvalue()


def test_valid_number_prints_what_it_encodes():
    """Given 11010519491231002X, when it is checked, then the JSON says valid with birth date 1949-12-31, sex F
    (17th digit 2 is even) and area 110105."""
    data = json.loads(_run(VALID))
    assert {key: data[key] for key in ("valid", "number", "birth_date", "sex", "area_code", "warnings")} == {
        "valid": True, "number": VALID, "birth_date": "1949-12-31", "sex": "F", "area_code": "110105",
        "warnings": []}


def test_lower_case_x_and_spaces_are_normalized():
    """Given the number typed with a lower-case x and spaces, when it is checked, then it is valid and normalized."""
    assert json.loads(_run("110105 19491231 002x"))["number"] == VALID


def test_unknown_province_is_only_a_warning():
    """Given a valid number whose first two digits are no province, when checked, then it is valid with a warning."""
    from minzheng.core.identifiers import id_check_char

    body = "99010519491231002"
    data = json.loads(_run(body + id_check_char(body)))
    assert data["valid"] is True and data["warnings"] == ["id_unknown_area"]


@pytest.mark.parametrize("number, code", [
    ("110105194912310021", "id_bad_checksum"),
    ("11010519491231002", "id_bad_length"),
    ("1101051949123100AX", "id_bad_characters"),
    ("110105194902300020", "id_impossible_date"),
])
def test_invalid_number_prints_the_error_code_and_fails(number, code):
    """Given an invalid number, when it is checked, then stdout has valid false, the error code and a Chinese
    message, and the command fails."""
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("id_check", number, stdout=out)
    data = json.loads(out.getvalue())
    assert (data["valid"], data["error"]) == (False, code) and data["message"]
    assert caught.value.returncode == 1


def _script(*args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "config.django.test"
    return subprocess.run([str(MINZHENG), *args], capture_output=True, text=True, env=env, cwd=settings.BASE_DIR,
                          timeout=120, check=False)


@pytest.mark.skipif(not MINZHENG.exists(), reason="the minzheng console script is not installed (pip install -e .)")
def test_console_script_valid_number_exits_zero():
    """Given the installed script, when `minzheng id-check 11010519491231002X` runs, then it exits 0 with JSON."""
    result = _script("id-check", VALID)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["birth_date"] == "1949-12-31"


@pytest.mark.skipif(not MINZHENG.exists(), reason="the minzheng console script is not installed (pip install -e .)")
def test_console_script_invalid_number_exits_one():
    """Given the script, when a number with a wrong check digit is checked, then it exits 1 and stdout is the JSON
    error."""
    result = _script("id-check", "110105194912310021")
    assert result.returncode == 1
    assert json.loads(result.stdout) == {"valid": False, "error": "id_bad_checksum",
                                         "message": "身份证号码校验位错误，请核对是否录入有误"}


@pytest.mark.skipif(not MINZHENG.exists(), reason="the minzheng console script is not installed (pip install -e .)")
def test_console_script_help_is_bilingual():
    """Given the script, when `minzheng id-check --help` runs, then the help has Chinese and English."""
    result = _script("id-check", "--help")
    text = " ".join(result.stdout.split())  # argparse wraps lines
    assert result.returncode == 0 and "校验身份证号码" in text and "validate a resident ID number" in text
