"""Acceptance: every registry list, detail, search, export and API endpoint returns nothing from another area,
for each role.

The world (see conftest): 张三 in 甲一村 (a1), 李四 in 甲二村 (a2), 王五 in 乙一村 (b1), 赵六 with hukou in
乙一村 but living in 甲一村 (cross: a 甲一村 worker sees them by design), and 孙七 in another district (other).
Households a1, a2, b1 and other are headed by the person of the same key; 赵六 is a member of b1.

SCOPE below is the whole specification: what each role must see. Everything else must be absent, or answer
404 exactly like a record that does not exist; roles without the registry permission get 403 or nothing.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from minzheng.accounts.actions import api_token_create
from minzheng.registry.tests.conftest import (
    PEOPLE,
    assert_no_full_id,
    household_ids_on_page,
    person_ids_on_page,
    xlsx_rows,
    xlsx_text,
)
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Scope:
    persons: set[str]
    households: set[str]
    areas: set[str]
    can_view: bool
    can_edit: bool
    can_export: bool


V_A1, V_A2, V_B1, T_A, T_B = f.VILLAGE_A1, f.VILLAGE_A2, f.VILLAGE_B1, f.TOWN_A, f.TOWN_B
DISTRICT_AREAS = {f.DISTRICT, T_A, T_B, V_A1, V_A2, V_B1}
IN_DISTRICT = {"a1", "a2", "b1", "cross"}
DISTRICT_HOUSEHOLDS = {"a1", "a2", "b1"}
NOBODY: set[str] = set()

# "other" (the neighbouring district) is in nobody's scope.
SCOPE = {
    # role                     persons seen           households seen      areas seen (API)   view   edit   export
    "village_a1":        Scope({"a1", "cross"},       {"a1"},              {V_A1},            True,  True,  True),
    "village_b1":        Scope({"b1", "cross"},       {"b1"},              {V_B1},            True,  True,  True),
    "town_a":            Scope({"a1", "a2", "cross"}, {"a1", "a2"},        {T_A, V_A1, V_A2}, True,  True,  True),
    "town_b":            Scope({"b1", "cross"},       {"b1"},              {T_B, V_B1},       True,  True,  True),
    "district_approver": Scope(IN_DISTRICT,           DISTRICT_HOUSEHOLDS, DISTRICT_AREAS,    True,  True,  True),
    "district_admin":    Scope(IN_DISTRICT,           DISTRICT_HOUSEHOLDS, DISTRICT_AREAS,    True,  True,  True),
    "leader":            Scope(IN_DISTRICT,           DISTRICT_HOUSEHOLDS, DISTRICT_AREAS,    True,  False, False),
    "auditor":           Scope(NOBODY,                NOBODY,              DISTRICT_AREAS,    False, False, False),
    "security_admin":    Scope(NOBODY,                NOBODY,              DISTRICT_AREAS,    False, False, False),
    "system_admin":      Scope(NOBODY,                NOBODY,              DISTRICT_AREAS,    False, False, False),
}
ROLES = list(SCOPE)
SEARCH_BY = {"name": 0, "pinyin": 1, "initials": 2}


def _detail_status(scope: Scope, visible: bool, *, allowed: bool) -> int:
    """200 for a record in scope, 404 for one outside it (as if missing), 403 without the permission."""
    if not allowed:
        return 403
    return 200 if visible else 404


def _search_text(world, key: str, how: str) -> str:
    if how == "id_number":
        return world.persons[key].id_number
    return PEOPLE[key][SEARCH_BY[how]]


@pytest.fixture
def as_role(users, client):
    def _as(role: str) -> Client:
        client.force_login(users[role])
        return client

    return _as


@pytest.fixture
def api_as(users):
    """A client that calls the API with a bearer token issued by the system administrator for the role's user."""

    def _as(role: str):
        _, raw = api_token_create(acting_user=users["system_admin"], user=users[role], name="对接测试")
        api = Client()

        def get(path: str, **params):
            return api.get(path, params, headers={"Authorization": f"Bearer {raw}"})

        return get

    return _as


# --- pages -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_person_list_page_shows_exactly_the_persons_in_scope(world, as_role, role):
    """Given the world, when each role opens the person list, then it lists exactly the persons in its scope
    (roles without the registry permission are refused)."""
    scope = SCOPE[role]
    response = as_role(role).get(reverse("registry:person_list"))
    if not scope.can_view:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert {world.person_key(pk) for pk in person_ids_on_page(response.content)} == scope.persons
    assert_no_full_id(response.content, world.id_numbers)


@pytest.mark.parametrize("role", ROLES)
def test_household_list_page_shows_exactly_the_households_in_scope(world, as_role, role):
    """Given the world, when each role opens the household list, then it lists exactly the households in scope."""
    scope = SCOPE[role]
    response = as_role(role).get(reverse("registry:household_list"))
    if not scope.can_view:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert {world.household_key(pk) for pk in household_ids_on_page(response.content)} == scope.households
    assert_no_full_id(response.content, world.id_numbers)


