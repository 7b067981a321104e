"""Date expressions users type: a day, a month, a year or a range, typo-tolerant on month names.

`parse_date_query` turns `Aug 28`, `28.08.2025`, `agust 28`, `Aug 9-17`, `Jun - Aug 2025`,
`since Aug 20 2025`, `before July`, `last week`, `28 серпня`, `з 20 серпня`
into a `DateQuery` (an inclusive range of days), or raises `QueryError` with examples.
Relative words are read against the `today` the caller passes (the bot's clock in its zone).
Month names: English, Ukrainian and Russian (nominative and genitive, from Babel's CLDR data).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from babel.dates import get_month_names
from rapidfuzz.distance import OSA

from corpus.errors import QueryError
from corpus.model import MONTH_ABBR, MONTH_NAMES, DatePrecision, DateQuery

PLACEHOLDER_YEAR = 2000  # a leap year, so `Feb 29` without a year is a real day
MAX_QUERY_CHARS = 100
EXAMPLES = "Aug 28, 28 August 2025, 2025-08-28, 28.08.2025, August 2025, 2025, Aug 9 - Aug 17"
FILLER_WORDS = frozenset(
    [
        "on",
        "in",
        "of",
        "the",
        "from",
        "between",
        "since",
        "date",
        "dates",
        "day",
        "days",
        "month",
        "year",
        "week",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "між",
        "между",
        "р",
        "г",
        "рік",
        "року",
        "год",
        "года",
    ]
)
RANGE_WORDS = re.compile(r"\s+(?:to|until|till|through|thru|and|до|по|і|й|та|и)\s+|\.\.")
DateOrder = Literal["dmy", "mdy", "ymd"]  # config `date_order`: how `03/07/2025` is read
DATE_ORDERS: tuple[DateOrder, ...] = ("dmy", "mdy", "ymd")
OpenKind = Literal["since", "after", "before", "until"]
# Words that open a range before the date (`since Aug 20`, `з 20 серпня`) or after it (`onwards`).
OPEN_WORDS: dict[str, OpenKind] = {
    **dict.fromkeys(
        ["starting from", "starting", "since", "from", "not before", "починаючи з", "із", "з"],
        "since",
    ),
    **dict.fromkeys(["починаючи від", "від", "начиная с", "с", "от"], "since"),
    **dict.fromkeys(["after", "після", "после"], "after"),
    **dict.fromkeys(["before", "перед"], "before"),
    **dict.fromkeys(["until", "till", "til", "through", "thru", "up to", "not after"], "until"),
    **dict.fromkeys(["до", "по"], "until"),
}
SUFFIX_WORDS: dict[str, OpenKind] = dict.fromkeys(
    ["onwards", "onward", "and later", "or later", "and after"], "since"
)
OPEN_PREFIX = re.compile(
    "(?P<op>" + "|".join(sorted(OPEN_WORDS, key=len, reverse=True)) + r")\s+(?P<rest>.+)"
)
OPEN_SUFFIX = re.compile(r"(?P<rest>.+?)\s+(?P<op>" + "|".join(SUFFIX_WORDS) + ")")
RelativeName = Literal[
    "today",
    "yesterday",
    "this week",
    "last week",
    "this month",
    "last month",
    "this year",
    "last year",
]
RELATIVE_WORDS: dict[str, RelativeName] = {
    **dict.fromkeys(["today", "сьогодні", "сегодня"], "today"),
    **dict.fromkeys(["yesterday", "вчора", "учора", "вчера"], "yesterday"),
    **dict.fromkeys(
        ["this week", "цього тижня", "цей тиждень", "на цьому тижні", "на этой неделе"],
        "this week",
    ),
    **dict.fromkeys(
        [
            "last week",
            "previous week",
            "минулого тижня",
            "минулий тиждень",
            "на минулому тижні",
            "на прошлой неделе",
            "прошлая неделя",
        ],
        "last week",
    ),
    **dict.fromkeys(
        ["this month", "цього місяця", "цей місяць", "в этом месяце", "этот месяц"], "this month"
    ),
    **dict.fromkeys(
        [
            "last month",
            "previous month",
            "минулого місяця",
            "минулий місяць",
            "в прошлом месяце",
            "прошлый месяц",
        ],
        "last month",
    ),
    **dict.fromkeys(["this year", "цього року", "цей рік", "в этом году", "этот год"], "this year"),
    **dict.fromkeys(
        [
            "last year",
            "previous year",
            "минулого року",
            "минулий рік",
            "в прошлом году",
            "прошлый год",
        ],
        "last year",
    ),
}
DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‒": "-", "‐": "-", "‑": "-"})
ISO = re.compile(r"(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?:(?P=sep)(?P<d>[0-9]{1,2}))?")
NUMERIC = re.compile(r"(?P<a>[0-9]{1,2})(?P<sep>[-./])(?P<b>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4})")
TOKEN = re.compile(r"[0-9]+(?:st|nd|rd|th)?|[^\W\d_]+|\S")
DAY_NUMBER = re.compile(r"(?P<n>[0-9]{1,2})(?:st|nd|rd|th)?")


def read_month_names(locales: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """Every wide and abbreviated month name, nominative and genitive, of the `locales`, from
    Babel's CLDR data (shipped in the package), lower case without the abbreviation's dot."""
    names: set[tuple[str, int]] = set()
    for locale in locales:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    names.add((name.lower().rstrip("."), int(number)))
    return tuple(sorted(names))


# English stays on its own table (`MONTH_NAMES`); these are the other interface languages.
LOCAL_MONTH_NAMES: tuple[tuple[str, int], ...] = read_month_names(("uk", "ru"))


@dataclass(frozen=True, slots=True)
class Point:
    """One end of a date expression, as far as the user named it."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    month_first: bool | None = None  # a numeric `03/07/2025`: how it was read
    ambiguous: bool = False  # ... and whether the other reading is a date too


