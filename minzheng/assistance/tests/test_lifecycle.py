"""Dynamic management of enrollments (§1.5, §2.6): review scheduling, amount changes, suspension, phase-out,
exit, the status table, permissions, and the enrollment page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minzheng.assistance import lifecycle
from minzheng.assistance.enums import Program
from minzheng.assistance.lifecycle import ReviewOutcome
from minzheng.assistance.models import (
    Application,
    ApplicationStatus,
    Enrollment,
    EnrollmentChange,
    EnrollmentChangeKind,
    EnrollmentStatus,
    ExitReason,
)
from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, PermissionDeniedError
from minzheng.core.transitions import TransitionError
from minzheng.registry.enums import Relation
from minzheng.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_parameters")]

STARTS = dt.date(2025, 11, 1)
TODAY = dt.date(2026, 3, 10)



def make_enrollment(user, persons, *, program=Program.DIBAO, wage_fen=0, amount_fen=94000, area=f.VILLAGE_A1,
                    review_due_on=dt.date(2026, 11, 1), status=EnrollmentStatus.ACTIVE, **extra) -> Enrollment:
    """An approved application and its enrollment; the first person heads the household and earns ``wage_fen``."""
    head, others = persons[0], persons[1:]
    household = f.make_household(head=head, area=area, members=[(p, Relation.CHILD) for p in others])
    members = [{"person_id": str(p.pk), "relation": Relation.HEAD if p is head else Relation.CHILD,
                "living_together": True, "status": "normal", "serious_illness": False, "student": False,
                "income_items": ([{"kind": "wage", "monthly_fen": wage_fen}] if p is head and wage_fen else [])}
               for p in persons]
    application = Application.objects.create(
        household=household, applicant=head, area_id=area, filed_on=dt.date(2025, 9, 1),
        status=ApplicationStatus.APPROVED, snapshot={"members": members}, created_by=user)
    return Enrollment.objects.create(
        program=program, household=household, application=application, area_id=area,
        person_ids=[str(p.pk) for p in persons], monthly_amount_fen=amount_fen, starts_on=STARTS,
        review_due_on=review_due_on, status=status, **extra)


@pytest.fixture
def working_family(users, areas):
    """A father earning 600 yuan a month and his child, on 低保 of 940 yuan since November 2025."""
    father = f.make_person(name="刘一", birth=dt.date(1985, 3, 1))
    child = f.make_person(name="刘小", birth=dt.date(2012, 5, 1))
    return make_enrollment(users["town_a"], [father, child], wage_fen=60000)


@pytest.fixture
def elderly_couple(users, areas):
    """Two people over 70 without earned income, on 低保."""
    husband = f.make_person(name="王老", birth=dt.date(1950, 1, 1))
    wife = f.make_person(name="李老", birth=dt.date(1952, 1, 1), male=False)
    return make_enrollment(users["town_a"], [husband, wife])


# --- Review -----------------------------------------------------------------------------------------------


def test_review_of_unstable_household_schedules_six_months(users, working_family):
    """Given a family with a working member, when the town records a review on 2026-03-10, then the next review
    is due ``review.other_months`` (6) later, 2026-09-10, and a review row and an event are written."""
    change = lifecycle.enrollment_review(acting_user=users["town_a"], enrollment=working_family,
                                         outcome=ReviewOutcome.UNCHANGED, note="入户复核，收入无变化", today=TODAY)

    working_family.refresh_from_db()
    assert working_family.review_due_on == dt.date(2026, 9, 10)
    assert working_family.last_reviewed_on == TODAY
    assert (change.kind, change.reason_code, change.effective_on) == (EnrollmentChangeKind.REVIEW, "unchanged", TODAY)
    event = Event.objects.get(action="enrollment.review")
    assert event.before == {"last_reviewed_on": None, "review_due_on": "2026-11-01"}
    assert event.after == {"last_reviewed_on": "2026-03-10", "review_due_on": "2026-09-10"}


def test_review_of_stable_household_schedules_a_year(users, elderly_couple):
    """Given an elderly couple without earned income, when the town records a review, then the next review is
    due ``review.stable_months`` (12) later."""
    lifecycle.enrollment_review(acting_user=users["town_a"], enrollment=elderly_couple,
                                outcome=ReviewOutcome.UNCHANGED, note="复核无变化", today=TODAY)
    assert elderly_couple.review_due_on == dt.date(2027, 3, 10)


def test_tekun_is_stable_even_with_a_young_member(users, areas):
    """Given a 特困 enrollment, when it is reviewed, then it is treated as stable (yearly)."""
    person = f.make_person(name="赵孤", birth=dt.date(2010, 1, 1))
    enrollment = make_enrollment(users["town_a"], [person], program=Program.TEKUN)
    lifecycle.enrollment_review(acting_user=users["town_a"], enrollment=enrollment,
                                outcome=ReviewOutcome.UNCHANGED, note="复核", today=TODAY)
    assert enrollment.review_due_on == dt.date(2027, 3, 10)


def test_review_interval_follows_the_parameter(users, working_family, monkeypatch):
    """Given the 6-month parameter read through ``parameter_value``, when it answers 3, then the next review is
    3 months later: the interval is data, not a constant."""
    real = lifecycle.parameter_value

    def fake(code, *, area_code, on):
        return 3 if code == "review.other_months" else real(code, area_code=area_code, on=on)

    monkeypatch.setattr(lifecycle, "parameter_value", fake)
    lifecycle.enrollment_review(acting_user=users["town_a"], enrollment=working_family,
                                outcome=ReviewOutcome.CHANGED, note="收入波动", today=TODAY)
    assert working_family.review_due_on == dt.date(2026, 6, 10)


def test_review_needs_a_note_and_a_known_outcome(users, working_family):
    """Given an enrollment, when a review is recorded without a note or with an unknown outcome, then it is
    refused and nothing is written."""
    with pytest.raises(ApplicationError) as error:
        lifecycle.enrollment_review(acting_user=users["town_a"], enrollment=working_family,
                                    outcome=ReviewOutcome.UNCHANGED, note="  ", today=TODAY)
    assert error.value.message == "请填写复核情况"
    with pytest.raises(ApplicationError):
        lifecycle.enrollment_review(acting_user=users["town_a"], enrollment=working_family, outcome="maybe",
                                    note="复核", today=TODAY)
    assert not EnrollmentChange.objects.exists()


def test_village_worker_cannot_review(users, working_family):
    """Given an enrollment, when the village worker records a review, then permission is denied."""
    with pytest.raises(PermissionDeniedError):
        lifecycle.enrollment_review(acting_user=users["village_a1"], enrollment=working_family,
                                    outcome=ReviewOutcome.UNCHANGED, note="复核", today=TODAY)


def test_other_town_cannot_act(users, working_family):
    """Given an enrollment in 甲镇, when the reviewer of 乙镇 acts on it, then it is not found for them."""
    with pytest.raises(ApplicationError) as error:
        lifecycle.enrollment_suspend(acting_user=users["town_b"], enrollment=working_family, reason="核查",
                                     effective_on=TODAY)
    assert error.value.http_status == 404


# --- Amount -----------------------------------------------------------------------------------------------


def test_amount_changes_are_kept_in_history(users, working_family):
    """Given an enrollment of 940 yuan, when the district lowers it to 800 from April and raises it to 850 from
    June, then the amount is 850 and two history rows keep before and after with the month's first day."""
    approver = users["district_approver"]
    lifecycle.enrollment_change_amount(acting_user=approver, enrollment=working_family, amount_fen=80000,
                                       reason="收入增加，减发", effective_month=dt.date(2026, 4, 15))
    lifecycle.enrollment_change_amount(acting_user=approver, enrollment=working_family, amount_fen=85000,
                                       reason="复核后增发", effective_month=dt.date(2026, 6, 1))

    working_family.refresh_from_db()
    assert working_family.monthly_amount_fen == 85000
    rows = list(working_family.changes.order_by("created_at", "effective_on")
                .values_list("amount_before_fen", "amount_after_fen", "effective_on", "reason"))
    assert rows == [(94000, 80000, dt.date(2026, 4, 1), "收入增加，减发"),
                    (80000, 85000, dt.date(2026, 6, 1), "复核后增发")]
    assert Event.objects.filter(action="enrollment.change_amount").count() == 2


