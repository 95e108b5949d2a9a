"""Password rules: argon2 hashing, length, three of four character classes, not the username, no reuse of the last
five, no demo password outside the demo, expiry after 90 days, and changes forced by an administrator's reset."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.actions import user_change_password, user_create, user_set_password
from minzheng.accounts.enums import Role
from minzheng.accounts.models import PasswordHistory, User, UserSession
from minzheng.accounts.passwords import password_change_reason
from minzheng.areas.models import Area
from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, PermissionDeniedError
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db

ARGON2 = ["django.contrib.auth.hashers.Argon2PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _create(users, password: str, username: str = "cun_new") -> User:
    return user_create(acting_user=users["system_admin"], username=username, full_name="新用户",
                       role=Role.VILLAGE_WORKER, area=Area.objects.get(code=f.VILLAGE_A2), password=password)


def _refusal(users, password: str, username: str = "cun_new") -> str:
    with pytest.raises(ApplicationError) as caught:
        _create(users, password, username)
    assert (caught.value.code, caught.value.field) == ("password_invalid", "password")
    return caught.value.message


# --- hashing -----------------------------------------------------------------------------------------------


def test_settings_hash_with_argon2_first():
    """Given the shared settings, when the password hashers are read, then argon2 comes first (the test settings
    swap in a fast hasher only for speed)."""
    from config.django import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@override_settings(PASSWORD_HASHERS=ARGON2)
def test_new_passwords_are_stored_as_argon2(users):
    """Given argon2 as the first hasher, when a user is created, then the stored hash is an argon2id hash and the
    password still signs in."""
    user = _create(users, "Strong@2025")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("Strong@2025")


# --- rules -------------------------------------------------------------------------------------------------


def test_short_password_is_refused_in_chinese(users):
    """Given the minimum of 8, when a 7-character password is set, then it is refused with the length in
    Chinese."""
    assert "密码长度不能少于8位" in _refusal(users, "Ab@1234")


@override_settings(MINZHENG_PASSWORD_MIN_LENGTH=12)
def test_minimum_length_is_a_setting(users):
    """Given MINZHENG_PASSWORD_MIN_LENGTH=12, when an 11-character password is set, then it is refused."""
    assert "密码长度不能少于12位" in _refusal(users, "Strong@2025")


@pytest.mark.parametrize("password", ["strongpass1", "STRONG@@@@@", "strong@@@@", "12345678@@"])
def test_two_character_classes_are_not_enough(users, password):
    """Given the rule of three classes out of four, when a password of two classes is set, then it is refused."""
    assert "至少3类" in _refusal(users, password)


@pytest.mark.parametrize("password", ["strongpass@1", "STRONGPASS@1", "Strongpass1", "Strongpass@"])
def test_three_character_classes_are_enough(users, password):
    """Given the rule of three classes out of four, when a password of three classes is set, then it is
    accepted."""
    assert _create(users, password).check_password(password)


def test_password_containing_the_username_is_refused(users):
    """Given the username cun_new, when the password contains it in any case, then it is refused."""
    assert "密码不能包含用户名" in _refusal(users, "CUN_NEW@2025x")


@override_settings(MINZHENG_DEMO=False)
def test_demo_password_is_refused_outside_the_demo(users):
    """Given production (not the demo), when the published demo password is set, then it is refused."""
    assert "不能使用演示环境或默认密码" in _refusal(users, "Demo@2025")


def test_refused_password_creates_no_user(users):
    """Given a weak password, when a user is created with it, then no user and no event are written."""
    before = (User.objects.count(), Event.objects.count())
    _refusal(users, "weak")
    assert (User.objects.count(), Event.objects.count()) == before


# --- history -----------------------------------------------------------------------------------------------


def _change_through(user: User, passwords: list[str]) -> None:
    current = "Test@12345"
    for password in passwords:
        user_change_password(acting_user=user, old_password=current, new_password=password)
        current = password


def test_the_last_five_passwords_cannot_be_reused(users):
    """Given a user who changed their password five times, when they go back to any of those five, then it is
    refused; the password before them is allowed again."""
    user = users["village_a1"]
    history = ["First@2025a", "Second@2025b", "Third@2025c", "Fourth@2025d", "Fifth@2025e"]
    _change_through(user, history)
    for old in history:
        with pytest.raises(ApplicationError) as caught:
            user_change_password(acting_user=user, old_password="Fifth@2025e", new_password=old)
        assert caught.value.message == "新密码不能与最近5次使用过的密码相同"
    user_change_password(acting_user=user, old_password="Fifth@2025e", new_password="Test@12345")


def test_only_the_history_length_of_hashes_is_kept(users):
    """Given a history of 5, when a user changes their password seven times, then five hashes are kept and none
    of them is a plain password."""
    user = users["village_a1"]
    _change_through(user, [f"Change@{n}x2025" for n in range(7)])
    hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True))
    assert len(hashes) == 5 and not any("2025" in value for value in hashes)


@override_settings(MINZHENG_PASSWORD_HISTORY=2)
def test_history_length_is_a_setting(users):
    """Given MINZHENG_PASSWORD_HISTORY=2, when a user returns to their third-last password, then it is
    accepted."""
    user = users["village_a1"]
    _change_through(user, ["First@2025a", "Second@2025b", "Third@2025c"])
    user_change_password(acting_user=user, old_password="Third@2025c", new_password="First@2025a")


def test_the_current_password_cannot_be_kept(users):
    """Given a user created before any history was kept, when they "change" to the same password, then it is
    refused."""
    with pytest.raises(ApplicationError) as caught:
        user_change_password(acting_user=users["village_a1"], old_password="Test@12345", new_password="Test@12345")
    assert caught.value.field == "new_password"


def test_a_wrong_current_password_changes_nothing(users):
    """Given the 甲一村 worker, when they give a wrong current password, then the old-password field is refused and
    the password is unchanged."""
    user = users["village_a1"]
    with pytest.raises(ApplicationError) as caught:
        user_change_password(acting_user=user, old_password="nope", new_password="Another@2025")
    assert (caught.value.code, caught.value.field) == ("password_wrong", "old_password")
    user.refresh_from_db()
    assert user.check_password("Test@12345")


def test_password_change_writes_an_event_without_the_password(users):
    """Given the 甲一村 worker, when they change their password, then one event records the change and holds neither
    password."""
    _change_through(users["village_a1"], ["Another@2025"])
    event = Event.objects.get(action="user.change_password")
    assert event.actor == users["village_a1"]
    assert "Another@2025" not in str(event.after) + str(event.before) and "Test@12345" not in str(event.after)


# --- expiry ------------------------------------------------------------------------------------------------


def _age(user: User, days: int) -> None:
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=days))


def _sign_in(client, username: str, password: str = "Test@12345"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_password_older_than_90_days_must_be_changed_first(client, users):
    """Given a password changed 91 days ago, when the user signs in and opens any page, then they are sent to the
    change-password page, which says why."""
    _age(users["village_a1"], 91)
    _sign_in(client, "cun_a1")
    response = client.get(reverse("registry:person_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:password_change"))
    page = client.get(response.url).content.decode()
    assert "您的密码已超过90天未修改" in page


def test_password_of_89_days_is_still_valid(client, users):
    """Given a password changed 89 days ago, when the user signs in, then the pages open."""
    _age(users["village_a1"], 89)
    _sign_in(client, "cun_a1")
    assert client.get(reverse("registry:person_list")).status_code == 200


@override_settings(MINZHENG_PASSWORD_MAX_AGE_DAYS=30)
def test_maximum_age_is_a_setting(users):
    """Given MINZHENG_PASSWORD_MAX_AGE_DAYS=30, when a password is 31 days old, then it has expired."""
    _age(users["village_a1"], 31)
    users["village_a1"].refresh_from_db()
    assert password_change_reason(users["village_a1"]) == "expired"


@override_settings(MINZHENG_PASSWORD_MAX_AGE_DAYS=0)
def test_expiry_can_be_turned_off(users):
    """Given MINZHENG_PASSWORD_MAX_AGE_DAYS=0, when a password is years old, then it has not expired."""
    _age(users["village_a1"], 2000)
    users["village_a1"].refresh_from_db()
    assert password_change_reason(users["village_a1"]) is None


def test_changing_the_expired_password_opens_the_pages(client, users):
    """Given a user with an expired password, when they change it, then the pages open again and the session
    stays signed in."""
    _age(users["village_a1"], 91)
    _sign_in(client, "cun_a1")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "Test@12345", "new_password": "Renewed@2025", "new_password_confirm": "Renewed@2025"})
    assert response.status_code == 302
    assert client.get(reverse("registry:person_list")).status_code == 200


def test_password_page_refuses_mismatched_confirmation(client, users):
    """Given the change-password page, when the two new passwords differ, then the confirmation field says so."""
    client.force_login(users["village_a1"])
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "Test@12345", "new_password": "Renewed@2025", "new_password_confirm": "Renewed@2026"})
    assert response.status_code == 400 and "两次输入的密码不一致" in response.content.decode()


def test_password_page_shows_the_rule_errors_in_chinese(client, users):
    """Given the change-password page, when a new password of two classes is submitted, then the page names the
    rule in Chinese."""
    client.force_login(users["village_a1"])
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "Test@12345", "new_password": "renewedpass", "new_password_confirm": "renewedpass"})
    assert response.status_code == 400 and "至少3类" in response.content.decode()


# --- administrator reset -----------------------------------------------------------------------------------


def test_admin_reset_forces_a_change_at_next_sign_in(client, users):
    """Given the system administrator resets the 甲一村 worker's password, when the worker signs in with it, then
    they must change it before any page opens."""
    user_set_password(acting_user=users["system_admin"], user=users["village_a1"], password="Temp@2025x")
    _sign_in(client, "cun_a1", "Temp@2025x")
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:password_change"))
    assert "您的密码由管理员设置" in client.get(response.url).content.decode()


def test_admin_reset_writes_an_event_without_the_password(users):
    """Given the system administrator, when they reset a password, then one event names the user and holds no
    password."""
    user_set_password(acting_user=users["system_admin"], user=users["village_a1"], password="Temp@2025x")
    event = Event.objects.get(action="user.set_password")
    assert event.actor == users["system_admin"] and event.object_id == str(users["village_a1"].pk)
    assert "Temp@2025x" not in str(event.after) + str(event.before) + event.note


def test_admin_reset_ends_the_users_sessions(client, users):
    """Given the 甲一村 worker signed in, when the system administrator resets their password, then the worker's
    next request goes to the login page."""
    _sign_in(client, "cun_a1")
    user_set_password(acting_user=users["system_admin"], user=users["village_a1"], password="Temp@2025x")
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not UserSession.objects.filter(user=users["village_a1"]).exists()


def test_admin_reset_follows_the_rules(users):
    """Given the system administrator, when they reset a password to a weak one, then it is refused."""
    with pytest.raises(ApplicationError) as caught:
        user_set_password(acting_user=users["system_admin"], user=users["village_a1"], password="weakpass")
    assert caught.value.code == "password_invalid"


@pytest.mark.parametrize("role", ["security_admin", "auditor", "district_admin"])
def test_only_the_system_admin_resets_passwords(users, role):
    """Given another administrator role, when it resets a password, then permission is denied."""
    with pytest.raises(PermissionDeniedError):
        user_set_password(acting_user=users[role], user=users["village_a1"], password="Temp@2025x")


def test_admin_created_user_must_change_the_initial_password(users):
    """Given the system administrator creates a user, when the user's state is read, then the initial password
    must be changed; a user made by the demo installer need not."""
    assert password_change_reason(_create(users, "Initial@2025")) == "reset"
    installed = user_create(acting_user=None, username="cun_demo", full_name="演示", role=Role.VILLAGE_WORKER,
                            area=Area.objects.get(code=f.VILLAGE_A2), password="Initial@2025", system=True)
    assert password_change_reason(installed) is None
