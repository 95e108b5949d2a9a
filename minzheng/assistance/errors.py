"""Error codes of social assistance, each with its Chinese message."""

from __future__ import annotations

from enum import StrEnum

from minzheng.core.errors import ApplicationError


class AssistanceErrorCode(StrEnum):
    INPUT_NOT_JSON = "input_not_json"
    INPUT_INVALID = "input_invalid"
    STANDARDS_MISSING = "standards_missing"
    STANDARDS_INVALID = "standards_invalid"
    STANDARDS_UNAVAILABLE = "standards_unavailable"


MESSAGES = {
    AssistanceErrorCode.INPUT_NOT_JSON: "文件不是有效的JSON",
    AssistanceErrorCode.INPUT_INVALID: "家庭信息有误",
    AssistanceErrorCode.STANDARDS_MISSING: "缺少政策参数",
    AssistanceErrorCode.STANDARDS_INVALID: "政策参数的值必须是非负整数",
    AssistanceErrorCode.STANDARDS_UNAVAILABLE: "无法取得政策参数：政策参数模块（policy）尚未安装",
}

# The messages for one field of a household file; the field path goes in front of them
# ("members[2].income_items[0].monthly_fen 必须是非负整数").
FIELD_REQUIRED = "为必填项"
FIELD_UNKNOWN = "不是可识别的字段"
FIELD_DUPLICATE_KEY = "在同一对象中出现了两次"
FIELD_OBJECT = "必须是JSON对象"
FIELD_LIST = "必须是列表"
FIELD_NON_EMPTY_LIST = "必须是非空列表"
FIELD_BOOL = "必须是 true 或 false"
FIELD_TEXT = "必须是非空字符串"
FIELD_NON_NEGATIVE_INT = "必须是非负整数"
FIELD_DATE = "必须是 YYYY-MM-DD 格式的有效日期"
FIELD_AREA_CODE = "必须是12位数字的行政区划代码"
FIELD_CHOICE = "必须是以下之一："
FIELD_GRADE = "必须是1到4之间的整数"
FIELD_BORN_AFTER_AS_OF = "中的出生日期晚于 as_of"
FIELD_DUPLICATE_ID = "与 {other} 重复"


class AssessmentInputError(ApplicationError):
    """One field of a household file is wrong; ``field`` is its path, for example ``members[0].status``."""

    def __init__(self, field: str | None, message: str, *,
                 code: AssistanceErrorCode = AssistanceErrorCode.INPUT_INVALID) -> None:
        super().__init__(code, message, field=field)

    def describe(self) -> str:
        return f"{self.field} {self.message}" if self.field else self.message


class StandardsError(ApplicationError):
    def __init__(self, code: AssistanceErrorCode, detail: str = "") -> None:
        message = MESSAGES[code] + (f"：{detail}" if detail else "")
        super().__init__(code, message)
