"""Quote lookup: find the span of a passage closest to the words a user remembers.

Candidates come from tantivy (BM25 OR over the rarest query words, fuzzy for words the index
lacks); rapidfuzz ranks them, then the best span inside the best few is found on whole words
and scored with `fuzz.ratio` on the normalised words (0..100). `verbatim` means the same
words after normalisation; `close` means a score at or above the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import tantivy
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from corpus.index import TERMS_FIELD, Store
from corpus.model import DiffOp, Hit, Passage, QuoteResult
from corpus.normalize import Token, stem, tokenize, words
from corpus.search import search_seqs

RARE_TERMS = 6
FUZZY_TERMS = 3
CANDIDATES = 50
REFINED = 10


@dataclass(frozen=True, slots=True)
class Span:
    """The best window of a passage: token indices [first, last] and its score."""

    score: float
    first: int
    last: int


def _candidate_query(store: Store, asked: Sequence[str]) -> tantivy.Query | None:
    stems = list(dict.fromkeys(stem(w) for w in asked))
    freq = {s: store.searcher.doc_freq(TERMS_FIELD, s) for s in stems}
    rare = sorted((s for s in stems if freq[s] > 0), key=lambda s: freq[s])[:RARE_TERMS]
    unknown = [s for s in stems if freq[s] == 0 and len(s) > 3][:FUZZY_TERMS]
    clauses = [
        (tantivy.Occur.Should, tantivy.Query.term_query(store.schema, TERMS_FIELD, s)) for s in rare
    ]
    clauses += [
        (
            tantivy.Occur.Should,
            tantivy.Query.fuzzy_term_query(store.schema, TERMS_FIELD, s, 1, True),
        )
        for s in unknown
    ]
    return tantivy.Query.boolean_query(clauses) if clauses else None


def best_span(asked: str, norms: Sequence[str]) -> Span:
    """The window of `norms` (whole words) whose joined text is closest to `asked`."""
    joined = " ".join(norms)
    align = fuzz.partial_ratio_alignment(asked, joined)
    starts = []
    pos = 0
    for norm in norms:
        starts.append(pos)
        pos += len(norm) + 1
    first = _token_at(starts, align.dest_start)
    last = max(first, _token_at(starts, max(align.dest_end - 1, 0)))
    width = max(3, asked.count(" ") // 3 + 1)

    def score(a: int, b: int) -> float:
        return fuzz.ratio(asked, " ".join(norms[a : b + 1]))

    best = Span(score(first, last), first, last)
    for _ in range(3):
        previous = best
        for a in range(max(0, best.first - width), min(best.last, best.first + width) + 1):
            cand = score(a, best.last)
            if cand > best.score:
                best = Span(cand, a, best.last)
        top = min(len(norms) - 1, best.last + width)
        for b in range(max(best.first, best.last - width), top + 1):
            cand = score(best.first, b)
            if cand > best.score:
                best = Span(cand, best.first, b)
        if best == previous:
            break
    return best


def _token_at(starts: Sequence[int], char: int) -> int:
    """Index of the token holding `char` in the joined string (a space counts as the next)."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= char:
            lo = mid
        else:
            hi = mid - 1
    return lo


def word_diff(
    query: str, asked: Sequence[Token], passage: Passage, span: Sequence[Token]
) -> tuple[DiffOp, ...]:
    """Word-level steps from the asked words to the span's words (source parts verbatim)."""
    ops = []
    a_norms = [t.norm for t in asked]
    s_norms = [t.norm for t in span]
    for op in Levenshtein.opcodes(a_norms, s_norms):
        said = (
            query[asked[op.src_start].start : asked[op.src_end - 1].end]
            if op.src_end > op.src_start
            else ""
        )
        source = (
            passage.text[span[op.dest_start].start : span[op.dest_end - 1].end]
            if op.dest_end > op.dest_start
            else ""
        )
        ops.append(DiffOp(op.tag, said, source))  # type: ignore[arg-type]
    return tuple(ops)


async def find_quote(store: Store, text: str, limit: int, threshold: float) -> QuoteResult:
    """The passages holding the span closest to `text`, best first, with a verdict."""
    asked_tokens = tokenize(text)
    asked_norms = [t.norm for t in asked_tokens]
    query = _candidate_query(store, asked_norms) if asked_tokens and limit > 0 else None
    ranked = search_seqs(store, query, CANDIDATES) if query is not None else []
    if not ranked:
        return QuoteResult(text, "not_found", ())
    passages = await store.by_seqs([seq for _, seq in ranked])
    asked = " ".join(asked_norms)
    coarse = sorted(
        enumerate(ranked),
        key=lambda item: (
            -fuzz.partial_ratio(asked, " ".join(words(passages[item[1][1]].text))),
            item[0],
        ),
    )[:REFINED]
    found = []
    for rank, (_, seq) in coarse:
        passage = passages[seq]
        tokens = tokenize(passage.text)
        if not tokens:
            continue
        span = best_span(asked, [t.norm for t in tokens])
        window = tokens[span.first : span.last + 1]
        exact = [t.norm for t in window] == asked_norms
        found.append((100.0 if exact else round(span.score, 1), exact, rank, passage, window))
    found.sort(key=lambda f: (-f[0], not f[1], f[3].kind != "quote", f[2]))
    hits: list[Hit] = []
    spans: set[tuple[int, int]] = set()
    for score, _, _, passage, window in found:
        start, end = passage.start + window[0].start, passage.start + window[-1].end
        if (start, end) in spans:
            continue  # the parent paragraph of a quote already shown
        spans.add((start, end))
        hits.append(Hit(passage, score, start, end))
    if not hits:
        return QuoteResult(text, "not_found", ())
    top_score, top_exact, _, top_passage, top_window = found[0]
    if top_exact:
        return QuoteResult(text, "verbatim", tuple(hits[:limit]))
    if top_score >= threshold:
        diff = word_diff(text, asked_tokens, top_passage, top_window)
        return QuoteResult(text, "close", tuple(hits[:limit]), diff)
    return QuoteResult(text, "not_found", tuple(hits[:limit]))
