"""Feed ingestion: every refusal and quarantine reason, pseudonyms instead of ID numbers, atomic loading."""

from __future__ import annotations

import datetime as dt
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from minzheng.core import crypto
from minzheng.core.errors import NotFoundError, PermissionDeniedError
from minzheng.core.identifiers import make_id_number
from minzheng.monitoring import feeds, lake
from minzheng.monitoring.enums import FeedFileStatus
from minzheng.monitoring.models import FeedFile, FeedKind, NameMatchCandidate, QuarantinedRow
from minzheng.testing.factories import VILLAGE_A1, make_person, unique_id_number

TODAY = dt.date(2026, 6, 30)
DEATH_HEADER = "身份证号码,姓名,死亡日期,户籍地区划代码"


@pytest.fixture
def lake_dir(settings, tmp_path):
    settings.MINZHENG_LAKE_DIR = tmp_path / "lake"
    return settings.MINZHENG_LAKE_DIR


@pytest.fixture
def admin(users):
    return users["district_admin"]


def csv_bytes(header: str, rows: list[str], *, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def ingest(user, kind: str, content: bytes, filename: str = "feed.csv") -> FeedFile:
    return feeds.feed_ingest(acting_user=user, kind_code=kind, filename=filename, content=content, today=TODAY)


def lake_table(feed_file: FeedFile) -> pa.Table:
    return pq.read_table(lake.absolute(feed_file.lake_paths[0]))


def bad_checksum(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


# --- feed kinds are data -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_feed_kinds_shipped_by_migration():
    codes = set(FeedKind.objects.values_list("code", flat=True))
    assert {"police_death", "police_hukou_move", "medical_bill", "hr_employment", "hr_unemployment", "hr_pension",
            "disability_cert", "market_company", "vehicle", "property", "education_enrolment", "disaster_loss",
            "housing_fund", "funeral_cremation", "justice_imprisonment"} <= codes
    for kind in FeedKind.objects.all():
        spec = feeds.KindSpec.from_model(kind)
        assert spec.id_column is not None and spec.column(kind.event_date_column) is not None
        assert all(spec.column(name) is not None for name in kind.key_columns)
        schema = feeds.lake_schema(spec)
        assert schema.names[:8] == ["row_id", "file_id", "row_number", "person_key", "name", "birth_date",
                                    "area_code", "event_date"]
        assert "id_number" not in schema.names


# --- a good file ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_load_pseudonymizes_and_types_every_column(admin, lake_dir):
    person = make_person(name="张三")
    other = unique_id_number(birth=dt.date(1950, 3, 1))
    content = csv_bytes("身份证号码,姓名,结算日期,医疗总费用（元）,个人自付金额（元）,医疗机构", [
        f"{person.id_number},张三,2024-02-29,\"12,345.60\",¥800,县人民医院",
        f"{other},李四,2025/7/1,100,0.5,",
    ])
    feed_file = ingest(admin, "medical_bill", content)
    assert feed_file.status == FeedFileStatus.LOADED, feed_file.refused_reason
    assert (feed_file.rows_total, feed_file.rows_loaded, feed_file.rows_quarantined) == (2, 2, 0)
    assert feed_file.lake_paths == [f"feeds/medical_bill/loaded={feed_file.loaded_at.astimezone().date():%Y-%m-%d}"
                                    f"/{feed_file.pk}.parquet"] or feed_file.lake_paths[0].startswith("feeds/")
    table = lake_table(feed_file)
    assert table.schema.field("row_number").type == pa.int32()
    assert table.schema.field("event_date").type == pa.date32()
    assert table.schema.field("total_amount").type == pa.int64()
    expected = feeds.lake_schema(feeds.KindSpec.from_model(FeedKind.objects.get(code="medical_bill")))
    assert [(f.name, f.type) for f in table.schema] == [(f.name, f.type) for f in expected]
    assert table.schema.field("person_key").type == pa.string() and table.schema.field("file_id").type == pa.string()
    rows = table.to_pylist()
    assert rows[0]["person_key"] == person.id_number_bidx
    assert rows[0]["person_key"] == crypto.blind_index(person.id_number, purpose="id_number")
    assert rows[0]["row_id"] == f"{feed_file.pk}:2" and rows[0]["row_number"] == 2
    assert rows[0]["event_date"] == dt.date(2024, 2, 29) and rows[0]["settle_date"] == dt.date(2024, 2, 29)
    assert rows[0]["birth_date"] == person.birth_date
    assert rows[0]["total_amount"] == 1234560 and rows[0]["out_of_pocket_amount"] == 80000
    assert rows[1]["event_date"] == dt.date(2025, 7, 1) and rows[1]["out_of_pocket_amount"] == 50
    assert rows[1]["hospital"] is None and rows[1]["name"] == "李四"


@pytest.mark.django_db
def test_lake_holds_no_plaintext_id_number(admin, lake_dir):
    numbers = [unique_id_number() for _ in range(5)]
    guardian = unique_id_number()
    content = csv_bytes(DEATH_HEADER, [f"{n},王{i},2025-01-0{i + 1},340471100201" for i, n in enumerate(numbers)])
    feed_file = ingest(admin, "police_death", content)
    assert feed_file.rows_loaded == 5
    data = lake.absolute(feed_file.lake_paths[0]).read_bytes()
    values = json.dumps(lake_table(feed_file).to_pylist(), default=str, ensure_ascii=False)
    for number in [*numbers, guardian]:
        assert number.encode() not in data and number not in values
        assert number[:17].encode() not in data
    # An extra ID column (a guardian's) is a pseudonym too, under ``<name>_key``.
    kind = FeedKind.objects.get(code="hr_unemployment")
    kind.columns = [*kind.columns, {"name": "guardian_id_number", "label": "监护人身份证号码", "type": "id_number"}]
    kind.save()
    content = csv_bytes("身份证号码,姓名,失业登记日期,监护人身份证号码", [f"{numbers[0]},王零,2025-03-01,{guardian}"])
    loaded = ingest(admin, "hr_unemployment", content)
    table = lake_table(loaded)
    assert "guardian_id_number" not in table.column_names
    assert table.column("guardian_id_number_key").to_pylist() == [crypto.blind_index(guardian)]
    assert guardian.encode() not in lake.absolute(loaded.lake_paths[0]).read_bytes()


@pytest.mark.django_db
def test_headers_may_be_english_names_in_any_order_and_optional_columns_absent(admin, lake_dir):
    number = unique_id_number()
    content = csv_bytes("death_date,ID_NUMBER,name", [f"20250105,{number},赵六"])
    feed_file = ingest(admin, "police_death", content)
    assert feed_file.status == FeedFileStatus.LOADED, feed_file.refused_reason
    row = lake_table(feed_file).to_pylist()[0]
    assert row["event_date"] == dt.date(2025, 1, 5) and row["hukou_area"] is None and row["area_code"] is None


@pytest.mark.django_db
def test_codes_booleans_integers_and_months(admin, lake_dir):
    number = unique_id_number()
    content = csv_bytes("身份证号码,姓名,入学日期,学校,学段,是否新生,学费（元）", [
        f"{number},小明,2025-09-01,第一中学,初中,是,1200",
        f"{number},小明,2024-09-01,第一小学,primary,0,",
    ])
    feed_file = ingest(admin, "education_enrolment", content)
    rows = lake_table(feed_file).to_pylist()
    assert [(r["stage"], r["first_year"], r["tuition"]) for r in rows] == [("junior", True, 120000),
                                                                            ("primary", False, None)]
    content = csv_bytes("身份证号码,姓名,领取月份,月领取金额（元）", [f"{number},小明,2025-07,1500",
                                                                 f"{number},小明,2025年8月15日,1500"])
    pension = ingest(admin, "hr_pension", content)
    assert [r["event_date"] for r in lake_table(pension).to_pylist()] == [dt.date(2025, 7, 1), dt.date(2025, 8, 1)]


@pytest.mark.django_db
def test_gbk_csv_and_chinese_names(admin, lake_dir):
    number = unique_id_number()
    content = csv_bytes(DEATH_HEADER, [f"{number},欧阳·娜娜,2025-01-05,340471100201"], encoding="gb18030")
    feed_file = ingest(admin, "police_death", content)
    assert feed_file.status == FeedFileStatus.LOADED, feed_file.refused_reason
    assert lake_table(feed_file).column("name").to_pylist() == ["欧阳·娜娜"]


@pytest.mark.django_db
def test_fifteen_digit_and_lowercase_x_numbers_normalized(admin, lake_dir):
    number18 = make_id_number("340471", dt.date(1965, 5, 5), 13, male=True)
    number15 = number18[:6] + number18[8:17]
    with_x = next(make_id_number("340471", dt.date(1970, 1, 1), s, male=True) for s in range(1, 999, 2)
                  if make_id_number("340471", dt.date(1970, 1, 1), s, male=True).endswith("X"))
    content = csv_bytes(DEATH_HEADER, [f"{number15},甲,2025-01-05,", f"{with_x.lower()},乙,2025-01-05,"])
    feed_file = ingest(admin, "police_death", content)
    assert feed_file.rows_loaded == 2, feed_file.refused_reason
    keys = lake_table(feed_file).column("person_key").to_pylist()
    assert keys == [crypto.blind_index(number18), crypto.blind_index(with_x)]


# --- quarantine ----------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_bad_rows_quarantined_with_reasons(admin, lake_dir):
    good = [unique_id_number() for _ in range(8)]
    bad_id = bad_checksum(unique_id_number())
    bad_birth = "340471" + "20230229" + "001"
    bad_birth += "10X98765432"[sum(int(d) * w for d, w in zip(bad_birth, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10,
                                                                           5, 8, 4, 2), strict=True)) % 11]
    content = csv_bytes("身份证号码,姓名,发证日期,残疾类别,残疾等级", [
        f"{good[0]},甲,2024-02-29,肢体,1",
        f"{bad_id},乙,2024-03-01,肢体,2",
        f"{bad_birth},丙,2024-03-01,肢体,2",
        f"{good[1]},丁,2023-02-29,肢体,2",
        f"{good[2]},戊,2024-03-01,腿脚,2",
        f"{good[3]},己,2024-03-01,视力,5",
        f"{good[4]},庚,2024-03-01,视力,二",
        f"{good[5]},,2024-03-01,视力,3",
        "12345,辛,2024-03-01,视力,3",
        f"{good[6]},=HYPERLINK(\"x\"),2024-03-01,视力,3",
        f"{good[7]},壬,2024-03-01,视力,4",
        f"{unique_id_number()},癸,2024-03-01,视力,4",
        f"{unique_id_number()},子,2024-03-01,视力,4",
        f"{unique_id_number()},丑,2024-03-01,视力,4",
        f"{unique_id_number()},寅,2024-03-01,视力,4",
        f"{unique_id_number()},卯,2024-03-01,视力,4",
        f"{unique_id_number()},辰,2024-03-01,视力,4",
        f"{unique_id_number()},巳,2024-03-01,视力,4",
    ])
    feed_file = ingest(admin, "disability_cert", content)
    assert feed_file.status == FeedFileStatus.LOADED, feed_file.refused_reason
    assert feed_file.rows_quarantined == 9 and feed_file.rows_loaded == 9 and feed_file.rows_total == 18
    reasons = {row.row_number: row.reasons for row in QuarantinedRow.objects.filter(file=feed_file)}
    assert "校验位错误" in reasons[3][0]["message"] and reasons[3][0]["column"] == "身份证号码"
    assert "出生日期" in reasons[4][0]["message"]
    assert reasons[5] == [{"column": "发证日期", "message": reasons[5][0]["message"]}]
    assert "日期无效" in reasons[5][0]["message"]
    assert "不是可选值" in reasons[6][0]["message"] and "肢体（physical）" in reasons[6][0]["message"]
    assert "超出范围" in reasons[7][0]["message"]
    assert "整数" in reasons[8][0]["message"]
    assert reasons[9] == [{"column": "姓名", "message": "必填项为空"}]
    assert "18位" in reasons[10][0]["message"]
    assert reasons[11] == [{"column": "姓名", "message": "单元格中不得含有公式"}]
    raw = json.loads(QuarantinedRow.objects.get(file=feed_file, row_number=3).raw)
    assert raw["身份证号码"] == bad_id and raw["姓名"] == "乙"
    # The raw row is encrypted at rest.
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT raw FROM monitoring_quarantinedrow WHERE row_number = 3")
        stored = cursor.fetchone()[0]
    assert bad_id not in stored and stored.startswith("sm4gcm:")
    # Only the good rows are in the lake (leap day 2024-02-29 is valid).
    table = lake_table(feed_file)
    assert sorted(table.column("row_number").to_pylist()) == [2, 12, 13, 14, 15, 16, 17, 18, 19]
    assert table.column("event_date").to_pylist()[0] == dt.date(2024, 2, 29)


@pytest.mark.django_db
def test_amount_rules(admin, lake_dir):
    numbers = [unique_id_number() for _ in range(11)]
    amounts = ["12.345", "-5", "abc", "1.230", "１００", "1e3", "100元", "0", "7", "8.8", "0.01"]
    content = csv_bytes("身份证号码,姓名,受灾日期,灾害类型,损失金额（元）",
                        [f"{n},某,2025-06-01,洪涝,{a}" for n, a in zip(numbers, amounts, strict=True)])
    feed_file = ingest(admin, "disaster_loss", content)
    reasons = {row.row_number: row.reasons[0]["message"] for row in QuarantinedRow.objects.filter(file=feed_file)}
    assert "两位小数" in reasons[2] and "负数" in reasons[3] and 4 in reasons and 7 in reasons and 6 in reasons
    loaded = {r["row_number"]: r["loss_amount"] for r in lake_table(feed_file).to_pylist()}
    assert loaded == {5: 123, 8: 10000, 9: 0, 10: 700, 11: 880, 12: 1}


@pytest.mark.django_db
def test_duplicates_within_file_and_against_lake_are_counted_not_quarantined(admin, lake_dir):
    a, b = unique_id_number(), unique_id_number()
    first = ingest(admin, "police_death", csv_bytes(DEATH_HEADER, [f"{a},甲,2025-01-05,", f"{a},甲,2025-01-06,",
                                                                   f"{b},乙,2025-01-05,"]))
    assert (first.rows_loaded, first.rows_duplicate, first.rows_quarantined) == (2, 1, 0)
    assert lake_table(first).column("row_number").to_pylist() == [2, 4]
    c = unique_id_number()
    second = ingest(admin, "police_death", csv_bytes(DEATH_HEADER, [f"{b},乙,2025-01-05,", f"{c},丙,2025-01-05,"]))
    assert (second.rows_loaded, second.rows_duplicate) == (1, 1)
    assert lake_table(second).column("person_key").to_pylist() == [crypto.blind_index(c)]


@pytest.mark.django_db
def test_duplicates_against_lake_with_empty_key_values_and_name_only_rows(admin, lake_dir):
    a = unique_id_number()
    header = "身份证号码,姓名,结算日期,医疗总费用（元）,个人自付金额（元）,医疗机构,出生日期,所在地区划代码"
    first = ingest(admin, "medical_bill", csv_bytes(header, [
        f"{a},甲,2025-01-05,100,10,,,", ",乙,2025-01-05,100,10,县医院,1950-01-01,340471100201"]))
    assert (first.rows_loaded, first.rows_name_only) == (2, 1)
    second = ingest(admin, "medical_bill", csv_bytes(header, [
        f"{a},甲,2025-01-05,100.00,10,,,",                                   # same, hospital empty both times
        ",乙,2025-01-05,100,10,县医院,1950-01-01,340471100201",              # same name-only row
        ",乙,2025-01-05,100,10,县医院,1950-01-02,340471100201",              # other birth date: another person
        f"{a},甲,2025-01-05,100,10,县医院,,"]))                              # hospital differs
    assert (second.rows_loaded, second.rows_duplicate) == (2, 2)
    assert lake_table(second).column("row_number").to_pylist() == [4, 5]


@pytest.mark.django_db
def test_bad_share_over_half_refuses_the_file(admin, lake_dir):
    rows = [f"{bad_checksum(unique_id_number())},某,2025-01-05," for _ in range(3)]
    rows.append(f"{unique_id_number()},某,2025-01-05,")
    feed_file = ingest(admin, "police_death", csv_bytes(DEATH_HEADER, rows))
    assert feed_file.status == FeedFileStatus.REFUSED
    assert "疑似格式错误" in feed_file.refused_reason and "3/4" in feed_file.refused_reason
    assert not QuarantinedRow.objects.filter(file=feed_file).exists()
    assert not (lake_dir / "feeds").exists()


# --- refusals -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("header", "expected"), [
    ("身份证号码,姓名,户籍地区划代码", "缺少必需的列：死亡日期"),
    ("身份证号码,姓名,死亡日期,手机号码", "无法识别的列：手机号码"),
    ("身份证号码,姓名,死亡日期,姓名", "重复的列：姓名"),
])
def test_wrong_columns_refused_naming_them(admin, lake_dir, header, expected):
    feed_file = ingest(admin, "police_death", csv_bytes(header, [f"{unique_id_number()},甲,2025-01-05,x"]))
    assert feed_file.status == FeedFileStatus.REFUSED and expected in feed_file.refused_reason
    assert not (lake_dir / "feeds").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"", csv_bytes(DEATH_HEADER, []), csv_bytes(DEATH_HEADER, [",,,", ""])])
