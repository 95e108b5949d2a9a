"""A guard for the whole test suite: no response may carry an unmasked, valid ID number.

Every response the Django test client receives is scanned — HTML, JSON, text, CSV, Excel (.xlsx is a zip of
XML) and PDF (text extracted) — for 18-character strings that pass the GB 11643 checksum. Two things are
allowed: the "查看完整" response, which marks itself with ``response.reveals_sensitive = True`` after
logging the read, and the echo of a number the user has just typed into the same request (a form shown
again with its errors). Anything else fails the test that made the request.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from minzheng.core.identifiers import is_valid_id_number

_ID = re.compile(r"(?<![0-9])(\d{17}[\dXx])(?![0-9Xx])")


@dataclass
class ScanStats:
    responses: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    leaks: list[str] = field(default_factory=list)


STATS = ScanStats()


class SensitiveLeak(AssertionError):
    pass


def valid_ids_in(text: str) -> set[str]:
    return {match.upper() for match in _ID.findall(text) if is_valid_id_number(match)}


def _pdf_text(content: bytes) -> str:
    # Decoded through each font's ToUnicode map, as a viewer's copy/search does (see pdfread's docstring).
    from minzheng.testing.pdfread import pdf_text

    return pdf_text(content)


def _zip_text(content: bytes) -> str:
    parts = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename.lower().endswith(".pdf"):
                parts.append(_pdf_text(data))
            elif info.filename.lower().endswith((".xlsx", ".zip")):
                parts.append(_zip_text(data))
            else:
                parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


def response_text(content: bytes, content_type: str) -> tuple[str, str]:
    """(kind, text) for a response body."""
    content_type = (content_type or "").lower()
    if content.startswith(b"%PDF") or "pdf" in content_type:
        return "pdf", _pdf_text(content)
    if content.startswith(b"PK") or "spreadsheet" in content_type or "zip" in content_type:
        try:
            return "xlsx/zip", _zip_text(content)
        except zipfile.BadZipFile:
            pass
    return content_type.split(";")[0] or "other", content.decode("utf-8", "replace")


def scan_response(response, *, typed: set[str] = frozenset()) -> None:
    if getattr(response, "reveals_sensitive", False):
        return
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
        response.streaming_content = [body]
    else:
        body = response.content
    if not body:
        return
    kind, text = response_text(body, response.get("Content-Type", ""))
    STATS.responses += 1
    STATS.by_kind[kind] = STATS.by_kind.get(kind, 0) + 1
    leaked = valid_ids_in(text) - {t.upper() for t in typed}
    if leaked:
        masked = sorted(number[:6] + "…" for number in leaked)
        STATS.leaks.append(f"{response.request.get('PATH_INFO', '?')}: {masked}")
        raise SensitiveLeak(f"response to {response.request.get('PATH_INFO')} ({kind}) carries unmasked ID "
                            f"number(s) {masked}")


def typed_values(data) -> set[str]:
    """ID numbers the client itself sent in this request (echoes are allowed)."""
    values: set[str] = set()
    if not data:
        return values
    items = data.lists() if hasattr(data, "lists") else (data.items() if isinstance(data, dict) else [])
    for _key, value in items:
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, str):
                values |= valid_ids_in(item)
    return values
