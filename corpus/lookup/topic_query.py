"""What a topic search asks tantivy: the words (with the owner's synonyms and compounds
written apart or together), `"phrases"`, `-exclusions`, `a OR b` and the filters.

`plan_topic` reads the query (`corpus.query_syntax`) and returns a `TopicPlan`: the required
words as `Term`s (ranked by `topic._all_words`), the extra MUST clauses (phrases, OR groups,
compounds), the MUST NOT clauses, the filters, and every term to highlight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import simplemma
import tantivy

from corpus.compounds import propose_compounds
from corpus.errors import TOO_COMMON, QueryError
from corpus.lookup.date_query import DateOrder
from corpus.lookup.filters import Filters, resolve_filters
from corpus.lookup.terms import Term, topic_terms
from corpus.normalize import WORD_RE, fold, index_terms, term, words
from corpus.query_syntax import ParsedQuery, SearchTerm, SyntaxProblem, parse_search_query
from corpus.store import TERMS_FIELD, Store, corpus_languages

Synonyms = Sequence[Sequence[str]]

TOO_COMMON_TEXT = (
    "Those words are too common to search for on their own (like “the” or “and”): they would "
    "match nearly every passage. Add a word that says what the passages are about."
)


VOCABULARY_LIMIT = 2_000_000


def vocabulary(store: Store) -> dict[str, int]:
    """The index's commonest terms with their document counts, read once per index (one
    walk of the term dictionary; 20 ms for 13k terms at 1M passages), so checking the
    hundreds of one-edit neighbours of a misspelt word costs a dict lookup each."""
    found: dict[str, int] | None = store.memo.get("vocabulary")
    if found is None:
        terms = store.searcher.terms_with_prefix(TERMS_FIELD, "", limit=VOCABULARY_LIMIT)
        found = store.memo["vocabulary"] = dict(terms)
    return found


@dataclass(frozen=True, slots=True)
class TopicPlan:
    parsed: ParsedQuery
    terms: list[Term]  # the required words (each MUST match, within its edits)
    musts: list[tantivy.Query] = field(default_factory=list)  # phrases, OR groups, compounds
    nots: list[tantivy.Query] = field(default_factory=list)  # exclusions
    filters: Filters = field(default_factory=Filters)
    marks: list[Term] = field(default_factory=list)  # every term to highlight

    @property
    def plain(self) -> bool:
        """Only words: the ranking with its some-words fallback applies."""
        return not (self.musts or self.nots or self.filters.any)

    @property
    def empty(self) -> bool:
        return not (self.terms or self.musts)


def parse_query(text: str, today: dt.date | None, date_order: DateOrder) -> ParsedQuery:
    parsed = parse_search_query(text, today=today, date_order=date_order)
    if isinstance(parsed, SyntaxProblem):
        raise QueryError(parsed.message)
    return parsed


def is_dictionary_word(word: str, langs: Sequence[str | None]) -> bool:
    """Whether a folded word is a known word of one of the corpus languages (simplemma's
    lists): such a word the index lacks is no typo, and is not mended into a neighbour."""
    for lang in langs:
        if lang in ("en", "uk", "ru", "de", "fr", "es", "it", "pl") and simplemma.is_known(
            word, lang=lang
        ):
            return True
    return False


def proper_names(text: str) -> frozenset[str]:
    """The folded words typed with a capital (names: never fuzzed into common words)."""
    return frozenset(fold(w) for w in WORD_RE.findall(text) if w[:1].isupper())


def with_synonyms(terms: list[Term], groups: Synonyms, langs: Sequence[str | None]) -> list[Term]:
    """Each term whose word is in an owner's synonym group also matches the group's other
    words (their terms join its own, matched exactly)."""
    if not groups:
        return terms
    found: list[Term] = []
    for t in terms:
        extra: list[str] = []
        for group in groups:
            folded = [fold(w) for w in group]
            stems = {s for w in folded for s in (term(w, lang) for lang in langs)}
            if t.word in folded or set(t.stems) & stems:
                for w in folded:
                    for lang in langs:
                        s = term(w, lang)
                        if s and s not in t.stems and s not in extra:
                            extra.append(s)
        if extra:
            t = Term(t.word, t.stems + tuple(extra), t.exact | frozenset(extra))
        found.append(t)
    return found


def phrase_query(store: Store, text: str) -> tantivy.Query | None:
    """Its words adjacent and in order, in any of the corpus's languages."""
    alternatives: list[tantivy.Query] = []
    for lang in corpus_languages(store.infos):
        stems = index_terms(text, lang).split()
        if not stems:
            continue
        if len(stems) == 1:
            alternatives.append(tantivy.Query.term_query(store.schema, TERMS_FIELD, stems[0]))
        else:
            alternatives.append(
                tantivy.Query.phrase_query(
                    store.schema, TERMS_FIELD, list[str | tuple[int, str]](stems)
                )
            )
    if not alternatives:
        return None
    if len(alternatives) == 1:
        return alternatives[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in alternatives])


