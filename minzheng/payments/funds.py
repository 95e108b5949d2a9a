"""Funds (资金预算): each program's annual budget per funding source and how much of it has been spent.

Spending is what the bank confirmed: the ``amount_fen`` of the lines with status ``paid`` in the runs of the year's
periods (a January–December run), summed per program. Lines held, cancelled, failed or still with the bank are not
spending; a failed payment re-issued in a later run counts once, in the run that paid it.

The warning threshold is the policy parameter ``payments.budget_warning_permille`` (900 = 90 %), read for the
district on the day asked about — never a figure in code. A program warns when ``spent × 1000 ≥ threshold ×
budget`` (exact integer arithmetic), and always when money was spent without any budget.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from minzheng.accounts.permissions import Perm, require
from minzheng.areas.enums import AreaLevel
from minzheng.areas.models import Area
from minzheng.audit.actions import diff, record_event, snapshot
from minzheng.core.errors import ApplicationError
from minzheng.payments.enums import FundingSource, LineStatus
from minzheng.payments.models import Budget, PayrollLine
from minzheng.payments.programs import get_program, program_label, programs

WARNING_PARAMETER = "payments.budget_warning_permille"

# Drawdown order: the money of higher levels is used first (see ``allocate_spending``).
DRAWDOWN_ORDER: tuple[str, ...] = (FundingSource.CENTRAL, FundingSource.PROVINCIAL, FundingSource.MUNICIPAL,
                                   FundingSource.DISTRICT)

# A budget year must be one the platform can plausibly hold: not before the data begins, not decades ahead.
MIN_YEAR = 2000
MAX_YEARS_AHEAD = 5
MAX_BUDGET_FEN = 10**15  # ¥10 万亿: anything larger is a typing error
DOCUMENT_MAX_LENGTH = 200


class FundsErrorCode:
    YEAR_INVALID = "budget_year_invalid"
    SOURCE_INVALID = "budget_source_invalid"
    AMOUNT_INVALID = "budget_amount_invalid"
    DOCUMENT_TOO_LONG = "budget_document_too_long"


def check_year(year) -> int:
    """The year as an int, or ``budget_year_invalid`` (field ``year``)."""
    latest = timezone.localdate().year + MAX_YEARS_AHEAD
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= latest:
        raise ApplicationError(FundsErrorCode.YEAR_INVALID, f"预算年度应在{MIN_YEAR}年至{latest}年之间", field="year")
    return year


# --- Actions -------------------------------------------------------------------------------------------------


def budget_set(*, acting_user, year: int, program: str, source: str, amount_fen: int, document: str = "") -> Budget:
    """Create or update the budget of one program from one funding source for a year (下达预算或调整预算).

    Needs ``payments.funds``. The program must be a registered payable program, the amount a whole number of fen
    not below zero. Writes ``budget.create`` or ``budget.update`` with the before/after amounts.
    """
    require(acting_user, Perm.FUNDS_MANAGE)
    year = check_year(year)
    get_program(program)  # payments_unknown_program
    if source not in FundingSource.values:
        raise ApplicationError(FundsErrorCode.SOURCE_INVALID, "请选择资金来源（中央、省级、市级、区级）",
                               field="source")
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or not 0 <= amount_fen <= MAX_BUDGET_FEN:
        raise ApplicationError(FundsErrorCode.AMOUNT_INVALID, "预算金额应为不小于零的金额", field="amount_fen")
    document = (document or "").strip()
    if len(document) > DOCUMENT_MAX_LENGTH:
        raise ApplicationError(FundsErrorCode.DOCUMENT_TOO_LONG, f"下达文件不超过{DOCUMENT_MAX_LENGTH}字",
                               field="document")
    fields = ["year", "program", "source", "amount_fen", "document"]
    with transaction.atomic():
        budget = Budget.objects.select_for_update().filter(year=year, program=program, source=source).first()
        if budget is None:
            budget = Budget.objects.create(year=year, program=program, source=source, amount_fen=amount_fen,
                                           document=document, created_by=acting_user)
            record_event(actor=acting_user, action="budget.create", obj=budget, after=snapshot(budget, fields))
            return budget
        before = snapshot(budget, fields)
        budget.amount_fen, budget.document = amount_fen, document
        budget.save(update_fields=["amount_fen", "document", "updated_at"])
        changed_before, changed_after = diff(before, snapshot(budget, fields))
        if changed_after:
            record_event(actor=acting_user, action="budget.update", obj=budget, before=changed_before,
                         after=changed_after)
        return budget


# --- Selectors -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceUsage:
    """One funding source of a program: its budget and the part of the program's spending allocated to it."""

    source: str
    label: str
    budget_id: object | None
    budget_fen: int
    spent_fen: int
    document: str = ""

    @property
    def remaining_fen(self) -> int:
        return self.budget_fen - self.spent_fen

    @property
    def ratio_permille(self) -> int | None:
        return ratio_permille(self.spent_fen, self.budget_fen)


