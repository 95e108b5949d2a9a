"""一卡通 bank files: the payment file sent to the agent bank, laid out as each bank wants it.

A bank's layout is data (``BankLayout.spec``), not code. The spec is a JSON object::

    {
      "line_ending": "\\r\\n",                  # fixed and csv; default CRLF
      "delimiter": ",",                         # csv only
      "filename": "{bank_code}_{area_code}_{period}_{batch_no}.txt",
      "header":  [[field, ...], ...],           # lines before the details (batch fields only)
      "detail":  [field, ...],                  # one line per payment
      "trailer": [[field, ...], ...],           # lines after the details (batch fields only)
      "checksum": "sm3",                        # or "sha256": hex digest over the detail lines
      "return": {...}                           # the bank's return file, see ``reconciliation``
    }

A field is ``{"source": name}`` or ``{"value": "literal text"}``, with optional ``width`` (bytes in the layout's
encoding: a GB18030 Chinese character takes two), ``align`` ("left"/"right") and ``pad`` (one ASCII character).
In a fixed-width file every field has a width and is padded to it; in csv and xlsx files a width is a maximum and
padding happens only where ``pad`` is given. A value longer than its width is refused, never truncated: a cut
name or account number would pay the wrong person or bounce.

Detail sources: seq, payee_name, holder_name (户名 of the account), account_number (in full: the bank needs it;
pages mask it), amount_fen, amount_yuan, bank_code (of the account), area_code (of the line), source_key.
Batch sources (anywhere): program, program_label, period (YYYYMM), run_area_code, batch_no, bank_code (header
and trailer: the layout's bank), count, total_fen, total_yuan, total_capital (大写), export_date (YYYYMMDD),
and in header and trailer lines only: checksum.

The checksum is the digest of the detail lines exactly as they are in the file, each with its line ending (fixed
and csv), or, for xlsx, of each detail row's cells as text joined by "|" with a "\\n" after each row, UTF-8.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from django.db import transaction
from django.utils import timezone

from minzheng.accounts.permissions import Perm, require
from minzheng.audit.actions import record_event
from minzheng.core.errors import ApplicationError
from minzheng.core.money import fen_to_capital, fen_to_yuan_str
from minzheng.core.transitions import transition
from minzheng.payments.enums import RUN_TRANSITIONS, FileFormat, LineStatus, RunStatus
from minzheng.payments.models import BankFile, BankLayout, PayeeAccount, PayrollLine, PayrollRun
from minzheng.payments.programs import program_label

DETAIL_SOURCES = frozenset({"seq", "payee_name", "holder_name", "account_number", "amount_fen", "amount_yuan",
                            "bank_code", "area_code", "source_key"})
BATCH_SOURCES = frozenset({"program", "program_label", "period", "run_area_code", "batch_no", "bank_code",
                           "area_code", "count", "total_fen", "total_yuan", "total_capital", "export_date"})
TRAILER_ONLY_SOURCES = frozenset({"checksum"})
NUMERIC_SOURCES = frozenset({"seq", "amount_fen", "count", "total_fen"})
CHECKSUMS = ("sm3", "sha256")
CONTENT_TYPES = {
    FileFormat.FIXED: "text/plain",
    FileFormat.CSV: "text/csv",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_EXTENSIONS = {FileFormat.FIXED: "txt", FileFormat.CSV: "csv", FileFormat.XLSX: "xlsx"}
_UNSAFE_FILENAME = re.compile(r"[^0-9A-Za-z_.\-\u4e00-\u9fff]")


def _error(code: str, message: str, field: str | None = None) -> ApplicationError:
    return ApplicationError(code, message, field=field)


@dataclass(frozen=True)
class BankRecord:
    """One payment as the bank file needs it."""

    seq: int
    payee_name: str
    holder_name: str
    account_number: str
    amount_fen: int
    bank_code: str
    area_code: str
    source_key: str = ""


@dataclass(frozen=True)
class Batch:
    program: str
    period: dt.date
    run_area_code: str
    batch_no: str
    export_date: dt.date


@dataclass(frozen=True)
class RenderedFile:
    content: bytes
    filename: str
    count: int
    total_fen: int
    checksum: str


# --- The spec ----------------------------------------------------------------------------------------------


def validate_spec(*, file_format: str, encoding: str, spec: dict) -> list[str]:
    """Problems with a layout (Chinese), empty when it can be used. Checked before every export too."""
    problems: list[str] = []
    if file_format not in FileFormat.values:
        problems.append(f"文件格式「{file_format}」无效")
    try:
        "测".encode(encoding)
    except (LookupError, TypeError):
        problems.append(f"字符编码「{encoding}」无效")
    if not isinstance(spec, dict):
        return [*problems, "格式定义须为 JSON 对象"]
    if spec.get("checksum", "sm3") not in CHECKSUMS:
        problems.append("校验算法须为 sm3 或 sha256")
    detail = spec.get("detail")
    if not isinstance(detail, list) or not detail:
        problems.append("格式定义缺少明细行字段（detail）")
        detail = []
    sections = [("明细行", detail, DETAIL_SOURCES | BATCH_SOURCES)]
    for key, label in (("header", "文件头"), ("trailer", "文件尾")):
        lines = spec.get(key, [])
        if not isinstance(lines, list) or any(not isinstance(line, list) for line in lines):
            problems.append(f"{label}（{key}）须为字段列表的列表")
            continue
        sections += [(f"{label}第{n}行", line, BATCH_SOURCES | TRAILER_ONLY_SOURCES)
                     for n, line in enumerate(lines, start=1)]
    for where, fields, allowed in sections:
        for n, field in enumerate(fields, start=1):
            problems += [f"{where}第{n}个字段：{p}" for p in _field_problems(field, allowed, file_format)]
    if not isinstance(spec.get("filename", ""), str):
        problems.append("文件名模板（filename）须为文本")
    problems += _return_problems(spec.get("return"))
    return problems


def _return_problems(section) -> list[str]:
    from minzheng.payments.reconciliation import REQUIRED_KEYS, RETURN_KEYS

    if section is None:
        return []
    if not isinstance(section, dict):
        return ["回盘文件定义（return）须为 JSON 对象"]
    columns = section.get("columns")
    if columns is None:
        return []
    if not isinstance(columns, list) or any(not isinstance(c, dict) or not c.get("header") for c in columns):
        return ["回盘文件的每一列须有 key 和 header"]
    keys = [column.get("key") for column in columns]
    problems = [f"回盘文件列「{key}」无效" for key in keys if key not in RETURN_KEYS]
    if len(set(keys)) != len(keys):
        problems.append("回盘文件的列重复")
    missing = sorted(REQUIRED_KEYS - set(keys))
    if missing or not {"amount_fen", "amount_yuan"} & set(keys):
        problems.append("回盘文件须有序号、账号、金额和结果列")
    return problems


def _field_problems(field, allowed: frozenset[str], file_format: str) -> list[str]:
    if not isinstance(field, dict):
        return ["须为 JSON 对象"]
    problems = []
    if ("source" in field) == ("value" in field):
        problems.append("须有且只有 source 或 value 之一")
    elif "source" in field and field["source"] not in allowed:
        problems.append(f"数据来源「{field['source']}」不可用于此处")
    width = field.get("width")
    if width is not None and (not isinstance(width, int) or isinstance(width, bool) or width < 1):
        problems.append("宽度须为正整数")
    if width is None and file_format == FileFormat.FIXED:
        problems.append("定长文件的每个字段都须规定宽度")
    if field.get("align", "left") not in ("left", "right"):
        problems.append("对齐方式须为 left 或 right")
    pad = field.get("pad", " ")
    if not isinstance(pad, str) or len(pad) != 1 or not pad.isascii() or pad in "\r\n":
        problems.append("填充字符须为一个 ASCII 字符")
    return problems


def check_layout(layout: BankLayout) -> None:
    problems = validate_spec(file_format=layout.file_format, encoding=layout.encoding, spec=layout.spec)
    if problems:
        raise _error("bank_layout_invalid", f"银行文件格式「{layout.name}」定义有误：" + "；".join(problems))


# --- Rendering ---------------------------------------------------------------------------------------------


def batch_no(run: PayrollRun) -> str:
    """A stable batch number for the run: its month and the start of its key (one bank file per run)."""
    return f"{run.period:%Y%m}{run.pk.hex[:8].upper()}"


def _batch_values(batch: Batch, *, bank_code: str, count: int, total_fen: int) -> dict[str, object]:
    return {
        "program": batch.program, "program_label": program_label(batch.program),
        "period": f"{batch.period:%Y%m}", "run_area_code": batch.run_area_code, "area_code": batch.run_area_code,
        "batch_no": batch.batch_no, "bank_code": bank_code, "count": count, "total_fen": total_fen,
        "total_yuan": fen_to_yuan_str(total_fen), "total_capital": fen_to_capital(total_fen),
        "export_date": f"{batch.export_date:%Y%m%d}",
    }


def _record_values(record: BankRecord) -> dict[str, object]:
    return {
        "seq": record.seq, "payee_name": record.payee_name, "holder_name": record.holder_name,
        "account_number": record.account_number, "amount_fen": record.amount_fen,
        "amount_yuan": fen_to_yuan_str(record.amount_fen), "bank_code": record.bank_code,
        "area_code": record.area_code, "source_key": record.source_key,
    }


_SOURCE_LABELS = {
    "seq": "序号", "payee_name": "领款人姓名", "holder_name": "户名", "account_number": "账号",
    "amount_fen": "金额（分）", "amount_yuan": "金额（元）", "bank_code": "银行代码", "area_code": "地区代码",
    "source_key": "发放依据", "program": "项目代码", "program_label": "项目名称", "period": "发放月份",
    "run_area_code": "名册地区代码", "batch_no": "批次号", "count": "总笔数", "total_fen": "总金额（分）",
    "total_yuan": "总金额（元）", "total_capital": "总金额大写", "export_date": "导出日期", "checksum": "校验值",
}


def _cell(field: dict, values: dict[str, object], *, encoding: str, fixed: bool, where: str) -> str:
    """One field as text, padded to its width where the layout asks; refuses a value that does not fit."""
    if "value" in field:
        text, label = str(field["value"]), "固定值"
    else:
        source = field["source"]
        text, label = str(values[source]), _SOURCE_LABELS.get(source, source)
    if any(ch in text for ch in "\r\n"):
        raise _error("bank_file_line_break", f"{where}{label}含有换行符，不能写入银行文件")
    try:
        size = len(text.encode(encoding))
    except UnicodeEncodeError as exc:
        bad = text[exc.start:exc.end]
        raise _error("bank_file_encoding",
                     f"{where}{label}「{text}」中的「{bad}」无法用银行文件编码（{encoding.upper()}）表示，"
                     "请与代发银行确认处理方式") from exc
    width = field.get("width")
    if width is not None and size > width:
        raise _error("bank_file_too_wide",
                     f"{where}{label}「{text}」占 {size} 字节，超过银行文件格式规定的 {width} 字节；"
                     "银行文件不能截断，请核对数据或调整文件格式")
    if width is not None and (fixed or "pad" in field):
        pad = field.get("pad", " ")
        align = field.get("align", "right" if field.get("source") in NUMERIC_SOURCES else "left")
        filler = pad * (width - size)
        text = filler + text if align == "right" else text + filler
    return text


def _digest(algorithm: str, data: bytes) -> str:
    if algorithm == "sha256":
        return hashlib.sha256(data).hexdigest()
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def checksum_of(data: bytes, algorithm: str = "sm3") -> str:
    """The layout's checksum of already-serialized detail lines (for the bank, the tests and support staff)."""
    return _digest(algorithm, data)


