"""Entering holiday overrides: one day at a time or a whole year's notice, by the calendar administrators only,
with an event row per change and all-or-nothing imports."""

from __future__ import annotations

import datetime as dt

import pytest

from minzheng.audit.models import Event
from minzheng.core import calendar
from minzheng.core.actions import calendar_override_create, calendar_override_delete, calendar_override_import
from minzheng.core.calendar import deadline, is_working_day
from minzheng.core.errors import ApplicationError, PermissionDeniedError, ValidationErrors
from minzheng.core.models import CalendarOverride

pytestmark = pytest.mark.django_db

D = dt.date

# A hypothetical 2027 notice (the real one is not published yet): only its shape matters here.
NOTICE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知（示例）
2027-01-01 holiday 元旦
2027-02-06~2027-02-14 休 春节
2027-02-20 班 春节

2027年10月1日 至 2027年10月7日 holiday 国庆节
2027/10/09 workday 国庆节
"""


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.clear_calendar_cache()
    yield
    calendar.clear_calendar_cache()


@pytest.fixture
def admin(users):
    return users["district_admin"]


# --- one day -------------------------------------------------------------------------------------------------


def test_create_stores_the_day_and_writes_an_event(admin):
    """Given the district admin, when they enter 2027-01-01 as 元旦, then the row records them and one
    calendar_override.create event has the values."""
    override = calendar_override_create(acting_user=admin, date=D(2027, 1, 1), kind="holiday", name="元旦",
                                        source="国办发明电〔2026〕X号")
    assert (override.kind, override.name, override.created_by) == ("holiday", "元旦", admin)
    event = Event.objects.get(action="calendar_override.create")
    assert event.after == {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "note": "",
                           "source": "国办发明电〔2026〕X号"}
    assert (event.actor, event.object_id, event.area_code) == (admin, str(override.pk), "")


def test_create_takes_effect_at_once(admin):
    """Given 2027 cached as unknown, when an override is created, then the next lookup sees it without waiting
    for the cache to expire."""
    assert is_working_day(D(2027, 1, 1)) == (True, True)
    calendar_override_create(acting_user=admin, date=D(2027, 1, 1), kind="holiday", name="元旦")
    assert is_working_day(D(2027, 1, 1)) == (False, False)


def test_create_clears_the_cache_again_on_commit(admin, django_capture_on_commit_callbacks):
    """Given an override created in a transaction, when it commits, then the cache is cleared once more (for
    processes that rebuilt it from the old rows in between)."""
    with django_capture_on_commit_callbacks() as callbacks:
        calendar_override_create(acting_user=admin, date=D(2027, 1, 1), kind="holiday", name="元旦")
    assert calendar.clear_calendar_cache in callbacks


def test_system_admin_may_also_enter_overrides(users):
    """Given the system administrator, when they enter a day, then it is stored."""
    calendar_override_create(acting_user=users["system_admin"], date=D(2027, 1, 1), kind="holiday")
    assert CalendarOverride.objects.filter(date=D(2027, 1, 1)).exists()


@pytest.mark.parametrize("role", ["village_a1", "town_a", "district_approver", "leader", "auditor",
                                  "security_admin"])
def test_other_roles_may_not_enter_overrides(users, role):
    """Given any role but the district or system admin, when it enters a day, then permission is denied."""
    with pytest.raises(PermissionDeniedError):
        calendar_override_create(acting_user=users[role], date=D(2027, 1, 1), kind="holiday")


def test_a_day_can_have_only_one_override(admin):
    """Given 2027-01-01 entered, when it is entered again, then the date field says it exists."""
    calendar_override_create(acting_user=admin, date=D(2027, 1, 1), kind="holiday")
    with pytest.raises(ApplicationError) as caught:
        calendar_override_create(acting_user=admin, date=D(2027, 1, 1), kind="workday")
    assert (caught.value.code, caught.value.field) == ("calendar_override_exists", "date")


def test_workday_on_an_ordinary_weekday_is_refused_as_a_likely_typo(admin):
    """Given Tue 2027-01-05, when it is entered as an adjusted workday, then it is refused: it is a working day
    anyway."""
    with pytest.raises(ApplicationError) as caught:
        calendar_override_create(acting_user=admin, date=D(2027, 1, 5), kind="workday")
    assert caught.value.code == "calendar_workday_redundant" and "星期二" in caught.value.message


def test_workday_correcting_a_package_holiday_is_accepted(admin):
    """Given Wed 2025-10-08, a holiday in the package, when it is entered as a workday, then it is accepted."""
    calendar_override_create(acting_user=admin, date=D(2025, 10, 8), kind="workday", name="更正")
    assert is_working_day(D(2025, 10, 8)) == (True, False)


def test_unknown_kind_is_refused(admin):
    """Given the kind "maybe", when a day is entered, then the kind field is refused."""
    with pytest.raises(ApplicationError) as caught:
        calendar_override_create(acting_user=admin, date=D(2027, 1, 1), kind="maybe")
    assert caught.value.field == "kind"


def test_delete_removes_the_day_and_writes_an_event(admin):
    """Given 2027-01-01 entered, when it is deleted, then the row is gone, the day is provisional again and the
    delete event holds the old values."""
    override = calendar_override_create(acting_user=admin, date=D(2027, 1, 1), kind="holiday", name="元旦")
    pk = override.pk
    calendar_override_delete(acting_user=admin, override=override)
    assert not CalendarOverride.objects.exists()
    assert is_working_day(D(2027, 1, 1)) == (True, True)
    event = Event.objects.get(action="calendar_override.delete")
    assert (event.object_id, event.before["name"]) == (str(pk), "元旦")


def test_delete_is_refused_to_a_village_worker(admin, users):
    """Given an override, when a village worker deletes it, then permission is denied and it stays."""
    override = calendar_override_create(acting_user=admin, date=D(2027, 1, 1), kind="holiday")
    with pytest.raises(PermissionDeniedError):
        calendar_override_delete(acting_user=users["village_a1"], override=override)
    assert CalendarOverride.objects.count() == 1


# --- a year's notice -----------------------------------------------------------------------------------------


def test_import_enters_every_line_and_range(admin):
    """Given the sample notice (ranges, Chinese kind words, 年月日 and slash dates, a comment and a blank line),
    when it is imported for 2027, then 1 + 9 + 1 + 7 + 1 = 19 days are stored with an event each."""
    result = calendar_override_import(acting_user=admin, year=2027, text=NOTICE_2027, source="示例通知")
    assert (result.created, result.replaced) == (19, 0)
    assert CalendarOverride.objects.count() == 19
    assert Event.objects.filter(action="calendar_override.create").count() == 19
    assert CalendarOverride.objects.get(date=D(2027, 2, 20)).kind == "workday"
    assert set(CalendarOverride.objects.values_list("source", flat=True)) == {"示例通知"}


def test_import_makes_2027_deadlines_firm(admin):
    """Given the sample notice imported, when 5 working days are counted from Thu 2027-02-04, then Feb 5, 15,
    16, 17, 18 count: 2027-02-18, not provisional."""
    calendar_override_import(acting_user=admin, year=2027, text=NOTICE_2027)
    result = deadline(D(2027, 2, 4), 5, "working_days")
    assert (result.date, result.provisional) == (D(2027, 2, 18), False)


def test_import_with_errors_names_each_line_and_stores_nothing(admin):
    """Given a notice with a bad date on line 2, an unknown kind on line 3, a 2028 date on line 4 and a
    duplicate on line 5, when it is imported, then four errors name those lines and nothing is stored."""
    text = "2027-01-01 holiday 元旦\n2027-02-30 holiday 春节\n2027-02-06 rest 春节\n2028-01-01 holiday 元旦\n" \
           "2027-01-01 holiday 元旦\n"
    with pytest.raises(ValidationErrors) as caught:
        calendar_override_import(acting_user=admin, year=2027, text=text)
    rows = [(error.row, error.code) for error in caught.value.errors]
    assert rows == [(2, "calendar_date_invalid"), (3, "calendar_kind_invalid"), (4, "calendar_wrong_year"),
                    (5, "calendar_duplicate_date")]
    assert str(caught.value.errors[0]).startswith("第2行「2027-02-30 holiday 春节」")
    assert "第1行" in caught.value.errors[3].message
    assert not CalendarOverride.objects.exists() and not Event.objects.exists()


def test_import_of_a_line_without_a_kind_explains_the_format(admin):
    """Given a line with a date only, when imported, then the error shows the expected format with an example."""
    with pytest.raises(ValidationErrors) as caught:
        calendar_override_import(acting_user=admin, year=2027, text="2027-01-01\n")
    assert caught.value.errors[0].code == "calendar_line_format"
    assert "2027-01-01 holiday 元旦" in caught.value.errors[0].message


def test_import_of_a_redundant_workday_names_the_line(admin):
    """Given a workday line for Tue 2027-01-05, when imported, then line 1 is refused as a working day anyway."""
    with pytest.raises(ValidationErrors) as caught:
        calendar_override_import(acting_user=admin, year=2027, text="2027-01-05 workday 元旦\n")
    assert (caught.value.errors[0].row, caught.value.errors[0].code) == (1, "calendar_workday_redundant")


def test_import_of_nothing_is_refused(admin):
    """Given only comments and blank lines, when imported, then it is refused as empty."""
    with pytest.raises(ApplicationError) as caught:
        calendar_override_import(acting_user=admin, year=2027, text="# 空\n\n")
    assert caught.value.code == "calendar_import_empty"


def test_import_over_existing_days_is_refused_without_replace(admin):
    """Given 2027-01-01 already entered, when the notice is imported without replace, then line 2 (the first
    date line after the comment) is refused and nothing else is stored."""
    calendar_override_create(acting_user=admin, date=D(2027, 1, 1), kind="holiday", name="元旦")
    with pytest.raises(ValidationErrors) as caught:
        calendar_override_import(acting_user=admin, year=2027, text=NOTICE_2027)
    assert [(e.row, e.code) for e in caught.value.errors] == [(2, "calendar_override_exists")]
    assert CalendarOverride.objects.count() == 1


def test_import_with_replace_swaps_the_years_overrides(admin):
    """Given 2027-03-01 entered by hand, when the notice is imported with replace, then the year holds exactly the
    notice's 19 days and the replaced row has a delete event."""
    calendar_override_create(acting_user=admin, date=D(2027, 3, 1), kind="holiday", name="误录")
    result = calendar_override_import(acting_user=admin, year=2027, text=NOTICE_2027, replace=True)
    assert (result.created, result.replaced) == (19, 1)
    assert not CalendarOverride.objects.filter(date=D(2027, 3, 1)).exists()
    assert Event.objects.get(action="calendar_override.delete").before["name"] == "误录"


def test_import_with_replace_leaves_other_years_alone(admin):
    """Given a 2026 correction, when the 2027 notice is imported with replace, then the 2026 row stays."""
    calendar_override_create(acting_user=admin, date=D(2026, 12, 31), kind="holiday", name="更正")
    calendar_override_import(acting_user=admin, year=2027, text=NOTICE_2027, replace=True)
    assert CalendarOverride.objects.filter(date=D(2026, 12, 31)).exists()


def test_import_is_refused_to_a_town_reviewer(users):
    """Given the town reviewer, when they import a notice, then permission is denied."""
    with pytest.raises(PermissionDeniedError):
        calendar_override_import(acting_user=users["town_a"], year=2027, text=NOTICE_2027)
