"""The household roster spreadsheet: its template, and reading a filled-in file into validated rows.

Reading never writes. It returns either the households to create or every error found, each naming the
spreadsheet row and column in Chinese; the import action writes only a file with no errors at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from minzheng.areas.models import Area
from minzheng.core.errors import ApplicationError
from minzheng.core.spreadsheets import SheetColumn, read_table
from minzheng.registry.enums import ETHNICITY_BY_NAME, DisabilityKind, MemberStatus, Relation, SelfCare
from minzheng.registry.errors import RegistryErrorCode
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
SHEET_COLUMNS = [SheetColumn(key, header) for key, header in COLUMNS]
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


def read_roster(content: bytes, *, user, filename: str = "") -> tuple[list[RosterHousehold], list[ApplicationError]]:
    rows, errors = read_table(content, filename=filename, columns=SHEET_COLUMNS)
    formula_rows = {error.row for error in errors}
    areas = {a.code: a for a in Area.objects.all()}
    households: dict[str, RosterHousehold] = {}
    seen_ids: dict[str, int] = {}
    keys_with_errors: set[str] = set()
    for row in rows:
        row_number, cell = row.number, row.values
        if row_number in formula_rows:
            keys_with_errors.add(cell["household_key"])
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