def _csv_line(cells: Sequence[str], *, delimiter: str, line_ending: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_ending).writerow(cells)
    return buffer.getvalue()


def render_bank_file(*, layout: BankLayout, batch: Batch, records: Sequence[BankRecord]) -> RenderedFile:
    """The file's bytes. Pure: reads nothing from the database but the layout it is given."""
    check_layout(layout)
    spec, encoding, file_format = layout.spec, layout.encoding, layout.file_format
    fixed = file_format == FileFormat.FIXED
    count = len(records)
    total = sum(record.amount_fen for record in records)
    batch_values = _batch_values(batch, bank_code=layout.bank_code, count=count, total_fen=total)

    detail_rows: list[list[str]] = []
    for record in records:
        values = {**batch_values, **_record_values(record)}
        where = f"第{record.seq}笔（{record.payee_name}）"
        detail_rows.append([_cell(f, values, encoding=encoding, fixed=fixed, where=where) for f in spec["detail"]])

    line_ending = spec.get("line_ending", "\r\n")
    delimiter = spec.get("delimiter", ",")
    if file_format == FileFormat.XLSX:
        checked = "".join("|".join(row) + "\n" for row in detail_rows).encode("utf-8")
    elif fixed:
        checked = "".join("".join(row) + line_ending for row in detail_rows).encode(encoding)
    else:
        checked = "".join(_csv_line(row, delimiter=delimiter, line_ending=line_ending)
                          for row in detail_rows).encode(encoding)
    checksum = _digest(spec.get("checksum", "sm3"), checked)
    batch_values["checksum"] = checksum

    def edge(key: str, label: str) -> list[list[str]]:
        return [[_cell(f, batch_values, encoding=encoding, fixed=fixed, where=f"{label}第{n}行")
                 for f in line] for n, line in enumerate(spec.get(key, []), start=1)]

    header, trailer = edge("header", "文件头"), edge("trailer", "文件尾")
    if file_format == FileFormat.XLSX:
        content = _xlsx(header, detail_rows, trailer, spec)
    elif fixed:
        content = (_join_fixed(header, line_ending, encoding) + checked + _join_fixed(trailer, line_ending, encoding))
    else:
        content = ("".join(_csv_line(row, delimiter=delimiter, line_ending=line_ending) for row in header)
                   .encode(encoding) + checked
                   + "".join(_csv_line(row, delimiter=delimiter, line_ending=line_ending) for row in trailer)
                   .encode(encoding))
    return RenderedFile(content=content, filename=_filename(layout, batch), count=count, total_fen=total,
                        checksum=checksum)


