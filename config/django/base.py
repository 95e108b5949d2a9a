"""Settings shared by every environment."""

from __future__ import annotations

from config.env import BASE_DIR, database_config, env_list, env_str

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
    "minzheng.core",
    "minzheng.areas",
    "minzheng.accounts",
    "minzheng.audit",
    "minzheng.registry",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "minzheng.web.middleware.SecurityHeadersMiddleware",
    "minzheng.web.middleware.LoginRequiredMiddleware",
    "minzheng.web.middleware.ApplicationErrorMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
