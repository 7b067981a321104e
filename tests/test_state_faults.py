"""The state store survives its faults: a corrupt file, a path that cannot hold it, a full
disk, another program's write lock. Bookkeeping degrades; answers never depend on it."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path

import pytest

from bot.state import StateStore, StoredHit


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_garbage_file_is_moved_aside_and_a_fresh_store_made(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    garbage = os.urandom(4096)
    path.write_bytes(garbage)
    store = await StateStore.open(path, clock=Clock())
    try:
        assert store.recovery is not None and store.recovery.moved_to is not None
        assert store.recovery.moved_to.read_bytes() == garbage  # kept, not destroyed
        assert ".corrupt-19700112T" in store.recovery.moved_to.name
        assert "state.path" in store.recovery.message
        assert await store.mark_update(1)
        assert not await store.mark_update(1)
    finally:
        await store.close()
    again = await StateStore.open(path, clock=Clock())
    try:
        assert again.recovery is None
        assert not await again.mark_update(1)  # the fresh file is a real, lasting store
    finally:
        await again.close()


async def test_a_directory_as_state_path_gives_an_in_memory_store(tmp_path: Path) -> None:
    folder = tmp_path / "state"
    (folder / "keep.txt").parent.mkdir()
    (folder / "keep.txt").write_text("mine")
    store = await StateStore.open(folder, clock=Clock())
    try:
        assert store.recovery is not None and store.recovery.in_memory
        assert "directory" in store.recovery.message
        assert (folder / "keep.txt").read_text() == "mine"
        token = await store.save_session(
            chat_id=1, user_id=2, command="topic", query="q", mode="plain", title="t",
            lead="", hits=[StoredHit("p1", 1.0)],
        )  # fmt: skip
        assert (await store.load_session(token)) is not None
    finally:
        await store.close()


async def test_a_folder_that_cannot_be_made_gives_an_in_memory_store(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    store = await StateStore.open(blocker / "state.sqlite3", clock=Clock())
    try:
        assert store.recovery is not None and store.recovery.in_memory
        assert await store.count_query("topic") == "written"
    finally:
        await store.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
async def test_an_unwritable_folder_gives_an_in_memory_store(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        store = await StateStore.open(folder / "state.sqlite3", clock=Clock())
        assert store.recovery is not None and store.recovery.in_memory
        await store.close()
    finally:
        folder.chmod(0o755)


async def fill_disk(store: StateStore) -> None:
    """Simulate a full disk: the connection may not grow the file by one page."""
    db = store._db  # the test reaches in: a full disk cannot be made from outside
    async with db.execute("PRAGMA page_count") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    await db.execute(f"PRAGMA max_page_count = {row[0]}")


async def test_a_full_disk_degrades_bookkeeping_with_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    store = await StateStore.open(tmp_path / "s.sqlite3", clock=clock, retry_after=5.0)
    try:
        await fill_disk(store)
        big = [StoredHit(f"passage-{i}" * 20, 1.0) for i in range(200)]
        with caplog.at_level(logging.WARNING, logger="bot.state"):
            tokens = [
                await store.save_session(
                    chat_id=1,
                    user_id=2,
                    command="topic",
                    query="q",
                    mode="plain",
                    title="t",
                    lead="",
                    hits=big,
                )
                for _ in range(20)
            ]
            results = [await store.count_query("topic") for _ in range(5)]
            fresh = [await store.mark_update(100 + i) for i in range(5)]
        assert store.health().degraded
        assert "degraded" in results
        assert all(fresh)  # fail open: answered, not dropped
        assert not await store.mark_update(104)  # duplicates still caught, in memory
        for token in tokens:  # buttons still work until a restart
            assert (await store.load_session(token)) is not None
        assert len([r for r in caplog.records if r.name == "bot.state"]) == 1
        assert (await store.stats())["topic"] == 5  # counted in memory meanwhile
        await store._db.execute("PRAGMA max_page_count = 1073741823")  # disk freed
        clock.now += 10
        assert await store.count_query("topic") == "written"
        assert not store.health().degraded
        assert (await store.stats())["topic"] == 6
    finally:
        await store.close()


async def test_an_external_write_lock_degrades_within_the_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = await StateStore.open(path, busy_timeout=0.05)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")  # a backup tool or the sqlite3 shell
        started = time.monotonic()
        assert await store.count_query("topic") == "degraded"
        assert await store.mark_update(7)
        assert await store.note_refusal(3)
        took = time.monotonic() - started
        assert took < 1.0, took  # was 12-15 s with the 5 s default timeout per write
        assert store.health().degraded
        other.execute("ROLLBACK")
    finally:
        other.close()
        await store.close()


async def test_duplicates_are_keyed_by_bot_and_update_id(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    old = await StateStore.open(path, bot_id=111)
    try:
        assert await old.mark_update(5)
        assert not await old.mark_update(5)
    finally:
        await old.close()
    new = await StateStore.open(path, bot_id=222)  # a new token on the same state file
    try:
        assert await new.mark_update(5)
        assert not await new.mark_update(5, bot_id=222)
        assert not await new.mark_update(5, bot_id=111)
    finally:
        await new.close()


async def test_seen_updates_are_pruned_continuously(tmp_path: Path) -> None:
    clock = Clock()
    store = await StateStore.open(tmp_path / "s.sqlite3", clock=clock, update_ttl=100.0)
    try:
        for i in range(3000):
            clock.now += 1.0
            assert await store.mark_update(i)
        # every id older than the TTL is gone without a separate prune: the rows are bounded
        # by the rate over the TTL (100 ids), plus a few not yet reached
        assert await store.seen_count() <= 100 + 4
    finally:
        await store.close()
