"""bulk_insert: rows written around the ORM read back through it with the same values.

Run on SQLite and on PostgreSQL (COPY); each test checks one kind of value the two paths convert.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from minzheng.core.bulk import bulk_insert
from minzheng.core.identifiers import make_id_number
from minzheng.registry.enums import DisabilityKind, MemberStatus, Relation, SelfCare
from minzheng.registry.models import Household, Membership, Person
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def person(n: int = 1, **overrides) -> Person:
    values = {
        "id": uuid.uuid4(),
        "name": f"王{n}",
        "id_number": make_id_number("340471", dt.date(1970, 1, 1) + dt.timedelta(days=n), n, male=True),
        "sex": "M",
        "birth_date": dt.date(1970, 1, 1) + dt.timedelta(days=n),
        "hukou_area_id": f.VILLAGE_A1,
        "residence_area_id": f.VILLAGE_A2,
        "search_pinyin": f" wang{n} w ",
    } | overrides
    return Person(**values)


def household(head: Person, n: int = 1, **overrides) -> Household:
    return Household(**({"id": uuid.uuid4(), "number": f"{f.VILLAGE_A1}{n:04d}", "area_id": f.VILLAGE_A1,
                         "head_id": head.id} | overrides))


def membership(home: Household, member: Person, **overrides) -> Membership:
    return Membership(**({"id": uuid.uuid4(), "household_id": home.id, "person_id": member.id,
                          "relation": Relation.HEAD} | overrides))


def concrete_values(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


@pytest.fixture(autouse=True)
def _areas(areas):
    return areas


def test_returns_the_number_of_rows():
    """Given three persons, when inserted, then 3 is returned and three rows exist."""
    count = bulk_insert(Person, [person(n) for n in range(3)])
    assert (count, Person.objects.count()) == (3, 3)


def test_empty_input_writes_nothing():
    """Given no objects, when inserted, then 0 is returned and no row exists."""
    assert (bulk_insert(Person, []), Person.objects.count()) == (0, 0)


def test_accepts_a_generator():
    """Given a generator (consumed once), when inserted, then every row it yields is written."""
    bulk_insert(Person, (person(n) for n in range(4)))
    assert Person.objects.count() == 4


def test_person_reads_back_with_the_same_values():
    """Given a fully built person with explicit timestamps, when inserted, then the ORM reads every field equal."""
    stamp = dt.datetime(2025, 7, 1, 9, 30, 15, 123456, tzinfo=SHANGHAI)
    built = person(ethnicity="05", phone="13812345678", address="和平路1号", disability_kind=DisabilityKind.VISUAL,
                   disability_grade=2, self_care=SelfCare.PARTIAL, death_date=dt.date(2024, 2, 29),
                   created_at=stamp, updated_at=stamp)
    bulk_insert(Person, [built])
    assert concrete_values(Person.objects.get(pk=built.id)) == concrete_values(built)


def test_uuid_primary_key_is_found_by_lookup():
    """Given a person with a UUID key, when inserted, then filtering by that UUID finds it."""
    built = person()
    bulk_insert(Person, [built])
    assert Person.objects.filter(pk=built.id).exists()


def test_uuid_given_as_text_is_stored_as_a_uuid():
    """Given a key given as dashed text, when inserted, then a lookup by the UUID finds it (as the ORM would)."""
    key = uuid.uuid4()
    bulk_insert(Person, [person(id=str(key))])
    assert Person.objects.get(pk=key).id == key


def test_null_values_read_back_as_none():
    """Given a person without death date or disability grade, when inserted, then both read back as None."""
    built = person()
    bulk_insert(Person, [built])
    stored = Person.objects.get(pk=built.id)
    assert (stored.death_date, stored.disability_grade) == (None, None)


def test_dates_read_back_as_dates():
    """Given a birth date on a leap day, when inserted, then the same date object comes back."""
    built = person(birth_date=dt.date(2000, 2, 29))
    bulk_insert(Person, [built])
    assert Person.objects.get(pk=built.id).birth_date == dt.date(2000, 2, 29)


def test_missing_timestamps_are_filled_with_now():
    """Given a person whose created_at and updated_at are unset, when inserted, then both are now and equal."""
    built = person()
    before = timezone.now()
    bulk_insert(Person, [built])
    stored = Person.objects.get(pk=built.id)
    assert before <= stored.created_at == stored.updated_at <= timezone.now()


def test_aware_timestamps_keep_their_instant():
    """Given a created_at in Asia/Shanghai, when inserted, then the same instant reads back (stored in UTC)."""
    stamp = dt.datetime(2025, 1, 1, 0, 0, 0, 1, tzinfo=SHANGHAI)
    built = person(created_at=stamp, updated_at=stamp)
    bulk_insert(Person, [built])
    assert Person.objects.get(pk=built.id).created_at == stamp


def test_text_with_control_characters_round_trips():
    """Given an address with a tab, a newline, a backslash and a quote (COPY escapes), then unchanged."""
    address = "东风路\t3号\n2单元\\101室'\""
    built = person(address=address)
    bulk_insert(Person, [built])
    assert Person.objects.get(pk=built.id).address == address


def test_household_reads_back_with_the_same_values():
    """Given a household with a head and is_active False, when inserted, then every field reads back equal."""
    head = person()
    built = household(head, is_active=False, address="幸福村")
    bulk_insert(Person, [head])
    bulk_insert(Household, [built])
    assert concrete_values(Household.objects.get(pk=built.id)) | {"created_at": None, "updated_at": None} \
        == concrete_values(built) | {"created_at": None, "updated_at": None}


def test_household_foreign_keys_resolve():
    """Given a household inserted in bulk, when its head and area are followed, then they are the rows given."""
    head = person()
    built = household(head)
    bulk_insert(Person, [head])
    bulk_insert(Household, [built])
    stored = Household.objects.select_related("head", "area").get(pk=built.id)
    assert (stored.head.id_number, stored.area.code) == (head.id_number, f.VILLAGE_A1)


def test_boolean_true_and_false_read_back():
    """Given one active and one inactive household, when inserted, then filtering by is_active tells them apart."""
    heads = [person(1), person(2)]
    active, inactive = household(heads[0], 1, is_active=True), household(heads[1], 2, is_active=False)
    bulk_insert(Person, heads)
    bulk_insert(Household, [active, inactive])
    assert list(Household.objects.filter(is_active=True).values_list("id", flat=True)) == [active.id]


def test_membership_reads_back_with_the_same_values():
    """Given a membership with every kind of field set, when inserted, then every field reads back equal."""
    member = person()
    home = household(member)
    stamp = dt.datetime(2025, 7, 1, 8, 0, tzinfo=SHANGHAI)
    built = membership(home, member, relation=Relation.SPOUSE, living_together=False,
                       status=MemberStatus.IMPRISONED, started_on=dt.date(2015, 1, 1), ended_on=dt.date(2024, 12, 31),
                       created_at=stamp, updated_at=stamp)
    bulk_insert(Person, [member])
    bulk_insert(Household, [home])
    bulk_insert(Membership, [built])
    assert concrete_values(Membership.objects.get(pk=built.id)) == concrete_values(built)


def test_memberships_join_persons_and_households():
    """Given a household of three inserted in bulk, when its members are queried through the ORM, then all three."""
    members = [person(n) for n in range(3)]
    home = household(members[0])
    rows = [membership(home, members[0])] + [membership(home, m, relation=Relation.CHILD) for m in members[1:]]
    bulk_insert(Person, members)
    bulk_insert(Household, [home])
    bulk_insert(Membership, rows)
    names = Person.objects.filter(memberships__household=home).order_by("name").values_list("name", flat=True)
    assert list(names) == ["王0", "王1", "王2"]


def test_database_constraints_still_apply():
    """Given two current memberships of one person (forbidden by a unique constraint), then the insert fails."""
    member = person()
    first, second = household(member, 1), household(member, 2)
    bulk_insert(Person, [member])
    bulk_insert(Household, [first, second])
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(Membership, [membership(first, member), membership(second, member, relation=Relation.CHILD)])


def test_naive_timestamps_are_read_in_the_current_time_zone():
    """Given a naive created_at, when inserted, then it means Asia/Shanghai time, as a naive value saved through
    the ORM does (with the ORM's warning), not UTC."""
    naive = dt.datetime(2025, 7, 1, 8, 0)
    built = person(created_at=naive, updated_at=naive)
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        bulk_insert(Person, [built])
    assert Person.objects.get(pk=built.id).created_at == naive.replace(tzinfo=SHANGHAI)


def test_malformed_text_key_is_refused():
    """Given a key that is not a UUID, when inserted, then a ValidationError and no row."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        bulk_insert(Person, [person(id="not-a-uuid")])
    assert Person.objects.count() == 0
