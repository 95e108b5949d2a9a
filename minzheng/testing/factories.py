"""Test factories: a small fixed district and people in it, built through the same actions as production
where a test is about behaviour, and directly where it only needs data to exist."""

from __future__ import annotations

import datetime as dt
import itertools

import factory

from minzheng.accounts.enums import Role
from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.areas.selectors import clear_area_cache
from minzheng.core.identifiers import make_id_number
from minzheng.registry.enums import Relation
from minzheng.registry.models import Household, Membership, Person
from minzheng.registry.pinyin import name_search_key

DISTRICT = "340471000000"
TOWN_A = "340471100000"
TOWN_B = "340471101000"
VILLAGE_A1 = "340471100201"
VILLAGE_A2 = "340471100202"
VILLAGE_B1 = "340471101201"

_AREAS = [
    (DISTRICT, "测试区", "district", "district", None),
    (TOWN_A, "甲镇", "town", "town", DISTRICT),
    (TOWN_B, "乙镇", "town", "town", DISTRICT),
    (VILLAGE_A1, "甲一村", "village", "village", TOWN_A),
    (VILLAGE_A2, "甲二村", "village", "village", TOWN_A),
    (VILLAGE_B1, "乙一村", "village", "village", TOWN_B),
]


def make_areas() -> dict[str, Area]:
    """The fixed test district: one district, towns 甲/乙, villages 甲一, 甲二 under 甲 and 乙一 under 乙."""
    from minzheng.areas.codes import prefix_of

    areas: dict[str, Area] = {}
    for code, name, level, kind, parent in _AREAS:
        areas[code], _ = Area.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "kind": kind, "parent": areas.get(parent),
                                 "prefix": prefix_of(code)})
    clear_area_cache()
    return areas


_sequence = itertools.count(1)


def unique_id_number(*, birth: dt.date | None = None, male: bool = True, area6: str = "340471") -> str:
    n = next(_sequence)
    birth = birth or dt.date(1960, 1, 1) + dt.timedelta(days=n * 37 % 20000)
    return make_id_number(area6, birth, n * 2 + (1 if male else 0), male=male)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.VILLAGE_WORKER
    password = factory.PostGenerationMethodCall("set_password", "Test@12345")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_user(role: Role, area_code: str, **kwargs) -> User:
    return UserFactory(role=role, area=Area.objects.get(code=area_code), **kwargs)


def make_person(*, name: str = "张三", area: str = VILLAGE_A1, residence: str | None = None,
                birth: dt.date | None = None, male: bool = True, **extra) -> Person:
    number = extra.pop("id_number", None) or unique_id_number(birth=birth, male=male)
    from minzheng.core.identifiers import parse_id_number

    info = parse_id_number(number)
    return Person.objects.create(name=name, id_number=info.number, sex=info.sex, birth_date=info.birth_date,
                                 hukou_area_id=area, residence_area_id=residence or area,
                                 search_pinyin=name_search_key(name), **extra)


def make_household(*, head: Person, area: str | None = None, members: list[tuple[Person, str]] = ()) -> Household:
    area = area or head.hukou_area_id
    number = f"{area}{next(_sequence):04d}"
    household = Household.objects.create(number=number, area_id=area, head=head)
    Membership.objects.create(household=household, person=head, relation=Relation.HEAD)
    for person, relation in members:
        Membership.objects.create(household=household, person=person, relation=relation)
    return household
