"""Compounds written apart or together find each other: cease fire <-> ceasefire."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.compounds import CompoundVariant, propose_compounds

VOCABULARY = frozenset(
    [
        "ceasefire",
        "cease",
        "fire",
        "counter",
        "offensive",
        "counteroffensive",
        "talks",
        "peace",
        "drone",
        "strike",
        "together",
        "get",
        "her",
        "the",
    ]
)


def known(word: str) -> bool:
    return word in VOCABULARY


def test_words_written_apart_are_joined() -> None:
    assert propose_compounds(["cease", "fire", "talks"], known) == (
        CompoundVariant(0, 2, ("ceasefire",)),
    )


def test_a_word_written_together_is_split_into_a_phrase() -> None:
    variants = propose_compounds(["Ceasefire"], known)
    assert variants == (CompoundVariant(0, 1, ("cease", "fire")),)
    assert variants[0].is_phrase


def test_a_hyphenated_word_is_joined_and_split() -> None:
    assert propose_compounds(["counter-offensive"], known) == (
        CompoundVariant(0, 1, ("counteroffensive",)),
        CompoundVariant(0, 1, ("counter", "offensive")),
    )


def test_nothing_unknown_is_proposed() -> None:
    assert propose_compounds(["peace", "talks"], known) == ()
    assert propose_compounds(["drone", "strike"], known) == ()
    # parts shorter than three letters are never cut: `together` is no `to get her`
    assert propose_compounds(["together"], known) == ()
    assert propose_compounds([], known) == ()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=6))
def test_variants_point_into_the_query_and_differ_from_it(words: list[str]) -> None:
    everything = propose_compounds(words, lambda w: len(w) % 2 == 0)
    for variant in everything:
        assert 0 <= variant.start < variant.end <= len(words)
        assert variant.words != tuple(w.lower() for w in words[variant.start : variant.end])
        assert all(variant.words)
    assert len(everything) <= 8
