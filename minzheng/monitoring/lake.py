"""The monitoring lake: feed rows as Parquet files under ``settings.MINZHENG_LAKE_DIR``, keyed by pseudonyms.

Layout (the contract the comparison engine reads)::

    {LAKE}/feeds/{kind_code}/loaded={YYYY-MM-DD}/{file_id}.parquet   one file per loaded FeedFile
    {LAKE}/matches/confirmed.parquet                                   confirmed name-only matches

Every write goes to a hidden temporary name in the target directory, is flushed to disk and then renamed over
the final name (``os.replace`` is atomic on one file system): a reader sees the old file or the new one, never
half of one. A feed file counts only once its ``FeedFile`` row says ``loaded`` (the row is committed after the
rename, and the file is removed when that transaction fails), so readers list files from the database
(``loaded_feed_paths``), not from the directory; ``orphan_feed_files`` finds files a killed process left behind.

No plaintext ID number is ever written here: ID columns are replaced by the registry's blind index at ingestion.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

FEEDS_DIR = "feeds"
MATCHES_DIR = "matches"
CONFIRMED_MATCHES = "confirmed.parquet"
CONFIRMED_SCHEMA = pa.schema([("row_id", pa.string()), ("person_key", pa.string())])


def lake_root() -> Path:
    return Path(settings.MINZHENG_LAKE_DIR)


def feed_relpath(kind_code: str, loaded_on: dt.date, file_id) -> str:
    """The lake path of one feed file, relative to the lake root (what ``FeedFile.lake_paths`` stores)."""
    return f"{FEEDS_DIR}/{kind_code}/loaded={loaded_on:%Y-%m-%d}/{file_id}.parquet"


def absolute(relpath: str) -> Path:
    root = lake_root().resolve()
    path = (root / relpath).resolve()
    if root not in path.parents:
        raise ValueError(f"lake path outside the lake: {relpath}")
    return path


def write_parquet_atomic(table: pa.Table, path: Path, *, compression: str = "zstd") -> None:
    """Write ``table`` to ``path`` through a temporary file and a rename: all of it or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        # Without the Arrow schema in the file, dictionary-encoded columns read back as plain strings everywhere.
        pq.write_table(table, temp, compression=compression, compression_level=1 if compression == "zstd" else None,
                       row_group_size=1_000_000, store_schema=False)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        descriptor = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def write_feed_file(kind_code: str, loaded_on: dt.date, file_id, table: pa.Table) -> str:
    """Write one feed file atomically; returns its path relative to the lake root."""
    relpath = feed_relpath(kind_code, loaded_on, file_id)
    write_parquet_atomic(table, absolute(relpath))
    return relpath


def remove(relpath: str) -> None:
    absolute(relpath).unlink(missing_ok=True)


def loaded_feed_paths(kind_code: str) -> list[Path]:
    """The Parquet files of every loaded file of a feed kind, oldest first (what the engine reads)."""
    from minzheng.monitoring.enums import FeedFileStatus
    from minzheng.monitoring.models import FeedFile

    paths: list[Path] = []
    for lake_paths in (FeedFile.objects.filter(kind_id=kind_code, status=FeedFileStatus.LOADED)
                       .order_by("loaded_at", "created_at").values_list("lake_paths", flat=True)):
        paths.extend(absolute(p) for p in lake_paths or [])
    return [p for p in paths if p.exists()]


def read_feed(kind_code: str, *, columns: list[str] | None = None) -> pa.Table | None:
    """All loaded rows of a feed kind as one table (None when nothing is loaded)."""
    paths = loaded_feed_paths(kind_code)
    if not paths:
        return None
    return pa.concat_tables([pq.read_table(path, columns=columns) for path in paths], promote_options="default")


def orphan_feed_files() -> list[Path]:
    """Feed files no loaded FeedFile claims (a process killed between the rename and the commit)."""
    from minzheng.monitoring.enums import FeedFileStatus
    from minzheng.monitoring.models import FeedFile

    claimed = {absolute(p) for paths in FeedFile.objects.filter(status=FeedFileStatus.LOADED)
               .values_list("lake_paths", flat=True) for p in paths or []}
    base = lake_root() / FEEDS_DIR
    if not base.exists():
        return []
    return sorted(p.resolve() for p in base.rglob("*.parquet") if p.resolve() not in claimed)


# --- confirmed name-only matches -------------------------------------------------------------------------

def confirmed_matches_path() -> Path:
    return lake_root() / MATCHES_DIR / CONFIRMED_MATCHES


def write_confirmed_matches(rows: list[tuple[str, str]]) -> Path:
    """Rewrite the whole (small) file of confirmed matches: ``(row_id, person_key)`` pairs."""
    rows = sorted(set(rows))
    table = pa.table({"row_id": pa.array([r[0] for r in rows], pa.string()),
                      "person_key": pa.array([r[1] for r in rows], pa.string())}, schema=CONFIRMED_SCHEMA)
    path = confirmed_matches_path()
    write_parquet_atomic(table, path)
    return path


def read_confirmed_matches() -> pa.Table:
    path = confirmed_matches_path()
    if not path.exists():
        return CONFIRMED_SCHEMA.empty_table()
    return pq.read_table(path)


DEATH_FEEDS = ("funeral_cremation", "police_death")


def recorded_death_keys() -> set[str]:
    """Person keys of every loaded cremation or police death record (payments holds their payments)."""
    keys: set[str] = set()
    for kind in DEATH_FEEDS:
        table = read_feed(kind, columns=["person_key"])
        if table is not None:
            keys.update(key for key in table.column("person_key").to_pylist() if key)
    return keys
