"""Checks on an uploaded supporting document: its size against the upload limit and its type read from the
first bytes (a renamed file is judged by what it is, not by its name)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath

from django.conf import settings

from minzheng.core.errors import ApplicationError


class AttachmentErrorCode(StrEnum):
    TOO_LARGE = "attachment_too_large"
    EMPTY = "attachment_empty"
    TYPE = "attachment_type"
    KIND = "attachment_kind"


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    magic: bytes


ALLOWED_TYPES = (
    FileType("application/pdf", ".pdf", b"%PDF-"),
    FileType("image/jpeg", ".jpg", b"\xff\xd8\xff"),
    FileType("image/png", ".png", b"\x89PNG\r\n\x1a\n"),
)
EXTENSIONS = {t.content_type: t.extension for t in ALLOWED_TYPES}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def check_attachment_size(size: int) -> None:
    limit = settings.MINZHENG_IMPORT_MAX_BYTES
    if size > limit:
        raise ApplicationError(AttachmentErrorCode.TOO_LARGE, f"文件大小超过上限（{_megabytes(limit)}）",
                               field="file")
    if size == 0:
        raise ApplicationError(AttachmentErrorCode.EMPTY, "文件为空，请重新选择", field="file")


def sniff_type(head: bytes) -> FileType:
    """The allowed type whose signature ``head`` starts with; anything else is refused."""
    for file_type in ALLOWED_TYPES:
        if head.startswith(file_type.magic):
            return file_type
    raise ApplicationError(AttachmentErrorCode.TYPE, "只能上传 PDF、JPEG 或 PNG 格式的文件", field="file")


def clean_filename(name: str) -> str:
    """The last part of the name the browser sent, without control characters, at most 200 characters."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(char for char in base if char.isprintable()).strip()
    return base[-200:] or "未命名"
