"""Highlighting: the spans of a passage's words that match a topic query's terms.

The topic lookup marks the hits it shows first; `mark_hits` marks the others when a page of
them is shown (the library's `mark_topic`, used by paging).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from corpus.budget import Deadline
from corpus.lookup.terms import Matcher, Term, topic_terms
from corpus.model import Hit, Passage
from corpus.normalize import fold, written_words
from corpus.windows import WINDOW_CHARS, window_for

# A passage longer than this is marked only in the window a reply shows of it (around the
# first place a query word stands): a 20 MB one-line source is never marked whole.
LONG_TEXT = 4 * WINDOW_CHARS


def shown_window(text: str, terms: Sequence[Term]) -> tuple[int, int]:
    """The window of a long `text` a reply shows: around the first place one of the query
    words (its first letters, so `drone` finds `drones`) stands, else the head."""
    lowered = text.lower()
    places = []
    for term in terms:
        word = fold(term.word)
        found = lowered.find(word[: max(3, len(word) - 2)]) if word else -1
        if found >= 0:
            places.append(found)
    first = min(places, default=0)
    window = window_for(text, (first, first + 1), WINDOW_CHARS)
    return window.start, window.end


def mark_text(
    text: str, base: int, terms: Sequence[Term], matcher: Matcher, lang: str | None = "en"
) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    """Absolute spans of the words of `text` (at `base`, in `lang`) that match a term, and
    the terms matched. Each word is analysed in the passage's language, as it was indexed.
    A text over `LONG_TEXT` characters is marked only in the window a reply shows."""
    if len(text) > LONG_TEXT:
        start, end = shown_window(text, terms)
        return mark_text(text[start:end], base + start, terms, matcher, lang)
    spans: list[tuple[int, int]] = []
    matched: set[str] = set()
    memo, surface, find, at = matcher.surfaces_in(lang), matcher.surface, text.find, 0
    for raw in written_words(text):  # the words `tokenize` finds, without Token objects
        # Between two words lie no word characters, so the next word is the next occurrence.
        start = find(raw, at)
        at = start + len(raw)
        hit = memo.get(raw)
        if hit is None:
            hit = surface(raw, lang)
        if hit:
            spans.append((base + start, base + at))
            matched.update(hit)
    return tuple(spans), tuple(t.word for t in terms if t.word in matched)


def mark(
    passage: Passage,
    terms: Sequence[Term],
    matcher: Matcher | None = None,
    lang: str | None = "en",
) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    """Absolute spans of the passage's words (in `lang`) that match a term, and the terms
    matched."""
    return mark_text(passage.text, passage.start, terms, matcher or Matcher(terms), lang)


def mark_hits(
    text: str,
    hits: Sequence[Hit],
    languages: Mapping[str, str | None] | None = None,
    terms: Sequence[Term] | None = None,
    *,
    deadline: Deadline | None = None,
) -> tuple[Hit, ...]:
    """`hits` of a topic lookup for `text` with every unmarked one marked; `languages`:
    source name -> its language (`corpus.store.source_languages`; English when None);
    `terms`: the lookup's own (`topic.query_terms_of`), else worked out from `text`. Once
    `deadline` is spent the rest are left unmarked (shown without highlighting)."""
    if all(hit.matched_terms for hit in hits):
        return tuple(hits)
    languages = languages if languages is not None else {}
    if terms is None:
        terms = topic_terms(text, tuple(dict.fromkeys(languages.values())) or ("en",))
    matcher = Matcher(terms)
    out = []
    for hit in hits:
        if not hit.matched_terms and (deadline is None or not deadline.expired()):
            lang = languages.get(hit.passage.source, "en")
            spans, matched = mark(hit.passage, terms, matcher, lang)
            hit = dataclasses.replace(hit, highlights=spans, matched_terms=matched)
        out.append(hit)
    return tuple(out)
