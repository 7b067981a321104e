"""One module per source format; `parse_source` picks the right one.

A source is decoded as strict UTF-8 with no newline translation, so every passage's text is
`source_text[start:end]`. Undecodable input raises `SourceError` naming the file and line.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import cast

from corpus.errors import SourceError
from corpus.model import PARAGRAPH_MODES, ParagraphMode, ParsedSource, ParseWarning, SourceSpec
from corpus.parse.article import parse_article
from corpus.parse.plain import parse_plain
from corpus.parse.thread_dump import parse_thread_dump

__all__ = ["decode_bytes", "decode_source", "parse_source", "read_source"]


def read_source(path: Path) -> bytes:
    """The raw bytes of a source file; `SourceError` if it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise SourceError(Path(path).name, None, f"cannot read the file ({reason})") from err


def decode_bytes(name: str, raw: bytes) -> str:
    """Strict UTF-8, newlines and a leading BOM kept; errors name the 1-based line."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        bad = raw[err.start : err.start + 1].hex()
        raise SourceError(
            name, line, f"not valid UTF-8 (byte 0x{bad} at byte offset {err.start})"
        ) from err


def decode_source(path: Path) -> str:
    """The text of a source file, decoded as strict UTF-8 with no newline translation."""
    return decode_bytes(Path(path).name, read_source(path))


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
    raw = read_source(spec.path)
    text = decode_bytes(spec.name, raw)
    if spec.format == "thread_dump":
        passages, warnings = parse_thread_dump(spec, text)
    elif spec.format == "article":
        passages, warnings = parse_article(
            spec, text, known_speakers=known_speakers, mode=paragraph_mode(spec)
        )
    elif spec.format == "plain":
        passages, warnings = parse_plain(spec, text, mode=paragraph_mode(spec))
    else:
        raise SourceError(spec.name, None, f"unknown source format {spec.format!r}")
    if not passages:
        warnings = (*warnings, ParseWarning(spec.name, 1, "no passages: the file has no text"))
    return ParsedSource(
        spec=spec,
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        passages=tuple(passages),
        warnings=tuple(warnings),
    )
