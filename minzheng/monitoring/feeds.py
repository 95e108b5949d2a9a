"""Department feeds: reading a file, validating every row, pseudonymizing and loading it into the lake.

A file is loaded completely or refused completely (DESIGN rule 9). ``feed_ingest`` refuses the whole file when
it is too large (checked before anything is parsed), empty, of an unknown format, has wrong columns, was loaded
before (same SHA-256 for the kind) or has more than half of its rows bad (疑似格式错误). Otherwise each row is:

- **loaded** — written to ``{LAKE}/feeds/{kind}/loaded={date}/{file_id}.parquet`` with its ID number replaced by
  the registry's keyed blind index (``person_key``);
- **name-only** — the ID number is empty but name, birth date and area are given: loaded with a null
  ``person_key`` and proposed as ``NameMatchCandidate`` s for a person to confirm (never an alert by itself);
- **quarantined** — a present but invalid ID number, a bad date, amount, integer or code, a missing required
  value, a formula: stored as ``QuarantinedRow`` with its reasons (the row encrypted), downloadable masked;
- **duplicate** — the same key columns as an earlier row of the file or a row already in the lake for the kind:
  counted in ``rows_duplicate`` and skipped.

Validation is vectorized with pyarrow and numpy (ID checksums as a weighted sum over a fixed-width byte matrix,
dates checked arithmetically, the blind index computed once per distinct ID number), so ten million rows load
in well under a minute (benchmarks/ingest.py). Large CSV and Parquet files are read by pyarrow; .xlsx goes
through ``core.spreadsheets.read_table`` (zip-bomb and formula checks) and is limited to
``MINZHENG_FEED_XLSX_MAX_ROWS`` rows.

Row numbers (``row_number`` in the lake and in the quarantine) are the numbers a person sees: the header is row
1 and the first data row is row 2. In .xlsx they are the Excel row numbers; in CSV blank lines are skipped and
not counted (a file without blank lines or line breaks inside quoted cells numbers rows exactly as its lines);
in Parquet the n-th row is row n + 1.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from minzheng.accounts.permissions import Perm, require
from minzheng.audit.actions import record_event
from minzheng.core import crypto
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.identifiers import ID_MESSAGES, IdErrorCode, IdNumberError, parse_id_number
from minzheng.monitoring import lake
from minzheng.monitoring.enums import ColumnType, FeedFileStatus
from minzheng.monitoring.models import FeedFile, FeedKind, QuarantinedRow

MAX_BAD_SHARE = 0.5
MIN_DATE = dt.date(1880, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)
TEXT_MAX = 500
NAME_MAX = 64
_EPOCH = dt.date(1970, 1, 1)
_ID_WEIGHTS = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_TRUE = ["是", "true", "t", "yes", "y", "1"]
_FALSE = ["否", "false", "f", "no", "n", "0"]


class FeedErrorCode:
    TOO_LARGE = "feed_too_large"
    EMPTY = "feed_empty"
    FORMAT = "feed_format"
    UNREADABLE = "feed_unreadable"
    HEADER = "feed_header"
    ALREADY_LOADED = "feed_already_loaded"
    MOSTLY_BAD = "feed_mostly_bad"
    INACTIVE = "feed_kind_inactive"


class FeedRefused(ApplicationError):
    """The whole file is refused; nothing of it is loaded."""


# --- the declared schema of a kind ---------------------------------------------------------------------

def _choice(item) -> tuple[str, str]:
    if isinstance(item, list | tuple):
        return str(item[0]), str(item[1]) if len(item) > 1 else str(item[0])
    return str(item), str(item)


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    label: str
    type: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    min: int | None = None
    max: int | None = None
    month: bool = False

    @classmethod
    def from_dict(cls, data: dict) -> ColumnSpec:
        return cls(name=data["name"], label=data.get("label") or data["name"], type=data["type"],
                   required=bool(data.get("required")),
                   choices=tuple(_choice(c) for c in data.get("choices") or ()),
                   min=data.get("min"), max=data.get("max"), month=bool(data.get("month")))


@dataclass(frozen=True)
class KindSpec:
    code: str
    columns: tuple[ColumnSpec, ...]
    event_date_column: str
    key_columns: tuple[str, ...]

    @classmethod
    def from_model(cls, kind: FeedKind) -> KindSpec:
        return cls(code=kind.code, columns=tuple(ColumnSpec.from_dict(c) for c in kind.columns),
                   event_date_column=kind.event_date_column, key_columns=tuple(kind.key_columns or ()))

    def column(self, name: str) -> ColumnSpec | None:
        return next((c for c in self.columns if c.name == name), None)

    def _first(self, type_: str) -> ColumnSpec | None:
        return next((c for c in self.columns if c.type == type_), None)

    @property
    def id_column(self) -> ColumnSpec | None:
        return self.column("id_number") or self._first(ColumnType.ID_NUMBER)

    @property
    def name_column(self) -> ColumnSpec | None:
        return self._first(ColumnType.NAME)

    @property
    def birth_column(self) -> ColumnSpec | None:
        column = self.column("birth_date")
        return column if column is not None and column.type == ColumnType.DATE else None

    @property
    def area_column(self) -> ColumnSpec | None:
        column = self.column("area_code")
        return column if column is not None and column.type == ColumnType.AREA else self._first(ColumnType.AREA)


_LAKE_TYPES = {ColumnType.DATE: pa.date32(), ColumnType.AMOUNT: pa.int64(), ColumnType.INTEGER: pa.int64(),
               ColumnType.BOOLEAN: pa.bool_()}


def lake_schema(spec: KindSpec) -> pa.Schema:
    """The columns of this kind's lake files, in order (the engine's contract, docs/monitoring-feeds.md)."""
    fields = [pa.field("row_id", pa.string(), False), pa.field("file_id", pa.string(), False),
              pa.field("row_number", pa.int32(), False), pa.field("person_key", pa.string())]
    if spec.name_column is not None:
        fields.append(pa.field("name", pa.string()))
    fields += [pa.field("birth_date", pa.date32()), pa.field("area_code", pa.string()),
               pa.field("event_date", pa.date32())]
    for column in _other_columns(spec):
        if column.type == ColumnType.ID_NUMBER:
            fields.append(pa.field(f"{column.name}_key", pa.string()))
        else:
            fields.append(pa.field(column.name, _LAKE_TYPES.get(column.type, pa.string())))
    return pa.schema(fields)


def _other_columns(spec: KindSpec) -> list[ColumnSpec]:
    # The event column appears twice: as ``event_date`` and under its own name.
    taken = {"birth_date", "area_code", "name"}
    for special in (spec.id_column, spec.name_column, spec.birth_column):
        if special is not None:
            taken.add(special.name)
    return [c for c in spec.columns if c.name not in taken]


# --- reading a file ------------------------------------------------------------------------------------

@dataclass
class Source:
    """A file read as text columns keyed by column name, with each row's number as a person sees it."""

    columns: dict[str, pa.Array]
    row_numbers: np.ndarray
    headers: dict[str, str]  # column name -> header as written in the file
    formula_rows: dict[int, list[str]] = field(default_factory=dict)  # row index -> column names

    @property
    def num_rows(self) -> int:
        return len(self.row_numbers)


