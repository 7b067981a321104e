"""PTB handlers: read the update, ask the router, send what it returns. No lookup logic here.

The router and the inline answer turn every lookup failure into a polite reply, so a handler
catches nothing of the core's; what fails talking to Telegram reaches `on_error`, the one
place it is translated.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence

from telegram import (
    Bot,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ApplicationHandlerStop

from bot.config import NetworkConfig
from bot.context import BotContext
from bot.i18n import N_, translator
from bot.inline import answer_inline
from bot.reply import AskContext, Button, OutMessage
from bot.router import answer, press
from bot.services import Services

log = logging.getLogger(__name__)

INLINE_CACHE_SECONDS = 60
LAST_EDITS_KEPT = 5000
SORRY = N_("Sorry, something went wrong on my side. Please try again in a moment.")
SORRY_BUTTON = N_("Sorry, that button did not work. Please try again.")


def scrub(text: str) -> str:
    """`text` with lone surrogates (a JSON `\\ud800` escape decodes to one) replaced by U+FFFD:
    echoed back as they are, they cannot be encoded and the answer would never be sent."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def ask_context(
    services: Services,
    context: BotContext,
    chat: Chat | None,
    user: User | None,
    chat_type: str | None = None,
) -> AskContext:
    """Who asks and where, for the router."""
    user_id = user.id if user else 0
    return AskContext(
        chat_id=chat.id if chat else user_id,
        user_id=user_id,
        chat_type=(chat_type or (chat.type if chat else "private")),  # type: ignore[arg-type]
        bot_username=context.bot.username,
        is_admin=user_id in services.config.access.admins,
        lang=user.language_code if user else None,  # the asker's, in groups too
    )


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Reply buttons as an inline keyboard (None when there are none)."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    b.text,
                    callback_data=b.callback_data,
                    url=b.url,
                    switch_inline_query_current_chat=b.switch_inline_query_current_chat,
                )
                for b in row
            ]
            for row in rows
        ]
    )


async def send_messages(
    bot: Bot,
    chat_id: int,
    messages: Sequence[OutMessage],
    *,
    network: NetworkConfig,
    reply_to: int | None = None,
    thread_id: int | None = None,
) -> list[Message]:
    """Send each message in order; the first replies to `reply_to` (if it still exists)."""
    sent: list[Message] = []
    for number, out in enumerate(messages):
        reply = (
            ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
            if reply_to is not None and number == 0
            else None
        )
        message, chat_id = await _send_one(bot, chat_id, out, reply, thread_id, network)
        sent.append(message)
    return sent


async def _send_one(
    bot: Bot,
    chat_id: int,
    out: OutMessage,
    reply: ReplyParameters | None,
    thread_id: int | None,
    network: NetworkConfig,
) -> tuple[Message, int]:
    """sendMessage with bounded retries on network errors; follows a group's migration."""
    attempt = 0
    while True:
        try:
            if out.photo is not None:  # /timeline's chart: the html is its caption
                message = await bot.send_photo(
                    chat_id,
                    out.photo,
                    caption=out.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(out.buttons),
                    reply_parameters=reply,
                    message_thread_id=thread_id,
                )
                return message, chat_id
            message = await bot.send_message(
                chat_id,
                out.html,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(out.buttons),
                reply_parameters=reply,
                message_thread_id=thread_id,
            )
            return message, chat_id
        except ChatMigrated as exc:
            log.info("chat %s migrated to %s; resending there", chat_id, exc.new_chat_id)
            chat_id, reply, thread_id = exc.new_chat_id, None, None
        except (TimedOut, NetworkError) as exc:
            if isinstance(exc, (BadRequest, Forbidden, RetryAfter)) or attempt >= network.retries:
                raise
            delay = network.retry_backoff * 2**attempt
            attempt += 1
            log.warning(
                "sendMessage to %s failed (%s); retry %d in %.1fs", chat_id, exc, attempt, delay
            )
            await asyncio.sleep(delay)


async def _answer(update: Update, context: BotContext, text: str) -> None:
    """Ask the router about `text` and send its reply (in groups: reply, same topic)."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    services = context.services
    ctx = ask_context(services, context, chat, update.effective_user)
    replied = message.reply_to_message
    if replied is not None and (replied.text or replied.caption):  # `/quote` on a claim
        ctx = dataclasses.replace(ctx, replied_text=scrub(replied.text or replied.caption or ""))
    reply = await answer(services, scrub(text), ctx)
    if not reply.messages:
        return
    in_group = chat.type != Chat.PRIVATE
    await send_messages(
        context.bot,
        chat.id,
        reply.messages,
        network=services.config.telegram.network,
        reply_to=message.message_id if in_group else None,
        thread_id=_thread_of(message),
    )


def _thread_of(message: Message) -> int | None:
    """The forum topic (or private-chat topic) to answer in; None for plain reply chains."""
    return message.message_thread_id if message.is_topic_message else None


async def skip_duplicates(update: Update, context: BotContext) -> None:
    """Runs first for every update: an update id seen before (a webhook redelivery, a replay
    after a restart) goes no further, so nobody is answered twice."""
    if not await context.services.state.mark_update(update.update_id):
        log.info("update %s delivered again; ignored", update.update_id)
        raise ApplicationHandlerStop


async def on_message(update: Update, context: BotContext) -> None:
    """Every known command (`/start`, `/topic`, ...) and plain text in a private chat: the
    router parses and answers it (plain text, e.g., as a search)."""
    message = update.effective_message
    if message is not None and message.text:
        await _answer(update, context, message.text)


async def on_unknown_command(update: Update, context: BotContext) -> None:
    """An unknown command (or one for another bot): a hint in private chats, silence in groups."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or chat.type != Chat.PRIVATE or not message.text:
        return
    await _answer(update, context, message.text)


