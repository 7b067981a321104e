"""A user in a private chat, end to end: the real PTB Application against the fake Bot API.

Every test runs one bot (`tg`); on exit no call was refused, every blockquote is a verbatim
slice of a source and every button's callback_data fits Telegram's 64 bytes.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from bot_helpers import button, checked_bot, quotes_in, texts_of
from conftest import source_texts_of

from bot.text import COMMANDS

ZELENSKY_QUOTE = "Russia is stronger than any of us alone, but weaker than all of us together."
FIRST_LINE = (
    "Addressing the Ambrosetti Forum I stressed: Europe needs a new network of modern defense "
    "production"
)
ATTRIBUTION_RE = re.compile(r"^— .*$", re.M)


@pytest.fixture
async def tg(seed_config: Any) -> AsyncIterator[Any]:
    async with checked_bot(seed_config) as running:
        yield running


def attributions(messages: list[Any]) -> list[str]:
    """The `— speaker · medium · date · …` lines as the user reads them."""
    return [line for m in messages for line in ATTRIBUTION_RE.findall(m.text)]


def only(messages: list[Any]) -> Any:
    assert len(messages) == 1, [m.text[:80] for m in messages]
    return messages[0]


async def test_start_welcomes_with_examples(tg: Any) -> None:
    reply = only(await tg.send("/start"))
    assert "Hello" in reply.text
    for example in ("/quote ", "/topic drones", "/date Aug 28", "/random", "/help"):
        assert example in reply.text
    assert "@corpusbot_test drones" in reply.text  # the inline hint names the real bot
    assert reply.reply_to_message_id is None  # private chat: no reply chain


async def test_start_with_a_deep_link_opens_that_quote(tg: Any) -> None:
    passage = (await tg.services.library.find_quote(ZELENSKY_QUOTE)).hits[0].passage
    reply = only(await tg.send(f"/start q_{passage.id}"))
    assert quotes_in([reply]) == [passage.text]
    assert f"/context {passage.id}" in reply.text
    assert texts_of(reply) == ["Context"]


async def test_start_with_a_garbage_payload_falls_back_to_the_welcome(tg: Any) -> None:
    reply = only(await tg.send("/start q_NOT-AN-ID"))
    assert "did not carry anything I know" in reply.text and "Hello" in reply.text


async def test_help_lists_every_command_with_an_example(tg: Any) -> None:
    reply = only(await tg.send("/help"))
    for command in COMMANDS:
        assert f"/{command.name}" in reply.text
        if not command.admin:
            assert command.example in reply.text, command.name


async def test_date_aug_28_gives_exactly_the_two_passages(tg: Any) -> None:
    reply = only(await tg.send("/date Aug 28"))
    quotes = quotes_in([reply])
    assert len(quotes) == 2
    assert quotes[0].startswith("In Washington we heard that Putin is supposedly ready")
    assert quotes[1].startswith("All day in Kyiv, rescue operations continued")
    assert all("28 Aug 2025" in line for line in attributions([reply]))
    assert "2 passages" in reply.text
    assert not reply.buttons() or "◀" not in texts_of(reply)  # one page: no arrows


async def test_topic_highlights_inside_verbatim_blockquotes(tg: Any) -> None:
    reply = (await tg.send("/topic drones"))[0]
    blocks = re.findall(r"<blockquote[^>]*>(.*?)</blockquote>", reply.html, re.S)
    assert blocks and any("<b>drones</b>" in b for b in blocks)
    texts = source_texts_of(tg.services.config)
    for quote in quotes_in([reply]):
        assert any(quote in t for t in texts), quote[:80]  # highlights change no character
    assert "Volodymyr Zelensky" in attributions([reply])[0]


async def test_quote_verbatim(tg: Any) -> None:
    reply = (await tg.send(f"/quote {ZELENSKY_QUOTE}"))[0]
    assert "Verbatim" in reply.text
    assert any(ZELENSKY_QUOTE in q for q in quotes_in([reply]))
    assert "24 Jun 2025" in attributions([reply])[0]


async def test_quote_close_shows_the_diff(tg: Any) -> None:
    reply = (await tg.send("/quote Russia is stronger than any of us, but weaker than all of us"))[
        0
    ]
    assert "Close" in reply.text
    assert "+<b>alone</b>" in reply.html  # the word the source has and the user missed
    assert any(ZELENSKY_QUOTE in q for q in quotes_in([reply]))


async def test_quote_not_found_shows_the_closest_only_as_a_hint(tg: Any) -> None:
    reply = only(await tg.send("/quote bananas are purple on tuesdays in winter"))
    assert "Not found" in reply.text and "only a hint" in reply.text
    assert len(quotes_in([reply])) == 1  # the closest, and nothing more
    assert "Verbatim" not in reply.text and "Close" not in reply.text


async def test_random_gives_one_passage_with_context_and_another(tg: Any) -> None:
    reply = only(await tg.send("/random"))
    assert len(quotes_in([reply])) == 1
    assert texts_of(reply) == ["Context", "Another"]
    again = await tg.press(reply, button_text="Another")
    assert len(quotes_in(again)) == 1 and again[0].reply_to_message_id == reply.message_id


async def test_sources_lists_title_speaker_kind_count_and_coverage(tg: Any) -> None:
    reply = only(await tg.send("/sources"))
    text = reply.text
    assert "Volodymyr Zelensky's threads on X" in text
    assert "Volodymyr Zelensky · X thread · 000_0e2a154100ffc278.txt" in text
    assert "44 passages in 20 threads" in text
    assert "dates: 24 Jun 2025 – 4 Sep 2025" in text
    assert "Unknown author · article · 004_587f944356045ec1.txt" in text
    assert "24 passages" in text and "dates: no dated passages" in text


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Aug 28", "28 Aug"),  # a date → /date
        ("drones", "Topic"),  # a few words → /topic
        ("Russia is stronger than any of us alone", "Quote"),  # four words or more → /quote
    ],
)
async def test_plain_text_is_routed_by_its_shape(tg: Any, text: str, expect: str) -> None:
    reply = (await tg.send(text))[0]
    assert reply.text.startswith(expect) or expect in reply.text.splitlines()[0]
    assert quotes_in([reply])


async def test_unknown_command_gets_a_friendly_hint(tg: Any) -> None:
    reply = only(await tg.send("/frobnicate now"))
    assert reply.text == "I don't know /frobnicate. /help lists what I can do."


async def test_command_without_arguments_explains_its_use(tg: Any) -> None:
    reply = only(await tg.send("/topic"))
    assert "/topic drones" in reply.text and not quotes_in([reply])


async def test_attribution_of_dated_undated_and_article_passages(tg: Any) -> None:
    sep4 = attributions(await tg.send("/date Sep 4"))
    assert sep4 and all("4 Sep 2025" in line for line in sep4)
    top = attributions(await tg.send(f"/quote {FIRST_LINE}"))
    assert top[0].startswith("— Volodymyr Zelensky") and "date unknown" in top[0]
    assert "line 1 " in top[0] + " "
    second = (await tg.services.library.context(top[0].split("/context ")[1].strip())).after[0]
    again = attributions(await tg.send(f"/quote {second.text[:90]}"))
    assert "date unknown" in again[0] and "line 2 " in again[0] + " "
    article = attributions(await tg.send("/topic Dictator"))
    assert article
    for line in article:
        assert line.startswith("— Unknown author · article · date unknown"), line


async def test_pages_turn_by_editing_the_same_message(tg: Any) -> None:
    first = (await tg.send("/topic drones"))[0]
    assert texts_of(first)[:3] == ["◀", "1/3", "▶"]
    edited = await tg.press(first, button_text="▶")
    page2 = edited[0]
    assert page2.edited and page2.message_id == first.message_id
    assert texts_of(page2)[:3] == ["◀", "2/3", "▶"]
    assert "4." in page2.text and quotes_in([page2]) != quotes_in([first])
    back = (await tg.press(page2, button_text="◀"))[0]
    assert back.message_id == first.message_id and quotes_in([back]) == quotes_in([first])
    noop = await tg.press(back, button_text="1/3")  # the counter does nothing
    assert noop == [] and tg.fake.callback_answers[-1].text is None


async def test_context_button_shows_the_passages_around_and_the_thread(tg: Any) -> None:
    first = (await tg.send("/topic drones"))[0]
    shown = await tg.press(first, button_text="Context 1")
    assert shown and shown[0].reply_to_message_id == first.message_id
    assert "the whole thread" in shown[0].text and "the passage asked for" in shown[0].text
    quotes = quotes_in(shown)  # the dump holds 2 of that 3 Jul thread's 6 tweets
    assert len(quotes) == 2 and quotes[1].startswith("The key priority is interceptor drones")
    assert tg.fake.message(first.chat_id, first.message_id)["text"] == first.text  # unchanged


@pytest.mark.parametrize("data", ["p:zzzzzzzz:1", "c:nosuchid", "x", "p:../../etc:9999"])
async def test_stale_or_forged_buttons_are_answered_politely(tg: Any, data: str) -> None:
    first = (await tg.send("/topic drones"))[0]
    changed = await tg.press(first, callback_data=data, forged=True)
    assert changed == []
    answer = tg.fake.callback_answers[-1]
    assert answer.text and len(answer.text) <= 200
    assert "Traceback" not in answer.text and "Error" not in answer.text
    assert tg.fake.message(first.chat_id, first.message_id)["text"] == first.text


async def test_buttons_keep_working_across_many_pages(tg: Any) -> None:
    message = (await tg.send("/date August 2025"))[0]
    total = int(texts_of(message)[1].split("/")[1])
    seen = set()
    for _ in range(total - 1):
        message = (await tg.press(message, button_text="▶"))[0]
        seen.add(texts_of(message)[1])
    assert f"{total}/{total}" in seen
    assert button(message, "▶")["callback_data"] == "n"  # the last page's arrow does nothing


async def test_an_edited_command_is_not_answered_again(tg: Any) -> None:
    update = tg.fake.user_sends("/topic drones")
    assert len(await tg.fake.drain(tg.application)) == 1
    tg.fake.user_edits(update, "/topic sanctions")
    assert await tg.fake.drain(tg.application) == []


async def test_context_of_an_article_paragraph_shows_its_neighbours(tg: Any) -> None:
    first = (await tg.send("/topic Dictator"))[0]
    shown = await tg.press(first, button_text="Context 1")
    assert "the passages around it" in shown[0].text
    assert len(quotes_in(shown)) >= 3  # before, the one asked for, after
    assert all(line.startswith("— Unknown author") for line in attributions(shown))


async def test_private_chat_topics_keep_their_thread(tg: Any) -> None:
    where = {"message_thread_id": 5, "is_topic_message": True}
    listed = (await tg.send("/topic drones", **where))[0]
    assert listed.message_thread_id == 5
    context = await tg.press(listed, button_text="Context 1")
    assert context and all(m.message_thread_id == 5 for m in context)
    page = (await tg.press(listed, button_text="▶"))[0]
    assert page.edited and page.message_thread_id == 5


async def test_a_command_for_another_bot_is_ignored_even_in_private(tg: Any) -> None:
    assert await tg.send("/topic@otherbot drones") == []
    assert len(await tg.send("/topic@corpusbot_test drones")) == 1
