"""Deployment checks (``manage.py check --deploy``) for login security outside the demo."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

from minzheng.accounts import conf


@register(Tags.security, deploy=True)
def check_default_passwords(app_configs=None, **kwargs) -> list:
    """No active user may still hold a published password (the demo's) outside the demo."""
    if getattr(settings, "MINZHENG_DEMO", False):
        return []
    from django.contrib.auth.hashers import check_password

    from minzheng.accounts.models import User
    from minzheng.accounts.passwords import known_default_passwords

    defaults = known_default_passwords()
    try:
        accounts = list(User.objects.filter(is_active=True).values_list("username", "password"))
    except DatabaseError:
        # Tables not created yet: there is no user to hold any password.
        return []
    found = [username for username, encoded in accounts
             if any(check_password(password, encoded) for password in defaults)]
    if not found:
        return []
    return [Error(
        f"{len(found)} active user(s) still use the published demo password: {', '.join(sorted(found)[:20])}",
        hint="Reset their passwords (用户管理 → 重置密码) or disable them; the demo district belongs in a demo "
             "database only.",
        id="minzheng.accounts.E001",
    )]


@register(Tags.security, deploy=True)
def check_second_factor(app_configs=None, **kwargs) -> list:
    if getattr(settings, "MINZHENG_DEMO", False) or conf.two_factor_enabled():
        return []
    return [Warning(
        "No role is required to pass a second factor (MINZHENG_2FA_REQUIRED_ROLES is empty).",
        hint="等保三级 expects two-factor sign-in for administrators; see config/django/production.py.",
        id="minzheng.accounts.W001",
    )]
