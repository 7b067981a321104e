"""The verification of one quote over candidate passages: verdict, changes, parts, speaker.

`verify_quote` is what the lookup calls with the passages it retrieved (and their
neighbours); it searches nothing itself. The common case, the words in one passage, costs
one `best_span` per candidate; clauses are placed only when no single span covers the query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from corpus.budget import Deadline
from corpus.model import DiffOp, Passage
from corpus.normalize import Token, tokenize
from corpus.verify.align import align_units, diff_ops
from corpus.verify.ellipsis import find_in_order, split_ellipsis
from corpus.verify.meaning import Change, classify_meaning
from corpus.verify.parts import Span, best_span, join_parts, place_parts, split_clauses
from corpus.verify.speaker import (
    Attribution,
    Claim,
    parse_claim,
    resolve_claim,
)
from corpus.verify.words import Unit, units_of

Verdict = Literal["verbatim", "close", "altered", "spliced", "not_found"]
MIN_COVERED = 0.75  # share of the asked words one span must hold to stand alone
# A clause with at least this share of its words (in order) in a passage is misremembered
# there, not said elsewhere: only clauses below it are looked for in other passages.
MIN_PRESENT = 0.5


@dataclass(frozen=True, slots=True)
class Located:
    """Where (part of) the quote stands: a candidate and offsets into its text."""

    passage: Passage
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class QuotePart:
    """A part of the query (character offsets) and the result that holds it."""

    query_start: int
    query_end: int
    result: int


@dataclass(frozen=True, slots=True)
class Verification:
    verdict: Verdict
    results: tuple[Located, ...] = ()  # best first; for not_found the closest
    changes: tuple[Change, ...] = ()
    diff: tuple[DiffOp, ...] = ()
    parts: tuple[QuotePart, ...] = ()  # spliced, or verbatim across passages
    skipped: tuple[str, ...] = ()  # ellipsis: the source words left out, verbatim
    claimed_speaker: str | None = None
    attribution: Attribution | None = None


@dataclass(frozen=True, slots=True)
class _Words:
    text: str
    tokens: list[Token]
    units: list[Unit]


def _words(
    text: str, lo: int = 0, hi: int | None = None, tokens: Sequence[Token] | None = None
) -> _Words:
    """The tokens and units of `text[lo:hi]`; `tokens`: the text's tokens when known."""
    every = tokenize(text) if tokens is None else tokens
    kept = [t for t in every if t.start >= lo and (hi is None or t.end <= hi)]
    return _Words(text, kept, units_of(text, kept))


def _sub(words: _Words, u0: int, u1: int) -> _Words:
    """The words of units [u0, u1) (whole tokens, offsets kept)."""
    t0, t1 = words.units[u0].token, words.units[u1 - 1].token + 1
    tokens = words.tokens[t0:t1]
    # the units of those whole tokens, renumbered (a token's units all stand or fall together)
    lo = u0
    while lo > 0 and words.units[lo - 1].token == t0:
        lo -= 1
    hi = u1
    while hi < len(words.units) and words.units[hi].token < t1:
        hi += 1
    units = [Unit(u.key, u.token - t0) for u in words.units[lo:hi]]
    return _Words(words.text, tokens, units)


def verify_quote(
    query: str,
    candidates: Sequence[Passage],
    *,
    threshold: float = 80.0,
    known_speakers: Sequence[str] = (),
    names: frozenset[str] = frozenset(),
    tokens: Sequence[Sequence[Token] | None] = (),
    claim: Claim | bool | None = True,
    query_tokens: Sequence[Token] | None = None,
    deadline: Deadline | None = None,
) -> Verification:
    """The verdict on `query` over `candidates` (retrieved passages and their neighbours,
    in any order). `names`: folded words known to be names (speakers, places); `tokens`:
    each candidate's tokens when the caller has them (`tokenize(p.text)`), else None;
    `claim`: the caller's `parse_claim(query, known=known_speakers)` (True: parse it here);
    `query_tokens`: `tokenize(query)` when the caller has it. When `deadline` is spent
    before every clause is placed, the clauses are not taken as found (`not_found`)."""
    if claim is True or claim is False:
        claim = parse_claim(query, known=known_speakers)
    lo, hi = (claim.start, claim.end) if claim else (0, len(query))
    claimed = resolve_claim(claim.name, known_speakers, None)[0] if claim else None
    asked = _words(query, lo, hi, query_tokens)
    known = list(tokens) + [None] * (len(candidates) - len(tokens))
    texts = [_words(p.text, tokens=t) for p, t in zip(candidates, known, strict=True)]
    if not asked.units or not candidates:
        return Verification("not_found", claimed_speaker=claimed)

    def finish(result: Verification) -> Verification:
        speaker = result.results[0].passage.speaker if result.results else None
        said_by, attribution = claimed, None
        if claim and result.verdict != "not_found":
            said_by, attribution = resolve_claim(claim.name, known_speakers, speaker)
        return Verification(
            result.verdict, result.results, result.changes, result.diff, result.parts,
            result.skipped, said_by, attribution,
        )  # fmt: skip

    pieces = split_ellipsis(query[lo:hi])
    if len(pieces) > 1:
        gapped = _verify_gapped(query, lo, pieces, candidates, texts)
        if gapped is not None:
            return finish(gapped)

    spans = [best_span(asked.units, w.units) for w in texts]
    best = max(range(len(spans)), key=lambda i: (spans[i].score, candidates[i].kind == "quote", -i))
    span = spans[best]
    if span.score >= threshold and span.covered >= MIN_COVERED:  # the common case
        return finish(_verify_single(query, asked, candidates[best], texts[best], span, names))
    clauses = split_clauses(query, asked.tokens, asked.units)
    if span.score >= threshold and len(clauses) == 1:
        return finish(_verify_single(query, asked, candidates[best], texts[best], span, names))
    if len(clauses) > 1:
        placed = place_parts(asked.units, clauses, [w.units for w in texts], deadline)
        if len(placed) == len(clauses) and all(p.span.score >= threshold for p in placed):
            runs = join_parts(placed, candidates, [len(w.units) for w in texts])
            results: list[Located] = []
            parts: list[QuotePart] = []
            changes: list[Change] = []
            close = False
            for part in placed:
                words = texts[part.index]
                sub = _sub(words, part.span.first, part.span.last)
                passage = candidates[part.index]
                located = Located(passage, sub.tokens[0].start, sub.tokens[-1].end, part.span.score)
                if located not in results:
                    results.append(located)
                piece = _sub(asked, part.a0, part.a1)
                parts.append(
                    QuotePart(piece.tokens[0].start, piece.tokens[-1].end, results.index(located))
                )
                steps = align_units(piece.units, sub.units)
                meaning = classify_meaning(
                    query, piece.tokens, piece.units, words.text, sub.tokens, sub.units, steps,
                    names=names,
                )  # fmt: skip
                changes += meaning.changes
                close = close or meaning.verdict != "verbatim"
            if len(runs) > 1:
                return finish(
                    Verification("spliced", tuple(results), tuple(changes), parts=tuple(parts))
                )
            verdict: Verdict = "altered" if changes else ("close" if close else "verbatim")
            return finish(Verification(verdict, tuple(results), tuple(changes), parts=tuple(parts)))
    near = _sub(texts[best], span.first, span.last) if span.last > span.first else None
    hint = (
        (Located(candidates[best], near.tokens[0].start, near.tokens[-1].end, span.score),)
        if near
        else ()
    )
    return finish(Verification("not_found", hint))


