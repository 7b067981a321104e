"""Faults between the bot and Telegram, through the real Application and the fake Bot API.

Flood control (429), server errors (5xx), slow answers and timeouts, dropped connections, a
user who blocked the bot, a group migrated to a supergroup, duplicate webhook deliveries, a
restart in the middle of a stream of updates, SIGTERM, a lost or corrupt index and a source
edited into invalid UTF-8. In every case: each update is answered once (or dropped politely
where Telegram will not take the answer), no call Telegram would refuse, no traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import (
    ROOT,
    assert_verbatim,
    markups_of,
    running_bot,
    source_texts_of,
    write_seed_config,
)

from bot.app import WebhookSettings, build_application, serving
from bot.config import load_config
from bot.fakeapi import FakeBotApi
from bot.handlers import SORRY
from bot.services import open_services
from corpus.index_path import IndexPathError

# PTB 22 warns about its own RetryAfter.retry_after type change whenever a 429 arrives
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

GROUP = -400000001
SECRET = "faults-secret"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Short timeouts and backoff (config `telegram.network`), so no test waits real seconds for them
QUICK_NETWORK = {"network": {"read_timeout": 0.5, "retry_backoff": 0.01}}


def errors_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]


def answered_once(fake: FakeBotApi, chats: list[int]) -> None:
    """Each chat got exactly one message, none of them an apology."""
    for chat in chats:
        got = [m for m in fake.sent if m.chat_id == chat]
        assert len(got) == 1, (chat, [m.text[:60] for m in got])
        assert SORRY not in got[0].text


# ----- flood control, server errors, slow answers, dropped connections


async def test_429_storm_every_reply_arrives_after_retry_after(
    seed_config: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(seed_config) as bot:
        fault = bot.fake.inject_fault("sendMessage", status=429, retry_after=1, times=3)
        users = [71_000 + n for n in range(6)]
        for user in users:
            bot.fake.user_sends("/topic drones", user_id=user)
        await bot.fake.drain(bot.application, timeout=20)
        assert fault.served == 3
        assert [f.status for f in bot.fake.faults_served] == [429, 429, 429]
        answered_once(bot.fake, users)
    assert errors_in(caplog) == []


@pytest.mark.parametrize("status", [500, 502])
async def test_server_error_is_retried_and_answered_once(
    make_config: Any, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(make_config(telegram=QUICK_NETWORK)) as bot:
        fault = bot.fake.inject_fault("sendMessage", status=status, times=2)
        bot.fake.user_sends("/quote so long as he kills, he lives")
        await bot.fake.drain(bot.application, timeout=10)
        assert fault.served == 2
        answered_once(bot.fake, [1001])
    assert errors_in(caplog) == []


async def test_dropped_connection_is_retried_and_answered_once(
    make_config: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(make_config(telegram=QUICK_NETWORK)) as bot:
        fault = bot.fake.inject_fault("sendMessage", drop_connection=True, times=1)
        bot.fake.user_sends("/topic drones")
        await bot.fake.drain(bot.application, timeout=10)
        assert fault.served == 1 and bot.fake.faults_served[0].status is None
        answered_once(bot.fake, [1001])
    assert errors_in(caplog) == []


async def test_a_slow_answer_does_not_hold_up_other_users(seed_config: Any) -> None:
    async with running_bot(seed_config) as bot:
        bot.fake.inject_fault("sendMessage", status=None, delay=2.0, chat_id=72_000, times=1)
        bot.fake.user_sends("/topic drones", user_id=72_000)
        await asyncio.sleep(0.2)
        others = [72_001 + n for n in range(5)]
        for user in others:
            bot.fake.user_sends("/topic war", user_id=user)
        await bot.fake.wait_for(lambda: len(bot.fake.sent) >= len(others), timeout=5)
        # the others were answered while the slow call was still pending
        assert {m.chat_id for m in bot.fake.sent} == set(others)
        await bot.fake.drain(bot.application, timeout=10)
        answered_once(bot.fake, [72_000, *others])


async def test_a_call_that_times_out_is_retried(
    make_config: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """An answer slower than the read timeout (`telegram.network.read_timeout`, PTB's 5 s by
    default; 0.5 s here): TimedOut, a retry, one message. (The fake drops the abandoned call;
    real Telegram may have delivered it, see reliability.md.)"""
    async with running_bot(make_config(telegram=QUICK_NETWORK)) as bot:
        fault = bot.fake.inject_fault("sendMessage", status=None, delay=1.0, times=1)
        bot.fake.user_sends("/topic drones")
        await bot.fake.drain(bot.application, timeout=20)
        assert fault.served == 1
        answered_once(bot.fake, [1001])
    assert errors_in(caplog) == []


async def test_get_updates_failing_loses_no_update(
    seed_config: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(seed_config) as bot:
        fault = bot.fake.inject_fault("getUpdates", status=502, times=2)
        users = [73_000 + n for n in range(3)]
        for user in users:
            bot.fake.user_sends("/date 28 August 2025", user_id=user)
        await bot.fake.drain(bot.application, timeout=20)
        assert fault.served == 2
        answered_once(bot.fake, users)


# ----- users and chats that went away


async def test_a_user_who_blocked_the_bot_does_not_stop_the_others(
    seed_config: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with running_bot(seed_config) as bot:
        blocked = 74_000
        bot.fake.inject_fault("sendMessage", status=403, chat_id=blocked, times=None)
        others = [74_001 + n for n in range(4)]
        for user in [blocked, *others, blocked]:
            bot.fake.user_sends("/topic drones", user_id=user)
        await bot.fake.drain(bot.application, timeout=10)
        answered_once(bot.fake, others)
        assert bot.fake.sent_to(blocked) == []
        # the 403 was not retried: one attempt per update
        tries = [f for f in bot.fake.faults_served if f.status == 403]
        assert len(tries) == 2
    assert errors_in(caplog) == []
    assert any("may not write" in r.getMessage() for r in caplog.records)


async def test_a_group_migrated_before_the_reply_gets_it_in_the_supergroup(
    seed_config: Any,
) -> None:
    new_id = -1009990000001
    async with running_bot(seed_config) as bot:
        bot.fake.user_sends("/topic drones", chat_type="group")
        bot.fake.group_migrates(GROUP, new_id)  # the group upgrades before the bot answers
        await bot.fake.drain(bot.application, timeout=10)
        assert bot.fake.sent_to(GROUP) == []
        # the one refusal is Telegram telling the bot where the group went; nothing else
        [told] = bot.fake.refusals
        assert "upgraded to a supergroup" in told.description
        bot.fake.refusals.clear()
        [reply] = bot.fake.sent_to(new_id)
        assert "<blockquote" in reply.html
        # later commands come from the supergroup and are answered there directly
        bot.fake.user_sends("/quote so long as he kills, he lives", chat_id=new_id,
                            chat_type="supergroup")  # fmt: skip
        await bot.fake.drain(bot.application)
        assert len(bot.fake.sent_to(new_id)) == 2


async def test_migration_told_by_a_fault_is_followed(seed_config: Any) -> None:
    new_id = -1009990000002
    async with running_bot(seed_config) as bot:
        bot.fake.user_sends("/start", chat_type="group")  # the fake learns the group
        await bot.fake.drain(bot.application)
        bot.fake.world.add_chat(new_id, "supergroup", title="upgraded")
        bot.fake.inject_fault("sendMessage", migrate_to_chat_id=new_id, chat_id=GROUP)
        bot.fake.user_sends("/topic drones", chat_type="group")
        await bot.fake.drain(bot.application)
        assert len(bot.fake.sent_to(new_id)) == 1


# ----- duplicate deliveries and restarts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def webhook_bot(config: Any, fake: FakeBotApi) -> AsyncIterator[tuple[Any, str]]:
    settings = WebhookSettings("127.0.0.1", free_port(), "/telegram",
                               "https://bot.example.test/telegram", SECRET)  # fmt: skip
    async with open_services(config) as services:
        application = build_application(services, base_url=fake.base_url, token=fake.token)
        async with serving(application, webhook=settings):
            yield application, f"http://127.0.0.1:{settings.port}{settings.path}"


async def test_duplicate_webhook_deliveries_are_answered_once(seed_config: Any) -> None:
    async with FakeBotApi() as fake, webhook_bot(seed_config, fake) as (app, url):
        updates = []
        for user in (75_000, 75_001, 75_002):
            update = fake.user_sends("/topic drones", user_id=user)
            fake.world.confirm(update["update_id"] + 1)  # delivered by webhook, not getUpdates
            updates.append(update)
        async with httpx.AsyncClient() as client:
            # Telegram redelivers when it did not see a 200 in time: same update_id, again
            for update in [*updates, updates[0], updates[1], updates[0]]:
                response = await client.post(url, json=update, headers={HEADER: SECRET})
                assert response.status_code == 200
        await fake.drain(app, timeout=10)
        answered_once(fake, [75_000, 75_001, 75_002])
        assert fake.refusals == []


async def test_restart_mid_stream_loses_none_and_answers_none_twice(seed_config: Any) -> None:
    """200 updates queued; the bot is stopped after some are answered and a new Application
    starts on the same state: every update answered exactly once."""
    users = [76_000 + n for n in range(200)]
    async with FakeBotApi() as fake:
        for user in users[:100]:
            fake.user_sends("/topic drones", user_id=user)
        async with open_services(seed_config) as services:
            app = build_application(services, base_url=fake.base_url, token=fake.token,
                                    throttle=False)  # fmt: skip
            async with serving(app, poll_timeout=1):
                await fake.wait_for(lambda: len(fake.sent) >= 20, timeout=20)
                for user in users[100:]:  # more keep coming while the bot stops
                    fake.user_sends("/topic drones", user_id=user)
            first_run = len(fake.sent)
        assert first_run >= 20
        async with open_services(seed_config) as services:
            app = build_application(services, base_url=fake.base_url, token=fake.token,
                                    throttle=False)  # fmt: skip
            async with serving(app, poll_timeout=1):
                await fake.drain(app, timeout=30)
        answered_once(fake, users)
        assert fake.refusals == [] and fake.internal_errors == []
        print(f"\nrestart: {first_run} answered before the stop, {len(users)} in all, 0 lost")


async def test_an_update_replayed_after_a_restart_is_not_answered_again(
    seed_config: Any,
) -> None:
    async with FakeBotApi() as fake:
        update = fake.user_sends("/topic drones")
        async with running_bot(seed_config, fake=fake) as bot:
            await bot.fake.drain(bot.application)
        fake.world.updates.append(update)  # Telegram hands the same update out again
        async with running_bot(seed_config, fake=fake) as bot:
            await bot.fake.drain(bot.application)
        answered_once(fake, [1001])


# ----- SIGTERM


async def test_sigterm_stops_gracefully_after_answering_what_is_in_flight(
    tmp_path: Path, shared_seeds: Path
) -> None:
    async with FakeBotApi() as fake:
        path = write_seed_config(
            tmp_path,
            seeds=shared_seeds / "seeds",
            index_path=shared_seeds / "index.sqlite3",
            telegram={"base_url": fake.base_url, "token": ""},
        )
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(path),
            cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await fake.wait_for(lambda: fake.waiting_polls > 0, timeout=30)
            # the answer is slow: SIGTERM arrives while it is in flight
            fault = fake.inject_fault("sendMessage", status=None, delay=1.5, times=1)
            fake.user_sends("/topic drones")
            await fake.wait_for(lambda: fault.served == 1, timeout=10)
            proc.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(proc.communicate(), timeout=20)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        log = stderr.decode("utf-8", "replace")
        assert proc.returncode == 0, log[-2000:]
        assert len(fake.sent) == 1 and "<blockquote" in fake.sent[0].html, log[-2000:]
        assert "Traceback" not in log, log[-2000:]
        assert fake.token not in log
        assert fake.pending_updates == []
        assert fake.refusals == []


# ----- the index and the sources


@pytest.fixture
def own_corpus(tmp_path: Path) -> Any:
    """A config over private copies of the seeds with its own index (for tests that break
    them), admin user 1001."""
    return load_config(write_seed_config(tmp_path, access={"admins": [1001]}))


def tantivy_dir(index: Path) -> Path:
    [found] = [p for p in index.parent.glob(f"{index.name}.tantivy-*") if p.is_dir()]
    return found


@pytest.mark.parametrize("damage", ["deleted", "garbage", "truncated", "tantivy_gone"])
async def test_a_lost_or_corrupt_index_is_rebuilt_on_open(own_corpus: Any, damage: str) -> None:
    index = own_corpus.index.path
    async with open_services(own_corpus):
        pass  # build it
    if damage == "deleted":
        index.unlink()
    elif damage == "garbage":  # no SQLite header: maybe someone's file, so never replaced
        garbage = b"this is not an SQLite file\x00" * 100
        index.write_bytes(garbage)
        with pytest.raises(IndexPathError, match=r"index\.path"):
            async with open_services(own_corpus):
                pass
        assert index.read_bytes() == garbage
        return
    elif damage == "truncated":
        index.write_bytes(index.read_bytes()[:4096])
    else:
        shutil.rmtree(tantivy_dir(index))
    async with running_bot(own_corpus) as bot:
        assert bot.services.library.report.rebuilt
        [reply] = await bot.send("/topic drones")
        assert "<blockquote" in reply.html


async def test_invalid_utf8_source_refuses_reload_and_the_old_index_serves(
    own_corpus: Any,
) -> None:
    source = own_corpus.source_specs()[0].path
    original = source.read_bytes()
    async with running_bot(own_corpus) as bot:
        [before] = await bot.send("/quote so long as he kills, he lives")
        try:
            source.write_bytes(original[:500] + b"\xff\xfe\xc3(" + original[500:])
            [told] = await bot.send("/reload")
            assert "Reload failed" in told.text and "old index keeps serving" in told.text
            assert "UTF-8" in told.text or "utf-8" in told.text, told.text
            [after] = await bot.send("/quote so long as he kills, he lives")
            assert after.html == before.html
        finally:
            source.write_bytes(original)
        [reloaded] = await bot.send("/reload")
        assert reloaded.text.startswith("Reloaded")
    assert_verbatim(markups_of(bot.fake), source_texts_of(own_corpus))
