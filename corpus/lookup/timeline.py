"""How often a topic comes up over time: its matches bucketed per ISO week or per month.

The counts come from the topic search itself (`topic.topic_dates`: the `ymd` fast value of
every match), so they add up, with `undated`, to the total `/topic` reports for the same
words. A passage whose date has no month (a year alone, or none) is counted as undated.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.budget import Deadline
from corpus.lookup.date_query import DateOrder
from corpus.lookup.topic import topic_dates
from corpus.lookup.topic_query import Synonyms
from corpus.store import Store

WEEKS_AT_MOST = 26  # a dated span up to this many weeks (all days known) is shown per week
CHECK_EVERY = 65_536  # matches bucketed between two looks at the time budget


@dataclass(frozen=True, slots=True)
class Period:
    label: str  # `2025-08` (a month) or `2025-W34` (an ISO week)
    first: dt.date
    last: dt.date
    count: int


@dataclass(frozen=True, slots=True)
class Timeline:
    query: str
    unit: str  # "week" | "month"
    series: tuple[Period, ...]  # in time order, every period from the first to the last
    undated: int  # matches with no known month
    said: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return sum(p.count for p in self.series) + self.undated

    @property
    def peak(self) -> Period | None:
        return max(self.series, key=lambda p: p.count, default=None)


def bucket(
    values: Iterable[int], deadline: Deadline | None = None
) -> tuple[str, tuple[Period, ...], int]:
    """(unit, periods, undated) of `ymd` values (yyyymmdd; yyyymm00 a month; 0 undated).
    `LookupTimeout` when `deadline` is spent first (counts that add up are all or nothing)."""
    deadline = deadline or Deadline()
    days: list[dt.date] = []
    months: list[tuple[int, int]] = []
    undated = 0
    for i, v in enumerate(values):
        if i % CHECK_EVERY == 0:
            deadline.check()
        y, m, d = v // 10000, v // 100 % 100, v % 100
        if not y or not m:
            undated += 1
        elif d:
            days.append(dt.date(y, m, d))
        else:
            months.append((y, m))
    if not days and not months:
        return "month", (), undated
    if not months and (max(days) - min(days)).days <= 7 * WEEKS_AT_MOST:
        return "week", _weeks(days), undated
    return "month", _months(months + [(d.year, d.month) for d in days]), undated


def _weeks(days: list[dt.date]) -> tuple[Period, ...]:
    counts = Counter(d - dt.timedelta(days=d.weekday()) for d in days)
    start, end = min(counts), max(counts)
    found = []
    while start <= end:
        y, w, _ = start.isocalendar()
        found.append(Period(f"{y}-W{w:02d}", start, start + dt.timedelta(days=6), counts[start]))
        start += dt.timedelta(days=7)
    return tuple(found)


def _months(months: list[tuple[int, int]]) -> tuple[Period, ...]:
    counts = Counter(months)
    (y, m), end = min(counts), max(counts)
    found = []
    while (y, m) <= end:
        nxt = (y + 1, 1) if m == 12 else (y, m + 1)
        last = dt.date(*nxt, 1) - dt.timedelta(days=1)
        found.append(Period(f"{y}-{m:02d}", dt.date(y, m, 1), last, counts[(y, m)]))
        y, m = nxt
    return tuple(found)


async def find_timeline(
    store: Store,
    text: str,
    *,
    synonyms: Synonyms = (),
    today: dt.date | None = None,
    date_order: DateOrder = "dmy",
    deadline: Deadline | None = None,
) -> Timeline:
    """The topic search for `text` (words, phrases, filters as `/topic` reads them) per week
    or month. `QueryError` for a query `/topic` refuses; `LookupTimeout` when `deadline` is
    spent (a partial count would not add up to `/topic`'s total)."""
    deadline = deadline or Deadline()
    values, plan = await topic_dates(
        store, text, synonyms=synonyms, today=today, date_order=date_order, deadline=deadline
    )
    if deadline.cut:
        deadline.check()
    unit, series, undated = bucket(values, deadline)
    return Timeline(text, unit, series, undated, plan.filters.said)
