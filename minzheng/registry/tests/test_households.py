"""Households through the pages: create with a head, add members by ID number, edit and end memberships,
change the head; one current household per person, enforced by the database and explained to the user."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from minzheng.audit.models import AccessLog, Event
from minzheng.registry.enums import MemberStatus, Relation
from minzheng.registry.models import Household, Membership
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(users, login):
    return login(users["village_a1"])


@pytest.fixture
def family(areas):
    """张三 heads a 甲一村 household with his wife 李梅; 张小明 is registered but in no household."""
    head = f.make_person(name="张三")
    wife = f.make_person(name="李梅", male=False)
    household = f.make_household(head=head, members=[(wife, Relation.SPOUSE)])
    return {"household": household, "head": head, "wife": wife, "child": f.make_person(name="张小明")}


def _membership(household, person) -> Membership:
    return Membership.objects.get(household=household, person=person, ended_on__isnull=True)


def _form_errors(response) -> dict[str, list[str]]:
    return {name: [str(e) for e in errors] for name, errors in response.context["form"].errors.items()}


def _add_member(client, household, id_number, relation=Relation.CHILD):
    return client.post(reverse("registry:member_add", args=[household.pk]),
                       {"id_number": id_number, "relation": relation, "living_together": "on",
                        "status": MemberStatus.NORMAL})


# --- create ------------------------------------------------------------------------------------------------


def test_create_household_with_a_registered_head(worker, family):
    """Given 张小明 registered in 甲一村 and in no household, when the worker creates a household with him as head,
    then the household, numbered after the village, has him as head and only member."""
    response = worker.post(reverse("registry:household_create"),
                           {"area": f.VILLAGE_A1, "head_id_number": family["child"].id_number, "address": "甲一村3组"})
    household = Household.objects.get(head=family["child"])
    assert response.status_code == 302 and response.url == reverse("registry:household_detail", args=[household.pk])
    assert household.number.startswith(f.VILLAGE_A1) and household.address == "甲一村3组"
    assert [(m.person, m.relation) for m in household.memberships.all()] == [(family["child"], Relation.HEAD)]


def test_create_household_writes_household_and_membership_events(worker, family, users):
    """Given the worker, when they create a household, then household.create and membership.create events by them
    are written."""
    worker.post(reverse("registry:household_create"),
                {"area": f.VILLAGE_A1, "head_id_number": family["child"].id_number})
    household = Household.objects.get(head=family["child"])
    assert Event.objects.filter(action="household.create", object_id=str(household.pk),
                                actor=users["village_a1"]).count() == 1
    assert Event.objects.filter(action="membership.create", area_code=f.VILLAGE_A1,
                                actor=users["village_a1"]).count() == 1


def test_create_household_with_a_head_already_in_a_household_is_refused_on_the_field(worker, family):
    """Given 张三 heading a household, when the worker creates another household with 张三 as head, then the head
    field says he is already a member and no household is added."""
    response = worker.post(reverse("registry:household_create"),
                           {"area": f.VILLAGE_A1, "head_id_number": family["head"].id_number})
    assert "该人员已是其他家庭的成员，请先办理迁出" in _form_errors(response)["head_id_number"]
    assert Household.objects.count() == 1


def test_create_household_with_an_unknown_head_is_refused_on_the_field(worker, areas):
    """Given an ID number nobody has, when the worker creates a household with it, then the head field explains
    the person must be registered first."""
    response = worker.post(reverse("registry:household_create"),
                           {"area": f.VILLAGE_A1, "head_id_number": f.unique_id_number()})
    assert any("请先登记人员" in text for text in _form_errors(response)["head_id_number"])


def test_create_household_with_a_head_from_another_area_is_refused(worker, areas):
    """Given 王五 registered in 乙一村, when the 甲一村 worker uses his ID number as head, then he is treated as
    unknown (his existence is not revealed)."""
    other = f.make_person(name="王五", area=f.VILLAGE_B1)
    response = worker.post(reverse("registry:household_create"),
                           {"area": f.VILLAGE_A1, "head_id_number": other.id_number})
    assert any("请先登记人员" in text for text in _form_errors(response)["head_id_number"])
    assert not Household.objects.exists()


# --- members -----------------------------------------------------------------------------------------------


def test_add_member_by_id_number(worker, family):
    """Given a household and 张小明 in no household, when the worker adds him by ID number as a child, then he is a
    current member and the page is told to reload the household."""
    response = _add_member(worker, family["household"], family["child"].id_number)
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("registry:household_detail", args=[family["household"].pk])
    assert _membership(family["household"], family["child"]).relation == Relation.CHILD


def test_add_member_writes_a_membership_event(worker, family):
    """Given a household, when a member is added, then one membership.create event names the new membership."""
    _add_member(worker, family["household"], family["child"].id_number)
    membership = _membership(family["household"], family["child"])
    event = Event.objects.get(action="membership.create", object_id=str(membership.pk))
    assert event.after["relation"] == Relation.CHILD


def test_person_cannot_join_a_second_household(worker, family):
    """Given 李梅 in 张三's household, when the worker adds her to a second household, then the ID field says she is
    already a member elsewhere and she stays in one household."""
    other = f.make_household(head=f.make_person(name="赵六"))
    response = _add_member(worker, other, family["wife"].id_number, Relation.SPOUSE)
    assert response.status_code == 200
    assert "该人员已是其他家庭的成员，请先办理迁出" in _form_errors(response)["id_number"]
    assert Membership.objects.filter(person=family["wife"], ended_on__isnull=True).count() == 1


def test_database_refuses_a_second_current_household(family):
    """Given 李梅 in a household, when a second current membership is inserted directly, then the database refuses."""
    other = f.make_household(head=f.make_person(name="赵六"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(household=other, person=family["wife"], relation=Relation.SPOUSE)


def test_database_refuses_a_second_current_head(family):
    """Given a household with a head, when a second current head is inserted directly, then the database refuses."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(household=family["household"], person=family["child"], relation=Relation.HEAD)


