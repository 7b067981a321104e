"""Questions in plain words through the real PTB Application and the fake Bot API: in a
private chat as plain text, in a group as `/quote@bot …` (plain chatter stays unanswered),
and in Ukrainian for a Ukrainian user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from bot_helpers import checked_bot, quotes_in

from bot.fakeapi import GROUP_ID

BOT = "corpusbot_test"
STRONGER = "Russia is stronger than any of us"


@pytest.fixture
async def tg(seed_config: Any) -> AsyncIterator[Any]:
    async with checked_bot(seed_config) as running:
        yield running


async def test_a_plain_question_is_checked_as_a_quote_by_who_it_names(tg: Any) -> None:
    sent = await tg.send(f'did Zelensky say "{STRONGER}"?')
    first = sent[0].text
    assert first.startswith(f"Checked as a quote by Volodymyr Zelensky: “{STRONGER}”")
    assert "Verbatim" in first and "Said by Volodymyr Zelensky, as claimed" in first
    assert "Altered" not in first and "did Zelensky" not in first.split("\n", 1)[1]
    assert any(STRONGER in q for q in quotes_in(sent))


async def test_who_said_leads_with_the_speaker(tg: Any) -> None:
    first = (await tg.send("who said so long as he kills, he lives"))[0].text
    lines = first.splitlines()
    assert lines[0] == "Who said “so long as he kills, he lives”?"
    assert lines[1].startswith("🗣 Who: Volodymyr Zelensky (X thread, 24 Jun 2025)")
    assert "Verbatim" in lines[2]


async def test_a_topic_question_says_how_it_was_read(tg: Any) -> None:
    first = (await tg.send("what did Zelensky say about drones in August?"))[0].text
    assert first.startswith('Read as: /topic drones by:"Volodymyr Zelensky" date:August')
    assert "(by Volodymyr Zelensky, Aug)" in first


async def test_a_question_in_a_group_is_answered_only_when_addressed(tg: Any) -> None:
    chatter = await tg.send(f'did Zelensky say "{STRONGER}"?', chat_type="group")
    assert chatter == []  # plain text in a group is chatter
    asked = tg.fake.user_sends(
        f'/quote@{BOT} Did Zelensky really say "{STRONGER}"?', chat_type="group"
    )
    sent = await tg.fake.drain(tg.application)
    assert sent and sent[0].chat_id == GROUP_ID
    assert sent[0].reply_to_message_id == asked["message"]["message_id"]
    first = sent[0].text
    assert first.startswith("Checked as a quote by Volodymyr Zelensky") and "Verbatim" in first
    assert "Not found" not in first


async def test_a_ukrainian_question_gets_a_ukrainian_reading(tg: Any) -> None:
    tg.fake.user_speaks("uk")
    first = (await tg.send("хто сказав «so long as he kills, he lives»?"))[0].text
    assert first.startswith("Хто сказав «so long as he kills, he lives»?")
    assert "🗣 Хто: Volodymyr Zelensky" in first and "Дослівно" in first
