"""The router against the real Library on copies of the seeds: what users type, what they get."""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Config, load_config
from bot.fakeapi.markup import parse_telegram_html
from bot.render import utf16_len, visible_text
from bot.reply import AskContext, Button, OutMessage, Reply
from bot.router import answer, parse_text, press, route_plain
from bot.services import Services, open_services
from bot.text import COMMANDS, EXPIRED, NOT_YOURS

ROOT = Path(__file__).resolve().parent.parent
THREADS = "000_0e2a154100ffc278.txt"
ARTICLE = "004_587f944356045ec1.txt"
QUOTE_RE = re.compile(r"<blockquote(?: expandable)?>(.*?)</blockquote>", re.S)
PRIVATE = AskContext(chat_id=11, user_id=11)
GROUP = AskContext(chat_id=-100, user_id=11, chat_type="supergroup")


class Clock:
    """A settable clock for rate limits and session ages."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def write_config(folder: Path, *, corpus: Path | None = None, **sections: Any) -> Path:
    """A config under `folder` (state there); the seed copies and the index in `corpus`
    (default: `folder` too), so the tests of a module can share one built index."""
    data = yaml.safe_load((ROOT / "config" / "corpusbot.yaml").read_text(encoding="utf-8"))
    corpus = corpus or folder
    seeds = corpus / "seeds"
    if not seeds.exists():
        shutil.copytree(ROOT / "seeds", seeds)
    for source in data["corpus"]["sources"]:
        source["path"] = str(seeds / Path(source["path"]).name)
    data["index"] = {"path": str(corpus / "index.sqlite3")}
    data["state"] = {"path": str(folder / "state.sqlite3")}
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value}
    path = folder / "corpusbot.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the seeds and one index for this module's tests (built by the first)."""
    return tmp_path_factory.mktemp("router-corpus")


@pytest.fixture
def config(tmp_path: Path, corpus_dir: Path) -> Config:
    return load_config(write_config(tmp_path, corpus=corpus_dir, access={"admins": [99]}))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def services(config: Config, clock: Clock) -> AsyncIterator[Services]:
    async with open_services(config, clock=clock) as opened:
        yield opened


def source_text(config: Config, name: str) -> str:
    return (config.source_specs()[0].path.parent / name).read_bytes().decode("utf-8")


def check_reply(services: Services, reply: Reply) -> None:
    """Every hit is a verbatim slice, every message valid Telegram HTML within limits, every
    blockquote a slice of a source, every button within Telegram's limits."""
    texts = [source_text(services.config, n) for n in (THREADS, ARTICLE)]
    for hit in reply.hits:
        p = hit.passage
        assert p.text == source_text(services.config, p.source)[p.start : p.end]
    for m in reply.messages:
        check_message(m, texts)


def check_message(m: OutMessage, texts: list[str]) -> None:
    plain, _ = parse_telegram_html(m.html)
    assert 0 < utf16_len(plain) <= 4096
    for inner in QUOTE_RE.findall(m.html):
        quote = visible_text(inner)
        assert any(quote in t for t in texts), quote[:80]
    for row in m.buttons:
        for b in row:
            check_button(b)


def check_button(b: Button) -> None:
    actions = [b.callback_data, b.url, b.switch_inline_query_current_chat]
    assert sum(a is not None for a in actions) == 1
    if b.callback_data is not None:
        assert 1 <= len(b.callback_data.encode()) <= 64
    if b.url is not None:
        m = re.fullmatch(r"https://t\.me/corpusbot\?start=([A-Za-z0-9_-]{1,64})", b.url)
        assert m, b.url


async def ask(services: Services, text: str, ctx: AskContext = PRIVATE) -> Reply:
    reply = await answer(services, text, ctx)
    check_reply(services, reply)
    return reply


def shown(reply: Reply) -> str:
    return "\n".join(visible_text(m.html) for m in reply.messages)


def quotes(reply: Reply) -> list[str]:
    return [visible_text(q) for m in reply.messages for q in QUOTE_RE.findall(m.html)]


def buttons(reply: Reply) -> list[Button]:
    return [b for m in reply.messages for row in m.buttons for b in row]


def lines(config: Config, name: str, *numbers: int) -> list[str]:
    text = source_text(config, name).split("\n")
    return [text[n - 1] for n in numbers]


async def test_date_aug_28_is_exactly_the_two_passages_under_its_header(
    services: Services,
) -> None:
    reply = await ask(services, "/date Aug 28")
    assert reply.command == "date"
    assert quotes(reply) == lines(services.config, THREADS, 13, 14)
    assert [h.passage.line for h in reply.hits] == [13, 14]
    assert all(h.passage.date and h.passage.date.iso() == "2025-08-28" for h in reply.hits)
    assert "28 Aug 2025" in shown(reply) and "tweet 1 of 10" in shown(reply)