def test_edit_membership_changes_relation_and_status(worker, family):
    """Given 李梅 as spouse, when the worker sets her status to 服刑 and not living together, then the membership
    holds the new values and the event holds only those two fields."""
    membership = _membership(family["household"], family["wife"])
    response = worker.post(reverse("registry:member_edit", args=[family["household"].pk, membership.pk]),
                           {"relation": Relation.SPOUSE, "status": MemberStatus.IMPRISONED})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.status, membership.living_together) == (MemberStatus.IMPRISONED, False)
    event = Event.objects.get(action="membership.update", object_id=str(membership.pk))
    assert event.before == {"living_together": True, "status": MemberStatus.NORMAL}
    assert event.after == {"living_together": False, "status": MemberStatus.IMPRISONED}


def test_edit_membership_cannot_make_a_member_head(worker, family):
    """Given 李梅 as spouse, when the worker sets her relation to head in the member form, then the relation field
    points to the change-head action and nothing changes."""
    membership = _membership(family["household"], family["wife"])
    response = worker.post(reverse("registry:member_edit", args=[family["household"].pk, membership.pk]),
                           {"relation": Relation.HEAD, "living_together": "on", "status": MemberStatus.NORMAL})
    assert any("变更户主" in text for text in _form_errors(response)["relation"])
    membership.refresh_from_db()
    assert membership.relation == Relation.SPOUSE


def test_remove_member_ends_the_membership_and_keeps_history(worker, family):
    """Given 李梅 in the household, when the worker removes her, then her membership has an end date, still exists,
    and the household page lists her among former members."""
    membership = _membership(family["household"], family["wife"])
    worker.post(reverse("registry:member_end", args=[family["household"].pk, membership.pk]), {"note": "迁出"})
    membership.refresh_from_db()
    assert membership.ended_on is not None
    page = worker.get(reverse("registry:household_detail", args=[family["household"].pk])).content.decode()
    assert "已移出成员" in page and "李梅" in page


