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
    CALENDAR_VIEW = "calendar.view"
    CALENDAR_MANAGE = "calendar.manage"
    JOB_VIEW = "jobs.view"
    JOB_MANAGE_ALL = "jobs.manage_all"
    REGISTRY_MAINTAIN = "registry.maintain"
    POLICY_VIEW = "policy.view"
    POLICY_EDIT = "policy.edit"
    POLICY_APPROVE = "policy.approve"
    ASSISTANCE_VIEW = "assistance.view"
    ASSISTANCE_APPLY = "assistance.apply"
    ASSISTANCE_REVIEW = "assistance.review"
    ASSISTANCE_APPROVE = "assistance.approve"
    ASSISTANCE_SIMULATE = "assistance.simulate"
    PAYMENTS_VIEW = "payments.view"
    PAYROLL_PREPARE = "payments.prepare"
    PAYROLL_APPROVE = "payments.approve"
    PAYROLL_DISBURSE = "payments.disburse"
    PAYEE_ACCOUNT_EDIT = "payments.accounts"
    FUNDS_MANAGE = "payments.funds"
    MONITORING_VIEW = "monitoring.view"
    FEED_MANAGE = "monitoring.feeds"
    MONITORING_RUN = "monitoring.run"
    ALERT_HANDLE = "monitoring.handle"
    ALERT_ASSIGN = "monitoring.assign"
    CANDIDATE_CONFIRM = "monitoring.confirm_match"


# JOB_VIEW: case-working roles follow the background jobs they start (and only those).
_BUSINESS_READ = {Perm.REGISTRY_VIEW, Perm.REGISTRY_EXPORT, Perm.AREA_VIEW, Perm.DASHBOARD_VIEW, Perm.CALENDAR_VIEW,
                  Perm.JOB_VIEW}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    # Case workers may reveal a full ID number or phone of a person in their area, with a reason that is logged.
    Role.VILLAGE_WORKER: frozenset(_BUSINESS_READ | {Perm.REGISTRY_EDIT, Perm.REGISTRY_IMPORT,
                                                    Perm.SENSITIVE_VIEW_FULL}),
    Role.TOWN_REVIEWER: frozenset(_BUSINESS_READ | {Perm.REGISTRY_EDIT, Perm.REGISTRY_IMPORT,
                                                   Perm.SENSITIVE_VIEW_FULL}),
    Role.DISTRICT_APPROVER: frozenset(_BUSINESS_READ | {Perm.REGISTRY_EDIT, Perm.SENSITIVE_VIEW_FULL}),
    Role.DISTRICT_ADMIN: frozenset(_BUSINESS_READ | {Perm.REGISTRY_EDIT, Perm.REGISTRY_IMPORT, Perm.AREA_MANAGE,
                                                    Perm.SENSITIVE_VIEW_FULL, Perm.CALENDAR_MANAGE,
                                                    Perm.JOB_MANAGE_ALL, Perm.REGISTRY_MAINTAIN}),
    # The district finance officer (资金管理) prepares payrolls, sends bank files and reconciles; reads the registry.
    Role.FINANCE_OFFICER: frozenset(_BUSINESS_READ | {Perm.SENSITIVE_VIEW_FULL}),
    Role.LEADER: frozenset({Perm.REGISTRY_VIEW, Perm.AREA_VIEW, Perm.DASHBOARD_VIEW, Perm.CALENDAR_VIEW}),
    Role.AUDITOR: frozenset({Perm.AUDIT_VIEW, Perm.AREA_VIEW}),
    Role.SECURITY_ADMIN: frozenset({Perm.SECURITY_MANAGE, Perm.AREA_VIEW}),
    # The holiday calendar is system configuration, kept by the district admin or the system admin.
    Role.SYSTEM_ADMIN: frozenset({Perm.USER_MANAGE, Perm.AREA_VIEW, Perm.API_TOKEN_MANAGE, Perm.CALENDAR_VIEW,
                                  Perm.CALENDAR_MANAGE}),
}

# Policy parameters (政策参数): every business role and the leader read them; the district admin proposes values
# and growth rules, the district approver approves them (maker-checker).
_POLICY_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.VILLAGE_WORKER: frozenset({Perm.POLICY_VIEW}),
    Role.TOWN_REVIEWER: frozenset({Perm.POLICY_VIEW}),
    Role.DISTRICT_APPROVER: frozenset({Perm.POLICY_VIEW, Perm.POLICY_APPROVE}),
    Role.DISTRICT_ADMIN: frozenset({Perm.POLICY_VIEW, Perm.POLICY_EDIT}),
    Role.LEADER: frozenset({Perm.POLICY_VIEW}),
}
ROLE_PERMISSIONS = {role: perms | _POLICY_PERMISSIONS.get(role, frozenset())
                    for role, perms in ROLE_PERMISSIONS.items()}

