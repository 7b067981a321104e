"""Topic lookup: typo-, stem- and variant-tolerant word search ranked by BM25 (tantivy).

Each query word (stop words dropped; a query of only stop words is refused as too common) is
analysed in every language of the corpus; its terms become fuzzy terms (edit distance 1, a
transposition costs one; exact for terms of 3 letters or fewer and for numbers) one of which
MUST match, plus the exact terms as SHOULDs so exact spellings rank first. When no passage
holds every word, the passages holding most of them follow, ranked lower. Scores: all words
found 50..100 by BM25 relative to the best; k of n words found in the band 50(k-1)/n .. 50k/n.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping, Sequence

import tantivy

from corpus.budget import Deadline
from corpus.errors import TOO_COMMON, QueryError
from corpus.lookup.date_query import DateOrder
from corpus.lookup.filters import with_filters
from corpus.lookup.highlight import mark_text
from corpus.lookup.terms import (
    SHORT,
    Matcher,
    Term,
    indexed_form,
    is_plain,
    letter_neighbours,
    near,
    settle_short,
    topic_terms,
)
from corpus.lookup.topic_query import (
    TOO_COMMON_TEXT,
    VOCABULARY_LIMIT,
    Synonyms,
    TopicPlan,
    is_dictionary_word,
    plan_topic,
    proper_names,
    vocabulary,
)
from corpus.model import Hit, TopicResult
from corpus.normalize import WORD_RE, terms_batch, words
from corpus.normalize import term as term_of
from corpus.store import (
    PASSAGE_SELECT,
    ROW_SOURCE,
    ROW_START,
    ROW_TEXT,
    TERMS_FIELD,
    YMD_FIELD,
    Store,
    corpus_languages,
    distinct_total,
    fast_values,
    passage_from_row,
    search_page,
    search_parents,
    search_seqs,
    source_languages,
)

FALLBACK_POOL = 100
FIX_POOL = 30
FIXES_PER_TERM = 3


def stem_query(schema: tantivy.Schema, stem: str, distance: int, *, fuzzy: bool) -> tantivy.Query:
    if fuzzy and distance:
        return tantivy.Query.fuzzy_term_query(schema, TERMS_FIELD, stem, distance, True)
    return tantivy.Query.term_query(schema, TERMS_FIELD, stem)


def term_query(schema: tantivy.Schema, term: Term, *, fuzzy: bool) -> tantivy.Query:
    """A query word: any of its terms (one per language of the corpus)."""
    if len(term.stems) == 1:
        return stem_query(schema, term.stem, term.distance, fuzzy=fuzzy)
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Should, stem_query(schema, s, term.distance_of(s), fuzzy=fuzzy))
            for s in term.stems
        ]
    )


def _clauses(
    store: Store, terms: Sequence[Term], occur: tantivy.Occur, fixes: Sequence[str] = ()
) -> tantivy.Query:
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for term in terms:
        clauses.append((occur, term_query(store.schema, term, fuzzy=True)))
        if term.distance:
            exact = term_query(store.schema, term, fuzzy=False)
            clauses.append((tantivy.Occur.Should, exact))
    for fix in fixes:
        fixed = tantivy.Query.term_query(store.schema, TERMS_FIELD, fix)
        clauses.append((tantivy.Occur.Should, fixed))
    return tantivy.Query.boolean_query(clauses)


def _all_words(store: Store, terms: Sequence[Term], fixes: Sequence[str]) -> tantivy.Query:
    """Every word MUST match (within one edit); the words themselves and their spelling
    fixes rank by BM25. Where the index's vocabulary is known and plain, a word's one-edit
    spellings are listed from it: those that rank as term queries, the rest with a constant
    0, so each posting list is read once (a fuzzy query and the ranking terms beside it read
    them twice). The same passages match, in the same order (each scores a constant less)."""
    listed = [(term, _spellings(store, term)) for term in terms]
    fuzzy = [term for term, spellings in listed if spellings is None]
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
    rest: list[str] = list(fixes)  # each fix ranks once, with the first word it spells
    for term, spellings in listed:
        if spellings is None:
            continue
        own = [fix for fix in rest if fix in spellings]
        rest = [fix for fix in rest if fix not in own]
        # A word's own terms and its fixes rank; a fix that is also a term ranks twice, as
        # the exact term and the fix do beside a fuzzy query.
        ranked = [s for s in term.stems if s in spellings] + own
        inner = [
            (tantivy.Occur.Should, tantivy.Query.term_query(store.schema, TERMS_FIELD, spelling))
            for spelling in ranked
        ]
        inner += [
            (
                tantivy.Occur.Should,
                tantivy.Query.const_score_query(
                    tantivy.Query.term_query(store.schema, TERMS_FIELD, spelling), 0.0
                ),
            )
            for spelling in sorted(spellings.difference(ranked))
        ]
        query = tantivy.Query.boolean_query(inner) if inner else tantivy.Query.empty_query()
        clauses.append((tantivy.Occur.Must, query))
    if fuzzy:
        clauses.append((tantivy.Occur.Must, _clauses(store, fuzzy, tantivy.Occur.Must, rest)))
    return tantivy.Query.boolean_query(clauses)


def _spellings(store: Store, term: Term) -> set[str] | None:
    """The indexed spellings within the term's edit distance (the term itself included),
    or None when they cannot be listed from the vocabulary (the fuzzy query then decides)."""
    if not term.distance:
        return set(term.stems)
    if not all(map(is_plain, term.stems)) or not vocabulary_is_plain(store):
        return None
    known = vocabulary(store)
    found: set[str] = set()
    for stem in term.stems:
        found |= {n for n in near(stem) if n in known} if term.distance_of(stem) else {stem}
    return found


def vocabulary_is_plain(store: Store) -> bool:
    """Whether `vocabulary` holds every indexed term and each is made of `ALPHABET` only,
    so that the one-edit `neighbours` of a plain word found in it are all its indexed
    spellings within one edit (worked out once per index)."""
    found: bool | None = store.memo.get("vocabulary_is_plain")
    if found is None:
        known = vocabulary(store)
        found = len(known) < VOCABULARY_LIMIT and all(map(is_plain, known))
        store.memo["vocabulary_is_plain"] = found
    return found


async def spelling_fixes(
    store: Store, terms: Sequence[Term], deadline: Deadline | None = None
) -> list[str]:
    """Indexed spellings of query words the index lacks, so BM25 can rank fuzzy matches:
    for an ASCII word its commonest indexed neighbours (one edit away; a dictionary lookup
    each), otherwise the commonest matching words of the passages the fuzzy query finds
    (those read before `deadline` is spent)."""
    deadline = deadline or Deadline()
    fixes: list[str] = []
    languages = source_languages(store.infos)
    for term in terms:
        if not term.distance or any(
            store.searcher.doc_freq(TERMS_FIELD, s) > 0 for s in term.stems
        ):
            continue
        if all(s.isascii() for s in term.stems):
            known = vocabulary(store)
            near_all = set().union(*(near(s) for s in term.stems if term.distance_of(s)))
            freq = {n: known[n] for n in near_all if n in known}  # not the stems themselves
            ranked_fixes = sorted(freq, key=lambda n: (-freq[n], n))
            fixes += ranked_fixes[:FIXES_PER_TERM]
            continue
        ranked = search_seqs(store, term_query(store.schema, term, fuzzy=True), FIX_POOL)
        passages = await store.by_seqs([seq for _, seq in ranked])
        matcher = Matcher([term])
        seen: Counter[str] = Counter()
        for p in passages.values():
            if deadline.spent():
                break
            lang = languages.get(p.source, "en")
            found = {matcher.indexed(raw, lang) for raw in set(WORD_RE.findall(p.text))}
            found.discard(None)
            seen.update(found)  # type: ignore[arg-type]
        fixes += [fix for fix, _ in seen.most_common(FIXES_PER_TERM)]
    return fixes


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """A quote and its parent both hit: keep the quote only when it holds every matched word."""
    by_id = {h.passage.id: h for h in hits}
    dropped: set[str] = set()
    for hit in hits:
        parent = by_id.get(hit.passage.parent_id or "")
        if hit.passage.kind != "quote" or parent is None:
            continue
        if set(hit.matched_terms) >= set(parent.matched_terms):
            dropped.add(parent.passage.id)
        else:
            dropped.add(hit.passage.id)
    return [h for h in hits if h.passage.id not in dropped]


def query_terms_of(store: Store, text: str, typed: str | None = None) -> list[Term]:
    """The terms of a topic query over this index: analysed in each of its languages, short
    stems it holds exact (the lookup and the later highlighting of its hits agree).

    No false friends: a word the index holds as typed, a dictionary word, or a name typed
    with a capital matches itself only, never its one-edit neighbours (`Shahed` is not
    `shared`, `factory` not `factor`); only other words are mended or fuzzed (`typed`: the
    query as typed, for its capitals; default `text`)."""
    langs = corpus_languages(store.infos)
    terms = settle_short(
        topic_terms(text, langs), lambda s: store.searcher.doc_freq(TERMS_FIELD, s) > 0
    )
    names = proper_names(typed if typed is not None else text)
    settled = []
    for t in terms:
        held = any(store.searcher.doc_freq(TERMS_FIELD, s) > 0 for s in t.stems)
        if t.distance and (held or t.word in names or is_dictionary_word(t.word, langs)):
            own = t.stems + inflections(store, t, langs)
            t = Term(t.word, own, frozenset(own))
        settled.append(t)
    return [correct_typo(store, term, langs) for term in settled]


def inflections(store: Store, term: Term, langs: Sequence[str | None]) -> tuple[str, ...]:
    """The indexed one-edit neighbours of a word that are forms of the same word, not other
    words: those whose analysis in a corpus language (or English, for a source matched as
    written) is one of the word's own (`drones` for `drone` in a source whose language is
    unsure; never `shared` for `Shahed` nor `factor` for `factory`)."""
    known = vocabulary(store)
    analyses = (*langs, "en")
    own = {s for lang in analyses if (s := term_of(term.word, lang))} | set(term.stems)
    found: list[str] = []
    for stem in term.stems:
        if not term.distance_of(stem):
            continue
        for n in sorted(near(stem) - {stem}):
            if n in known and n not in own and any(term_of(n, lang) in own for lang in analyses):
                found.append(n)
    return tuple(dict.fromkeys(found))


def correct_typo(store: Store, term: Term, langs: Sequence[str | None]) -> Term:
    """A word the index lacks, spelt plainly (ASCII), as the commonest indexed words one edit
    from it (`amendmetns` -> `amendments`): each neighbour analysed like any word, kept when
    the index holds its term. A stemmer leaves a misspelt word's ending on (`amendmetn`), so
    a typo is mended before analysis, not after. The word unchanged when none is found (its
    fuzzy terms then decide)."""
    if not term.distance or not is_plain(term.word) or not vocabulary_is_plain(store):
        return term
    if any(store.searcher.doc_freq(TERMS_FIELD, s) > 0 for s in term.stems):
        return term
    known = vocabulary(store)
    found: dict[str, int] = {}
    spellings = sorted(letter_neighbours(term.word))
    for lang in langs:
        for stem in terms_batch(spellings, lang):
            if len(stem) >= SHORT and stem in known:
                found[stem] = known[stem]
    if not found:
        return term
    # The commonest reading, and others nearly as common: BM25 would rank a rare look-alike
    # (`dron` for `dronse`) above the word meant, so rare readings are left out.
    ranked = sorted(found, key=lambda s: (-found[s], s))
    best = found[ranked[0]]
    fixes = tuple(s for s in ranked[:FIXES_PER_TERM] if 2 * found[s] >= best)
    return Term(term.word, fixes, frozenset(fixes))


async def find_topic(
    store: Store,
    text: str,
    limit: int,
    *,
    marked: int | None = None,
    synonyms: Synonyms = (),
    today: dt.date | None = None,
    date_order: DateOrder = "dmy",
    deadline: Deadline | None = None,
) -> TopicResult:
    """Passages about the words of `text`, most relevant first, with how many match in all.
    `text` may hold `"phrases"`, `-exclusions`, `a OR b` and filters (`by:`, `in:`,
    `since:`…; `corpus.query_syntax`). Only the first `marked` hits (all when None) get their
    matched words marked; `mark_hits` marks the others when they are shown. When `deadline`
    is spent, hits left unmarked are marked when shown, and the fallback (no passage holds
    every word) keeps what it ranked so far, flagged `partial`."""
    deadline = deadline or Deadline()
    plan = plan_topic(
        store, text, query_terms_of, synonyms=synonyms, today=today, date_order=date_order
    )
    terms = plan.terms
    shown = tuple(t.word for t in plan.marks) or tuple(plan.parsed.words)
    said = plan.filters.said
    if plan.empty and not plan.filters.any:
        if words(text) and not plan.parsed.excluded:
            raise QueryError(TOO_COMMON_TEXT, TOO_COMMON)
        return TopicResult(text, shown, (), said=said)
    if limit <= 0 or store.count == 0:
        return TopicResult(text, shown, (), said=said)
    fixes = await spelling_fixes(store, terms, deadline) if terms else []
    query = plan_query(store, plan, fixes)
    # only filters: the passages in corpus order
    by_seq = not terms and not plan.musts
    pool = min(store.count, 2 * limit + 20)
    ranked, total = search_page(store, query, pool, by_seq=by_seq)
    marks = plan.marks
    if ranked:
        # Every hit holds every word (each is a MUST), so a quote always covers its paragraph.
        hits = await _hits(store, marks, ranked, limit, marked, 50, 50, deadline)
        # Count what the pages reach: a paragraph shown as its matching quotes counts once
        # per quote, not once more. A quote span's words and date are its paragraph's, so
        # its paragraph matches too unless a speaker filter or an exclusion tells them apart.
        # Under an exclusion a paragraph may hold the excluded word its quote lacks: there the
        # count stays tantivy's (a quote and its paragraph may both be counted).
        if not plan.nots:
            total = distinct_total(store, query, total, speaker_ids=plan.filters.speaker_ids)
        return TopicResult(text, shown, hits, total=total, said=said, partial=deadline.cut)
    if not plan.plain or len(terms) < 2:
        suggestions = await suggest(store, terms, deadline)
        return TopicResult(text, shown, (), suggestions=suggestions, said=said)
    if len(terms) == 2:
        # No passage holds both words (the MUST search found none): each hit holds one, so
        # again a quote covers its paragraph, and the hits rank by BM25 alone.
        query = _clauses(store, terms, tantivy.Occur.Should, fixes)
        ranked = search_parents(store, query, FALLBACK_POOL)
        hits = await _hits(store, terms, ranked, limit, marked, 0, 25, deadline)
        return TopicResult(text, shown, hits, total=len(hits), partial=deadline.cut)
    found = _dedupe(await _fallback(store, terms, pool, fixes, deadline))[:limit]
    suggestions = () if found else await suggest(store, terms, deadline)
    return TopicResult(
        text,
        shown,
        tuple(found),
        total=len(found),
        suggestions=suggestions,
        partial=deadline.cut,
    )


def plan_query(store: Store, plan: TopicPlan, fixes: Sequence[str]) -> tantivy.Query:
    """The one tantivy query of a planned topic search: every word, the phrases, OR groups
    and compounds as MUSTs, the exclusions as MUST NOTs, the filters beside them."""
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
    if plan.terms:
        clauses.append((tantivy.Occur.Must, _all_words(store, plan.terms, fixes)))
    clauses += [(tantivy.Occur.Must, q) for q in plan.musts]
    if not clauses:
        clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    clauses += [(tantivy.Occur.MustNot, q) for q in plan.nots]
    return with_filters(tantivy.Query.boolean_query(clauses), plan.filters)


async def topic_dates(
    store: Store,
    text: str,
    *,
    synonyms: Synonyms = (),
    today: dt.date | None = None,
    date_order: DateOrder = "dmy",
    deadline: Deadline | None = None,
) -> tuple[list[int], TopicPlan]:
    """The `ymd` value (yyyymmdd, yyyymm00 for a month, 0 undated) of every passage the topic
    search for `text` matches (the passages `find_topic` counts in its total)."""
    plan = plan_topic(
        store, text, query_terms_of, synonyms=synonyms, today=today, date_order=date_order
    )
    if plan.empty and not plan.filters.any:
        if words(text) and not plan.parsed.excluded:
            raise QueryError(TOO_COMMON_TEXT, TOO_COMMON)
        return [], plan
    if store.count == 0:
        return [], plan
    fixes = await spelling_fixes(store, plan.terms, deadline) if plan.terms else []
    return fast_values(store, plan_query(store, plan, fixes), YMD_FIELD), plan


SUGGESTIONS = 3


async def suggest(
    store: Store, terms: Sequence[Term], deadline: Deadline | None = None
) -> tuple[str, ...]:
    """For the words the index lacks, the nearest words it has (within two edits, commonest
    first), as written in a passage that holds each (those found before `deadline` is spent)."""
    deadline = deadline or Deadline()
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    known = vocabulary(store)
    found: list[str] = []
    languages = source_languages(store.infos)
    for t in terms:
        if any(store.searcher.doc_freq(TERMS_FIELD, s) > 0 for s in t.stems):
            continue
        near_ones = process.extract(
            t.stem, list(known), scorer=Levenshtein.distance, score_cutoff=2, limit=20
        )
        ranked = sorted(near_ones, key=lambda m: (m[1], -known[m[0]]))[:SUGGESTIONS]
        for stem, _, _ in ranked:
            seqs = search_seqs(store, tantivy.Query.term_query(store.schema, TERMS_FIELD, stem), 1)
            passages = await store.by_seqs([seq for _, seq in seqs])
            for p in passages.values():
                if deadline.spent():
                    break
                lang = languages.get(p.source, "en")
                for raw in WORD_RE.findall(p.text):
                    if indexed_form(raw, lang) == stem and raw.lower() not in found:
                        found.append(raw.lower())
                        break
    return tuple(found[: SUGGESTIONS * 2])


async def _rows(store: Store, seqs: Sequence[int]) -> dict[int, tuple[object, ...]]:
    """The passage rows for `seqs` in one query, as tuples (a `Passage` is built only for
    the rows kept)."""
    marks = ", ".join("?" * len(seqs))
    rows = store.db.execute(f"{PASSAGE_SELECT} WHERE seq IN ({marks})", seqs).fetchall()
    return {row[0]: row for row in rows}


async def _hits(
    store: Store,
    terms: Sequence[Term],
    ranked: Sequence[tuple[float, int, int]],
    limit: int,
    marked: int | None,
    base: float,
    span: float,
    deadline: Deadline,
) -> tuple[Hit, ...]:
    """The first `limit` of `ranked` without each paragraph one of whose quotes is also
    ranked (every hit matched the same words), scored `base` + `span` x BM25 relative to the
    best; only the first `marked` marked, and only the rows kept read."""
    if not ranked:
        return ()
    quoted = {parent for _, _, parent in ranked}  # paragraphs whose quote is also ranked
    kept = [seq for _, seq, _ in ranked if seq not in quoted][:limit]
    scores = {seq: score for score, seq, _ in ranked}
    rows = await _rows(store, kept)
    best = ranked[0][0]
    matcher = Matcher(terms)
    languages = source_languages(store.infos)
    hits: list[Hit] = []
    for seq in kept:
        row = rows.get(seq)
        if row is None:
            continue
        spans: tuple[tuple[int, int], ...] = ()
        matched: tuple[str, ...] = ()
        if (marked is None or len(hits) < marked) and not deadline.expired():
            spans, matched = _mark_row(row, terms, matcher, languages)
        rel = scores[seq] / best if best > 0 else 1.0
        score = round(base + span * rel, 1)
        hits.append(Hit(passage_from_row(row), score, None, None, spans, matched))
    return tuple(hits)


def _mark_row(
    row: Sequence[object],
    terms: Sequence[Term],
    matcher: Matcher,
    languages: Mapping[str, str | None],
) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    """`mark_text` over a raw passage row, in its source's language (before any `Passage`)."""
    return mark_text(
        str(row[ROW_TEXT]),
        int(row[ROW_START]),  # type: ignore[call-overload]
        terms,
        matcher,
        languages.get(str(row[ROW_SOURCE]), "en"),
    )


