"""The 人员信息登记表 endpoint: in-area access only, an access-log row per print, masked ID numbers, household
members listed only when the household is in the printer's area."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minzheng.audit.models import AccessLog
from minzheng.registry.enums import DisabilityGrade, DisabilityKind, Relation
from minzheng.testing import factories as f
from minzheng.testing.pdfread import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(areas):
    """王芳 (甲一村, 肢体残疾二级) heads a household with her son 李明; 赵六 lives in 甲一村 but belongs to a household
    in 乙一村 headed by 王五."""
    head = f.make_person(name="王芳", birth=dt.date(1958, 4, 9), male=False, address="甲一村3组18号",
                         phone="13812345678", disability_kind=DisabilityKind.PHYSICAL,
                         disability_grade=DisabilityGrade.GRADE_2)
    son = f.make_person(name="李明", birth=dt.date(1985, 10, 2))
    f.make_household(head=head, members=[(son, Relation.CHILD)])
    other_head = f.make_person(name="王五", area=f.VILLAGE_B1)
    cross = f.make_person(name="赵六", area=f.VILLAGE_B1, residence=f.VILLAGE_A1)
    f.make_household(head=other_head, members=[(cross, Relation.CHILD)])
    return {"head": head, "son": son, "other_head": other_head, "cross": cross}


def _url(person) -> str:
    return reverse("documents:person_pdf", args=[person.pk])


def test_the_village_worker_gets_the_form_as_an_inline_pdf(family, users, login):
    """Given the 甲一村 worker, when they open 王芳's form, then they get a PDF shown inline, never cached."""
    response = login(users["village_a1"]).get(_url(family["head"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF-")


def test_the_form_prints_the_person_and_household_with_masked_numbers(family, users, login):
    """Given 王芳's form, then it shows her details in the house formats, both members with masked ID numbers,
    and neither full ID number nor the full phone number."""
    head, son = family["head"], family["son"]
    content = login(users["village_a1"]).get(_url(head)).content
    text = pdf_text(content)
    for expected in ["人员信息登记表", "填报单位：测试区甲镇甲一村", "基本信息", "姓名王芳", "性别女",
                     f"身份证号码{head.masked_id_number}", "出生日期1958年4月9日", "民族汉族",
                     "户籍地测试区·甲镇·甲一村", "居住地测试区·甲镇·甲一村", "居住地址甲一村3组18号",
                     "残疾情况肢体残疾（二级）", "与户主关系户主", "138****5678",
                     "家庭成员", "1王芳户主女1958年4月9日", "2李明子女男1985年10月2日", son.masked_id_number,
                     "填表人：", "审核人：", "甲一村村民委员会（盖章）", "第1页共1页"]:
        assert expected in text, expected
    for secret in [head.id_number, son.id_number, "13812345678"]:
        assert secret not in text
        assert secret.encode() not in content


def test_printing_writes_an_access_log_row(family, users, login):
    """Given the worker prints 王芳's form, then one access-log row records who printed whom, from where."""
    login(users["village_a1"]).get(_url(family["head"]), REMOTE_ADDR="10.1.2.3")
    row = AccessLog.objects.get(action="print")
    assert (row.actor, row.object_type, row.object_id) == (users["village_a1"], "registry.person",
                                                           str(family["head"].pk))
    assert (row.area_code, row.ip_address, row.reason) == (f.VILLAGE_A1, "10.1.2.3", "人员信息登记表")
    assert "id_number(masked)" in row.fields


def test_a_worker_of_another_village_gets_not_found_and_nothing_is_logged(family, users, login):
    """Given the 乙一村 worker, when they ask for 王芳's form, then the answer is 404 and no print is logged."""
    response = login(users["village_b1"]).get(_url(family["head"]))
    assert response.status_code == 404
    assert not AccessLog.objects.filter(action="print").exists()


def test_an_unknown_or_malformed_id_gets_not_found(family, users, login):
    """Given a person id that does not exist or is not a UUID, then the answer is 404."""
    client = login(users["district_admin"])
    assert client.get("/documents/person/00000000-0000-0000-0000-000000000000.pdf").status_code == 404
    assert client.get("/documents/person/not-a-uuid.pdf").status_code == 404


def test_a_role_without_registry_access_is_refused(family, users, login):
    """Given the auditor (no registry permission, 三员分立), then printing is refused and nothing is logged."""
    response = login(users["auditor"]).get(_url(family["head"]))
    assert response.status_code == 403
    assert not AccessLog.objects.filter(action="print").exists()


def test_members_of_a_household_outside_the_area_are_not_listed(family, users, login):
    """Given 赵六, living in 甲一村 but in a household of 乙一村, when the 甲一村 worker prints his form, then it shows
    his household number but not that household's members."""
    cross = family["cross"]
    text = pdf_text(login(users["village_a1"]).get(_url(cross)).content)
    assert "姓名赵六" in text and "户籍地测试区·乙镇·乙一村" in text
    assert "该户登记在其他辖区，成员信息不在本表打印" in text
    assert "王五" not in text
    assert family["other_head"].masked_id_number not in text


def test_the_town_reviewer_sees_the_whole_form_sealed_by_the_town(family, users, login):
    """Given the 甲镇 reviewer, then the form lists the members and the seal box names 甲镇人民政府."""
    pages = pdf_pages(login(users["town_a"]).get(_url(family["head"])).content)
    assert len(pages) == 1
    assert "李明" in pages[0] and "甲镇人民政府（盖章）" in pages[0]


def test_a_person_without_a_household_says_so_and_has_no_member_list(areas, users, login):
    """Given a person in no household, then the form says 未登记家庭 and prints no member list."""
    loner = f.make_person(name="陈默")
    text = pdf_text(login(users["village_a1"]).get(_url(loner)).content)
    assert "所属家庭未登记家庭" in text
    assert "家庭成员" not in text
