"""Simulated users: each action stores what Telegram would and queues the Update it sends."""

from __future__ import annotations

import re
from typing import Any

from bot.fakeapi.markup import utf16_len
from bot.fakeapi.records import InlineAnswer, SentMessage
from bot.fakeapi.world import World

USER_ID = 1001
GROUP_ID = -400000001
SUPERGROUP_ID = -1001000000001
CHANNEL_ID = -1002000000001
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,64})?")

MessageRef = SentMessage | dict[str, Any]


def default_chat_id(chat_type: str, user_id: int) -> int:
    """Where a user talks by default: their private chat, or a fixed group/supergroup."""
    return {"group": GROUP_ID, "supergroup": SUPERGROUP_ID, "channel": CHANNEL_ID}.get(
        chat_type, user_id
    )


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity Telegram adds when a text starts with /command."""
    m = _COMMAND_RE.match(text)
    if not m:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))}]


def user(world: World, user_id: int, username: str | None, first_name: str | None) -> dict:
    """The user with this id, created or refreshed."""
    known = world.users.get(user_id)
    if known and username is None and first_name is None:
        return known
    name = first_name or (known or {}).get("first_name") or f"User{user_id}"
    handle = username if username is not None else (known or {}).get("username")
    if handle is None and user_id == USER_ID:
        handle = "alice"
    return world.add_user(user_id, username=handle, first_name=name)


def resolve(world: World, ref: MessageRef) -> dict[str, Any]:
    """The stored message a SentMessage / Update / Message dict refers to."""
    if isinstance(ref, SentMessage):
        if ref.inline_message_id is not None:
            return world.inline_messages[ref.inline_message_id]
        key = (ref.chat_id, ref.message_id)
    else:
        msg = next((ref[k] for k in ("message", "edited_message", "channel_post") if k in ref),
                   ref)  # fmt: skip
        key = (msg["chat"]["id"], msg["message_id"])
    found = world.messages.get(key)  # type: ignore[arg-type]
    if found is None:
        raise LookupError(f"no such message in the fake: chat {key[0]}, message {key[1]}")
    return found


def user_sends(
    world: World,
    text: str,
    *,
    chat_id: int | None = None,
    user_id: int = USER_ID,
    chat_type: str = "private",
    username: str | None = None,
    first_name: str | None = None,
    title: str | None = None,
    message_thread_id: int | None = None,
    is_topic_message: bool = False,
    reply_to: MessageRef | None = None,
) -> dict[str, Any]:
    """A user writes `text`; returns the queued Update."""
    sender = user(world, user_id, username, first_name)
    cid = chat_id if chat_id is not None else default_chat_id(chat_type, user_id)
    chat = world.add_chat(cid, chat_type, user=sender, title=title, is_forum=is_topic_message)
    message: dict[str, Any] = {
        "message_id": world.next_message_id(cid),
        "from": sender,
        "chat": chat,
        "date": world.now(),
    }
    if message_thread_id is not None:
        message["message_thread_id"] = message_thread_id
        if is_topic_message:
            message["is_topic_message"] = True
    if reply_to is not None:
        target = resolve(world, reply_to)
        message["reply_to_message"] = {k: v for k, v in target.items() if k != "reply_to_message"}
    message["text"] = text
    entities = command_entities(text)
    if entities:
        message["entities"] = entities
    world.store(message)
    return world.queue("message", message)


def user_edits(world: World, ref: MessageRef, new_text: str) -> dict[str, Any]:
    """The author edits a message they sent; returns the queued edited_message Update."""
    message = resolve(world, ref)
    message["text"] = new_text
    message.pop("entities", None)
    entities = command_entities(new_text)
    if entities:
        message["entities"] = entities
    message["edit_date"] = world.now()
    kind = "edited_channel_post" if message["chat"]["type"] == "channel" else "edited_message"
    return world.queue(kind, dict(message))


def user_presses(
    world: World,
    ref: MessageRef,
    *,
    button_text: str | None = None,
    callback_data: str | None = None,
    user_id: int | None = None,
    chat_instance: str | None = None,
    forged: bool = False,
) -> dict[str, Any]:
    """A user presses a callback button of a bot message; returns the callback_query Update.

    The button is found by text or data (default: the first callback button). With
    `forged=True`, `callback_data` is sent even if no button carries it.
    """
    message = resolve(world, ref)
    buttons = [b for row in message.get("reply_markup", {}).get("inline_keyboard", [])
               for b in row if "callback_data" in b]  # fmt: skip
    chosen = next(
        (b for b in buttons
         if (button_text is None or b["text"] == button_text)
         and (callback_data is None or b["callback_data"] == callback_data)),
        None,
    )  # fmt: skip
    if chosen is None and not (forged and callback_data is not None):
        raise LookupError(
            f"no callback button {button_text or callback_data!r} on that message; "
            f"buttons: {[b['text'] for b in buttons]}"
        )
    data = callback_data if chosen is None else chosen["callback_data"]
    chat = message.get("chat")
    if user_id is None:
        user_id = chat["id"] if chat and chat["type"] == "private" else USER_ID
    query: dict[str, Any] = {
        "id": str(4_000_000_000_000 + world.serial()),
        "from": user(world, user_id, None, None),
        "chat_instance": chat_instance or str(8_000_000 + abs(chat["id"] if chat else 0)),
        "data": data,
    }
    if "inline_message_id" in message:
        query["inline_message_id"] = message["inline_message_id"]
    else:
        query["message"] = message
    world.open_callbacks[query["id"]] = query
    return world.queue("callback_query", query)


def user_inline(
    world: World,
    query: str,
    *,
    offset: str = "",
    user_id: int = USER_ID,
    chat_type: str | None = "sender",
    username: str | None = None,
    first_name: str | None = None,
) -> dict[str, Any]:
    """A user types `@bot query`; returns the inline_query Update."""
    inline: dict[str, Any] = {
        "id": str(5_000_000_000_000 + world.serial()),
        "from": user(world, user_id, username, first_name),
        "query": query,
        "offset": offset,
    }
    if chat_type is not None:
        inline["chat_type"] = chat_type
    world.open_inline[inline["id"]] = inline
    return world.queue("inline_query", inline)


def user_chooses_inline(
    world: World, answer: InlineAnswer, result_id: str, *, user_id: int = USER_ID
) -> dict[str, Any]:
    """A user picks a result of an inline answer; the message it posts becomes editable
    by inline_message_id. Returns the chosen_inline_result Update."""
    result = next((r for r in answer.results if str(r.get("id")) == result_id), None)
    if result is None:
        raise LookupError(f"no result {result_id!r} in that inline answer")
    inline_id = f"AAAAAQ{world.serial():010d}"
    content = result.get("input_message_content") or {}
    message: dict[str, Any] = {
        "inline_message_id": inline_id,
        "text": content.get("message_text", ""),
    }
    if result.get("reply_markup"):
        message["reply_markup"] = result["reply_markup"]
    world.inline_messages[inline_id] = message
    chosen = {
        "result_id": result_id,
        "from": user(world, user_id, None, None),
        "query": answer.query,
    }
    if result.get("reply_markup"):
        chosen["inline_message_id"] = inline_id
    return world.queue("chosen_inline_result", chosen)


def user_posts_channel(
    world: World, text: str, *, chat_id: int = CHANNEL_ID, title: str = "Test channel"
) -> dict[str, Any]:
    """A channel admin posts `text`; returns the channel_post Update."""
    chat = world.add_chat(chat_id, "channel", title=title)
    post = {
        "message_id": world.next_message_id(chat_id),
        "sender_chat": chat,
        "chat": chat,
        "date": world.now(),
        "text": text,
    }
    world.store(post)
    return world.queue("channel_post", post)


def group_migrates(world: World, chat_id: int, new_chat_id: int) -> dict[str, Any]:
    """A group becomes a supergroup: later calls to the old id get Telegram's 400 with
    `migrate_to_chat_id`. Returns the service-message Update in the old group."""
    old = world.chat(chat_id)
    world.add_chat(new_chat_id, "supergroup", title=old.get("title"))
    message = {
        "message_id": world.next_message_id(chat_id),
        "from": user(world, USER_ID, None, None),
        "chat": old,
        "date": world.now(),
        "migrate_to_chat_id": new_chat_id,
    }
    world.migrated[chat_id] = new_chat_id
    return world.queue("message", message)
