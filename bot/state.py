"""The bot's own small SQLite store: paging sessions, stats, seen updates, refusals sent.

Sessions live on disk so that buttons keep working after a restart. The store is bookkeeping:
a fault in it (a corrupt or unwritable file, a full disk, another program holding the write
lock) never costs a user their answer. At open, a file that is not a database is moved aside
and a fresh one made; a path that cannot hold a database gives an in-memory store. While
running, a failed write returns a degraded result, logs one line, and the store keeps what it
must (recent update ids, sessions) in memory until the disk takes writes again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import aiosqlite

from bot.journal import UpdateJournal

SESSION_TTL = 7 * 24 * 3600.0  # seconds a result list stays pageable
UPDATE_TTL = 24 * 3600.0  # seconds an update id is remembered for duplicate delivery
PRUNE_EVERY = 200  # sessions saved between prunes
PRUNE_BATCH = 4  # expired update ids forgotten per update marked (continuous pruning)
BUSY_TIMEOUT = 0.25  # seconds a write waits for another program's lock before degrading
RETRY_AFTER = 5.0  # seconds the disk is left alone after a failed write
MEMORY_CAP = 10_000  # update ids / sessions kept in memory while the disk refuses writes
# Query counts are written together at most this often (seconds); meanwhile they are kept in
# memory (`stats` adds them). A write per query cost the bot ~0.5 ms of CPU per command.
STATS_EVERY = 1.0

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    command TEXT NOT NULL,
    query TEXT NOT NULL,
    mode TEXT NOT NULL,
    title TEXT NOT NULL,
    lead TEXT NOT NULL,
    hits TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_created ON sessions (created_at);
CREATE TABLE IF NOT EXISTS stats (command TEXT PRIMARY KEY, served INTEGER NOT NULL);
DROP TABLE IF EXISTS updates;
CREATE TABLE IF NOT EXISTS seen_updates (
    bot_id INTEGER NOT NULL, update_id INTEGER NOT NULL, seen_at REAL NOT NULL,
    PRIMARY KEY (bot_id, update_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_updates_at ON seen_updates (seen_at);
CREATE TABLE IF NOT EXISTS refusals (
    chat_id INTEGER NOT NULL, kind TEXT NOT NULL, sent_at REAL NOT NULL,
    PRIMARY KEY (chat_id, kind)
);
"""


@dataclass(frozen=True, slots=True)
class StoredHit:
    """A hit as remembered for paging: the passage id and how it matched."""

    passage_id: str
    score: float
    match_start: int | None = None
    match_end: int | None = None
    highlights: tuple[tuple[int, int], ...] = ()

    def to_json(self) -> list[object]:
        return [
            self.passage_id,
            self.score,
            self.match_start,
            self.match_end,
            [list(h) for h in self.highlights],
        ]

    @classmethod
    def from_json(cls, raw: list[Any]) -> StoredHit:
        pid, score, ms, me, hl = raw
        return cls(str(pid), float(score), ms, me, tuple((int(a), int(b)) for a, b in hl))


@dataclass(frozen=True, slots=True)
class Session:
    """A result list that buttons page through."""

    token: str
    chat_id: int
    user_id: int
    command: str
    query: str
    mode: str  # render mode: plain | topic | quote
    title: str  # HTML above every page
    lead: str  # HTML above page 1 only (e.g. the verdict and the diff)
    hits: tuple[StoredHit, ...]
    created_at: float


Written = Literal["written", "pending", "degraded"]  # pending: in memory until the next write


@dataclass(frozen=True, slots=True)
class StateRecovery:
    """What was done at open about a state file that could not be used as it was: one
    sentence the bot can tell its admins, and where the old file went (if it was moved)."""

    message: str
    moved_to: Path | None = None
    in_memory: bool = False


@dataclass(frozen=True, slots=True)
class StateHealth:
    """Whether bookkeeping writes reach the disk, and the last reason they did not."""

    degraded: bool
    failed_writes: int
    last_error: str | None


