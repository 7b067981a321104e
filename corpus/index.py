"""The on-disk index: a SQLite file of sources and passages plus a tantivy directory beside it.

The SQLite file (`index_path`) holds the passages with every attribute, the per-source
summaries and a `meta` table naming the content hash and the tantivy directory
(`<index name>.tantivy-<hash>`), which holds one document per passage: its `seq` and the
stems of its words, tokenized by `corpus.normalize`. A build writes both beside the live
files under temporary names and swaps the SQLite file in with `os.replace`, so a crash
mid-build never leaves a broken index; anything missing, stale or unreadable is rebuilt.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tantivy

from corpus.errors import IndexBuildError, SourceError
from corpus.model import (
    ParsedSource,
    Passage,
    PassageDate,
    SourceInfo,
    SourceSpec,
    ThreadRef,
)
from corpus.normalize import index_terms

FORMAT_VERSION = 1
TERMS_FIELD = "terms"
SEQ_FIELD = "seq"
BATCH = 5000
WRITER_HEAP = 256_000_000
STALE_TMP_SECONDS = 3600.0

Progress = Callable[[int, int], None]

_PASSAGE_COLUMNS = (
    "seq, id, source, start, end_, text, line, speaker, kind, year, month, day, inferred, "
    "md, ymd, ym, t_number, t_header_line, t_tweet_count, t_read_minutes, t_position, "
    "t_shown, paragraph, parent_id, note"
)
_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (ord INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL,
    spec TEXT NOT NULL, info TEXT NOT NULL);
CREATE TABLE passages ({_PASSAGE_COLUMNS.replace("seq", "seq INTEGER PRIMARY KEY", 1)});
CREATE TABLE days (ymd INTEGER PRIMARY KEY, passages INTEGER NOT NULL);
"""
_INDEXES = """
CREATE UNIQUE INDEX passages_id ON passages (id);
CREATE INDEX passages_md ON passages (md) WHERE md IS NOT NULL;
CREATE INDEX passages_ymd ON passages (ymd) WHERE ymd IS NOT NULL;
CREATE INDEX passages_ym ON passages (ym) WHERE ym IS NOT NULL;
CREATE INDEX passages_thread ON passages (source, t_number) WHERE t_number IS NOT NULL;
CREATE INDEX passages_parent ON passages (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX passages_month ON passages (month) WHERE day IS NULL AND month IS NOT NULL;
CREATE INDEX passages_year ON passages (year) WHERE month IS NULL;
"""


@dataclass(frozen=True, slots=True)
class SourceDigest:
    """A configured source's bytes and their SHA-256, read to decide reuse or rebuild."""

    spec: SourceSpec
    sha256: str


def read_digests(specs: Sequence[SourceSpec]) -> tuple[SourceDigest, ...]:
    """Hash every source file; `SourceError` when one cannot be read."""
    digests = []
    for spec in specs:
        try:
            data = spec.path.read_bytes()
        except OSError as err:
            raise SourceError(spec.name, None, f"cannot read {spec.path}: {err.strerror}") from err
        digests.append(SourceDigest(spec, hashlib.sha256(data).hexdigest()))
    return tuple(digests)


def _code_fingerprint() -> str:
    """The bytes of the modules that shape the index: a code change means a rebuild."""
    root = Path(__file__).resolve().parent
    files = [root / "normalize.py", root / "index.py", *sorted((root / "parse").glob("*.py"))]
    digest = hashlib.sha256()
    for path in files:
        with contextlib.suppress(OSError):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def content_hash(digests: Sequence[SourceDigest]) -> str:
    """The build's identity: format version, code, every spec and every source's bytes."""
    parts = [str(FORMAT_VERSION), _code_fingerprint()]
    parts += [f"{d.spec!r}\0{d.sha256}" for d in digests]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def tantivy_schema() -> tantivy.Schema:
    """One doc per passage: `seq` (fast, stored) and the pre-stemmed words (whitespace split)."""
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field(SEQ_FIELD, stored=True, indexed=True, fast=True)
    builder.add_text_field(TERMS_FIELD, tokenizer_name="whitespace", index_option="freq")
    return builder.build()


def tantivy_dir(index_path: Path, chash: str) -> Path:
    return index_path.with_name(f"{index_path.name}.tantivy-{chash[:20]}")


