"""Payable programs: what payments needs to know about a benefit, and nothing more.

A program (低保, 特困, 临时救助, later 孤儿 or the disability subsidies) registers one ``PayableProgram`` from its
own app (``AppConfig.ready``). Payments asks it for its *sources* — the enrollments, cases or grants that may be
paid in a month — each with a schedule of what is due month by month, and does the rest itself: arrears and
deductions, stops for death, payee checks, bank files, reconciliation, budgets. The tests register a program that
exists nowhere else to prove a new one needs no change here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from minzheng.core.errors import ApplicationError


@dataclass(frozen=True)
class Source:
    """One thing that may be paid: an enrollment, a case, a grant.

    ``schedule`` is a step function of the monthly amount: ``(first day of a month, amount in fen)`` pairs in date
    order; each amount holds from its month until the next pair (zero before the first pair). A one-off payment
    is ``[(month, amount), (next month, 0)]``; a suspension is a pair with 0. ``components`` splits the amount of
    the latest pair for display (e.g. 特困 basic living and care), keyed by a label.
    """

    key: str
    area_code: str
    payee_name: str
    payee_id_bidx: str
    schedule: tuple[tuple[dt.date, int], ...]
    person_ids: tuple[str, ...] = ()
    household_id: str | None = None
    payee_person_id: str | None = None
    last_reviewed_on: dt.date | None = None
    components: dict[str, int] = field(default_factory=dict)


class PayableProgram:
    """Subclass and register. ``sources`` must be deterministic and ordered by key (steps resume after a key)."""

    code: str = ""
    label: str = ""
    # Programs in the same non-empty group exclude each other: a person covered by two of them is held.
    exclusive_group: str = ""
    # True where every covered minor must stay off public lists (特困, orphans); otherwise only a minor payee is.
    protect_minors: bool = False

    def sources(self, *, area_prefix: str, period: dt.date, after: str | None = None,
                limit: int | None = None) -> list[Source]:
        raise NotImplementedError

    def covered_person_ids(self, *, area_prefix: str, period: dt.date) -> set[str]:
        """Everyone this program covers in the month (for the exclusive-program check). Override when cheaper."""
        covered: set[str] = set()
        after = None
        while True:
            batch = self.sources(area_prefix=area_prefix, period=period, after=after, limit=5000)
            for source in batch:
                if due_in(source.schedule, period):
                    covered.update(source.person_ids)
            if len(batch) < 5000:
                return covered
            after = batch[-1].key

    def on_paid(self, source_keys: Iterable[str], paid_on: dt.date) -> None:
        """Called when the bank confirms payments of these sources (e.g. a temporary-aid case becomes 已发放)."""


_PROGRAMS: dict[str, PayableProgram] = {}
# Other records of death than the registry's (funeral and cremation records, the police's death register), as
# sets of person keys (the registry's blind index of the ID number). Monitoring registers its feeds here.
_DEATH_SOURCES: dict[str, Callable[[], set[str]]] = {}


def register_death_source(name: str, source: Callable[[], set[str]]) -> None:
    _DEATH_SOURCES[name] = source


def unregister_death_source(name: str) -> None:
    _DEATH_SOURCES.pop(name, None)


def recorded_deaths() -> set[str]:
    """Person keys of everyone some other department has recorded as dead."""
    keys: set[str] = set()
    for source in _DEATH_SOURCES.values():
        keys |= source()
    return keys


def register_program(program: PayableProgram) -> PayableProgram:
    if not program.code or not program.label:
        raise ValueError("a payable program needs a code and a label")
    _PROGRAMS[program.code] = program
    return program


def unregister_program(code: str) -> None:
    _PROGRAMS.pop(code, None)


def get_program(code: str) -> PayableProgram:
    try:
        return _PROGRAMS[code]
    except KeyError:
        raise ApplicationError("payments_unknown_program", f"没有这个发放项目：{code}。") from None


def programs() -> list[PayableProgram]:
    return sorted(_PROGRAMS.values(), key=lambda p: p.code)


def program_choices() -> list[tuple[str, str]]:
    return [(p.code, p.label) for p in programs()]


def program_label(code: str) -> str:
    program = _PROGRAMS.get(code)
    return program.label if program else code


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_between(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """First days of every month from ``first``'s month to ``last``'s month, both included."""
    month = month_start(first)
    while month <= last:
        yield month
        month = next_month(month)


def due_in(schedule, month: dt.date) -> int:
    amount = 0
    for start, value in schedule:
        if start > month:
            break
        amount = value
    return amount