def test_amount_change_needs_the_district(users, working_family):
    """Given an enrollment, when the town reviewer changes the amount, then permission is denied."""
    with pytest.raises(PermissionDeniedError):
        lifecycle.enrollment_change_amount(acting_user=users["town_a"], enrollment=working_family,
                                           amount_fen=80000, reason="减发", effective_month=TODAY)


def test_same_amount_or_month_before_start_is_refused(users, working_family):
    """Given an enrollment from November 2025, when the amount is set to the same value or from October 2025,
    then both are refused."""
    approver = users["district_approver"]
    with pytest.raises(ApplicationError) as error:
        lifecycle.enrollment_change_amount(acting_user=approver, enrollment=working_family, amount_fen=94000,
                                           reason="无变化", effective_month=TODAY)
    assert error.value.code == "enrollment_amount_unchanged"
    with pytest.raises(ApplicationError):
        lifecycle.enrollment_change_amount(acting_user=approver, enrollment=working_family, amount_fen=50000,
                                           reason="减发", effective_month=dt.date(2025, 10, 1))


# --- Status -----------------------------------------------------------------------------------------------


def test_suspend_and_resume(users, working_family):
    """Given an active enrollment, when the town suspends and then resumes it, then it is active again and the
    history holds both moves with their statuses."""
    town = users["town_a"]
    lifecycle.enrollment_suspend(acting_user=town, enrollment=working_family, reason="未按时复核",
                                 effective_on=TODAY)
    assert working_family.status == EnrollmentStatus.SUSPENDED
    lifecycle.enrollment_resume(acting_user=town, enrollment=working_family, reason="已配合复核",
                                effective_on=dt.date(2026, 4, 1))

    assert working_family.status == EnrollmentStatus.ACTIVE
    rows = list(working_family.changes.order_by("created_at").values_list("kind", "status_before", "status_after"))
    assert rows == [("suspend", "active", "suspended"), ("resume", "suspended", "active")]
    event = Event.objects.get(action="enrollment.suspend")
    assert (event.before, event.after) == ({"status": "active"}, {"status": "suspended"})


