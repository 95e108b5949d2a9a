"""Benchmark: the monitoring engine over a synthetic province (issue: 10⁶ persons × 10⁷ feed rows, all rules,
≤ 20 s wall and ≤ 6 GB peak memory on DuckDB; engine ≤ 1.5 × hand-written SQL; ≥ 100 × an ORM-style loop).

A deterministic generator writes N registry persons straight into the snapshot layout (``registry/*/part-000001
.parquet``) and about 10 feed rows per person across the 15 feed kinds into the lake layout
(``feeds/{kind}/loaded=…/…parquet``). Then, each in its own process (so peak RSS is its own):

- ``engine``: ``run_rules`` on DuckDB (2 threads), every rule, province-wide (area prefix ``34``), formatting and
  grouping the alerts, without hashing the inputs (hashing is timed separately);
- ``sql``: the same rules as hand-written DuckDB SQL over the same files, grouped into alerts in the same query
  (the floor); its (rule, person, evidence) rows are checked against the engine's at the smallest size;
- ``orm``: the per-record loop a Django page or job would write — for every person and every rule, one query for
  the person's enrollments and one per feed the rule reads (indexed SQLite tables standing in for the ORM's
  database; a Django database of 10⁵ persons takes minutes to seed). It runs no rule logic, so its time is a lower
  bound of a real loop. Measured at ``--orm-size`` and extrapolated linearly;
- ``django``: the per-query cost of that loop through the Django ORM (the recipient check as an ORM query on the
  real schema, migrated into in-memory SQLite with empty tables, so only the ORM's own overhead), multiplied by
  the loop's queries per person: the ORM baseline of the issue, estimated;
- ``spark``: ``run_rules`` on Spark local[2] at ``--spark-size``.

    python benchmarks/monitoring.py [--sizes 10000,100000,1000000] [--orm-size 10000] [--spark-size 100000]
    python benchmarks/monitoring.py --quick        # 10⁴ only, to check the harness
"""

# ruff: noqa: E501  (the hand-written SQL of the floor reads better on long lines)
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.test")

from minzheng.monitoring.tests.fixtures.lake import PARAMETERS  # noqa: E402  (the rule tests' demo values)

WORK = ROOT / "var" / "bench-monitoring"
AS_OF = dt.date(2026, 2, 28)
PREFIX = "34"
# Feed rows per registry person, by kind (10 in all).
FEED_RATES = {
    "medical_bill": 2.5, "hr_pension": 2.0, "housing_fund": 1.5, "hr_employment": 1.0, "education_enrolment": 0.5,
    "vehicle": 0.5, "property": 0.5, "market_company": 0.3, "disaster_loss": 0.3, "disability_cert": 0.2,
    "hr_unemployment": 0.2, "police_hukou_move": 0.2, "police_death": 0.1, "funeral_cremation": 0.1,
    "justice_imprisonment": 0.1,
}
DAY0 = np.datetime64("1970-01-01")


# --- the synthetic province --------------------------------------------------------------------------------------


def _keys(prefix: str, index: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(pa.scalar(prefix), pc.cast(pa.array(index), pa.string()), "")


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("int32"), pa.int32()).cast(pa.date32())


def _pick(rng, values: list, n: int, p=None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=object)[rng.choice(len(values), n, p=p)], pa.string())


