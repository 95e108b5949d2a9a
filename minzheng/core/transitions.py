"""Status pipelines: a transition table per model and one helper that enforces it.

A table maps each status to the statuses it may move to. ``transition()`` checks the move,
sets the new status, saves only the changed fields and returns the (before, after) pair for the
caller's event row; it never writes the event itself, so the action stays the one place that does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

from minzheng.core.errors import ApplicationError


class TransitionError(ApplicationError):
    def __init__(self, current: str, target: str, current_label: str, target_label: str) -> None:
        super().__init__(
            "illegal_transition",
            f"当前状态为「{current_label}」，不能变更为「{target_label}」",
            extra={"from": current, "to": target},
        )


def allowed_targets(table: Mapping[str, frozenset[str] | set[str]], current: str) -> frozenset[str]:
    return frozenset(table.get(current, ()))


def can_transition(table: Mapping[str, Any], current: str, target: str) -> bool:
    return target in allowed_targets(table, current)


def transition(instance: models.Model, *, table: Mapping[str, Any], target: str, field: str = "status",
               extra_updates: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """Move ``instance.<field>`` to ``target`` if the table allows it, saving only what changed."""
    current = getattr(instance, field)
    if not can_transition(table, current, target):
        # flatchoices: grouped choices would otherwise map group names, not values, to labels.
        choices = dict(instance._meta.get_field(field).flatchoices)
        raise TransitionError(current, target, str(choices.get(current, current)),
                              str(choices.get(target, target)))
    setattr(instance, field, target)
    update_fields = [field]
    for name, value in (extra_updates or {}).items():
        setattr(instance, name, value)
        update_fields.append(name)
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        update_fields.append("updated_at")
    instance.save(update_fields=update_fields)
    return current, target
