"""Building the on-disk index: parse workers, scratch files, the tantivy writer, change
detection and the content hash.

A build writes the SQLite file and the tantivy directory (their format: `corpus.store`)
beside the live files under temporary names and swaps the SQLite file in with `os.replace`,
so a crash mid-build never leaves a broken index; anything missing, stale or unreadable is
rebuilt.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import secrets
import shutil
import sqlite3
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import tantivy

from corpus.analysis.languages import normalise_code
from corpus.errors import IndexBuildError, SourceError
from corpus.model import (
    ParsedSource,
    Passage,
    PassageDate,
    SourceFailure,
    SourceInfo,
    SourceSpec,
)
from corpus.normalize import index_terms
from corpus.parse import check_verbatim, parse_source, source_sha256, source_stamp
from corpus.store import (
    FAILED_KEY,
    FORMAT_VERSION,
    MD_FIELD,
    PARENT_FIELD,
    PARENT_SPEAKER_FIELD,
    PASSAGE_COLUMN_NAMES,
    PASSAGE_COLUMNS,
    QUOTE_FIELD,
    RECORDS_TABLE,
    SEQ_FIELD,
    SOURCE_FIELD,
    SPEAKER_FIELD,
    SPEAKERS_KEY,
    TERMS_FIELD,
    YMD_FIELD,
    info_to_json,
    tantivy_dir,
    tantivy_schema,
)
from corpus.workers import stop_pool, sweep_leftovers, worker_initializer

WRITER_HEAP = 400_000_000  # tantivy's indexing memory, split among its threads
WRITER_THREADS = 1  # tantivy indexes on its own thread while Python feeds it
BUILD_WORKERS = 2  # parsing processes for a large corpus
PARALLEL_BYTES = 4_000_000  # below this many source bytes, parse in this process
AHEAD = 4  # sources handed to the workers before their results are consumed
BUILD_CACHE_KIB = 131_072  # SQLite page cache while building (sorting for CREATE INDEX)
RACY_NS = 2_000_000_000  # a file modified this recently is hashed again at the next start
FILE_STATS_KEY = "file_stats"
STALE_TMP_SECONDS = 3600.0
UNREADABLE = "unreadable"  # the digest of a source file that cannot be read (it fails alone)

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (ord INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL,
    spec TEXT NOT NULL, info TEXT NOT NULL);
CREATE TABLE passages ({PASSAGE_COLUMNS.replace("seq", "seq INTEGER PRIMARY KEY", 1)});
CREATE TABLE days (ymd INTEGER PRIMARY KEY, passages INTEGER NOT NULL);
{RECORDS_TABLE};
"""
_INDEXES = """
CREATE UNIQUE INDEX passages_id ON passages (id);
CREATE INDEX passages_ymd ON passages (ymd) WHERE ymd IS NOT NULL;
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


def read_digests(
    specs: Sequence[SourceSpec], known: Mapping[str, tuple[int, int, str]] | None = None
) -> tuple[SourceDigest, ...]:
    """Each source file's SHA-256 (`UNREADABLE` for a file that cannot be read: the build
    records it as failed). A file whose size and mtime_ns equal those `known` (path ->
    (size, mtime_ns, sha256), as the last build saw them) keeps its known hash unread; any
    other file is read and hashed."""
    digests = []
    for spec in specs:
        try:
            seen = known.get(str(spec.path)) if known else None
            if seen and seen[0] >= 0 and seen[1] >= 0 and source_stamp(spec) == seen[:2]:
                digests.append(SourceDigest(spec, seen[2]))
                continue
            sha = source_sha256(spec)
        except OSError:
            digests.append(SourceDigest(spec, UNREADABLE))
            continue
        digests.append(SourceDigest(spec, sha))
    return tuple(digests)


def _code_fingerprint() -> str:
    """The bytes of the modules that shape the index: a code change means a rebuild."""
    root = Path(__file__).resolve().parent
    files = [
        root / "normalize.py",
        *sorted((root / "analysis").glob("*.py")),
        root / "build.py",
        root / "store.py",
        *sorted((root / "parse").glob("*.py")),
    ]
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
    d = p.date
    clock = d.time.isoformat() if d is not None and d.time is not None else None
    offset = d.utc_offset if d is not None else None
    return (
        seq, p.id, p.source, p.start, p.end, p.text, p.line, p.speaker, p.kind,
        *_date_columns(p.date), *thread, p.paragraph, p.parent_id, p.note,
        p.url, p.record, clock, offset,
        int(p.speaker_inferred),
    )  # fmt: skip


def filter_keys(p: Passage) -> tuple[int, int, str]:
    """A passage's YMD_FIELD and MD_FIELD values and its speaker (the filter fields)."""
    d = p.date
    if d is None:
        return 0, 0, p.speaker
    md = (d.month or 0) * 100 + (d.day or 0)
    return d.year * 10000 + md, md if d.day else 0, p.speaker


