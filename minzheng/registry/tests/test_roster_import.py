"""The household roster import at /registry/households/import/: the template round-trips, and any bad file or
bad row imports nothing while the page names each row and column in Chinese."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from minzheng.audit.models import Event
from minzheng.core.errors import ValidationErrors
from minzheng.core.identifiers import make_id_number
from minzheng.registry import roster
from minzheng.registry.actions import household_roster_import
from minzheng.registry.enums import Relation
from minzheng.registry.models import Household, Membership, Person
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db

HEAD = make_id_number("340471", dt.date(1958, 6, 1), 11, male=True)
WIFE = make_id_number("340471", dt.date(1960, 2, 29), 22, male=False)
SON = make_id_number("340471", dt.date(1990, 9, 9), 33, male=True)
WIDOW = make_id_number("340471", dt.date(1942, 12, 24), 44, male=False)


def _row(key, relation, name, number, **extra) -> list:
    values = {"ethnicity": "汉族", "hukou_area": f.VILLAGE_A1, "residence_area": "", "address": "甲一村1组",
              "phone": "", "living_together": "是", "status": "正常", "disability_kind": "", "disability_grade": "",
              "self_care": ""}
    values.update(extra)
    return [key, relation, name, number, *values.values()]


GOOD_ROWS = [
    _row("1", "户主", "张三", HEAD, phone="13800138000"),
    _row("1", "配偶", "李梅", WIFE, disability_kind="肢体残疾", disability_grade="2"),
    _row("1", "子女", "张小明", SON, living_together="否", status="服刑"),
    _row("2", "户主", "王秀英", WIDOW, self_care="部分丧失生活自理能力"),
]


@pytest.fixture
def worker(users, login):
    return login(users["village_a1"])


@pytest.fixture
def template(worker) -> bytes:
    response = worker.get(reverse("registry:roster_template"))
    assert response.status_code == 200
    return response.content


def fill(template: bytes, rows: list[list], *, header: list | None = None) -> bytes:
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    if header is not None:
        for column, value in enumerate(header, start=1):
            sheet.cell(row=1, column=column, value=value)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "花名册.xlsx"):
    return client.post(reverse("registry:roster_import"), {"file": SimpleUploadedFile(name, content)})


def page_errors(response) -> list[tuple[int | None, str | None, str]]:
    assert response.status_code == 200
    return [(e.row, e.field, e.message) for e in response.context["errors"]]


def assert_nothing_imported() -> None:
    assert not Person.objects.exists()
    assert not Household.objects.exists()
    assert not Event.objects.exists()


# --- the template round-trips ------------------------------------------------------------------------------


def test_template_has_the_roster_headers(template):
    """Given the 甲一村 worker, when they download the template, then its first sheet has the roster headers."""
    sheet = load_workbook(io.BytesIO(template), read_only=True).worksheets[0]
    assert list(next(sheet.iter_rows(values_only=True))) == roster.HEADERS


def test_filled_template_imports_households_and_members(worker, template):
    """Given the template filled with two households (3 and 1 members), when it is uploaded, then both households
    exist in 甲一村 with the right heads, relations and member values."""
    response = upload(worker, fill(template, GOOD_ROWS))
    assert response.status_code == 302 and response.url == reverse("registry:household_list")
    zhang = Household.objects.get(head__in=Person.objects.by_id_number(HEAD))
    assert zhang.area_id == f.VILLAGE_A1 and zhang.number.startswith(f.VILLAGE_A1)
    relations = {m.person.name: (m.relation, m.living_together, m.status) for m in zhang.memberships.all()}
    assert relations == {"张三": (Relation.HEAD, True, "normal"), "李梅": (Relation.SPOUSE, True, "normal"),
                         "张小明": (Relation.CHILD, False, "imprisoned")}
    assert Household.objects.get(head__in=Person.objects.by_id_number(WIDOW)).memberships.count() == 1


def test_imported_persons_get_values_from_the_file_and_the_id_number(worker, template):
    """Given the filled template, when it is imported, then sex and birth date come from the ID number and the
    disability, phone and self-care columns are stored as codes."""
    upload(worker, fill(template, GOOD_ROWS))
    wife = Person.objects.by_id_number(WIFE).get()
    assert (wife.sex, wife.birth_date, wife.disability_kind, wife.disability_grade) == (
        "F", dt.date(1960, 2, 29), "physical", 2)
    assert Person.objects.by_id_number(HEAD).get().phone == "13800138000"
    assert Person.objects.by_id_number(WIDOW).get().self_care == "partial"


def test_import_writes_events_for_every_record(worker, template, users):
    """Given the filled template, when it is imported, then 4 person.create, 2 household.create and
    4 membership.create events by the worker are written, each noting the import."""
    upload(worker, fill(template, GOOD_ROWS))
    counts = {action: Event.objects.filter(action=action, actor=users["village_a1"], note="花名册导入").count()
              for action in ("person.create", "household.create", "membership.create")}
    assert counts == {"person.create": 4, "household.create": 2, "membership.create": 4}


def test_imported_persons_are_found_by_pinyin(worker, template):
    """Given an imported roster, when the worker searches "zxm", then the imported 张小明 is found."""
    upload(worker, fill(template, GOOD_ROWS))
    response = worker.get(reverse("registry:person_list"), {"q": "zxm"})
    assert "张小明" in response.content.decode()


# --- a bad file imports nothing ----------------------------------------------------------------------------


def test_one_bad_row_imports_nothing_and_names_row_and_column(worker, template):
    """Given a file whose third row has a bad ID checksum, when it is uploaded, then nothing is imported and the
    page lists row 3 and the column 身份证号码."""
    rows = [*GOOD_ROWS]
    rows[1] = _row("1", "配偶", "李梅", WIFE[:17] + ("0" if WIFE[17] != "0" else "1"))
    response = upload(worker, fill(template, rows))
    assert page_errors(response) == [(3, "身份证号码", "身份证号码校验位错误，请核对是否录入有误")]
    assert "第3行" in response.content.decode() and 'data-testid="import-errors"' in response.content.decode()
    assert_nothing_imported()


def test_every_bad_row_is_listed(worker, template):
    """Given a file with a bad relation in row 2 and a bad phone in row 5, when it is uploaded, then both are
    listed with their rows and columns."""
    rows = [*GOOD_ROWS]
    rows[0] = _row("1", "老板", "张三", HEAD)
    rows[3] = _row("2", "户主", "王秀英", WIDOW, phone="123")
    errors = page_errors(upload(worker, fill(template, rows)))
    assert [(row, column) for row, column, _ in errors] == [(2, "与户主关系"), (5, "联系电话")]
    assert_nothing_imported()


def test_household_without_head_is_refused(worker, template):
    """Given a household whose only member is a child, when uploaded, then the row says each household needs
    exactly one head."""
    errors = page_errors(upload(worker, fill(template, [_row("1", "子女", "张小明", SON)])))
    assert [(row, column) for row, column, _ in errors] == [(2, "与户主关系")]
    assert "有且仅有一名户主" in errors[0][2]
    assert_nothing_imported()


def test_wrong_headers_are_refused(worker, template):
    """Given a file whose 姓名 column is titled 名字, when uploaded, then the header is refused naming the missing
    and extra columns."""
    header = [("名字" if h == "姓名" else h) for h in roster.HEADERS]
    errors = page_errors(upload(worker, fill(template, GOOD_ROWS, header=header)))
    assert len(errors) == 1 and errors[0][0] == 1
    assert "表头与模板不一致" in errors[0][2] and "缺少列：姓名" in errors[0][2] and "多出列：名字" in errors[0][2]
    assert_nothing_imported()


def test_formula_in_a_cell_is_refused(worker, template):
    """Given a file with a formula in the name cell of row 4, when uploaded, then row 4 column 姓名 is refused."""
    rows = [*GOOD_ROWS]
    rows[2] = _row("1", "子女", '=HYPERLINK("http://example.com","张小明")', SON)
    errors = page_errors(upload(worker, fill(template, rows)))
    assert errors == [(4, "姓名", "单元格中不得含有公式")]
    assert_nothing_imported()


def test_duplicate_id_numbers_within_the_file_are_refused(worker, template):
    """Given the same ID number in rows 2 and 5, when uploaded, then row 5 says it repeats row 2."""
    rows = [*GOOD_ROWS]
    rows[3] = _row("2", "户主", "王秀英", HEAD)
    errors = page_errors(upload(worker, fill(template, rows)))
    assert errors == [(5, "身份证号码", "身份证号码与第2行重复")]
    assert_nothing_imported()


def test_person_already_registered_is_refused(worker, template):
    """Given 李梅 already in the registry, when a roster including her is uploaded, then her row is refused and
    nobody else is imported."""
    f.make_person(name="李梅", id_number=WIFE, male=False)
    errors = page_errors(upload(worker, fill(template, GOOD_ROWS)))
    assert [(row, column) for row, column, _ in errors] == [(3, "身份证号码")]
    assert "已在人员库中" in errors[0][2]
    assert Person.objects.count() == 1 and not Household.objects.exists()


def test_head_registered_outside_the_users_area_is_refused(worker, template):
    """Given a head whose hukou is in 乙一村 (living in 甲一村), when the 甲一村 worker uploads the roster, then the
    head row is refused on the hukou column."""
    rows = [_row("1", "户主", "张三", HEAD, hukou_area=f.VILLAGE_B1, residence_area=f.VILLAGE_A1)]
    errors = page_errors(upload(worker, fill(template, rows)))
    assert [(row, column) for row, column, _ in errors] == [(2, "户籍地区划代码")]
    assert_nothing_imported()


def test_template_without_rows_is_refused_as_empty(worker, template):
    """Given the untouched template, when uploaded, then the page says the file has no data rows."""
    errors = page_errors(upload(worker, template))
    assert [message for _, _, message in errors] == ["文件中没有数据行"]


def test_non_xlsx_file_is_refused(worker, areas):
    """Given a CSV file renamed .xlsx, when uploaded, then the page asks for an .xlsx made from the template."""
    content = "户序号,与户主关系,姓名\n1,户主,张三\n".encode()
    errors = page_errors(upload(worker, content))
    assert [message for _, _, message in errors] == ["无法读取文件，请上传由模板填写的 .xlsx 或 .csv 文件"]


def test_zip_that_is_not_a_workbook_is_refused(worker, areas):
    """Given a valid zip archive holding a text file, when uploaded, then it is refused as unreadable."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是表格")
    errors = page_errors(upload(worker, buffer.getvalue()))
    assert [message for _, _, message in errors] == ["无法读取文件，请上传由模板填写的 .xlsx 或 .csv 文件"]


