"""The one door to a single registry record. Missing and out-of-area look the same: not found."""

from __future__ import annotations

from minzheng.accounts.permissions import Perm, require
from minzheng.core.errors import NotFoundError
from minzheng.core.identifiers import parse_uuid
from minzheng.registry.models import Household, Person
from minzheng.registry.selectors import household_scope, person_scope


def access_person_by_id(user, person_id) -> Person:
    require(user, Perm.REGISTRY_VIEW)
    pk = parse_uuid(person_id)
    person = person_scope(user).filter(pk=pk).select_related("hukou_area", "residence_area").first() if pk else None
    if person is None:
        raise NotFoundError("人员")
    return person


def access_household_by_id(user, household_id) -> Household:
    require(user, Perm.REGISTRY_VIEW)
    pk = parse_uuid(household_id)
    household = household_scope(user).filter(pk=pk).select_related("area", "head").first() if pk else None
    if household is None:
        raise NotFoundError("家庭")
    return household