class SpeakerTally:
    """Speaker ids in order of appearance, with each one's passages and dates (meta)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.rows: list[list[Any]] = []

    def add(self, speaker: str, ymd: int) -> int:
        sid = self.ids.get(speaker)
        if sid is None:
            sid = self.ids[speaker] = len(self.rows)
            self.rows.append([speaker, 0, 0, 0, 0])
        row = self.rows[sid]
        row[1] += 1
        if ymd:
            row[2] += 1
            row[3] = ymd if not row[3] else min(row[3], ymd)
            row[4] = max(row[4], ymd)
        return sid


def _date_key(date: PassageDate) -> tuple[int, int, int]:
    return (date.year, date.month or 0, date.day or 0)


def _load_detector() -> None:
    from corpus.analysis.detect import load_detector

    load_detector()


def source_language(
    spec: SourceSpec, passages: Sequence[Passage]
) -> tuple[str | None, float | None]:
    """The language a source is analysed in and, when detected (no `language:` key), the
    detector's confidence; an unsure detection gives None (words are folded, not stemmed)."""
    if spec.language:
        return spec.language, None
    if not passages:
        return None, None
    from corpus.analysis.detect import MIN_CONFIDENCE, detect_source  # py3langid: 0.25 s

    found = detect_source([p.text for p in passages])
    lang = normalise_code(found.lang) if found.confidence >= MIN_CONFIDENCE else None
    return lang, round(found.confidence, 2)


def summarize(
    parsed: ParsedSource, language: str | None = None, confidence: float | None = None
) -> SourceInfo:
    """The counts `/sources` shows for one parsed source, and its language."""
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
        language=language,
        language_confidence=confidence,
    )


def _commit(writer: tantivy.IndexWriter) -> None:
    writer.commit()
    writer.wait_merging_threads()


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")


@dataclass(frozen=True, slots=True)
class BuildProgress:
    """How far an index build is: sources parsed and written, bytes of them, passages."""

    stage: Literal["parsing", "indexing", "finishing", "done"]
    sources_done: int
    sources_total: int
    bytes_done: int
    bytes_total: int
    passages: int
    seconds: float
    source: str = ""  # indexing: the source just written (or just failed)
    source_passages: int = 0  # its passages
    failure: SourceFailure | None = None  # set when that source could not be read


Progress = Callable[[BuildProgress], None]


@dataclass(frozen=True, slots=True)
class PreparedSource:
    """One source parsed and turned into index rows (what a build worker hands back)."""

    spec: SourceSpec
    sha256: str
    size: int
    mtime_ns: int  # -1: modified too recently to be trusted as unchanged later
    rows: list[tuple[object, ...]]  # passage rows without their seq (empty with rows_file)
    terms: list[str]  # the tantivy terms of each passage
    parents: list[int]  # each passage's PARENT_FIELD
    info: str  # SourceInfo as JSON
    rows_file: str | None = None  # a SQLite file holding the rows, written by a worker
    records: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (key, text)
    failure: SourceFailure | None = None  # the source cannot be read: nothing else is set
    keys: list[tuple[int, int, str]] = dataclasses.field(default_factory=list)  # filter_keys


