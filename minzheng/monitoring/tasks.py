"""Job kinds of dynamic monitoring; the jobs app imports this module to register them.

The comparison run (数据比对, ``monitoring_comparison_run``) is one job in four phases, each step committed with its
checkpoint (see ``minzheng.jobs.kinds``):

1. ``start``: the ``MonitoringRun`` row is created (status 比对中) and linked to the job;
2. ``snapshot``: the registry snapshot is exported to the lake (``snapshot.export_snapshot``) and its manifest is
   recorded as the run's input;
3. ``rules``: the engine evaluates every rule on the configured backend (duckdb or spark). Its alert rows are
   written to ``{lake}/runs/{run_id}/alerts.json`` (rewritten whole by a repeated step: the same inputs give the
   same rows) and the run records the inputs (snapshot files, feed files with sha256), rule versions and
   parameters the engine reports;
4. ``materialize``: the rows are written back as alerts in batches of ``BATCH_SIZE`` (``alerts.materialize``),
   the checkpoint holding the offset; the last step records the outputs and marks the run 已完成.

A worker killed at any point resumes from the last committed step: a repeated snapshot export only writes an
empty delta, a repeated engine step rewrites the same file, and a repeated batch finds its alerts by their unique
``dedupe_key`` (a step that committed is never repeated; one that did not left nothing behind).
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from minzheng.accounts.permissions import Perm
from minzheng.areas.models import Area
from minzheng.core.errors import ApplicationError
from minzheng.jobs.kinds import JobKind, Step, register_job

RUN_KIND = "monitoring_comparison_run"
BATCH_SIZE = 500
BACKENDS = ("duckdb", "spark")


def rows_path(run_id: str, lake_dir: Path | str | None = None) -> Path:
    root = Path(lake_dir) if lake_dir is not None else Path(settings.MINZHENG_LAKE_DIR)
    return root / "runs" / str(run_id) / "alerts.json"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _write_rows(path: Path, rows: list[dict]) -> str:
    import hashlib
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(rows, ensure_ascii=False, sort_keys=True).encode("utf-8")
    temp = path.with_suffix(".json.tmp")
    temp.write_bytes(body)
    os.replace(temp, path)
    return hashlib.sha256(body).hexdigest()


def _alert_rows(result) -> list[dict]:
    rows = getattr(result, "alerts", None)
    if hasattr(rows, "to_pylist"):  # the engine's pyarrow Table
        rows = rows.to_pylist()
    if rows is None:
        rows = getattr(result, "rows", None)
    if rows is None and isinstance(result, dict):
        rows = result.get("alerts", [])
    out = []
    for row in rows or []:
        item = row if isinstance(row, dict) else (row._asdict() if hasattr(row, "_asdict") else vars(row))
        out.append(_jsonable(dict(item)))
    return sorted(out, key=lambda r: r["dedupe_key"])


def _inputs(result) -> dict:
    inputs = getattr(result, "inputs", None)
    if inputs is None and isinstance(result, dict):
        inputs = result.get("inputs")
    return _jsonable(dict(inputs or {}))


@register_job(RUN_KIND, title="数据比对", perm=Perm.MONITORING_RUN, exclusive=True,
              description="导出户籍与救助数据快照，按预警规则与已入库的各部门数据比对，生成预警任务"
                          "（同一证据不重复预警）。")
class ComparisonRun(JobKind):
    """See the module docstring. All state (phase, run id, offset, running counts) is in the checkpoint."""

    def clean_parameters(self, parameters: dict) -> dict:
        text = str(parameters.get("as_of") or timezone.localdate().isoformat())
        try:
            as_of = dt.date.fromisoformat(text)
        except ValueError as exc:
            raise ApplicationError("monitoring_as_of_invalid", "比对基准日格式不正确", field="as_of") from exc
        if as_of > timezone.localdate():
            raise ApplicationError("monitoring_as_of_invalid", "比对基准日不能晚于今天", field="as_of")
        code = str(parameters.get("area_code") or "")
        area = Area.objects.filter(code=code).first() if code else Area.objects.filter(parent__isnull=True).first()
        if area is None:
            raise ApplicationError("monitoring_area_invalid", "比对范围无效", field="area_code")
        backend = str(parameters.get("backend") or getattr(settings, "MINZHENG_MONITORING_BACKEND", "duckdb"))
        if backend not in BACKENDS:
            raise ApplicationError("monitoring_backend_invalid", "计算引擎应为 duckdb 或 spark", field="backend")
        return {"as_of": as_of.isoformat(), "area_code": area.code, "area_prefix": area.prefix, "backend": backend}

    def step(self, job, checkpoint: Any) -> Step:
        from minzheng.monitoring.enums import MonitoringRunStatus
        from minzheng.monitoring.models import MonitoringRun

        params = job.parameters
        state = checkpoint or {"phase": "start"}
        if state["phase"] == "start":
            run = MonitoringRun.objects.create(
                status=MonitoringRunStatus.RUNNING, backend=params["backend"],
                as_of=dt.date.fromisoformat(params["as_of"]), area_id=params["area_code"],
                started_by=job.started_by, job_id=job.pk)
            return Step(checkpoint={"phase": "snapshot", "run_id": str(run.pk)}, done=0)

        run = MonitoringRun.objects.get(pk=state["run_id"])
        if state["phase"] == "snapshot":
            from minzheng.monitoring.snapshot import export_snapshot

            manifest = export_snapshot()
            run.inputs = {**(run.inputs or {}), "snapshot_export": _jsonable(manifest)}
            run.save(update_fields=["inputs", "updated_at"])
            return Step(checkpoint={**state, "phase": "rules"}, done=0)

        if state["phase"] == "rules":
            from minzheng.monitoring.engine import feed_kinds_read, run_rules
            from minzheng.monitoring.lake import loaded_feed_paths

            # Only files whose load committed: a file renamed into the lake by a load that then failed is not read.
            result = run_rules(as_of=run.as_of, area_prefix=params["area_prefix"], backend=params["backend"],
                               feed_paths={kind: loaded_feed_paths(kind) for kind in feed_kinds_read()})
            rows = _alert_rows(result)
            digest = _write_rows(rows_path(run.pk), rows)
            inputs = _inputs(result)
            run.rule_versions = inputs.pop("rule_versions", None) or _jsonable(
                getattr(result, "rule_versions", None) or {})
            run.parameters = inputs.pop("parameters", None) or _jsonable(getattr(result, "parameters", None) or {})
            run.inputs = {**(run.inputs or {}), **inputs}
            by_rule: dict[str, int] = {}
            for row in rows:
                by_rule[row["rule_code"]] = by_rule.get(row["rule_code"], 0) + 1
            run.outputs = {"rows": len(rows), "rows_sha256": digest, "by_rule": by_rule,
                           "raw_rows": _jsonable(getattr(result, "raw_rows", None) or {}),
                           "timings": {k: round(float(v), 3)
                                       for k, v in (getattr(result, "timings", None) or {}).items()},
                           "rows_file": str(rows_path(run.pk).relative_to(Path(settings.MINZHENG_LAKE_DIR)))}
            run.save(update_fields=["rule_versions", "parameters", "inputs", "outputs", "updated_at"])
            return Step(checkpoint={**state, "phase": "materialize", "offset": 0, "total": len(rows), "new": 0,
                                    "repeated": 0, "skipped": 0}, done=0, total=len(rows))

        # materialize
        from minzheng.monitoring.alerts import materialize

        rows = json.loads(rows_path(run.pk).read_text(encoding="utf-8"))
        offset, total = state["offset"], state["total"]
        batch = rows[offset:offset + BATCH_SIZE]
        done = materialize(run, batch)
        state = {**state, "offset": offset + len(batch), "new": state["new"] + done.new,
                 "repeated": state["repeated"] + done.repeated, "skipped": state["skipped"] + done.skipped}
        if state["offset"] < total:
            return Step(checkpoint=state, done=state["offset"], total=total)
        run.refresh_from_db()
        run.outputs = {**(run.outputs or {}), "alerts_new": state["new"], "alerts_repeated": state["repeated"],
                       "skipped": state["skipped"]}
        run.status = MonitoringRunStatus.SUCCEEDED
        run.finished_at = timezone.now()
        run.save(update_fields=["outputs", "status", "finished_at", "updated_at"])
        return Step.finish(result={"run_id": str(run.pk), "rows": total, "alerts_new": state["new"],
                                   "alerts_repeated": state["repeated"], "skipped": state["skipped"]},
                           checkpoint=state, done=total, total=total)

    def parameter_rows(self, parameters: dict) -> list[tuple[str, Any]]:
        area = Area.objects.filter(code=parameters.get("area_code")).first()
        return [("比对基准日", parameters.get("as_of")),
                ("比对范围", area.name if area else parameters.get("area_code")),
                ("计算引擎", parameters.get("backend"))]

    def result_rows(self, result: dict) -> list[tuple[str, Any]]:
        return [("预警行数", result.get("rows", 0)), ("新增预警", result.get("alerts_new", 0)),
                ("再次发现（不重复预警）", result.get("alerts_repeated", 0)),
                ("户籍中无此人（未预警）", result.get("skipped", 0))]


def run_comparison_sync(*, acting_user, as_of: dt.date | None = None, area_code: str | None = None,
                        backend: str | None = None):
    """Enqueue a comparison run and run it in this process through the job runner (demo, tests): the same steps,
    transactions and checkpoints as the worker's. Returns the finished ``MonitoringRun``."""
    import uuid

    from minzheng.jobs.actions import job_enqueue
    from minzheng.jobs.enums import JobState
    from minzheng.jobs.models import Job
    from minzheng.jobs.runner import Claim, Outcome, run_claimed
    from minzheng.monitoring.models import MonitoringRun

    parameters = {"as_of": (as_of or timezone.localdate()).isoformat(),
                  "area_code": area_code or acting_user.area_id}
    if backend:
        parameters["backend"] = backend
    job = job_enqueue(acting_user=acting_user, kind=RUN_KIND, parameters=parameters)
    token = uuid.uuid4().hex
    now = timezone.now()
    Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
        state=JobState.RUNNING, claim_token=token, worker="inline", heartbeat_at=now, started_at=now)
    job = Job.objects.select_related("started_by").get(pk=job.pk)
    outcome = run_claimed(Claim(job=job, token=token, recovered=False))
    job.refresh_from_db()
    if outcome != Outcome.SUCCEEDED:
        raise RuntimeError(f"comparison run ended {outcome}: {job.error}")
    return MonitoringRun.objects.get(job=job)


# The job kinds of department feeds (loading a large file as a job) live in ``tasks_feeds``; the jobs app imports
# only this module, so it imports that one when it exists.
try:
    import_module("minzheng.monitoring.tasks_feeds")
except ModuleNotFoundError as exc:
    if exc.name != "minzheng.monitoring.tasks_feeds":
        raise
