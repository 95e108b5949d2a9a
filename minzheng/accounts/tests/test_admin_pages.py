"""The system administrator's 用户管理 and the security administrator's 安全管理 pages, and the separation of the
three administrator roles (三员分立) on them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minzheng.accounts.access import access_user_by_id
from minzheng.accounts.enums import Role
from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.core.errors import NotFoundError
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db


def _other_district_user() -> User:
    other = Area.objects.create(code="340472000000", name="邻区", level="district", kind="district",
                                prefix="340472")
    return f.UserFactory(username="neighbour", role=Role.DISTRICT_ADMIN, area=other)


# --- 用户管理 ----------------------------------------------------------------------------------------------


def test_user_list_shows_the_users_of_the_admins_area(login, users):
    """Given users in the district and one in a neighbouring district, when the system administrator opens 用户管理,
    then the district's users are listed and the neighbour is not."""
    _other_district_user()
    page = login(users["system_admin"]).get(reverse("accounts:user_list")).content.decode()
    assert "<h1" in page and "用户管理" in page
    assert 'data-testid="user-row-cun_a1"' in page and 'data-testid="user-row-neighbour"' not in page


def test_user_list_reads_a_fixed_number_of_queries(login, users, django_assert_max_num_queries):
    """Given twenty more users, when 用户管理 is opened, then the number of queries does not grow with the rows."""
    client = login(users["system_admin"])
    client.get(reverse("accounts:user_list"))
    for n in range(20):
        f.make_user(Role.VILLAGE_WORKER, f.VILLAGE_A2, username=f"bulk{n}")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("accounts:user_list")).status_code == 200


def test_system_admin_creates_a_user_on_the_page(login, users):
    """Given the new-user form, when the system administrator submits a village worker, then the user exists and
    must change the initial password."""
    client = login(users["system_admin"])
    response = client.post(reverse("accounts:user_create"), {
        "username": "cun_page", "full_name": "页面用户", "role": Role.VILLAGE_WORKER,
        "area": f.VILLAGE_A2, "password": "Initial@2025", "password_confirm": "Initial@2025"})
    assert response.status_code == 302
    user = User.objects.get(username="cun_page")
    assert user.must_change_password and user.area_id == f.VILLAGE_A2


def test_new_user_form_names_the_broken_password_rule(login, users):
    """Given the new-user form, when the password has two character classes, then the password field says so
    and no user is made."""
    response = login(users["system_admin"]).post(reverse("accounts:user_create"), {
        "username": "cun_page", "full_name": "页面用户", "role": Role.VILLAGE_WORKER,
        "area": f.VILLAGE_A2, "password": "initialpass", "password_confirm": "initialpass"})
    assert response.status_code == 400
    assert 'data-testid="field-error-password"' in response.content.decode()
    assert not User.objects.filter(username="cun_page").exists()


def test_new_user_form_offers_only_areas_of_the_admin(login, users):
    """Given a neighbouring district, when the new-user form is opened, then its area is not offered."""
    _other_district_user()
    page = login(users["system_admin"]).get(reverse("accounts:user_create")).content.decode()
    assert f.VILLAGE_A2 in page and "340472000000" not in page


