"""Built-in job kinds. Domain apps register theirs in their own ``tasks.py``; see ``minzheng.jobs.kinds``."""

from __future__ import annotations

from typing import Any

from minzheng.accounts.permissions import Perm
from minzheng.jobs.errors import JobErrorCode, job_error
from minzheng.jobs.kinds import JobKind, Step, register_job
from minzheng.registry.models import Person

MAX_BATCH = 5_000


@register_job("registry_pinyin_reindex", title="重建人员拼音检索键", perm=Perm.REGISTRY_MAINTAIN, exclusive=True,
              description="逐批重算每位人员姓名的拼音检索键（全拼与首字母），拼音字库升级或批量导入后使用。")
class RegistryPinyinReindex(JobKind):
    """Recompute ``Person.search_pinyin`` in batches of persons ordered by id; the checkpoint is the last id.

    Idempotent: a key is written only where it differs from the one computed now. The key is derived data,
    not a change to the person, so the job writes one event (the job's own) rather than one per person.
    """

    default_parameters = {"batch_size": 500}

    def clean_parameters(self, parameters: dict) -> dict:
        raw = parameters.get("batch_size", self.default_parameters["batch_size"])
        try:
            size = int(raw)
        except (TypeError, ValueError):
            size = 0
        if not 1 <= size <= MAX_BATCH:
            raise job_error(JobErrorCode.PARAMETER_INVALID, f"每批人数应为1至{MAX_BATCH}之间的整数",
                            field="batch_size")
        return {"batch_size": size}

    def step(self, job, checkpoint: Any) -> Step:
        # pypinyin reads its dictionaries on import (most of a second); a worker imports every kind at start,
        # so the import waits until a reindex actually runs.
        from minzheng.registry.pinyin import name_search_key

        state = checkpoint or {"after": None, "checked": 0, "changed": 0, "total": Person.objects.count()}
        size = job.parameters["batch_size"]
        todo = Person.objects.order_by("pk")
        if state["after"]:
            todo = todo.filter(pk__gt=state["after"])
        batch = list(todo.values_list("pk", "name", "search_pinyin")[:size])
        stale = [Person(pk=pk, search_pinyin=key) for pk, name, old in batch if (key := name_search_key(name)) != old]
        if stale:
            Person.objects.bulk_update(stale, ["search_pinyin"])
        state = {
            "after": str(batch[-1][0]) if batch else state["after"],
            "checked": state["checked"] + len(batch),
            "changed": state["changed"] + len(stale),
            "total": max(state["total"], state["checked"] + len(batch)),
        }
        if len(batch) < size:
            return Step.finish(result={"checked": state["checked"], "changed": state["changed"]}, checkpoint=state,
                               done=state["checked"], total=state["total"])
        return Step(checkpoint=state, done=state["checked"], total=state["total"])

    def parameter_rows(self, parameters: dict) -> list[tuple[str, Any]]:
        return [("每批人数", parameters.get("batch_size"))]

    def result_rows(self, result: dict) -> list[tuple[str, Any]]:
        return [("检查人数", result.get("checked")), ("更新检索键人数", result.get("changed"))]
