"""Monthly public disclosure (按月公示): per village, the printable list of who was paid by a payroll run.

The list shows each payee's name masked as 张*三, the ID number masked (first six and last four), the number of
covered persons and the amount. Left off, without a trace on the page:

- held (暂缓发放) and cancelled (不予发放) lines — they are not being paid;
- every line whose payee is under 18 on the first day of the run's month;
- for a program that protects minors (``PayableProgram.protect_minors``, e.g. 特困), every line that covers a minor;
- a line whose payee's age (or, where minors are protected, a covered person's age) cannot be established: when in
  doubt a person is not published.

A run is disclosed once it is approved (a draft may still change). Only users whose area contains the village get
its list, and every print is logged in the access log, since the list names persons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from minzheng.areas.enums import AreaLevel
from minzheng.areas.models import Area
from minzheng.areas.selectors import area_name, area_path
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.identifiers import IdNumberError, parse_id_number, parse_uuid
from minzheng.core.masking import mask_id_number, mask_name
from minzheng.documents.formats import cn_date, money
from minzheng.documents.person import unit_name
from minzheng.documents.spec import Column, FormDocument, ListTable, Paragraph, Signatures
from minzheng.payments.enums import LOCKED_STATUSES, LineStatus
from minzheng.payments.models import PayrollLine, PayrollRun
from minzheng.payments.programs import get_program, program_label
from minzheng.payments.selectors import line_scope

DAYS_PARAMETER = "payments.disclosure_days"
# The age of majority (民法典第十七条): a person under it is never on a public list.
ADULT_AGE = 18
# Lines that are being paid and so are published; held and cancelled lines are not.
LISTED_STATUSES = frozenset({LineStatus.PENDING, LineStatus.EXPORTED, LineStatus.PAID, LineStatus.FAILED})
DISCLOSABLE_RUN_STATUSES = LOCKED_STATUSES

OBJECTION_TEXT = "如有异议，请在公示期内向村（居）委会或乡镇人民政府反映。"
DISCLOSURE_FIELDS = ["payee_name(masked)", "id_number(masked)", "member_count", "amount"]


class DisclosureErrorCode:
    RUN_NOT_APPROVED = "disclosure_run_not_approved"


@dataclass(frozen=True)
class DisclosureRow:
    name: str  # masked
    id_number: str  # masked
    member_count: int
    amount_fen: int


@dataclass(frozen=True)
class VillageDisclosure:
    code: str
    name: str
    path: str
    listed: int  # lines on the public list
    withheld: int  # lines being paid but kept off the list (minors, or age unknown)


def can_disclose(run: PayrollRun) -> bool:
    return run.status in DISCLOSABLE_RUN_STATUSES


def check_disclosable(run: PayrollRun) -> None:
    if not can_disclose(run):
        raise ApplicationError(DisclosureErrorCode.RUN_NOT_APPROVED, "发放名册批准后方可打印发放公示")


def protects_minors(program_code: str) -> bool:
    """Whether the program keeps every covered minor off public lists; an unknown program is treated as if so."""
    try:
        return bool(get_program(program_code).protect_minors)
    except ApplicationError:
        return True


def _listed_lines(lines) -> list[PayrollLine]:
    return list(lines.filter(status__in=LISTED_STATUSES).select_related("payee", "account")
                .order_by("area_id", "payee_name", "source_key"))


def _people(lines: list[PayrollLine], *, protect: bool) -> dict[str, object]:
    """The covered persons of the lines by id, in one query; only needed where every covered minor is protected
    (payees come with their lines)."""
    from minzheng.registry.models import Person

    if not protect:
        return {}
    ids = {parse_uuid(pid) for line in lines for pid in (line.person_ids or [])} - {None}
    return {str(person.pk): person for person in Person.objects.filter(pk__in=list(ids))}


def _payee_id_number(line: PayrollLine) -> str:
    if line.payee is not None:
        return line.payee.id_number or ""
    if line.account is not None:
        return line.account.holder_id_number or ""
    return ""


def _birth_date(line: PayrollLine) -> dt.date | None:
    if line.payee is not None:
        return line.payee.birth_date
    try:
        return parse_id_number(_payee_id_number(line)).birth_date
    except IdNumberError:
        return None


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_published(line: PayrollLine, *, period: dt.date, protect: bool, people: dict[str, object]) -> bool:
    """Whether a listed-status line may appear on the public list (the rules of the module docstring)."""
    birth = _birth_date(line)
    if birth is None or _age_on(birth, period) < ADULT_AGE:
        return False
    if protect:
        for pid in line.person_ids or []:
            person = people.get(str(pid))
            if person is None or _age_on(person.birth_date, period) < ADULT_AGE:
                return False
    return True


def _split(lines: list[PayrollLine], run: PayrollRun) -> tuple[list[PayrollLine], list[PayrollLine]]:
    protect = protects_minors(run.program)
    people = _people(lines, protect=protect)
    published, withheld = [], []
    for line in lines:
        (published if is_published(line, period=run.period, protect=protect, people=people) else withheld).append(line)
    return published, withheld


def disclosure_rows(*, user, run: PayrollRun, village_code: str) -> list[DisclosureRow]:
    """The rows of one village's list, from the lines the user may see."""
    lines = _listed_lines(line_scope(user).filter(run=run, area_id=village_code))
    published, _ = _split(lines, run)
    return [DisclosureRow(name=mask_name(line.payee_name), id_number=mask_id_number(_payee_id_number(line)),
                          member_count=line.member_count, amount_fen=line.amount_fen) for line in published]


