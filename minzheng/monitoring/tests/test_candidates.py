"""Name-only candidates: pinyin-normalized matching, scoping, confirm/reject and the confirmed-matches file."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest

from minzheng.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from minzheng.monitoring import candidates, feeds, lake
from minzheng.monitoring.enums import CandidateStatus
from minzheng.monitoring.models import Alert, NameMatchCandidate
from minzheng.testing.factories import VILLAGE_A1, VILLAGE_A2, VILLAGE_B1, make_person

HEADER = "身份证号码,姓名,死亡日期,户籍地区划代码,出生日期"
BORN = dt.date(1950, 5, 6)


@pytest.fixture
def lake_dir(settings, tmp_path):
    settings.MINZHENG_LAKE_DIR = tmp_path / "lake"
    return settings.MINZHENG_LAKE_DIR


def load(user, rows):
    content = ("\n".join([HEADER, *rows]) + "\n").encode()
    return feeds.feed_ingest(acting_user=user, kind_code="police_death", filename="d.csv", content=content,
                             today=dt.date(2026, 1, 1))


def test_pinyin_keys():
    assert candidates.names_match("张三", "张叁") and candidates.names_match("张三", "張三")
    assert candidates.names_match("单雄信", "单 雄信") and "shanxiongxin" in candidates.pinyin_keys("单雄信")
    assert "danxiongxin" in candidates.pinyin_keys("单雄信")
    assert candidates.names_match("欧阳·娜娜", "欧阳娜娜")
    assert not candidates.names_match("张三", "张山山") and not candidates.names_match("张三", "李三")
    assert candidates.pinyin_keys("") == frozenset()


@pytest.mark.django_db
def test_candidates_need_same_birth_date_and_area(users, lake_dir):
    same = make_person(name="张三", birth=BORN, area=VILLAGE_A1)
    other_village = make_person(name="章三", birth=BORN, area=VILLAGE_A2)
    make_person(name="张三", birth=BORN, area=VILLAGE_B1)       # other town
    later = make_person(name="张三", birth=dt.date(1950, 5, 7), area=VILLAGE_A1)  # other birth date
    make_person(name="李四", birth=BORN, area=VILLAGE_A1)       # other name
    feed_file = load(users["district_admin"], [",张三,2025-01-05,340471100,1950-05-06",
                                               ",张三,2025-01-05,340471100201,19500507",
                                               ",张三,2025-01-05,340471100201,1950/5/6"])  # same person as row 2
    found = sorted((c.row_number, c.person_id) for c in NameMatchCandidate.objects.filter(file=feed_file))
    assert found == sorted([(2, same.pk), (2, other_village.pk), (3, later.pk)])
    assert (feed_file.rows_name_only, feed_file.rows_duplicate) == (2, 1)
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_confirm_writes_confirmed_matches_and_rejects_siblings(users, lake_dir):
    a = make_person(name="张三", birth=BORN, area=VILLAGE_A1)
    b = make_person(name="章三", birth=BORN, area=VILLAGE_A2)
    feed_file = load(users["district_admin"], [",张三,2025-01-05,340471100,1950-05-06"])
    first = NameMatchCandidate.objects.get(file=feed_file, person=a)
    second = NameMatchCandidate.objects.get(file=feed_file, person=b)
    candidates.candidate_confirm(acting_user=users["town_a"], candidate=first, note="入户核实")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == CandidateStatus.CONFIRMED and first.decided_by == users["town_a"]
    assert second.status == CandidateStatus.REJECTED
    table = pq.read_table(lake.confirmed_matches_path())
    assert table.to_pylist() == [{"row_id": f"{feed_file.pk}:2", "person_key": a.id_number_bidx}]
    with pytest.raises(ApplicationError):
        candidates.candidate_confirm(acting_user=users["town_a"], candidate=first)
    assert lake.read_confirmed_matches().num_rows == 1


@pytest.mark.django_db
def test_reject_and_permissions(users, lake_dir):
    a = make_person(name="张三", birth=BORN, area=VILLAGE_A1)
    feed_file = load(users["district_admin"], [",张三,2025-01-05,340471100201,1950-05-06"])
    candidate = NameMatchCandidate.objects.get(file=feed_file, person=a)
    with pytest.raises(PermissionDeniedError):
        candidates.candidate_confirm(acting_user=users["village_a1"], candidate=candidate)
    with pytest.raises(NotFoundError):
        candidates.candidate_confirm(acting_user=users["town_b"], candidate=candidate)
    with pytest.raises(NotFoundError):
        candidates.access_candidate_by_id(users["town_b"], candidate.pk)
    assert candidates.access_candidate_by_id(users["town_a"], candidate.pk) == candidate
    candidates.candidate_reject(acting_user=users["district_admin"], candidate=candidate, note="年龄不符")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.REJECTED
    assert lake.read_confirmed_matches().num_rows == 0


@pytest.mark.django_db
def test_failed_decision_leaves_file_as_committed(users, lake_dir, monkeypatch):
    a = make_person(name="张三", birth=BORN, area=VILLAGE_A1)
    feed_file = load(users["district_admin"], [",张三,2025-01-05,340471100201,1950-05-06"])
    candidate = NameMatchCandidate.objects.get(file=feed_file, person=a)
    original = candidates.record_event
    calls = {"n": 0}

    def failing(**kwargs):
        calls["n"] += 1
        original(**kwargs)
        raise RuntimeError("audit down")

    monkeypatch.setattr(candidates, "record_event", failing)
    with pytest.raises(RuntimeError):
        candidates.candidate_confirm(acting_user=users["town_a"], candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PROPOSED
    assert lake.read_confirmed_matches().num_rows == 0
