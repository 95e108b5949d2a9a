"""`make bench`: run the benchmarks and print their figures (they are copied into docs/benchmarks.md).

    python benchmarks/run.py                 all benchmarks at their documented sizes
    python benchmarks/run.py --quick         small sizes, to check the harness works

Each benchmark measures its baseline in the same run and reports a ratio, never a bare time alone.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    runs = [
        ["demo_scale.py", *(["--persons", "20000", "--baseline-persons", "5000"] if args.quick else [])],
    ]
    if (HERE / "determination.py").exists():
        runs.append(["determination.py", *(["--households", "5000"] if args.quick else [])])
    if (HERE / "monitoring.py").exists():
        runs.append(["monitoring.py", *(["--quick"] if args.quick else [])])
    if (HERE / "payroll.py").exists():
        quick = ["--enrollments", "5000", "--baseline-enrollments", "1000"]
        runs.append(["payroll.py", *(quick if args.quick else [])])
    status = 0
    for script, *rest in runs:
        print(f"\n=== {script} {' '.join(rest)}", flush=True)
        status |= subprocess.call([sys.executable, str(HERE / script), *rest], cwd=HERE.parent)
    return status


if __name__ == "__main__":
    sys.exit(main())
