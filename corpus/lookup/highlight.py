"""Highlighting: the spans of a passage's words that match a topic query's terms.

The topic lookup marks the hits it shows first; `mark_hits` marks the others when a page of
them is shown (the library's `mark_topic`, used by paging).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from corpus.lookup.terms import Matcher, Term, topic_terms
from corpus.model import Hit, Passage
from corpus.normalize import written_words


def mark_text(
    text: str, base: int, terms: Sequence[Term], matcher: Matcher
) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    """Absolute spans of the words of `text` (at `base`) that match a term, and the terms
    matched."""
    spans: list[tuple[int, int]] = []
    matched: set[str] = set()
    memo, surface, find, at = matcher.surfaces, matcher.surface, text.find, 0
    for raw in written_words(text):  # the words `tokenize` finds, without Token objects
        # Between two words lie no word characters, so the next word is the next occurrence.
        start = find(raw, at)
        at = start + len(raw)
        hit = memo.get(raw)
        if hit is None:
            hit = surface(raw)
        if hit:
            spans.append((base + start, base + at))
            matched.update(hit)
    return tuple(spans), tuple(t.word for t in terms if t.word in matched)


def mark(
    passage: Passage, terms: Sequence[Term], matcher: Matcher | None = None
) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    """Absolute spans of the passage's words that match a term, and the terms matched."""
    return mark_text(passage.text, passage.start, terms, matcher or Matcher(terms))


def mark_hits(text: str, hits: Sequence[Hit]) -> tuple[Hit, ...]:
    """`hits` of a topic lookup for `text` with every unmarked one marked."""
    if all(hit.matched_terms for hit in hits):
        return tuple(hits)
    terms = topic_terms(text)
    matcher = Matcher(terms)
    out = []
    for hit in hits:
        if not hit.matched_terms:
            spans, matched = mark(hit.passage, terms, matcher)
            hit = dataclasses.replace(hit, highlights=spans, matched_terms=matched)
        out.append(hit)
    return tuple(out)
