"""API test helpers: bearer tokens issued the way production issues them, and a check that no answer carries a
full ID number."""

from __future__ import annotations

import pytest
from django.test import Client

from minzheng.accounts.actions import api_token_create
from minzheng.registry.enums import Relation
from minzheng.registry.models import Person
from minzheng.testing import factories as f


class ApiClient:
    """Calls the API with a bearer token and checks every answer for unmasked ID numbers."""

    def __init__(self, raw_token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}

    def get(self, path: str, **params):
        response = self.client.get(path, params, headers=self.headers)
        assert_no_full_id(response)
        return response


def assert_no_full_id(response) -> None:
    body = response.content.decode()
    leaked = [number for number in Person.objects.values_list("id_number", flat=True) if number in body]
    assert not leaked, f"unmasked ID numbers in {response.request['PATH_INFO']}: {leaked}"


@pytest.fixture
def token_for(users):
    """Issue a token, as the system administrator, for the user of the given role."""

    def _token_for(role: str) -> tuple:
        return api_token_create(acting_user=users["system_admin"], user=users[role], name="低保系统对接")

    return _token_for


@pytest.fixture
def api_as(token_for):
    def _api_as(role: str) -> ApiClient:
        return ApiClient(token_for(role)[1])

    return _api_as


@pytest.fixture
def family(areas):
    """张三 (phone 13800138000) heads a 甲一村 household with 李梅; 王五 heads one in 乙一村."""
    zhang = f.make_person(name="张三", phone="13800138000", address="甲一村1组")
    li = f.make_person(name="李梅", male=False)
    wang = f.make_person(name="王五", area=f.VILLAGE_B1)
    return {
        "zhang": zhang, "li": li, "wang": wang,
        "household": f.make_household(head=zhang, members=[(li, Relation.SPOUSE)]),
        "other_household": f.make_household(head=wang),
    }