def _bomb(template: bytes, inflated_bytes: int) -> bytes:
    """The filled template with its sheet XML padded with whitespace that deflates to almost nothing."""
    source = zipfile.ZipFile(io.BytesIO(fill(template, GOOD_ROWS)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                with archive.open(info.filename, "w") as sheet:
                    head, tail = data.split(b"<sheetData>", 1)
                    sheet.write(head + b"<sheetData>")
                    chunk = b" " * (1 << 20)
                    for _ in range(inflated_bytes >> 20):
                        sheet.write(chunk)
                    sheet.write(tail)
            else:
                archive.writestr(info, data)
    return buffer.getvalue()


def test_zip_bomb_is_refused_without_inflating(worker, template, monkeypatch):
    """Given an .xlsx of well under 1 MB whose sheet XML inflates to 64 MB, when uploaded, then it is refused as a
    suspected zip bomb before the workbook reader ever opens it."""
    content = _bomb(template, 64 << 20)
    assert len(content) < 1 << 20

    def must_not_open(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr("openpyxl.load_workbook", must_not_open)
    errors = page_errors(upload(worker, content))
    assert [message for _, _, message in errors] == ["文件解压后体积异常，疑似压缩炸弹，已拒绝"]
    assert_nothing_imported()


def test_large_but_ordinary_roster_is_not_taken_for_a_bomb(users, template):
    """Given a roster of 1,000 near-identical rows (about as compressible as real rosters get), when read, then the
    archive check lets it through to row validation."""
    rows = [_row(str(i), "户主", "张三", f.unique_id_number()) for i in range(1000)]
    households, errors = roster.read_roster(fill(template, rows), user=users["village_a1"])
    assert (len(households), errors) == (1000, [])


def test_oversized_upload_is_refused(worker, template, settings):
    """Given an upload limit of 1 KB, when a roster larger than that is uploaded, then it is refused as too large."""
    settings.MINZHENG_IMPORT_MAX_BYTES = 1024
    errors = page_errors(upload(worker, fill(template, GOOD_ROWS)))
    assert [m for _, _, m in errors] and all(m.startswith("文件大小超过上限") for _, _, m in errors)
    assert_nothing_imported()


# --- who may import ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["district_approver", "leader", "auditor"])
def test_roles_without_import_permission_are_refused(users, login, role):
    """Given a role without the import permission, when it opens the import page or the template, then both are
    refused."""
    client = login(users[role])
    assert client.get(reverse("registry:roster_import")).status_code == 403
    assert client.get(reverse("registry:roster_template")).status_code == 403


def test_action_raises_all_errors_at_once(users, template):
    """Given a file with two bad rows, when the action is called directly, then one ValidationErrors carries both
    rows, sorted."""
    rows = [*GOOD_ROWS]
    rows[3] = _row("2", "户主", "王秀英", WIDOW, phone="123")
    rows[0] = _row("1", "户主", "张三", HEAD, ethnicity="火星族")
    with pytest.raises(ValidationErrors) as caught:
        household_roster_import(acting_user=users["village_a1"], content=fill(template, rows))
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "民族"), (5, "联系电话")]
    assert not Membership.objects.exists()
