"""What the fake Bot API records: calls, refusals, sent messages, answers, faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP request to the fake: method, decoded params, HTTP status and JSON body."""

    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any] | None  # None when the connection was dropped


@dataclass(frozen=True, slots=True)
class Refusal:
    """A call the fake refused as Telegram would (tests assert there are none)."""

    method: str
    params: dict[str, Any]
    description: str
    status: int = 400


@dataclass(frozen=True, slots=True)
class FaultServed:
    """A call answered by an injected fault instead of normally."""

    method: str
    params: dict[str, Any]
    status: int | None  # None: connection dropped
    description: str | None


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message the bot sent or edited, as Telegram stored it."""

    chat_id: int | None  # None for inline messages
    message_id: int | None
    text: str  # plain text after entity parsing
    html: str  # text as the bot sent it (markup included)
    entities: tuple[dict[str, Any], ...]
    reply_markup: dict[str, Any] | None
    message_thread_id: int | None = None
    reply_to_message_id: int | None = None
    edited: bool = False
    parse_mode: str | None = None
    inline_message_id: str | None = None
    message: dict[str, Any] = field(default_factory=dict)  # the full Telegram Message
    photo: bytes | None = None  # sendPhoto: the uploaded image

    def buttons(self) -> list[dict[str, Any]]:
        """Every inline keyboard button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """An answerCallbackQuery call."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    """An answerInlineQuery call."""

    inline_query_id: str
    query: str
    results: tuple[dict[str, Any], ...]
    next_offset: str
    cache_time: int | None
    is_personal: bool
    button: dict[str, Any] | None


@dataclass(slots=True)
class Fault:
    """An injected fault rule; `times` None means forever."""

    method: str
    status: int | None
    description: str | None
    retry_after: int
    times: int | None
    delay: float
    drop_connection: bool
    chat_id: int | None = None
    migrate_to_chat_id: int | None = None
    served: int = 0

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        """True when this rule applies to a call of `method` with `params`."""
        if self.times is not None and self.served >= self.times:
            return False
        if self.method == "*":
            if method == "getUpdates":
                return False
        elif self.method != method:
            return False
        if self.chat_id is not None:
            return str(params.get("chat_id")) == str(self.chat_id)
        return True
