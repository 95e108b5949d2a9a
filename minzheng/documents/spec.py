"""A printed form described as data. Domain code builds a ``FormDocument`` and hands it to ``render_form``.

A document is a title and a sequence of blocks, printed top to bottom on A4 portrait pages:

- ``FieldTable``: label/value cells, several pairs to a row (基本信息);
- ``ListTable``: a header row and data rows (家庭成员, 公示名单), the header repeated on every page;
- ``Paragraph``: free text with the usual two-character first-line indent (告知书正文);
- ``Opinion``: a full-width row for one level's opinion, signature, seal and date (审批表 意见栏);
- ``Signatures``: boxes side by side for 经办人/审核人/审批人 with date lines, and an optional seal box.

Every string is printed through the ID-number guard (``minzheng.documents.guard``): a valid 18-digit ID
number anywhere in a document is printed masked unless the value is wrapped in ``Unmasked``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Align = Literal["L", "C", "R"]


class Unmasked(str):
    """A value printed exactly as given: the guard leaves ID numbers in it alone.

    Only for documents whose legal form requires the full number, printed for a user who may see it and
    logged as such. The marker does not survive string operations (concatenation, f-strings), so a value
    built from it is masked again.
    """

    __slots__ = ()


@dataclass(frozen=True)
class Field:
    """One label/value pair. ``span`` is how many pairs' width the value takes; a span that does not fit
    in what is left of a row starts a new row."""

    label: str
    value: str = ""
    span: int = 1


@dataclass(frozen=True)
class FieldTable:
    """Label/value pairs laid out ``columns`` pairs to a row, left to right. The last field of a row is
    widened to the row's end. ``title`` is printed as a heading row, repeated on a continuation page."""

    fields: Sequence[Field]
    columns: int = 2
    title: str = ""


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 1.0  # relative to the other columns
    align: Align = "C"


@dataclass(frozen=True)
class ListTable:
    """A list with a header row repeated on every page. ``numbered`` adds a 序号 column in front."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[str]]
    title: str = ""
    numbered: bool = False
    empty_text: str = "（无）"


@dataclass(frozen=True)
class Paragraph:
    text: str
    title: str = ""
    indent: bool = True  # two full-width spaces before each paragraph, as in Chinese body text


@dataclass(frozen=True)
class Opinion:
    """One level's opinion row of an approval form: a label cell on the left; on the right the opinion
    text, then the signer line, the seal mark and the date line at the bottom."""

    label: str
    text: str = ""
    signer: str = "经办人"
    seal: bool = False
    min_height: float = 34.0  # mm: room to write by hand when ``text`` is empty


@dataclass(frozen=True)
class SignatureBox:
    role: str
    date_line: bool = True


@dataclass(frozen=True)
class Signatures:
    """Boxes side by side for signatures (经办人, 审核人, 审批人), and a seal box for ``seal_unit`` if given."""

    boxes: Sequence[SignatureBox]
    seal_unit: str = ""
    seal_label: str = "（盖章）"
    height: float = 34.0  # mm


Block = FieldTable | ListTable | Paragraph | Opinion | Signatures


@dataclass(frozen=True)
class FormDocument:
    """A whole document. ``doc_number`` is the 文号 or form number; ``issuer`` the unit that fills it in.

    ``generated_at`` and ``generated_by`` appear in every page's footer with the page numbers.
    """

    title: str
    blocks: Sequence[Block] = field(default_factory=tuple)
    subtitle: str = ""
    doc_number: str = ""
    issuer: str = ""
    generated_at: dt.datetime | None = None
    generated_by: str = ""
    notes: Sequence[str] = field(default_factory=tuple)  # small print under the last block (填表说明)