def _refuse(code: str, message: str, **kwargs) -> FeedRefused:
    return FeedRefused(code, message, **kwargs)


def resolve_header(spec: KindSpec, headers: list[str]) -> list[str]:
    """Map each header (Chinese label or English name) to its column name; refuse wrong columns, naming them."""
    lookup: dict[str, str] = {}
    for column in spec.columns:
        lookup[column.label.strip()] = column.name
        lookup[column.name.lower()] = column.name
    names: list[str] = []
    unknown: list[str] = []
    duplicated: list[str] = []
    for header in headers:
        text = (header or "").strip()
        name = lookup.get(text) or lookup.get(text.lower())
        if name is None:
            unknown.append(text or "（空白列名）")
        elif name in names:
            duplicated.append(text)
        else:
            names.append(name)
    missing = [c.label for c in spec.columns if c.required and c.name not in names]
    if missing or unknown or duplicated:
        detail = []
        if missing:
            detail.append("缺少必需的列：" + "、".join(missing))
        if unknown:
            detail.append("无法识别的列：" + "、".join(unknown))
        if duplicated:
            detail.append("重复的列：" + "、".join(duplicated))
        raise _refuse(FeedErrorCode.HEADER, "表头与该数据来源的格式不符（" + "；".join(detail) +
                      "）。列名可用中文名称或英文代码，请对照格式说明", row=1)
    return names


def detect_format(filename: str, content: bytes) -> str:
    lower = (filename or "").lower()
    if content[:4] == b"PAR1" or lower.endswith(".parquet"):
        return "parquet"
    if content[:4] == b"PK\x03\x04" or lower.endswith(".xlsx"):
        return "xlsx"
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or lower.endswith(".xls"):
        raise _refuse(FeedErrorCode.FORMAT, "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 .csv 后上传")
    if lower.endswith((".csv", ".txt")) or (not lower.rpartition(".")[1] and b"\x00" not in content[:4096]):
        if b"\x00" in content[:4096]:
            raise _refuse(FeedErrorCode.UNREADABLE, "文件不是文本格式的 CSV，无法读取")
        return "csv"
    raise _refuse(FeedErrorCode.FORMAT, "不支持的文件格式，请上传 .csv、.xlsx 或 .parquet 文件")


def _csv_header(body: bytes) -> tuple[list[str], int, str]:
    end = body.find(b"\n")
    line = body if end < 0 else body[:end]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = line.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refuse(FeedErrorCode.UNREADABLE, "CSV 文件编码无法识别，请以 UTF-8 或 GBK 编码保存")
    row = next(csv.reader([text.rstrip("\r")]), [])
    width = len(row)
    while row and not row[-1].strip():
        row.pop()
    return row, width, encoding


def _line_of(body: bytes, text: str, encoding: str) -> int | None:
    try:
        position = body.find(text.encode(encoding), body.find(b"\n") + 1)
    except (UnicodeEncodeError, LookupError):
        return None
    return body.count(b"\n", 0, position) + 1 if position >= 0 else None


def read_csv(spec: KindSpec, content: bytes) -> Source:
    import pyarrow.csv as pcsv

    body = content[len(codecs.BOM_UTF8):] if content.startswith(codecs.BOM_UTF8) else content
    headers, width, encoding = _csv_header(body)
    if not headers:
        raise _refuse(FeedErrorCode.EMPTY, "文件为空，没有表头和数据行")
    names = resolve_header(spec, headers)
    internal = names + [f"__extra{i}" for i in range(width - len(names))]
    bad_rows: list[tuple[int, int, str]] = []

    def invalid(row) -> str:
        # A line of nothing but separators is a blank row; any other row of the wrong width refuses the file.
        if not bad_rows and row.text.strip(" ,\r\t"):
            bad_rows.append((row.actual_columns, row.expected_columns, row.text))
        return "skip"

    def attempt(encoding_name: str) -> pa.Table:
        bad_rows.clear()
        return pcsv.read_csv(
            io.BytesIO(body),
            read_options=pcsv.ReadOptions(skip_rows=1, column_names=internal, encoding=encoding_name,
                                          block_size=16 << 20),
            parse_options=pcsv.ParseOptions(invalid_row_handler=invalid),
            convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(internal, pa.string()),
                                                strings_can_be_null=False, quoted_strings_can_be_null=False))

    try:
        try:
            table = attempt("utf8" if encoding == "utf-8" else encoding)
        except pa.ArrowInvalid as exc:
            if "UTF8" not in str(exc) or encoding != "utf-8":
                raise
            encoding = "gb18030"
            table = attempt(encoding)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _refuse(FeedErrorCode.UNREADABLE, "CSV 文件无法解析（编码或引号不正确），请以 UTF-8 或 GBK 编码的"
                      "标准 CSV 格式保存") from exc
    if bad_rows:
        actual, expected, text = bad_rows[0]
        line = _line_of(body, text, encoding)
        where = f"第{line}行" if line else "有数据行"
        raise _refuse(FeedErrorCode.UNREADABLE, f"{where}的列数（{actual}列）与表头（{expected}列）不一致，"
                      "请检查分隔符、引号或单元格内的换行；整个文件未入库")
    for extra in internal[len(names):]:
        if pc.any(pc.not_equal(pc.utf8_trim_whitespace(table.column(extra)), "")).as_py():
            raise _refuse(FeedErrorCode.HEADER, "有数据行的列数多于表头（表头末尾有空白列名），请删除多余的列",
                          row=1)
    columns = {name: table.column(name).combine_chunks() for name in names}
    return Source(columns=columns, row_numbers=np.arange(2, table.num_rows + 2, dtype=np.int32),
                  headers=dict(zip(names, headers, strict=False)))


