"""The 节假日设置 page, its forms, the navigation entry and the dashboard's warning about missing years."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from minzheng.audit.models import Event
from minzheng.core import calendar
from minzheng.core.models import CalendarOverride

pytestmark = pytest.mark.django_db

D = dt.date
URL = "/calendar/"
ADMIN_WARNING = "节假日安排尚未录入，涉及该年份的工作日期限为暂定值，请在"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.clear_calendar_cache()
    yield
    calendar.clear_calendar_cache()


def _dates(page: str, testid: str) -> list[str]:
    table = page.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-date="([0-9-]+)">', table)


# --- the page ------------------------------------------------------------------------------------------------


def test_page_lists_the_years_holidays_and_adjusted_workdays(users, login):
    """Given the package's 2025 data, when a village worker opens the page for 2025, then National Day's eight days
    are among the holidays and Sep 28 and Oct 11 among the adjusted workdays, marked 内置."""
    response = login(users["village_a1"]).get(URL, {"year": 2025})
    page = response.content.decode()
    assert response.status_code == 200
    holidays = _dates(page, "calendar-holidays")
    assert [f"2025-10-0{day}" for day in range(1, 9)] == [d for d in holidays if d.startswith("2025-10")]
    assert _dates(page, "calendar-workdays") == ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28",
                                                 "2025-10-11"]
    assert "国庆节" in page and "内置" in page


def test_page_for_an_unknown_year_says_it_is_provisional(users, login):
    """Given no 2027 data, when the district admin opens 2027, then the page says the year is not entered yet."""
    page = login(users["district_admin"]).get(URL, {"year": 2027}).content.decode()
    assert "尚未录入" in page and "暂定值" in page
    assert _dates(page, "calendar-holidays") == []


def test_page_shows_overrides_with_their_source(users, login):
    """Given 2027-01-01 entered, when the page for 2027 is opened, then the day is listed as 人工设置."""
    CalendarOverride.objects.create(date=D(2027, 1, 1), kind="holiday", name="元旦")
    page = login(users["leader"]).get(URL, {"year": 2027}).content.decode()
    assert _dates(page, "calendar-holidays") == ["2027-01-01"] and "人工设置" in page


@pytest.mark.parametrize("role, can_manage", [("district_admin", True), ("system_admin", True),
                                              ("village_a1", False), ("leader", False)])
def test_forms_are_shown_only_to_calendar_managers(users, login, role, can_manage):
    """Given the page, when each role opens it, then only the district and system admins see the add form and the
    import button."""
    page = login(users[role]).get(URL, {"year": 2027}).content.decode()
    assert ('data-testid="calendar-override-form"' in page) is can_manage
    assert ("导入全年安排" in page) is can_manage


@pytest.mark.parametrize("role", ["auditor", "security_admin"])
def test_page_is_refused_to_roles_without_calendar_access(users, login, role):
    """Given the auditor or security admin, when they open the page, then it is refused."""
    assert login(users[role]).get(URL).status_code == 403


def test_nav_shows_the_entry_under_support(users, login):
    """Given the district admin, when any page renders, then 节假日设置 is in section 九、支撑保障."""
    page = login(users["district_admin"]).get(URL).content.decode()
    support = page.split("九、支撑保障", 1)[1]
    assert 'href="/calendar/"' in support.split("mz-section", 1)[0] and "节假日设置" in support


def test_add_form_creates_an_override(users, login):
    """Given the district admin, when they add 2027-01-01 as 元旦, then it is stored and they return to 2027."""
    response = login(users["district_admin"]).post(reverse("calendar:override_create"), {
        "date": "2027-01-01", "kind": "holiday", "name": "元旦", "source": "", "note": "", "year": "2027"})
    assert (response.status_code, response.url) == (302, "/calendar/?year=2027")
    assert CalendarOverride.objects.get(date=D(2027, 1, 1)).name == "元旦"


def test_add_form_shows_the_error_on_the_date(users, login):
    """Given Tue 2027-01-05 as a workday, when added, then the date field shows the Chinese reason."""
    response = login(users["district_admin"]).post(reverse("calendar:override_create"), {
        "date": "2027-01-05", "kind": "workday", "year": "2027"})
    assert response.status_code == 400
    assert any("本就是工作日" in error for error in response.context["form"].errors["date"])
    assert not CalendarOverride.objects.exists()


def test_add_form_is_refused_to_a_village_worker(users, login):
    """Given a village worker, when they post the add form, then it is refused and nothing is stored."""
    response = login(users["village_a1"]).post(reverse("calendar:override_create"), {
        "date": "2027-01-01", "kind": "holiday"})
    assert response.status_code == 403 and not CalendarOverride.objects.exists()


def test_delete_button_removes_an_override(users, login):
    """Given 2027-01-01 entered, when the admin deletes it, then it is gone with an event."""
    override = CalendarOverride.objects.create(date=D(2027, 1, 1), kind="holiday", name="元旦")
    response = login(users["district_admin"]).post(reverse("calendar:override_delete", args=[override.pk]))
    assert response.status_code == 302 and not CalendarOverride.objects.exists()
    assert Event.objects.filter(action="calendar_override.delete").count() == 1


def test_delete_of_a_missing_override_is_not_found(users, login):
    """Given no override 999, when the admin deletes it, then the answer is 404."""
    assert login(users["district_admin"]).post(reverse("calendar:override_delete", args=[999])).status_code == 404


def test_import_page_enters_a_notice(users, login):
    """Given the import page, when the admin submits two lines for 2027, then both days are stored."""
    response = login(users["district_admin"]).post(reverse("calendar:import"), {
        "year": "2027", "text": "2027-01-01 holiday 元旦\n2027-02-20 workday 春节\n", "source": "示例"})
    assert (response.status_code, response.url) == (302, "/calendar/?year=2027")
    assert CalendarOverride.objects.count() == 2


def test_import_page_lists_errors_by_line_and_stores_nothing(users, login):
    """Given a bad date on line 2, when the notice is submitted, then the page names line 2 and nothing is stored."""
    response = login(users["district_admin"]).post(reverse("calendar:import"), {
        "year": "2027", "text": "2027-01-01 holiday 元旦\n2027-13-01 holiday 春节\n"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "第2行「2027-13-01 holiday 春节」" in page and "未导入任何数据" in page
    assert not CalendarOverride.objects.exists()


def test_import_page_is_refused_to_the_leader(users, login):
    """Given the leader, when they open the import page, then it is refused."""
    assert login(users["leader"]).get(reverse("calendar:import")).status_code == 403


# --- the dashboard warning -----------------------------------------------------------------------------------


@pytest.fixture
def package_knows_nothing_recent(monkeypatch):
    """Make this year and next year unknown to the package, whatever the machine's clock says."""
    monkeypatch.setattr(calendar, "package_years", lambda: range(2004, 2005))
    calendar.clear_calendar_cache()