def _join_fixed(rows: list[list[str]], line_ending: str, encoding: str) -> bytes:
    return "".join("".join(row) + line_ending for row in rows).encode(encoding)


def _xlsx(header: list[list[str]], details: list[list[str]], trailer: list[list[str]], spec: dict) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "代发明细"
    numeric = [f.get("source") in NUMERIC_SOURCES and "pad" not in f for f in spec["detail"]]
    for row in header:
        sheet.append(row)
    for row in details:
        # Account numbers stay text (a number cell would lose digits); counts and fen are numbers.
        sheet.append([int(cell) if is_number else cell for cell, is_number in zip(row, numeric, strict=True)])
    for row in trailer:
        sheet.append(row)
    for column in sheet.columns:
        for cell in column:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _filename(layout: BankLayout, batch: Batch) -> str:
    extension = _EXTENSIONS.get(layout.file_format, "dat")
    template = layout.spec.get("filename") or "{bank_code}_{program}_{area_code}_{period}_{batch_no}.{ext}"
    try:
        name = template.format(bank_code=layout.bank_code, program=batch.program, area_code=batch.run_area_code,
                               period=f"{batch.period:%Y%m}", batch_no=batch.batch_no,
                               export_date=f"{batch.export_date:%Y%m%d}", ext=extension)
    except (KeyError, IndexError, ValueError) as exc:
        raise _error("bank_layout_invalid", f"银行文件格式「{layout.name}」的文件名模板有误") from exc
    return _UNSAFE_FILENAME.sub("_", name)[:120]


