"""Lockout after failed sign-ins (django-axes): exactly five failures lock the account and, separately, the client
address for thirty minutes; the lockout page is in Chinese; the security administrator can unlock."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory, override_settings
from django.urls import reverse

from minzheng.accounts.actions import login_failures_clear
from minzheng.accounts.lockout import client_ip
from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, PermissionDeniedError

pytestmark = pytest.mark.django_db

LOCKOUT_TEXT = "登录连续失败5次，该账号或本机地址已被锁定30分钟"
RIGHT = "Test@12345"


def _attempt(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _fail(client, username: str, times: int, ip: str = "10.0.0.1"):
    response = None
    for _ in range(times):
        response = _attempt(client, username, "wrong-password", ip)
    return response


def _signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("web:home")


def _age_failures(minutes: int) -> None:
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - dt.timedelta(minutes=minutes))


def test_four_failures_then_the_right_password_signs_in(client, users):
    """Given four wrong passwords for cun_a1, when the fifth attempt has the right one, then the user is signed in."""
    _fail(client, "cun_a1", 4)
    assert _signed_in(_attempt(client, "cun_a1", RIGHT))


def test_the_fourth_failure_warns_of_the_last_attempt(client, users):
    """Given three wrong passwords, when a fourth is submitted, then the page says one more failure locks for 30
    minutes."""
    _fail(client, "cun_a1", 3)
    page = _fail(client, "cun_a1", 1).content.decode()
    assert "用户名或密码错误。" in page and "再连续失败1次，将锁定30分钟。" in page


def test_the_fifth_failure_locks_with_a_chinese_page(client, users):
    """Given four wrong passwords, when a fifth is submitted, then the answer is the Chinese lockout page (429)."""
    _fail(client, "cun_a1", 4)
    response = _fail(client, "cun_a1", 1)
    assert response.status_code == 429 and LOCKOUT_TEXT in response.content.decode()


def test_after_five_failures_the_right_password_is_refused(client, users):
    """Given five wrong passwords for cun_a1, when the sixth attempt has the right password, then it is refused
    with the lockout message and no session is signed in."""
    _fail(client, "cun_a1", 5)
    response = _attempt(client, "cun_a1", RIGHT)
    assert response.status_code == 429 and LOCKOUT_TEXT in response.content.decode()
    assert client.get(reverse("web:home")).status_code == 302


def test_the_account_is_locked_from_every_address(client, users):
    """Given five failures for cun_a1 from five different addresses, when the right password comes from a sixth
    address, then it is refused: the account itself is locked."""
    for n in range(5):
        _fail(client, "cun_a1", 1, ip=f"10.0.1.{n}")
    response = _attempt(client, "cun_a1", RIGHT, ip="10.0.2.1")
    assert response.status_code == 429


def test_the_address_is_locked_for_every_account(client, users):
    """Given five failures for cun_a1 from one address, when cun_b1 signs in from that address with the right
    password, then it is refused: the address is locked."""
    _fail(client, "cun_a1", 5, ip="10.0.0.9")
    response = _attempt(client, "cun_b1", RIGHT, ip="10.0.0.9")
    assert response.status_code == 429 and LOCKOUT_TEXT in response.content.decode()


def test_another_address_still_signs_in_another_account(client, users):
    """Given the address 10.0.0.9 locked by failures for cun_a1, when cun_b1 signs in from elsewhere, then they are
    signed in."""
    _fail(client, "cun_a1", 5, ip="10.0.0.9")
    assert _signed_in(_attempt(client, "cun_b1", RIGHT, ip="10.0.0.10"))


def test_guessing_several_names_locks_the_address(client, users):
    """Given one address failing once each on five different names, when a sixth name is tried with the right
    password, then it is refused."""
    for name in ["a", "b", "c", "d", "e"]:
        _fail(client, name, 1, ip="10.0.0.7")
    assert _attempt(client, "cun_a1", RIGHT, ip="10.0.0.7").status_code == 429


def test_the_lock_ends_after_thirty_minutes(client, users):
    """Given cun_a1 locked, when the failures are 31 minutes old, then the right password signs in."""
    _fail(client, "cun_a1", 5)
    _age_failures(31)
    assert _signed_in(_attempt(client, "cun_a1", RIGHT))


def test_the_lock_holds_for_twenty_nine_minutes(client, users):
    """Given cun_a1 locked, when the failures are 29 minutes old, then the right password is still refused."""
    _fail(client, "cun_a1", 5)
    _age_failures(29)
    assert _attempt(client, "cun_a1", RIGHT).status_code == 429


def test_attempts_during_the_lock_do_not_extend_it(client, users):
    """Given cun_a1 locked 25 minutes ago and tried again since, when 31 minutes have passed since the lock, then
    the right password signs in."""
    _fail(client, "cun_a1", 5)
    _age_failures(25)
    _fail(client, "cun_a1", 2)
    _age_failures(6)
    assert _signed_in(_attempt(client, "cun_a1", RIGHT))


def test_a_success_resets_the_count_of_the_account(client, users):
    """Given four failures and then a successful sign-in, when four more failures follow, then the account is not
    locked: failures count in a row."""
    _fail(client, "cun_a1", 4)
    assert _signed_in(_attempt(client, "cun_a1", RIGHT))
    client.post(reverse("accounts:logout"))
    _fail(client, "cun_a1", 4)
    assert _signed_in(_attempt(client, "cun_a1", RIGHT))


def test_a_success_does_not_clear_the_addresses_failures_on_other_accounts(client, users):
    """Given four failures on cun_b1 from one address, when cun_a1 signs in from it and cun_b1 fails once more,
    then the address is locked: one valid account cannot reset the count on others."""
    _fail(client, "cun_b1", 4, ip="10.0.0.5")
    assert _signed_in(_attempt(client, "cun_a1", RIGHT, ip="10.0.0.5"))
    client.post(reverse("accounts:logout"))
    assert _fail(client, "cun_b1", 1, ip="10.0.0.5").status_code == 429


@override_settings(MINZHENG_LOCKOUT_FAILURES=3, MINZHENG_LOCKOUT_MINUTES=10)
def test_limit_and_duration_are_settings(client, users):
    """Given a limit of 3 and 10 minutes, when three failures are made, then the account is locked for 10
    minutes and free after 11."""
    response = _fail(client, "cun_a1", 3)
    assert response.status_code == 429 and "连续失败3次" in response.content.decode()
    assert "锁定10分钟" in response.content.decode()
    _age_failures(11)
    assert _signed_in(_attempt(client, "cun_a1", RIGHT))


def test_failure_records_keep_no_password(client, users):
    """Given failed sign-ins, when the stored records are read, then neither password nor CSRF token is kept."""
    _fail(client, "cun_a1", 2)
    stored = " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "wrong-password" not in stored and "password=****" in stored


# --- client address ----------------------------------------------------------------------------------------


def test_client_address_is_remote_addr_without_proxies():
    """Given no trusted proxy, when a request claims another address in X-Forwarded-For, then REMOTE_ADDR counts."""
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.1.1.1"


@override_settings(MINZHENG_TRUSTED_PROXY_COUNT=1)
def test_client_address_behind_one_proxy_is_the_last_forwarded_hop():
    """Given one trusted proxy, when the client forged an X-Forwarded-For entry, then the entry the proxy appended
    counts."""
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.9.9.9")
    assert client_ip(request) == "10.9.9.9"


# --- unlocking ---------------------------------------------------------------------------------------------


def test_security_admin_sees_and_unlocks_an_account(client, users, login):
    """Given cun_a1 locked, when the security administrator unlocks it on 安全管理, then cun_a1 signs in and an event
    records the unlock."""
    _fail(client, "cun_a1", 5, ip="10.0.0.1")
    admin = login(users["security_admin"])
    page = admin.get(reverse("accounts:security")).content.decode()
    assert 'data-testid="locked-account-cun_a1"' in page and 'data-testid="locked-address-10.0.0.1"' in page
    response = admin.post(reverse("accounts:security_unlock"), {"username": "cun_a1"})
    assert response.status_code == 302
    event = Event.objects.get(action="login_failure.delete")
    assert event.actor == users["security_admin"] and "cun_a1" in event.note and event.before["failures"] == 5
    admin.post(reverse("accounts:logout"))
    assert _signed_in(_attempt(client, "cun_a1", RIGHT, ip="10.0.0.1"))


def test_security_admin_unlocks_an_address(client, users):
    """Given an address locked by failures on unknown names, when the security administrator unlocks it, then the
    address signs in again."""
    for name in ["a", "b", "c", "d", "e"]:
        _fail(client, name, 1, ip="10.0.0.7")
    cleared = login_failures_clear(acting_user=users["security_admin"], ip_address="10.0.0.7")
    assert cleared == 5
    assert _signed_in(_attempt(client, "cun_a1", RIGHT, ip="10.0.0.7"))


def test_unlocking_nothing_is_refused(users):
    """Given no failures, when the security administrator unlocks cun_a1, then the action says nothing is locked."""
    with pytest.raises(ApplicationError) as caught:
        login_failures_clear(acting_user=users["security_admin"], username="cun_a1")
    assert caught.value.code == "not_locked"


@pytest.mark.parametrize("role", ["system_admin", "auditor", "district_admin"])
def test_only_the_security_admin_unlocks(client, users, role):
    """Given cun_a1 locked, when another administrator role unlocks it, then permission is denied and the lock
    stays."""
    _fail(client, "cun_a1", 5)
    with pytest.raises(PermissionDeniedError):
        login_failures_clear(acting_user=users[role], username="cun_a1")
    assert _attempt(client, "cun_a1", RIGHT).status_code == 429
