"""Production: PostgreSQL, HTTPS, secrets from the environment. Nothing here has a default secret."""

from django.core.exceptions import ImproperlyConfigured

from config.django.base import *  # noqa: F403
from config.env import env_bool, env_int, env_list, env_str

DEBUG = False
MINZHENG_DEMO = False

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random string of at least 50 characters.")
if not env_str("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must point at the production PostgreSQL database.")

if MINZHENG_KEYS is None or not MINZHENG_KEYS.get("blind_index_key"):  # noqa: F405
    raise ImproperlyConfigured("MINZHENG_FIELD_KEYS and MINZHENG_BLIND_INDEX_KEY must be set (see docs/security.md).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Second factor for the district-level roles and the three administrators; every user when the variable is set.
MINZHENG_2FA_REQUIRED_ROLES = ["district_approver", "district_admin", "leader", "auditor", "security_admin",
                               "system_admin"]
MINZHENG_2FA_REQUIRED_FOR_ALL = env_bool("MINZHENG_2FA_REQUIRED_FOR_ALL", False)
# nginx forwards the client address in X-Forwarded-For (docs/operations.md); per-address lockout needs it.
MINZHENG_TRUSTED_PROXY_COUNT = env_int("MINZHENG_TRUSTED_PROXY_COUNT", 1)
