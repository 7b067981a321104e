"""Quote lookup: find the span of a passage closest to the words a user remembers.

Candidates come from tantivy: BM25 OR over the rarest query words (fuzzy for words the index
lacks when few are known), first only the few rarest while their postings stay small, then,
unless that found a span scoring at least `QUICK_SCORE` (and the threshold), the six rarest
(passage texts read and scored by the first search are not read again; when its candidates'
coarse scores are hopeless, their spans are not worked out).
A coarse `partial_ratio` picks the few closest candidates; in each the best span is found
on whole words and scored with `fuzz.ratio` on the normalised words (0..100).

The verdict comes from `corpus.verify` on the best span: a speaker the query names is read
first (only the quote words are searched); `verbatim` when the words are the same after
normalisation, else the span is aligned word by word and classified `close` (harmless
differences) or `altered` (a negation, number, name or quantifier differs). Only when no
single span holds the words, and the query has an ellipsis or a clause of which fewer than
half the words stand in the best candidate (`verify.missing_clauses`; else it is a
misquote of that passage), the passages either side of it are checked for a quote across
consecutive passages, then the candidates at hand and each missing clause's best few
(a search per missing clause, cheap postings only) for a `spliced` one.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import heapq
import re
from collections.abc import Sequence
from dataclasses import dataclass

import tantivy
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from corpus.analysis import is_stop_query
from corpus.budget import Deadline
from corpus.errors import QUOTE_TOO_SHORT, LookupTimeout, QueryError
from corpus.lookup.date_query import DateOrder
from corpus.lookup.filters import Filters, resolve_filters, with_filters
from corpus.model import Hit, Passage, QuoteChange, QuotePart, QuoteResult
from corpus.normalize import Token, fold, stem, tokenize, words
from corpus.query_syntax import SyntaxProblem, parse_search_query
from corpus.store import TERMS_FIELD, Store, corpus_languages, search_seqs
from corpus.verify.ellipsis import split_ellipsis
from corpus.verify.parts import CLAUSE_MARKS
from corpus.verify.speaker import Claim, parse_claim, reported_by, resolve_claim
from corpus.verify.verify import Verification, missing_clauses, verify_quote
from corpus.windows import WINDOW_CHARS, window_for

RARE_TERMS = 6
MIN_RARE = 3
FUZZY_BELOW = 4
QUICK_POSTINGS = 10_000
MIN_QUOTE_WORDS = 2  # one word stands in too many places to check as a quote
# `Zelensky said so`, `Trump told me so`: a claim whose quote is shorter than this is no claim
# (the whole text is the quote), so a word like "so" is never "said by X, as claimed"
MIN_CLAIMED_WORDS = 3
TOO_SHORT_TEXT = (
    "That is too short to check as a quote: one word, or only words as common as “the”, stand "
    "in too many places. Send a few more of the words you remember."
)
QUICK_SCORE = 80.0
FUZZY_TERMS = 3
# A quick search whose candidates all score below this on the coarse `partial_ratio` holds no
# span reaching QUICK_SCORE (a span's score exceeded its passage's coarse score by at most 11
# over the 1M and 100k benchmark queries): its spans are not worked out, the full search runs.
HOPELESS_COARSE = 65.0
UNSCORED = -1.0  # the coarse score of a candidate left unscored when the time budget ran out
CANDIDATES = 50
MAX_REFINED = 10
WIDE_CANDIDATES = 5  # candidates (with their neighbours) checked for a quote across passages
CLAUSE_CANDIDATES = 3  # per clause, by its own rarest words, when no clause search ran
NEIGHBOURS = 2  # passages either side (by seq) a quote across passages may continue into
# A passage longer than this is not read whole: only windows around where the query's rarest
# words stand (a 20 MB one-line source would cost seconds of CPU per lookup otherwise).
LONG_PASSAGE = 4 * WINDOW_CHARS
PLACE_WORDS = 6  # the query's longest words looked for in a long passage
PLACE_HITS = 2_000  # a word found more often than this is too common to place the query
PLACES = 3  # windows of a long passage scored (the ones holding the most query words)
SPEAKERS_MEMO = "verify_speakers"
NAMES_MEMO = "verify_names"
# Capitalised at a sentence's start without being names: a swap of these is not a name swap.
_FUNCTION_TEXT = (
    "a an the this that these those it its we i he she they you our my his her their there "
    "here what when who why how and but so or if as at in on of to for by with from"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())


@dataclass(frozen=True, slots=True)
class Found:
    """A candidate's best span: its score, whether it is verbatim, its BM25 rank, the
    passage, the span's tokens and all the passage's tokens (for verification)."""

    score: float
    exact: bool
    rank: int
    passage: Passage
    window: list[Token]
    tokens: list[Token]
    first: int = 0  # the window's first token in `tokens`


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

    def score(a: int, b: int) -> float:  # the words a..b joined by spaces: a slice of `joined`
        return fuzz.ratio(asked, joined[starts[a] : starts[b] + len(norms[b])])

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
    return max(0, bisect.bisect_right(starts, char) - 1)


def _places(
    text: str, norms: Sequence[str], deadline: Deadline | None = None
) -> list[tuple[int, int]]:
    """Where in a long `text` the words `norms` cluster: up to `PLACES` ranges around the
    hits of the rarest of its longest words (counted only up to `PLACE_HITS`; once `deadline`
    is spent, of the words scanned so far), the ones holding the most of the words first;
    the text's head when none is found."""
    reach = 2 * sum(len(n) + 1 for n in norms) + WINDOW_CHARS // 2
    words = sorted({n for n in norms if len(n) > 2} or set(norms), key=lambda n: (-len(n), n))
    patterns = {
        w: re.compile(r"(?<!\w)" + re.escape(w) + r"(?!\w)", re.IGNORECASE)
        for w in words[:PLACE_WORDS]
    }
    anchors: list[int] | None = None
    for word in patterns:
        if anchors and deadline is not None and deadline.spent():
            break  # each word scans the whole text (~50 ms for 20 MB): place by those scanned
        hits = _word_hits(text, word, PLACE_HITS + 1)
        if hits and len(hits) <= PLACE_HITS and (anchors is None or len(hits) < len(anchors)):
            anchors = hits
    if not anchors:
        return [(0, min(len(text), 2 * reach))]

    def holds(at: int) -> int:  # how many of the words stand near `at`
        lo, hi = max(0, at - reach), at + reach
        return sum(p.search(text, lo, hi) is not None for p in patterns.values())

    best = heapq.nsmallest(PLACES, anchors, key=lambda at: (-holds(at), at))
    places: list[tuple[int, int]] = []
    for at in best:
        window = window_for(text, (max(0, at - reach), at + reach), 2 * reach + WINDOW_CHARS)
        if not any(a < window.end and window.start < b for a, b in places):
            places.append((window.start, window.end))
    return places


