"""`missing_clauses`: the cheap test before looking across passages for a quote."""

from __future__ import annotations

from corpus.model import Passage, PassageDate
from corpus.verify.verify import missing_clauses

TEXT = (
    "The bridge over the river will open in spring. "
    "Our engineers have finished the last tests of the deck."
)


def passage(text: str = TEXT) -> Passage:
    return Passage(
        id="m1",
        source="generated.txt",
        start=0,
        end=len(text),
        text=text,
        line=1,
        speaker="Ilse Varnow",
        kind="tweet",
        date=PassageDate(2031, 3, 4),
        seq=0,
    )


def test_a_misquote_of_the_passage_misses_no_clause() -> None:
    query = "The bridge across the river will open in summer. Our engineers finished the tests."
    assert missing_clauses(query, passage()) == []


def test_a_clause_said_elsewhere_is_missing() -> None:
    query = "The bridge over the river will open in spring. Taxes on fuel rise again next week."
    missing = missing_clauses(query, passage())
    assert [query[a:b] for a, b in missing] == ["Taxes on fuel rise again next week"]


def test_one_clause_is_never_missing() -> None:
    assert missing_clauses("Taxes on fuel rise again next week", passage()) == []
