"""Working days and deadlines against the State Council's published holiday notices.

Every expected date below was counted by hand from the notice named in the test, not taken from the code:

- 2025 (国办发明电〔2024〕12号): 国庆节、中秋节 10月1日（周三）至8日（周三）放假调休，共8天；9月28日（周日）、
  10月11日（周六）上班。春节 1月28日至2月4日放假调休，共8天；1月26日（周日）、2月8日（周六）上班。
- 2026 (国务院办公厅关于2026年部分节假日安排的通知): 春节 2月15日（周日）至23日（周一）放假调休，共9天；
  2月14日（周六）、2月28日（周六）上班。
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from minzheng.core import calendar
from minzheng.core.calendar import (
    CalendarError,
    add_working_days,
    deadline,
    is_working_day,
    working_days_between,
    year_calendar,
    years_without_notice,
)
from minzheng.core.models import CalendarOverride

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.clear_calendar_cache()
    yield
    calendar.clear_calendar_cache()


def _override(day: dt.date, kind: str, name: str = "") -> CalendarOverride:
    # Written directly (not through the action) to stand for a row another process entered.
    return CalendarOverride.objects.create(date=day, kind=kind, name=name)


# --- the package agrees with the notices ---------------------------------------------------------------------


def test_package_data_for_2026_spring_festival_matches_the_notice():
    """Given chinese-calendar itself, when February 2026 is read, then 15–23 are holidays and 14 and 28 (both
    Saturdays) are workdays, as the 2026 notice says."""
    assert [D(2026, 2, day) for day in range(15, 24)] == sorted(
        day for day in chinese_calendar.holidays if day.year == 2026 and day.month == 2)
    assert sorted(day for day in chinese_calendar.workdays if day.year == 2026 and day.month == 2) == [
        D(2026, 2, 14), D(2026, 2, 28)]
    assert D(2026, 2, 14).weekday() == 5 and D(2026, 2, 28).weekday() == 5 and D(2026, 2, 15).weekday() == 6


def test_year_calendar_of_2026_lists_the_spring_festival_in_chinese():
    """Given no overrides, when the 2026 calendar is built, then its February entries are the notice's nine
    holidays and two adjusted workdays, named 春节, from the package."""
    entries = [e for e in year_calendar(2026).entries() if e.date.month == 2]
    assert [(e.date.day, e.kind) for e in entries] == [(14, "workday"), *((d, "holiday") for d in range(15, 24)),
                                                       (28, "workday")]
    assert {e.name for e in entries} == {"春节"} and {e.source for e in entries} == {"package"}


@pytest.mark.parametrize("day, working", [
    (D(2025, 9, 28), True),   # Sunday, adjusted workday
    (D(2025, 10, 1), False),
    (D(2025, 10, 8), False),  # Wednesday inside the holiday
    (D(2025, 10, 9), True),
    (D(2025, 10, 11), True),  # Saturday, adjusted workday
    (D(2025, 10, 12), False),
    (D(2025, 1, 26), True),   # Sunday, adjusted workday (春节)
    (D(2025, 2, 4), False),
    (D(2025, 2, 8), True),    # Saturday, adjusted workday (春节)
    (D(2026, 2, 14), True),
    (D(2026, 2, 23), False),  # Monday inside the holiday
    (D(2026, 2, 28), True),
])
def test_is_working_day_follows_the_notices(day, working):
    """Given the 2025 and 2026 notices, when a day is checked, then holidays are rest days and adjusted weekend
    days are working days; none of these is provisional."""
    assert is_working_day(day) == (working, False)


# --- deadlines in working days -------------------------------------------------------------------------------


def test_ten_working_days_across_national_day_2025():
    """Given the event on Fri 2025-09-26, when 10 working days are counted, then they are Sep 28 (Sunday
    workday), 29, 30, Oct 9, 10, 11 (Saturday workday), 13, 14, 15, 16: the deadline is 2025-10-16."""
    result = deadline(D(2025, 9, 26), 10, "working_days")
    assert (result.date, result.provisional, result.unknown_years) == (D(2025, 10, 16), False, ())


def test_start_day_is_never_counted():
    """Given the event on Mon 2025-10-13 (a working day), when 1 working day is counted, then the deadline is the
    next day, 2025-10-14."""
    assert deadline(D(2025, 10, 13), 1, "working_days").date == D(2025, 10, 14)


def test_five_working_days_across_spring_festival_2026():
    """Given the event on Thu 2026-02-12, when 5 working days are counted, then they are Feb 13, 14 (Saturday
    workday), 24, 25, 26: the deadline is 2026-02-26."""
    assert deadline(D(2026, 2, 12), 5, "working_days").date == D(2026, 2, 26)


def test_ten_working_days_across_spring_festival_2026_include_both_saturday_workdays():
    """Given the event on Fri 2026-02-13, when 10 working days are counted, then they are Feb 14, 24, 25, 26, 27,
    28 (Saturday workday), Mar 2, 3, 4, 5: the deadline is 2026-03-05."""
    assert deadline(D(2026, 2, 13), 10, "working_days").date == D(2026, 3, 5)


def test_working_day_deadline_reads_the_overrides_once_per_year(django_assert_num_queries):
    """Given an empty cache, when a deadline inside 2025 is computed twice, then the 2025 overrides are read with
    one query, and the second computation needs none."""
    with django_assert_num_queries(1):
        deadline(D(2025, 9, 26), 10, "working_days")
    with django_assert_num_queries(0):
        deadline(D(2025, 9, 26), 10, "working_days")


# --- deadlines in calendar days ------------------------------------------------------------------------------


def test_calendar_days_ending_on_a_holiday_roll_to_the_next_working_day():
    """Given the event on 2025-09-20, when 15 calendar days are counted with roll, then the period ends on
    2025-10-05 (inside 国庆节 10月1日至8日) and moves to Thu 2025-10-09."""
    result = deadline(D(2025, 9, 20), 15, "calendar_days", roll_to_workday=True)
    assert (result.date, result.rolled_from, result.provisional) == (D(2025, 10, 9), D(2025, 10, 5), False)


def test_calendar_days_without_roll_end_on_the_holiday():
    """Given the same period without roll, when it is counted, then the deadline stays on 2025-10-05."""
    result = deadline(D(2025, 9, 20), 15, "calendar_days")
    assert (result.date, result.rolled_from) == (D(2025, 10, 5), None)


def test_calendar_days_ending_in_spring_festival_2026_roll_past_the_whole_holiday():
    """Given the event on 2026-02-05, when 10 calendar days are counted with roll, then the period ends on
    2026-02-15 (first day of 春节) and moves to Tue 2026-02-24, after 2月15日至23日."""
    assert deadline(D(2026, 2, 5), 10, "calendar_days", roll_to_workday=True).date == D(2026, 2, 24)


def test_calendar_days_ending_on_an_adjusted_workday_do_not_roll():
    """Given the event on 2025-10-01, when 10 calendar days are counted with roll, then the period ends on Sat
    2025-10-11, an adjusted workday, and stays there."""
    result = deadline(D(2025, 10, 1), 10, "calendar_days", roll_to_workday=True)
    assert (result.date, result.rolled_from) == (D(2025, 10, 11), None)


def test_calendar_days_ending_on_an_ordinary_weekend_roll_to_monday():
    """Given the event on 2025-11-01, when 7 calendar days are counted with roll, then Sat 2025-11-08 moves to
    Mon 2025-11-10."""
    assert deadline(D(2025, 11, 1), 7, "calendar_days", roll_to_workday=True).date == D(2025, 11, 10)


# --- n = 0, negatives and bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["calendar_days", "working_days"])
def test_zero_period_is_the_start_day_itself(unit):
    """Given a holiday start day, when a period of 0 is counted without roll, then the deadline is the start day."""
    assert deadline(D(2025, 10, 1), 0, unit).date == D(2025, 10, 1)


@pytest.mark.parametrize("unit", ["calendar_days", "working_days"])
def test_zero_period_with_roll_moves_a_holiday_start_to_the_next_working_day(unit):
    """Given the start day 2025-10-01 (国庆节), when a period of 0 is counted with roll, then the deadline is the
    first working day after the holiday, 2025-10-09."""
    assert deadline(D(2025, 10, 1), 0, unit, roll_to_workday=True).date == D(2025, 10, 9)


@pytest.mark.parametrize("n", [-1, 1.5, True, "3"])
def test_deadline_refuses_a_period_that_is_not_a_non_negative_integer(n):
    """Given a negative, fractional, boolean or text period, when a deadline is computed, then it is refused."""
    with pytest.raises(CalendarError) as caught:
        deadline(D(2025, 10, 1), n, "working_days")
    assert caught.value.code == "calendar_period_invalid"


def test_deadline_refuses_an_unknown_unit():
    """Given the unit "weeks", when a deadline is computed, then it is refused with the unit code."""
    with pytest.raises(CalendarError) as caught:
        deadline(D(2025, 10, 1), 1, "weeks")
    assert caught.value.code == "calendar_unit_invalid"


def test_deadline_past_the_last_representable_date_is_a_business_error():
    """Given a start near the end of the date range, when a long period is counted, then a CalendarError says it
    is out of range instead of an OverflowError."""
    with pytest.raises(CalendarError) as caught:
        deadline(D(9999, 12, 1), 100, "calendar_days")
    assert caught.value.code == "calendar_out_of_range"


# --- add_working_days and working_days_between ----------------------------------------------------------------


def test_add_working_days_counts_backwards_for_a_negative_n():
    """Given Mon 2025-10-13, when 2 working days are counted backwards, then they are Sat 2025-10-11 (workday) and
    Fri 2025-10-10."""
    assert add_working_days(D(2025, 10, 13), -2).date == D(2025, 10, 10)


def test_add_working_days_backwards_skips_the_holiday():
    """Given Thu 2025-10-09, when 1 working day is counted backwards, then it skips 10月1日至8日 to 2025-09-30."""
    assert add_working_days(D(2025, 10, 9), -1).date == D(2025, 9, 30)


def test_working_days_between_matches_the_deadline():
    """Given the 2025 National Day period, when the working days after 2025-09-26 up to 2025-10-16 are counted,
    then there are 10, and -10 the other way round."""
    assert working_days_between(D(2025, 9, 26), D(2025, 10, 16)) == (10, False)
    assert working_days_between(D(2025, 10, 16), D(2025, 9, 26)) == (-10, False)
    assert working_days_between(D(2025, 10, 16), D(2025, 10, 16)) == (0, False)


def test_working_days_inside_the_holiday_are_none():
    """Given 国庆节 2025, when the working days after 2025-09-30 up to 2025-10-08 are counted, then there are 0."""
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 8)).count == 0


# --- years the package does not know --------------------------------------------------------------------------


def test_unknown_year_never_raises_and_counts_weekdays_provisionally():
    """Given 2027, which chinese-calendar does not know (it raises NotImplementedError), when Fri 2027-01-01 is
    checked, then it is a working day, provisionally."""
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 1))
    assert is_working_day(D(2027, 1, 1)) == (True, True)
    assert is_working_day(D(2027, 1, 2)) == (False, True)


def test_deadline_into_2027_without_overrides_is_provisional():
    """Given no 2027 overrides, when 3 working days are counted from Thu 2026-12-31, then Fri Jan 1, Mon Jan 4 and
    Tue Jan 5 count (weekdays only): 2027-01-05, provisional because of 2027."""
    result = deadline(D(2026, 12, 31), 3, "working_days")
    assert (result.date, result.provisional, result.unknown_years) == (D(2027, 1, 5), True, (2027,))


def test_deadline_into_2027_with_overrides_honours_them_and_is_not_provisional():
    """Given 2027-01-01 entered as a holiday, when 3 working days are counted from 2026-12-31, then Jan 4, 5 and 6
    count: 2027-01-06, not provisional."""
    _override(D(2027, 1, 1), "holiday", "元旦")
    result = deadline(D(2026, 12, 31), 3, "working_days")
    assert (result.date, result.provisional, result.unknown_years) == (D(2027, 1, 6), False, ())


def test_2027_overrides_make_a_saturday_a_working_day():
    """Given a hypothetical 2027 spring festival (holidays Sat Feb 6 to Sun Feb 14, Sat Feb 20 worked; the real
    notice is not out), when working days are counted, then Thu Feb 4 + 5 is Thu Feb 18 and Wed Feb 17 + 3 is
    the Saturday workday Feb 20."""
    for day in range(6, 15):
        _override(D(2027, 2, day), "holiday", "春节")
    _override(D(2027, 2, 20), "workday", "春节")
    assert deadline(D(2027, 2, 4), 5, "working_days").date == D(2027, 2, 18)
    assert deadline(D(2027, 2, 17), 3, "working_days").date == D(2027, 2, 20)
    assert not deadline(D(2027, 2, 17), 3, "working_days").provisional


def test_years_before_the_package_fall_back_to_weekdays_too():
    """Given 2003, before the package's first year, when a day is checked, then it is a provisional weekday."""
    assert is_working_day(D(2003, 1, 1)) == (True, True)


