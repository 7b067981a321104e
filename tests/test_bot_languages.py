"""The bot speaks its user's language (issue 12), end to end: the real PTB Application against
the fake Bot API, the user's Telegram `language_code` set on every update. Ukrainian users get
the bot's own words in Ukrainian (dates through Babel, three plural forms); the quoted words
stay verbatim slices of the source; a language without a catalog gets English."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from bot_helpers import checked_bot, quotes_in, texts_of

from bot.fakeapi import GROUP_ID

ZELENSKY_QUOTE = "Russia is stronger than any of us alone, but weaker than all of us together."


@pytest.fixture
async def tg(seed_config: Any) -> AsyncIterator[Any]:
    async with checked_bot(seed_config) as running:
        running.fake.user_speaks("uk")
        yield running


async def test_start_and_help_in_ukrainian(tg: Any) -> None:
    welcome = (await tg.send("/start"))[0].text
    assert welcome.startswith("Вітаю!") and "Hello" not in welcome
    assert "/quote so long as he kills, he lives" in welcome  # examples are the corpus's words
    assert "@corpusbot_test drones" in welcome
    shown = (await tg.send("/help"))[0].text
    assert "Команди" in shown and "/topic: уривки про ці слова" in shown
    assert "Commands" not in shown


async def test_a_verdict_in_ukrainian_keeps_the_quote_verbatim(tg: Any) -> None:
    sent = await tg.send(f"/quote {ZELENSKY_QUOTE}")
    first = sent[0]
    assert "✅ <b>Дослівно</b>: джерело каже саме це (оцінка 100)" in first.html
    assert "Verbatim" not in first.text
    assert any(ZELENSKY_QUOTE in q for q in quotes_in(sent))  # never translated
    assert "· 24 червня 2025 · твіт 1 з 22 ·" in first.text  # a Babel date, the thread
    assert "Контекст" in texts_of(first) and "Цитувати" in texts_of(first)


async def test_an_altered_quote_is_explained_in_ukrainian(tg: Any) -> None:
    sent = await tg.send("/quote sanctions are not working")
    html = sent[0].html
    assert "⚠ <b>Змінено</b>: джерело каже <i>working</i>, а не <i>not working</i>" in html
    assert "(заперечення)" in html
    assert any("sanctions are working" in q for q in quotes_in(sent))


async def test_errors_and_usage_in_ukrainian(tg: Any) -> None:
    assert (await tg.send("/nosuch"))[0].text == "Я не знаю /nosuch. /help показує, що я вмію."
    usage = (await tg.send("/topic"))[0].text
    assert usage.startswith("Надішліть одне чи кілька слів після /topic")
    missing = (await tg.send("/context zzzzzzzzzz"))[0].text
    assert missing.startswith("Немає уривка з id «zzzzzzzzzz»")


async def test_sources_use_ukrainian_plurals_and_dates(tg: Any) -> None:
    text = (await tg.send("/sources"))[0].text
    assert text.startswith("Джерела")
    assert "уривк" in text and "passages" not in text
    assert "дати: " in text


async def test_topic_title_uses_the_ukrainian_plural(tg: Any) -> None:
    first = (await tg.send("/topic drones"))[0].text
    assert first.startswith("Тема «drones»: ")
    assert "найдоречніші спершу" in first


async def test_an_unknown_language_gets_english(tg: Any) -> None:
    for code in ("ja", "xx", "zz-Latn"):
        tg.fake.user_speaks(code)
        assert (await tg.send("/start"))[0].text.startswith("Hello!")
    tg.fake.user_speaks("en-GB")
    sent = await tg.send(f"/quote {ZELENSKY_QUOTE}")
    assert "✅ <b>Verbatim</b>: the source says exactly this (score 100)" in sent[0].html


async def test_a_group_reply_uses_the_language_of_who_asked(tg: Any) -> None:
    tg.fake.user_speaks("en", user_id=2002)
    uk = (await tg.send("/topic", chat_type="group"))[0].text
    en = (await tg.send("/topic", chat_type="group", user_id=2002))[0].text
    assert uk.startswith("Надішліть") and en.startswith("Send one or a few words")
    assert GROUP_ID  # both asked in the same group


async def test_inline_answers_in_ukrainian(tg: Any) -> None:
    answer = await tg.inline("quote: sanctions are not working")
    first = answer.results[0]
    assert first["title"].startswith("⚠ змінено")
    sent = first["input_message_content"]["message_text"]
    assert sent.startswith("⚠ <b>Змінено</b>") and "<i>working</i>" in sent
    assert answer.button["text"] == "Як користуватися"


async def test_search_features_in_ukrainian(tg: Any) -> None:
    """Issue 13's words (speakers, timeline, totals, the other reading, suggestions) merged
    with the translator: no English left in what the bot itself says."""
    speakers = (await tg.send("/speakers"))[0].text
    assert speakers.startswith("Мовці: ") and "уривк" in speakers and "passage" not in speakers
    photo, numbers = await tg.send("/timeline drones")
    assert photo.photo is not None and photo.text.startswith("Хронологія «drones»:")
    assert "по тижнях" in photo.text or "по місяцях" in photo.text
    assert "passages" not in photo.text and "усього: " in numbers.text
    reading = (await tg.send("/date 03/07/2025"))[0]
    assert "Прочитано як день, потім місяць (3 липня 2025)" in reading.text
    assert "Читати як 2025-03-07" in texts_of(reading)
    usage = (await tg.send("/timeline"))[0].text
    assert usage.startswith("Надішліть одне чи кілька слів після /timeline")
    help_text = (await tg.send("/help"))[0].text
    assert "Звузьте /topic, /quote і /date" in help_text and "/speakers: усі мовці" in help_text
