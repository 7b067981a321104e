"""/quote lookups: verbatim, close (with a word diff), not found; exact spans and speakers."""

from __future__ import annotations

from pathlib import Path

from conftest import seed_specs

from corpus.library import Library
from corpus.lookup.quote import best_span
from corpus.model import DiffOp

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
THREADS = "000_0e2a154100ffc278.txt"
ARTICLE = "004_587f944356045ec1.txt"


def span_of(lib: Library, hit: object) -> str:
    p = hit.passage  # type: ignore[attr-defined]
    return lib.source_text(p.source)[hit.match_start : hit.match_end]  # type: ignore[attr-defined]


async def test_missing_word_is_close_with_exact_span_and_diff(library: Library) -> None:
    asked = "Russia is stronger than any of us, but weaker than all of us together"
    result = await library.find_quote(asked)
    assert result.verdict == "close"
    best = result.hits[0]
    assert best.passage.source == THREADS
    assert best.passage.text.startswith("Addressing the Dutch Parliament")
    assert span_of(library, best) == (
        "Russia is stronger than any of us alone, but weaker than all of us together"
    )
    assert 80 <= best.score < 100
    assert result.diff == (
        DiffOp("equal", "Russia is stronger than any of us", "Russia is stronger than any of us"),
        DiffOp("insert", "", "alone"),
        DiffOp("equal", "but weaker than all of us together", "but weaker than all of us together"),
    )


async def test_exact_words_are_verbatim(library: Library) -> None:
    result = await library.find_quote("so long as he kills, he lives")
    assert result.verdict == "verbatim"
    assert result.diff == ()
    best = result.hits[0]
    assert best.score == 100
    assert span_of(library, best) == "so long as he kills, he lives"
    assert best.passage.speaker == "Volodymyr Zelensky"


async def test_case_punctuation_and_apostrophes_do_not_matter(library: Library) -> None:
    result = await library.find_quote("WE ARE RUSSIA'S NEXT TARGET... and we're")
    assert result.verdict != "verbatim"  # "we're" is not in the source
    result = await library.find_quote(
        "we are russia's next target - and we are already in harm's way"
    )
    assert result.verdict == "verbatim"
    best = result.hits[0]
    assert best.passage.kind == "quote" and best.passage.speaker == "Mark Rutte"
    assert span_of(library, best) == "We are Russia’s next target. And we are already in harm’s way"


async def test_invented_words_are_not_found_but_hint_the_closest(library: Library) -> None:
    result = await library.find_quote("I will hand Crimea to Russia tomorrow")
    assert result.verdict == "not_found"
    assert result.diff == ()
    assert result.hits and all(h.score < 80 for h in result.hits)


async def test_quote_span_beats_its_paragraph_and_names_the_speaker(library: Library) -> None:
    result = await library.find_quote("I am ready for elections")
    assert result.verdict == "close"
    best = result.hits[0]
    assert best.passage.kind == "quote"
    assert best.passage.speaker == "Volodymyr Zelensky"
    assert best.passage.source == ARTICLE
    assert span_of(library, best) == "I am ready for the elections"
    assert DiffOp("insert", "", "the") in result.diff
    spans = [(h.match_start, h.match_end) for h in result.hits]
    assert len(spans) == len(set(spans))  # the parent paragraph's same span is not repeated


async def test_typos_still_find_the_tweet(library: Library) -> None:
    result = await library.find_quote("Putin constantly humilates before Chian as he tries to sell")
    assert result.verdict == "close"
    assert span_of(library, result.hits[0]) == (
        "Putin constantly humiliates before China as he tries to sell"
    )
    replaced = [op for op in result.diff if op.op == "replace"]
    assert [(op.asked, op.source) for op in replaced] == [
        ("humilates", "humiliates"),
        ("Chian", "China"),
    ]


async def test_threshold_from_open(tmp_path: Path) -> None:
    lib = await Library.open(seed_specs(), tmp_path / "index.sqlite3", quote_threshold=99)
    result = await lib.find_quote("I am ready for elections")
    assert result.verdict == "not_found" and result.hits
    await lib.close()


async def test_empty_and_unknown_queries(library: Library) -> None:
    assert (await library.find_quote("")).verdict == "not_found"
    assert (await library.find_quote("?!")).hits == ()
    assert (await library.find_quote("qqqq zzzz")).verdict == "not_found"


async def test_limit(library: Library) -> None:
    assert len((await library.find_quote("the war", limit=2)).hits) == 2


def test_best_span_grows_past_the_asked_length() -> None:
    words = [
        "a",
        "b",
        "c",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "x",
        "y",
        "z",
    ]
    asked = "one two three five six seven eight"  # "four" forgotten
    span = best_span(asked, words)
    assert words[span.first : span.last + 1] == [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
    ]