def read_parquet(spec: KindSpec, content: bytes) -> Source:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(content))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _refuse(FeedErrorCode.UNREADABLE, "Parquet 文件已损坏或无法读取") from exc
    names = resolve_header(spec, list(table.column_names))
    columns: dict[str, pa.Array] = {}
    for name, header in zip(names, table.column_names, strict=True):
        column = table.column(header).combine_chunks()
        kind = column.type
        if pa.types.is_dictionary(kind):
            column = column.cast(kind.value_type)
            kind = column.type
        if pa.types.is_timestamp(kind):
            column = column.cast(pa.date32())
        elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_date(kind)
                  or pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
                  or pa.types.is_boolean(kind) or pa.types.is_null(kind)):
            raise _refuse(FeedErrorCode.HEADER, f"列「{header}」的数据类型（{kind}）不受支持，请使用文本、数字或日期")
        columns[name] = column.cast(pa.string())
    return Source(columns=columns, row_numbers=np.arange(2, table.num_rows + 2, dtype=np.int32),
                  headers=dict(zip(names, table.column_names, strict=True)))


def read_xlsx(spec: KindSpec, content: bytes, *, max_bytes: int) -> Source:
    from openpyxl import load_workbook

    from minzheng.core.spreadsheets import SheetColumn, cell_text, check_archive, read_table

    try:
        check_archive(content, max_bytes=max_bytes)
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
            try:
                first = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
            finally:
                workbook.close()
        except Exception as exc:  # openpyxl raises many types for a damaged or hostile file
            raise _refuse(FeedErrorCode.UNREADABLE, "Excel 文件已损坏或无法读取") from exc
        headers = [cell_text(v) for v in first]
        while headers and headers[-1] == "":
            headers.pop()
        if not headers:
            raise _refuse(FeedErrorCode.EMPTY, "文件为空，没有表头和数据行")
        names = resolve_header(spec, headers)
        rows, formula_errors = read_table(
            content, filename="feed.xlsx", columns=[SheetColumn(key=n, header=h) for n, h in zip(names, headers,
                                                                                                strict=True)],
            max_bytes=max_bytes, max_rows=getattr(settings, "MINZHENG_FEED_XLSX_MAX_ROWS", 200_000))
    except FeedRefused:
        raise
    except ApplicationError as error:
        code = FeedErrorCode.EMPTY if error.code == "import_empty" else FeedErrorCode.UNREADABLE
        message = error.message
        if error.code == "import_too_many_rows":
            message += "；大批量数据请使用 CSV 或 Parquet 格式"
        raise _refuse(code, message) from error
    label_of = dict(zip(names, headers, strict=True))
    by_header = {h: n for n, h in label_of.items()}
    index_of_row = {row.number: i for i, row in enumerate(rows)}
    formula_rows: dict[int, list[str]] = {}
    for error in formula_errors:
        formula_rows.setdefault(index_of_row[error.row], []).append(by_header.get(error.field, error.field))
    columns = {n: pa.array([row.values[n] for row in rows], pa.string()) for n in names}
    return Source(columns=columns, row_numbers=np.array([row.number for row in rows], dtype=np.int32),
                  headers=label_of, formula_rows=formula_rows)


def read_source(spec: KindSpec, filename: str, content: bytes, *, max_bytes: int) -> Source:
    fmt = detect_format(filename, content)
    if fmt == "parquet":
        source = read_parquet(spec, content)
    elif fmt == "xlsx":
        source = read_xlsx(spec, content, max_bytes=max_bytes)
    else:
        source = read_csv(spec, content)
    # Rows with every cell empty are blank lines, not data.
    if source.num_rows:
        blank = np.ones(source.num_rows, dtype=bool)
        for column in source.columns.values():
            blank &= _empty(column)
        if blank.any():
            keep = ~blank
            mask = pa.array(keep)
            old_index = np.flatnonzero(keep)
            new_of_old = {int(o): i for i, o in enumerate(old_index)} if source.formula_rows else {}
            source = Source(columns={n: c.filter(mask) for n, c in source.columns.items()},
                            row_numbers=source.row_numbers[keep], headers=source.headers,
                            formula_rows={new_of_old[i]: v for i, v in source.formula_rows.items()
                                          if i in new_of_old})
    if not source.num_rows:
        raise _refuse(FeedErrorCode.EMPTY, "文件中没有数据行（只有表头或为空），未入库")
    return source


# --- validation ------------------------------------------------------------------------------------------

def _np_bool(array) -> np.ndarray:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.fill_null(False).to_numpy(zero_copy_only=False)


def _empty(column: pa.Array) -> np.ndarray:
    return pc.binary_length(column).fill_null(0).to_numpy(zero_copy_only=False) == 0


def _fixed_matrix(array: pa.Array, width: int) -> np.ndarray:
    """The bytes of a string array whose values all have ``width`` ASCII bytes, as an (n, width) matrix."""
    array = pa.concat_arrays([array]) if array.offset else array
    if array.null_count:
        array = array.fill_null("0" * width)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[: len(array) + 1]
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8)
    return data[offsets[0]:offsets[-1]].reshape(-1, width)


def _digits(matrix: np.ndarray, start: int, stop: int) -> np.ndarray:
    value = np.zeros(len(matrix), dtype=np.int32)
    for i in range(start, stop):
        value *= 10
        value += matrix[:, i]
        value -= 48
    return value


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970-01-01 for year/month/day arrays, and whether each is a real date (leap years exact)."""
    y, m, d = (np.asarray(v, dtype=np.int32) for v in (y, m, d))
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    month_days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)
    mm = np.clip(m, 1, 12)
    last = month_days[mm - 1] + ((mm == 2) & leap)
    ok = (m >= 1) & (m <= 12) & (d >= 1) & (d <= last)
    yy = y - (mm <= 2)
    era = np.floor_divide(yy, 400)
    yoe = yy - era * 400
    mp = (mm + 9) % 12
    doy = (153 * mp + 2) // 5 + np.clip(d, 1, 31) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return (era * 146097 + doe - 719468).astype(np.int64), ok


def _day(value: dt.date) -> int:
    return (value - _EPOCH).days


_SPACE_FIRST = np.zeros(256, dtype=bool)
_SPACE_FIRST[[9, 10, 11, 12, 13, 32, 0xC2, 0xE2, 0xE3]] = True  # ASCII space, NBSP, U+2000.., U+3000 lead bytes
_SPACE_LAST = np.zeros(256, dtype=bool)
_SPACE_LAST[[9, 10, 11, 12, 13, 32, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0xA0, 0xAF,
             0x9F]] = True


def _edges(column: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The first and last byte of each value and whether it is non-empty, read straight from the buffers."""
    column = pa.concat_arrays([column]) if column.offset else column
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[: len(column) + 1]
    data = column.buffers()[2]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None and data.size else np.zeros(1, np.uint8)
    present = offsets[1:] > offsets[:-1]
    if column.null_count:
        present &= _np_bool(pc.is_valid(column))
    first = data[np.where(present, offsets[:-1], 0)]
    last = data[np.where(present, offsets[1:] - 1, 0)]
    return first, last, present


