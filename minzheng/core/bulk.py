"""Fast bulk inserts for generated or imported data sets of hundreds of thousands of rows.

Django's ``bulk_create`` prepares every value through the field machinery, which dominates the cost of a
large load. Here each column's conversion is chosen once per field; PostgreSQL receives rows through
COPY and SQLite through ``executemany``. Only plain concrete fields are supported; callers pass fully
built instances (primary keys and timestamps set).
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models
from django.utils import timezone


def _uuid_converter(field: models.Field) -> Callable[[Any], Any]:
    # Keys given as text are parsed as the ORM would; SQLite stores the 32-digit hex form, and a dashed
    # string written as-is there could never be found again by a lookup.
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    native = connection.features.has_native_uuid_field

    def convert(value: Any) -> Any:
        if value is not None and not isinstance(value, uuid.UUID):
            value = target.to_python(value)
        return value if native or value is None else value.hex

    return convert


def _identity(value: Any) -> Any:
    return value


def _datetime_converter(field: models.DateTimeField) -> Callable[[Any], Any]:
    adapt = connection.ops.adapt_datetimefield_value
    last: list = [None, None]  # a load stamps every row with the same moment: adapt it once

    def convert(value: Any) -> Any:
        if value is None:
            return None
        if value is last[0]:
            return last[1]
        original = value
        if timezone.is_naive(value):
            # As the ORM does (with its warning): a naive value is in the current time zone, not UTC.
            value = field.get_prep_value(value)
        last[0], last[1] = original, adapt(value)
        return last[1]

    return convert


def _converter(field: models.Field) -> Callable[[Any], Any]:
    from minzheng.core.fields import EncryptedTextField

    vendor = connection.vendor
    if isinstance(field, EncryptedTextField):
        # Sensitive values are encrypted here exactly as a save would; never written in plaintext.
        return field.get_prep_value
    if isinstance(field, models.UUIDField):
        return _uuid_converter(field)
    if isinstance(field, models.ForeignKey) and isinstance(field.target_field, models.UUIDField):
        return _uuid_converter(field)
    if isinstance(field, models.DateTimeField):
        return _datetime_converter(field)
    if isinstance(field, models.DateField):
        if vendor == "postgresql":
            return _identity
        return lambda v: v.isoformat() if isinstance(v, dt.date) else v
    if isinstance(field, models.BooleanField | models.CharField | models.TextField | models.IntegerField):
        return _identity
    if isinstance(field, models.JSONField):
        # The text Django would write (json.dumps with the field's encoder), without its per-value machinery;
        # PostgreSQL's COPY reads it into jsonb, SQLite stores it as is.
        encoder = field.encoder
        return lambda v: None if v is None else json.dumps(v, cls=encoder)
    return lambda v: field.get_db_prep_save(v, connection)


def bulk_insert(model: type[models.Model], objects: Iterable[models.Model]) -> int:
    fields = [f for f in model._meta.concrete_fields]
    now = timezone.now()
    converters = [_converter(f) for f in fields]
    attnames = [f.attname for f in fields]
    auto_now = [isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add) for f in fields]
    # Fields derived from others on save (blind indexes) are derived here too.
    computed = [getattr(f, "compute", None) for f in fields]
    # One C-level getter for every attribute, then only the columns that need converting (most pass as they are).
    getter = operator.attrgetter(*attnames)
    derived = [(attname, compute) for attname, compute in zip(attnames, computed, strict=True) if compute is not None]
    stamped = [i for i, is_auto in enumerate(auto_now) if is_auto]
    converted = [(i, convert) for i, convert in enumerate(converters) if convert is not _identity]
    rows = []
    for obj in objects:
        for attname, compute in derived:
            setattr(obj, attname, compute(obj))
        row = list(getter(obj))
        for i in stamped:
            if row[i] is None:
                row[i] = now
        for i, convert in converted:
            row[i] = convert(row[i])
        rows.append(row)
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # The COPY goes to the driver's own cursor, whose errors Django does not translate; the wrapper makes a
    # violated constraint an IntegrityError on both backends.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
    return len(rows)