def _aside_path(path: Path, now: float) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    candidate = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    return candidate


async def _connect(target: Path | str, busy_timeout: float) -> aiosqlite.Connection:
    db = await aiosqlite.connect(target, timeout=busy_timeout)
    try:
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable but for a power cut
        await db.executescript(SCHEMA)
        await db.commit()
    except BaseException:
        await db.close()
        raise
    return db


class StateStore:
    """Open with `await StateStore.open(path)`; close with `await store.close()`.

    `bot_id` keys duplicate suppression (a new token on the same file starts afresh);
    `recovery` says what open had to do (None when the file was fine); `journal` is the
    durable update journal on the same file (None for an in-memory store).
    """

    def __init__(
        self,
        db: aiosqlite.Connection,
        clock: Callable[[], float],
        *,
        bot_id: int = 0,
        update_ttl: float = UPDATE_TTL,
        retry_after: float = RETRY_AFTER,
        recovery: StateRecovery | None = None,
        journal: UpdateJournal | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._saved = 0
        self.bot_id = bot_id
        self._update_ttl = update_ttl
        self._retry_after = retry_after
        self.recovery = recovery
        self.journal = journal
        self._failed = 0
        self._last_error: str | None = None
        self._down_until: float | None = None  # writes skipped until then
        self._seen_memory: OrderedDict[tuple[int, int], float] = OrderedDict()
        self._sessions_memory: OrderedDict[str, Session] = OrderedDict()
        self._stats_memory: dict[str, int] = {}  # counts not written yet
        self._stats_at = float("-inf")  # when the counts were last written (or tried)

    @classmethod
    async def open(
        cls,
        path: Path,
        *,
        clock: Callable[[], float] = time.time,
        bot_id: int = 0,
        busy_timeout: float = BUSY_TIMEOUT,
        update_ttl: float = UPDATE_TTL,
        retry_after: float = RETRY_AFTER,
        journal_lease: float | None = None,
    ) -> StateStore:
        """Open (or make) the store at `path`; never raises for a bad file or folder."""
        recovery: StateRecovery | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                raise IsADirectoryError(f"{path} is a directory")
            db = await _connect(path, busy_timeout)
        except sqlite3.DatabaseError as exc:
            if "not a database" not in str(exc) and "malformed" not in str(exc):
                db, recovery = await cls._in_memory(path, exc, busy_timeout)
            else:
                db, recovery = await cls._replace_corrupt(path, exc, clock(), busy_timeout)
        except (OSError, sqlite3.Error) as exc:
            db, recovery = await cls._in_memory(path, exc, busy_timeout)
        if recovery is not None:
            log.warning("state store: %s", recovery.message)
        journal = None
        if recovery is None or not recovery.in_memory:
            try:
                journal = UpdateJournal.open(
                    path, clock=clock, busy_timeout=busy_timeout, lease=journal_lease
                )
            except sqlite3.Error as exc:
                log.warning("state store: update journal unavailable (%s)", exc)
        store = cls(
            db,
            clock,
            bot_id=bot_id,
            update_ttl=update_ttl,
            retry_after=retry_after,
            recovery=recovery,
            journal=journal,
        )
        await store.prune()
        return store

    @staticmethod
    async def _replace_corrupt(
        path: Path, exc: Exception, now: float, busy_timeout: float
    ) -> tuple[aiosqlite.Connection, StateRecovery]:
        aside = _aside_path(path, now)
        try:
            path.rename(aside)
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                if side.exists():
                    side.rename(aside.with_name(aside.name + suffix))
            db = await _connect(path, busy_timeout)
        except (OSError, sqlite3.Error) as again:
            return await StateStore._in_memory(path, again, busy_timeout)
        message = (
            f"state.path {path} was not a usable database ({exc}); it was moved to "
            f"{aside.name} and a fresh state was made (paging buttons of older answers expire)"
        )
        return db, StateRecovery(message, moved_to=aside)

    @staticmethod
    async def _in_memory(
        path: Path, exc: Exception, busy_timeout: float
    ) -> tuple[aiosqlite.Connection, StateRecovery]:
        message = (
            f"state.path {path} cannot hold the state ({exc}); the bot keeps its state in "
            "memory until restarted (paging buttons, stats and duplicate checks are not saved)"
        )
        return await _connect(":memory:", busy_timeout), StateRecovery(message, in_memory=True)

    async def close(self) -> None:
        if self._stats_memory:
            await self._flush_memory()
        if self.journal is not None:
            self.journal.close()
        await self._db.close()

    def health(self) -> StateHealth:
        return StateHealth(self._down_until is not None, self._failed, self._last_error)

    async def _write(self, operation: str, sql: str, args: tuple[object, ...]) -> int | None:
        """Run one write and commit; the rows changed, or None when the disk refused it."""
        now = self._clock()
        if self._down_until is not None and now < self._down_until:
            self._failed += 1
            return None
        try:
            cursor = await self._db.execute(sql, args)
            await self._db.commit()
        except sqlite3.Error as exc:
            self._failed += 1
            self._last_error = f"{operation}: {exc}"
            if self._down_until is None:
                log.warning("state store degraded (%s: %s); answers go on", operation, exc)
            self._down_until = now + self._retry_after
            with contextlib.suppress(sqlite3.Error):
                await self._db.rollback()
            return None
        if self._down_until is not None:
            log.info("state store writes again after %d failed", self._failed)
            self._down_until = None
            await self._flush_memory()
        return cursor.rowcount

    async def _flush_memory(self) -> bool:
        """Write the counts kept in memory; those the disk refuses stay there. Whether all
        were written."""
        stats, self._stats_memory = self._stats_memory, {}
        written = True
        for command, served in stats.items():
            done = await self._write(
                "count",
                "INSERT INTO stats VALUES (?, ?)"
                " ON CONFLICT(command) DO UPDATE SET served = served + excluded.served",
                (command, served),
            )
            if done is None:
                self._stats_memory[command] = self._stats_memory.get(command, 0) + served
                written = False
        return written

    async def save_session(
        self,
        *,
        chat_id: int,
        user_id: int,
        command: str,
        query: str,
        mode: str,
        title: str,
        lead: str,
        hits: Sequence[StoredHit],
    ) -> str:
        """Remember a result list; return its short token (8 URL-safe characters). When the
        disk refuses, the session is kept in memory so its buttons work until a restart."""
        token = secrets.token_urlsafe(6)
        now = self._clock()
        payload = json.dumps([h.to_json() for h in hits], separators=(",", ":"))
        written = await self._write(
            "session",
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (token, chat_id, user_id, command, query, mode, title, lead, payload, now),
        )
        if written is None:
            session = Session(
                token, chat_id, user_id, command, query, mode, title, lead, tuple(hits), now
            )
            _remember(self._sessions_memory, token, session)
            return token
        self._saved += 1
        if self._saved % PRUNE_EVERY == 0:
            await self.prune()
        return token

    async def load_session(self, token: str) -> Session | None:
        """The session, or None when unknown or expired."""
        remembered = self._sessions_memory.get(token)
        if remembered is not None:
            return remembered if remembered.created_at >= self._clock() - SESSION_TTL else None
        try:
            async with self._db.execute(
                "SELECT token, chat_id, user_id, command, query, mode, title, lead, hits,"
                " created_at FROM sessions WHERE token = ?",
                (token,),
            ) as cursor:
                row = await cursor.fetchone()
        except sqlite3.Error as exc:
            log.warning("state store: session %s unreadable (%s)", token, exc)
            return None
        if row is None:
            return None
        token, chat_id, user_id, command, query, mode, title, lead, stored, created_at = row
        if created_at < self._clock() - SESSION_TTL:
            return None
        try:
            hits = tuple(StoredHit.from_json(raw) for raw in json.loads(stored))
        except (ValueError, TypeError):
            return None
        return Session(token, chat_id, user_id, command, query, mode, title, lead, hits, created_at)

    async def count_query(self, command: str) -> Written:
        """Count one query served: in memory, written with the others at most every
        `STATS_EVERY` seconds (and on close); kept in memory while the disk refuses."""
        self._stats_memory[command] = self._stats_memory.get(command, 0) + 1
        now = self._clock()
        if now - self._stats_at < STATS_EVERY:
            return "pending"
        self._stats_at = now
        return "written" if await self._flush_memory() else "degraded"

    async def stats(self) -> dict[str, int]:
        """Queries served by command, most served first."""
        counts = dict(self._stats_memory)
        try:
            async with self._db.execute("SELECT command, served FROM stats") as cursor:
                async for command, served in cursor:
                    counts[command] = counts.get(command, 0) + served
        except sqlite3.Error as exc:
            log.warning("state store: stats unreadable (%s)", exc)
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    async def session_count(self) -> int:
        try:
            async with self._db.execute("SELECT count(*) FROM sessions") as cursor:
                row = await cursor.fetchone()
        except sqlite3.Error:
            row = None
        return (int(row[0]) if row else 0) + len(self._sessions_memory)

    async def mark_update(self, update_id: int, *, bot_id: int | None = None) -> bool:
        """Remember an update id of this bot; False when it was seen before (a duplicate
        delivery). When the disk refuses, duplicates are caught in memory (fail open: an
        update is answered rather than dropped). Expired ids are pruned a few per call."""
        key = (self.bot_id if bot_id is None else bot_id, update_id)
        now = self._clock()
        if key in self._seen_memory:
            return False
        written = await self._write(
            "seen", "INSERT OR IGNORE INTO seen_updates VALUES (?, ?, ?)", (*key, now)
        )
        if written is None:
            _remember(self._seen_memory, key, now)
            return True
        await self._write(
            "prune",
            "DELETE FROM seen_updates WHERE (bot_id, update_id) IN (SELECT bot_id, update_id"
            " FROM seen_updates WHERE seen_at < ? ORDER BY seen_at LIMIT ?)",
            (now - self._update_ttl, PRUNE_BATCH),
        )
        return written == 1

    async def seen_count(self) -> int:
        """Update ids remembered on disk (bounded by the rate over `update_ttl`)."""
        async with self._db.execute("SELECT count(*) FROM seen_updates") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def note_refusal(self, chat_id: int, kind: str = "access") -> bool:
        """Record that a refusal of `kind` went to a chat; False if one was already sent
        (True when the disk refuses: better one refusal too many than a silent bot)."""
        written = await self._write(
            "refusal",
            "INSERT OR IGNORE INTO refusals VALUES (?, ?, ?)",
            (chat_id, kind, self._clock()),
        )
        return written is None or written == 1

    async def prune(self) -> None:
        """Forget expired sessions and old update ids."""
        now = self._clock()
        await self._write(
            "prune", "DELETE FROM sessions WHERE created_at < ?", (now - SESSION_TTL,)
        )
        await self._write(
            "prune", "DELETE FROM seen_updates WHERE seen_at < ?", (now - self._update_ttl,)
        )
        for memory in (self._sessions_memory,):
            for token in [t for t, s in memory.items() if s.created_at < now - SESSION_TTL]:
                del memory[token]
        while self._seen_memory:
            key, at = next(iter(self._seen_memory.items()))
            if at >= now - self._update_ttl:
                break
            del self._seen_memory[key]


K = TypeVar("K")
V = TypeVar("V")


def _remember(memory: OrderedDict[K, V], key: K, value: V) -> None:
    memory[key] = value
    memory.move_to_end(key)
    while len(memory) > MEMORY_CAP:
        memory.popitem(last=False)
