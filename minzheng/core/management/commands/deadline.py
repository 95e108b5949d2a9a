"""``minzheng deadline``: the last day of a period, as the platform computes it.

Prints only the ISO date on stdout (machine-readable; acceptance tests rely on it). A provisional result, one
that depended on a year with no holiday data, adds ``(provisional)`` and the years on stderr.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from minzheng.core.calendar import Unit, deadline, without_overrides
from minzheng.core.errors import ApplicationError
from minzheng.core.models import CalendarOverride


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期应为YYYY-MM-DD格式 / a date must be YYYY-MM-DD: {text}") from exc


def _overrides_readable() -> bool:
    """Whether the overrides table exists: a database that was never migrated has no overrides at all."""
    try:
        return CalendarOverride._meta.db_table in connection.introspection.table_names()
    except DatabaseError:
        return False


class Command(BaseCommand):
    help = ("计算期限的最后一日（起算日当日不计入）/ compute the last day of a period (the start day is not "
            "counted). 例 e.g.: minzheng deadline --from 2025-09-26 --working-days 10")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD",
                            help="起算日（事件发生之日，当日不计入）/ the event day; the period begins the next day")
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--working-days", type=int, metavar="N",
                            help="期限为N个工作日（按法定节假日和调休计算）/ N working days (holidays and adjusted "
                                 "workdays applied)")
        period.add_argument("--days", type=int, metavar="N", help="期限为N日（自然日）/ N calendar days")
        parser.add_argument("--roll", action="store_true",
                            help="期限最后一日为节假日或周末的，顺延至下一个工作日 / if the last day is a rest day, "
                                 "move it to the next working day")
        parser.add_argument("--json", dest="as_json", action="store_true",
                            help="输出JSON（含是否暂定）/ print JSON, including whether the result is provisional")

    def handle(self, *args, start, working_days, days, roll, as_json: bool, **options):
        begin = _date(start)
        unit, n = (Unit.WORKING_DAYS, working_days) if working_days is not None else (Unit.CALENDAR_DAYS, days)
        try:
            if _overrides_readable():
                result = deadline(begin, n, unit, roll_to_workday=roll)
            else:
                self.stderr.write("数据库尚未迁移，未读取人工节假日设置 / database not migrated: holiday overrides "
                                  "not read")
                with without_overrides():
                    result = deadline(begin, n, unit, roll_to_workday=roll)
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from exc
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(result.date.isoformat())
        if result.provisional:
            years = "、".join(str(year) for year in result.unknown_years)
            self.stderr.write(f"(provisional) 暂定值：{years}年节假日安排尚未录入，按周一至周五计算工作日 / no holiday "
                              f"schedule for {years} yet: Monday to Friday counted as working days")