@dataclass(frozen=True)
class ProgramUsage:
    """A program's year: budget per source, total, spent, remaining (negative when overspent), use ratio in ‰
    (floored; ``None`` without a budget) and whether it reached the warning threshold."""

    year: int
    program: str
    label: str
    sources: tuple[SourceUsage, ...]
    budget_fen: int
    spent_fen: int
    threshold_permille: int

    @property
    def remaining_fen(self) -> int:
        return self.budget_fen - self.spent_fen

    @property
    def overspent_fen(self) -> int:
        """Spending beyond the whole budget, which no source covers."""
        return max(self.spent_fen - self.budget_fen, 0)

    @property
    def ratio_permille(self) -> int | None:
        return ratio_permille(self.spent_fen, self.budget_fen)

    @property
    def warning(self) -> bool:
        return reaches_threshold(self.spent_fen, self.budget_fen, self.threshold_permille)


def ratio_permille(spent_fen: int, budget_fen: int) -> int | None:
    """Spent as a share of the budget in ‰, rounded down (so 899.9‰ shows as 899‰, never as the threshold)."""
    if budget_fen <= 0:
        return None
    return spent_fen * 1000 // budget_fen


def reaches_threshold(spent_fen: int, budget_fen: int, threshold_permille: int) -> bool:
    """``spent / budget ≥ threshold ‰`` compared exactly in integers; spending without a budget always warns."""
    if budget_fen <= 0:
        return spent_fen > 0
    return spent_fen * 1000 >= threshold_permille * budget_fen


def allocate_spending(spent_fen: int, budgets: dict[str, int]) -> dict[str, int]:
    """Split a program's spending over its funding sources for display, in drawdown order.

    Spending is only known per program — a payment is not paid "from" one source — so the split is a convention:
    the money of the higher level is taken to be used first, central → provincial → municipal → district, each
    source up to its own budget. This is how transfer payments are usually drawn down (upper-level transfers are
    spent before local matching funds), and it makes the district's own money the last to run out, which is what
    the district needs to watch. Whatever exceeds the total budget is not allocated to any source (see
    ``ProgramUsage.overspent_fen``). Every source of ``DRAWDOWN_ORDER`` is in the result.
    """
    left = max(spent_fen, 0)
    allocation: dict[str, int] = {}
    for source in DRAWDOWN_ORDER:
        take = min(left, max(budgets.get(source, 0), 0))
        allocation[source] = take
        left -= take
    return allocation


def district_code() -> str:
    """The district the platform serves (the root of the area tree): where budget-wide parameters are read."""
    return Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code").values_list("code", flat=True).first() \
        or ""


def warning_threshold(*, on: dt.date) -> int:
    from minzheng.policy.selectors import parameter_value

    return parameter_value(WARNING_PARAMETER, area_code=district_code(), on=on)


def spent_by_program(*, year: int, through: dt.date | None = None, lines=None) -> dict[str, int]:
    """Paid amounts per program in the runs of ``year``'s periods, up to the month of ``through`` if given.

    ``lines`` narrows the lines counted (a user's scope); by default every line counts, since a budget is the
    whole district's.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 1)
    if through is not None:
        last = min(last, through.replace(day=1))
    queryset = PayrollLine.objects.all() if lines is None else lines
    rows = (queryset.filter(status=LineStatus.PAID, run__period__gte=first, run__period__lte=last)
            .values("run__program").annotate(total=Sum("amount_fen")).order_by())
    return {row["run__program"]: int(row["total"] or 0) for row in rows}


def budgets_by_program(*, year: int) -> dict[str, dict[str, Budget]]:
    found: dict[str, dict[str, Budget]] = {}
    for budget in Budget.objects.filter(year=year):
        found.setdefault(budget.program, {})[budget.source] = budget
    return found


def fund_usage(*, year: int, on: dt.date | None = None) -> list[ProgramUsage]:
    """Every program's budget and spending for ``year`` as of ``on`` (default today), ordered by program code.

    Spending counts the paid lines of the year's runs whose period is not after ``on``'s month; the warning
    threshold is the parameter in force on ``on``. Programs listed: every registered payable program, and any
    program code that has a budget or spending in the year (a program no longer registered still shows).
    """
    on = on or timezone.localdate()
    threshold = warning_threshold(on=on)
    spent = spent_by_program(year=year, through=on)
    budgets = budgets_by_program(year=year)
    codes = sorted({p.code for p in programs()} | set(budgets) | set(spent))
    labels = dict(FundingSource.choices)
    usage = []
    for code in codes:
        by_source = budgets.get(code, {})
        amounts = {source: budget.amount_fen for source, budget in by_source.items()}
        allocation = allocate_spending(spent.get(code, 0), amounts)
        sources = tuple(
            SourceUsage(source=source, label=labels[source], budget_id=by_source[source].pk if source in by_source
                        else None, budget_fen=amounts.get(source, 0), spent_fen=allocation[source],
                        document=by_source[source].document if source in by_source else "")
            for source in DRAWDOWN_ORDER)
        usage.append(ProgramUsage(year=year, program=code, label=program_label(code), sources=sources,
                                  budget_fen=sum(amounts.values()), spent_fen=spent.get(code, 0),
                                  threshold_permille=threshold))
    return usage


def budget_years() -> list[int]:
    """Years with a budget, with the current year and the next, newest first (the year selector)."""
    this_year = timezone.localdate().year
    years = set(Budget.objects.values_list("year", flat=True).distinct()) | {this_year, this_year + 1}
    return sorted(years, reverse=True)