async def test_date_sep_4_skips_the_undated_top_paragraphs(services: Services) -> None:
    reply = await ask(services, "/date Sep 4")
    assert quotes(reply) == lines(services.config, THREADS, 4, 5)
    top = lines(services.config, THREADS, 1, 2)
    assert not any(t in shown(reply) for t in top)


async def test_date_with_no_passages_names_the_nearest(services: Services) -> None:
    reply = await ask(services, "/date Aug 29 2025")
    assert reply.hits == () and reply.nearest_dates
    assert "Nearest dates" in shown(reply)


async def test_date_that_is_no_date_gets_a_polite_message(services: Services) -> None:
    reply = await ask(services, "/date banana")
    assert reply.messages and "banana" in shown(reply)
    assert "Traceback" not in shown(reply)


async def test_quote_verbatim(services: Services) -> None:
    reply = await ask(services, "/quote so long as he kills, he lives")
    assert reply.verdict == "verbatim"
    best = reply.hits[0]
    assert best.passage.source == THREADS and best.passage.speaker == "Volodymyr Zelensky"
    span = source_text(services.config, THREADS)[best.match_start : best.match_end]
    assert span == "so long as he kills, he lives"
    assert "<b>so long as he kills, he lives</b>" in reply.messages[0].html
    assert "Verbatim" in shown(reply)


async def test_quote_close_attributes_the_article_statement(services: Services) -> None:
    reply = await ask(services, "/quote I am ready for elections")
    assert reply.verdict == "close"
    best = reply.hits[0].passage
    assert best.speaker == "Volodymyr Zelensky" and best.source == ARTICLE
    text = shown(reply)
    assert "Close" in text and "+the" in text  # the word diff shows the inserted word
    assert "Volodymyr Zelensky" in text and "article" in text


async def test_quote_not_found_offers_only_a_hint(services: Services) -> None:
    reply = await ask(services, "/quote purple elephants sing opera under the frozen moon")
    assert reply.verdict == "not_found"
    assert "Not found" in shown(reply)
    assert len(quotes(reply)) <= 1


async def test_topic_dictator_is_the_articles_narration(services: Services) -> None:
    reply = await ask(services, "/topic Dictator")
    assert reply.hits
    for hit in reply.hits:
        assert hit.passage.source == ARTICLE
        assert hit.passage.speaker != "Volodymyr Zelensky"
    first = reply.messages[0].html
    assert re.search(r"<b>Dictator</b>", first)


async def test_paging_turns_pages_and_survives_a_restart(config: Config, clock: Clock) -> None:
    async with open_services(config, clock=clock) as services:
        reply = await ask(services, "/topic peace")
        assert len(reply.hits) > 3
        nav = reply.messages[0].buttons[0]
        assert nav[0].text == "◀" and nav[2].text == "▶"
        total = int(nav[1].text.split("/")[1])
        assert nav[1].text == f"1/{total}" and nav[0].callback_data == "n"
        token = nav[2].callback_data.split(":")[1]
        assert "Context 1" in [b.text for b in buttons(reply)]
    async with open_services(config, clock=clock) as services:  # a restart
        turned = await press(services, f"p:{token}:1", PRIVATE)
        assert turned.edit is not None
        check_message(turned.edit, [source_text(config, THREADS), source_text(config, ARTICLE)])
        assert "4. score" in visible_text(turned.edit.html)
        assert turned.edit.buttons[0][1].text == f"2/{total}"
        last = await press(services, f"p:{token}:999", PRIVATE)  # clamped to the last page
        assert last.edit is not None and last.edit.buttons[0][1].text == f"{total}/{total}"
        assert (await press(services, "n", PRIVATE)).notice is None


async def test_forged_and_stale_buttons(services: Services, clock: Clock) -> None:
    assert (await press(services, "p:nosuchtok:1", PRIVATE)).notice == EXPIRED
    for data in ("x:1", "p:a b:1", "c:../../etc", "", "p:" + "a" * 80 + ":1", "c:"):
        result = await press(services, data, PRIVATE)
        assert result.notice and result.edit is None and not result.send
    reply = await ask(services, "/topic peace")
    token = reply.messages[0].buttons[0][2].callback_data.split(":")[1]
    clock.now += 8 * 24 * 3600  # older than a session lives
    assert (await press(services, f"p:{token}:1", PRIVATE)).notice == EXPIRED


async def test_context_button_and_command(services: Services) -> None:
    reply = await ask(services, "/date Sep 4")
    pid = reply.hits[1].passage.id
    pressed = await press(services, f"c:{pid}", PRIVATE)
    assert pressed.send and pressed.notice is None
    text = "\n".join(visible_text(m.html) for m in pressed.send)
    assert "whole thread" in text and "the passage asked for" in text
    command = await ask(services, f"/context {pid}")
    assert quotes(command) == lines(services.config, THREADS, 4, 5)
    missing = await ask(services, "/context zzzzzzzzzz")
    assert "No passage has the id" in shown(missing)
    gone = await press(services, "c:zzzzzzzzzz", PRIVATE)
    assert gone.notice and not gone.send


