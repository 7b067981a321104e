"""What keeps a long-running bot's memory flat however many users pass by.

- `LeanApplication`: PTB's `Application` without its persistence bookkeeping when there is no
  persistence. PTB 22 adds the chat and user id of every update to two sets
  (`_chat_ids_to_be_updated_in_persistence`, `_user_ids_…`) that only its persistence task
  empties; without persistence nothing ever does, so each distinct user costs ~70 B for ever
  (`docs/reliability.md`, "Memory per user", has the reproduction).
- `GatedQueue`: PTB's update queue, handing out at most `ahead` updates not yet done. PTB's
  fetcher turns every queued update into a task at once (with concurrent updates), so a
  webhook backlog of 5,000 was 5,000 tasks with their coroutines (~3 KB each); the freed
  memory stayed in Python's arenas, which is most of the "~860 B per user" once measured.
  Gated, the backlog waits in the queue as updates (~1.4 KB each).
- `tidy`: the periodic sweep, run by `serving`: the rate limiter forgets users idle for its
  window, and the heap freed by a large sweep is handed back to the OS (`release_heap`).
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
from typing import TYPE_CHECKING, Any

from telegram.ext import Application

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

TIDY_EVERY = 30.0  # seconds between sweeps
RELEASE_AFTER = 1_000  # limiter keys forgotten in one sweep worth returning freed heap
AHEAD = 16  # updates handed to PTB at once and not yet done (2x its concurrent updates)


class GatedQueue(asyncio.Queue[object]):
    """An update queue whose `get` waits while `ahead` updates it handed out are not done
    (PTB calls `task_done` when an update's handlers have run)."""

    def __init__(self, ahead: int = AHEAD) -> None:
        super().__init__()
        self._ahead = ahead
        self._out = 0
        self._returned = asyncio.Event()

    async def get(self) -> object:
        while self._out >= self._ahead:
            self._returned.clear()
            await self._returned.wait()
        item = await super().get()
        self._out += 1
        return item

    def task_done(self) -> None:
        self._out = max(0, self._out - 1)
        self._returned.set()
        super().task_done()


class LeanApplication(Application):  # type: ignore[type-arg]
    """Skips PTB's "to be saved by the persistence" marks when there is no persistence."""

    def _mark_for_persistence_update(
        self, *, update: object | None = None, job: Any = None
    ) -> None:
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)


def _malloc_trim() -> Any:
    """glibc's `malloc_trim`, or None (musl, macOS: nothing to call)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        return libc.malloc_trim
    except (OSError, AttributeError, TypeError):
        return None


def release_heap() -> bool:
    """Collect cycles and ask glibc to return the free pages of every malloc arena to the
    OS (Python's own small-object arenas go back when empty); False where there is no
    `malloc_trim`. Costs a few ms: call it after a sweep that freed a lot, not per update."""
    gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def tidy(services: Services) -> int:
    """One sweep: idle rate-limiter keys forgotten (how many), heap returned after many."""
    forgotten = services.limiter.forget_idle()
    if forgotten >= RELEASE_AFTER:
        release_heap()
        log.debug("forgot %d idle rate-limit keys; freed heap returned", forgotten)
    return forgotten


async def keep_tidy(services: Services, every: float = TIDY_EVERY) -> None:
    """`tidy` every `every` seconds until cancelled."""
    while True:
        await asyncio.sleep(every)
        tidy(services)
