"""Lookups run off the caller's event loop, so one slow lookup does not stall everyone.

The core's lookups are coroutines that never wait on their loop (SQLite and tantivy calls
are synchronous): each one runs to its end on a worker thread's own event loop. While it
runs, the caller's loop keeps serving (other users' updates, replies, the webhook); the GIL
is handed over every few milliseconds. Safe to share across threads: the read-only SQLite
connection (Python's sqlite3 in serialized mode), the tantivy searcher (thread-safe), the
per-index memo (a value worked out twice at worst).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
THREADS = 0  # default: on the caller's loop (a hop to a thread costs 0.2-0.5 ms a lookup)


class LookupThreads:
    """`count` worker threads, each with an event loop of its own; 0: run in the caller's."""

    def __init__(self, count: int = THREADS) -> None:
        self.count = count
        self._executor: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._lock = threading.Lock()

    async def run(self, lookup: Coroutine[Any, Any, T]) -> T:
        """The result of `lookup`, run to its end on a worker thread (or here, with none)."""
        if self.count <= 0:
            return await lookup
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.count, thread_name_prefix="corpus-lookup")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run_here, lookup)

    def _run_here(self, lookup: Coroutine[Any, Any, T]) -> T:
        loop: asyncio.AbstractEventLoop | None = getattr(self._local, "loop", None)
        if loop is None:
            loop = self._local.loop = asyncio.new_event_loop()
            with self._lock:
                self._loops.append(loop)
        return loop.run_until_complete(lookup)

    async def close(self) -> None:
        """Let the lookups in flight finish, then stop the threads and close their loops."""
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, True)
        with self._lock:
            loops, self._loops = self._loops, []
        for loop in loops:
            loop.close()