def _trim(column: pa.Array) -> pa.Array:
    """Whitespace trimmed, copying only the values that may need it (a cheap look at their first and last byte)."""
    if not pa.types.is_string(column.type) or not len(column):
        return column
    first, last, present = _edges(column)
    maybe = present & (_SPACE_FIRST[first] | _SPACE_LAST[last])
    if not maybe.any():
        return column
    mask = pa.array(maybe)
    return pc.replace_with_mask(column, mask, pc.utf8_trim_whitespace(column.filter(mask)))


@dataclass
class Problems:
    """Reasons per row, collected column by column as (row indices, column label, message)."""

    groups: list[tuple[np.ndarray, str, str]] = field(default_factory=list)

    def add(self, mask: np.ndarray, label: str, message: str) -> None:
        if mask.any():
            self.groups.append((np.flatnonzero(mask), label, message))

    def add_rows(self, rows: dict[int, str], label: str) -> None:
        by_message: dict[str, list[int]] = {}
        for index, message in rows.items():
            by_message.setdefault(message, []).append(index)
        for message, indices in by_message.items():
            self.groups.append((np.array(indices, dtype=np.int64), label, message))

    def mask(self, n: int) -> np.ndarray:
        bad = np.zeros(n, dtype=bool)
        for indices, _, _ in self.groups:
            bad[indices] = True
        return bad

    def reasons(self) -> dict[int, list[dict]]:
        result: dict[int, list[dict]] = {}
        for indices, label, message in self.groups:
            for index in indices.tolist():
                result.setdefault(index, []).append({"column": label, "message": message})
        return result


@dataclass
class IdResult:
    number: pa.Array  # normalized 18-digit number, null when empty or invalid
    birth_days: np.ndarray  # days since epoch, valid where ``valid``
    valid: np.ndarray
    empty: np.ndarray


def validate_id_numbers(column: pa.Array, *, today: dt.date, label: str, problems: Problems) -> IdResult:
    n = len(column)
    text = column  # already trimmed
    if len(text):
        _, last, present = _edges(text)
        lower_x = present & (last == ord("x"))
        if lower_x.any():
            mask = pa.array(lower_x)
            text = pc.replace_with_mask(text, mask, pc.ascii_upper(text.filter(mask)))
    empty = _empty(text)
    fast = (pc.binary_length(text).fill_null(0).to_numpy(zero_copy_only=False) == 18) & ~empty
    if fast.any():  # eighteen ASCII bytes: seventeen digits and a digit or X, checked on the byte matrix
        matrix = _fixed_matrix(text.filter(pa.array(fast)), 18)
        body = matrix[:, :17]
        shape_ok = ((body >= 48) & (body <= 57)).all(axis=1) & (((matrix[:, 17] >= 48) & (matrix[:, 17] <= 57))
                                                                 | (matrix[:, 17] == 88))
        if not shape_ok.all():
            fast[np.flatnonzero(fast)[~shape_ok]] = False
            matrix = matrix[shape_ok]
    valid = np.zeros(n, dtype=bool)
    birth = np.zeros(n, dtype=np.int64)
    errors: dict[int, str] = {}
    fast_index = np.flatnonzero(fast)
    if len(fast_index):
        total = np.zeros(len(matrix), dtype=np.int32)
        for position, weight in enumerate(_ID_WEIGHTS.tolist()):
            total += (matrix[:, position].astype(np.int32) - 48) * weight
        checksum_ok = _ID_CHECK[total % 11] == matrix[:, 17]
        days, date_ok = _days_from_civil(_digits(matrix, 6, 10), _digits(matrix, 10, 12), _digits(matrix, 12, 14))
        date_ok &= (days >= _day(dt.date(1880, 1, 1))) & (days <= _day(today))
        valid[fast_index] = date_ok & checksum_ok
        birth[fast_index] = days
        for index in fast_index[~date_ok].tolist():
            errors[index] = ID_MESSAGES[IdErrorCode.IMPOSSIBLE_DATE]
        for index in fast_index[date_ok & ~checksum_ok].tolist():
            errors[index] = ID_MESSAGES[IdErrorCode.BAD_CHECKSUM]
    number = pc.if_else(pa.array(valid), text, pa.scalar(None, pa.string()))
    slow_index = np.flatnonzero(~fast & ~empty)
    if len(slow_index):  # 15-digit, full-width, spaced or malformed: the exact parser, value by value
        slow_values = text.take(pa.array(slow_index)).to_pylist()
        fixed_index, fixed_values = [], []
        for index, value in zip(slow_index.tolist(), slow_values, strict=True):
            try:
                info = parse_id_number(value, today=today)
            except IdNumberError as error:
                errors[index] = error.message
                continue
            valid[index] = True
            birth[index] = _day(info.birth_date)
            fixed_index.append(index)
            fixed_values.append(info.number)
        if fixed_index:
            replace = np.zeros(n, dtype=bool)
            replace[fixed_index] = True
            order = np.argsort(fixed_index)
            number = pc.replace_with_mask(number, pa.array(replace), pa.array([fixed_values[i] for i in order]))
    problems.add_rows(errors, label)
    return IdResult(number=number, birth_days=birth, valid=valid, empty=empty)


def blind_indexes(values: list[str], *, purpose: str = "id_number") -> list[str]:
    """``crypto.blind_index`` of many values: the same HMAC-SM3, with the keyed state prepared once."""
    from cryptography.hazmat.primitives import hashes, hmac

    base = hmac.HMAC(crypto.key_ring().blind_index_key, hashes.SM3())
    base.update(purpose.encode() + b"\x00")
    result = []
    append, copy = result.append, base.copy
    for value in values:
        mac = copy()
        mac.update(value if isinstance(value, bytes) else value.encode())
        append(mac.finalize().hex())
    return result


def blind_index_array(numbers: pa.Array) -> pa.DictionaryArray:
    """The registry's blind index of each number (null stays null), computed once per distinct number; returned
    dictionary-encoded (each distinct index stored once), which Parquet stores as a plain string column."""
    encoded = pc.dictionary_encode(numbers)  # one hash pass: the distinct numbers and each row's position
    keys = pa.array(blind_indexes(encoded.dictionary.cast(pa.binary()).to_pylist()), pa.string())
    return pa.DictionaryArray.from_arrays(encoded.indices, keys)