def test_empty_files_refused(admin, lake_dir, content):
    feed_file = ingest(admin, "police_death", content)
    assert feed_file.status == FeedFileStatus.REFUSED
    assert "没有数据行" in feed_file.refused_reason or "为空" in feed_file.refused_reason


@pytest.mark.django_db
def test_oversized_file_refused_before_reading(admin, lake_dir, settings, monkeypatch):
    settings.MINZHENG_FEED_MAX_BYTES = 100
    monkeypatch.setattr(feeds, "read_source", lambda *a, **k: pytest.fail("read an oversized file"))
    content = csv_bytes(DEATH_HEADER, [f"{unique_id_number()},甲,2025-01-05," for _ in range(5)])
    feed_file = ingest(admin, "police_death", content)
    assert feed_file.status == FeedFileStatus.REFUSED and "超过上限" in feed_file.refused_reason
    assert feed_file.size_bytes == len(content)


@pytest.mark.django_db
def test_same_file_twice_refused(admin, lake_dir):
    content = csv_bytes(DEATH_HEADER, [f"{unique_id_number()},甲,2025-01-05,"])
    assert ingest(admin, "police_death", content).status == FeedFileStatus.LOADED
    again = ingest(admin, "police_death", content, filename="copy.csv")
    assert again.status == FeedFileStatus.REFUSED and "同一文件已于" in again.refused_reason
    # A refused file may be sent again (after fixing nothing, it is refused again, but it is not "loaded").
    assert FeedFile.objects.filter(status=FeedFileStatus.LOADED).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("filename", "content", "expected"), [
    ("feed.pdf", b"%PDF-1.4 whatever", "不支持的文件格式"),
    ("feed.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    ("feed.parquet", b"PAR1 not really", "Parquet"),
    ("feed.xlsx", b"PK\x03\x04 not a zip", "无法读取"),
    ("feed.csv", b"\xff\xfe\x00\x00binary", "CSV"),
])
def test_unreadable_or_unknown_formats_refused(admin, lake_dir, filename, content, expected):
    feed_file = ingest(admin, "police_death", content, filename=filename)
    assert feed_file.status == FeedFileStatus.REFUSED and expected in feed_file.refused_reason


