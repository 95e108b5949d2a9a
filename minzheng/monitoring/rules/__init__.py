"""Monitoring rules (预警规则): each one an Ibis expression over the registry snapshot and the department feeds,
written once and evaluated on DuckDB or Spark by ``minzheng.monitoring.engine``.

A rule lives in its own module of this package and defines ``RULE = Rule(...)``; ``RULES`` collects them by code.
``Rule.build(ctx)`` returns a table with exactly four columns:

- ``person_key`` (string): the registry's blind index of the person's ID number (never the number itself);
- ``evidence_row_id`` (string): a feed row's ``row_id``, or ``registry:{table}:{key}`` for registry-only evidence;
- ``event_date`` (date): the day the evidence is about;
- ``detail`` (string, Chinese): one line of explanation. Amounts in 分 are written with ``money(expr)``
  (``¥86,000.00``), dates with ``day_text`` (ISO), both giving the same bytes on every backend. Details never
  contain ID numbers.

Everything a rule compares against is relative to ``ctx.as_of`` and a look-back window parameter, so the same
inputs give the same alerts whenever the run is repeated. Ages are never computed by the backend: ``ctx.born_by``
turns "aged N on day D" into a birth-date cutoff in Python (周岁: a person born on 29 February turns N on 1 March
in a common year), and rules compare ``birth_date`` with that literal.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from minzheng.monitoring.enums import AlertCategory

# --- the lake's column types -----------------------------------------------------------------------------------

COMMON_FEED_COLUMNS: dict[str, str] = {
    "row_id": "string", "file_id": "string", "row_number": "int32", "person_key": "string", "name": "string",
    "birth_date": "date", "area_code": "string", "event_date": "date",
}
# Each kind's own columns (the event column is repeated under its own name). Types follow the ingestion
# contract: date → date, amount (分) → int64, integer → int64, boolean → boolean, everything else string.
FEED_COLUMNS: dict[str, dict[str, str]] = {
    "police_death": {"death_date": "date", "hukou_area": "string"},
    "police_hukou_move": {"move_date": "date", "direction": "string", "to_area": "string"},
    "medical_bill": {"settle_date": "date", "total_amount": "int64", "out_of_pocket_amount": "int64",
                     "hospital": "string"},
    "hr_employment": {"start_date": "date", "employer": "string", "employer_kind": "string",
                      "monthly_wage": "int64"},
    "hr_unemployment": {"registered_on": "date"},
    "hr_pension": {"month": "date", "monthly_amount": "int64"},
    "disability_cert": {"issued_on": "date", "disability_kind": "string", "grade": "int64"},
    "market_company": {"registered_on": "date", "company_name": "string", "role": "string",
                       "registered_capital": "int64", "status": "string"},
    "vehicle": {"registered_on": "date", "plate": "string", "vehicle_type": "string", "purchase_price": "int64"},
    "property": {"registered_on": "date", "certificate_no": "string", "usage": "string", "area_m2": "int64"},
    "education_enrolment": {"enrolled_on": "date", "school": "string", "stage": "string", "first_year": "boolean",
                            "tuition": "int64"},
    "disaster_loss": {"occurred_on": "date", "disaster_kind": "string", "loss_amount": "int64"},
    "housing_fund": {"month": "date", "employer": "string", "base_wage": "int64"},
    "funeral_cremation": {"cremated_on": "date", "death_date": "date"},
    "justice_imprisonment": {"admitted_on": "date", "release_date": "date"},
}


def feed_schema(kind: str) -> ibis.Schema:
    return ibis.schema({**COMMON_FEED_COLUMNS, **FEED_COLUMNS[kind]})


# The registry snapshot's tables as the rules see them (latest row per key; see ``monitoring.snapshot``).
REGISTRY_COLUMNS: dict[str, dict[str, str]] = {
    "persons": {"person_key": "string", "person_id": "string", "birth_date": "date", "sex": "string",
                "hukou_area_code": "string", "residence_area_code": "string", "death_date": "date",
                "disability_kind": "string", "disability_grade": "int64", "self_care": "string"},
    "households": {"household_id": "string", "area_code": "string", "head_person_id": "string",
                   "is_active": "boolean"},
    "memberships": {"membership_id": "string", "household_id": "string", "person_id": "string",
                    "relation": "string", "living_together": "boolean", "status": "string", "started_on": "date",
                    "ended_on": "date"},
    "enrollments": {"enrollment_id": "string", "program": "string", "status": "string", "household_id": "string",
                    "area_code": "string", "monthly_amount_fen": "int64", "starts_on": "date", "exited_on": "date"},
    "enrollment_members": {"enrollment_id": "string", "person_id": "string"},
}

OUTPUT_SCHEMA = ibis.schema({"person_key": "string", "evidence_row_id": "string", "event_date": "date",
                             "detail": "string"})

# Programs whose recipients are checked for ineligibility, and the wider low-income set.
PAID_PROGRAMS = ("dibao", "individual_dibao", "tekun")
LOW_INCOME_PROGRAMS = ("dibao", "individual_dibao", "tekun", "marginal", "rigid_expense")
OPEN_ENROLLMENT_STATUSES = ("active", "phase_out")

LOOKBACK = "monitoring.lookback_months"
ASSET_LOOKBACK = "monitoring.asset_lookback_months"

# --- dates -----------------------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (negative: earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def born_by(years: int, on: dt.date) -> dt.date:
    """The latest birth date of a person aged at least ``years`` (周岁) on ``on``: ``age >= years`` exactly when
    ``birth_date <= born_by(years, on)``. A 29 February birthday counts as 1 March in a common year, as in
    ``Person.age_on``: on 2026-02-28 a person born 2008-02-29 is still 17."""
    year = on.year - years
    if on.month == 2 and on.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return dt.date(year, on.month, on.day)


# --- expression helpers ----------------------------------------------------------------------------------------


def money(value: ir.IntegerValue) -> ir.StringValue:
    """An amount in 分 as ``¥1,234.00`` (``-¥5.00`` when negative), exactly as ``core.money.format_fen`` writes it,
    built from division, ``lpad`` and concatenation only, so every backend gives the same text. Ibis divides
    through a double (``FLOOR(a / b)``), which is exact for amounts below ¥10 trillion."""
    fen = value.cast("int64")
    magnitude = fen.abs()
    yuan = magnitude // 100

    def group(power: int) -> ir.StringValue:
        return ((yuan // 10**power) % 1000).cast("int64").cast("string")

    def padded(power: int) -> ir.StringValue:
        return group(power).lpad(3, "0")

    grouped = ibis.cases(
        (yuan >= 10**12, group(12) + "," + padded(9) + "," + padded(6) + "," + padded(3) + "," + padded(0)),
        (yuan >= 10**9, group(9) + "," + padded(6) + "," + padded(3) + "," + padded(0)),
        (yuan >= 10**6, group(6) + "," + padded(3) + "," + padded(0)),
        (yuan >= 10**3, group(3) + "," + padded(0)),
        else_=group(0),
    )
    cents = (magnitude % 100).cast("int64").cast("string").lpad(2, "0")
    return ibis.ifelse(fen < 0, ibis.literal("-¥"), ibis.literal("¥")) + grouped + "." + cents


def text(value: ir.Value, default: str = "") -> ir.StringValue:
    """A column as text, empty when null (string concatenation propagates null on every backend)."""
    return value.cast("string").fill_null(default)


def day_text(value: ir.DateValue) -> ir.StringValue:
    """A date as ``YYYY-MM-DD`` (the ISO form both backends cast to)."""
    return value.cast("string").fill_null("")


def registry_evidence(table: str, key: ir.StringValue) -> ir.StringValue:
    return ibis.literal(f"registry:{table}:") + key


def label(value: ir.StringValue, labels: Mapping[str, str], default: str = "") -> ir.StringValue:
    """Map codes to Chinese labels (a CASE expression; unknown codes get ``default``)."""
    branches = [(value == code, ibis.literal(text_)) for code, text_ in labels.items()]
    return ibis.cases(*branches, else_=ibis.literal(default))


def output(table: ir.Table, *, person_key: ir.Value, evidence_row_id: ir.Value, event_date: ir.Value,
           detail: ir.Value) -> ir.Table:
    """The rule's result in the shape the engine expects."""
    return table.select(person_key=person_key.cast("string"), evidence_row_id=evidence_row_id.cast("string"),
                        event_date=event_date.cast("date"), detail=detail.cast("string"))


