"""Admin commands end to end: /reload and /stats answer only the ids in access.admins;
everyone else gets a polite refusal."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from bot_helpers import checked_bot

ADMIN = 1001
STRANGER = 2002


@pytest.fixture
async def tg(make_config: Any) -> AsyncIterator[Any]:
    async with checked_bot(make_config(access={"admins": [ADMIN]})) as running:
        yield running


def stats_of(text: str) -> dict[str, int]:
    """The counted rows of a /stats reply: `/topic: 2` as {"topic": 2}, `page turns: 1` as
    {"page turns": 1}, and the total."""
    rows = re.findall(r"^/?([\w ]+): (\d+)$", text, re.M)
    return {name: int(n) for name, n in rows if name != "pageable lists kept"}


@pytest.mark.parametrize("command", ["/reload", "/stats"])
async def test_non_admin_gets_a_polite_refusal(tg: Any, command: str) -> None:
    sent = await tg.send(command, user_id=STRANGER)
    assert len(sent) == 1 and sent[0].chat_id == STRANGER
    assert sent[0].text == f"Sorry, {command} is only for the bot's admins."


async def test_non_admin_refusal_in_a_group_replies_to_the_asker(tg: Any) -> None:
    sent = await tg.send("/stats", user_id=STRANGER, chat_type="group")
    assert len(sent) == 1 and sent[0].reply_to_message_id is not None
    assert "only for the bot's admins" in sent[0].text


async def test_admin_reload_reports_what_it_read(tg: Any) -> None:
    sent = await tg.send("/reload")
    assert len(sent) == 1
    text = sent[0].text
    assert text.startswith("Reloaded in ") and "2 sources, 68 passages" in text
    assert "index reused" in text  # the seeds did not change
    again = await tg.send("/topic drones")  # the library still answers after the swap
    assert again and "<b>drones</b>" in again[0].html


async def test_admin_stats_counts_queries_by_command(tg: Any) -> None:
    await tg.send("/topic drones")
    first = (await tg.send("/topic sanctions"))[0]
    await tg.send("/date Aug 28")
    await tg.send("/quote so long as he kills, he lives")
    await tg.send("/stats", user_id=STRANGER)  # refused: not counted as served
    await tg.press(first, button_text="▶")
    await tg.inline("drones")
    sent = await tg.send("/stats")
    assert len(sent) == 1
    served = stats_of(sent[0].text)
    assert served["topic"] == 2 and served["date"] == 1 and served["quote"] == 1
    assert "stats" not in served and served["total"] == sum(
        n for name, n in served.items() if name != "total"
    )
    assert "/topic: 2" in sent[0].text
    assert "passages: 68 in 2 sources" in sent[0].text
    assert served["page turns"] == 1 and served["inline queries"] == 1
    assert "/page" not in sent[0].text and "/inline" not in sent[0].text  # not commands
    # the second /stats sees the first
    assert stats_of((await tg.send("/stats"))[0].text)["stats"] == 1


async def test_help_shows_admin_commands_only_to_admins(tg: Any) -> None:
    admin_help = (await tg.send("/help"))[0].text
    user_help = (await tg.send("/help", user_id=STRANGER))[0].text
    assert "/reload: " in admin_help and "/stats: " in admin_help
    assert (
        "/reload: " not in user_help and "/reload and /stats are for the bot's admins" in user_help
    )


async def test_admin_commands_are_not_in_the_public_menu(tg: Any) -> None:
    for commands in tg.fake.commands_by_scope.values():
        names = {c["command"] for c in commands}
        assert "reload" not in names and "stats" not in names and "topic" in names
