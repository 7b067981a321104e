"""Open and relative date ranges, numeric readings, Ukrainian and Russian month names."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.errors import QueryError
from corpus.lookup.date_query import canonical_text, describe_reading, parse_date_query, today_in

D = dt.date
MIN, MAX = dt.date.min, dt.date.max
TODAY = D(2025, 9, 3)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "first", "last", "year_given", "precision", "label"),
    [
        ("since 20 Aug 2025", D(2025, 8, 20), MAX, True, "day", "since 20 Aug 2025"),
        ("from 20 Aug 2025", D(2025, 8, 20), MAX, True, "day", "since 20 Aug 2025"),
        ("since 2025-08-20", D(2025, 8, 20), MAX, True, "day", "since 20 Aug 2025"),
        ("after Aug 28 2025", D(2025, 8, 29), MAX, True, "day", "after 28 Aug 2025"),
        ("after August 2025", D(2025, 9, 1), MAX, True, "month", "after Aug 2025"),
        ("before July 2025", MIN, D(2025, 6, 30), True, "month", "before Jul 2025"),
        ("until July 2025", MIN, D(2025, 7, 31), True, "month", "until Jul 2025"),
        ("till 2025-07-04", MIN, D(2025, 7, 4), True, "day", "until 4 Jul 2025"),
        ("before 2025", MIN, D(2024, 12, 31), True, "year", "before 2025"),
        ("Aug 20 2025 onwards", D(2025, 8, 20), MAX, True, "day", "since 20 Aug 2025"),
        # year-less: inside every year, as `Aug 28` matches every year
        ("since Aug 20", D(2000, 8, 20), D(2000, 12, 31), False, "day", "since 20 Aug"),
        ("from 20 Aug", D(2000, 8, 20), D(2000, 12, 31), False, "day", "since 20 Aug"),
        ("after Aug 28", D(2000, 8, 29), D(2000, 12, 31), False, "day", "after 28 Aug"),
        ("before July", D(2000, 1, 1), D(2000, 6, 30), False, "month", "before Jul"),
        ("until July", D(2000, 1, 1), D(2000, 7, 31), False, "month", "until Jul"),
        ("before Mar 1", D(2000, 1, 1), D(2000, 2, 29), False, "day", "before 1 Mar"),
        ("after Feb 28", D(2000, 2, 29), D(2000, 12, 31), False, "day", "after 28 Feb"),
        # closed ranges that start with an opening word stay closed
        ("from Aug 9 to Aug 17", D(2000, 8, 9), D(2000, 8, 17), False, "day", "9–17 Aug"),
        (
            "between Aug 9 and Aug 17 2025",
            D(2025, 8, 9),
            D(2025, 8, 17),
            True,
            "day",
            "9–17 Aug 2025",
        ),
        ("since Jun - Aug 2025", D(2025, 6, 1), D(2025, 8, 31), True, "month", "Jun–Aug 2025"),
    ],
)
def test_open_ranges(
    text: str, first: dt.date, last: dt.date, year_given: bool, precision: str, label: str
) -> None:
    query = parse_date_query(text, today=TODAY)
    assert (query.first, query.last, query.year_given, query.precision, query.label) == (
        first,
        last,
        year_given,
        precision,
        label,
    )
    assert query.open_end == label.startswith(("since", "after"))
    assert query.open_start == label.startswith(("before", "until"))


def test_after_excludes_and_since_includes_the_day() -> None:
    assert parse_date_query("after Aug 28 2025").first == D(2025, 8, 29)
    assert parse_date_query("since Aug 28 2025").first == D(2025, 8, 28)


@pytest.mark.parametrize("text", ["before Jan", "before Jan 1", "after Dec 31", "after December"])
def test_year_less_open_range_naming_no_day_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(QueryError, match="within a year, unless you add a year"):
        parse_date_query(text, today=TODAY)


def test_before_jan_with_a_year_ends_on_new_years_eve() -> None:
    query = parse_date_query("before Jan 2025")
    assert (query.first, query.last) == (MIN, D(2024, 12, 31))


@pytest.mark.parametrize("text", ["after 9999", "before 0001-01-01", "after 9999-12-31"])
def test_open_ranges_at_the_calendars_edge_are_refused(text: str) -> None:
    with pytest.raises(QueryError):
        parse_date_query(text)


@pytest.mark.parametrize(
    ("text", "today", "first", "last", "precision", "label"),
    [
        ("today", TODAY, TODAY, TODAY, "day", "today (3 Sep 2025)"),
        ("yesterday", TODAY, D(2025, 9, 2), D(2025, 9, 2), "day", "yesterday (2 Sep 2025)"),
        (
            "yesterday",
            D(2025, 1, 1),
            D(2024, 12, 31),
            D(2024, 12, 31),
            "day",
            "yesterday (31 Dec 2024)",
        ),
        (
            "yesterday",
            D(2024, 3, 1),
            D(2024, 2, 29),
            D(2024, 2, 29),
            "day",
            "yesterday (29 Feb 2024)",
        ),
        ("this week", TODAY, D(2025, 9, 1), D(2025, 9, 7), "day", "this week (1–7 Sep 2025)"),
        # on a Monday the ISO week starts that day; on a Sunday it ends that day
        (
            "this week",
            D(2025, 9, 1),
            D(2025, 9, 1),
            D(2025, 9, 7),
            "day",
            "this week (1–7 Sep 2025)",
        ),
        (
            "this week",
            D(2025, 9, 7),
            D(2025, 9, 1),
            D(2025, 9, 7),
            "day",
            "this week (1–7 Sep 2025)",
        ),
        (
            "last week",
            D(2025, 9, 1),
            D(2025, 8, 25),
            D(2025, 8, 31),
            "day",
            "last week (25–31 Aug 2025)",
        ),
        # ISO week 1 of 2026 starts on Mon 29 Dec 2025
        (
            "this week",
            D(2026, 1, 1),
            D(2025, 12, 29),
            D(2026, 1, 4),
            "day",
            "this week (29 Dec 2025 – 4 Jan 2026)",
        ),
        (
            "last week",
            D(2026, 1, 2),
            D(2025, 12, 22),
            D(2025, 12, 28),
            "day",
            "last week (22–28 Dec 2025)",
        ),
        ("this month", TODAY, D(2025, 9, 1), D(2025, 9, 30), "month", "this month (Sep 2025)"),
        ("last month", TODAY, D(2025, 8, 1), D(2025, 8, 31), "month", "last month (Aug 2025)"),
        (
            "last month",
            D(2025, 1, 15),
            D(2024, 12, 1),
            D(2024, 12, 31),
            "month",
            "last month (Dec 2024)",
        ),
        (
            "last month",
            D(2024, 3, 31),
            D(2024, 2, 1),
            D(2024, 2, 29),
            "month",
            "last month (Feb 2024)",
        ),
        ("this year", TODAY, D(2025, 1, 1), D(2025, 12, 31), "year", "this year (2025)"),
        ("last year", D(2025, 1, 1), D(2024, 1, 1), D(2024, 12, 31), "year", "last year (2024)"),
        (
            "Last  Week",
            D(2025, 9, 1),
            D(2025, 8, 25),
            D(2025, 8, 31),
            "day",
            "last week (25–31 Aug 2025)",
        ),
    ],
)
def test_relative_words_follow_the_clock(
    text: str, today: dt.date, first: dt.date, last: dt.date, precision: str, label: str
) -> None:
    query = parse_date_query(text, today=today)
    assert (query.first, query.last, query.precision, query.label) == (
        first,
        last,
        precision,
        label,
    )
    assert query.year_given and query.relative
    assert not (query.open_start or query.open_end)


def test_relative_words_open_and_close_ranges() -> None:
    since = parse_date_query("since last week", today=TODAY)
    assert (since.first, since.last, since.label) == (
        D(2025, 8, 25),
        MAX,
        "since last week (25–31 Aug 2025)",
    )
    before = parse_date_query("before this month", today=TODAY)
    assert (before.first, before.last) == (MIN, D(2025, 8, 31))
    closed = parse_date_query("Aug 20 - yesterday", today=TODAY)
    assert (closed.first, closed.last, closed.year_given) == (D(2025, 8, 20), D(2025, 9, 2), True)
    assert closed.relative


@pytest.mark.parametrize(
    ("text", "order", "day", "month_first", "ambiguous", "other"),
    [
        ("03/07/2025", "dmy", D(2025, 7, 3), False, True, "2025-03-07"),
        ("03/07/2025", "mdy", D(2025, 3, 7), True, True, "2025-07-03"),
        ("03/07/2025", "ymd", D(2025, 3, 7), True, True, "2025-07-03"),
        ("03-07-2025", "dmy", D(2025, 7, 3), False, True, "2025-03-07"),
        ("08/28/2025", "dmy", D(2025, 8, 28), True, False, None),
        ("08/28/2025", "mdy", D(2025, 8, 28), True, False, None),
        ("28/08/2025", "mdy", D(2025, 8, 28), False, False, None),
        ("05/05/2025", "mdy", D(2025, 5, 5), True, False, None),
        ("28.08.2025", "mdy", D(2025, 8, 28), None, False, None),
        ("03.07.2025", "mdy", D(2025, 7, 3), None, False, None),
        ("2025-03-07", "mdy", D(2025, 3, 7), None, False, None),
    ],
)
def test_numeric_dates_say_how_they_were_read(
    text: str,
    order: str,
    day: dt.date,
    month_first: bool | None,
    ambiguous: bool,
    other: str | None,
) -> None:
    query = parse_date_query(text, date_order=order)  # type: ignore[arg-type]
    assert (query.first, query.last) == (day, day)
    assert (query.month_first, query.ambiguous, query.other_reading) == (
        month_first,
        ambiguous,
        other,
    )
    if other is not None:
        assert parse_date_query(other).first != day  # the button asks for the other day


def test_reading_is_described_for_the_bot() -> None:
    assert describe_reading(parse_date_query("03/07/2025")) == (
        "Read day first (3 Jul 2025); month first it would be 7 Mar 2025."
    )
    assert describe_reading(parse_date_query("08/28/2025")) == (
        "Read month first (28 Aug 2025): the other way round is no date."
    )
    assert describe_reading(parse_date_query("Aug 28")) is None


def test_an_ambiguous_range_offers_the_other_range() -> None:
    query = parse_date_query("03/07/2025 - 05/07/2025")
    assert (query.first, query.last, query.ambiguous) == (D(2025, 7, 3), D(2025, 7, 5), True)
    assert query.other_reading == "2025-03-07..2025-05-07"
    other = parse_date_query(query.other_reading)
    assert (other.first, other.last) == (D(2025, 3, 7), D(2025, 5, 7))


def test_an_ambiguous_open_range_offers_the_other_open_range() -> None:
    query = parse_date_query("since 03/07/2025")
    assert (query.first, query.open_end, query.other_reading) == (
        D(2025, 7, 3),
        True,
        "since 2025-03-07",
    )


@pytest.mark.parametrize(
    ("text", "first", "last", "year_given", "label"),
    [
        ("28 серпня", D(2000, 8, 28), D(2000, 8, 28), False, "28 Aug"),
        ("28 серпня 2025", D(2025, 8, 28), D(2025, 8, 28), True, "28 Aug 2025"),
        ("28 серпня 2025 р.", D(2025, 8, 28), D(2025, 8, 28), True, "28 Aug 2025"),
        ("серпень 2025", D(2025, 8, 1), D(2025, 8, 31), True, "Aug 2025"),
        ("Серпень", D(2000, 8, 1), D(2000, 8, 31), False, "Aug"),
        ("з 20 серпня", D(2000, 8, 20), D(2000, 12, 31), False, "since 20 Aug"),
        ("від 20 серпня 2025", D(2025, 8, 20), MAX, True, "since 20 Aug 2025"),
        ("після 28 серпня 2025", D(2025, 8, 29), MAX, True, "after 28 Aug 2025"),
        ("до липня 2025", MIN, D(2025, 7, 31), True, "until Jul 2025"),
        ("з 9 по 17 серпня", D(2000, 8, 9), D(2000, 8, 17), False, "9–17 Aug"),
        ("між 9 і 17 серпня 2025", D(2025, 8, 9), D(2025, 8, 17), True, "9–17 Aug 2025"),
        ("9–17 серп. 2025", D(2025, 8, 9), D(2025, 8, 17), True, "9–17 Aug 2025"),
        ("листопад 2024", D(2024, 11, 1), D(2024, 11, 30), True, "Nov 2024"),
        ("1 березня", D(2000, 3, 1), D(2000, 3, 1), False, "1 Mar"),
        ("серпна 5", D(2000, 8, 5), D(2000, 8, 5), False, "5 Aug"),  # a typo
        ("28 августа 2025", D(2025, 8, 28), D(2025, 8, 28), True, "28 Aug 2025"),
        ("август 2025", D(2025, 8, 1), D(2025, 8, 31), True, "Aug 2025"),
        ("с 20 августа", D(2000, 8, 20), D(2000, 12, 31), False, "since 20 Aug"),
        ("1 мая", D(2000, 5, 1), D(2000, 5, 1), False, "1 May"),
        ("после 1 марта 2025", D(2025, 3, 2), MAX, True, "after 1 Mar 2025"),
    ],
)
def test_ukrainian_and_russian_month_names(
    text: str, first: dt.date, last: dt.date, year_given: bool, label: str
) -> None:
    query = parse_date_query(text, today=TODAY)
    assert (query.first, query.last, query.year_given, query.label) == (
        first,
        last,
        year_given,
        label,
    )


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("сьогодні", "today (3 Sep 2025)"),
        ("вчора", "yesterday (2 Sep 2025)"),
        ("минулого тижня", "last week (25–31 Aug 2025)"),
        ("цього місяця", "this month (Sep 2025)"),
        ("в прошлом месяце", "last month (Aug 2025)"),
        ("з минулого тижня", "since last week (25–31 Aug 2025)"),
    ],
)
def test_ukrainian_and_russian_clock_words(text: str, label: str) -> None:
    assert parse_date_query(text, today=TODAY).label == label


@pytest.mark.parametrize("text", ["серпнище", "лю 5", "since", "since banana", "з", "tomorrow"])
def test_unreadable_words_are_refused_politely(text: str) -> None:
    with pytest.raises(QueryError, match=r"^Sorry"):
        parse_date_query(text, today=TODAY)


@pytest.mark.parametrize(
    "text",
    ["03/07/2025", "since 2025-08-20", "until Aug 2025", "Aug 28", "Jun - Aug 2025", "2024-2025"],
)
def test_canonical_text_reads_back_as_the_same_range(text: str) -> None:
    query = parse_date_query(text)
    again = parse_date_query(canonical_text(query))
    assert (again.first, again.last, again.precision, again.year_given) == (
        query.first,
        query.last,
        query.precision,
        query.year_given,
    )
    assert not again.ambiguous


def test_today_in_a_zone() -> None:
    late = dt.datetime(2025, 8, 31, 22, 30, tzinfo=dt.UTC)
    assert today_in("UTC", late) == D(2025, 8, 31)
    assert today_in("Europe/Kyiv", late) == D(2025, 9, 1)
    assert today_in("America/New_York", late) == D(2025, 8, 31)
    with pytest.raises(QueryError, match="time zone"):
        today_in("Mars/Olympus", late)


OPENERS = ["since", "from", "after", "before", "until", "з", "після", "до", "", "between"]
ENDS = [
    "Aug 20",
    "2025-08-20",
    "03/07/2025",
    "July",
    "серпня",
    "last week",
    "today",
    "Jan",
    "31 Dec",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(OPENERS),
    st.sampled_from(ENDS),
    st.sampled_from(["", " - ", " to ", " and ", " – "]),
    st.sampled_from(["", *ENDS]),
    st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)),
    st.sampled_from(["dmy", "mdy", "ymd"]),
)
def test_combined_forms_give_a_sane_query_or_a_query_error(
    opener: str, left: str, joiner: str, right: str, today: dt.date, order: str
) -> None:
    text = f"{opener} {left}{joiner}{right}"
    try:
        query = parse_date_query(text, today=today, date_order=order)  # type: ignore[arg-type]
    except QueryError as err:
        assert str(err).startswith("Sorry")
        return
    assert query.label
    if query.year_given or query.open_start or query.open_end:
        assert query.first <= query.last
    if query.ambiguous:
        assert query.other_reading is not None
        assert not parse_date_query(query.other_reading).ambiguous
