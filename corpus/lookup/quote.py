"""Quote lookup: find the span of a passage closest to the words a user remembers.

Candidates come from tantivy: BM25 OR over the rarest query words (fuzzy for words the index
lacks when few are known), first only the few rarest while their postings stay small, then,
unless that found a span scoring at least `QUICK_SCORE` (and the threshold), the six rarest
(passage texts read by the first search are not read again).
A coarse `partial_ratio` picks the few closest candidates; in each the best span is found
on whole words and scored with `fuzz.ratio` on the normalised words (0..100). `verbatim`
means the same words after normalisation; `close` means a score at or above the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import tantivy
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from rapidfuzz.utils import default_process

from corpus.model import DiffOp, Hit, Passage, QuoteResult
from corpus.normalize import Token, stem, tokenize
from corpus.store import TERMS_FIELD, Store, search_seqs

RARE_TERMS = 6
MIN_RARE = 3
FUZZY_BELOW = 4
QUICK_POSTINGS = 10_000
QUICK_SCORE = 80.0
FUZZY_TERMS = 3
CANDIDATES = 50
MAX_REFINED = 10


@dataclass(frozen=True, slots=True)
class Span:
    """The best window of a passage: token indices [first, last] and its score."""

    score: float
    first: int
    last: int


def _candidate_query(
    store: Store, asked: Sequence[str], budget: int | None = None
) -> tuple[tantivy.Query | None, tuple[str, ...]]:
    """BM25 OR over the rarest known query words (while their postings stay within `budget`,
    at least `MIN_RARE` of them), plus fuzzy terms for unknown words when few are known."""
    stems = list(dict.fromkeys(stem(w) for w in asked))
    freq = {s: store.searcher.doc_freq(TERMS_FIELD, s) for s in stems}
    known = sorted((s for s in stems if freq[s] > 0), key=lambda s: freq[s])
    rare: list[str] = []
    postings = 0
    for s in known[:RARE_TERMS]:
        if budget is not None and len(rare) >= MIN_RARE and postings + freq[s] > budget:
            break
        rare.append(s)
        postings += freq[s]
    fuzzy = len(known) < FUZZY_BELOW
    unknown = [s for s in stems if freq[s] == 0 and len(s) > 3][:FUZZY_TERMS] if fuzzy else []
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
    query = tantivy.Query.boolean_query(clauses) if clauses else None
    return query, (*rare, *unknown)


def best_span(asked: str, norms: Sequence[str]) -> Span:
    """The window of `norms` (whole words) whose joined text is closest to `asked`."""
    joined = " ".join(norms)
    align = fuzz.partial_ratio_alignment(asked, joined)
    if align is None:  # no alignment only with a score cutoff, which is not given
        return Span(0.0, 0, max(len(norms) - 1, 0))
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


async def _texts(store: Store, seqs: Sequence[int], known: dict[int, str]) -> dict[int, str]:
    """The text of each passage, without building `Passage` objects for ones we discard;
    `known` holds the texts already read by this lookup and gains the new ones."""
    missing = [seq for seq in seqs if seq not in known]
    if missing:
        marks = ", ".join("?" * len(missing))
        sql = f"SELECT seq, text FROM passages WHERE seq IN ({marks})"
        known.update(store.db.execute(sql, missing).fetchall())
    return known


async def _refine(
    store: Store,
    asked: str,
    asked_norms: Sequence[str],
    ranked: Sequence[tuple[float, int]],
    refined: int,
    spans: dict[int, tuple[float, bool, Passage, list[Token]] | None],
    texts: dict[int, str],
) -> list[tuple[float, bool, int, Passage, list[Token]]]:
    """The best span of each of the candidates that look closest on a coarse score."""
    seqs = [seq for _, seq in ranked]
    await _texts(store, seqs, texts)
    choices = [default_process(texts.get(seq, "")) for seq in seqs]
    coarse = process.extract(
        asked, choices, scorer=fuzz.partial_ratio, processor=None, limit=refined
    )
    order = sorted(coarse, key=lambda item: (-item[1], item[2]))  # ties: BM25 order
    passages = await store.by_seqs([seqs[i] for _, _, i in order if seqs[i] not in spans])
    found = []
    for _, _, rank in order:
        seq = seqs[rank]
        if seq not in spans:  # else found by the first search of this lookup
            spans[seq] = _span_in(passages[seq], asked, asked_norms) if seq in passages else None
        known = spans[seq]
        if known is not None:
            score, exact, passage, window = known
            found.append((score, exact, rank, passage, window))
    return found


def _span_in(
    passage: Passage, asked: str, asked_norms: Sequence[str]
) -> tuple[float, bool, Passage, list[Token]] | None:
    """The passage's best span: its score, whether it is verbatim, and its words."""
    tokens = tokenize(passage.text)
    if not tokens:
        return None
    span = best_span(asked, [t.norm for t in tokens])
    window = tokens[span.first : span.last + 1]
    exact = [t.norm for t in window] == asked_norms
    return (100.0 if exact else round(span.score, 1), exact, passage, window)


async def find_quote(store: Store, text: str, limit: int, threshold: float) -> QuoteResult:
    """The passages holding the span closest to `text`, best first, with a verdict."""
    asked_tokens = tokenize(text)
    asked_norms = [t.norm for t in asked_tokens]
    if not asked_tokens or limit <= 0:
        return QuoteResult(text, "not_found", ())
    asked = " ".join(asked_norms)
    found: list[tuple[float, bool, int, Passage, list[Token]]] = []
    searched: tuple[str, ...] | None = None
    spans: dict[int, tuple[float, bool, Passage, list[Token]] | None] = {}
    texts: dict[int, str] = {}
    # First the few rarest words (cheap); when that finds no clearly good span, all six.
    for budget in (QUICK_POSTINGS, None):
        query, terms = _candidate_query(store, asked_norms, budget)
        if terms == searched:
            break  # the full search would ask the same
        searched = terms
        ranked = search_seqs(store, query, CANDIDATES) if query is not None else []
        refined = min(limit, MAX_REFINED)
        found = (
            await _refine(store, asked, asked_norms, ranked, refined, spans, texts)
            if ranked
            else []
        )
        if found and max(f[0] for f in found) >= max(threshold, QUICK_SCORE):
            break
    if not found:
        return QuoteResult(text, "not_found", ())
    found.sort(key=lambda f: (-f[0], not f[1], f[3].kind != "quote", f[2]))
    hits: list[Hit] = []
    shown: set[tuple[int, int]] = set()
    for score, _, _, passage, window in found:
        start, end = passage.start + window[0].start, passage.start + window[-1].end
        if (start, end) in shown:
            continue  # the parent paragraph of a quote already shown
        shown.add((start, end))
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