_PART_COLUMNS = PASSAGE_COLUMNS.replace("seq, ", "", 1)


def prepare_source(
    spec: SourceSpec, speakers: frozenset[str], parts: Path | None = None
) -> PreparedSource:
    """Parse one source, check every passage is verbatim, and make its rows and terms. With
    `parts` (a directory), the rows go into a SQLite file there, which the building process
    copies in C (`copy_part`) rather than binding every value from Python."""
    try:
        size, mtime_ns = source_stamp(spec)
    except OSError as err:
        reason = err.strerror or str(err)
        raise SourceError(spec.name, None, f"cannot read {spec.path}: {reason}") from err
    with _no_gc(), ThreadPoolExecutor(1, thread_name_prefix="detector") as loader:
        # many small acyclic objects: the collector would only slow this down
        # the detector (py3langid, numpy, its model) loads while the source parses
        loading = loader.submit(_load_detector) if spec.language is None else None
        parsed = parse_source(spec, known_speakers=speakers)
        check_verbatim(parsed)
        trusted = time.time_ns() - mtime_ns > RACY_NS
        if loading is not None:
            loading.result()
        language, confidence = source_language(spec, parsed.passages)
        rows = [_passage_row(p, 0)[1:] for p in parsed.passages]
        records = list(parsed.records.items())
        rows_file = None
        if parts is not None:
            rows_file = str(parts / f"{secrets.token_hex(8)}.sqlite3")
            write_part(Path(rows_file), rows, records)
            rows, records = [], []
        return PreparedSource(
            spec=spec,
            sha256=parsed.sha256,
            size=size,
            mtime_ns=mtime_ns if trusted else -1,
            rows=rows,
            terms=[index_terms(p.text, language) for p in parsed.passages],
            parents=parent_offsets(parsed.passages),
            info=info_to_json(summarize(parsed, language, confidence)),
            rows_file=rows_file,
            records=records,
            keys=[filter_keys(p) for p in parsed.passages],
        )


def prepare_or_fail(
    spec: SourceSpec, speakers: frozenset[str], parts: Path | None = None
) -> PreparedSource:
    """`prepare_source`, or a `PreparedSource` holding its failure when the source cannot be
    read, decoded, parsed or checked: one broken source never takes the others down."""
    try:
        return prepare_source(spec, speakers, parts)
    except (SourceError, IndexBuildError) as err:
        if isinstance(err, SourceError):
            failure = SourceFailure(spec.name, err.line, err.message)
        else:
            failure = SourceFailure(spec.name, None, str(err))
        try:
            sha = source_sha256(spec)
        except OSError:
            sha = UNREADABLE
        return PreparedSource(spec, sha, 0, -1, [], [], [], "", failure=failure)


def parent_offsets(passages: Sequence[Passage]) -> list[int]:
    """For each quote span, its paragraph's position minus its own (0 for every other
    passage), so a search can tell a quote's paragraph without reading any row."""
    where = {p.id: i for i, p in enumerate(passages)}
    return [
        where[p.parent_id] - i if p.kind == "quote" and p.parent_id in where else 0
        for i, p in enumerate(passages)
    ]


def write_part(
    path: Path, rows: list[tuple[object, ...]], records: Sequence[tuple[str, str]] = ()
) -> None:
    """One source's passage rows (without seq) in a scratch SQLite file, in order, and its
    records' texts (key, text)."""
    db = sqlite3.connect(path)
    try:
        db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            f"CREATE TABLE part ({_PART_COLUMNS}); CREATE TABLE recs (record, text);"
        )
        with db:
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                db.executemany(f"INSERT INTO part VALUES ({marks})", rows)
            if records:
                db.executemany("INSERT INTO recs VALUES (?, ?)", records)
    finally:
        db.close()