# --- The action --------------------------------------------------------------------------------------------


def covers_run(user, run: PayrollRun) -> bool:
    """Whether the user's area contains the whole run (a bank file or a return file is about all its lines)."""
    return run.area_id.startswith(user.area_prefix)


@dataclass(slots=True)
class _Account:
    """What the file needs of an account (the number decrypted by the field on read)."""

    pk: object
    holder_name: str
    account_number: str
    bank_code: str
    is_active: bool


@dataclass
class _Pending:
    """A pending line as the export reads it (plain values: 10⁵ lines must not become 10⁵ model objects)."""

    pk: object
    payee_name: str
    payee_id_bidx: str
    amount_fen: int
    area_code: str
    source_key: str
    account: _Account | PayeeAccount | None


def _pending_lines(run: PayrollRun) -> list[_Pending]:
    pending = run.lines.filter(status=LineStatus.PENDING)
    accounts = {row["pk"]: _Account(**row) for row in PayeeAccount.objects.filter(pk__in=pending.values("account_id"))
                .values("pk", "holder_name", "account_number", "bank_code", "is_active")}
    return [_Pending(pk=row["pk"], payee_name=row["payee_name"], payee_id_bidx=row["payee_id_bidx"],
                     amount_fen=row["amount_fen"], area_code=row["area_id"], source_key=row["source_key"],
                     account=accounts.get(row["account_id"]))
            for row in pending.order_by("area_id", "source_key").values(
                "pk", "payee_name", "payee_id_bidx", "amount_fen", "area_id", "source_key", "account_id")]


