"""All reads of the registry, scoped to the acting user's area.

A person is in a user's scope when either the hukou or the residence area lies under the user's area
(a household may apply at its place of residence, 居住地申办). A household is in scope when its area is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from minzheng.accounts.permissions import Perm, has_perm
from minzheng.core.identifiers import IdNumberError, parse_id_number
from minzheng.registry.models import Household, Membership, Person
from minzheng.registry.pinyin import is_pinyin_query, normalize_pinyin_query


def person_scope(user) -> QuerySet[Person]:
    if not has_perm(user, Perm.REGISTRY_VIEW):
        return Person.objects.none()
    prefix = user.area_prefix
    return Person.objects.filter(Q(hukou_area__code__startswith=prefix) | Q(residence_area__code__startswith=prefix))


def household_scope(user) -> QuerySet[Household]:
    if not has_perm(user, Perm.REGISTRY_VIEW):
        return Household.objects.none()
    return Household.objects.filter(area__code__startswith=user.area_prefix)


def _looks_like_id(text: str) -> bool:
    stripped = text.replace(" ", "")
    return len(stripped) >= 15 and stripped[:-1].isdigit()


def filter_persons_by_text(qs: QuerySet[Person], text: str) -> QuerySet[Person]:
    """ID numbers match exactly; Chinese text matches the name; Latin letters match pinyin or initials."""
    text = (text or "").strip()
    if not text:
        return qs
    if _looks_like_id(text):
        try:
            number = parse_id_number(text).number
        except IdNumberError:
            return qs.none()
        return qs.by_id_number(number)
    if is_pinyin_query(text):
        key = normalize_pinyin_query(text)
        return qs.filter(search_pinyin__contains=" " + key) if key else qs.none()
    return qs.filter(name__contains=text)


@dataclass(frozen=True)
class PersonFilters:
    q: str = ""
    area: str = ""
    sex: str = ""
    age_min: int | None = None
    age_max: int | None = None
    disability: str = ""  # "", "any", or a DisabilityKind
    alive: str = ""  # "" (all), "alive", "deceased"


def person_list(*, user, filters: PersonFilters | None = None, today: dt.date | None = None) -> QuerySet[Person]:
    filters = filters or PersonFilters()
    today = today or dt.date.today()
    qs = person_scope(user)
    qs = filter_persons_by_text(qs, filters.q)
    if filters.area:
        qs = qs.filter(Q(hukou_area__code__startswith=filters.area) | Q(residence_area__code__startswith=filters.area))
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    if filters.age_min is not None:
        qs = qs.filter(birth_date__lte=_birth_limit(today, filters.age_min))
    if filters.age_max is not None:
        qs = qs.filter(birth_date__gt=_birth_limit(today, filters.age_max + 1))
    if filters.disability == "any":
        qs = qs.exclude(disability_kind="")
    elif filters.disability:
        qs = qs.filter(disability_kind=filters.disability)
    if filters.alive == "alive":
        qs = qs.filter(death_date__isnull=True)
    elif filters.alive == "deceased":
        qs = qs.filter(death_date__isnull=False)
    # search_pinyin starts with the full pinyin of the name, so it sorts names the way staff expect.
    return qs.select_related("hukou_area", "residence_area").order_by("search_pinyin", "id")


def _birth_limit(today: dt.date, years: int) -> dt.date:
    """The latest birth date of someone who is at least ``years`` old today (29 Feb → 28 Feb)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


@dataclass(frozen=True)
class HouseholdFilters:
    q: str = ""
    area: str = ""


def household_list(*, user, filters: HouseholdFilters | None = None) -> QuerySet[Household]:
    filters = filters or HouseholdFilters()
    qs = household_scope(user)
    if filters.area:
        qs = qs.filter(area__code__startswith=filters.area)
    text = filters.q.strip()
    if text:
        if text.isdigit() and not _looks_like_id(text):
            qs = qs.filter(number__startswith=text)
        else:
            # A household is found by any current member's name, pinyin or ID number.
            people = filter_persons_by_text(Person.objects.all(), text)
            qs = qs.filter(memberships__ended_on__isnull=True, memberships__person__in=people).distinct()
    current = Q(memberships__ended_on__isnull=True)
    return (qs.select_related("area", "head")
            .annotate(member_count=Count("memberships", filter=current))
            .order_by("number"))


