"""Vocabulary of payments (资金发放): payroll runs, their lines, payee accounts, funding sources."""

from django.db import models


class RunStatus(models.TextChoices):
    GENERATING = "generating", "生成中"
    DRAFT = "draft", "草稿"
    REVIEWED = "reviewed", "已审核"
    APPROVED = "approved", "已批准"
    EXPORTED = "exported", "已报送银行"
    RECONCILED = "reconciled", "已对账"
    CLOSED = "closed", "已关闭"


R = RunStatus

# How a payroll run moves. A draft is regenerated (back to generating) until it is reviewed; review can be sent
# back; from approval on the run's lines are immutable and corrections are adjustments in a later month's run.
RUN_TRANSITIONS: dict[str, frozenset[str]] = {
    R.GENERATING: frozenset({R.DRAFT}),
    R.DRAFT: frozenset({R.GENERATING, R.REVIEWED}),
    R.REVIEWED: frozenset({R.DRAFT, R.APPROVED}),
    R.APPROVED: frozenset({R.EXPORTED}),
    R.EXPORTED: frozenset({R.RECONCILED}),
    R.RECONCILED: frozenset({R.CLOSED}),
    R.CLOSED: frozenset(),
}

# From approval on, a run's lines count as settled money (paid, being paid, or written off).
LOCKED_STATUSES = frozenset({R.APPROVED, R.EXPORTED, R.RECONCILED, R.CLOSED})
OPEN_STATUSES = frozenset({R.GENERATING, R.DRAFT, R.REVIEWED})


class LineStatus(models.TextChoices):
    PENDING = "pending", "待发放"
    HELD = "held", "暂缓发放（待核实）"
    CANCELLED = "cancelled", "核实后不予发放"
    EXPORTED = "exported", "已报送银行"
    PAID = "paid", "已发放"
    FAILED = "failed", "发放失败"


# Lines whose amount counts as settled once their run is approved: everything but held (never released, so it is
# owed again next month) and failed (returned by the bank, re-issued next month).
SETTLED_LINE_STATUSES = frozenset({LineStatus.PENDING, LineStatus.CANCELLED, LineStatus.EXPORTED, LineStatus.PAID})


class Flag(models.TextChoices):
    """Why a line is held (payee safety checks). A held line is not paid until a person clears it with a reason."""

    PAYEE_DEAD = "payee_dead", "领款人已死亡"
    MEMBER_DEAD = "member_dead", "保障成员已死亡"
    DEATH_RECORDED = "death_recorded", "殡葬或公安记录显示已死亡"
    EXCLUSIVE_PROGRAMS = "exclusive_programs", "同时享受互斥救助项目"
    CENTENARIAN_UNREVIEWED = "centenarian_unreviewed", "百岁以上且近期未复核"
    NO_ACCOUNT = "no_account", "无有效发放账户"
    ACCOUNT_NAME_MISMATCH = "account_name_mismatch", "账户户名与领款人不一致"
    FAILED_ACCOUNT_UNCHANGED = "failed_account_unchanged", "上次发放失败后账户未更正"


class AccountKind(models.TextChoices):
    SOCIAL_SECURITY_CARD = "ssc", "社会保障卡"
    BANK_CARD = "bank_card", "银行卡"
    PASSBOOK = "passbook", "存折"


class FundingSource(models.TextChoices):
    CENTRAL = "central", "中央"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"
    DISTRICT = "district", "区级"


class ReconciliationOutcome(models.TextChoices):
    ACCEPTED = "accepted", "已对账"
    REFUSED = "refused", "拒绝导入"


class FileFormat(models.TextChoices):
    FIXED = "fixed", "定长文本"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel（xlsx）"
