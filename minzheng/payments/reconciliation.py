"""回盘对账: the bank's return file, checked against the bank file before anything is written.

The return file lists every payment of the bank file once, with the bank's result. Its columns come from the
``return`` section of the layout's spec::

    "return": {
      "format": "csv",                              # what simulate_return_file writes; imports take csv or xlsx
      "encoding": "gb18030",                        # csv written by the simulation (imports detect the encoding)
      "columns": [{"key": "seq", "header": "序号"}, {"key": "account_number", "header": "账号"}, ...],
      "success_values": ["成功"], "failure_values": ["失败"]
    }

Column keys: seq, account_number (full or masked: the last four digits are compared), amount_fen or amount_yuan,
result, and optionally payee_name, fail_reason, bank_ref, paid_on. An import either ties out completely — every
exported payment exactly once, the same account and amount, paid + failed = exported in count and in fen — and
is applied, or it is refused: a refused ``Reconciliation`` row lists each difference and nothing else changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.permissions import Perm, require
from minzheng.audit.actions import record_event
from minzheng.core.errors import ApplicationError
from minzheng.core.money import format_fen, yuan_to_fen
from minzheng.core.spreadsheets import SheetColumn, SheetRow, read_table
from minzheng.core.transitions import transition
from minzheng.payments.bankfiles import covers_run
from minzheng.payments.enums import RUN_TRANSITIONS, LineStatus, ReconciliationOutcome, RunStatus
from minzheng.payments.models import BankFile, PayrollLine, PayrollRun, Reconciliation
from minzheng.payments.programs import get_program

DEFAULT_RETURN = {
    "format": "csv",
    "columns": [
        {"key": "seq", "header": "序号"},
        {"key": "account_number", "header": "账号"},
        {"key": "payee_name", "header": "户名"},
        {"key": "amount_fen", "header": "金额(分)"},
        {"key": "result", "header": "结果"},
        {"key": "fail_reason", "header": "失败原因"},
        {"key": "bank_ref", "header": "银行流水号"},
        {"key": "paid_on", "header": "入账日期"},
    ],
    "success_values": ["成功"],
    "failure_values": ["失败"],
}
RETURN_KEYS = frozenset({"seq", "account_number", "payee_name", "amount_fen", "amount_yuan", "result",
                         "fail_reason", "bank_ref", "paid_on"})
REQUIRED_KEYS = frozenset({"seq", "account_number", "result"})
MAX_PROBLEMS = 200
NO_REASON = "银行未注明原因"


def return_spec(layout) -> dict:
    """The layout's return-file section, with defaults filled in."""
    spec = {**DEFAULT_RETURN, **((layout.spec or {}).get("return") or {})}
    keys = {column.get("key") for column in spec["columns"]}
    if not REQUIRED_KEYS.issubset(keys) or not keys & {"amount_fen", "amount_yuan"} or not keys <= RETURN_KEYS:
        raise ApplicationError("bank_layout_invalid", f"银行文件格式「{layout.name}」的回盘文件列定义有误")
    return spec


def _last4(account: str) -> str:
    digits = "".join(ch for ch in account if ch.isdigit())
    return digits[-4:]


def _parse_date(text: str) -> dt.date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


@dataclass
class _Outcome:
    problems: list[str] = field(default_factory=list)
    paid: dict[int, tuple[dt.date, str]] = field(default_factory=dict)  # seq → (paid_on, bank_ref)
    failed: dict[int, str] = field(default_factory=dict)  # seq → reason
    paid_fen: int = 0
    failed_fen: int = 0
    file_count: int = 0
    file_fen: int = 0


def _amount(row: SheetRow, keys: set[str]) -> int | None:
    try:
        if "amount_fen" in keys:
            text = row["amount_fen"].replace(",", "").strip()
            return int(text) if text.lstrip("-").isdigit() else None
        return yuan_to_fen(row["amount_yuan"])
    except ApplicationError:
        return None


