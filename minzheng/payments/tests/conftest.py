"""Fixtures of the payments tests: demo parameters, enrolled households with accounts, a run made and generated."""

from __future__ import annotations

import datetime as dt

import pytest

from minzheng.assistance.enums import Program
from minzheng.assistance.models import Application, ApplicationStatus, Enrollment, EnrollmentStatus
from minzheng.payments.actions import payroll_run_approve, payroll_run_create, payroll_run_review
from minzheng.payments.payroll import generate_run_sync
from minzheng.payments.tests.factories import make_account
from minzheng.policy.demo import ensure_demo_parameters
from minzheng.registry.enums import Relation
from minzheng.testing import factories as f

TODAY = dt.date(2026, 1, 10)


@pytest.fixture
def demo_parameters(db):
    ensure_demo_parameters()


def enroll(user, persons, *, program=Program.DIBAO, amount_fen=94_000, starts_on=dt.date(2025, 11, 1),
           area=f.VILLAGE_A1, account=True, **extra) -> Enrollment:
    """An approved application and its enrollment; the first person heads the household (and gets an account)."""
    head, others = persons[0], persons[1:]
    household = f.make_household(head=head, area=area, members=[(p, Relation.CHILD) for p in others])
    application = Application.objects.create(household=household, applicant=head, area_id=area,
                                             filed_on=dt.date(2025, 9, 1), status=ApplicationStatus.APPROVED,
                                             snapshot={"members": []}, created_by=user)
    if account:
        make_account(head)
    return Enrollment.objects.create(program=program, household=household, application=application, area_id=area,
                                     person_ids=[str(p.pk) for p in persons], monthly_amount_fen=amount_fen,
                                     starts_on=starts_on, status=extra.pop("status", EnrollmentStatus.ACTIVE),
                                     last_reviewed_on=extra.pop("last_reviewed_on", dt.date(2025, 10, 1)), **extra)


def generated(user, *, program="dibao", period=dt.date(2025, 12, 1), area=f.DISTRICT):
    run = payroll_run_create(acting_user=user, program=program, area_code=area, period=period, today=TODAY)
    return generate_run_sync(run)


def approved(users, **kwargs):
    run = generated(users["finance"], **kwargs)
    payroll_run_review(acting_user=users["finance"], run=run)
    return payroll_run_approve(acting_user=users["district_approver"], run=run)
