"""Bounded replies: a long passage cut into windows of at most `limit` characters.

Each window is a verbatim slice `text[start:end]`. A cut falls after a sentence (., !, ?, …
and any closing quotes or brackets, then the spaces after it) in the second half of the
window when there is one, else after a space, else anywhere the text can be cut without
parting a character from its combining marks, a joiner from what it joins, or CR from LF.
`window_for` gives the one window to show around a match; `split_windows` the whole list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

WINDOW_CHARS = 3500  # a window, plus attribution and markup, fits one Telegram message

_SENTENCE_END = re.compile(r"[.!?…。！？][\"'»”’)\]]*\s+")
_SPACE = re.compile(r"\s+")
_EXTEND_CATEGORIES = frozenset({"Mn", "Mc", "Me", "Sk"})
_ZWJ = "\u200d"


@dataclass(frozen=True, slots=True)
class Window:
    """`text[start:end]` of the passage it was cut from."""

    start: int
    end: int

    def slice(self, text: str) -> str:
        return text[self.start : self.end]


def _extends(ch: str) -> bool:
    """Whether `ch` belongs to the character before it (a mark, joiner or modifier)."""
    if ch == _ZWJ or "\ufe00" <= ch <= "\ufe0f" or "\U0001f3fb" <= ch <= "\U0001f3ff":
        return True
    if "\U000e0020" <= ch <= "\U000e007f":  # emoji tag sequences
        return True
    return unicodedata.category(ch) in _EXTEND_CATEGORIES


def can_cut(text: str, at: int) -> bool:
    """Whether a window may end (and the next begin) at `at` without parting a cluster."""
    if at <= 0 or at >= len(text):
        return True
    before, after = text[at - 1], text[at]
    if _extends(after) or before == _ZWJ:
        return False
    if before == "\r" and after == "\n":
        return False
    return not ("\ud800" <= before <= "\udbff" and "\udc00" <= after <= "\udfff")


def _cut(text: str, start: int, limit: int, min_end: int) -> int:
    """Where the window beginning at `start` ends: at most `start + limit`, at least
    `min_end` (a match it must hold) when a boundary allows."""
    hard = start + limit
    if hard >= len(text):
        return len(text)
    low = max(min_end, start + limit // 2, start + 1)
    best = None
    for found in _SENTENCE_END.finditer(text, start, hard + 1):
        end = min(found.end(), hard)
        if end >= low and can_cut(text, end):
            best = end
    if best is not None:
        return best
    for found in _SPACE.finditer(text, start, hard + 1):
        end = min(found.end(), hard)
        if end > start and end >= min_end and can_cut(text, end):
            best = end
    if best is not None:
        return best
    for end in range(hard, max(start, min_end - 1), -1):
        if can_cut(text, end):
            return end
    if min_end > start + 1:
        return min_end  # the match ends inside a cluster: end with it
    return hard  # one cluster longer than the limit: it has to be cut somewhere


def split_windows(text: str, limit: int = WINDOW_CHARS) -> list[Window]:
    """The whole text as consecutive windows of at most `limit` characters (one window when
    it fits). Linear in the text: each window scans only its own characters."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    windows: list[Window] = []
    start = 0
    while start < len(text) or not windows:
        end = _cut(text, start, limit, start + 1)
        windows.append(Window(start, end))
        start = end
        if start >= len(text):
            break
    return windows


def _start_before(text: str, lowest: int, at: int) -> int:
    """A window start in [lowest, at]: the earliest sentence start, else word start, else a
    cut point, else `lowest`. Earliest, so the window shows as much before the match."""
    for pattern in (_SENTENCE_END, _SPACE):
        for found in pattern.finditer(text, max(0, lowest - 1), at):
            if lowest <= found.end() <= at and can_cut(text, found.end()):
                return found.end()
    for begin in range(lowest, at + 1):
        if can_cut(text, begin):
            return begin
    return lowest


def window_for(text: str, span: tuple[int, int] | None = None, limit: int = WINDOW_CHARS) -> Window:
    """The window to show: the first one when `span` is None, else one holding `span` (or
    its first `limit` characters when the span itself is longer), begun at a sentence when
    one fits. Costs O(limit), whatever the length of the text."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if span is None or len(text) <= limit:
        return Window(0, _cut(text, 0, limit, 1))
    first, last = max(0, min(span[0], len(text))), max(0, min(span[1], len(text)))
    last = max(last, first)
    lowest = max(0, min(first, last - limit))
    if first == 0 or (lowest == 0 and first <= limit // 2):
        start = 0
    else:
        start = _start_before(text, max(lowest, first - limit // 2), first)
    end = _cut(text, start, limit, min(last, start + limit))
    return Window(start, end)
