"""What the bot sends, independent of PTB: messages of Telegram HTML with button rows.

`bot/router.py` produces these from a user's text; `bot/handlers.py` sends them through PTB,
`bot/cli.py ask` prints them, and `bot/console.py` shows them in a terminal chat.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from bot.i18n import Translator, translator
from corpus.lookup.timeline import Timeline
from corpus.model import Hit, QuoteResult
from corpus.question import Question

ChatType = Literal["private", "group", "supergroup", "channel", "sender"]


@dataclass(frozen=True, slots=True)
class Button:
    """One inline keyboard button: exactly one of the actions is set."""

    text: str
    callback_data: str | None = None  # <= 64 bytes (bot/buttons.py builds it)
    url: str | None = None
    switch_inline_query_current_chat: str | None = None


@dataclass(frozen=True, slots=True)
class OutMessage:
    html: str  # Telegram HTML, <= 4096 UTF-16 units after entity parsing
    buttons: tuple[tuple[Button, ...], ...] = ()
    photo: bytes | None = None  # a PNG sent with sendPhoto, `html` its caption (<= 1024)


@dataclass(frozen=True, slots=True)
class AskContext:
    """Who asks, where. `bot_username` without the @."""

    chat_id: int
    user_id: int
    chat_type: ChatType = "private"
    bot_username: str = "corpusbot"
    is_admin: bool = False
    replied_text: str | None = None  # the message this one replies to (`/quote` checks it)
    lang: str | None = None  # the asker's Telegram `language_code` (`uk`, `en-GB`); None: English

    @property
    def tr(self) -> Translator:
        """The asker's language for the bot's own words (English when it has no catalog)."""
        return translator(self.lang)


@dataclass(frozen=True, slots=True)
class Reply:
    """The bot's answer to one command. `messages` empty means: stay silent."""

    command: str
    query: str
    messages: tuple[OutMessage, ...]
    verdict: str | None = None
    hits: tuple[Hit, ...] = ()  # what was found; a not_found quote's hint is not one
    nearest_dates: tuple[dt.date, ...] = ()
    total: int | None = None  # a list: how many match in all (JSON `total`)
    quote: QuoteResult | None = None  # /quote: the verification (changes, parts, speaker)
    timeline: Timeline | None = None  # /timeline: the series (JSON `series`, `undated`)
    question: Question | None = None  # a question in plain words: how it was read (JSON)
    # why no answer (JSON `error`, only when set): "timeout", "too_common", "quote_too_short"
    error: str | None = None
    partial: bool = False  # cut short by the time budget (JSON `partial`, only when true)


@dataclass(frozen=True, slots=True)
class ButtonAnswer:
    """The answer to a button press: edit the message, and/or a short notice (<= 200 chars)."""

    edit: OutMessage | None = None
    notice: str | None = None
    alert: bool = False
    send: tuple[OutMessage, ...] = ()  # extra messages to send (e.g. context)


@dataclass(frozen=True, slots=True)
class InlineCard:
    id: str  # <= 64 bytes
    title: str
    description: str
    html: str  # the message sent when chosen, <= 4096 UTF-16 units


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    cards: tuple[InlineCard, ...]  # <= 50
    next_offset: str = ""  # <= 64 bytes
    button_text: str | None = None  # "How to use" button opening the private chat
    button_start_parameter: str | None = None
    silent: bool = False  # refused again within the limit: answer nothing (costs nothing)
