"""SIGKILL after Telegram was told the updates arrived: `corpusbot run` as a real process
against the fake Bot API on 127.0.0.1; every acknowledged update is answered exactly once
after a restart (the durable update journal, bot/journal.py and bot/intake.py; each message
marked sent in the send path, bot/sends.py).

The webhook count is `CORPUSBOT_KILL_UPDATES` (200 in the suite: PTB's limiter sends 30
messages/s, so 1,000 answers take ~35 s; docs/reliability.md has the 1,000 run and its
command). The kill lands after a random number of answers (a different instant each run);
`benchmarks/kill_restart.py` runs these tests in a loop and counts."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from conftest import ROOT, write_seed_config

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
async def bot_process(
    config: Path,
    fake: FakeBotApi,
    *,
    preexec: Callable[[], None] | None = None,
    log_path: Path | None = None,
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`corpusbot run` with its log in `<config folder>/bot-<n>.log` (see `log_of`)."""
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token}
    logs = sorted(config.parent.glob("bot-*.log"))
    with open(log_path or config.parent / f"bot-{len(logs)}.log", "wb") as err:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config),
            cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=err,
            preexec_fn=preexec,
        )  # fmt: skip
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def log_of(config: Path) -> str:
    """The newest bot process log next to `config`."""
    newest = sorted(config.parent.glob("bot-*.log"))[-1]
    return newest.read_text(encoding="utf-8", errors="replace")


async def stop(proc: asyncio.subprocess.Process, config: Path) -> str:
    proc.send_signal(signal.SIGTERM)
    await asyncio.wait_for(proc.wait(), timeout=20)
    assert proc.returncode == 0
    return log_of(config)


async def kill(proc: asyncio.subprocess.Process) -> None:
    proc.kill()
    await proc.wait()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def answers_per_user(fake: FakeBotApi, users: list[int]) -> Counter[int]:
    wanted = set(users)
    return Counter(m.chat_id for m in fake.sent if m.chat_id in wanted)


def outcome(counts: Counter[int], updates: dict[int, int]) -> tuple[list[int], list[int]]:
    """The update ids (of `updates`: user -> update id, each owed one message) never
    answered, and those answered more than once."""
    lost = [update for user, update in updates.items() if counts[user] == 0]
    doubles = [update for user, update in updates.items() if counts[user] > 1]
    return lost, doubles


async def wait_for_answers(fake: FakeBotApi, users: list[int], timeout: float) -> None:
    """Until every user has an answer; at the deadline, on (the report says who lacks one)."""
    with contextlib.suppress(TimeoutError):
        await fake.wait_for(lambda: len(answers_per_user(fake, users)) == len(users), timeout)


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
            # at most 50 posts at once: httpcore's pool assigns queued requests in quadratic
            # time, so 1,000 queued ones took the test's CPU past the 30 s pool timeout
            gate = asyncio.Semaphore(50)
            async with httpx.AsyncClient(limits=limits, timeout=30) as client:

                async def post(update: dict[str, Any]) -> int:
                    async with gate:
                        response = await client.post(url, json=update, headers={HEADER: SECRET})
                    return response.status_code

                statuses = await asyncio.gather(*(post(u) for u in updates))
            assert set(statuses) == {200}
            kill_after = random.randrange(0, 60)  # a different instant of the answering
            await fake.wait_for(
                lambda: sum(answers_per_user(fake, users).values()) >= kill_after, timeout=60
            )
            await kill(proc)  # every update acknowledged; most not answered yet
        before = sum(answers_per_user(fake, users).values())
        assert before < len(users)

        async with bot_process(config, fake) as proc:
            await wait_for_answers(fake, users, timeout=120)
            log = await stop(proc, config)
        counts = answers_per_user(fake, users)
        ids = {user: update["update_id"] for user, update in zip(users, updates, strict=True)}
        lost, doubles = outcome(counts, ids)
        print(f"\nwebhook: {len(users)} acknowledged, {before} answered before SIGKILL, "
              f"{sum(counts.values()) - before} after the restart, {len(lost)} lost, "
              f"{len(doubles)} twice (updates lost {lost}, twice {doubles})")  # fmt: skip
        assert (lost, doubles) == ([], []), log[-2000:]
        assert "Traceback" not in log, log[-2000:]