def _word_hits(text: str, word: str, most: int) -> list[int]:
    """Where `word` (folded, as written small, Capitalised or in CAPITALS) stands as a whole
    word in `text`, sorted, at most `most` places. `str.find` scans, not a regex: a regex
    over 20 MB costs seconds."""
    hits: list[int] = []
    for form in dict.fromkeys((word, word.capitalize(), word.upper())):
        at = text.find(form)
        tries = 0
        while at >= 0 and len(hits) < most and tries < 20 * most:
            tries += 1
            end = at + len(form)
            if (at == 0 or not text[at - 1].isalnum()) and (
                end == len(text) or not text[end].isalnum()
            ):
                hits.append(at)
            at = text.find(form, end)
        if len(hits) >= most:
            break
    return sorted(hits)


def tokenize_places(
    text: str, norms: Sequence[str], deadline: Deadline | None = None
) -> list[list[Token]]:
    """The tokens of `text` (offsets into all of it), whole for a passage of at most
    `LONG_PASSAGE` characters, else of each place the words `norms` cluster (`_places`)."""
    if len(text) <= LONG_PASSAGE:
        return [tokenize(text)]
    return [
        [Token(t.norm, t.start + a, t.end + a) for t in tokenize(text[a:b])]
        for a, b in _places(text, norms, deadline)
    ]


