"""The registry snapshot the comparison engine reads: Parquet files exported from the database, incrementally.

Layout under ``{MINZHENG_LAKE_DIR}/registry/``::

    persons/part-000001.parquet            one file per export that found changed rows ("delta")
    households/ memberships/ enrollments/ enrollment_members/
    _state.json                            the next sequence number and each table's watermark
    manifest.json                          the manifest of the latest export (what a run records)

Each export writes, per table, the rows whose ``updated_at`` is later than that table's watermark, with a
``_seq`` column holding the export's sequence number. Readers (``read_snapshot`` and the engine) keep the row
with the highest ``_seq`` per key. Rows are never deleted (persons are never deleted; memberships and
enrollments end by dates and statuses). ``enrollment_members`` comes from ``Enrollment.person_ids``: every
export of an enrollment writes all its members with the enrollment's ``_seq``, and readers keep the members of
the enrollment's latest ``_seq``, so a member removed from an enrollment disappears.

No names and no ID numbers leave the database: a person is keyed by ``person_key``, the blind index of the
ID number (``Person.id_number_bidx``), which is also what the department feeds carry.

Caveat: ``updated_at`` is set by ``save()``; a ``QuerySet.update()`` that does not set it is not seen by the
next delta. ``export_snapshot(full=True)`` rewrites every row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

SCHEMAS: dict[str, pa.Schema] = {
    "persons": pa.schema([
        ("person_key", pa.string()), ("person_id", pa.string()), ("birth_date", pa.date32()), ("sex", pa.string()),
        ("hukou_area_code", pa.string()), ("residence_area_code", pa.string()), ("death_date", pa.date32()),
        ("disability_kind", pa.string()), ("disability_grade", pa.int64()), ("self_care", pa.string()),
        ("updated_at", pa.timestamp("us", tz="UTC")), ("_seq", pa.int64())]),
    "households": pa.schema([
        ("household_id", pa.string()), ("area_code", pa.string()), ("head_person_id", pa.string()),
        ("is_active", pa.bool_()), ("updated_at", pa.timestamp("us", tz="UTC")), ("_seq", pa.int64())]),
    "memberships": pa.schema([
        ("membership_id", pa.string()), ("household_id", pa.string()), ("person_id", pa.string()),
        ("relation", pa.string()), ("living_together", pa.bool_()), ("status", pa.string()),
        ("started_on", pa.date32()), ("ended_on", pa.date32()), ("updated_at", pa.timestamp("us", tz="UTC")),
        ("_seq", pa.int64())]),
    "enrollments": pa.schema([
        ("enrollment_id", pa.string()), ("program", pa.string()), ("status", pa.string()),
        ("household_id", pa.string()), ("area_code", pa.string()), ("monthly_amount_fen", pa.int64()),
        ("starts_on", pa.date32()), ("exited_on", pa.date32()), ("updated_at", pa.timestamp("us", tz="UTC")),
        ("_seq", pa.int64())]),
    "enrollment_members": pa.schema([
        ("enrollment_id", pa.string()), ("person_id", pa.string()), ("_seq", pa.int64())]),
}
# The key whose latest row a reader keeps.
KEYS = {"persons": "person_key", "households": "household_id", "memberships": "membership_id",
        "enrollments": "enrollment_id"}
TABLES = tuple(SCHEMAS)


def lake_root(lake_dir: Path | str | None = None) -> Path:
    return Path(lake_dir) if lake_dir is not None else Path(settings.MINZHENG_LAKE_DIR)


def registry_dir(lake_dir: Path | str | None = None) -> Path:
    return lake_root(lake_dir) / "registry"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_state(root: Path) -> dict[str, Any]:
    path = root / "_state.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"next_seq": 1, "watermarks": {}}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _str(value) -> str | None:
    return None if value is None else str(value)


def _rows(table: str, since: dt.datetime | None):
    """(rows, latest updated_at) of one table changed after ``since`` (all rows when None)."""
    from minzheng.assistance.models import Enrollment
    from minzheng.registry.models import Household, Membership, Person

    model = {"persons": Person, "households": Household, "memberships": Membership,
             "enrollments": Enrollment}[table]
    queryset = model.objects.all()
    if since is not None:
        queryset = queryset.filter(updated_at__gt=since)
    if table == "persons":
        fields = ["id", "id_number_bidx", "birth_date", "sex", "hukou_area_id", "residence_area_id", "death_date",
                  "disability_kind", "disability_grade", "self_care", "updated_at"]
    elif table == "households":
        fields = ["id", "area_id", "head_id", "is_active", "updated_at"]
    elif table == "memberships":
        fields = ["id", "household_id", "person_id", "relation", "living_together", "status", "started_on",
                  "ended_on", "updated_at"]
    else:
        fields = ["id", "program", "status", "household_id", "area_id", "monthly_amount_fen", "starts_on",
                  "exited_on", "updated_at", "person_ids"]
    return queryset.order_by("updated_at", "pk").values_list(*fields).iterator(chunk_size=5000)


def _columns(table: str, rows: list[tuple]) -> dict[str, list]:
    if table == "persons":
        return {
            "person_key": [r[1] for r in rows], "person_id": [str(r[0]) for r in rows],
            "birth_date": [r[2] for r in rows], "sex": [r[3] for r in rows],
            "hukou_area_code": [r[4] for r in rows], "residence_area_code": [r[5] for r in rows],
            "death_date": [r[6] for r in rows], "disability_kind": [r[7] or None for r in rows],
            "disability_grade": [r[8] for r in rows], "self_care": [r[9] for r in rows],
            "updated_at": [r[10] for r in rows]}
    if table == "households":
        return {"household_id": [str(r[0]) for r in rows], "area_code": [r[1] for r in rows],
                "head_person_id": [_str(r[2]) for r in rows], "is_active": [r[3] for r in rows],
                "updated_at": [r[4] for r in rows]}
    if table == "memberships":
        return {"membership_id": [str(r[0]) for r in rows], "household_id": [str(r[1]) for r in rows],
                "person_id": [str(r[2]) for r in rows], "relation": [r[3] for r in rows],
                "living_together": [r[4] for r in rows], "status": [r[5] for r in rows],
                "started_on": [r[6] for r in rows], "ended_on": [r[7] for r in rows],
                "updated_at": [r[8] for r in rows]}
    return {"enrollment_id": [str(r[0]) for r in rows], "program": [r[1] for r in rows],
            "status": [r[2] for r in rows], "household_id": [str(r[3]) for r in rows],
            "area_code": [r[4] for r in rows], "monthly_amount_fen": [r[5] for r in rows],
            "starts_on": [r[6] for r in rows], "exited_on": [r[7] for r in rows],
            "updated_at": [r[8] for r in rows]}


def _write(root: Path, table: str, columns: dict[str, list], seq: int) -> dict[str, Any]:
    count = len(next(iter(columns.values())))
    columns = {**columns, "_seq": [seq] * count}
    arrow = pa.Table.from_pydict(columns, schema=SCHEMAS[table])
    folder = root / table
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"part-{seq:06d}.parquet"
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(arrow, tmp, compression="zstd")
    os.replace(tmp, path)
    return {"path": str(path.relative_to(root.parent)), "rows": count, "sha256": sha256_file(path)}


def export_snapshot(*, lake_dir: Path | str | None = None, full: bool = False) -> dict[str, Any]:
    """Write the rows changed since the last export (every row when ``full`` or on the first export) and return
    the manifest: every file that makes up the snapshot now (path relative to the lake, rows, sha256), the rows
    this export wrote per table, the watermarks and the sequence number. The manifest is also written to
    ``registry/manifest.json`` for the engine to record."""
    root = registry_dir(lake_dir)
    root.mkdir(parents=True, exist_ok=True)
    state = _read_state(root)
    seq = int(state["next_seq"])
    watermarks: dict[str, str] = dict(state.get("watermarks", {}))
    written: dict[str, int] = {}
    for table in ("persons", "households", "memberships", "enrollments"):
        since = None if full or table not in watermarks else dt.datetime.fromisoformat(watermarks[table])
        rows = list(_rows(table, since))
        written[table] = len(rows)
        if table == "enrollments":
            written["enrollment_members"] = 0
        if not rows:
            continue
        updated = max(r[-2] if table == "enrollments" else r[-1] for r in rows)
        watermarks[table] = updated.isoformat()
        if table == "enrollments":
            members = [(str(r[0]), str(person_id)) for r in rows for person_id in (r[-1] or [])]
            _write(root, "enrollment_members", {"enrollment_id": [m[0] for m in members],
                                                "person_id": [m[1] for m in members]}, seq)
            written["enrollment_members"] = len(members)
            rows = [r[:-1] for r in rows]
        _write(root, table, _columns(table, rows), seq)
    if any(written.values()):
        state = {"next_seq": seq + 1, "watermarks": watermarks}
        _write_json(root / "_state.json", state)
    manifest = {
        "seq": seq if any(written.values()) else seq - 1,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "watermarks": watermarks,
        "written": written,
        "files": snapshot_files(lake_dir, with_sha256=True),
    }
    _write_json(root / "manifest.json", manifest)
    return manifest


def snapshot_files(lake_dir: Path | str | None = None, *, with_sha256: bool = False) -> dict[str, list[dict]]:
    """Every Parquet file of each snapshot table, in sequence order: ``{"persons": [{"path", "rows"[, "sha256"]}]}``
    with paths relative to the lake root."""
    root = registry_dir(lake_dir)
    result: dict[str, list[dict]] = {}
    for table in TABLES:
        entries = []
        for path in sorted((root / table).glob("part-*.parquet")):
            entry: dict[str, Any] = {"path": str(path.relative_to(root.parent)),
                                     "rows": pq.ParquetFile(path).metadata.num_rows}
            if with_sha256:
                entry["sha256"] = sha256_file(path)
            entries.append(entry)
        result[table] = entries
    return result


def current_manifest(lake_dir: Path | str | None = None) -> dict[str, Any]:
    """The manifest of the latest export, or an empty one when the snapshot was never exported."""
    path = registry_dir(lake_dir) / "manifest.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"seq": 0, "watermarks": {}, "written": {}, "files": {table: [] for table in TABLES}}


def read_snapshot(lake_dir: Path | str | None = None) -> dict[str, pa.Table]:
    """The snapshot as it stands, latest row per key (for tests and inspection; the engine reads the files
    through its backend with the same rule)."""
    import duckdb

    root = registry_dir(lake_dir)
    con = duckdb.connect()
    result: dict[str, pa.Table] = {}
    for table in ("persons", "households", "memberships", "enrollments"):
        files = sorted(str(p) for p in (root / table).glob("part-*.parquet"))
        if not files:
            result[table] = SCHEMAS[table].empty_table()
            continue
        key = KEYS[table]
        result[table] = con.sql(
            f"SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER (PARTITION BY {key} ORDER BY _seq DESC) rn "
            f"FROM read_parquet(?)) WHERE rn = 1 ORDER BY {key}", params=[files]).to_arrow_table()
    files = sorted(str(p) for p in (root / "enrollment_members").glob("part-*.parquet"))
    if files and result["enrollments"].num_rows:
        enrollments = result["enrollments"]  # noqa: F841  (referenced by name in the query)
        result["enrollment_members"] = con.sql(
            "SELECT m.enrollment_id, m.person_id, m._seq FROM read_parquet(?) m "
            "JOIN enrollments e ON e.enrollment_id = m.enrollment_id AND e._seq = m._seq "
            "ORDER BY m.enrollment_id, m.person_id", params=[files]).to_arrow_table()
    else:
        result["enrollment_members"] = SCHEMAS["enrollment_members"].empty_table()
    con.close()
    return result
