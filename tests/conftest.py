"""Shared fixtures: a config over copies of the seeds, the fake Bot API, a running bot.

After every test that uses `fake`: no call was refused, and every `<blockquote>` the bot sent
is a verbatim slice of a source.
"""

from __future__ import annotations

import contextlib
import html
import re
import shutil
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from corpus.library import Library
from corpus.model import EmbeddedSpec, SourceSpec

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEFAULT_CONFIG = ROOT / "config" / "corpusbot.yaml"
THREADS = "000_0e2a154100ffc278.txt"
ARTICLE = "004_587f944356045ec1.txt"
ELLIPSIS = "…"
POLL_TIMEOUT = 1  # seconds of long polling per getUpdates in tests

_BLOCKQUOTE_RE = re.compile(r"<blockquote(?:\s+expandable)?>(.*?)</blockquote>", re.DOTALL)
_TAG_RE = re.compile(r"<[^>]*>")


def seed_specs(folder: Path = SEEDS) -> tuple[SourceSpec, ...]:
    """The bundled seeds, configured as in config/corpusbot.yaml."""
    return (
        SourceSpec(folder / THREADS, "thread_dump", "Volodymyr Zelensky", year=2025),
        SourceSpec(
            folder / ARTICLE,
            "article",
            "Unknown author",
            title="Opinion article",
            embedded=(EmbeddedSpec((3, 5, 6, 7, 8), "Volodymyr Zelensky", "statement on X"),),
        ),
    )


def write_seed_config(
    folder: Path,
    *,
    seeds: Path | None = None,
    index_path: Path | None = None,
    **sections: dict[str, Any],
) -> Path:
    """Write `folder/corpusbot.yaml`: the default config over the seeds in `seeds` (copied
    there when missing), index and state under `folder`; `sections` override top-level keys
    (merged one level deep, e.g. `access={"admins": [7]}`)."""
    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    seeds = seeds or folder / "seeds"
    if not seeds.exists():
        shutil.copytree(SEEDS, seeds)
    for source in data["corpus"]["sources"]:
        source["path"] = str(seeds / Path(source["path"]).name)
    data["index"] = {"path": str(index_path or folder / "index.sqlite3")}
    data["state"] = {"path": str(folder / "state.sqlite3")}
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    path = folder / "corpusbot.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def blockquotes(markup: str) -> list[str]:
    """The text inside each `<blockquote>` of Telegram HTML: tags (highlights) stripped and
    entities unescaped."""
    return [html.unescape(_TAG_RE.sub("", inner)) for inner in _BLOCKQUOTE_RE.findall(markup)]


def assert_verbatim(markups: Iterable[str], source_texts: Iterable[str]) -> int:
    """Every blockquote piece (split at `…` cut marks) is a slice of some source; returns how
    many blockquotes were checked."""
    texts = list(source_texts)
    checked = 0
    for markup in markups:
        for quote in blockquotes(markup):
            checked += 1
            pieces = [quote] if any(quote in t for t in texts) else quote.split(ELLIPSIS)
            for piece in pieces:
                piece = piece.strip()
                assert not piece or any(piece in t for t in texts), (
                    f"blockquote is not a verbatim slice of a source: {piece[:200]!r}"
                )
    return checked


def source_texts_of(config: Any) -> list[str]:
    """Each configured source decoded (UTF-8, or by its BOM), no newline translation, and
    each record's text of a structured source (what its passages slice); a source that
    cannot be read is left out, as the index leaves it out."""
    from corpus.errors import SourceError
    from corpus.model import STRUCTURED_FORMATS
    from corpus.parse import decode_source, parse_source

    texts = []
    for spec in config.source_specs():
        try:
            texts.append(decode_source(spec.path))
            if spec.format in STRUCTURED_FORMATS:
                texts.extend(parse_source(spec).records.values())
        except SourceError:
            continue
    return texts