@dataclass(frozen=True, slots=True)
class Span:
    """One end resolved against the clock (`yesterday`, `last week`): concrete days."""

    first: dt.date
    last: dt.date
    precision: DatePrecision
    label: str


End = Point | Span


class NotADate(ValueError):
    """Internal: this piece of text is no date (turned into a QueryError at the top)."""


class EmptyRange(NotADate):
    """Internal: the words name no day at all (`before Jan` without a year); says why."""


def match_month(word: str) -> int | None:
    """A month from a name, an abbreviation or a typo of one (`agust`, `Setpember`), in
    English, Ukrainian or Russian (`серпня`, `серпень`, `авг`)."""
    word = word.lower().rstrip(".")
    if word and not word.isascii():
        return match_local_month(word)
    if len(word) >= 3:
        prefixed = [n for n, name in enumerate(MONTH_NAMES, 1) if name.startswith(word)]
        if len(prefixed) == 1:
            return prefixed[0]
    if len(word) < 4:
        return None
    allowed = 1 if len(word) <= 5 else 2
    scored = [(OSA.distance(word, name), n) for n, name in enumerate(MONTH_NAMES, 1)]
    best = min(scored)[0]
    closest = [n for distance, n in scored if distance == best]
    return closest[0] if best <= allowed and len(closest) == 1 else None


def match_local_month(word: str) -> int | None:
    """A Ukrainian or Russian month: a unique prefix of 3+ letters, or one edit (two for long
    words) from a single month's names."""
    if len(word) >= 3:
        prefixed = {n for name, n in LOCAL_MONTH_NAMES if name.startswith(word)}
        if len(prefixed) == 1:
            return prefixed.pop()
    if len(word) < 4:
        return None
    allowed = 1 if len(word) <= 5 else 2
    best_by_month: dict[int, int] = {}
    for name, n in LOCAL_MONTH_NAMES:
        distance = OSA.distance(word, name)
        best_by_month[n] = min(distance, best_by_month.get(n, distance))
    best = min(best_by_month.values())
    closest = [n for n, distance in best_by_month.items() if distance == best]
    return closest[0] if best <= allowed and len(closest) == 1 else None


def read_numeric(first: int, second: int, year: int, sep: str, order: DateOrder) -> Point:
    """`D.M.YYYY` is day first; `03/07/2025` (or with `-`) follows `order` and is flagged
    ambiguous; `08/28/2025` and `28/08/2025` have one reading whatever the order."""
    if sep == ".":
        return Point(year, second, first)
    if first > 12 >= second:
        return Point(year, second, first, month_first=False)
    if second > 12 >= first:
        return Point(year, first, second, month_first=True)
    month_first = order != "dmy"  # ymd: month before day, as in 2025/07/03
    month, day = (first, second) if month_first else (second, first)
    return Point(year, month, day, month_first=month_first, ambiguous=first != second)


