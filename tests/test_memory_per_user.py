"""Memory per distinct user (bot/housekeeping.py); RSS is measured by
`benchmarks/webhook_memory.py`, the limiter's sweep in `tests/test_rate_limiter.py`."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app import build_application, serving
from bot.fakeapi import FakeBotApi
from bot.housekeeping import GatedQueue
from bot.services import open_services

USERS = 400
PER_USER_BOUND = 60  # bytes of Python memory a user who never returns may leave


async def test_no_persistence_marks_are_kept_per_user(seed_config: Any) -> None:
    async with FakeBotApi() as fake, open_services(seed_config) as services:
        application = build_application(
            services, base_url=fake.base_url, token=fake.token, throttle=False
        )
        async with serving(application, poll_timeout=1):
            for user in range(1, 31):
                fake.user_inline("drones", user_id=user)
                fake.user_sends("/topic drones", user_id=user)
            await fake.drain(application, timeout=30)
            assert len(fake.inline_answers) == 30
            # PTB adds every chat and user id here and only its persistence empties them
            assert not application._user_ids_to_be_updated_in_persistence
            assert not application._chat_ids_to_be_updated_in_persistence


async def test_the_gate_hands_out_a_few_updates_until_they_are_done() -> None:
    queue = GatedQueue(ahead=3)
    for item in range(10):
        await queue.put(item)
    got = [await queue.get() for _ in range(3)]
    waiting = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0.01)
    assert got == [0, 1, 2] and not waiting.done()  # a backlog stays in the queue
    queue.task_done()
    assert await asyncio.wait_for(waiting, 1) == 3
    assert queue.qsize() == 6
