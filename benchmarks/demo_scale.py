"""Benchmark: generating the demo district at scale (issue: 1,000,000 persons in under 10 minutes on SQLite
and on PostgreSQL). The baseline, measured in the same run and at the same size, is the same generator
loading through Django's ``bulk_create``; the ratio is baseline time divided by ours. Then the full size
is generated with our loader against the ten-minute target.

    python benchmarks/demo_scale.py --persons 1000000 --baseline-persons 100000 [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"

CHILD = r"""
import json, os, sys, time, resource
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from minzheng.demo.generator import generate_demo
from minzheng.registry.models import Person
mode, persons = sys.argv[1], int(sys.argv[2])
insert = {}
if mode == "baseline":
    insert = {"insert": lambda model, objs: model.objects.bulk_create(objs, batch_size=2000)}
started = time.perf_counter()
summary = generate_demo(seed=2025, persons=persons, with_users=False, **insert)
elapsed = time.perf_counter() - started
assert Person.objects.count() == persons
print(json.dumps({"seconds": elapsed, "persons": persons, "households": summary.households,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _database(backend: str, tag: str) -> tuple[str, callable]:
    if backend == "sqlite":
        directory = tempfile.mkdtemp(prefix="mz-bench-")
        path = Path(directory) / f"{tag}.sqlite3"
        return f"sqlite:///{path}", lambda: [p.unlink(missing_ok=True) for p in Path(directory).glob("*")]
    import psycopg

    name = f"mz_bench_{tag}_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return f"postgres://postgres@127.0.0.1:5432/{name}", drop


def measure(backend: str, mode: str, persons: int) -> dict:
    url, cleanup = _database(backend, mode)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.django.local"}
    try:
        out = subprocess.run([sys.executable, "-c", CHILD, mode, str(persons)], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout
    finally:
        cleanup()
    result = json.loads(out.strip().splitlines()[-1])
    result.update(backend=backend, mode=mode, per_second=persons / result["seconds"])
    return result


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--baseline-persons", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    rows = []
    for backend in args.backends.split(","):
        baseline = measure(backend, "baseline", args.baseline_persons)
        same_size = measure(backend, "ours", args.baseline_persons)
        ratio = baseline["seconds"] / same_size["seconds"]
        full = measure(backend, "ours", args.persons)
        rows.append({"backend": backend, "baseline": baseline, "same_size": same_size, "full": full,
                     "speedup": ratio})
        print(f"{backend:<11} at {args.baseline_persons:,}: bulk_create {baseline['seconds']:.1f} s, "
              f"ours {same_size['seconds']:.1f} s (×{ratio:.2f}) | at {full['persons']:,}: "
              f"{full['seconds']:.1f} s ({full['per_second']:,.0f}/s, peak {full['peak_rss_mb']:.0f} MB) | "
              f"target ≤ 600 s: {'met' if full['seconds'] <= 600 else 'MISSED'}", flush=True)
    return rows


if __name__ == "__main__":
    main()