def _check(rows: list[SheetRow], *, spec: dict, exported: dict[int, PayrollLine], today: dt.date) -> _Outcome:
    """Every difference between the return file and the exported lines, in Chinese."""
    out = _Outcome()
    keys = {column["key"] for column in spec["columns"]}
    success = {value.strip() for value in spec["success_values"]}
    failure = {value.strip() for value in spec["failure_values"]}
    seen: dict[int, int] = {}
    for row in rows:
        where = f"第{row.number}行"
        seq_text = row["seq"].strip()
        if not seq_text.isdigit():
            out.problems.append(f"{where}：序号「{seq_text}」不是有效数字")
            continue
        seq = int(seq_text)
        if seq in seen:
            out.problems.append(f"{where}：序号 {seq} 重复（已在第{seen[seq]}行出现），每笔只能回盘一次")
            continue
        seen[seq] = row.number
        amount = _amount(row, keys)
        if amount is None:
            out.problems.append(f"{where}：序号 {seq} 的金额无法识别")
            continue
        out.file_count += 1
        out.file_fen += amount
        line = exported.get(seq)
        if line is None:
            out.problems.append(f"{where}：序号 {seq} 不在本次报送的银行文件中")
            continue
        expected_last4 = _last4(line.account.account_number) if line.account else ""
        if _last4(row["account_number"]) != expected_last4:
            out.problems.append(f"{where}：序号 {seq}（{line.payee_name}）账号尾号"
                                f"「{_last4(row['account_number'])}」与报送的尾号「{expected_last4}」不符")
        if amount != line.amount_fen:
            out.problems.append(f"{where}：序号 {seq}（{line.payee_name}）金额 {format_fen(amount)}"
                                f" 与报送的 {format_fen(line.amount_fen)} 不符")
        result = row["result"].strip()
        if result in success:
            paid_on = today
            if "paid_on" in keys and row["paid_on"].strip():
                paid_on = _parse_date(row["paid_on"])
                if paid_on is None:
                    out.problems.append(f"{where}：序号 {seq} 的入账日期「{row['paid_on']}」无法识别")
                    continue
            bank_ref = row.values.get("bank_ref", "").strip()
            if len(bank_ref) > 64:
                out.problems.append(f"{where}：序号 {seq} 的银行流水号超过64个字符")
                continue
            out.paid[seq] = (paid_on, bank_ref)
            out.paid_fen += amount
        elif result in failure:
            out.failed[seq] = (row.values.get("fail_reason", "").strip() or NO_REASON)[:200]
            out.failed_fen += amount
        else:
            expected = "」或「".join([*spec["success_values"], *spec["failure_values"]])
            out.problems.append(f"{where}：序号 {seq} 的结果「{result}」无法识别，应为「{expected}」")
    missing = sorted(set(exported) - set(seen))
    if missing:
        shown = "、".join(str(seq) for seq in missing[:20]) + ("等" if len(missing) > 20 else "")
        out.problems.append(f"回盘文件缺少 {len(missing)} 笔：序号 {shown}")
    exported_count = len(exported)
    exported_fen = sum(line.amount_fen for line in exported.values())
    settled_count, settled_fen = len(out.paid) + len(out.failed), out.paid_fen + out.failed_fen
    if out.problems or (settled_count, settled_fen) != (exported_count, exported_fen):
        out.problems.append(
            f"合计不符：导出 {exported_count} 笔 {format_fen(exported_fen)}，回盘 {out.file_count} 笔 "
            f"{format_fen(out.file_fen)}，差 {exported_count - out.file_count} 笔 "
            f"{format_fen(exported_fen - out.file_fen)}"
            if (out.file_count, out.file_fen) != (exported_count, exported_fen)
            else f"回盘文件有 {len(out.problems)} 处差异，本次导入不予对账")
    return out


class _Refused(Exception):
    def __init__(self, problems: list[str], outcome: _Outcome | None = None) -> None:
        super().__init__("refused")
        self.problems = problems
        self.outcome = outcome


def _refuse(*, acting_user, run: PayrollRun, filename: str, sha256: str, problems: list[str],
            outcome: _Outcome | None) -> Reconciliation:
    shown = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        shown.append(f"另有 {len(problems) - MAX_PROBLEMS} 处差异未列出")
    with transaction.atomic():
        item = Reconciliation.objects.create(
            run=run, filename=filename[:200], sha256=sha256, outcome=ReconciliationOutcome.REFUSED,
            paid_count=len(outcome.paid) if outcome else 0, paid_fen=outcome.paid_fen if outcome else 0,
            failed_count=len(outcome.failed) if outcome else 0, failed_fen=outcome.failed_fen if outcome else 0,
            problems=shown, created_by=acting_user)
        record_event(actor=acting_user, action="reconciliation.refuse", obj=item, area_code=run.area_id,
                     after={"outcome": item.outcome, "filename": item.filename, "problem_count": len(problems)})
    return item