def test_phaseout_ends_after_the_parameter_months(users, working_family):
    """Given an active enrollment, when the town starts the phase-out on 2026-03-10, then the status is 渐退期
    and it ends ``phaseout.months`` (6) later, on 2026-09-10."""
    lifecycle.enrollment_start_phaseout(acting_user=users["town_a"], enrollment=working_family,
                                        reason="家庭成员就业，收入超过保障标准", starts_on=TODAY)
    working_family.refresh_from_db()
    assert working_family.status == EnrollmentStatus.PHASE_OUT
    assert (working_family.phaseout_starts_on, working_family.phaseout_ends_on) == (TODAY, dt.date(2026, 9, 10))


def test_phaseout_back_to_active_clears_the_dates(users, working_family):
    """Given an enrollment in phase-out, when income falls again and the town resumes it, then it is active and
    the phase-out dates are cleared."""
    town = users["town_a"]
    lifecycle.enrollment_start_phaseout(acting_user=town, enrollment=working_family, reason="就业", starts_on=TODAY)
    lifecycle.enrollment_resume(acting_user=town, enrollment=working_family, reason="失业，收入下降",
                                effective_on=dt.date(2026, 5, 1))
    assert working_family.status == EnrollmentStatus.ACTIVE
    assert working_family.phaseout_ends_on is None


def test_suspended_cannot_enter_phaseout(users, working_family):
    """Given a suspended enrollment, when the town starts the phase-out, then the status table refuses it."""
    town = users["town_a"]
    lifecycle.enrollment_suspend(acting_user=town, enrollment=working_family, reason="核查", effective_on=TODAY)
    with pytest.raises(TransitionError) as error:
        lifecycle.enrollment_start_phaseout(acting_user=town, enrollment=working_family, reason="就业",
                                            starts_on=TODAY)
    assert "不能变更为「渐退期」" in error.value.message
    working_family.refresh_from_db()
    assert working_family.status == EnrollmentStatus.SUSPENDED


def test_active_cannot_resume(users, working_family):
    """Given an active enrollment, when the town resumes it, then the move is illegal."""
    with pytest.raises(TransitionError):
        lifecycle.enrollment_resume(acting_user=users["town_a"], enrollment=working_family, reason="恢复",
                                    effective_on=TODAY)


@pytest.mark.parametrize("reason", [ExitReason.DEATH, ExitReason.INCOME_ABOVE_STANDARD, ExitReason.MOVED_AWAY,
                                    ExitReason.REFUSED_REVIEW])
def test_exit_records_reason_and_date(users, working_family, reason):
    """Given an active enrollment, when the district ends it with a listed reason, then it is exited with that
    reason and date, and the history row names the reason."""
    lifecycle.enrollment_exit(acting_user=users["district_approver"], enrollment=working_family,
                              reason_code=reason, exited_on=TODAY)
    working_family.refresh_from_db()
    assert (working_family.status, working_family.exit_reason_code, working_family.exited_on) == (
        EnrollmentStatus.EXITED, reason, TODAY)
    change = working_family.changes.get()
    assert (change.kind, change.reason_code, change.reason) == ("exit", reason, ExitReason(reason).label)