def _coarse_text(text: str, norms: Sequence[str], deadline: Deadline) -> str:
    """What the coarse score reads of a passage: all of it, or its places when it is long."""
    if len(text) <= LONG_PASSAGE:
        return text
    return " … ".join(text[a:b] for a, b in _places(text, norms, deadline))


async def _texts(store: Store, seqs: Sequence[int], known: dict[int, str]) -> dict[int, str]:
    """The text of each passage, without building `Passage` objects for ones we discard;
    `known` holds the texts already read by this lookup and gains the new ones."""
    missing = [seq for seq in seqs if seq not in known]
    if missing:
        marks = ", ".join("?" * len(missing))
        sql = f"SELECT seq, text FROM passages WHERE seq IN ({marks})"
        known.update(store.db.execute(sql, missing).fetchall())
    return known


async def _score_coarse(
    store: Store,
    asked: str,
    asked_norms: Sequence[str],
    seqs: Sequence[int],
    texts: dict[int, str],
    coarse: dict[int, float],
    deadline: Deadline,
) -> float:
    """The coarse score (`partial_ratio`) of each passage not scored yet by this lookup, into
    `coarse`; the best of `seqs`. When `deadline` is spent the rest stay unscored (at least
    one is scored)."""
    await _texts(store, [seq for seq in seqs if seq not in coarse], texts)
    scored = False
    for seq in seqs:
        if seq not in coarse:
            if scored and deadline.spent():
                break
            read = _coarse_text(texts.get(seq, ""), asked_norms, deadline)
            coarse[seq] = fuzz.partial_ratio(asked, default_process(read))
            scored = True
    return max((coarse.get(seq, UNSCORED) for seq in seqs), default=0.0)


async def _refine(
    store: Store,
    asked: str,
    asked_norms: Sequence[str],
    ranked: Sequence[tuple[float, int]],
    refined: int,
    spans: dict[int, Found | None],
    texts: dict[int, str],
    coarse: dict[int, float],
    deadline: Deadline,
) -> list[Found]:
    """The best span of each of the candidates that look closest on a coarse score
    (`coarse`: the scores of the passages this lookup has scored, gains the new ones); when
    `deadline` is spent, of those worked out so far (at least one span found)."""
    seqs = [seq for _, seq in ranked]
    await _score_coarse(store, asked, asked_norms, seqs, texts, coarse, deadline)
    order = heapq.nsmallest(
        refined, range(len(seqs)), key=lambda i: (-coarse.get(seqs[i], UNSCORED), i)
    )
    order = [i for i in order if seqs[i] in coarse]
    passages = await store.by_seqs([seqs[i] for i in order if seqs[i] not in spans])
    found: list[Found] = []
    for rank in order:
        seq = seqs[rank]
        if seq not in spans and found and deadline.spent():
            break
        if seq not in spans:  # else found by the first search of this lookup
            spans[seq] = (
                _span_in(passages[seq], asked, asked_norms, deadline) if seq in passages else None
            )
        known = spans[seq]
        if known is not None:
            found.append(dataclasses.replace(known, rank=rank))
    return found


def _span_in(
    passage: Passage, asked: str, asked_norms: Sequence[str], deadline: Deadline
) -> Found | None:
    """The passage's best span: its score, whether it is verbatim, and its words (of a long
    passage, only the place holding that span)."""
    best: tuple[Span, list[Token]] | None = None
    for tokens in tokenize_places(passage.text, asked_norms, deadline):
        if tokens:
            span = best_span(asked, [t.norm for t in tokens])
            if best is None or span.score > best[0].score:
                best = (span, tokens)
    if best is None:
        return None
    span, tokens = best
    window = tokens[span.first : span.last + 1]
    exact = [t.norm for t in window] == asked_norms
    score = 100.0 if exact else round(span.score, 1)
    return Found(score, exact, -1, passage, window, tokens, span.first)


