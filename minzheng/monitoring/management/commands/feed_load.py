"""``minzheng feed-load KIND FILE --user NAME``: load one department file into the monitoring lake, as the upload
page does (same checks, same all-or-nothing loading), and print the outcome as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from minzheng.accounts.models import User
from minzheng.core.errors import ApplicationError
from minzheng.monitoring import feeds
from minzheng.monitoring.enums import FeedFileStatus
from minzheng.monitoring.models import FeedKind


class Command(BaseCommand):
    help = ("载入一个部门数据文件（CSV、xlsx 或 Parquet）到监测数据湖；整个文件拒收时退出码为1 / load one "
            "department feed file into the monitoring lake; exits with 1 when the whole file is refused")

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", help="数据来源代码，如 police_death / the feed kind code (see --list)")
        parser.add_argument("file", nargs="?", help="文件路径 / path of the file")
        parser.add_argument("--user", help="以该用户身份载入（须有数据来源管理权限，写入审计）/ the acting user")
        parser.add_argument("--list", action="store_true", dest="list_kinds", help="列出数据来源 / list feed kinds")

    def handle(self, *args, kind, file, user, list_kinds, **options):
        if list_kinds or not kind:
            for feed_kind in FeedKind.objects.all():
                self.stdout.write(f"{feed_kind.code:<24} {feed_kind.department}·{feed_kind.name}")
            return
        if not file or not user:
            raise CommandError("用法 / usage: feed-load KIND FILE --user NAME")
        acting_user = User.objects.filter(username=user, is_active=True).first()
        if acting_user is None:
            raise CommandError(f"没有用户 {user} / no such user")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {file}")
        try:
            size = path.stat().st_size
            if size > settings.MINZHENG_FEED_MAX_BYTES:  # refused before reading
                feed_file = feeds.feed_refuse_oversized(acting_user=acting_user, kind_code=kind, filename=path.name,
                                                        size=size)
            else:
                feed_file = feeds.feed_ingest(acting_user=acting_user, kind_code=kind, filename=path.name,
                                              content=path.read_bytes())
        except ApplicationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps({
            "file_id": str(feed_file.pk), "status": feed_file.status, "refused_reason": feed_file.refused_reason,
            "rows_total": feed_file.rows_total, "rows_loaded": feed_file.rows_loaded,
            "rows_name_only": feed_file.rows_name_only, "rows_quarantined": feed_file.rows_quarantined,
            "rows_duplicate": feed_file.rows_duplicate, "lake_paths": feed_file.lake_paths,
        }, ensure_ascii=False))
        if feed_file.status == FeedFileStatus.REFUSED:
            raise CommandError("文件已拒收 / file refused", returncode=1)