def test_reset_password_page_sets_a_password_to_be_changed(login, users):
    """Given the reset page for the 甲一村 worker, when the system administrator sets a new password, then it signs
    in and must be changed."""
    target = users["village_a1"]
    response = login(users["system_admin"]).post(reverse("accounts:user_password", args=[target.pk]),
                                                  {"password": "Temp@2025x", "password_confirm": "Temp@2025x"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("Temp@2025x") and target.must_change_password


def test_disable_button_disables_and_enable_restores(login, users):
    """Given 用户管理, when the system administrator disables and then enables the 甲一村 worker, then the account is
    inactive and then active again."""
    client = login(users["system_admin"])
    target = users["village_a1"]
    client.post(reverse("accounts:user_disable", args=[target.pk]))
    target.refresh_from_db()
    assert not target.is_active
    client.post(reverse("accounts:user_enable", args=[target.pk]))
    target.refresh_from_db()
    assert target.is_active


def test_a_user_of_another_district_is_not_found(users):
    """Given a user in a neighbouring district, when the system administrator looks them up, then they are not
    found."""
    neighbour = _other_district_user()
    with pytest.raises(NotFoundError):
        access_user_by_id(users["system_admin"], neighbour.pk)


def test_pages_for_a_user_of_another_district_answer_404(login, users):
    """Given a user in a neighbouring district, when the system administrator opens their reset page, then it
    answers 404."""
    neighbour = _other_district_user()
    response = login(users["system_admin"]).get(reverse("accounts:user_password", args=[neighbour.pk]))
    assert response.status_code == 404


# --- 安全管理 ----------------------------------------------------------------------------------------------


def test_security_page_opens_for_the_security_admin(login, users):
    """Given the security administrator, when 安全管理 is opened, then the locks and enrolled users are shown."""
    page = login(users["security_admin"]).get(reverse("accounts:security")).content.decode()
    assert 'data-testid="locked-accounts"' in page and 'data-testid="otp-users"' in page


# --- 三员分立 ----------------------------------------------------------------------------------------------

_USER_PAGES = ["accounts:user_list", "accounts:user_create"]


@pytest.mark.parametrize("role", ["security_admin", "auditor", "district_admin", "village_a1"])
@pytest.mark.parametrize("page", _USER_PAGES)
def test_only_the_system_admin_opens_user_management(login, users, role, page):
    """Given a role other than the system administrator, when a user-management page is opened, then it answers
    403."""
    assert login(users[role]).get(reverse(page)).status_code == 403


@pytest.mark.parametrize("role", ["security_admin", "auditor"])
def test_other_admins_cannot_create_users_by_posting(login, users, role):
    """Given the security administrator or the auditor, when they post the new-user form, then it is refused and
    no user is made."""
    response = login(users[role]).post(reverse("accounts:user_create"), {
        "username": "sneaky", "full_name": "x", "role": Role.VILLAGE_WORKER, "area": f.VILLAGE_A2,
        "password": "Initial@2025", "password_confirm": "Initial@2025"})
    assert response.status_code == 403 and not User.objects.filter(username="sneaky").exists()


@pytest.mark.parametrize("role", ["system_admin", "auditor", "district_admin"])
def test_only_the_security_admin_opens_security_management(login, users, role):
    """Given a role other than the security administrator, when 安全管理 is opened or an unlock is posted, then
    both answer 403."""
    client = login(users[role])
    assert client.get(reverse("accounts:security")).status_code == 403
    assert client.post(reverse("accounts:security_unlock"), {"username": "cun_a1"}).status_code == 403


@pytest.mark.parametrize("role", ["system_admin", "security_admin"])
def test_neither_system_nor_security_admin_reads_audit_logs(login, users, role):
    """Given the system or security administrator, when the audit log is opened, then it answers 403."""
    assert login(users[role]).get(reverse("audit:audit")).status_code == 403


def test_menus_follow_the_separation(login, users):
    """Given the three administrators, when their menus are shown, then each sees only their own page."""
    menus = {role: login(users[role]).get(reverse("web:home")).content.decode()
             for role in ["system_admin", "security_admin", "auditor"]}
    assert "用户管理" in menus["system_admin"] and "安全管理" not in menus["system_admin"]
    assert "安全管理" in menus["security_admin"] and "用户管理" not in menus["security_admin"]
    assert "用户管理" not in menus["auditor"] and "安全管理" not in menus["auditor"]
    assert "审计日志" in menus["auditor"] and "审计日志" not in menus["system_admin"]


def test_every_user_can_open_the_change_password_page(login, users):
    """Given any role, when the change-password page is opened, then it answers 200."""
    for user in users.values():
        assert login(user).get(reverse("accounts:password_change")).status_code == 200
