"""The arithmetic of 标准自然增长: the next standard from the current one, rounded half up to whole yuan."""

from __future__ import annotations

from minzheng.core.money import round_fen_to_yuan
from minzheng.policy.enums import GrowthKind
from minzheng.policy.errors import PolicyErrorCode, policy_error

# ``amount`` of a percent rule is in tenths of a percent: 50 is +5.0 %.
PERCENT_SCALE = 1000


def grown_value(base_fen: int, *, kind: str, amount: int) -> int:
    """77000 +5 % → 80850 fen = ¥808.50 → ¥809 → 80900; 74550 +¥30 → 77550 → ¥776 → 77600.

    The exact new amount of a percent rise is base × (1000 + amount) / 1000 fen, usually not a whole fen. Only
    its whole-fen part is passed on to rounding: half up to whole yuan turns on whether the fen part reaches 50,
    and an exact amount of k·100 + 49.5 fen has the whole-fen part k·100 + 49, so truncating first cannot move
    an amount across the 50-fen line (both are non-negative), and no amount is rounded twice.
    """
    if amount <= 0:
        raise policy_error(PolicyErrorCode.GROWTH_AMOUNT, field="amount")
    if kind == GrowthKind.PERCENT:
        exact_floor = base_fen * (PERCENT_SCALE + amount) // PERCENT_SCALE
        return round_fen_to_yuan(exact_floor)
    if kind == GrowthKind.FIXED_FEN:
        return round_fen_to_yuan(base_fen + amount)
    raise policy_error(PolicyErrorCode.GROWTH_KIND, field="kind")
