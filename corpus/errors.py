"""The core's error tree. The edges (bot, CLI) turn these into polite messages."""

from __future__ import annotations


class CorpusError(Exception):
    """Base of every error the core raises on purpose. `str(err)` is fit for a user."""


class SourceError(CorpusError):
    """A source file cannot be read, decoded or parsed. The message names file and line."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")
        self.source = source
        self.line = line
        self.message = message

    def __reduce__(self) -> tuple[object, ...]:  # picklable: index builds parse in processes
        return (type(self), (self.source, self.line, self.message))


class IndexBuildError(CorpusError):
    """The on-disk index cannot be built or opened."""


class QueryError(CorpusError):
    """A query the core cannot understand (e.g. no date in `/date banana`)."""


class LookupTimeout(CorpusError):
    """A lookup spent its time budget (`search.time_budget`) before it had an answer."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the lookup took longer than its budget of {seconds:g} s")
        self.seconds = seconds

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.seconds,))
