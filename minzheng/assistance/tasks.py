"""Job kinds of social assistance; the jobs app imports this module to register them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from minzheng.accounts.permissions import Perm
from minzheng.assistance.simulation import (
    BATCH_SIZE,
    Simulator,
    case_households,
    clean_simulation_parameters,
    empty_aggregates,
)
from minzheng.core.money import format_fen
from minzheng.jobs.kinds import JobKind, Step, register_job
from minzheng.policy.selectors import load_snapshot

SIMULATION_KIND = "assistance_policy_simulation"


@register_job(SIMULATION_KIND, title="政策模拟", perm=Perm.ASSISTANCE_SIMULATE,
              description="按“从某日起将某参数调整为某值”重新认定辖区内全部在保家庭和在办申请，"
                          "统计新增、退出、金额变化的家庭及各乡镇月支出变化，不修改任何数据。")
class PolicySimulation(JobKind):
    """Households in batches ordered by id; the checkpoint holds the last household id, the partial aggregates
    and the change list so far. Nothing is written but the job row, so a repeated step only repeats a read."""

    def clean_parameters(self, parameters: dict) -> dict:
        return clean_simulation_parameters(parameters)

    def step(self, job, checkpoint: Any) -> Step:
        params = job.parameters
        households = case_households(params["area_prefix"])
        state = checkpoint or {"after": None, "total": households.count(), "aggregates": empty_aggregates(),
                               "changes": []}
        todo = households.filter(pk__gt=state["after"]) if state["after"] else households
        batch = list(todo[:BATCH_SIZE])
        on = dt.date.fromisoformat(params["effective_on"])
        simulator = Simulator(snapshot=load_snapshot(on=on), overrides={params["code"]: params["value"]})
        aggregates, changes = state["aggregates"], state["changes"]
        simulator.run_batch(batch, area_prefix=params["area_prefix"], aggregates=aggregates, changes=changes)
        done = aggregates["households"]
        state = {**state, "after": str(batch[-1]) if batch else state["after"],
                 "total": max(state["total"], done)}
        if len(batch) < BATCH_SIZE:
            return Step.finish(result={"aggregates": aggregates, "changes": changes}, checkpoint=None, done=done,
                               total=state["total"])
        return Step(checkpoint=state, done=done, total=state["total"])

    def parameter_rows(self, parameters: dict) -> list[tuple[str, Any]]:
        return [("参数", parameters.get("code")), ("模拟值", parameters.get("value")),
                ("生效日期", parameters.get("effective_on")), ("区划范围", parameters.get("area_prefix") or "全部")]

    def result_rows(self, result: dict) -> list[tuple[str, Any]]:
        aggregates = (result or {}).get("aggregates") or {}
        before, after = aggregates.get("before_fen", 0), aggregates.get("after_fen", 0)
        return [("模拟家庭数", aggregates.get("households", 0)), ("有变化的家庭数", len(result.get("changes") or [])),
                ("月支出（调整前）", format_fen(before)), ("月支出（调整后）", format_fen(after)),
                ("月支出变化", format_fen(after - before))]
