"""The comparison engine: evaluates the monitoring rules over the registry snapshot and the department feeds on
DuckDB (embedded, the default) or Spark (``MINZHENG_MONITORING_BACKEND = "spark"``), with identical results.

    result = run_rules(as_of=date(2025, 9, 30), area_prefix="340471")
    result.alerts            # pyarrow Table, one row per (rule, person), sorted by rule_code, person_key
    result.inputs            # what went in: snapshot files, feed files (sha256), rule versions, parameters

What is identical across backends: each rule's expression runs on the backend and only its raw rows
(person_key, evidence_row_id, event_date, detail) come back; everything after that — grouping the evidence per
person, joining the details, the dedupe key — happens here in a local DuckDB, the same way for both.

Alert columns: rule_code, rule_version, category, person_key, evidence_row_ids (sorted list of strings),
event_date (the latest evidence day), detail (the distinct details ordered by their first day, joined with
"；"), dedupe_key = sha256 of ``rule_code|person_key|id1|id2|…`` (ids sorted), hex.

Persons whose hukou area does not start with ``area_prefix`` are left out. Parameters are resolved once, for
the district of ``area_prefix`` on ``as_of`` (a run covers one district; a province runs district by district
or passes ``parameters`` itself).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

from minzheng.monitoring.rules import (
    FEED_COLUMNS,
    OUTPUT_SCHEMA,
    REGISTRY_COLUMNS,
    RULES,
    Rule,
    RuleContext,
    feed_schema,
    rule_parameters,
)
from minzheng.monitoring.snapshot import KEYS, SCHEMAS, current_manifest, lake_root, sha256_file

BACKENDS = ("duckdb", "spark")
ALERT_SCHEMA = pa.schema([
    ("rule_code", pa.string()), ("rule_version", pa.int64()), ("category", pa.string()),
    ("person_key", pa.string()), ("evidence_row_ids", pa.list_(pa.string())), ("event_date", pa.date32()),
    ("detail", pa.string()), ("dedupe_key", pa.string()),
])
RAW_SCHEMA = pa.schema([
    ("rule_code", pa.string()), ("rule_version", pa.int64()), ("category", pa.string()),
    ("person_key", pa.string()), ("evidence_row_id", pa.string()), ("event_date", pa.date32()),
    ("detail", pa.string()),
])


@dataclass
class EngineResult:
    alerts: pa.Table
    inputs: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    raw_rows: dict[str, int] = field(default_factory=dict)

    @property
    def rule_versions(self) -> dict[str, int]:
        return self.inputs["rule_versions"]

    @property
    def parameters(self) -> dict[str, int]:
        return self.inputs["parameters"]

    def rows(self) -> list[dict[str, Any]]:
        return self.alerts.to_pylist()


# --- backends --------------------------------------------------------------------------------------------------


def spark_available() -> tuple[bool, str]:
    """Whether the Spark backend can run here, and why not: Java on PATH and pyspark (the ``spark`` extra)."""
    if shutil.which("java") is None:
        return False, "java not found on PATH (Spark needs Java 17)"
    for module in ("pyspark", "ibis.backends.pyspark"):
        try:
            found = importlib.util.find_spec(module) is not None
        except ImportError:
            found = False
        if not found:
            return False, f"{module} is not installed (pip install -e '.[spark]')"
    return True, ""


_spark_lock = threading.Lock()
_spark_session = None


def spark_session():
    """One SparkSession per process, created on first use with ``MINZHENG_SPARK_MASTER`` and reused."""
    global _spark_session
    with _spark_lock:
        if _spark_session is None:
            from pyspark.sql import SparkSession

            _spark_session = (
                SparkSession.builder.master(settings.MINZHENG_SPARK_MASTER)
                .appName("minzheng-monitoring")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", str(getattr(settings, "MINZHENG_SPARK_PARTITIONS", 4)))
                .config("spark.sql.adaptive.enabled", "true")
                .getOrCreate())
            _spark_session.sparkContext.setLogLevel("ERROR")
        return _spark_session


class _Backend:
    """The ibis connection of one run and how it reads Parquet files."""

    def __init__(self, name: str, *, threads: int | None = None, memory_limit: str | None = None):
        if name not in BACKENDS:
            raise ValueError(f"unknown monitoring backend {name!r} (expected one of {BACKENDS})")
        self.name = name
        self._views = 0
        self._cached = 0
        self._spark_cached: list[str] = []
        if name == "duckdb":
            config: dict[str, Any] = {}
            if threads:
                config["threads"] = threads
            if memory_limit:
                config["memory_limit"] = memory_limit
            self.con = ibis.duckdb.connect(**config)
        else:
            available, reason = spark_available()
            if not available:
                raise RuntimeError(f"Spark backend unavailable: {reason}")
            self.session = spark_session()
            self.con = ibis.pyspark.connect(self.session)

    def read(self, files: list[str], schema: ibis.Schema) -> ibis.Table:
        """The files as one table with exactly ``schema``'s columns, cast where a file's type differs."""
        self._views += 1
        name = f"mz_{self._views}"
        if self.name == "duckdb":
            table = self.con.read_parquet(files, table_name=name, hive_partitioning=False, union_by_name=True)
        else:
            from ibis.backends.pyspark.datatypes import PySparkSchema

            # An explicit schema spares Spark a job that reads every footer to infer one.
            reader = self.session.read.schema(PySparkSchema.from_ibis(schema))
            reader.parquet(*files).createOrReplaceTempView(name)
            table = self.con.table(name)
        columns = []
        for column, dtype in schema.items():
            if column not in table.columns:
                columns.append(ibis.null(dtype).name(column))
            elif table[column].type() == dtype:
                columns.append(table[column])
            else:
                columns.append(table[column].try_cast(dtype).name(column))
        return table.select(columns)

    def cache(self, table: ibis.Table) -> ibis.Table:
        """Materialize a table the rules read many times (DuckDB: a temporary table; Spark: a cached view).
        Done by hand rather than with ``Table.cache()``, whose finalizers outlive the connection."""
        self._cached += 1
        name = f"mz_cache_{self._cached}"
        if self.name == "duckdb":
            return self.con.create_table(name, table, temp=True)
        self.con.create_view(name, table, overwrite=True)
        self.session.catalog.cacheTable(name)
        self._spark_cached.append(name)
        return self.con.table(name)

    def close(self) -> None:
        if self.name == "duckdb":
            self.con.disconnect()
        else:
            for name in self._spark_cached:
                self.session.catalog.uncacheTable(name)
                self.session.catalog.dropTempView(name)
            for view in range(1, self._views + 1):
                self.session.catalog.dropTempView(f"mz_{view}")


# --- inputs ----------------------------------------------------------------------------------------------------


def feed_kinds_read(rules: Iterable[Rule] | None = None) -> list[str]:
    """The feed kinds the rules read."""
    return sorted({kind for rule in (rules if rules is not None else RULES.values()) for kind in rule.feeds})


def feed_files(lake: Path, kind: str) -> list[Path]:
    return sorted((lake / "feeds" / kind).glob("loaded=*/*.parquet"))


def _empty_file(folder: Path, name: str, schema: pa.Schema) -> str:
    path = folder / f"{name}.parquet"
    pq.write_table(schema.empty_table(), path)
    return str(path)


def _arrow_schema(schema: ibis.Schema) -> pa.Schema:
    return schema.to_pyarrow()


def _latest(table: ibis.Table, key: str, several_files: bool) -> ibis.Table:
    """The row with the highest ``_seq`` per key (one file holds each key once: nothing to do)."""
    if not several_files:
        return table
    ranked = table.mutate(_rank=ibis.row_number().over(group_by=key, order_by=ibis.desc("_seq")))
    return ranked.filter(ranked._rank == 0).drop("_rank")


def _registry(backend: _Backend, lake: Path, scratch: Path) -> tuple[dict[str, ibis.Table], dict[str, list]]:
    root = lake / "registry"
    tables: dict[str, ibis.Table] = {}
    read: dict[str, list] = {}
    for name in ("persons", "households", "memberships", "enrollments", "enrollment_members"):
        files = [str(p) for p in sorted((root / name).glob("part-*.parquet"))]
        read[name] = files
        schema = ibis.schema({**REGISTRY_COLUMNS[name], "_seq": "int64"})
        if not files:
            files = [_empty_file(scratch, f"registry_{name}", SCHEMAS[name])]
        tables[name] = backend.read(files, schema)
    for name, key in KEYS.items():
        tables[name] = _latest(tables[name], key, len(read[name]) > 1)
    enrollments, members = tables["enrollments"], tables["enrollment_members"]
    if len(read["enrollments"]) > 1:
        members = members.join(enrollments.select("enrollment_id", "_seq"), ["enrollment_id", "_seq"])
    tables["enrollment_members"] = members.select("enrollment_id", "person_id")
    for name in ("persons", "households", "memberships", "enrollments"):
        tables[name] = tables[name].drop("_seq")
    return tables, read


def _feeds(backend: _Backend, lake: Path, kinds: Mapping[str, int], as_of: dt.date, scratch: Path,
           feed_paths: Mapping[str, Iterable[Path | str]] | None = None
           ) -> tuple[dict[str, ibis.Table], dict[str, list[str]]]:
    """Each feed kind the rules read (``kinds``: kind → how many rules read it), resolved and filtered; a feed
    read by several rules is materialized once, one read by a single rule stays a view over its files."""
    matches_path = lake / "matches" / "confirmed.parquet"
    matches = None
    if matches_path.exists():
        raw = backend.read([str(matches_path)], ibis.schema({"row_id": "string", "person_key": "string"}))
        raw = raw.filter(raw.row_id.notnull() & raw.person_key.notnull())
        matches = raw.group_by("row_id").aggregate(matched_key=raw.person_key.min())
    tables: dict[str, ibis.Table] = {}
    read: dict[str, list[str]] = {}
    for kind in kinds:
        schema = feed_schema(kind)
        files = [str(p) for p in (feed_paths.get(kind, ()) if feed_paths is not None else feed_files(lake, kind))]
        read[kind] = files
        table = backend.read(files or [_empty_file(scratch, f"feed_{kind}", _arrow_schema(schema))], schema)
        if matches is not None:
            joined = table.left_join(matches, table.row_id == matches.row_id)
            table = joined.select(*[joined[c] for c in schema.names if c != "person_key"],
                                  person_key=joined.person_key.fill_null(joined.matched_key)).select(schema.names)
        table = table.filter(table.person_key.notnull() & (table.event_date <= ibis.literal(as_of)))
        tables[kind] = backend.cache(table) if kinds[kind] > 1 else table
    return tables, read


def _resolve_parameters(rules: list[Rule], area_prefix: str, as_of: dt.date) -> dict[str, int]:
    from minzheng.policy.selectors import parameter_values

    district = (area_prefix[:6]).ljust(12, "0")
    return parameter_values(rule_parameters(rules), area_code=district, on=as_of)


# --- output ----------------------------------------------------------------------------------------------------


_AGGREGATE = """
WITH d AS (
    SELECT rule_code, person_key, detail, min(event_date) AS first_day FROM raw GROUP BY rule_code, person_key, detail
), details AS (
    SELECT rule_code, person_key, string_agg(detail, '；' ORDER BY first_day, detail) AS detail
    FROM d GROUP BY rule_code, person_key
), agg AS (
    SELECT rule_code, max(rule_version) AS rule_version, max(category) AS category, person_key,
           list_sort(list(DISTINCT evidence_row_id)) AS evidence_row_ids, max(event_date) AS event_date
    FROM raw GROUP BY rule_code, person_key
)
SELECT a.rule_code, a.rule_version, a.category, a.person_key, a.evidence_row_ids, a.event_date, t.detail,
       sha256(a.rule_code || '|' || a.person_key || '|' || array_to_string(a.evidence_row_ids, '|')) AS dedupe_key
