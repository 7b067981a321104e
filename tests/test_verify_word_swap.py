"""A content word swapped for another is a change of meaning (`altered`, kind `word`); another
form of the same word, a misspelling or a stop word is not."""

from __future__ import annotations

import pytest

from corpus.verify.meaning import same_word, step_kind


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("war", "wars"),
        ("said", "say"),
        ("told", "tell"),
        ("reject", "rejected"),
        ("stronger", "strong"),
        ("sanctoins", "sanctions"),
        ("війна", "війни"),
        ("الحرب", "حرب"),
    ],
)
def test_forms_of_one_word_are_the_same(a: str, b: str) -> None:
    assert same_word(a, b) and same_word(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [("accept", "reject"), ("increas", "decreas"), ("includ", "exclud"), ("peace", "war")],
)
def test_other_words_differ(a: str, b: str) -> None:
    assert not same_word(a, b) and not same_word(b, a)


def test_a_swapped_word_is_a_change_and_a_swapped_stop_word_is_not() -> None:
    assert step_kind(["accept"], ["reject"], [], []) == "word"
    assert step_kind(["the"], ["a"], [], []) is None
    assert step_kind(["said"], ["say"], [], []) is None
    assert step_kind(["accept"], [], [], []) is None  # a dropped word is not a swap
