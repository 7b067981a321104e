"""Groups and forum topics, end to end: addressed commands only, replies in the asker's
thread, the top hits with a `more in private` deep link, silence for everything else."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from bot_helpers import checked_bot, quotes_in, texts_of

from bot.fakeapi import GROUP_ID, SUPERGROUP_ID, USER_ID
from bot.text import NOT_YOURS

BOT = "corpusbot_test"  # the fake's bot username
OTHER_USER = 2002
DEEP_LINK_RE = re.compile(rf"https://t\.me/{BOT}\?start=([A-Za-z0-9_-]{{1,64}})")


@pytest.fixture
async def tg(seed_config: Any) -> AsyncIterator[Any]:
    async with checked_bot(seed_config) as running:
        yield running


def in_group(**extra: Any) -> dict[str, Any]:
    return {"chat_type": "group", **extra}


async def ask(tg: Any, text: str, **kwargs: Any) -> tuple[int, list[Any]]:
    """The user's message id and what the bot sent in answer."""
    update = tg.fake.user_sends(text, **kwargs)
    return update["message"]["message_id"], await tg.fake.drain(tg.application)


async def test_addressed_command_is_answered_as_a_reply(tg: Any) -> None:
    asked, sent = await ask(tg, f"/topic@{BOT} drones", **in_group())
    assert len(sent) == 1
    reply = sent[0]
    assert reply.chat_id == GROUP_ID and reply.reply_to_message_id == asked
    assert "<b>drones</b>" in reply.html


async def test_case_of_command_and_bot_name_does_not_matter(tg: Any) -> None:
    sent = await tg.send("/TOPIC@CorpusBot_Test drones", **in_group())
    assert len(sent) == 1 and quotes_in(sent)


@pytest.mark.parametrize(
    "text",
    [
        "/topic@otherbot drones",
        "/start@otherbot",
        "/frobnicate",  # unknown: silent in groups
        f"/frobnicate@{BOT}",
        "drones are everywhere",  # chatter
        "Aug 28",
    ],
)
async def test_what_is_not_for_this_bot_gets_no_answer(tg: Any, text: str) -> None:
    assert await tg.send(text, **in_group()) == []
    assert tg.fake.callback_answers == []


async def test_forum_topic_reply_stays_in_the_topic(tg: Any) -> None:
    where = {"chat_type": "supergroup", "message_thread_id": 77, "is_topic_message": True}
    asked, sent = await ask(tg, "/date Aug 28", **where)
    assert len(sent) == 1
    assert sent[0].chat_id == SUPERGROUP_ID and sent[0].message_thread_id == 77
    assert sent[0].reply_to_message_id == asked
    assert len(quotes_in(sent)) == 2


async def test_a_reply_chain_in_a_plain_supergroup_is_not_a_topic(tg: Any) -> None:
    sent = await tg.send("/help", chat_type="supergroup", message_thread_id=5)
    assert len(sent) == 1 and sent[0].message_thread_id is None
    assert "/topic" in sent[0].text


async def test_long_list_shows_top_hits_and_a_more_in_private_link(tg: Any) -> None:
    group_max = tg.services.config.replies.group_max_hits
    reply = (await tg.send("/topic drones", **in_group()))[0]
    assert len(quotes_in([reply])) == group_max
    assert "◀" not in texts_of(reply)  # no paging in the group itself
    more = [b for b in reply.buttons() if b["text"].endswith("more in private")]
    assert len(more) == 1 and more[0]["text"] == "5 more in private"  # 8 drones passages
    payload = DEEP_LINK_RE.fullmatch(more[0]["url"]).group(1)  # type: ignore[union-attr]
    assert payload.startswith("s_")
    # every Context button of a group message is a link to the private chat, not a callback
    context = [b for b in reply.buttons() if b["text"].startswith("Context")]
    assert len(context) == group_max and all(DEEP_LINK_RE.fullmatch(b["url"]) for b in context)

    # the link opens the whole list in the private chat, pageable there
    opened = (await tg.send(f"/start {payload}"))[0]
    assert opened.chat_id == USER_ID
    assert texts_of(opened)[:3] == ["◀", "1/3", "▶"]
    assert quotes_in([opened]) == quotes_in([reply])
    page2 = (await tg.press(opened, button_text="▶"))[0]
    assert texts_of(page2)[1] == "2/3"


