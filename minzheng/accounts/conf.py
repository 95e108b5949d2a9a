"""Login-security parameters, read where they are used so that tests and deployments can change them.

``MINZHENG_PASSWORD_MIN_LENGTH``    shortest password accepted (default 8)
``MINZHENG_PASSWORD_MIN_CLASSES``   how many of upper-case, lower-case, digit and symbol a password needs (3)
``MINZHENG_PASSWORD_HISTORY``       a new password may not repeat any of the last N, the current one included (5)
``MINZHENG_PASSWORD_MAX_AGE_DAYS``  days after which a password must be changed; 0 turns expiry off (90)
``MINZHENG_LOCKOUT_FAILURES``       failed sign-ins that lock an account or a client address (5)
``MINZHENG_LOCKOUT_MINUTES``        how long the lock lasts (30)
``MINZHENG_TRUSTED_PROXY_COUNT``    reverse proxies appending to X-Forwarded-For in front of the application (0)
``MINZHENG_2FA_REQUIRED_ROLES``     roles that must pass a TOTP second factor
``MINZHENG_2FA_REQUIRED_FOR_ALL``   every user must pass it (False)
``MINZHENG_SESSION_IDLE_MINUTES``   a session unused for this long is ended (15)
``MINZHENG_SESSION_ABSOLUTE_HOURS`` a session this old is ended however busy (8)
"""

from __future__ import annotations

from django.conf import settings


def password_min_length() -> int:
    return int(getattr(settings, "MINZHENG_PASSWORD_MIN_LENGTH", 8))


def password_min_classes() -> int:
    return int(getattr(settings, "MINZHENG_PASSWORD_MIN_CLASSES", 3))


def password_history() -> int:
    return int(getattr(settings, "MINZHENG_PASSWORD_HISTORY", 5))


def password_max_age_days() -> int:
    return int(getattr(settings, "MINZHENG_PASSWORD_MAX_AGE_DAYS", 90) or 0)


def lockout_failures() -> int:
    return int(getattr(settings, "MINZHENG_LOCKOUT_FAILURES", 5))


def lockout_minutes() -> int:
    return int(getattr(settings, "MINZHENG_LOCKOUT_MINUTES", 30))


def trusted_proxy_count() -> int:
    return int(getattr(settings, "MINZHENG_TRUSTED_PROXY_COUNT", 0) or 0)


def two_factor_roles() -> frozenset[str]:
    return frozenset(str(role) for role in getattr(settings, "MINZHENG_2FA_REQUIRED_ROLES", ()) or ())


def two_factor_for_all() -> bool:
    return bool(getattr(settings, "MINZHENG_2FA_REQUIRED_FOR_ALL", False))


def two_factor_enabled() -> bool:
    """Whether any user at all is required to pass a second factor."""
    return two_factor_for_all() or bool(two_factor_roles())


def two_factor_required_for(user) -> bool:
    """Whether the user's role obliges them to pass a second factor (an enrolled device obliges them too; see
    ``minzheng.accounts.sessions``)."""
    return two_factor_for_all() or (getattr(user, "role", "") or "") in two_factor_roles()


def session_idle_seconds() -> int:
    return int(float(getattr(settings, "MINZHENG_SESSION_IDLE_MINUTES", 15)) * 60)


def session_absolute_seconds() -> int:
    return int(float(getattr(settings, "MINZHENG_SESSION_ABSOLUTE_HOURS", 8)) * 3600)