# --- the context a rule is built in ----------------------------------------------------------------------------


@dataclass
class RuleContext:
    """What ``Rule.build`` sees: the backend's registry and feed tables, the day and the parameters.

    ``registry`` holds the snapshot tables (latest row per key). ``feeds`` holds each feed with confirmed
    name-only matches resolved, unmatched rows dropped and events after ``as_of`` removed; ``feed()`` narrows
    one to a look-back window."""

    as_of: dt.date
    params: Mapping[str, int]
    registry: Mapping[str, ir.Table]
    feeds: Mapping[str, ir.Table]
    # The engine's way to compute a shared intermediate table once (a temporary table or a cached view);
    # identity when absent.
    materialize: Callable[[ir.Table], ir.Table] | None = field(default=None, repr=False)
    _cache: dict[str, ir.Table] = field(default_factory=dict, repr=False)

    def _keep(self, key: str, table: ir.Table) -> ir.Table:
        self._cache[key] = self.materialize(table) if self.materialize else table
        return self._cache[key]

    def param(self, code: str) -> int:
        return int(self.params[code])

    def window_start(self, parameter: str = LOOKBACK) -> dt.date:
        """The day before the window opens: events on ``(window_start, as_of]`` are in it."""
        return add_months(self.as_of, -self.param(parameter))

    def feed(self, kind: str, *, window: str = LOOKBACK) -> ir.Table:
        table = self.feeds[kind]
        return table.filter(table.event_date > ibis.literal(self.window_start(window)))

    def born_by(self, years: int, on: dt.date | None = None) -> dt.date:
        return born_by(years, on or self.as_of)

    @property
    def persons(self) -> ir.Table:
        return self.registry["persons"]

    def alive(self) -> ir.Table:
        """Persons not recorded as dead on or before ``as_of``."""
        p = self.persons
        return p.filter(p.death_date.isnull() | (p.death_date > ibis.literal(self.as_of)))

    def members(self) -> ir.Table:
        """Current household memberships on ``as_of`` with the person's key and registry facts."""
        if "members" not in self._cache:
            m = self.registry["memberships"]
            as_of = ibis.literal(self.as_of)
            m = m.filter((m.started_on.isnull() | (m.started_on <= as_of))
                         & (m.ended_on.isnull() | (m.ended_on > as_of)))
            p = self.persons.select("person_id", "person_key", "birth_date", "death_date", "disability_grade",
                                    "hukou_area_code")
            self._keep("members", m.select("household_id", "person_id", "relation", "living_together",
                                            "status").join(p, "person_id"))
        return self._cache["members"]

    def recipients(self, programs: Iterable[str] = PAID_PROGRAMS) -> ir.Table:
        """Persons covered on ``as_of`` by an open enrollment of one of ``programs``: person_key, person_id,
        enrollment_id, household_id, program (one row per person and enrollment)."""
        programs = tuple(programs)
        key = "recipients:" + ",".join(programs)
        if key not in self._cache:
            e = self.registry["enrollments"]
            as_of = ibis.literal(self.as_of)
            e = e.filter(e.program.isin(programs) & e.status.isin(OPEN_ENROLLMENT_STATUSES)
                         & (e.starts_on <= as_of) & (e.exited_on.isnull() | (e.exited_on > as_of)))
            em = self.registry["enrollment_members"]
            p = self.persons
            covered = em.join(e, "enrollment_id").select("enrollment_id", "person_id", "household_id", "program")
            self._keep(key, covered.join(p.select("person_key", "person_id"), "person_id").select(
                "person_key", "person_id", "enrollment_id", "household_id", "program"))
        return self._cache[key]

    def recipient_keys(self, programs: Iterable[str] = PAID_PROGRAMS) -> ir.Table:
        return self.recipients(programs).select("person_key").distinct()