def missing_clauses(
    query: str,
    passage: Passage,
    *,
    tokens: Sequence[Token] | None = None,
    claim: Claim | None = None,
    query_tokens: Sequence[Token] | None = None,
) -> list[tuple[int, int]]:
    """The query's clauses (character offsets, the claimed speaker's name left out) of which
    fewer than `MIN_PRESENT` of the words stand in order in `passage` (`tokens`: its tokens
    when known). The cheap test before looking across passages: a query whose every clause
    is (mostly) in the passage that holds it best is a misquote of that passage, not a quote
    across passages or a spliced one. One clause: none is missing."""
    lo, hi = (claim.start, claim.end) if claim else (0, len(query))
    asked = _words(query, lo, hi, query_tokens)
    clauses = split_clauses(query, asked.tokens, asked.units)
    if len(clauses) < 2:
        return []
    source = _words(passage.text, tokens=tokens)
    missing = []
    for a0, a1 in clauses:
        if best_span(asked.units[a0:a1], source.units).covered < MIN_PRESENT:
            piece = _sub(asked, a0, a1)
            missing.append((piece.tokens[0].start, piece.tokens[-1].end))
    return missing


def _verify_single(
    query: str,
    asked: _Words,
    passage: Passage,
    words: _Words,
    span: Span,
    names: frozenset[str],
) -> Verification:
    first, last, score = span.first, span.last, span.score
    sub = _sub(words, first, last)
    steps = align_units(asked.units, sub.units)
    meaning = classify_meaning(
        query, asked.tokens, asked.units, words.text, sub.tokens, sub.units, steps, names=names
    )
    located = Located(
        passage,
        sub.tokens[0].start,
        sub.tokens[-1].end,
        100.0 if meaning.verdict == "verbatim" else score,
    )
    if meaning.verdict == "verbatim":
        return Verification("verbatim", (located,))
    diff = diff_ops(query, asked.tokens, asked.units, words.text, sub.tokens, sub.units, steps)
    return Verification(meaning.verdict, (located,), meaning.changes, diff)


def _verify_gapped(
    query: str,
    lo: int,
    pieces: Sequence[tuple[int, int]],
    candidates: Sequence[Passage],
    texts: Sequence[_Words],
) -> Verification | None:
    """Every piece word for word, in order, in one candidate: verbatim (or close when only
    harmless differences), with the skipped source words."""
    piece_words = [_words(query, lo + a, lo + b) for a, b in pieces]
    keys = [[u.key for u in w.units] for w in piece_words]
    for passage, words in zip(candidates, texts, strict=True):
        found = find_in_order(keys, words.units)
        if found is None:
            continue
        first, last = found.parts[0][0], found.parts[-1][1]
        sub = _sub(words, first, last)
        skipped = tuple(
            words.text[
                words.tokens[words.units[a1].token].start : words.tokens[
                    words.units[b0 - 1].token
                ].end
            ]
            for (_, a1), (b0, _) in zip(found.parts, found.parts[1:], strict=False)
            if b0 > a1
        )
        exact = all(
            [t.norm for t in pw.tokens] == [t.norm for t in _sub(words, a, b).tokens]
            for pw, (a, b) in zip(piece_words, found.parts, strict=True)
        )
        located = Located(passage, sub.tokens[0].start, sub.tokens[-1].end, 100.0)
        parts = tuple(QuotePart(lo + a, lo + b, 0) for a, b in pieces)
        return Verification(
            "verbatim" if exact else "close", (located,), parts=parts, skipped=skipped
        )
    return None
