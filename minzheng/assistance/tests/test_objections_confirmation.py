"""Objections during the public notice (公示异议), town confirmation with district filing (乡镇审核确认、报区级
备案), application at the place of residence (居住地申办) and the authorization for the economic check (核对授权书)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from minzheng.assistance import actions
from minzheng.assistance.actions import ApplicationInput, MemberEntry
from minzheng.assistance.enums import ApplicationPlace, IncomeKind
from minzheng.assistance.models import ApplicationObjection, ApplicationStatus, Enrollment, ObjectionOutcome
from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, PermissionDeniedError
from minzheng.core.transitions import TransitionError
from minzheng.policy.enums import ValueStatus
from minzheng.policy.models import ParameterDefinition, ParameterValue
from minzheng.registry.enums import Relation
from minzheng.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_parameters")]

FILED = dt.date(2025, 9, 1)
ACCEPTED = dt.date(2025, 9, 26)
NOTICE_STARTS = dt.date(2025, 9, 29)




def members_of(head, wife) -> list[MemberEntry]:
    return [MemberEntry(person_id=str(head.pk), relation=Relation.HEAD, income_fen={IncomeKind.WAGE: 60000}),
            MemberEntry(person_id=str(wife.pk), relation=Relation.SPOUSE)]


def file(user, couple, **fields):
    household, head, wife = couple
    data = ApplicationInput(members=members_of(head, wife), **{"check_authorized": True, **fields})
    return actions.application_create(acting_user=user, household=household, applicant=head,
                                      place=ApplicationPlace.HUKOU, data=data, filed_on=FILED)


def to_notice(users, application, *, today=NOTICE_STARTS):
    town = users["town_a"]
    actions.application_accept(acting_user=town, application=application, today=ACCEPTED)
    actions.application_investigate(acting_user=town, application=application, economic_check=True,
                                    home_visit_on=ACCEPTED, notes="入户核实", today=ACCEPTED)
    actions.application_town_review(acting_user=town, application=application, opinion="同意纳入低保")
    actions.application_publish_notice(acting_user=town, application=application, today=today)
    assert application.status == ApplicationStatus.PUBLIC_NOTICE
    return application


def object_to(users, application, *, received_on=dt.date(2025, 10, 1)):
    return actions.application_record_objection(acting_user=users["town_a"], application=application,
                                                content="反映该户丈夫另有稳定务工收入", raised_by_name="",
                                                received_on=received_on)


def town_confirms_in_town_a(on=dt.date(2024, 7, 1)):
    """Delegate confirmation to 甲镇 only, with an approved value for its prefix."""
    ParameterValue.objects.create(definition=ParameterDefinition.objects.get(code="application.town_confirms"),
                                  area_code=f.TOWN_A[:9], effective_from=on, value_int=1,
                                  status=ValueStatus.APPROVED, approved_at=timezone.now())


# --- 公示异议 -----------------------------------------------------------------------------------------------


def test_objection_moves_the_application_to_reinvestigation(users, couple):
    """Given an application on public notice, when the town records an anonymous objection, then the application
    is 重新调查, the objection is open and both are in the audit trail."""
    application = to_notice(users, file(users["village_a1"], couple))

    objection = object_to(users, application)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.REINVESTIGATING
    assert objection.is_open and objection.raised_by_name == "" and objection.recorded_by == users["town_a"]
    actions_logged = set(Event.objects.values_list("action", flat=True))
    assert {"application.record_objection", "applicationobjection.create"} <= actions_logged


def test_dismissed_objection_restarts_the_notice_for_a_full_period(users, couple):
    """Given an objection under re-investigation, when the town dismisses it on 2025-10-05, then the application
    is on public notice again from 2025-10-05 to 2025-10-12 (7 days) and the objection is closed as 异议不成立."""
    application = to_notice(users, file(users["village_a1"], couple))
    object_to(users, application)

    objection = actions.application_resolve_objection(
        acting_user=users["town_a"], application=application, outcome=ObjectionOutcome.DISMISSED,
        resolution="经重新入户核实，务工收入已计入，异议不成立", today=dt.date(2025, 10, 5))

    application.refresh_from_db()
    assert application.status == ApplicationStatus.PUBLIC_NOTICE
    assert (application.notice_starts_on, application.notice_ends_on) == (dt.date(2025, 10, 5), dt.date(2025, 10, 12))
    assert (objection.outcome, objection.resolved_on, objection.resolved_by) == (
        ObjectionOutcome.DISMISSED, dt.date(2025, 10, 5), users["town_a"])
    assert not application.can_end_notice(dt.date(2025, 10, 11))
    assert application.can_end_notice(dt.date(2025, 10, 12))


def test_upheld_objection_sends_the_application_back_to_investigation(users, couple):
    """Given an objection under re-investigation, when the town upholds it, then the application is back in
    调查核实中: the town may determine again, give a new opinion and publish again, and the district then decides."""
    application = to_notice(users, file(users["village_a1"], couple))
    object_to(users, application)

    actions.application_resolve_objection(acting_user=users["town_a"], application=application,
                                          outcome=ObjectionOutcome.UPHELD, resolution="核实有未申报收入，异议成立",
                                          today=dt.date(2025, 10, 6))

    assert application.status == ApplicationStatus.INVESTIGATING
    assert application.can_determine()
    actions.application_determine(acting_user=users["town_a"], application=application)
    actions.application_town_review(acting_user=users["town_a"], application=application, opinion="重新调查后意见")
    actions.application_publish_notice(acting_user=users["town_a"], application=application,
                                       today=dt.date(2025, 10, 9))
    assert application.notice_starts_on == dt.date(2025, 10, 9)
    actions.application_end_notice(acting_user=users["town_a"], application=application,
                                   today=application.notice_ends_on)
    actions.application_deny(acting_user=users["district_approver"], application=application, reason="收入超标",
                             today=dt.date(2025, 10, 20))
    assert application.status == ApplicationStatus.DENIED
    assert application.filed_with_district_on is None


def test_objection_outside_the_notice_is_refused(users, couple):
    """Given an application not on public notice (accepted only), when the town records an objection, then it is
    refused as an illegal move and nothing is stored."""
    application = file(users["village_a1"], couple)
    actions.application_accept(acting_user=users["town_a"], application=application, today=ACCEPTED)

    with pytest.raises(TransitionError):
        object_to(users, application)

    assert not ApplicationObjection.objects.exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


def test_resolving_without_an_open_objection_or_outcome_is_refused(users, couple):
    """Given an application on public notice, when the town tries to resolve an objection, then it is refused;
    and under re-investigation, a resolution without a valid outcome is refused with a Chinese message."""
    application = to_notice(users, file(users["village_a1"], couple))
    with pytest.raises(ApplicationError) as error:
        actions.application_resolve_objection(acting_user=users["town_a"], application=application,
                                              outcome=ObjectionOutcome.DISMISSED, resolution="无")
    assert error.value.message == "该申请没有待处理的公示异议"

    object_to(users, application)
    with pytest.raises(ApplicationError) as error:
        actions.application_resolve_objection(acting_user=users["town_a"], application=application,
                                              outcome="maybe", resolution="无")
    assert error.value.field == "outcome"


def test_reinvestigating_application_cannot_end_notice_or_be_approved(users, couple):
    """Given an application under re-investigation, when the town ends the notice or the district approves, then
    both are refused and no enrollment is made."""
    application = to_notice(users, file(users["village_a1"], couple))
    object_to(users, application)

    with pytest.raises(TransitionError):
        actions.application_end_notice(acting_user=users["town_a"], application=application,
                                       today=dt.date(2025, 10, 30))
    with pytest.raises(TransitionError):
        actions.application_approve(acting_user=users["district_approver"], application=application)
    assert not Enrollment.objects.exists()


def test_only_one_open_objection_per_application(users, couple):
    """Given an open objection, when a second open one is written directly, then the database refuses it."""
    application = to_notice(users, file(users["village_a1"], couple))
    object_to(users, application)

    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationObjection.objects.create(application=application, received_on=dt.date(2025, 10, 2),
                                            content="再次反映", recorded_by=users["town_a"])


# --- 乡镇审核确认、报区级备案 --------------------------------------------------------------------------------


def to_confirmation(users, application):
    to_notice(users, application)
    actions.application_end_notice(acting_user=users["town_a"], application=application,
                                   today=application.notice_ends_on)
    return application


def test_town_reviewer_confirms_where_delegated_and_files_with_the_district(users, couple):
    """Given 甲镇 confirms (application.town_confirms = 1 for 340471100 only), when the town reviewer approves on
    2025-10-20, then the household is enrolled, the decider is the town reviewer and the district filing day is
    stored; the district approver may not confirm there."""
    town_confirms_in_town_a()
    application = to_confirmation(users, file(users["village_a1"], couple))

    with pytest.raises(PermissionDeniedError):
        actions.application_approve(acting_user=users["district_approver"], application=application,
                                    today=dt.date(2025, 10, 20))
    enrollments = actions.application_approve(acting_user=users["town_a"], application=application,
                                              today=dt.date(2025, 10, 20))

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.decided_by == users["town_a"]
    assert application.filed_with_district_on == dt.date(2025, 10, 20)
    assert len(enrollments) == 1


def test_town_confirmation_keeps_maker_checker(users, couple):
    """Given 甲镇 confirms and the town reviewer filed the application itself, when the same reviewer approves,
    then it is refused (审核与经办须由不同人员完成)."""
    town_confirms_in_town_a()
    application = to_confirmation(users, file(users["town_a"], couple))

    with pytest.raises(ApplicationError) as error:
        actions.application_approve(acting_user=users["town_a"], application=application,
                                    today=dt.date(2025, 10, 20))
    assert error.value.code == actions.WorkflowErrorCode.MAKER_CHECKER


def test_district_flow_is_unchanged_where_not_delegated(users, couple):
    """Given 甲镇 confirms but the application is in 乙镇, when the town reviewer of 乙镇 tries to approve, then it is
    refused; the district approver approves and no filing day is stored."""
    town_confirms_in_town_a()
    head = f.make_person(name="王五", area=f.VILLAGE_B1, birth=dt.date(1980, 1, 1))
    wife = f.make_person(name="赵六", area=f.VILLAGE_B1, birth=dt.date(1982, 1, 1), male=False)
    household = f.make_household(head=head, members=[(wife, Relation.SPOUSE)])
    application = file(users["village_b1"], (household, head, wife))
    town = users["town_b"]
    actions.application_accept(acting_user=town, application=application, today=ACCEPTED)
    actions.application_investigate(acting_user=town, application=application, economic_check=True,
                                    home_visit_on=None, notes="", today=ACCEPTED)
    actions.application_town_review(acting_user=town, application=application, opinion="同意")
    actions.application_publish_notice(acting_user=town, application=application, today=NOTICE_STARTS)
    actions.application_end_notice(acting_user=town, application=application, today=application.notice_ends_on)

    with pytest.raises(PermissionDeniedError):
        actions.application_approve(acting_user=town, application=application, today=dt.date(2025, 10, 20))
    actions.application_approve(acting_user=users["district_approver"], application=application,
                                today=dt.date(2025, 10, 20))

    assert application.status == ApplicationStatus.APPROVED
    assert application.filed_with_district_on is None


def test_town_denial_where_delegated_is_filed_too(users, couple):
    """Given 甲镇 confirms, when the town reviewer denies, then the denial is recorded with its filing day."""
    town_confirms_in_town_a()
    application = to_confirmation(users, file(users["village_a1"], couple))

    actions.application_deny(acting_user=users["town_a"], application=application, reason="收入超标",
                             today=dt.date(2025, 10, 21))

    assert application.status == ApplicationStatus.DENIED
    assert application.filed_with_district_on == dt.date(2025, 10, 21)


# --- 居住地申办 ------------------------------------------------------------------------------------------


@pytest.fixture
def migrants(areas):
    """A couple with hukou in 乙一村 who live in 甲一村, where the village worker files at their residence."""
    head = f.make_person(name="孙七", area=f.VILLAGE_B1, residence=f.VILLAGE_A1, birth=dt.date(1985, 3, 1))
    wife = f.make_person(name="周八", area=f.VILLAGE_B1, residence=f.VILLAGE_A1, birth=dt.date(1987, 5, 1),
                         male=False)
    household = f.make_household(head=head, members=[(wife, Relation.SPOUSE)])
    return household, head, wife


def file_at_residence(user, couple, since):
    household, head, wife = couple
    data = ApplicationInput(members=members_of(head, wife), check_authorized=True, residence_permit_since=since)
    return actions.application_create(acting_user=user, household=household, applicant=head,
                                      place=ApplicationPlace.RESIDENCE, data=data, filed_on=FILED)


def test_residence_application_at_the_minimum_months_is_filed(users, migrants):
    """Given a residence permit issued 2025-03-01 and filing on 2025-09-01 (exactly 6 months, the parameter), when
    the application is filed at the residence, then it is accepted for filing in 甲一村 with the date stored."""
    application = file_at_residence(users["village_a1"], migrants, dt.date(2025, 3, 1))

    assert application.area_id == f.VILLAGE_A1
    assert application.snapshot["residence_permit_since"] == "2025-03-01"


def test_residence_application_below_the_minimum_months_is_refused(users, migrants):
    """Given a residence permit issued 2025-03-02 (5 full months by 2025-09-01), when the application is filed at
    the residence, then it is refused with a Chinese error on the permit date."""
    with pytest.raises(ApplicationError) as error:
        file_at_residence(users["village_a1"], migrants, dt.date(2025, 3, 2))

    assert error.value.field == "residence_permit_since"
    assert "居住证持有时间不足6个月" in error.value.message


def test_residence_application_without_permit_date_is_refused(users, migrants):
    """Given no residence permit date, when the application is filed at the residence, then it is refused."""
    with pytest.raises(ApplicationError) as error:
        file_at_residence(users["village_a1"], migrants, None)

    assert error.value.field == "residence_permit_since"
    assert error.value.message == "居住地申办须填写居住证办理日期"


@pytest.mark.parametrize("start, end, months", [
    (dt.date(2025, 3, 1), dt.date(2025, 9, 1), 6), (dt.date(2025, 3, 2), dt.date(2025, 9, 1), 5),
    (dt.date(2025, 1, 31), dt.date(2025, 2, 28), 1), (dt.date(2025, 9, 1), dt.date(2025, 9, 1), 0)])
def test_full_months_between(start, end, months):
    """Whole months are counted the way add_months adds them."""
    assert actions.full_months_between(start, end) == months


# --- 核对授权书 -------------------------------------------------------------------------------------------


def test_application_without_check_authorization_is_refused(users, couple):
    """Given no signed authorization for the economic check, when the application is filed, then it is refused
    with a Chinese error on that field and nothing is stored."""
    with pytest.raises(ApplicationError) as error:
        file(users["village_a1"], couple, check_authorized=False)

    assert error.value.field == "check_authorized"
    assert "核对授权书" in error.value.message
    assert not Event.objects.filter(action="application.create").exists()


def test_authorization_is_stored(users, couple):
    """Given a signed authorization, when the application is filed, then the application records it."""
    assert file(users["village_a1"], couple).check_authorized is True


# --- Pages ------------------------------------------------------------------------------------------------


def form_data(household, head, **extra):
    data = {"applicant": str(head.pk), "place": "hukou", "able_supporters": "0", "deposits": "", "vehicles": "0",
            "companies": "0", "homes": "1", "rigid_expenses": "", "emergency_kind": "", "emergency_loss": "",
            "residence_permit_since": ""}
    for membership in household.memberships.all():
        prefix = f"m-{membership.pk}-"
        data.update({prefix + "include": "on", prefix + "living_together": "on", prefix + "status": "normal"})
    data.update(extra)
    return data


def test_form_shows_the_authorization_error(users, couple, login):
    """Given the application form without the authorization ticked, when it is posted, then the page shows the
    Chinese error beside the checkbox and no application is filed."""
    household, head, _ = couple
    client = login(users["village_a1"])
    url = reverse("assistance:application_create", args=[household.pk])

    page = client.get(url).content.decode()
    assert "申请人及家庭成员已签署家庭经济状况核对授权书" in page and 'name="residence_permit_since"' in page
    response = client.post(url, form_data(household, head))

    assert response.status_code == 200
    assert 'data-testid="field-error-check_authorized"' in response.content.decode()
    assert not household.applications.exists()


def test_form_files_a_residence_application(users, login):
    """Given a household of 甲二村 living in 甲一村 and the form with the permit date and the authorization, when
    the town reviewer posts it, then the application is filed in 甲一村 and its page shows the permit date and the
    signed authorization."""
    head = f.make_person(name="吴九", area=f.VILLAGE_A2, residence=f.VILLAGE_A1, birth=dt.date(1985, 3, 1))
    household = f.make_household(head=head)
    client = login(users["town_a"])
    response = client.post(reverse("assistance:application_create", args=[household.pk]),
                           form_data(household, head, place="residence", residence_permit_since="2025-01-01",
                                     check_authorized="on"))

    assert response.status_code == 302
    application = household.applications.get()
    assert application.area_id == f.VILLAGE_A1
    page = client.get(reverse("assistance:application_detail", args=[application.pk])).content.decode()
    assert 'data-testid="residence-permit-since"' in page
    assert "核对授权书：已签署" in page


def test_detail_page_lists_objections_and_offers_the_steps(users, couple, login):
    """Given an application on notice, when the town opens it, then it offers 登记异议; after an objection is
    recorded through the page, the page lists it and offers 处理异议; resolving it through the page restarts the
    notice."""
    application = to_notice(users, file(users["village_a1"], couple))
    client = login(users["town_a"])
    detail = reverse("assistance:application_detail", args=[application.pk])
    assert 'data-testid="btn-record-objection"' in client.get(detail).content.decode()

    client.post(reverse("assistance:application_step", args=[application.pk, "record_objection"]),
                {"content": "反映有隐瞒收入", "raised_by_name": "", "received_on": "2025-10-01"})
    page = client.get(detail).content.decode()
    assert 'data-testid="objection-list"' in page and "反映有隐瞒收入" in page and "匿名" in page
    assert 'data-testid="btn-resolve-objection"' in page and "btn-record-objection" not in page

    client.post(reverse("assistance:application_step", args=[application.pk, "resolve_objection"]),
                {"outcome": "dismissed", "resolution": "核实无隐瞒收入"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PUBLIC_NOTICE
    assert application.notice_starts_on == timezone.localdate()
    assert "异议不成立" in client.get(detail).content.decode()


def test_detail_page_shows_district_filing_and_town_approve_button(users, couple, login):
    """Given 甲镇 confirms and an application ready for confirmation, when the town reviewer opens it, then the
    approve button shows; after approval the page shows the district filing."""
    town_confirms_in_town_a()
    application = to_confirmation(users, file(users["village_a1"], couple))
    client = login(users["town_a"])
    detail = reverse("assistance:application_detail", args=[application.pk])
    assert 'data-testid="btn-approve"' in client.get(detail).content.decode()
    district = login(users["district_approver"]).get(detail).content.decode()
    assert 'data-testid="btn-approve"' not in district

    client = login(users["town_a"])
    client.post(reverse("assistance:application_step", args=[application.pk, "approve"]))
    page = client.get(detail).content.decode()
    assert 'data-testid="district-filing"' in page and "报区民政部门备案" in page


def test_dossier_lists_the_objection_and_the_authorization(users, couple):
    """Given an application whose objection was dismissed, when its dossier is printed, then the 公示情况 section
    lists the objection with its outcome and the application section shows the signed authorization."""
    from minzheng.assistance import documents as docs
    from minzheng.testing.pdfread import pdf_text

    application = to_notice(users, file(users["village_a1"], couple))
    object_to(users, application)
    actions.application_resolve_objection(acting_user=users["town_a"], application=application,
                                          outcome=ObjectionOutcome.DISMISSED, resolution="核实无隐瞒收入",
                                          today=dt.date(2025, 10, 5))

    text = pdf_text(docs.dossier_pdf(user=users["town_a"], application=application))

    assert "公示异议" in text and "异议不成立" in text and "核实无隐瞒收入" in text
    assert "家庭经济状况核对授权书" in text and "已签署" in text
