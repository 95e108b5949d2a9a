"""The application procedure (§1.3): acceptance, time limits, investigation, the town's opinion, the public
notice, the district's decision and the enrollment it creates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from minzheng.assistance import actions
from minzheng.assistance.actions import ApplicationInput, MemberEntry
from minzheng.assistance.enums import ApplicationPlace, IncomeKind, Program
from minzheng.assistance.models import ApplicationStatus, Enrollment, EnrollmentStatus
from minzheng.audit.models import Event
from minzheng.core.calendar import deadline
from minzheng.core.errors import ApplicationError, PermissionDeniedError
from minzheng.core.transitions import TransitionError
from minzheng.registry.enums import Relation
from minzheng.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_parameters")]

FILED = dt.date(2025, 9, 1)
ACCEPTED = dt.date(2025, 9, 26)




def file(user, household, head, others, *, wage_fen=60000, filed_on=FILED):
    members = [MemberEntry(person_id=str(head.pk), relation=Relation.HEAD,
                           income_fen={IncomeKind.WAGE: wage_fen})]
    members += [MemberEntry(person_id=str(p.pk), relation=rel) for p, rel in others]
    return actions.application_create(acting_user=user, household=household, applicant=head,
                                      place=ApplicationPlace.HUKOU,
                                      data=ApplicationInput(members=members, check_authorized=True),
                                      filed_on=filed_on)


def to_district_review(users, application, *, today=ACCEPTED):
    town = users["town_a"]
    actions.application_accept(acting_user=town, application=application, today=today)
    actions.application_investigate(acting_user=town, application=application, economic_check=True,
                                    home_visit_on=today, notes="入户核实，家中无劳动力外出", today=today)
    actions.application_town_review(acting_user=town, application=application, opinion="同意纳入低保")
    actions.application_publish_notice(acting_user=town, application=application, today=today)
    if application.status == ApplicationStatus.PUBLIC_NOTICE:
        actions.application_end_notice(acting_user=town, application=application, today=application.notice_ends_on)
    return application


def test_full_pipeline_enrolls_household_with_dibao_amount(users, couple):
    """Given a couple with 600 yuan a month filed in September 2025 (standard 770 yuan),
    when the application goes through every step and the district approves it on 2025-10-20,
    then one 低保 enrollment covers both with (770 − 300) × 2 = 940 yuan from 1 November, and every step
    left an event."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    to_district_review(users, application)
    assert application.notice_ends_on == dt.date(2025, 10, 3)

    enrollments = actions.application_approve(acting_user=users["district_approver"], application=application,
                                              today=dt.date(2025, 10, 20))

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert [(e.program, e.monthly_amount_fen, e.starts_on) for e in enrollments] == [
        (Program.DIBAO, 94000, dt.date(2025, 11, 1))]
    assert set(enrollments[0].person_ids) == {str(head.pk), str(wife.pk)}
    assert enrollments[0].review_due_on == dt.date(2026, 11, 1)
    steps = list(Event.objects.filter(object_id=str(application.pk)).order_by("id").values_list("action", flat=True))
    assert steps == ["application.create", "application.determine", "application.accept", "application.investigate",
                     "application.town_review", "application.publish_notice", "application.end_notice",
                     "application.approve"]


def test_snapshot_holds_no_id_numbers(users, couple):
    """Given a filed application, when its stored file is read, then it names members by UUID and holds no
    ID number."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    text = str(application.snapshot) + str([d.member_ids for d in application.decisions.all()])
    assert head.id_number not in text and wife.id_number not in text
    assert str(head.pk) in text


def test_due_date_counts_working_days_across_national_day(users, couple):
    """Given acceptance on Friday 2025-09-26, when the 30-working-day limit is set, then it skips the National
    Day holiday (1–8 October) and counts the make-up workdays 28 September and 11 October: 2025-11-13."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])

    actions.application_accept(acting_user=users["town_a"], application=application, today=ACCEPTED)

    assert application.due_on == deadline(ACCEPTED, 30, "working_days").date
    assert application.due_on == dt.date(2025, 11, 13)
    assert application.due_provisional is False


def test_extension_sets_45_working_day_limit(users, couple):
    """Given an accepted application, when the town extends the limit with a reason, then the extended limit is
    45 working days from acceptance and a second extension is refused."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    actions.application_accept(acting_user=users["town_a"], application=application, today=ACCEPTED)

    actions.application_extend(acting_user=users["town_a"], application=application, reason="需跨省核对")

    assert application.extended_due_on == deadline(ACCEPTED, 45, "working_days").date
    with pytest.raises(ApplicationError):
        actions.application_extend(acting_user=users["town_a"], application=application, reason="再次延长")


def test_illegal_transitions_are_refused(users, couple):
    """Given a submitted application, when the district tries to approve it or the town tries to give its opinion
    before acceptance, then both are refused with a Chinese message and the status stays."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])

    with pytest.raises(TransitionError) as error:
        actions.application_approve(acting_user=users["district_approver"], application=application)
    assert "不能变更为「已批准」" in error.value.message
    with pytest.raises(TransitionError):
        actions.application_town_review(acting_user=users["town_a"], application=application, opinion="同意")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not Enrollment.objects.exists()


