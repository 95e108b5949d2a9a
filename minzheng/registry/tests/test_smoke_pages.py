"""Every registry page renders for a village worker with data in their village."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minzheng.registry.enums import Relation
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db


def test_village_worker_sees_lists_and_details(users, login):
    """Given a household in 甲一村, when its village worker opens lists and details, then all render."""
    head = f.make_person(name="张三")
    child = f.make_person(name="张小明", male=False)
    household = f.make_household(head=head, members=[(child, Relation.CHILD)])
    client = login(users["village_a1"])
    for url in [reverse("web:home"), reverse("registry:person_list"), reverse("registry:household_list"),
                reverse("registry:person_detail", args=[head.pk]),
                reverse("registry:household_detail", args=[household.pk]),
                reverse("registry:person_create"), reverse("registry:household_create"),
                reverse("registry:roster_import")]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "张小明" in client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
