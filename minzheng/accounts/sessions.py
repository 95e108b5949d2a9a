"""Session bookkeeping: when a session signed in and was last used (idle and absolute limits), whether its user
owes a second factor, and which sessions a user holds (so that disabling them ends every one)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.utils import timezone

from minzheng.accounts import conf

LOGIN_AT = "mz_login_at"
LAST_SEEN = "mz_last_seen"
OTP_ENROLLED = "mz_otp_enrolled"

# The last-seen time is written back at most this often, so a busy session is not saved on every request.
TOUCH_SECONDS = 60

EXPIRY_MESSAGES = {
    "idle": "长时间未操作，已自动退出，请重新登录。",
    "absolute": "登录时间已达上限，已自动退出，请重新登录。",
}


def _now() -> int:
    return int(timezone.now().timestamp())


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_started(request, user) -> None:
    """Called when a user signs in (``user_logged_in``): stamp the session and remember whose it is."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from minzheng.accounts.lockout import client_ip
    from minzheng.accounts.models import UserSession

    session = request.session
    now = _now()
    session[LOGIN_AT] = now
    session[LAST_SEEN] = now
    if TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists():
        session[OTP_ENROLLED] = True
    else:
        session.pop(OTP_ENROLLED, None)
    if session.session_key is None:
        session.save()
    UserSession.objects.update_or_create(session_key=session.session_key,
                                         defaults={"user": user, "ip_address": client_ip(request)})
    _forget_dead_sessions(user)


def session_ended(request) -> None:
    """Called when a user signs out (``user_logged_out``)."""
    from minzheng.accounts.models import UserSession

    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


def session_key_changed(user, old_key: str | None, new_key: str | None) -> None:
    """The session was given a new key without signing in again (after a password change)."""
    from minzheng.accounts.models import UserSession

    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).delete()
        UserSession.objects.update_or_create(session_key=new_key, defaults={"user": user})


def end_user_sessions(user) -> int:
    """Delete every session the user holds; their next request finds no session and goes to the login page."""
    from minzheng.accounts.models import UserSession

    store = _store()
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def _forget_dead_sessions(user) -> None:
    from minzheng.accounts.models import UserSession

    store = _store()
    rows = list(UserSession.objects.filter(user=user).values_list("pk", "session_key"))
    dead = [pk for pk, key in rows if not store().exists(key)]
    if dead:
        UserSession.objects.filter(pk__in=dead).delete()


def expiry_reason(session) -> str | None:
    """"absolute" or "idle" when a signed-in session has outlived a limit; otherwise None, after noting that
    the session is in use now."""
    now = _now()
    login_at = session.get(LOGIN_AT)
    last_seen = session.get(LAST_SEEN)
    if login_at is None or last_seen is None:
        # A session from before these limits: start counting now.
        session[LOGIN_AT] = login_at or now
        session[LAST_SEEN] = now
        return None
    if now - int(login_at) >= conf.session_absolute_seconds():
        return "absolute"
    if now - int(last_seen) >= conf.session_idle_seconds():
        return "idle"
    if now - int(last_seen) >= min(TOUCH_SECONDS, conf.session_idle_seconds() // 10):
        session[LAST_SEEN] = now
    return None


def second_factor_required(request, user) -> bool:
    """The user's role requires a second factor, or they enrolled a device themselves."""
    return conf.two_factor_required_for(user) or bool(request.session.get(OTP_ENROLLED))
