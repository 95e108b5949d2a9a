"""The areas page: the tree of areas under the user's own area, and the create and edit forms."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from minzheng.areas.models import Area
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db

ALL = [f.DISTRICT, f.TOWN_A, f.VILLAGE_A1, f.VILLAGE_A2, f.TOWN_B, f.VILLAGE_B1]


def _codes_on_page(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<td class="mz-mono">(\d{12})</td>', response.content.decode())


@pytest.mark.parametrize("role, expected", [
    ("village_a1", [f.VILLAGE_A1]),
    ("town_a", [f.TOWN_A, f.VILLAGE_A1, f.VILLAGE_A2]),
    ("town_b", [f.TOWN_B, f.VILLAGE_B1]),
    ("district_admin", sorted(ALL)),
    ("auditor", sorted(ALL)),
])
def test_areas_page_lists_the_tree_under_the_users_area(users, login, role, expected):
    """Given the test district, when each user opens the areas page, then it lists their own area and everything
    under it, in code order (parents before children)."""
    assert _codes_on_page(login(users[role]).get(reverse("areas:area_list"))) == expected


def test_areas_page_indents_by_level(users, login):
    """Given the test district, when the district admin opens the page, then towns are indented once and villages
    twice under their parents."""
    page = login(users["district_admin"]).get(reverse("areas:area_list")).content.decode()
    assert "<td>测试区</td>" in page and "<td>&emsp;甲镇</td>" in page and "<td>&emsp;&emsp;甲一村</td>" in page


@pytest.mark.parametrize("role, can_manage", [("district_admin", True), ("town_a", False), ("leader", False)])
def test_create_button_is_shown_only_to_area_managers(users, login, role, can_manage):
    """Given the areas page, when each role opens it, then only the district admin sees 新增区划."""
    page = login(users[role]).get(reverse("areas:area_list")).content.decode()
    assert ("新增区划" in page) is can_manage


def test_create_page_adds_an_area(users, login):
    """Given the district admin, when they submit the create form for a new village, then it is stored and they
    return to the list."""
    response = login(users["district_admin"]).post(reverse("areas:area_create"),
                                                    {"code": "340471100203", "name": "甲三村", "kind": "village"})
    assert response.status_code == 302 and response.url == reverse("areas:area_list")
    assert Area.objects.get(code="340471100203").parent_id == f.TOWN_A


def test_create_page_shows_the_error_on_the_field(users, login):
    """Given a village code whose town does not exist, when submitted, then the code field shows the Chinese
    message and nothing is stored."""
    response = login(users["district_admin"]).post(reverse("areas:area_create"),
                                                    {"code": "340471105201", "name": "新村", "kind": "village"})
    assert any("请先建立上级区划" in e for e in response.context["form"].errors["code"])
    assert not Area.objects.filter(code="340471105201").exists()


def test_create_page_is_refused_to_other_roles(users, login):
    """Given the town reviewer, when they open the create page, then it is refused."""
    assert login(users["town_a"]).get(reverse("areas:area_create")).status_code == 403


def test_edit_page_renames_an_area(users, login):
    """Given 甲二村, when the district admin renames it on the edit page, then the new name is stored."""
    login(users["district_admin"]).post(reverse("areas:area_edit", args=[f.VILLAGE_A2]),
                                        {"name": "甲二社区", "is_active": "on"})
    assert Area.objects.get(code=f.VILLAGE_A2).name == "甲二社区"


def test_edit_page_of_an_unknown_area_is_not_found(users, login):
    """Given no area 340471100299, when the district admin opens its edit page, then the answer is 404."""
    assert login(users["district_admin"]).get(reverse("areas:area_edit", args=["340471100299"])).status_code == 404
