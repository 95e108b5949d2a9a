"""Validation of person and membership input, shared by the forms, the API and the roster import.

Every check returns ``ApplicationError``s naming the field (and the row, for imports) instead of raising
at the first problem, so a person sees everything to fix at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from minzheng.areas.enums import AreaLevel
from minzheng.areas.models import Area
from minzheng.core.errors import ApplicationError
from minzheng.core.identifiers import IdNumberError, parse_id_number
from minzheng.registry.enums import (
    ETHNICITY_CHOICES,
    DisabilityKind,
    MemberStatus,
    Relation,
    SelfCare,
)
from minzheng.registry.errors import MESSAGES, RegistryErrorCode

_NAME_RE = re.compile(r"^[\u3400-\u9fff\uf900-\ufaffA-Za-z·•．.]{1,30}$")
_PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
_ETHNICITY_CODES = {code for code, _ in ETHNICITY_CHOICES}


def _error(code: RegistryErrorCode, field: str, row: int | None, message: str | None = None) -> ApplicationError:
    return ApplicationError(code, message or MESSAGES[code], field=field, row=row)


@dataclass
class PersonInput:
    name: str
    id_number: str
    ethnicity: str = "01"
    hukou_area: str = ""
    residence_area: str = ""
    address: str = ""
    phone: str = ""
    disability_kind: str = ""
    disability_grade: int | None = None
    self_care: str = SelfCare.FULL
    death_date: dt.date | None = None


@dataclass
class CleanPerson:
    name: str
    id_number: str
    sex: str
    birth_date: dt.date
    ethnicity: str
    hukou_area: Area
    residence_area: Area
    address: str
    phone: str
    disability_kind: str
    disability_grade: int | None
    self_care: str
    death_date: dt.date | None
    id_warnings: tuple[str, ...] = ()


def clean_person(data: PersonInput, *, user, row: int | None = None,
                 labels: dict[str, str] | None = None,
                 areas: dict[str, Area] | None = None) -> tuple[CleanPerson | None, list[ApplicationError]]:
    """Check one person's input. ``labels`` maps field names to what the person sees (form labels or
    spreadsheet headers); ``areas`` lets an import look areas up once for the whole file."""
    labels = labels or {}
    label = lambda name: labels.get(name, name)  # noqa: E731
    errors: list[ApplicationError] = []

    name = (data.name or "").strip().replace(" ", "")
    if not name:
        errors.append(_error(RegistryErrorCode.NAME_REQUIRED, label("name"), row))
    elif not _NAME_RE.match(name):
        errors.append(_error(RegistryErrorCode.NAME_INVALID, label("name"), row))

    info = None
    try:
        info = parse_id_number(data.id_number)
    except IdNumberError as exc:
        errors.append(ApplicationError(exc.code, exc.message, field=label("id_number"), row=row))

    ethnicity = (data.ethnicity or "01").strip()
    if ethnicity not in _ETHNICITY_CODES:
        errors.append(_error(RegistryErrorCode.IMPORT_VALUE, label("ethnicity"), row, "民族不在56个民族之列"))

    def area_for(code: str, field: str) -> Area | None:
        code = (code or "").strip()
        area = areas.get(code) if areas is not None else Area.objects.filter(code=code).first()
        if area is None or area.level != AreaLevel.VILLAGE:
            errors.append(_error(RegistryErrorCode.AREA_LEVEL, label(field), row,
                                 f"区划代码「{code}」不是已登记的村（社区）" if code else "请选择到村（社区）一级"))
            return None
        return area

    hukou = area_for(data.hukou_area, "hukou_area")
    residence = area_for(data.residence_area or data.hukou_area, "residence_area")
    prefix = user.area_prefix
    if hukou and residence and not (hukou.code.startswith(prefix) or residence.code.startswith(prefix)):
        errors.append(_error(RegistryErrorCode.AREA_OUT_OF_SCOPE, label("hukou_area"), row,
                             "户籍地和居住地都不在您的管辖范围内"))

    phone = (data.phone or "").strip().replace(" ", "")
    if phone and not _PHONE_RE.match(phone):
        errors.append(_error(RegistryErrorCode.PHONE_INVALID, label("phone"), row))

    kind = (data.disability_kind or "").strip()
    grade = data.disability_grade
    if kind and kind not in DisabilityKind.values:
        errors.append(_error(RegistryErrorCode.IMPORT_VALUE, label("disability_kind"), row, "残疾类别无效"))
    if grade is not None and grade not in (1, 2, 3, 4):
        errors.append(_error(RegistryErrorCode.IMPORT_VALUE, label("disability_grade"), row, "残疾等级应为1至4级"))
    if bool(kind) != (grade is not None):
        errors.append(_error(RegistryErrorCode.DISABILITY_INCOMPLETE, label("disability_grade"), row))

    self_care = (data.self_care or SelfCare.FULL).strip()
    if self_care not in SelfCare.values:
        errors.append(_error(RegistryErrorCode.IMPORT_VALUE, label("self_care"), row, "生活自理能力取值无效"))

    death = data.death_date
    if death is not None:
        if info and death < info.birth_date:
            errors.append(_error(RegistryErrorCode.DEATH_BEFORE_BIRTH, label("death_date"), row))
        if death > dt.date.today():
            errors.append(_error(RegistryErrorCode.DEATH_IN_FUTURE, label("death_date"), row))

    if errors or info is None or hukou is None or residence is None:
        return None, errors
    return CleanPerson(
        name=name, id_number=info.number, sex=info.sex, birth_date=info.birth_date, ethnicity=ethnicity,
        hukou_area=hukou, residence_area=residence, address=(data.address or "").strip()[:200], phone=phone,
        disability_kind=kind, disability_grade=grade, self_care=self_care, death_date=death,
        id_warnings=info.warnings,
    ), []


def clean_relation(value: str, *, field: str, row: int | None = None) -> tuple[str | None, ApplicationError | None]:
    value = (value or "").strip()
    if value in Relation.values:
        return value, None
    by_label = {label: code for code, label in Relation.choices}
    by_label.update({"本人": Relation.HEAD, "妻子": Relation.SPOUSE, "丈夫": Relation.SPOUSE, "夫": Relation.SPOUSE,
                     "妻": Relation.SPOUSE, "儿子": Relation.CHILD, "女儿": Relation.CHILD, "子": Relation.CHILD,
                     "女": Relation.CHILD, "父亲": Relation.PARENT, "母亲": Relation.PARENT,
                     "孙子": Relation.GRANDCHILD, "孙女": Relation.GRANDCHILD, "儿媳": Relation.CHILD_IN_LAW,
                     "女婿": Relation.CHILD_IN_LAW})
    if value in by_label:
        return by_label[value], None
    return None, _error(RegistryErrorCode.IMPORT_VALUE, field, row,
                        f"与户主关系「{value}」无效，可填：" + "、".join(label for _, label in Relation.choices))


def clean_member_status(value: str, *, field: str,
                        row: int | None = None) -> tuple[str | None, ApplicationError | None]:
    value = (value or "").strip() or MemberStatus.NORMAL
    if value in MemberStatus.values:
        return value, None
    by_label = {label: code for code, label in MemberStatus.choices}
    if value in by_label:
        return by_label[value], None
    return None, _error(RegistryErrorCode.IMPORT_VALUE, field, row,
                        f"成员状态「{value}」无效，可填：" + "、".join(label for _, label in MemberStatus.choices))
