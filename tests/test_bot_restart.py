"""Restarts: paging sessions live in the state file, so the buttons of messages sent before a
restart keep working in a new Application (new services, same config) on the same Telegram."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from bot_helpers import checked_bot, quotes_in, texts_of

from bot.fakeapi import FakeBotApi


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


async def test_page_button_works_after_a_restart(seed_config: Any, fake: FakeBotApi) -> None:
    async with checked_bot(seed_config, fake=fake) as first_run:
        first = (await first_run.send("/topic drones"))[0]
        old_app = first_run.application
    assert not old_app.running
    assert texts_of(first)[:3] == ["◀", "1/3", "▶"]

    async with checked_bot(seed_config, fake=fake) as second_run:
        assert second_run.application is not old_app
        page2 = (await second_run.press(first, button_text="▶"))[0]
        assert page2.edited and page2.message_id == first.message_id
        assert texts_of(page2)[:3] == ["◀", "2/3", "▶"]
        assert quotes_in([page2]) and quotes_in([page2]) != quotes_in([first])
        back = (await second_run.press(page2, button_text="◀"))[0]
        assert quotes_in([back]) == quotes_in([first])
    assert fake.refusals == []


async def test_a_press_made_while_the_bot_was_down_is_answered_on_start(
    seed_config: Any, fake: FakeBotApi
) -> None:
    async with checked_bot(seed_config, fake=fake) as first_run:
        first = (await first_run.send("/date August 2025"))[0]
    fake.user_presses(first, button_text="▶")  # nobody is polling now
    assert len(fake.pending_updates) == 1
    async with checked_bot(seed_config, fake=fake) as second_run:
        changed = await second_run.fake.drain(second_run.application)
        assert len(changed) == 1 and changed[0].edited
        assert texts_of(changed[0])[1].startswith("2/")
        assert fake.pending_updates == []


async def test_more_in_private_link_survives_a_restart(seed_config: Any, fake: FakeBotApi) -> None:
    async with checked_bot(seed_config, fake=fake) as first_run:
        reply = (await first_run.send("/topic drones", chat_type="group"))[0]
    more = next(b for b in reply.buttons() if b["text"].endswith("more in private"))
    payload = more["url"].rsplit("?start=", 1)[1]
    async with checked_bot(seed_config, fake=fake) as second_run:
        opened = (await second_run.send(f"/start {payload}"))[0]
        assert texts_of(opened)[:3] == ["◀", "1/3", "▶"]
        assert quotes_in([opened]) == quotes_in([reply])


async def test_a_second_console_chat_on_the_same_state_is_answered(seed_config: Any) -> None:
    """`corpusbot chat` twice in a row: each session is a new stand-in Telegram whose update
    ids must not look like redeliveries of the previous session's (the state file
    remembers update ids to drop duplicates)."""
    from bot.console import chat_session

    async def transcript() -> str:
        lines = iter(["/date Aug 28\n", "/quit\n"])

        async def read(prompt: str) -> str | None:
            return next(lines, None)

        out = io.StringIO()
        await chat_session(seed_config, read, out, poll_timeout=1)
        return out.getvalue()

    first, second = await transcript(), await transcript()
    for text in (first, second):
        assert "2 passages" in text and "In Washington we heard" in text, text[-400:]
