"""Registering and editing persons through the pages: Chinese messages on the right field, values derived from
the ID number, change events with only what changed, access logging and masking on the detail page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from minzheng.audit.models import AccessLog, Event
from minzheng.core.identifiers import make_id_number, upgrade_15_to_18
from minzheng.registry.actions import person_create
from minzheng.registry.errors import RegistryErrorCode
from minzheng.registry.models import Person
from minzheng.registry.validation import PersonInput
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db

FEMALE_1985 = make_id_number("340471", dt.date(1985, 3, 12), 42, male=False)


def _form(**overrides) -> dict:
    data = {"name": "张三", "id_number": FEMALE_1985, "ethnicity": "01", "hukou_area": f.VILLAGE_A1,
            "residence_area": f.VILLAGE_A1, "address": "甲一村1组", "phone": "", "disability_kind": "",
            "disability_grade": "", "self_care": "full", "death_date": ""}
    data.update(overrides)
    return data


def _field_errors(response) -> dict[str, list[str]]:
    return {name: [str(e) for e in errors] for name, errors in response.context["form"].errors.items()}


@pytest.fixture
def worker(users, login):
    return login(users["village_a1"])


def _create(client, **overrides):
    return client.post(reverse("registry:person_create"), _form(**overrides))


# --- create ------------------------------------------------------------------------------------------------


def test_create_derives_sex_and_birth_date_from_the_id_number(worker):
    """Given a female ID number born 1985-03-12, when the 甲一村 worker registers the person, then the person is
    stored as female, born 1985-03-12, and the browser goes to the detail page."""
    response = _create(worker)
    person = Person.objects.by_id_number(FEMALE_1985).get()
    assert response.status_code == 302 and response.url == reverse("registry:person_detail", args=[person.pk])
    assert (person.sex, person.birth_date) == ("F", dt.date(1985, 3, 12))


def test_create_writes_a_person_create_event(worker, users):
    """Given the worker, when they register a person, then one person.create event by them records the values."""
    _create(worker)
    person = Person.objects.by_id_number(FEMALE_1985).get()
    event = Event.objects.get(action="person.create", object_id=str(person.pk))
    assert event.actor == users["village_a1"]
    assert event.after["name"] == "张三" and event.after["hukou_area_id"] == f.VILLAGE_A1


def test_create_upgrades_a_15_digit_number(worker):
    """Given a first-generation 15-digit number, when the person is registered, then the 18-digit form is stored."""
    _create(worker, id_number="340471750312123")
    assert Person.objects.get().id_number == upgrade_15_to_18("340471750312123")


@pytest.mark.parametrize("overrides, field, message", [
    ({"id_number": FEMALE_1985[:17] + ("0" if FEMALE_1985[17] != "0" else "1")}, "id_number", "校验位错误"),
    ({"id_number": "3404711985"}, "id_number", "应为18位"),
    ({"id_number": "34047119851332004X"}, "id_number", "出生日期不存在"),
    ({"phone": "12345"}, "phone", "联系电话应为11位手机号"),
    ({"disability_kind": "physical"}, "disability_grade", "残疾类别和残疾等级需同时填写"),
    ({"disability_grade": "2"}, "disability_grade", "残疾类别和残疾等级需同时填写"),
    ({"death_date": "1980-01-01"}, "death_date", "死亡日期不能早于出生日期"),
    ({"death_date": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "death_date", "死亡日期不能晚于今天"),
    ({"name": "张三3"}, "name", "姓名只能包含汉字"),
], ids=["checksum", "length", "impossible-date", "phone", "kind-without-grade", "grade-without-kind",
        "death-before-birth", "death-in-future", "name"])
def test_invalid_input_shows_a_chinese_message_on_the_field(worker, overrides, field, message):
    """Given one bad value, when the worker submits the form, then nothing is saved and the Chinese message is
    shown on that field."""
    response = _create(worker, **overrides)
    assert response.status_code == 200
    assert not Person.objects.exists()
    errors = _field_errors(response)
    assert any(message in text for text in errors.get(field, [])), errors
    assert f'data-testid="field-error-{field}"' in response.content.decode()


def test_duplicate_id_number_is_refused_on_the_id_field(worker):
    """Given a person already registered with an ID number, when the worker registers it again, then the form says
    so on the ID field and no second person exists."""
    f.make_person(name="李四", id_number=FEMALE_1985)
    response = _create(worker)
    assert "该身份证号码的人员已在库中" in _field_errors(response)["id_number"]
    assert Person.objects.count() == 1


def test_village_outside_the_users_area_is_refused_on_the_area_field(worker):
    """Given the 甲一村 worker, when they register a person in 乙一村, then the hukou field is refused (乙一村 is not
    offered) and nothing is saved."""
    response = _create(worker, hukou_area=f.VILLAGE_B1, residence_area=f.VILLAGE_B1)
    errors = _field_errors(response)
    assert any("选择一个有效的选项" in text for text in errors["hukou_area"])
    assert not Person.objects.exists()


def test_action_refuses_a_person_with_neither_area_in_scope(users):
    """Given the 甲一村 worker calling the action directly, when both hukou and residence are in 乙一村, then the
    out-of-scope error names the hukou field."""
    from minzheng.core.errors import ValidationErrors

    with pytest.raises(ValidationErrors) as caught:
        person_create(acting_user=users["village_a1"],
                      data=PersonInput(name="张三", id_number=FEMALE_1985, hukou_area=f.VILLAGE_B1,
                                       residence_area=f.VILLAGE_B1))
    assert [(e.code, e.field) for e in caught.value.errors] == [(RegistryErrorCode.AREA_OUT_OF_SCOPE, "hukou_area")]


def test_leader_cannot_open_the_create_page(users, login):
    """Given the read-only leader, when they open the registration page, then it is refused."""
    assert login(users["leader"]).get(reverse("registry:person_create")).status_code == 403


# --- edit --------------------------------------------------------------------------------------------------


def _edit_form(person, **overrides) -> dict:
    data = _form(name=person.name, id_number="", hukou_area=person.hukou_area_id,
                 residence_area=person.residence_area_id, address=person.address, phone=person.phone)
    data.update(overrides)
    return data


def test_edit_writes_an_event_with_only_the_changed_fields(worker, users):
    """Given a person, when the worker changes the phone and address, then one person.update event holds exactly
    those two fields before and after."""
    person = f.make_person(name="张三", address="旧址", phone="")
    response = worker.post(reverse("registry:person_edit", args=[person.pk]),
                           _edit_form(person, address="新址", phone="13800138000"))
    assert response.status_code == 302
    event = Event.objects.get(action="person.update", object_id=str(person.pk))
    assert event.before == {"address": "旧址", "phone": ""}
    assert event.after == {"address": "新址", "phone": "138****8000"}  # sensitive values are kept masked
    assert event.actor == users["village_a1"]


def test_edit_without_changes_writes_no_event(worker):
    """Given a person, when the worker saves the edit form unchanged, then no update event is written."""
    person = f.make_person(name="张三", address="甲一村")
    worker.post(reverse("registry:person_edit", args=[person.pk]), _edit_form(person))
    assert not Event.objects.filter(action="person.update").exists()


def test_id_correction_rederives_sex_and_birth_date(worker):
    """Given a male person born 1960, when the worker corrects the ID number to a female one born 1985, then sex
    and birth date follow the new number and the event records the three changed values."""
    person = f.make_person(name="张三", birth=dt.date(1960, 1, 1), male=True)
    worker.post(reverse("registry:person_edit", args=[person.pk]), _edit_form(person, id_number=FEMALE_1985))
    person.refresh_from_db()
    assert (person.id_number, person.sex, person.birth_date) == (FEMALE_1985, "F", dt.date(1985, 3, 12))
    event = Event.objects.get(action="person.update")
    assert set(event.after) == {"id_number", "sex", "birth_date"}


def test_edit_to_another_persons_id_number_is_refused(worker):
    """Given two persons, when the worker corrects one's ID to the other's, then the ID field says it exists."""
    other = f.make_person(name="李四")
    person = f.make_person(name="张三")
    response = worker.post(reverse("registry:person_edit", args=[person.pk]),
                           _edit_form(person, id_number=other.id_number))
    assert "该身份证号码的人员已在库中" in _field_errors(response)["id_number"]


# --- detail ------------------------------------------------------------------------------------------------


def test_detail_view_writes_an_access_log_row(worker, users):
    """Given a person, when the worker opens the detail page, then one web view_detail access row names them."""
    person = f.make_person(name="张三")
    worker.get(reverse("registry:person_detail", args=[person.pk]))
    log = AccessLog.objects.get(object_id=str(person.pk))
    assert (log.actor, log.action, log.channel, log.object_type) == (
        users["village_a1"], "view_detail", "web", "registry.person")


def test_refused_detail_view_writes_no_access_log(users, login):
    """Given a 乙一村 person, when the 甲一村 worker tries the detail page, then no access row is written."""
    person = f.make_person(name="王五", area=f.VILLAGE_B1)
    login(users["village_a1"]).get(reverse("registry:person_detail", args=[person.pk]))
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("tab", ["info", "household", "history"])
def test_detail_page_shows_only_the_masked_id_number(worker, tab):
    """Given a person registered and then given a corrected ID number, when any tab of the detail page is opened,
    then neither the old nor the new full number appears, and the info tab shows the masked form."""
    worker.post(reverse("registry:person_create"), _form(id_number=FEMALE_1985))
    person = Person.objects.get()
    old = person.id_number
    corrected = make_id_number("340471", dt.date(1986, 4, 1), 77, male=False)
    worker.post(reverse("registry:person_edit", args=[person.pk]), _edit_form(person, id_number=corrected))
    person.refresh_from_db()
    body = worker.get(reverse("registry:person_detail", args=[person.pk]), {"tab": tab}).content.decode()
    assert old not in body and corrected not in body
    if tab == "info":
        assert person.masked_id_number in body
        assert re.search(r"340471\*{8}\d{3}[\dX]", body)


def test_edit_keeps_the_hukou_of_a_person_seen_through_residence(worker):
    """Given 赵六 with hukou in 乙一村 living in 甲一村, when the 甲一村 worker changes only the phone on the edit
    page as rendered, then the phone is saved, the hukou stays in 乙一村 and the event holds only the phone."""
    person = f.make_person(name="赵六", area=f.VILLAGE_B1, residence=f.VILLAGE_A1)
    page = worker.get(reverse("registry:person_edit", args=[person.pk]))
    assert page.context["form"]["hukou_area"].value() == f.VILLAGE_B1
    assert f.VILLAGE_B1 in dict(page.context["form"].fields["hukou_area"].choices)
    response = worker.post(reverse("registry:person_edit", args=[person.pk]), _edit_form(person, phone="13800138000"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.hukou_area_id, person.phone) == (f.VILLAGE_B1, "13800138000")
    assert Event.objects.get(action="person.update").after == {"phone": "138****8000"}


def test_edit_cannot_move_a_person_wholly_out_of_the_users_area(worker):
    """Given 赵六 with hukou in 乙一村 living in 甲一村, when the 甲一村 worker also sets the residence to 乙一村,
    then the hukou field says neither area would be theirs and nothing changes."""
    person = f.make_person(name="赵六", area=f.VILLAGE_B1, residence=f.VILLAGE_A1)
    response = worker.post(reverse("registry:person_edit", args=[person.pk]),
                           _edit_form(person, residence_area=f.VILLAGE_B1))
    assert "户籍地和居住地都不在您的管辖范围内" in _field_errors(response)["hukou_area"]
    person.refresh_from_db()
    assert person.residence_area_id == f.VILLAGE_A1