@pytest.mark.parametrize("how", ["name", "pinyin", "initials", "id_number"])
@pytest.mark.parametrize("role", ROLES)
def test_person_search_finds_a_person_only_in_scope(world, as_role, role, how):
    """Given the world, when each role searches the person list for each person by name, full pinyin, initials
    or ID number, then the person is found exactly when in the role's scope and nobody else is."""
    scope = SCOPE[role]
    client = as_role(role)
    for key in PEOPLE:
        response = client.get(reverse("registry:person_list"), {"q": _search_text(world, key, how)})
        if not scope.can_view:
            assert response.status_code == 403
            continue
        found = {world.person_key(pk) for pk in person_ids_on_page(response.content)}
        assert found == ({key} & scope.persons), f"{how} search for {key}"


@pytest.mark.parametrize("role", ROLES)
def test_household_search_by_member_finds_a_household_only_in_scope(world, as_role, role):
    """Given the world, when each role searches the household list by each head's name, then the household is
    found exactly when in the role's scope."""
    scope = SCOPE[role]
    client = as_role(role)
    for key, household in world.households.items():
        response = client.get(reverse("registry:household_list"), {"q": household.head.name})
        if not scope.can_view:
            assert response.status_code == 403
            continue
        found = {world.household_key(pk) for pk in household_ids_on_page(response.content)}
        assert found == ({key} & scope.households), f"search for the head of {key}"


@pytest.mark.parametrize("role", ROLES)
def test_person_detail_page_opens_only_in_scope(world, as_role, role):
    """Given the world, when each role opens each person's detail page, then it opens only in scope and is
    otherwise not found."""
    scope = SCOPE[role]
    client = as_role(role)
    for key, person in world.persons.items():
        response = client.get(reverse("registry:person_detail", args=[person.pk]))
        assert response.status_code == _detail_status(scope, key in scope.persons, allowed=scope.can_view), key
        assert_no_full_id(response.content, world.id_numbers)


@pytest.mark.parametrize("role", ROLES)
def test_household_detail_page_opens_only_in_scope(world, as_role, role):
    """Given the world, when each role opens each household's detail page, then it opens only in scope."""
    scope = SCOPE[role]
    client = as_role(role)
    for key, household in world.households.items():
        response = client.get(reverse("registry:household_detail", args=[household.pk]))
        assert response.status_code == _detail_status(scope, key in scope.households, allowed=scope.can_view), key
        assert_no_full_id(response.content, world.id_numbers)


@pytest.mark.parametrize("role", ROLES)
def test_person_edit_page_opens_only_in_scope(world, as_role, role):
    """Given the world, when each role opens each person's edit page, then it opens only in scope for roles that
    may edit; others are refused whatever the record."""
    scope = SCOPE[role]
    client = as_role(role)
    for key, person in world.persons.items():
        response = client.get(reverse("registry:person_edit", args=[person.pk]))
        assert response.status_code == _detail_status(scope, key in scope.persons, allowed=scope.can_edit), key
        assert_no_full_id(response.content, world.id_numbers)


@pytest.mark.parametrize("role", ROLES)
def test_person_export_contains_exactly_the_persons_in_scope(world, as_role, role):
    """Given the world, when each role exports the person list to Excel, then the file holds exactly the persons in
    scope, with ID numbers masked; roles without the export permission are refused."""
    scope = SCOPE[role]
    response = as_role(role).get(reverse("registry:person_list"), {"export": "xlsx"})
    if not scope.can_export:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    names = {row[0] for row in xlsx_rows(response.content)}
    assert names == {PEOPLE[key][0] for key in scope.persons}
    assert_no_full_id(xlsx_text(response.content), world.id_numbers)


@pytest.mark.parametrize("role", ROLES)
def test_household_export_contains_exactly_the_households_in_scope(world, as_role, role):
    """Given the world, when each role exports the household list to Excel, then the file holds exactly the
    households in scope, with head ID numbers masked."""
    scope = SCOPE[role]
    response = as_role(role).get(reverse("registry:household_list"), {"export": "xlsx"})
    if not scope.can_export:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    numbers = {row[0] for row in xlsx_rows(response.content)}
    assert numbers == {world.households[key].number for key in scope.households}
    assert_no_full_id(xlsx_text(response.content), world.id_numbers)


# --- API ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_api_person_list_returns_exactly_the_persons_in_scope(world, api_as, role):
    """Given the world, when each role's token lists /api/v1/persons, then exactly the persons in scope come back
    (nothing at all without the registry permission)."""
    response = api_as(role)("/api/v1/persons")
    assert response.status_code == 200
    found = {world.person_key(item["id"]) for item in response.json()["results"]}
    assert found == SCOPE[role].persons
    assert_no_full_id(response.content, world.id_numbers)


