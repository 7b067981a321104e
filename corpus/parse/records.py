"""Shared pieces of the structured readers: a record's paragraphs as passages, its link,
the line a record begins on, and the check that every passage stands in its record.

A structured source (Telegram export, X archive, table) is a list of records, each with a
decoded text field. `ParsedSource.records` maps a record key to that text; a passage of the
record has `record=key`, and `start`/`end` are offsets into the record's text, so
`records[key][start:end] == text` (the verbatim promise for structured sources).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from corpus.errors import IndexBuildError, SourceError
from corpus.model import ParsedSource, ParseWarning, Passage, PassageDate
from corpus.parse.common import LineIndex, PassageIds, split_paragraphs, trim_span


@dataclass(frozen=True, slots=True)
class RecordMeta:
    """What every passage of one record carries."""

    key: str  # unique within the source (the records mapping's key)
    line: int  # 1-based line of the file where the record begins (or its id field)
    speaker: str
    date: PassageDate | None = None
    url: str | None = None
    note: str | None = None


@dataclass(slots=True)
class RecordSink:
    """Collects the passages, records and warnings of one structured source."""

    source: str
    ids: PassageIds = field(init=False)
    passages: list[Passage] = field(default_factory=list)
    records: dict[str, str] = field(default_factory=dict)
    warnings: list[ParseWarning] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ids = PassageIds(self.source)

    def add(self, meta: RecordMeta, text: str, *, skip: int = 0) -> int:
        """One passage per paragraph (blank-line block) of `text[skip:]`; returns how many."""
        if meta.key in self.records:
            raise SourceError(self.source, meta.line, f"record {meta.key!r} appears twice")
        blocks = split_paragraphs(text[skip:] if skip else text, "blank_lines")
        shift = skip
        made = 0
        for number, block in enumerate(blocks, start=1):
            start, end = trim_span(text, block.start + shift, block.end + shift)
            if start >= end:
                continue
            body = text[start:end]
            self.passages.append(
                Passage(
                    id=self.ids.next_id(body),
                    source=self.source,
                    start=start,
                    end=end,
                    text=body,
                    line=meta.line,
                    speaker=meta.speaker,
                    kind="post",
                    date=meta.date,
                    paragraph=number,
                    note=meta.note,
                    url=meta.url,
                    record=meta.key,
                )
            )
            made += 1
        if made:
            self.records[meta.key] = text
        return made

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(self.source, line, message))


def link_for(template: str | None, record_id: object) -> str | None:
    """The record's permalink from a `{id}` template, or None without a template or id."""
    if not template or record_id is None or record_id == "":
        return None
    return template.replace("{id}", str(record_id))


class LineFinder:
    """The line of each record in file order: the next occurrence of its id's JSON token.

    A JSON string token cannot contain an unescaped `"`, so `"123"` or `"id": 123` found in
    the raw text is a token, not words inside a message; searching forward from the last
    record keeps the cost linear. Not found (an odd layout): the previous record's line.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines = LineIndex(text)
        self._at = 0
        self._line = 1

    def find(self, *needles: str) -> int:
        for needle in needles:
            found = self._text.find(needle, self._at)
            if found >= 0:
                self._at = found + len(needle)
                self._line = self._lines.line_of(found)
                break
        return self._line


# Telegram Desktop writes a control character as `\x1F`, which JSON does not allow; an even
# run of backslashes before it is escaped backslashes, not an escape
_HEX_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\x([0-9A-Fa-f]{2})")


def load_json(source: str, text: str) -> object:
    """`json.loads`, its error translated into a `SourceError` naming the line."""
    try:
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            if not err.msg.startswith("Invalid \\escape") or "\\x" not in text:
                raise
            return json.loads(_HEX_ESCAPE.sub(r"\1\\u00\2", text))
    except json.JSONDecodeError as err:
        raise _json_error(source, text, err) from err
    except RecursionError as err:
        raise SourceError(source, None, "not valid JSON: nested too deeply") from err


def record_text_of(parsed: ParsedSource, passage: Passage) -> str:
    """The text a passage is a slice of: its record's decoded text, else the source text."""
    if passage.record is None:
        return parsed.text
    return parsed.records.get(passage.record, "")


def verbatim_failures(parsed: ParsedSource) -> list[Passage]:
    """The passages that are not an exact slice of their record (or of the source text)."""
    return [p for p in parsed.passages if record_text_of(parsed, p)[p.start : p.end] != p.text]


def check_verbatim(parsed: ParsedSource) -> None:
    """Refuse a source with a passage that is not verbatim (what the index calls)."""
    for p in verbatim_failures(parsed)[:1]:
        where = f"record {p.record}" if p.record is not None else "the source"
        raise IndexBuildError(
            f"{parsed.spec.name}:{p.line}: passage {p.id} is not a verbatim slice of {where}"
        )


_WHITESPACE = " \t\n\r\ufeff"  # JSON whitespace, and a BOM at the start


def iter_json_array(source: str, text: str) -> Iterator[tuple[int, object]]:
    """Each element of the JSON array that `text` holds, with its 1-based line.

    Decoding element by element (the C scanner of `json`) gives each record's exact line.
    """
    lines = LineIndex(text)
    decoder = json.JSONDecoder()
    size = len(text)
    at = _skip_blank(text, 0)
    if at >= size or text[at] != "[":
        raise SourceError(source, lines.line_of(at), "not valid JSON: expected an array `[`")
    at = _skip_blank(text, at + 1)
    if at < size and text[at] == "]":
        return
    while True:
        try:
            value, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as err:
            raise _json_error(source, text, err) from err
        except RecursionError as err:
            raise SourceError(
                source, lines.line_of(at), "not valid JSON: nested too deeply"
            ) from err
        yield lines.line_of(at), value
        at = _skip_blank(text, end)
        if at < size and text[at] == ",":
            at = _skip_blank(text, at + 1)
            continue
        if at < size and text[at] == "]":
            if text[_skip_blank(text, at + 1) :].strip(_WHITESPACE + ";"):
                raise SourceError(source, lines.line_of(at), "not valid JSON: text after the array")
            return
        what = "the file ends early: truncated?" if at >= size else "expected `,` or `]`"
        raise SourceError(source, lines.line_of(min(at, size)), f"not valid JSON: {what}")


def _skip_blank(text: str, at: int) -> int:
    size = len(text)
    while at < size and text[at] in _WHITESPACE:
        at += 1
    return at


def _json_error(source: str, text: str, err: json.JSONDecodeError) -> SourceError:
    hint = " (the file ends early: truncated?)" if err.pos >= len(text.rstrip()) else ""
    return SourceError(source, err.lineno, f"not valid JSON: {err.msg}{hint}")
