"""One module per source format; `parse_source` picks the right one.

A source is decoded (UTF-8, UTF-16 by its BOM, CESU-8 emoji read as the characters; see
`encoding`) with no newline translation, so every passage's text of a text format is
`source_text[start:end]`; a structured format's (telegram, x_archive, table) is
`records[passage.record][start:end]` (`records.check_verbatim` checks both). Undecodable
input raises `SourceError` naming the file and line, and what the file looks like.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from corpus.errors import SourceError
from corpus.model import (
    PARAGRAPH_MODES,
    STRUCTURED_FORMATS,
    ParagraphMode,
    ParsedSource,
    ParseWarning,
    SourceSpec,
)
from corpus.parse import parts
from corpus.parse.article import parse_article
from corpus.parse.encoding import (
    MAX_STRUCTURED_BYTES,
    MAX_TEXT_BYTES,
    cesu_note,
    decode_text,
    read_bytes,
)
from corpus.parse.parts import joint_header, part_name
from corpus.parse.plain import parse_plain
from corpus.parse.records import check_verbatim, record_text_of, verbatim_failures
from corpus.parse.sniff import likely_format
from corpus.parse.spreadsheet import is_workbook, workbook_rows
from corpus.parse.subtitles import is_subtitles, parse_subtitles
from corpus.parse.table import parse_table, parse_table_rows
from corpus.parse.telegram import parse_telegram
from corpus.parse.telegram_html import parse_telegram_html
from corpus.parse.thread_dump import parse_thread_dump
from corpus.parse.transcript import parse_transcript
from corpus.parse.x_archive import read_x_archive
from corpus.parse.x_files import archive_files, files_digest

__all__ = [
    "check_verbatim",
    "decode_bytes",
    "decode_source",
    "parse_source",
    "read_source",
    "record_text_of",
    "source_files",
    "source_sha256",
    "source_stamp",
    "verbatim_failures",
]


def read_source(path: Path, *, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The raw bytes of a source file; `SourceError` if it cannot be read or is too large."""
    return read_bytes(Path(path).name, Path(path), limit=limit)


def decode_bytes(name: str, raw: bytes) -> str:
    """The source's text (see `encoding.decode_text`); errors name the 1-based line."""
    return decode_text(name, raw).text


def decode_source(path: Path) -> str:
    """The text of a source file, decoded as strict UTF-8 with no newline translation."""
    return decode_bytes(Path(path).name, read_source(path))


def source_files(spec: SourceSpec) -> tuple[Path, ...]:
    """The files a source reads: its `path`; for an X archive its files (`x_files`); for a
    Telegram HTML export its pages (`parts`)."""
    if spec.format == "x_archive":
        try:
            return archive_files(spec.path).all
        except SourceError:
            pass  # the folder holds no archive: reading `path` fails, as it should
    if spec.format == "telegram_html":
        try:
            return tuple(parts.source_files(spec.path))
        except SourceError:
            pass
    return (spec.path,)


def source_stamp(spec: SourceSpec) -> tuple[int, int]:
    """(total size, newest mtime_ns) of the source's files; `OSError` when one is gone."""
    if spec.format == "telegram_html":
        return parts.source_stat(spec.path)
    stats = [path.stat() for path in source_files(spec)]
    return sum(s.st_size for s in stats), max(s.st_mtime_ns for s in stats)


def source_sha256(spec: SourceSpec) -> str:
    """The digest `ParsedSource.sha256` holds, without parsing; `OSError` when unreadable."""
    if spec.format == "telegram_html":
        return parts.source_sha256(spec.path)
    paths = source_files(spec)
    return files_digest(paths, [path.read_bytes() for path in paths])


def paragraph_mode(spec: SourceSpec) -> ParagraphMode:
    """The spec's paragraph rule; `SourceError` for one that is not a `PARAGRAPH_MODES`."""
    mode = spec.paragraphs
    if mode not in PARAGRAPH_MODES:
        raise SourceError(spec.name, None, f"unknown paragraph rule {mode!r}")
    return cast(ParagraphMode, mode)