def validate_dates(column: pa.Array, *, month: bool, label: str, problems: Problems,
                   empty: np.ndarray) -> np.ndarray:
    """Days since epoch for each value (0 where empty or invalid); invalid values become problems."""
    n = len(column)
    text = column  # already trimmed
    days = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    iso = (pc.binary_length(text).fill_null(0).to_numpy(zero_copy_only=False) == 10) & ~empty
    if iso.any():  # YYYY-MM-DD checked on the byte matrix; anything else takes the slower regex path
        matrix = _fixed_matrix(text.filter(pa.array(iso)), 10)
        digit = (matrix >= 48) & (matrix <= 57)
        shape = digit[:, [0, 1, 2, 3, 5, 6, 8, 9]].all(axis=1) & (matrix[:, 4] == 45) & (matrix[:, 7] == 45)
        if not shape.all():
            iso[np.flatnonzero(iso)[~shape]] = False
            matrix = matrix[shape]
        d, good = _days_from_civil(_digits(matrix, 0, 4), _digits(matrix, 5, 7), _digits(matrix, 8, 10))
        if month:
            d = d - (_digits(matrix, 8, 10) - 1)
        days[iso], ok[iso] = d, good
    other = ~iso & ~empty
    if other.any():
        rest = text.filter(pa.array(other))
        rest = pc.replace_substring_regex(rest, r"[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$", "")
        rest = pc.replace_substring_regex(rest, "日$", "")
        rest = pc.replace_substring_regex(rest, "[/.年月]", "-")
        rest = pc.replace_substring_regex(rest, r"^([0-9]{4})([0-9]{2})([0-9]{2})$", r"\1-\2-\3")
        if month:
            rest = pc.replace_substring_regex(rest, r"^([0-9]{4})-([0-9]{1,2})-?$", r"\1-\2-1")
            rest = pc.replace_substring_regex(rest, r"^([0-9]{4})([0-9]{2})$", r"\1-\2-1")
        parts = pc.extract_regex(rest, r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})$")
        matched = _np_bool(pc.is_valid(parts))
        y, m, d = (pc.cast(pc.if_else(pa.array(matched), parts.field(k), "0"), pa.int64()).to_numpy()
                   for k in ("y", "m", "d"))
        got, good = _days_from_civil(y, m, d)
        if month:
            got = got - (np.clip(d, 1, 31) - 1)
        days[other], ok[other] = got, good & matched
    ok &= (days >= _day(MIN_DATE)) & (days <= _day(MAX_DATE))
    problems.add(~ok & ~empty, label, "日期无效：应为真实存在的日期，如 2024-02-29"
                 + ("，或月份如 2025-07" if month else ""))
    days[~ok] = 0
    return days


def validate_amounts(column: pa.Array, *, label: str, problems: Problems, empty: np.ndarray) -> np.ndarray:
    pattern = r"^[0-9]{1,12}(\.[0-9]{0,2}0*)?$"
    text = column  # already trimmed
    good = _np_bool(pc.match_substring_regex(text, pattern)) & ~empty
    other = ~good & ~empty
    if other.any():  # thousands separators, currency signs, 元: cleaned only where present
        cleaned = pc.replace_substring_regex(text.filter(pa.array(other)), "[,，¥￥ ]|元$", "")
        text = pc.replace_with_mask(text, pa.array(other), cleaned)
        good |= _np_bool(pc.match_substring_regex(text, pattern)) & other
    negative = _np_bool(pc.match_substring_regex(text, r"^-[0-9]")) & ~empty
    problems.add(negative, label, "金额不能为负数")
    problems.add(~good & ~empty & ~negative, label, "金额无效：应为以元为单位的数字，最多两位小数")
    values = pc.cast(pc.if_else(pa.array(good), text, "0"), pa.float64()).to_numpy()
    return np.rint(values * 100).astype(np.int64)


def validate_integers(column: pa.Array, spec: ColumnSpec, *, problems: Problems, empty: np.ndarray) -> np.ndarray:
    text = pc.replace_substring_regex(column, r"\.0+$", "")
    good = _np_bool(pc.match_substring_regex(text, r"^[+-]?[0-9]{1,15}$")) & ~empty
    problems.add(~good & ~empty, spec.label, "应为整数")
    values = pc.cast(pc.if_else(pa.array(good), text, "0"), pa.int64()).to_numpy()
    if spec.min is not None or spec.max is not None:
        low = spec.min if spec.min is not None else -(2**62)
        high = spec.max if spec.max is not None else 2**62
        out = good & ((values < low) | (values > high))
        bounds = f"{spec.min}至{spec.max}" if spec.min is not None and spec.max is not None else (
            f"不小于{spec.min}" if spec.min is not None else f"不大于{spec.max}")
        problems.add(out, spec.label, f"数值超出范围（应为{bounds}）")
    return values


def validate_choices(column: pa.Array, options: list[str], values: list, *, label: str, problems: Problems,
                     empty: np.ndarray, message: str) -> pa.Array:
    text = pc.utf8_lower(column)
    index = pc.index_in(text, value_set=pa.array([o.lower() for o in options]))
    problems.add(_np_bool(pc.is_null(index)) & ~empty, label, message)
    return pa.array(values).take(index)


def _no_formula(column: pa.Array, *, label: str, problems: Problems) -> None:
    formula = pc.or_(pc.starts_with(column, "="), pc.starts_with(column, "@"))
    problems.add(_np_bool(formula), label, "单元格中不得含有公式")


@dataclass
class Validated:
    """The outcome of validating a file: the lake table of its good rows and everything counted on the way."""

    table: pa.Table | None
    rows_total: int
    quarantine: list[tuple[int, list[dict], dict]]  # (row number, reasons, raw values by header)
    name_only: list[tuple[int, str, dt.date, str]]  # (row number, name, birth date, area code)
    rows_duplicate: int = 0


