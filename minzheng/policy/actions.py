"""Writes of policy parameters: proposing a value, approving or rejecting it (maker-checker), and natural-growth
rules that propose the next standard. Nothing here approves a value on its own: every new value starts as a
proposal that another user with the approval permission decides. Every write leaves an event row."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from minzheng.accounts.permissions import Perm, require
from minzheng.areas.codes import normalize_code, prefix_of
from minzheng.areas.models import Area
from minzheng.audit.actions import record_event, snapshot
from minzheng.core.errors import ApplicationError
from minzheng.core.transitions import can_transition, transition
from minzheng.policy.enums import TRANSITIONS, GrowthKind, ValueStatus
from minzheng.policy.errors import PolicyErrorCode, policy_error
from minzheng.policy.models import GrowthRule, ParameterDefinition, ParameterValue, describe_growth
from minzheng.policy.selectors import growth_preview
from minzheng.policy.units import check_value

_VALUE_FIELDS = ["area_code", "effective_from", "value_int", "status", "label", "note"]
_RULE_FIELDS = ["area_code", "kind", "amount", "effective_from", "label", "note"]


def _event_area(prefix: str) -> str:
    return normalize_code(prefix) if prefix else ""


def _text(value: str | None, limit: int, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise policy_error(PolicyErrorCode.TEXT_TOO_LONG, f"{label}不能超过{limit}个字", field=field)
    return value


def _area_prefix(acting_user, area_code: str) -> str:
    """The stored prefix of an area the user may set values for: their own area or one under it."""
    try:
        code = normalize_code(area_code)
    except ApplicationError as error:
        raise policy_error(PolicyErrorCode.AREA_OUT_OF_SCOPE, error.message, field="area_code") from error
    scope = acting_user.area_prefix
    if not code.startswith(scope) or not Area.objects.filter(code=code).exists():
        raise policy_error(PolicyErrorCode.AREA_OUT_OF_SCOPE, field="area_code")
    return prefix_of(code)


def _in_scope(acting_user, prefix: str) -> bool:
    return prefix.startswith(acting_user.area_prefix)


def _value_after(value: ParameterValue) -> dict:
    return {"definition": value.definition.code, **snapshot(value, _VALUE_FIELDS)}


def _pending() -> ApplicationError:
    return policy_error(PolicyErrorCode.PROPOSAL_PENDING, field="effective_from")


def _create_proposal(*, acting_user, definition: ParameterDefinition, prefix: str, effective_from: dt.date,
                     value_int: int, label: str, note: str, event_note: str = "") -> ParameterValue:
    if ParameterValue.objects.filter(definition=definition, area_code=prefix, effective_from=effective_from,
                                     status=ValueStatus.PROPOSED).exists():
        raise _pending()
    try:
        with transaction.atomic():
            value = ParameterValue.objects.create(definition=definition, area_code=prefix,
                                                  effective_from=effective_from, value_int=value_int,
                                                  status=ValueStatus.PROPOSED, label=label, note=note,
                                                  created_by=acting_user)
            record_event(actor=acting_user, action="parameter_value.submit", obj=value,
                         area_code=_event_area(prefix), after=_value_after(value), note=event_note)
    except IntegrityError as exc:
        # Another proposal for the same parameter, area and date arrived between the check and the insert.
        raise _pending() from exc
    return value


def parameter_value_propose(*, acting_user, definition: ParameterDefinition, area_code: str,
                            effective_from: dt.date, value_int: int, label: str = "",
                            note: str = "") -> ParameterValue:
    """Propose a value for the area (a 6-, 9- or 12-digit code: that area and everything under it) from a date.

    It applies nowhere until another user approves it. A correction of an approved value is proposed the same
    way, for the same area and date; approving it supersedes the old value.
    """
    require(acting_user, Perm.POLICY_EDIT)
    prefix = _area_prefix(acting_user, area_code)
    check_value(value_int, definition.unit)
    return _create_proposal(acting_user=acting_user, definition=definition, prefix=prefix,
                            effective_from=effective_from, value_int=value_int,
                            label=_text(label, 100, "label", "标注/文号"), note=_text(note, 500, "note", "说明"))


def _check_decider(acting_user, value: ParameterValue) -> None:
    require(acting_user, Perm.POLICY_APPROVE)
    if not _in_scope(acting_user, value.area_code):
        raise policy_error(PolicyErrorCode.AREA_OUT_OF_SCOPE)
    if value.created_by_id is not None and value.created_by_id == acting_user.pk:
        raise policy_error(PolicyErrorCode.SELF_APPROVAL)


def _locked(value: ParameterValue) -> ParameterValue:
    # Re-read under a row lock, so two approvers cannot both decide the same proposal.
    return ParameterValue.objects.select_for_update().select_related("definition").get(pk=value.pk)


def parameter_value_approve(*, acting_user, value: ParameterValue) -> ParameterValue:
    """Approve a proposal (by someone other than its proposer). An approved value already held for the same
    parameter, area and date is superseded by it, and stays in the history."""
    _check_decider(acting_user, value)
    now = timezone.now()
    with transaction.atomic():
        value = _locked(value)
        if not can_transition(TRANSITIONS, value.status, ValueStatus.APPROVED):
            # Raises the Chinese message naming both statuses; nothing is superseded.
            transition(value, table=TRANSITIONS, target=ValueStatus.APPROVED)
        previous = (ParameterValue.objects.select_for_update()
                    .filter(definition_id=value.definition_id, area_code=value.area_code,
                            effective_from=value.effective_from, status=ValueStatus.APPROVED).first())
        if previous is not None:
            before = snapshot(previous, ["status"])
            transition(previous, table=TRANSITIONS, target=ValueStatus.SUPERSEDED,
                       extra_updates={"superseded_by": value, "superseded_at": now})
            record_event(actor=acting_user, action="parameter_value.supersede", obj=previous,
                         area_code=_event_area(previous.area_code), before=before,
                         after=snapshot(previous, ["status", "superseded_by"]),
                         note=f"被新批准的值替代：{value.format_value()}")
        before = snapshot(value, ["status"])
        transition(value, table=TRANSITIONS, target=ValueStatus.APPROVED,
                   extra_updates={"approved_by": acting_user, "approved_at": now})
        record_event(actor=acting_user, action="parameter_value.approve", obj=value,
                     area_code=_event_area(value.area_code), before=before,
                     after=snapshot(value, ["status", "approved_by", "approved_at"]))
    return value


def parameter_value_reject(*, acting_user, value: ParameterValue, reason: str) -> ParameterValue:
    """Send a proposal back with a reason (by someone other than its proposer); it never applies."""
    _check_decider(acting_user, value)
    reason = _text(reason, 500, "reason", "退回理由")
    if not reason:
        raise policy_error(PolicyErrorCode.REASON_REQUIRED, field="reason")
    with transaction.atomic():
        value = _locked(value)
        before = snapshot(value, ["status"])
        transition(value, table=TRANSITIONS, target=ValueStatus.REJECTED,
                   extra_updates={"rejected_by": acting_user, "rejected_at": timezone.now(),
                                  "rejection_reason": reason})
        record_event(actor=acting_user, action="parameter_value.reject", obj=value,
                     area_code=_event_area(value.area_code), before=before,
                     after=snapshot(value, ["status", "rejection_reason"]), note=reason)
    return value


def growth_rule_create(*, acting_user, definition: ParameterDefinition, area_code: str, kind: str, amount: int,
                       effective_from: dt.date, label: str = "", note: str = "") -> GrowthRule:
    """Record a natural-growth step: from ``effective_from`` the area's standard rises by ``amount`` (tenths of a
    percent for ``percent``: 50 = +5.0 %; fen for ``fixed_fen``). It changes nothing until applied."""
    require(acting_user, Perm.POLICY_EDIT)
    if not definition.is_money:
        raise policy_error(PolicyErrorCode.GROWTH_UNIT)
    if kind not in GrowthKind.values:
        raise policy_error(PolicyErrorCode.GROWTH_KIND, field="kind")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise policy_error(PolicyErrorCode.GROWTH_AMOUNT, field="amount")
    prefix = _area_prefix(acting_user, area_code)
    with transaction.atomic():
        rule = GrowthRule.objects.create(definition=definition, area_code=prefix, kind=kind, amount=amount,
                                         effective_from=effective_from, label=_text(label, 100, "label", "标注/文号"),
                                         note=_text(note, 500, "note", "说明"), created_by=acting_user)
        record_event(actor=acting_user, action="growth_rule.create", obj=rule, area_code=_event_area(prefix),
                     after={"definition": definition.code, **snapshot(rule, _RULE_FIELDS)})
    return rule


def growth_rule_apply(*, acting_user, rule: GrowthRule) -> ParameterValue:
    """Compute the next standard from the one in force the day before the rule's date and propose it for
    approval. Never approves: the proposal waits for another user like any other."""
    require(acting_user, Perm.POLICY_EDIT)
    if not _in_scope(acting_user, rule.area_code):
        raise policy_error(PolicyErrorCode.AREA_OUT_OF_SCOPE)
    with transaction.atomic():
        rule = GrowthRule.objects.select_for_update().select_related("definition").get(pk=rule.pk)
        if rule.proposed_value_id is not None:
            raise policy_error(PolicyErrorCode.GROWTH_APPLIED)
        preview = growth_preview(definition=rule.definition, area_code=rule.area_code, kind=rule.kind,
                                 amount=rule.amount, effective_from=rule.effective_from)
        if preview.result == preview.base.value_int:
            raise policy_error(PolicyErrorCode.GROWTH_NO_CHANGE)
        basis = (f"自然增长：{rule.effective_from.year}年{rule.effective_from.month}月{rule.effective_from.day}日起"
                 f"{describe_growth(rule.kind, rule.amount)}，基数{preview.base_display}，按元四舍五入")
        note = f"{basis}。{rule.note}" if rule.note else basis
        value = _create_proposal(acting_user=acting_user, definition=rule.definition, prefix=rule.area_code,
                                 effective_from=rule.effective_from, value_int=preview.result, label=rule.label,
                                 note=note[:500], event_note=f"由增长规则#{rule.pk}生成")
        before = snapshot(rule, ["base_value", "proposed_value", "applied_at"])
        rule.base_value = preview.base
        rule.proposed_value = value
        rule.applied_by = acting_user
        rule.applied_at = timezone.now()
        rule.save(update_fields=["base_value", "proposed_value", "applied_by", "applied_at", "updated_at"])
        record_event(actor=acting_user, action="growth_rule.apply", obj=rule, area_code=_event_area(rule.area_code),
                     before=before, after=snapshot(rule, ["base_value", "proposed_value", "applied_at"]))
    return value
