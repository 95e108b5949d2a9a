"""Funds (资金预算): setting budgets, spending from reconciled payments, the drawdown split and the warning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, PermissionDeniedError
from minzheng.payments import funds
from minzheng.payments.enums import FundingSource, LineStatus, RunStatus
from minzheng.payments.models import Budget
from minzheng.payments.programs import PayableProgram, register_program, unregister_program
from minzheng.payments.tests.factories import make_line, make_run
from minzheng.policy.models import ParameterDefinition, ParameterValue
from minzheng.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_parameters")]

C, P, M, D = FundingSource.CENTRAL, FundingSource.PROVINCIAL, FundingSource.MUNICIPAL, FundingSource.DISTRICT
JUNE = dt.date(2025, 6, 1)
ON = dt.date(2025, 12, 31)


class FundsTestProgram(PayableProgram):
    code = "test_funds"
    label = "测试补助金"

    def sources(self, *, area_prefix, period, after=None, limit=None):
        return []



@pytest.fixture
def program():
    registered = register_program(FundsTestProgram())
    yield registered
    unregister_program(registered.code)


def paid_lines(user, amounts, *, period=JUNE, program="test_funds", status=LineStatus.PAID,
               run_status=RunStatus.RECONCILED, area=f.VILLAGE_A1):
    run = make_run(user=user, program=program, period=period, status=run_status)
    for amount in amounts:
        make_line(run, f.make_person(name="王大伟", area=area), amount_fen=amount, status=status)
    return run


def usage_of(code, *, year=2025, on=ON) -> funds.ProgramUsage:
    return next(item for item in funds.fund_usage(year=year, on=on) if item.program == code)


# --- budget_set ---------------------------------------------------------------------------------------------


def test_budget_set_creates_then_updates_one_row_and_records_both(users, program):
    """Given no budget, when the finance officer sets ¥1,000,000 central money for 2025 and then changes it to
    ¥1,200,000 with a document, then there is one row with the new amount, and a create and an update event with
    the before/after amounts."""
    first = funds.budget_set(acting_user=users["finance"], year=2025, program="test_funds", source=C,
                             amount_fen=100_000_000, document="")
    second = funds.budget_set(acting_user=users["finance"], year=2025, program="test_funds", source=C,
                              amount_fen=120_000_000, document="淮财社〔2025〕12号")
    assert first.pk == second.pk and Budget.objects.count() == 1
    second.refresh_from_db()
    assert (second.amount_fen, second.document, second.created_by) == (120_000_000, "淮财社〔2025〕12号",
                                                                        users["finance"])
    events = list(Event.objects.filter(object_id=str(first.pk)).order_by("occurred_at", "id"))
    assert [e.action for e in events] == ["budget.create", "budget.update"]
    assert events[0].after["amount_fen"] == 100_000_000
    assert events[1].before == {"amount_fen": 100_000_000, "document": ""}
    assert events[1].after == {"amount_fen": 120_000_000, "document": "淮财社〔2025〕12号"}


def test_setting_the_same_budget_again_writes_no_event(users, program):
    for _ in range(2):
        budget = funds.budget_set(acting_user=users["finance"], year=2025, program="test_funds", source=D,
                                  amount_fen=5_000, document="文一")
    assert Event.objects.filter(object_id=str(budget.pk)).count() == 1


@pytest.mark.parametrize("role", ["village_a1", "town_a", "district_approver", "district_admin", "leader"])
def test_only_the_finance_officer_sets_budgets(users, program, role):
    with pytest.raises(PermissionDeniedError):
        funds.budget_set(acting_user=users[role], year=2025, program="test_funds", source=C, amount_fen=1,
                         document="")
    assert not Budget.objects.exists()


@pytest.mark.parametrize("changes, code, field", [
    ({"program": "no_such_program"}, "payments_unknown_program", None),
    ({"amount_fen": -1}, funds.FundsErrorCode.AMOUNT_INVALID, "amount_fen"),
    ({"amount_fen": 1.5}, funds.FundsErrorCode.AMOUNT_INVALID, "amount_fen"),
    ({"year": 1999}, funds.FundsErrorCode.YEAR_INVALID, "year"),
    ({"year": timezone.localdate().year + funds.MAX_YEARS_AHEAD + 1}, funds.FundsErrorCode.YEAR_INVALID, "year"),
    ({"source": "county"}, funds.FundsErrorCode.SOURCE_INVALID, "source"),
    ({"document": "文" * 201}, funds.FundsErrorCode.DOCUMENT_TOO_LONG, "document"),
])
def test_budget_set_refuses_invalid_input(users, program, changes, code, field):
    arguments = {"year": 2025, "program": "test_funds", "source": C, "amount_fen": 100, "document": "", **changes}
    with pytest.raises(ApplicationError) as caught:
        funds.budget_set(acting_user=users["finance"], **arguments)
    assert caught.value.code == code and caught.value.field == field
    assert not Budget.objects.exists()


def test_a_zero_budget_is_allowed(users, program):
    budget = funds.budget_set(acting_user=users["finance"], year=2025, program="test_funds", source=M, amount_fen=0,
                              document="")
    assert budget.amount_fen == 0


# --- spending -----------------------------------------------------------------------------------------------


def test_spending_counts_only_paid_lines_of_the_years_runs(users, program):
    """Given paid, failed, held, pending and cancelled lines in 2025 runs, paid lines in a December 2024 run and in
    a January 2026 run, and paid lines of another program, when 2025 usage is read, then only the 2025 paid lines
    of the program are spent."""
    user = users["finance"]
    paid_lines(user, [10_000, 20_000])
    paid_lines(user, [40_000], period=dt.date(2025, 12, 1))
    paid_lines(user, [1_000], period=dt.date(2025, 7, 1), status=LineStatus.FAILED)
    paid_lines(user, [2_000], period=dt.date(2025, 8, 1), status=LineStatus.HELD)
    paid_lines(user, [3_000], period=dt.date(2025, 9, 1), status=LineStatus.PENDING, run_status=RunStatus.APPROVED)
    paid_lines(user, [4_000], period=dt.date(2025, 10, 1), status=LineStatus.CANCELLED)
    paid_lines(user, [500_000], period=dt.date(2024, 12, 1))
    paid_lines(user, [600_000], period=dt.date(2026, 1, 1))
    paid_lines(user, [700_000], program="dibao")

    assert usage_of("test_funds").spent_fen == 70_000
    assert funds.spent_by_program(year=2025)["test_funds"] == 70_000
    # As of a day in September, the December run is not counted yet.
    assert usage_of("test_funds", on=dt.date(2025, 9, 15)).spent_fen == 30_000


def test_every_registered_program_is_listed_even_without_budget(users, program):
    codes = [item.program for item in funds.fund_usage(year=2025, on=ON)]
    assert "test_funds" in codes and codes == sorted(codes)
    item = usage_of("test_funds")
    assert (item.budget_fen, item.spent_fen, item.ratio_permille, item.warning) == (0, 0, None, False)
    assert [s.source for s in item.sources] == [C, P, M, D]


# --- drawdown allocation ------------------------------------------------------------------------------------


@pytest.mark.parametrize("spent, expected", [
    (0, {C: 0, P: 0, M: 0, D: 0}),
    (30_000, {C: 30_000, P: 0, M: 0, D: 0}),
    (50_000, {C: 50_000, P: 0, M: 0, D: 0}),
    (65_000, {C: 50_000, P: 15_000, M: 0, D: 0}),
    (95_000, {C: 50_000, P: 30_000, M: 0, D: 15_000}),
    (120_000, {C: 50_000, P: 30_000, M: 0, D: 20_000}),
])
def test_allocation_takes_central_money_first_then_provincial_municipal_district(spent, expected):
    """Budgets central 500, provincial 300, no municipal, district 200: spending fills them in that order; what
    exceeds the total is allocated to none."""
    assert funds.allocate_spending(spent, {C: 50_000, P: 30_000, D: 20_000}) == expected


def test_usage_shows_the_allocation_per_source_and_the_overspend(users, program):
    user = users["finance"]
    for source, amount in [(C, 50_000), (P, 30_000), (D, 20_000)]:
        funds.budget_set(acting_user=user, year=2025, program="test_funds", source=source, amount_fen=amount,
                         document="")
    paid_lines(user, [60_000, 5_000])
    item = usage_of("test_funds")
    by_source = {s.source: s for s in item.sources}
    assert {s: by_source[s].spent_fen for s in by_source} == {C: 50_000, P: 15_000, M: 0, D: 0}
    assert {s: by_source[s].remaining_fen for s in by_source} == {C: 0, P: 15_000, M: 0, D: 20_000}
    assert by_source[M].budget_id is None and by_source[C].budget_id is not None
    assert (item.budget_fen, item.spent_fen, item.remaining_fen, item.ratio_permille) == (100_000, 65_000, 35_000,
                                                                                          650)
    paid_lines(user, [50_000], period=dt.date(2025, 7, 1))
    item = usage_of("test_funds")
    assert sum(s.spent_fen for s in item.sources) == 100_000
    assert (item.overspent_fen, item.remaining_fen, item.ratio_permille, item.warning) == (15_000, -15_000, 1150,
                                                                                           True)


# --- the warning ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spent, warning, ratio", [(899_999, False, 899), (900_000, True, 900),
                                                   (900_001, True, 900), (1_000_000, True, 1000)])
def test_the_warning_flips_at_the_shipped_threshold(users, program, spent, warning, ratio):
    """Given a ¥10,000 budget and the shipped 900‰, when ¥8,999.99 is spent there is no warning; from ¥9,000.00 on
    there is (the ratio is floored, so 899.999‰ reads 899‰ and does not warn)."""
    funds.budget_set(acting_user=users["finance"], year=2025, program="test_funds", source=C, amount_fen=1_000_000,
                     document="")
    paid_lines(users["finance"], [spent])
    item = usage_of("test_funds")
    assert (item.threshold_permille, item.warning, item.ratio_permille) == (900, warning, ratio)


def test_the_threshold_is_the_parameter_in_force_not_a_constant(users, program):
    """Given 92 % spent, when the district approves a 950‰ threshold from 2025-07-01, then usage on 2025-06-30
    warns at 900‰ and usage on 2025-07-01 does not."""
    funds.budget_set(acting_user=users["finance"], year=2025, program="test_funds", source=C, amount_fen=1_000_000,
                     document="")
    paid_lines(users["finance"], [920_000], period=dt.date(2025, 1, 1))
    ParameterValue.objects.create(
        definition=ParameterDefinition.objects.get(code=funds.WARNING_PARAMETER), area_code="340471",
        effective_from=dt.date(2025, 7, 1), value_int=950, status="approved", approved_at=timezone.now())
    before = usage_of("test_funds", on=dt.date(2025, 6, 30))
    after = usage_of("test_funds", on=dt.date(2025, 7, 1))
    assert (before.threshold_permille, before.warning) == (900, True)
    assert (after.threshold_permille, after.warning) == (950, False)


def test_spending_without_any_budget_warns(users, program):
    paid_lines(users["finance"], [100])
    item = usage_of("test_funds")
    assert (item.budget_fen, item.ratio_permille, item.warning, item.overspent_fen) == (0, None, True, 100)


def test_a_program_no_longer_registered_still_shows_with_its_budget(users, program):
    funds.budget_set(acting_user=users["finance"], year=2025, program="test_funds", source=C, amount_fen=10,
                     document="")
    unregister_program("test_funds")
    item = usage_of("test_funds")
    assert (item.label, item.budget_fen) == ("test_funds", 10)
