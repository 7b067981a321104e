"""SIGKILL after Telegram was told the updates arrived: `corpusbot run` as a real process
against the fake Bot API on 127.0.0.1; every acknowledged update is answered exactly once
after a restart (the durable update journal, bot/journal.py and bot/intake.py).

The webhook count is `CORPUSBOT_KILL_UPDATES` (200 in the suite: PTB's limiter sends 30
messages/s, so 1,000 answers take ~35 s; docs/reliability.md has the 1,000 run and its
command)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from conftest import ROOT, write_seed_config

from bot.app import CONCURRENT_UPDATES
from bot.fakeapi import FakeBotApi

SECRET = "kill-secret"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_UPDATES = int(os.environ.get("CORPUSBOT_KILL_UPDATES", "200"))
POLLING_UPDATES = 50
FIRST_USER = 91_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_config(folder: Path, shared: Path, fake: FakeBotApi, **telegram: Any) -> Path:
    return write_seed_config(
        folder,
        seeds=shared / "seeds",
        index_path=shared / "index.sqlite3",
        telegram={"base_url": fake.base_url, "token": "",
                  "network": {"read_timeout": 2, "retry_backoff": 0.01}, **telegram},
        rate_limit={"user_per_minute": 1000, "chat_per_minute": 1000},
    )  # fmt: skip


@asynccontextmanager
async def bot_process(config: Path, fake: FakeBotApi) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config),
        cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def stop(proc: asyncio.subprocess.Process) -> str:
    proc.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(proc.communicate(), timeout=20)
    return err.decode("utf-8", "replace")


async def kill(proc: asyncio.subprocess.Process) -> None:
    proc.kill()
    await proc.wait()


def answers_per_user(fake: FakeBotApi, users: list[int]) -> Counter[int]:
    wanted = set(users)
    return Counter(m.chat_id for m in fake.sent if m.chat_id in wanted)


def in_doubt(counts: Counter[int]) -> int:
    """How many were answered twice: only a reply Telegram took in the instant between its
    send and the journal's done mark (the kill landing there) can be sent again, so at most
    the updates in flight at the kill (CONCURRENT_UPDATES); none is answered three times."""
    assert max(counts.values()) <= 2, counts.most_common(3)
    twice = sum(1 for n in counts.values() if n == 2)
    assert twice <= CONCURRENT_UPDATES, twice
    return twice


async def wait_port(port: int, proc: asyncio.subprocess.Process, timeout: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        assert proc.returncode is None, "the bot exited"
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return
    raise TimeoutError(f"nothing listens on {port}")


async def test_webhook_updates_acknowledged_then_sigkill_are_answered_once_after_restart(
    tmp_path: Path, shared_seeds: Path
) -> None:
    users = [FIRST_USER + n for n in range(WEBHOOK_UPDATES)]
    port = free_port()
    async with FakeBotApi() as fake:
        hook = {"url": "https://example.org/hook", "listen": "127.0.0.1", "port": port,
                "path": "/hook", "secret_token": SECRET}  # fmt: skip
        config = bot_config(tmp_path, shared_seeds, fake, mode="webhook", webhook=hook)
        updates = []
        for user in users:
            update = fake.user_sends("/help", user_id=user)
            fake.world.confirm(update["update_id"] + 1)  # delivered by webhook
            updates.append(update)
        url = f"http://127.0.0.1:{port}/hook"
        async with bot_process(config, fake) as proc:
            await wait_port(port, proc)
            limits = httpx.Limits(max_connections=50)
            async with httpx.AsyncClient(limits=limits, timeout=30) as client:

                async def post(update: dict[str, Any]) -> int:
                    response = await client.post(url, json=update, headers={HEADER: SECRET})
                    return response.status_code

                statuses = await asyncio.gather(*(post(u) for u in updates))
            assert set(statuses) == {200}
            await kill(proc)  # every update acknowledged; most not answered yet
        before = sum(answers_per_user(fake, users).values())
        assert before < len(users)

        async with bot_process(config, fake) as proc:
            await fake.wait_for(
                lambda: len(answers_per_user(fake, users)) == len(users), timeout=120
            )
            log = await stop(proc)
        counts = answers_per_user(fake, users)
        assert set(counts) == set(users), log[-2000:]  # none lost
        twice = in_doubt(counts)
        assert "Traceback" not in log, log[-2000:]
        print(f"\nwebhook: {len(users)} acknowledged, {before} answered before SIGKILL, "
              f"{len(users) - before} after the restart, 0 lost, {twice} twice")  # fmt: skip


async def test_polling_updates_confirmed_then_sigkill_are_answered_once_after_restart(
    tmp_path: Path, shared_seeds: Path
) -> None:
    users = [FIRST_USER + 10_000 + n for n in range(POLLING_UPDATES)]
    async with FakeBotApi() as fake:
        config = bot_config(tmp_path, shared_seeds, fake)
        for user in users:
            fake.user_sends("/help", user_id=user)
        async with bot_process(config, fake) as proc:
            # the offset is confirmed (Telegram forgets them) before most are answered
            await fake.wait_for(lambda: not fake.pending_updates, timeout=60)
            await kill(proc)
        before = sum(answers_per_user(fake, users).values())
        assert before < len(users)
        assert not fake.pending_updates  # Telegram would not send these again

        async with bot_process(config, fake) as proc:
            await fake.wait_for(
                lambda: len(answers_per_user(fake, users)) == len(users), timeout=60
            )
            log = await stop(proc)
        counts = answers_per_user(fake, users)
        assert set(counts) == set(users), log[-2000:]  # none lost
        twice = in_doubt(counts)
        print(f"\npolling: {len(users)} confirmed, {before} answered before SIGKILL, 0 lost, "
              f"{twice} twice")  # fmt: skip
