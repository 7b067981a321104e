"""Date lookup: passages dated inside a day range, in corpus order.

Only passages dated to a day match a day range; a month (or year) query also takes passages
dated only to a month inside it (and a year query those dated only to that year). Undated
passages never match. Without a year the month/day range matches every year, wrapping at
the year's end. With no hits, the nearest days that have passages are offered.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from corpus.budget import Deadline
from corpus.errors import QueryError
from corpus.lookup.date_query import DateOrder, parse_date_query
from corpus.lookup.filters import date_clause, resolve_filters, with_filters
from corpus.model import DateQuery, DateResult, Hit
from corpus.query_syntax import KEY_RE, ParsedQuery, SyntaxProblem, parse_search_query
from corpus.store import PASSAGE_SELECT, Store, passage_from_row, search_page

NEAREST = 3
_YEAR_DAYS = 366  # the placeholder year 2000 is a leap year


def _md(day: dt.date) -> int:
    return day.month * 100 + day.day


def _ymd(day: dt.date) -> int:
    return day.year * 10000 + _md(day)


def undated_day_conditions(query: DateQuery) -> list[tuple[str, list[object]]]:
    """SQL conditions for the passages dated only to a month (or year) that a month (or
    year) query takes, each written so SQLite reads a partial index (on month, on year)
    rather than every passage; none for a day query."""
    first, last = query.first, query.last
    if query.precision not in ("month", "year"):
        return []
    month_only = "day IS NULL AND month IS NOT NULL AND month BETWEEN ? AND ?"
    if not query.year_given:
        if first.month <= last.month:
            return [(month_only, [first.month, last.month])]
        return [(month_only, [first.month, 12]), (month_only, [1, last.month])]
    low, high = (first.month, last.month) if first.year == last.year else (1, 12)
    yms = [first.year * 100 + first.month, last.year * 100 + last.month]
    found: list[tuple[str, list[object]]] = [
        (f"{month_only} AND +ym BETWEEN ? AND ?", [low, high, *yms])
    ]
    if query.precision == "year":
        found.append(("month IS NULL AND year BETWEEN ? AND ?", [first.year, last.year]))
    return found


def days_in(
    query: DateQuery,
    days: Sequence[tuple[dt.date, int]],
    memo: dict[str, Any] | None = None,
) -> list[int]:
    """The `ymd` of every day with passages inside the query's range, in date order (`memo`:
    the index's, where the days grouped by month and day are kept)."""
    if query.year_given:
        lo = bisect.bisect_left(days, (query.first, 0))
        hi = bisect.bisect_right(days, (query.last, _MAX_COUNT))
        return [_ymd(day) for day, _ in days[lo:hi]]
    by_md = memo.get("days_by_md") if memo is not None else None
    if by_md is None:
        by_md = days_by_md(days)
        if memo is not None:
            memo["days_by_md"] = by_md
    first, last = _md(query.first), _md(query.last)
    if first <= last:
        keys = [md for md in by_md if first <= md <= last]
    else:
        keys = [md for md in by_md if md >= first or md <= last]
    return sorted(ymd for md in keys for ymd in by_md[md])


def days_by_md(days: Sequence[tuple[dt.date, int]]) -> dict[int, list[int]]:
    """The days with passages grouped by month and day (`md`)."""
    by_md: dict[int, list[int]] = {}
    for day, _ in days:
        by_md.setdefault(_md(day), []).append(_ymd(day))
    return by_md


def dated_seqs(
    db: sqlite3.Connection,
    query: DateQuery,
    days: Sequence[tuple[dt.date, int]],
    limit: int,
    memo: dict[str, Any] | None = None,
    deadline: Deadline | None = None,
) -> list[int]:
    """The first `limit` seqs (corpus order) of the passages the query asks for
    (`LookupTimeout` when `deadline` is spent between two batches of days).

    The days with passages in the range are read as one UNION ALL of per-day lookups on the
    `ymd` index, each already in seq order, which SQLite merges lazily: a month reads about
    `limit` index entries rather than every passage in it, and sorts nothing."""
    if limit <= 0:
        return []
    kept: list[int] = []
    values = days_in(query, days, memo)
    for first in range(0, len(values), MERGE_DAYS):
        if deadline is not None:
            deadline.check()
        chunk = values[first : first + MERGE_DAYS]
        sql = " UNION ALL ".join([_DAY] * len(chunk)) + " ORDER BY 1 LIMIT ?"
        found = [seq for (seq,) in db.execute(sql, (*chunk, limit))]
        kept = heapq.nsmallest(limit, kept + found) if kept else found
    for condition, params in undated_day_conditions(query):
        sql = f"SELECT seq FROM passages WHERE {condition} ORDER BY seq LIMIT ?"
        found = [seq for (seq,) in db.execute(sql, (*params, limit))]
        if found:
            kept = heapq.nsmallest(limit, kept + found)
    return kept


