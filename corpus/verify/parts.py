"""Where the words stand: the best span in a passage, quotes across consecutive passages and
spliced quotes, over candidate passages the lookup gives (no search of its own).

A query that one span covers needs nothing here but `best_span`. Only when the best single
span covers too little, the query is cut into clauses, each clause is placed in its best
candidate, and `join_parts` says whether the places follow one another (one thread, message
or paragraph run: a tweet boundary is not a break) or were spliced together.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from corpus.budget import Deadline
from corpus.model import Passage
from corpus.normalize import Token
from corpus.verify.align import align_units
from corpus.verify.words import Unit

CLAUSE_MARKS = re.compile(r"[.!?;:]+(?:\s|$)|,\s+(?:but|and|so|while)\b|\s[—–]\s")
MIN_CLAUSE_UNITS = 3
MAX_JOIN_GAP = 1  # words a part may leave out at a passage's edge and still continue it


@dataclass(frozen=True, slots=True)
class Span:
    """Source units [first, last) of one passage and how close they are to the asked units
    (0..100), with the share of the asked units they hold word for word."""

    first: int
    last: int
    score: float
    covered: float


@dataclass(frozen=True, slots=True)
class Placed:
    """One part of the query, asked units [a0, a1), placed in candidate `index`."""

    a0: int
    a1: int
    index: int
    span: Span


def best_span(asked: Sequence[Unit], source: Sequence[Unit]) -> Span:
    """The window of `source` closest to `asked`: a coarse `partial_ratio` window, then the
    stretch between the first and last word the LCS alignment keeps."""
    if not asked or not source:
        return Span(0, 0, 0.0, 0.0)
    a_text = " ".join(u.key for u in asked)
    keys = [u.key for u in source]
    starts: list[int] = []
    pos = 0
    for key in keys:
        starts.append(pos)
        pos += len(key) + 1
    align = fuzz.partial_ratio_alignment(a_text, " ".join(keys))
    if align is None:
        return Span(0, 0, 0.0, 0.0)
    first = _unit_at(starts, align.dest_start)
    last = _unit_at(starts, max(align.dest_end - 1, 0)) + 1
    pad = max(3, len(asked) // 2)
    lo, hi = max(0, first - pad), min(len(source), last + pad)
    steps = align_units(asked, source[lo:hi])
    kept = [s for s in steps if s.tag == "equal"]
    if not kept:
        return Span(first, last, 0.0, 0.0)
    # a replaced word at either edge belongs to the span (`Trump thinks` against `Putin thinks`)
    first = lo + kept[0].s0 - min(kept[0].a0, kept[0].s0)
    last = lo + kept[-1].s1 + min(len(asked) - kept[-1].a1, hi - lo - kept[-1].s1)
    matched = sum(s.a1 - s.a0 for s in kept)
    score = fuzz.ratio(a_text, " ".join(keys[first:last]))
    return Span(first, last, round(score, 1), matched / len(asked))


def _unit_at(starts: Sequence[int], char: int) -> int:
    """Index of the unit whose start is the last at or before `char` (0 before the first)."""
    return max(0, bisect.bisect_right(starts, char) - 1)


def split_clauses(
    query: str, tokens: Sequence[Token], units: Sequence[Unit]
) -> list[tuple[int, int]]:
    """Asked units cut at sentence and clause marks, short pieces joined to their neighbour."""
    cuts = {m.end() for m in CLAUSE_MARKS.finditer(query)}
    pieces: list[list[int]] = []
    previous_token = -1
    for i, unit in enumerate(units):
        token = tokens[unit.token]
        new = not pieces or (
            unit.token != previous_token
            and any(tokens[previous_token].end <= c <= token.start for c in cuts)
        )
        if new:
            pieces.append([i, i + 1])
        else:
            pieces[-1][1] = i + 1
        previous_token = unit.token
    joined: list[list[int]] = []
    for piece in pieces:
        if joined and (
            joined[-1][1] - joined[-1][0] < MIN_CLAUSE_UNITS
            or piece[1] - piece[0] < MIN_CLAUSE_UNITS
        ):
            joined[-1][1] = piece[1]
        else:
            joined.append(piece)
    return [(a, b) for a, b in joined]


def place_parts(
    asked: Sequence[Unit],
    clauses: Sequence[tuple[int, int]],
    candidates: Sequence[Sequence[Unit]],
    deadline: Deadline | None = None,
) -> list[Placed]:
    """Each clause in its best candidate (ties: the earlier candidate); once `deadline` is
    spent, only the clauses placed so far (fewer than asked: the caller finds none)."""
    placed: list[Placed] = []
    for a0, a1 in clauses:
        if deadline is not None and deadline.spent():
            break
        best: Placed | None = None
        for index, source in enumerate(candidates):
            span = best_span(asked[a0:a1], source)
            if best is None or span.score > best.span.score:
                best = Placed(a0, a1, index, span)
        if best is not None:
            placed.append(best)
    return placed


def follows(a: Passage, b: Passage) -> bool:
    """`b` is the passage right after `a` in one thread, message or paragraph run."""
    if a.source != b.source or a.kind == "quote" or b.kind != a.kind:
        return False
    if a.thread is not None and b.thread is not None:
        return a.thread.number == b.thread.number and b.thread.position == a.thread.position + 1
    if a.paragraph is not None and b.paragraph is not None:
        return b.paragraph == a.paragraph + 1 and a.speaker == b.speaker
    return False


def join_parts(
    placed: Sequence[Placed], passages: Sequence[Passage], lengths: Sequence[int]
) -> list[list[Placed]]:
    """The parts grouped into runs that continue one another: the same passage further on,
    or the next passage of the run from its start after the previous part reached the end.
    One run: the words were said together; more: they were spliced."""
    runs: list[list[Placed]] = []
    for part in placed:
        if runs:
            last = runs[-1][-1]
            same = (
                part.index == last.index
                and last.span.last <= part.span.first <= last.span.last + MAX_JOIN_GAP
            )
            onward = (
                follows(passages[last.index], passages[part.index])
                and last.span.last >= lengths[last.index] - MAX_JOIN_GAP
                and part.span.first <= MAX_JOIN_GAP
            )
            if same or onward:
                runs[-1].append(part)
                continue
        runs.append([part])
    return runs