def parse_source(
    spec: SourceSpec,
    *,
    known_speakers: frozenset[str] = frozenset(),
) -> ParsedSource:
    """Read, decode and cut one source into passages, dispatching on `spec.format`.

    `known_speakers` (the speakers of all configured sources) lets an article resolve a
    quoted surname to a configured full name. Article and plain sources are cut into
    paragraphs by `spec.paragraphs` (`auto`, `lines` or `blank_lines`; see `ParagraphMode`).
    """
    if spec.format == "telegram_html":
        return parse_pages(spec)
    if spec.format == "x_archive":  # several files: the reader reads them (x_files)
        return _with_empty_warning(read_x_archive(spec))
    structured = spec.format in STRUCTURED_FORMATS
    raw = read_source(spec.path, limit=MAX_STRUCTURED_BYTES if structured else MAX_TEXT_BYTES)
    if spec.format == "table" and (
        spec.table_format in ("xlsx", "ods")
        or (spec.table_format is None and is_workbook(raw, spec.path))
    ):  # a binary table: no text to decode
        rows = parse_table_rows(spec, workbook_rows(spec, raw))
        sha = hashlib.sha256(raw).hexdigest()
        return _with_empty_warning(ParsedSource(spec, "", sha, rows[0], rows[1], rows[2]))
    decoded = decode_text(spec.name, raw)
    text = decoded.text
    records: dict[str, str] = {}
    note = cesu_note(decoded)
    warnings: tuple[ParseWarning, ...] = (ParseWarning(spec.name, 1, note),) if note else ()
    if spec.format in ("thread_dump", "article", "plain"):
        looks = likely_format(text)
        if looks:
            warnings += (
                ParseWarning(spec.name, 1, f"given as {spec.format}, but it looks like {looks}"),
            )
    found: tuple[ParseWarning, ...]
    if spec.format == "thread_dump":
        passages, found = parse_thread_dump(spec, text)
    elif spec.format == "article":
        passages, found = parse_article(
            spec, text, known_speakers=known_speakers, mode=paragraph_mode(spec)
        )
    elif spec.format == "plain":
        passages, found = parse_plain(spec, text, mode=paragraph_mode(spec))
    elif spec.format == "transcript" and is_subtitles(spec.path, text):
        passages, found, records = parse_subtitles(spec, text)  # WebVTT, SRT
    elif spec.format == "transcript":
        passages, found = parse_transcript(spec, text)
    elif spec.format == "telegram":
        passages, found, records = parse_telegram(spec, text)
    elif spec.format == "table":
        passages, found, records = parse_table(spec, text)
    else:
        raise SourceError(spec.name, None, f"unknown source format {spec.format!r}")
    warnings += found
    parsed = ParsedSource(
        spec=spec,
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        passages=tuple(passages),
        warnings=tuple(warnings),
        records=records,
    )
    return _with_empty_warning(parsed)


def parse_pages(spec: SourceSpec) -> ParsedSource:
    """A `telegram_html` source: one page, or a folder's pages (`parts.source_files`), each
    read, hashed (as `parts.source_sha256` does), decoded and parsed in turn, so one page is
    held at a time. Every passage is in a record, so `ParsedSource.text` is only the first
    page's text (an export's pages together can be hundreds of MB)."""
    files = parts.source_files(spec.path)
    several = len(files) > 1
    digest = hashlib.sha256()
    warnings: list[ParseWarning] = []
    first: list[str] = []

    def pages() -> Iterator[tuple[str, str]]:
        for path in files:
            name = part_name(spec.path, path)
            data = read_source(path, limit=MAX_STRUCTURED_BYTES)
            digest.update(joint_header(name, data) if several else b"")
            digest.update(data)
            decoded = decode_text(f"{spec.name}/{name}" if several else spec.name, data)
            note = cesu_note(decoded)
            if note:
                warnings.append(ParseWarning(spec.name, 1, f"{name}: {note}"))
            if not first:
                first.append(decoded.text)
            yield name, decoded.text

    chats = {part_name(spec.path, path).rpartition("/")[0] for path in files}
    passages, found, records = parse_telegram_html(spec, pages(), several=len(chats) > 1)
    warnings += found
    if not passages:
        warnings.append(ParseWarning(spec.name, 1, "no passages: the export has no text"))
    return ParsedSource(
        spec=spec,
        text=first[0] if first else "",
        sha256=digest.hexdigest(),
        passages=tuple(passages),
        warnings=tuple(warnings),
        records=records,
    )


def _with_empty_warning(parsed: ParsedSource) -> ParsedSource:
    if parsed.passages:
        return parsed
    empty = ParseWarning(parsed.spec.name, 1, "no passages: the file has no text")
    return dataclasses.replace(parsed, warnings=(*parsed.warnings, empty))
