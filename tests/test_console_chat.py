"""`corpusbot chat`: the terminal conversation over the real bot. Buttons of earlier messages
stay pressable by number, as in Telegram."""

from __future__ import annotations

import io
from typing import Any

from bot.console import chat_session

QUOTE = "Russia is stronger than any of us, but weaker than all of us together"


async def converse(config: Any, *lines: str) -> str:
    """The transcript of a console chat fed `lines` (then the end of input)."""
    feed = iter(lines)

    async def read(prompt: str) -> str | None:
        line = next(feed, None)
        return None if line is None else line + "\n"

    out = io.StringIO()
    await chat_session(config, read, out, poll_timeout=1)
    return out.getvalue()


async def test_an_earlier_messages_button_still_turns_its_page(seed_config: Any) -> None:
    text = await converse(seed_config, "/topic drones", f"/quote {QUOTE}", "3")
    assert "[1] ◀  [2] 1/3  [3] ▶" in text  # the topic list's buttons
    assert "[7] Context  [8] Cite" in text  # the quote's buttons numbered on, not from 1
    assert "(you press [3] ▶)" in text
    after = text.split("(you press [3] ▶)", 1)[1]
    assert after.lstrip().startswith("bot (edited) ›") and "[9] ◀  [10] 2/3  [11] ▶" in after
    assert "Nothing about “3”" not in text


async def test_a_button_replaced_by_an_edit_is_gone(seed_config: Any) -> None:
    text = await converse(seed_config, "/topic drones", "3", "3")
    assert text.count("bot (edited) ›") == 1
    assert "(button [3] is gone: its message was edited since)" in text
