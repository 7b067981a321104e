"""A word alignment of the asked words with a source span, read at a glance.

The alignment is a longest-common-subsequence alignment (rapidfuzz `Indel.opcodes`) over
comparison units (`words.units_of`), so a word the source adds is an insertion, not a
replacement of its neighbour; an insertion next to a deletion is one replacement. Steps are
mapped back to whole tokens: the asked side is a slice of the query, the source side a
verbatim slice of the source text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from corpus.model import DiffOp
from corpus.normalize import Token
from corpus.verify.words import Unit


@dataclass(frozen=True, slots=True)
class Step:
    """One alignment step over units: asked units [a0, a1), source units [s0, s1)."""

    tag: str  # equal | replace | insert (source words not asked) | delete (asked, not in source)
    a0: int
    a1: int
    s0: int
    s1: int


def align_units(asked: Sequence[Unit], source: Sequence[Unit]) -> list[Step]:
    """LCS steps from the asked units to the source units, adjacent edits merged."""
    steps: list[Step] = []
    a_keys = [u.key for u in asked]
    s_keys = [u.key for u in source]
    for op in Indel.opcodes(a_keys, s_keys):
        step = Step(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
        if steps and step.tag != "equal" and steps[-1].tag != "equal":
            last = steps.pop()
            step = Step("replace", last.a0, step.a1, last.s0, step.s1)
        steps.append(step)
    return _slide(steps, a_keys, s_keys)


def _slide(steps: list[Step], a_keys: Sequence[str], s_keys: Sequence[str]) -> list[Step]:
    """Shift each pure insertion or deletion right while its first word repeats the word after
    it (`our +grandparents and great grandparents` reads `our grandparents +and great
    grandparents`): the added words then stand where a person sees them added."""
    for i in range(1, len(steps) - 1):
        before, step, after = steps[i - 1], steps[i], steps[i + 1]
        if before.tag != "equal" or after.tag != "equal" or step.tag not in ("insert", "delete"):
            continue
        keys = s_keys if step.tag == "insert" else a_keys
        lo, hi = (step.s0, step.s1) if step.tag == "insert" else (step.a0, step.a1)
        shift = 0
        while shift < after.a1 - after.a0 and keys[lo + shift] == keys[hi + shift]:
            shift += 1
        if shift:
            steps[i - 1] = Step("equal", before.a0, before.a1 + shift, before.s0, before.s1 + shift)
            da, ds = (0, shift) if step.tag == "insert" else (shift, 0)
            steps[i] = Step(step.tag, step.a0 + da, step.a1 + da, step.s0 + ds, step.s1 + ds)
            steps[i + 1] = Step("equal", after.a0 + shift, after.a1, after.s0 + shift, after.s1)
    return [s for s in steps if s.a1 > s.a0 or s.s1 > s.s0]


def _token_range(units: Sequence[Unit], first: int, last: int) -> tuple[int, int]:
    """Token indices [start, end) covered by units [first, last); empty ranges keep place."""
    if last > first:
        return units[first].token, units[last - 1].token + 1
    at = units[first].token if first < len(units) else (units[-1].token + 1 if units else 0)
    return at, at


def diff_ops(
    query: str,
    asked_tokens: Sequence[Token],
    asked_units: Sequence[Unit],
    source_text: str,
    span_tokens: Sequence[Token],
    span_units: Sequence[Unit],
    steps: Sequence[Step],
) -> tuple[DiffOp, ...]:
    """The steps as `DiffOp`s over whole words: the query's words and the source's slices.

    Steps that share a token (a contraction against two words) become one replacement."""
    merged: list[tuple[str, int, int, int, int]] = []  # tag, asked and source token ranges
    for step in steps:
        a0, a1 = _token_range(asked_units, step.a0, step.a1)
        s0, s1 = _token_range(span_units, step.s0, step.s1)
        if merged:
            tag, b0, b1, t0, t1 = merged[-1]
            if (a0 < b1 and a1 > a0) or (s0 < t1 and s1 > s0):
                merged[-1] = ("replace", b0, max(b1, a1), t0, max(t1, s1))
                continue
        merged.append((step.tag, a0, a1, s0, s1))
    ops: list[DiffOp] = []
    for tag, a0, a1, s0, s1 in merged:
        said = _slice(query, asked_tokens, a0, a1)
        said_source = _slice(source_text, span_tokens, s0, s1)
        if tag != "equal" or not (said and said_source):
            tag = "replace" if said and said_source else ("delete" if said else "insert")
        if said or said_source:
            ops.append(DiffOp(tag, said, said_source))  # type: ignore[arg-type]
    return tuple(ops)


def _slice(text: str, tokens: Sequence[Token], first: int, last: int) -> str:
    if last <= first:
        return ""
    return text[tokens[first].start : tokens[last - 1].end]