def test_remove_member_writes_an_end_event(worker, family):
    """Given 李梅 in the household, when she is removed with a note, then a membership.end event keeps the note."""
    membership = _membership(family["household"], family["wife"])
    worker.post(reverse("registry:member_end", args=[family["household"].pk, membership.pk]), {"note": "迁出"})
    event = Event.objects.get(action="membership.end", object_id=str(membership.pk))
    assert event.before == {"ended_on": None} and event.note == "迁出"


def test_removed_member_can_join_another_household(worker, family):
    """Given 李梅 removed from 张三's household, when she is added to another, then she has one current membership
    there and the old one is kept."""
    membership = _membership(family["household"], family["wife"])
    worker.post(reverse("registry:member_end", args=[family["household"].pk, membership.pk]))
    other = f.make_household(head=f.make_person(name="赵六"))
    assert _add_member(worker, other, family["wife"].id_number, Relation.SPOUSE).status_code == 204
    assert _membership(other, family["wife"])
    assert Membership.objects.filter(person=family["wife"]).count() == 2


def test_head_cannot_be_removed(worker, family):
    """Given 张三 as head, when the worker tries to remove him, then he stays and the page explains why."""
    membership = _membership(family["household"], family["head"])
    response = worker.post(reverse("registry:member_end", args=[family["household"].pk, membership.pk]), follow=True)
    membership.refresh_from_db()
    assert membership.ended_on is None
    assert "户主不能直接移出，请先变更户主" in response.content.decode()


def test_change_head(worker, family):
    """Given 张三 heading the household with his wife 李梅, when the worker makes 李梅 head, then she is head on the
    household and on her membership, and 张三 stays a member with the relation 其他."""
    membership = _membership(family["household"], family["wife"])
    worker.post(reverse("registry:member_make_head", args=[family["household"].pk, membership.pk]),
                {"old_head_relation": Relation.OTHER})
    family["household"].refresh_from_db()
    assert family["household"].head == family["wife"]
    assert _membership(family["household"], family["wife"]).relation == Relation.HEAD
    assert _membership(family["household"], family["head"]).relation == Relation.OTHER


def test_change_head_writes_an_event(worker, family):
    """Given the household, when the head changes, then a household.change_head event has both heads."""
    membership = _membership(family["household"], family["wife"])
    worker.post(reverse("registry:member_make_head", args=[family["household"].pk, membership.pk]))
    event = Event.objects.get(action="household.change_head")
    assert event.before == {"head_id": str(family["head"].pk)}
    assert event.after == {"head_id": str(family["wife"].pk)}


def test_member_pages_of_another_area_are_not_found(users, login, family):
    """Given a 甲一村 household, when the 乙一村 worker posts to its member actions, then each answers 404 and
    nothing changes."""
    client = login(users["village_b1"])
    household = family["household"]
    membership = _membership(household, family["wife"])
    urls = [reverse("registry:member_add", args=[household.pk]),
            reverse("registry:member_edit", args=[household.pk, membership.pk]),
            reverse("registry:member_end", args=[household.pk, membership.pk]),
            reverse("registry:member_make_head", args=[household.pk, membership.pk])]
    assert [client.post(url, {"id_number": family["child"].id_number, "relation": Relation.CHILD,
                              "status": MemberStatus.NORMAL}).status_code for url in urls] == [404] * 4
    assert household.memberships.filter(ended_on__isnull=True).count() == 2
    assert not Event.objects.exists()


def test_household_detail_view_writes_an_access_log_row(worker, family, users):
    """Given a household, when the worker opens its page, then one web view_detail access row names it."""
    worker.get(reverse("registry:household_detail", args=[family["household"].pk]))
    log = AccessLog.objects.get(object_id=str(family["household"].pk))
    assert (log.actor, log.action, log.channel) == (users["village_a1"], "view_detail", "web")
