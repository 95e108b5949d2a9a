"""Session limits: 15 minutes idle and 8 hours absolute end a session with a Chinese message; disabling a user ends
every session they hold at once."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts import sessions
from minzheng.accounts.actions import user_disable, user_enable
from minzheng.accounts.models import UserSession
from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, PermissionDeniedError

pytestmark = pytest.mark.django_db

IDLE_MESSAGE = "长时间未操作，已自动退出"


def _sign_in(client, username: str = "cun_a1"):
    response = client.post(reverse("accounts:login"), {"username": username, "password": "Test@12345"})
    assert response.status_code == 302
    return client


def _shift(client, *, login_minutes_ago: float | None = None, seen_minutes_ago: float | None = None) -> None:
    session = client.session
    now = timezone.now().timestamp()
    if login_minutes_ago is not None:
        session[sessions.LOGIN_AT] = int(now - login_minutes_ago * 60)
    if seen_minutes_ago is not None:
        session[sessions.LAST_SEEN] = int(now - seen_minutes_ago * 60)
    session.save()


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_sixteen_idle_minutes_end_the_session(client, users):
    """Given a session last used 16 minutes ago, when the next page is opened, then the browser goes to the login
    page, which says the session ended for inactivity, and the session is signed out."""
    _shift(_sign_in(client), seen_minutes_ago=16)
    response = client.get(reverse("registry:person_list"))
    assert _sent_to_login(response)
    assert IDLE_MESSAGE in client.get(response.url).content.decode()
    assert _sent_to_login(client.get(reverse("web:home")))


def test_fourteen_idle_minutes_keep_the_session(client, users):
    """Given a session last used 14 minutes ago, when the next page is opened, then it opens."""
    _shift(_sign_in(client), seen_minutes_ago=14)
    assert client.get(reverse("registry:person_list")).status_code == 200


def test_idle_time_passes_on_the_clock(client, users):
    """Given a signed-in session, when the clock moves 16 minutes on without a request, then the next page goes
    to the login page."""
    _sign_in(client)
    later = timezone.now() + dt.timedelta(minutes=16)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get(reverse("registry:person_list"))
    assert _sent_to_login(response)


def test_activity_keeps_the_session_alive(client, users):
    """Given requests every 10 minutes for an hour, when the next page is opened, then it opens: only inactivity
    counts."""
    _sign_in(client)
    start = timezone.now()
    for step in range(1, 7):
        with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=10 * step)):
            assert client.get(reverse("web:home")).status_code == 200


@override_settings(MINZHENG_SESSION_IDLE_MINUTES=5)
def test_idle_limit_is_a_setting(client, users):
    """Given MINZHENG_SESSION_IDLE_MINUTES=5, when a session was last used 6 minutes ago, then it has ended."""
    _shift(_sign_in(client), seen_minutes_ago=6)
    assert _sent_to_login(client.get(reverse("web:home")))


def test_eight_hours_end_even_a_busy_session(client, users):
    """Given a session signed in 8 hours ago and used a minute ago, when the next page is opened, then the browser
    goes to the login page with the time-limit message."""
    _shift(_sign_in(client), login_minutes_ago=8 * 60, seen_minutes_ago=1)
    response = client.get(reverse("web:home"))
    assert _sent_to_login(response)
    assert "登录时间已达上限" in client.get(response.url).content.decode()


def test_seven_hours_and_a_half_keep_a_busy_session(client, users):
    """Given a session signed in 7.5 hours ago and used a minute ago, when the next page is opened, then it
    opens."""
    _shift(_sign_in(client), login_minutes_ago=7.5 * 60, seen_minutes_ago=1)
    assert client.get(reverse("web:home")).status_code == 200


@override_settings(MINZHENG_SESSION_ABSOLUTE_HOURS=2)
def test_absolute_limit_is_a_setting(client, users):
    """Given MINZHENG_SESSION_ABSOLUTE_HOURS=2, when a session is 2 hours old, then it has ended."""
    _shift(_sign_in(client), login_minutes_ago=120, seen_minutes_ago=1)
    assert _sent_to_login(client.get(reverse("web:home")))


def test_htmx_request_of_an_ended_session_redirects_the_page(client, users):
    """Given an idle session, when htmx asks for a fragment, then it is told to load the login page instead of
    swapping it into the fragment."""
    _shift(_sign_in(client), seen_minutes_ago=16)
    response = client.get(reverse("registry:person_list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_session_cookie_settings_follow_the_limits():
    """Given the settings, when the session cookie is configured, then it ends with the browser and the stored
    session lives no longer than the absolute limit."""
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == settings.MINZHENG_SESSION_ABSOLUTE_HOURS * 3600 == 8 * 3600
    assert settings.MINZHENG_SESSION_IDLE_MINUTES == 15


# --- sessions of a user ------------------------------------------------------------------------------------


def test_sign_in_records_the_session_and_sign_out_removes_it(client, users):
    """Given the 甲一村 worker, when they sign in and out, then their session is recorded and then forgotten."""
    _sign_in(client)
    key = client.session.session_key
    assert UserSession.objects.filter(user=users["village_a1"], session_key=key).exists()
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(session_key=key).exists()


def test_disabling_a_user_ends_their_sessions_at_once(client, users):
    """Given the 甲一村 worker signed in on two browsers, when the system administrator disables them, then both
    sessions are deleted and each browser's next request goes to the login page."""
    from django.test import Client

    other = Client()
    _sign_in(client)
    _sign_in(other)
    assert UserSession.objects.filter(user=users["village_a1"]).count() == 2
    user_disable(acting_user=users["system_admin"], user=users["village_a1"])
    assert not Session.objects.filter(session_key__in=[client.session.session_key]).exists()
    assert _sent_to_login(client.get(reverse("registry:person_list")))
    assert _sent_to_login(other.get(reverse("web:home")))


def test_a_disabled_user_cannot_sign_in(client, users):
    """Given a disabled user, when they sign in with the right password, then they are refused."""
    user_disable(acting_user=users["system_admin"], user=users["village_a1"])
    response = client.post(reverse("accounts:login"), {"username": "cun_a1", "password": "Test@12345"})
    assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()


def test_disable_and_enable_write_events(users):
    """Given the 甲一村 worker, when the system administrator disables and enables them, then two events record the
    change of state."""
    user_disable(acting_user=users["system_admin"], user=users["village_a1"])
    user_enable(acting_user=users["system_admin"], user=users["village_a1"])
    events = list(Event.objects.filter(object_id=str(users["village_a1"].pk)).order_by("id")
                  .values_list("action", "after__is_active"))
    assert events == [("user.disable", False), ("user.enable", True)]


def test_the_system_admin_cannot_disable_themselves(users):
    """Given the system administrator, when they disable their own account, then it is refused."""
    with pytest.raises(ApplicationError) as caught:
        user_disable(acting_user=users["system_admin"], user=users["system_admin"])
    assert caught.value.code == "user_self_disable"


@pytest.mark.parametrize("role", ["security_admin", "auditor", "district_admin"])
def test_only_the_system_admin_disables_users(users, role):
    """Given another administrator role, when it disables a user, then permission is denied."""
    with pytest.raises(PermissionDeniedError):
        user_disable(acting_user=users[role], user=users["village_a1"])