def test_calendar_day_deadline_without_roll_is_never_provisional():
    """Given 2027 unknown, when 10 calendar days are counted without roll, then no holiday matters and the result
    is not provisional."""
    result = deadline(D(2026, 12, 28), 10, "calendar_days")
    assert (result.date, result.provisional) == (D(2027, 1, 7), False)


# --- overrides take precedence over the package --------------------------------------------------------------


def test_override_corrects_the_package():
    """Given an override making Wed 2025-10-08 a workday (a correction), when the 2025-09-26 + 10 working days
    deadline is computed, then Oct 8 counts and the deadline is 2025-10-15, one day earlier."""
    _override(D(2025, 10, 8), "workday", "更正")
    assert is_working_day(D(2025, 10, 8)) == (True, False)
    assert deadline(D(2025, 9, 26), 10, "working_days").date == D(2025, 10, 15)
    entry = year_calendar(2025).days[D(2025, 10, 8)]
    assert (entry.source, entry.replaces.kind) == ("override", "holiday")


def test_override_holiday_on_a_package_working_day():
    """Given an override making Thu 2025-10-09 a holiday, when the same deadline is computed, then it moves to
    2025-10-17."""
    _override(D(2025, 10, 9), "holiday", "更正")
    assert deadline(D(2025, 9, 26), 10, "working_days").date == D(2025, 10, 17)


