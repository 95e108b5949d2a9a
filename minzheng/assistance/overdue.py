"""Reads for the overdue page (逾期事项): applications past their time limit and enrollments past their review
date, grouped per town and per village, scoped to the acting user's area like every other selector."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from minzheng.areas.enums import AreaLevel
from minzheng.areas.models import Area
from minzheng.assistance.models import Application, Enrollment, EnrollmentStatus
from minzheng.assistance.selectors import ApplicationFilters, application_list, enrollment_scope


@dataclass
class VillageGroup:
    code: str
    name: str
    applications: list[Application] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)


@dataclass
class TownGroup:
    code: str
    name: str
    villages: dict[str, VillageGroup] = field(default_factory=dict)

    @property
    def application_count(self) -> int:
        return sum(len(v.applications) for v in self.villages.values())

    @property
    def enrollment_count(self) -> int:
        return sum(len(v.enrollments) for v in self.villages.values())

    @property
    def village_list(self) -> list[VillageGroup]:
        return sorted(self.villages.values(), key=lambda v: v.code)


@dataclass
class OverdueReport:
    today: dt.date
    towns: list[TownGroup]

    @property
    def application_count(self) -> int:
        return sum(t.application_count for t in self.towns)

    @property
    def enrollment_count(self) -> int:
        return sum(t.enrollment_count for t in self.towns)


def overdue_applications(*, user, today: dt.date) -> list[Application]:
    """Applications still running whose time limit (the extended one if any) passed before ``today``."""
    return list(application_list(user=user, filters=ApplicationFilters(overdue=True), today=today)
                .order_by("area_id", "due_on"))


def overdue_reviews(*, user, today: dt.date) -> list[Enrollment]:
    """Enrollments not exited whose review date passed before ``today``."""
    return list(enrollment_scope(user).exclude(status=EnrollmentStatus.EXITED)
                .filter(review_due_on__lt=today)
                .select_related("household", "household__head").order_by("area_id", "review_due_on"))


def overdue_report(*, user, today: dt.date | None = None) -> OverdueReport:
    """Both lists grouped town → village. A record kept at town level (no village) forms its own group under
    the town, named after the town."""
    today = today or dt.date.today()
    applications = overdue_applications(user=user, today=today)
    enrollments = overdue_reviews(user=user, today=today)
    codes = {r.area_id for r in applications} | {r.area_id for r in enrollments}
    areas = {code: (name, parent, level) for code, name, parent, level in
             Area.objects.filter(code__in=codes).values_list("code", "name", "parent_id", "level")}
    town_codes = {code if level == AreaLevel.TOWN else parent for code, (_, parent, level) in areas.items()}
    town_names = dict(Area.objects.filter(code__in=town_codes).values_list("code", "name"))
    towns: dict[str, TownGroup] = {}

    def village(code: str) -> VillageGroup:
        name, parent, level = areas.get(code, (code, None, ""))
        town_code = code if level == AreaLevel.TOWN or parent is None else parent
        town = towns.setdefault(town_code, TownGroup(town_code, town_names.get(town_code, town_code)))
        return town.villages.setdefault(code, VillageGroup(code, name))

    for application in applications:
        village(application.area_id).applications.append(application)
    for enrollment in enrollments:
        village(enrollment.area_id).enrollments.append(enrollment)
    return OverdueReport(today=today, towns=sorted(towns.values(), key=lambda t: t.code))
