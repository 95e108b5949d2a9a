"""Staff accounts: creating users at the right level, issuing and revoking API tokens, separation of the three
administrator roles, and signing in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minzheng.accounts.actions import api_token_create, api_token_revoke, user_create
from minzheng.accounts.enums import Role
from minzheng.accounts.models import User
from minzheng.accounts.permissions import ROLE_PERMISSIONS, Perm, has_perm
from minzheng.areas.models import Area
from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, PermissionDeniedError
from minzheng.registry.selectors import person_scope
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db


def _area(code: str) -> Area:
    return Area.objects.get(code=code)


# --- users -------------------------------------------------------------------------------------------------


def test_system_admin_creates_a_village_worker(users):
    """Given the system administrator, when they create a village worker in 甲二村, then the user can sign in with
    the password and an event records the user without the password."""
    user = user_create(acting_user=users["system_admin"], username="cun_a2", full_name="李干事",
                       role=Role.VILLAGE_WORKER, area=_area(f.VILLAGE_A2), password="Strong@2025")
    assert user.check_password("Strong@2025") and user.area_prefix == f.VILLAGE_A2
    event = Event.objects.get(action="user.create", object_id=str(user.pk))
    assert event.actor == users["system_admin"] and "Strong@2025" not in str(event.after)


@pytest.mark.parametrize("role, area", [(Role.VILLAGE_WORKER, f.TOWN_A), (Role.TOWN_REVIEWER, f.VILLAGE_A1),
                                        (Role.AUDITOR, f.TOWN_A)])
def test_role_must_sit_at_its_level(users, role, area):
    """Given a role and an area of another level, when the user is created, then the area field says where the role
    belongs and no user is added."""
    before = User.objects.count()
    with pytest.raises(ApplicationError) as caught:
        user_create(acting_user=users["system_admin"], username="x", full_name="x", role=role, area=_area(area),
                    password="Strong@2025")
    assert (caught.value.code, caught.value.field) == ("role_area_level_mismatch", "area")
    assert User.objects.count() == before


def test_username_must_be_unique(users):
    """Given the user cun_a1, when another user named cun_a1 is created, then the username field is refused."""
    with pytest.raises(ApplicationError) as caught:
        user_create(acting_user=users["system_admin"], username="cun_a1", full_name="x", role=Role.VILLAGE_WORKER,
                    area=_area(f.VILLAGE_A1), password="Strong@2025")
    assert caught.value.field == "username"


@pytest.mark.parametrize("role", ["district_admin", "security_admin", "auditor"])
def test_only_the_system_admin_creates_users(users, role):
    """Given another administrator role, when it creates a user, then permission is denied."""
    with pytest.raises(PermissionDeniedError):
        user_create(acting_user=users[role], username="x", full_name="x", role=Role.VILLAGE_WORKER,
                    area=_area(f.VILLAGE_A1), password="Strong@2025")


def test_user_without_an_area_sees_no_person(users, areas):
    """Given a village worker whose area was never set, when their person scope is read, then it is empty."""
    f.make_person(name="张三")
    lost = f.UserFactory(role=Role.VILLAGE_WORKER, area=None)
    assert lost.area_prefix == "~" and not person_scope(lost).exists()


def test_user_without_a_role_holds_no_permission(areas):
    """Given a user with an area but no role, when any permission is checked, then none is held."""
    user = f.UserFactory(role="", area=_area(f.DISTRICT))
    assert not any(has_perm(user, perm) for perm in Perm)


def test_deactivated_user_holds_no_permission(users):
    """Given the district admin deactivated, when their permissions are checked, then none is held."""
    admin = users["district_admin"]
    admin.is_active = False
    assert not any(has_perm(admin, perm) for perm in Perm)


# --- separation of duties ----------------------------------------------------------------------------------


def test_three_administrator_roles_hold_disjoint_duties():
    """Given the permission table, when the system, security and audit administrators are compared, then each
    holds its own duty only and none reads the registry (三员分立)."""
    duties = {Role.SYSTEM_ADMIN: Perm.USER_MANAGE, Role.SECURITY_ADMIN: Perm.SECURITY_MANAGE,
              Role.AUDITOR: Perm.AUDIT_VIEW}
    for role, duty in duties.items():
        others = set(duties.values()) - {duty}
        assert duty in ROLE_PERMISSIONS[role] and not others & ROLE_PERMISSIONS[role], role
        assert Perm.REGISTRY_VIEW not in ROLE_PERMISSIONS[role], role


def test_only_the_auditor_reads_audit_logs():
    """Given the permission table, when audit reading is looked up, then the auditor alone holds it."""
    assert [role for role, perms in ROLE_PERMISSIONS.items() if Perm.AUDIT_VIEW in perms] == [Role.AUDITOR]


def test_every_role_has_a_level():
    """Given the role list, when each role's level and permission set are looked up, then all are defined."""
    from minzheng.accounts.enums import ROLE_LEVEL

    assert set(ROLE_LEVEL) == set(Role) == set(ROLE_PERMISSIONS)


# --- API tokens --------------------------------------------------------------------------------------------


def test_token_creation_writes_an_event_without_the_token(users):
    """Given the system administrator, when they issue a token for the 甲一村 worker, then an event names the user
    and token prefix but not the token."""
    _, raw = api_token_create(acting_user=users["system_admin"], user=users["village_a1"], name="低保系统")
    event = Event.objects.get(action="api_token.create")
    assert event.after == {"user": "cun_a1", "name": "低保系统", "prefix": raw[:8]}
    assert raw not in str(event.after) and event.area_code == f.VILLAGE_A1


@pytest.mark.parametrize("role", ["district_admin", "security_admin", "auditor", "village_a1"])
def test_only_the_system_admin_issues_tokens(users, role):
    """Given another role, when it issues a token, then permission is denied."""
    with pytest.raises(PermissionDeniedError):
        api_token_create(acting_user=users[role], user=users["village_a1"], name="x")


def test_token_revocation_sets_the_time_and_writes_an_event(users):
    """Given an issued token, when the system administrator revokes it, then it carries the revocation time and an
    api_token.revoke event is written."""
    token, _ = api_token_create(acting_user=users["system_admin"], user=users["village_a1"], name="低保系统")
    api_token_revoke(acting_user=users["system_admin"], token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Event.objects.filter(action="api_token.revoke", object_id=str(token.pk)).count() == 1


# --- signing in --------------------------------------------------------------------------------------------


def test_sign_in_with_the_right_password(client, users):
    """Given the 甲一村 worker, when they sign in with their password, then they land on the home page."""
    response = client.post(reverse("accounts:login"), {"username": "cun_a1", "password": "Test@12345"})
    assert response.status_code == 302 and response.url == reverse("web:home")


def test_wrong_password_is_refused_in_chinese(client, users):
    """Given the 甲一村 worker, when a wrong password is submitted, then the page says so in Chinese."""
    response = client.post(reverse("accounts:login"), {"username": "cun_a1", "password": "wrong"})
    assert "用户名或密码错误。" in response.content.decode()


def test_pages_need_a_signed_in_user(client, areas):
    """Given no session, when a registry page is opened, then the browser is sent to the login page."""
    response = client.get(reverse("registry:person_list"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
