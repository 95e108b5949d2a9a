"""Working days and legal time limits (期限) on the official Chinese calendar.

Where each day's status comes from, first match wins:

1. a ``CalendarOverride`` row, entered by an administrator from the State Council's notice. Overrides apply to
   any year: they fill in years the package does not know yet and correct it where it is wrong;
2. the ``chinese-calendar`` package, which knows the years up to the last notice published before its release
   (it raises ``NotImplementedError`` for later years; that exception never leaves this module);
3. for a year with neither, Monday to Friday are working days, and every result that depended on such a year
   is *provisional* and names the year in ``unknown_years``.

Counting follows the Civil Code (民法典) articles 201 and 203:

- the start day is never counted: a period of n days or working days from an event begins the next day;
- a calendar-day period whose last day is a rest day (a statutory holiday or a weekend) ends on the next working
  day when the rule in question says so (``roll_to_workday=True``). Adjusted workdays (调休上班) are working days.

n = 0 means no period at all: the deadline is the start day itself for both units (with ``roll_to_workday`` it
moves to the next working day when the start day is a rest day). ``deadline`` refuses a negative n;
``add_working_days`` counts backwards for one.

Year calendars are cached in the process. Every override write clears the cache, and an entry also expires after
``CACHE_SECONDS`` so that other web processes and workers see a change without a restart.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

import chinese_calendar

from minzheng.core.enums import DayKind
from minzheng.core.errors import ApplicationError, ValidationErrors
from minzheng.core.models import CalendarOverride

CACHE_SECONDS = 60.0
# A sanity bound for entered years, not a business rule: the notices exist from 1999 on.
YEAR_BOUNDS = (1949, 2100)
_ONE_DAY = dt.timedelta(days=1)


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


class Source(StrEnum):
    PACKAGE = "package"
    OVERRIDE = "override"


class CalendarErrorCode(StrEnum):
    UNIT_INVALID = "calendar_unit_invalid"
    PERIOD_INVALID = "calendar_period_invalid"
    OUT_OF_RANGE = "calendar_out_of_range"
    YEAR_INVALID = "calendar_year_invalid"
    LINE_FORMAT = "calendar_line_format"
    DATE_INVALID = "calendar_date_invalid"
    KIND_INVALID = "calendar_kind_invalid"
    TEXT_TOO_LONG = "calendar_text_too_long"
    WRONG_YEAR = "calendar_wrong_year"
    RANGE_TOO_LONG = "calendar_range_too_long"
    DUPLICATE_DATE = "calendar_duplicate_date"
    WORKDAY_REDUNDANT = "calendar_workday_redundant"
    OVERRIDE_EXISTS = "calendar_override_exists"
    IMPORT_EMPTY = "calendar_import_empty"


class CalendarError(ApplicationError):
    pass


@dataclass(frozen=True)
class DayEntry:
    """A day that is not an ordinary weekday or weekend: a holiday or an adjusted workday."""

    date: dt.date
    kind: DayKind
    name: str
    source: Source
    override_id: int | None = None
    replaces: DayEntry | None = None  # what the package said, when an override corrects it

    @property
    def is_working(self) -> bool:
        return self.kind == DayKind.WORKDAY


@dataclass(frozen=True)
class YearCalendar:
    year: int
    known_to_package: bool
    override_count: int
    days: Mapping[dt.date, DayEntry] = field(default_factory=dict)

    @property
    def provisional(self) -> bool:
        """Neither the package nor an administrator has said anything about this year."""
        return not self.known_to_package and self.override_count == 0

    @property
    def source_label(self) -> str:
        if self.provisional:
            return "尚未录入（暂按周一至周五为工作日）"
        if self.known_to_package and self.override_count:
            return "内置日历（chinese-calendar），另有人工设置"
        if self.known_to_package:
            return "内置日历（chinese-calendar）"
        return "人工录入"

    def is_working_day(self, day: dt.date) -> bool:
        entry = self.days.get(day)
        if entry is not None:
            return entry.is_working
        return day.weekday() < 5

    def entries(self) -> list[DayEntry]:
        return [self.days[day] for day in sorted(self.days)]

    def holidays(self) -> list[DayEntry]:
        return [entry for entry in self.entries() if entry.kind == DayKind.HOLIDAY]

    def workdays(self) -> list[DayEntry]:
        return [entry for entry in self.entries() if entry.kind == DayKind.WORKDAY]


class WorkingDay(NamedTuple):
    working: bool
    provisional: bool


class WorkingDayCount(NamedTuple):
    count: int
    provisional: bool


@dataclass(frozen=True)
class Deadline:
    """The last day of a period. ``provisional`` when a year on the way had no holiday data (see
    ``unknown_years``); ``rolled_from`` is the calendar end before it moved to the next working day."""

    start: dt.date
    n: int
    unit: Unit
    date: dt.date
    provisional: bool
    unknown_years: tuple[int, ...] = ()
    rolled_from: dt.date | None = None

    def as_dict(self) -> dict:
        return {
            "from": self.start.isoformat(),
            "n": self.n,
            "unit": str(self.unit),
            "date": self.date.isoformat(),
            "provisional": self.provisional,
            "unknown_years": list(self.unknown_years),
            "rolled_from": self.rolled_from.isoformat() if self.rolled_from else None,
        }


# --- the package --------------------------------------------------------------------------------------------

_PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@lru_cache(maxsize=1)
def package_years() -> range:
    """The years ``chinese-calendar`` has notices for (the same bounds it checks before raising)."""
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


def _package_name(value) -> str:
    text = str(getattr(value, "value", value) or "")
    return _PACKAGE_NAMES.get(text, text)


def _package_days(year: int) -> dict[dt.date, DayEntry] | None:
    if year not in package_years():
        return None
    try:
        days = {day: DayEntry(day, DayKind.HOLIDAY, _package_name(name), Source.PACKAGE)
                for day, name in chinese_calendar.holidays.items() if day.year == year}
        days.update({day: DayEntry(day, DayKind.WORKDAY, _package_name(name), Source.PACKAGE)
                     for day, name in chinese_calendar.workdays.items() if day.year == year})
    except NotImplementedError:
        return None
    return days


def package_day(day: dt.date) -> DayEntry | None:
    """What the package alone says about a day (None for an ordinary day or an unknown year)."""
    days = _package_days(day.year)
    return days.get(day) if days else None


# --- year calendars and their cache --------------------------------------------------------------------------

_use_overrides: ContextVar[bool] = ContextVar("minzheng_calendar_use_overrides", default=True)
_cache: dict[tuple[int, bool], tuple[float, YearCalendar]] = {}


def clear_calendar_cache() -> None:
    _cache.clear()


@contextlib.contextmanager
def without_overrides() -> Iterator[None]:
    """Compute from the package alone: for a command run against a database without the overrides table."""
    token = _use_overrides.set(False)
    try:
        yield
    finally:
        _use_overrides.reset(token)


def _build_year(year: int, use_overrides: bool) -> YearCalendar:
    package = _package_days(year)
    days: dict[dt.date, DayEntry] = dict(package or {})
    count = 0
    if use_overrides:
        rows = CalendarOverride.objects.filter(date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        for row in rows.only("id", "date", "kind", "name"):
            count += 1
            days[row.date] = DayEntry(row.date, DayKind(row.kind), row.name, Source.OVERRIDE, override_id=row.id,
                                      replaces=(package or {}).get(row.date))
    return YearCalendar(year=year, known_to_package=package is not None, override_count=count, days=days)


def year_calendar(year: int) -> YearCalendar:
    use_overrides = _use_overrides.get()
    key = (year, use_overrides)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    calendar = _build_year(year, use_overrides)
    _cache[key] = (now, calendar)
    return calendar


class _Walker:
    """Looks days up year by year and remembers which years had no data."""

    def __init__(self) -> None:
        self.unknown: set[int] = set()
        self._calendar: YearCalendar | None = None

    def working(self, day: dt.date) -> bool:
        if self._calendar is None or self._calendar.year != day.year:
            self._calendar = year_calendar(day.year)
        if self._calendar.provisional:
            self.unknown.add(day.year)
        return self._calendar.is_working_day(day)

    def step(self, day: dt.date, n: int) -> dt.date:
        """The day on which the |n|-th working day after (n > 0) or before (n < 0) ``day`` falls."""
        direction = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            day += direction
            if self.working(day):
                remaining -= 1
        return day

    def next_working(self, day: dt.date) -> dt.date:
        while not self.working(day):
            day += _ONE_DAY
        return day


# --- public questions ---------------------------------------------------------------------------------------

def is_working_day(day: dt.date) -> WorkingDay:
    calendar = year_calendar(day.year)
    return WorkingDay(calendar.is_working_day(day), calendar.provisional)


def _unit(unit: Unit | str) -> Unit:
    try:
        return Unit(unit)
    except ValueError as exc:
        raise CalendarError(CalendarErrorCode.UNIT_INVALID, "期限单位应为日（calendar_days）或工作日（working_days）",
                            field="unit") from exc


def _period(n: int, *, allow_negative: bool = False) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or (n < 0 and not allow_negative):
        raise CalendarError(CalendarErrorCode.PERIOD_INVALID, "期限天数应为不小于0的整数", field="n")
    return n


def _out_of_range() -> CalendarError:
    return CalendarError(CalendarErrorCode.OUT_OF_RANGE, "期限超出可计算的日期范围", field="n")


def deadline(start: dt.date, n: int, unit: Unit | str, *, roll_to_workday: bool = False) -> Deadline:
    """The last day of a period of ``n`` calendar days or working days beginning the day after ``start``."""
    unit = _unit(unit)
    n = _period(n)
    walker = _Walker()
    rolled_from = None
    try:
        end = start + dt.timedelta(days=n) if unit == Unit.CALENDAR_DAYS else walker.step(start, n)
        # A working-day period of one day or more always ends on a working day; only n = 0 can need a roll.
        if roll_to_workday and (unit == Unit.CALENDAR_DAYS or n == 0) and not walker.working(end):
            rolled_from = end
            end = walker.next_working(end)
    except OverflowError as exc:
        raise _out_of_range() from exc
    unknown = tuple(sorted(walker.unknown))
    return Deadline(start=start, n=n, unit=unit, date=end, provisional=bool(unknown), unknown_years=unknown,
                    rolled_from=rolled_from)


def add_working_days(start: dt.date, n: int) -> Deadline:
    """The n-th working day after ``start`` (before it for a negative n); ``start`` itself is never counted."""
    n = _period(n, allow_negative=True)
    walker = _Walker()
    try:
        end = walker.step(start, n)
    except OverflowError as exc:
        raise _out_of_range() from exc
    unknown = tuple(sorted(walker.unknown))
    return Deadline(start=start, n=n, unit=Unit.WORKING_DAYS, date=end, provisional=bool(unknown),
                    unknown_years=unknown)


def working_days_between(a: dt.date, b: dt.date) -> WorkingDayCount:
    """Working days after ``a`` up to and including ``b`` (the same counting as ``deadline``).

    Negative when ``b`` is before ``a``, so ``working_days_between(a, b) == -working_days_between(b, a)`` and
    ``working_days_between(start, deadline(start, n, "working_days").date).count == n`` for n ≥ 1.
    """
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    walker = _Walker()
    count = 0
    day = a
    while day < b:
        day += _ONE_DAY
        if walker.working(day):
            count += 1
    return WorkingDayCount(sign * count, bool(walker.unknown))


def years_without_notice(today: dt.date) -> list[int]:
    """This year and next year, where neither the package nor an override says anything about them."""
    return [year for year in (today.year, today.year + 1) if year_calendar(year).provisional]


# --- reading a notice --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NoticeLine:
    row: int
    date: dt.date
    kind: DayKind
    name: str


_KIND_WORDS = {
    DayKind.HOLIDAY: {"holiday", "休", "放假", "假", "休息", "法定节假日", "节假日"},
    DayKind.WORKDAY: {"workday", "班", "上班", "补班", "调休上班", "工作日"},
}
_KIND_BY_WORD = {word: kind for kind, words in _KIND_WORDS.items() for word in words}
_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
_LINE = re.compile(rf"^(?P<first>{_DATE})(?:\s*(?:~|～|至|到|--|—)\s*(?P<last>{_DATE}))?"
                   r"\s+(?P<kind>\S+)(?:\s+(?P<name>.*))?$")
_DATE_PARTS = re.compile(r"(\d{4})\D+(\d{1,2})\D+(\d{1,2})")
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
MAX_RANGE_DAYS = 31
NAME_MAX_LENGTH = 32
LINE_EXAMPLE = "2027-01-01 holiday 元旦"


def _line_error(code: CalendarErrorCode, message: str, row: int, text: str) -> CalendarError:
    return CalendarError(code, f"「{text}」{message}", row=row)


def check_year(year) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_BOUNDS[0] <= year <= YEAR_BOUNDS[1]:
        raise CalendarError(CalendarErrorCode.YEAR_INVALID, "年份无效", field="year")
    return year


def parse_kind(word: str) -> DayKind | None:
    return _KIND_BY_WORD.get(word.strip().lower())


def _parse_date(text: str) -> dt.date | None:
    match = _DATE_PARTS.match(text)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def redundant_workday(day: dt.date, kind: DayKind) -> bool:
    """An adjusted workday on a Monday to Friday that the package does not list as a holiday changes nothing and
    is almost always a mistyped date."""
    if kind != DayKind.WORKDAY or day.weekday() >= 5:
        return False
    entry = package_day(day)
    return entry is None or entry.kind != DayKind.HOLIDAY


def redundant_workday_message(day: dt.date) -> str:
    weekday = "一二三四五六日"[day.weekday()]
    return f"{day:%Y-%m-%d}是星期{weekday}，本就是工作日，无需设为调休上班，请核对日期"


def parse_notice(text: str, *, year: int) -> list[NoticeLine]:
    """Read a year's notice written as lines ``日期 类型 名称`` (``2027-01-01 holiday 元旦``).

    A line may give a range (``2027-02-06~2027-02-12 休 春节``); blank lines and lines starting with ``#`` are
    skipped. Every line is checked before anything is returned; all errors are raised together, each naming its
    line, so an import writes everything or nothing.
    """
    year = check_year(year)
    errors: list[ApplicationError] = []
    lines: list[NoticeLine] = []
    seen: dict[dt.date, int] = {}
    for row, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.translate(_FULLWIDTH).replace(",", " ").replace("，", " ").strip()
        if not line or line.startswith("#"):
            continue
        shown = raw.strip()
        match = _LINE.match(line)
        if not match:
            errors.append(_line_error(CalendarErrorCode.LINE_FORMAT,
                                      f"格式不正确，应为「日期 类型 名称」，如「{LINE_EXAMPLE}」", row, shown))
            continue
        first = _parse_date(match["first"])
        last = _parse_date(match["last"]) if match["last"] else first
        if first is None or last is None:
            errors.append(_line_error(CalendarErrorCode.DATE_INVALID, "中的日期不存在，请按2027-01-01的格式填写",
                                      row, shown))
            continue
        kind = parse_kind(match["kind"])
        if kind is None:
            message = f"的类型「{match['kind']}」无法识别，应为 holiday（休）或 workday（班）"
            errors.append(_line_error(CalendarErrorCode.KIND_INVALID, message, row, shown))
            continue
        name = (match["name"] or "").strip()
        if len(name) > NAME_MAX_LENGTH:
            errors.append(_line_error(CalendarErrorCode.TEXT_TOO_LONG, f"的名称超过{NAME_MAX_LENGTH}个字", row, shown))
            continue
        if last < first or (last - first).days >= MAX_RANGE_DAYS:
            message = f"的日期范围无效（结束日期应不早于开始日期，且不超过{MAX_RANGE_DAYS}天）"
            errors.append(_line_error(CalendarErrorCode.RANGE_TOO_LONG, message, row, shown))
            continue
        if first.year != year or last.year != year:
            errors.append(_line_error(CalendarErrorCode.WRONG_YEAR, f"不是{year}年的日期", row, shown))
            continue
        day = first
        while day <= last:
            if day in seen:
                errors.append(_line_error(CalendarErrorCode.DUPLICATE_DATE,
                                          f"中的{day:%Y-%m-%d}与第{seen[day]}行重复", row, shown))
            elif redundant_workday(day, kind):
                errors.append(_line_error(CalendarErrorCode.WORKDAY_REDUNDANT, "：" + redundant_workday_message(day),
                                          row, shown))
            else:
                seen[day] = row
                lines.append(NoticeLine(row=row, date=day, kind=kind, name=name))
            day += _ONE_DAY
    if errors:
        raise ValidationErrors(errors, f"共有{len(errors)}处错误，未导入任何数据")
    if not lines:
        raise CalendarError(CalendarErrorCode.IMPORT_EMPTY, f"没有可导入的内容，请每行填写一天，如「{LINE_EXAMPLE}」",
                            field="text")
    return lines