def _use_current_accounts(lines: list[_Pending]) -> int:
    """A payee whose account was replaced after approval (a lost card, a correction from the re-issue list) is paid
    to the active account of the same holder, if its holder name is still the payee's. Amounts never change."""
    stale = [line for line in lines if line.account is None or not line.account.is_active]
    if not stale:
        return 0
    current = {account.holder_id_bidx: account for account in PayeeAccount.objects.filter(
        holder_id_bidx__in={line.payee_id_bidx for line in stale if line.payee_id_bidx}, is_active=True)}
    switched = 0
    for line in stale:
        account = current.get(line.payee_id_bidx)
        if account is not None and account.holder_name == line.payee_name:
            line.account = account
            PayrollLine.objects.filter(pk=line.pk).update(account=account)
            switched += 1
    return switched


def _check_accounts(lines: list[_Pending]) -> None:
    missing = []
    for line in lines:
        if line.account is None:
            missing.append(f"{line.payee_name}（无发放账户）")
        elif not line.account.is_active:
            missing.append(f"{line.payee_name}（发放账户已停用，尾号{line.account.account_number[-4:]}）")
        elif not line.account.account_number:
            missing.append(f"{line.payee_name}（账号为空）")
    if missing:
        shown = "、".join(missing[:10]) + ("等" if len(missing) > 10 else "")
        raise _error("bank_file_no_account",
                     f"共 {len(missing)} 笔明细没有有效发放账户，不能生成银行文件：{shown}")


_NUMBER_LINES = """
UPDATE payments_payrollline SET seq = numbered.seq, status = %s, updated_at = %s
FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY area_code, source_key) AS seq
      FROM payments_payrollline WHERE run_id = %s AND status = %s) AS numbered
WHERE payments_payrollline.id = numbered.id
"""


def _number_lines(run: PayrollRun, count: int, now) -> None:
    """Number the pending lines 1..n in the order the file lists them and mark them exported: one statement, in
    the database's own order — the same ``ORDER BY`` the file was written in, within the same transaction."""
    from django.db import connection

    run_id = run.pk.hex if connection.vendor == "sqlite" else run.pk
    with connection.cursor() as cursor:
        cursor.execute(_NUMBER_LINES, [LineStatus.EXPORTED, now, run_id, LineStatus.PENDING])
        if cursor.rowcount != count:
            raise _error("bank_file_changed", "发放明细在生成银行文件时发生变化，请重试")