def _date_columns(date: PassageDate | None) -> tuple[object, ...]:
    if date is None:
        return (None, None, None, 0, None, None, None)
    y, m, d = date.year, date.month, date.day
    md = m * 100 + d if m is not None and d is not None else None
    ymd = y * 10000 + md if md is not None else None
    ym = y * 100 + m if m is not None else None
    return (y, m, d, int(date.year_inferred), md, ymd, ym)


def _passage_row(p: Passage, seq: int) -> tuple[object, ...]:
    t = p.thread
    thread = (
        (t.number, t.header_line, t.tweet_count, t.read_minutes, t.position, t.shown)
        if t
        else (None,) * 6
    )
    return (
        seq, p.id, p.source, p.start, p.end, p.text, p.line, p.speaker, p.kind,
        *_date_columns(p.date), *thread, p.paragraph, p.parent_id, p.note,
    )  # fmt: skip


def passage_from_row(row: Sequence[object]) -> Passage:
    """A `Passage` from a row selected with `PASSAGE_SELECT`."""
    (seq, pid, source, start, end, text, line, speaker, kind, year, month, day, inferred,
     _md, _ymd, _ym, tn, th, tc, tr, tp, ts, paragraph, parent_id, note) = row  # fmt: skip
    date = PassageDate(year, month, day, bool(inferred)) if year is not None else None  # type: ignore[arg-type]
    thread = ThreadRef(tn, th, tc, tr, tp, ts) if tn is not None else None  # type: ignore[arg-type]
    return Passage(
        id=pid, source=source, start=start, end=end, text=text, line=line,  # type: ignore[arg-type]
        speaker=speaker, kind=kind, date=date, thread=thread, paragraph=paragraph,  # type: ignore[arg-type]
        parent_id=parent_id, note=note, seq=seq,  # type: ignore[arg-type]
    )  # fmt: skip


PASSAGE_SELECT = f"SELECT {_PASSAGE_COLUMNS} FROM passages"


def _date_key(date: PassageDate) -> tuple[int, int, int]:
    return (date.year, date.month or 0, date.day or 0)


def summarize(parsed: ParsedSource) -> SourceInfo:
    """The counts `/sources` shows for one parsed source."""
    passages = parsed.passages
    dates = [p.date for p in passages if p.date is not None]
    speakers = dict.fromkeys(p.speaker for p in passages)
    spec = parsed.spec
    return SourceInfo(
        name=spec.name,
        title=spec.title,
        url=spec.url,
        format=spec.format,
        speaker=spec.speaker,
        sha256=parsed.sha256,
        passages=len(passages),
        threads=len({p.thread.number for p in passages if p.thread is not None}),
        dated=len(dates),
        undated=len(passages) - len(dates),
        quote_spans=sum(p.kind == "quote" for p in passages),
        speakers=tuple(speakers),
        first_date=min(dates, key=_date_key) if dates else None,
        last_date=max(dates, key=_date_key) if dates else None,
        warnings=tuple(str(w) for w in parsed.warnings),
    )


def _date_json(date: PassageDate | None) -> list[object] | None:
    return None if date is None else [date.year, date.month, date.day, date.year_inferred]


def _date_from_json(value: list[object] | None) -> PassageDate | None:
    if value is None:
        return None
    year, month, day, inferred = value
    return PassageDate(year, month, day, bool(inferred))  # type: ignore[arg-type]


def info_to_json(info: SourceInfo) -> str:
    data = dataclasses.asdict(info)
    data["first_date"] = _date_json(info.first_date)
    data["last_date"] = _date_json(info.last_date)
    return json.dumps(data, ensure_ascii=False)


def info_from_json(text: str) -> SourceInfo:
    data = json.loads(text)
    data["first_date"] = _date_from_json(data["first_date"])
    data["last_date"] = _date_from_json(data["last_date"])
    data["speakers"] = tuple(data["speakers"])
    data["warnings"] = tuple(data["warnings"])
    return SourceInfo(**data)


def check_verbatim(parsed: ParsedSource) -> None:
    """Refuse to index a passage that is not an exact slice of its source (the promise)."""
    for p in parsed.passages:
        if parsed.text[p.start : p.end] != p.text:
            raise IndexBuildError(
                f"{parsed.spec.name}:{p.line}: passage {p.id} is not a verbatim slice"
            )