def known_speakers(store: Store) -> tuple[str, ...]:
    """Every speaker of the index (sources' and quote spans'), worked out once per index."""
    speakers = store.memo.get(SPEAKERS_MEMO)
    if speakers is None:
        every = {s for info in store.infos for s in (info.speaker, *info.speakers)}
        speakers = tuple(sorted(every))
        store.memo[SPEAKERS_MEMO] = speakers
    return speakers  # type: ignore[no-any-return]


def _names(store: Store, speakers: Sequence[str]) -> frozenset[str]:
    """Folded words of the speakers' names (a swap of one is a name change), once per index."""
    names = store.memo.get(NAMES_MEMO)
    if names is None:
        names = frozenset(fold(w) for s in speakers for w in s.split() if len(w) > 1)
        store.memo[NAMES_MEMO] = names
    return names  # type: ignore[no-any-return]


def _swapped_capitals(check: Verification) -> frozenset[str]:
    """Capitalised words swapped one for another (`Trump thinks` for `Putin thinks` at a
    sentence's start, where capitals alone do not mark a name): both read as names."""
    found: set[str] = set()
    for op in check.diff:
        if op.op != "replace" or " " in op.asked.strip() or " " in op.source.strip():
            continue
        pair = (op.asked.strip(), op.source.strip())
        if all(w[:1].isupper() and fold(w) not in _FUNCTION_WORDS for w in pair):
            found.update(fold(w) for w in pair)
    return frozenset(found)


async def _neighbours(
    store: Store,
    found: Sequence[Found],
    norms: Sequence[str],
    deadline: Deadline,
    reach: int = NEIGHBOURS,
) -> list[Found]:
    """The passages next (by seq, `reach` either side) to the candidates, for quotes across
    passages (of a long one, the place holding the most of the words `norms`)."""
    have = {f.passage.seq for f in found}
    near = sorted({f.passage.seq + d for f in found for d in range(-reach, reach + 1)} - have)
    near = [seq for seq in near if 0 <= seq < store.count]
    passages = await store.by_seqs(near)
    out = []
    for seq in near:
        p = passages.get(seq)
        if p is not None and p.kind != "quote":
            tokens = tokenize_places(p.text, norms, deadline)[0]
            if tokens:
                out.append(Found(0.0, False, -1, p, tokens, tokens))
    return out


async def _clause_candidates(
    store: Store, clauses: Sequence[str], have: Sequence[Found], deadline: Deadline
) -> list[Found]:
    """The best few passages of each clause by its own rarest words (cheap postings only):
    a spliced quote's second part need not share the first part's rare words. Only on the
    uncommon path, for the clauses the best candidate lacks."""
    seen = {f.passage.seq for f in have}
    out: list[Found] = []
    for clause in clauses:
        if deadline.spent():
            break
        norms = [t.norm for t in tokenize(clause)]
        if len(norms) < 3:
            continue
        query, _ = _candidate_query(store, norms, QUICK_POSTINGS)
        if query is None:
            continue
        seqs = [seq for _, seq in search_seqs(store, query, CLAUSE_CANDIDATES) if seq not in seen]
        passages = await store.by_seqs(seqs)
        for seq in seqs:
            p = passages.get(seq)
            if p is not None and p.kind != "quote":
                seen.add(seq)
                tokens = tokenize_places(p.text, norms, deadline)[0]
                out.append(Found(0.0, False, -1, p, tokens, tokens))
    return out


def _hit(located_passage: Passage, start: int, end: int, score: float) -> Hit:
    base = located_passage.start
    return Hit(located_passage, score, base + start, base + end)