@pytest.mark.parametrize("how", ["name", "pinyin", "initials", "id_number"])
@pytest.mark.parametrize("role", ROLES)
def test_api_person_search_finds_a_person_only_in_scope(world, api_as, role, how):
    """Given the world, when each role's token searches /api/v1/persons for each person, then the person is found
    exactly when in scope."""
    get = api_as(role)
    for key in PEOPLE:
        response = get("/api/v1/persons", q=_search_text(world, key, how))
        found = {world.person_key(item["id"]) for item in response.json()["results"]}
        assert found == ({key} & SCOPE[role].persons), f"{how} search for {key}"
        assert_no_full_id(response.content, world.id_numbers)


@pytest.mark.parametrize("role", ROLES)
def test_api_person_detail_answers_only_in_scope(world, api_as, role):
    """Given the world, when each role's token reads /api/v1/persons/{id} for each person, then it answers only in
    scope and 404 otherwise."""
    scope = SCOPE[role]
    get = api_as(role)
    for key, person in world.persons.items():
        response = get(f"/api/v1/persons/{person.pk}")
        assert response.status_code == _detail_status(scope, key in scope.persons, allowed=scope.can_view), key
        assert_no_full_id(response.content, world.id_numbers)


@pytest.mark.parametrize("role", ROLES)
def test_api_household_detail_answers_only_in_scope(world, api_as, role):
    """Given the world, when each role's token reads /api/v1/households/{id} for each household, then it answers
    only in scope and 404 otherwise."""
    scope = SCOPE[role]
    get = api_as(role)
    for key, household in world.households.items():
        response = get(f"/api/v1/households/{household.pk}")
        assert response.status_code == _detail_status(scope, key in scope.households, allowed=scope.can_view), key
        assert_no_full_id(response.content, world.id_numbers)


@pytest.mark.parametrize("role", ROLES)
def test_api_areas_returns_exactly_the_areas_in_scope(world, api_as, role):
    """Given the test district and a neighbouring one, when each role's token lists /api/v1/areas, then exactly
    the areas under the role's own area come back."""
    response = api_as(role)("/api/v1/areas")
    assert response.status_code == 200
    assert {area["code"] for area in response.json()} == SCOPE[role].areas


# --- missing and forbidden look the same -------------------------------------------------------------------


def _without_csrf(content: bytes) -> str:
    return re.sub(r'(csrf-token" content|csrfmiddlewaretoken" value)="[^"]*"', "", content.decode())


@pytest.mark.parametrize("url_name, record", [("registry:person_detail", "persons"),
                                              ("registry:person_edit", "persons"),
                                              ("registry:household_detail", "households")])
def test_page_for_out_of_area_record_is_identical_to_missing_record(world, as_role, url_name, record):
    """Given a 甲一村 worker, when they open a 乙一村 record and a record that does not exist, then both pages are
    the same 404 page."""
    client = as_role("village_a1")
    forbidden = client.get(reverse(url_name, args=[getattr(world, record)["b1"].pk]))
    missing = client.get(reverse(url_name, args=[uuid.uuid4()]))
    assert forbidden.status_code == missing.status_code == 404
    assert _without_csrf(forbidden.content) == _without_csrf(missing.content)


@pytest.mark.parametrize("path", ["/api/v1/persons/{}", "/api/v1/households/{}"])
def test_api_answer_for_out_of_area_record_is_identical_to_missing_record(world, api_as, path):
    """Given a 甲一村 worker's token, when it reads a 乙一村 record and a record that does not exist, then both
    answers are the same 404 JSON."""
    get = api_as("village_a1")
    record = world.persons["b1"] if "persons" in path else world.households["b1"]
    forbidden = get(path.format(record.pk))
    missing = get(path.format(uuid.uuid4()))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()


@pytest.mark.parametrize("tab", ["info", "household"])
def test_person_seen_by_residence_links_only_to_households_in_scope(world, as_role, tab):
    """Given 赵六 living in 甲一村 but registered in a 乙一村 household, when the 甲一村 worker opens 赵六's detail
    page, then the 乙一村 household is named but not linked (it would only answer 404)."""
    response = as_role("village_a1").get(reverse("registry:person_detail", args=[world.persons["cross"].pk]),
                                         {"tab": tab})
    assert world.households["b1"].number in response.content.decode()
    assert household_ids_on_page(response.content) == set()


def test_person_in_scope_links_to_their_household(world, as_role):
    """Given 王五 heading a 乙一村 household, when the 乙一村 worker opens 王五's detail page, then it links to it."""
    response = as_role("village_b1").get(reverse("registry:person_detail", args=[world.persons["b1"].pk]))
    assert household_ids_on_page(response.content) == {str(world.households["b1"].pk)}


@pytest.mark.parametrize("url_name", ["registry:person_list", "registry:household_list"])
@pytest.mark.parametrize("role", [role for role in ROLES if SCOPE[role].can_view])
def test_export_button_is_shown_only_to_roles_that_may_export(world, as_role, role, url_name):
    """Given each role that can open the lists, when it opens one, then the Excel button shows exactly when the
    role may export (the read-only leader would only meet a refusal)."""
    page = as_role(role).get(reverse(url_name)).content.decode()
    assert ('data-testid="export-xlsx"' in page) is SCOPE[role].can_export
