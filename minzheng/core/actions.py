"""Writes of the kernel's own records: holiday overrides. Each write leaves an event row and clears the
working-day cache."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from minzheng.accounts.permissions import Perm, require
from minzheng.audit.actions import record_event, snapshot
from minzheng.core.calendar import (
    NAME_MAX_LENGTH,
    CalendarError,
    CalendarErrorCode,
    NoticeLine,
    check_year,
    clear_calendar_cache,
    parse_kind,
    parse_notice,
    redundant_workday,
    redundant_workday_message,
)
from minzheng.core.enums import DayKind
from minzheng.core.errors import ApplicationError, ValidationErrors
from minzheng.core.models import CalendarOverride

_FIELDS = ["date", "kind", "name", "note", "source"]


def _cache_changed() -> None:
    # Cleared at once for reads later in this transaction, and again on commit for reads that rebuilt the
    # cache from the old rows in between.
    clear_calendar_cache()
    transaction.on_commit(clear_calendar_cache)


def _text(value: str | None, limit: int, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise CalendarError(CalendarErrorCode.TEXT_TOO_LONG, f"{label}不能超过{limit}个字", field=field)
    return value


def _exists(date: dt.date) -> CalendarError:
    return CalendarError(CalendarErrorCode.OVERRIDE_EXISTS, f"{date:%Y-%m-%d}已有设置，如需修改请先删除",
                         field="date")


def calendar_override_create(*, acting_user, date: dt.date, kind: str, name: str = "", note: str = "",
                             source: str = "") -> CalendarOverride:
    require(acting_user, Perm.CALENDAR_MANAGE)
    day_kind = parse_kind(str(kind or ""))
    if day_kind is None:
        raise CalendarError(CalendarErrorCode.KIND_INVALID, "类型应为法定节假日或调休上班", field="kind")
    check_year(date.year)
    if CalendarOverride.objects.filter(date=date).exists():
        raise _exists(date)
    if redundant_workday(date, day_kind):
        raise CalendarError(CalendarErrorCode.WORKDAY_REDUNDANT, redundant_workday_message(date), field="date")
    name = _text(name, NAME_MAX_LENGTH, "name", "名称")
    note = _text(note, 200, "note", "说明")
    source = _text(source, 200, "source", "依据文件")
    try:
        with transaction.atomic():
            override = CalendarOverride.objects.create(date=date, kind=day_kind, name=name, note=note,
                                                       source=source, created_by=acting_user)
            record_event(actor=acting_user, action="calendar_override.create", obj=override,
                         after=snapshot(override, _FIELDS))
            _cache_changed()
    except IntegrityError as exc:
        # Another administrator entered the same day between the check and the insert.
        raise _exists(date) from exc
    return override


def calendar_override_delete(*, acting_user, override: CalendarOverride) -> None:
    require(acting_user, Perm.CALENDAR_MANAGE)
    with transaction.atomic():
        # The event is written first: after delete() the instance no longer has a key to name.
        record_event(actor=acting_user, action="calendar_override.delete", obj=override,
                     before=snapshot(override, _FIELDS))
        override.delete()
        _cache_changed()


@dataclass(frozen=True)
class ImportResult:
    year: int
    created: int
    replaced: int


def calendar_override_import(*, acting_user, year: int, text: str, source: str = "",
                             replace: bool = False) -> ImportResult:
    """Enter a whole year's notice at once; every line is checked first and a failed import changes nothing.

    With ``replace`` the year's existing overrides are removed first (re-entering a corrected notice); without
    it a line for a day that already has an override is an error.
    """
    require(acting_user, Perm.CALENDAR_MANAGE)
    year = check_year(year)
    source = _text(source, 200, "source", "依据文件")
    lines = parse_notice(text, year=year)
    existing = list(CalendarOverride.objects.filter(date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31))))
    if not replace:
        by_date = {override.date: override for override in existing}
        clashes: list[ApplicationError] = [
            CalendarError(CalendarErrorCode.OVERRIDE_EXISTS,
                          f"{line.date:%Y-%m-%d}已有设置（{by_date[line.date].get_kind_display()}），"
                          "如需整体替换请勾选「替换该年已有设置」", row=line.row)
            for line in lines if line.date in by_date
        ]
        if clashes:
            raise ValidationErrors(clashes, f"共有{len(clashes)}处错误，未导入任何数据")
    try:
        with transaction.atomic():
            _import_rows(acting_user=acting_user, year=year, lines=lines, source=source,
                         existing=existing if replace else [])
    except IntegrityError as exc:
        raise CalendarError(CalendarErrorCode.OVERRIDE_EXISTS,
                            "导入期间该年份的设置已被他人修改，请刷新后重试") from exc
    return ImportResult(year=year, created=len(lines), replaced=len(existing) if replace else 0)


def _import_rows(*, acting_user, year: int, lines: list[NoticeLine], source: str,
                 existing: list[CalendarOverride]) -> None:
    for override in existing:
        record_event(actor=acting_user, action="calendar_override.delete", obj=override,
                     before=snapshot(override, _FIELDS), note=f"导入{year}年节假日安排时替换")
        override.delete()
    for line in lines:
        override = CalendarOverride.objects.create(date=line.date, kind=DayKind(line.kind), name=line.name,
                                                   source=source, created_by=acting_user)
        record_event(actor=acting_user, action="calendar_override.create", obj=override,
                     after=snapshot(override, _FIELDS), note=f"导入{year}年节假日安排")
    _cache_changed()
