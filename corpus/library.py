"""`Library`: the core's one entry point, opened once per process from the configured sources.

It parses the sources, builds or reuses the on-disk index, and answers the lookups the bot
offers. Every returned passage satisfies `text == source_text[start:end]`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from corpus.model import (
    BuildReport,
    DateResult,
    Passage,
    PassageContext,
    QuoteResult,
    SourceInfo,
    SourceSpec,
    TopicResult,
)

Progress = Callable[[int, int], None]  # (done, total) passages, for long builds


class Library:
    """Parsed, indexed sources and the lookups over them. Open with `await Library.open(...)`."""

    @classmethod
    async def open(
        cls,
        sources: Sequence[SourceSpec],
        index_path: Path,
        *,
        quote_threshold: float = 80.0,
        progress: Progress | None = None,
    ) -> Library:
        """Open the index at `index_path`, building it first when missing, stale or corrupt."""
        raise NotImplementedError

    @property
    def report(self) -> BuildReport:
        """What opening (or the last reload) did: rebuilt or reused, per-source counts."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def reload(self) -> BuildReport:
        """Re-read the sources and swap in a new index atomically. On failure raise
        `CorpusError` and keep serving the old index."""
        raise NotImplementedError

    async def by_date(self, text: str, *, limit: int = 100) -> DateResult:
        """Passages on a day, month or range, in corpus order. `QueryError` if `text` is no date."""
        raise NotImplementedError

    async def by_topic(self, text: str, *, limit: int = 30) -> TopicResult:
        """Passages about the words of `text`, typo/stem/variant tolerant, most relevant first."""
        raise NotImplementedError

    async def by_quote(self, text: str, *, limit: int = 5) -> QuoteResult:
        """The passage holding the span closest to `text`, with a verdict and a word diff."""
        raise NotImplementedError

    async def random(self, count: int = 1, *, seed: int | None = None) -> tuple[Passage, ...]:
        raise NotImplementedError

    async def get(self, passage_id: str) -> Passage | None:
        raise NotImplementedError

    async def get_many(self, passage_ids: Sequence[str]) -> tuple[Passage, ...]:
        """The passages with these ids, in the order asked; unknown ids are skipped."""
        raise NotImplementedError

    async def context(self, passage_id: str, *, around: int = 2) -> PassageContext | None:
        raise NotImplementedError

    async def sources(self) -> tuple[SourceInfo, ...]:
        raise NotImplementedError

    def source_text(self, name: str) -> str:
        """The decoded text of a source file (for verbatim checks and diffs)."""
        raise NotImplementedError
