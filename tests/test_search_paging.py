"""Honest paging (issue 13): every match of a long list is reachable with `▶`, windows past
the first looked up again (a session keeps one window), and the reply's total is the count."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.buttons import NOOP
from bot.config import Config, load_config
from bot.reply import OutMessage
from bot.router import answer, press
from bot.services import Services, open_services
from tests.test_router import GROUP, PRIVATE, Clock, write_config

WINDOW = 4


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("paging-corpus")


@pytest.fixture
def config(tmp_path: Path, corpus_dir: Path) -> Config:
    replies = {"max_results": WINDOW, "hits_per_page": 3, "group_max_hits": 2}
    limits = {"user_per_minute": 0, "chat_per_minute": 0}
    return load_config(
        write_config(tmp_path, corpus=corpus_dir, replies=replies, rate_limit=limits)
    )


@pytest.fixture
async def services(config: Config) -> AsyncIterator[Services]:
    async with open_services(config, clock=Clock()) as opened:
        yield opened


def shown_ids(message: OutMessage) -> list[str]:
    return [
        b.callback_data[2:]
        for row in message.buttons
        for b in row
        if b.callback_data and b.callback_data.startswith("c:")
    ]


def next_data(message: OutMessage) -> str | None:
    for row in message.buttons:
        if row and row[-1].text == "▶":
            data = row[-1].callback_data
            return None if data == NOOP else data
    return None


def prev_data(message: OutMessage) -> str | None:
    for row in message.buttons:
        if row and row[0].text == "◀":
            data = row[0].callback_data
            return None if data == NOOP else data
    return None


async def page_through(services: Services, text: str) -> tuple[int, list[str], list[str]]:
    """The reply's total, the ids shown paging forward to the end, and paging back."""
    reply = await answer(services, text, PRIVATE)
    assert reply.total is not None
    first = reply.messages[0]
    forward = shown_ids(first)
    message = first
    while (data := next_data(message)) is not None:
        turned = await press(services, data, PRIVATE)
        assert turned.edit is not None, turned.notice
        message = turned.edit
        forward += shown_ids(message)
    backward = shown_ids(message)
    while (data := prev_data(message)) is not None:
        turned = await press(services, data, PRIVATE)
        assert turned.edit is not None, turned.notice
        message = turned.edit
        backward = shown_ids(message) + backward
    return reply.total, forward, backward


@pytest.mark.parametrize(
    "text",
    [
        "/date 2025",
        "/topic drones",
        "/topic Ukraine",
        '/topic "security guarantees"',
        '/topic by:"Volodymyr Zelensky"',
        "/topic Ukraine by:Zelensky",
        "/topic Ukraine since:2025-08-01",
        "/topic drones OR ceasefire",
        "/topic Ukraine -Russia",
    ],
)
async def test_paging_reaches_every_match_and_back(services: Services, text: str) -> None:
    total, forward, backward = await page_through(services, text)
    assert total > WINDOW, total  # the list is longer than a window
    assert len(forward) == total and len(set(forward)) == total
    assert set(backward) == set(forward)
    if text.startswith("/topic"):
        found = await services.library.find_topic(text.split(" ", 1)[1], limit=10_000)
        assert found.total == total and [h.passage.id for h in found.hits] == forward
    assert max(map(len, await stored_sessions(services))) <= WINDOW + 1  # one window kept


async def stored_sessions(services: Services) -> list[list[object]]:
    """The hits each saved session keeps (read from the state store's table)."""
    import json
    import sqlite3

    with sqlite3.connect(services.config.state.path) as db:
        return [json.loads(h) for (h,) in db.execute("SELECT hits FROM sessions")]


async def test_a_long_list_in_a_group_continues_in_private(services: Services) -> None:
    total, forward, _ = await page_through(services, "/date 2025")
    reply = await answer(services, "/date 2025", GROUP)
    [link] = [
        b for m in reply.messages for row in m.buttons for b in row if b.url and "private" in b.text
    ]
    payload = link.url.split("start=", 1)[1]
    opened = await answer(services, f"/start {payload}", PRIVATE)
    message = opened.messages[0]
    seen = shown_ids(message)
    while (data := next_data(message)) is not None:
        turned = await press(services, data, PRIVATE)
        assert turned.edit is not None
        message = turned.edit
        seen += shown_ids(message)
    assert seen == forward and len(seen) == total