def _result(
    text: str, check: Verification, hits: Sequence[Hit], limit: int, partial: bool
) -> QuoteResult:
    """The lookup's answer from a verification: its places first, then other close hits
    (`partial`: the time budget ran out before every candidate was checked)."""
    changes = tuple(QuoteChange(c.kind, c.query, c.source) for c in check.changes)
    parts = tuple(QuotePart(p.query_start, p.query_end, p.result) for p in check.parts)
    if check.verdict == "not_found":
        return QuoteResult(
            text,
            "not_found",
            tuple(hits[:limit]),
            claimed_speaker=check.claimed_speaker,
            partial=partial,
        )
    shown = [_hit(r.passage, r.start, r.end, r.score) for r in check.results]
    if len(shown) == 1:
        first = shown[0]
        shown += [
            h
            for h in hits
            if (h.passage.source, h.match_start, h.match_end)
            != (first.passage.source, first.match_start, first.match_end)
            and h.passage.id != first.passage.id
        ]
    return QuoteResult(
        text,
        check.verdict,
        tuple(shown[: max(limit, len(check.results))]),
        check.diff,
        changes,
        parts,
        check.claimed_speaker,
        check.attribution,
        check.skipped,
        partial,
    )


FILTER_KEY_RE = re.compile(
    r"(?:^|\s)(?:by|speaker|in|source|since|from|after|until|till|before|date|on):\S"
)


def quote_filters(
    store: Store, text: str, today: dt.date | None, date_order: DateOrder
) -> tuple[str, Filters]:
    """The words to look for and the filters (`by:`, `since:`, `until:`, `in:`…) typed with
    them; the text unchanged without filters (a quote's own words are never read as one)."""
    if not FILTER_KEY_RE.search(text):
        return text, Filters()
    parsed = parse_search_query(text, today=today, date_order=date_order)
    if isinstance(parsed, SyntaxProblem) or not parsed.has_filters:
        return text, Filters()
    return parsed.residual, resolve_filters(store, parsed)


def _too_few(store: Store, norms: Sequence[str], minimum: int) -> bool:
    """Fewer words than `minimum`, or only stop words of the corpus's languages."""
    return len(norms) < minimum or is_stop_query(norms, corpus_languages(store.infos))


def _claim_of(store: Store, text: str, speakers: Sequence[str]) -> Claim | None:
    """The claimed speaker of `text` (`X said …`), when its quote words are enough to check:
    `Zelensky said so` claims nothing (the whole text is the quote)."""
    claim = parse_claim(text, known=speakers)
    if claim is None:
        return None
    norms = [t.norm for t in tokenize(text[claim.start : claim.end])]
    return None if _too_few(store, norms, MIN_CLAIMED_WORDS) else claim


def _with_reported(result: QuoteResult, speakers: Sequence[str]) -> QuoteResult:
    """The result with `reported_speaker` when narration (not a quotation) holds the words
    and says in the same sentence that another known speaker said them."""
    if result.verdict == "not_found" or not result.hits:
        return result
    hit = result.hits[0]
    if hit.passage.kind not in ("paragraph", "post") or hit.match_start is None:
        return result
    at = hit.match_start - hit.passage.start
    reported = reported_by(hit.passage.text[:at], speakers) if at > 0 else None
    if reported is None or reported == hit.passage.speaker:
        return result
    return dataclasses.replace(result, reported_speaker=reported)


def _source_says_before(hit: Hit, text: str, claim: Claim) -> bool:
    """True when the words before the claim's quote (`President Trump told me`) stand in the
    source right before the matched span."""
    if hit.match_start is None:
        return False
    before = words(text[: claim.start])
    at = hit.match_start - hit.passage.start
    if not before or at < 0:
        return False
    said = words(hit.passage.text[max(0, at - 40 * len(before)) : at])
    return said[-len(before) :] == before


