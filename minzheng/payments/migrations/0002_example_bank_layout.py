"""Example 一卡通 bank file layouts (示例格式): a GB18030 fixed-width file and a CSV file of the 淮南农商银行 kind.

Each agent bank sends its own interface document; these show the spec (see ``minzheng.payments.bankfiles``) and
are copied and adjusted per bank by the administrator. The spec is written out here, not imported, so that the
migration stays what it was when it ran.
"""

from django.db import migrations

RETURN = {
    "format": "csv",
    "encoding": "gb18030",
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


def _zero(source, width):
    return {"source": source, "width": width, "align": "right", "pad": "0"}


FIXED_SPEC = {
    "filename": "{bank_code}_DF_{area_code}_{period}_{batch_no}.txt",
    "line_ending": "\r\n",
    "checksum": "sm3",
    "header": [[
        {"value": "H", "width": 1},
        {"source": "bank_code", "width": 8},
        {"source": "batch_no", "width": 14},
        {"source": "program", "width": 32},
        {"source": "period", "width": 6},
        {"source": "run_area_code", "width": 12},
        _zero("count", 8),
        _zero("total_fen", 15),
        {"source": "export_date", "width": 8},
    ]],
    "detail": [
        {"value": "D", "width": 1},
        _zero("seq", 6),
        {"source": "account_number", "width": 19},
        {"source": "holder_name", "width": 30},
        _zero("amount_fen", 12),
        {"source": "area_code", "width": 12},
    ],
    "trailer": [
        [{"value": "T", "width": 1}, _zero("count", 8), _zero("total_fen", 15),
         {"source": "total_capital", "width": 60}],
        [{"value": "S", "width": 1}, {"value": "SM3", "width": 8}, {"source": "checksum", "width": 64}],
    ],
    "return": RETURN,
}

CSV_SPEC = {
    "filename": "{bank_code}_DF_{area_code}_{period}_{batch_no}.csv",
    "line_ending": "\r\n",
    "delimiter": ",",
    "checksum": "sha256",
    "header": [[{"value": v} for v in ("序号", "账号", "户名", "金额(分)", "金额(元)", "地区代码")]],
    "detail": [
        {"source": "seq", "width": 6},
        {"source": "account_number", "width": 19},
        {"source": "holder_name", "width": 60},
        {"source": "amount_fen", "width": 12},
        {"source": "amount_yuan", "width": 13},
        {"source": "area_code", "width": 12},
    ],
    "trailer": [
        [{"value": "合计"}, {"source": "count"}, {"source": "total_capital"}, {"source": "total_fen"},
         {"source": "total_yuan"}, {"source": "batch_no"}],
        [{"value": "校验(SHA-256)"}, {"source": "checksum"}],
    ],
    "return": RETURN,
}

LAYOUTS = [
    ("hnrcb_fixed", "淮南农商银行一卡通代发（定长示例）", "fixed", FIXED_SPEC),
    ("hnrcb_csv", "淮南农商银行一卡通代发（CSV示例）", "csv", CSV_SPEC),
]


def create(apps, schema_editor):
    BankLayout = apps.get_model("payments", "BankLayout")
    for code, name, file_format, spec in LAYOUTS:
        BankLayout.objects.update_or_create(code=code, defaults={
            "name": name, "bank_code": "HNRCB", "bank_name": "淮南农商银行", "file_format": file_format,
            "encoding": "gb18030", "spec": spec, "is_active": True})


def delete(apps, schema_editor):
    apps.get_model("payments", "BankLayout").objects.filter(code__in=[code for code, *_ in LAYOUTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(create, delete)]
