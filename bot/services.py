"""The resources the front end shares, built once from the config and passed down (no globals)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from bot.config import Config
from bot.render import SourceLabel
from bot.state import StateStore
from corpus.errors import SourceError
from corpus.index_path import check_index_path
from corpus.library import Library, Progress
from corpus.lookup.date_query import today_in
from corpus.lookup_threads import LookupThreads
from corpus.model import BuildReport, SourceFailure

log = logging.getLogger(__name__)

WINDOW = 60.0  # seconds: the rate limits are per minute
MAX_KEYS = 200_000  # users and chats remembered by the rate limiter at most (~0.3 KB each)
FORGET_PER_CALL = 2  # idle keys forgotten per call: the map shrinks faster than it grows
Verdict = Literal["ok", "notice", "silent"]
LimitKind = Literal["user", "chat", "inline"]


class LimitKey(NamedTuple):
    """Whose requests one sliding window counts: a user's, a chat's, or a user's inline ones."""

    kind: LimitKind
    id: int


class _Window:
    """One key's request times within the last WINDOW seconds, and whether it was told."""

    __slots__ = ("noticed", "times")

    def __init__(self) -> None:
        self.times: list[float] = []
        self.noticed = False


class RateLimiter:
    """Per-user and per-chat sliding-window limits; over the limit, one notice, then silence.

    Memory is bounded: a key idle for a whole window is forgotten (its window is empty, so
    nothing is lost), a few such keys per call, and at most `max_keys` keys are kept (the
    least recently seen go first). A call costs a few microseconds, refused or not.
    """

    def __init__(
        self,
        per_user: int,
        per_chat: int,
        clock: Callable[[], float],
        *,
        per_inline: int = 0,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self._limits: dict[LimitKind, int] = {
            "user": per_user,
            "chat": per_chat,
            "inline": per_inline,
        }
        self._clock = clock
        self._max_keys = max_keys
        self._windows: OrderedDict[LimitKey, _Window] = OrderedDict()

    def __len__(self) -> int:
        """Keys remembered (for tests and stats)."""
        return len(self._windows)

    def check(self, user_id: int, chat_id: int) -> Verdict:
        """Count one request; `notice` the first time a limit is hit, `silent` after that."""
        return self._check((LimitKey("user", user_id), LimitKey("chat", chat_id)))

    def check_inline(self, user_id: int) -> Verdict:
        """Count one inline query of this user (a limit of its own: they come per keystroke)."""
        return self._check((LimitKey("inline", user_id),))

    def _check(self, keys: tuple[LimitKey, ...]) -> Verdict:
        now = self._clock()
        self._forget_idle(now)
        windows = [self._window(key, now) for key in keys]
        over = [w for key, w in zip(keys, windows, strict=True) if self._is_over(key.kind, w)]
        if not over:
            for key, window in zip(keys, windows, strict=True):
                if self._limits[key.kind]:
                    window.times.append(now)
                window.noticed = False
            return "ok"
        if any(not w.noticed for w in over):
            for w in over:
                w.noticed = True
            return "notice"
        return "silent"

    def _window(self, key: LimitKey, now: float) -> _Window:
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = _Window()
            if len(self._windows) > self._max_keys:
                self._windows.popitem(last=False)
        else:
            self._windows.move_to_end(key)
            times = window.times
            cut = 0
            while cut < len(times) and times[cut] <= now - WINDOW:
                cut += 1
            if cut:
                del times[:cut]
        return window

    def _is_over(self, kind: LimitKind, window: _Window) -> bool:
        limit = self._limits[kind]
        return bool(limit) and len(window.times) >= limit

    def _forget_idle(self, now: float, most: int = FORGET_PER_CALL) -> int:
        """Drop up to `most` least recently seen keys whose window has emptied (continuous
        TTL); how many were dropped. The keys are in the order last seen, so the idle ones
        are at the front."""
        dropped = 0
        while dropped < most and self._windows:
            key, window = next(iter(self._windows.items()))
            if window.times and window.times[-1] > now - WINDOW:
                break
            del self._windows[key]
            dropped += 1
        return dropped

    def forget_idle(self) -> int:
        """Forget every key idle for a whole window (the periodic sweep: users who never
        come back are gone one window after their last request, traffic or not); how many."""
        return self._forget_idle(self._clock(), len(self._windows))


def failure_lines(config: Config, failed: Sequence[SourceFailure]) -> list[str]:
    """One line per source the index left out, naming its config entry:
    `corpus.sources[3] (tweets.csv): line 542: not valid UTF-8 …`."""
    return [f"{config.source_entry(f.source)}: {f}" for f in failed]


def refuse_empty(config: Config, report: BuildReport) -> None:
    """`SourceError` (the first failure, with its config entry) when no source could be
    read: there is nothing to serve. Some sources failing is not an error here."""
    if report.failed and not report.sources:
        first = report.failed[0]
        raise SourceError(config.source_entry(first.source), None, str(first))


def labels_of(config: Config) -> dict[str, SourceLabel]:
    """How each source is named in attributions, from the config."""
    return {
        spec.name: SourceLabel(medium=config.medium(spec.name), url=spec.url, title=spec.title)
        for spec in config.source_specs()
    }


@dataclass(slots=True)
class Services:
    """Config, library, state store, rate limiter and clock: what every handler needs."""

    config: Config
    library: Library
    state: StateStore
    limiter: RateLimiter
    clock: Callable[[], float] = time.time
    labels: Mapping[str, SourceLabel] = field(default_factory=dict)


def check_index(config: Config) -> None:
    """Refuse an `index.path` the build would destroy (a source, the config, the state, any
    file that is not an index): IndexPathError, one line naming the key. Before Library.open."""
    others = {
        f"corpus.sources[{i}].path": spec.path for i, spec in enumerate(config.source_specs())
    }
    others["the config file"] = config.path
    others["state.path"] = config.state.path
    check_index_path(config.index.path, others=others)


@asynccontextmanager
async def open_services(
    config: Config,
    *,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.time,
    bot_id: int = 0,
) -> AsyncIterator[Services]:
    """Open the library (building the index when needed) and the state store; close both."""
    check_index(config)
    library = await Library.open(
        config.source_specs(),
        config.index.path,
        quote_threshold=config.replies.quote_threshold,
        progress=progress,
    )
    library.synonyms = config.search.synonyms
    library.date_order = "mdy" if config.search.date_order == "mdy" else "dmy"
    library.time_budget = config.search.time_budget or None
    library.threads = LookupThreads(config.search.lookup_threads)
    try:
        refuse_empty(config, library.report)
    except SourceError:
        await library.close()
        raise
    for line in failure_lines(config, library.report.failed):
        log.warning("source left out of the index: %s", line)
    try:
        state = await StateStore.open(config.state.path, clock=clock, bot_id=bot_id)
        try:
            limits = config.rate_limit
            limiter = RateLimiter(
                limits.user_per_minute,
                limits.chat_per_minute,
                clock,
                per_inline=limits.inline_per_minute,
            )
            yield Services(config, library, state, limiter, clock, labels_of(config))
        finally:
            await state.close()
    finally:
        await library.close()


def today_of(services: Services) -> dt.date:
    """Today's date in the config's time zone, by the services' clock (a fixed one in tests)."""
    moment = dt.datetime.fromtimestamp(services.clock(), dt.UTC)
    return today_in(services.config.search.timezone, moment)
