"""Pinyin keys for name search: staff type "zhangsan" or "zs" to find 张三.

Names are read character by character (a name is not a phrase, so phrase dictionaries mislead more than
they help), with every reading of the first character kept, since surnames such as 单 (shan/dan) or
曾 (zeng/ceng) are read differently from the same character in common words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, pinyin

_NON_LETTERS = re.compile(r"[^a-z]")


def _clean(syllable: str) -> str:
    return _NON_LETTERS.sub("", syllable.lower().replace("ü", "v"))


@lru_cache(maxsize=20_000)
def _readings(char: str) -> tuple[str, ...]:
    if char.isascii():
        cleaned = _clean(char)
        return (cleaned,) if cleaned else ()
    options = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    readings = [_clean(s) for s in (options[0] if options else [])]
    return tuple(dict.fromkeys(r for r in readings if r))


def name_search_key(name: str) -> str:
    """Space-padded tokens: full pinyin and initials for each reading of the first character,
    e.g. " zhangsan zs " — a query matches when it is the start of any token."""
    name = (name or "").strip()
    if not name:
        return ""
    rest = []
    for char in name[1:]:
        readings = _readings(char)
        if readings:
            rest.append(readings[0])
    firsts = _readings(name[0])[:3] or ("",)
    tokens: list[str] = []
    for first in firsts:
        syllables = [first, *rest] if first else rest
        tokens.append("".join(syllables))
        tokens.append("".join(s[0] for s in syllables if s))
    unique = " ".join(dict.fromkeys(t for t in tokens if t))
    return f" {unique[:250]} "


def normalize_pinyin_query(text: str) -> str:
    return _clean(text)


def is_pinyin_query(text: str) -> bool:
    return bool(text) and all(ch.isascii() and (ch.isalpha() or ch in " '") for ch in text)