FROM agg a JOIN details t ON t.rule_code = a.rule_code AND t.person_key = a.person_key
ORDER BY a.rule_code, a.person_key
"""


def aggregate_alerts(raw: pa.Table, *, threads: int | None = None) -> pa.Table:
    """Raw rule rows → one alert per (rule, person): the backend-independent half of a run, in a local DuckDB."""
    if raw.num_rows == 0:
        return ALERT_SCHEMA.empty_table()
    con = duckdb.connect(config={"threads": threads} if threads else {})
    try:
        con.register("raw", raw)
        return con.sql(_AGGREGATE).to_arrow_table().cast(ALERT_SCHEMA)
    finally:
        con.close()


def dedupe_key(rule_code: str, person_key: str, evidence_row_ids: Iterable[str]) -> str:
    """The dedupe key in Python (the same as the engine's SQL), for callers that need to recompute one."""
    import hashlib

    text = "|".join([rule_code, person_key, *sorted(evidence_row_ids)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- run -------------------------------------------------------------------------------------------------------


def run_rules(*, as_of: dt.date, area_prefix: str, backend: str | None = None, lake_dir: Path | str | None = None,
              rules: Iterable[Rule | str] | None = None, parameters: Mapping[str, int] | None = None,
              hash_inputs: bool = True, duckdb_threads: int | None = None,
              duckdb_memory_limit: str | None = None, combine: bool | None = None,
              feed_paths: Mapping[str, Iterable[Path | str]] | None = None) -> EngineResult:
    """Evaluate ``rules`` (all by default) for persons whose hukou area starts with ``area_prefix``, as of
    ``as_of``. ``feed_paths`` (kind → Parquet files) limits the feeds to files whose load committed (the
    comparison job passes ``lake.loaded_feed_paths``); without it every file under the lake's feed folders is
    read (tests, benchmarks). ``parameters`` default to the policy values in force for the district on
    ``as_of``. ``combine`` runs all rules as one query (the default on Spark, where scheduling a query costs
    seconds) instead of one query per rule (the default on DuckDB, which times each rule)."""
    backend_name = backend or getattr(settings, "MINZHENG_MONITORING_BACKEND", "duckdb")
    lake = lake_root(lake_dir)
    selected = [RULES[r] if isinstance(r, str) else r for r in (rules if rules is not None else RULES.values())]
    selected.sort(key=lambda r: r.code)
    codes = rule_parameters(selected)
    if parameters is None:
        params = _resolve_parameters(selected, area_prefix, as_of)
    else:
        missing = [code for code in codes if code not in parameters]
        if missing:
            raise KeyError(f"parameters missing: {missing}")
        params = {code: int(parameters[code]) for code in codes}
    kinds: dict[str, int] = {}
    for rule in selected:
        for kind in rule.feeds:
            kinds[kind] = kinds.get(kind, 0) + 1
    kinds = dict(sorted(kinds.items()))

    timings: dict[str, float] = {}
    raw_rows: dict[str, int] = {}
    started = time.perf_counter()
    engine = _Backend(backend_name, threads=duckdb_threads, memory_limit=duckdb_memory_limit)
    try:
        with tempfile.TemporaryDirectory(prefix="mz-engine-") as scratch:
            registry, registry_files = _registry(engine, lake, Path(scratch))
            registry["persons"] = engine.cache(registry["persons"])
            feeds, read_feeds = _feeds(engine, lake, kinds, as_of, Path(scratch), feed_paths)
            timings["load"] = time.perf_counter() - started
            ctx = RuleContext(as_of=as_of, params=params, registry=registry, feeds=feeds, materialize=engine.cache)
            persons = registry["persons"]
            in_area = persons.filter(persons.hukou_area_code.startswith(area_prefix)).select("person_key")
            exprs = {}
            for rule in selected:
                expr = rule.build(ctx)
                if tuple(expr.columns) != tuple(OUTPUT_SCHEMA.names):
                    raise ValueError(f"rule {rule.code} returned columns {list(expr.columns)}")
                if area_prefix:
                    expr = expr.semi_join(in_area, "person_key")
                exprs[rule.code] = expr.filter(expr.person_key.notnull()).mutate(
                    rule_code=ibis.literal(rule.code))
            pieces = []
            if (engine.name == "spark" if combine is None else combine) and exprs:
                # One Spark job for all rules: scheduling a query costs seconds on Spark, milliseconds on DuckDB.
                began = time.perf_counter()
                table = ibis.union(*exprs.values(), distinct=False).to_pyarrow()
                pieces.append(table)
                timings["rules"] = time.perf_counter() - began
            else:
                for code, expr in exprs.items():
                    began = time.perf_counter()
                    pieces.append(expr.to_pyarrow())
                    timings[code] = time.perf_counter() - began
            by_code = {rule.code: rule for rule in selected}
            pieces = [_raw(piece, by_code) for piece in pieces]
            for piece in pieces:
                for code, count in zip(*_value_counts(piece["rule_code"]), strict=True):
                    raw_rows[code] = raw_rows.get(code, 0) + count
    finally:
        engine.close()
    began = time.perf_counter()
    raw = pa.concat_tables(pieces) if pieces else RAW_SCHEMA.empty_table()
    alerts = aggregate_alerts(raw, threads=duckdb_threads)
    timings["aggregate"] = time.perf_counter() - began
    began = time.perf_counter()
    inputs = {
        "backend": backend_name,
        "as_of": as_of.isoformat(),
        "area_prefix": area_prefix,
        "snapshot": {"manifest_seq": current_manifest(lake).get("seq", 0),
                     "files": {name: [_file_entry(lake, path, hash_inputs) for path in files]
                               for name, files in registry_files.items()}},
        "feeds": {kind: [_file_entry(lake, path, hash_inputs) for path in files]
                  for kind, files in read_feeds.items()},
        "matches": _file_entry(lake, str(lake / "matches" / "confirmed.parquet"), hash_inputs)
        if (lake / "matches" / "confirmed.parquet").exists() else None,
        "rule_versions": {rule.code: rule.version for rule in selected},
        "parameters": params,
    }
    timings["hash_inputs"] = time.perf_counter() - began
    timings["total"] = time.perf_counter() - started
    return EngineResult(alerts=alerts, inputs=inputs, timings=timings, raw_rows=raw_rows)


def _raw(table: pa.Table, rules: Mapping[str, Rule]) -> pa.Table:
    """A backend's rows with the rule's version and category, in ``RAW_SCHEMA`` (vectorized: the per-rule
    values are looked up once per distinct rule code)."""
    codes = table["rule_code"].combine_chunks().dictionary_encode()
    names = codes.dictionary.to_pylist()
    versions = pa.array([rules[c].version for c in names], pa.int64()).take(codes.indices)
    categories = pa.array([rules[c].category for c in names], pa.string()).take(codes.indices)
    return pa.table({
        "rule_code": codes.cast(pa.string()), "rule_version": versions, "category": categories,
        "person_key": table["person_key"].cast(pa.string()),
        "evidence_row_id": table["evidence_row_id"].cast(pa.string()),
        "event_date": table["event_date"].cast(pa.date32()),
        "detail": table["detail"].cast(pa.string()),
    }, schema=RAW_SCHEMA)


def _value_counts(column: pa.ChunkedArray) -> tuple[list[str], list[int]]:
    counts = column.value_counts()
    return counts.field("values").to_pylist(), counts.field("counts").to_pylist()


def _file_entry(lake: Path, path: str, with_hash: bool) -> dict[str, Any]:
    file = Path(path)
    entry: dict[str, Any] = {"path": str(file.relative_to(lake)) if file.is_relative_to(lake) else str(file)}
    if with_hash:
        entry["sha256"] = sha256_file(file)
    return entry


__all__ = ["ALERT_SCHEMA", "BACKENDS", "FEED_COLUMNS", "EngineResult", "aggregate_alerts", "dedupe_key",
           "run_rules", "spark_available", "spark_session"]