async def test_group_context_link_opens_the_context_in_private(tg: Any) -> None:
    reply = (await tg.send("/date Aug 28", **in_group()))[0]
    url = next(b["url"] for b in reply.buttons() if b["text"].startswith("Context"))
    payload = DEEP_LINK_RE.fullmatch(url).group(1)  # type: ignore[union-attr]
    shown = await tg.send(f"/start {payload}")
    assert shown and "Context of" in shown[0].text and shown[0].chat_id == USER_ID


async def test_short_list_has_no_more_link(tg: Any) -> None:
    reply = (await tg.send("/date Aug 28", **in_group()))[0]
    assert not any("more in private" in t for t in texts_of(reply))


async def test_another_user_cannot_turn_the_askers_pages(tg: Any) -> None:
    reply = (await tg.send("/topic drones", **in_group()))[0]
    more = next(b for b in reply.buttons() if b["text"].endswith("more in private"))
    payload = more["url"].rsplit("?start=", 1)[1]
    # the asker opens the whole list in the group itself: pages with ◀ ▶ there
    listed = (await tg.send(f"/start {payload}", **in_group()))[0]
    assert texts_of(listed)[:3] == ["◀", "1/3", "▶"]
    before = tg.fake.message(GROUP_ID, listed.message_id)["text"]
    changed = await tg.press(listed, button_text="▶", user_id=OTHER_USER)
    assert changed == []
    answer = tg.fake.callback_answers[-1]
    assert answer.text == NOT_YOURS and answer.show_alert and len(answer.text) <= 200
    assert tg.fake.message(GROUP_ID, listed.message_id)["text"] == before
    # the asker can
    turned = (await tg.press(listed, button_text="▶", user_id=USER_ID))[0]
    assert turned.message_id == listed.message_id and texts_of(turned)[1] == "2/3"
    assert all(b.get("url", "").startswith(f"https://t.me/{BOT}?start=c_")
               for b in turned.buttons() if b["text"].startswith("Context"))  # fmt: skip


async def test_a_forged_page_press_by_another_user_is_refused(tg: Any) -> None:
    reply = (await tg.send("/topic drones", **in_group()))[0]
    more = next(b for b in reply.buttons() if b["text"].endswith("more in private"))
    token = more["url"].rsplit("=s_", 1)[1]
    before = tg.fake.message(GROUP_ID, reply.message_id)["text"]
    changed = await tg.press(reply, callback_data=f"p:{token}:1", forged=True, user_id=OTHER_USER)
    assert changed == [] and tg.fake.callback_answers[-1].text == NOT_YOURS
    assert tg.fake.message(GROUP_ID, reply.message_id)["text"] == before


async def test_stale_button_in_a_group_is_answered_politely(tg: Any) -> None:
    reply = (await tg.send("/random", **in_group()))[0]
    changed = await tg.press(reply, callback_data="p:gone1234:2", forged=True)
    assert changed == []
    assert tg.fake.callback_answers[-1].text == "This list has expired, send the command again."


async def test_random_in_a_group_links_context_to_private(tg: Any) -> None:
    reply = (await tg.send("/random", **in_group()))[0]
    assert len(quotes_in([reply])) == 1
    assert reply.buttons()[0].get("url", "").startswith(f"https://t.me/{BOT}?start=c_")
    assert all("callback_data" not in b for b in reply.buttons())


async def test_answer_follows_a_group_that_became_a_supergroup(tg: Any) -> None:
    new_id = -1009999999999
    tg.fake.user_sends("/date Aug 28", **in_group())
    tg.fake.group_migrates(GROUP_ID, new_id)  # before the bot answers
    sent = await tg.fake.drain(tg.application)
    assert [m.chat_id for m in sent] == [new_id]
    assert len(quotes_in(sent)) == 2
    # the one refusal is Telegram's migration notice the bot followed; no other is allowed
    moved = [r for r in tg.fake.refusals if "upgraded to a supergroup" in r.description]
    assert len(moved) == 1 and moved[0].params["chat_id"] == GROUP_ID
    tg.fake.refusals.remove(moved[0])
