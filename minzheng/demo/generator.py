"""The demo district: deterministic from a seed, shaped like a real district, entirely fictional.

Three towns, thirty villages and communities, about 40,000 households and 120,000 persons with
realistic ages, household compositions, hukou versus residence, disabilities, deaths, elderly people
living alone and children; plus one user per role and level. ``persons`` scales it for benchmarks.
Everything random comes from one ``random.Random(seed)``, so a seed always gives the same district,
UUIDs included.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from django.db import connection, transaction

from minzheng.accounts.actions import user_create
from minzheng.accounts.models import User
from minzheng.areas.codes import prefix_of
from minzheng.areas.models import Area
from minzheng.areas.selectors import clear_area_cache
from minzheng.audit.models import Event
from minzheng.core.bulk import bulk_insert
from minzheng.core.identifiers import id_check_char
from minzheng.demo import data
from minzheng.registry.enums import MemberStatus, Relation, SelfCare
from minzheng.registry.models import Household, Membership, Person
from minzheng.registry.pinyin import name_search_key

REFERENCE_DAY = dt.date(2025, 10, 1)  # ages are drawn relative to this day, so the district never drifts


@dataclass(frozen=True)
class DemoSummary:
    areas: int
    households: int
    persons: int
    users: int
    seconds: float


class _Weighted:
    def __init__(self, pairs):
        self.values = [value for value, _ in pairs]
        self.cumulative = list(accumulate(weight for _, weight in pairs))

    def pick(self, rng: random.Random):
        return self.values[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


_SURNAMES = _Weighted(data.SURNAMES)
_SIZES = _Weighted(data.HOUSEHOLD_SIZES)
_DIS_KINDS = _Weighted(data.DISABILITY_KINDS)
_DIS_GRADES = _Weighted(data.DISABILITY_GRADES)

search_key = name_search_key


def create_areas() -> list[Area]:
    district_code, district_name = data.DISTRICT
    district = Area(code=district_code.ljust(12, "0"), name=district_name, level="district", kind="district",
                    prefix=district_code)
    areas = [district]
    for town_code, town_name, town_kind, villages in data.TOWNS:
        town = Area(code=town_code + "000", name=town_name, level="town", kind=town_kind, parent=district,
                    prefix=town_code)
        areas.append(town)
        for suffix, name, kind in villages:
            code = town_code + suffix
            areas.append(Area(code=code, name=name, level="village", kind=kind, parent=town, prefix=prefix_of(code)))
    Area.objects.bulk_create(areas)
    clear_area_cache()
    return areas


def create_users(stdout: Callable[[str], None] | None = None) -> list[User]:
    areas = {a.code: a for a in Area.objects.all()}
    users = []
    for username, full_name, role, area_code in data.USERS:
        users.append(user_create(acting_user=None, username=username, full_name=full_name, role=role,
                                 area=areas[area_code], password=data.DEMO_PASSWORD, system=True))
    return users


class _PersonFactory:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used_ids: set[str] = set()

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def name(self, surname: str, male: bool) -> str:
        pool = data.MALE_CHARS if male else data.FEMALE_CHARS
        given = self.rng.choice(pool)
        if self.rng.random() < 0.72:
            given += self.rng.choice(pool)
        return surname + given

    def id_number(self, birth: dt.date, male: bool, local: bool) -> str:
        prefix = "340471" if local else self.rng.choice(data.OTHER_ID_PREFIXES)
        while True:
            seq = self.rng.randrange(0, 1000)
            if (seq % 2 == 1) != male:
                seq = seq + 1 if seq < 999 else seq - 1
            body = f"{prefix}{birth:%Y%m%d}{seq:03d}"
            number = body + id_check_char(body)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def birth(self, age: int) -> dt.date:
        start = dt.date(REFERENCE_DAY.year - age - 1, REFERENCE_DAY.month, REFERENCE_DAY.day) + dt.timedelta(days=1)
        return start + dt.timedelta(days=self.rng.randrange(0, 365))

    def phone(self) -> str:
        return self.rng.choice(["13", "15", "18", "17", "19"]) + f"{self.rng.randrange(0, 10**9):09d}"


def _age_of_head(rng: random.Random, size: int) -> int:
    if size == 1:
        # Single-person households skew old: many are elderly people living alone.
        return min(98, max(20, int(rng.triangular(20, 97, 72))))
    return min(92, max(22, int(rng.triangular(22, 90, 52))))


def _build_household(factory: _PersonFactory, village: Area, villages: list[Area], serial: int):
    rng = factory.rng
    size = _SIZES.pick(rng)
    surname = _SURNAMES.pick(rng)
    head_male = rng.random() < (0.55 if size == 1 else 0.82)
    head_age = _age_of_head(rng, size)
    members: list[tuple[str, bool, int, str]] = [(surname, head_male, head_age, Relation.HEAD)]
    if size >= 2:
        spouse_age = max(20, head_age + rng.randint(-6, 4))
        members.append((_SURNAMES.pick(rng), not head_male, spouse_age, Relation.SPOUSE))
    remaining = size - len(members)
    for _ in range(remaining):
        roll = rng.random()
        if head_age >= 62 and roll < 0.35:
            child_age = max(0, head_age - rng.randint(24, 34))
            grand_age = max(0, child_age - rng.randint(22, 32))
            members.append((surname, rng.random() < 0.52, grand_age, Relation.GRANDCHILD))
        elif head_age <= 58 and roll > 0.82:
            members.append((surname, rng.random() < 0.45, min(100, head_age + rng.randint(22, 32)), Relation.PARENT))
        else:
            members.append((surname, rng.random() < 0.52, max(0, head_age - rng.randint(20, 36)), Relation.CHILD))

    household_id = factory.uuid()
    number = f"{village.code}{serial:04d}"
    address = f"{village.name}{rng.randint(1, 30)}组{rng.randint(1, 120)}号"
    moved = rng.random() < 0.08
    residence = rng.choice(villages) if moved else village
    persons: list[Person] = []
    memberships: list[Membership] = []
    for index, (family_name, male, age, relation) in enumerate(members):
        birth = factory.birth(age)
        local = rng.random() < 0.9
        person = Person(
            id=factory.uuid(), name=factory.name(family_name, male), id_number=factory.id_number(birth, male, local),
            sex="M" if male else "F", birth_date=birth, ethnicity="01" if rng.random() < 0.985 else "03",
            hukou_area_id=village.code, residence_area_id=residence.code, address=address,
            phone=factory.phone() if age >= 18 and rng.random() < 0.75 else "",
        )
        if rng.random() < (0.16 if age >= 60 else 0.045):
            person.disability_kind = _DIS_KINDS.pick(rng)
            person.disability_grade = _DIS_GRADES.pick(rng)
        if age >= 85:
            roll = rng.random()
            person.self_care = SelfCare.NONE if roll < 0.18 else SelfCare.PARTIAL if roll < 0.5 else SelfCare.FULL
        elif person.disability_grade in (1, 2):
            person.self_care = SelfCare.PARTIAL if rng.random() < 0.6 else SelfCare.NONE
        # Deaths in the last three years: more likely with age; a dead head keeps the household open.
        ended_on = None
        if index > 0 and rng.random() < (0.06 if age >= 75 else 0.003):
            person.death_date = REFERENCE_DAY - dt.timedelta(days=rng.randrange(1, 1000))
            if person.death_date <= birth:
                person.death_date = None
            else:
                ended_on = person.death_date
        person.search_pinyin = search_key(person.name)
        status = MemberStatus.NORMAL
        if 18 <= age <= 60 and index > 0:
            roll = rng.random()
            if roll < 0.004:
                status = MemberStatus.IMPRISONED
            elif roll < 0.005:
                status = MemberStatus.DECLARED_MISSING
            elif roll < 0.0055:
                status = MemberStatus.COMPULSORY_REHAB
        living = status == MemberStatus.NORMAL and not (relation == Relation.CHILD and 18 <= age <= 45
                                                        and rng.random() < 0.3)
        persons.append(person)
        started = max(birth, dt.date(2015, 1, 1))
        memberships.append(Membership(id=factory.uuid(), household_id=household_id, person_id=person.id,
                                      relation=relation, living_together=living, status=status,
                                      started_on=started, ended_on=ended_on))
    household = Household(id=household_id, number=number, area_id=village.code, address=address,
                          head_id=persons[0].id)
    return household, persons, memberships


def generate_demo(*, seed: int = 2025, persons: int = 120_000, with_users: bool = True,
                  progress: Callable[[int, int], None] | None = None,
                  stdout: Callable[[str], None] | None = None,
                  insert: Callable[[type, list], object] = bulk_insert) -> DemoSummary:
    """Create the demo district in an empty database. ``insert`` loads each batch of one model
    (the benchmark swaps in Django's ``bulk_create`` as its baseline)."""
    started = time.monotonic()
    rng = random.Random(seed)
    factory = _PersonFactory(rng)
    with transaction.atomic():
        areas = create_areas()
        users = create_users(stdout) if with_users else []
        # The demo parameters (演示参数) come with migrations; a database flushed since (the transactional
        # tests do that) gets them back here, so a generated district always has its standards.
        from minzheng.policy.demo import ensure_demo_parameters

        ensure_demo_parameters()
    villages = [a for a in areas if a.level == "village"]
    # Villages differ in size: weights keep the district from looking machine-made.
    weights = [rng.uniform(0.6, 1.6) * (1.4 if a.kind == "community" else 1.0) for a in villages]
    chooser = _Weighted(list(zip(villages, weights, strict=True)))
    serials = dict.fromkeys((v.code for v in villages), 0)

    made_persons = made_households = 0
    batch_households: list[Household] = []
    batch_persons: list[Person] = []
    batch_members: list[Membership] = []
    batch_size = 20_000

    def flush() -> None:
        with transaction.atomic():
            insert(Person, batch_persons)
            insert(Household, batch_households)
            insert(Membership, batch_members)
        batch_households.clear()
        batch_persons.clear()
        batch_members.clear()

    while made_persons < persons:
        village = chooser.pick(rng)
        serials[village.code] += 1
        household, people, members = _build_household(factory, village, villages, serials[village.code])
        if made_persons + len(people) > persons:
            cut = persons - made_persons
            people, members = people[:cut], members[:cut]
        batch_households.append(household)
        batch_persons.extend(people)
        batch_members.extend(members)
        made_persons += len(people)
        made_households += 1
        if len(batch_persons) >= batch_size:
            flush()
            if progress:
                progress(made_persons, persons)
    if batch_persons:
        flush()
        if progress:
            progress(made_persons, persons)

    district = areas[0]
    Event.objects.create(actor=None, action="demo.generate", object_type="areas.area", object_id=district.code,
                         object_repr=district.name, area_code=district.code,
                         after={"seed": seed, "persons": made_persons, "households": made_households},
                         note="演示数据生成")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return DemoSummary(areas=len(areas), households=made_households, persons=made_persons, users=len(users),
                       seconds=time.monotonic() - started)


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, password, role label, area name) of every demo user, for the console."""
    areas = {a.code: a.name for a in Area.objects.all()}
    from minzheng.accounts.enums import Role

    return [(username, data.DEMO_PASSWORD, Role(role).label, areas.get(code, code))
            for username, _, role, code in data.USERS]
