"""Date lookup: passages dated inside a day range, in corpus order.

Only passages dated to a day match a day range; a month (or year) query also takes passages
dated only to a month inside it (and a year query those dated only to that year). Undated
passages never match. Without a year the month/day range matches every year, wrapping at
the year's end. With no hits, the nearest days that have passages are offered.
"""

from __future__ import annotations

import datetime as dt

from corpus.dates import parse_date_query
from corpus.index import Store
from corpus.model import DateQuery, DateResult, Hit

NEAREST = 3
_YEAR_DAYS = 366  # the placeholder year 2000 is a leap year


def _md(day: dt.date) -> int:
    return day.month * 100 + day.day


def _ymd(day: dt.date) -> int:
    return day.year * 10000 + _md(day)


def date_condition(query: DateQuery) -> tuple[str, list[object]]:
    """The SQL condition selecting the passages a date query asks for."""
    first, last = query.first, query.last
    if query.year_given:
        parts = ["ymd BETWEEN ? AND ?"]
        params: list[object] = [_ymd(first), _ymd(last)]
        if query.precision in ("month", "year"):
            parts.append("(day IS NULL AND ym BETWEEN ? AND ?)")
            params += [first.year * 100 + first.month, last.year * 100 + last.month]
        if query.precision == "year":
            parts.append("(month IS NULL AND year BETWEEN ? AND ?)")
            params += [first.year, last.year]
        return "(" + " OR ".join(parts) + ")", params
    wraps = _md(first) > _md(last)
    joiner = "OR" if wraps else "AND"
    parts = [f"(md >= ? {joiner} md <= ?)"]
    params = [_md(first), _md(last)]
    if query.precision in ("month", "year"):
        month_joiner = "OR" if first.month > last.month else "AND"
        parts.append(
            f"(day IS NULL AND month IS NOT NULL AND (month >= ? {month_joiner} month <= ?))"
        )
        params += [first.month, last.month]
    return "(" + " OR ".join(parts) + ")", params


def _distance(query: DateQuery, day: dt.date) -> tuple[int, bool]:
    """Days from `day` to the query's range, and whether `day` lies before it."""
    if query.year_given:
        if day < query.first:
            return (query.first - day).days, True
        return (day - query.last).days, False
    doy = dt.date(2000, day.month, day.day).toordinal()
    first = dt.date(2000, query.first.month, query.first.day).toordinal()
    last = dt.date(2000, query.last.month, query.last.day).toordinal()
    before, after = (first - doy) % _YEAR_DAYS, (doy - last) % _YEAR_DAYS
    return (before, True) if before <= after else (after, False)


def nearest_days(query: DateQuery, days: tuple[tuple[dt.date, int], ...]) -> tuple[dt.date, ...]:
    """Up to three days with passages closest to the range, from both sides when possible."""
    measured = sorted(
        ((*_distance(query, day), day) for day, _ in days), key=lambda m: (m[0], m[2])
    )
    before = [m for m in measured if m[1]]
    after = [m for m in measured if not m[1]]
    chosen = [side[0] for side in (before, after) if side]
    rest = [m for m in measured if m not in chosen]
    chosen += rest[: NEAREST - len(chosen)]
    return tuple(sorted(m[2] for m in chosen[:NEAREST]))


async def find_dates(store: Store, text: str, limit: int) -> DateResult:
    """Passages dated inside the range `text` names; `QueryError` when it names no date."""
    query = parse_date_query(text)
    condition, params = date_condition(query)
    passages = await store.fetch(f"{condition} ORDER BY seq LIMIT ?", [*params, max(limit, 0)])
    hits = tuple(Hit(p, 100.0) for p in passages)
    nearest = () if hits else nearest_days(query, store.days)
    return DateResult(query, hits, nearest)
