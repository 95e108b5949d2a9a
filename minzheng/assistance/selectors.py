"""All reads of applications and enrollments, scoped to the acting user's area (prefix of the area code)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from minzheng.accounts.permissions import Perm, has_perm
from minzheng.assistance.models import (
    RUNNING,
    Application,
    ApplicationDecision,
    Enrollment,
    EnrollmentStatus,
)
from minzheng.registry.models import Person


def application_scope(user) -> QuerySet[Application]:
    if not has_perm(user, Perm.ASSISTANCE_VIEW):
        return Application.objects.none()
    return Application.objects.filter(area__code__startswith=user.area_prefix)


def enrollment_scope(user) -> QuerySet[Enrollment]:
    if not has_perm(user, Perm.ASSISTANCE_VIEW):
        return Enrollment.objects.none()
    return Enrollment.objects.filter(area__code__startswith=user.area_prefix)


@dataclass(frozen=True)
class ApplicationFilters:
    status: str = ""
    area: str = ""
    overdue: bool = False


def _overdue_q(today: dt.date) -> Q:
    return Q(status__in=RUNNING) & (Q(extended_due_on__lt=today)
                                    | Q(extended_due_on__isnull=True, due_on__lt=today))


def application_list(*, user, filters: ApplicationFilters | None = None,
                     today: dt.date | None = None) -> QuerySet[Application]:
    filters = filters or ApplicationFilters()
    today = today or dt.date.today()
    qs = application_scope(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.area:
        qs = qs.filter(area__code__startswith=filters.area)
    if filters.overdue:
        qs = qs.filter(_overdue_q(today))
    return qs.select_related("household", "applicant", "area").order_by("-filed_on", "-created_at")


def overdue_count(*, user, today: dt.date | None = None) -> int:
    return application_scope(user).filter(_overdue_q(today or dt.date.today())).count()


def current_decisions(*, application: Application) -> list[ApplicationDecision]:
    from minzheng.assistance.determination import PROGRAMS

    order = {program: index for index, program in enumerate(PROGRAMS)}
    rows = list(application.decisions.filter(is_current=True))
    return sorted(rows, key=lambda row: order.get(row.program, len(order)))


def persons_by_id(ids) -> dict[str, Person]:
    """Persons named in a snapshot or decision, by UUID string. The caller has passed the record's access check."""
    return {str(p.pk): p for p in Person.objects.filter(pk__in=list(ids))}


@dataclass(frozen=True)
class EnrollmentFilters:
    program: str = ""
    status: str = ""
    area: str = ""


def enrollment_list(*, user, filters: EnrollmentFilters | None = None) -> QuerySet[Enrollment]:
    filters = filters or EnrollmentFilters()
    qs = enrollment_scope(user)
    if filters.program:
        qs = qs.filter(program=filters.program)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.area:
        qs = qs.filter(area__code__startswith=filters.area)
    return qs.select_related("household", "household__head", "area").order_by("-starts_on", "-created_at")


def open_enrollment_exists(*, household_id, program: str) -> bool:
    return Enrollment.objects.filter(household_id=household_id, program=program).exclude(
        status=EnrollmentStatus.EXITED).exists()