def test_village_worker_cannot_accept(users, couple):
    """Given a submitted application, when the village worker tries to accept it, then permission is denied."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    with pytest.raises(PermissionDeniedError):
        actions.application_accept(acting_user=users["village_a1"], application=application)


def test_incomplete_then_resubmitted(users, couple):
    """Given a submitted application, when the town marks it incomplete with the missing items and the village
    resubmits, then it is submitted again and the notice text is kept."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    actions.application_mark_incomplete(acting_user=users["town_a"], application=application,
                                        missing_items="1. 核对授权书；2. 收入证明")
    actions.application_resubmit(acting_user=users["village_a1"], application=application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.missing_items.startswith("1. 核对授权书")


def test_maker_cannot_approve(users, couple):
    """Given an application filed by the user who now decides it, when that user approves or denies it, then
    both are refused with the maker-checker message and nothing is enrolled."""
    household, head, wife = couple
    application = file(users["town_a"], household, head, [(wife, Relation.SPOUSE)])
    to_district_review(users, application)
    approver = users["district_approver"]
    type(application).objects.filter(pk=application.pk).update(created_by=approver)
    application.refresh_from_db()

    with pytest.raises(ApplicationError) as error:
        actions.application_approve(acting_user=approver, application=application)
    assert error.value.code == "application_maker_checker"
    assert "不能审核确认自己经办的申请" in error.value.message
    with pytest.raises(ApplicationError):
        actions.application_deny(acting_user=approver, application=application, reason="不符合")
    assert not Enrollment.objects.exists()


def test_minor_covered_skips_public_notice(users, areas):
    """Given a mother and her 10-year-old child with no income, when the town publishes the notice, then the
    application goes straight to the district review, marked as not posted."""
    mother = f.make_person(name="周三", birth=dt.date(1990, 1, 1), male=False)
    child = f.make_person(name="周小", birth=dt.date(2015, 6, 1))
    household = f.make_household(head=mother, members=[(child, Relation.CHILD)])
    application = file(users["village_a1"], household, mother, [(child, Relation.CHILD)], wage_fen=0)
    town = users["town_a"]
    actions.application_accept(acting_user=town, application=application, today=ACCEPTED)
    actions.application_investigate(acting_user=town, application=application, economic_check=True,
                                    home_visit_on=None, notes="", today=ACCEPTED)
    actions.application_town_review(acting_user=town, application=application, opinion="同意")

    actions.application_publish_notice(acting_user=town, application=application, today=ACCEPTED)

    assert application.status == ApplicationStatus.DISTRICT_REVIEW
    assert application.notice_skipped is True and application.notice_ends_on is None


def test_notice_cannot_end_early(users, couple):
    """Given an application in its 7-day notice, when the town sends it on before the end date, then it is
    refused."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    town = users["town_a"]
    actions.application_accept(acting_user=town, application=application, today=ACCEPTED)
    actions.application_investigate(acting_user=town, application=application, economic_check=True,
                                    home_visit_on=None, notes="", today=ACCEPTED)
    actions.application_town_review(acting_user=town, application=application, opinion="同意")
    actions.application_publish_notice(acting_user=town, application=application, today=ACCEPTED)
    with pytest.raises(ApplicationError) as error:
        actions.application_end_notice(acting_user=town, application=application, today=ACCEPTED)
    assert error.value.code == "application_notice_running"


def test_denial_stores_reason_and_notice_due_date(users, couple):
    """Given an application at district review, when the district denies it on 2025-09-30, then the reason is
    kept and the written notice is due 3 working days later, after the holiday: 9 and 10 October and the
    make-up workday Saturday 11 October."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    to_district_review(users, application)

    actions.application_deny(acting_user=users["district_approver"], application=application,
                             reason="家庭存款超过规定", today=dt.date(2025, 9, 30))

    assert application.status == ApplicationStatus.DENIED
    assert application.denial_notice_due_on == dt.date(2025, 10, 11)
    assert not Enrollment.objects.exists()


def test_second_enrollment_in_same_program_is_refused(users, couple):
    """Given a household already enrolled in 低保, when a second application for it is approved, then it is
    refused with a Chinese message and the application stays at district review."""
    household, head, wife = couple
    first = to_district_review(users, file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)]))
    actions.application_approve(acting_user=users["district_approver"], application=first,
                                today=dt.date(2025, 10, 20))
    second = to_district_review(users, file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)]))

    with pytest.raises(ApplicationError) as error:
        actions.application_approve(acting_user=users["district_approver"], application=second,
                                    today=dt.date(2025, 10, 21))

    assert error.value.code == "enrollment_exists"
    assert "不能重复纳入" in error.value.message
    second.refresh_from_db()
    assert second.status == ApplicationStatus.DISTRICT_REVIEW
    assert Enrollment.objects.count() == 1


def test_database_refuses_second_open_enrollment(users, couple):
    """Given an open 低保 enrollment, when another open row for the same household and program is written
    directly, then the database refuses it; an exited row is allowed."""
    household, head, wife = couple
    first = to_district_review(users, file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)]))
    [enrollment] = actions.application_approve(acting_user=users["district_approver"], application=first,
                                               today=dt.date(2025, 10, 20))
    fields = {"program": Program.DIBAO, "household": household, "application": first, "area_id": first.area_id,
              "monthly_amount_fen": 100, "starts_on": dt.date(2025, 12, 1)}
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(**fields)
    Enrollment.objects.create(status=EnrollmentStatus.EXITED, **fields)
    assert Enrollment.objects.filter(household=household).count() == 2
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_redetermination_keeps_one_current_row_per_program(users, couple):
    """Given an accepted application, when the town runs the determination again, then the earlier rows are kept
    but no longer current, and each program has one current row."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    actions.application_accept(acting_user=users["town_a"], application=application, today=ACCEPTED)

    actions.application_determine(acting_user=users["town_a"], application=application)

    current = application.decisions.filter(is_current=True)
    assert current.count() == application.decisions.filter(is_current=False).count() == 6
    assert current.get(program=Program.DIBAO).eligible is True
