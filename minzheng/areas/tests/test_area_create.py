"""Creating areas: the 12-digit code decides the level and the parent; kind, parent and scope are checked."""

from __future__ import annotations

import pytest

from minzheng.areas.actions import area_create, area_update
from minzheng.areas.models import Area
from minzheng.areas.selectors import area_name
from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, PermissionDeniedError
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db


def _refused(user, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        area_create(acting_user=user, **{"name": "新村", "kind": "village", **kwargs})
    return caught.value


def test_district_admin_creates_a_village_under_a_town(users):
    """Given 甲镇, when the district admin creates 340471100203 as a village, then it is a village under 甲镇 with
    its 12-digit prefix."""
    area = area_create(acting_user=users["district_admin"], code="340471100203", name="甲三村", kind="village")
    assert (area.level, area.parent_id, area.prefix) == ("village", f.TOWN_A, "340471100203")


def test_nine_digit_town_code_is_padded(users):
    """Given the district, when a town is created from the 9-digit code 340471102, then it is stored as
    340471102000 at town level with the district as parent."""
    area = area_create(acting_user=users["district_admin"], code="340471102", name="丙镇", kind="township")
    assert (area.code, area.level, area.parent_id, area.prefix) == ("340471102000", "town", f.DISTRICT, "340471102")


def test_create_writes_an_event(users):
    """Given the district admin, when they create an area, then one area.create event records code and kind."""
    area = area_create(acting_user=users["district_admin"], code="340471100203", name="甲三村", kind="community")
    event = Event.objects.get(action="area.create", object_id=area.code)
    assert event.after == {"code": "340471100203", "name": "甲三村", "level": "village", "kind": "community"}


def test_new_area_name_is_served_after_commit(users, django_capture_on_commit_callbacks):
    """Given the cached area names, when an area is created and the transaction commits, then its name is served."""
    with django_capture_on_commit_callbacks(execute=True):
        area_create(acting_user=users["district_admin"], code="340471100203", name="甲三村", kind="village")
    assert area_name("340471100203") == "甲三村"


@pytest.mark.parametrize("code", ["3404711002", "34047110020", "3404711002011", "34047110020a", ""])
def test_code_of_wrong_length_or_characters_is_refused(users, code):
    """Given a code that is not 6, 9 or 12 digits, when an area is created, then the code field is refused."""
    error = _refused(users["district_admin"], code=code)
    assert (error.code, error.field) == ("area_code_invalid", "code")
    assert "应为6、9或12位数字" in error.message


def test_missing_parent_is_refused(users):
    """Given no town 340471105000, when a village under it is created, then the code field says to create the
    parent first."""
    error = _refused(users["district_admin"], code="340471105201")
    assert (error.code, error.field) == ("area_parent_missing", "code")
    assert "340471105000" in error.message


def test_village_code_without_a_town_part_is_refused(users):
    """Given the district, when 340471000201 (town digits 000) is created as a village, then it is refused: its
    parent would be the district itself, skipping the town level."""
    error = _refused(users["district_admin"], code="340471000201")
    assert error.field == "code"
    assert not Area.objects.filter(code="340471000201").exists()


@pytest.mark.parametrize("code, kind", [("340471100203", "town"), ("340471102000", "village"),
                                        ("340471102000", "district")])
def test_kind_that_does_not_match_the_level_is_refused(users, code, kind):
    """Given a code of one level, when it is created with a kind of another level, then the kind field is refused."""
    error = _refused(users["district_admin"], code=code, kind=kind)
    assert (error.code, error.field) == ("area_kind_mismatch", "kind")


def test_unknown_kind_is_refused_as_a_business_error(users):
    """Given a kind that is not an area kind at all, when an area is created, then the kind field is refused with
    a Chinese message (not a crash)."""
    error = _refused(users["district_admin"], code="340471100203", kind="planet")
    assert error.field == "kind"


def test_duplicate_code_is_refused(users):
    """Given 甲一村, when it is created again, then the code field says it exists."""
    error = _refused(users["district_admin"], code=f.VILLAGE_A1)
    assert (error.code, error.field) == ("area_exists", "code")


def test_blank_name_is_refused(users):
    """Given a blank name, when an area is created, then the name field is refused."""
    assert _refused(users["district_admin"], code="340471100203", name="  ").field == "name"


def test_area_outside_the_users_own_area_is_refused(users, areas):
    """Given a neighbouring district 340472 with a town, when the district admin of 340471 creates a village
    there, then it is refused as out of scope."""
    Area.objects.create(code="340472000000", name="邻区", level="district", kind="district", prefix="340472")
    Area.objects.create(code="340472100000", name="丙镇", level="town", kind="town", prefix="340472100",
                        parent_id="340472000000")
    error = _refused(users["district_admin"], code="340472100201")
    assert (error.code, error.field) == ("area_out_of_scope", "code")


@pytest.mark.parametrize("role", ["village_a1", "town_a", "district_approver", "leader", "auditor",
                                  "security_admin", "system_admin"])
def test_only_the_district_admin_may_create_areas(users, role):
    """Given any role but the district admin, when it creates an area, then permission is denied."""
    with pytest.raises(PermissionDeniedError):
        area_create(acting_user=users[role], code="340471100203", name="甲三村", kind="village")


def test_update_renames_and_deactivates_with_an_event(users):
    """Given 甲二村, when the district admin renames and deactivates it, then both change and the event has both
    values before and after."""
    area = Area.objects.get(code=f.VILLAGE_A2)
    area_update(acting_user=users["district_admin"], area=area, name="甲二社区", is_active=False)
    area.refresh_from_db()
    assert (area.name, area.is_active) == ("甲二社区", False)
    event = Event.objects.get(action="area.update")
    assert event.before == {"name": "甲二村", "is_active": True}
    assert event.after == {"name": "甲二社区", "is_active": False}
