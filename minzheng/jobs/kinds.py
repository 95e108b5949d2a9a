"""Job kinds: long work split into steps, each committed together with its checkpoint.

This is the pattern every long-running operation follows (payroll generation, policy simulation, monitoring
runs, bulk imports). A kind is registered in code, usually in its app's ``tasks.py``::

    from minzheng.jobs.kinds import JobKind, Step, register_job

    @register_job("payments_payroll_generate", title="生成发放名册", perm=Perm.PAYROLL_GENERATE, exclusive=True)
    class PayrollGenerate(JobKind):
        def clean_parameters(self, parameters):
            return {"period": parse_period(parameters["period"])}      # raise ApplicationError when invalid

        def exclusive_key(self, parameters):
            return f"payroll:{parameters['period']}"                    # one active run per period

        def step(self, job, checkpoint):
            state = checkpoint or {"after": None, "paid": 0, "total": enrollments().count()}
            todo = enrollments().order_by("pk")
            if state["after"]:
                todo = todo.filter(pk__gt=state["after"])
            batch = list(todo[:500])
            for enrollment in batch:
                Payment.objects.create(enrollment=enrollment, period=job.parameters["period"], ...)
            state = {**state, "after": str(batch[-1].pk) if batch else state["after"],
                     "paid": state["paid"] + len(batch)}
            if len(batch) < 500:
                return Step.finish(result={"paid": state["paid"]}, checkpoint=state, done=state["paid"],
                                   total=state["total"])
            return Step(checkpoint=state, done=state["paid"], total=state["total"])

A function works too: ``@register_job("kind", title=..., perm=...)`` on ``def step(job, checkpoint) -> Step``.

The worker calls ``step(job, checkpoint)`` again and again until a step returns ``Step.finish(...)``. What
makes a killed worker (``kill -9``) lose nothing and do nothing twice:

1. **One transaction per step.** The runner opens ``transaction.atomic()``, calls the step, and in the same
   transaction writes the returned checkpoint and progress onto the job row. A crash keeps both or neither:
   a resumed worker starts from the last committed checkpoint and redoes exactly the uncommitted step.
2. **All state in the checkpoint.** Cursors ("last id done"), running totals and anything the result needs
   live in the checkpoint (JSON), never in attributes or globals. The runner hands every step the checkpoint
   as read back from JSON, so an uninterrupted run sees exactly what a resumed one would.
3. **Database work only.** A step writes through the default database connection. Files, HTTP calls and
   messages are not rolled back: make them idempotent and keyed by job and checkpoint (write the file of
   batch N under a name containing N), or produce them in a last step from committed rows.
4. **Short steps.** A step should take well under a second (batches of a few hundred rows): cancellation
   and graceful shutdown wait for the current step, and on SQLite a step holds the write lock.
5. **Constraints still guard money.** The claim token stops a replaced worker from committing, and unique
   constraints (one payment per enrollment and period) stay the last line of defence (DESIGN rule 10).
6. **Errors.** An exception fails the job and rolls back only the failing step; an ``ApplicationError``'s
   Chinese message is shown to the user as it is. Database outages are not failures: the job is handed back
   and resumed.

A kind may also define ``prepare(job, checkpoint)``: the runner calls it before the step's transaction and
passes what it returns to ``step(job, checkpoint, prepared)``. It must only read (its result is thrown away if the
step fails or the worker dies, and computed again on resume); the step then does just the writes, which on SQLite
is all the time the write lock is held. The payroll generation computes a batch's lines in ``prepare``.

``parameters`` are validated once, when the job is enqueued (``clean_parameters``), and are read-only after;
so is the ``job`` a step receives. A step may call its domain's actions: their event rows commit or vanish
with the step. To start a job, an action or view calls ``minzheng.jobs.actions.job_enqueue(acting_user=...,
kind=..., parameters=...)`` (the worker sees it once that transaction commits) and links to
``jobs:job_detail``, where a progress bar follows it; ``minzheng job-start KIND --user NAME --wait`` does the same
from a terminal.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from minzheng.accounts.permissions import Perm
from minzheng.jobs import conf

if TYPE_CHECKING:
    from minzheng.jobs.models import Job


@dataclass(frozen=True)
class Step:
    """What one step did: the checkpoint to resume from, progress, and (on the last step) the result."""

    checkpoint: Any
    done: int
    total: int | None = None
    finished: bool = False
    result: dict | None = None

    @classmethod
    def finish(cls, *, result: dict, checkpoint: Any = None, done: int, total: int | None = None) -> Step:
        return cls(checkpoint=checkpoint, done=done, total=total, finished=True, result=result)


class JobKind:
    """Base of job kinds. Subclasses implement ``step`` and may override the other hooks."""

    name: str = ""
    title: str = ""
    description: str = ""
    perm: Perm
    exclusive: bool = False
    # The parameters a job started from the jobs page gets (staff start jobs with one button).
    default_parameters: dict = {}

    def clean_parameters(self, parameters: dict) -> dict:
        return dict(parameters)

    def exclusive_key(self, parameters: dict) -> str | None:
        return self.name if self.exclusive else None

    def step(self, job: Job, checkpoint: Any) -> Step:
        raise NotImplementedError

    def parameter_rows(self, parameters: dict) -> list[tuple[str, Any]]:
        """Labelled parameters for the job page."""
        return [(str(key), value) for key, value in (parameters or {}).items()]

    def result_rows(self, result: dict) -> list[tuple[str, Any]]:
        """Labelled results for the job page."""
        return [(str(key), value) for key, value in (result or {}).items()]


class _FunctionKind(JobKind):
    def __init__(self, function: Callable[[Job, Any], Step]) -> None:
        self._function = function
        self.__module__ = function.__module__
        self.__qualname__ = function.__qualname__

    def step(self, job: Job, checkpoint: Any) -> Step:
        return self._function(job, checkpoint)


_KINDS: dict[str, JobKind] = {}


def register_job(name: str, *, title: str, perm: Perm, description: str = "", exclusive: bool | None = None):
    """Register a job kind under ``name``: a ``JobKind`` subclass, or a function ``step(job, checkpoint)``."""

    def decorator(target):
        spec = target() if isinstance(target, type) else _FunctionKind(target)
        spec.name, spec.title, spec.perm = name, title, perm
        if exclusive is not None:
            spec.exclusive = exclusive
        spec.description = description or spec.description
        origin = f"{target.__module__}.{target.__qualname__}"
        known = _KINDS.get(name)
        if known is not None and getattr(known, "_origin", None) != origin:
            raise ImproperlyConfigured(f"job kind {name!r} is registered twice ({known._origin}, {origin})")
        spec._origin = origin
        _KINDS[name] = spec
        return target

    return decorator


@lru_cache(maxsize=1)
def autodiscover() -> None:
    """Import every app's ``tasks`` module (and ``MINZHENG_JOB_MODULES``) so that their kinds register."""
    for config in apps.get_app_configs():
        if not config.name.startswith("minzheng."):
            continue
        try:
            importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tasks":
                raise
    for module in conf.extra_modules():
        importlib.import_module(module)


def get_kind(name: str) -> JobKind | None:
    autodiscover()
    return _KINDS.get(name)


def all_kinds() -> list[JobKind]:
    autodiscover()
    return sorted(_KINDS.values(), key=lambda spec: spec.name)


def kind_names() -> list[str]:
    return [spec.name for spec in all_kinds()]
