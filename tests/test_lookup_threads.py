"""Lookups run on worker threads (`corpus.lookup_threads`): the caller's event loop stays free
while one runs, and the answers are the same as in the loop."""

from __future__ import annotations

import asyncio
import threading
import time

from corpus.library import Library
from corpus.lookup_threads import LookupThreads


async def test_a_lookup_on_a_worker_thread_leaves_the_loop_free() -> None:
    threads = LookupThreads(2)
    release = threading.Event()

    async def holding() -> int:  # holds its thread until the caller's loop has moved on
        assert release.wait(timeout=5)
        return threading.get_ident()

    task = asyncio.ensure_future(threads.run(holding()))
    served = 0
    for _ in range(3):  # the loop keeps serving others while the lookup holds its thread
        await asyncio.sleep(0)
        served += 1
    release.set()
    assert await task != threading.get_ident()
    assert served == 3
    await threads.close()


async def test_no_threads_runs_in_the_callers_loop() -> None:
    threads = LookupThreads(0)

    async def where() -> int:
        return threading.get_ident()

    assert await threads.run(where()) == threading.get_ident()
    await threads.close()


async def test_the_library_answers_the_same_on_threads_and_in_the_loop(library: Library) -> None:
    seen: set[int] = set()

    def clock() -> float:
        seen.add(threading.get_ident())
        return time.monotonic()

    library.time_budget, library.clock = 60.0, clock
    library.threads = LookupThreads(2)  # `search.lookup_threads: 2` (the default is 0)
    on_threads = await library.find_quote("so long as he kills, he lives")
    topic_threads = await library.find_topic("drones")
    assert seen - {threading.get_ident()}, "no lookup ran on a worker thread"
    await library.threads.close()
    library.threads = LookupThreads(0)
    in_loop = await library.find_quote("so long as he kills, he lives")
    topic_loop = await library.find_topic("drones")
    assert on_threads == in_loop and topic_threads == topic_loop
