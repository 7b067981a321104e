"""/topic lookups: typos, plurals, spelling variants, stop words, fallback, highlights."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.errors import QueryError
from corpus.library import Library
from corpus.model import TopicResult
from corpus.normalize import tokenize

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def highlighted(lib: Library, result: TopicResult) -> list[list[str]]:
    return [[lib.source_text(h.passage.source)[s:e] for s, e in h.highlights] for h in result.hits]


async def test_typo_finds_sanctions(library: Library) -> None:
    result = await library.find_topic("sanktions")
    assert result.terms == ("sanktions",)
    assert len(result.hits) == 5
    for hit, words in zip(result.hits, highlighted(library, result), strict=True):
        assert words and {w.lower() for w in words} == {"sanctions"}
        assert hit.matched_terms == ("sanktions",)
        assert "sanctions" in hit.passage.text.lower()
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 100


async def test_typo_ranks_like_the_right_spelling(library: Library) -> None:
    right = await library.find_topic("sanctions")
    typo = await library.find_topic("sanctoins")
    assert [h.passage.id for h in typo.hits] == [h.passage.id for h in right.hits]


async def test_singular_finds_plural(library: Library) -> None:
    result = await library.find_topic("drone")
    assert len(result.hits) == 8
    assert all("drones" in h.passage.text for h in result.hits)
    assert {w for ws in highlighted(library, result) for w in ws} == {"drones"}


async def test_british_spelling_finds_american(library: Library) -> None:
    result = await library.find_topic("defence")
    assert result.hits
    words = {w.lower() for ws in highlighted(library, result) for w in ws}
    assert words == {"defense"}


async def test_all_words_must_match_and_rank_first(library: Library) -> None:
    result = await library.find_topic("Putin peace")
    assert len(result.hits) >= 2
    for hit in result.hits:
        text = hit.passage.text.lower()
        assert "putin" in text and "peace" in text
        assert set(hit.matched_terms) == {"putin", "peace"}
        assert hit.score >= 50


async def test_stop_words_are_dropped_unless_alone(library: Library) -> None:
    assert (await library.find_topic("the sanctions of")).terms == ("sanctions",)
    with pytest.raises(QueryError, match="too common"):
        await library.find_topic("the")
    with pytest.raises(QueryError, match="too common"):
        await library.find_topic("of the and")


async def test_falls_back_to_most_words_ranked_lower(library: Library) -> None:
    result = await library.find_topic("russia sanctions xylophone")
    assert result.hits
    for hit in result.hits:
        assert len(hit.matched_terms) == 2 and "xylophone" not in hit.matched_terms
        assert hit.score < 50


async def test_nothing_matches(library: Library) -> None:
    assert (await library.find_topic("xylophone")).hits == ()
    empty = await library.find_topic("!!! ...")
    assert empty.terms == () and empty.hits == ()


async def test_quote_kept_over_paragraph_when_it_holds_every_word(library: Library) -> None:
    hits = (await library.find_topic("ready elections")).hits
    assert [h.passage.kind for h in hits] == ["quote"]
    assert hits[0].passage.speaker == "Volodymyr Zelensky"
    assert hits[0].passage.text == "I am ready for the elections"


async def test_paragraph_kept_when_the_quote_lacks_a_word(library: Library) -> None:
    hits = (await library.find_topic("elections reporters")).hits
    assert [h.passage.kind for h in hits] == ["paragraph"]
    assert "told reporters" in hits[0].passage.text


async def test_limit(library: Library) -> None:
    assert len((await library.find_topic("russia", limit=3)).hits) == 3


async def test_highlights_are_whole_words_inside_the_passage(library: Library) -> None:
    for query in ("russia war", "ukraine", "guarantees security", "putn"):
        for hit in (await library.find_topic(query)).hits:
            p = hit.passage
            text = library.source_text(p.source)
            assert text[p.start : p.end] == p.text
            for s, e in hit.highlights:
                assert p.start <= s < e <= p.end
                assert [(t.start, t.end) for t in tokenize(text[s:e])] == [(0, e - s)]


async def test_a_quote_hit_replaces_its_paragraph(library: Library) -> None:
    """ "elections" is in quote spans and in the article paragraph holding them: the quotes
    are listed, the paragraph is not (its every matched word is in a quote)."""
    found = await library.find_topic("elections")
    quotes = [h.passage for h in found.hits if h.passage.kind == "quote"]
    assert quotes, [h.passage.kind for h in found.hits]
    listed = {h.passage.id for h in found.hits}
    for quote in quotes:
        assert quote.parent_id is not None
        assert quote.parent_id not in listed
