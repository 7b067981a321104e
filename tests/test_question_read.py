"""The question reader on a table of phrasings per language (tests/data/questions.yaml),
hostile ones included: each is read as its row says, or not at all (null)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from corpus.question import Question, read_question

TABLE = yaml.safe_load((Path(__file__).parent / "data" / "questions.yaml").read_text("utf-8"))
SPEAKERS = ("Volodymyr Zelensky", "Mark Rutte", "Unknown author")
TODAY = dt.date(2025, 9, 10)
ROWS = [
    (lang, row["q"], row["want"])
    for lang, rows in TABLE.items()
    if lang != "held_out"
    for row in rows
] + [(row["lang"], row["q"], row["want"]) for row in TABLE["held_out"]]


def problem(question: Question | None, want: dict[str, Any] | None) -> str | None:
    """What is wrong with a reading, or None."""
    if want is None:
        return None if question is None else f"read as {question}, want none"
    if question is None:
        return "not read"
    got = {
        "kind": question.kind,
        "speaker": question.speaker,
        "asked": question.speaker_asked,
        "quote": question.quote,
        "quoted": question.quoted,
        "topic": question.topic,
        "date": question.date,
        "filters": list(question.filters),
    }
    wrong = {k: (got[k], v) for k, v in want.items() if got[k] != v}
    return f"{wrong} in {question}" if wrong else None


@pytest.mark.parametrize(
    ("lang", "text", "want"), ROWS, ids=[f"{r[0]}-{i}" for i, r in enumerate(ROWS)]
)
def test_each_phrasing_reads_as_its_row_says(lang: str, text: str, want: Any) -> None:
    question = read_question(text, speakers=SPEAKERS, today=TODAY)
    assert problem(question, want) is None
    if question is not None and want is not None:
        assert question.language == lang


def test_the_table_covers_each_language_and_holds_fallbacks() -> None:
    for lang in ("en", "uk", "ru"):
        rows = [r for r in ROWS if r[0] == lang]
        assert len([r for r in rows if r[2] is not None]) >= 15
        assert len([r for r in rows if r[2] is None]) >= 4


def test_quoted_words_are_a_slice_of_the_question() -> None:
    """Quoted words are taken exactly as typed: a slice of the question, never rewritten."""
    for _, text, _want in ROWS:
        question = read_question(text, speakers=SPEAKERS, today=TODAY)
        if question is not None and question.quoted:
            assert question.quote in text


@given(st.text(max_size=300))
def test_any_text_reads_or_falls_back_without_raising(text: str) -> None:
    question = read_question(text, speakers=SPEAKERS, today=TODAY)
    if question is not None:
        assert question.command in ("quote", "topic", "date")
        if question.command == "quote":
            assert question.quote.strip()


@given(st.sampled_from([r[1] for r in ROWS]), st.text(alphabet="\"'“”«»„‘’ ?:—-", max_size=8))
def test_stray_quotation_marks_never_raise(text: str, extra: str) -> None:
    read_question(text + extra, speakers=SPEAKERS, today=TODAY)
    read_question(extra + text, speakers=SPEAKERS, today=TODAY)


QUOTE_CHARS = st.characters(
    blacklist_characters="\"'“”„«»‘’‚「」\ue000",
    blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp", "Co", "Cn"),
)


@given(st.text(alphabet=QUOTE_CHARS, min_size=1, max_size=200))
def test_a_quotation_is_the_quote_exactly_as_typed(words: str) -> None:
    """Whatever stands in the quotation marks is the quote, unchanged; the question's own
    words (did, say, the name, the question mark) never enter it."""
    words = words.strip()
    if not any(c.isalnum() for c in words) or not words.isprintable():
        return
    for text in (f'did Zelensky say "{words}"?', f"чи справді Зеленський казав, що «{words}»?"):
        question = read_question(text, speakers=SPEAKERS, today=TODAY)
        assert question is not None
        assert (question.quote, question.quoted, question.speaker) == (
            words,
            True,
            "Volodymyr Zelensky",
        )
