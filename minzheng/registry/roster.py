"""The household roster spreadsheet: its template, and reading a filled-in file into validated rows.

Reading never writes. It returns either the households to create or every error found, each naming the
spreadsheet row and column in Chinese; the import action writes only a file with no errors at all.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from minzheng.areas.models import Area
from minzheng.core.errors import ApplicationError
from minzheng.registry.enums import ETHNICITY_BY_NAME, DisabilityKind, MemberStatus, Relation, SelfCare
from minzheng.registry.errors import MESSAGES, RegistryErrorCode
from minzheng.registry.validation import (
    CleanPerson,
    PersonInput,
    clean_member_status,
    clean_person,
    clean_relation,
)

COLUMNS = [
    ("household_key", "户序号"),
    ("relation", "与户主关系"),
    ("name", "姓名"),
    ("id_number", "身份证号码"),
    ("ethnicity", "民族"),
    ("hukou_area", "户籍地区划代码"),
    ("residence_area", "居住地区划代码"),
    ("address", "家庭住址"),
    ("phone", "联系电话"),
    ("living_together", "是否共同生活"),
    ("status", "成员状态"),
    ("disability_kind", "残疾类别"),
    ("disability_grade", "残疾等级"),
    ("self_care", "生活自理能力"),
]
HEADERS = [header for _, header in COLUMNS]
LABELS = dict(COLUMNS)

_YES = {"是", "Y", "y", "yes", "1", "TRUE", "true", "√"}
_NO = {"否", "N", "n", "no", "0", "FALSE", "false", "×"}
_MAX_UNZIPPED_RATIO = 100


def template_bytes(example_area: str = "340471100201") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "家庭花名册"
    sheet.append(HEADERS)
    for index in range(1, len(HEADERS) + 1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.cell(row=1, column=index).fill = PatternFill("solid", fgColor="DDE7F3")
        sheet.column_dimensions[get_column_letter(index)].width = 16
    sheet.column_dimensions["D"].width = 22
    for column, values in {
        "B": [label for _, label in Relation.choices],
        "J": ["是", "否"],
        "K": [label for _, label in MemberStatus.choices],
        "L": [label for _, label in DisabilityKind.choices],
        "M": ["1", "2", "3", "4"],
        "N": [label for _, label in SelfCare.choices],
    }.items():
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        validation.add(f"{column}2:{column}5000")
        sheet.add_data_validation(validation)
    guide = workbook.create_sheet("填写说明")
    for line in [
        "1. 同一户的成员填写相同的「户序号」（本文件内自行编号，如1、2、3），每户有且仅有一名「户主」。",
        "2. 身份证号码为18位（旧式15位自动升级），性别和出生日期由号码自动得出，无需填写。",
        f"3. 区划代码填写12位村（社区）代码，例如 {example_area}；家庭所在村以户主户籍地为准。",
        "4. 是否共同生活填写「是」或「否」；成员状态、残疾类别、生活自理能力请从下拉列表选择。",
        "5. 单元格中不得填写公式。任何一行有错误时，整个文件都不会导入，请按提示修改后重新上传。",
    ]:
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class RosterMember:
    row: int
    person: CleanPerson
    relation: str
    living_together: bool
    status: str


@dataclass
class RosterHousehold:
    key: str
    members: list[RosterMember] = field(default_factory=list)

    @property
    def head(self) -> RosterMember:
        return next(m for m in self.members if m.relation == Relation.HEAD)


def _error(row: int | None, column: str | None, message: str, code: RegistryErrorCode) -> ApplicationError:
    return ApplicationError(code, message, row=row, field=LABELS.get(column, column) if column else None)


def _check_archive(content: bytes) -> None:
    """Refuse zip bombs before openpyxl inflates anything: cap the unpacked size and ratio."""
    limit = settings.MINZHENG_IMPORT_MAX_BYTES
    if len(content) > limit:
        raise ApplicationError(RegistryErrorCode.IMPORT_TOO_LARGE,
                               f"文件大小超过上限（{limit // (1024 * 1024)} MB）")
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ApplicationError(RegistryErrorCode.IMPORT_FILE, MESSAGES[RegistryErrorCode.IMPORT_FILE]) from exc
    # Either bound alone refuses: a small file may not inflate a hundredfold, nor any file past ten times the limit.
    if unpacked > min(limit * 10, len(content) * _MAX_UNZIPPED_RATIO):
        raise ApplicationError(RegistryErrorCode.IMPORT_TOO_LARGE, "文件解压后体积异常，疑似压缩炸弹，已拒绝")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def read_roster(content: bytes, *, user) -> tuple[list[RosterHousehold], list[ApplicationError]]:
    _check_archive(content)
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ApplicationError(RegistryErrorCode.IMPORT_FILE, MESSAGES[RegistryErrorCode.IMPORT_FILE]) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    while header and header[-1] == "":
        header.pop()
    if header != HEADERS:
        missing = [h for h in HEADERS if h not in header]
        extra = [h for h in header if h not in HEADERS]
        detail = []
        if missing:
            detail.append("缺少列：" + "、".join(missing))
        if extra:
            detail.append("多出列：" + "、".join(extra))
        if not detail:
            detail.append("列的顺序与模板不同")
        message = MESSAGES[RegistryErrorCode.IMPORT_HEADER] + "（" + "；".join(detail) + "），请下载模板填写"
        raise ApplicationError(RegistryErrorCode.IMPORT_HEADER, message, row=1)

    areas = {a.code: a for a in Area.objects.all()}
    errors: list[ApplicationError] = []
    households: dict[str, RosterHousehold] = {}
    seen_ids: dict[str, int] = {}
    keys_with_errors: set[str] = set()
    max_rows = settings.MINZHENG_IMPORT_MAX_ROWS
    data_rows = 0
    for row_number, raw in enumerate(rows, start=2):
        values = [_text(v) for v in raw[: len(COLUMNS)]]
        values += [""] * (len(COLUMNS) - len(values))
        if not any(values):
            continue
        data_rows += 1
        if data_rows > max_rows:
            raise ApplicationError(RegistryErrorCode.IMPORT_TOO_LARGE, f"数据行数超过上限（{max_rows}行），请分批导入")
        cell = dict(zip([key for key, _ in COLUMNS], values, strict=True))
        formula_columns = [key for key, value in cell.items() if value.startswith("=")]
        for key in formula_columns:
            errors.append(_error(row_number, key, "单元格中不得含有公式", RegistryErrorCode.IMPORT_VALUE))
        if formula_columns:
            continue
        row_errors: list[ApplicationError] = []
        if not cell["household_key"]:
            row_errors.append(_error(row_number, "household_key", "户序号不能为空", RegistryErrorCode.IMPORT_VALUE))
        relation, problem = clean_relation(cell["relation"], field=LABELS["relation"], row=row_number)
        if problem:
            row_errors.append(problem)
        status, problem = clean_member_status(cell["status"], field=LABELS["status"], row=row_number)
        if problem:
            row_errors.append(problem)
        living = cell["living_together"] or "是"
        if living not in _YES | _NO:
            row_errors.append(_error(row_number, "living_together", "是否共同生活应填「是」或「否」",
                                     RegistryErrorCode.IMPORT_VALUE))
        ethnicity = ETHNICITY_BY_NAME.get(cell["ethnicity"], cell["ethnicity"]) if cell["ethnicity"] else "01"
        kind_by_label = {label: code for code, label in DisabilityKind.choices}
        kind = kind_by_label.get(cell["disability_kind"], cell["disability_kind"])
        care_by_label = {label: code for code, label in SelfCare.choices}
        care = care_by_label.get(cell["self_care"], cell["self_care"]) or SelfCare.FULL
        grade: int | None = None
        if cell["disability_grade"]:
            text = cell["disability_grade"].removesuffix("级")
            grade_map = {"一": 1, "二": 2, "三": 3, "四": 4}
            grade = grade_map.get(text) or (int(text) if text.isdigit() else -1)
        clean, person_errors = clean_person(
            PersonInput(name=cell["name"], id_number=cell["id_number"], ethnicity=ethnicity,
                        hukou_area=cell["hukou_area"], residence_area=cell["residence_area"] or cell["hukou_area"],
                        address=cell["address"], phone=cell["phone"], disability_kind=kind,
                        disability_grade=grade, self_care=care),
            user=user, row=row_number, labels=LABELS, areas=areas,
        )
        row_errors.extend(person_errors)
        if clean is not None:
            first = seen_ids.get(clean.id_number)
            if first is not None:
                row_errors.append(_error(row_number, "id_number", f"身份证号码与第{first}行重复",
                                         RegistryErrorCode.IMPORT_DUPLICATE))
            else:
                seen_ids[clean.id_number] = row_number
        if row_errors or clean is None or relation is None or status is None:
            errors.extend(row_errors)
            keys_with_errors.add(cell["household_key"])
            continue
        household = households.setdefault(cell["household_key"], RosterHousehold(key=cell["household_key"]))
        household.members.append(RosterMember(row=row_number, person=clean, relation=relation,
                                              living_together=living in _YES, status=status))
    workbook.close()

    if data_rows == 0:
        raise ApplicationError(RegistryErrorCode.IMPORT_EMPTY, MESSAGES[RegistryErrorCode.IMPORT_EMPTY])
    for household in households.values():
        if household.key in keys_with_errors:
            continue
        heads = [m for m in household.members if m.relation == Relation.HEAD]
        if len(heads) != 1:
            first_row = household.members[0].row
            errors.append(_error(first_row, "relation",
                                 f"户序号「{household.key}」有{len(heads)}名户主，每户须有且仅有一名户主",
                                 RegistryErrorCode.HEAD_REQUIRED))
    return list(households.values()), errors
