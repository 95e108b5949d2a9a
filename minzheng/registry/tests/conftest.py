"""Registry test data: a small populated district for scoping, plus helpers that read pages and exports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO

import pytest
from openpyxl import load_workbook

from minzheng.areas.codes import prefix_of
from minzheng.areas.models import Area
from minzheng.areas.selectors import clear_area_cache
from minzheng.registry.enums import Relation
from minzheng.registry.models import Household, Person
from minzheng.testing import factories as f

# A second district, outside the test district, so district-level roles also have something they must not see.
OTHER_DISTRICT = "340472000000"
OTHER_TOWN = "340472100000"
OTHER_VILLAGE = "340472100201"

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_PERSON_LINK = re.compile(rf"/registry/persons/({_UUID})/")
_HOUSEHOLD_LINK = re.compile(rf"/registry/households/({_UUID})/")


@dataclass
class World:
    """Persons and households keyed by short names: a1, a2, b1 (one per village), cross (hukou in 乙一村,
    living in 甲一村) and other (in another district)."""

    persons: dict[str, Person] = field(default_factory=dict)
    households: dict[str, Household] = field(default_factory=dict)

    def person_key(self, pk) -> str:
        return next(key for key, person in self.persons.items() if str(person.pk) == str(pk))

    def household_key(self, pk) -> str:
        return next(key for key, household in self.households.items() if str(household.pk) == str(pk))

    @property
    def id_numbers(self) -> list[str]:
        return [person.id_number for person in self.persons.values()]


# key: name, full pinyin, initials, hukou area, residence area
PEOPLE = {
    "a1": ("张三", "zhangsan", "zs", f.VILLAGE_A1, f.VILLAGE_A1),
    "a2": ("李四", "lisi", "ls", f.VILLAGE_A2, f.VILLAGE_A2),
    "b1": ("王五", "wangwu", "ww", f.VILLAGE_B1, f.VILLAGE_B1),
    "cross": ("赵六", "zhaoliu", "zl", f.VILLAGE_B1, f.VILLAGE_A1),
    "other": ("孙七", "sunqi", "sq", OTHER_VILLAGE, OTHER_VILLAGE),
}


def make_other_district() -> None:
    parent = None
    for code, name, level in [(OTHER_DISTRICT, "邻区", "district"), (OTHER_TOWN, "丙镇", "town"),
                              (OTHER_VILLAGE, "丙一村", "village")]:
        parent = Area.objects.create(code=code, name=name, level=level, kind=level, parent=parent,
                                     prefix=prefix_of(code))
    clear_area_cache()


@pytest.fixture
def world(areas) -> World:
    """Households a1, a2, b1 and other each headed by the person of the same key; cross is a child in b1."""
    make_other_district()
    world = World()
    for key, (name, _, _, hukou, residence) in PEOPLE.items():
        world.persons[key] = f.make_person(name=name, area=hukou, residence=residence)
    for key in ("a1", "a2", "b1", "other"):
        members = [(world.persons["cross"], Relation.CHILD)] if key == "b1" else []
        world.households[key] = f.make_household(head=world.persons[key], members=members)
    return world


def person_ids_on_page(content: bytes) -> set[str]:
    return set(_PERSON_LINK.findall(content.decode()))


def household_ids_on_page(content: bytes) -> set[str]:
    return set(_HOUSEHOLD_LINK.findall(content.decode()))


def xlsx_rows(content: bytes) -> list[tuple]:
    """The data rows of the first sheet of an .xlsx response (the header row is dropped)."""
    sheet = load_workbook(BytesIO(content), read_only=True).worksheets[0]
    return [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in row)]


def xlsx_text(content: bytes) -> str:
    sheet = load_workbook(BytesIO(content), read_only=True).worksheets[0]
    return "\n".join(" ".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True))


def assert_no_full_id(body: bytes | str, id_numbers) -> None:
    text = body.decode() if isinstance(body, bytes) else body
    leaked = [number for number in id_numbers if number in text]
    assert not leaked, f"unmasked ID numbers in the response: {leaked}"
