"""The overdue lists (逾期事项): applications past their time limit and enrollments past their review date,
grouped per town and per village and scoped to the user's area."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minzheng.assistance.models import Application, ApplicationStatus, EnrollmentStatus, ExitReason
from minzheng.assistance.overdue import overdue_report
from minzheng.assistance.tests.test_lifecycle import make_enrollment
from minzheng.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_parameters")]

TODAY = dt.date(2026, 3, 10)
PAST = dt.date(2026, 3, 1)
FUTURE = dt.date(2099, 1, 1)



def make_application(user, area, *, due_on, extended_due_on=None, status=ApplicationStatus.INVESTIGATING):
    head = f.make_person(name="申请人", area=area)
    household = f.make_household(head=head)
    return Application.objects.create(
        household=household, applicant=head, area_id=area, filed_on=dt.date(2026, 1, 5), status=status,
        snapshot={"members": []}, created_by=user, accepted_on=dt.date(2026, 1, 6), due_on=due_on,
        extended_due_on=extended_due_on)


def enroll(user, area, *, review_due_on, **extra):
    return make_enrollment(user, [f.make_person(name="对象", area=area)], area=area, review_due_on=review_due_on,
                           **extra)


@pytest.fixture
def backlog(users, areas):
    """甲一村: two overdue applications (one past its extended limit), one within its extended limit, one decided
    late (no longer running); one enrollment past review and one exited. 甲二村: one enrollment past review and
    one not yet due. 乙一村: one overdue application and one enrollment past review."""
    u = users["town_a"]
    make_application(u, f.VILLAGE_A1, due_on=PAST)
    make_application(u, f.VILLAGE_A1, due_on=dt.date(2026, 2, 1), extended_due_on=PAST)
    make_application(u, f.VILLAGE_A1, due_on=PAST, extended_due_on=FUTURE)
    make_application(u, f.VILLAGE_A1, due_on=PAST, status=ApplicationStatus.APPROVED)
    enroll(u, f.VILLAGE_A1, review_due_on=PAST)
    enroll(u, f.VILLAGE_A1, review_due_on=PAST, status=EnrollmentStatus.EXITED, exited_on=PAST,
           exit_reason_code=ExitReason.DEATH)
    enroll(u, f.VILLAGE_A2, review_due_on=PAST)
    enroll(u, f.VILLAGE_A2, review_due_on=FUTURE)
    make_application(users["town_b"], f.VILLAGE_B1, due_on=PAST)
    enroll(users["town_b"], f.VILLAGE_B1, review_due_on=dt.date(2025, 12, 31))


def counts(report):
    return {t.name: (t.application_count, t.enrollment_count,
                     {v.name: (len(v.applications), len(v.enrollments)) for v in t.village_list})
            for t in report.towns}


def test_district_sees_every_town_with_village_counts(users, backlog):
    """Given the backlog, when the district approver's report is built for 2026-03-10, then 甲镇 has 2 overdue
    applications and 2 overdue reviews (甲一村 2/1, 甲二村 0/1) and 乙镇 1/1."""
    report = overdue_report(user=users["district_approver"], today=TODAY)
    assert counts(report) == {
        "甲镇": (2, 2, {"甲一村": (2, 1), "甲二村": (0, 1)}),
        "乙镇": (1, 1, {"乙一村": (1, 1)}),
    }
    assert (report.application_count, report.enrollment_count) == (3, 3)


def test_town_sees_only_its_villages(users, backlog):
    """Given the backlog, when 甲镇's reviewer builds the report, then only 甲镇's villages appear."""
    assert counts(overdue_report(user=users["town_a"], today=TODAY)) == {
        "甲镇": (2, 2, {"甲一村": (2, 1), "甲二村": (0, 1)})}


def test_village_sees_only_itself(users, backlog):
    """Given the backlog, when 乙一村's worker builds the report, then only 乙一村 appears."""
    assert counts(overdue_report(user=users["village_b1"], today=TODAY)) == {"乙镇": (1, 1, {"乙一村": (1, 1)})}


def test_due_today_is_not_overdue(users, backlog):
    """Given the backlog, when the report is built on 2026-03-01 (the due day itself), then only 乙一村's review
    from 2025-12-31 remains: the application whose first limit (2026-02-01) passed is judged by its extended
    limit, which is that day."""
    report = overdue_report(user=users["district_approver"], today=PAST)
    assert counts(report) == {"乙镇": (0, 1, {"乙一村": (0, 1)})}


def test_report_query_count_does_not_grow_with_rows(users, backlog, django_assert_num_queries):
    """Given the backlog, when the district's report is built, then it takes four queries: the two lists and
    the area names."""
    with django_assert_num_queries(4):
        overdue_report(user=users["district_approver"], today=TODAY)


def test_page_groups_by_town_for_the_district(users, backlog, login):
    """Given the backlog, when the district approver opens 逾期事项, then the summary lists the towns with their
    counts and the totals."""
    text = login(users["district_approver"]).get(reverse("assistance:overdue")).content.decode()
    assert '<tr data-area="甲镇"><td>甲镇</td><td class="text-end" data-count="applications">2</td>' in text
    assert '<tr data-area="乙镇">' in text
    assert 'data-testid="total-enrollments">3<' in text


def test_page_groups_by_village_for_the_town(users, backlog, login):
    """Given the backlog, when 甲镇's reviewer opens 逾期事项, then the summary lists its villages and nothing of
    乙镇, and the navigation shows the entry."""
    text = login(users["town_a"]).get(reverse("assistance:overdue")).content.decode()
    assert '<tr data-area="甲一村">' in text and '<tr data-area="甲二村">' in text
    assert "乙一村" not in text and "乙镇" not in text
    assert "逾期事项" in text


def test_page_needs_assistance_view(users, login):
    """Given the auditor, who holds no assistance permission, when they open 逾期事项, then access is refused."""
    response = login(users["auditor"]).get(reverse("assistance:overdue"))
    assert response.status_code == 403
