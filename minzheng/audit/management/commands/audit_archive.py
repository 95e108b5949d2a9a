"""Move audit rows older than the retention period out of the database into signed archive files.

    minzheng audit-archive --older-than-days 365 [--dry-run]

Rows are kept online for at least MINZHENG_AUDIT_RETENTION_DAYS (default 180); a shorter period is refused.
Each run writes var/audit-archive/<table>-<cutoff>.jsonl.gz and a .sha256 file beside it, reads the archive
back and checks the row count and checksum, and only then deletes exactly the archived rows. This command is
the one place audit rows leave the database: the application itself can neither edit nor delete them.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from minzheng.audit.models import AccessLog, Event


def retention_days() -> int:
    return max(int(getattr(settings, "MINZHENG_AUDIT_RETENTION_DAYS", 180)), 180)


class Command(BaseCommand):
    help = "归档超过保存期限的审计记录 / archive audit rows older than the retention period"

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, default=None,
                            help="归档多少天以前的记录（不少于保存期限）/ archive rows older than this many days")
        parser.add_argument("--dry-run", action="store_true", help="只统计 / count only")
        parser.add_argument("--directory", default=None, help="归档目录 / archive directory")

    def handle(self, *args, older_than_days, dry_run, directory, **options):
        minimum = retention_days()
        days = older_than_days if older_than_days is not None else minimum
        if days < minimum:
            raise CommandError(f"审计记录至少保存{minimum}天，不能归档{days}天以内的记录。")
        cutoff = timezone.now() - dt.timedelta(days=days)
        target = Path(directory) if directory else Path(settings.BASE_DIR) / "var" / "audit-archive"
        for model in (Event, AccessLog):
            self._archive(model, cutoff, target, dry_run)

    def _archive(self, model, cutoff, target: Path, dry_run: bool) -> None:
        rows = list(model.objects.filter(occurred_at__lt=cutoff).order_by("id").values())
        label = model._meta.db_table
        if not rows:
            self.stdout.write(f"{label}: 没有早于 {cutoff:%Y-%m-%d} 的记录")
            return
        if dry_run:
            self.stdout.write(f"{label}: 将归档 {len(rows)} 条")
            return
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"{label}-{cutoff:%Y%m%d}-{len(rows)}.jsonl.gz"
        if path.exists():
            raise CommandError(f"归档文件已存在：{path}")
        lines = [json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True) for row in rows]
        payload = ("\n".join(lines) + "\n").encode()
        with gzip.open(path, "wb") as handle:
            handle.write(payload)
        digest = hashlib.sha256(payload).hexdigest()
        path.with_suffix(path.suffix + ".sha256").write_text(f"{digest}  {path.name}\n")
        # Read the archive back before anything is deleted.
        with gzip.open(path, "rb") as handle:
            check = handle.read()
        if hashlib.sha256(check).hexdigest() != digest or check.count(b"\n") != len(rows):
            raise CommandError(f"归档文件校验失败，未删除任何记录：{path}")
        ids = [row["id"] for row in rows]
        table = connection.ops.quote_name(label)
        with transaction.atomic(), connection.cursor() as cursor:
            # Raw SQL on purpose: the model refuses deletes, and only this command may remove archived rows.
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
        self.stdout.write(self.style.SUCCESS(f"{label}: 已归档 {len(rows)} 条至 {path}（SHA-256 {digest[:16]}…）"))
