"""Quote verification end to end (issue 11): the real PTB Application against the fake Bot
API shows an altered quote, a spliced quote with both places, a wrong speaker, a `/quote`
in reply to a claim in a group, and the Cite button."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from bot_helpers import checked_bot, quotes_in

from bot.fakeapi import GROUP_ID

BOT = "corpusbot_test"


@pytest.fixture
async def tg(seed_config: Any) -> AsyncIterator[Any]:
    async with checked_bot(seed_config) as running:
        yield running


async def test_altered_quote_leads_with_what_changed(tg: Any) -> None:
    sent = await tg.send("/quote sanctions are not working")
    first = sent[0]
    assert "⚠ <b>Altered</b>: the source says <i>working</i>, not <i>not working</i>" in first.html
    assert "Close" not in first.text and "Verbatim" not in first.text
    assert any("sanctions are working" in q for q in quotes_in(sent))  # what it really says


async def test_spliced_quote_shows_each_place_and_says_so(tg: Any) -> None:
    sent = await tg.send("/quote sanctions are working. So long as he kills, he lives.")
    text = "\n".join(m.text for m in sent)
    assert "Spliced" in text and "not said together" in text
    assert "3 Sep 2025" in text and "24 Jun 2025" in text  # each part with its own date
    quotes = quotes_in(sent)
    assert any("sanctions are working" in q for q in quotes)
    assert any("so long as he kills, he lives" in q for q in quotes)


async def test_wrong_speaker_leads_the_reply(tg: Any) -> None:
    sent = await tg.send("/quote Zelensky said we are Russia's next target")
    first = sent[0].text
    assert first.index("These are Mark Rutte's words") < first.index("Verbatim")
    assert "not Volodymyr Zelensky's" in first


async def test_quote_in_reply_to_a_claim_in_a_group_checks_its_text(tg: Any) -> None:
    claim = tg.fake.user_sends("Zelensky: sanctions are not working", chat_type="group", user_id=7)
    await tg.fake.drain(tg.application)  # chatter: the bot stays silent
    asked = tg.fake.user_sends(f"/quote@{BOT}", chat_type="group", reply_to=claim["message"])
    sent = await tg.fake.drain(tg.application)
    assert sent and sent[0].chat_id == GROUP_ID
    assert sent[0].reply_to_message_id == asked["message"]["message_id"]  # in the thread
    assert "Altered" in sent[0].text and "sanctions are working" in "".join(quotes_in(sent))


async def test_cite_button_gives_a_ready_citation(tg: Any) -> None:
    first = (await tg.send("/quote so long as he kills, he lives"))[0]
    cited = await tg.press(first, button_text="Cite")
    assert len(cited) == 1
    text = cited[0].text
    assert "Volodymyr Zelensky: “…so long as he kills, he lives.”" in text
    assert "24 Jun 2025" in text
    assert "Chicago" in text and "Zelensky, Volodymyr." in text and "June 24, 2025" in text


async def test_inline_quote_card_carries_the_verdict_into_the_chat(tg: Any) -> None:
    answer = await tg.inline("quote: sanctions are not working")
    first = answer.results[0]
    assert first["title"].startswith("⚠ altered")
    sent = first["input_message_content"]["message_text"]
    assert sent.startswith("⚠ <b>Altered</b>") and "<i>working</i>" in sent


async def test_inline_quote_offers_no_unrelated_card_as_a_match(tg: Any) -> None:
    answer = await tg.inline("quote: the quick brown fox jumps over the lazy dog")
    for result in answer.results:  # at most the closest, said to be a hint
        assert "Not found" in result["input_message_content"]["message_text"]
    assert len(answer.results) <= 1
