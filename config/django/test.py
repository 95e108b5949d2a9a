"""Tests: SQLite by default, PostgreSQL when DATABASE_URL is set (the test runner does both)."""

from config.django.base import *  # noqa: F403
from config.env import env_str

DEBUG = False
MINZHENG_DEMO = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests and the browser journeys sign in with the password alone; two-factor tests turn it on themselves.
MINZHENG_2FA_REQUIRED_ROLES = []
if not env_str("DATABASE_URL"):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
MINZHENG_LAKE_DIR = BASE_DIR / "var" / "test-lake"  # noqa: F405  (tests that write use a tmp_path setting)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Fixed keys for tests only (random bytes, used nowhere else).
MINZHENG_KEYS = {
    "field_keys": "1:c2V0LWtleS1vbmUtMTIzNA==,2:dGVzdC1rZXktdHdvLTU2Nw==",
    "current": "2",
    "blind_index_key": "dGVzdC1ibGluZC1pbmRleC1rZXktMzItYnl0ZXMhISE=",
}
