"""Date expressions users type: a day, a month, a year or a range, typo-tolerant on month names.

`parse_date_query` turns `Aug 28`, `28.08.2025`, `agust 28`, `Aug 9-17`, `Jun - Aug 2025`
into a `DateQuery` (an inclusive range of days), or raises `QueryError` with examples.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from rapidfuzz.distance import OSA

from corpus.errors import QueryError
from corpus.model import MONTH_ABBR, MONTH_NAMES, DatePrecision, DateQuery

PLACEHOLDER_YEAR = 2000  # a leap year, so `Feb 29` without a year is a real day
MAX_QUERY_CHARS = 100
EXAMPLES = "Aug 28, 28 August 2025, 2025-08-28, 28.08.2025, August 2025, 2025, Aug 9 - Aug 17"
_FILLER = """on in of the from between since date dates day days month year week mon tue tues
    wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday"""
FILLER_WORDS = frozenset(_FILLER.split())
RANGE_WORDS = re.compile(r"\s+(?:to|until|till|through|thru|and)\s+|\.\.")
DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‒": "-", "‐": "-", "‑": "-"})
ISO = re.compile(r"(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?:(?P=sep)(?P<d>[0-9]{1,2}))?")
NUMERIC = re.compile(r"(?P<a>[0-9]{1,2})(?P<sep>[-./])(?P<b>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4})")
TOKEN = re.compile(r"[0-9]+(?:st|nd|rd|th)?|[^\W\d_]+|\S")
DAY_NUMBER = re.compile(r"(?P<n>[0-9]{1,2})(?:st|nd|rd|th)?")


@dataclass(frozen=True, slots=True)
class Point:
    """One end of a date expression, as far as the user named it."""

    year: int | None = None
    month: int | None = None
    day: int | None = None


class NotADate(ValueError):
    """Internal: this piece of text is no date (turned into a QueryError at the top)."""


def match_month(word: str) -> int | None:
    """A month from a name, an abbreviation or a typo of one (`agust`, `Setpember`)."""
    word = word.lower().rstrip(".")
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


def parse_point(text: str) -> Point:
    """One date: ISO, `D.M.YYYY`, `D/M/YYYY`, or words (`28 August 2025`, `Aug 28th`)."""
    text = text.strip().strip(",")
    if found := ISO.fullmatch(text):
        day = int(found["d"]) if found["d"] else None
        return Point(int(found["y"]), int(found["m"]), day)
    if found := NUMERIC.fullmatch(text):
        first, second = int(found["a"]), int(found["b"])
        if second > 12 >= first and found["sep"] == "/":
            first, second = second, first  # 08/28/2025: unambiguous month first
        return Point(int(found["y"]), second, first)
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


def split_range(text: str) -> tuple[Point, Point] | None:
    """Two points joined by `-`, `..`, `to`, `until`; None when the text is a single point."""
    for found in RANGE_WORDS.finditer(text):
        return parse_point(text[: found.start()]), parse_point(text[found.end() :])
    for index in [i for i, char in enumerate(text) if char == "-"]:
        try:
            return parse_point(text[:index]), parse_point(text[index + 1 :])
        except NotADate:
            continue
    return None


def complete(left: Point, right: Point) -> tuple[Point, Point]:
    """Share what one end names with the other: `Aug 9-17`, `9-17 Aug 2025`, `Jun - Aug 2025`."""
    if left.month is None and left.day is not None and right.month is not None:
        left = replace(left, month=right.month)
    if right.month is None and right.day is not None and left.month is not None:
        right = replace(right, month=left.month)
    if left.year is None and (left.month is not None or left.day is not None):
        left = replace(left, year=right.year)
    if right.year is None and (right.month is not None or right.day is not None):
        right = replace(right, year=left.year)
    return left, right


def bounds(point: Point) -> tuple[dt.date, dt.date]:
    """The first and last day a point covers (a day, a month or a year)."""
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


def precision_of(*points: Point) -> DatePrecision:
    if any(p.day is not None for p in points):
        return "day"
    if any(p.month is not None for p in points):
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


def order_range(left: Point, right: Point, year_given: bool) -> tuple[dt.date, dt.date]:
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


def parse_date_query(text: str) -> DateQuery:
    """A day, month, year or range from what a user typed; `QueryError` with examples if not."""
    if not isinstance(text, str) or not text.strip():
        raise refuse("", "it is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise refuse("", f"it is longer than {MAX_QUERY_CHARS} characters")
    if any(not (char.isprintable() or char.isspace()) for char in text):
        raise refuse("", "it holds control characters")
    cleaned = " ".join(text.translate(DASHES).lower().split())
    try:
        ends = split_range(cleaned) if not is_single(cleaned) else None
        left, right = complete(*ends) if ends else (parse_point(cleaned),) * 2
        year_given = left.year is not None or right.year is not None
        first, last = order_range(left, right, year_given)
    except NotADate as err:
        raise refuse(text, "no such date or no date at all") from err
    except ValueError as err:  # e.g. Feb 30: the calendar has no such day
        raise refuse(text, "that day does not exist") from err
    precision = precision_of(left, right)
    return DateQuery(
        text=text,
        first=first,
        last=last,
        year_given=year_given,
        precision=precision,
        label=label_for(first, last, precision, year_given),
    )


def is_single(text: str) -> bool:
    """True when the whole text parses as one point (so `2025-08-28` is no range)."""
    try:
        parse_point(text)
    except NotADate:
        return False
    return True
