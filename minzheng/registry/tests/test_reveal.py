"""查看完整: full ID numbers and phones only with the permission and a reason, always logged, fail closed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minzheng.audit.models import AccessLog
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(areas):
    return f.make_person(name="张三", phone="13800138000")


def _reveal(client, person, **data):
    return client.post(reverse("registry:person_reveal", args=[person.pk]),
                       {"fields": ["id_number", "phone"], **data})


def test_reveal_with_a_reason_shows_full_values_and_logs_them(users, login, person):
    """Given a village worker of the person's village, when they give a reason, then the full ID number and
    phone are shown and one access-log row records the fields, the reason and the IP."""
    response = _reveal(login(users["village_a1"]), person, reason="核对低保申请材料")
    body = response.content.decode()
    assert person.id_number in body and "13800138000" in body
    assert response["Cache-Control"] == "no-store"
    log = AccessLog.objects.get(action="reveal")
    assert (log.actor, log.object_id, log.fields, log.reason) == (
        users["village_a1"], str(person.pk), ["id_number", "phone"], "核对低保申请材料")
    assert log.ip_address == "127.0.0.1"


def test_reveal_without_a_reason_is_refused_and_not_logged(users, login, person):
    response = _reveal(login(users["village_a1"]), person, reason="  ")
    body = response.content.decode()
    assert "请填写查看完整信息的事由" in body and person.id_number not in body
    assert not AccessLog.objects.filter(action="reveal").exists()


@pytest.mark.parametrize("role", ["leader", "auditor", "system_admin"])
def test_roles_without_the_permission_cannot_reveal(users, login, person, role):
    response = _reveal(login(users[role]), person, reason="想看看")
    assert response.status_code in (403, 404)
    assert person.id_number not in response.content.decode()


def test_out_of_area_person_cannot_be_revealed(users, login, person):
    """A worker of another village gets 404, as for any record outside their area."""
    response = _reveal(login(users["village_b1"]), person, reason="核对材料")
    assert response.status_code == 404
    assert not AccessLog.objects.filter(action="reveal").exists()


def test_reveal_fails_closed_when_the_log_cannot_be_written(users, login, person, monkeypatch):
    """If the access-log row cannot be written, the values are not shown."""
    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("minzheng.audit.actions.AccessLog.objects.create", broken)
    client = login(users["village_a1"])
    client.raise_request_exception = False
    response = _reveal(client, person, reason="核对低保申请材料")
    assert response.status_code == 500
    assert person.id_number not in response.content.decode()


def test_person_detail_fails_closed_when_the_log_cannot_be_written(users, login, person, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("minzheng.audit.actions.AccessLog.objects.create", broken)
    client = login(users["village_a1"])
    client.raise_request_exception = False
    response = client.get(reverse("registry:person_detail", args=[person.pk]))
    assert response.status_code == 500
    assert person.name not in response.content.decode()


def test_detail_page_offers_reveal_only_to_permitted_roles(users, login, person):
    url = reverse("registry:person_detail", args=[person.pk])
    assert "查看完整" in login(users["village_a1"]).get(url).content.decode()
    assert "查看完整" not in login(users["leader"]).get(url).content.decode()
