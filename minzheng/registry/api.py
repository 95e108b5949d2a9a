"""Registry endpoints. Every answer is scoped to the caller's area and masked; detail reads are logged."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from ninja import Query, Router, Schema

from minzheng.audit.actions import client_ip, record_access
from minzheng.registry.access import access_household_by_id, access_person_by_id
from minzheng.registry.models import Person
from minzheng.registry.selectors import (
    PersonFilters,
    household_members,
    person_current_membership,
    person_list,
)

router = Router(tags=["社会救助对象库"])


class PersonSummary(Schema):
    id: str
    name: str
    id_number_masked: str
    sex: str
    birth_date: dt.date
    hukou_area_code: str
    residence_area_code: str
    deceased: bool


class PersonDetail(PersonSummary):
    ethnicity: str
    phone_masked: str
    address: str
    disability_kind: str | None
    disability_grade: int | None
    self_care: str
    death_date: dt.date | None
    household_id: str | None
    relation: str | None


class PersonPage(Schema):
    count: int
    page: int
    pages: int
    results: list[PersonSummary]


class MemberOut(Schema):
    person_id: str
    name: str
    id_number_masked: str
    relation: str
    living_together: bool
    status: str


class HouseholdDetail(Schema):
    id: str
    number: str
    area_code: str
    address: str
    head_id: str | None
    members: list[MemberOut]


class PersonQuery(Schema):
    q: str = ""
    area: str = ""
    page: int = 1


def _summary(person: Person) -> PersonSummary:
    return PersonSummary(id=str(person.pk), name=person.name, id_number_masked=person.masked_id_number,
                         sex=person.sex, birth_date=person.birth_date, hukou_area_code=person.hukou_area_id,
                         residence_area_code=person.residence_area_id, deceased=person.death_date is not None)


@router.get("/persons", response=PersonPage, summary="查询人员（姓名、拼音、首字母或身份证号）")
def search_persons(request, query: Query[PersonQuery]):
    qs = person_list(user=request.auth, filters=PersonFilters(q=query.q[:40], area=query.area[:12]))
    paginator = Paginator(qs, 50)
    page = paginator.get_page(query.page)
    record_access(actor=request.auth, action="search", object_type="registry.person",
                  object_repr=f"人员查询（{paginator.count}条）", fields=["name", "id_number(masked)"],
                  reason=f"q={query.q[:40]} area={query.area[:12]}", ip_address=client_ip(request),
                  channel=getattr(request, "api_channel", "api"))
    return PersonPage(count=paginator.count, page=page.number, pages=paginator.num_pages,
                      results=[_summary(p) for p in page])


@router.get("/persons/{person_id}", response=PersonDetail, summary="人员详情")
def person_detail(request, person_id: str):
    person = access_person_by_id(request.auth, person_id)
    record_access(actor=request.auth, action="view_detail", obj=person, area_code=person.hukou_area_id,
                  fields=["name", "id_number(masked)", "phone(masked)", "disability", "address"],
                  ip_address=client_ip(request), channel=getattr(request, "api_channel", "api"))
    membership = person_current_membership(person=person)
    summary = _summary(person)
    return PersonDetail(
        **summary.dict(), ethnicity=person.get_ethnicity_display(), phone_masked=person.masked_phone,
        address=person.address, disability_kind=person.disability_kind or None,
        disability_grade=person.disability_grade, self_care=person.self_care, death_date=person.death_date,
        household_id=str(membership.household_id) if membership else None,
        relation=membership.relation if membership else None,
    )


@router.get("/households/{household_id}", response=HouseholdDetail, summary="家庭详情")
def household_detail(request, household_id: str):
    household = access_household_by_id(request.auth, household_id)
    record_access(actor=request.auth, action="view_detail", obj=household, area_code=household.area_id,
                  fields=["members", "id_number(masked)"], ip_address=client_ip(request),
                  channel=getattr(request, "api_channel", "api"))
    members = [MemberOut(person_id=str(m.person_id), name=m.person.name, id_number_masked=m.person.masked_id_number,
                         relation=m.relation, living_together=m.living_together, status=m.status)
               for m in household_members(household=household)]
    return HouseholdDetail(id=str(household.pk), number=household.number, area_code=household.area_id,
                           address=household.address, head_id=str(household.head_id) if household.head_id else None,
                           members=members)
