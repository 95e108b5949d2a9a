"""The lockout parameters handed to django-axes, and reads of its records.

Axes counts failed sign-ins per account and per client address (``AXES_LOCKOUT_PARAMETERS``); reaching
``MINZHENG_LOCKOUT_FAILURES`` within ``MINZHENG_LOCKOUT_MINUTES`` locks that account or address until the
failures are that old or the security administrator clears them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from django.db.models import Max, Sum
from django.utils import timezone

from minzheng.accounts import conf


def failure_limit(request=None, credentials=None) -> int:
    return conf.lockout_failures()


def cool_off(request=None) -> dt.timedelta:
    return dt.timedelta(minutes=conf.lockout_minutes())


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address. Behind ``MINZHENG_TRUSTED_PROXY_COUNT`` proxies that each append the address they
    received from to X-Forwarded-For, the client is the entry that many places from the right; entries further
    left were written by the client and cannot be trusted."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR"))
    proxies = conf.trusted_proxy_count()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return _valid_ip(hops[-proxies] if len(hops) >= proxies else hops[0]) or remote


@dataclass(frozen=True)
class Lock:
    """A locked account (``kind == "username"``) or client address (``kind == "ip_address"``)."""

    kind: str
    value: str
    failures: int
    last_attempt: dt.datetime
    unlocks_at: dt.datetime


def _window_start() -> dt.datetime:
    return timezone.now() - cool_off()


def current_locks(kind: str) -> list[Lock]:
    """Accounts or addresses whose failures within the cool-off window reached the limit, newest first."""
    from minzheng.accounts.models import LoginFailure

    rows = (LoginFailure.objects.filter(attempt_time__gte=_window_start()).exclude(**{f"{kind}__isnull": True})
            .values(kind).annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=conf.lockout_failures()).order_by("-last"))
    return [Lock(kind=kind, value=row[kind], failures=row["failures"], last_attempt=row["last"],
                 unlocks_at=row["last"] + cool_off()) for row in rows]


def recent_failures(limit: int = 50):
    """Failure records within the cool-off window that have not (yet) locked anything, newest first."""
    from minzheng.accounts.models import LoginFailure

    return LoginFailure.objects.filter(attempt_time__gte=_window_start()).order_by("-attempt_time")[:limit]


def clear_account_failures(username: str) -> int:
    """After a successful sign-in the account's own failures no longer count: "5 failures" means 5 in a row.
    The address's failures at other accounts stay."""
    from minzheng.accounts.models import LoginFailure

    deleted, _ = LoginFailure.objects.filter(username=username).delete()
    return deleted