async def test_group_shows_top_hits_and_links_to_private(services: Services) -> None:
    reply = await ask(services, "/topic peace", GROUP)
    assert len(quotes(reply)) == services.config.replies.group_max_hits
    urls = [b.url for b in buttons(reply) if b.url]
    more = [u for u in urls if "start=s_" in u]
    assert len(more) == 1 and all(b.callback_data is None for b in buttons(reply))
    token = more[0].split("start=s_")[1]
    private = await ask(services, f"/start s_{token}")
    assert len(quotes(private)) >= 3 and private.messages[0].buttons[0][0].text == "◀"
    other = AskContext(chat_id=-100, user_id=12, chat_type="supergroup")
    assert (await press(services, f"p:{token}:1", other)).notice == NOT_YOURS
    assert (await press(services, f"p:{token}:1", GROUP)).edit is not None


async def test_commands_for_other_bots_and_group_chatter_are_ignored(services: Services) -> None:
    assert (await ask(services, "/topic@otherbot drones", GROUP)).messages == ()
    assert (await ask(services, "/topic@otherbot drones")).messages == ()
    assert (await ask(services, "hello everyone, how are you", GROUP)).messages == ()
    assert (await ask(services, "/nosuchcommand", GROUP)).messages == ()
    assert (await ask(services, "/TOPIC@CorpusBot drones", GROUP)).hits


async def test_unknown_command_in_private_gets_a_hint(services: Services) -> None:
    reply = await ask(services, "/frobnicate now")
    assert "/help" in shown(reply) and "frobnicate" in shown(reply)


async def test_args_on_the_next_line(services: Services) -> None:
    reply = await ask(services, "/quote\nso long as he kills, he lives")
    assert reply.verdict == "verbatim" and reply.query == "so long as he kills, he lives"


@pytest.mark.parametrize("command", ["/quote", "/topic", "/date", "/context", "/quote    \n  "])
async def test_empty_args_get_a_usage_hint(services: Services, command: str) -> None:
    reply = await ask(services, command)
    assert "for example" in shown(reply) and reply.hits == ()


async def test_too_long_query_gets_a_notice(services: Services) -> None:
    reply = await ask(services, "/topic " + "war " * 200)
    assert "at most 512" in shown(reply) and reply.hits == ()


async def test_admin_commands(services: Services, config: Config) -> None:
    for command in ("/reload", "/stats"):
        refused = await ask(services, command)
        assert "only for the bot's admins" in shown(refused)
    admin = AskContext(chat_id=99, user_id=99)
    await ask(services, "/topic drones")
    stats = await ask(services, "/stats", admin)
    assert "/topic: 1" in shown(stats)
    reloaded = await ask(services, "/reload", admin)
    assert "Reloaded" in shown(reloaded)
    also_admin = dataclasses.replace(PRIVATE, is_admin=True)
    assert "Queries served" in shown(await ask(services, "/stats", also_admin))


async def test_failed_reload_keeps_the_old_index(services: Services, config: Config) -> None:
    admin = AskContext(chat_id=99, user_id=99)
    path = config.source_specs()[1].path
    path.rename(path.with_suffix(".gone"))
    reply = await answer(services, "/reload", admin)
    path.with_suffix(".gone").rename(path)
    assert "Reload failed" in shown(reply) and "old index keeps serving" in shown(reply)
    assert (await ask(services, "/date Aug 28")).hits


async def test_allowed_chats_refuse_once_then_stay_silent(tmp_path: Path, corpus_dir: Path) -> None:
    config = load_config(
        write_config(tmp_path, corpus=corpus_dir, access={"allowed_chats": [-100]})
    )
    async with open_services(config) as services:
        first = await answer(services, "/topic drones", PRIVATE)
        assert "only answers in the chats" in shown(first)
        assert (await answer(services, "/topic drones", PRIVATE)).messages == ()
        assert (await answer(services, "/topic drones", GROUP)).hits
        assert (await press(services, "n", PRIVATE)).alert


async def test_rate_limit_notices_once_then_silence(
    tmp_path: Path, corpus_dir: Path, clock: Clock
) -> None:
    config = load_config(
        write_config(tmp_path, corpus=corpus_dir, rate_limit={"user_per_minute": 2})
    )
    async with open_services(config, clock=clock) as services:
        assert (await answer(services, "/help", PRIVATE)).messages
        assert (await answer(services, "/help", PRIVATE)).messages
        notice = await answer(services, "/help", PRIVATE)
        assert "faster than I can answer" in shown(notice)
        assert (await answer(services, "/help", PRIVATE)).messages == ()
        clock.now += 61
        assert "Commands" in shown(await answer(services, "/help", PRIVATE))


