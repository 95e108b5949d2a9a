from django.db import models


class Unit(models.TextChoices):
    """How a parameter's integer value is read. Money is fen; ratios are integers in ‰ or %."""

    FEN = "fen", "元（按分存储）"
    COUNT = "count", "个数"
    PERMILLE = "permille", "千分比（‰）"
    PERCENT = "percent", "百分比（%）"
    DAYS = "days", "天"
    MONTHS = "months", "月"
    WORKING_DAYS = "working_days", "工作日"
    BOOL = "bool", "是/否"


class ValueStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PROPOSED = "proposed", "待审批"
    APPROVED = "approved", "已生效"
    SUPERSEDED = "superseded", "已被替代"
    REJECTED = "rejected", "已退回"


# An approved value is never edited: a correction is a new value, and approving it supersedes the old one.
TRANSITIONS: dict[str, frozenset[str]] = {
    ValueStatus.DRAFT: frozenset({ValueStatus.PROPOSED}),
    ValueStatus.PROPOSED: frozenset({ValueStatus.APPROVED, ValueStatus.REJECTED}),
    ValueStatus.APPROVED: frozenset({ValueStatus.SUPERSEDED}),
    ValueStatus.SUPERSEDED: frozenset(),
    ValueStatus.REJECTED: frozenset(),
}

# Statuses of values that were decided and count as history of the standard.
DECIDED_STATUSES = (ValueStatus.APPROVED, ValueStatus.SUPERSEDED)


class GrowthKind(models.TextChoices):
    """标准自然增长: a rise by a share of the current standard, or by a fixed amount."""

    PERCENT = "percent", "按比例上调"
    FIXED_FEN = "fixed_fen", "按固定金额上调"


# Headings of the parameter list, by the part of the code before the first dot.
GROUP_LABELS = {
    "dibao": "最低生活保障（低保）",
    "tekun": "特困人员救助供养",
    "marginal": "低保边缘家庭",
    "rigid_expense": "刚性支出困难家庭",
    "temp_aid": "临时救助",
    "application": "申请办理",
    "review": "动态管理与复核",
    "phaseout": "渐退",
    "payments": "资金发放",
    "monitoring": "低收入人口动态监测",
}

# The label of the shipped default values, which the bureau's notices replace.
DEMO_LABEL = "演示参数"
