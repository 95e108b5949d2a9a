"""The registry snapshot: Parquet exported from the database, incrementally, without names or ID numbers, read
back as the latest row per key, and usable by the engine."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow.parquet as pq
import pytest

from minzheng.assistance.enums import Program
from minzheng.assistance.models import Application, ApplicationStatus, Enrollment, EnrollmentStatus
from minzheng.monitoring.engine import run_rules
from minzheng.monitoring.snapshot import export_snapshot, read_snapshot, registry_dir, sha256_file
from minzheng.policy.demo import ensure_demo_parameters
from minzheng.registry.enums import Relation
from minzheng.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")]


@pytest.fixture
def lake(settings, tmp_path):
    settings.MINZHENG_LAKE_DIR = tmp_path
    return tmp_path


@pytest.fixture
def family(areas, users):
    """A 低保 household of 毛集 甲一: 王秀英 (head, 85 on 2026-02-28) and her grandson, both covered."""
    grandma = f.make_person(name="王秀英", birth=dt.date(1940, 5, 1), male=False)
    grandson = f.make_person(name="王小明", birth=dt.date(2010, 6, 1))
    household = f.make_household(head=grandma, members=[(grandson, Relation.GRANDCHILD)])
    household.memberships.update(started_on=dt.date(2020, 1, 1))  # before the first export: no delta needed
    application = Application.objects.create(household=household, applicant=grandma, area_id=f.VILLAGE_A1,
                                             filed_on=dt.date(2025, 1, 1), status=ApplicationStatus.APPROVED,
                                             snapshot={"members": []}, created_by=users["village_a1"])
    enrollment = Enrollment.objects.create(program=Program.DIBAO, household=household, application=application,
                                           area_id=f.VILLAGE_A1, person_ids=[str(grandma.pk), str(grandson.pk)],
                                           monthly_amount_fen=154000, starts_on=dt.date(2025, 2, 1),
                                           status=EnrollmentStatus.ACTIVE)
    return {"grandma": grandma, "grandson": grandson, "household": household, "enrollment": enrollment}


def test_the_first_export_writes_every_table_without_names_or_id_numbers(lake, family):
    """Given a household with an enrollment, when the snapshot is exported, then each table has one delta file;
    persons are keyed by the blind index, with no name and no ID number anywhere in the files."""
    manifest = export_snapshot()
    assert manifest["seq"] == 1
    assert manifest["written"] == {"persons": 2, "households": 1, "memberships": 2, "enrollments": 1,
                                   "enrollment_members": 2}
    persons = pq.read_table(registry_dir() / "persons" / "part-000001.parquet").to_pylist()
    grandma = family["grandma"]
    assert {p["person_key"] for p in persons} == {grandma.id_number_bidx, family["grandson"].id_number_bidx}
    row = next(p for p in persons if p["person_id"] == str(grandma.pk))
    assert (row["birth_date"], row["sex"], row["hukou_area_code"]) == (dt.date(1940, 5, 1), "F", f.VILLAGE_A1)
    raw = b"".join(path.read_bytes() for path in registry_dir().rglob("*.parquet"))
    for person in (grandma, family["grandson"]):
        assert person.name.encode() not in raw and person.id_number.encode() not in raw
    for table, files in manifest["files"].items():
        for entry in files:
            assert entry["sha256"] == sha256_file(lake / entry["path"]), table
    assert json.loads((registry_dir() / "manifest.json").read_text())["seq"] == 1


def test_a_second_export_writes_only_what_changed_and_readers_take_the_latest(lake, family):
    """Given an export, when nothing changes the next export writes nothing; when the grandmother dies and the
    grandson leaves the enrollment, then only those rows are written, and the reader sees the death and one
    covered member."""
    export_snapshot()
    assert sum(export_snapshot()["written"].values()) == 0
    grandma, enrollment = family["grandma"], family["enrollment"]
    grandma.death_date = dt.date(2026, 1, 20)
    grandma.save()
    enrollment.person_ids = [str(grandma.pk)]
    enrollment.save()
    manifest = export_snapshot()
    assert manifest["seq"] == 2
    assert manifest["written"] == {"persons": 1, "households": 0, "memberships": 0, "enrollments": 1,
                                   "enrollment_members": 1}
    assert len(manifest["files"]["persons"]) == 2
    snapshot = read_snapshot()
    persons = {row["person_id"]: row for row in snapshot["persons"].to_pylist()}
    assert len(persons) == 2 and persons[str(grandma.pk)]["death_date"] == dt.date(2026, 1, 20)
    assert [row["person_id"] for row in snapshot["enrollment_members"].to_pylist()] == [str(grandma.pk)]


def test_a_full_export_rewrites_everything(lake, family):
    """Given an export, when a full export is asked for, then every row is written again in a new delta."""
    export_snapshot()
    manifest = export_snapshot(full=True)
    assert manifest["seq"] == 2 and manifest["written"]["persons"] == 2
    assert read_snapshot()["persons"].num_rows == 2


def test_the_engine_runs_on_an_exported_snapshot(lake, family):
    """Given the exported snapshot and the demo parameters, when the engine runs on 2026-02-28, then the
    grandmother (85, alone once the grandson moves out) is an 高龄独居 alert keyed by her blind index; while the
    grandson lives with her she is not."""
    ensure_demo_parameters()
    export_snapshot()
    as_of = dt.date(2026, 2, 28)
    before = run_rules(as_of=as_of, area_prefix="340471", backend="duckdb", rules=["elderly_alone"])
    assert before.alerts.num_rows == 0
    membership = family["grandson"].memberships.get()
    membership.ended_on = dt.date(2025, 12, 31)
    membership.save()
    export_snapshot()
    after = run_rules(as_of=as_of, area_prefix="340471", backend="duckdb", rules=["elderly_alone"])
    (row,) = after.rows()
    assert row["person_key"] == family["grandma"].id_number_bidx
    assert row["detail"] == "年满80周岁（1940-05-01出生），户内无其他共同生活成员"
    assert after.inputs["snapshot"]["manifest_seq"] == 2
