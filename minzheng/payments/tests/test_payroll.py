"""The payroll engine: current month, arrears and deductions from the ledger, stops, payee checks, the run's
life-cycle, and a program that exists only in this file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from minzheng.assistance import lifecycle
from minzheng.assistance.enums import Program
from minzheng.assistance.models import EnrollmentStatus
from minzheng.core import crypto
from minzheng.core.errors import ApplicationError, PermissionDeniedError
from minzheng.payments import actions
from minzheng.payments.enums import Flag, LineStatus, RunStatus
from minzheng.payments.models import PayrollLine, PayrollRun
from minzheng.payments.payroll import generate_run_sync
from minzheng.payments.programs import PayableProgram, Source, register_program, unregister_program
from minzheng.payments.tests.conftest import approved, enroll, generated
from minzheng.payments.tests.factories import make_account
from minzheng.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_parameters")]

DEC = dt.date(2025, 12, 1)
NOV = dt.date(2025, 11, 1)
JAN = dt.date(2026, 1, 1)


def line_of(run, enrollment) -> PayrollLine:
    return PayrollLine.objects.get(run=run, source_key=f"enrollment:{enrollment.pk}")


def test_draft_pays_each_enrollment_its_monthly_amount(users):
    a = enroll(users["town_a"], [f.make_person(name="刘一"), f.make_person(name="刘小", birth=dt.date(2015, 1, 1))])
    b = enroll(users["town_a"], [f.make_person(name="王五")], amount_fen=62_000, area=f.VILLAGE_B1)
    run = generated(users["finance"], period=DEC)
    assert run.status == RunStatus.DRAFT
    assert (run.line_count, run.payable_count, run.payable_fen, run.held_count) == (2, 2, 156_000, 0)
    line = line_of(run, a)
    assert (line.current_fen, line.arrears_fen, line.deduction_fen, line.amount_fen) == (94_000, 0, 0, 94_000)
    assert line.payee_name == "刘一" and line.member_count == 2 and line.status == LineStatus.PENDING
    assert line.account.holder_name == "刘一"
    assert line_of(run, b).area_id == f.VILLAGE_B1


def test_a_late_approval_is_paid_its_missed_months_as_arrears(users):
    enroll(users["town_a"], [f.make_person(name="早一")])
    approved(users, period=NOV)  # the system's first month for 低保
    late = enroll(users["town_a"], [f.make_person(name="迟二")], starts_on=NOV, amount_fen=50_000)
    run = generated(users["finance"], period=DEC)
    line = line_of(run, late)
    assert (line.current_fen, line.arrears_fen, line.amount_fen) == (50_000, 50_000, 100_000)
    assert line.adjustments["due_by_month"] == {"2025-11": 50_000}


def test_an_amount_lowered_after_the_month_was_paid_is_deducted_next_month(users):
    enrollment = enroll(users["town_a"], [f.make_person(name="减一")])
    approved(users, period=NOV)
    lifecycle.enrollment_change_amount(acting_user=users["district_approver"], enrollment=enrollment, amount_fen=80_000,
                                       reason="复核收入增加", effective_month=NOV)
    line = line_of(generated(users["finance"], period=DEC), enrollment)
    assert (line.current_fen, line.arrears_fen, line.deduction_fen, line.amount_fen) == (80_000, 0, 14_000, 66_000)


def test_a_deduction_larger_than_the_month_carries_to_the_next(users):
    enrollment = enroll(users["town_a"], [f.make_person(name="扣二")], amount_fen=100_000)
    approved(users, period=NOV)
    approved(users, period=DEC)
    # Recorded in January: since November the amount should have been 10,000 fen.
    lifecycle.enrollment_change_amount(acting_user=users["district_approver"], enrollment=enrollment, amount_fen=10_000,
                                       reason="复核", effective_month=NOV)
    run = generated(users["finance"], period=JAN)
    line = line_of(run, enrollment)
    # Owed back 180,000; January is due 10,000: deducted 10,000, line 0, 170,000 carried.
    assert (line.current_fen, line.deduction_fen, line.amount_fen) == (10_000, 10_000, 0)
    assert line.status == LineStatus.CANCELLED and line.adjustments["carried_deduction_fen"] == 170_000


def test_suspension_and_exit_stop_payment(users):
    suspended = enroll(users["town_a"], [f.make_person(name="停一")])
    exited = enroll(users["town_a"], [f.make_person(name="退二")])
    approved(users, period=NOV)
    lifecycle.enrollment_suspend(acting_user=users["town_a"], enrollment=suspended, reason="外出未复核",
                                 effective_on=DEC)
    lifecycle.enrollment_exit(acting_user=users["district_approver"], enrollment=exited,
                              reason_code="income_above_standard", exited_on=dt.date(2025, 11, 20), note="收入超标")
    run = generated(users["finance"], period=DEC)
    assert not PayrollLine.objects.filter(run=run).exists()
    assert run.line_count == 0


def test_death_of_every_member_stops_and_a_dead_payee_is_held(users):
    alone = f.make_person(name="故一", birth=dt.date(1940, 1, 1))
    gone = enroll(users["town_a"], [alone])
    head, child = f.make_person(name="故二"), f.make_person(name="孤小", birth=dt.date(2014, 1, 1))
    family = enroll(users["town_a"], [head, child])
    alone.death_date = dt.date(2025, 11, 15)
    alone.save()
    head.death_date = dt.date(2025, 11, 20)
    head.save()
    run = generated(users["finance"], period=DEC)
    assert not PayrollLine.objects.filter(run=run, source_key=f"enrollment:{gone.pk}").exists()
    held = line_of(run, family)
    assert held.status == LineStatus.HELD and held.flags == [Flag.PAYEE_DEAD]
    assert (run.held_count, run.held_fen, run.payable_count) == (1, 94_000, 0)


def test_a_death_recorded_by_another_department_holds_the_line(users):
    from minzheng.payments.programs import register_death_source, unregister_death_source

    head, child = f.make_person(name="火化"), f.make_person(name="在世", birth=dt.date(2014, 1, 1))
    family = enroll(users["town_a"], [head, child])
    alive = enroll(users["town_a"], [f.make_person(name="无事")])
    register_death_source("test_cremations", lambda: {head.id_number_bidx})
    try:
        run = generated(users["finance"], period=DEC)
    finally:
        unregister_death_source("test_cremations")
    assert line_of(run, family).flags == [Flag.DEATH_RECORDED]
    assert line_of(run, family).status == LineStatus.HELD
    assert line_of(run, alive).flags == []


def test_a_person_in_two_exclusive_programs_is_held_in_both(users):
    person = f.make_person(name="重复", birth=dt.date(1950, 1, 1))
    dibao = enroll(users["town_a"], [person])
    from minzheng.assistance.models import Enrollment

    Enrollment.objects.create(program=Program.TEKUN, household=dibao.household, application=dibao.application,
                              area_id=f.VILLAGE_A1, person_ids=[str(person.pk)], monthly_amount_fen=150_000,
                              starts_on=NOV, last_reviewed_on=dt.date(2025, 10, 1))
    for program in ("dibao", "tekun"):
        line = PayrollLine.objects.get(run=generated(users["finance"], program=program, period=DEC))
        assert line.status == LineStatus.HELD and Flag.EXCLUSIVE_PROGRAMS in line.flags, program


def test_tekun_lines_split_basic_living_and_care(users):
    enroll(users["town_a"], [f.make_person(name="特一", birth=dt.date(1950, 1, 1))], program=Program.TEKUN,
           amount_fen=150_000)
    line = PayrollLine.objects.get(run=generated(users["finance"], program="tekun", period=DEC))
    assert sum(line.components.values()) == 150_000 and set(line.components) == {"基本生活费", "照料护理费"}
    assert line.components["基本生活费"] > 0


@pytest.mark.parametrize(("reviewed", "held"), [(dt.date(2025, 3, 1), True), (None, True),
                                                (dt.date(2025, 10, 1), False)])
def test_a_centenarian_without_a_recent_review_is_held(users, reviewed, held):
    enrollment = enroll(users["town_a"], [f.make_person(name="寿星", birth=dt.date(1925, 6, 1))],
                        last_reviewed_on=reviewed)
    line = line_of(generated(users["finance"], period=DEC), enrollment)
    assert (Flag.CENTENARIAN_UNREVIEWED in line.flags) is held
    assert (line.status == LineStatus.HELD) is held


def test_a_99_year_old_is_not_a_centenarian(users):
    enrollment = enroll(users["town_a"], [f.make_person(name="九九", birth=dt.date(1925, 12, 2))],
                        last_reviewed_on=None)
    assert line_of(generated(users["finance"], period=DEC), enrollment).flags == []


def test_missing_or_misnamed_accounts_are_held(users):
    none = enroll(users["town_a"], [f.make_person(name="无卡")], account=False)
    misnamed_head = f.make_person(name="户名")
    misnamed = enroll(users["town_a"], [misnamed_head], account=False)
    make_account(misnamed_head, name="户明")
    run = generated(users["finance"], period=DEC)
    assert line_of(run, none).flags == [Flag.NO_ACCOUNT]
    assert line_of(run, misnamed).flags == [Flag.ACCOUNT_NAME_MISMATCH]


def test_held_line_is_released_or_cancelled_with_a_reason_only_in_a_draft(users):
    enrollment = enroll(users["town_a"], [f.make_person(name="核实")], account=False)
    run = generated(users["finance"], period=DEC)
    line = line_of(run, enrollment)
    with pytest.raises(ApplicationError, match="核实情况"):
        actions.payroll_line_resolve(acting_user=users["finance"], line=line, release=True, reason=" ")
    with pytest.raises(PermissionDeniedError):
        actions.payroll_line_resolve(acting_user=users["town_a"], line=line, release=True, reason="已核实")
    actions.payroll_line_resolve(acting_user=users["finance"], line=line, release=True, reason="已现场核实，账户补录中")
    line.refresh_from_db()
    run.refresh_from_db()
    assert line.status == LineStatus.PENDING and line.hold_resolved_by == users["finance"]
    assert (run.held_count, run.payable_count, run.payable_fen) == (0, 1, 94_000)
    actions.payroll_run_review(acting_user=users["finance"], run=run)
    with pytest.raises(ApplicationError, match="草稿"):
        actions.payroll_line_resolve(acting_user=users["finance"], line=line, release=False, reason="x")


def test_a_held_month_is_paid_later_as_arrears(users):
    enrollment = enroll(users["town_a"], [f.make_person(name="补发")], account=False)
    approved(users, period=NOV)  # held for lack of an account, and approved so
    make_account(enrollment.household.head)
    line = line_of(generated(users["finance"], period=DEC), enrollment)
    assert (line.current_fen, line.arrears_fen, line.amount_fen, line.status) == (94_000, 94_000, 188_000,
                                                                                  LineStatus.PENDING)


def test_a_failed_payment_is_reissued_next_month_and_leaves_the_reissue_list(users):
    enrollment = enroll(users["town_a"], [f.make_person(name="退票")])
    nov = approved(users, period=NOV)
    failed = line_of(nov, enrollment)
    PayrollLine.objects.filter(pk=failed.pk).update(status=LineStatus.FAILED, fail_reason="账户已销户")
    PayrollRun.objects.filter(pk=nov.pk).update(status=RunStatus.RECONCILED)
    # Same account as the one that failed: held until someone checks it.
    line = line_of(generated(users["finance"], period=DEC), enrollment)
    assert Flag.FAILED_ACCOUNT_UNCHANGED in line.flags and line.arrears_fen == 94_000
    # A new account, regenerate: paid with the arrears; approval takes the failure off the re-issue list.
    from minzheng.payments.models import PayeeAccount

    PayeeAccount.objects.filter(person=enrollment.household.head).update(is_active=False)
    make_account(enrollment.household.head)
    run = PayrollRun.objects.get(period=DEC)
    actions.payroll_run_regenerate(acting_user=users["finance"], run=run)
    run = generate_run_sync(run)
    assert run.generation == 2
    line = line_of(run, enrollment)
    assert line.flags == [] and line.amount_fen == 188_000 and line.adjustments["reissue"] == [str(failed.pk)]
    actions.payroll_run_review(acting_user=users["finance"], run=run)
    actions.payroll_run_approve(acting_user=users["district_approver"], run=run)
    failed.refresh_from_db()
    assert failed.reissued_in_id == run.pk


def test_regenerating_a_draft_replaces_its_lines(users):
    enrollment = enroll(users["town_a"], [f.make_person(name="重算")])
    run = generated(users["finance"], period=DEC)
    first = line_of(run, enrollment)
    lifecycle.enrollment_change_amount(acting_user=users["district_approver"], enrollment=enrollment, amount_fen=70_000,
                                       reason="标准调整", effective_month=DEC)
    actions.payroll_run_regenerate(acting_user=users["finance"], run=run)
    run = generate_run_sync(run)
    assert PayrollLine.objects.filter(run=run).count() == 1
    line = line_of(run, enrollment)
    assert line.pk != first.pk and line.amount_fen == 70_000 and run.payable_fen == 70_000


def test_approval_needs_another_user_and_freezes_the_run(users):
    enroll(users["town_a"], [f.make_person(name="批准")])
    run = generated(users["finance"], period=DEC)
    with pytest.raises(ApplicationError, match="不能变更"):
        actions.payroll_run_approve(acting_user=users["district_approver"], run=run)  # not reviewed yet
    actions.payroll_run_review(acting_user=users["finance"], run=run)
    with pytest.raises(PermissionDeniedError):
        actions.payroll_run_approve(acting_user=users["finance"], run=run)
    approver_who_made_it = users["district_approver"]
    run.refresh_from_db()
    PayrollRun.objects.filter(pk=run.pk).update(created_by=approver_who_made_it)
    run.refresh_from_db()
    with pytest.raises(ApplicationError, match="制表人"):
        actions.payroll_run_approve(acting_user=approver_who_made_it, run=run)
    PayrollRun.objects.filter(pk=run.pk).update(created_by=users["finance"])
    run.refresh_from_db()
    run = actions.payroll_run_approve(acting_user=users["district_approver"], run=run)
    assert run.status == RunStatus.APPROVED and run.approved_by == users["district_approver"]
    with pytest.raises(ApplicationError):
        actions.payroll_run_regenerate(acting_user=users["finance"], run=run)
    with pytest.raises(ApplicationError):
        actions.payroll_run_approve(acting_user=users["district_approver"], run=run)


def test_one_line_per_source_and_month_is_a_database_rule(users):
    enrollment = enroll(users["town_a"], [f.make_person(name="唯一")])
    run = generated(users["finance"], period=DEC)
    line = line_of(run, enrollment)
    line.pk = None
    line.id = None
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save(force_insert=True)


def test_creating_a_run_twice_returns_the_same_run_and_overlaps_are_refused(users):
    enroll(users["town_a"], [f.make_person(name="重复建")])
    run = generated(users["finance"], period=DEC)
    again = actions.payroll_run_create(acting_user=users["finance"], program="dibao", area_code=f.DISTRICT,
                                       period=dt.date(2025, 12, 17), today=dt.date(2026, 1, 10))
    assert again.pk == run.pk and PayrollRun.objects.count() == 1
    with pytest.raises(ApplicationError, match="覆盖该范围"):
        actions.payroll_run_create(acting_user=users["finance"], program="dibao", area_code=f.TOWN_A, period=DEC,
                                   today=dt.date(2026, 1, 10))
    with pytest.raises(ApplicationError, match="尚未批准"):
        actions.payroll_run_create(acting_user=users["finance"], program="dibao", area_code=f.DISTRICT, period=JAN,
                                   today=dt.date(2026, 1, 10))
    with pytest.raises(ApplicationError, match="下月"):
        actions.payroll_run_create(acting_user=users["finance"], program="tekun", area_code=f.DISTRICT,
                                   period=dt.date(2026, 3, 1), today=dt.date(2026, 1, 10))
    with pytest.raises(ApplicationError, match="区或乡镇"):
        actions.payroll_run_create(acting_user=users["finance"], program="tekun", area_code=f.VILLAGE_A1,
                                   period=DEC, today=dt.date(2026, 1, 10))
    with pytest.raises(ApplicationError, match="发放项目"):
        actions.payroll_run_create(acting_user=users["finance"], program="nope", area_code=f.DISTRICT, period=DEC,
                                   today=dt.date(2026, 1, 10))
    with pytest.raises(PermissionDeniedError):
        actions.payroll_run_create(acting_user=users["town_a"], program="tekun", area_code=f.TOWN_A, period=DEC,
                                   today=dt.date(2026, 1, 10))


def test_temporary_aid_is_paid_once_in_the_month_of_approval(users):
    from minzheng.assistance.tempaid_models import TempAidCase, TempAidStatus

    person = f.make_person(name="急难")
    make_account(person)
    TempAidCase.objects.create(number="LS-1", applicant_name="急难", applicant_id_number=person.id_number,
                               person=person, area_id=f.VILLAGE_A1, kind="emergency", cause="fire",
                               description="火灾", loss_fen=2_000_000, amount_fen=300_000, approval_level="town",
                               reasons=[], status=TempAidStatus.APPROVED, accepted_on=dt.date(2025, 11, 20),
                               decided_on=dt.date(2025, 12, 3), created_by=users["town_a"])
    run = generated(users["finance"], program="temp_aid", period=DEC)
    line = PayrollLine.objects.get(run=run)
    assert (line.amount_fen, line.payee_name, line.status) == (300_000, "急难", LineStatus.PENDING)
    assert line.payee_id_bidx == crypto.blind_index(person.id_number, purpose="id_number")
    actions.payroll_run_review(acting_user=users["finance"], run=run)
    actions.payroll_run_approve(acting_user=users["district_approver"], run=run)
    assert not PayrollLine.objects.filter(run=generated(users["finance"], program="temp_aid", period=JAN)).exists()


class OrphanAllowance(PayableProgram):
    """A program defined only here: payments must pay it without knowing it."""

    code = "test_orphan_allowance"
    label = "孤儿基本生活费（测试）"
    protect_minors = True

    def __init__(self, people):
        self.people = people

    def sources(self, *, area_prefix, period, after=None, limit=None):
        rows = []
        for person in sorted(self.people, key=lambda p: str(p.pk)):
            key = f"orphan:{person.pk}"
            if person.hukou_area_id.startswith(area_prefix) and (after is None or key > after):
                rows.append(Source(key=key, area_code=person.hukou_area_id, payee_name=person.name,
                                   payee_id_bidx=person.id_number_bidx, person_ids=(str(person.pk),),
                                   payee_person_id=str(person.pk), schedule=((NOV, 180_000),)))
        return rows[:limit] if limit else rows


@pytest.fixture
def orphan_program(users):
    people = [f.make_person(name="孤一", birth=dt.date(2012, 1, 1)),
              f.make_person(name="孤二", birth=dt.date(2013, 1, 1), area=f.VILLAGE_B1)]
    for person in people:
        make_account(person)
    program = register_program(OrphanAllowance(people))
    yield program
    unregister_program(program.code)


def test_a_program_defined_only_in_the_tests_is_paid_like_any_other(users, orphan_program):
    run = approved(users, program=orphan_program.code, period=NOV)
    assert (run.payable_count, run.payable_fen) == (2, 360_000)
    late = generated(users["finance"], program=orphan_program.code, period=DEC)
    assert {line.amount_fen for line in PayrollLine.objects.filter(run=late)} == {180_000}
    assert EnrollmentStatus.ACTIVE  # assistance is untouched by this program
