"""The read side of the on-disk index: the `Store` every lookup uses, the row format, and
the tantivy searches over it.

The SQLite file (`index_path`) holds the passages with every attribute, the per-source
summaries and a `meta` table naming the content hash and the tantivy directory
(`<index name>.tantivy-<hash>`), which holds one document per passage: its `seq`, its
paragraph's offset and the stems of its words (`corpus.normalize.index_terms`).
`corpus.build` writes both; `open_store` opens them only when complete and current.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy

from corpus.model import Passage, PassageDate, SourceFailure, SourceInfo, ThreadRef

FAILED_KEY = "failed_sources"  # meta: the sources left out, [[name, line, message], ...]
FORMAT_VERSION = 5  # 2: url, record, time, utc_offset columns; the records table
# 3: speaker_inferred (issue 11)
# 4: the filter fields (ymd, md, speaker_id, source_id) in tantivy, positions on terms,
#    speakers in meta (issue 13)
# 5: the quote-span flag (an indexed term) and the paragraph's speaker (fast), so exact
#    /topic totals take one posting-list intersection and no SQLite
TERMS_FIELD = "terms"
READ_MMAP_BYTES = 1 << 30  # the read connection maps up to 1 GiB of the SQLite file
SEQ_FIELD = "seq"
PARENT_FIELD = "parent"  # a quote span: its paragraph's seq minus its own; otherwise 0
# Filter fields (issue 13), fast and indexed so by:/in:/since: narrow inside the search:
YMD_FIELD = "ymd"  # yyyymmdd; a month-only date yyyymm00, a year-only yyyy0000; undated 0
MD_FIELD = "md"  # month*100+day of a day-dated passage; otherwise 0
SPEAKER_FIELD = "speaker_id"  # the passage's speaker (a quote span: who is quoted)
SOURCE_FIELD = "source_id"  # the source's place in the config
# Exact totals (issue 13): a paragraph shown as its matching quote spans is counted once.
QUOTE_FIELD = "quote"  # indexed only: 1 on a quote span (its posting list lists them all)
PARENT_SPEAKER_FIELD = "parent_speaker"  # fast only: a quote span's paragraph's speaker id
# (any other passage: its own)
QUOTE_POOL = 1000  # quote spans read with the count in one search; more take a second
SPEAKERS_KEY = "speakers"  # meta: [[name, passages, dated, first ymd, last ymd], ...] by id

PASSAGE_COLUMN_NAMES: tuple[str, ...] = (
    "seq", "id", "source", "start", "end_", "text", "line", "speaker", "kind",
    "year", "month", "day", "inferred", "md", "ymd", "ym",
    "t_number", "t_header_line", "t_tweet_count", "t_read_minutes", "t_position", "t_shown",
    "paragraph", "parent_id", "note", "url", "record", "time", "utc_offset", "speaker_inferred",
)  # fmt: skip
PASSAGE_COLUMNS = ", ".join(PASSAGE_COLUMN_NAMES)
# What a lookup selects: every column but the date keys only the indexes need, in this order.
SELECTED_COLUMNS: tuple[str, ...] = tuple(
    c for c in PASSAGE_COLUMN_NAMES if c not in ("md", "ymd", "ym")
)
# Positions in a `PASSAGE_SELECT` row of the columns a lookup reads before making a `Passage`.
ROW_START, ROW_TEXT, ROW_SOURCE = map(SELECTED_COLUMNS.index, ("start", "text", "source"))
# structured sources (issue 10): each record's decoded text field, which its passages slice
RECORDS_TABLE = (
    "CREATE TABLE records (source TEXT NOT NULL, record TEXT NOT NULL, text TEXT NOT NULL, "
    "PRIMARY KEY (source, record)) WITHOUT ROWID"
)


def tantivy_schema() -> tantivy.Schema:
    """One doc per passage: `seq` (a fast field only) and the pre-stemmed words, space-split."""
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field(SEQ_FIELD, stored=False, indexed=False, fast=True)
    builder.add_integer_field(PARENT_FIELD, stored=False, indexed=False, fast=True)
    builder.add_text_field(TERMS_FIELD, tokenizer_name="whitespace", index_option="position")
    for name in (YMD_FIELD, MD_FIELD, SPEAKER_FIELD, SOURCE_FIELD):
        builder.add_unsigned_field(name, stored=False, indexed=True, fast=True)
    builder.add_unsigned_field(QUOTE_FIELD, stored=False, indexed=True, fast=False)
    builder.add_unsigned_field(PARENT_SPEAKER_FIELD, stored=False, indexed=False, fast=True)
    return builder.build()


def tantivy_dir(index_path: Path, chash: str) -> Path:
    return index_path.with_name(f"{index_path.name}.tantivy-{chash[:20]}")


_DATES: dict[tuple[object, ...], PassageDate] = {}  # few distinct dates: share the objects


def passage_from_row(row: Sequence[object]) -> Passage:
    """A `Passage` from a row selected with `PASSAGE_SELECT` (positional arguments in the
    field order of `Passage`: this runs for every row a lookup shows)."""
    (seq, pid, source, start, end, text, line, speaker, kind, year, month, day, inferred,
     tn, th, tc, tr, tp, ts, paragraph, parent_id, note,
     url, record, clock, offset, inferred_speaker) = row  # fmt: skip
    date = None
    if year is not None:
        key = (year, month, day, inferred, clock, offset)
        date = _DATES.get(key)
        if date is None:
            if len(_DATES) >= 100_000:
                _DATES.clear()
            date = PassageDate(
                year,  # type: ignore[arg-type]
                month,  # type: ignore[arg-type]
                day,  # type: ignore[arg-type]
                bool(inferred),
                dt.time.fromisoformat(clock) if clock else None,  # type: ignore[arg-type]
                offset,  # type: ignore[arg-type]
            )
            _DATES[key] = date
    thread = ThreadRef(tn, th, tc, tr, tp, ts) if tn is not None else None  # type: ignore[arg-type]
    return Passage(
        pid, source, start, end, text, line, speaker, kind,  # type: ignore[arg-type]
        date, thread, paragraph, parent_id, note, seq, url, record,  # type: ignore[arg-type]
        speaker_inferred=bool(inferred_speaker),
    )  # fmt: skip


PASSAGE_SELECT = f"SELECT {', '.join(SELECTED_COLUMNS)} FROM passages"


def _date_json(date: PassageDate | None) -> list[object] | None:
    return None if date is None else [date.year, date.month, date.day, date.year_inferred]


def info_to_json(info: SourceInfo) -> str:
    data = dataclasses.asdict(info)
    data["first_date"] = _date_json(info.first_date)
    data["last_date"] = _date_json(info.last_date)
    return json.dumps(data, ensure_ascii=False)


def _date_from_json(value: list[object] | None) -> PassageDate | None:
    if value is None:
        return None
    year, month, day, inferred = value
    return PassageDate(year, month, day, bool(inferred))  # type: ignore[arg-type]


def info_from_json(text: str) -> SourceInfo:
    data = json.loads(text)
    data["first_date"] = _date_from_json(data["first_date"])
    data["last_date"] = _date_from_json(data["last_date"])
    data["speakers"] = tuple(data["speakers"])
    data["warnings"] = tuple(data["warnings"])
    return SourceInfo(**data)


def source_languages(infos: Iterable[SourceInfo]) -> dict[str, str | None]:
    """Source name -> the language its passages were analysed in (None: folded words only)."""
    return {info.name: info.language for info in infos}


def corpus_languages(infos: Iterable[SourceInfo]) -> tuple[str | None, ...]:
    """Every language the corpus's sources were analysed in, in config order: a query word
    is analysed in each (English when there are no sources)."""
    return tuple(dict.fromkeys(info.language for info in infos)) or ("en",)


@dataclass(frozen=True, slots=True)
class SpeakerInfo:
    """One speaker of the corpus, worked out at build time (meta `speakers`)."""

    name: str
    passages: int
    dated: int
    first: int  # ymd of the earliest dated passage (0: none dated)
    last: int


@dataclass(slots=True)
class Store:
    """An open index: the read-only SQLite connection and the tantivy searcher.

    Lookups read SQLite directly on the thread they run on (a lookup worker's, see
    `corpus.lookup_threads`): each read is a handful of rows by primary key or index (tens
    of microseconds), cheaper than a hop to another thread. The connection is shared by
    the worker threads (Python's sqlite3 is in serialized mode)."""

    db: sqlite3.Connection
    engine: tantivy.Index
    searcher: tantivy.Searcher
    schema: tantivy.Schema
    count: int
    infos: tuple[SourceInfo, ...]
    days: tuple[tuple[dt.date, int], ...]  # every day that has passages, with how many
    shas: dict[str, str]
    chash: str
    directory: Path
    failed: tuple[SourceFailure, ...] = ()  # sources the build could not read, config order
    speakers: tuple[SpeakerInfo, ...] = ()  # by speaker id (the SPEAKER_FIELD value)
    # What lookups work out once per index and keep (the vocabulary, days by month and day):
    # it lives and goes with the index, not in module state.
    memo: dict[str, Any] = field(default_factory=dict)

    async def close(self) -> None:
        self.db.close()

    async def fetch(self, where: str, params: Iterable[object] = ()) -> list[Passage]:
        """Passages matching a SQL condition (and any ORDER/LIMIT that follows it)."""
        rows = self.db.execute(f"{PASSAGE_SELECT} WHERE {where}", tuple(params)).fetchall()
        return [passage_from_row(row) for row in rows]

    async def by_seqs(self, seqs: Sequence[int]) -> dict[int, Passage]:
        found: dict[int, Passage] = {}
        for first in range(0, len(seqs), 500):
            chunk = seqs[first : first + 500]
            marks = ", ".join("?" * len(chunk))
            for p in await self.fetch(f"seq IN ({marks})", chunk):
                found[p.seq] = p
        return found

    def record_text(self, source: str, record: str) -> str | None:
        """The decoded text of one record of a structured source (what its passages slice)."""
        row = self.db.execute(
            "SELECT text FROM records WHERE source = ? AND record = ?", (source, record)
        ).fetchone()
        return None if row is None else str(row[0])

    async def by_ids(self, ids: Sequence[str]) -> dict[str, Passage]:
        found: dict[str, Passage] = {}
        for first in range(0, len(ids), 500):
            chunk = ids[first : first + 500]
            marks = ", ".join("?" * len(chunk))
            for p in await self.fetch(f"id IN ({marks})", chunk):
                found[p.id] = p
        return found


async def open_store(index_path: Path, chash: str) -> Store | None:
    """Open the index when it is complete and built from exactly these sources, else None."""
    if not index_path.is_file():
        return None
    try:
        db = sqlite3.connect(
            index_path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False
        )
    except (sqlite3.Error, OSError):
        return None
    try:
        # Lookups read rows at random: mapped pages skip a read() call per page.
        db.execute(f"PRAGMA mmap_size = {READ_MMAP_BYTES}")
        store = _load(db, index_path, chash)
    except (sqlite3.Error, OSError, ValueError, KeyError, TypeError):
        store = None
    if store is None:
        db.close()
    return store


def _load(db: sqlite3.Connection, index_path: Path, chash: str) -> Store | None:
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("format_version") != str(FORMAT_VERSION) or meta.get("content_hash") != chash:
        return None
    count = int(meta["passages"])
    (last,) = db.execute("SELECT max(seq) FROM passages").fetchone() or (None,)
    if (last if last is not None else -1) != count - 1:
        return None
    directory = index_path.with_name(meta["tantivy_dir"])
    if not directory.is_dir() or not tantivy.Index.exists(str(directory)):
        return None
    schema = tantivy_schema()
    engine = tantivy.Index(schema, path=str(directory), reuse=True)
    searcher = engine.searcher()
    if searcher.num_docs != count:
        return None
    rows = db.execute("SELECT name, sha256, info FROM sources ORDER BY ord").fetchall()
    day_rows = db.execute("SELECT ymd, passages FROM days ORDER BY ymd").fetchall()
    days = tuple((dt.date(v // 10000, v // 100 % 100, v % 100), n) for v, n in day_rows)
    return Store(
        db=db,
        engine=engine,
        searcher=searcher,
        schema=schema,
        count=count,
        infos=tuple(info_from_json(info) for _, _, info in rows),
        days=days,
        shas={name: sha for name, sha, _ in rows},
        chash=chash,
        directory=directory,
        failed=tuple(
            SourceFailure(str(name), line, str(message))
            for name, line, message in json.loads(meta.get(FAILED_KEY, "[]"))
        ),
        speakers=tuple(SpeakerInfo(*row) for row in json.loads(meta.get(SPEAKERS_KEY, "[]"))),
    )


def search_seqs(store: Store, query: tantivy.Query, limit: int) -> list[tuple[float, int]]:
    """(BM25 score, seq) of the best documents for a tantivy query."""
    return [(score, seq) for score, seq, _ in search_parents(store, query, limit)]


def search_parents(store: Store, query: tantivy.Query, limit: int) -> list[tuple[float, int, int]]:
    """(BM25 score, seq, seq of its paragraph or -1) of the best documents for a query."""
    if limit <= 0:
        return []
    result = store.searcher.search(query, limit, count=False)
    if not result.hits:
        return []
    addresses = [addr for _, addr in result.hits]
    seqs = store.searcher.fast_field_values(SEQ_FIELD, addresses)
    offsets = store.searcher.fast_field_values(PARENT_FIELD, addresses)
    return [
        (float(score), int(seq), int(seq) + int(off) if off else -1)  # type: ignore[arg-type]
        for (score, _), seq, off in zip(result.hits, seqs, offsets, strict=True)
    ]


def search_page(
    store: Store, query: tantivy.Query, limit: int, offset: int = 0, *, by_seq: bool = False
) -> tuple[list[tuple[float, int, int]], int]:
    """(score, seq, paragraph seq or -1) of the hits `offset`..`offset+limit` (best first, or
    in corpus order with `by_seq`) and how many documents match in all (one pass)."""
    if by_seq:
        result = store.searcher.search(
            query, max(limit, 1), count=True, order_by_field=SEQ_FIELD, offset=offset,
            order=tantivy.Order.Asc,
        )  # fmt: skip
    else:
        result = store.searcher.search(query, max(limit, 1), count=True, offset=offset)
    total = int(result.count or 0)  # type: ignore[attr-defined]
    if limit <= 0 or not result.hits:
        return [], total
    addresses = [addr for _, addr in result.hits]
    seqs = store.searcher.fast_field_values(SEQ_FIELD, addresses)
    offsets = store.searcher.fast_field_values(PARENT_FIELD, addresses)
    return [
        (float(key) if not by_seq else 1.0, int(seq), int(seq) + int(off) if off else -1)  # type: ignore[arg-type]
        for (key, _), seq, off in zip(result.hits, seqs, offsets, strict=True)
    ], total


def fast_values(store: Store, query: tantivy.Query, field_name: str) -> list[int]:
    """The `field_name` fast value of every document matching `query` (e.g. dates to bucket)."""
    result = store.searcher.search(query, max(store.count, 1), count=False)
    addresses = [addr for _, addr in result.hits]
    return [int(v) for v in store.searcher.fast_field_values(field_name, addresses)]  # type: ignore[arg-type]


def distinct_total(
    store: Store, query: tantivy.Query, total: int, *, speaker_ids: Sequence[int] = ()
) -> int:
    """How many passages a list of the `total` documents matching `query` shows: a paragraph
    one of whose quote spans also matches is shown as its quotes (`corpus.lookup.topic`), so
    it is not counted. A quote span's words, source and date are its paragraph's, so its
    paragraph matches too, unless a speaker filter (`speaker_ids`, the `by:` speakers) tells
    them apart: then the paragraph matches when its speaker is one of them (read beside the
    quote, `PARENT_SPEAKER_FIELD`). The matching quote spans are found by intersecting
    `query` with the quote flag's posting list, counted and (up to `QUOTE_POOL`) read in one
    search. The caller leaves exclusions out (a paragraph may hold the word its quote lacks)."""
    flag = tantivy.Query.term_query(store.schema, QUOTE_FIELD, 1)
    quotes = tantivy.Query.const_score_query(
        tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, flag)]),
        1.0,
    )
    result = store.searcher.search(quotes, QUOTE_POOL, count=True)
    found = int(result.count or 0)  # type: ignore[attr-defined]
    if not found:
        return total
    if found > QUOTE_POOL:
        result = store.searcher.search(quotes, found, count=False)
    addresses = [addr for _, addr in result.hits]
    seqs = store.searcher.fast_field_values(SEQ_FIELD, addresses)
    offsets = store.searcher.fast_field_values(PARENT_FIELD, addresses)
    paragraphs = [int(s) + int(o) for s, o in zip(seqs, offsets, strict=True)]  # type: ignore[arg-type]
    if speaker_ids:
        wanted = set(speaker_ids)
        speakers = store.searcher.fast_field_values(PARENT_SPEAKER_FIELD, addresses)
        paragraphs = [p for p, who in zip(paragraphs, speakers, strict=True) if who in wanted]
    return total - len(set(paragraphs))