PROGRAM_LABELS = {"dibao": "低保", "individual_dibao": "单人保", "tekun": "特困", "marginal": "低保边缘",
                  "rigid_expense": "刚性支出困难"}
RELATION_LABELS = {"head": "户主", "spouse": "配偶", "child": "子女", "parent": "父母", "grandchild": "孙子女",
                   "grandparent": "祖父母", "sibling": "兄弟姐妹", "child_in_law": "儿媳/女婿", "other": "其他"}


def death_events(ctx: RuleContext, *, window: str = LOOKBACK) -> ir.Table:
    """Every sign of a death in the window: police hukou cancellations and cremations (feed rows), with
    person_key, evidence_row_id, event_date and a short Chinese description ``what``."""
    police = ctx.feed("police_death", window=window)
    cremation = ctx.feed("funeral_cremation", window=window)
    return ibis.union(
        police.select(person_key=police.person_key, evidence_row_id=police.row_id, event_date=police.event_date,
                      what=ibis.literal("公安户籍死亡注销")),
        cremation.select(person_key=cremation.person_key, evidence_row_id=cremation.row_id,
                         event_date=cremation.event_date,
                         what=ibis.literal("火化登记（死亡日期 ") + day_text(cremation.death_date)
                         + ibis.literal("）")),
        distinct=False,
    )


