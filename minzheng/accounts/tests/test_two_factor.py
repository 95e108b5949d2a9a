"""Two-factor sign-in (TOTP, django-otp): required for the district-level roles and the administrators in
production, optional by setting for the others, off in the demo (and the login page says so)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from minzheng.accounts.actions import totp_device_reset
from minzheng.accounts.enums import Role
from minzheng.audit.models import Event
from minzheng.core.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db

DISTRICT_ROLES = ["district_approver", "district_admin", "leader", "auditor", "security_admin", "system_admin"]
REQUIRED = override_settings(MINZHENG_2FA_REQUIRED_ROLES=DISTRICT_ROLES)
BASE_DIR = Path(settings.BASE_DIR)


def _code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _sign_in(client, username: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": "Test@12345"})


def _enrol(client, username: str) -> TOTPDevice:
    _sign_in(client, username)
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user__username=username)
    client.post(reverse("accounts:otp_setup"), {"token": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    return device


@REQUIRED
@pytest.mark.parametrize("username", ["qu_admin", "qu_approver", "leader", "auditor", "security", "sysadmin"])
def test_district_roles_must_pass_a_second_factor(client, users, username):
    """Given 2FA required for district roles, when a district user signs in with the right password, then every
    page sends them to the second-factor step instead."""
    _sign_in(client, username)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))


@REQUIRED
@pytest.mark.parametrize("username", ["cun_a1", "zhen_a"])
def test_village_and_town_roles_sign_in_with_the_password(client, users, username):
    """Given 2FA required for district roles only, when a village or town user signs in, then the pages open."""
    _sign_in(client, username)
    assert client.get(reverse("web:home")).status_code == 200


@override_settings(MINZHENG_2FA_REQUIRED_ROLES=[], MINZHENG_2FA_REQUIRED_FOR_ALL=True)
def test_second_factor_for_everyone_is_a_setting(client, users):
    """Given MINZHENG_2FA_REQUIRED_FOR_ALL, when the 甲一村 worker signs in, then they are sent to the second-factor
    step."""
    _sign_in(client, "cun_a1")
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))


@REQUIRED
def test_without_a_device_the_user_enrols_with_a_qr_code(client, users):
    """Given the district admin without an authenticator, when they reach the second-factor step, then the
    enrolment page shows an inline SVG QR code and the secret as text."""
    _sign_in(client, "qu_admin")
    response = client.get(reverse("accounts:otp_verify"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_setup"))
    assert 'src="data:image/svg+xml;base64,' in page and 'data-testid="otp-secret"' in page
    device = TOTPDevice.objects.get(user=users["district_admin"], confirmed=False)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page


@REQUIRED
def test_enrolment_is_confirmed_by_a_real_code(client, users):
    """Given the enrolment page, when the code computed from the device key is entered, then the device is
    confirmed, the pages open, and an event records the enrolment."""
    _enrol(client, "qu_admin")
    assert client.get(reverse("web:home")).status_code == 200
    assert Event.objects.filter(action="totp_device.enable", object_id=str(users["district_admin"].pk)).exists()


@REQUIRED
def test_a_wrong_code_does_not_confirm(client, users):
    """Given the enrolment page, when a wrong code is entered, then the page says so in Chinese and the pages
    stay closed."""
    _sign_in(client, "qu_admin")
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=users["district_admin"])
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:otp_setup"), {"token": wrong})
    assert response.status_code == 400 and "动态验证码不正确" in response.content.decode()
    assert client.get(reverse("web:home")).status_code == 302


@REQUIRED
def test_next_sign_in_asks_for_a_code(client, users):
    """Given an enrolled district admin, when they sign in again, then the code page (not enrolment) asks for a
    code, and a current code opens the pages."""
    device = _enrol(client, "qu_admin")
    client.post(reverse("accounts:logout"))
    _sign_in(client, "qu_admin")
    response = client.get(reverse("web:home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_verify"))
    assert "请打开手机上的验证器" in response.content.decode()
    # A code is accepted once; the next time step's code is a fresh one within the allowed drift.
    assert client.post(reverse("accounts:otp_verify"), {"token": _code(device, steps_ahead=1)}).status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


@REQUIRED
def test_a_code_cannot_be_replayed(client, users):
    """Given a code already used to enrol, when the same code is entered at the next sign-in, then it is
    refused."""
    _sign_in(client, "qu_admin")
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=users["district_admin"])
    used = _code(device)
    client.post(reverse("accounts:otp_setup"), {"token": used})
    client.post(reverse("accounts:logout"))
    _sign_in(client, "qu_admin")
    response = client.post(reverse("accounts:otp_verify"), {"token": used})
    assert response.status_code == 400


@REQUIRED
def test_repeated_wrong_codes_are_slowed_down(client, users):
    """Given an enrolled user who entered a wrong code, when the right code follows at once, then it is refused as
    throttled."""
    device = _enrol(client, "qu_admin")
    client.post(reverse("accounts:logout"))
    _sign_in(client, "qu_admin")
    client.post(reverse("accounts:otp_verify"), {"token": "000000" if _code(device, steps_ahead=1) != "000000"
                                                 else "111111"})
    response = client.post(reverse("accounts:otp_verify"), {"token": _code(device, steps_ahead=1)})
    assert response.status_code == 400 and "验证码错误次数过多" in response.content.decode()


@REQUIRED
def test_an_unverified_session_is_not_signed_in_for_the_api(client, users):
    """Given a district admin past the password but not the second factor, when the API is called with the
    session, then it answers 401."""
    _sign_in(client, "qu_admin")
    assert client.get("/api/v1/areas").status_code == 401


def test_a_voluntarily_enrolled_user_is_asked_for_the_code(client, users):
    """Given 2FA not required for village workers, when a worker who enrolled an authenticator signs in again, then
    the code is asked for."""
    client.force_login(users["village_a1"])
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=users["village_a1"])
    client.post(reverse("accounts:otp_setup"), {"token": _code(device)})
    client.post(reverse("accounts:logout"))
    _sign_in(client, "cun_a1")
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))


@REQUIRED
def test_security_admin_resets_a_lost_authenticator(client, users):
    """Given an enrolled district admin, when the security administrator resets their second factor, then the
    next sign-in enrols a new device and an event records the reset."""
    _enrol(client, "qu_admin")
    client.post(reverse("accounts:logout"))
    totp_device_reset(acting_user=users["security_admin"], user=users["district_admin"])
    assert not TOTPDevice.objects.filter(user=users["district_admin"]).exists()
    assert Event.objects.filter(action="totp_device.delete").count() == 1
    _sign_in(client, "qu_admin")
    response = client.get(reverse("accounts:otp_verify"))
    assert response.url.startswith(reverse("accounts:otp_setup"))


@pytest.mark.parametrize("role", ["system_admin", "auditor"])
def test_only_the_security_admin_resets_authenticators(users, role):
    """Given another administrator role, when it resets a second factor, then permission is denied."""
    TOTPDevice.objects.create(user=users["district_admin"], name="x", confirmed=True)
    with pytest.raises(PermissionDeniedError):
        totp_device_reset(acting_user=users[role], user=users["district_admin"])


# --- the demo and production -------------------------------------------------------------------------------


def test_demo_login_page_says_two_factor_is_off(client, areas):
    """Given the demo with no role required to pass 2FA, when the login page is opened, then it says so."""
    assert "演示环境未启用双因素认证" in client.get(reverse("accounts:login")).content.decode()


@REQUIRED
def test_demo_login_page_does_not_claim_it_when_two_factor_is_on(client, areas):
    """Given the demo with 2FA required for district roles, when the login page is opened, then it does not say
    2FA is off."""
    page = client.get(reverse("accounts:login")).content.decode()
    assert "演示环境未启用双因素认证" not in page and "双因素认证" in page


def test_local_settings_keep_two_factor_off_for_the_demo():
    """Given the demo settings of `make run`, when they are read, then no role is required to pass 2FA, so the
    printed demo logins work."""
    source = (BASE_DIR / "config" / "django" / "local.py").read_text()
    assert "MINZHENG_2FA_REQUIRED_ROLES = []" in source


def test_production_requires_two_factor_for_district_roles_and_admins(tmp_path):
    """Given the production settings with their required environment, when they are loaded, then 2FA is required
    for the district approver, district admin, leader, auditor, security and system administrators, and for no
    village or town role."""
    env = {**os.environ, "DJANGO_SECRET_KEY": "k" * 20 + "production-settings-test-key-0123456789",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
           "MINZHENG_FIELD_KEYS": "1:" + base64.b64encode(b"0123456789abcdef").decode(),
           "MINZHENG_FIELD_KEY_CURRENT": "1",
           "MINZHENG_BLIND_INDEX_KEY": base64.b64encode(b"b" * 32).decode()}
    script = "import config.django.production as p; print(','.join(sorted(p.MINZHENG_2FA_REQUIRED_ROLES)))"
    result = subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                            check=True)
    required = set(result.stdout.strip().split(","))
    assert required == set(DISTRICT_ROLES)
    assert not required & {Role.VILLAGE_WORKER.value, Role.TOWN_REVIEWER.value}
