"""Exactly once per message: the send path numbers the messages answering an update and
marks each sent (bot/sends.py); a replay after a kill sends only the ones not marked."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from bot.app import build_application, serving
from bot.context import BotContext
from bot.fakeapi import FakeBotApi
from bot.intake import bot_id_of
from bot.journal import UpdateJournal, sent_path_of
from bot.sends import SendMark
from bot.services import open_services

USER = 64_000


def marks(state: Path, update_id: int) -> list[int]:
    with sqlite3.connect(sent_path_of(state)) as db:
        rows = db.execute(
            "SELECT ordinal FROM sent WHERE update_id = ? ORDER BY ordinal", (update_id,)
        ).fetchall()
    return [row[0] for row in rows]


def three_messages(seen: dict[int, list[int]], state: Path) -> Any:
    """A handler answering `three` with three messages; after each send it notes which
    ordinals of its update are marked by then."""

    async def handler(update: Update, context: BotContext) -> None:
        chat = update.effective_chat
        assert chat is not None
        for n in range(3):
            await context.bot.send_message(chat.id, f"part {n}")
            seen.setdefault(update.update_id, []).append(len(marks(state, update.update_id)))
        raise ApplicationHandlerStop

    return MessageHandler(filters.Regex("^three$"), handler)


@pytest.mark.parametrize("mark", list(SendMark))
async def test_each_message_is_marked_sent_by_the_time_its_call_returns(
    seed_config: Any, mark: SendMark
) -> None:
    state = seed_config.state.path
    seen: dict[int, list[int]] = {}
    async with FakeBotApi() as fake, open_services(seed_config) as services:
        app = build_application(
            services, base_url=fake.base_url, token=fake.token, throttle=False, send_mark=mark
        )
        app.add_handler(three_messages(seen, state), group=-2)
        update = fake.user_sends("three", user_id=USER)
        async with serving(app, poll_timeout=1):
            await fake.wait_for(lambda: len(fake.sent_to(USER)) == 3, timeout=10)
            await fake.drain(app)
        assert [m.text for m in fake.sent_to(USER)] == ["part 0", "part 1", "part 2"]
        assert seen[update["update_id"]] == [1, 2, 3]
        assert marks(state, update["update_id"]) == []  # forgotten once the update is done


async def test_a_replay_sends_only_the_messages_not_marked_sent(seed_config: Any) -> None:
    state = seed_config.state.path
    async with FakeBotApi() as fake, open_services(seed_config) as services:
        update = fake.user_sends("three", user_id=USER)
        fake.world.confirm(update["update_id"] + 1)  # Telegram was told: never again
        dead = UpdateJournal.open(state)  # the killed process: journalled, 2 of 3 sent
        bot_id = bot_id_of(fake.token)
        assert await dead.record(bot_id, update["update_id"], json.dumps(update))
        dead.mark_sent_now(bot_id, update["update_id"], 0)
        dead.mark_sent_now(bot_id, update["update_id"], 1)
        dead.close()

        app = build_application(services, base_url=fake.base_url, token=fake.token, throttle=False)
        app.add_handler(three_messages({}, state), group=-2)
        async with serving(app, poll_timeout=1):
            await fake.wait_for(lambda: fake.sent_to(USER), timeout=10)
            await fake.drain(app)
        assert [m.text for m in fake.sent_to(USER)] == ["part 2"]
        journal = services.state.journal
        assert journal is not None and await journal.pending_count() == 0


async def test_a_message_telegram_refused_is_not_marked_sent(seed_config: Any) -> None:
    state = seed_config.state.path
    seen: list[list[int]] = []

    async def refused_then_sent(update: Update, context: BotContext) -> None:
        chat = update.effective_chat
        assert chat is not None
        with pytest.raises(BadRequest):
            await context.bot.send_message(chat.id, "refused")
        seen.append(marks(state, update.update_id))  # written at the socket, then forgotten
        await context.bot.send_message(chat.id, "sent")
        seen.append(marks(state, update.update_id))
        raise ApplicationHandlerStop

    async with FakeBotApi() as fake, open_services(seed_config) as services:
        app = build_application(services, base_url=fake.base_url, token=fake.token, throttle=False)
        app.add_handler(MessageHandler(filters.Regex("^refuse$"), refused_then_sent), group=-2)
        fault = fake.inject_fault("sendMessage", status=400, times=1)
        fake.user_sends("refuse", user_id=USER)
        async with serving(app, poll_timeout=1):
            await fake.wait_for(lambda: fake.sent_to(USER), timeout=10)
            await fake.drain(app)
        assert fault.served == 1
        assert [m.text for m in fake.sent_to(USER)] == ["sent"]
        assert seen == [[], [0]]  # the refused call kept its number for the next one
