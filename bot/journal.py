"""The durable update journal: every update is on disk before Telegram is told it arrived.

The webhook records an update before it answers 200, polling before it confirms the offset;
the reply marks it done. At start-up `unfinished()` claims what a dead process left undone,
so each journalled update is answered exactly once even with two processes on one file.
Writes from concurrent callers are grouped into one transaction (group commit).

Each message that answers an update is marked too (bot, update, ordinal of the message in
the update's answer), so a replay after a kill sends only the messages not marked
(bot/sends.py decides when). The marks live in a file of their own next to the state
(`sent_path`): the event loop writes them synchronously, and must never wait for a lock that
another connection on the state file holds across an await (deadlock until the busy timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

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

SENT_SCHEMA = """
CREATE TABLE IF NOT EXISTS sent (
    bot_id INTEGER NOT NULL, update_id INTEGER NOT NULL, ordinal INTEGER NOT NULL,
    PRIMARY KEY (bot_id, update_id, ordinal)
) WITHOUT ROWID;
"""

T = TypeVar("T")
In = TypeVar("In")
R = TypeVar("R")


class JournalUnavailable(Exception):
    """The journal could not take a write (full disk, lock held too long, broken file)."""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """An update to answer: whose bot, which update, its JSON exactly as received."""

    bot_id: int
    update_id: int
    body: str
    sent: frozenset[int] = frozenset()  # ordinals of the messages already sent for it


class GroupCommit(Generic[In, R]):
    """Callers `await submit(item)`; items submitted while a batch is being written go into
    the next batch, written by `write_batch` (one transaction): one result per item."""

    def __init__(self, write_batch: Callable[[list[In]], Awaitable[list[R]]]) -> None:
        self._write_batch = write_batch
        self._queue: list[tuple[In, asyncio.Future[R]]] = []
        self._flusher: asyncio.Future[None] | None = None

    async def submit(self, item: In) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.ensure_future(self._flush())
        return await future

    async def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                results = await self._write_batch([item for item, _ in batch])
            except JournalUnavailable as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(JournalUnavailable(str(exc)))
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)


def sent_path_of(path: Path) -> Path:
    """The file of the sent marks next to the state file: `state.sqlite3` ->
    `state.sent.sqlite3`."""
    return path.with_name(f"{path.stem}.sent{path.suffix}")


def _connect(path: Path, busy_timeout: float, schema: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # survives a kill; a power cut may lose it
        db.executescript(schema)
    except BaseException:
        db.close()
        raise
    return db


def _open_marks(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """The sent marks; an unreadable file is started afresh (a lost mark can cost a message
    sent twice after a kill, never an answer)."""
    try:
        return _connect(path, busy_timeout, SENT_SCHEMA)
    except sqlite3.DatabaseError as exc:
        if "not a database" not in str(exc) and "malformed" not in str(exc):
            raise
        log.warning("update journal: the sent marks in %s are unreadable (%s); started afresh",
                    path, exc)  # fmt: skip
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return _connect(path, busy_timeout, SENT_SCHEMA)


def _in_transaction(db: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """`fn(db)` in one transaction that takes the write lock first (BEGIN IMMEDIATE: waits
    out another writer, never the read-then-upgrade that fails at once)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        result = fn(db)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return result


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

    def __init__(
        self, db: sqlite3.Connection, sent_db: sqlite3.Connection, clock: Callable[[], float],
        lease: float, *, sent_path: Path, busy_timeout: float = 0.25,
    ) -> None:  # fmt: skip
        self._db = db
        self._sent_db = sent_db  # the marks file, from the worker thread
        self._sent_path = sent_path
        self._busy_timeout = busy_timeout
        self._clock = clock
        self._lease = lease
        self.owner = uuid.uuid4().hex
        self._host = socket.gethostname()
        self._stamp = process_stamp(os.getpid())
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal")
        self._records: GroupCommit[tuple[int, int, str], bool] = GroupCommit(self.record_many)
        self._sent: GroupCommit[tuple[int, int, int], None] = GroupCommit(self._mark_sent_many)
        self._done: GroupCommit[tuple[int, int], None] = GroupCommit(self._mark_done_batch)
        self._marks: sqlite3.Connection | None = None  # the event loop's own (mark_sent_now)

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        clock: Callable[[], float] = time.time,
        busy_timeout: float = 0.25,
        lease: float | None = None,
    ) -> UpdateJournal:
        db = _connect(path, busy_timeout, SCHEMA)
        try:
            sent_path = sent_path_of(path)
            sent_db = _open_marks(sent_path, busy_timeout)
        except BaseException:
            db.close()
            raise
        try:
            journal = cls(
                db, sent_db, clock, LEASE if lease is None else lease, sent_path=sent_path,
                busy_timeout=busy_timeout,
            )  # fmt: skip
            journal._beat()
        except BaseException:
            db.close()
            sent_db.close()
            raise
        return journal

    @property
    def lease(self) -> float:
        """Seconds without a heartbeat after which another host's owner counts as dead."""
        return self._lease

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        if self._marks is not None:
            self._marks.close()
        self._sent_db.close()
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

    def _transaction(
        self, fn: Callable[[sqlite3.Connection], T], db: sqlite3.Connection | None = None
    ) -> T:
        return _in_transaction(self._db if db is None else db, fn)

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
        return await self._records.submit((bot_id, update_id, update_json))

    # -- messages sent -----------------------------------------------------------------------

    async def _mark_sent_many(self, items: list[tuple[int, int, int]]) -> list[None]:
        def insert(db: sqlite3.Connection) -> list[None]:
            db.executemany("INSERT OR IGNORE INTO sent VALUES (?, ?, ?)", items)
            return [None] * len(items)

        return await self._run(lambda: self._transaction(insert, self._sent_db))

    async def mark_sent(self, bot_id: int, update_id: int, ordinal: int) -> None:
        """Message `ordinal` (0, 1, ...) of this update's answer was sent: a replay after a
        kill skips it. Grouped with concurrent callers into one transaction."""
        await self._sent.submit((bot_id, update_id, ordinal))

    def mark_sent_now(self, bot_id: int, update_id: int, ordinal: int) -> None:
        """`mark_sent`, written at once from the calling (event loop) thread on a connection
        of its own: no await between the caller's decision and the commit. Raises
        JournalUnavailable when the disk refuses."""
        try:
            if self._marks is None:
                self._marks = _connect(self._sent_path, self._busy_timeout, SENT_SCHEMA)
            _in_transaction(
                self._marks,
                lambda db: db.execute(
                    "INSERT OR IGNORE INTO sent VALUES (?, ?, ?)", (bot_id, update_id, ordinal)
                ),
            )
        except sqlite3.Error as exc:
            raise JournalUnavailable(str(exc)) from exc

    def unmark_sent_now(self, bot_id: int, update_id: int, ordinal: int) -> None:
        """Telegram refused that message (it was not sent): forget its mark, at once."""
        try:
            if self._marks is not None:
                self._marks.execute(
                    "DELETE FROM sent WHERE bot_id = ? AND update_id = ? AND ordinal = ?",
                    (bot_id, update_id, ordinal),
                )
        except sqlite3.Error as exc:
            raise JournalUnavailable(str(exc)) from exc

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
        self._transaction(  # its marks are of no use once it is done
            lambda db: db.executemany(
                "DELETE FROM sent WHERE bot_id = ? AND update_id = ?", list(keys)
            ),
            self._sent_db,
        )

    async def mark_done(self, bot_id: int, update_id: int) -> None:
        """The reply to this update was sent (or it needs none). Grouped with concurrent
        callers into one transaction."""
        await self._done.submit((bot_id, update_id))

    async def _mark_done_batch(self, keys: list[tuple[int, int]]) -> list[None]:
        await self._run(lambda: self._mark_done(keys))
        return [None] * len(keys)

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
            return [
                JournalEntry(bot_id, update_id, body, self._sent_of(bot_id, update_id))
                for bot_id, update_id, body in rows
            ]

        return self._transaction(claim)

    def _sent_of(self, bot_id: int, update_id: int) -> frozenset[int]:
        rows = self._sent_db.execute(
            "SELECT ordinal FROM sent WHERE bot_id = ? AND update_id = ?",
            (bot_id, update_id),
        ).fetchall()
        return frozenset(row[0] for row in rows)

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
