"""A 20 MB one-line plain source: lookups read only windows of it, replies stay bounded."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from bot.config import Config, load_config
from bot.reply import AskContext, Reply
from bot.router import answer
from bot.services import Services, open_services
from corpus.lookup.quote import LONG_PASSAGE, tokenize_places
from corpus.normalize import tokenize

PRIVATE = AskContext(chat_id=11, user_id=11)
SIZE = 20_000_000
PLANTED = "The quiet harbour keeper painted seventeen lanterns before the winter dawn."
NAME = "giant.txt"


def _words(rng: random.Random, count: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ter", "van", "sul", "pra", "den", "ro", "wi", "ne", "gus"]
    return ["".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(count)]


def _giant_text(size: int) -> str:
    """One line of generated sentences, the planted one near its end."""
    rng = random.Random(14)
    vocab = _words(rng, 3000)
    sentences = [
        " ".join(rng.choices(vocab, k=rng.randint(6, 18))).capitalize() + "." for _ in range(4000)
    ]
    chunk = " ".join(sentences) + " "
    body = chunk * (size // len(chunk) + 1)
    at = body.index(". ", size - 50_000) + 2
    return body[:at] + PLANTED + " " + body[at : size - len(PLANTED)].rstrip() + "."


@pytest.fixture(scope="module")
def giant_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("giant")
    (folder / NAME).write_text(_giant_text(SIZE), encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    data = yaml.safe_load((root / "config" / "corpusbot.yaml").read_text(encoding="utf-8"))
    data["corpus"]["sources"] = [
        {"path": str(folder / NAME), "format": "plain", "speaker": "Test Speaker", "language": "en"}
    ]
    data["index"] = {"path": str(folder / "index.sqlite3")}
    data["state"] = {"path": str(folder / "state.sqlite3")}
    (folder / "corpusbot.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def config(giant_dir: Path) -> Config:
    return load_config(giant_dir / "corpusbot.yaml")


@pytest.fixture
async def services(config: Config) -> AsyncIterator[Services]:
    async with open_services(config) as opened:
        yield opened


def _source(giant_dir: Path) -> str:
    return (giant_dir / NAME).read_bytes().decode("utf-8")


async def _timed(services: Services, text: str) -> tuple[float, Reply]:
    began = time.perf_counter()
    reply = await answer(services, text, PRIVATE)
    took = time.perf_counter() - began
    print(f"{text[:40]!r}: {took:.3f} s")
    return took, reply


async def test_quote_near_the_end_of_a_giant_line_is_verbatim_and_fast(
    services: Services, giant_dir: Path
) -> None:
    took, reply = await _timed(services, "/quote " + PLANTED)
    assert reply.verdict == "verbatim"
    best = reply.hits[0]
    text = _source(giant_dir)
    assert text[best.match_start : best.match_end] == PLANTED.rstrip(".")
    assert best.match_start == text.index(PLANTED)
    assert took < 5.0


async def test_a_misquote_in_a_giant_line_is_placed_with_exact_slices(
    services: Services, giant_dir: Path
) -> None:
    asked = "The quiet harbour keeper painted sixteen lanterns before the winter dawn"
    took, reply = await _timed(services, "/quote " + asked)
    assert reply.verdict == "altered"
    text = _source(giant_dir)
    best = reply.hits[0]
    assert text[best.match_start : best.match_end] == PLANTED.rstrip(".")
    assert reply.quote is not None
    for op in reply.quote.diff:
        if op.source:
            assert op.source in PLANTED
    assert took < 5.0


async def test_a_spent_budget_still_places_a_giant_quote_by_the_words_scanned(
    services: Services, giant_dir: Path
) -> None:
    """With a clock that jumps past the budget at every look, the long line is placed by its
    first (longest) word only: still the planted place, an exact slice, flagged partial."""
    ticks = itertools.count(0.0, 10.0)
    services.library.clock = lambda: next(ticks)
    _, reply = await _timed(services, "/quote " + PLANTED)
    assert reply.verdict == "verbatim" and reply.partial
    text = _source(giant_dir)
    best = reply.hits[0]
    assert text[best.match_start : best.match_end] == PLANTED.rstrip(".")


async def test_random_topic_and_context_stay_bounded(services: Services) -> None:
    took, reply = await _timed(services, "/random")
    assert 1 <= len(reply.messages) <= 3
    assert took < 5.0
    took, reply = await _timed(services, "/topic lanterns harbour")
    assert reply.hits and len(reply.messages) <= 3
    assert took < 5.0  # marked only in the window shown
    assert reply.hits[0].highlights  # the planted words are found and marked
    took, reply = await _timed(services, "/context " + reply.hits[0].passage.id)
    assert len(reply.messages) <= 3
    assert took < 5.0


def test_a_long_passage_is_tokenized_only_around_the_words() -> None:
    text = ("filler words here. " * 5000) + PLANTED + (" more filler." * 5000)
    assert len(text) > LONG_PASSAGE
    norms = [t.norm for t in tokenize(PLANTED)]
    places = tokenize_places(text, norms)
    assert sum(len(p) for p in places) < len(tokenize(text)) // 10
    for tokens in places:
        for t in tokens:
            assert fold_ok(text[t.start : t.end], t.norm)
    found = [t.norm for p in places for t in p]
    assert "lanterns" in found


def fold_ok(word: str, norm: str) -> bool:
    return word.lower() == norm
