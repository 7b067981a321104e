"""Shared pieces of the source parsers: stable passage ids, exact line spans, paragraphs.

Every span here is a pair of offsets into the decoded source text, so the text of a passage
is always `source_text[start:end]`, verbatim. Line breaks are `\\n` or `\\r\\n`; line numbers
are 1-based.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from corpus.model import ParagraphMode

__all__ = ["ParagraphMode"]  # the parsers take it from here with the other pieces

BOM = "\ufeff"
BASE32 = "abcdefghijklmnopqrstuvwxyz234567"  # RFC 4648 alphabet, lower case
_PAIRS = [a + b for a in BASE32 for b in BASE32]  # 10 bits -> two letters


def passage_id(source_name: str, text: str, ordinal: int) -> str:
    """A `PASSAGE_ID_RE` id (10 base32 letters) from the source name, the text and its
    ordinal among equal texts.

    It depends on nothing else, so it survives re-indexing unchanged text and edits elsewhere.
    """
    digest = hashlib.blake2b(
        f"{source_name}\x00{text}\x00{ordinal}".encode("utf-8", "surrogatepass"),
        digest_size=8,
    ).digest()
    bits = int.from_bytes(digest, "big") >> 14  # the first 50 bits: 10 base32 letters
    pairs = _PAIRS
    return (
        f"{pairs[bits >> 40]}{pairs[(bits >> 30) & 1023]}{pairs[(bits >> 20) & 1023]}"
        f"{pairs[(bits >> 10) & 1023]}{pairs[bits & 1023]}"
    )


class PassageIds:
    """Hands out passage ids for one source, counting repeats of the same text."""

    def __init__(self, source_name: str) -> None:
        self._source = source_name
        self._seen: dict[str, int] = {}  # a plain dict: a Counter's `__missing__` is slow

    def next_id(self, text: str) -> str:
        ordinal = self._seen.get(text, 0)
        self._seen[text] = ordinal + 1
        return passage_id(self._source, text, ordinal)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a source: `text[start:end]`, without its `\\n` or `\\r\\n`."""

    number: int  # 1-based
    start: int
    end: int


def iter_lines(text: str) -> Iterator[Line]:
    """The lines of `text` with exact offsets; no phantom empty line after a final newline."""
    number = 1
    start = 0
    size = len(text)
    while start < size:
        newline = text.find("\n", start)
        if newline < 0:
            yield Line(number, start, size)
            return
        end = newline - 1 if newline > start and text[newline - 1] == "\r" else newline
        yield Line(number, start, end)
        start = newline + 1
        number += 1


class LineIndex:
    """Maps an offset to its 1-based line number (binary search over newline offsets)."""

    def __init__(self, text: str) -> None:
        self._newlines = [found.start() for found in re.finditer("\n", text)]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1


# Every character `str.isspace` calls whitespace, and the byte-order mark.
BLANKS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000" + BOM
)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink `[start, end)` past blank characters on both sides (may become empty)."""
    if start >= end or (text[start] not in BLANKS and text[end - 1] not in BLANKS):
        return start, end
    piece = text[start:end]
    kept = piece.lstrip(BLANKS)
    start += len(piece) - len(kept)
    return start, start + len(kept.rstrip(BLANKS))


# a line holding more than blanks: (1-based number, offset of its first non-blank, its words)
TrimmedLine = tuple[int, int, str]


def trimmed_lines(text: str) -> Iterator[TrimmedLine]:
    """Each line holding more than blanks, as (number, start, words): `words` is the line
    trimmed of blank characters, `text[start:start + len(words)]` (what `trim_span` gives)."""
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        words = line.strip(BLANKS)  # a `\r` before the `\n` is blank too
        if words:
            lead = len(line) - len(line.lstrip(BLANKS)) if line[0] in BLANKS else 0
            yield number, start + lead, words
        start += len(line) + 1


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph: a trimmed span over one or more lines (inner newlines kept verbatim)."""

    start: int
    end: int
    first_line: int
    last_line: int


def has_blank_separators(lines: list[TrimmedLine]) -> bool:
    """True when a blank line sits between two non-blank lines (paragraphs by blank lines)."""
    return any(line[0] > before[0] + 1 for before, line in itertools.pairwise(lines))


def split_paragraphs(text: str, mode: ParagraphMode = "auto") -> list[Block]:
    """Paragraphs: blocks between blank lines if the text has any ("auto"), else each line."""
    lines = list(trimmed_lines(text))
    by_blank = mode == "blank_lines" or (mode == "auto" and has_blank_separators(lines))
    if not by_blank:
        return [Block(start, start + len(words), number, number) for number, start, words in lines]
    blocks: list[Block] = []
    for number, start, words in lines:
        end = start + len(words)
        if blocks and blocks[-1].last_line == number - 1:  # no blank line since that block
            blocks[-1] = Block(blocks[-1].start, end, blocks[-1].first_line, number)
        else:
            blocks.append(Block(start, end, number, number))
    return blocks
