"""Reading a household file: every malformed field is reported in Chinese with its path; nothing is guessed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from minzheng.assistance.determination import household_from_json, household_from_text, household_to_json
from minzheng.assistance.tests.builders import household, member
from minzheng.core.errors import ValidationErrors


def _errors(data) -> list[str]:
    with pytest.raises(ValidationErrors) as caught:
        household_from_json(data) if not isinstance(data, str) else household_from_text(data)
    return [error.describe() for error in caught.value.errors]


def test_a_valid_file_reads_into_typed_input():
    """Given a valid file, when read, then dates, birth dates (from the ID number) and defaults are typed."""
    head = member(born="1950-06-15")
    parsed = household_from_json(household(head))
    assert parsed.as_of == dt.date(2025, 3, 1)
    assert parsed.members[0].birth_date == dt.date(1950, 6, 15)
    assert parsed.members[0].care_placement == "dispersed"
    assert parsed.emergency is None


def test_optional_fields_take_documented_defaults():
    """Given a member without the optional fields, then no disability, no illness, full self-care, not a
    student, dispersed; and a household without them applies at the hukou place with no expenses or
    emergency."""
    data = household(member())
    for key in ("disability", "serious_illness", "self_care", "student"):
        del data["members"][0][key]
    for key in ("application_place", "rigid_expenses_12m_fen", "emergency"):
        del data[key]
    parsed = household_from_json(data)
    first = parsed.members[0]
    assert (first.disability, first.serious_illness, first.self_care, first.student) == (None, False, "full", False)
    assert (parsed.application_place, parsed.rigid_expenses_12m_fen, parsed.emergency) == ("hukou", 0, None)


def test_negative_income_names_the_field_path():
    """Given a negative monthly income on the third member's first item, then the message names exactly that
    field: ``members[2].income_items[0].monthly_fen 必须是非负整数``."""
    bad = member(relation="child", income_items=[{"kind": "wage", "monthly_fen": -1}])
    data = household(member(), member(relation="spouse", male=False), bad)
    assert _errors(data) == ["members[2].income_items[0].monthly_fen 必须是非负整数"]


@pytest.mark.parametrize("value", [1.5, 100.0, "100", True, None])
def test_money_must_be_an_integer_of_fen(value):
    """Money is integer fen: floats, strings, booleans and null are refused."""
    data = household(member())
    data["assets"]["deposits_fen"] = value
    assert _errors(data) == ["assets.deposits_fen 必须是非负整数"]


def test_every_error_is_reported_at_once():
    """Given several faults, then all are listed (the file is fixed in one pass), in file order."""
    data = household(member(status="jailed", living_together="yes"), as_of="2025-02-30", able_supporters=-1)
    data["area_code"] = "3404"
    assert _errors(data) == [
        "as_of 必须是 YYYY-MM-DD 格式的有效日期",
        "area_code 必须是12位数字的行政区划代码",
        "able_supporters 必须是非负整数",
        "members[0].living_together 必须是 true 或 false",
        "members[0].status 必须是以下之一：normal、imprisoned、compulsory_rehab、declared_missing、clergy_away",
    ]


def test_required_fields_are_named():
    """Given a file without assets, supporters and a member without status and income items, then each is named."""
    data = household(member())
    del data["assets"], data["able_supporters"], data["members"][0]["status"], data["members"][0]["income_items"]
    assert set(_errors(data)) == {"assets 为必填项", "able_supporters 为必填项", "members[0].status 为必填项",
                                  "members[0].income_items 为必填项"}


def test_unknown_fields_are_refused():
    """A misspelt field would otherwise be silently ignored and its default used: it is refused."""
    data = household(member())
    data["members"][0]["living_togther"] = True
    assert _errors(data) == ["members[0].living_togther 不是可识别的字段"]


def test_invalid_id_number_gives_the_identifier_message():
    """Given an ID number with a wrong check digit, then the registry's Chinese message, on the field."""
    head = member()
    head["id_number"] = head["id_number"][:17] + ("0" if head["id_number"][17] != "0" else "1")
    assert _errors(household(head)) == ["members[0].id_number 身份证号码校验位错误，请核对是否录入有误"]


def test_birth_after_as_of_is_refused():
    """An ID number whose birth date is after the assessment date cannot be assessed."""
    assert _errors(household(member(born="2025-05-01"), as_of="2025-03-01")) == \
        ["members[0].id_number 中的出生日期晚于 as_of"]


def test_duplicate_members_are_refused():
    """The same person twice in one file is refused, naming both places."""
    head = member()
    assert _errors(household(head, dict(head, relation="spouse"))) == \
        ["members[1].id_number 与 members[0].id_number 重复"]


def test_members_must_not_be_empty():
    assert _errors(household()) == ["members 必须是非空列表"]


def test_disability_kind_and_grade_are_checked():
    """A disability needs a known kind and a grade from 1 to 4."""
    data = household(member(disability={"kind": "physical", "grade": 5}),
                     member(relation="child", disability={"kind": "unknown", "grade": 1}))
    assert _errors(data) == [
        "members[0].disability.grade 必须是1到4之间的整数",
        "members[1].disability.kind 必须是以下之一：physical、intellectual、mental、visual、hearing、speech、multiple",
    ]


def test_emergency_fields_are_checked():
    data = household(member(), emergency={"kind": "", "area_code": "340471", "loss_fen": "1000"})
    assert _errors(data) == [
        "emergency.kind 必须是非空字符串",
        "emergency.area_code 必须是12位数字的行政区划代码",
        "emergency.loss_fen 必须是非负整数",
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("{\"as_of\": ", "文件不是有效的JSON：第1行第11列（Expecting value）"),
    ("[]", "文件内容必须是一个JSON对象"),
    ("{\"as_of\": NaN}", "文件不是有效的JSON：不支持 NaN"),
])
def test_text_that_is_not_a_json_object(text, message):
    """Broken JSON says where; a list is not a household; NaN is not a number."""
    assert _errors(text) == [message]


def test_duplicate_keys_are_refused():
    """A key given twice in one object (JSON allows it, the last one would silently win) is refused."""
    text = json.dumps(household(member())).replace('"able_supporters": 0', '"able_supporters": 0, "able_supporters": 1')
    assert _errors(text) == ["able_supporters 在同一对象中出现了两次"]


def test_bytes_must_be_utf8():
    with pytest.raises(ValidationErrors) as caught:
        household_from_text("{\"name\": \"张三\"}".encode("gbk"))
    assert caught.value.errors[0].message == "文件不是UTF-8编码的文本"


def test_fifteen_digit_id_numbers_are_upgraded():
    """A first-generation 15-digit number is read as its 18-digit form, which the output then uses."""
    head = member()
    head["id_number"] = "340471500101001"
    parsed = household_from_json(household(head))
    assert parsed.members[0].id_number == "340471195001010015"
    assert parsed.members[0].birth_date == dt.date(1950, 1, 1)


def test_household_json_round_trip():
    """household_to_json writes what household_from_json reads back unchanged."""
    data = household(member(disability={"kind": "mental", "grade": 3}, care_placement="centralized"),
                     emergency={"kind": "flood", "area_code": "340471100201", "loss_fen": 5})
    parsed = household_from_json(data)
    assert household_from_json(household_to_json(parsed)) == parsed
