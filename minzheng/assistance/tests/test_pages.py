"""The application pages: filing through the form, the detail tabs and buttons per role, the lists and their
area scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minzheng.assistance import actions
from minzheng.assistance.enums import IncomeKind
from minzheng.assistance.models import Application, ApplicationStatus, Enrollment
from minzheng.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_parameters")]




def form_data(household, head, *, wage="600", deposits="", authorized=True):
    data = {"applicant": str(head.pk), "place": "hukou", "able_supporters": "0", "deposits": deposits,
            "vehicles": "0", "companies": "0", "homes": "1", "rigid_expenses": "", "emergency_kind": "",
            "emergency_loss": "", "residence_permit_since": ""}
    if authorized:
        data["check_authorized"] = "on"
    for membership in household.memberships.all():
        prefix = f"m-{membership.pk}-"
        data.update({prefix + "include": "on", prefix + "living_together": "on", prefix + "status": "normal"})
        for kind in IncomeKind.values:
            data[prefix + f"income_{kind}"] = ""
        if membership.person_id == head.pk:
            data[prefix + "income_wage"] = wage
    return data


def test_village_worker_files_through_the_form(users, couple, login):
    """Given a village worker and a household in their village, when they fill in the form with a wage of 600
    yuan, then the application is filed with the wage in fen and the decision tab shows 低保 with its reasons
    in Chinese."""
    household, head, _ = couple
    client = login(users["village_a1"])
    url = reverse("assistance:application_create", args=[household.pk])
    assert "陈二" in client.get(url).content.decode()

    response = client.post(url, form_data(household, head))

    application = Application.objects.get()
    assert response.status_code == 302
    incomes = [m["income_items"] for m in application.snapshot["members"] if m["person_id"] == str(head.pk)]
    assert incomes == [[{"kind": "wage", "monthly_fen": 60000}]]
    page = client.get(reverse("assistance:application_detail", args=[application.pk]) + "?tab=decisions")
    text = page.content.decode()
    assert "最低生活保障" in text and "符合" in text
    assert 'data-reason="dibao_income_below_standard"' in text


def test_bad_amount_shows_chinese_error(users, couple, login):
    """Given the form, when a deposit is typed with three decimals, then the form is shown again with a Chinese
    message and nothing is filed."""
    household, head, _ = couple
    client = login(users["village_a1"])
    response = client.post(reverse("assistance:application_create", args=[household.pk]),
                           form_data(household, head, deposits="12.345"))
    assert response.status_code == 200
    assert "最多保留两位小数" in response.content.decode()
    assert not Application.objects.exists()


def test_pipeline_through_the_buttons(users, couple, login, client):
    """Given a filed application, when the town and then the district press each button in turn, then the
    household ends up in the 救助对象 list with its monthly amount."""
    household, head, _ = couple
    login(users["village_a1"]).post(reverse("assistance:application_create", args=[household.pk]),
                                    form_data(household, head))
    application = Application.objects.get()
    step = lambda verb, **data: client.post(  # noqa: E731
        reverse("assistance:application_step", args=[application.pk, verb]), data)

    client.force_login(users["town_a"])
    step("accept")
    step("investigate", economic_check="on", home_visit_on=dt.date.today().isoformat(), notes="已入户")
    step("town_review", text="同意")
    step("publish_notice")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PUBLIC_NOTICE
    # The notice period is over.
    Application.objects.filter(pk=application.pk).update(notice_ends_on=dt.date.today())
    step("end_notice")
    client.force_login(users["district_approver"])
    detail = client.get(reverse("assistance:application_detail", args=[application.pk]))
    assert 'data-testid="btn-approve"' in detail.content.decode()
    step("approve")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    enrollment = Enrollment.objects.get()
    listing = client.get(reverse("assistance:enrollment_list")).content.decode()
    assert "最低生活保障" in listing and "¥940.00" in listing
    process = client.get(reverse("assistance:application_detail", args=[application.pk]) + "?tab=process")
    assert "张榜公示" in process.content.decode() and enrollment.monthly_amount_fen == 94000


def test_refused_step_shows_message(users, couple, login):
    """Given a submitted application, when the district approver posts 'approve', then the page says why in
    Chinese and the status stays."""
    household, head, _ = couple
    login(users["village_a1"]).post(reverse("assistance:application_create", args=[household.pk]),
                                    form_data(household, head))
    application = Application.objects.get()
    client = login(users["district_approver"])
    response = client.post(reverse("assistance:application_step", args=[application.pk, "approve"]), follow=True)
    assert "不能变更为「已批准」" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("role", ["village_b1", "town_b"])
def test_other_area_gets_404(users, couple, login, role):
    """Given an application in 甲一村, when a worker of 乙一村 or the reviewer of 乙镇 opens it or presses a
    button, then both answer 404 and the list does not show it."""
    household, head, _ = couple
    login(users["village_a1"]).post(reverse("assistance:application_create", args=[household.pk]),
                                    form_data(household, head))
    application = Application.objects.get()
    client = login(users[role])
    assert client.get(reverse("assistance:application_detail", args=[application.pk])).status_code == 404
    assert client.post(reverse("assistance:application_step", args=[application.pk, "accept"])).status_code == 404
    assert client.get(reverse("assistance:application_create", args=[household.pk])).status_code == 404
    listing = client.get(reverse("assistance:application_list")).content.decode()
    assert str(application.pk) not in listing


def test_overdue_application_is_highlighted_and_filtered(users, couple, login):
    """Given an application accepted long ago and never decided, when the list is shown, then its row is marked
    overdue and the overdue filter keeps it."""
    household, head, _ = couple
    login(users["village_a1"]).post(reverse("assistance:application_create", args=[household.pk]),
                                    form_data(household, head))
    application = Application.objects.get()
    actions.application_accept(acting_user=users["town_a"], application=application, today=dt.date(2025, 9, 26))
    client = login(users["town_a"])
    page = client.get(reverse("assistance:application_list")).content.decode()
    assert 'data-testid="overdue-row"' in page and "已超期" in page
    filtered = client.get(reverse("assistance:application_list") + "?overdue=1").content.decode()
    assert str(application.pk) in filtered
    done = client.get(reverse("assistance:application_list") + "?status=approved").content.decode()
    assert str(application.pk) not in done


def test_leader_reads_without_buttons(users, couple, login):
    """Given a submitted application, when the leader opens it, then the page shows with no workflow button."""
    household, head, _ = couple
    login(users["village_a1"]).post(reverse("assistance:application_create", args=[household.pk]),
                                    form_data(household, head))
    application = Application.objects.get()
    page = login(users["leader"]).get(reverse("assistance:application_detail", args=[application.pk]))
    assert page.status_code == 200
    assert 'data-testid="btn-' not in page.content.decode()


def test_auditor_has_no_assistance_pages(users, login):
    """Given the auditor (三员分立), when they open the application list, then access is refused."""
    assert login(users["auditor"]).get(reverse("assistance:application_list")).status_code == 403


def test_navigation_lists_assistance_entries(users, login):
    """Given a village worker, when the home page is shown, then the menu has 救助申请 and 救助对象."""
    page = login(users["village_a1"]).get(reverse("assistance:application_list")).content.decode()
    assert "救助申请" in page and "救助对象" in page


def test_household_pick_lists_only_own_area(users, couple, login):
    """Given households in 甲一村 and 乙一村, when the 甲一村 worker starts a new application, then only the
    甲一村 household is offered."""
    household, _, _ = couple
    other = f.make_household(head=f.make_person(name="王五", area=f.VILLAGE_B1))
    page = login(users["village_a1"]).get(reverse("assistance:application_pick")).content.decode()
    assert household.number in page and other.number not in page


def test_list_pages_query_count_does_not_grow(users, couple, login, django_assert_max_num_queries):
    """Given several applications and enrollments, when the lists are shown, then the number of queries stays
    fixed (no query per row)."""
    household, head, _ = couple
    client = login(users["village_a1"])
    for _ in range(3):
        client.post(reverse("assistance:application_create", args=[household.pk]), form_data(household, head))
    with django_assert_max_num_queries(12):
        client.get(reverse("assistance:application_list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("assistance:enrollment_list"))


def test_provisional_due_date_shows_badge(users, couple, login):
    """Given acceptance in a year without holiday data (2035), when the application is shown, then its time
    limit is stored as provisional and the page marks it 暂定."""
    household, head, _ = couple
    login(users["village_a1"]).post(reverse("assistance:application_create", args=[household.pk]),
                                    form_data(household, head))
    application = Application.objects.get()
    actions.application_accept(acting_user=users["town_a"], application=application, today=dt.date(2035, 3, 1))
    assert application.due_provisional is True
    page = login(users["town_a"]).get(reverse("assistance:application_detail", args=[application.pk]))
    assert "暂定" in page.content.decode()