def validate_source(spec: KindSpec, source: Source, *, file_id: str, today: dt.date,
                    lake_paths: Callable[[], list] | None = None) -> Validated:
    n = source.num_rows
    problems = Problems()
    lake_columns: dict[str, pa.Array] = {}
    raw_text = {name: _trim(column) for name, column in source.columns.items()}
    null_string = pa.nulls(n, pa.string())

    def get(name: str) -> pa.Array:
        return raw_text.get(name, null_string)

    id_column = spec.id_column
    person_key: pa.Array = pa.DictionaryArray.from_arrays(pa.nulls(n, pa.int32()), pa.array([], pa.string()))
    id_empty = np.ones(n, dtype=bool)
    birth_days = np.zeros(n, dtype=np.int64)
    birth_known = np.zeros(n, dtype=bool)
    for column in spec.columns:
        if column.type != ColumnType.ID_NUMBER:
            continue
        result = validate_id_numbers(get(column.name), today=today, label=column.label, problems=problems)
        keys = blind_index_array(result.number)
        if column is id_column:
            person_key, id_empty = keys, result.empty
            birth_days, birth_known = result.birth_days, result.valid.copy()
        else:
            if column.required:
                problems.add(result.empty, column.label, "必填项为空")
            lake_columns[f"{column.name}_key"] = keys

    typed: dict[str, pa.Array] = {}
    for column in spec.columns:
        if column.type == ColumnType.ID_NUMBER:
            continue
        text = get(column.name)
        empty = _empty(text)
        if column.required:
            problems.add(empty, column.label, "必填项为空")
        valid = pa.array(~empty)
        if column.type == ColumnType.DATE:
            days = validate_dates(text, month=column.month, label=column.label, problems=problems, empty=empty)
            typed[column.name] = pa.array(days.astype(np.int32), pa.int32(), mask=empty).cast(pa.date32())
        elif column.type == ColumnType.AMOUNT:
            fen = validate_amounts(text, label=column.label, problems=problems, empty=empty)
            typed[column.name] = pa.array(fen, pa.int64(), mask=empty)
        elif column.type == ColumnType.INTEGER:
            values = validate_integers(text, column, problems=problems, empty=empty)
            typed[column.name] = pa.array(values, pa.int64(), mask=empty)
        elif column.type == ColumnType.BOOLEAN:
            typed[column.name] = validate_choices(text, _TRUE + _FALSE, [True] * len(_TRUE) + [False] * len(_FALSE),
                                                  label=column.label, problems=problems, empty=empty,
                                                  message="应填“是”或“否”")
        elif column.type == ColumnType.CODE and column.choices:
            codes = [c for c, _ in column.choices]
            allowed = "、".join(f"{label}（{code}）" for code, label in column.choices)
            typed[column.name] = validate_choices(text, codes + [label for _, label in column.choices], codes * 2,
                                                  label=column.label, problems=problems, empty=empty,
                                                  message=f"不是可选值，应为：{allowed}")
        elif column.type == ColumnType.AREA:
            good = _np_bool(pc.match_substring_regex(text, r"^[0-9]{6}([0-9]{3}){0,2}$"))
            problems.add(~good & ~empty, column.label, "行政区划代码应为6、9或12位数字")
            typed[column.name] = pc.if_else(pa.array(good), pc.utf8_rpad(text, width=12, padding="0"),
                                            pa.scalar(None, pa.string()))
        else:  # name, text, code without choices
            limit = NAME_MAX if column.type == ColumnType.NAME else TEXT_MAX
            problems.add(_np_bool(pc.greater(pc.binary_length(text), limit))
                         & _np_bool(pc.greater(pc.utf8_length(text), limit)), column.label,
                         f"内容过长（不超过{limit}个字）")
            _no_formula(text, label=column.label, problems=problems)
            typed[column.name] = pc.if_else(valid, text, pa.scalar(None, pa.string())) if empty.any() else text

    if source.formula_rows:
        labels = {c.name: c.label for c in spec.columns}
        for index, names in source.formula_rows.items():
            for name in names:
                problems.add_rows({index: "单元格中不得含有公式"}, labels.get(name, name))

    # Birth date and area: from the valid ID number first, else from the birth-date and area columns.
    birth_column, area_column, name_column = spec.birth_column, spec.area_column, spec.name_column
    birth = pa.array(birth_days.astype(np.int32), pa.int32(), mask=~birth_known).cast(pa.date32())
    if birth_column is not None:
        birth = pc.coalesce(birth, typed[birth_column.name])
    area = typed[area_column.name] if area_column is not None else null_string
    name = typed[name_column.name] if name_column is not None else null_string

    # An empty ID number: a name-only row if name, birth date and area are all given.
    name_only = id_empty.copy()
    if id_column is not None:
        complete = _np_bool(pc.and_(pc.and_(pc.is_valid(name), pc.is_valid(birth)), pc.is_valid(area)))
        problems.add(id_empty & ~complete, id_column.label,
                     "身份证号码为空，且姓名、出生日期、所在地区划代码不全，无法识别人员")
        name_only &= complete

    bad = problems.mask(n)
    quarantine: list[tuple[int, list[dict], dict]] = []
    if bad.any():
        reasons = problems.reasons()
        bad_index = np.flatnonzero(bad)
        take = pa.array(bad_index)
        raw = {source.headers.get(c, c): source.columns[c].take(take).to_pylist() for c in source.columns}
        for position, index in enumerate(bad_index.tolist()):
            quarantine.append((int(source.row_numbers[index]), reasons[index],
                               {header: values[position] for header, values in raw.items()}))

    row_number = pa.array(source.row_numbers, pa.int32())
    file_id_array = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([file_id]))
    columns: dict[str, pa.Array] = {
        "row_id": pa.nulls(n, pa.string()),  # filled in after filtering (it depends on the row number only)
        "file_id": file_id_array, "row_number": row_number, "person_key": person_key, "name": name,
        "birth_date": birth, "area_code": area, "event_date": typed[spec.event_date_column]}
    for column in _other_columns(spec):
        if column.type != ColumnType.ID_NUMBER:
            columns[column.name] = typed[column.name]
    columns.update(lake_columns)
    schema = physical_schema(lake_schema(spec))
    table = pa.table([columns[f.name] for f in schema], schema=schema)
    del columns, typed
    raw_text.clear()

    good = ~bad
    duplicate = _duplicates(spec, table, good)
    if lake_paths is not None:
        duplicate |= _in_lake(spec, table, good & ~duplicate, lake_paths())
    rows_duplicate = int(duplicate.sum())
    keep = good & ~duplicate
    if not keep.all():
        table = table.filter(pa.array(keep))
    row_ids = pc.binary_join_element_wise(file_id, pc.cast(table.column("row_number"), pa.string()), ":")
    table = table.set_column(0, schema.field("row_id"), row_ids)
    name_only_rows = []
    if (name_only & keep).any():
        kept = table.filter(pc.is_null(table.column("person_key")))
        for number, person_name, born, code in zip(*(kept.column(c).to_pylist() for c in
                                                     ("row_number", "name", "birth_date", "area_code")), strict=True):
            name_only_rows.append((number, person_name, born, code))
    return Validated(table=table, rows_total=n, quarantine=quarantine, name_only=name_only_rows,
                     rows_duplicate=rows_duplicate)


_DICTIONARY_STRING = pa.dictionary(pa.int32(), pa.string())


