"""The lake: paths, atomic writes, readers that trust only loaded files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from minzheng.monitoring import feeds, lake
from minzheng.monitoring.enums import FeedFileStatus
from minzheng.testing.factories import unique_id_number


@pytest.fixture
def lake_dir(settings, tmp_path):
    settings.MINZHENG_LAKE_DIR = tmp_path / "lake"
    return settings.MINZHENG_LAKE_DIR


def test_feed_relpath_layout():
    assert lake.feed_relpath("police_death", dt.date(2025, 7, 1), "abc") == \
        "feeds/police_death/loaded=2025-07-01/abc.parquet"


def test_absolute_refuses_paths_outside_the_lake(lake_dir):
    with pytest.raises(ValueError):
        lake.absolute("../outside.parquet")


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(lake_dir):
    path = lake_dir / "x" / "t.parquet"
    lake.write_parquet_atomic(pa.table({"a": [1, 2]}), path)
    lake.write_parquet_atomic(pa.table({"a": [3]}), path)
    assert pq.read_table(path).column("a").to_pylist() == [3]
    assert [p.name for p in path.parent.iterdir()] == ["t.parquet"]


def test_failed_write_leaves_old_file(lake_dir, monkeypatch):
    path = lake_dir / "x" / "t.parquet"
    lake.write_parquet_atomic(pa.table({"a": [1]}), path)

    def broken(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 half")
        raise OSError("disk full")

    monkeypatch.setattr(lake.pq, "write_table", broken)
    with pytest.raises(OSError):
        lake.write_parquet_atomic(pa.table({"a": [2]}), path)
    monkeypatch.undo()
    assert pq.read_table(path).column("a").to_pylist() == [1]
    assert [p.name for p in path.parent.iterdir()] == ["t.parquet"]


def test_confirmed_matches_roundtrip(lake_dir):
    assert lake.read_confirmed_matches().num_rows == 0
    lake.write_confirmed_matches([("f:3", "k2"), ("f:2", "k1"), ("f:2", "k1")])
    table = lake.read_confirmed_matches()
    assert table.schema == lake.CONFIRMED_SCHEMA
    assert table.to_pylist() == [{"row_id": "f:2", "person_key": "k1"}, {"row_id": "f:3", "person_key": "k2"}]


@pytest.mark.django_db
def test_readers_list_loaded_files_only_and_find_orphans(users, lake_dir):
    assert lake.read_feed("police_death") is None
    content = f"身份证号码,姓名,死亡日期\n{unique_id_number()},甲,2025-01-05\n".encode()
    feed_file = feeds.feed_ingest(acting_user=users["district_admin"], kind_code="police_death",
                                  filename="d.csv", content=content)
    assert feed_file.status == FeedFileStatus.LOADED
    orphan = lake_dir / "feeds" / "police_death" / "loaded=2025-01-01" / "orphan.parquet"
    lake.write_parquet_atomic(pa.table({"a": [1]}), orphan)
    assert lake.loaded_feed_paths("police_death") == [lake.absolute(feed_file.lake_paths[0])]
    assert lake.read_feed("police_death", columns=["row_id"]).num_rows == 1
    assert lake.orphan_feed_files() == [orphan.resolve()]
