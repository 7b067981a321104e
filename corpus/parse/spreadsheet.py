"""Workbooks as tables: Excel (`.xlsx`, `.xlsm`) and OpenDocument (`.ods`); one sheet, its
first non-empty row the header.

An Excel workbook is read with openpyxl in read-only mode (rows streamed, formulas as their
cached values), an OpenDocument one with python-calamine. Each
row is a mapping header -> cell value for `table.parse_table_rows`, so `columns`,
`date_format` and the per-row speaker and url work as for a CSV. What "verbatim" means: the
record text is the text cell's string value as the workbook stores it (a number cell: its
number written out). A cell Excel holds as a date keeps the precision its number format
shows: `mmm yyyy` is a month, `yyyy` a year, a format with a day a day, and one with hours
also the time (no zone: a workbook has none); an .ods date cell is a day, or a day and a
time when it holds one (its format is not read). A text date cell is read as in a CSV. `line`
is the sheet's row number. The sheet is `sheet:` (its name, or a 1-based number), else the
first. A password-protected, an old `.xls` or a corrupt workbook is refused in one line.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any
from xml.etree.ElementTree import ParseError

from corpus.errors import SourceError
from corpus.model import PassageDate, SourceSpec
from corpus.parse.when import date_of

WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .xls and of encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
PASSWORD = (
    "a password-protected workbook: save it without a password (or export the sheet as CSV) "
    "and give that file"
)
_LITERAL = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    EOFError,
    OSError,
    ParseError,
)


def is_ods(raw: bytes) -> bool:
    """An OpenDocument spreadsheet: a zip whose first entry, `mimetype`, says so."""
    return raw.startswith(_ZIP) and _ODS_MIME in raw[:256]


def is_workbook(raw: bytes, path: PurePath) -> bool:
    """The bytes are a workbook: a zip holding `xl/` or an ODS mimetype, or what has a
    workbook's name."""
    if raw.startswith(_ZIP):
        return (
            b"xl/workbook" in raw
            or is_ods(raw)
            or path.suffix.lower() in (*WORKBOOK_EXTENSIONS, ".ods")
        )
    return raw.startswith(_OLE) and path.suffix.lower() in (*WORKBOOK_EXTENSIONS, ".xls")


def workbook_problem(raw: bytes) -> str | None:
    """Why the bytes are no workbook we read, in one line, or None."""
    if raw.startswith(_OLE):
        if _ENCRYPTED in raw:
            return PASSWORD
        return (
            "an Excel 97-2003 workbook (.xls) or another old Office file: save it as .xlsx or CSV"
        )
    if not raw.startswith(_ZIP):
        return "not an .xlsx workbook (it is no zip file)"
    return None


def cell_date(value: object, number_format: str | None) -> PassageDate | None:
    """The date a date cell shows, at the precision of its number format."""
    if not isinstance(value, dt.date):  # datetime is a date
        return None
    shown = _LITERAL.sub("", (number_format or "").lower())
    if isinstance(value, dt.datetime):
        has_time = "h" in shown or "s" in shown
        if "d" not in shown and "y" in shown:
            month = value.month if "m" in shown else None
            return PassageDate(value.year, month)
        if not has_time:
            value = value.date()
    return date_of(value)


def _cell_value(cell: Any) -> object:
    value = cell.value
    if getattr(cell, "is_date", False):
        return cell_date(value, getattr(cell, "number_format", None))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def _column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _mappings(rows: Iterator[tuple[int, list[object]]]) -> Iterator[tuple[int, object]]:
    """(row number, mapping header -> value) of the rows after the first non-empty one."""
    header: list[str] | None = None
    for number, values in rows:
        if not any(v is not None and v != "" for v in values):
            continue
        if header is None:
            header = [
                str(v).strip() if v is not None and str(v).strip() else _column_name(i)
                for i, v in enumerate(values)
            ]
            continue
        mapping: dict[str, object] = {}
        for name, value in zip(header, values, strict=False):
            mapping.setdefault(name, value)
        yield number, mapping


def workbook_rows(spec: SourceSpec, raw: bytes) -> Iterator[tuple[int, object]]:
    """(the sheet's row number, the row as a mapping header -> value), header excluded."""
    problem = workbook_problem(raw)
    if problem:
        raise SourceError(spec.name, None, problem)
    if is_ods(raw) or (spec.table_format == "ods" and b"xl/workbook" not in raw):
        yield from _mappings(_ods_rows(spec, raw))
    else:
        yield from _mappings(_xlsx_rows(spec, raw))


def _ods_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return date_of(value if value.time() != dt.time() else value.date())
    if isinstance(value, dt.date):
        return date_of(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return value


def _ods_rows(spec: SourceSpec, raw: bytes) -> Iterator[tuple[int, list[object]]]:
    from python_calamine import CalamineError, CalamineWorkbook  # only .ods sources need it

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        names = book.sheet_names
        if not names:
            raise SourceError(spec.name, None, "the workbook has no sheet")
        sheet = book.get_sheet_by_name(_pick_sheet(spec, names))
        first = sheet.start[0] + 1 if sheet.start else 1
        rows = sheet.to_python(skip_empty_area=False)
    except CalamineError as err:
        what = type(err).__name__
        if what == "PasswordError":
            raise SourceError(spec.name, None, PASSWORD) from err
        raise SourceError(spec.name, None, f"not a readable .ods workbook ({err})") from err
    for number, row in enumerate(rows, start=first if first > 1 else 1):
        yield number, [_ods_value(v) for v in row]


def _pick_sheet(spec: SourceSpec, names: list[str]) -> str:
    wanted = spec.sheet
    if wanted is None:
        return names[0]
    if wanted in names:
        return wanted
    if wanted.isdigit() and 1 <= int(wanted) <= len(names):
        return names[int(wanted) - 1]
    listed = ", ".join(repr(n) for n in names)
    raise SourceError(spec.name, None, f"no sheet {wanted!r} in the workbook (it has {listed})")


def _xlsx_rows(spec: SourceSpec, raw: bytes) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook  # imported here: only a workbook source needs it

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except _READ_ERRORS as err:
        raise SourceError(spec.name, None, f"not a readable .xlsx workbook ({err})") from err
    try:
        sheet = book[_pick_sheet(spec, [ws.title for ws in book.worksheets])]
        number = 0  # the row's own number (not `min_row`: that may scan the whole sheet)
        for row in sheet.iter_rows():
            number = next((c.row for c in row if getattr(c, "row", None)), number + 1)
            yield number, [_cell_value(cell) for cell in row]
    except _READ_ERRORS as err:
        raise SourceError(spec.name, None, f"not a readable .xlsx workbook ({err})") from err
    finally:
        book.close()
