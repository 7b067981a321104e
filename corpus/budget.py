"""A lookup's time budget: a cooperative deadline the lookups check in their loops that grow
with the input (candidates scored, clause searches, highlighting, timeline bucketing).

Nothing is interrupted: a loop asks `Deadline.expired()` and either stops with what it has
(the answer flagged partial, claiming no more than was checked) or calls `Deadline.check()`,
which raises `LookupTimeout` for the edges to translate once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from corpus.errors import LookupTimeout

Clock = Callable[[], float]


@dataclass(slots=True)
class Deadline:
    """`seconds` of `clock` (monotonic seconds) from when it is made; None: no limit."""

    seconds: float | None = None
    clock: Clock = time.monotonic
    started: float = field(init=False)
    cut: bool = field(init=False, default=False)  # a loop stopped short: the answer is partial

    def __post_init__(self) -> None:
        self.started = self.clock()

    def expired(self) -> bool:
        """Whether the budget is spent (never, without a limit)."""
        return self.seconds is not None and self.clock() - self.started >= self.seconds

    def spent(self) -> bool:
        """`expired()`, for a loop about to stop with what it has: marks the answer `cut`."""
        if self.expired():
            self.cut = True
        return self.cut

    def check(self) -> None:
        """Raise `LookupTimeout` when the budget is spent."""
        if self.expired():
            raise LookupTimeout(self.seconds or 0.0)
