"""Benchmark: feed ingestion (issue: 10⁷ feed rows validated, pseudonymized and written in ≤ 60 s on 2 cores).

A deterministic 医保·住院费用结算 (``medical_bill``) feed is generated: ``--rows`` rows (default 10,000,000) over
``--persons`` distinct people (default 1,000,000), with an ID number, a Chinese name, a settlement date, two
amounts in 元 and a hospital; 0.1 % of the rows carry an ID number with a wrong check digit and 0.05 % the date
2023-02-29, so the quarantine path is exercised too. It is written once as CSV (UTF-8, Chinese headers) and once
as Parquet, and each is loaded with ``monitoring.feeds.feed_ingest`` into an empty lake: read, header check,
every row validated (ID checksum and birth date, dates, amounts), the blind index of every distinct ID number,
duplicate detection, quarantine rows written encrypted, one Parquet file written atomically and the FeedFile
committed. The size limit (100 MB in production, where ten million rows arrive as several files) is raised
for the run.

A third run loads a later file of a tenth of the rows into the lake that already holds the ten million (the
first 10 % of its rows repeat rows of the big file): duplicate detection then reads the lake's key columns.

Baseline, measured in the same run: a row-by-row Python loop over ``--baseline-rows`` rows of the same CSV
(``csv.reader``, ``parse_id_number``, ``crypto.blind_index`` per row, ``date.fromisoformat``, ``yuan_to_fen``,
then ``pyarrow.Table.from_pylist`` and one Parquet write), extrapolated linearly to ``--rows``.

    python benchmarks/ingest.py [--rows 10000000] [--persons 1000000] [--baseline-rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.csv as pcsv  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

SEED = 20261129
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国志强")
HOSPITALS = [f"{name}医院" for name in ("县人民", "县中医", "市第一人民", "市第二人民", "省立", "镇卫生院", "妇幼保健",
                                        "市中心", "县第二人民", "市传染病")]
HEADERS = ["身份证号码", "姓名", "结算日期", "医疗总费用（元）", "个人自付金额（元）", "医疗机构"]
_WEIGHTS = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(rows: int, persons: int, *, seed: int = SEED) -> pa.Table:
    """The feed as a table of text columns (what a department exports), deterministic for a given size."""
    rng = np.random.default_rng(SEED)
    born = np.datetime64("1930-01-01") + rng.integers(0, 80 * 365, persons).astype("timedelta64[D]")
    dates = np.char.replace(np.datetime_as_string(born, unit="D"), "-", "")
    sequence = np.char.zfill((np.arange(persons) % 1000).astype(str), 3)
    bodies = np.char.add(np.char.add("340471", dates), sequence)
    matrix = np.frombuffer(bodies.astype("S17").tobytes(), dtype=np.uint8).reshape(-1, 17).astype(np.int64) - 48
    checks = np.frombuffer(b"10X98765432", dtype=np.uint8)[(matrix @ _WEIGHTS) % 11]
    wrong = np.frombuffer(b"01234567890", dtype=np.uint8)[(matrix @ _WEIGHTS) % 11]  # never the right one
    ids = pa.array(np.char.add(bodies, checks.view("S1").astype(str)).tolist(), pa.string())
    bad_ids = pa.array(np.char.add(bodies, wrong.view("S1").astype(str)).tolist(), pa.string())
    names = pa.array([SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 13) % len(GIVEN)]
                      for i in range(persons)], pa.string())

    rng = np.random.default_rng(seed)  # the same persons for every seed; rows differ
    who = pa.array(rng.integers(0, persons, rows))
    bad_id = pa.array(rng.random(rows) < 0.001)
    id_column = pc.if_else(bad_id, bad_ids.take(who), ids.take(who))
    day_strings = pa.array([str(dt.date(2024, 1, 1) + dt.timedelta(days=i)) for i in range(731)] + ["2023-02-29"])
    day = rng.integers(0, 731, rows)
    day[rng.random(rows) < 0.0005] = 731
    total = rng.integers(50_000, 5_000_000, rows)
    own = total * rng.integers(5, 60, rows) // 100

    def yuan(fen: np.ndarray) -> pa.Array:
        return pc.binary_join_element_wise(pc.cast(pa.array(fen // 100), pa.string()),
                                           pc.utf8_lpad(pc.cast(pa.array(fen % 100), pa.string()), 2, "0"), ".")

    hospitals = pa.array(HOSPITALS).take(pa.array(rng.integers(0, len(HOSPITALS), rows)))
    return pa.table([id_column, names.take(who), day_strings.take(pa.array(day)), yuan(total), yuan(own), hospitals],
                    names=HEADERS)


def _setup(directory: Path, *, migrate: bool) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.django.test"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if migrate:
        call_command("migrate", verbosity=0, interactive=False)
    settings.MINZHENG_LAKE_DIR = directory / "lake"
    settings.MINZHENG_FEED_MAX_BYTES = 1 << 40


def _admin():
    from minzheng.accounts.enums import Role
    from minzheng.accounts.models import User
    from minzheng.testing import factories

    user = User.objects.filter(username="bench_admin").first()
    if user is None:
        factories.make_areas()
        user = factories.make_user(Role.DISTRICT_ADMIN, factories.DISTRICT, username="bench_admin")
    return user


def child(directory: Path, path: Path, *, fresh: bool = True) -> int:
    """One ingestion in its own process (so peak RSS is the ingestion's), printing a JSON line."""
    import json

    _setup(directory, migrate=False)
    from minzheng.monitoring import feeds, lake
    from minzheng.monitoring.models import FeedFile

    user = _admin()
    if fresh:
        FeedFile.objects.all().delete()
        shutil.rmtree(lake.lake_root(), ignore_errors=True)
    content = path.read_bytes()
    base_rss = _rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    feed_file = feeds.feed_ingest(acting_user=user, kind_code="medical_bill", filename=path.name, content=content)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert feed_file.status == "loaded", feed_file.refused_reason
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": feed_file.rows_total, "loaded": feed_file.rows_loaded,
                      "quarantined": feed_file.rows_quarantined, "duplicate": feed_file.rows_duplicate,
                      "input_mb": len(content) / 1e6, "peak_rss_mb": _rss_mb(), "before_rss_mb": base_rss,
                      "lake_mb": lake.absolute(feed_file.lake_paths[0]).stat().st_size / 1e6}))
    return 0


