"""一卡通 bank files: layout as data, widths in bytes, totals, 大写, checksum, only pending lines, once per run."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

import pytest
from cryptography.hazmat.primitives import hashes

from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, PermissionDeniedError
from minzheng.core.money import fen_to_capital
from minzheng.payments import bankfiles
from minzheng.payments.enums import LineStatus, RunStatus
from minzheng.payments.models import BankFile, BankLayout, PayrollLine
from minzheng.payments.tests.factories import make_account, make_line, make_run
from minzheng.testing import factories as f

EXPORT_DAY = dt.date(2025, 6, 20)


def approved_run(user, *, people=(("张三", f.VILLAGE_A1, 124_000), ("欧阳修文", f.VILLAGE_B1, 50_005),
                                  ("李四", f.VILLAGE_A2, 99_999))):
    """An approved run with one pending line per person, each with an active account."""
    run = make_run(user=user, status=RunStatus.APPROVED)
    lines = []
    for name, area, amount in people:
        person = f.make_person(name=name, area=area)
        lines.append(make_line(run, person, amount_fen=amount, account=make_account(person)))
    return run, lines


def layout(code: str = "hnrcb_fixed") -> BankLayout:
    return BankLayout.objects.get(code=code)


def export(user, run, code: str = "hnrcb_fixed") -> BankFile:
    return bankfiles.bank_file_export(acting_user=user, run=run, layout=layout(code), on=EXPORT_DAY)


def sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


@pytest.mark.parametrize("code", ["hnrcb_fixed", "hnrcb_csv"])
def test_shipped_layouts_are_valid(db, code):
    """The data migration ships example layouts that pass the spec check."""
    item = layout(code)
    assert item.is_active
    assert bankfiles.validate_spec(file_format=item.file_format, encoding=item.encoding, spec=item.spec) == []


def test_fixed_file_widths_are_bytes_in_gb18030(users):
    """Every detail line has the same byte length; a GB18030 Chinese character takes two bytes of its field."""
    run, _lines = approved_run(users["finance"])
    bank_file = export(users["finance"], run)
    content = bankfiles.bank_file_bytes(bank_file)
    records = content.split(b"\r\n")[:-1]
    header, details, _trailer = records[0], records[1:-2], records[-2:]
    assert len(details) == 3
    spec = layout().spec
    detail_width = sum(field["width"] for field in spec["detail"])
    assert {len(line) for line in details} == {detail_width}
    assert len(header) == sum(field["width"] for field in spec["header"][0])
    # 欧阳修文 is 8 bytes in GB18030, padded with spaces to the 30-byte 户名 field.
    name_field = next(d for d in details if "欧阳修文".encode("gb18030") in d)[1 + 6 + 19:1 + 6 + 19 + 30]
    assert name_field == "欧阳修文".encode("gb18030") + b" " * 22
    assert len(name_field.decode("gb18030")) == 4 + 22


def test_fixed_file_holds_full_accounts_amounts_totals_and_capital(users):
    """Full account numbers, amounts in fen zero-padded, batch count and total, and the total in 大写."""
    run, lines = approved_run(users["finance"])
    bank_file = export(users["finance"], run)
    text = bankfiles.bank_file_bytes(bank_file).decode("gb18030")
    total = 124_000 + 50_005 + 99_999
    for line in lines:
        assert line.account.account_number in text
    assert "000000124000" in text and "000000050005" in text
    header = text.split("\r\n")[0]
    assert header.startswith("HHNRCB   ")
    assert f"{3:08d}{total:015d}20250620" in header
    trailer = text.split("\r\n")[-3]
    assert trailer.startswith(f"T{3:08d}{total:015d}")
    assert fen_to_capital(total) in trailer
    assert fen_to_capital(total) == "贰仟柒佰肆拾元零肆分"
    assert bank_file.line_count == 3 and bank_file.total_fen == total
    assert bank_file.sha256 == hashlib.sha256(bankfiles.bank_file_bytes(bank_file)).hexdigest()


def test_checksum_line_verifies_the_detail_lines(users):
    """The SM3 on the last line is the digest of the detail lines exactly as they are in the file."""
    run, _ = approved_run(users["finance"])
    content = bankfiles.bank_file_bytes(export(users["finance"], run))
    records = content.split(b"\r\n")[:-1]
    detail_bytes = b"".join(line + b"\r\n" for line in records[1:-2])
    checksum_line = records[-1].decode("ascii")
    assert checksum_line.startswith("SSM3     ")
    assert checksum_line[9:] == sm3(detail_bytes)
    tampered = detail_bytes.replace(b"000000124000", b"000000124001")
    assert sm3(tampered) != checksum_line[9:]


def test_export_numbers_pending_lines_by_area_and_source_and_moves_the_run(users):
    """Lines get seq 1..n ordered by area code then source key, become exported; the run becomes exported."""
    run, _lines = approved_run(users["finance"])
    export(users["finance"], run)
    run.refresh_from_db()
    assert run.status == RunStatus.EXPORTED
    exported = list(PayrollLine.objects.filter(run=run).order_by("seq"))
    assert [line.seq for line in exported] == [1, 2, 3]
    assert [line.area_id for line in exported] == sorted([f.VILLAGE_A1, f.VILLAGE_A2, f.VILLAGE_B1])
    assert {line.status for line in exported} == {LineStatus.EXPORTED}
    content = bankfiles.bank_file_bytes(run.bank_file).decode("gb18030").split("\r\n")
    assert content[1].startswith("D000001") and exported[0].account.account_number in content[1]


def test_only_pending_lines_go_into_the_file(users):
    """Held and cancelled lines stay out of the file and keep their status and no seq."""
    run, _lines = approved_run(users["finance"])
    held = make_line(run, f.make_person(name="王五"), status=LineStatus.HELD, amount_fen=1000)
    cancelled = make_line(run, f.make_person(name="赵六"), status=LineStatus.CANCELLED, amount_fen=2000)
    bank_file = export(users["finance"], run)
    assert bank_file.line_count == 3
    text = bankfiles.bank_file_bytes(bank_file).decode("gb18030")
    assert "王五" not in text and "赵六" not in text
    for line, status in ((held, LineStatus.HELD), (cancelled, LineStatus.CANCELLED)):
        line.refresh_from_db()
        assert line.status == status and line.seq is None


def test_a_value_too_wide_is_refused_not_truncated_and_nothing_changes(users):
    """A 16-character name (32 bytes) does not fit the 30-byte field: refused, the run and lines unchanged."""
    long_name = "阿卜杜热合曼买买提艾力江吐尔逊古"
    run, _lines = approved_run(users["finance"], people=(("张三", f.VILLAGE_A1, 100), (long_name, f.VILLAGE_A1, 200)))
    with pytest.raises(ApplicationError) as error:
        export(users["finance"], run)
    assert "32 字节" in error.value.message and "30 字节" in error.value.message and "截断" in error.value.message
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    assert not BankFile.objects.filter(run=run).exists()
    assert set(PayrollLine.objects.filter(run=run).values_list("status", "seq")) == {(LineStatus.PENDING, None)}


def test_a_run_not_approved_is_refused(users):
    run = make_run(user=users["finance"], status=RunStatus.REVIEWED)
    person = f.make_person()
    make_line(run, person, account=make_account(person))
    with pytest.raises(ApplicationError) as error:
        export(users["finance"], run)
    assert error.value.code == "bank_file_not_approved" and "已审核" in error.value.message


def test_a_line_without_an_active_account_is_refused(users):
    """Missing and deactivated accounts are both named; nothing is exported."""
    run, _lines = approved_run(users["finance"])
    make_line(run, f.make_person(name="钱七"), account=None)
    person = f.make_person(name="孙八")
    make_line(run, person, account=make_account(person, is_active=False))
    with pytest.raises(ApplicationError) as error:
        export(users["finance"], run)
    assert error.value.code == "bank_file_no_account"
    assert "共 2 笔" in error.value.message and "钱七（无发放账户）" in error.value.message
    assert "孙八（发放账户已停用" in error.value.message
    assert not BankFile.objects.filter(run=run).exists()


def test_an_account_replaced_after_approval_is_paid_to_the_new_account(users):
    """The card was replaced between approval and export: the file pays the holder's active account."""
    run, lines = approved_run(users["finance"], people=(("周九", f.VILLAGE_A1, 80_000),))
    old = lines[0].account
    old.is_active = False
    old.save()
    new = make_account(lines[0].payee, number="6217991234567890124")
    bank_file = export(users["finance"], run)
    lines[0].refresh_from_db()
    assert lines[0].account_id == new.pk and lines[0].status == LineStatus.EXPORTED
    content = bytes(bank_file.content).decode("gb18030")
    assert "6217991234567890124" in content and old.account_number not in content


