"""Writing audit rows. Actions call ``record_event`` inside their own transaction, so an event exists
exactly when the change does; views call ``record_access`` before returning sensitive data, and a failure
to write it fails the read (fail closed)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db import models

from minzheng.audit.models import AccessLog, Event
from minzheng.core.masking import mask_value


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def _sensitive_fields(model) -> set[str]:
    from minzheng.core.fields import EncryptedTextField

    return {f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)}


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    """The named fields of a record as JSON-ready values, for before/after pairs. Encrypted fields are kept
    masked: the audit trail shows that an ID number changed and its visible digits, never the number."""
    sensitive = _sensitive_fields(type(instance))
    values = {}
    for name in fields:
        value = _jsonable(getattr(instance, name))
        if name in sensitive and isinstance(value, str):
            value = mask_value(name, value)
        values[name] = value
    return values


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, so events stay small and readable."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def _label(instance: models.Model) -> str:
    return f"{instance._meta.app_label}.{instance._meta.model_name}"


def record_event(*, actor, action: str, obj: models.Model, area_code: str = "", before: dict | None = None,
                 after: dict | None = None, note: str = "") -> Event:
    return Event.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=_label(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        area_code=area_code or "",
        before=before,
        after=after,
        note=note[:500],
    )


def record_access(*, actor, action: str, obj: models.Model | None = None, object_type: str = "",
                  object_id: str = "", object_repr: str = "", area_code: str = "", fields: list[str] | None = None,
                  reason: str = "", ip_address: str | None = None, channel: str = "web") -> AccessLog:
    """Log one read. ``obj`` names a single record; a list read (an export) passes ``object_type`` and a
    description of the filter as ``object_repr`` instead."""
    return AccessLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=_label(obj) if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else (object_id or "list"),
        object_repr=(str(obj) if obj is not None else object_repr)[:200],
        area_code=area_code or "",
        fields=list(fields or []),
        reason=_mask_reason(reason)[:500],
        ip_address=ip_address,
        channel=channel,
    )


def _mask_reason(reason: str) -> str:
    from minzheng.audit.display import masked_text

    return masked_text(reason)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
