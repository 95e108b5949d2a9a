"""Assistance cases for the demo district, so that a newcomer sees applications at every stage, enrolled
households, overdue items and temporary assistance — all made through the real actions by the demo users,
with dates in the recent past, deterministic from the seed."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.assistance import actions, tempaid
from minzheng.assistance.actions import ApplicationInput, MemberEntry
from minzheng.assistance.enums import ApplicationPlace, IncomeKind
from minzheng.core.identifiers import make_id_number
from minzheng.registry.models import Household

# How far each demo application gets, with its share of the cases.
STAGES = [("approved", 45), ("public_notice", 12), ("town_reviewed", 8), ("investigating", 10),
          ("accepted", 10), ("submitted", 8), ("denied", 7)]


def _stage(rng: random.Random) -> str:
    roll = rng.uniform(0, sum(weight for _, weight in STAGES))
    for name, weight in STAGES:
        roll -= weight
        if roll <= 0:
            return name
    return STAGES[0][0]


def _town_user(area_code: str) -> User:
    return User.objects.get(role="town_reviewer", area_id=area_code[:9] + "000")


def _filer(area_code: str) -> User:
    return User.objects.filter(role="village_worker", area_id=area_code).first() or _town_user(area_code)


def _input(rng: random.Random, household: Household, today: dt.date) -> ApplicationInput | None:
    members = []
    for membership in household.memberships.filter(ended_on__isnull=True).select_related("person"):
        person = membership.person
        if person.death_date:
            continue
        income: dict[str, int] = {}
        age = person.age_on(today)
        if 18 <= age < 60 and rng.random() < 0.6:
            income[IncomeKind.WAGE] = rng.randrange(0, 90_000, 5_000)
        if age >= 60:
            income[IncomeKind.BASIC_PENSION] = rng.choice([15_000, 18_000, 22_000])
        members.append(MemberEntry(person_id=str(person.pk), relation=membership.relation,
                                   living_together=membership.living_together, status=membership.status,
                                   serious_illness=rng.random() < 0.08, student=18 <= age <= 22 and rng.random() < 0.5,
                                   income_fen=income))
    if not members:
        return None
    return ApplicationInput(members=members, deposits_fen=rng.choice([0, 0, 200_000, 800_000]),
                            homes=1, rigid_expenses_12m_fen=rng.choice([0, 0, 1_200_000, 3_000_000]),
                            check_authorized=True)


def seed_assistance(*, seed: int = 2025, per_village: int = 3, today: dt.date | None = None) -> dict[str, int]:
    rng = random.Random(seed * 7919)
    today = today or timezone.localdate()
    approver = User.objects.get(username="qu_shenpi")
    counts = {"applications": 0, "enrollments": 0, "temp_aid": 0}
    for village in Area.objects.filter(level="village").order_by("code"):
        households = list(Household.objects.filter(area=village).order_by("number")[:200])
        rng.shuffle(households)
        for household in households[:per_village]:
            data = _input(rng, household, today)
            head = household.head
            if data is None or head is None or head.death_date:
                continue
            stage = _stage(rng)
            filed = today - dt.timedelta(days=rng.randint(5, 70) if stage != "approved" else rng.randint(40, 300))
            town = _town_user(village.code)
            with transaction.atomic():
                application = actions.application_create(acting_user=_filer(village.code), household=household,
                                                         applicant=head, place=ApplicationPlace.HUKOU, data=data,
                                                         filed_on=filed)
                counts["applications"] += 1
                if stage == "submitted":
                    continue
                actions.application_accept(acting_user=town, application=application, today=filed + dt.timedelta(1))
                if stage == "accepted":
                    continue
                visit = filed + dt.timedelta(days=4)
                actions.application_investigate(acting_user=town, application=application, economic_check=True,
                                                 home_visit_on=visit, today=visit,
                                                 notes="入户调查：家庭成员、收入和财产情况与申报一致。")
                if stage == "investigating":
                    continue
                actions.application_town_review(acting_user=town, application=application,
                                                opinion="经入户调查和经济状况核对，情况属实，同意上报。")
                if stage == "town_reviewed":
                    continue
                published = filed + dt.timedelta(days=8)
                actions.application_publish_notice(acting_user=town, application=application, today=published)
                if stage == "public_notice":
                    continue
                if application.status == "public_notice":
                    actions.application_end_notice(acting_user=town, application=application,
                                                   today=application.notice_ends_on)
                decided = filed + dt.timedelta(days=18)
                if stage == "denied":
                    actions.application_deny(acting_user=approver, application=application,
                                             reason="家庭人均收入高于当地低保标准，不符合条件。", today=decided)
                    continue
                if not application.decisions.filter(is_current=True, eligible=True).exclude(
                        program="temp_aid").exists():
                    actions.application_deny(acting_user=approver, application=application,
                                             reason="经认定不符合各类救助条件。", today=decided)
                    continue
                counts["enrollments"] += len(actions.application_approve(acting_user=approver,
                                                                         application=application, today=decided))
    counts["temp_aid"] = _seed_temp_aid(rng, today)
    return counts


def _seed_temp_aid(rng: random.Random, today: dt.date) -> int:
    made = 0
    causes = ["fire", "traffic", "illness", "disaster", "medical_expense"]
    for index, village in enumerate(Area.objects.filter(level="village").order_by("code")[:10]):
        on = today - dt.timedelta(days=rng.randint(2, 40))
        cause = causes[index % len(causes)]
        number = make_id_number(rng.choice(["340471", "340421", "410526"]), dt.date(1960 + index * 3, 3, 1 + index),
                                100 + index * 2, male=index % 2 == 0)
        case = tempaid.temp_aid_create(
            acting_user=_filer(village.code), area=village, applicant_name=rng.choice(["刘建华", "王秀兰", "张志强"]),
            applicant_id_number=number, kind="expenditure" if cause == "medical_expense" else "emergency",
            cause=cause, description="突发困难，基本生活暂时出现严重困难。",
            loss_fen=rng.choice([180_000, 350_000, 900_000]), household_size=rng.randint(1, 5), on=on)
        town = _town_user(village.code)
        if case.kind == "emergency" and case.approval_level == "town":
            tempaid.temp_aid_pay_first(acting_user=town, case=case, on=on)
        else:
            tempaid.temp_aid_investigate(acting_user=town, case=case, investigation="核实票据与损失情况属实。")
        made += 1
    return made
