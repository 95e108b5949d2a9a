"""Writes of staff accounts and login security. Passwords never reach an event row: events say that a password
was set or changed, by whom and when."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from minzheng.accounts import conf
from minzheng.accounts.enums import ROLE_LEVEL, Role
from minzheng.accounts.errors import AccountErrorCode, account_error
from minzheng.accounts.models import ApiToken, LoginFailure, PasswordHistory, User, hash_token
from minzheng.accounts.permissions import Perm, require
from minzheng.accounts.sessions import end_user_sessions
from minzheng.areas.models import Area
from minzheng.audit.actions import record_event, snapshot
from minzheng.core.errors import NotFoundError

_USER_FIELDS = ["username", "full_name", "role", "area_id", "is_active"]


def _check_role_area(role: str, area: Area) -> None:
    if role not in Role.values or Role(role) not in ROLE_LEVEL:
        raise account_error(AccountErrorCode.ROLE_INVALID, field="role")
    if area.level != ROLE_LEVEL[Role(role)]:
        raise account_error(
            AccountErrorCode.ROLE_AREA_LEVEL_MISMATCH,
            f"「{Role(role).label}」只能设在{ROLE_LEVEL[Role(role)].label}一级，所选区划是{area.get_level_display()}",
            field="area",
        )


def _require_in_scope(acting_user, user: User) -> None:
    """An administrator acts only on users of their own area; others look missing, as everywhere."""
    if user.area_id is None or not user.area_id.startswith(acting_user.area_prefix):
        raise NotFoundError("用户")


def _validate_password(password: str, user: User, *, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise account_error(AccountErrorCode.PASSWORD_INVALID, "；".join(exc.messages), field=field) from exc


def _store_password(user: User, password: str, *, must_change: bool) -> None:
    """Set the password, restart its age, and keep its hash among the last ``MINZHENG_PASSWORD_HISTORY``."""
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    PasswordHistory.objects.create(user=user, password=user.password, created_at=user.password_changed_at)
    stale = list(PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id")
                 .values_list("pk", flat=True)[max(conf.password_history(), 0):])
    if stale:
        PasswordHistory.objects.filter(pk__in=stale).delete()


# --- users -------------------------------------------------------------------------------------------------


def user_create(*, acting_user, username: str, full_name: str, role: str, area: Area, password: str,
                system: bool = False) -> User:
    """Create a staff user. ``system=True`` is for installers (demo, bootstrap), which act as no one. A password
    chosen by an administrator must be changed by its owner at the first sign-in."""
    if not system:
        require(acting_user, Perm.USER_MANAGE)
        if not area.code.startswith(acting_user.area_prefix):
            raise NotFoundError("区划")
    _check_role_area(role, area)
    if User.objects.filter(username=username).exists():
        raise account_error(AccountErrorCode.USERNAME_TAKEN, f"用户名「{username}」已被使用", field="username")
    _validate_password(password, User(username=username, full_name=full_name, role=role, area=area))
    with transaction.atomic():
        user = User(username=username, full_name=full_name, role=role, area=area)
        user.save()
        _store_password(user, password, must_change=not system)
        record_event(actor=None if system else acting_user, action="user.create", obj=user,
                     area_code=area.code, after=snapshot(user, _USER_FIELDS))
    return user


def user_set_password(*, acting_user, user: User, password: str) -> None:
    """The system administrator sets another user's password (a forgotten one). The owner must change it at
    the next sign-in, and every session the user holds ends now."""
    require(acting_user, Perm.USER_MANAGE)
    _require_in_scope(acting_user, user)
    if user.pk == acting_user.pk:
        raise account_error(AccountErrorCode.SELF_RESET)
    _validate_password(password, user)
    with transaction.atomic():
        _store_password(user, password, must_change=True)
        ended = end_user_sessions(user)
        record_event(actor=acting_user, action="user.set_password", obj=user, area_code=user.area_id or "",
                     after={"must_change_password": True, "sessions_ended": ended}, note="管理员重置密码")


def user_change_password(*, acting_user, old_password: str, new_password: str) -> None:
    """A user changes their own password: the current one proves it is them, the new one follows the rules."""
    user = acting_user
    if not user.check_password(old_password):
        raise account_error(AccountErrorCode.PASSWORD_WRONG, field="old_password")
    _validate_password(new_password, user, field="new_password")
    with transaction.atomic():
        was_forced = user.must_change_password
        _store_password(user, new_password, must_change=False)
        record_event(actor=user, action="user.change_password", obj=user, area_code=user.area_id or "",
                     before={"must_change_password": was_forced}, after={"must_change_password": False})


def user_disable(*, acting_user, user: User) -> None:
    """Disable a user: they cannot sign in, and every session they hold ends at once."""
    require(acting_user, Perm.USER_MANAGE)
    _require_in_scope(acting_user, user)
    if user.pk == acting_user.pk:
        raise account_error(AccountErrorCode.SELF_DISABLE)
    if not user.is_active:
        raise account_error(AccountErrorCode.ALREADY_DISABLED)
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = end_user_sessions(user)
        record_event(actor=acting_user, action="user.disable", obj=user, area_code=user.area_id or "",
                     before={"is_active": True}, after={"is_active": False, "sessions_ended": ended})


def user_enable(*, acting_user, user: User) -> None:
    require(acting_user, Perm.USER_MANAGE)
    _require_in_scope(acting_user, user)
    if user.is_active:
        raise account_error(AccountErrorCode.ALREADY_ENABLED)
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        record_event(actor=acting_user, action="user.enable", obj=user, area_code=user.area_id or "",
                     before={"is_active": False}, after={"is_active": True})


# --- lockouts ----------------------------------------------------------------------------------------------


def login_failures_clear(*, acting_user, username: str | None = None, ip_address: str | None = None) -> int:
    """The security administrator unlocks an account or a client address by clearing its failed sign-ins.
    Returns how many failures were cleared."""
    from axes.handlers.proxy import AxesProxyHandler

    require(acting_user, Perm.SECURITY_MANAGE)
    if bool(username) == bool(ip_address):
        raise account_error(AccountErrorCode.LOCK_TARGET_REQUIRED)
    area_code = ""
    if username:
        owner = User.objects.filter(username=username).first()
        if owner is not None:
            _require_in_scope(acting_user, owner)
            area_code = owner.area_id or ""
        rows = LoginFailure.objects.filter(username=username)
        label = f"账号 {username}"
    else:
        rows = LoginFailure.objects.filter(ip_address=ip_address)
        label = f"IP地址 {ip_address}"
    latest = rows.order_by("-attempt_time").first()
    if latest is None:
        raise account_error(AccountErrorCode.NOT_LOCKED)
    failures = sum(rows.values_list("failures_since_start", flat=True))
    with transaction.atomic():
        record_event(actor=acting_user, action="login_failure.delete", obj=latest, area_code=area_code,
                     before={"username": username, "ip_address": ip_address, "failures": failures},
                     note=f"解除登录锁定：{label}")
        if username:
            AxesProxyHandler.reset_attempts(username=username)
        else:
            AxesProxyHandler.reset_attempts(ip_address=ip_address)
    return failures


# --- second factor -----------------------------------------------------------------------------------------


def totp_device_start(*, acting_user) -> TOTPDevice:
    """The unconfirmed authenticator a user is enrolling (made on first use, reused until confirmed)."""
    if TOTPDevice.objects.filter(user=acting_user, confirmed=True).exists():
        raise account_error(AccountErrorCode.OTP_ALREADY_ENROLLED)
    device = TOTPDevice.objects.filter(user=acting_user, confirmed=False).order_by("-id").first()
    if device is not None:
        return device
    with transaction.atomic():
        device = TOTPDevice.objects.create(user=acting_user, name="验证器", confirmed=False)
        record_event(actor=acting_user, action="totp_device.create", obj=acting_user,
                     area_code=acting_user.area_id or "", after={"device": device.pk, "confirmed": False})
    return device


def _check_token(device: TOTPDevice, token: str) -> AccountErrorCode | None:
    """None when the code is right. A wrong code is counted by django-otp (throttling) and must stay counted,
    so callers raise the error only after their transaction has committed."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return AccountErrorCode.OTP_THROTTLED
    if not device.verify_token((token or "").strip()):
        return AccountErrorCode.OTP_INVALID
    return None


