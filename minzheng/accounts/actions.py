"""Writes of staff accounts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.enums import ROLE_LEVEL, Role
from minzheng.accounts.models import ApiToken, User, hash_token
from minzheng.accounts.permissions import Perm, require
from minzheng.areas.models import Area
from minzheng.audit.actions import record_event, snapshot
from minzheng.core.errors import ApplicationError

_USER_FIELDS = ["username", "full_name", "role", "area_id", "is_active"]


def _check_role_area(role: str, area: Area) -> None:
    if Role(role) not in ROLE_LEVEL:
        raise ApplicationError("role_invalid", "角色无效", field="role")
    if area.level != ROLE_LEVEL[Role(role)]:
        raise ApplicationError(
            "role_area_level_mismatch",
            f"「{Role(role).label}」只能设在{ROLE_LEVEL[Role(role)].label}一级，所选区划是{area.get_level_display()}",
            field="area",
        )


def user_create(*, acting_user, username: str, full_name: str, role: str, area: Area, password: str,
                system: bool = False) -> User:
    """Create a staff user. ``system=True`` is for installers (demo, bootstrap), which act as no one."""
    if not system:
        require(acting_user, Perm.USER_MANAGE)
    _check_role_area(role, area)
    if User.objects.filter(username=username).exists():
        raise ApplicationError("username_taken", f"用户名「{username}」已被使用", field="username")
    with transaction.atomic():
        user = User(username=username, full_name=full_name, role=role, area=area)
        user.set_password(password)
        user.save()
        record_event(actor=None if system else acting_user, action="user.create", obj=user,
                     area_code=area.code, after=snapshot(user, _USER_FIELDS))
    return user


def api_token_create(*, acting_user, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; the plain token is returned once and never stored."""
    require(acting_user, Perm.API_TOKEN_MANAGE)
    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, token_hash=hash_token(raw), prefix=raw[:8])
        record_event(actor=acting_user, action="api_token.create", obj=token, area_code=user.area_id or "",
                     after={"user": user.username, "name": name, "prefix": token.prefix})
    return token, raw


def api_token_revoke(*, acting_user, token: ApiToken) -> None:
    require(acting_user, Perm.API_TOKEN_MANAGE)
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(actor=acting_user, action="api_token.revoke", obj=token, area_code=token.user.area_id or "",
                     after={"revoked_at": token.revoked_at.isoformat()})
