"""The embedded demo: SQLite under var/, debug pages, the demo district."""

from config.django.base import *  # noqa: F403

DEBUG = True
MINZHENG_DEMO = True
# The printed demo logins sign in with the password alone; the login page says so.
MINZHENG_2FA_REQUIRED_ROLES = []

if MINZHENG_KEYS is None:  # noqa: F405
    # The demo generates its own random keys once, under var/ (never in the repository).
    from minzheng.core.crypto import load_or_create_local_keys

    MINZHENG_KEYS, MINZHENG_KEYS_CREATED = load_or_create_local_keys(VAR_DIR / "keys.json")  # noqa: F405

# The demo's printed logins must keep working: demo passwords do not expire (production keeps 90 days).
MINZHENG_PASSWORD_MAX_AGE_DAYS = 0
