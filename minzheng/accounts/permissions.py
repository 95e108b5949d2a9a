"""Named permissions and the roles that hold them.

Permissions are an enum, never numbers or strings scattered through views. Each role's set is
declared here once; ``has_perm`` and ``require`` are the only checks code uses. System, security and
audit administration are held by three different roles (三员分立): none of them can do another's job.
"""

from __future__ import annotations

from enum import StrEnum

from minzheng.accounts.enums import Role
from minzheng.core.errors import PermissionDeniedError


class Perm(StrEnum):
    REGISTRY_VIEW = "registry.view"
    REGISTRY_EDIT = "registry.edit"
    REGISTRY_IMPORT = "registry.import"
    REGISTRY_EXPORT = "registry.export"
    SENSITIVE_VIEW_FULL = "sensitive.view_full"
    AREA_VIEW = "areas.view"
    AREA_MANAGE = "areas.manage"
    USER_MANAGE = "accounts.manage_users"
    SECURITY_MANAGE = "accounts.manage_security"
    AUDIT_VIEW = "audit.view"
    DASHBOARD_VIEW = "web.dashboard"
    API_TOKEN_MANAGE = "api.manage_tokens"


_BUSINESS_READ = {Perm.REGISTRY_VIEW, Perm.REGISTRY_EXPORT, Perm.AREA_VIEW, Perm.DASHBOARD_VIEW}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.VILLAGE_WORKER: frozenset(_BUSINESS_READ | {Perm.REGISTRY_EDIT, Perm.REGISTRY_IMPORT}),
    Role.TOWN_REVIEWER: frozenset(_BUSINESS_READ | {Perm.REGISTRY_EDIT, Perm.REGISTRY_IMPORT}),
    Role.DISTRICT_APPROVER: frozenset(_BUSINESS_READ | {Perm.REGISTRY_EDIT, Perm.SENSITIVE_VIEW_FULL}),
    Role.DISTRICT_ADMIN: frozenset(_BUSINESS_READ | {Perm.REGISTRY_EDIT, Perm.REGISTRY_IMPORT, Perm.AREA_MANAGE,
                                                    Perm.SENSITIVE_VIEW_FULL}),
    Role.LEADER: frozenset({Perm.REGISTRY_VIEW, Perm.AREA_VIEW, Perm.DASHBOARD_VIEW}),
    Role.AUDITOR: frozenset({Perm.AUDIT_VIEW, Perm.AREA_VIEW}),
    Role.SECURITY_ADMIN: frozenset({Perm.SECURITY_MANAGE, Perm.AREA_VIEW}),
    Role.SYSTEM_ADMIN: frozenset({Perm.USER_MANAGE, Perm.AREA_VIEW, Perm.API_TOKEN_MANAGE}),
}


def has_perm(user, perm: Perm) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    role = getattr(user, "role", None)
    if not role:
        return False
    return perm in ROLE_PERMISSIONS.get(Role(role), frozenset())


def require(user, perm: Perm) -> None:
    if not has_perm(user, perm):
        raise PermissionDeniedError()