def parse_point(text: str, order: DateOrder = "dmy") -> Point:
    """One date: ISO, `D.M.YYYY`, `D/M/YYYY`, or words (`28 August 2025`, `Aug 28th`)."""
    text = text.strip().strip(",")
    if found := ISO.fullmatch(text):
        day = int(found["d"]) if found["d"] else None
        return Point(int(found["y"]), int(found["m"]), day)
    if found := NUMERIC.fullmatch(text):
        return read_numeric(int(found["a"]), int(found["b"]), int(found["y"]), found["sep"], order)
    year = month = day = None
    for token in TOKEN.findall(text):
        if token in {",", "."}:
            continue
        if token.isdigit() and len(token) == 4:
            if year is not None:
                raise NotADate(text)
            year = int(token)
        elif found := DAY_NUMBER.fullmatch(token):
            if day is not None:
                raise NotADate(text)
            day = int(found["n"])
        elif token[0].isalpha() and token not in FILLER_WORDS:
            number = match_month(token)
            if number is None or month is not None:
                raise NotADate(text)
            month = number
        elif token not in FILLER_WORDS:
            raise NotADate(text)
    point = Point(year, month, day)
    if point == Point():
        raise NotADate(text)
    return point


def split_range(text: str, read: Callable[[str], End] = parse_point) -> tuple[End, End] | None:
    """Two points joined by `-`, `..`, `to`, `until`; None when the text is a single point."""
    for found in RANGE_WORDS.finditer(text):
        return read(text[: found.start()]), read(text[found.end() :])
    for index in [i for i, char in enumerate(text) if char == "-"]:
        try:
            return read(text[:index]), read(text[index + 1 :])
        except NotADate:
            continue
    return None


def complete(left: End, right: End) -> tuple[End, End]:
    """Share what one end names with the other: `Aug 9-17`, `9-17 Aug 2025`, `Jun - Aug 2025`;
    a year-less end beside a clock word takes its year (`Aug 20 - today`)."""
    if isinstance(left, Span) or isinstance(right, Span):
        if isinstance(left, Point) and left.year is None and isinstance(right, Span):
            left = replace(left, year=right.first.year)
        if isinstance(right, Point) and right.year is None and isinstance(left, Span):
            right = replace(right, year=left.last.year)
        return left, right
    if left.month is None and left.day is not None and right.month is not None:
        left = replace(left, month=right.month)
    if right.month is None and right.day is not None and left.month is not None:
        right = replace(right, month=left.month)
    if left.year is None and (left.month is not None or left.day is not None):
        left = replace(left, year=right.year)
    if right.year is None and (right.month is not None or right.day is not None):
        right = replace(right, year=left.year)
    return left, right


def bounds(point: End) -> tuple[dt.date, dt.date]:
    """The first and last day a point covers (a day, a month or a year)."""
    if isinstance(point, Span):
        return point.first, point.last
    year = point.year if point.year is not None else PLACEHOLDER_YEAR
    if not 1 <= year <= 9999:
        raise NotADate(str(year))
    if point.month is None:
        if point.day is not None or point.year is None:
            raise NotADate("a day without a month")
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not 1 <= point.month <= 12:
        raise NotADate(f"month {point.month}")
    if point.day is None:
        return dt.date(year, point.month, 1), dt.date(
            year, point.month, calendar.monthrange(year, point.month)[1]
        )
    return dt.date(year, point.month, point.day), dt.date(year, point.month, point.day)


def precision_of(*points: End) -> DatePrecision:
    spans = [p.precision for p in points if isinstance(p, Span)]
    named = [p for p in points if isinstance(p, Point)]
    if "day" in spans or any(p.day is not None for p in named):
        return "day"
    if "month" in spans or any(p.month is not None for p in named):
        return "month"
    return "year"


def day_label(day: dt.date, with_year: bool) -> str:
    text = f"{day.day} {MONTH_ABBR[day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


def label_for(first: dt.date, last: dt.date, precision: DatePrecision, year_given: bool) -> str:
    """How the bot restates the query: `28 Aug`, `Aug 2025`, `9–17 Aug 2025`, `Jun–Aug 2025`."""
    suffix = f" {last.year}" if year_given else ""
    if precision == "year":
        return str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
    if precision == "month":
        start, end = MONTH_ABBR[first.month - 1], MONTH_ABBR[last.month - 1]
        if (first.year, first.month) == (last.year, last.month):
            return f"{start}{suffix}"
        if first.year == last.year or not year_given:
            return f"{start}–{end}{suffix}"
        return f"{start} {first.year} – {end} {last.year}"
    if first == last:
        return day_label(first, year_given)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {MONTH_ABBR[first.month - 1]}{suffix}"
    if first.year == last.year or not year_given:
        return f"{day_label(first, False)} – {day_label(last, False)}{suffix}"
    return f"{day_label(first, True)} – {day_label(last, True)}"