def copy_part(db: sqlite3.Connection, path: str, first: int, source: str = "") -> None:
    """Append a worker's rows file to `passages`, numbering them from `first`, and its
    records to `records` under `source` (in C)."""
    db.commit()  # SQLite attaches only outside a transaction
    db.execute("ATTACH DATABASE ? AS part", (path,))
    try:
        db.execute(
            f"INSERT INTO passages ({PASSAGE_COLUMNS}) "
            f"SELECT rowid - 1 + ?, {_PART_COLUMNS} FROM part.part ORDER BY rowid",
            (first,),
        )
        db.execute("INSERT INTO records SELECT ?, record, text FROM part.recs", (source,))
        db.commit()
    finally:
        db.execute("DETACH DATABASE part")
    Path(path).unlink(missing_ok=True)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _prepared(
    specs: Sequence[SourceSpec], speakers: frozenset[str], workers: int, parts: Path
) -> Generator[PreparedSource, None, None]:
    """Each source prepared, in config order: in `workers` processes (a few sources ahead,
    so memory holds only those; their rows in files under `parts`), or here when `workers`
    is 0."""
    if workers <= 0:
        for spec in specs:
            yield prepare_or_fail(spec, speakers)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a threaded process
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=worker_initializer, initargs=(os.getpid(),)
    )  # workers die with this process, ignore Ctrl-C (the parent's to handle)
    with pool:
        pending: collections.deque[tuple[SourceSpec, Future[PreparedSource]]] = collections.deque()
        queued = iter(specs)
        try:
            for spec in itertools.islice(queued, AHEAD):
                pending.append((spec, pool.submit(prepare_or_fail, spec, speakers, parts)))
            while pending:
                spec, future = pending.popleft()
                try:
                    done = future.result()
                except BrokenProcessPool:
                    # Workers could not start (e.g. a script without a __main__ guard, which
                    # "spawn" needs) or died: parse the rest here, in order.
                    rest = [spec, *(s for s, _ in pending), *queued]
                    pending.clear()
                    for left in rest:
                        yield prepare_or_fail(left, speakers)
                    return
                for spec in itertools.islice(queued, 1):
                    pending.append((spec, pool.submit(prepare_or_fail, spec, speakers, parts)))
                yield done
        except BaseException:  # Ctrl-C, SIGTERM, an error: no worker outlives the build
            stop_pool(pool)
            raise
        finally:
            for _, future in pending:
                future.cancel()


def _prepared_no_gc(
    specs: Sequence[SourceSpec], speakers: frozenset[str], workers: int, parts: Path
) -> Generator[PreparedSource, None, None]:
    """`_prepared` with the garbage collector paused while each source is written; closing
    this closes `_prepared` (its workers stopped)."""
    with contextlib.closing(_prepared(specs, speakers, workers, parts)) as sources:
        for prepared in sources:
            with _no_gc():
                yield prepared


def _file_sizes(specs: Sequence[SourceSpec]) -> list[int]:
    """Each source's size in bytes (0 for one that cannot be read: it fails when parsed)."""
    sizes = []
    for spec in specs:
        try:
            sizes.append(source_stamp(spec)[0])
        except OSError:
            sizes.append(0)
    return sizes


