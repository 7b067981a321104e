"""Issue 12 through the Library: /topic over generated uk/ru/en/ar sources (each language
detected at build, no `language:` key), a dictionary form finding its inflected forms, Arabic
typed without vowel marks, the English stemmer's old mistakes, stop-word-only queries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from benchmarks.langsets import SETS
from benchmarks.topic_languages import LangScore, score_language, write_sources
from corpus.errors import QueryError
from corpus.library import Library
from corpus.model import SourceSpec


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("languages")


@pytest.fixture
async def library(corpus_dir: Path) -> AsyncIterator[Library]:
    specs = write_sources(corpus_dir)
    opened = await Library.open(specs, corpus_dir / "index.sqlite3")
    try:
        yield opened
    finally:
        await opened.close()


async def _score(library: Library, lang: str) -> LangScore:
    return await score_language(library, SETS[lang], f"generated-{lang}.txt")


async def test_each_source_language_is_detected(library: Library) -> None:
    found = {
        info.name: (info.language, info.language_confidence) for info in await library.sources()
    }
    for lang in SETS:
        language, confidence = found[f"generated-{lang}.txt"]
        assert language == lang and confidence is not None and confidence >= 0.9


@pytest.mark.parametrize("lang", ["uk", "ru", "en"])
async def test_dictionary_form_finds_inflected_forms(library: Library, lang: str) -> None:
    score = await _score(library, lang)
    assert score.lexemes >= 15
    assert score.recall >= 0.9 and score.precision >= 0.9, score.misses


async def test_ukrainian_examples_of_the_issue(library: Library) -> None:
    for query, form in [
        ("Шольц", "Шольцом"),
        ("партнери", "партнерам"),
        ("переговори", "переговорах"),
    ]:
        result = await library.find_topic(query, limit=500)
        marked = [
            library.source_text(h.passage.source)[s:e] for h in result.hits for s, e in h.highlights
        ]
        assert form in marked, query


async def test_arabic_without_vowel_marks_finds_marked_words(library: Library) -> None:
    score = await _score(library, "ar")
    assert score.lexemes >= 4 and score.recall == 1.0 and score.precision >= 0.9
    result = await library.find_topic("مدينة", limit=100)
    texts = {h.passage.text for h in result.hits}
    assert any("مَدِينَة" in t for t in texts) and any("مـدينة" in t for t in texts)


async def test_english_stemmer_mistakes_are_gone(library: Library) -> None:
    news = await library.find_topic("news", limit=100)
    assert news.hits and all(" new " not in f" {h.passage.text} " for h in news.hits)
    series = await library.find_topic("series", limit=100)
    assert series.hits and not any("very" in h.passage.text for h in series.hits)
    striking = await library.find_topic("strikes", limit=100)
    assert any("striking" in h.passage.text for h in striking.hits)


@pytest.mark.parametrize("query", ["the", "of the and", "і та в", "على"])
async def test_a_stop_word_only_query_is_too_common(library: Library, query: str) -> None:
    with pytest.raises(QueryError, match="too common"):
        await library.find_topic(query)


async def test_a_configured_language_wins_over_detection(tmp_path: Path) -> None:
    path = tmp_path / "text.txt"
    path.write_text("Шольцом і партнерам.\n\nПереговорах знову.\n", encoding="utf-8")
    spec = SourceSpec(path=path, format="plain", speaker="Someone", language="uk")
    library = await Library.open([spec], tmp_path / "index.sqlite3")
    try:
        (info,) = await library.sources()
        assert (info.language, info.language_confidence) == ("uk", None)
        assert (await library.find_topic("Шольц")).hits
    finally:
        await library.close()
