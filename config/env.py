"""Reading settings from the environment; no business logic lives here."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def database_config(default_sqlite_path: Path) -> dict:
    """The default database: ``DATABASE_URL`` when set, otherwise embedded SQLite in WAL mode."""
    url = env_str("DATABASE_URL")
    if url:
        import dj_database_url

        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
        config.setdefault("OPTIONS", {})
        return config
    default_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(default_sqlite_path),
        "OPTIONS": {
            # WAL lets the web process read while the worker writes; IMMEDIATE avoids
            # the "database is locked" upgrade deadlock between two writers.
            # A 128 MB page cache keeps index pages of a district-sized database in memory.
            "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; "
                             "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;"),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
