"""The webhook intake: headers checked before the body, updates journalled before the 200."""

from __future__ import annotations

import asyncio
import json
import resource
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import tornado.netutil
from telegram import Bot

from bot.intake import (
    SECRET_HEADER,
    Backlog,
    JournalingQueue,
    bot_id_of,
    raise_open_files_limit,
    webhook_server,
)
from bot.journal import UpdateJournal

TOKEN = "123456:TEST-token"
SECRET = "s3cret"


def update_body(update_id: int) -> bytes:
    return json.dumps(
        {
            "update_id": update_id,
            "message": {
                "message_id": 1, "date": 0, "text": "/topic drones",
                "chat": {"id": 5, "type": "private"},
                "from": {"id": 5, "is_bot": False, "first_name": "A"},
            },
        }
    ).encode()  # fmt: skip


class Hook:
    def __init__(self, port: int, queue: JournalingQueue, journal: UpdateJournal) -> None:
        self.port, self.queue, self.journal = port, queue, journal

    async def post(
        self, body: bytes, *, secret: str | None = SECRET, length: int | None = None
    ) -> tuple[int, bool]:
        """(status, whether the server closed the connection); sends `body` only. Status 0:
        the server reset the connection without an answer (refused unread)."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = [
            "POST /telegram HTTP/1.1", "Host: x", "Content-Type: application/json",
            f"Content-Length: {len(body) if length is None else length}",
        ]  # fmt: skip
        if secret is not None:
            head.append(f"{SECRET_HEADER}: {secret}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await writer.drain()
        try:
            status_line = await asyncio.wait_for(reader.readline(), 5)
        except ConnectionResetError:
            return 0, True
        if not status_line:
            return 0, True
        status = int(status_line.split()[1])
        try:
            while (await asyncio.wait_for(reader.readline(), 5)) not in (b"\r\n", b""):
                pass
            rest = await asyncio.wait_for(reader.read(65536), 2)
            closed = rest == b"" or reader.at_eof()
        except ConnectionResetError:
            closed = True  # closed with our unread bytes in its buffer
        except TimeoutError:
            closed = False
        writer.close()
        return status, closed


@pytest.fixture
async def hook(tmp_path: Path) -> AsyncIterator[Hook]:
    journal = UpdateJournal.open(tmp_path / "s.sqlite3")
    queue = JournalingQueue(journal, bot_id_of(TOKEN))
    server = webhook_server(
        path="/telegram", secret=SECRET, queue=queue, bot=Bot(TOKEN),
        backlog=Backlog(journal, 3, every=0.0), max_body=64_000, max_connections=4,
    )  # fmt: skip
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    server.add_sockets(sockets)
    try:
        yield Hook(sockets[0].getsockname()[1], queue, journal)
    finally:
        server.stop()
        await server.close_all_connections()
        journal.close()


async def test_a_huge_body_without_the_secret_is_refused_unread(hook: Hook) -> None:
    # answered from the headers alone: 64 KB sent of a declared 100 MB
    status, closed = await hook.post(b"x" * 65536, secret=None, length=100_000_000)
    assert status == 403 and closed
    # within it: 403 after 10 bytes of a declared 60,000 (the rest is never waited for)
    status, closed = await hook.post(b"x" * 10, secret=None, length=60_000)
    assert status == 403 and closed
    status, closed = await hook.post(b"x" * 10, secret="wrong", length=60_000)
    assert status == 403 and closed
    assert hook.queue.empty()


async def test_a_body_over_the_limit_is_refused_even_with_the_secret(hook: Hook) -> None:
    status, closed = await hook.post(b"{" * 1000, length=10_000_000)
    assert status == 413 and closed
    assert hook.queue.empty()


async def test_an_update_is_journalled_before_the_200_and_queued_once(hook: Hook) -> None:
    assert (await hook.post(update_body(7)))[0] == 200
    assert await hook.journal.pending_count() == 1  # on disk when Telegram got its 200
    assert (await hook.post(update_body(7)))[0] == 200  # a redelivery: acknowledged...
    assert hook.queue.qsize() == 1  # ...but not queued twice
    assert (await hook.post(b'{"update_id": "nope"'))[0] == 400


async def test_beyond_the_backlog_the_webhook_says_503(hook: Hook) -> None:
    for i in range(3):
        assert (await hook.post(update_body(100 + i)))[0] == 200
    assert (await hook.post(update_body(200)))[0] == 503
    assert hook.queue.qsize() == 3


async def test_at_the_cap_the_oldest_connection_goes_and_the_new_one_is_served(
    hook: Hook,
) -> None:
    idle = [await asyncio.open_connection("127.0.0.1", hook.port) for _ in range(4)]
    await asyncio.sleep(0.05)  # let the server accept them
    assert (await hook.post(update_body(300)))[0] == 200  # a fifth connection: served
    oldest_reader, _ = idle[0]
    assert await asyncio.wait_for(oldest_reader.read(10), 5) == b""  # the oldest closed
    for _, w in idle:
        w.close()


async def test_connections_closed_long_ago_do_not_count_against_the_cap(hook: Hook) -> None:
    for n in range(12):  # three times the cap, one after another
        assert (await hook.post(update_body(400 + n)))[0] in (200, 503)
    idle = [await asyncio.open_connection("127.0.0.1", hook.port) for _ in range(3)]
    await asyncio.sleep(0.05)
    for _, w in idle:  # none of the three was closed to make room
        assert not w.is_closing()
    first_reader, _ = idle[0]
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(first_reader.read(1), 0.1)
    for _, w in idle:
        w.close()


def test_the_open_files_limit_is_raised_to_the_hard_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard))
        new_soft, _ = raise_open_files_limit(cap=min(hard, 4096))
        assert new_soft == min(hard, 4096)
        assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == new_soft
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_the_bot_id_is_read_from_the_token() -> None:
    assert bot_id_of(TOKEN) == 123456 and bot_id_of("garbage") == 0