def reconciliation_import(*, acting_user, run: PayrollRun, filename: str, content: bytes,
                          today: dt.date | None = None) -> Reconciliation:
    """Import the bank's return file for an exported run: applied in full, or refused with every difference."""
    require(acting_user, Perm.PAYROLL_DISBURSE)
    if not covers_run(acting_user, run):
        raise ApplicationError("reconciliation_scope", "该发放名册超出您的管辖范围，不能导入回盘文件")
    if run.status in (RunStatus.GENERATING, RunStatus.DRAFT, RunStatus.REVIEWED, RunStatus.APPROVED):
        raise ApplicationError("reconciliation_not_exported",
                               f"该发放名册尚未报送银行（当前状态：{run.get_status_display()}），不能导入回盘文件")
    today = today or timezone.localdate()
    sha256 = hashlib.sha256(content).hexdigest()
    try:
        with transaction.atomic():
            return _apply(acting_user=acting_user, run=run, filename=filename, content=content, sha256=sha256,
                          today=today)
    except _Refused as refused:
        # The refusal is kept outside the rolled-back transaction: nothing of the import remains but this row.
        return _refuse(acting_user=acting_user, run=run, filename=filename, sha256=sha256,
                       problems=refused.problems, outcome=refused.outcome)


def _apply(*, acting_user, run: PayrollRun, filename: str, content: bytes, sha256: str,
           today: dt.date) -> Reconciliation:
    run = PayrollRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.EXPORTED:
        done = run.reconciliations.filter(outcome=ReconciliationOutcome.ACCEPTED).first()
        when = f"（{timezone.localtime(done.created_at):%Y-%m-%d %H:%M} 导入的 {done.filename}）" if done else ""
        raise _Refused([f"该发放名册已完成对账{when}，不能重复导入回盘文件"])
    bank_file = BankFile.objects.filter(run=run).select_related("layout").first()
    if bank_file is None:
        raise _Refused(["该发放名册没有银行文件，无法对账"])
    spec = return_spec(bank_file.layout)
    columns = [SheetColumn(key=column["key"], header=column["header"]) for column in spec["columns"]]
    try:
        rows, errors = read_table(content, filename=filename, columns=columns)
    except ApplicationError as error:
        raise _Refused([str(error)]) from error
    if errors:
        raise _Refused([str(error) for error in errors])

    lines = list(run.lines.filter(status=LineStatus.EXPORTED).select_related("account").order_by("seq"))
    exported = {line.seq: line for line in lines}
    outcome = _check(rows, spec=spec, exported=exported, today=today)
    if outcome.problems:
        raise _Refused(outcome.problems, outcome)

    now = timezone.now()
    paid_by_day: dict[dt.date, list[str]] = defaultdict(list)
    for line in lines:
        if line.seq in outcome.paid:
            line.paid_on, line.bank_ref = outcome.paid[line.seq]
            line.status = LineStatus.PAID
            paid_by_day[line.paid_on].append(line.source_key)
        else:
            line.status, line.fail_reason = LineStatus.FAILED, outcome.failed[line.seq]
        line.updated_at = now
    PayrollLine.objects.bulk_update(lines, ["status", "paid_on", "bank_ref", "fail_reason", "updated_at"],
                                    batch_size=500)
    item = Reconciliation.objects.create(
        run=run, filename=filename[:200], sha256=sha256, outcome=ReconciliationOutcome.ACCEPTED,
        paid_count=len(outcome.paid), paid_fen=outcome.paid_fen, failed_count=len(outcome.failed),
        failed_fen=outcome.failed_fen, problems=[], created_by=acting_user)
    before = {"status": run.status}
    transition(run, table=RUN_TRANSITIONS, target=RunStatus.RECONCILED, extra_updates={
        "paid_count": len(outcome.paid), "paid_fen": outcome.paid_fen, "failed_count": len(outcome.failed),
        "failed_fen": outcome.failed_fen, "reconciled_at": now})
    record_event(actor=acting_user, action="payroll.reconcile", obj=run, area_code=run.area_id, before=before,
                 after={"status": run.status, "paid_count": run.paid_count, "paid_fen": run.paid_fen,
                        "failed_count": run.failed_count, "failed_fen": run.failed_fen,
                        "reconciliation": str(item.pk), "filename": item.filename})
    program = get_program(run.program)
    for paid_on, source_keys in sorted(paid_by_day.items()):
        program.on_paid(source_keys, paid_on)
    return item