def test_exit_other_needs_a_description_and_unknown_code_is_refused(users, working_family):
    """Given an active enrollment, when the district exits it as 其他 without a description or with an unknown
    code, then both are refused."""
    approver = users["district_approver"]
    with pytest.raises(ApplicationError) as error:
        lifecycle.enrollment_exit(acting_user=approver, enrollment=working_family, reason_code=ExitReason.OTHER,
                                  exited_on=TODAY)
    assert error.value.field == "note"
    with pytest.raises(ApplicationError):
        lifecycle.enrollment_exit(acting_user=approver, enrollment=working_family, reason_code="bored",
                                  exited_on=TODAY)
    assert working_family.status == EnrollmentStatus.ACTIVE


def test_exited_is_final(users, working_family):
    """Given an exited enrollment, when anyone reviews, suspends or exits it again, then every move is refused."""
    lifecycle.enrollment_exit(acting_user=users["district_approver"], enrollment=working_family,
                              reason_code=ExitReason.MOVED_AWAY, exited_on=TODAY)
    with pytest.raises(ApplicationError):
        lifecycle.enrollment_review(acting_user=users["town_a"], enrollment=working_family,
                                    outcome=ReviewOutcome.UNCHANGED, note="复核", today=TODAY)
    with pytest.raises(TransitionError):
        lifecycle.enrollment_suspend(acting_user=users["town_a"], enrollment=working_family, reason="核查",
                                     effective_on=TODAY)
    with pytest.raises(TransitionError):
        lifecycle.enrollment_exit(acting_user=users["district_approver"], enrollment=working_family,
                                  reason_code=ExitReason.DEATH, exited_on=TODAY)


def test_town_reviewer_cannot_exit(users, working_family):
    """Given an active enrollment, when the town reviewer ends it, then permission is denied (县级核准)."""
    with pytest.raises(PermissionDeniedError):
        lifecycle.enrollment_exit(acting_user=users["town_a"], enrollment=working_family,
                                  reason_code=ExitReason.DEATH, exited_on=TODAY)


# --- Pages ------------------------------------------------------------------------------------------------


def test_detail_page_shows_members_masked_and_town_forms(users, working_family, login):
    """Given an enrollment whose review date has passed, when the town reviewer opens its page, then it shows the
    members with masked ID numbers, the overdue mark, and the town's forms but not the district's."""
    Enrollment.objects.filter(pk=working_family.pk).update(review_due_on=dt.date(2020, 1, 1))
    client = login(users["town_a"])

    text = client.get(reverse("assistance:enrollment_detail", args=[working_family.pk])).content.decode()

    assert "刘一" in text and "刘小" in text
    assert 'data-testid="review-overdue"' in text
    assert 'data-testid="btn-review"' in text and 'data-testid="btn-suspend"' in text
    assert 'data-testid="btn-exit"' not in text and 'data-testid="btn-change-amount"' not in text


def test_district_changes_amount_through_the_page(users, working_family, login):
    """Given the district approver on the enrollment page, when they post 800 yuan from April 2026, then the
    amount changes and the page shows the history row."""
    client = login(users["district_approver"])
    url = reverse("assistance:enrollment_action", args=[working_family.pk, "change_amount"])

    response = client.post(url, {"amount": "800", "effective_month": "2026-04", "reason": "收入增加"})

    assert response.status_code == 302
    working_family.refresh_from_db()
    assert working_family.monthly_amount_fen == 80000
    page = client.get(reverse("assistance:enrollment_detail", args=[working_family.pk])).content.decode()
    assert 'data-kind="amount"' in page and "收入增加" in page


def test_page_action_error_is_shown_in_chinese(users, working_family, login):
    """Given the town reviewer, when they post a suspension without a reason, then the page shows the Chinese
    message and the status stays."""
    client = login(users["town_a"])
    url = reverse("assistance:enrollment_action", args=[working_family.pk, "suspend"])
    response = client.post(url, {"effective_on": "2026-03-10", "reason": ""}, follow=True)
    assert "请填写暂停原因" in response.content.decode()
    working_family.refresh_from_db()
    assert working_family.status == EnrollmentStatus.ACTIVE


def test_other_village_gets_404(users, working_family, login):
    """Given an enrollment in 甲一村, when the village worker of 乙一村 opens it or posts to it, then both
    answer 404."""
    client = login(users["village_b1"])
    assert client.get(reverse("assistance:enrollment_detail", args=[working_family.pk])).status_code == 404
    url = reverse("assistance:enrollment_action", args=[working_family.pk, "suspend"])
    assert client.post(url, {"effective_on": "2026-03-10", "reason": "核查"}).status_code == 404


def test_enrollment_list_links_to_detail(users, working_family, login):
    """Given an enrollment, when the list is opened, then it links to the enrollment page."""
    client = login(users["town_a"])
    text = client.get(reverse("assistance:enrollment_list")).content.decode()
    assert reverse("assistance:enrollment_detail", args=[working_family.pk]) in text