def markups_of(fake: Any) -> list[str]:
    """Every HTML the bot made Telegram show: messages, edits and inline result texts."""
    out = [item.html for item in fake.sent]
    for answer in fake.inline_answers:
        for result in answer.results:
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                out.append(content["message_text"])
    return out


@pytest.fixture(scope="session")
def shared_seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the seeds and one index folder for the whole session (built once)."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SEEDS, folder / "seeds")
    return folder


@pytest.fixture
def make_config(tmp_path: Path, shared_seeds: Path) -> Callable[..., Any]:
    """A factory: `make_config(access={...}, replies={...})` -> a loaded Config under tmp_path,
    sharing the session's seed copies and index."""
    from bot.config import load_config

    def make(**sections: dict[str, Any]) -> Any:
        path = write_seed_config(
            tmp_path,
            seeds=shared_seeds / "seeds",
            index_path=shared_seeds / "index.sqlite3",
            **sections,
        )
        return load_config(path)

    return make


@pytest.fixture
def seed_config(make_config: Callable[..., Any]) -> Any:
    """The default config over the seeds (no token, polling), index and state in tmp dirs."""
    return make_config()


@pytest.fixture
async def services(seed_config: Any) -> AsyncIterator[Any]:
    from bot.services import open_services

    async with open_services(seed_config) as opened:
        yield opened


class RunningBot:
    """The real PTB Application serving `services`, polling the fake Bot API."""

    def __init__(self, fake: Any, application: Any, services: Any) -> None:
        self.fake = fake
        self.application = application
        self.services = services

    async def send(self, text: str, **kwargs: Any) -> list[Any]:
        """A user sends `text` (user_sends kwargs: chat_type, user_id, chat_id, thread_id…);
        returns the messages the bot sent or edited in answer."""
        self.fake.user_sends(text, **kwargs)
        return await self.fake.drain(self.application)

    async def press(self, message: Any, **kwargs: Any) -> list[Any]:
        """A user presses a button of `message` (user_presses kwargs); returns what changed."""
        self.fake.user_presses(message, **kwargs)
        return await self.fake.drain(self.application)

    async def inline(self, query: str, **kwargs: Any) -> Any:
        """A user types `@bot query`; returns the bot's answerInlineQuery record."""
        before = len(self.fake.inline_answers)
        self.fake.user_inline(query, **kwargs)
        await self.fake.drain(self.application)
        assert len(self.fake.inline_answers) == before + 1, "no inline answer"
        return self.fake.inline_answers[-1]


@contextlib.asynccontextmanager
async def running_bot(
    config: Any, *, fake: Any = None, throttle: bool = True
) -> AsyncIterator[RunningBot]:
    """Open services for `config` and serve them with the real Application against `fake`
    (a new FakeBotApi when None). On exit: no call refused, every blockquote verbatim.
    `throttle=False` leaves out PTB's ~30 messages/s limiter (for tests sending hundreds)."""
    from bot.app import build_application, serving
    from bot.fakeapi import FakeBotApi
    from bot.services import open_services

    async with contextlib.AsyncExitStack() as stack:
        if fake is None:
            fake = await stack.enter_async_context(FakeBotApi())
        services = await stack.enter_async_context(open_services(config))
        application = build_application(
            services, base_url=fake.base_url, token=fake.token, throttle=throttle
        )
        async with serving(application, poll_timeout=POLL_TIMEOUT):
            await fake.wait_idle(application)
            yield RunningBot(fake, application, services)
        assert fake.refusals == [], fake.refusals
        assert fake.internal_errors == [], fake.internal_errors
        assert_verbatim(markups_of(fake), source_texts_of(config))


@pytest.fixture
async def bot(seed_config: Any) -> AsyncIterator[RunningBot]:
    """The bot on the default seed config, serving through a fresh fake Bot API."""
    async with running_bot(seed_config) as running:
        yield running


@pytest.fixture
async def library(tmp_path: Path) -> AsyncIterator[Library]:
    lib = await Library.open(seed_specs(), tmp_path / "index.sqlite3")
    yield lib
    await lib.close()