async def find_quote(
    store: Store,
    text: str,
    limit: int,
    threshold: float,
    *,
    today: dt.date | None = None,
    date_order: DateOrder = "dmy",
    deadline: Deadline | None = None,
    words_only: bool = False,
    speaker: str | None = None,
    filters_typed: Sequence[str] = (),
    read_claim: bool = True,
) -> QuoteResult:
    """The passages holding the span closest to `text`, best first, with a verdict. Filters
    typed with the words narrow the candidates inside the search (`by:Rutte since:Aug`).
    When `deadline` is spent the answer is about the candidates checked so far, flagged
    `partial`; `LookupTimeout` when none was. `words_only`: `text` is the quote words and
    nothing else (a question read them out of its words): no filter or claimed speaker is
    read from it; `speaker` is then the one claimed (checked against the source as a
    `Zelensky said …` would be), `filters_typed` the filters that narrow it (`date:June`).
    A `X told me …` read as a claim is read again as plain words (`read_claim=False`) when the
    source says `X told me` right before the quote: the user quoted the whole sentence."""
    deadline = deadline or Deadline()
    asked_text = text

    async def finish(result: QuoteResult) -> QuoteResult:
        """The whole sentence read again as plain words, or `result` with whom narration
        reports as saying its words."""
        if (
            claim is not None
            and not words_only
            and result.hits
            and _source_says_before(result.hits[0], text, claim)
        ):
            return await find_quote(
                store, asked_text, limit, threshold, today=today, date_order=date_order,
                deadline=deadline, read_claim=False,
            )  # fmt: skip
        return _with_reported(result, speakers)

    speakers = known_speakers(store)
    if words_only:
        filters = Filters()
        if filters_typed:
            filters = quote_filters(store, " ".join(filters_typed), today, date_order)[1]
        claim = Claim(speaker, 0, len(text)) if speaker else None
    else:
        text, filters = quote_filters(store, text, today, date_order)
        claim = _claim_of(store, text, speakers) if read_claim else None
    words = text[claim.start : claim.end] if claim else text
    claimed = resolve_claim(claim.name, speakers, None)[0] if claim else None
    query_tokens = tokenize(text)
    lo, hi = (claim.start, claim.end) if claim else (0, len(text))
    asked_tokens = [t for t in query_tokens if t.start >= lo and t.end <= hi]
    asked_norms = [t.norm for t in asked_tokens]
    if not asked_tokens or limit <= 0:
        return QuoteResult(text, "not_found", (), claimed_speaker=claimed)
    if _too_few(store, asked_norms, MIN_QUOTE_WORDS):
        raise QueryError(TOO_SHORT_TEXT, QUOTE_TOO_SHORT)
    asked = " ".join(asked_norms)
    found: list[Found] = []
    searched: tuple[str, ...] | None = None
    spans: dict[int, Found | None] = {}
    texts: dict[int, str] = {}
    coarse: dict[int, float] = {}
    # First the few rarest words (cheap); when that finds no clearly good span, all six.
    for budget in (QUICK_POSTINGS, None):
        query, terms = _candidate_query(store, asked_norms, budget)
        if terms == searched:
            break  # the full search would ask the same
        searched = terms
        if query is not None:
            query = with_filters(query, filters)
        ranked = search_seqs(store, query, CANDIDATES) if query is not None else []
        refined = min(limit, MAX_REFINED)
        if (
            ranked
            and budget is not None
            and await _score_coarse(
                store, asked, asked_norms, [seq for _, seq in ranked], texts, coarse, deadline
            )
            < HOPELESS_COARSE
            and _candidate_query(store, asked_norms)[1] != terms
        ):
            found = []  # no span here can reach QUICK_SCORE: straight to the full search
            continue
        found = (
            await _refine(
                store, asked, asked_norms, ranked, refined, spans, texts, coarse, deadline
            )
            if ranked
            else []
        )
        if found and max(f.score for f in found) >= max(threshold, QUICK_SCORE):
            break
        if found and deadline.spent():
            break  # no time for the full search: the answer is about these candidates
    if not found:
        if deadline.cut:  # nothing checked in time: no answer is honest
            raise LookupTimeout(deadline.seconds or 0.0)
        return QuoteResult(text, "not_found", (), claimed_speaker=claimed)
    found.sort(key=lambda f: (-f.score, not f.exact, f.passage.kind != "quote", f.rank))
    hits: list[Hit] = []
    shown: set[tuple[str, int, int]] = set()  # the same words of another source are not these
    for f in found:
        start, end = f.passage.start + f.window[0].start, f.passage.start + f.window[-1].end
        if (f.passage.source, start, end) in shown:
            continue  # the parent paragraph of a quote already shown
        shown.add((f.passage.source, start, end))
        hits.append(Hit(f.passage, f.score, start, end))
    top = found[0]
    gapped = len(split_ellipsis(words)) > 1
    if top.exact and not gapped:  # the common case: the words stand as asked
        claimed, attribution = (
            resolve_claim(claim.name, speakers, top.passage.speaker) if claim else (None, None)
        )
        verbatim = QuoteResult(
            text,
            "verbatim",
            tuple(hits[:limit]),
            claimed_speaker=claimed,
            attribution=attribution,
            partial=deadline.cut,
        )
        return await finish(verbatim)
    names = _names(store, speakers)
    # only the words around the span found (the verifier reads no more of a long passage)
    pad = 3
    around = top.tokens[max(0, top.first - pad) : top.first + len(top.window) + pad]
    if gapped:
        around = top.tokens
    check = verify_quote(
        text, [top.passage], threshold=threshold, known_speakers=speakers, names=names,
        tokens=[around], claim=claim, query_tokens=query_tokens, deadline=deadline,
    )  # fmt: skip
    if check.verdict == "not_found" and len(around) < len(top.tokens):
        check = verify_quote(
            text, [top.passage], threshold=threshold, known_speakers=speakers, names=names,
            tokens=[top.tokens], claim=claim, query_tokens=query_tokens, deadline=deadline,
        )  # fmt: skip
        around = top.tokens
    # a word swapped at a sentence's start may be a name (`Trump thinks` for `Putin thinks`)
    reread = check.verdict == "close" or (
        check.verdict == "altered" and any(c.kind == "word" for c in check.changes)
    )
    if reread and (swapped := _swapped_capitals(check)):
        check = verify_quote(
            text, [top.passage], threshold=threshold, known_speakers=speakers,
            names=names | swapped, tokens=[around], claim=claim, query_tokens=query_tokens,
            deadline=deadline,
        )  # fmt: skip
    wide = check.verdict == "not_found" and not filters.any and not deadline.spent()
    if wide and not gapped:  # a clause the best candidate lacks may stand in another passage
        clauses = [
            text[a:b]
            for a, b in missing_clauses(
                text, top.passage, tokens=top.tokens, claim=claim, query_tokens=query_tokens
            )
        ]
        wide = bool(clauses)
    elif wide:
        clauses = CLAUSE_MARKS.split(words)
    if wide and top.passage.kind != "quote":
        # across consecutive passages: the best candidate and the passages either side of it
        # (no search); a spliced verdict there is checked against the clauses' own places
        pool = [top, *await _neighbours(store, [top], asked_norms, deadline, 1)]
        adjacent = verify_quote(
            text, [f.passage for f in pool], threshold=threshold, known_speakers=speakers,
            names=names, tokens=[f.tokens for f in pool], deadline=deadline, claim=claim,
            query_tokens=query_tokens,
        )  # fmt: skip
        if adjacent.verdict not in ("not_found", "spliced"):
            check, wide = adjacent, False
    if wide and deadline.spent():
        wide = False  # no time for the clause searches: the answer is about the best candidate
    if wide:
        # across passages or spliced: the candidates at hand and each missing clause's best
        # few (by its rarest words); the neighbours by seq only when that places nothing
        near = [f for f in found[:WIDE_CANDIDATES] if f.passage.kind != "quote"]
        near += await _clause_candidates(store, clauses, near, deadline)
        check = verify_quote(
            text, [f.passage for f in near], threshold=threshold, known_speakers=speakers,
            names=names, tokens=[f.tokens for f in near], deadline=deadline, claim=claim,
            query_tokens=query_tokens,
        )  # fmt: skip
        if check.verdict == "not_found" and not deadline.spent():
            pool = near + await _neighbours(store, near[:2], asked_norms, deadline)
            check = verify_quote(
                text, [f.passage for f in pool], threshold=threshold, known_speakers=speakers,
                names=names, tokens=[f.tokens for f in pool], deadline=deadline, claim=claim,
                query_tokens=query_tokens,
            )  # fmt: skip
    return await finish(_result(text, check, hits, limit, deadline.cut))
