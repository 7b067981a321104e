"""The real Application against the fake Bot API: the smallest end-to-end conversation."""

from __future__ import annotations

from typing import Any


async def test_topic_in_private_chat_answers_with_a_verbatim_quote(bot: Any) -> None:
    sent = await bot.send("/topic drones")
    assert len(sent) == 1
    assert "<blockquote" in sent[0].html and "drones" in sent[0].html
    assert sent[0].chat_id == 1001


async def test_menu_is_published_for_private_chats_and_groups(bot: Any) -> None:
    scopes = " ".join(scope for scope, _ in bot.fake.commands_by_scope)
    assert "all_private_chats" in scopes and "all_group_chats" in scopes