def exact_query(store: Store, t: Term) -> tantivy.Query:
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Should, tantivy.Query.term_query(store.schema, TERMS_FIELD, s))
            for s in t.stems
        ]
    )


def search_term_query(store: Store, st: SearchTerm, langs: Sequence[str | None]) -> tantivy.Query:
    if st.phrase:
        return phrase_query(store, st.text) or tantivy.Query.empty_query()
    found = topic_terms(st.text, langs)
    if not found:
        return tantivy.Query.empty_query()
    return exact_query(store, found[0])


def plan_topic(
    store: Store,
    text: str,
    terms_of: Callable[[Store, str, str], list[Term]],
    *,
    synonyms: Synonyms = (),
    today: dt.date | None = None,
    date_order: DateOrder = "dmy",
) -> TopicPlan:
    """Read `text` as a search and plan its tantivy clauses (`terms_of`: the topic module's
    word analysis, `query_terms_of`)."""
    parsed = parse_query(text, today, date_order)
    langs = corpus_languages(store.infos)
    filters = resolve_filters(store, parsed)
    musts: list[tantivy.Query] = []
    marks: list[Term] = []
    required_words = list(parsed.words)
    # compounds written apart or together: `cease fire` <-> `ceasefire`, no configuration
    vocab_known = _known(store, langs)
    for variant in propose_compounds(required_words, vocab_known):
        apart = " ".join(required_words[variant.start : variant.end])
        together = " ".join(variant.words)
        a = phrase_query(store, apart)
        b = phrase_query(store, together)
        if a is None or b is None:
            continue
        musts.append(
            tantivy.Query.boolean_query([(tantivy.Occur.Should, a), (tantivy.Occur.Should, b)])
        )
        marks += topic_terms(apart, langs) + topic_terms(together, langs)
        required_words[variant.start : variant.end] = [""] * (variant.end - variant.start)
        break  # one compound per query is plenty
    rest = " ".join(w for w in required_words if w)
    terms: list[Term] = terms_of(store, rest, text) if rest else []
    terms = with_synonyms(terms, synonyms, langs)
    marks = terms + marks
    for phrase in parsed.phrases:
        q = phrase_query(store, phrase)
        if q is not None:
            musts.append(q)
            marks += topic_terms(phrase, langs)
    for group in parsed.any_of:
        musts.append(
            tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, search_term_query(store, st, langs)) for st in group]
            )
        )
        for st in group:
            marks += with_synonyms(topic_terms(st.text, langs), synonyms, langs)
    nots = [search_term_query(store, st, langs) for st in parsed.excluded]
    if not (terms or musts or parsed.phrases or parsed.any_of or filters.any) and words(rest):
        raise QueryError(TOO_COMMON_TEXT, TOO_COMMON)
    return TopicPlan(parsed, terms, musts, nots, filters, marks)


def _known(store: Store, langs: Sequence[str | None]) -> Callable[[str], bool]:
    known = vocabulary(store)

    def check(word: str) -> bool:
        return any(term(fold(word), lang) in known for lang in langs)

    return check
