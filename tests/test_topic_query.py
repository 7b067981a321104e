"""The /topic search lists each word's one-edit spellings from the vocabulary instead of a
fuzzy query: the same passages must come back, in the same order."""

from __future__ import annotations

import pytest
import tantivy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.library import Library
from corpus.lookup.terms import topic_terms
from corpus.lookup.topic import (
    _all_words,
    _clauses,
    spelling_fixes,
    vocabulary,
    vocabulary_is_plain,
)
from corpus.store import search_parents

QUERIES = (
    "drones",
    "dronse",
    "sanktions",
    "defence",
    "elections dictator",
    "Russia Ukraine peace",
    "interceptr drones",
    "EU 2025",
    "war",
    "qzxv",
    "includee include",  # a fix of one word is a spelling of the other: it ranks once
    "include includee",
)


async def same_hits(library: Library, text: str) -> None:
    store = library._live.store
    terms = topic_terms(text)
    fixes = await spelling_fixes(store, terms)
    fuzzy = search_parents(store, _clauses(store, terms, tantivy.Occur.Must, fixes), 100)
    listed = search_parents(store, _all_words(store, terms, fixes), 100)
    assert [seq for _, seq, _ in listed] == [seq for _, seq, _ in fuzzy], text


async def test_seed_vocabulary_is_plain(library: Library) -> None:
    assert vocabulary_is_plain(library._live.store)


@pytest.mark.parametrize("text", QUERIES)
async def test_listed_spellings_match_the_fuzzy_query(library: Library, text: str) -> None:
    await same_hits(library, text)


EDITS = st.sampled_from(("delete", "swap", "replace", "insert", "none"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    picks=st.lists(st.integers(0, 10_000), min_size=1, max_size=3),
    edit=EDITS,
    at=st.integers(0, 20),
)
async def test_any_edited_vocabulary_word_matches_like_the_fuzzy_query(
    library: Library, picks: list[int], edit: str, at: int
) -> None:
    words = sorted(vocabulary(library._live.store))
    chosen = [words[i % len(words)] for i in picks]
    first = chosen[0]
    i = at % max(len(first), 1)
    if edit == "delete" and len(first) > 1:
        first = first[:i] + first[i + 1 :]
    elif edit == "swap" and i + 1 < len(first):
        first = first[:i] + first[i + 1] + first[i] + first[i + 2 :]
    elif edit == "replace":
        first = first[:i] + "x" + first[i + 1 :]
    elif edit == "insert":
        first = first[:i] + "e" + first[i:]
    await same_hits(library, " ".join([first, *chosen[1:]]))
