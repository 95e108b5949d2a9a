"""Identity numbers: the resident ID number (GB 11643-1999) and the organization USCC (GB 32100-2015).

Parsing never guesses: a number is either returned normalized with what it encodes, or an
``IdNumberError`` says why not, with a stable code and a Chinese message. An area prefix that is not a
known province is only a warning, since old and moved numbers stay valid for life.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from minzheng.core.errors import ApplicationError


class IdErrorCode(StrEnum):
    EMPTY = "id_empty"
    BAD_LENGTH = "id_bad_length"
    BAD_CHARACTERS = "id_bad_characters"
    BAD_CHECKSUM = "id_bad_checksum"
    IMPOSSIBLE_DATE = "id_impossible_date"
    UNKNOWN_AREA = "id_unknown_area"  # a warning, never an error


ID_MESSAGES = {
    IdErrorCode.EMPTY: "身份证号码不能为空",
    IdErrorCode.BAD_LENGTH: "身份证号码应为18位（或旧式15位）",
    IdErrorCode.BAD_CHARACTERS: "身份证号码只能由数字组成，最后一位可为X",
    IdErrorCode.BAD_CHECKSUM: "身份证号码校验位错误，请核对是否录入有误",
    IdErrorCode.IMPOSSIBLE_DATE: "身份证号码中的出生日期不存在或晚于今天",
    IdErrorCode.UNKNOWN_AREA: "身份证号码前两位不是已知的省级行政区划代码，请核实",
}


class IdNumberError(ApplicationError):
    def __init__(self, code: IdErrorCode, *, field: str | None = None, row: int | None = None) -> None:
        super().__init__(code, ID_MESSAGES[code], field=field, row=row)


# Province-level prefixes of GB/T 2260, plus 81/82/83 used by residence permits of
# Hong Kong, Macao and Taiwan residents.
PROVINCE_PREFIXES = frozenset((
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83"
).split())

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# Full-width ASCII (U+FF01–U+FF5E), as typed with a Chinese input method in full-width mode.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# ASCII only: str.isdigit() also accepts other scripts' digits and superscripts.
_ID18 = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
_ID15 = re.compile(r"[0-9]{15}", re.ASCII)
_EARLIEST_BIRTH = dt.date(1880, 1, 1)


def id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    area_code: str
    upgraded_from: str | None = None
    warnings: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {
            "valid": True,
            "number": self.number,
            "birth_date": self.birth_date.isoformat(),
            "sex": self.sex,
            "area_code": self.area_code,
            "upgraded_from": self.upgraded_from,
            "warnings": list(self.warnings),
        }


def normalize_id_text(raw: str | None) -> str:
    return re.sub(r"\s+", "", (raw or "")).translate(_FULLWIDTH).upper()


def _birth_date(text: str, today: dt.date) -> dt.date:
    try:
        born = dt.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as exc:
        raise IdNumberError(IdErrorCode.IMPOSSIBLE_DATE) from exc
    if born < _EARLIEST_BIRTH or born > today:
        raise IdNumberError(IdErrorCode.IMPOSSIBLE_DATE)
    return born


def upgrade_15_to_18(number15: str) -> str:
    """A first-generation 15-digit number gains the century "19" and a check character."""
    body = number15[:6] + "19" + number15[6:15]
    return body + id_check_char(body)


def parse_id_number(raw: str | None, *, today: dt.date | None = None) -> IdNumberInfo:
    """Validate and decode an ID number; 15-digit numbers come back upgraded to 18 digits.

    ``today`` is the day a birth date may not be later than (the current date unless given).
    """
    today = today or dt.date.today()
    text = normalize_id_text(raw)
    if not text:
        raise IdNumberError(IdErrorCode.EMPTY)
    upgraded_from = None
    if len(text) == 15:
        if not _ID15.fullmatch(text):
            raise IdNumberError(IdErrorCode.BAD_CHARACTERS)
        _birth_date("19" + text[6:12], today)
        upgraded_from = text
        text = upgrade_15_to_18(text)
    elif len(text) != 18:
        raise IdNumberError(IdErrorCode.BAD_LENGTH)
    if not _ID18.fullmatch(text):
        raise IdNumberError(IdErrorCode.BAD_CHARACTERS)
    born = _birth_date(text[6:14], today)
    if id_check_char(text[:17]) != text[17]:
        raise IdNumberError(IdErrorCode.BAD_CHECKSUM)
    warnings = () if text[:2] in PROVINCE_PREFIXES else (str(IdErrorCode.UNKNOWN_AREA),)
    return IdNumberInfo(
        number=text,
        birth_date=born,
        sex="M" if int(text[16]) % 2 else "F",
        area_code=text[:6],
        upgraded_from=upgraded_from,
        warnings=warnings,
    )


def is_valid_id_number(raw: str | None) -> bool:
    try:
        parse_id_number(raw)
    except IdNumberError:
        return False
    return True


def make_id_number(area6: str, birth: dt.date, sequence: int, *, male: bool) -> str:
    """Build a valid 18-digit number (demo data and tests): the sequence's last digit carries the sex."""
    seq = sequence % 1000
    if (seq % 2 == 1) != male:
        seq = (seq + 1) % 1000
        if (seq % 2 == 1) != male:
            seq = (seq + 1) % 1000
    body = f"{area6}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


# --- Unified social credit code (统一社会信用代码) -----------------------------------------

class UsccErrorCode(StrEnum):
    EMPTY = "uscc_empty"
    BAD_LENGTH = "uscc_bad_length"
    BAD_CHARACTERS = "uscc_bad_characters"
    BAD_ORG_CODE = "uscc_bad_org_code_checksum"
    BAD_CHECKSUM = "uscc_bad_checksum"


USCC_MESSAGES = {
    UsccErrorCode.EMPTY: "统一社会信用代码不能为空",
    UsccErrorCode.BAD_LENGTH: "统一社会信用代码应为18位",
    UsccErrorCode.BAD_CHARACTERS: "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）",
    UsccErrorCode.BAD_ORG_CODE: "统一社会信用代码中的组织机构代码校验位错误",
    UsccErrorCode.BAD_CHECKSUM: "统一社会信用代码校验位错误",
}


class UsccError(ApplicationError):
    def __init__(self, code: UsccErrorCode, *, field: str | None = None) -> None:
        super().__init__(code, USCC_MESSAGES[code], field=field)


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of the 9-character organization code inside a USCC."""
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w
                for ch, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def parse_uscc(raw: str | None) -> str:
    text = normalize_id_text(raw)
    if not text:
        raise UsccError(UsccErrorCode.EMPTY)
    if len(text) != 18:
        raise UsccError(UsccErrorCode.BAD_LENGTH)
    if any(ch not in _USCC_CHARS for ch in text):
        raise UsccError(UsccErrorCode.BAD_CHARACTERS)
    if uscc_check_char(text[:17]) != text[17]:
        raise UsccError(UsccErrorCode.BAD_CHECKSUM)
    if org_code_check_char(text[8:16]) != text[16]:
        raise UsccError(UsccErrorCode.BAD_ORG_CODE)
    return text


def make_uscc(prefix2: str, area6: str, org8: str) -> str:
    """Build a valid USCC from its parts (tests and demo data)."""
    body = prefix2 + area6 + org8 + org_code_check_char(org8)
    return body + uscc_check_char(body)


def parse_uuid(value) -> uuid.UUID | None:
    """A record key from a URL or form: the UUID, or None for anything malformed (which callers answer
    exactly like a missing record)."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None