async def test_polling_updates_confirmed_then_sigkill_are_answered_once_after_restart(
    tmp_path: Path, shared_seeds: Path
) -> None:
    users = [FIRST_USER + 10_000 + n for n in range(POLLING_UPDATES)]
    async with FakeBotApi() as fake:
        config = bot_config(tmp_path, shared_seeds, fake)
        updates = {user: fake.user_sends("/help", user_id=user)["update_id"] for user in users}
        async with bot_process(config, fake) as proc:
            # the offset is confirmed (Telegram forgets them) before most are answered
            await fake.wait_for(lambda: not fake.pending_updates, timeout=60)
            await kill(proc)  # at once: PTB confirms a batch only on its next getUpdates
        before = sum(answers_per_user(fake, users).values())
        assert before < len(users)
        assert not fake.pending_updates  # Telegram would not send these again

        async with bot_process(config, fake) as proc:
            await wait_for_answers(fake, users, timeout=60)
            log = await stop(proc, config)
        counts = answers_per_user(fake, users)
        lost, doubles = outcome(counts, updates)
        print(f"\npolling: {len(users)} confirmed, {before} answered before SIGKILL, "
              f"{sum(counts.values()) - before} after the restart, {len(lost)} lost, "
              f"{len(doubles)} twice (updates lost {lost}, twice {doubles})")  # fmt: skip
        assert (lost, doubles) == ([], []), log[-2000:]


def webhook_config(folder: Path, shared: Path, fake: FakeBotApi, port: int) -> Path:
    hook = {"url": "https://example.org/hook", "listen": "127.0.0.1", "port": port,
            "path": "/hook", "secret_token": SECRET}  # fmt: skip
    return bot_config(folder, shared, fake, mode="webhook", webhook=hook)


async def post_genuine(fake: FakeBotApi, port: int, user: int) -> float:
    """POST one update with the secret; seconds until its reply reached the fake Bot API."""
    update = fake.user_sends("/help", user_id=user)
    fake.world.confirm(update["update_id"] + 1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.post(
            f"http://127.0.0.1:{port}/hook", json=update, headers={HEADER: SECRET}
        )
    assert response.status_code == 200
    await fake.wait_for(lambda: any(m.chat_id == user for m in fake.sent), timeout=5)
    return loop.time() - started


async def test_a_100_mb_body_without_the_secret_is_refused_unread(
    tmp_path: Path, shared_seeds: Path
) -> None:
    port = free_port()
    async with FakeBotApi() as fake:
        config = webhook_config(tmp_path, shared_seeds, fake, port)
        async with bot_process(config, fake) as proc:
            await wait_port(port, proc)
            assert await post_genuine(fake, port, FIRST_USER + 20_000) < 5  # warmed up
            start = peak = rss_kib(proc.pid)
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            size = 100 * 2**20
            writer.write(
                f"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n\r\n".encode()
            )
            chunk, sent = b"\0" * 2**20, 0
            try:
                while sent < size:
                    writer.write(chunk)
                    await asyncio.wait_for(writer.drain(), 5)
                    sent += len(chunk)
                    peak = max(peak, rss_kib(proc.pid))
                status = await asyncio.wait_for(reader.readline(), 5)
            except (ConnectionResetError, BrokenPipeError):
                status = b"(closed)"
            writer.close()
            peak = max(peak, rss_kib(proc.pid))
            log = await stop(proc, config)
        growth_mib = (peak - start) / 1024
        assert growth_mib < 10, growth_mib
        assert "Traceback" not in log, log[-2000:]
        print(f"\n100 MB without the secret: {sent / 2**20:.0f} MiB sent before the bot closed "
              f"({status!r}), RSS growth {growth_mib:.1f} MiB")  # fmt: skip


def limit_open_files_to_1024() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))


async def test_1100_idle_connections_at_a_1024_fd_limit_a_genuine_update_is_answered(
    tmp_path: Path, shared_seeds: Path
) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1300:
        pytest.skip(f"this test opens 1,100 connections; the hard open-files limit is {hard}")
    port = free_port()
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1300), hard))
    idle: list[asyncio.StreamWriter] = []
    try:
        async with FakeBotApi() as fake:
            config = webhook_config(tmp_path, shared_seeds, fake, port)
            async with bot_process(config, fake, preexec=limit_open_files_to_1024) as proc:
                await wait_port(port, proc)
                for _ in range(1100):
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                    idle.append(writer)
                await asyncio.sleep(0.2)  # the bot accepts them (and closes the oldest)
                seconds = await post_genuine(fake, port, FIRST_USER + 21_000)
                again = await post_genuine(fake, port, FIRST_USER + 21_001)
                log = await stop(proc, config)
    finally:
        for writer in idle:
            writer.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert seconds < 1 and again < 1, (seconds, again)
    assert len(log) < 20_000, log[-2000:]
    assert "Traceback" not in log and log.count("connections open") <= 2, log[-2000:]
    print(f"\n1,100 idle connections at 1,024 fds: genuine answered in {seconds * 1000:.0f} ms "
          f"and {again * 1000:.0f} ms; log {len(log)} bytes")  # fmt: skip


