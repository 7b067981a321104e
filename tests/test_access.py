"""Access control and abuse limits, through the real Application and the fake Bot API.

access.allowed_chats (one polite refusal per chat, then silence, also across a restart),
per-user and per-chat rate limits (one notice, then silence: never more messages out than
lookups in), the query length cap, caps on results and messages per command, and the bot
token kept out of every log line and logged error. (Admin-only commands and the webhook secret
are covered in test_bot_admin.py and test_bot_webhook.py.)
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from conftest import running_bot

from bot.app import TokenRedactor
from bot.fakeapi import FakeBotApi
from bot.inline import SLOW_DOWN_BUTTON
from bot.text import ACCESS_REFUSAL, RATE_NOTICE, TOO_LONG

ALLOWED_USER = 1001
STRANGER = 2002
ADMIN = 3003
ALLOWED_GROUP = -400000001
OTHER_GROUP = -400000777


@pytest.fixture
def closed_config(make_config: Any) -> Any:
    return make_config(
        access={"admins": [ADMIN], "allowed_chats": [ALLOWED_USER, ALLOWED_GROUP]},
        rate_limit={"user_per_minute": 0, "chat_per_minute": 0},
    )


async def test_outsiders_get_one_polite_refusal_then_silence(closed_config: Any) -> None:
    async with FakeBotApi() as fake:
        async with running_bot(closed_config, fake=fake) as bot:
            for text in ["/start", "/topic drones", "hello there", "/quote x", "/help"]:
                fake.user_sends(text, user_id=STRANGER)
                fake.user_sends(text, user_id=ALLOWED_USER, chat_id=OTHER_GROUP,
                                chat_type="group")  # fmt: skip
                fake.user_sends(text, user_id=STRANGER, chat_type="group")  # allowed group
            await fake.drain(bot.application)
            to_stranger = fake.sent_to(STRANGER)
            to_other_group = fake.sent_to(OTHER_GROUP)
            assert [m.text for m in to_stranger] == [ACCESS_REFUSAL]
            assert [m.text for m in to_other_group] == [ACCESS_REFUSAL]
            # in the allowed group the stranger is served (commands only; chatter ignored)
            assert len(fake.sent_to(ALLOWED_GROUP)) == 4
            # an admin is served in private even when the private chat is not listed
            [welcome] = await bot.send("/start", user_id=ADMIN)
            assert welcome.chat_id == ADMIN and welcome.text != ACCESS_REFUSAL
        # the refusal is remembered across a restart: still silence
        async with running_bot(closed_config, fake=fake) as bot:
            assert await bot.send("/topic drones", user_id=STRANGER) == []
            assert len(await bot.send("/topic drones", user_id=ALLOWED_USER)) == 1


async def test_outsiders_buttons_and_inline_queries_are_answered_empty(
    closed_config: Any,
) -> None:
    async with running_bot(closed_config) as bot:
        [refusal] = await bot.send("/topic war", user_id=STRANGER)
        for data in ("p:AAAAAAAA:1", "r", "c:abc"):  # forged presses in the stranger's chat
            bot.fake.user_presses(refusal, user_id=STRANGER, callback_data=data, forged=True)
        await bot.fake.drain(bot.application)
        assert [a.text for a in bot.fake.callback_answers] == [ACCESS_REFUSAL] * 3
        assert len(bot.fake.sent) == 1
        inline = await bot.inline("drones", user_id=STRANGER)
        assert list(inline.results) == []
        assert [m for m in bot.fake.sent if m.edited] == []


@pytest.fixture
def limited_config(make_config: Any) -> Any:
    return make_config(rate_limit={"user_per_minute": 5, "chat_per_minute": 8})


async def test_a_flooding_user_gets_one_notice_and_no_amplification(limited_config: Any) -> None:
    async with running_bot(limited_config) as bot:
        for n in range(30):
            bot.fake.user_sends(f"/topic drones {n}")
        sent = await bot.fake.drain(bot.application)
        notices = [m for m in sent if m.text == RATE_NOTICE]
        assert len(notices) == 1
        assert len(sent) == 5 + 1  # five lookups answered, one notice, then silence
        # another user is not affected
        assert len(await bot.send("/topic drones", user_id=81_000)) == 1


async def test_a_busy_group_gets_one_notice_per_chat(limited_config: Any) -> None:
    async with running_bot(limited_config) as bot:
        for n in range(20):  # four users, five each: within their own limit, over the chat's
            bot.fake.user_sends("/topic drones", user_id=82_000 + n % 4, chat_type="group")
        sent = await bot.fake.drain(bot.application)
        assert len([m for m in sent if m.text == RATE_NOTICE]) == 1
        assert len(sent) == 8 + 1
        # chatter and other bots' commands never count or answer
        bot.fake.user_sends("just talking", chat_type="group")
        bot.fake.user_sends("/topic@otherbot drones", chat_type="group")
        assert await bot.fake.drain(bot.application) == []


async def test_rate_limited_button_presses_are_still_answered(limited_config: Any) -> None:
    async with running_bot(limited_config) as bot:
        [listing] = await bot.send("/topic war")
        for _ in range(10):
            bot.fake.user_presses(listing, button_text="▶")
        await bot.fake.drain(bot.application)
        answers = bot.fake.callback_answers
        assert len(answers) == 10  # every press answered: no spinning button
        assert sum(1 for a in answers if a.text == RATE_NOTICE) >= 5
        edits = [m for m in bot.fake.sent if m.edited]
        assert 1 <= len(edits) <= 4


async def test_inline_queries_have_a_per_user_limit(make_config: Any) -> None:
    config = make_config(rate_limit={"inline_per_minute": 3})
    async with running_bot(config) as bot:
        answers = [await bot.inline(f"drones {n}", user_id=83_000) for n in range(4)]
        assert [bool(a.results) for a in answers] == [True, True, True, False]
        assert SLOW_DOWN_BUTTON in answers[-1].button["text"]
        for n in range(5):  # told once; the rest of the flood is not answered at all
            bot.fake.user_inline(f"drones {n + 10}", user_id=83_000)
        await bot.fake.drain(bot.application)
        assert len(bot.fake.inline_answers) == 4
        # another user is not affected
        assert (await bot.inline("drones", user_id=83_001)).results


async def test_query_length_is_capped(seed_config: Any) -> None:
    limit = seed_config.replies.max_query_chars
    async with running_bot(seed_config) as bot:
        for command in ("/topic", "/quote", "/date", ""):
            text = f"{command} {'drones ' * 100}".strip()
            [reply] = await bot.send(text)
            expected = TOO_LONG.format(length=len(text.split(" ", 1)[1].strip()), limit=limit)
            if not command:
                expected = TOO_LONG.format(length=len(text), limit=limit)
            assert reply.text == expected
        # inline: looked up on the first part (as topics: a not_found quote's unrelated
        # closest passage is not offered as a card)
        inline = await bot.inline("topic: " + "drones " * 100)
        assert len(inline.results) >= 1


async def test_results_and_messages_per_command_are_capped(make_config: Any) -> None:
    config = make_config(replies={"max_results": 12, "hits_per_page": 3},
                         rate_limit={"user_per_minute": 0})  # fmt: skip
    async with running_bot(config) as bot:
        for text in ["/topic the", "/date 2025", "/topic war", "the war and the peace"]:
            sent = await bot.send(text)
            assert 1 <= len(sent) <= 2, [m.text[:80] for m in sent]  # page 1 (long: 2 parts)
            shown = len(re.findall(r"<blockquote", "".join(m.html for m in sent)))
            assert shown <= 3
            pages = [b["text"] for m in sent for b in m.buttons() if "/" in b["text"]]
            for page in pages:  # e.g. "1/4": never more pages than max_results allows
                assert int(page.split("/")[1]) <= 4, page
        inline = await bot.inline("war")
        assert len(inline.results) <= config.replies.inline_max_results
        group = await bot.send("/topic war", chat_type="group")
        assert len(re.findall(r"<blockquote", group[0].html)) <= config.replies.group_max_hits


# ----- the token never reaches a log


TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
def redacted(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """caplog with the bot's TokenRedactor on its handler, as configure_logging does for
    the root handlers."""
    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(TokenRedactor([TOKEN]))
    return caplog


async def test_token_is_redacted_from_the_bots_own_logs_under_faults(
    seed_config: Any, redacted: pytest.LogCaptureFixture
) -> None:
    async with running_bot(seed_config) as bot:
        assert bot.fake.token == TOKEN
        bot.fake.inject_fault("sendMessage", status=500, times=1)
        bot.fake.inject_fault("sendMessage", drop_connection=True, times=1)
        bot.fake.inject_fault("sendMessage", status=403, chat_id=84_000)
        await bot.send("/topic drones")
        await bot.send("/topic drones", user_id=84_000)
    text = redacted.text
    assert "HTTP Request" in text or "sendMessage" in text  # the URLs were logged, redacted
    assert TOKEN not in text
    assert all(TOKEN not in record.getMessage() for record in redacted.records)
    assert "<token>" in text


def test_token_is_redacted_from_args_exceptions_and_chained_causes(
    redacted: pytest.LogCaptureFixture,
) -> None:
    log = logging.getLogger("corpusbot.test")
    log.warning("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    log.error("token in the message itself: " + TOKEN)
    try:
        try:
            raise ValueError(f"bad URL https://api.telegram.org/bot{TOKEN}/x")
        except ValueError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError:
        log.exception("request failed")
    log.info("dict args %(url)s", {"url": f"/bot{TOKEN}/sendMessage"})
    assert len(redacted.records) == 4
    assert TOKEN not in redacted.text
    assert redacted.text.count("<token>") == 4
