"""Settings shared by every environment."""

from __future__ import annotations

from pathlib import Path

from config.env import BASE_DIR, database_config, env_int, env_list, env_str

VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-local-only-key-never-used-in-production")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "minzheng.core",
    "minzheng.areas",
    "minzheng.accounts",
    "minzheng.audit",
    "minzheng.registry",
    "minzheng.policy",
    "minzheng.assistance",
    "minzheng.payments",
    "minzheng.monitoring",
    "minzheng.jobs",
    "minzheng.documents",
    "minzheng.api",
    "minzheng.web",
    "minzheng.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "minzheng.web.middleware.SecurityHeadersMiddleware",
    "minzheng.accounts.middleware.SessionTimeoutMiddleware",
    "minzheng.web.middleware.LoginRequiredMiddleware",
    "minzheng.accounts.middleware.AccountGateMiddleware",
    "minzheng.web.middleware.ApplicationErrorMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minzheng.web.context_processors.shell",
            ],
        },
    },
]

DATABASES = {"default": database_config(VAR_DIR / "minzheng.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# The first backend refuses every sign-in of a locked-out account or address before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The minimum length is MINZHENG_PASSWORD_MIN_LENGTH (read when a password is checked), not an option here.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "minzheng.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "minzheng.accounts.passwords.CharacterClassValidator"},
    {"NAME": "minzheng.accounts.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "minzheng.accounts.passwords.DefaultPasswordValidator"},
    {"NAME": "minzheng.accounts.passwords.PasswordHistoryValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
# Sessions end when the browser closes; the idle and absolute limits below are enforced per request by
# minzheng.accounts.middleware.SessionTimeoutMiddleware, and the stored session never outlives the absolute one.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# An upload larger than this is refused before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MINZHENG_IMPORT_MAX_BYTES = 20 * 1024 * 1024
MINZHENG_IMPORT_MAX_ROWS = 100_000

# Dynamic monitoring: the data lake of department feeds and registry snapshots (Parquet), the comparison engine
# (duckdb on this machine, spark on a cluster: MINZHENG_SPARK_MASTER such as spark://host:7077) and the largest
# feed file accepted.
MINZHENG_LAKE_DIR = Path(env_str("MINZHENG_LAKE_DIR", str(VAR_DIR / "lake")))
MINZHENG_MONITORING_BACKEND = env_str("MINZHENG_MONITORING_BACKEND", "duckdb")
MINZHENG_SPARK_MASTER = env_str("MINZHENG_SPARK_MASTER", "local[2]")
MINZHENG_FEED_MAX_BYTES = 100 * 1024 * 1024
MINZHENG_FEED_XLSX_MAX_ROWS = 200_000  # larger feeds come as CSV or Parquet
MINZHENG_FEED_MAX_BAD_SHARE = 0.5  # a file with more bad rows than this is refused whole (疑似格式错误)

MINZHENG_PAGE_SIZE = 20
MINZHENG_EXPORT_MAX_ROWS = 200_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"minzheng": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
LOGIN_URL_PATH = "/accounts/login/"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Field-encryption keys (SM4-GCM) and the blind-index key (HMAC-SM3); see minzheng/core/crypto.py.
MINZHENG_KEYS = None
if env_str("MINZHENG_FIELD_KEYS"):
    MINZHENG_KEYS = {
        "field_keys": env_str("MINZHENG_FIELD_KEYS"),
        "current": env_str("MINZHENG_FIELD_KEY_CURRENT"),
        "blind_index_key": env_str("MINZHENG_BLIND_INDEX_KEY", ""),
    }
MINZHENG_KEYS_CREATED = False
MINZHENG_AUDIT_RETENTION_DAYS = 180

# --- Login security (等保三级). Read where they are used (minzheng/accounts/conf.py), so tests and deployments
# can change them. ----------------------------------------------------------------------------------------------
MINZHENG_PASSWORD_MIN_LENGTH = 8
MINZHENG_PASSWORD_MIN_CLASSES = 3  # of upper-case letters, lower-case letters, digits and symbols
MINZHENG_PASSWORD_HISTORY = 5  # a new password may not repeat any of the last N (the current one included)
MINZHENG_PASSWORD_MAX_AGE_DAYS = 90  # 0: passwords never expire

# Failed sign-ins are counted per account and per client address; either reaching the limit locks it.
MINZHENG_LOCKOUT_FAILURES = 5
MINZHENG_LOCKOUT_MINUTES = 30
# Reverse proxies in front of the application that append the client address to X-Forwarded-For; 0 means the
# client connects directly and REMOTE_ADDR is its address.
MINZHENG_TRUSTED_PROXY_COUNT = env_int("MINZHENG_TRUSTED_PROXY_COUNT", 0)

# Roles that must pass a TOTP second factor after the password; MINZHENG_2FA_REQUIRED_FOR_ALL extends it to
# every user. A user who enrolled a device of their own accord is always asked for it.
MINZHENG_2FA_REQUIRED_ROLES = ["district_approver", "district_admin", "leader", "auditor", "security_admin",
                               "system_admin"]
MINZHENG_2FA_REQUIRED_FOR_ALL = False
OTP_TOTP_ISSUER = "民政一体化业务平台"

MINZHENG_SESSION_IDLE_MINUTES = 15
MINZHENG_SESSION_ABSOLUTE_HOURS = 8
SESSION_COOKIE_AGE = MINZHENG_SESSION_ABSOLUTE_HOURS * 3600

AXES_ENABLED = True
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = "minzheng.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "minzheng.accounts.lockout.cool_off"
AXES_CLIENT_IP_CALLABLE = "minzheng.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "minzheng.accounts.views.lockout_response"
# A successful sign-in clears the failures of that account only (minzheng.accounts.views.LoginView); axes' own
# reset would also clear every failure from the same address, letting anyone with one valid account there
# reset the count on other accounts.
AXES_RESET_ON_SUCCESS = False
# Attempts during a lockout are refused without extending it: the lock lasts MINZHENG_LOCKOUT_MINUTES.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
