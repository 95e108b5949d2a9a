"""How audit rows are shown. The rows keep full values (an ID correction must stay provable), but pages and
exports show ID numbers and phones masked, like every other screen (DESIGN rule 6)."""

from __future__ import annotations

import re

from minzheng.core.masking import mask_id_number, mask_phone

_MASKS = {"id_number": mask_id_number, "phone": mask_phone}
_ID_IN_TEXT = re.compile(r"(?<![0-9])(?:\d{17}[\dXx]|\d{15})(?![0-9Xx])")


def masked_changes(values: dict | None) -> dict | None:
    """A before/after dict with sensitive fields masked."""
    if not values:
        return values
    return {key: _MASKS[key](value) if key in _MASKS and isinstance(value, str) else value
            for key, value in values.items()}


def masked_text(text: str | None) -> str:
    """Free text (a search filter kept as the reason for an export) with any ID number in it masked."""
    return _ID_IN_TEXT.sub(lambda match: mask_id_number(match.group(0).upper()), text or "")


# --- Readable labels ------------------------------------------------------------------------------------
# Actions are "<entity>.<verb>"; entities are model labels ("registry.person"). Labels come from the models'
# verbose names and field choices, so a new app's events read well without a table to maintain; only the
# verbs are listed here.

VERBS = {
    "create": "新增", "update": "修改", "end": "移出", "delete": "删除", "revoke": "撤销", "change_head": "变更户主",
    "generate": "生成", "view_detail": "查看详情", "export": "导出", "search": "查询", "print": "打印",
    "reveal": "查看完整信息", "import": "导入", "enqueue": "提交", "cancel": "取消", "approve": "审批通过",
    "reject": "退回", "submit": "提交", "login": "登录", "logout": "退出", "disable": "停用", "enable": "启用",
    "set_password": "重置密码", "change_password": "修改密码", "unlock": "解除锁定", "reset_otp": "重置双因素认证",
    "confirm": "确认", "rotate": "轮换密钥", "archive": "归档", "supersede": "被替代", "apply": "应用",
    "determine": "分类审核认定", "accept": "受理", "mark_incomplete": "补正材料", "resubmit": "重新提交",
    "refuse": "不予受理", "investigate": "调查核实", "town_review": "乡镇审核", "publish_notice": "公示",
    "skip_notice": "免于公示", "end_notice": "公示结束", "deny": "不予批准", "pay_first": "先行救助",
    "complete_paperwork": "补齐手续", "pay": "发放", "record_objection": "登记公示异议",
    "resolve_objection": "处理公示异议", "review": "审核", "return": "退回", "regenerate": "重新生成",
    "close": "关闭", "release": "核实后发放", "cancel_line": "核实后不予发放",
    "export_bank_file": "导出银行代发文件", "reconcile": "回盘对账", "raise": "发现预警", "assign": "分派",
    "visit": "入户核查",
}
_ENTITY_ALIASES = {"membership": "registry.membership", "person": "registry.person",
                   "household": "registry.household", "area": "areas.area", "user": "accounts.user",
                   "api_token": "accounts.apitoken", "payroll": "payments.payrollrun",
                   "alert": "monitoring.alert"}
_ENTITY_LABELS = {"demo": "演示数据", "totp_device": "双因素认证设备", "login_failure": "登录失败记录"}
# Third-party models whose verbose names are English.
_OBJECT_LABELS = {"otp_totp.totpdevice": "双因素认证设备", "axes.accessattempt": "登录失败记录",
                  "accounts.loginfailure": "登录失败记录"}


def _model(object_type: str):
    """The model for "app.model", or for an action's entity such as "calendar_override"."""
    from django.apps import apps

    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        pass
    wanted = object_type.replace("_", "")
    for model in apps.get_models():
        if model._meta.model_name == wanted:
            return model
    return None


def object_type_label(object_type: str) -> str:
    if object_type in _OBJECT_LABELS:
        return _OBJECT_LABELS[object_type]
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else object_type


def action_label(action: str) -> str:
    """"person.create" → "人员·新增"; "view_detail" → "查看详情"."""
    entity, _, verb = action.rpartition(".")
    verb_label = VERBS.get(verb, verb)
    if not entity:
        return verb_label
    if entity in _ENTITY_LABELS:
        return f"{_ENTITY_LABELS[entity]}·{verb_label}"
    model = _model(_ENTITY_ALIASES.get(entity, entity))
    entity_label = str(model._meta.verbose_name) if model else entity
    return f"{entity_label}·{verb_label}"


def _field_label(model, name: str) -> tuple[str, dict]:
    if model is None:
        return FIELD_LABELS.get(name, name), {}
    base = name.removesuffix("_id")
    try:
        field = model._meta.get_field(base)
    except Exception:
        return FIELD_LABELS.get(name, name), {}
    choices = {str(k): str(v) for k, v in (field.flatchoices or [])}
    return str(field.verbose_name), choices


def _value_label(value, choices: dict) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return choices.get(str(value), str(value))


def readable_changes(values: dict | None, object_type: str) -> list[tuple[str, str]]:
    """[(field label, value label)] with sensitive values masked, for history tables."""
    values = masked_changes(values)
    if not values:
        return []
    model = _model(object_type)
    rows = []
    for key, value in values.items():
        label, choices = _field_label(model, key)
        rows.append((label, _value_label(value, choices)))
    return rows


FIELD_LABELS = {"id_number(masked)": "身份证号码（脱敏）", "phone(masked)": "联系电话（脱敏）", "name": "姓名",
                "disability": "残疾情况", "address": "地址", "members": "家庭成员", "sex": "性别",
                "birth_date": "出生日期", "hukou_area": "户籍地", "residence_area": "居住地", "self_care": "自理能力",
                "death_date": "死亡日期", "number": "户编号", "area": "区划", "head": "户主",
                "head_id_number(masked)": "户主身份证号码（脱敏）", "member_count": "家庭人口",
                "id_number": "身份证号码（完整）", "phone": "联系电话（完整）", "seed": "随机种子",
                "persons": "人员数", "households": "家庭数"}


def field_list_label(fields: list[str] | None) -> str:
    return "、".join(FIELD_LABELS.get(f, f) for f in (fields or []))