def _write_streamed(
    specs: Sequence[SourceSpec],
    speakers: frozenset[str],
    tmp_db: Path,
    tmp_dir: Path,
    index_path: Path,
    progress: Progress | None,
) -> str:
    """Parse the sources (in worker processes for a large corpus) and stream each one into
    the SQLite file and the tantivy index as it comes; the content hash of the build."""
    began = time.perf_counter()
    sizes = _file_sizes(specs)
    bytes_total = sum(sizes)
    workers = BUILD_WORKERS if len(specs) > 1 and bytes_total >= PARALLEL_BYTES else 0

    def report(
        stage: str,
        done: int,
        bytes_done: int,
        passages: int,
        source: PreparedSource | None = None,
        made: int = 0,
    ) -> None:
        if progress:
            progress(
                BuildProgress(
                    stage,  # type: ignore[arg-type]
                    done,
                    len(specs),
                    bytes_done,
                    bytes_total,
                    passages,
                    time.perf_counter() - began,
                    source.spec.name if source else "",
                    made,
                    source.failure if source else None,
                )
            )

    report("parsing", 0, 0, 0)
    engine = tantivy.Index(tantivy_schema(), path=str(tmp_dir), reuse=False)
    writer = engine.writer(WRITER_HEAP, WRITER_THREADS)
    db = sqlite3.connect(tmp_db)
    parts = _tmp_name(tmp_db.with_name(f"{index_path.name}.parts"))
    committer = ThreadPoolExecutor(1, thread_name_prefix="tantivy-commit")
    committing: Future[None] | None = None
    stream = _prepared_no_gc(specs, speakers, workers, parts)  # parsed lazily, in order
    try:
        parts.mkdir()
        db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
            f"PRAGMA cache_size=-{BUILD_CACHE_KIB}; PRAGMA threads={BUILD_WORKERS};"
        )
        db.executescript(_SCHEMA)
        placeholders = ", ".join("?" * len(PASSAGE_COLUMN_NAMES))
        insert = f"INSERT INTO passages ({PASSAGE_COLUMNS}) VALUES ({placeholders})"
        seq = 0
        bytes_done = 0
        sources: list[tuple[object, ...]] = []
        digests: list[SourceDigest] = []
        stats: dict[str, list[object]] = {}
        failed: list[list[object]] = []
        tally = SpeakerTally()
        db.execute("BEGIN")
        for ord_, prepared in enumerate(stream):
            first = seq
            spec = prepared.spec
            if prepared.failure is not None:
                f = prepared.failure
                failed.append([f.source, f.line, f.message])
                digests.append(SourceDigest(spec, prepared.sha256))
                bytes_done += sizes[ord_]
                report("indexing", ord_ + 1, bytes_done, seq, prepared)
                continue
            if prepared.rows_file is not None:
                copy_part(db, prepared.rows_file, first, spec.name)
            else:
                db.executemany(insert, [(first + i, *row) for i, row in enumerate(prepared.rows)])
                db.executemany(
                    "INSERT INTO records VALUES (?, ?, ?)",
                    [(spec.name, key, text) for key, text in prepared.records],
                )
            speaker_ids = [tally.add(speaker, ymd) for ymd, _, speaker in prepared.keys]
            for i, (terms, parent, (ymd, md, _)) in enumerate(
                zip(prepared.terms, prepared.parents, prepared.keys, strict=True)
            ):
                doc = tantivy.Document()
                doc.add_unsigned(SEQ_FIELD, seq)
                doc.add_integer(PARENT_FIELD, parent)
                doc.add_text(TERMS_FIELD, terms)
                doc.add_unsigned(YMD_FIELD, ymd)
                doc.add_unsigned(MD_FIELD, md)
                doc.add_unsigned(SPEAKER_FIELD, speaker_ids[i])
                doc.add_unsigned(SOURCE_FIELD, ord_)
                if parent:  # a quote span: flagged, with its paragraph's speaker
                    doc.add_unsigned(QUOTE_FIELD, 1)
                doc.add_unsigned(PARENT_SPEAKER_FIELD, speaker_ids[i + parent])
                writer.add_document(doc)
                seq += 1
            sources.append((ord_, spec.name, prepared.sha256, repr(spec), prepared.info))
            digests.append(SourceDigest(spec, prepared.sha256))
            stats[str(spec.path)] = [prepared.size, prepared.mtime_ns, prepared.sha256]
            bytes_done += sizes[ord_]
            report("indexing", ord_ + 1, bytes_done, seq, prepared, seq - first)
        report("finishing", len(specs), bytes_total, seq)
        # tantivy commits on its own thread while SQLite builds its indexes
        committing = committer.submit(_commit, writer)
        chash = content_hash(digests)
        db.executescript(_INDEXES)
        db.execute(
            "INSERT INTO days SELECT ymd, count(*) FROM passages WHERE ymd IS NOT NULL GROUP BY ymd"
        )
        db.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?)", sources)
        meta = {
            "format_version": str(FORMAT_VERSION),
            "content_hash": chash,
            "tantivy_dir": tantivy_dir(index_path, chash).name,
            "passages": str(seq),
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            FILE_STATS_KEY: json.dumps(stats, ensure_ascii=False),
            FAILED_KEY: json.dumps(failed, ensure_ascii=False),
            SPEAKERS_KEY: json.dumps(tally.rows, ensure_ascii=False),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
        db.commit()
    except BaseException:  # Ctrl-C, SIGTERM, a failure: the parse workers are stopped now (a
        # generator left open would keep them parsing until the interpreter's exit waits for
        # them), and tantivy's threads before the caller removes the directory they write
        # into (else a segment file lands after it); a commit under way is waited for below
        stream.close()
        if committing is None:
            with contextlib.suppress(Exception):
                writer.rollback()
                writer.wait_merging_threads()
        raise
    finally:
        db.close()
        shutil.rmtree(parts, ignore_errors=True)
        committer.shutdown(wait=True)  # never leave tantivy writing into a directory
    if committing is None:
        _commit(writer)
    else:
        committing.result()
    report("done", len(specs), bytes_total, seq)
    return chash


def build_index(
    specs: Sequence[SourceSpec],
    speakers: frozenset[str],
    index_path: Path,
    progress: Progress | None = None,
) -> str:
    """Parse `specs` and write a complete index for them beside `index_path`, then swap it
    in atomically; the build's content hash. Blocking: run it in a thread."""
    index_path.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(index_path.parent, index_path.name)  # of builds killed before
    tmp_dir = _tmp_name(index_path.with_name(f"{index_path.name}.tantivy"))
    tmp_db = _tmp_name(index_path)
    try:
        tmp_dir.mkdir()
        chash = _write_streamed(specs, speakers, tmp_db, tmp_dir, index_path, progress)
        final_dir = tantivy_dir(index_path, chash)
        if final_dir.exists():
            shutil.rmtree(final_dir)
        tmp_dir.rename(final_dir)
        os.replace(tmp_db, index_path)
    except (OSError, sqlite3.Error, ValueError) as err:
        raise IndexBuildError(f"cannot build the index at {index_path}: {err}") from err
    finally:
        with contextlib.suppress(OSError):
            tmp_db.unlink()
        for _ in range(3):  # a file still being closed can make one pass leave the folder
            shutil.rmtree(tmp_dir, ignore_errors=True)
            if not tmp_dir.exists():
                break
    return chash


def stored_file_stats(index_path: Path) -> dict[str, tuple[int, int, str]]:
    """Source path -> (size, mtime_ns, sha256) as the index at `index_path` recorded them
    ({} when there is no readable index)."""
    if not index_path.is_file():
        return {}
    try:
        db = sqlite3.connect(index_path.resolve().as_uri() + "?mode=ro", uri=True)
    except (sqlite3.Error, OSError):
        return {}
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (FILE_STATS_KEY,)).fetchone()
        data = json.loads(row[0]) if row else {}
        return {str(k): (int(v[0]), int(v[1]), str(v[2])) for k, v in data.items()}
    except (sqlite3.Error, ValueError, TypeError, IndexError, AttributeError):
        return {}
    finally:
        db.close()


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
