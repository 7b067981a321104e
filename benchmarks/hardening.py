"""Figures for the hardening work: journal throughput, rate-limiter cost and memory,
bookkeeping cost per update. Small and quick (a few seconds); prints one line per figure.

    .venv/bin/python -m benchmarks.hardening
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
import tracemalloc
from pathlib import Path

from bot.journal import UpdateJournal
from bot.services import RateLimiter
from bot.state import StateStore


def body(i: int) -> str:
    return json.dumps({"update_id": i, "inline_query": {"id": str(i), "query": "drones"}})


async def measure_journal(folder: Path) -> None:
    journal = UpdateJournal.open(folder / "j.sqlite3")
    try:
        n = 20_000
        started = time.perf_counter()
        for first in range(0, n, 100):
            await journal.record_many([(1, i, body(i)) for i in range(first, first + 100)])
        print(f"journal record_many (100/batch): {n / (time.perf_counter() - started):,.0f}/s")
        started = time.perf_counter()
        await asyncio.gather(*(journal.record(2, i, body(i)) for i in range(n)))
        print(f"journal record, {n} concurrent: {n / (time.perf_counter() - started):,.0f}/s")
        m = 2_000
        started = time.perf_counter()
        for i in range(m):
            await journal.record(3, i, body(i))
        print(f"journal record, one at a time: {m / (time.perf_counter() - started):,.0f}/s")
        started = time.perf_counter()
        for i in range(m):
            await journal.mark_done(3, i)
        print(f"journal mark_done, one at a time: {m / (time.perf_counter() - started):,.0f}/s")
    finally:
        journal.close()


async def measure_sends(folder: Path) -> None:
    """The bookkeeping of one update, concurrent like the bot's: journalled, its message
    marked sent (bot/sends.py: grouped after Telegram's answer, or synchronous at the socket
    write), done; against journalled + done alone (before the marks)."""
    n = 20_000

    async def lifecycle(journal: UpdateJournal, bot: int, i: int, mark: str) -> None:
        await journal.record(bot, i, body(i))
        if mark == "grouped":
            await journal.mark_sent(bot, i, 0)
        elif mark == "sync":
            await asyncio.sleep(0)  # the socket write: the mark is written in another turn
            journal.mark_sent_now(bot, i, 0)
        await journal.mark_done(bot, i)

    for mark in ("none", "grouped", "sync"):
        journal = UpdateJournal.open(folder / f"sends-{mark}.sqlite3")
        try:
            started = time.perf_counter()
            await asyncio.gather(*(lifecycle(journal, 1, i, mark) for i in range(n)))
            took = time.perf_counter() - started
            print(f"update lifecycle, {n} concurrent, mark {mark}: {n / took:,.0f} updates/s"
                  f" ({took / n * 1e6:.1f} µs each)")  # fmt: skip
        finally:
            journal.close()
    journal = UpdateJournal.open(folder / "sends-now.sqlite3")
    try:
        m = 5_000
        started = time.perf_counter()
        for i in range(m):
            journal.mark_sent_now(1, i, 0)
        took = (time.perf_counter() - started) / m
        print(f"mark_sent_now (synchronous, blocks the loop): {took * 1e6:.0f} µs per message")
    finally:
        journal.close()


async def measure_state(folder: Path) -> None:
    store = await StateStore.open(folder / "s.sqlite3")
    try:
        m = 2_000
        started = time.perf_counter()
        for i in range(m):
            await store.mark_update(i)
        took = (time.perf_counter() - started) / m
        print(f"state mark_update (per update, today's duplicate check): {took * 1e6:,.0f} µs")
    finally:
        await store.close()


def measure_limiter() -> None:
    now = [1000.0]
    limiter = RateLimiter(20, 20, lambda: now[0], per_inline=30)
    for _ in range(40):
        limiter.check_inline(7)
        limiter.check(7, 7)
    n = 100_000
    started = time.perf_counter()
    for _ in range(n):
        limiter.check_inline(7)
    print(f"limiter check_inline refused: {(time.perf_counter() - started) / n * 1e6:.2f} µs")
    started = time.perf_counter()
    for _ in range(n):
        limiter.check(7, 7)
    print(f"limiter check refused: {(time.perf_counter() - started) / n * 1e6:.2f} µs")
    started = time.perf_counter()
    for user in range(n):
        limiter.check_inline(10_000 + user)
    print(f"limiter check_inline new user: {(time.perf_counter() - started) / n * 1e6:.2f} µs")

    for label, step in (("in one minute", 0.0005), ("over 1,000 s (TTL)", 0.01)):
        limiter = RateLimiter(20, 20, lambda: now[0], per_inline=30)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for user in range(100_000):
            now[0] += step
            limiter.check_inline(user)
        grown = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        print(
            f"limiter 100,000 users {label}: {grown / 2**20:.1f} MiB, {len(limiter):,} keys"
            f" ({grown / max(1, len(limiter)):.0f} B/key)"
        )


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        await measure_journal(Path(folder))
        await measure_sends(Path(folder))
        await measure_state(Path(folder))
    measure_limiter()


if __name__ == "__main__":
    asyncio.run(main())
