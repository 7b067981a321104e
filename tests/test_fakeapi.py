"""The fake Bot API server driven by the real python-telegram-bot Application."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
)

from bot.fakeapi import SUPERGROUP_ID, USER_ID, FakeBotApi, SentMessage

POLL_TIMEOUT = 1  # seconds per long poll: keeps shutdown quick


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data="again:1")]])
    await update.effective_message.reply_text(
        f"<b>echo:</b> {' '.join(context.args or [])}", parse_mode="HTML", reply_markup=keyboard
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("Done")
    await query.edit_message_text(f"<i>pressed</i> {query.data}", parse_mode="HTML")


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    results = [
        InlineQueryResultArticle(
            id=f"r{i}",
            title=f"Result {i}",
            input_message_content=InputTextMessageContent(f"<b>{i}</b>", parse_mode="HTML"),
        )
        for i in range(3)
    ]
    await query.answer(results, next_offset="3", cache_time=0)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def bare(api: FakeBotApi) -> AsyncIterator[Application]:
    """An initialized application that does not poll: for direct `bot` calls."""
    application = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    await application.initialize()
    yield application
    await application.shutdown()


@pytest.fixture
async def app(api: FakeBotApi) -> AsyncIterator[Application]:
    """A polling application with an echo command, a button handler and inline answers."""
    application = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    application.add_handler(CommandHandler("echo", echo))
    application.add_handler(CallbackQueryHandler(pressed))
    application.add_handler(InlineQueryHandler(inline))
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def test_polling_delivers_a_command_and_records_the_reply(
    api: FakeBotApi, app: Application
) -> None:
    update = api.user_sends("/echo hello world")
    sent = await api.drain(app)
    assert len(sent) == 1
    reply = sent[0]
    assert (reply.chat_id, reply.text, reply.html) == (USER_ID, "echo: hello world",
                                                        "<b>echo:</b> hello world")  # fmt: skip
    assert reply.entities == ({"offset": 0, "length": 5, "type": "bold"},)
    assert reply.buttons() == [{"text": "Again", "callback_data": "again:1"}]
    assert reply.message["from"]["username"] == "corpusbot_test"
    assert reply.message_id == update["message"]["message_id"] + 1
    assert api.refusals == [] and api.internal_errors == []


async def test_user_message_carries_a_bot_command_entity(api: FakeBotApi) -> None:
    update = api.user_sends("/echo@corpusbot_test hi")
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 20}]
    assert "entities" not in api.user_sends("hello")["message"]


async def test_topic_reply_keeps_thread_and_quotes_the_message(
    api: FakeBotApi, app: Application
) -> None:
    update = api.user_sends(
        "/echo in topic", chat_type="supergroup", message_thread_id=7, is_topic_message=True
    )
    (reply,) = await api.drain(app)
    assert reply.chat_id == SUPERGROUP_ID
    assert reply.message_thread_id == 7
    assert reply.reply_to_message_id == update["message"]["message_id"]
    assert reply.message["reply_to_message"]["text"] == "/echo in topic"


async def test_no_update_is_delivered_twice(api: FakeBotApi, app: Application) -> None:
    for i in range(5):
        api.user_sends(f"/echo {i}", user_id=2000 + i)
    sent = await api.drain(app)
    assert sorted(m.text for m in sent) == [f"echo: {i}" for i in range(5)]
    delivered = [
        u["update_id"] for c in api.calls_to("getUpdates") if c.status == 200
        for u in c.response["result"]
    ]  # fmt: skip
    assert len(delivered) == len(set(delivered)) == 5


async def test_offset_confirms_and_negative_offset_keeps_the_tail(
    api: FakeBotApi, bare: Application
) -> None:
    ids = [api.user_sends(f"m{i}")["update_id"] for i in range(3)]
    first = await bare.bot.get_updates()
    again = await bare.bot.get_updates(limit=1)
    assert [u.update_id for u in first] == ids
    assert [u.update_id for u in again] == ids[:1]  # not confirmed yet
    assert await bare.bot.get_updates(offset=ids[-1] + 1) == ()
    more = [api.user_sends(f"n{i}")["update_id"] for i in range(3)]
    tail = await bare.bot.get_updates(offset=-1)
    assert [u.update_id for u in tail] == more[-1:]
    assert [u.update_id for u in await bare.bot.get_updates()] == more[-1:]


async def test_long_poll_wakes_up_for_a_new_update(api: FakeBotApi, bare: Application) -> None:
    import asyncio

    poll = asyncio.ensure_future(bare.bot.get_updates(timeout=20, read_timeout=30))
    await api.wait_for(lambda: api.waiting_polls)
    api.user_sends("wake up")
    updates = await asyncio.wait_for(poll, 10)
    assert [u.message.text for u in updates] == ["wake up"]


async def test_allowed_updates_drops_other_kinds(api: FakeBotApi, bare: Application) -> None:
    api.user_inline("ignored")
    api.user_sends("kept")
    updates = await bare.bot.get_updates(allowed_updates=["message"])
    assert [u.message.text for u in updates] == ["kept"]


async def test_button_press_answer_and_edit(api: FakeBotApi, app: Application) -> None:
    api.user_sends("/echo x")
    (reply,) = await api.drain(app)
    api.user_presses(reply, button_text="Again")
    (edited,) = await api.drain(app)
    assert edited.edited and edited.message_id == reply.message_id
    assert (edited.text, edited.html) == ("pressed again:1", "<i>pressed</i> again:1")
    assert edited.reply_markup is None  # an edit without reply_markup removes the keyboard
    assert [a.text for a in api.callback_answers] == ["Done"]
    assert api.message(USER_ID, reply.message_id)["text"] == "pressed again:1"
    with pytest.raises(LookupError):
        api.user_presses(edited)  # no buttons left


async def test_inline_query_answer_is_recorded(api: FakeBotApi, app: Application) -> None:
    api.user_inline("anything", offset="")
    await api.drain(app)
    (answer,) = api.inline_answers
    assert [r["id"] for r in answer.results] == ["r0", "r1", "r2"]
    assert (answer.query, answer.next_offset, answer.cache_time) == ("anything", "3", 0)


async def test_subscribe_sees_each_message(api: FakeBotApi, app: Application) -> None:
    queue = api.subscribe()
    api.user_sends("/echo live")
    item = await queue.get()
    assert isinstance(item, SentMessage) and item.text == "echo: live"
    api.unsubscribe(queue)


async def test_commands_are_stored_per_scope(api: FakeBotApi, bare: Application) -> None:
    from telegram import BotCommand, BotCommandScopeAllGroupChats

    await bare.bot.set_my_commands([BotCommand("quote", "Find a quote"), BotCommand("on", "x")])
    await bare.bot.set_my_commands(
        [BotCommand("help", "Help")], scope=BotCommandScopeAllGroupChats()
    )
    assert [c["command"] for c in api.commands] == ["quote", "on"]
    assert [c.command for c in await bare.bot.get_my_commands()] == ["quote", "on"]
    await bare.bot.delete_my_commands()
    assert api.commands == []
    assert len(api.commands_by_scope) == 1


async def test_get_me_and_webhook_calls(api: FakeBotApi, bare: Application) -> None:
    me = await bare.bot.get_me()
    assert (me.username, me.is_bot, me.supports_inline_queries) == ("corpusbot_test", True, True)
    assert await bare.bot.set_webhook("https://example.org/hook", secret_token="s3cr-et_")
    info = await bare.bot.get_webhook_info()
    assert info.url == "https://example.org/hook"
    assert await bare.bot.delete_webhook(drop_pending_updates=True)
    assert (await bare.bot.get_webhook_info()).url == ""
    assert await bare.bot.close() and await bare.bot.log_out()
    assert api.refusals == []


async def test_plain_json_and_get_requests_are_understood(api: FakeBotApi) -> None:
    api.user_sends("hi")
    async with httpx.AsyncClient() as client:
        sent = await client.post(f"{api.url}/sendMessage", json={"chat_id": USER_ID, "text": "a"})
        me = await client.get(f"{api.url}/getme")
        form = await client.post(
            f"{api.url}/sendMessage", data={"chat_id": str(USER_ID), "text": "123"}
        )
    assert sent.json()["result"]["text"] == "a"
    assert me.json()["result"]["username"] == "corpusbot_test"
    assert form.json()["result"]["text"] == "123"  # a String field stays a string
    assert api.refusals == []