async def test_a_garbage_state_file_is_moved_aside_the_bot_answers_and_admins_are_told(
    tmp_path: Path, shared_seeds: Path
) -> None:
    admin = FIRST_USER + 30_000
    async with FakeBotApi() as fake:
        config = bot_config(tmp_path, shared_seeds, fake)
        data = yaml.safe_load(config.read_text())
        data["access"] = {"admins": [admin]}
        config.write_text(yaml.safe_dump(data))
        (tmp_path / "state.sqlite3").write_bytes(b"this is not a database" * 100)
        fake.world.add_chat(admin, "private")
        async with bot_process(config, fake) as proc:
            await fake.wait_for(lambda: fake.sent_to(admin), timeout=60)
            fake.user_sends("/help", user_id=admin + 1)
            await fake.wait_for(lambda: fake.sent_to(admin + 1), timeout=10)
            log = await stop(proc, config)
        [told] = fake.sent_to(admin)
        assert "state store" in told.text and "corrupt" in told.text, told.text
        assert list(tmp_path.glob("state.sqlite3.corrupt-*"))
        assert "Traceback" not in log, log[-2000:]


def limit_file_size() -> None:
    """A full disk: no regular file may grow (writes fail with EFBIG; Python ignores
    SIGXFSZ)."""
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))


async def test_with_a_full_disk_the_bot_still_answers(tmp_path: Path, shared_seeds: Path) -> None:
    user = FIRST_USER + 31_000
    async with FakeBotApi() as fake:
        config = bot_config(tmp_path, shared_seeds, fake)
        async with bot_process(config, fake) as proc:  # the state file exists, then the disk fills
            fake.user_sends("/help", user_id=user)
            await fake.wait_for(lambda: fake.sent_to(user), timeout=60)
            await stop(proc, config)
        for n in range(3):
            fake.user_sends(f"/topic drones {n}", user_id=user + 1 + n)
        async with bot_process(
            config, fake, preexec=limit_file_size, log_path=Path(os.devnull)
        ) as proc:
            await fake.wait_for(
                lambda: all(fake.sent_to(user + 1 + n) for n in range(3)), timeout=60
            )
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), 20)
        for n in range(3):
            [reply] = fake.sent_to(user + 1 + n)
            assert "<blockquote" in reply.html and "Sorry" not in reply.text


async def test_index_path_on_a_source_is_refused_in_one_line_and_the_source_kept(
    tmp_path: Path, shared_seeds: Path
) -> None:
    async with FakeBotApi() as fake:
        config = bot_config(tmp_path, shared_seeds, fake)
        data = yaml.safe_load(config.read_text())
        source = Path(data["corpus"]["sources"][0]["path"])
        before = source.read_bytes()
        data["index"] = {"path": str(source)}
        config.write_text(yaml.safe_dump(data))
        for command in ("index", "run"):
            done = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", command, "--config", str(config), cwd=ROOT,
                env={**os.environ, "TELEGRAM_BOT_TOKEN": fake.token},
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            _, err = await asyncio.wait_for(done.communicate(), 60)
            lines = err.decode().strip().splitlines()
            assert done.returncode == 2 and len(lines) == 1, (command, err.decode()[-1500:])
            assert "index.path" in lines[0] and "corpus.sources[0]" in lines[0], lines
        assert source.read_bytes() == before


@pytest.mark.parametrize("listen", ["busy", "256.1.1.1"])
async def test_a_busy_port_or_a_bad_listen_address_is_one_line(
    tmp_path: Path, shared_seeds: Path, listen: str
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        async with FakeBotApi() as fake:
            config = webhook_config(tmp_path, shared_seeds, fake, port)
            if listen != "busy":
                data = yaml.safe_load(config.read_text())
                data["telegram"]["webhook"]["listen"] = listen
                config.write_text(yaml.safe_dump(data))
            async with bot_process(config, fake) as proc:
                await asyncio.wait_for(proc.wait(), 60)
            lines = log_of(config).strip().splitlines()
    assert proc.returncode == 2, lines[-5:]
    assert "Traceback" not in "\n".join(lines), lines[-20:]
    key = "telegram.webhook.port" if listen == "busy" else "telegram.webhook.listen"
    assert lines[-1].startswith("corpusbot: ") and key in lines[-1], lines[-3:]
