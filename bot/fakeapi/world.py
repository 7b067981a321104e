"""The fake Telegram's state: users, chats, topics, messages, pending updates and records."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bot.fakeapi.errors import ApiError, bad_request
from bot.fakeapi.records import CallbackAnswer, InlineAnswer, SentMessage

DEFAULT_UPDATES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post",
        "business_connection", "business_message", "edited_business_message",
        "deleted_business_messages", "inline_query", "chosen_inline_result", "callback_query",
        "shipping_query", "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer",
        "my_chat_member", "chat_join_request", "chat_boost", "removed_chat_boost",
    }
)  # fmt: skip


class World:
    """Everything the fake Telegram knows; `on_change` is called after every mutation."""

    def __init__(self, bot_user: dict[str, Any], *, first_update_id: int = 1) -> None:
        self.bot = bot_user
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.threads: dict[int, set[int]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.inline_messages: dict[str, dict[str, Any]] = {}
        self.migrated: dict[int, int] = {}
        self.admins: dict[int, set[int]] = {}
        self.deleted: list[tuple[int, int]] = []
        self.open_callbacks: dict[str, dict[str, Any]] = {}
        self.open_inline: dict[str, dict[str, Any]] = {}
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = first_update_id
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATES
        self.webhook: dict[str, Any] = {}
        self.sent: list[SentMessage] = []
        self.inline_answers: list[InlineAnswer] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._message_ids: dict[int, int] = {}
        self._serial = 0
        self.on_change: Callable[[], None] = lambda: None
        self.on_sent: Callable[[object], None] = lambda item: None

    # ----- identities
    def now(self) -> int:
        return int(time.time())

    def serial(self) -> int:
        """A fresh number for query ids and chat instances."""
        self._serial += 1
        return self._serial

    def add_user(self, user_id: int, *, username: str | None, first_name: str) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        user["language_code"] = self.users.get(user_id, {}).get("language_code", "en")
        self.users[user_id] = user
        return user

    def add_chat(
        self,
        chat_id: int,
        chat_type: str,
        *,
        user: dict[str, Any] | None = None,
        title: str | None = None,
        is_forum: bool = False,
    ) -> dict[str, Any]:
        """Register (or refresh) a chat the fake has seen a user in."""
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private" and user is not None:
            chat["first_name"] = user["first_name"]
            if "username" in user:
                chat["username"] = user["username"]
        else:
            chat["title"] = title or f"Test {chat_type} {chat_id}"
        if is_forum or self.chats.get(chat_id, {}).get("is_forum"):
            chat["is_forum"] = True
        self.chats[chat_id] = chat
        return chat

    # ----- lookups that refuse like Telegram
    def chat(self, chat_id: Any) -> dict[str, Any]:
        """The chat for a `chat_id` param (int, numeric string or @username)."""
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.get("username", "").lower() == chat_id[1:].lower():
                    return chat
            raise bad_request("chat not found")
        try:
            key = int(chat_id)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        if key in self.migrated:
            raise ApiError(
                "Bad Request: group chat was upgraded to a supergroup chat",
                parameters={"migrate_to_chat_id": self.migrated[key]},
            )
        if key not in self.chats:
            raise bad_request("chat not found")
        return self.chats[key]

    def message(self, chat_id: int, message_id: Any) -> dict[str, Any] | None:
        try:
            return self.messages.get((chat_id, int(message_id)))
        except (TypeError, ValueError):
            return None

    def check_thread(self, chat_id: int, thread_id: Any) -> int | None:
        """Refuse a `message_thread_id` no user message in this chat has used."""
        if thread_id is None:
            return None
        try:
            key = int(thread_id)
        except (TypeError, ValueError):
            raise bad_request("message thread not found") from None
        if key not in self.threads.get(chat_id, set()):
            raise bad_request("message thread not found")
        return key

    # ----- messages
    def next_message_id(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def store(self, message: dict[str, Any]) -> None:
        self.messages[(message["chat"]["id"], message["message_id"])] = message
        thread = message.get("message_thread_id")
        if thread is not None and message.get("from", {}).get("id") != self.bot["id"]:
            self.threads.setdefault(message["chat"]["id"], set()).add(thread)

    def record_sent(self, item: SentMessage) -> None:
        self.sent.append(item)
        self.on_sent(item)
        self.on_change()

    # ----- updates
    def queue(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates and return it."""
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(update)
        self.on_change()
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates below `offset`; a negative offset keeps only the last -offset."""
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def deliverable(self, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` pending updates of allowed kinds (others are dropped, like Telegram)."""
        self.updates = [u for u in self.updates if _kind(u) in self.allowed_updates]
        return self.updates[:limit]


def _kind(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")
