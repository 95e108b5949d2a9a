"""All writes of the registry. Each runs in one transaction and leaves an event row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from minzheng.accounts.permissions import Perm, require
from minzheng.areas.models import Area
from minzheng.audit.actions import diff, record_event, snapshot
from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, ValidationErrors
from minzheng.registry.enums import MemberStatus, Relation
from minzheng.registry.errors import MESSAGES, RegistryErrorCode
from minzheng.registry.models import Household, Membership, Person
from minzheng.registry.pinyin import name_search_key
from minzheng.registry.roster import read_roster
from minzheng.registry.validation import CleanPerson, PersonInput, clean_person

PERSON_FIELDS = ["name", "id_number", "sex", "birth_date", "ethnicity", "hukou_area_id", "residence_area_id",
                 "address", "phone", "disability_kind", "disability_grade", "self_care", "death_date"]
HOUSEHOLD_FIELDS = ["number", "area_id", "address", "head_id", "is_active"]
MEMBERSHIP_FIELDS = ["household_id", "person_id", "relation", "living_together", "status", "started_on", "ended_on"]


def _fail(code: RegistryErrorCode, field: str | None = None) -> ApplicationError:
    return ApplicationError(code, MESSAGES[code], field=field)


def _apply(person: Person, clean: CleanPerson) -> None:
    for name in ("name", "id_number", "sex", "birth_date", "ethnicity", "address", "phone", "disability_kind",
                 "disability_grade", "self_care", "death_date"):
        setattr(person, name, getattr(clean, name))
    person.hukou_area = clean.hukou_area
    person.residence_area = clean.residence_area
    person.search_pinyin = name_search_key(clean.name)


def person_create(*, acting_user, data: PersonInput) -> Person:
    require(acting_user, Perm.REGISTRY_EDIT)
    clean, errors = clean_person(data, user=acting_user)
    if errors:
        raise ValidationErrors(errors)
    assert clean is not None
    if Person.objects.by_id_number(clean.id_number).exists():
        raise _fail(RegistryErrorCode.PERSON_EXISTS, "id_number")
    person = Person()
    _apply(person, clean)
    try:
        with transaction.atomic():
            person.save()
            record_event(actor=acting_user, action="person.create", obj=person, area_code=person.hukou_area_id,
                         after=snapshot(person, PERSON_FIELDS))
    except IntegrityError as exc:
        raise _fail(RegistryErrorCode.PERSON_EXISTS, "id_number") from exc
    return person


def person_update(*, acting_user, person: Person, data: PersonInput) -> Person:
    require(acting_user, Perm.REGISTRY_EDIT)
    clean, errors = clean_person(data, user=acting_user)
    if errors:
        raise ValidationErrors(errors)
    assert clean is not None
    if Person.objects.by_id_number(clean.id_number).exclude(pk=person.pk).exists():
        raise _fail(RegistryErrorCode.PERSON_EXISTS, "id_number")
    before = snapshot(person, PERSON_FIELDS)
    _apply(person, clean)
    after = snapshot(person, PERSON_FIELDS)
    changed_before, changed_after = diff(before, after)
    if not changed_after:
        return person
    with transaction.atomic():
        fields = [f.removesuffix("_id") for f in changed_after]
        if "id_number" in fields:
            fields.append("id_number_bidx")
        person.save(update_fields=[*fields, "search_pinyin", "updated_at"])
        record_event(actor=acting_user, action="person.update", obj=person, area_code=person.hukou_area_id,
                     before=changed_before, after=changed_after)
    return person


def household_create(*, acting_user, area: Area, head: Person, number: str = "", address: str = "",
                     started_on: dt.date | None = None) -> Household:
    """Open a household with its head as the first member."""
    require(acting_user, Perm.REGISTRY_EDIT)
    if not area.code.startswith(acting_user.area_prefix):
        raise _fail(RegistryErrorCode.AREA_OUT_OF_SCOPE, "area")
    if area.level != "village":
        raise _fail(RegistryErrorCode.AREA_LEVEL, "area")
    if Membership.objects.filter(person=head, ended_on__isnull=True).exists():
        raise _fail(RegistryErrorCode.ALREADY_MEMBER, "head")
    with transaction.atomic():
        number = number.strip() or next_household_number(area)
        if Household.objects.filter(number=number).exists():
            raise _fail(RegistryErrorCode.HOUSEHOLD_NUMBER_TAKEN, "number")
        household = Household.objects.create(number=number, area=area, address=address.strip(), head=head)
        membership = Membership.objects.create(household=household, person=head, relation=Relation.HEAD,
                                               started_on=started_on or dt.date.today())
        record_event(actor=acting_user, action="household.create", obj=household, area_code=area.code,
                     after=snapshot(household, HOUSEHOLD_FIELDS))
        record_event(actor=acting_user, action="membership.create", obj=membership, area_code=area.code,
                     after=snapshot(membership, MEMBERSHIP_FIELDS))
    return household


def next_household_number(area: Area) -> str:
    """Household numbers are the village code followed by a four-digit serial."""
    last = (Household.objects.filter(number__startswith=area.code).order_by("-number")
            .values_list("number", flat=True).first())
    serial = int(last[len(area.code):]) + 1 if last and last[len(area.code):].isdigit() else 1
    return f"{area.code}{serial:04d}"


def household_add_member(*, acting_user, household: Household, person: Person, relation: str,
                         living_together: bool = True, status: str = MemberStatus.NORMAL,
                         started_on: dt.date | None = None) -> Membership:
    require(acting_user, Perm.REGISTRY_EDIT)
    if relation == Relation.HEAD:
        raise _fail(RegistryErrorCode.HEAD_EXISTS, "relation")
    if relation not in Relation.values:
        raise ApplicationError("relation_invalid", "与户主关系无效", field="relation")
    if status not in MemberStatus.values:
        raise ApplicationError("member_status_invalid", "成员状态无效", field="status")
    if Membership.objects.filter(person=person, ended_on__isnull=True).exists():
        raise _fail(RegistryErrorCode.ALREADY_MEMBER, "person")
    with transaction.atomic():
        membership = Membership.objects.create(household=household, person=person, relation=relation,
                                               living_together=living_together, status=status,
                                               started_on=started_on or dt.date.today())
        record_event(actor=acting_user, action="membership.create", obj=membership, area_code=household.area_id,
                     after=snapshot(membership, MEMBERSHIP_FIELDS))
    return membership


def membership_update(*, acting_user, membership: Membership, relation: str, living_together: bool,
                      status: str) -> Membership:
    require(acting_user, Perm.REGISTRY_EDIT)
    if membership.ended_on is not None:
        raise _fail(RegistryErrorCode.MEMBER_NOT_CURRENT)
    if relation not in Relation.values or status not in MemberStatus.values:
        raise ApplicationError("member_value_invalid", "与户主关系或成员状态无效", field="relation")
    if (relation == Relation.HEAD) != (membership.relation == Relation.HEAD):
        raise ApplicationError("head_change_via_action", "变更户主请使用「变更户主」功能", field="relation")
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.relation, membership.living_together, membership.status = relation, living_together, status
    changed_before, changed_after = diff(before, snapshot(membership, MEMBERSHIP_FIELDS))
    if not changed_after:
        return membership
    with transaction.atomic():
        membership.save(update_fields=[*changed_after, "updated_at"])
        record_event(actor=acting_user, action="membership.update", obj=membership,
                     area_code=membership.household.area_id, before=changed_before, after=changed_after)
    return membership


def membership_end(*, acting_user, membership: Membership, ended_on: dt.date | None = None,
                   note: str = "") -> Membership:
    require(acting_user, Perm.REGISTRY_EDIT)
    if membership.ended_on is not None:
        raise _fail(RegistryErrorCode.MEMBER_NOT_CURRENT)
    if membership.relation == Relation.HEAD:
        raise _fail(RegistryErrorCode.HEAD_CANNOT_LEAVE)
    with transaction.atomic():
        membership.ended_on = ended_on or dt.date.today()
        membership.save(update_fields=["ended_on", "updated_at"])
        record_event(actor=acting_user, action="membership.end", obj=membership,
                     area_code=membership.household.area_id, before={"ended_on": None},
                     after={"ended_on": membership.ended_on.isoformat()}, note=note)
    return membership


def household_change_head(*, acting_user, household: Household, new_head: Membership,
                          old_head_relation: str) -> Household:
    """Make a current member the head; the old head stays with the relation given."""
    require(acting_user, Perm.REGISTRY_EDIT)
    if new_head.household_id != household.pk or new_head.ended_on is not None:
        raise _fail(RegistryErrorCode.MEMBER_NOT_CURRENT)
    if old_head_relation not in Relation.values or old_head_relation == Relation.HEAD:
        raise ApplicationError("relation_invalid", "请为原户主选择新的与户主关系", field="old_head_relation")
    with transaction.atomic():
        old = household.memberships.filter(ended_on__isnull=True, relation=Relation.HEAD).first()
        before = {"head_id": str(household.head_id) if household.head_id else None}
        if old is not None:
            old.relation = old_head_relation
            old.save(update_fields=["relation", "updated_at"])
        new_head.relation = Relation.HEAD
        new_head.save(update_fields=["relation", "updated_at"])
        household.head = new_head.person
        household.save(update_fields=["head", "updated_at"])
        record_event(actor=acting_user, action="household.change_head", obj=household, area_code=household.area_id,
                     before=before, after={"head_id": str(new_head.person_id)})
    return household


@dataclass(frozen=True)
class RosterImportResult:
    households: int
    persons: int


def household_roster_import(*, acting_user, content: bytes, filename: str = "") -> RosterImportResult:
    """Import a filled-in roster (.xlsx or .csv). Any error anywhere in the file means nothing is written."""
    require(acting_user, Perm.REGISTRY_IMPORT)
    households, errors = read_roster(content, user=acting_user, filename=filename)
    numbers = [m.person.id_number for h in households for m in h.members]
    existing = {p.id_number: p.name for p in Person.objects.by_id_numbers(numbers).only("id_number", "name")}
    for household in households:
        for member in household.members:
            if member.person.id_number in existing:
                errors.append(ApplicationError(RegistryErrorCode.PERSON_EXISTS,
                                               "该身份证号码的人员已在人员库中，请在家庭页面添加成员",
                                               field="身份证号码", row=member.row))
        head_area = household.head.person.hukou_area if any(m.relation == Relation.HEAD
                                                             for m in household.members) else None
        if head_area is not None and not head_area.code.startswith(acting_user.area_prefix):
            errors.append(ApplicationError(RegistryErrorCode.AREA_OUT_OF_SCOPE,
                                           "户主户籍地不在您的管辖范围内，无法在本辖区建户",
                                           field="户籍地区划代码", row=household.head.row))
    if errors:
        errors.sort(key=lambda e: (e.row or 0, e.field or ""))
        raise ValidationErrors(errors)

    today = dt.date.today()
    persons_created = 0
    with transaction.atomic():
        for household in households:
            people: dict[str, Person] = {}
            for member in household.members:
                person = Person()
                _apply(person, member.person)
                people[member.person.id_number] = person
            Person.objects.bulk_create(people.values())
            persons_created += len(people)
            head = people[household.head.person.id_number]
            area = household.head.person.hukou_area
            record = Household.objects.create(number=next_household_number(area), area=area,
                                              address=household.head.person.address, head=head)
            memberships = [Membership(household=record, person=people[m.person.id_number], relation=m.relation,
                                      living_together=m.living_together, status=m.status, started_on=today)
                           for m in household.members]
            Membership.objects.bulk_create(memberships)
            Event.objects.bulk_create(
                [_event(acting_user, "person.create", p, p.hukou_area_id, snapshot(p, PERSON_FIELDS), "花名册导入")
                 for p in people.values()]
                + [_event(acting_user, "household.create", record, area.code, snapshot(record, HOUSEHOLD_FIELDS),
                          "花名册导入")]
                + [_event(acting_user, "membership.create", m, area.code, snapshot(m, MEMBERSHIP_FIELDS), "花名册导入")
                   for m in memberships]
            )
    return RosterImportResult(households=len(households), persons=persons_created)


def _event(actor, action: str, obj, area_code: str, after: dict, note: str) -> Event:
    return Event(actor=actor, action=action, object_type=f"{obj._meta.app_label}.{obj._meta.model_name}",
                 object_id=str(obj.pk), object_repr=str(obj)[:200], area_code=area_code, after=after, note=note)
