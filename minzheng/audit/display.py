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