def test_only_a_disburser_of_the_whole_run_may_export(users):
    run, _ = approved_run(users["finance"])
    with pytest.raises(PermissionDeniedError):
        export(users["town_a"], run)
    with pytest.raises(PermissionDeniedError):
        export(users["district_approver"], run)


def test_a_second_export_is_refused_and_the_stored_bytes_stay(users):
    run, _ = approved_run(users["finance"])
    first = export(users["finance"], run)
    content = bankfiles.bank_file_bytes(first)
    with pytest.raises(ApplicationError) as error:
        export(users["finance"], run)
    assert error.value.code == "bank_file_exists"
    assert bankfiles.bank_file_bytes(BankFile.objects.get(run=run)) == content


def test_export_is_audited_without_the_account_number(users):
    run, lines = approved_run(users["finance"])
    bank_file = export(users["finance"], run)
    event = Event.objects.get(action="payroll.export_bank_file", object_id=str(run.pk))
    assert event.after["line_count"] == 3 and event.after["bank_file"] == bank_file.filename
    dumped = str(event.before) + str(event.after)
    assert not any(line.account.account_number in dumped for line in lines)


def test_csv_layout_has_totals_capital_and_a_sha256_of_the_detail_lines(users):
    run, lines = approved_run(users["finance"])
    content = bankfiles.bank_file_bytes(export(users["finance"], run, "hnrcb_csv"))
    text = content.decode("gb18030")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["序号", "账号", "户名", "金额(分)", "金额(元)", "地区代码"]
    details = rows[1:-2]
    assert [row[0] for row in details] == ["1", "2", "3"]
    assert {row[1] for row in details} == {line.account.account_number for line in lines}
    total = 124_000 + 50_005 + 99_999
    assert rows[-2][:5] == ["合计", "3", fen_to_capital(total), str(total), "2740.04"]
    detail_bytes = b"".join(line + b"\r\n" for line in content.split(b"\r\n")[1:4])
    assert rows[-1] == ["校验(SHA-256)", hashlib.sha256(detail_bytes).hexdigest()]


