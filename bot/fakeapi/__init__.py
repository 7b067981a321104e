"""A fake Telegram Bot API server for tests and the token-free console chat.

`FakeBotApi` serves the Bot API over HTTP on 127.0.0.1 so the real python-telegram-bot
Application runs against it; it checks calls against the shipped spec (api.json, see
SPEC-SOURCE.md) and Telegram's limits, records everything, simulates users and injects faults.
"""

from __future__ import annotations

from bot.fakeapi.errors import ApiError
from bot.fakeapi.markup import TelegramHtmlError, parse_telegram_html, utf16_len
from bot.fakeapi.records import (
    Call,
    CallbackAnswer,
    Fault,
    FaultServed,
    InlineAnswer,
    Refusal,
    SentMessage,
)
from bot.fakeapi.server import FakeBotApi
from bot.fakeapi.spec import load_spec
from bot.fakeapi.users import CHANNEL_ID, GROUP_ID, SUPERGROUP_ID, USER_ID

__all__ = [
    "CHANNEL_ID",
    "GROUP_ID",
    "SUPERGROUP_ID",
    "USER_ID",
    "ApiError",
    "Call",
    "CallbackAnswer",
    "FakeBotApi",
    "Fault",
    "FaultServed",
    "InlineAnswer",
    "Refusal",
    "SentMessage",
    "TelegramHtmlError",
    "load_spec",
    "parse_telegram_html",
    "utf16_len",
]