async def on_button(update: Update, context: BotContext) -> None:
    """A button press: answer the callback query exactly once, then edit and/or send."""
    query = update.callback_query
    if query is None:
        return
    services = context.services
    message = query.message
    chat = message.chat if message is not None else None
    ctx = ask_context(services, context, chat, query.from_user)
    answered = False
    try:
        result = await press(services, scrub(query.data or ""), ctx)
        answered = True
        await query.answer(text=result.notice, show_alert=result.alert)
        if message is None or chat is None:
            return
        if result.edit is not None and _first_time_shown(context, chat.id, message, result.edit):
            try:
                await context.bot.edit_message_text(
                    result.edit.html,
                    chat_id=chat.id,
                    message_id=message.message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(result.edit.buttons),
                )
            except BadRequest as exc:
                if "not modified" not in exc.message.lower():
                    raise
                log.info("double press in chat %s: the page is already shown", chat.id)
            except TelegramError:
                _forget_edit(context, chat.id, message)
                raise
        if result.send:
            thread_id = getattr(message, "message_thread_id", None)
            is_topic = getattr(message, "is_topic_message", False)
            await send_messages(
                context.bot,
                chat.id,
                result.send,
                network=services.config.telegram.network,
                reply_to=message.message_id,
                thread_id=thread_id if is_topic else None,
            )
    finally:
        if not answered:
            try:
                await query.answer(text=ctx.tr._(SORRY_BUTTON))
            except TelegramError as exc:
                log.warning("could not answer callback query: %s", exc)


def _first_time_shown(context: BotContext, chat_id: int, message: object, edit: OutMessage) -> bool:
    """False when this exact edit was the last one made to that message (a double press):
    Telegram refuses an edit that changes nothing. Check and record with no await between."""
    edits = context.last_edits
    key = (chat_id, getattr(message, "message_id", 0))
    shown = edit.html + repr(edit.buttons)
    if edits.get(key) == shown:
        return False
    edits[key] = shown
    edits.move_to_end(key)
    while len(edits) > LAST_EDITS_KEPT:
        edits.popitem(last=False)
    return True


def _forget_edit(context: BotContext, chat_id: int, message: object) -> None:
    context.last_edits.pop((chat_id, getattr(message, "message_id", 0)), None)


async def on_inline_query(update: Update, context: BotContext) -> None:
    """`@bot words`: quote cards with next_offset paging; empty query: random quotes."""
    query = update.inline_query
    if query is None:
        return
    services = context.services
    ctx = ask_context(
        services, context, None, query.from_user, chat_type=query.chat_type or "sender"
    )
    result = await answer_inline(services, scrub(query.query), scrub(query.offset), ctx)
    if result.silent:  # a refused flood costs a few µs: Telegram shows the user nothing new
        return
    button = (
        InlineQueryResultsButton(
            text=result.button_text, start_parameter=result.button_start_parameter
        )
        if result.button_text and result.button_start_parameter
        else None
    )
    empty = not query.query.strip()
    await query.answer(
        [
            InlineQueryResultArticle(
                id=card.id,
                title=card.title,
                description=card.description,
                input_message_content=InputTextMessageContent(card.html, parse_mode=ParseMode.HTML),
            )
            for card in result.cards
        ],
        next_offset=result.next_offset or None,
        button=button,
        cache_time=0 if empty else INLINE_CACHE_SECONDS,
        is_personal=empty or not result.cards,  # a refusal is this user's, not the query's
    )


async def on_error(update: object, context: BotContext) -> None:
    """The one error handler: log by kind, tell the user politely where possible, never crash."""
    error = context.error
    where = _describe(update)
    if isinstance(error, Forbidden):
        log.info("dropped: the bot may not write to %s (%s)", where, error)
        return
    if isinstance(error, RetryAfter):
        log.warning("flood control persisted after retries for %s: %s", where, error)
        return
    if isinstance(error, ChatMigrated):
        log.warning("chat migrated (unhandled path) for %s: %s", where, error)
        return
    if isinstance(error, BadRequest):
        log.error("BUG: Telegram refused a call for %s: %s", where, error, exc_info=error)
    elif isinstance(error, (TimedOut, NetworkError)):
        log.warning("network trouble for %s: %s", where, error)
        return
    else:
        log.error("unexpected error for %s", where, exc_info=error)
    await _say_sorry(update, context)


def _describe(update: object) -> str:
    if isinstance(update, Update):
        chat = update.effective_chat
        return f"update {update.update_id} in chat {chat.id if chat else '-'}"
    return repr(update)[:80]


async def _say_sorry(update: object, context: BotContext) -> None:
    """A polite line to the user who asked (never a traceback); errors here are only logged."""
    if not isinstance(update, Update) or update.callback_query or update.inline_query:
        return
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    try:
        await context.bot.send_message(
            chat.id,
            translator(user.language_code if (user := update.effective_user) else None)._(SORRY),
            reply_parameters=ReplyParameters(
                message_id=message.message_id, allow_sending_without_reply=True
            )
            if chat.type != Chat.PRIVATE
            else None,
            message_thread_id=_thread_of(message),
        )
    except TelegramError as exc:
        log.warning("could not send the apology to %s: %s", chat.id, exc)