def bank_file_export(*, acting_user, run: PayrollRun, layout: BankLayout,
                     on: dt.date | None = None) -> BankFile:
    """Write the bank file of an approved run: its pending lines, numbered 1..n, become 已报送银行."""
    require(acting_user, Perm.PAYROLL_DISBURSE)
    if not covers_run(acting_user, run):
        raise _error("bank_file_scope", "该发放名册超出您的管辖范围，不能生成银行文件")
    if not layout.is_active:
        raise _error("bank_layout_inactive", f"银行文件格式「{layout.name}」已停用", "layout")
    on = on or timezone.localdate()
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if BankFile.objects.filter(run=run).exists():
            raise _error("bank_file_exists", "该发放名册已生成银行文件，请直接下载，不能重复生成")
        if run.status != RunStatus.APPROVED:
            raise _error("bank_file_not_approved",
                         f"只有已批准的发放名册才能生成银行文件（当前状态：{run.get_status_display()}）")
        lines = _pending_lines(run)
        if not lines:
            raise _error("bank_file_empty", "名册中没有待发放的明细，无需生成银行文件")
        _use_current_accounts(lines)
        _check_accounts(lines)
        records = [BankRecord(seq=seq, payee_name=line.payee_name, holder_name=line.account.holder_name,
                              account_number=line.account.account_number, amount_fen=line.amount_fen,
                              bank_code=line.account.bank_code, area_code=line.area_code,
                              source_key=line.source_key)
                   for seq, line in enumerate(lines, start=1)]
        batch = Batch(program=run.program, period=run.period, run_area_code=run.area_id, batch_no=batch_no(run),
                      export_date=on)
        rendered = render_bank_file(layout=layout, batch=batch, records=records)

        _number_lines(run, len(lines), timezone.now())
        bank_file = BankFile.objects.create(
            run=run, layout=layout, filename=rendered.filename, content=rendered.content,
            sha256=hashlib.sha256(rendered.content).hexdigest(), line_count=rendered.count,
            total_fen=rendered.total_fen, created_by=acting_user)
        transition(run, table=RUN_TRANSITIONS, target=RunStatus.EXPORTED)
        record_event(actor=acting_user, action="payroll.export_bank_file", obj=run, area_code=run.area_id,
                     before={"status": RunStatus.APPROVED},
                     after={"status": RunStatus.EXPORTED, "bank_file": rendered.filename, "layout": layout.code,
                            "line_count": rendered.count, "total_fen": rendered.total_fen,
                            "checksum": rendered.checksum})
    return bank_file


def bank_file_bytes(bank_file: BankFile) -> bytes:
    """The stored bytes (PostgreSQL hands a BinaryField back as a memoryview)."""
    return bytes(bank_file.content)


def content_type(bank_file: BankFile) -> str:
    base = CONTENT_TYPES.get(bank_file.layout.file_format, "application/octet-stream")
    return f"{base}; charset={bank_file.layout.encoding}" if base.startswith("text/") else base


# --- What the bank sends back (demo, browser journeys and tests) --------------------------------------------


def simulate_return_file(bank_file: BankFile, *, failures: dict[int, str], paid_on: dt.date | None = None) -> bytes:
    """The return file the bank would send: every payment of the file paid except the given seqs, with reasons.

    Laid out per the layout's ``return`` section (csv by default, xlsx when it says so).
    """
    from minzheng.payments.reconciliation import return_spec

    layout = bank_file.layout
    spec = return_spec(layout)
    paid_on = paid_on or timezone.localdate()
    lines = (PayrollLine.objects.filter(run_id=bank_file.run_id, seq__isnull=False).select_related("account")
             .order_by("seq"))
    prefix = batch_no(bank_file.run)
    rows = []
    for line in lines:
        failed = line.seq in failures
        values = {
            "seq": str(line.seq), "account_number": line.account.account_number if line.account else "",
            "payee_name": line.account.holder_name if line.account else line.payee_name,
            "amount_fen": str(line.amount_fen), "amount_yuan": fen_to_yuan_str(line.amount_fen),
            "result": spec["failure_values"][0] if failed else spec["success_values"][0],
            "fail_reason": failures.get(line.seq, "") if failed else "",
            "bank_ref": "" if failed else f"{prefix}{line.seq:06d}",
            "paid_on": "" if failed else paid_on.isoformat(),
        }
        rows.append([values.get(column["key"], "") for column in spec["columns"]])
    headers = [column["header"] for column in spec["columns"]]
    if spec.get("format") == FileFormat.XLSX:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(spec.get("encoding") or layout.encoding)
