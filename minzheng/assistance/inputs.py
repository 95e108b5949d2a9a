"""The determination engine's input built from a stored application: its household file and the registry
persons it names. ``actions`` uses it for one application; the policy simulation for many at once, with the
persons of a whole batch read in one query."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from minzheng.assistance.determination import (
    Assets,
    Disability,
    Emergency,
    HouseholdInput,
    IncomeItem,
    MemberInput,
)
from minzheng.assistance.models import Application
from minzheng.registry.enums import SelfCare
from minzheng.registry.models import Person


def person_ids_of(applications: Iterable[Application]) -> set[str]:
    """The person UUIDs the household files of ``applications`` name, to read them in one query."""
    return {entry["person_id"] for application in applications for entry in application.snapshot["members"]}


def household_input_from(application: Application,
                         persons: Mapping[str, Person]) -> tuple[HouseholdInput, dict[str, str]]:
    """The engine's input from the application's file and ``persons`` (person UUID string → Person), and a map
    from the ID numbers the engine reports back to person UUIDs. ID numbers are read here and never stored
    with the application."""
    data = application.snapshot
    members = []
    uuid_of: dict[str, str] = {}
    for entry in data["members"]:
        person = persons[entry["person_id"]]
        uuid_of[person.id_number] = entry["person_id"]
        disability = (Disability(kind=person.disability_kind, grade=person.disability_grade)
                      if person.disability_kind and person.disability_grade else None)
        # A person who has died no longer lives in the household.
        living = bool(entry["living_together"]) and person.death_date is None
        members.append(MemberInput(
            id_number=person.id_number, name=person.name, birth_date=person.birth_date,
            relation=entry["relation"], living_together=living, status=entry["status"],
            disability=disability, serious_illness=bool(entry["serious_illness"]),
            self_care=person.self_care or SelfCare.FULL, student=bool(entry["student"]),
            income_items=tuple(IncomeItem(kind=i["kind"], monthly_fen=i["monthly_fen"])
                               for i in entry["income_items"]),
        ))
    assets = data.get("assets") or {}
    emergency = data.get("emergency")
    household = HouseholdInput(
        as_of=application.filed_on,
        area_code=application.area_id,
        members=tuple(members),
        able_supporters=int(data.get("able_supporters", 0)),
        assets=Assets(deposits_fen=assets.get("deposits_fen", 0), vehicles=assets.get("vehicles", 0),
                      companies=assets.get("companies", 0), homes=assets.get("homes", 0)),
        application_place=application.place,
        rigid_expenses_12m_fen=int(data.get("rigid_expenses_12m_fen", 0)),
        emergency=(Emergency(kind=emergency["kind"], area_code=application.area_id,
                             loss_fen=emergency["loss_fen"]) if emergency else None),
    )
    return household, uuid_of


def household_input_for_application(application: Application) -> tuple[HouseholdInput, dict[str, str]]:
    """``household_input_from`` for one application, reading its persons."""
    persons = {str(p.pk): p for p in Person.objects.filter(pk__in=person_ids_of([application]))}
    return household_input_from(application, persons)
