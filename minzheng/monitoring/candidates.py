"""Name-only feed rows: proposed matches for a person to confirm, never alerts by themselves.

A feed row without an ID number but with a name, birth date and area is compared with the registry: a person
with the same pinyin-normalized name (张三 and 张叁 both read "zhangsan"; every reading of the surname counts, so
单 matches "shan" and "dan"), the same birth date and a hukou area within the row's area is proposed as a
``NameMatchCandidate``. A town reviewer or district administrator confirms or rejects it. Confirmed pairs are
written to ``{LAKE}/matches/confirmed.parquet`` (``row_id``, ``person_key``), which the comparison engine reads
as if the feed row had carried that person's ID number. A name and birth date never decide alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from functools import lru_cache

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from minzheng.accounts.permissions import Perm, require
from minzheng.areas.codes import prefix_of
from minzheng.audit.actions import record_event
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.identifiers import parse_uuid
from minzheng.monitoring import lake
from minzheng.monitoring.enums import CandidateStatus
from minzheng.monitoring.models import FeedFile, NameMatchCandidate
from minzheng.registry.models import Person

_IGNORED = set(" \t\u3000·•．.・-")


@lru_cache(maxsize=20_000)
def _char_readings(char: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    if char.isascii():
        return (char.lower(),) if char.isalpha() else ()
    options = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    readings = [r.lower().replace("ü", "v") for r in (options[0] if options else [])]
    return tuple(dict.fromkeys(r for r in readings if r)) or (char,)


def pinyin_keys(name: str) -> frozenset[str]:
    """The full-pinyin spellings of a name: each reading of the surname, the usual reading of the rest."""
    chars = [c for c in (name or "").strip() if c not in _IGNORED]
    if not chars:
        return frozenset()
    rest = "".join(_char_readings(c)[0] if _char_readings(c) else "" for c in chars[1:])
    firsts = _char_readings(chars[0])[:4] or ("",)
    return frozenset(first + rest for first in firsts)


def names_match(a: str, b: str) -> bool:
    return bool(pinyin_keys(a) & pinyin_keys(b))


def propose_candidates(*, feed_file: FeedFile, rows: list[tuple[int, str, dt.date, str]]) -> int:
    """Create candidates for name-only rows ``(row number, name, birth date, area code)``; returns how many.

    Called by the ingestion action inside its transaction; writes no alert."""
    if not rows:
        return 0
    dates = sorted({born for _, _, born, _ in rows if born})
    people: dict[dt.date, list[tuple]] = {}
    for start in range(0, len(dates), 500):
        for person in Person.objects.filter(birth_date__in=dates[start:start + 500]).values_list(
                "pk", "name", "birth_date", "hukou_area_id"):
            people.setdefault(person[2], []).append(person)
    created = []
    for number, name, born, area_code in rows:
        if not (name and born and area_code):
            continue
        prefix = prefix_of(area_code)
        keys = pinyin_keys(name)
        for pk, person_name, _, hukou in people.get(born, ()):
            if hukou.startswith(prefix) and keys & pinyin_keys(person_name):
                created.append(NameMatchCandidate(file=feed_file, row_number=number, name=name[:64], birth_date=born,
                                                  area_id=hukou, person_id=pk))
    NameMatchCandidate.objects.bulk_create(created, batch_size=500, ignore_conflicts=True)
    return len(created)


def candidate_scope(user) -> QuerySet[NameMatchCandidate]:
    """Candidates of persons whose hukou is within the user's area."""
    return (NameMatchCandidate.objects.filter(area__code__startswith=user.area_prefix)
            .select_related("file", "file__kind", "person", "decided_by"))


def access_candidate_by_id(user, candidate_id) -> NameMatchCandidate:
    key = parse_uuid(candidate_id)
    candidate = candidate_scope(user).filter(pk=key).first() if key else None
    if candidate is None:
        raise NotFoundError("待确认匹配")
    return candidate


def row_id(candidate: NameMatchCandidate) -> str:
    return f"{candidate.file_id}:{candidate.row_number}"


def confirmed_pairs() -> list[tuple[str, str]]:
    return [(f"{file_id}:{number}", key) for file_id, number, key in
            NameMatchCandidate.objects.filter(status=CandidateStatus.CONFIRMED)
            .values_list("file_id", "row_number", "person__id_number_bidx")]


def rewrite_confirmed_matches():
    """Write ``matches/confirmed.parquet`` from the database (all confirmed candidates)."""
    return lake.write_confirmed_matches(confirmed_pairs())


def candidate_decide(*, acting_user, candidate: NameMatchCandidate, confirm: bool,
                     note: str = "") -> NameMatchCandidate:
    """Confirm (同一人) or reject (非同一人) a proposed match. Confirming one person for a row rejects the row's
    other proposals. The confirmed-matches file is rewritten, and rewritten again from the database if the
    transaction fails, so it never keeps a decision that was not committed."""
    require(acting_user, Perm.CANDIDATE_CONFIRM)
    if not candidate.area_id.startswith(acting_user.area_prefix):
        raise NotFoundError("待确认匹配")
    note = (note or "").strip()[:200]
    try:
        with transaction.atomic():
            locked = NameMatchCandidate.objects.select_for_update().get(pk=candidate.pk)
            if locked.status != CandidateStatus.PROPOSED:
                raise ApplicationError("candidate_decided", "该匹配已处理，不能重复确认")
            if confirm and NameMatchCandidate.objects.filter(
                    file_id=locked.file_id, row_number=locked.row_number,
                    status=CandidateStatus.CONFIRMED).exists():
                raise ApplicationError("candidate_row_confirmed", "该数据行已确认为其他人员")
            now = timezone.now()
            locked.status = CandidateStatus.CONFIRMED if confirm else CandidateStatus.REJECTED
            locked.decided_by, locked.decided_at, locked.note = acting_user, now, note
            locked.save(update_fields=["status", "decided_by", "decided_at", "note", "updated_at"])
            record_event(actor=acting_user, action="candidate_confirm" if confirm else "candidate_reject",
                         obj=locked, area_code=locked.area_id, before={"status": CandidateStatus.PROPOSED},
                         after={"status": locked.status, "row_id": row_id(locked)}, note=note)
            if confirm:
                others = list(NameMatchCandidate.objects.filter(
                    file_id=locked.file_id, row_number=locked.row_number, status=CandidateStatus.PROPOSED))
                for other in others:
                    other.status, other.decided_by, other.decided_at = CandidateStatus.REJECTED, acting_user, now
                    other.note = "同一数据行已确认为其他人员"
                    other.save(update_fields=["status", "decided_by", "decided_at", "note", "updated_at"])
                    record_event(actor=acting_user, action="candidate_reject", obj=other, area_code=other.area_id,
                                 before={"status": CandidateStatus.PROPOSED},
                                 after={"status": other.status, "row_id": row_id(other)}, note=other.note)
            rewrite_confirmed_matches()
    except BaseException:
        # The original error matters more; the next decision rewrites the file anyway.
        with contextlib.suppress(Exception):
            rewrite_confirmed_matches()
        raise
    candidate.refresh_from_db()
    return candidate


def candidate_confirm(*, acting_user, candidate: NameMatchCandidate, note: str = "") -> NameMatchCandidate:
    return candidate_decide(acting_user=acting_user, candidate=candidate, confirm=True, note=note)


def candidate_reject(*, acting_user, candidate: NameMatchCandidate, note: str = "") -> NameMatchCandidate:
    return candidate_decide(acting_user=acting_user, candidate=candidate, confirm=False, note=note)

