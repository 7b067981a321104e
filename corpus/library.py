"""`Library`: the core's one entry point, opened once per process from the configured sources.

It parses the sources, builds or reuses the on-disk index, and answers the lookups the bot
offers. Every returned passage satisfies `text == source_text[start:end]`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import random as random_module
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus.budget import Clock, Deadline
from corpus.build import (
    BuildProgress,
    Progress,
    build_index,
    content_hash,
    read_digests,
    remove_leftovers,
    stored_file_stats,
)
from corpus.errors import CorpusError, IndexBuildError, QueryError, SourceError
from corpus.lookup import date, highlight, quote, topic
from corpus.lookup.date_query import DateOrder
from corpus.lookup.timeline import Timeline, find_timeline
from corpus.lookup.topic_query import plan_topic
from corpus.lookup_threads import LookupThreads
from corpus.model import (
    BuildReport,
    DateResult,
    Hit,
    Passage,
    PassageContext,
    QuoteResult,
    SourceInfo,
    SourceSpec,
    TopicResult,
)
from corpus.parse import decode_bytes
from corpus.store import SpeakerInfo, Store, open_store, source_languages

__all__ = ["BuildProgress", "Library", "Progress", "known_speakers", "prepare_store"]


@dataclass(slots=True)
class _Live:
    """The index being served, with a count of lookups still using it (for a clean swap)."""

    store: Store
    users: int = 0
    retired: bool = False
    texts: dict[str, str] = field(default_factory=dict)


def known_speakers(specs: Sequence[SourceSpec]) -> frozenset[str]:
    """Every configured speaker: each source's and each embedded statement's."""
    names = {spec.speaker for spec in specs}
    names.update(e.speaker for spec in specs for e in spec.embedded)
    return frozenset(names)


async def prepare_store(
    specs: Sequence[SourceSpec], index_path: Path, progress: Progress | None, force: bool = False
) -> tuple[Store, BuildReport]:
    """Open the index for `specs`, building it first when missing, stale, corrupt or `force`."""
    started = time.perf_counter()
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        raise SourceError(", ".join(names), None, "two sources share a file name")
    store = None
    if not force:
        known = await asyncio.to_thread(stored_file_stats, index_path)
        digests = await asyncio.to_thread(read_digests, specs, known)
        store = await open_store(index_path, content_hash(digests))
    rebuilt = store is None
    if store is None:
        speakers = known_speakers(specs)
        chash = await asyncio.to_thread(build_index, specs, speakers, index_path, progress)
        store = await open_store(index_path, chash)
        if store is None:
            raise IndexBuildError(f"the index just built at {index_path} cannot be opened")
    report = BuildReport(rebuilt, time.perf_counter() - started, store.infos, store.failed)
    return store, report


class Library:
    """Parsed, indexed sources and the lookups over them. Open with `await Library.open(...)`."""

    def __init__(
        self,
        specs: Sequence[SourceSpec],
        index_path: Path,
        quote_threshold: float,
        store: Store,
        report: BuildReport,
    ) -> None:
        self._specs = tuple(specs)
        self._index_path = Path(index_path)
        self._threshold = quote_threshold
        self._live = _Live(store)
        self._report = report
        self._reload_lock = asyncio.Lock()
        # search settings (issue 13): the owner's synonym groups; dates read with this order
        self.synonyms: tuple[tuple[str, ...], ...] = ()
        self.date_order: DateOrder = "dmy"
        # each lookup's time budget in seconds (None: none) and the clock it is read on
        self.time_budget: float | None = None
        self.clock: Clock = time.monotonic
        # where find_*/timeline run: the caller's loop, or worker threads (search.lookup_threads)
        self.threads = LookupThreads()

    @classmethod
    async def open(
        cls,
        sources: Sequence[SourceSpec],
        index_path: Path,
        *,
        quote_threshold: float = 80.0,
        progress: Progress | None = None,
        force: bool = False,
    ) -> Library:
        """Open the index at `index_path`, building it first when missing, stale or corrupt
        (or always, with `force`)."""
        store, report = await prepare_store(sources, Path(index_path), progress, force)
        remove_leftovers(Path(index_path), keep=store.directory)
        return cls(sources, index_path, quote_threshold, store, report)

    @property
    def report(self) -> BuildReport:
        """What opening (or the last reload) did: rebuilt or reused, per-source counts."""
        return self._report

    async def close(self) -> None:
        await self.threads.close()
        live = self._live
        live.retired = True
        if live.users == 0:
            await live.store.close()

    async def reload(self) -> BuildReport:
        """Re-read the sources and swap in a new index atomically. On failure raise
        `CorpusError` and keep serving the old index."""
        async with self._reload_lock:
            try:
                store, report = await prepare_store(self._specs, self._index_path, None)
            except CorpusError:
                raise
            except (OSError, sqlite3.Error, ValueError) as err:
                raise IndexBuildError(f"cannot rebuild the index: {err}") from err
            served = {f.source for f in self._report.failed}
            lost = [f for f in report.failed if f.source not in served]
            if lost:  # a source that served before would be lost: keep the old index
                await store.close()
                raise IndexBuildError(
                    "; ".join(f"{f.source}: {f}" for f in lost) + " (the old index keeps serving)"
                )
            old, self._live = self._live, _Live(store)
            self._report = report
            old.retired = True
            if old.users == 0:
                await old.store.close()
            remove_leftovers(self._index_path, keep=store.directory)
            return report

    @contextlib.asynccontextmanager
    async def _use(self) -> AsyncIterator[Store]:
        """The live store, kept open until this lookup is done even if a reload swaps it."""
        live = self._live
        live.users += 1
        try:
            yield live.store
        finally:
            live.users -= 1
            if live.retired and live.users == 0:
                await live.store.close()

    def deadline(self) -> Deadline:
        """A fresh budget for one lookup (`time_budget` seconds of `clock` from now)."""
        return Deadline(self.time_budget, self.clock)

    async def find_date(
        self, text: str, *, limit: int = 100, today: dt.date | None = None
    ) -> DateResult:
        """Passages on a day, month or range, in corpus order. `QueryError` if `text` is no date."""
        async with self._use() as store:
            return await self.threads.run(
                date.find_date(
                    store,
                    text,
                    limit,
                    today=today,
                    date_order=self.date_order,
                    deadline=self.deadline(),
                )
            )

    async def find_topic(
        self,
        text: str,
        *,
        limit: int = 30,
        marked: int | None = None,
        today: dt.date | None = None,
    ) -> TopicResult:
        """Passages about the words of `text`, typo/stem/variant tolerant, most relevant first;
        the matched words marked in the first `marked` hits (all when None)."""
        async with self._use() as store:
            return await self.threads.run(
                topic.find_topic(
                    store,
                    text,
                    limit,
                    marked=marked,
                    synonyms=self.synonyms,
                    today=today,
                    date_order=self.date_order,
                    deadline=self.deadline(),
                )
            )

    async def timeline(self, text: str, *, today: dt.date | None = None) -> Timeline:
        """How often the topic `text` comes up per week or month (`corpus.lookup.timeline`)."""
        async with self._use() as store:
            return await self.threads.run(
                find_timeline(
                    store,
                    text,
                    synonyms=self.synonyms,
                    today=today,
                    date_order=self.date_order,
                    deadline=self.deadline(),
                )
            )

    def mark_topic(self, text: str, hits: Sequence[Hit]) -> tuple[Hit, ...]:
        """The hits of a topic lookup for `text`, each with its matched words marked."""
        store = self._live.store
        try:
            terms = plan_topic(store, text, topic.query_terms_of, synonyms=self.synonyms).marks
        except QueryError:
            terms = []
        languages = source_languages(store.infos)
        return highlight.mark_hits(text, hits, languages, terms, deadline=self.deadline())

    async def find_quote(
        self,
        text: str,
        *,
        limit: int = 5,
        today: dt.date | None = None,
        words_only: bool = False,
        speaker: str | None = None,
        filters: Sequence[str] = (),
    ) -> QuoteResult:
        """The passage holding the span closest to `text`, with a verdict and a word diff
        (`by:`/`since:`/`until:`/`in:` typed with the words narrow the search). `words_only`:
        `text` is only the quote words, `speaker` the one claimed, `filters` what narrows it
        (`date:June`): a question read them."""
        async with self._use() as store:
            return await self.threads.run(
                quote.find_quote(
                    store,
                    text,
                    limit,
                    self._threshold,
                    today=today,
                    date_order=self.date_order,
                    deadline=self.deadline(),
                    words_only=words_only,
                    speaker=speaker,
                    filters_typed=filters,
                )
            )

    async def random(self, count: int = 1, *, seed: int | None = None) -> tuple[Passage, ...]:
        """Distinct random passages (tweets, paragraphs, statements; not quote spans)."""
        rng = random_module.Random(seed)
        async with self._use() as store:
            if count <= 0 or store.count == 0:
                return ()
            drawn = rng.sample(range(store.count), min(store.count, 4 * count + 16))
            found = await store.by_seqs(drawn)
            picked = [found[s] for s in drawn if found[s].kind != "quote"][:count]
            if len(picked) < count and len(drawn) < store.count:
                rest = await store.fetch("kind != 'quote' ORDER BY seq")
                rest = [p for p in rest if p.seq not in set(drawn)]
                picked += rng.sample(rest, min(len(rest), count - len(picked)))
            return tuple(picked)

    async def get(self, passage_id: str) -> Passage | None:
        async with self._use() as store:
            return (await store.by_ids([passage_id])).get(passage_id)

    async def get_many(self, passage_ids: Sequence[str]) -> tuple[Passage, ...]:
        """The passages with these ids, in the order asked; unknown ids are skipped."""
        async with self._use() as store:
            found = await store.by_ids(list(dict.fromkeys(passage_ids)))
        return tuple(found[pid] for pid in passage_ids if pid in found)

    async def context(self, passage_id: str, *, around: int = 2) -> PassageContext | None:
        """Neighbours in the same source (no quote spans) and the passage's thread.

        `thread` is the whole thread for a tweet, the quote spans of a paragraph, and for a
        quote span its siblings; a quote span's `before` ends with its parent paragraph.
        """
        async with self._use() as store:
            found = await store.by_ids([passage_id])
            passage = found.get(passage_id)
            if passage is None:
                return None
            parent = None
            if passage.kind == "quote" and passage.parent_id:
                parent = (await store.by_ids([passage.parent_id])).get(passage.parent_id)
            anchor = parent or passage
            around = max(around, 0)
            before = await store.fetch(
                "source = ? AND seq < ? AND kind != 'quote' ORDER BY seq DESC LIMIT ?",
                (anchor.source, anchor.seq, around),
            )
            after = await store.fetch(
                "source = ? AND seq > ? AND kind != 'quote' ORDER BY seq LIMIT ?",
                (anchor.source, anchor.seq, around),
            )
            before.reverse()
            if parent is not None:
                before.append(parent)
            if passage.thread is not None:
                thread = await store.fetch(
                    "source = ? AND t_number = ? ORDER BY seq",
                    (passage.source, passage.thread.number),
                )
            else:
                thread = await store.fetch("parent_id = ? ORDER BY seq", (anchor.id,))
        return PassageContext(passage, tuple(before), tuple(after), tuple(thread))

    async def speakers(self) -> tuple[SpeakerInfo, ...]:
        """Every speaker with passage counts and date coverage (worked out at build time)."""
        return self._live.store.speakers

    async def sources(self) -> tuple[SourceInfo, ...]:
        return self._live.store.infos

    def source_text(self, name: str, record: str | None = None) -> str:
        """The text a passage of source `name` slices (for verbatim checks and diffs): the
        decoded file, or with `record` (a structured source's `Passage.record`) that record's
        decoded text field."""
        live = self._live
        if record is not None:
            found = live.store.record_text(name, record)
            if found is None:
                raise CorpusError(f"no record {record!r} in source {name!r}")
            return found
        if name in live.texts:
            return live.texts[name]
        spec = next((s for s in self._specs if s.name == name), None)
        if spec is None or name not in live.store.shas:
            raise CorpusError(f"no source named {name!r}")
        try:
            raw = spec.path.read_bytes()
        except OSError as err:
            raise SourceError(name, None, f"cannot read the file ({err.strerror})") from err
        if hashlib.sha256(raw).hexdigest() != live.store.shas[name]:
            raise SourceError(name, None, "the file changed since it was indexed; reload")
        live.texts[name] = text = decode_bytes(name, raw)
        return text
