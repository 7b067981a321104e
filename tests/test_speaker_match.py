"""by:NAME finds the speaker as the corpus writes the name, or says it cannot choose."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.speaker_match import fold_name, match_speaker

# Invented people: no real person's data in the repo.
SPEAKERS = [
    "Marta Rutkowska",
    "Oleksandr Zelenyuk",
    "Olena Zelenyuk",
    "Petro Hrytsenko",
    "Chloé Dubois",
    "Dana Rutte",
    "Ivan Yermak",
]


@pytest.mark.parametrize(
    ("query", "speaker"),
    [
        ("rutte", "Dana Rutte"),
        ("RUTTE", "Dana Rutte"),
        ("Dana Rutte", "Dana Rutte"),
        ("dana_rutte", "Dana Rutte"),
        ("rutkowska", "Marta Rutkowska"),
        ("rutkovska", "Marta Rutkowska"),  # spelling
        ("hrytsenko", "Petro Hrytsenko"),
        ("grytsenko", "Petro Hrytsenko"),  # transliteration
        ("hrycenko", None),  # 82: below the cutoff
        ("Юрченко", None),
        ("Грищенко", None),  # too far: nobody rather than a wrong somebody
        ("Гриценко", "Petro Hrytsenko"),  # Cyrillic
        ("Єрмак", "Ivan Yermak"),
        ("chloe", "Chloé Dubois"),  # diacritics
        ("DUBOIS", "Chloé Dubois"),
        ("olena zelenyuk", "Olena Zelenyuk"),
        ("zelenyuk olena", "Olena Zelenyuk"),
        ("nobody", None),
        ("", None),
        ("ru", None),
    ],
)
def test_one_speaker_or_none(query: str, speaker: str | None) -> None:
    found = match_speaker(query, SPEAKERS)
    assert found.speaker == speaker
    if speaker is None:
        assert found.candidates == ()


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("zelenyuk", {"Oleksandr Zelenyuk", "Olena Zelenyuk"}),  # a shared surname
        ("zelenyk", {"Oleksandr Zelenyuk", "Olena Zelenyuk"}),
        ("ol", set()),
        ("ole", {"Oleksandr Zelenyuk", "Olena Zelenyuk"}),  # a prefix of both first names
        ("rut", {"Marta Rutkowska", "Dana Rutte"}),
    ],
)
def test_several_close_names_are_all_offered(query: str, names: set[str]) -> None:
    found = match_speaker(query, SPEAKERS)
    assert {c.name for c in found.candidates} == names
    assert found.speaker is None
    assert found.ambiguous == (len(names) > 1)


def test_candidates_best_first_with_scores() -> None:
    found = match_speaker("zelenyuk", SPEAKERS)
    assert all(c.score == 100.0 for c in found.candidates)
    close = match_speaker("rutkovska", SPEAKERS).candidates[0]
    assert 80 <= close.score < 100


def test_fold_name() -> None:
    assert fold_name("Chloé  DUBOIS") == "chloe dubois"
    assert fold_name("Гриценко") == "hrytsenko"
    assert fold_name("Єрмак Юрій Її") == "yermak yuriy yii"
    assert fold_name("@dana_rutte!") == "dana rutte"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.lists(st.text(max_size=20), max_size=6))
def test_any_text_against_any_names(query: str, names: list[str]) -> None:
    found = match_speaker(query, names)
    assert {c.name for c in found.candidates} <= set(names)
    assert all(0 <= c.score <= 100 for c in found.candidates)
