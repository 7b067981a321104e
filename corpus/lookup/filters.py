"""The filters of a search (`by:`, `in:`, `since:`/`until:`…) as tantivy clauses.

Each filter becomes a MUST clause beside the words, over the fast indexed fields the build
writes (`corpus.store`: ymd, md, speaker_id, source_id), so a filter narrows the search
itself: a filtered search costs what the filter leaves, not what the words find.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import tantivy

from corpus.errors import QueryError
from corpus.model import DateQuery
from corpus.query_syntax import ParsedQuery
from corpus.speaker_match import fold_name, fold_names, match_speaker
from corpus.store import MD_FIELD, SOURCE_FIELD, SPEAKER_FIELD, YMD_FIELD, Store

NO_SPEAKER = "Sorry, no speaker matches “{name}”. /speakers lists every speaker."
NO_SOURCE = "Sorry, no source matches “{name}”. /sources lists them."


@dataclass(frozen=True, slots=True)
class Filters:
    """MUST clauses to add to a search, and how the reply restates them."""

    clauses: tuple[tantivy.Query, ...] = ()
    said: tuple[str, ...] = ()  # e.g. `by Mark Rutte`, `in rutte.txt`, `since 20 Aug 2025`
    speaker_ids: tuple[int, ...] = ()  # the speakers `by:` names (none: no speaker filter)

    @property
    def any(self) -> bool:
        return bool(self.clauses)


def speaker_ids(store: Store, names: Sequence[str]) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """The ids and names of the speakers `by:` values name (any of them); QueryError when one
    names no speaker."""
    known: tuple[dict[str, str], dict[str, int]] | None = store.memo.get("speaker_names")
    if known is None:  # folded once per index: hundreds of names on every by: cost 1 ms
        names_of = [s.name for s in store.speakers]
        known = (fold_names(names_of), {n: i for i, n in reversed(list(enumerate(names_of)))})
        store.memo["speaker_names"] = known
    folded, id_of = known
    ids: list[int] = []
    for name in names:
        found = match_speaker(name, folded)
        if not found.candidates:
            raise QueryError(NO_SPEAKER.format(name=name))
        ids += [id_of[c.name] for c in found.candidates]
    unique = tuple(dict.fromkeys(ids))
    return unique, tuple(store.speakers[i].name for i in unique)


def source_ids(store: Store, names: Sequence[str]) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """The config places of the sources `in:` values name (file name or title, any part)."""
    rows: list[tuple[int, str]] | None = store.memo.get("source_ords")
    if rows is None:
        rows = [(int(o), str(n)) for o, n in store.db.execute("SELECT ord, name FROM sources")]
        store.memo["source_ords"] = rows
    titles = {info.name: info.title or "" for info in store.infos}
    ids: list[int] = []
    shown: list[str] = []
    for name in names:
        want = fold_name(name)
        exact = [(o, n) for o, n in rows if want in (fold_name(n), fold_name(titles.get(n, "")))]
        found = exact or [
            (o, n)
            for o, n in rows
            if want and (want in fold_name(n) or want in fold_name(titles.get(n, "")))
        ]
        if not found:
            raise QueryError(NO_SOURCE.format(name=name))
        for o, n in found:
            if o not in ids:
                ids.append(o)
                shown.append(n)
    return tuple(ids), tuple(shown)


def any_term(schema: tantivy.Schema, name: str, values: Sequence[int]) -> tantivy.Query:
    """The documents holding one of `values` in an indexed field, scored a constant 1 (as a
    term set is): a union of their posting lists, which the words' lists are intersected
    with (a term set query reads its every document into a bitset first)."""
    terms = [
        tantivy.Query.const_score_query(tantivy.Query.term_query(schema, name, v), 1.0)
        for v in values
    ]
    if len(terms) == 1:
        return terms[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in terms])


def _ymd(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def date_clause(schema: tantivy.Schema, q: DateQuery) -> tantivy.Query:
    """The passages dated inside the range: with a year a range on ymd (a month or year
    query also takes passages dated only to that month or year), without one a range (or
    two, across New Year) on md."""
    unsigned = tantivy.FieldType.Unsigned
    if q.year_given:
        lo = None if q.open_start else _ymd(q.first)
        hi = None if q.open_end else _ymd(q.last)
        if lo is not None and q.precision != "day" and q.first.day == 1:
            # a month query also takes yyyymm00 (dated to the month), a year query yyyy0000
            lo = q.first.year * 10000 + (0 if q.precision == "year" else q.first.month * 100)
        if lo is None:
            lo = 1  # undated passages hold 0
        return tantivy.Query.range_query(schema, YMD_FIELD, unsigned, lo, hi)
    first = q.first.month * 100 + q.first.day
    last = q.last.month * 100 + q.last.day
    if first <= last:
        return tantivy.Query.range_query(schema, MD_FIELD, unsigned, first, last)
    return tantivy.Query.boolean_query(
        [
            (
                tantivy.Occur.Should,
                tantivy.Query.range_query(schema, MD_FIELD, unsigned, first, 1231),
            ),
            (
                tantivy.Occur.Should,
                tantivy.Query.range_query(schema, MD_FIELD, unsigned, 101, last),
            ),
        ]
    )


def resolve_filters(store: Store, parsed: ParsedQuery) -> Filters:
    """The tantivy clauses of the query's filters; QueryError when a name matches nothing."""
    clauses: list[tantivy.Query] = []
    said: list[str] = []
    speakers: tuple[int, ...] = ()
    if parsed.speakers:
        ids, names = speaker_ids(store, parsed.speakers)
        speakers = ids
        clauses.append(any_term(store.schema, SPEAKER_FIELD, ids))
        said.append("by " + " or ".join(names))
    if parsed.sources:
        ids, names = source_ids(store, parsed.sources)
        clauses.append(any_term(store.schema, SOURCE_FIELD, ids))
        said.append("in " + " or ".join(names))
    if parsed.dates is not None:
        clauses.append(date_clause(store.schema, parsed.dates))
        said.append(parsed.dates.label)
    return Filters(tuple(clauses), tuple(said), speakers)


def speaker_clause(store: Store, speaker_id: int) -> tantivy.Query:
    return tantivy.Query.term_query(store.schema, SPEAKER_FIELD, speaker_id)


def with_filters(query: tantivy.Query, filters: Filters) -> tantivy.Query:
    """`query` and every filter (all MUST)."""
    if not filters.clauses:
        return query
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, query), *((tantivy.Occur.Must, c) for c in filters.clauses)]
    )