@pytest.mark.django_db
def test_row_of_wrong_width_refuses_file_naming_the_line(admin, lake_dir):
    content = csv_bytes(DEATH_HEADER, [f"{unique_id_number()},甲,2025-01-05,", "1,2", f"{unique_id_number()},乙,2025"
                                                                                       "-01-05,"])
    feed_file = ingest(admin, "police_death", content)
    assert feed_file.status == FeedFileStatus.REFUSED and "第3行" in feed_file.refused_reason


@pytest.mark.django_db
def test_permission_and_unknown_kind(users, lake_dir):
    content = csv_bytes(DEATH_HEADER, [f"{unique_id_number()},甲,2025-01-05,"])
    with pytest.raises(PermissionDeniedError):
        ingest(users["town_a"], "police_death", content)
    with pytest.raises(NotFoundError):
        ingest(users["district_admin"], "no_such_kind", content)
    assert not FeedFile.objects.exists()


# --- other formats ------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_xlsx_feed_with_dates_and_formula(admin, lake_dir):
    numbers = [unique_id_number() for _ in range(3)]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["身份证号码", "姓名", "死亡日期", "户籍地区划代码"])
    sheet.append([numbers[0], "张三", dt.datetime(2024, 2, 29), "340471100201"])
    sheet.append([numbers[1], "李四", "2025-01-05", 340471100201])
    sheet.append([numbers[2], "=1+1", "2025-01-05", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    feed_file = ingest(admin, "police_death", buffer.getvalue(), filename="死亡.xlsx")
    assert feed_file.status == FeedFileStatus.LOADED, feed_file.refused_reason
    assert (feed_file.rows_loaded, feed_file.rows_quarantined) == (2, 1)
    rows = lake_table(feed_file).to_pylist()
    assert rows[0]["event_date"] == dt.date(2024, 2, 29) and rows[1]["area_code"] == "340471100201"
    assert QuarantinedRow.objects.get(file=feed_file).row_number == 4


@pytest.mark.django_db
def test_parquet_feed_typed_columns(admin, lake_dir):
    numbers = [unique_id_number() for _ in range(2)]
    table = pa.table({"id_number": numbers, "name": ["甲", "乙"],
                      "registered_on": pa.array([dt.date(2024, 2, 29), dt.date(2025, 1, 1)], pa.date32()),
                      "plate": ["皖D12345", "皖D54321"], "vehicle_type": ["car", "货车"],
                      "purchase_price": pa.array([98000.5, None], pa.float64())})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    feed_file = ingest(admin, "vehicle", buffer.getvalue(), filename="vehicles.parquet")
    assert feed_file.status == FeedFileStatus.LOADED, feed_file.refused_reason
    rows = lake_table(feed_file).to_pylist()
    assert [(r["row_number"], r["vehicle_type"], r["purchase_price"]) for r in rows] == [
        (2, "car", 9800050), (3, "truck", None)]


# --- name-only rows and atomicity ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_name_only_rows_loaded_and_proposed_never_alerted(admin, lake_dir):
    from minzheng.monitoring.models import Alert

    born = dt.date(1948, 2, 29)
    person = make_person(name="张三", birth=born, area=VILLAGE_A1)
    make_person(name="李四", birth=born, area=VILLAGE_A1)
    content = csv_bytes("身份证号码,姓名,死亡日期,户籍地区划代码,出生日期", [
        ",张叁,2025-01-05,340471100000,1948-02-29",     # same pinyin, town prefix → candidate
        ",张三,2025-01-05,340471101000,1948-02-29",     # other town → no candidate
        ",王五,2025-01-05,340471100000,",               # incomplete → quarantined
    ])
    feed_file = ingest(admin, "police_death", content)
    assert feed_file.status == FeedFileStatus.LOADED, feed_file.refused_reason
    assert (feed_file.rows_loaded, feed_file.rows_name_only, feed_file.rows_quarantined) == (2, 2, 1)
    rows = lake_table(feed_file).to_pylist()
    assert [r["person_key"] for r in rows] == [None, None]
    assert rows[0]["birth_date"] == born
    candidates = list(NameMatchCandidate.objects.filter(file=feed_file))
    assert [(c.row_number, c.person_id, c.area_id) for c in candidates] == [(2, person.pk, VILLAGE_A1)]
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_failure_after_writing_leaves_nothing(admin, lake_dir, monkeypatch):
    def boom(feed_file):
        assert lake.absolute(feed_file.lake_paths[0]).exists()
        raise RuntimeError("disk full")

    monkeypatch.setattr(feeds, "_after_write_hook", boom)
    content = csv_bytes(DEATH_HEADER, [f"{unique_id_number()},甲,2025-01-05,", f"{bad_checksum(unique_id_number())}"
                                                                                  ",乙,2025-01-05,"])
    with pytest.raises(RuntimeError):
        ingest(admin, "police_death", content)
    assert not FeedFile.objects.exists() and not QuarantinedRow.objects.exists()
    assert not list((lake_dir / "feeds").rglob("*.parquet"))
    assert not list((lake_dir / "feeds").rglob("*.tmp"))
    monkeypatch.undo()
    assert ingest(admin, "police_death", content).status == FeedFileStatus.LOADED


@pytest.mark.django_db
def test_same_file_loaded_concurrently_refused_by_the_constraint(admin, lake_dir, monkeypatch):
    content = csv_bytes(DEATH_HEADER, [f"{unique_id_number()},甲,2025-01-05,"])
    first = ingest(admin, "police_death", content)
    monkeypatch.setattr(feeds, "_earlier_copy", lambda kind, sha256: None)  # both passed the check at once
    second = ingest(admin, "police_death", content)
    assert second.status == FeedFileStatus.REFUSED and "不重复入库" in second.refused_reason
    assert sorted(p.name for p in (lake_dir / "feeds").rglob("*.parquet")) == [f"{first.pk}.parquet"]


@pytest.mark.django_db
def test_inactive_kind_refuses(admin, lake_dir):
    FeedKind.objects.filter(code="vehicle").update(is_active=False)
    feed_file = ingest(admin, "vehicle", b"x")
    assert feed_file.status == FeedFileStatus.REFUSED and "停用" in feed_file.refused_reason


# --- internals that the speed depends on -------------------------------------------------------------------

@pytest.mark.django_db
def test_batch_blind_index_equals_registry_index(areas):
    numbers = [unique_id_number() for _ in range(20)]
    assert feeds.blind_indexes(numbers) == [crypto.blind_index(n, purpose="id_number") for n in numbers]
    person = make_person(name="某")
    assert feeds.blind_indexes([person.id_number]) == [person.id_number_bidx]


@pytest.mark.django_db
def test_fingerprint_collisions_are_checked_exactly(admin, lake_dir, monkeypatch):
    """Even if every key folded to the same fingerprint, only truly equal rows would count as duplicates."""
    import numpy as np

    monkeypatch.setattr(feeds, "_hash_rows", lambda parts: np.zeros(len(parts[0]), dtype=np.uint64))
    a, b = unique_id_number(), unique_id_number()
    content = csv_bytes(DEATH_HEADER, [f"{a},甲,2025-01-05,", f"{b},乙,2025-01-05,", f"{a},甲,2025-02-05,",
                                       ",丙,2025-01-05,340471100201", ",丙,2025-01-05,340471100201"])
    feed_file = ingest(admin, "police_death", content)
    # police_death's key is the person alone; the name-only row without a birth date is quarantined.
    assert (feed_file.rows_loaded, feed_file.rows_duplicate, feed_file.rows_quarantined) == (2, 1, 2)


@pytest.mark.django_db
def test_feed_load_command(admin, lake_dir, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "death.csv"
    path.write_bytes(csv_bytes(DEATH_HEADER, [f"{unique_id_number()},甲,2025-01-05,"]))
    out = io.StringIO()
    call_command("feed_load", "police_death", str(path), user=admin.username, stdout=out)
    result = json.loads(out.getvalue())
    assert result["status"] == "loaded" and result["rows_loaded"] == 1
    with pytest.raises(CommandError):
        call_command("feed_load", "police_death", str(path), user=admin.username, stdout=io.StringIO())
    assert FeedFile.objects.filter(status=FeedFileStatus.REFUSED).count() == 1


def test_cremation_records_are_deaths_payments_will_hold(admin, lake_dir):
    """Loaded cremation and police death records are the death source payments reads (registered in ready())."""
    from minzheng.payments.programs import recorded_deaths

    cremated, alive = make_person(name="王火化"), make_person(name="李在世")
    content = csv_bytes("身份证号码,姓名,火化日期,死亡日期", [f"{cremated.id_number},王火化,2025-06-03,2025-06-01"])
    assert ingest(admin, "funeral_cremation", content).status == FeedFileStatus.LOADED
    assert lake.recorded_death_keys() == {cremated.id_number_bidx}
    assert cremated.id_number_bidx in recorded_deaths() and alive.id_number_bidx not in recorded_deaths()