async def test_start_payloads(services: Services) -> None:
    welcome = await ask(services, "/start")
    assert "Hello" in shown(welcome) and "/quote" in shown(welcome)
    date = await ask(services, "/date Aug 28")
    pid = date.hits[0].passage.id
    opened = await ask(services, f"/start q_{pid}")
    assert quotes(opened) == lines(services.config, THREADS, 13)
    assert "28 Aug 2025" in shown(opened)
    context = await ask(services, f"/start c_{pid}")
    assert "whole thread" in shown(context)
    assert "Commands" in shown(await ask(services, "/start help"))
    for bad in ("q_nope", "!!!", "x" * 65, "s_", "q_" + "a" * 60):
        reply = await ask(services, f"/start {bad}")
        assert reply.messages and ("welcome" in shown(reply) or "expired" in shown(reply))


async def test_help_lists_every_command_with_an_example(services: Services) -> None:
    admin_help = shown(await ask(services, "/help", AskContext(99, 99)))
    user_help = shown(await ask(services, "/help"))
    for command in COMMANDS:
        assert f"/{command.name}" in admin_help and command.example in admin_help
        assert f"/{command.name}" in user_help
    assert "four words or more" in user_help


async def test_sources(services: Services) -> None:
    text = shown(await ask(services, "/sources"))
    assert "Volodymyr Zelensky's threads on X" in text and "44 passages" in text
    assert "Opinion article" in text and "Mark Rutte" in text


async def test_random_and_another(services: Services) -> None:
    reply = await ask(services, "/random")
    assert len(reply.hits) == 1 and len(quotes(reply)) == 1
    assert [b.text for b in buttons(reply)] == ["Context", "Another"]
    another = await press(services, "r", PRIVATE)
    assert another.send and QUOTE_RE.search(another.send[0].html)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("Aug 28", "date"),
        ("28.08.2025", "date"),
        ("so long as he kills", "quote"),
        ("drones", "topic"),
        ("may", "topic"),
        ("the 20-point peace plan", "quote"),
    ],
)
async def test_plain_text_in_private(services: Services, text: str, command: str) -> None:
    assert route_plain(text) == command
    reply = await ask(services, text)
    assert reply.command == command and reply.messages


def test_parse_text() -> None:
    parsed = parse_text("  /Quote@CorpusBot\n words here ", "corpusbot")
    assert (parsed.command, parsed.args, parsed.addressed) == ("quote", "words here", True)
    assert not parse_text("/quote@other x", "corpusbot").addressed
    assert parse_text("no command", "corpusbot").command == ""
    assert parse_text("/quote/etc", "corpusbot").command == ""


HOSTILE = [
    "<b>",
    "</blockquote>",
    '<a href="javascript:x">x</a>',
    "&amp;",
    "&#0;",
    "& < >",
    "_*[]()~`>#+-=|{}.!",
    "\u200b\u200d\ufeff\u202e",
    "Z̸̡̛a̷l̸g̶o̵",
    "👩‍👩‍👧‍👦🏽",
    "\x00\x01\r\n",
    '"unbalanced',
    "AND OR NOT",
    "NEAR(a b, 5)",
    "col:term -x +y ^z *",
    "a'b",
    "multi-agent 20.04",
    ".*",
    "(a+)+$",
    "[",
    "\\",
    "'; DROP TABLE x;--",
    "%_",
    "../../etc/passwd",
    "-1",
    "1e309",
    "NaN",
    "9" * 30,
    "x" * 500,
    "the",
    "e",
]


@pytest.mark.parametrize("command", ["/topic", "/quote", "/date", "/context", "/start"])
async def test_hostile_args_get_sane_replies(
    services: Services, clock: Clock, command: str
) -> None:
    for args in HOSTILE:
        clock.now += 61  # stay under the rate limit
        reply = await ask(services, f"{command} {args}")
        assert reply.messages, args
        assert "Traceback" not in shown(reply)
        assert "something went wrong" not in shown(reply), args


class BrokenLibrary:
    """A library whose lookups fail unexpectedly (a bug), to check the polite fallback."""

    async def by_topic(self, text: str, *, limit: int = 30) -> Any:
        raise RuntimeError("boom <b>")


async def test_unexpected_errors_become_a_polite_message(services: Services) -> None:
    broken = dataclasses.replace(services, library=BrokenLibrary())  # type: ignore[arg-type]
    reply = await answer(broken, "/topic drones", PRIVATE)
    assert "something went wrong" in shown(reply)
    assert "boom" not in shown(reply) and html.escape("<b>") not in reply.messages[0].html
