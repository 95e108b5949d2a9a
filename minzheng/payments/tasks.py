"""The payroll generation job; the jobs app imports this module to register it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from minzheng.accounts.permissions import Perm
from minzheng.core.errors import ApplicationError
from minzheng.core.money import format_fen
from minzheng.jobs.kinds import JobKind, Step, register_job
from minzheng.payments.enums import RunStatus
from minzheng.payments.models import PayrollLine, PayrollRun
from minzheng.payments.payroll import (
    compute_batch,
    configured_batch_size,
    finish_generation,
    insert_lines,
    ledger_start,
    run_parameters,
)
from minzheng.payments.programs import get_program, program_label

GENERATE_KIND = "payments_payroll_generate"


@register_job(GENERATE_KIND, title="生成发放名册", perm=Perm.PAYROLL_PREPARE,
              description="按救助对象的享受情况计算本月应发、补发和扣减，核查领款人（死亡、互斥项目、百岁老人复核、"
                          "发放账户），生成发放名册草稿。")
class PayrollGenerate(JobKind):
    """Sources in batches ordered by key. The first step clears what an earlier generation of the run left;
    every step inserts its batch's lines in the step's transaction; the last step flags exclusive programs and
    totals the run. The checkpoint holds the cursor, the ledger start and the parameters read at the start."""

    def clean_parameters(self, parameters: dict) -> dict:
        run_id = str(parameters.get("run_id") or "")
        if not PayrollRun.objects.filter(pk=run_id).exists():
            raise ApplicationError("payments_run_missing", "发放名册不存在。")
        return {"run_id": run_id}

    def exclusive_key(self, parameters: dict) -> str | None:
        return f"payroll:{parameters['run_id']}"

    def prepare(self, job, checkpoint: Any) -> dict:
        """Everything a step reads and computes, before its transaction: the starting checkpoint of a new
        generation and the next batch's lines."""
        run = PayrollRun.objects.select_related("area").get(pk=job.parameters["run_id"])
        if checkpoint is None:
            program = get_program(run.program)
            count = getattr(program, "count_sources", None)
            checkpoint = {"after": None, "done": 0,
                          "total": count(area_prefix=run.area.prefix, period=run.period) if count else None,
                          "window_start": ledger_start(run.program, run.period).isoformat(),
                          "parameters": run_parameters(run)}
        size = configured_batch_size()
        lines, after, read = compute_batch(run, after=checkpoint["after"], batch_size=size,
                                           window_start=dt.date.fromisoformat(checkpoint["window_start"]),
                                           parameters=checkpoint["parameters"])
        return {"checkpoint": checkpoint, "lines": lines, "after": after, "read": read, "size": size}

    def step(self, job, checkpoint: Any, prepared: dict | None = None) -> Step:
        prepared = prepared or self.prepare(job, checkpoint)
        run = PayrollRun.objects.select_related("area").get(pk=job.parameters["run_id"])
        if run.status != RunStatus.GENERATING:
            raise ApplicationError("payments_run_not_generating", "发放名册不在生成状态，无法生成。")
        if checkpoint is None:
            PayrollLine.objects.filter(run=run).delete()  # what an earlier generation of this run left
        insert_lines(run, prepared["lines"])
        read = prepared["read"]
        done = prepared["checkpoint"]["done"] + read
        state = {**prepared["checkpoint"], "after": prepared["after"], "done": done}
        total = max(state["total"] or 0, done) or None
        if read < prepared["size"]:
            return Step.finish(result=finish_generation(run), checkpoint=None, done=done, total=total or done)
        return Step(checkpoint=state, done=done, total=total)

    def parameter_rows(self, parameters: dict) -> list[tuple[str, Any]]:
        run = PayrollRun.objects.filter(pk=parameters.get("run_id")).select_related("area").first()
        if run is None:
            return [("发放名册", "已删除")]
        return [("救助项目", program_label(run.program)), ("发放范围", run.area.name),
                ("发放月份", f"{run.period:%Y年%m月}")]

    def result_rows(self, result: dict) -> list[tuple[str, Any]]:
        result = result or {}
        return [("名册人数", result.get("lines", 0)), ("应发金额", format_fen(result.get("payable_fen", 0))),
                ("暂缓发放（待核实）", result.get("held", 0)),
                ("其中同时享受互斥项目", result.get("held_exclusive", 0))]