def physical_schema(schema: pa.Schema) -> pa.Schema:
    """The schema tables are built with: pseudonym columns dictionary-encoded in memory. Files are written
    without the Arrow schema, so readers (pyarrow, DuckDB, Spark) see plain strings, as ``lake_schema`` says."""
    return pa.schema([field.with_type(_DICTIONARY_STRING) if field.name in ("file_id", "person_key")
                      or field.name.endswith("_key") else field for field in schema])


def _key_parts(spec: KindSpec, table: pa.Table) -> list[pa.Array]:
    """The duplicate-detection key of each row, as arrays: the ID column stands for its person (the blind
    index, or name and birth date for a name-only row)."""
    id_column = spec.id_column
    parts: list[pa.Array] = []
    for name in spec.key_columns or [c.name for c in spec.columns]:  # no declared key: the whole row
        if id_column is not None and name == id_column.name:
            person = table.column("person_key")
            parts.append(person)
            # A name-only row stands for the person named and born so: name and birth date are its key.
            if person.null_count and "name" in table.column_names:
                missing = pc.is_null(person)
                parts.append(pc.if_else(missing, table.column("name"), pa.scalar(None, pa.string())))
                parts.append(pc.if_else(missing, table.column("birth_date"), pa.scalar(None, pa.date32())))
            else:
                parts += [pa.nulls(table.num_rows, pa.string()), pa.nulls(table.num_rows, pa.date32())]
        else:
            column = spec.column(name)
            lake_name = f"{name}_key" if column is not None and column.type == ColumnType.ID_NUMBER else name
            parts.append(table.column(lake_name) if lake_name in table.column_names else
                         pa.nulls(table.num_rows))
    return [_flat(p) for p in parts]


def _flat(array) -> pa.Array:
    if isinstance(array, pa.ChunkedArray):
        return array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()
    return array


def _key_lake_columns(spec: KindSpec) -> list[str]:
    schema = lake_schema(spec)
    table = schema.empty_table()
    names = set()
    for name in spec.key_columns or [c.name for c in spec.columns]:
        column = spec.column(name)
        if spec.id_column is not None and name == spec.id_column.name:
            names |= {"person_key", "name", "birth_date"}
        elif column is not None and column.type == ColumnType.ID_NUMBER:
            names.add(f"{name}_key")
        else:
            names.add(name)
    return [n for n in table.column_names if n in names]


def _hash_rows(parts: list[pa.Array]) -> np.ndarray:
    """DuckDB's 64-bit hash of each row's key parts, by value (a dictionary-encoded column hashes like plain)."""
    import duckdb

    keys = pa.table({f"k{i}": part for i, part in enumerate(parts)})  # noqa: F841 (read by DuckDB by name)
    with duckdb.connect() as con:
        columns = ", ".join(f"k{i}" for i in range(len(parts)))
        return con.sql(f"SELECT hash({columns}) AS h FROM keys").fetchnumpy()["h"].astype(np.uint64)


def _plain(array: pa.Array) -> pa.Array:
    if pa.types.is_dictionary(array.type):
        return array.cast(array.type.value_type)
    if pa.types.is_null(array.type):
        return array.cast(pa.string())
    return array


def _duplicates(spec: KindSpec, table: pa.Table, good: np.ndarray) -> np.ndarray:
    """Good rows whose key equals an earlier good row's in this file.

    Rows are hashed on their key parts, sorted by the hash (stably, so the earliest row of a group comes first)
    and every row after the first of its group is compared exactly with that first row, part by part: only
    truly equal rows count as duplicates, whatever the hash does."""
    n = table.num_rows
    duplicate = np.zeros(n, dtype=bool)
    rows = np.flatnonzero(good)
    if not len(rows):
        return duplicate
    parts = _key_parts(spec, table)
    hashes = _hash_rows(parts)[rows]
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    repeat = np.zeros(len(order), dtype=bool)
    repeat[1:] = ordered[1:] == ordered[:-1]
    positions = np.flatnonzero(repeat)
    if not len(positions):
        return duplicate
    group_start = np.maximum.accumulate(np.where(repeat, 0, np.arange(len(order))))
    later, first = rows[order[positions]], rows[order[group_start[positions]]]
    same = np.ones(len(later), dtype=bool)
    for part in parts:
        a, b = _plain(part.take(pa.array(later))), _plain(part.take(pa.array(first)))
        equal = pc.equal(a, b).fill_null(False)
        same &= _np_bool(pc.or_(equal, pc.and_(pc.is_null(a), pc.is_null(b))))
    duplicate[later[same]] = True
    return duplicate


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in_lake(spec: KindSpec, table: pa.Table, candidates: np.ndarray, paths: list) -> np.ndarray:
    """Rows (among ``candidates``) whose key equals a row already in the lake for the kind: an exact semi-join in
    DuckDB over the loaded files' key columns (NULL equals NULL, as in the within-file check)."""
    import duckdb

    found = np.zeros(table.num_rows, dtype=bool)
    if not paths or not candidates.any():
        return found
    parts = _key_parts(spec, table)
    new = pa.table({"i": pa.array(np.arange(table.num_rows), pa.int64()), "c": pa.array(candidates),  # noqa: F841
                    **{f"k{i}": part for i, part in enumerate(parts)}})
    old_columns = set(_key_lake_columns(spec))
    expressions = []
    id_column = spec.id_column
    for name in spec.key_columns or [c.name for c in spec.columns]:
        if id_column is not None and name == id_column.name:
            expressions.append("person_key")
            if "name" in old_columns:
                expressions += ["CASE WHEN person_key IS NULL THEN name END",
                                "CASE WHEN person_key IS NULL THEN birth_date END"]
            else:
                expressions += ["NULL::VARCHAR", "NULL::DATE"]
        else:
            column = spec.column(name)
            lake_name = f"{name}_key" if column is not None and column.type == ColumnType.ID_NUMBER else name
            expressions.append(f'"{lake_name}"' if lake_name in old_columns else "NULL")
    select = ", ".join(f"{expression} AS k{i}" for i, expression in enumerate(expressions))
    files = "[" + ", ".join(_sql_text(str(p)) for p in paths) + "]"
    condition = " AND ".join(f"n.k{i} IS NOT DISTINCT FROM o.k{i}" for i in range(len(expressions)))
    with duckdb.connect() as con:
        rows = con.sql(f"SELECT n.i FROM new AS n SEMI JOIN (SELECT {select} FROM read_parquet({files}, "
                       f"union_by_name = true)) AS o ON {condition} WHERE n.c").fetchnumpy()["i"]
    found[rows.astype(np.int64)] = True
    return found


# --- the ingestion action ----------------------------------------------------------------------------------

def feed_kind_by_code(code: str) -> FeedKind:
    kind = FeedKind.objects.filter(code=code).first()
    if kind is None:
        raise NotFoundError("数据来源")
    return kind


