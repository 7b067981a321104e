"""Tables: CSV, TSV, JSON Lines or a JSON array of objects, one record per row.

`columns` names the fields: `text` (required), `date`, `id`, `speaker`, `url`, `title`.
The record text is the text cell as the reader decodes it (CSV quotes undone, JSON escapes
undone); each paragraph of it is a passage carrying the row's metadata. The record key is
the row's `id` (its row number without an id column, or when an id repeats), `line` the
line where the row begins. A `speaker` cell overrides the source's speaker for its row;
a `url` cell overrides the `link` template.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import PurePath

from corpus.errors import SourceError
from corpus.model import TABLE_FORMATS, ParseWarning, Passage, SourceSpec, TableColumns
from corpus.parse.records import RecordMeta, RecordSink, iter_json_array, link_for
from corpus.parse.when import parse_when

Reading = tuple[tuple[Passage, ...], tuple[ParseWarning, ...], dict[str, str]]
BY_EXTENSION = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".ods": "ods",
}


def table_format(spec: SourceSpec) -> str:
    """`table_format:` if given, else the file's extension."""
    fmt = spec.table_format or BY_EXTENSION.get(PurePath(spec.path).suffix.lower())
    if fmt not in TABLE_FORMATS:
        raise SourceError(
            spec.name,
            None,
            "cannot tell the table's format from its extension: set `table_format:` to one "
            f"of {', '.join(TABLE_FORMATS)}",
        )
    return fmt


def iter_rows(source: str, text: str, fmt: str) -> Iterator[tuple[int, object]]:
    """(line where the row begins, the row as a mapping) in file order."""
    if fmt in ("csv", "tsv"):
        yield from _csv_rows(source, text, "\t" if fmt == "tsv" else ",")
    elif fmt == "jsonl":
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip(" \t\r\ufeff"):
                try:
                    yield number, json.loads(line.lstrip("\ufeff"))
                except json.JSONDecodeError as err:
                    raise SourceError(source, number, f"not valid JSON: {err.msg}") from err
    else:
        yield from iter_json_array(source, text)


def _csv_rows(source: str, text: str, delimiter: str) -> Iterator[tuple[int, object]]:
    reader = csv.reader(
        io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter, strict=True
    )
    begins = 1
    header: list[str] | None = None
    try:
        for row in reader:
            if header is None:
                header = [name.strip() for name in row]
            elif row:  # a blank line is no row
                yield begins, dict(zip(header, row, strict=False))
            begins = reader.line_num + 1
    except csv.Error as err:
        # csv's field limit (131,072 characters) is process-wide: we do not raise it
        hint = ""
        if "end of data" in str(err) or "limit" in str(err):
            hint = " (an unterminated quote, or a cell longer than 131,072 characters?)"
        kind = "TSV" if delimiter == "\t" else "CSV"
        raise SourceError(
            source, begins, f"not valid {kind} in the row that begins here: {err}{hint}"
        ) from err


def _cell(row: Mapping[str, object], name: str | None) -> object:
    return row.get(name) if name else None


def _text_cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return json.dumps(value)
    return None


def parse_table(spec: SourceSpec, text: str) -> Reading:
    return parse_table_rows(spec, iter_rows(spec.name, text, table_format(spec)))


def parse_table_rows(spec: SourceSpec, rows: Iterable[tuple[int, object]]) -> Reading:
    """The passages of (line, row mapping) pairs from any table reader (text or workbook)."""
    source = spec.name
    columns = spec.columns or TableColumns(text="text")
    sink = RecordSink(source)
    seen_text_column = False
    empty = undated = not_rows = 0
    for number, (line, row) in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            not_rows += 1
            continue
        seen_text_column = seen_text_column or columns.text in row
        body = _text_cell(row.get(columns.text))
        if not body or not body.strip():
            empty += 1
            continue
        rid = _text_cell(_cell(row, columns.id))
        key = rid if rid else str(number)
        if key in sink.records:
            key = f"{key}@row{number}"
        date = None
        if columns.date:
            date = parse_when(_cell(row, columns.date), spec.date_format)
            undated += date is None
        else:
            date = spec.date
        speaker = _text_cell(_cell(row, columns.speaker))
        url = _text_cell(_cell(row, columns.url))
        title = _text_cell(_cell(row, columns.title))
        meta = RecordMeta(
            key=key,
            line=line,
            speaker=speaker.strip() if speaker and speaker.strip() else spec.speaker,
            date=date,
            url=url.strip() if url and url.strip() else link_for(spec.link, rid),
            note=title.strip() if title and title.strip() else None,
        )
        sink.add(meta, body)
    if not sink.records and not seen_text_column:
        raise SourceError(
            source, 1, f"no `{columns.text}` field in the table: set `columns: {{text: ...}}`"
        )
    for count, what in (
        (empty, "row(s) with an empty text cell skipped"),
        (not_rows, "item(s) that are not an object skipped"),
        (undated, "row(s) with no date in a form we read (set `date_format:`): undated"),
    ):
        if count:
            sink.warn(1, f"{count} {what}")
    return tuple(sink.passages), tuple(sink.warnings), sink.records
