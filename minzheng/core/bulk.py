"""Fast bulk inserts for generated or imported data sets of hundreds of thousands of rows.

Django's ``bulk_create`` prepares every value through the field machinery, which dominates the cost of a
large load. Here each column's conversion is chosen once per field; PostgreSQL receives rows through
COPY and SQLite through ``executemany``. Only plain concrete fields are supported; callers pass fully
built instances (primary keys and timestamps set).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models
from django.utils import timezone


def _converter(field: models.Field) -> Callable[[Any], Any]:
    vendor = connection.vendor
    if isinstance(field, models.UUIDField):
        if vendor == "postgresql":
            return lambda v: v
        return lambda v: v.hex if isinstance(v, uuid.UUID) else v
    if isinstance(field, models.ForeignKey) and isinstance(field.target_field, models.UUIDField):
        if vendor == "postgresql":
            return lambda v: v
        return lambda v: v.hex if isinstance(v, uuid.UUID) else v
    if isinstance(field, models.DateTimeField):
        return lambda v: connection.ops.adapt_datetimefield_value(v) if v is not None else None
    if isinstance(field, models.DateField):
        if vendor == "postgresql":
            return lambda v: v
        return lambda v: v.isoformat() if isinstance(v, dt.date) else v
    if isinstance(field, models.BooleanField | models.CharField | models.TextField | models.IntegerField):
        return lambda v: v
    return lambda v: field.get_db_prep_save(v, connection)


def bulk_insert(model: type[models.Model], objects: Iterable[models.Model]) -> int:
    fields = [f for f in model._meta.concrete_fields]
    now = timezone.now()
    converters = [_converter(f) for f in fields]
    attnames = [f.attname for f in fields]
    auto_now = [isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add) for f in fields]
    rows = []
    for obj in objects:
        row = []
        for attname, convert, is_auto in zip(attnames, converters, auto_now, strict=True):
            value = getattr(obj, attname)
            if is_auto and value is None:
                value = now
            row.append(convert(value))
        rows.append(row)
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
    return len(rows)
