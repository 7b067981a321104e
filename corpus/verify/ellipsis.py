"""Queries shortened with an ellipsis: `…`, `...`, `[…]`, `[...]` mark a gap.

The parts must stand in order in one place; the source words skipped between them are
returned for display.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from corpus.verify.words import Unit

ELLIPSIS = re.compile(r"\[\s*(?:…|\.{3,})\s*\]|…|\.{3,}")
MAX_GAP_WORDS = 200


@dataclass(frozen=True, slots=True)
class Gapped:
    """Where each part stands in the source units: [first, last) per part, in order."""

    parts: tuple[tuple[int, int], ...]


def split_ellipsis(query: str) -> tuple[tuple[int, int], ...]:
    """The character ranges of the query's parts between ellipses (one part when none);
    parts without a word are dropped by the caller."""
    ranges: list[tuple[int, int]] = []
    at = 0
    for found in ELLIPSIS.finditer(query):
        ranges.append((at, found.start()))
        at = found.end()
    ranges.append((at, len(query)))
    return tuple(r for r in ranges if r[1] > r[0] and query[r[0] : r[1]].strip())


def find_in_order(
    parts: Sequence[Sequence[str]], source: Sequence[Unit], *, max_gap: int = MAX_GAP_WORDS
) -> Gapped | None:
    """Each part's keys found exactly, in order, the next starting after the previous and
    at most `max_gap` units later; the earliest such placement, or None."""
    keys = [u.key for u in source]
    if not parts or not parts[0]:
        return None
    for first in _occurrences(keys, parts[0], 0, len(keys)):
        placed = [(first, first + len(parts[0]))]
        for part in parts[1:]:
            end = placed[-1][1]
            found = next(_occurrences(keys, part, end, end + max_gap + len(part)), None)
            if found is None:
                break
            placed.append((found, found + len(part)))
        else:
            return Gapped(tuple(placed))
    return None


def _occurrences(keys: Sequence[str], part: Sequence[str], lo: int, hi: int) -> Iterator[int]:
    """Start indices of `part` in keys[lo:hi]."""
    n = len(part)
    if n == 0:
        return
    head = part[0]
    for i in range(lo, min(hi, len(keys)) - n + 1):
        if keys[i] == head and list(keys[i : i + n]) == list(part):
            yield i
