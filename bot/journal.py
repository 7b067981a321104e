"""The durable update journal: every update is on disk before Telegram is told it arrived.

The webhook records an update before it answers 200, polling before it confirms the offset;
the reply marks it done. At start-up `unfinished()` claims what a dead process left undone,
so each journalled update is answered exactly once even with two processes on one file.
Writes from concurrent callers are grouped into one transaction (group commit).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

LEASE = 30.0  # seconds without a heartbeat after which another host's process counts as dead
DONE_TTL = 24 * 3600.0  # seconds a done update is kept (its id still catches redeliveries)
PRUNE_BATCH = 8  # done rows forgotten per batch marked done (continuous pruning)

SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    bot_id INTEGER NOT NULL, update_id INTEGER NOT NULL, body TEXT NOT NULL,
    received_at REAL NOT NULL, owner TEXT NOT NULL, done_at REAL,
    PRIMARY KEY (bot_id, update_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS journal_open ON journal (owner) WHERE done_at IS NULL;
CREATE INDEX IF NOT EXISTS journal_done ON journal (done_at) WHERE done_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS journal_owners (
    owner TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, stamp TEXT,
    beat_at REAL NOT NULL
);
"""

T = TypeVar("T")


class JournalUnavailable(Exception):
    """The journal could not take a write (full disk, lock held too long, broken file)."""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """An update to answer: whose bot, which update, its JSON exactly as received."""

    bot_id: int
    update_id: int
    body: str


