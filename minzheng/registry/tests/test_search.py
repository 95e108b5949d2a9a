"""Person search on the person list: Chinese names, full pinyin, initials, surnames with several readings and
ID numbers (18-digit, legacy 15-digit, malformed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minzheng.core.identifiers import make_id_number, upgrade_15_to_18
from minzheng.registry.models import Person
from minzheng.registry.tests.conftest import person_ids_on_page
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def search(users, login):
    """Search the person list as the 甲一村 worker; returns the names found."""
    client = login(users["village_a1"])

    def _search(query: str) -> set[str]:
        response = client.get(reverse("registry:person_list"), {"q": query})
        assert response.status_code == 200
        return set(Person.objects.filter(pk__in=person_ids_on_page(response.content)).values_list("name", flat=True))

    return _search


@pytest.fixture
def zhangs(areas):
    return [f.make_person(name=name) for name in ("张三", "张伟", "李四", "章子")]


@pytest.mark.parametrize("query", ["zs", "zhangsan", "ZhangSan", "zhang san"])
def test_full_pinyin_and_initials_find_the_name(zhangs, search, query):
    """Given 张三, 张伟, 李四 and 章子, when searching by 张三's pinyin or initials (any case, with spaces), then only
    张三 is found."""
    assert search(query) == {"张三"}


def test_pinyin_prefix_finds_every_name_starting_with_it(zhangs, search):
    """Given 张三, 张伟, 李四 and 章子 (also read zhang), when searching "zhang", then all three zhang names are found
    and 李四 is not."""
    assert search("zhang") == {"张三", "张伟", "章子"}


def test_chinese_text_matches_part_of_the_name(zhangs, search):
    """Given 张三 and 张伟, when searching the character 张, then both are found and nobody else."""
    assert search("张") == {"张三", "张伟"}


@pytest.mark.parametrize("query", ["shan", "dan", "stf", "dtf"])
def test_surname_shan_is_found_by_both_readings(areas, search, query):
    """Given 单田芳 (单 is read shan as a surname, dan in common words), when searching either reading or its
    initials, then 单田芳 is found."""
    f.make_person(name="单田芳")
    f.make_person(name="李四")
    assert search(query) == {"单田芳"}


@pytest.mark.parametrize("query", ["zeng", "ceng", "zgf", "cgf"])
def test_surname_zeng_is_found_by_both_readings(areas, search, query):
    """Given 曾国藩 (曾 is zeng as a surname, ceng as an adverb), when searching either reading, then he is found."""
    f.make_person(name="曾国藩")
    f.make_person(name="李四")
    assert search(query) == {"曾国藩"}


def test_pinyin_matches_only_at_the_start_of_a_token(zhangs, search):
    """Given 张三 (key " zhangsan zs "), when searching "hangsan" (the middle of a token), then nothing is found."""
    assert search("hangsan") == set()


def test_valid_id_number_finds_exactly_that_person(areas, search):
    """Given two persons, when searching one's 18-digit ID number, then exactly that person is found."""
    target = f.make_person(name="张三")
    f.make_person(name="张伟")
    assert search(target.id_number) == {"张三"}


def test_id_number_with_lowercase_x_and_spaces_is_normalized(areas, search):
    """Given a person whose ID ends in X, when searching it with a lowercase x and spaces, then they are found."""
    number = next(n for n in (make_id_number("340471", dt.date(1980, 5, d), 11, male=True) for d in range(1, 29))
                  if n.endswith("X"))
    f.make_person(name="张三", id_number=number)
    spaced = f"{number[:6]} {number[6:14]} {number[14:].lower()}"
    assert search(spaced) == {"张三"}


def test_id_number_with_bad_checksum_finds_nothing(areas, search):
    """Given a person, when searching their ID number with the check digit changed, then nothing is found (no
    prefix or fuzzy match on an ID-looking query)."""
    person = f.make_person(name="张三")
    wrong = person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1")
    assert search(wrong) == set()


def test_partial_id_number_finds_nothing(areas, search):
    """Given a person, when searching the first 16 digits of their ID number, then nothing is found."""
    person = f.make_person(name="张三")
    assert search(person.id_number[:16]) == set()


def test_legacy_15_digit_number_finds_the_upgraded_person(areas, search):
    """Given a person stored under the 18-digit upgrade of a first-generation number, when searching the old
    15-digit number, then that person is found."""
    legacy = "340471750312123"
    f.make_person(name="张三", id_number=upgrade_15_to_18(legacy))
    f.make_person(name="张伟")
    assert search(legacy) == {"张三"}


def test_search_results_stay_inside_the_users_area(areas, search):
    """Given 张三 in 甲一村 and 张伟 in 乙一村, when the 甲一村 worker searches "zhang", then only 张三 is found."""
    f.make_person(name="张三", area=f.VILLAGE_A1)
    f.make_person(name="张伟", area=f.VILLAGE_B1)
    assert search("zhang") == {"张三"}
