"""Reads of staff accounts and login security, always for an acting administrator and within their area."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from minzheng.accounts import lockout
from minzheng.accounts.models import User
from minzheng.accounts.permissions import Perm, require


def _confirmed_device():
    return Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True))


def user_list(*, user, q: str = "") -> QuerySet[User]:
    """The users of the administrator's area, with whether each has a confirmed authenticator."""
    require(user, Perm.USER_MANAGE)
    users = (User.objects.filter(area__code__startswith=user.area_prefix).annotate(has_totp=_confirmed_device())
             .order_by("area_id", "username"))
    q = q.strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return users


def enrolled_user_list(*, user) -> QuerySet[User]:
    """Users of the security administrator's area who have an authenticator, for resetting a lost one."""
    require(user, Perm.SECURITY_MANAGE)
    return (User.objects.filter(area__code__startswith=user.area_prefix)
            .filter(Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"))))
            .annotate(has_totp=_confirmed_device()).order_by("area_id", "username"))


@dataclass(frozen=True)
class AccountLock:
    lock: lockout.Lock
    user: User | None  # None: the name belongs to no account (someone guessing names)


@dataclass(frozen=True)
class LockOverview:
    accounts: list[AccountLock]
    addresses: list[lockout.Lock]
    recent: list


def lock_overview(*, user) -> LockOverview:
    """Locked accounts of the administrator's area (and names that belong to no account), locked client
    addresses, and recent failures that have not locked anything yet."""
    require(user, Perm.SECURITY_MANAGE)
    locks = lockout.current_locks("username")
    recent = list(lockout.recent_failures())
    names = {lock.value for lock in locks} | {row.username for row in recent if row.username}
    owners = {u.username: u for u in User.objects.filter(username__in=names)}

    def in_scope(username: str | None) -> bool:
        owner = owners.get(username or "")
        return owner is None or (owner.area_id or "").startswith(user.area_prefix)

    return LockOverview(
        accounts=[AccountLock(lock=lock, user=owners.get(lock.value)) for lock in locks if in_scope(lock.value)],
        addresses=lockout.current_locks("ip_address"),
        recent=[row for row in recent if in_scope(row.username)],
    )
