"""The one door to a single parameter, value or growth rule. Parameters apply to every area, so any holder of
the view permission may open a definition; a value or rule set for an area outside the user's view (neither
above nor under the user's area) is not found, like a missing one."""

from __future__ import annotations

from minzheng.accounts.permissions import Perm, require
from minzheng.core.errors import NotFoundError
from minzheng.policy.models import GrowthRule, ParameterDefinition, ParameterValue
from minzheng.policy.selectors import area_view_filter, user_area_code


def access_parameter_definition_by_code(user, code: str) -> ParameterDefinition:
    require(user, Perm.POLICY_VIEW)
    definition = ParameterDefinition.objects.filter(code=str(code)).first()
    if definition is None:
        raise NotFoundError("参数")
    return definition


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def access_parameter_value_by_id(user, value_id) -> ParameterValue:
    require(user, Perm.POLICY_VIEW)
    pk = _int(value_id)
    value = (ParameterValue.objects.filter(area_view_filter(user_area_code(user)), pk=pk)
             .select_related("definition", "created_by").first() if pk is not None else None)
    if value is None:
        raise NotFoundError("参数值")
    return value


def access_growth_rule_by_id(user, rule_id) -> GrowthRule:
    require(user, Perm.POLICY_VIEW)
    pk = _int(rule_id)
    rule = (GrowthRule.objects.filter(area_view_filter(user_area_code(user)), pk=pk)
            .select_related("definition").first() if pk is not None else None)
    if rule is None:
        raise NotFoundError("增长规则")
    return rule