async def _fallback(
    store: Store, terms: Sequence[Term], pool: int, fixes: Sequence[str], deadline: Deadline
) -> list[Hit]:
    """Passages holding most (at least half) of the words, ranked below full matches (of
    those ranked by BM25 that were marked before `deadline` is spent)."""
    query = _clauses(store, terms, tantivy.Occur.Should, fixes)
    ranked = search_seqs(store, query, FALLBACK_POOL)
    if not ranked:
        return []
    rows = await _rows(store, [seq for _, seq in ranked])
    need = max(1, math.ceil(len(terms) / 2))
    n = len(terms)
    scored = []
    matcher = Matcher(terms)
    languages = source_languages(store.infos)
    for place, (score, seq) in enumerate(ranked):
        if place and deadline.spent():
            break
        row = rows.get(seq)
        if row is None:
            continue
        spans, matched = _mark_row(row, terms, matcher, languages)
        if len(matched) >= need:
            scored.append((len(matched), score, seq, spans, matched))
    scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
    top_by_k: dict[int, float] = {}
    for k, score, *_ in scored:
        top_by_k.setdefault(k, score or 1.0)
    hits = []
    for k, score, seq, spans, matched in scored[:pool]:
        rel = score / top_by_k[k] if top_by_k[k] > 0 else 1.0
        value = 50 * (k - 1) / n + 50 / n * rel
        passage = passage_from_row(rows[seq])  # built only for the passages kept
        hits.append(Hit(passage, round(value, 1), None, None, spans, matched))
    return hits