def disclosure_villages(*, user, run: PayrollRun) -> list[VillageDisclosure]:
    """The villages of the run within the user's area, with how many lines each list shows and withholds."""
    lines = _listed_lines(line_scope(user).filter(run=run))
    published, withheld = _split(lines, run)
    counts: dict[str, list[int]] = {}
    for line in published:
        counts.setdefault(line.area_id, [0, 0])[0] += 1
    for line in withheld:
        counts.setdefault(line.area_id, [0, 0])[1] += 1
    return [VillageDisclosure(code=code, name=area_name(code), path=area_path(code), listed=listed,
                              withheld=kept_off)
            for code, (listed, kept_off) in sorted(counts.items())]


def access_disclosure_village(*, user, run: PayrollRun, village_code: str) -> Area:
    """The village, if it is inside the user's area and the run pays someone there; otherwise not found."""
    code = (village_code or "").strip()
    if len(code) != 12 or not code.isdigit() or not code.startswith(user.area_prefix):
        raise NotFoundError("发放公示")
    village = Area.objects.filter(code=code, level=AreaLevel.VILLAGE).first()
    if village is None or not line_scope(user).filter(run=run, area_id=code).exists():
        raise NotFoundError("发放公示")
    return village


def disclosure_title(*, run: PayrollRun, village: Area) -> str:
    """毛集实验区××村 2025年6月 最低生活保障 发放公示."""
    district = area_name(village.code[:6] + "000000")
    return f"{district}{village.name} {run.period.year}年{run.period.month}月 {program_label(run.program)} 发放公示"


def disclosure_days(*, village: Area, on: dt.date) -> int:
    from minzheng.policy.selectors import parameter_value

    return parameter_value(DAYS_PARAMETER, area_code=village.code, on=on)


def disclosure_document(*, user, run: PayrollRun, village: Area, on: dt.date | None = None,
                        now: dt.datetime | None = None) -> FormDocument:
    """The public list of one village for one run, posted from ``on`` (default today) for the number of days of
    ``payments.disclosure_days``. The caller has checked access (``access_disclosure_village``) and logs the print.
    """
    check_disclosable(run)
    starts = on or timezone.localdate()
    days = disclosure_days(village=village, on=starts)
    ends = starts + dt.timedelta(days=max(days, 1) - 1)
    rows = disclosure_rows(user=user, run=run, village_code=village.code)
    label = program_label(run.program)
    month = f"{run.period.year}年{run.period.month}月"
    total_fen = sum(row.amount_fen for row in rows)
    table = ListTable(numbered=True, empty_text="（本月无公示对象）", columns=[
        Column("领款人", 1.2), Column("身份证号码", 2.4), Column("保障人数", 1.0), Column("发放金额", 1.4, "R")],
        rows=[[row.name, row.id_number, f"{row.member_count}人", money(row.amount_fen)] for row in rows])
    return FormDocument(
        title=disclosure_title(run=run, village=village),
        issuer=area_path(village.code, from_level=AreaLevel.DISTRICT).replace("·", ""),
        generated_at=now, generated_by=user.display_name,
        blocks=[
            Paragraph(f"现将{village.name}{month}{label}资金发放情况予以公示。公示期{days}天，"
                      f"自{cn_date(starts)}至{cn_date(ends)}。"),
            table,
            Paragraph(f"本次公示共{len(rows)}户，发放金额合计{money(total_fen)}。", indent=False),
            Paragraph(OBJECTION_TEXT),
            Signatures(boxes=[], seal_unit=unit_name(village)),
        ],
        notes=["说明：姓名、身份证号码按规定脱敏公示；未成年人信息不予公示。"],
    )