# --- the cache and the dashboard question ---------------------------------------------------------------------


def test_cache_expires_so_other_processes_see_new_overrides(monkeypatch):
    """Given 2027 cached as unknown, when another process adds a 2027 override, then it is seen once the cache
    entry is older than CACHE_SECONDS, without an explicit clear."""
    clock = [1000.0]
    monkeypatch.setattr(calendar.time, "monotonic", lambda: clock[0])
    assert year_calendar(2027).provisional
    _override(D(2027, 1, 1), "holiday", "元旦")
    assert year_calendar(2027).provisional
    clock[0] += calendar.CACHE_SECONDS + 1
    assert not year_calendar(2027).provisional


def test_years_without_notice_on_2026_11_28_is_2027():
    """Given the package knows 2026 but not 2027, when the dashboard asks on 2026-11-28, then 2027 is missing."""
    assert years_without_notice(D(2026, 11, 28)) == [2027]


def test_years_without_notice_is_empty_once_2027_has_overrides():
    """Given one 2027 override, when the dashboard asks on 2026-11-28, then no year is missing."""
    _override(D(2027, 1, 1), "holiday", "元旦")
    assert years_without_notice(D(2026, 11, 28)) == []


def test_years_without_notice_in_2025_is_empty():
    """Given the package knows 2025 and 2026, when the dashboard asks on 2025-06-01, then nothing is missing."""
    assert years_without_notice(D(2025, 6, 1)) == []
