"""Helpers for the end-to-end bot tests (tests/test_bot_*.py): a running bot whose every
button and inline result id is checked against Telegram's byte limits on exit."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from conftest import blockquotes, running_bot

MAX_CALLBACK_BYTES = 64
MAX_RESULT_ID_BYTES = 64


def buttons_sent(fake: Any) -> list[dict[str, Any]]:
    """Every inline keyboard button the bot showed: on messages, edits and inline results."""
    out = [button for item in fake.sent for button in item.buttons()]
    for answer in fake.inline_answers:
        for result in answer.results:
            rows = (result.get("reply_markup") or {}).get("inline_keyboard", [])
            out.extend(button for row in rows for button in row)
    return out


def assert_limits(fake: Any) -> None:
    """callback_data 1-64 bytes on every button; inline result ids and offsets <= 64 bytes."""
    for button in buttons_sent(fake):
        data = button.get("callback_data")
        if data is not None:
            assert 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES, button
    for answer in fake.inline_answers:
        assert len(answer.next_offset.encode("utf-8")) <= 64, answer.next_offset
        for result in answer.results:
            assert 1 <= len(str(result["id"]).encode("utf-8")) <= MAX_RESULT_ID_BYTES, result


@contextlib.asynccontextmanager
async def checked_bot(config: Any, *, fake: Any = None) -> AsyncIterator[Any]:
    """`running_bot(config)`; on exit also `assert_limits` (running_bot checks refusals and
    verbatim blockquotes)."""
    async with running_bot(config, fake=fake) as running:
        yield running
        assert_limits(running.fake)


def button(message: Any, text: str) -> dict[str, Any]:
    """The button of `message` whose text is `text` (fails listing the buttons otherwise)."""
    found = [b for b in message.buttons() if b["text"] == text]
    assert found, f"no {text!r} button; buttons: {[b['text'] for b in message.buttons()]}"
    return found[0]


def texts_of(message: Any) -> list[str]:
    return [b["text"] for b in message.buttons()]


def quotes_in(messages: list[Any]) -> list[str]:
    """The verbatim text of every blockquote in `messages`, highlights stripped."""
    return [quote for m in messages for quote in blockquotes(m.html)]