def totp_device_confirm(*, acting_user, device: TOTPDevice, token: str) -> TOTPDevice:
    """The first correct code from the authenticator confirms the enrolment."""
    if device.user_id != acting_user.pk:
        raise NotFoundError("验证器")
    if device.confirmed:
        raise account_error(AccountErrorCode.OTP_ALREADY_ENROLLED)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        failure = _check_token(device, token)
        if failure is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            record_event(actor=acting_user, action="totp_device.enable", obj=acting_user,
                         area_code=acting_user.area_id or "", after={"device": device.pk, "confirmed": True})
    if failure is not None:
        raise account_error(failure, field="token")
    return device


def totp_device_verify(*, acting_user, token: str) -> TOTPDevice:
    """The second step of signing in: a code from the user's confirmed authenticator. Failures slow further
    attempts down (django-otp throttling)."""
    device = TOTPDevice.objects.filter(user=acting_user, confirmed=True).order_by("id").first()
    if device is None:
        raise account_error(AccountErrorCode.OTP_NOT_ENROLLED)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        failure = _check_token(device, token)
    if failure is not None:
        raise account_error(failure, field="token")
    return device


def totp_device_reset(*, acting_user, user: User) -> int:
    """The security administrator removes a user's authenticators (a lost phone); the user enrols a new one at
    the next sign-in."""
    require(acting_user, Perm.SECURITY_MANAGE)
    _require_in_scope(acting_user, user)
    devices = TOTPDevice.objects.filter(user=user)
    count = devices.count()
    if count == 0:
        raise account_error(AccountErrorCode.OTP_NOT_ENROLLED)
    with transaction.atomic():
        record_event(actor=acting_user, action="totp_device.delete", obj=user, area_code=user.area_id or "",
                     before={"devices": count}, note="重置双因素认证")
        devices.delete()
    return count


# --- API tokens --------------------------------------------------------------------------------------------


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
