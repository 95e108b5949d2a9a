"""API authentication: bearer tokens issued by the system administrator, revocation, and Chinese 401 answers."""

from __future__ import annotations

import pytest

from minzheng.accounts.actions import api_token_revoke
from minzheng.accounts.models import ApiToken
from minzheng.api.tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _assert_unauthenticated(response) -> None:
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "unauthenticated", "message": "未登录或令牌无效"}


def test_token_authenticates_as_its_user_and_is_scoped_to_their_area(token_for, family):
    """Given a token issued for the 甲一村 worker, when it lists persons, then exactly the 甲一村 persons come back."""
    _, raw = token_for("village_a1")
    response = ApiClient(raw).get("/api/v1/persons")
    assert response.status_code == 200
    assert {item["name"] for item in response.json()["results"]} == {"张三", "李梅"}


def test_token_use_is_recorded(token_for, family):
    """Given a fresh token, when it is used, then its last-used time is set."""
    token, raw = token_for("village_a1")
    assert token.last_used_at is None
    ApiClient(raw).get("/api/v1/areas")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_is_refused_with_401_json(token_for, users, family):
    """Given a token that worked, when the system administrator revokes it, then it is refused with the Chinese
    401 answer."""
    token, raw = token_for("village_a1")
    assert ApiClient(raw).get("/api/v1/persons").status_code == 200
    api_token_revoke(acting_user=users["system_admin"], token=token)
    _assert_unauthenticated(ApiClient(raw).get("/api/v1/persons"))


def test_token_of_a_deactivated_user_is_refused(token_for, users, family):
    """Given a token whose user has been deactivated, when it is used, then it is refused with 401."""
    _, raw = token_for("village_a1")
    users["village_a1"].is_active = False
    users["village_a1"].save(update_fields=["is_active"])
    _assert_unauthenticated(ApiClient(raw).get("/api/v1/persons"))


@pytest.mark.parametrize("path", ["/api/v1/persons", "/api/v1/areas",
                                  "/api/v1/persons/00000000-0000-0000-0000-000000000000"])
def test_unauthenticated_request_gets_401_json_in_chinese(db, path):
    """Given no credentials, when any endpoint is called, then the answer is 401 JSON with a Chinese message."""
    _assert_unauthenticated(ApiClient(None).get(path))


def test_unknown_token_is_refused(areas):
    """Given a made-up token, when it is used, then the answer is 401."""
    _assert_unauthenticated(ApiClient("mz_not-a-real-token").get("/api/v1/persons"))


def test_only_the_token_hash_is_stored(token_for):
    """Given a token just issued, when the table is read, then the plain token appears nowhere in it."""
    token, raw = token_for("village_a1")
    assert raw.startswith("mz_") and token.prefix == raw[:8]
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    assert raw not in str(list(ApiToken.objects.values()))


def test_signed_in_session_also_authenticates(users, login, family):
    """Given the 乙一村 worker signed in to the pages, when the browser calls the API with the session, then the
    answer is scoped to 乙一村."""
    response = login(users["village_b1"]).get("/api/v1/persons")
    assert response.status_code == 200
    assert {item["name"] for item in response.json()["results"]} == {"王五"}


def test_openapi_schema_is_served(db):
    """Given the API, when /api/v1/openapi.json is fetched, then it is an OpenAPI document listing the registry and
    area endpoints with bearer authentication."""
    response = ApiClient(None).get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/persons", "/api/v1/persons/{person_id}", "/api/v1/households/{household_id}",
            "/api/v1/areas"} <= set(schema["paths"])
    assert any(s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values())