def household_members(*, household: Household, include_past: bool = False) -> QuerySet[Membership]:
    qs = household.memberships.select_related("person")
    if not include_past:
        qs = qs.filter(ended_on__isnull=True)
    head_first = Case(When(relation="head", then=Value(0)), When(relation="spouse", then=Value(1)),
                      default=Value(2), output_field=IntegerField())
    return qs.order_by("ended_on", head_first, "person__birth_date")


def person_current_membership(*, person: Person) -> Membership | None:
    return (person.memberships.filter(ended_on__isnull=True)
            .select_related("household", "household__area").first())


def person_memberships(*, person: Person) -> QuerySet[Membership]:
    return person.memberships.select_related("household").order_by("-started_on")


def households_with_members(qs: QuerySet[Household]) -> QuerySet[Household]:
    members = Membership.objects.filter(ended_on__isnull=True).select_related("person")
    return qs.prefetch_related(Prefetch("memberships", queryset=members, to_attr="current_members"))


@dataclass(frozen=True)
class AreaCounts:
    persons: int
    households: int
    elderly_80: int
    children: int
    disabled: int
    deceased: int


def registry_counts(*, user, today: dt.date | None = None) -> AreaCounts:
    """Counts by hukou area (户籍人口), the same basis as the per-area table, so the two always agree."""
    today = today or dt.date.today()
    persons = person_scope(user).filter(hukou_area__code__startswith=user.area_prefix)
    alive = persons.filter(death_date__isnull=True)
    return AreaCounts(
        persons=alive.count(),
        households=household_scope(user).filter(is_active=True).count(),
        elderly_80=alive.filter(birth_date__lte=_birth_limit(today, 80)).count(),
        children=alive.filter(birth_date__gt=_birth_limit(today, 18)).count(),
        disabled=alive.exclude(disability_kind="").count(),
        deceased=persons.filter(death_date__isnull=False).count(),
    )


def counts_by_town(*, user, today: dt.date | None = None) -> list[dict]:
    """Living persons and households per town (or per village for a town user), for the dashboard."""
    from minzheng.areas.models import Area

    prefix = user.area_prefix
    child_len = 9 if len(prefix) == 6 else 12
    areas = {a.code[:child_len]: a.name for a in Area.objects.filter(code__startswith=prefix)
             .filter(level="town" if child_len == 9 else "village")}
    rows = []
    persons = person_scope(user).filter(death_date__isnull=True)
    households = household_scope(user).filter(is_active=True)
    for key, name in sorted(areas.items()):
        rows.append({
            "code": key,
            "name": name,
            "persons": persons.filter(hukou_area__code__startswith=key).count(),
            "households": households.filter(area__code__startswith=key).count(),
        })
    return rows


REVEALABLE_FIELDS = {"id_number": "身份证号码", "phone": "联系电话"}


def person_reveal(*, user, person: Person, fields: list[str], reason: str, ip_address: str | None = None,
                  channel: str = "web") -> dict[str, str]:
    """The full values of a person's sensitive fields ("查看完整"). Needs the permission and a reason; the
    access-log row is written first, so if it cannot be written nothing is revealed (fail closed)."""
    from minzheng.accounts.permissions import require
    from minzheng.audit.actions import record_access
    from minzheng.core.errors import ApplicationError

    require(user, Perm.SENSITIVE_VIEW_FULL)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ApplicationError("reveal_reason_required", "请填写查看完整信息的事由（至少4个字）", field="reason")
    chosen = [name for name in fields if name in REVEALABLE_FIELDS]
    if not chosen:
        raise ApplicationError("reveal_fields_required", "请选择要查看的字段", field="fields")
    record_access(actor=user, action="reveal", obj=person, area_code=person.hukou_area_id, fields=chosen,
                  reason=reason[:200], ip_address=ip_address, channel=channel)
    return {name: getattr(person, name) or "" for name in chosen}
