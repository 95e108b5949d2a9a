"""List pages run a fixed number of queries however many rows they show (no N+1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minzheng.registry.enums import Relation
from minzheng.registry.tests.conftest import household_ids_on_page
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db

# Session, user, count, page rows, the area choices and the area-name index (when not yet cached): six, plus one
# spare. A query per row would add twenty.
MAX_QUERIES = 7


def _people(count: int) -> list:
    villages = [f.VILLAGE_A1, f.VILLAGE_A2]
    return [f.make_person(name=f"张{i}", area=villages[i % 2], residence=villages[(i + 1) % 2],
                          disability_kind="physical" if i % 3 == 0 else "", disability_grade=2 if i % 3 == 0 else None)
            for i in range(count)]


def _households(count: int) -> None:
    for head in _people(count):
        f.make_household(head=head, members=[(f.make_person(name="李某", area=head.hukou_area_id), Relation.SPOUSE)])


@pytest.mark.parametrize("rows", [1, 20])
def test_person_list_query_count_does_not_grow_with_rows(users, login, django_assert_max_num_queries, rows):
    """Given 1 or a full page of 20 persons across two villages, when the town reviewer opens the person list,
    then it takes at most a fixed number of queries."""
    _people(rows)
    client = login(users["town_a"])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("registry:person_list"))
    assert response.content.decode().count('data-testid="person-link"') == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_household_list_query_count_does_not_grow_with_rows(users, login, django_assert_max_num_queries, rows):
    """Given 1 or a full page of 20 two-person households, when the town reviewer opens the household list, then it
    takes at most a fixed number of queries."""
    _households(rows)
    client = login(users["town_a"])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("registry:household_list"))
    assert len(household_ids_on_page(response.content)) == rows


def test_person_search_query_count_does_not_grow_with_rows(users, login, django_assert_max_num_queries):
    """Given 20 persons named 张…, when the town reviewer searches "zhang", then the query count stays fixed."""
    _people(20)
    client = login(users["town_a"])
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("registry:person_list"), {"q": "zhang"})