def measure(directory: Path, label: str, path: Path, *, fresh: bool = True) -> dict:
    import json
    import subprocess

    output = subprocess.run([sys.executable, __file__, "--child", str(directory), str(path),
                             *([] if fresh else ["--keep"])], check=True,
                            capture_output=True, text=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["what"] = label
    print(f"{label:<26} {result['seconds']:7.1f} s (CPU {result['cpu']:.1f} s) "
          f"{result['rows'] / result['seconds']:>11,.0f} rows/s; loaded {result['loaded']:,}, quarantined "
          f"{result['quarantined']:,}, duplicate {result['duplicate']:,}; input {result['input_mb']:,.0f} MB → lake "
          f"{result['lake_mb']:,.0f} MB; peak RSS {result['peak_rss_mb']:,.0f} MB", flush=True)
    return result


def baseline(content: bytes, rows: int, directory: Path) -> tuple[float, float]:
    """Row by row in Python: the obvious loop, per-row blind index, no vectorization (wall and CPU seconds)."""
    from minzheng.core import crypto
    from minzheng.core.errors import ApplicationError
    from minzheng.core.identifiers import IdNumberError, parse_id_number
    from minzheng.core.money import yuan_to_fen

    started, cpu = time.perf_counter(), time.process_time()
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    next(reader)
    good, bad = [], 0
    for number, row in enumerate(reader, start=2):
        if number - 1 > rows:
            break
        try:
            info = parse_id_number(row[0])
            settled = dt.date.fromisoformat(row[2])
            record = {"row_number": number, "person_key": crypto.blind_index(info.number, purpose="id_number"),
                      "name": row[1], "birth_date": info.birth_date, "event_date": settled,
                      "total_amount": yuan_to_fen(row[3]), "out_of_pocket_amount": yuan_to_fen(row[4]),
                      "hospital": row[5]}
        except (IdNumberError, ApplicationError, ValueError):
            bad += 1
            continue
        good.append(record)
    pq.write_table(pa.Table.from_pylist(good), directory / "baseline.parquet")
    return time.perf_counter() - started, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child(Path(sys.argv[2]), Path(sys.argv[3]), fresh="--keep" not in sys.argv)
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    persons = min(args.persons, args.rows)

    directory = Path(tempfile.mkdtemp(prefix="mz-bench-ingest-"))
    try:
        _setup(directory, migrate=True)
        _admin()
        print(f"generating {args.rows:,} rows over {persons:,} persons …", flush=True)
        table = generate(args.rows, persons)
        csv_path, parquet_path = directory / "medical.csv", directory / "medical.parquet"
        pcsv.write_csv(table, csv_path)
        pq.write_table(table, parquet_path)
        # A later, smaller file: a tenth of the rows, the first 10 % of them already sent in the big file.
        increment_rows = max(args.rows // 10, 1)
        overlap = increment_rows // 10
        increment = pa.concat_tables([table.slice(0, overlap),
                                      generate(increment_rows - overlap, persons, seed=SEED + 1)])
        increment_path = directory / "medical-increment.csv"
        pcsv.write_csv(increment, increment_path)
        del table, increment

        results = [measure(directory, f"CSV, {args.rows:,} rows", csv_path),
                   measure(directory, f"Parquet, {args.rows:,} rows", parquet_path)]
        measure(directory, f"CSV, {increment_rows:,} more rows", increment_path, fresh=False)
        base_rows = min(args.baseline_rows, args.rows)
        seconds, cpu = baseline(csv_path.read_bytes(), base_rows, directory)
        extrapolated, extrapolated_cpu = seconds * args.rows / base_rows, cpu * args.rows / base_rows
        print(f"{'baseline row loop':<26} {seconds:7.1f} s (CPU {cpu:.1f} s) for {base_rows:,} rows "
              f"({base_rows / seconds:,.0f} rows/s) → {extrapolated:,.0f} s (CPU {extrapolated_cpu:,.0f} s) "
              f"extrapolated to {args.rows:,}", flush=True)
        for result in results:
            verdict = "met" if result["seconds"] <= 60 else "NOT met"
            print(f"{result['what']}: ×{extrapolated / result['seconds']:.1f} wall, "
                  f"×{extrapolated_cpu / result['cpu']:.1f} CPU against the baseline; "
                  f"target ≤ 60 s for 10⁷ rows: {verdict if args.rows >= 10_000_000 else 'n/a (smaller run)'}")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