def test_dashboard_warns_calendar_managers_about_missing_years(users, login, package_knows_nothing_recent):
    """Given this year and next year unknown, when the district admin opens the dashboard, then a warning names both
    years and points to 节假日设置."""
    this_year = dt.date.today().year
    page = login(users["district_admin"]).get(reverse("web:home")).content.decode()
    assert f"{this_year}年、{this_year + 1}年{ADMIN_WARNING}" in page
    assert "『节假日设置』</a>中录入国务院办公厅通知" in page and f'href="/calendar/?year={this_year}"' in page


def test_dashboard_gives_others_a_softer_note(users, login, package_knows_nothing_recent):
    """Given the same, when a village worker opens the dashboard, then a note says deadlines are provisional, without
    asking them to enter the notice."""
    page = login(users["village_a1"]).get(reverse("web:home")).content.decode()
    assert 'data-testid="calendar-notice"' in page and "暂按周一至周五计算" in page
    assert ADMIN_WARNING not in page


def test_dashboard_warning_disappears_once_the_years_are_entered(users, login, package_knows_nothing_recent):
    """Given one override in each of this year and next year, when the admin opens the dashboard, then no warning
    is shown."""
    this_year = dt.date.today().year
    for year in (this_year, this_year + 1):
        CalendarOverride.objects.create(date=D(year, 1, 1), kind="holiday", name="元旦")
    page = login(users["district_admin"]).get(reverse("web:home")).content.decode()
    assert 'data-testid="calendar-notice"' not in page


def test_dashboard_has_no_warning_when_the_package_knows_both_years(users, login, monkeypatch):
    """Given a package that knows this year and next year, when the admin opens the dashboard, then no warning."""
    this_year = dt.date.today().year
    monkeypatch.setattr(calendar, "package_years", lambda: range(this_year, this_year + 2))
    page = login(users["district_admin"]).get(reverse("web:home")).content.decode()
    assert 'data-testid="calendar-notice"' not in page
