"""Language analysis (corpus/analysis/): the must-show items of issue 12 at the term level."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.langsets import DETECT_SAMPLES, SETS
from benchmarks.languages import measure_inflections
from corpus.analysis import Analyser, fold_word, is_stop_query, terms_for_query
from corpus.analysis.detect import detect_passage, detect_source, detect_text
from corpus.analysis.stopwords import is_stop


def _term(word: str, lang: str) -> str:
    return Analyser().analyse(fold_word(word), lang)


@pytest.mark.parametrize("lang", ["uk", "ru", "en"])
def test_inflected_forms_match_the_dictionary_form(lang: str) -> None:
    analyser = Analyser()
    result = measure_inflections(SETS[lang], lambda w: analyser.analyse(w, lang))
    assert result["lexemes"] >= 15
    assert result["recall"] >= 0.9, result["misses"]
    assert result["precision"] >= 0.9, result["misses"]


@pytest.mark.parametrize(
    ("query", "form"),
    [("Шольц", "Шольцом"), ("партнери", "партнерам"), ("переговори", "переговорах")],
)
def test_issue_examples_in_ukrainian(query: str, form: str) -> None:
    assert _term(query, "uk") == _term(form, "uk")


@pytest.mark.parametrize(
    ("plain", "marked"),
    [("على", "عَلَى"), ("إلى", "إِلَى"), ("مدينة", "مَدِينَة"), ("مدينة", "مـدينة"), ("الحرب", "الْحَرْب")],
)
def test_arabic_without_vowel_marks_matches_marked_text(plain: str, marked: str) -> None:
    assert fold_word(plain) == fold_word(marked)
    assert _term(plain, "ar") == _term(marked, "ar")


def test_english_snowball_fixes_the_old_stemmer() -> None:
    assert _term("news", "en") != _term("new", "en")
    assert _term("strikes", "en") == _term("striking", "en")
    assert _term("series", "en") != _term("very", "en")
    assert _term("bias", "en") != _term("bia", "en")
    assert _term("defence", "en") == _term("defense", "en")  # British/American kept
    assert _term("colours", "en") == _term("color", "en")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Borodinó", "Borodino"),
        ("Бородино́", "Бородино"),
        ("ёлка", "елка"),
        ("м’ясо", "м'ясо"),
        ("мʼясо", "м`ясо"),
        ("м‘ясо", "мясо"),
        ("ﬁnal", "final"),
        ("STRASSE", "straße"),
    ],
)
def test_folding_makes_variants_equal(a: str, b: str) -> None:
    assert fold_word(a) == fold_word(b)


@pytest.mark.parametrize("word", ["йод", "їжак", "Київ", "Йорданія", "майбутній", "ўсё"])
def test_folding_keeps_letters_whose_mark_makes_them(word: str) -> None:
    folded = fold_word(word)
    for letter in "йїў":
        assert (letter in word.lower()) == (letter in folded)
    decomposed = unicodedata.normalize("NFD", word)  # и + U+0306 typed apart is still й
    assert fold_word(decomposed) == folded


@pytest.mark.parametrize(("kept", "other"), [("край", "краи"), ("її", "іі"), ("бой", "бои")])
def test_folding_does_not_merge_distinct_letters(kept: str, other: str) -> None:
    assert fold_word(kept) != fold_word(other)


@given(st.text(max_size=30))
def test_folding_is_idempotent(text: str) -> None:
    once = fold_word(text)
    assert fold_word(once) == once


def test_query_of_only_stop_words() -> None:
    assert is_stop_query(["the", "of", "and"], ["en"])
    assert is_stop_query(["та", "для"], ["uk"])
    assert is_stop_query(["the", "та"], ["en", "uk"])  # mixed corpus: each word stop somewhere
    assert not is_stop_query(["the", "war"], ["en"])
    assert not is_stop_query(["переговори"], ["uk", "en"])
    assert not is_stop_query([], ["en"])
    assert not is_stop(_term("news", "en"), "en")
    assert not is_stop(_term("new", "en"), "en")  # the packaged English lists would stop it


def test_query_gets_a_term_per_corpus_language() -> None:
    terms = terms_for_query(fold_word("партнерам"), ["en", "uk"])
    assert terms["uk"] == _term("партнери", "uk")
    assert terms["en"] == "партнерам"  # no English analysis of a Cyrillic word


@pytest.mark.parametrize("lang", sorted(DETECT_SAMPLES))
def test_detection_on_generated_paragraphs(lang: str) -> None:
    for text in DETECT_SAMPLES[lang]:
        assert detect_text(text).lang == lang
        assert detect_passage(text) in (lang, None)
    assert detect_source(list(DETECT_SAMPLES[lang]) * 30).lang == lang


def test_detection_leaves_short_passages_undetected() -> None:
    assert detect_passage("Шольцом") is None
