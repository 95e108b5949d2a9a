"""Job kinds that exist only for the tests. Imported by the test modules, and by the worker subprocesses of the
kill-and-resume test through ``MINZHENG_JOB_MODULES`` (see ``worker_settings``)."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from minzheng.accounts.permissions import Perm
from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError
from minzheng.jobs.kinds import JobKind, Step, register_job
from minzheng.jobs.models import Job

ITEM_ACTION = "jobs.test_item"
ITEM_TYPE = "jobs.testitem"


@register_job("jobs_test_items", title="测试：逐项记账", perm=Perm.REGISTRY_MAINTAIN)
class ItemLedger(JobKind):
    """Writes one ``audit.Event`` per item (``object_id`` = the item number, ``note`` = the run's label), so that
    an item done twice shows as a duplicate row and an item lost as a gap. The checkpoint carries a running sum
    and a hash chain over the items in order: the result differs if any step was applied twice or skipped.

    Parameters: ``items``, ``batch`` (items per step), ``delay`` (seconds per item, to give a kill something to
    interrupt), ``label``, ``fail_at`` (an item number that raises).
    """

    def clean_parameters(self, parameters: dict) -> dict:
        return {"items": int(parameters.get("items", 10)), "batch": int(parameters.get("batch", 3)),
                "delay": float(parameters.get("delay", 0)), "label": str(parameters.get("label", "run")),
                "fail_at": parameters.get("fail_at")}

    def step(self, job: Job, checkpoint: Any) -> Step:
        p = job.parameters
        state = checkpoint or {"next": 1, "sum": 0, "digest": ""}
        first = state["next"]
        last = min(first + p["batch"] - 1, p["items"])
        total, digest = state["sum"], state["digest"]
        for item in range(first, last + 1):
            if p["delay"]:
                time.sleep(p["delay"])
            if item == p["fail_at"]:
                raise ApplicationError("test_item_failed", f"第{item}项处理失败")
            Event.objects.create(action=ITEM_ACTION, object_type=ITEM_TYPE, object_id=str(item), note=p["label"])
            total += item
            digest = hashlib.sha256(f"{digest}:{item}".encode()).hexdigest()
        state = {"next": last + 1, "sum": total, "digest": digest}
        if last >= p["items"]:
            return Step.finish(result={"items": p["items"], "sum": total, "digest": digest}, checkpoint=state,
                               done=last, total=p["items"])
        return Step(checkpoint=state, done=last, total=p["items"])


@register_job("jobs_test_countdown", title="测试：倒数", perm=Perm.REGISTRY_MAINTAIN)
def countdown(job: Job, checkpoint: Any) -> Step:
    """The function form: counts down from ``start`` one number per step."""
    left = job.parameters.get("start", 3) if checkpoint is None else checkpoint["left"]
    left -= 1
    done = job.parameters.get("start", 3) - left
    if left <= 0:
        return Step.finish(result={"counted": done}, checkpoint={"left": 0}, done=done, total=done)
    return Step(checkpoint={"left": left}, done=done, total=job.parameters.get("start", 3))


@register_job("jobs_test_stolen", title="测试：被接管", perm=Perm.REGISTRY_MAINTAIN)
def stolen(job: Job, checkpoint: Any) -> Step:
    """Writes one item, then lets another worker take the job before the step commits (as a worker presumed
    dead would find on waking)."""
    Event.objects.create(action=ITEM_ACTION, object_type=ITEM_TYPE, object_id="1", note="stolen")
    Job.objects.filter(pk=job.pk).update(claim_token="another-worker")
    return Step(checkpoint={"next": 2}, done=1, total=2)


@register_job("jobs_test_no_checkpoint", title="测试：缺少检查点", perm=Perm.REGISTRY_MAINTAIN)
def no_checkpoint(job: Job, checkpoint: Any) -> Step:
    """A faulty kind: it reports progress without a checkpoint to resume from."""
    Event.objects.create(action=ITEM_ACTION, object_type=ITEM_TYPE, object_id="1", note="no-checkpoint")
    return Step(checkpoint=None, done=1, total=2)


@register_job("jobs_test_exclusive", title="测试：同时只运行一个", perm=Perm.REGISTRY_MAINTAIN, exclusive=True)
def exclusive(job: Job, checkpoint: Any) -> Step:
    """Finishes at once; only one may be queued or running at a time."""
    return Step.finish(result={}, done=0)
