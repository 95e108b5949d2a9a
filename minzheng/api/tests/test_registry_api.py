"""Registry endpoints: masked values only, access-log rows for detail reads, one error shape."""

from __future__ import annotations

import uuid

import pytest

from minzheng.audit.models import AccessLog

pytestmark = pytest.mark.django_db


def test_person_detail_returns_masked_values(api_as, family):
    """Given 张三 with a phone, when the 甲一村 worker's token reads his detail, then ID and phone come back masked
    with his household and relation."""
    zhang = family["zhang"]
    body = api_as("village_a1").get(f"/api/v1/persons/{zhang.pk}").json()
    assert body["id_number_masked"] == zhang.masked_id_number and "*" in body["id_number_masked"]
    assert body["phone_masked"] == "138****8000"
    assert (body["household_id"], body["relation"]) == (str(family["household"].pk), "head")
    assert "id_number" not in body and "phone" not in body


def test_person_detail_read_writes_an_api_access_log(api_as, users, family):
    """Given a token, when it reads 张三's detail, then one access row with channel api names the reader and 张三."""
    api_as("village_a1").get(f"/api/v1/persons/{family['zhang'].pk}")
    log = AccessLog.objects.get(object_id=str(family["zhang"].pk))
    assert (log.actor, log.action, log.channel, log.object_type) == (
        users["village_a1"], "view_detail", "api", "registry.person")


def test_household_detail_read_writes_an_api_access_log(api_as, users, family):
    """Given a token, when it reads the household, then one access row with channel api names the household."""
    api_as("village_a1").get(f"/api/v1/households/{family['household'].pk}")
    log = AccessLog.objects.get(object_id=str(family["household"].pk))
    assert (log.actor, log.channel, log.object_type) == (users["village_a1"], "api", "registry.household")


def test_session_detail_read_is_logged_as_web_api(users, login, family):
    """Given the signed-in worker, when the page's script reads a person through the API, then the access row says
    web-api, not api."""
    login(users["village_a1"]).get(f"/api/v1/persons/{family['zhang'].pk}")
    assert AccessLog.objects.get(object_id=str(family["zhang"].pk)).channel == "web-api"


def test_refused_detail_read_writes_no_access_log(api_as, family):
    """Given a 乙一村 person, when the 甲一村 worker's token asks for them, then the answer is 404 and nothing is
    logged as read."""
    response = api_as("village_a1").get(f"/api/v1/persons/{family['wang'].pk}")
    assert response.status_code == 404
    assert not AccessLog.objects.filter(object_id=str(family["wang"].pk)).exists()


def test_household_detail_lists_current_members_masked(api_as, family):
    """Given 张三's household with 李梅, when it is read, then both members come back with masked ID numbers."""
    body = api_as("village_a1").get(f"/api/v1/households/{family['household'].pk}").json()
    members = {m["name"]: m for m in body["members"]}
    assert set(members) == {"张三", "李梅"}
    assert members["李梅"]["id_number_masked"] == family["li"].masked_id_number
    assert body["head_id"] == str(family["zhang"].pk)


def test_search_by_id_number_returns_masked_values(api_as, family):
    """Given 张三, when the token searches by his full ID number, then he is found and the answer holds only the
    masked number."""
    response = api_as("village_a1").get("/api/v1/persons", q=family["zhang"].id_number)
    assert [item["name"] for item in response.json()["results"]] == ["张三"]


def test_search_is_logged(api_as, users, family):
    """Given a token, when it searches, then the search is logged with its filter and channel api."""
    api_as("village_a1").get("/api/v1/persons", q="zs")
    log = AccessLog.objects.get(action="search")
    assert (log.actor, log.channel, log.reason) == (users["village_a1"], "api", "q=zs area=")


@pytest.mark.parametrize("bad_id", ["not-a-uuid", str(uuid.uuid4()), "1' OR '1'='1"])
def test_malformed_or_unknown_id_is_a_plain_404(api_as, family, bad_id):
    """Given a malformed or unknown id, when the detail endpoints are called, then both answer the same 404 JSON."""
    api = api_as("village_a1")
    for path in (f"/api/v1/persons/{bad_id}", f"/api/v1/households/{bad_id}"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_role_without_registry_permission_gets_403_json(api_as, family):
    """Given the auditor's token, when it reads a person, then the answer is 403 JSON with a Chinese message."""
    response = api_as("auditor").get(f"/api/v1/persons/{family['zhang'].pk}")
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "message": "没有执行此操作的权限"}


def test_area_filter_narrows_the_person_list(api_as, family):
    """Given 张三 and 李梅 in 甲一村, when the 甲镇 reviewer lists persons of 甲二村, then nobody comes back."""
    body = api_as("town_a").get("/api/v1/persons", area="340471100202").json()
    assert body["count"] == 0 and body["results"] == []


def test_area_filter_cannot_widen_the_scope(api_as, family):
    """Given 王五 in 乙一村, when the 甲一村 worker's token filters by 乙一村, then nobody comes back."""
    body = api_as("village_a1").get("/api/v1/persons", area="340471101201").json()
    assert body["count"] == 0


def test_areas_can_be_filtered_by_level(api_as, areas):
    """Given the test district, when the 甲镇 reviewer lists village-level areas, then only 甲一村 and 甲二村 come
    back with their parent code."""
    body = api_as("town_a").get("/api/v1/areas", level="village").json()
    assert [(a["code"], a["name"], a["parent_code"]) for a in body] == [
        ("340471100201", "甲一村", "340471100000"), ("340471100202", "甲二村", "340471100000")]


def test_person_list_is_paginated(api_as, areas):
    """Given 55 persons in 甲一村, when the token lists persons, then page 1 has 50, page 2 has 5, and the count
    says 55."""
    from minzheng.testing import factories as f

    for i in range(55):
        f.make_person(name=f"张{i}")
    api = api_as("village_a1")
    first = api.get("/api/v1/persons").json()
    second = api.get("/api/v1/persons", page=2).json()
    assert (first["count"], first["pages"], len(first["results"]), len(second["results"])) == (55, 2, 50, 5)