def order_range(left: End, right: End, year_given: bool) -> tuple[dt.date, dt.date]:
    """The range's first and last day. A reversed range is swapped; without a year a short
    wrap over New Year (`Dec 30 - Jan 2`) is kept as first > last, whichever is shorter."""
    left_first, left_last = bounds(left)
    right_first, right_last = bounds(right)
    if left_first <= right_last:
        return left_first, right_last
    if not year_given:
        wrap_end = dt.date(PLACEHOLDER_YEAR + 1, right_last.month, min(right_last.day, 28))
        wrapped = (wrap_end - left_first).days
        if wrapped < (left_last - right_first).days:
            return left_first, right_last
    return right_first, left_last


def refuse(text: str, reason: str) -> QueryError:
    shown = text.strip()
    printable = shown.isprintable() and 0 < len(shown) <= 40
    what = f"“{shown}”" if printable else "that"
    return QueryError(f"Sorry, I couldn't read {what} as a date ({reason}). Try e.g. {EXAMPLES}.")


def parse_date_query(
    text: str, *, today: dt.date | None = None, date_order: DateOrder = "dmy"
) -> DateQuery:
    """A day, month, year or range from what a user typed; `QueryError` with examples if not.

    `today` is the clock's date in the bot's zone (`today_in`); UTC now when not given.
    An ambiguous `03/07/2025` is read as `date_order` says, flagged, with the other reading."""
    if not isinstance(text, str) or not text.strip():
        raise refuse("", "it is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise refuse("", f"it is longer than {MAX_QUERY_CHARS} characters")
    if any(not (char.isprintable() or char.isspace()) for char in text):
        raise refuse("", "it holds control characters")
    cleaned = " ".join(text.translate(DASHES).lower().split())
    clock = today if today is not None else dt.datetime.now(dt.UTC).date()
    try:
        query = read_query(cleaned, clock, date_order)
    except EmptyRange as err:
        raise refuse(text, str(err)) from err
    except NotADate as err:
        raise refuse(text, "no such date or no date at all") from err
    except (ValueError, OverflowError) as err:  # e.g. Feb 30: the calendar has no such day
        raise refuse(text, "that day does not exist") from err
    other = None
    if query.ambiguous:
        flipped: DateOrder = "dmy" if query.month_first else "mdy"
        try:
            other = canonical_text(read_query(cleaned, clock, flipped))
        except (ValueError, OverflowError):
            other = None
    return replace(query, text=text, ambiguous=other is not None, other_reading=other)


def read_query(cleaned: str, today: dt.date, order: DateOrder) -> DateQuery:
    """The query for lower-cased, single-spaced text; `NotADate` (or `ValueError`) if none."""

    def read(part: str) -> End:
        return read_end(part, today, order)

    opened = OPEN_PREFIX.fullmatch(cleaned) or OPEN_SUFFIX.fullmatch(cleaned)
    if opened:
        kind, rest = {**OPEN_WORDS, **SUFFIX_WORDS}[opened["op"]], opened["rest"]
        ends = split_range(rest, read) if kind == "since" and not is_single(rest, read) else None
        if ends is None:
            return open_query(kind, read(rest))
        left, right = complete(*ends)
    else:
        ends = split_range(cleaned, read) if not is_single(cleaned, read) else None
        left, right = complete(*ends) if ends else (read(cleaned),) * 2
    year_given = year_named(left) or year_named(right)
    first, last = order_range(left, right, year_given)
    precision = precision_of(left, right)
    month_first, ambiguous = reading_of(left, right)
    if left is right and isinstance(left, Span):
        label = left.label
    else:
        label = label_for(first, last, precision, year_given)
    return DateQuery(
        text=cleaned,
        first=first,
        last=last,
        year_given=year_given,
        precision=precision,
        label=label,
        relative=isinstance(left, Span) or isinstance(right, Span),
        month_first=month_first,
        ambiguous=ambiguous,
    )


def read_end(text: str, today: dt.date, order: DateOrder) -> End:
    """One end of a range: a clock word (`yesterday`, `цього місяця`) or a calendar point."""
    name = RELATIVE_WORDS.get(text.strip().strip(","))
    if name is not None:
        return resolve_relative(name, today)
    return parse_point(text, order)


def year_named(end: End) -> bool:
    return isinstance(end, Span) or end.year is not None


def reading_of(*ends: End) -> tuple[bool | None, bool]:
    """How numeric ends were read: `month_first` (of the first numeric end) and `ambiguous`."""
    numeric = [e for e in ends if isinstance(e, Point) and e.month_first is not None]
    return (numeric[0].month_first if numeric else None), any(e.ambiguous for e in numeric)


def resolve_relative(name: RelativeName, today: dt.date) -> Span:
    """The days a clock word names: ISO weeks (Monday to Sunday), calendar months and years."""
    if name in ("today", "yesterday"):
        day = today - dt.timedelta(days=0 if name == "today" else 1)
        return Span(day, day, "day", f"{name} ({day_label(day, True)})")
    if name in ("this week", "last week"):
        monday = today - dt.timedelta(days=today.weekday() + (7 if name == "last week" else 0))
        sunday = monday + dt.timedelta(days=6)
        return Span(monday, sunday, "day", f"{name} ({label_for(monday, sunday, 'day', True)})")
    if name in ("this month", "last month"):
        first = today.replace(day=1)
        if name == "last month":
            first = (first - dt.timedelta(days=1)).replace(day=1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return Span(first, last, "month", f"{name} ({label_for(first, last, 'month', True)})")
    year = today.year - (1 if name == "last year" else 0)
    return Span(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", f"{name} ({year})")


def open_query(kind: OpenKind, end: End) -> DateQuery:
    """`since X`, `after X`, `before X`, `until X`. With a year the open end is `date.min` or
    `date.max`; without one the range stays inside the year (every year): `since Aug 20` is
    20 Aug - 31 Dec, `before July` 1 Jan - 30 Jun, and `before Jan` names no day."""
    year_given = year_named(end)
    first, last = bounds(end)
    if year_given:
        low, high = dt.date.min, dt.date.max
    else:
        low, high = dt.date(PLACEHOLDER_YEAR, 1, 1), dt.date(PLACEHOLDER_YEAR, 12, 31)
    if kind in ("after", "before") and (last == high if kind == "after" else first == low):
        where = "after" if kind == "after" else "before"
        edge = "31 Dec" if kind == "after" else "1 Jan"
        hint = "" if year_given else ", unless you add a year"
        raise EmptyRange(f"no day comes {where} {edge} within a year{hint}")
    span = {
        "since": (first, high),
        "after": (last + dt.timedelta(days=1), high),
        "until": (low, last),
        "before": (low, first - dt.timedelta(days=1)),
    }[kind]
    precision = precision_of(end)
    month_first, ambiguous = reading_of(end)
    named = end.label if isinstance(end, Span) else label_for(first, last, precision, year_given)
    return DateQuery(
        text="",
        first=span[0],
        last=span[1],
        year_given=year_given,
        precision=precision,
        label=f"{kind} {named}",
        open_start=kind in ("before", "until"),
        open_end=kind in ("since", "after"),
        relative=isinstance(end, Span),
        month_first=month_first,
        ambiguous=ambiguous,
    )


def is_single(text: str, read: Callable[[str], End] = parse_point) -> bool:
    """True when the whole text parses as one point (so `2025-08-28` is no range)."""
    try:
        read(text)
    except NotADate:
        return False
    return True


def canonical_text(query: DateQuery) -> str:
    """A query text that reads back as the same range with no ambiguity (for a button):
    `2025-03-07`, `2025-03..2025-05`, `since 2025-08-20`, `Aug 28`."""

    def point(day: dt.date, end: bool) -> str:
        if query.precision == "year":
            return str(day.year) if query.year_given else MONTH_ABBR[day.month - 1]
        if query.precision == "month":
            month = MONTH_ABBR[day.month - 1]
            return f"{day.year:04d}-{day.month:02d}" if query.year_given else month
        if query.year_given:
            return day.isoformat()
        return f"{MONTH_ABBR[day.month - 1]} {day.day}"

    if query.open_end:
        return f"since {point(query.first, False)}"
    if query.open_start:
        return f"until {point(query.last, True)}"
    first, last = point(query.first, False), point(query.last, True)
    return first if first == last else f"{first}..{last}"


def describe_reading(query: DateQuery) -> str | None:
    """What the bot says about a numeric date: `Read day first (3 Jul 2025); month first it is
    7 Mar 2025.` for an ambiguous one, `Read month first: 28 is no month.` when forced."""
    if query.month_first is None:
        return None
    way = "month first" if query.month_first else "day first"
    if query.ambiguous and query.other_reading:
        other_way = "day first" if query.month_first else "month first"
        other = parse_date_query(query.other_reading).label
        return f"Read {way} ({query.label}); {other_way} it would be {other}."
    return f"Read {way} ({query.label}): the other way round is no date."


def today_in(zone: str = "UTC", now: dt.datetime | None = None) -> dt.date:
    """Today's date in the IANA time zone `zone` (config `timezone`), from `now` (an aware
    datetime; the real clock when None). Unknown zones raise `QueryError`."""
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as err:
        raise QueryError(f"Unknown time zone {zone!r}; use an IANA name like Europe/Kyiv.") from err
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    return moment.astimezone(tz).date()
