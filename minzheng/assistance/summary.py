"""The assistance figures on the home dashboard, for the user's area."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from minzheng.assistance.selectors import application_scope, enrollment_scope, overdue_count

_OPEN = ["submitted", "incomplete", "accepted", "investigating", "town_reviewed", "public_notice", "reinvestigating",
         "district_review"]


@dataclass(frozen=True)
class AssistanceSummary:
    enrolled_households: int
    monthly_amount_fen: int
    open_applications: int
    overdue: int
    by_program: list[tuple[str, int, int]]  # (program label, households, monthly fen)


def assistance_summary(*, user, today: dt.date) -> AssistanceSummary:
    from minzheng.assistance.enums import Program

    active = enrollment_scope(user).filter(status__in=["active", "phase_out"])
    totals = active.aggregate(households=Count("household", distinct=True), amount=Sum("monthly_amount_fen"))
    labels = dict(Program.choices)
    rows = (active.values("program").annotate(households=Count("household", distinct=True),
                                              amount=Sum("monthly_amount_fen")).order_by("program"))
    return AssistanceSummary(
        enrolled_households=totals["households"] or 0,
        monthly_amount_fen=totals["amount"] or 0,
        open_applications=application_scope(user).filter(Q(status__in=_OPEN)).count(),
        overdue=overdue_count(user=user, today=today),
        by_program=[(labels.get(r["program"], r["program"]), r["households"], r["amount"] or 0) for r in rows],
    )
