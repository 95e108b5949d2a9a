from django.db import models

from minzheng.areas.enums import AreaLevel


class Role(models.TextChoices):
    VILLAGE_WORKER = "village_worker", "村/社区经办"
    TOWN_REVIEWER = "town_reviewer", "乡镇审核"
    DISTRICT_APPROVER = "district_approver", "区级审批"
    DISTRICT_ADMIN = "district_admin", "区级业务管理员"
    FINANCE_OFFICER = "finance_officer", "区级资金管理"
    LEADER = "leader", "领导（只读）"
    AUDITOR = "auditor", "审计管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


# The level each role works at; a user's area must be of that level.
ROLE_LEVEL = {
    Role.VILLAGE_WORKER: AreaLevel.VILLAGE,
    Role.TOWN_REVIEWER: AreaLevel.TOWN,
    Role.DISTRICT_APPROVER: AreaLevel.DISTRICT,
    Role.DISTRICT_ADMIN: AreaLevel.DISTRICT,
    Role.FINANCE_OFFICER: AreaLevel.DISTRICT,
    Role.LEADER: AreaLevel.DISTRICT,
    Role.AUDITOR: AreaLevel.DISTRICT,
    Role.SECURITY_ADMIN: AreaLevel.DISTRICT,
    Role.SYSTEM_ADMIN: AreaLevel.DISTRICT,
}