def _add_docs(writer: tantivy.IndexWriter, batch: Sequence[tuple[int, Passage]]) -> None:
    for seq, passage in batch:
        doc = tantivy.Document()
        doc.add_unsigned(SEQ_FIELD, seq)
        doc.add_text(TERMS_FIELD, index_terms(passage.text))
        writer.add_document(doc)


def _commit(writer: tantivy.IndexWriter) -> None:
    writer.commit()
    writer.wait_merging_threads()


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")


def _write_all(
    numbered: Sequence[tuple[int, Passage]],
    parsed: Sequence[ParsedSource],
    tmp_db: Path,
    tmp_dir: Path,
    final_dir: Path,
    chash: str,
    progress: Progress | None,
) -> None:
    """Write the SQLite file and the tantivy directory (one thread: both are GIL-bound in
    Python, tantivy indexes on its own threads)."""
    total = len(numbered)
    engine = tantivy.Index(tantivy_schema(), path=str(tmp_dir), reuse=False)
    writer = engine.writer(WRITER_HEAP, 0)
    db = sqlite3.connect(tmp_db)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
        db.executescript(_SCHEMA)
        placeholders = ", ".join("?" * 25)
        insert = f"INSERT INTO passages ({_PASSAGE_COLUMNS}) VALUES ({placeholders})"
        for first in range(0, total, BATCH):
            batch = numbered[first : first + BATCH]
            db.executemany(insert, [_passage_row(p, seq) for seq, p in batch])
            _add_docs(writer, batch)
            if progress:
                progress(min(first + BATCH, total), total)
        db.executescript(_INDEXES)
        db.execute(
            "INSERT INTO days SELECT ymd, count(*) FROM passages WHERE ymd IS NOT NULL GROUP BY ymd"
        )
        db.executemany(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?)",
            [
                (i, s.spec.name, s.sha256, repr(s.spec), info_to_json(summarize(s)))
                for i, s in enumerate(parsed)
            ],
        )
        meta = {
            "format_version": str(FORMAT_VERSION),
            "content_hash": chash,
            "tantivy_dir": final_dir.name,
            "passages": str(total),
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
        db.commit()
    finally:
        db.close()
    _commit(writer)


async def write_index(
    parsed: Sequence[ParsedSource],
    index_path: Path,
    chash: str,
    progress: Progress | None = None,
) -> None:
    """Write a complete index for `parsed` and swap it in atomically."""
    index_path.parent.mkdir(parents=True, exist_ok=True)
    numbered = [(seq, p) for seq, p in enumerate(p for src in parsed for p in src.passages)]
    total = len(numbered)
    final_dir = tantivy_dir(index_path, chash)
    tmp_dir = _tmp_name(final_dir)
    tmp_db = _tmp_name(index_path)
    try:
        tmp_dir.mkdir()
        await asyncio.to_thread(
            _write_all, numbered, parsed, tmp_db, tmp_dir, final_dir, chash, progress
        )
        if final_dir.exists():
            shutil.rmtree(final_dir)
        tmp_dir.rename(final_dir)
        os.replace(tmp_db, index_path)
    except (OSError, sqlite3.Error, ValueError) as err:
        raise IndexBuildError(f"cannot build the index at {index_path}: {err}") from err
    finally:
        with contextlib.suppress(OSError):
            tmp_db.unlink()
        shutil.rmtree(tmp_dir, ignore_errors=True)
    if progress and total == 0:
        progress(0, 0)


def remove_leftovers(index_path: Path, keep: Path) -> None:
    """Delete old tantivy directories and stale temporary files of crashed builds."""
    now = time.time()
    for path in index_path.parent.glob(f"*{index_path.name}.*"):
        is_tmp = path.name.startswith(f".{index_path.name}") and ".tmp-" in path.name
        is_old_dir = path.name.startswith(f"{index_path.name}.tantivy-") and path != keep
        try:
            if is_tmp and now - path.stat().st_mtime < STALE_TMP_SECONDS:
                continue
            if is_tmp or is_old_dir:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink()
        except OSError:
            continue


@dataclass(slots=True)
class Store:
    """An open index: the read-only SQLite connection and the tantivy searcher.

    Lookups read SQLite directly on the caller's thread: each is a handful of rows by
    primary key or index (tens of microseconds), cheaper than a hop to a worker thread."""

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
    )
