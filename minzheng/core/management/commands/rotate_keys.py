"""Re-encrypt every encrypted column with the current key version (key rotation).

    minzheng rotate-keys            re-encrypt values written under older key versions
    minzheng rotate-keys --check    only count them

Add the new key to MINZHENG_FIELD_KEYS, set MINZHENG_FIELD_KEY_CURRENT to it, restart, then run this. It works
in batches that each commit, skips values already under the current version, and so can be stopped and run
again at any time. Remove an old key only after --check reports nothing left under it.
"""

from __future__ import annotations

from collections import Counter

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from minzheng.core import crypto
from minzheng.core.fields import EncryptedTextField

BATCH = 2000


def encrypted_columns():
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


class Command(BaseCommand):
    help = "用当前密钥版本重新加密敏感字段 / re-encrypt sensitive columns with the current key version"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只统计不修改 / count only")

    def handle(self, *args, check: bool, **options):
        ring = crypto.key_ring()
        quote = connection.ops.quote_name
        total_rotated = 0
        for model, fields in encrypted_columns():
            table = quote(model._meta.db_table)
            pk = quote(model._meta.pk.column)
            columns = ", ".join(quote(f.column) for f in fields)
            versions: Counter[int] = Counter()
            last = None
            rotated = 0
            while True:
                with connection.cursor() as cursor:
                    where = f"WHERE {pk} > %s " if last is not None else ""
                    cursor.execute(f"SELECT {pk}, {columns} FROM {table} {where}ORDER BY {pk} LIMIT {BATCH}",
                                   [last] if last is not None else [])
                    rows = cursor.fetchall()
                if not rows:
                    break
                last = rows[-1][0]
                updates = []
                for row in rows:
                    changed = False
                    values = list(row[1:])
                    for index, field in enumerate(fields):
                        value = values[index]
                        if not value:
                            continue
                        version = crypto.key_version(value)
                        versions[version] += 1
                        if version != ring.current:
                            values[index] = crypto.encrypt(crypto.decrypt(value, context=field.context),
                                                           context=field.context)
                            changed = True
                    if changed:
                        updates.append((*values, row[0]))
                if updates and not check:
                    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", updates)
                rotated += len(updates)
            summary = "、".join(f"v{v}: {n}" for v, n in sorted(versions.items())) or "无数据"
            verb = "需要重新加密" if check else "已重新加密"
            self.stdout.write(f"{model._meta.label}: {summary}；{verb} {rotated} 行（当前版本 v{ring.current}）")
            total_rotated += rotated
        self.stdout.write(self.style.SUCCESS(f"完成：{'待处理' if check else '已处理'} {total_rotated} 行"))