# Social assistance applications (救助申请): the village worker files, the town reviewer files, accepts,
# investigates and gives the preliminary opinion, the district approver confirms (maker-checker).
_ASSISTANCE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.VILLAGE_WORKER: frozenset({Perm.ASSISTANCE_VIEW, Perm.ASSISTANCE_APPLY}),
    Role.TOWN_REVIEWER: frozenset({Perm.ASSISTANCE_VIEW, Perm.ASSISTANCE_APPLY, Perm.ASSISTANCE_REVIEW}),
    Role.DISTRICT_APPROVER: frozenset({Perm.ASSISTANCE_VIEW, Perm.ASSISTANCE_APPROVE}),
    Role.DISTRICT_ADMIN: frozenset({Perm.ASSISTANCE_VIEW}),
    Role.LEADER: frozenset({Perm.ASSISTANCE_VIEW}),
}
ROLE_PERMISSIONS = {role: perms | _ASSISTANCE_PERMISSIONS.get(role, frozenset())
                    for role, perms in ROLE_PERMISSIONS.items()}

# Policy simulation (政策模拟) is a district question: the district admin, the approver and the leader run it. The
# leader also gets JOB_VIEW to follow the simulation job they start.
_SIMULATION_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.DISTRICT_APPROVER: frozenset({Perm.ASSISTANCE_SIMULATE}),
    Role.DISTRICT_ADMIN: frozenset({Perm.ASSISTANCE_SIMULATE}),
    Role.LEADER: frozenset({Perm.ASSISTANCE_SIMULATE, Perm.JOB_VIEW}),
}
ROLE_PERMISSIONS = {role: perms | _SIMULATION_PERMISSIONS.get(role, frozenset())
                    for role, perms in ROLE_PERMISSIONS.items()}

# Payments (资金发放): the finance officer prepares and reviews the payroll, sends the bank file, reconciles and keeps
# the budgets; the district approver approves (a different user, maker-checker); village and town workers keep
# their people's payee accounts; everyone in a business role reads the payrolls of their area.
_PAYMENT_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.VILLAGE_WORKER: frozenset({Perm.PAYMENTS_VIEW, Perm.PAYEE_ACCOUNT_EDIT}),
    Role.TOWN_REVIEWER: frozenset({Perm.PAYMENTS_VIEW, Perm.PAYEE_ACCOUNT_EDIT}),
    Role.DISTRICT_APPROVER: frozenset({Perm.PAYMENTS_VIEW, Perm.PAYROLL_APPROVE}),
    Role.DISTRICT_ADMIN: frozenset({Perm.PAYMENTS_VIEW}),
    Role.FINANCE_OFFICER: frozenset({Perm.PAYMENTS_VIEW, Perm.PAYROLL_PREPARE, Perm.PAYROLL_DISBURSE,
                                     Perm.PAYEE_ACCOUNT_EDIT, Perm.FUNDS_MANAGE, Perm.POLICY_VIEW,
                                     Perm.ASSISTANCE_VIEW}),
    Role.LEADER: frozenset({Perm.PAYMENTS_VIEW}),
}
ROLE_PERMISSIONS = {role: perms | _PAYMENT_PERMISSIONS.get(role, frozenset())
                    for role, perms in ROLE_PERMISSIONS.items()}

# Dynamic monitoring (动态监测): the district admin receives department feeds and runs the comparison (the
# approver may run it too); towns assign alerts and close them, villages visit and record; name-only matches are
# confirmed by the town or the district admin. The leader reads.
_MONITORING_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.VILLAGE_WORKER: frozenset({Perm.MONITORING_VIEW, Perm.ALERT_HANDLE}),
    Role.TOWN_REVIEWER: frozenset({Perm.MONITORING_VIEW, Perm.ALERT_HANDLE, Perm.ALERT_ASSIGN,
                                   Perm.CANDIDATE_CONFIRM}),
    Role.DISTRICT_APPROVER: frozenset({Perm.MONITORING_VIEW, Perm.MONITORING_RUN}),
    Role.DISTRICT_ADMIN: frozenset({Perm.MONITORING_VIEW, Perm.FEED_MANAGE, Perm.MONITORING_RUN,
                                    Perm.ALERT_ASSIGN, Perm.CANDIDATE_CONFIRM}),
    Role.LEADER: frozenset({Perm.MONITORING_VIEW}),
}
ROLE_PERMISSIONS = {role: perms | _MONITORING_PERMISSIONS.get(role, frozenset())
                    for role, perms in ROLE_PERMISSIONS.items()}


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
