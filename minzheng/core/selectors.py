"""Reads of kernel data for pages: a year's holiday calendar and the dashboard's warning about missing years."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.core.calendar import YearCalendar, check_year, years_without_notice
from minzheng.core.calendar import year_calendar as _year_calendar


def calendar_year(*, user, year: int) -> YearCalendar:
    """A year's holidays and adjusted workdays, from the package and the overrides (the same for every area)."""
    require(user, Perm.CALENDAR_VIEW)
    return _year_calendar(check_year(year))


@dataclass(frozen=True)
class CalendarNotice:
    years: tuple[int, ...]
    can_manage: bool

    @property
    def years_text(self) -> str:
        return "、".join(f"{year}年" for year in self.years)


def calendar_dashboard_notice(*, user, today: dt.date) -> CalendarNotice | None:
    """Which of this year and next year still lack a holiday schedule; None when both are known."""
    years = years_without_notice(today)
    if not years:
        return None
    return CalendarNotice(years=tuple(years), can_manage=has_perm(user, Perm.CALENDAR_MANAGE))