def _write(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", row_group_size=256 * 1024)


def generate(root: Path, persons: int, seed: int = 20260228) -> dict:
    """Write the province (deterministic for a seed and size) and return its row counts."""
    from minzheng.monitoring.rules import feed_schema
    from minzheng.monitoring.snapshot import SCHEMAS

    rng = np.random.default_rng(seed)
    as_of_days = (np.datetime64(AS_OF) - DAY0).astype(int)
    # Households of 1–5 persons, in order: person i belongs to household hh[i], its first member the head.
    sizes = rng.choice([1, 2, 3, 4, 5], size=persons, p=[0.2, 0.3, 0.25, 0.15, 0.1])
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), persons) + 1]
    sizes[-1] -= sizes.sum() - persons
    households = len(sizes)
    hh = np.repeat(np.arange(households), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    position = np.arange(persons) - starts[hh]
    # Areas: 50 districts × 10 towns × 10 villages of province 34; 1% of households elsewhere.
    village = rng.integers(0, 5000, households)
    area = np.char.add(np.char.add("34", np.char.zfill((1000 + village // 100).astype(str), 4)),
                       np.char.add(np.char.zfill((100 + (village // 10) % 10).astype(str), 3),
                                   np.char.zfill((200 + village % 10).astype(str), 3)))
    area[rng.random(households) < 0.01] = "320102001001"
    head_birth = as_of_days - rng.integers(25 * 365, 95 * 365, households)
    birth = np.where(position == 0, head_birth[hh],
                     np.where(position == 1, head_birth[hh] + rng.integers(-1500, 1500, persons),
                              np.minimum(head_birth[hh] + rng.integers(20 * 365, 40 * 365, persons),
                                         as_of_days - rng.integers(0, 365, persons))))
    relation = np.where(position == 0, "head", np.where(position == 1, "spouse", "child"))
    dead = rng.random(persons) < 0.005
    death = np.where(dead, as_of_days - rng.integers(0, 700, persons), 0)
    disabled = rng.random(persons) < 0.03
    grade = rng.integers(1, 5, persons)
    idx = np.arange(persons)
    person_area = pa.array(area[hh], pa.string())
    stamp = pa.scalar(dt.datetime(2026, 2, 1, tzinfo=dt.UTC), pa.timestamp("us", tz="UTC"))
    reg = root / "registry"
    _write(reg / "persons" / "part-000001.parquet", pa.table({
        "person_key": _keys("k", idx), "person_id": _keys("p", idx), "birth_date": _dates(birth),
        "sex": _pick(rng, ["M", "F"], persons), "hukou_area_code": person_area, "residence_area_code": person_area,
        "death_date": pa.array(np.where(dead, death, 0).astype("int32"), pa.int32(), mask=~dead).cast(pa.date32()),
        "disability_kind": pa.array(np.where(disabled, "physical", None), pa.string()),
        "disability_grade": pa.array(grade, pa.int64(), mask=~disabled),
        "self_care": pa.array(np.full(persons, "full"), pa.string()),
        "updated_at": pa.array([stamp.as_py()] * persons, pa.timestamp("us", tz="UTC")),
        "_seq": pa.array(np.ones(persons, dtype=np.int64))}, schema=SCHEMAS["persons"]))
    hidx = np.arange(households)
    _write(reg / "households" / "part-000001.parquet", pa.table({
        "household_id": _keys("h", hidx), "area_code": pa.array(area, pa.string()),
        "head_person_id": _keys("p", starts), "is_active": pa.array(np.ones(households, bool)),
        "updated_at": pa.array([stamp.as_py()] * households, pa.timestamp("us", tz="UTC")),
        "_seq": pa.array(np.ones(households, dtype=np.int64))}, schema=SCHEMAS["households"]))
    _write(reg / "memberships" / "part-000001.parquet", pa.table({
        "membership_id": _keys("m", idx), "household_id": _keys("h", hh), "person_id": _keys("p", idx),
        "relation": pa.array(relation, pa.string()), "living_together": pa.array(rng.random(persons) < 0.95),
        "status": pa.array(np.full(persons, "normal"), pa.string()),
        "started_on": _dates(np.full(persons, (np.datetime64("2000-01-01") - DAY0).astype(int))),
        "ended_on": pa.nulls(persons, pa.date32()),
        "updated_at": pa.array([stamp.as_py()] * persons, pa.timestamp("us", tz="UTC")),
        "_seq": pa.array(np.ones(persons, dtype=np.int64))}, schema=SCHEMAS["memberships"]))
    # Enrollments: 8% 低保, 1% 单人保 and 1.5% 特困 (the head), 2% 边缘, 1% 刚性支出; 10% of them exited.
    draw = rng.random(households)
    program = np.select([draw < 0.08, draw < 0.09, draw < 0.105, draw < 0.125, draw < 0.135],
                        ["dibao", "individual_dibao", "tekun", "marginal", "rigid_expense"], "")
    enrolled = np.nonzero(program != "")[0]
    status = np.where(rng.random(len(enrolled)) < 0.1, "exited",
                      np.where(rng.random(len(enrolled)) < 0.05, "phase_out", "active"))
    exited = status == "exited"
    _write(reg / "enrollments" / "part-000001.parquet", pa.table({
        "enrollment_id": _keys("e", enrolled), "program": pa.array(program[enrolled], pa.string()),
        "status": pa.array(status, pa.string()), "household_id": _keys("h", enrolled),
        "area_code": pa.array(area[enrolled], pa.string()),
        "monthly_amount_fen": pa.array(np.full(len(enrolled), 77000, dtype=np.int64)),
        "starts_on": _dates(np.full(len(enrolled), (np.datetime64("2022-01-01") - DAY0).astype(int))),
        "exited_on": pa.array(np.full(len(enrolled), (np.datetime64("2024-06-30") - DAY0).astype("int32")),
                              pa.int32(), mask=~exited).cast(pa.date32()),
        "updated_at": pa.array([stamp.as_py()] * len(enrolled), pa.timestamp("us", tz="UTC")),
        "_seq": pa.array(np.ones(len(enrolled), dtype=np.int64))}, schema=SCHEMAS["enrollments"]))
    single = np.isin(program[enrolled], ["tekun", "individual_dibao"])
    member_counts = np.where(single, 1, sizes[enrolled])
    member_enrollment = np.repeat(enrolled, member_counts)
    member_person = starts[member_enrollment] + (np.arange(len(member_enrollment))
                                                 - np.repeat(np.cumsum(member_counts) - member_counts, member_counts))
    _write(reg / "enrollment_members" / "part-000001.parquet", pa.table({
        "enrollment_id": _keys("e", member_enrollment), "person_id": _keys("p", member_person),
        "_seq": pa.array(np.ones(len(member_person), dtype=np.int64))}, schema=SCHEMAS["enrollment_members"]))

    counts = {"persons": persons, "households": households, "enrollments": len(enrolled)}
    employers = ["淮南某建筑公司", "毛集实验区人民医院", "某某商贸有限公司", "区教育局", "某物流公司"]
    for kind, rate in FEED_RATES.items():
        n = int(persons * rate)
        who = rng.integers(0, persons, n)
        days = as_of_days - rng.integers(-10, 730, n)
        columns: dict[str, pa.Array] = {
            "row_id": _keys(f"{kind}:", np.arange(n)), "file_id": pa.array(np.full(n, f"{kind}-f"), pa.string()),
            "row_number": pa.array(np.arange(n) % 100000 + 1, pa.int32()),
            "person_key": pa.array(np.asarray(_keys("k", who).to_numpy(zero_copy_only=False), dtype=object),
                                   pa.string(), mask=rng.random(n) < 0.02),
            "name": pa.array(np.full(n, "张三"), pa.string()), "birth_date": _dates(birth[who]),
            "area_code": pa.array(area[hh[who]], pa.string()), "event_date": _dates(days),
        }
        own = {name: dtype for name, dtype in feed_schema(kind).items() if name not in columns}
        names = list(own)
        columns[names[0]] = _dates(days)
        extra = _own_columns(kind, rng, n, days, columns["area_code"], employers)
        columns.update(extra)
        table = pa.table(columns).select(feed_schema(kind).names).cast(feed_schema(kind).to_pyarrow())
        half = n // 2
        _write(root / "feeds" / kind / "loaded=2026-01-05" / f"{kind}-1.parquet", table.slice(0, half))
        _write(root / "feeds" / kind / "loaded=2026-02-05" / f"{kind}-2.parquet", table.slice(half))
        counts[kind] = n
    counts["feed_rows"] = sum(counts[k] for k in FEED_RATES)
    (root / "generated.json").write_text(json.dumps(counts))
    return counts


def _own_columns(kind: str, rng, n: int, days: np.ndarray, area_code: pa.Array, employers: list[str]) -> dict:
    """The kind's own columns (beyond the event column) for ``n`` synthetic rows."""
    makers = {
        "police_death": lambda: {"hukou_area": area_code},
        "police_hukou_move": lambda: {"direction": _pick(rng, ["in", "out"], n),
                                      "to_area": _pick(rng, ["340102000000", "340471101000", None], n)},
        "medical_bill": lambda: (lambda total: {
            "total_amount": pa.array(total), "out_of_pocket_amount": pa.array(total * rng.integers(1, 7, n) // 10),
            "hospital": _pick(rng, ["淮南市第一人民医院", "安徽医科大学第一附属医院"], n)})(
            rng.integers(1000, 5_000_000, n)),
        "hr_employment": lambda: {"employer": _pick(rng, employers, n),
                                  "employer_kind": _pick(rng, ["enterprise", "public_sector", "other"], n,
                                                         [0.8, 0.05, 0.15]),
                                  "monthly_wage": pa.array(rng.integers(150000, 800000, n))},
        "hr_unemployment": lambda: {},
        "hr_pension": lambda: {"monthly_amount": pa.array(rng.integers(10000, 400000, n))},
        "disability_cert": lambda: {"disability_kind": _pick(rng, ["physical", "visual", "mental"], n),
                                    "grade": pa.array(rng.integers(1, 5, n))},
        "market_company": lambda: {"company_name": _pick(rng, employers, n),
                                   "role": _pick(rng, ["legal_rep", "shareholder"], n),
                                   "registered_capital": pa.array(rng.integers(100000, 100_000_000, n)),
                                   "status": _pick(rng, ["active", "cancelled"], n, [0.7, 0.3])},
        "vehicle": lambda: {"plate": pc.binary_join_element_wise(pa.scalar("皖D·"), pc.cast(
            pa.array(rng.integers(10000, 99999, n)), pa.string()), ""),
            "vehicle_type": _pick(rng, ["car", "truck", "motorcycle", "tricycle"], n),
            "purchase_price": pa.array(rng.integers(300000, 30_000_000, n))},
        "property": lambda: {"certificate_no": _pick(rng, ["皖(2024)不动产权第0001号"], n),
                             "usage": _pick(rng, ["residential", "commercial", "other"], n, [0.8, 0.15, 0.05]),
                             "area_m2": pa.array(rng.integers(40, 200, n))},
        "education_enrolment": lambda: {"school": _pick(rng, ["安徽理工大学", "毛集小学"], n),
                                        "stage": _pick(rng, ["primary", "junior", "senior", "college"], n),
                                        "first_year": pa.array(rng.random(n) < 0.3),
                                        "tuition": pa.array(rng.integers(0, 1_000_000, n))},
        "disaster_loss": lambda: {"disaster_kind": _pick(rng, ["flood", "storm"], n),
                                  "loss_amount": pa.array(rng.integers(0, 2_000_000, n))},
        "housing_fund": lambda: {"employer": _pick(rng, employers, n),
                                 "base_wage": pa.array(rng.integers(150000, 800000, n))},
        "funeral_cremation": lambda: {"death_date": _dates(days - 2)},
        "justice_imprisonment": lambda: {"release_date": pa.array(
            (days + rng.integers(180, 1000, n)).astype("int32"), pa.int32(),
            mask=rng.random(n) < 0.5).cast(pa.date32())},
    }
    return makers[kind]()


def ensure_province(persons: int) -> Path:
    root = WORK / f"n{persons}"
    if not (root / "generated.json").exists():
        shutil.rmtree(root, ignore_errors=True)
        began = time.perf_counter()
        counts = generate(root, persons)
        print(f"  generated {persons:,} persons, {counts['feed_rows']:,} feed rows in "
              f"{time.perf_counter() - began:.1f} s", flush=True)
    return root


# --- hand-written SQL (the floor) ----------------------------------------------------------------------------------


def hand_sql(root: Path) -> tuple[str, list[str]]:
    """Setup statements and one SELECT per rule, in DuckDB SQL, semantically the rules of the engine."""
    from minzheng.monitoring.rules import FEED_COLUMNS, add_months, born_by

    p = PARAMETERS
    a = f"DATE '{AS_OF}'"
    w = f"DATE '{add_months(AS_OF, -p['monitoring.lookback_months'])}'"
    aw = f"DATE '{add_months(AS_OF, -p['monitoring.asset_lookback_months'])}'"
    paid = "('dibao', 'individual_dibao', 'tekun')"
    low = "('dibao', 'individual_dibao', 'tekun', 'marginal', 'rigid_expense')"
    reg = root / "registry"
    setup = [
        f"CREATE TEMP TABLE persons AS SELECT * EXCLUDE (updated_at, _seq) FROM read_parquet('{reg}/persons/*.parquet')",
        f"CREATE TEMP TABLE recip AS SELECT p.person_key, e.household_id, e.program, e.enrollment_id "
        f"FROM read_parquet('{reg}/enrollment_members/*.parquet') em "
        f"JOIN read_parquet('{reg}/enrollments/*.parquet') e USING (enrollment_id) JOIN persons p USING (person_id) "
        f"WHERE e.status IN ('active', 'phase_out') AND e.starts_on <= {a} AND (e.exited_on IS NULL OR e.exited_on > {a})",
        f"CREATE TEMP TABLE members AS SELECT m.household_id, m.relation, m.living_together, p.person_key, "
        f"p.birth_date, p.death_date FROM read_parquet('{reg}/memberships/*.parquet') m JOIN persons p USING (person_id) "
        f"WHERE (m.started_on IS NULL OR m.started_on <= {a}) AND (m.ended_on IS NULL OR m.ended_on > {a})",
    ]
    for kind in FEED_COLUMNS:
        setup.append(f"CREATE TEMP TABLE f_{kind} AS SELECT * FROM read_parquet('{root}/feeds/{kind}/*/*.parquet', "
                     f"hive_partitioning = false) WHERE person_key IS NOT NULL AND event_date <= {a}")
    money = "'¥' || format('{{:,}}', ({0}) // 100) || '.' || lpad((({0}) % 100)::VARCHAR, 2, '0')"
    day = "strftime({0}, '%Y-%m-%d')"
    alive = f"(death_date IS NULL OR death_date > {a})"
    deaths = (f"SELECT person_key, row_id, event_date, '公安户籍死亡注销' AS what FROM f_police_death WHERE event_date > {w} "
              f"UNION ALL SELECT person_key, row_id, event_date, '火化登记（死亡日期 ' || {day.format('death_date')} || '）' "
              f"FROM f_funeral_cremation WHERE event_date > {w}")
    r = f"(SELECT DISTINCT person_key, program FROM recip WHERE program IN {paid})"
    h = f"(SELECT DISTINCT person_key, household_id FROM recip WHERE program IN {paid})"

    def asset(kind: str, where: str, limit: str, detail: str) -> str:
        return (f"WITH v AS (SELECT f.*, h.household_id FROM f_{kind} f JOIN {h} h USING (person_key) "
                f"WHERE f.event_date > {aw} AND {where}), c AS (SELECT household_id, count(DISTINCT row_id) AS n "
                f"FROM v GROUP BY 1 HAVING n > {p[limit]}) SELECT person_key, row_id, event_date, {detail} "
                f"FROM v JOIN c USING (household_id)")

    def latest(kind: str, amount: str, name: str) -> str:
        return (f"{name}_rows AS (SELECT f.person_key, f.row_id, f.event_date, coalesce(f.{amount}, 0) AS amt "
                f"FROM f_{kind} f JOIN (SELECT person_key, max(event_date) AS d FROM f_{kind} WHERE event_date > {w} "
                f"GROUP BY 1) l ON f.person_key = l.person_key AND f.event_date = l.d), "
                f"{name} AS (SELECT person_key, max(amt) AS amt FROM {name}_rows GROUP BY 1)")

    threshold = p["dibao.standard_monthly_fen"] * 12 * p["monitoring.medical_oop_income_permille"] // 1000
    rules = {
        "death_still_paid":
            f"SELECT d.person_key, d.row_id, d.event_date, {day.format('d.event_date')} || ' ' || d.what || '，仍在享受' "
            f"|| r.program FROM ({deaths}) d JOIN {r} r USING (person_key) UNION ALL SELECT person_key, "
            f"'registry:persons:' || person_key, death_date, '人员信息已登记死亡，仍在享受' || r.program FROM persons "
            f"JOIN {r} r USING (person_key) WHERE death_date <= {a}",
        "vehicle_owned": asset("vehicle", "coalesce(f.vehicle_type, '') NOT IN ('motorcycle', 'tricycle')",
                               "dibao.asset_max_vehicles",
                               f"{day.format('event_date')} || ' 登记 ' || plate || '，购置价 ' || "
                               f"{money.format('coalesce(purchase_price, 0)')}"),
        "company_holder": asset("market_company", "f.status = 'active' AND f.role IN ('legal_rep', 'shareholder')",
                                "dibao.asset_max_companies",
                                f"{day.format('event_date')} || ' 登记为「' || company_name || '」'"),
        "extra_home": asset("property", "f.usage = 'residential'", "dibao.asset_max_homes",
                            f"{day.format('event_date')} || ' 登记住房 ' || area_m2 || ' 平方米'"),
        "public_sector_job":
            f"SELECT f.person_key, f.row_id, f.event_date, {day.format('f.event_date')} || ' 入职「' || f.employer || '」' "
            f"FROM f_hr_employment f JOIN {r} r USING (person_key) WHERE f.event_date > {w} "
            f"AND f.employer_kind = 'public_sector'",
        "high_wage":
            f"SELECT f.person_key, f.row_id, f.event_date, '月工资 ' || {money.format('f.monthly_wage')} "
            f"FROM f_hr_employment f JOIN {r} r USING (person_key) WHERE f.event_date > {w} "
            f"AND f.monthly_wage > {p['monitoring.wage_threshold_fen']} UNION ALL SELECT f.person_key, f.row_id, "
            f"f.event_date, '缴存基数 ' || {money.format('f.base_wage')} FROM f_housing_fund f JOIN {r} r "
            f"USING (person_key) WHERE f.event_date > {w} AND f.base_wage > {p['monitoring.wage_threshold_fen']}",
        "income_over_standard":
            f"WITH {latest('hr_employment', 'monthly_wage', 'wages')}, {latest('hr_pension', 'monthly_amount', 'pens')}, "
            f"m AS (SELECT DISTINCT person_key, enrollment_id FROM recip WHERE program IN ('dibao', 'individual_dibao')), "
            f"mi AS (SELECT m.person_key, m.enrollment_id, coalesce(wages.amt, 0) AS wage, coalesce(pens.amt, 0) AS pension "
            f"FROM m LEFT JOIN wages USING (person_key) LEFT JOIN pens USING (person_key)), "
            f"t AS (SELECT enrollment_id, sum(wage + pension) AS total, count(DISTINCT person_key) AS size FROM mi "
            f"GROUP BY 1 HAVING total > size * {p['dibao.standard_monthly_fen']}), "
            f"ev AS (SELECT person_key, row_id, event_date FROM wages_rows UNION ALL "
            f"SELECT person_key, row_id, event_date FROM pens_rows) "
            f"SELECT mi.person_key, ev.row_id, ev.event_date, '人均 ' || {money.format('t.total // t.size')} "
            f"FROM mi JOIN t USING (enrollment_id) JOIN ev USING (person_key) WHERE mi.wage + mi.pension > 0",
        "hukou_moved_out":
            f"SELECT f.person_key, f.row_id, f.event_date, '户籍迁出至 ' || coalesce(f.to_area, '外地') "
            f"FROM f_police_hukou_move f JOIN persons p USING (person_key) JOIN {r} r USING (person_key) "
            f"WHERE f.event_date > {w} AND f.direction = 'out' AND (f.to_area IS NULL OR "
            f"substr(f.to_area, 1, 6) <> substr(p.hukou_area_code, 1, 6))",
        "imprisoned":
            f"SELECT f.person_key, f.row_id, f.event_date, '收监服刑' FROM f_justice_imprisonment f JOIN {r} r "
            f"USING (person_key) WHERE f.event_date > {w} AND (f.release_date IS NULL OR f.release_date > {a})",
        "medical_burden":
            f"WITH b AS (SELECT * FROM f_medical_bill WHERE event_date > {w} AND person_key IN "
            f"(SELECT person_key FROM persons WHERE {alive})), t AS (SELECT person_key, "
            f"sum(coalesce(out_of_pocket_amount, 0)) AS total FROM b GROUP BY 1 HAVING total > {threshold}) "
            f"SELECT b.person_key, b.row_id, b.event_date, '自付 ' || {money.format('t.total')} FROM b JOIN t "
            f"USING (person_key)",
        "severe_disability_new":
            f"SELECT f.person_key, f.row_id, f.event_date, '新办残疾人证' FROM f_disability_cert f JOIN persons p "
            f"USING (person_key) WHERE f.event_date > {w} AND f.grade IN (1, 2) AND {alive.replace('death_date', 'p.death_date')} "
            f"AND (p.disability_grade IS NULL OR p.disability_grade > f.grade)",
        "sole_earner_unemployed":
            f"WITH living AS (SELECT * FROM members WHERE {alive}), working AS (SELECT * FROM living WHERE "
            f"birth_date <= DATE '{born_by(p['monitoring.working_age_min'], AS_OF)}' AND "
            f"birth_date > DATE '{born_by(p['tekun.age_min'], AS_OF)}'), sole AS (SELECT w.person_key, s.size FROM working w "
            f"JOIN (SELECT household_id FROM working GROUP BY 1 HAVING count(DISTINCT person_key) = 1) c USING (household_id) "
            f"JOIN (SELECT household_id, count(DISTINCT person_key) AS size FROM living GROUP BY 1) s USING (household_id)) "
            f"SELECT f.person_key, f.row_id, f.event_date, '登记失业（家庭共 ' || sole.size || ' 人）' "
            f"FROM f_hr_unemployment f JOIN sole USING (person_key) WHERE f.event_date > {w}",
        "disaster_loss":
            f"WITH b AS (SELECT * FROM f_disaster_loss WHERE event_date > {w} AND person_key IN "
            f"(SELECT person_key FROM persons WHERE {alive})), t AS (SELECT person_key, sum(coalesce(loss_amount, 0)) "
            f"AS total FROM b GROUP BY 1 HAVING total > {p['monitoring.disaster_loss_fen']}) SELECT b.person_key, "
            f"b.row_id, b.event_date, '损失 ' || {money.format('t.total')} FROM b JOIN t USING (person_key)",
        "new_student_low_income":
            f"SELECT f.person_key, f.row_id, f.event_date, '入读「' || f.school || '」' FROM f_education_enrolment f "
            f"JOIN members m USING (person_key) JOIN (SELECT DISTINCT household_id, program FROM recip WHERE program "
            f"IN {low}) l USING (household_id) WHERE f.event_date > {w} AND coalesce(f.first_year, false) "
            f"AND f.tuition >= {p['monitoring.tuition_min_fen']}",
        "elderly_alone":
            f"WITH t AS (SELECT * FROM members WHERE coalesce(living_together, true) AND {alive}) "
            f"SELECT person_key, 'registry:persons:' || person_key, {a}, '年满80周岁' FROM t JOIN (SELECT household_id "
            f"FROM t GROUP BY 1 HAVING count(DISTINCT person_key) = 1) USING (household_id) "
            f"WHERE birth_date <= DATE '{born_by(p['monitoring.elderly_alone_age'], AS_OF)}'",
        "guardian_lost":
            f"WITH c AS (SELECT person_key AS child_key, household_id, relation FROM members WHERE "
            f"birth_date > DATE '{born_by(18, AS_OF)}' AND {alive} AND relation IN ('child', 'grandchild')), "
            f"g AS (SELECT person_key AS guardian_key, household_id, relation AS grel FROM members), "
            f"ev AS ({deaths} UNION ALL SELECT person_key, row_id, event_date, '收监服刑' FROM f_justice_imprisonment "
            f"WHERE event_date > {w} AND (release_date IS NULL OR release_date > {a}) UNION ALL SELECT person_key, "
            f"'registry:persons:' || person_key, death_date, '死亡' FROM persons WHERE death_date > {w} "
            f"AND death_date <= {a}) SELECT c.child_key, ev.row_id, ev.event_date, '监护人' || ev.what FROM c "
            f"JOIN g USING (household_id) JOIN ev ON ev.person_key = g.guardian_key WHERE "
            f"(c.relation = 'child' AND g.grel IN ('head', 'spouse')) OR "
            f"(c.relation = 'grandchild' AND g.grel IN ('child', 'child_in_law'))",
        "tekun_minor_turning_18":
            f"SELECT person_key, 'registry:persons:' || person_key, {a}, '即将年满18周岁' FROM persons WHERE "
            f"person_key IN (SELECT person_key FROM recip WHERE program = 'tekun') AND birth_date > "
            f"DATE '{born_by(18, AS_OF)}' AND birth_date <= "
            f"DATE '{born_by(18, add_months(AS_OF, p['monitoring.adult_notice_months']))}'",
        "disability_holder_died":
            f"SELECT d.person_key, d.row_id, d.event_date, d.what || '，请停发残疾人两项补贴' FROM ({deaths}) d "
            f"JOIN persons p USING (person_key) WHERE p.disability_grade IS NOT NULL AND "
            f"{alive.replace('death_date', 'p.death_date')}",
    }
    union = " UNION ALL ".join(
        f"SELECT '{code}' AS rule_code, * FROM (SELECT * FROM ({sql}) x(person_key, evidence_row_id, event_date, detail) "
        f"WHERE person_key IN (SELECT person_key FROM persons WHERE hukou_area_code LIKE '{PREFIX}%'))"
        for code, sql in rules.items())
    setup.append(f"CREATE TEMP TABLE raw AS {union}")
    final = ("SELECT rule_code, person_key, list_sort(list(DISTINCT evidence_row_id)) AS ids, max(event_date) AS day, "
             "string_agg(DISTINCT detail, '；') AS detail, sha256(rule_code || '|' || person_key || '|' || "
             "array_to_string(list_sort(list(DISTINCT evidence_row_id)), '|')) AS dedupe_key FROM raw "
             "GROUP BY rule_code, person_key ORDER BY rule_code, person_key")
    return setup, [final]


# --- children (one process per measurement) -----------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_engine(root: Path, backend: str) -> dict:
    import django

    django.setup()
    from minzheng.monitoring.engine import run_rules

    began = time.perf_counter()
    result = run_rules(as_of=AS_OF, area_prefix=PREFIX, backend=backend, lake_dir=root, parameters=PARAMETERS,
                       hash_inputs=False, duckdb_threads=2)
    seconds = time.perf_counter() - began
    hashed = time.perf_counter()
    from minzheng.monitoring.engine import feed_files, feed_kinds_read
    from minzheng.monitoring.snapshot import sha256_file

    for kind in feed_kinds_read():
        for path in feed_files(root, kind):
            sha256_file(path)
    hash_seconds = time.perf_counter() - hashed
    triples = sorted({(r["rule_code"], r["person_key"], tuple(r["evidence_row_ids"])) for r in result.rows()})
    (root / f"alerts-{backend}.json").write_text(json.dumps(triples))
    slow = sorted(((k, round(v, 2)) for k, v in result.timings.items() if k != "total"), key=lambda kv: -kv[1])[:5]
    return {"seconds": seconds, "peak_mb": _peak_mb(), "alerts": result.alerts.num_rows,
            "raw": sum(result.raw_rows.values()), "hash_seconds": hash_seconds, "slowest": slow}


def child_sql(root: Path) -> dict:
    import duckdb

    began = time.perf_counter()
    con = duckdb.connect(config={"threads": 2})
    setup, (final,) = hand_sql(root)
    for statement in setup:
        con.execute(statement)
    alerts = con.sql(final).to_arrow_table()
    seconds = time.perf_counter() - began
    triples = sorted({(r["rule_code"], r["person_key"], tuple(r["ids"])) for r in alerts.to_pylist()})
    (root / "alerts-sql.json").write_text(json.dumps(triples))
    return {"seconds": seconds, "peak_mb": _peak_mb(), "alerts": alerts.num_rows}


def child_orm(root: Path) -> dict:
    """One query per person per rule (enrollments) plus one per feed the rule reads, on indexed SQLite tables."""
    import duckdb

    from minzheng.monitoring.rules import RULES, add_months

    db_path = root / "orm.sqlite3"
    if not db_path.exists():
        con = duckdb.connect()
        lite = sqlite3.connect(db_path)
        reg = root / "registry"
        for name, sql in {
            "persons": f"SELECT person_key, person_id, birth_date::VARCHAR AS birth_date FROM read_parquet('{reg}/persons/*.parquet')",
            "recip": f"SELECT p.person_key, e.program, e.status, e.household_id FROM read_parquet('{reg}/enrollment_members/*.parquet') "
                     f"em JOIN read_parquet('{reg}/enrollments/*.parquet') e USING (enrollment_id) "
                     f"JOIN read_parquet('{reg}/persons/*.parquet') p USING (person_id)",
            **{f"f_{kind}": f"SELECT person_key, row_id, event_date::VARCHAR AS event_date FROM "
                            f"read_parquet('{root}/feeds/{kind}/*/*.parquet', hive_partitioning = false)"
               for kind in FEED_RATES},
        }.items():
            rows = con.sql(sql).fetchall()
            columns = ", ".join(con.sql(sql).columns)
            lite.execute(f"CREATE TABLE {name} ({columns})")
            lite.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(rows[0]))})", rows)
            lite.execute(f"CREATE INDEX {name}_person ON {name} (person_key)")
        lite.commit()
        lite.close()
    lite = sqlite3.connect(db_path)
    keys = [row[0] for row in lite.execute("SELECT person_key FROM persons ORDER BY person_key")]
    start = str(add_months(AS_OF, -12))
    rules = list(RULES.values())
    queries = 0
    began = time.perf_counter()
    for key in keys:
        for rule in rules:
            lite.execute("SELECT program, status, household_id FROM recip WHERE person_key = ?", (key,)).fetchall()
            queries += 1
            for kind in rule.feeds:
                lite.execute(f"SELECT row_id, event_date FROM f_{kind} WHERE person_key = ? AND event_date > ? "
                             f"AND event_date <= ?", (key, start, str(AS_OF))).fetchall()
                queries += 1
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "peak_mb": _peak_mb(), "queries": queries, "persons": len(keys)}


def child_django(root: Path, samples: int = 5000) -> dict:
    """The per-query cost of the same loop through the Django ORM: the recipient check of each person as an ORM
    query (membership → household → enrollment joins) on the real schema, migrated into an in-memory SQLite
    database with empty tables — so the measured cost is the ORM's own overhead, a lower bound."""
    import django

    django.setup()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    from minzheng.assistance.models import Enrollment

    keys = [f"k{i}" for i in range(samples)]
    began = time.perf_counter()
    for key in keys:
        list(Enrollment.objects.filter(household__memberships__person__id_number_bidx=key,
                                       status__in=["active", "phase_out"]).values_list("program", "status"))
    per_query = (time.perf_counter() - began) / samples
    return {"per_query_us": per_query * 1e6, "samples": samples, "peak_mb": _peak_mb()}


# --- driver -------------------------------------------------------------------------------------------------------


def run_child(kind: str, persons: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(persons)], cwd=ROOT, capture_output=True,
                         text=True)
    if out.returncode != 0:
        print(out.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"child {kind} {persons} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--orm-size", type=int, default=10000)
    parser.add_argument("--spark-size", type=int, default=100000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args(argv)
    if args.child:
        kind, persons = args.child[0], int(args.child[1])
        root = WORK / f"n{persons}"
        result = {"engine": lambda: child_engine(root, "duckdb"), "spark": lambda: child_engine(root, "spark"),
                  "sql": lambda: child_sql(root), "orm": lambda: child_orm(root),
                  "django": lambda: child_django(root)}[kind]()
        print(json.dumps(result))
        return 0
    sizes = [10000] if args.quick else [int(s) for s in args.sizes.split(",")]
    spark_size = None if args.quick else args.spark_size
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    rows = []
    for persons in sizes:
        root = ensure_province(persons)
        counts = json.loads((root / "generated.json").read_text())
        engine = run_child("engine", persons)
        sql = run_child("sql", persons)
        same = (json.loads((root / "alerts-duckdb.json").read_text())
                == json.loads((root / "alerts-sql.json").read_text()))
        row = {"persons": persons, "feed_rows": counts["feed_rows"], "engine": engine, "sql": sql, "same": same}
        if persons == args.orm_size or (args.quick and persons == sizes[0]):
            row["orm"] = run_child("orm", persons)
        if spark_size == persons:
            row["spark"] = run_child("spark", persons)
            row["spark_same"] = (json.loads((root / "alerts-duckdb.json").read_text())
                                 == json.loads((root / "alerts-spark.json").read_text()))
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    orm = next((r["orm"] for r in rows if "orm" in r), None)
    loop_rate = orm["seconds"] / orm["persons"] if orm else None
    queries_per_person = orm["queries"] / orm["persons"] if orm else None
    django = run_child("django", rows[0]["persons"])
    django_rate = queries_per_person * django["per_query_us"] / 1e6 if orm else None
    print(f"\nORM-style loop: {queries_per_person:.0f} queries per person; raw SQLite "
          f"{orm['seconds'] / orm['queries'] * 1e6:.1f} µs/query (measured at {orm['persons']:,} persons); "
          f"Django ORM {django['per_query_us']:.0f} µs/query (empty tables, {django['samples']:,} queries)")
    print("\n| persons | feed rows | engine (DuckDB) | peak RSS | hand-written SQL | engine ÷ SQL | "
          "SQLite loop (est.) | Django ORM loop (est.) | engine vs Django loop | alerts | same as SQL |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        seconds = r["engine"]["seconds"]
        loop = loop_rate * r["persons"]
        orm_loop = django_rate * r["persons"]
        print(f"| {r['persons']:,} | {r['feed_rows']:,} | {seconds:.2f} s | {r['engine']['peak_mb']:,.0f} MB | "
              f"{r['sql']['seconds']:.2f} s | ×{seconds / r['sql']['seconds']:.2f} | {loop:,.0f} s | "
              f"{orm_loop:,.0f} s | ×{orm_loop / seconds:,.0f} | {r['engine']['alerts']:,} | "
              f"{'yes' if r['same'] else 'NO'} |")
    if len(rows) >= 2:
        a, b = rows[-2], rows[-1]
        slope = (b["engine"]["seconds"] - a["engine"]["seconds"]) / (b["persons"] - a["persons"]) * 1e6
        ratio = b["engine"]["seconds"] / a["engine"]["seconds"]
        print(f"\nslope {a['persons']:,} → {b['persons']:,}: {slope:.2f} s per 10⁶ persons; "
              f"time ×{ratio:.1f} for size ×{b['persons'] / a['persons']:.0f}")
    for r in rows:
        if "spark" in r:
            print(f"Spark local[2] at {r['persons']:,}: {r['spark']['seconds']:.1f} s, peak RSS (driver) "
                  f"{r['spark']['peak_mb']:,.0f} MB, same alerts as DuckDB: {r['spark_same']}")
        print(f"{r['persons']:,}: hashing the feed files {r['engine']['hash_seconds']:.2f} s; slowest steps "
              f"{r['engine']['slowest']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
