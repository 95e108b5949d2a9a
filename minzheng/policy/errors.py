"""Error codes of the policy parameters, each with its Chinese message."""

from enum import StrEnum

from minzheng.core.errors import ApplicationError


class PolicyErrorCode(StrEnum):
    PARAMETER_MISSING = "parameter_missing"
    VALUE_INVALID = "parameter_value_invalid"
    VALUE_OUT_OF_RANGE = "parameter_value_out_of_range"
    AREA_OUT_OF_SCOPE = "parameter_area_out_of_scope"
    PROPOSAL_PENDING = "parameter_proposal_pending"
    SELF_APPROVAL = "parameter_self_approval"
    REASON_REQUIRED = "parameter_reason_required"
    TEXT_TOO_LONG = "parameter_text_too_long"
    GROWTH_UNIT = "growth_unit_not_money"
    GROWTH_AMOUNT = "growth_amount_invalid"
    GROWTH_KIND = "growth_kind_invalid"
    GROWTH_APPLIED = "growth_rule_applied"
    GROWTH_NO_CHANGE = "growth_no_change"


MESSAGES = {
    PolicyErrorCode.PARAMETER_MISSING: "参数没有生效值",
    PolicyErrorCode.VALUE_INVALID: "参数值无效",
    PolicyErrorCode.VALUE_OUT_OF_RANGE: "参数值超出允许范围",
    PolicyErrorCode.AREA_OUT_OF_SCOPE: "所选区划不在您的管辖范围内",
    PolicyErrorCode.PROPOSAL_PENDING: "该参数在此区划、此生效日期已有待审批的值，请先审批或退回",
    PolicyErrorCode.SELF_APPROVAL: "不能审批本人提出的参数值，请由其他审批人员办理",
    PolicyErrorCode.REASON_REQUIRED: "请填写退回理由",
    PolicyErrorCode.TEXT_TOO_LONG: "内容过长",
    PolicyErrorCode.GROWTH_UNIT: "只有金额类参数可以设置自然增长",
    PolicyErrorCode.GROWTH_AMOUNT: "上调幅度应大于零",
    PolicyErrorCode.GROWTH_KIND: "增长方式应为按比例或按固定金额",
    PolicyErrorCode.GROWTH_APPLIED: "该增长规则已生成过待审批的值",
    PolicyErrorCode.GROWTH_NO_CHANGE: "按此规则计算的新标准与现行标准相同，无需提出",
}


def policy_error(code: PolicyErrorCode, message: str | None = None, *, field: str | None = None) -> ApplicationError:
    return ApplicationError(code, message or MESSAGES[code], field=field)