def process_stamp(pid: int) -> str | None:
    """An identity of a running process that a reused pid does not share: its start time
    in clock ticks since boot (Linux /proc); None when the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return _kill_probe(pid)
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, after the (command name)


def _kill_probe(pid: int) -> str | None:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return "alive"
    return "alive"


class UpdateJournal:
    """Open with `UpdateJournal.open(path)` (a plain sqlite3 connection of its own on the
    state file, used from one worker thread); close with `close()`."""

    def __init__(self, db: sqlite3.Connection, clock: Callable[[], float], lease: float) -> None:
        self._db = db
        self._clock = clock
        self._lease = lease
        self.owner = uuid.uuid4().hex
        self._host = socket.gethostname()
        self._stamp = process_stamp(os.getpid())
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal")
        self._queue: list[tuple[tuple[int, int, str], asyncio.Future[bool]]] = []
        self._flusher: asyncio.Future[None] | None = None

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        clock: Callable[[], float] = time.time,
        busy_timeout: float = 0.25,
        lease: float | None = None,
    ) -> UpdateJournal:
        db = sqlite3.connect(
            path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # survives a kill; a power cut may lose it
            db.executescript(SCHEMA)
            journal = cls(db, clock, LEASE if lease is None else lease)
            journal._beat()
        except BaseException:
            db.close()
            raise
        return journal

    @property
    def lease(self) -> float:
        """Seconds without a heartbeat after which another host's owner counts as dead."""
        return self._lease

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        # a dead owner row is harmless: its rows are claimed after the lease
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("DELETE FROM journal_owners WHERE owner = ?", (self.owner,))
        self._db.close()

    async def _run(self, fn: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, fn)
        except sqlite3.Error as exc:
            raise JournalUnavailable(str(exc)) from exc

    def _transaction(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            result = fn(self._db)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return result

    def _beat(self) -> None:
        self._db.execute(
            "INSERT INTO journal_owners VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(owner) DO UPDATE SET beat_at = excluded.beat_at",
            (self.owner, self._host, os.getpid(), self._stamp, self._clock()),
        )

    async def heartbeat(self) -> None:
        """Say this process is alive (call every lease/3 seconds)."""
        await self._run(self._beat)

    # -- recording ---------------------------------------------------------------------------

    def _record_many(self, items: Sequence[tuple[int, int, str]]) -> list[bool]:
        now = self._clock()

        def insert(db: sqlite3.Connection) -> list[bool]:
            return [
                db.execute(
                    "INSERT OR IGNORE INTO journal VALUES (?, ?, ?, ?, ?, NULL)",
                    (bot_id, update_id, body, now, self.owner),
                ).rowcount
                == 1
                for bot_id, update_id, body in items
            ]

        return self._transaction(insert)

    async def record_many(self, items: Sequence[tuple[int, int, str]]) -> list[bool]:
        """Journal a batch in one transaction; per item, False when it was already there."""
        return await self._run(lambda: self._record_many(items))

    async def record(self, bot_id: int, update_id: int, update_json: str) -> bool:
        """Journal one update (grouped with concurrent callers into one transaction); False
        when it was journalled before (a redelivery: do not answer it again). Raises
        JournalUnavailable when the disk refuses."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        self._queue.append(((bot_id, update_id, update_json), future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.ensure_future(self._flush())
        return await future

    async def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                results = await self.record_many([item for item, _ in batch])
            except JournalUnavailable as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(JournalUnavailable(str(exc)))
                continue
            for (_, future), inserted in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(inserted)

    # -- completing --------------------------------------------------------------------------

    def _mark_done(self, keys: Sequence[tuple[int, int]]) -> None:
        now = self._clock()

        def update(db: sqlite3.Connection) -> None:
            db.executemany(
                "UPDATE journal SET done_at = ? WHERE bot_id = ? AND update_id = ?",
                [(now, bot_id, update_id) for bot_id, update_id in keys],
            )
            db.execute(
                "DELETE FROM journal WHERE (bot_id, update_id) IN (SELECT bot_id, update_id"
                " FROM journal WHERE done_at IS NOT NULL AND done_at < ? LIMIT ?)",
                (now - DONE_TTL, PRUNE_BATCH * max(1, len(keys))),
            )

        self._transaction(update)

    async def mark_done(self, bot_id: int, update_id: int) -> None:
        """The reply to this update was sent (or it needs none)."""
        await self._run(lambda: self._mark_done([(bot_id, update_id)]))

    async def mark_done_many(self, keys: Sequence[tuple[int, int]]) -> None:
        await self._run(lambda: self._mark_done(keys))

    # -- recovering --------------------------------------------------------------------------

    def _dead_owners(self, db: sqlite3.Connection) -> list[str]:
        now = self._clock()
        dead = []
        rows = db.execute("SELECT owner, host, pid, stamp, beat_at FROM journal_owners").fetchall()
        for owner, host, pid, stamp, beat_at in rows:
            if owner == self.owner:
                continue
            if host == self._host and process_stamp(pid) != stamp:
                dead.append(owner)  # gone, or its pid reused (a container restart: pid 1)
            elif beat_at < now - self._lease:
                dead.append(owner)
        known = {row[0] for row in rows}
        for (owner,) in db.execute(
            "SELECT DISTINCT owner FROM journal WHERE done_at IS NULL"
        ).fetchall():
            if owner not in known and owner != self.owner:
                dead.append(owner)
        return dead

    def _claim(self) -> list[JournalEntry]:
        def claim(db: sqlite3.Connection) -> list[JournalEntry]:
            dead = self._dead_owners(db)
            if not dead:
                return []
            marks = ",".join("?" * len(dead))
            rows = db.execute(
                "SELECT bot_id, update_id, body FROM journal WHERE done_at IS NULL"
                f" AND owner IN ({marks}) ORDER BY received_at, bot_id, update_id",
                dead,
            ).fetchall()
            db.execute(
                f"UPDATE journal SET owner = ? WHERE done_at IS NULL AND owner IN ({marks})",
                [self.owner, *dead],
            )
            db.execute(f"DELETE FROM journal_owners WHERE owner IN ({marks})", dead)
            return [JournalEntry(*row) for row in rows]

        return self._transaction(claim)

    async def unfinished(self) -> list[JournalEntry]:
        """Updates a dead process journalled but did not finish, oldest first, now claimed
        by this one (so no other process gets them): answer each, then `mark_done`."""
        return await self._run(self._claim)

    async def pending_count(self) -> int:
        """Updates journalled and not done, by every process (the backlog)."""

        def count() -> int:
            row = self._db.execute("SELECT count(*) FROM journal WHERE done_at IS NULL").fetchone()
            return int(row[0])

        return await self._run(count)