_MAX_COUNT = 1 << 62
MERGE_DAYS = 400  # SQLite allows 500 SELECTs in one compound
_DAY = "SELECT seq FROM passages WHERE ymd = ?"


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


def count_dated(
    db: sqlite3.Connection,
    query: DateQuery,
    days: Sequence[tuple[dt.date, int]],
    memo: dict[str, Any] | None = None,
) -> int:
    """How many passages the query asks for (what `dated_seqs` would list without a limit):
    the per-day counts kept with the index, and a COUNT for those dated only to a month."""
    per_day: dict[int, int] | None = memo.get("per_day") if memo is not None else None
    if per_day is None:
        per_day = {_ymd(day): n for day, n in days}
        if memo is not None:
            memo["per_day"] = per_day
    total = sum(per_day.get(v, 0) for v in days_in(query, days, memo))
    for condition, params in undated_day_conditions(query):
        (n,) = db.execute(f"SELECT count(*) FROM passages WHERE {condition}", params).fetchone()
        total += int(n)
    return total


def read_date_query(
    text: str, today: dt.date | None, date_order: DateOrder
) -> tuple[DateQuery, ParsedQuery | None]:
    """The date `text` names, and the rest of the search (filters, words) when it has any."""
    try:
        return parse_date_query(text, today=today, date_order=date_order), None
    except QueryError:
        if not KEY_RE.search(text):
            raise
    parsed = parse_search_query(text, today=today, date_order=date_order)
    if isinstance(parsed, SyntaxProblem):
        raise QueryError(parsed.message)
    if parsed.words:
        query = parse_date_query(" ".join(parsed.words), today=today, date_order=date_order)
        parsed = replace(parsed, words=(), residual="")
    elif parsed.dates is not None:
        query = parsed.dates
        parsed = replace(parsed, dates=None)
    else:
        raise QueryError(NO_DATE)
    return query, parsed


NO_DATE = "Sorry, that names no date. Try /date 2025-08-28, /date since Aug 20 by:Rutte."


async def find_date(
    store: Store,
    text: str,
    limit: int,
    *,
    today: dt.date | None = None,
    date_order: DateOrder = "dmy",
    deadline: Deadline | None = None,
) -> DateResult:
    """Passages dated inside the range `text` names (with any `by:`/`in:` filters), in corpus
    order, with how many there are in all; `QueryError` when it names no date."""
    query, rest = read_date_query(text, today, date_order)
    if rest is not None and (rest.speakers or rest.sources or rest.phrases or rest.excluded):
        filters = resolve_filters(store, rest)
        tq = with_filters(date_clause(store.schema, query), filters)
        ranked, total = search_page(store, tq, limit, by_seq=True)
        seqs = [seq for _, seq, _ in ranked]
        said = filters.said
    else:
        seqs = dated_seqs(store.db, query, store.days, limit, store.memo, deadline)
        total = count_dated(store.db, query, store.days, store.memo) if seqs else 0
        said = ()
    hits: tuple[Hit, ...] = ()
    if seqs:
        # `seq IN` walks the rowids in order, so the rows come back in corpus order.
        sql = f"{PASSAGE_SELECT} WHERE seq IN ({', '.join('?' * len(seqs))}) ORDER BY seq"
        hits = tuple(Hit(passage_from_row(row), 100.0) for row in store.db.execute(sql, seqs))
    nearest = () if hits else nearest_days(query, store.days)
    return DateResult(query, hits, nearest, total=max(total, len(hits)), said=said)