def _loaded_paths(kind_code: str):
    def paths() -> list:
        return lake.loaded_feed_paths(kind_code)

    return paths


def _refused_file(*, acting_user, kind: FeedKind, filename: str, sha256: str, size: int, reason: str,
                  rows_total: int = 0, rows_quarantined: int = 0) -> FeedFile:
    with transaction.atomic():
        feed_file = FeedFile.objects.create(kind=kind, filename=filename[:200], sha256=sha256, size_bytes=size,
                                            status=FeedFileStatus.REFUSED, refused_reason=reason,
                                            rows_total=rows_total, rows_quarantined=rows_quarantined,
                                            received_by=acting_user)
        record_event(actor=acting_user, action="feed_refuse", obj=feed_file,
                     after={"kind": kind.code, "filename": filename[:200], "size_bytes": size}, note=reason)
    return feed_file


def _clean_filename(filename: str) -> str:
    return (filename or "feed").rsplit("/", 1)[-1].rsplit("\\", 1)[-1] or "feed"


def feed_refuse_oversized(*, acting_user, kind_code: str, filename: str, size: int) -> FeedFile:
    """Refuse a file by its size alone, before anything reads it (the upload view calls this first)."""
    require(acting_user, Perm.FEED_MANAGE)
    kind = feed_kind_by_code(kind_code)
    limit = settings.MINZHENG_FEED_MAX_BYTES
    return _refused_file(acting_user=acting_user, kind=kind, filename=_clean_filename(filename), sha256="",
                         size=size, reason=f"文件大小（{size / 1048576:.1f} MB）超过上限（{limit / 1048576:.0f} MB），"
                                           "请按月份或地区拆分后分批上传")


def _earlier_copy(kind: FeedKind, sha256: str) -> FeedFile | None:
    return FeedFile.objects.filter(kind=kind, sha256=sha256).exclude(status=FeedFileStatus.REFUSED).first()


def feed_ingest(*, acting_user, kind_code: str, filename: str, content: bytes,
                today: dt.date | None = None) -> FeedFile:
    """Validate, pseudonymize and load one department file; returns the FeedFile (loaded or refused)."""
    require(acting_user, Perm.FEED_MANAGE)
    kind = feed_kind_by_code(kind_code)
    filename = _clean_filename(filename)
    size = len(content)
    limit = settings.MINZHENG_FEED_MAX_BYTES
    if size > limit:
        return feed_refuse_oversized(acting_user=acting_user, kind_code=kind_code, filename=filename, size=size)
    sha256 = hashlib.sha256(content).hexdigest()
    refuse = {"acting_user": acting_user, "kind": kind, "filename": filename, "sha256": sha256, "size": size}
    if not kind.is_active:
        return _refused_file(**refuse, reason="该数据来源已停用，不接收新文件")
    earlier = _earlier_copy(kind, sha256)
    if earlier is not None:
        return _refused_file(**refuse, reason=f"同一文件已于{timezone.localtime(earlier.created_at):%Y年%m月%d日}"
                                              f"接收（{earlier.filename}），不重复入库")
    spec = KindSpec.from_model(kind)
    today = today or timezone.localdate()
    file_id = FeedFile._meta.get_field("id").default()
    try:
        source = read_source(spec, filename, content, max_bytes=limit)
        validated = validate_source(spec, source, file_id=str(file_id), today=today,
                                    lake_paths=_loaded_paths(kind.code))
    except FeedRefused as refusal:
        return _refused_file(**refuse, reason=str(refusal))
    bad = len(validated.quarantine)
    share = getattr(settings, "MINZHENG_FEED_MAX_BAD_SHARE", MAX_BAD_SHARE)
    if bad and bad > validated.rows_total * share:
        sample = "；".join(f"第{number}行{reasons[0]['column']}：{reasons[0]['message']}"
                          for number, reasons, _ in validated.quarantine[:3])
        return _refused_file(**refuse, rows_total=validated.rows_total, rows_quarantined=bad,
                             reason=f"{bad}/{validated.rows_total} 行未通过校验（超过{share:.0%}），疑似格式错误，"
                                    f"整个文件已拒收。例如：{sample}")
    try:
        return _load(acting_user=acting_user, kind=kind, file_id=file_id, filename=filename, sha256=sha256,
                     size=size, validated=validated, today=today)
    except IntegrityError:
        # The same file loaded by someone else a moment ago (the unique constraint decided): refuse this copy.
        if not FeedFile.objects.filter(kind=kind, sha256=sha256).exclude(status=FeedFileStatus.REFUSED).exists():
            raise
        return _refused_file(**refuse, reason="同一文件刚刚已由他人上传入库，不重复入库")


def _load(*, acting_user, kind: FeedKind, file_id, filename: str, sha256: str, size: int, validated: Validated,
          today: dt.date) -> FeedFile:
    from minzheng.monitoring.candidates import propose_candidates

    relpath = None
    try:
        with transaction.atomic():
            loaded_at = timezone.now()
            relpath = lake.write_feed_file(kind.code, timezone.localdate(loaded_at), file_id, validated.table)
            feed_file = FeedFile.objects.create(
                id=file_id, kind=kind, filename=filename[:200], sha256=sha256, size_bytes=size,
                status=FeedFileStatus.LOADED, rows_total=validated.rows_total, rows_loaded=validated.table.num_rows,
                rows_name_only=len(validated.name_only), rows_quarantined=len(validated.quarantine),
                rows_duplicate=validated.rows_duplicate, lake_paths=[relpath], received_by=acting_user,
                loaded_at=loaded_at)
            QuarantinedRow.objects.bulk_create(
                [QuarantinedRow(file=feed_file, row_number=number, reasons=reasons,
                                raw=json.dumps(raw, ensure_ascii=False, default=str))
                 for number, reasons, raw in validated.quarantine], batch_size=500)
            candidates = propose_candidates(feed_file=feed_file, rows=validated.name_only)
            record_event(actor=acting_user, action="feed_load", obj=feed_file, after={
                "kind": kind.code, "rows_total": feed_file.rows_total, "rows_loaded": feed_file.rows_loaded,
                "rows_name_only": feed_file.rows_name_only, "rows_quarantined": feed_file.rows_quarantined,
                "rows_duplicate": feed_file.rows_duplicate, "candidates": candidates, "lake_paths": [relpath]})
            _after_write_hook(feed_file)
    except BaseException:
        if relpath is not None:
            lake.remove(relpath)
        raise
    return feed_file


def _after_write_hook(feed_file: FeedFile) -> None:
    """Runs inside the loading transaction after every write (tests patch it to simulate a failure)."""
