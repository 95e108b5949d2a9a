"""The last line of defence for ID numbers on paper: the renderer passes every string through ``guard_text``.

Domain code is expected to print ``person.masked_id_number``; this catches the case where a full number
reaches a document anyway (a free-text remark, a note copied from an application). Only numbers that
pass the GB 11643 checks are masked, so other long digit strings (bank references, household numbers)
print unchanged.
"""

from __future__ import annotations

import re

from minzheng.core.identifiers import is_valid_id_number, normalize_id_text
from minzheng.core.masking import mask_id_number
from minzheng.documents.spec import Unmasked

# 18 characters, ASCII or full-width (a Chinese input method in full-width mode), standing alone: not part
# of a longer run of digits or letters, which would be some other identifier.
_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])[0-9０-９]{17}[0-9Xx０-９Ｘｘ](?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"
)


def _mask_match(match: re.Match[str]) -> str:
    raw = match.group(0)
    if not is_valid_id_number(raw):
        return raw
    return mask_id_number(normalize_id_text(raw))


def guard_text(value: object) -> str:
    """The text to print for ``value``: valid ID numbers in it masked, unless it is ``Unmasked``."""
    if value is None:
        return ""
    if isinstance(value, Unmasked):
        return str.__str__(value)
    return _CANDIDATE.sub(_mask_match, str(value))
