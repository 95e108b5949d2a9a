"""Social assistance as payable programs: 低保, 单人保 and 特困 from their enrollments, 临时救助 from approved cases.

Payments knows nothing of enrollments; this module turns them into ``Source`` rows with a month-by-month schedule
read from the enrollment's change history (动态管理): the amount in force, zero while suspended, after the exit or
after the end of phase-out. A change dated the first of a month applies to that month; a change dated later in a
month applies from the next month (the month it happened in is paid as it was).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q

from minzheng.assistance.determination import tekun_basic_monthly_fen
from minzheng.assistance.enums import Program
from minzheng.assistance.models import Enrollment, EnrollmentChange, EnrollmentStatus
from minzheng.assistance.standards import standards_for
from minzheng.assistance.tempaid_models import TempAidCase, TempAidStatus
from minzheng.payments.programs import PayableProgram, Source, month_start, next_month, register_program
from minzheng.registry.models import Household, Person

PAYING_STATUSES = frozenset({EnrollmentStatus.ACTIVE, EnrollmentStatus.PHASE_OUT})
# Programs of basic living support exclude each other (a 特困 person is not also in 低保).
BASIC_LIVING = "basic_living"


def _applies_from(day: dt.date) -> dt.date:
    return month_start(day) if day.day == 1 else next_month(month_start(day))


def enrollment_schedule(enrollment: dict, changes: list[dict]) -> tuple[tuple[dt.date, int], ...]:
    """The monthly amount as a step function from the enrollment's start, its changes and its end."""
    first_amount = changes[0]["amount_before_fen"] if changes else enrollment["monthly_amount_fen"]
    points: list[tuple[dt.date, int]] = [(month_start(enrollment["starts_on"]), first_amount)]
    for change in changes:
        paying = change["status_after"] in PAYING_STATUSES
        points.append((_applies_from(change["effective_on"]), change["amount_after_fen"] if paying else 0))
    if enrollment["status"] == EnrollmentStatus.EXITED and enrollment["exited_on"]:
        points.append((_applies_from(enrollment["exited_on"]), 0))
    if enrollment["status"] == EnrollmentStatus.PHASE_OUT and enrollment["phaseout_ends_on"]:
        points.append((next_month(month_start(enrollment["phaseout_ends_on"])), 0))
    points.sort(key=lambda p: p[0])  # stable: same-month points keep their order, the last one wins
    merged: dict[dt.date, int] = {}
    for month, amount in points:
        merged[month] = amount
    return tuple(sorted(merged.items()))


class EnrollmentProgram(PayableProgram):
    exclusive_group = BASIC_LIVING

    def __init__(self, program: Program, *, protect_minors: bool = False):
        self.code = program.value
        self.label = program.label
        self.protect_minors = protect_minors

    def _enrollments(self, area_prefix: str, period: dt.date):
        # Exited enrollments stay a while so that an exit recorded late can settle the months already paid.
        recent_exit = month_start(period) - dt.timedelta(days=400)
        return (Enrollment.objects.filter(program=self.code, area__code__startswith=area_prefix,
                                          starts_on__lt=next_month(period))
                .filter(~Q(status=EnrollmentStatus.EXITED) | Q(exited_on__gte=recent_exit)))

    def count_sources(self, *, area_prefix: str, period: dt.date) -> int:
        return self._enrollments(area_prefix, period).count()

    def sources(self, *, area_prefix: str, period: dt.date, after: str | None = None,
                limit: int | None = None) -> list[Source]:
        rows = self._enrollments(area_prefix, period).order_by("pk")
        if after:
            rows = rows.filter(pk__gt=after.split(":", 1)[1])
        if limit:
            rows = rows[:limit]
        enrollments = list(rows.values("pk", "household_id", "area_id", "person_ids", "monthly_amount_fen",
                                       "starts_on", "status", "exited_on", "phaseout_ends_on", "last_reviewed_on"))
        if not enrollments:
            return []
        changes: dict = defaultdict(list)
        for change in (EnrollmentChange.objects.filter(enrollment_id__in=[e["pk"] for e in enrollments])
                       .order_by("effective_on", "created_at")
                       .values("enrollment_id", "status_after", "amount_before_fen", "amount_after_fen",
                               "effective_on")):
            changes[change["enrollment_id"]].append(change)
        heads = dict(Household.objects.filter(pk__in={e["household_id"] for e in enrollments})
                     .values_list("pk", "head_id"))
        wanted = {str(h) for h in heads.values() if h} | {pid for e in enrollments for pid in e["person_ids"]}
        persons = {str(p["pk"]): p for p in Person.objects.filter(pk__in=list(wanted))
                   .values("pk", "name", "id_number_bidx")}
        basic_by_area: dict[str, int] = {}
        sources = []
        for e in enrollments:
            person_ids = tuple(sorted(str(pid) for pid in e["person_ids"]))
            head = str(heads.get(e["household_id"]) or "")
            payee_id = head if head in person_ids or not person_ids else person_ids[0]
            payee = persons.get(payee_id, {"name": "", "id_number_bidx": ""})
            schedule = enrollment_schedule(e, changes.get(e["pk"], []))
            components: dict[str, int] = {}
            if self.code == Program.TEKUN:
                current = next((a for m, a in reversed(schedule) if m <= period), 0)
                if e["area_id"] not in basic_by_area:
                    basic_by_area[e["area_id"]] = tekun_basic_monthly_fen(standards_for(e["area_id"], period))
                basic = min(current, basic_by_area[e["area_id"]] * max(len(person_ids), 1))
                components = {"基本生活费": basic, "照料护理费": current - basic}
            sources.append(Source(
                key=f"enrollment:{e['pk']}", area_code=e["area_id"], payee_name=payee["name"],
                payee_id_bidx=payee["id_number_bidx"] or "", schedule=schedule, person_ids=person_ids,
                household_id=str(e["household_id"]), payee_person_id=payee_id or None,
                last_reviewed_on=e["last_reviewed_on"], components=components))
        return sources

    def covered_person_ids(self, *, area_prefix: str, period: dt.date) -> set[str]:
        covered: set[str] = set()
        rows = (self._enrollments(area_prefix, period).filter(status__in=list(PAYING_STATUSES))
                .values_list("person_ids", flat=True))
        for person_ids in rows:
            covered.update(str(pid) for pid in person_ids)
        return covered