def test_xlsx_layout_keeps_account_numbers_as_text(users):
    from openpyxl import load_workbook

    spec = {"detail": [{"source": "seq"}, {"source": "account_number", "width": 19}, {"source": "holder_name"},
                       {"source": "amount_fen"}],
            "header": [[{"value": "序号"}, {"value": "账号"}, {"value": "户名"}, {"value": "金额(分)"}]],
            "trailer": [[{"value": "合计"}, {"source": "count"}, {"source": "total_capital"}, {"source": "total_fen"}],
                        [{"value": "SHA256"}, {"source": "checksum"}]],
            "checksum": "sha256"}
    BankLayout.objects.create(code="test_xlsx", name="测试xlsx", bank_code="HNRCB", bank_name="淮南农商银行",
                              file_format="xlsx", encoding="utf-8", spec=spec)
    run, _lines = approved_run(users["finance"])
    content = bankfiles.bank_file_bytes(export(users["finance"], run, "test_xlsx"))
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[1][0] == 1 and isinstance(rows[1][1], str) and len(rows[1][1]) == 19
    assert rows[-2] == ["合计", "3", fen_to_capital(274_004), "274004"]
    canonical = "".join(f"{r[0]}|{r[1]}|{r[2]}|{r[3]}\n" for r in rows[1:4]).encode()
    assert rows[-1][1] == hashlib.sha256(canonical).hexdigest()


def test_a_character_outside_the_encoding_is_refused(users):
    BankLayout.objects.create(code="test_gbk", name="GBK", bank_code="X", bank_name="X", file_format="fixed",
                              encoding="gbk", spec={"detail": [{"source": "holder_name", "width": 20}]})
    run, _ = approved_run(users["finance"], people=(("王𬌗", f.VILLAGE_A1, 100),))
    with pytest.raises(ApplicationError) as error:
        export(users["finance"], run, "test_gbk")
    assert error.value.code == "bank_file_encoding" and "GBK" in error.value.message


def test_spec_problems_are_listed():
    problems = bankfiles.validate_spec(file_format="fixed", encoding="gb18030", spec={
        "detail": [{"source": "seq"}, {"source": "checksum", "width": 64}, {"value": "x", "source": "seq"}],
        "checksum": "md5"})
    assert "校验算法须为 sm3 或 sha256" in problems
    assert any("定长文件的每个字段都须规定宽度" in p for p in problems)
    assert any("checksum" in p and "不可用于此处" in p for p in problems)
    assert any("须有且只有 source 或 value 之一" in p for p in problems)


def test_simulated_return_file_pays_all_but_the_given_seqs(users):
    run, _lines = approved_run(users["finance"])
    bank_file = export(users["finance"], run)
    content = bankfiles.simulate_return_file(bank_file, failures={2: "账户已冻结"}, paid_on=dt.date(2025, 6, 25))
    rows = list(csv.reader(io.StringIO(content.decode("gb18030"))))
    assert rows[0] == ["序号", "账号", "户名", "金额(分)", "结果", "失败原因", "银行流水号", "入账日期"]
    assert [(row[0], row[4], row[5]) for row in rows[1:]] == [("1", "成功", ""), ("2", "失败", "账户已冻结"),
                                                             ("3", "成功", "")]
    assert rows[1][7] == "2025-06-25" and rows[1][6]


def test_return_section_problems_are_listed():
    problems = bankfiles.validate_spec(file_format="csv", encoding="gb18030", spec={
        "detail": [{"source": "seq"}],
        "return": {"columns": [{"key": "seq", "header": "序号"}, {"key": "seq", "header": "序号2"},
                               {"key": "iban", "header": "IBAN"}]}})
    assert "回盘文件列「iban」无效" in problems and "回盘文件的列重复" in problems
    assert "回盘文件须有序号、账号、金额和结果列" in problems
