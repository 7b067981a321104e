"""The bot's own small SQLite store: paging sessions, stats, seen updates, refusals sent.

Sessions live on disk so that buttons keep working after a restart.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

SESSION_TTL = 7 * 24 * 3600.0  # seconds a result list stays pageable
UPDATE_TTL = 24 * 3600.0  # seconds an update id is remembered for duplicate delivery
PRUNE_EVERY = 200  # sessions saved between prunes

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
CREATE TABLE IF NOT EXISTS updates (update_id INTEGER PRIMARY KEY, seen_at REAL NOT NULL);
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


class StateStore:
    """Open with `await StateStore.open(path)`; close with `await store.close()`."""

    def __init__(self, db: aiosqlite.Connection, clock: Callable[[], float]) -> None:
        self._db = db
        self._clock = clock
        self._saved = 0

    @classmethod
    async def open(cls, path: Path, *, clock: Callable[[], float] = time.time) -> StateStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path)
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable but for a power cut
            await db.executescript(SCHEMA)
            await db.commit()
        except BaseException:
            await db.close()
            raise
        store = cls(db, clock)
        await store.prune()
        return store

    async def close(self) -> None:
        await self._db.close()

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
        """Remember a result list; return its short token (8 URL-safe characters)."""
        token = secrets.token_urlsafe(6)
        payload = json.dumps([h.to_json() for h in hits], separators=(",", ":"))
        await self._db.execute(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (token, chat_id, user_id, command, query, mode, title, lead, payload, self._clock()),
        )
        await self._db.commit()
        self._saved += 1
        if self._saved % PRUNE_EVERY == 0:
            await self.prune()
        return token

    async def load_session(self, token: str) -> Session | None:
        """The session, or None when unknown or expired."""
        async with self._db.execute(
            "SELECT token, chat_id, user_id, command, query, mode, title, lead, hits, created_at"
            " FROM sessions WHERE token = ?",
            (token,),
        ) as cursor:
            row = await cursor.fetchone()
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

    async def count_query(self, command: str) -> None:
        await self._db.execute(
            "INSERT INTO stats VALUES (?, 1)"
            " ON CONFLICT(command) DO UPDATE SET served = served + 1",
            (command,),
        )
        await self._db.commit()

    async def stats(self) -> dict[str, int]:
        """Queries served by command, most served first."""
        async with self._db.execute(
            "SELECT command, served FROM stats ORDER BY served DESC, command"
        ) as cursor:
            return {command: served async for command, served in cursor}

    async def session_count(self) -> int:
        async with self._db.execute("SELECT count(*) FROM sessions") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def mark_update(self, update_id: int) -> bool:
        """Remember an update id; False when it was seen before (a duplicate delivery)."""
        cursor = await self._db.execute(
            "INSERT OR IGNORE INTO updates VALUES (?, ?)", (update_id, self._clock())
        )
        await self._db.commit()
        return cursor.rowcount == 1

    async def note_refusal(self, chat_id: int, kind: str = "access") -> bool:
        """Record that a refusal of `kind` went to a chat; False if one was already sent."""
        cursor = await self._db.execute(
            "INSERT OR IGNORE INTO refusals VALUES (?, ?, ?)", (chat_id, kind, self._clock())
        )
        await self._db.commit()
        return cursor.rowcount == 1

    async def prune(self) -> None:
        """Forget expired sessions and old update ids."""
        now = self._clock()
        await self._db.execute("DELETE FROM sessions WHERE created_at < ?", (now - SESSION_TTL,))
        await self._db.execute("DELETE FROM updates WHERE seen_at < ?", (now - UPDATE_TTL,))
        await self._db.commit()
