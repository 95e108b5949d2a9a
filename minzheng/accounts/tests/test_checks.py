"""Deployment checks: outside the demo no active user may hold the published demo password, and some role must
pass a second factor; `check --deploy` of the production settings is clean on an empty database."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from minzheng.accounts.checks import check_default_passwords, check_second_factor

pytestmark = pytest.mark.django_db


def _give_demo_password(user) -> None:
    # As an old demo database would hold it: set directly, past the validators that now refuse it.
    user.set_password("Demo@2025")
    user.save(update_fields=["password"])


@override_settings(MINZHENG_DEMO=False)
def test_an_active_user_with_the_demo_password_is_an_error(users):
    """Given production and an active user still holding Demo@2025, when the deployment checks run, then an error
    names the user."""
    _give_demo_password(users["system_admin"])
    errors = check_default_passwords()
    assert [error.id for error in errors] == ["minzheng.accounts.E001"]
    assert "sysadmin" in errors[0].msg


@override_settings(MINZHENG_DEMO=False)
def test_a_disabled_user_with_the_demo_password_is_no_error(users):
    """Given production and a disabled user holding Demo@2025, when the checks run, then nothing is reported."""
    _give_demo_password(users["system_admin"])
    users["system_admin"].is_active = False
    users["system_admin"].save(update_fields=["is_active"])
    assert check_default_passwords() == []


def test_the_demo_may_use_the_demo_password(users):
    """Given the demo, when a user holds Demo@2025, then the check reports nothing."""
    _give_demo_password(users["system_admin"])
    assert check_default_passwords() == []


@override_settings(MINZHENG_DEMO=False)
def test_an_empty_database_passes(db):
    """Given production and no users, when the check runs, then nothing is reported."""
    assert check_default_passwords() == []


@override_settings(MINZHENG_DEMO=False, MINZHENG_2FA_REQUIRED_ROLES=[], MINZHENG_2FA_REQUIRED_FOR_ALL=False)
def test_production_without_any_second_factor_is_warned():
    """Given production with no role required to pass 2FA, when the checks run, then a warning says so."""
    assert [warning.id for warning in check_second_factor()] == ["minzheng.accounts.W001"]


def test_check_deploy_of_production_settings_is_clean_on_an_empty_database(tmp_path):
    """Given the production settings and an empty database, when `manage.py check --deploy` runs, then it reports
    no issue."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.django.production",
           "DJANGO_SECRET_KEY": "x7#Lq9@vB2!mZ4$kR8^tW1&yH6*cN3(pD5)gF0_jS-uE+aQ=oI",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
           "MINZHENG_FIELD_KEYS": "1:" + base64.b64encode(b"0123456789abcdef").decode(),
           "MINZHENG_FIELD_KEY_CURRENT": "1", "MINZHENG_BLIND_INDEX_KEY": base64.b64encode(b"b" * 32).decode(),
           "ALLOWED_HOSTS": "minzheng.example.org"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=Path(settings.BASE_DIR), env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