class TempAidProgram(PayableProgram):
    """Approved temporary-aid cases not paid first in cash (先行救助): paid once, in the month of approval (or, if
    that month's payroll has passed, as arrears in the next run)."""

    code = Program.TEMP_AID.value
    label = Program.TEMP_AID.label

    def _cases(self, area_prefix: str, period: dt.date):
        since = month_start(period) - dt.timedelta(days=400)
        return TempAidCase.objects.filter(area__code__startswith=area_prefix, decided_on__isnull=False,
                                          decided_on__lt=next_month(period), decided_on__gte=since,
                                          status__in=[TempAidStatus.APPROVED, TempAidStatus.PAID])

    def count_sources(self, *, area_prefix: str, period: dt.date) -> int:
        return self._cases(area_prefix, period).count()

    def sources(self, *, area_prefix: str, period: dt.date, after: str | None = None,
                limit: int | None = None) -> list[Source]:
        rows = self._cases(area_prefix, period).order_by("pk")
        if after:
            rows = rows.filter(pk__gt=after.split(":", 1)[1])
        if limit:
            rows = rows[:limit]
        sources = []
        for case in rows.values("pk", "area_id", "applicant_name", "applicant_id_bidx", "person_id", "amount_fen",
                                "decided_on"):
            month = month_start(case["decided_on"])
            person = str(case["person_id"]) if case["person_id"] else None
            sources.append(Source(
                key=f"tempaid:{case['pk']}", area_code=case["area_id"], payee_name=case["applicant_name"],
                payee_id_bidx=case["applicant_id_bidx"] or "",
                schedule=((month, case["amount_fen"]), (next_month(month), 0)),
                person_ids=(person,) if person else (), payee_person_id=person,
                last_reviewed_on=case["decided_on"]))
        return sources

    def on_paid(self, source_keys, paid_on: dt.date) -> None:
        from minzheng.audit.actions import record_event

        ids = [key.split(":", 1)[1] for key in source_keys if key.startswith("tempaid:")]
        for case in TempAidCase.objects.filter(pk__in=ids, status=TempAidStatus.APPROVED):
            case.status = TempAidStatus.PAID
            case.paid_on = paid_on
            case.save(update_fields=["status", "paid_on", "updated_at"])
            record_event(actor=None, action="temp_aid.pay", obj=case, area_code=case.area_id,
                         before={"status": TempAidStatus.APPROVED}, after={"status": TempAidStatus.PAID},
                         note="银行回盘确认发放成功")


def register() -> None:
    register_program(EnrollmentProgram(Program.DIBAO))
    register_program(EnrollmentProgram(Program.INDIVIDUAL_DIBAO))
    register_program(EnrollmentProgram(Program.TEKUN, protect_minors=True))
    register_program(TempAidProgram())
