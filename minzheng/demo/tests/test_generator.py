"""The demo district is deterministic, fixed in shape, realistic enough to work with, and fictional."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minzheng.accounts.enums import ROLE_LEVEL, Role
from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.core.identifiers import parse_id_number
from minzheng.demo.generator import REFERENCE_DAY, generate_demo
from minzheng.registry.models import Household, Membership, Person

pytestmark = pytest.mark.django_db(transaction=True)


def _fingerprint() -> str:
    rows = Person.objects.order_by("id").values_list("id", "name", "id_number", "hukou_area_id",
                                                            "residence_area_id", "disability_grade", "death_date")
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row).encode())
    digest.update(repr(list(Membership.objects.order_by("id").values_list("id", "household_id", "relation",
                                                                             "status"))).encode())
    return digest.hexdigest()


def _wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)


def test_same_seed_gives_the_same_district():
    """Given seed 11, when the district is generated twice, then every person and membership is identical."""
    generate_demo(seed=11, persons=1500, with_users=False)
    first = _fingerprint()
    _wipe()
    generate_demo(seed=11, persons=1500, with_users=False)
    assert _fingerprint() == first


def test_different_seeds_give_different_districts():
    """Given seeds 11 and 12, when generated, then the people differ."""
    generate_demo(seed=11, persons=500, with_users=False)
    first = _fingerprint()
    _wipe()
    generate_demo(seed=12, persons=500, with_users=False)
    assert _fingerprint() != first


def test_fixed_area_codes_and_shape():
    """The district, its three towns and about thirty villages carry the fixed demo codes."""
    generate_demo(seed=3, persons=300, with_users=False)
    assert Area.objects.get(code="340471000000").level == "district"
    towns = dict(Area.objects.filter(level="town").values_list("code", "name"))
    assert towns == {"340471100000": "毛集镇", "340471101000": "夏集镇", "340471102000": "焦岗乡"}
    villages = Area.objects.filter(level="village")
    assert 28 <= villages.count() <= 32
    assert villages.filter(code="340471100201", kind="village").exists()
    assert villages.filter(code="340471100001", kind="community").exists()
    assert all(v.parent_id == v.code[:9] + "000" for v in villages)


def test_people_are_realistic():
    """Given 6,000 persons: valid unique IDs matching sex and birth date, ages 0–100, about three per
    household, one head per household, some disabled, dead, living alone at 80+, children and migrants."""
    summary = generate_demo(seed=5, persons=6000, with_users=False)
    assert summary.persons == Person.objects.count() == 6000
    assert 2.5 <= summary.persons / summary.households <= 3.4
    people = list(Person.objects.all())
    assert len({p.id_number for p in people}) == len(people)
    for person in people[:2000]:
        info = parse_id_number(person.id_number)
        assert (info.sex, info.birth_date) == (person.sex, person.birth_date)
        assert 0 <= person.age_on(REFERENCE_DAY) <= 101
    heads = Membership.objects.filter(relation="head", ended_on__isnull=True)
    assert heads.count() == Household.objects.count()
    disabled = sum(1 for p in people if p.disability_kind)
    assert 0.03 * len(people) < disabled < 0.15 * len(people)
    assert 0 < sum(1 for p in people if p.death_date) < 0.05 * len(people)
    children = sum(1 for p in people if p.age_on(REFERENCE_DAY) < 18)
    assert 0.05 * len(people) < children < 0.35 * len(people)
    migrants = sum(1 for p in people if p.hukou_area_id != p.residence_area_id)
    assert 0.02 * len(people) < migrants < 0.2 * len(people)
    alone_80 = (Household.objects.filter(head__birth_date__lte=dt.date(REFERENCE_DAY.year - 80, 1, 1))
                .filter(memberships__ended_on__isnull=True).distinct())
    assert any(h.memberships.filter(ended_on__isnull=True).count() == 1 for h in alone_80[:200])


def test_one_user_per_role_at_its_level():
    """Every role has a demo user whose area is at the role's level."""
    generate_demo(seed=1, persons=100)
    for role in Role:
        users = User.objects.filter(role=role)
        assert users.exists(), role
        assert all(u.area.level == ROLE_LEVEL[role] for u in users)
        assert all(u.check_password("Demo@2025") for u in users)


def test_command_refuses_a_non_empty_database_unless_if_empty():
    """The command never adds a second district: with --if-empty it skips, without it it refuses."""
    call_command("demo", persons=50, seed=2)
    call_command("demo", persons=50, seed=2, if_empty=True)
    assert Person.objects.count() == 50
    with pytest.raises(CommandError):
        call_command("demo", persons=50, seed=2)


def test_demo_assistance_cases_cover_every_stage():
    """Given a small district with its demo users, when the demo assistance cases are made, then there are
    applications at several stages made through the real workflow, enrollments with amounts, and temporary
    assistance cases in the villages where the emergencies happened."""
    from minzheng.assistance.models import Application, Enrollment
    from minzheng.assistance.tempaid_models import TempAidCase
    from minzheng.demo.assistance import seed_assistance

    generate_demo(seed=4, persons=3000)
    counts = seed_assistance(seed=4, per_village=3)
    statuses = set(Application.objects.values_list("status", flat=True))
    assert counts["applications"] == Application.objects.count() > 30
    assert {"approved", "submitted"} <= statuses and len(statuses) >= 5
    assert Enrollment.objects.filter(monthly_amount_fen__gt=0).exists()
    assert counts["temp_aid"] == TempAidCase.objects.count() == 10