def with_program(ctx: RuleContext, table: ir.Table, programs: Iterable[str] = PAID_PROGRAMS) -> ir.Table:
    """``table`` (having person_key) restricted to current recipients, with ``program_label`` (低保, 特困…)."""
    r = ctx.recipients(programs).select("person_key", "program").distinct()
    joined = table.join(r, "person_key")
    return joined.mutate(program_label=label(joined.program, PROGRAM_LABELS))


# --- rules -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    code: str
    version: int
    title: str
    category: str  # an AlertCategory value
    feeds: tuple[str, ...]
    parameters: tuple[str, ...]
    build: Callable[[RuleContext], ir.Table]
    description: str = ""

    def __post_init__(self) -> None:
        if self.category not in AlertCategory.values:
            raise ValueError(f"{self.code}: unknown category {self.category!r}")
        unknown = [kind for kind in self.feeds if kind not in FEED_COLUMNS]
        if unknown:
            raise ValueError(f"{self.code}: unknown feeds {unknown}")


def _collect() -> dict[str, Rule]:
    found: dict[str, Rule] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            if rule.code in found:
                raise ValueError(f"duplicate rule code {rule.code}")
            found[rule.code] = rule
    return dict(sorted(found.items()))


RULES: dict[str, Rule] = _collect()


def rule_parameters(rules: Iterable[Rule]) -> list[str]:
    """Every parameter code the rules read (the look-back windows included), in a stable order."""
    codes: dict[str, None] = {}
    for rule in rules:
        for code in rule.parameters:
            codes[code] = None
    return sorted(codes)


__all__ = [
    "FEED_COLUMNS",
    "OUTPUT_SCHEMA",
    "REGISTRY_COLUMNS",
    "RULES",
    "Rule",
    "RuleContext",
    "add_months",
    "born_by",
    "day_text",
    "death_events",
    "feed_schema",
    "label",
    "money",
    "output",
    "registry_evidence",
    "rule_parameters",
    "text",
    "with_program",
]
