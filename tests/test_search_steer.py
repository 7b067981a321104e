"""Search a researcher can steer (issue 13), over the seeds through the router with a fixed
clock: each filter, each date form, synonyms, compounds, phrases and exclusions, no false
friends, /speakers and its buttons."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.reply import Reply
from bot.router import answer, press
from bot.services import Services, open_services
from tests.test_router import PRIVATE, write_config

NOON_28_AUG_2025 = dt.datetime(2025, 8, 28, 12, tzinfo=dt.UTC).timestamp()  # a Thursday


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("steer-corpus")


@pytest.fixture
def config(tmp_path: Path, corpus_dir: Path) -> Config:
    return load_config(
        write_config(
            tmp_path, corpus=corpus_dir,
            replies={"max_results": 1000},
            rate_limit={"user_per_minute": 0, "chat_per_minute": 0},
            search={"synonyms": [["drone", "UAV"], ["Kyiv", "Kiev"]]},
        )
    )  # fmt: skip


@pytest.fixture
async def services(config: Config) -> AsyncIterator[Services]:
    async with open_services(config, clock=lambda: NOON_28_AUG_2025) as opened:
        yield opened


async def ask(services: Services, text: str) -> Reply:
    reply = await answer(services, text, PRIVATE)
    assert reply.total is not None, text
    # the total is what the list shows: a paragraph shown as its matching quotes is not counted
    assert len(reply.hits) == reply.total, (text, reply.total)
    return reply


def days(reply: Reply) -> list[dt.date]:
    return [h.passage.date.as_date() for h in reply.hits if h.passage.date]  # type: ignore[misc]


async def test_by_in_since_until_filter_topic(services: Services) -> None:
    everything = await ask(services, "/topic Ukraine")
    by = await ask(services, "/topic Ukraine by:zelenskyy")  # surname, case, spelling
    assert 0 < by.total < everything.total  # type: ignore[operator]
    assert {h.passage.speaker for h in by.hits} == {"Volodymyr Zelensky"}
    source = everything.hits[0].passage.source
    inside = await ask(services, f"/topic Ukraine in:{source}")
    assert inside.hits and {h.passage.source for h in inside.hits} == {source}
    since = await ask(services, "/topic Ukraine since:2025-08-20")
    assert since.hits and min(days(since)) >= dt.date(2025, 8, 20)
    assert len(days(since)) == len(since.hits)  # undated passages are not in a date range
    until = await ask(services, "/topic Ukraine until:2025-07-01")
    assert until.hits and max(days(until)) <= dt.date(2025, 7, 1)
    both = await ask(services, "/topic Ukraine by:Zelensky since:2025-08-20")
    assert {h.passage.id for h in both.hits} == {h.passage.id for h in by.hits} & {
        h.passage.id for h in since.hits
    }


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("since Aug 20 2025", "2025-08-20", "9999-12-31"),
        ("from 20 Aug 2025", "2025-08-20", "9999-12-31"),
        ("after Aug 28 2025", "2025-08-29", "9999-12-31"),
        ("before July 2025", "0001-01-01", "2025-06-30"),
        ("until July 2025", "0001-01-01", "2025-07-31"),
        ("between Aug 1 2025 and Aug 10 2025", "2025-08-01", "2025-08-10"),
        ("today", "2025-08-28", "2025-08-28"),
        ("yesterday", "2025-08-27", "2025-08-27"),
        ("this week", "2025-08-25", "2025-08-31"),
        ("last week", "2025-08-18", "2025-08-24"),
        ("this month", "2025-08-01", "2025-08-31"),
        ("last month", "2025-07-01", "2025-07-31"),
    ],
)
async def test_each_date_form_finds_exactly_its_days(
    services: Services, text: str, first: str, last: str
) -> None:
    reply = await ask(services, f"/date {text}")
    lo, hi = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    every = await ask(services, "/date 2025")
    expected = [d for d in days(every) if lo <= d <= hi]
    assert sorted(days(reply)) == sorted(expected), text
    assert reply.total == len(expected)


async def test_an_ambiguous_date_offers_the_other_reading(services: Services) -> None:
    reply = await ask(services, "/date 03/07/2025")
    assert "3 Jul 2025" in reply.messages[0].html or "3 July 2025" in reply.messages[0].html
    [other] = [b for m in reply.messages for row in m.buttons for b in row if "Read as" in b.text]
    assert other.callback_data == "d:2025-03-07"
    pressed = await press(services, other.callback_data, PRIVATE)
    shown = " ".join(m.html for m in pressed.send)
    assert "7 Mar 2025" in shown or "7 March 2025" in shown or "Mar" in shown


async def test_synonyms_compounds_phrases_and_exclusions(services: Services) -> None:
    drone = await ask(services, "/topic drone")
    uav = await ask(services, "/topic UAV")
    assert uav.total == drone.total and uav.total  # the owner's synonyms find each other
    kiev = await ask(services, "/topic Kiev")
    found = [h.passage.text.lower() for h in kiev.hits]
    assert any("kyiv" in t and "kiev" not in t for t in found)  # found by the synonym
    assert all("kyiv" in t or "kiev" in t for t in found)
    apart = await ask(services, "/topic cease fire")
    assert any("ceasefire" in h.passage.text.lower() for h in apart.hits)
    phrase = await ask(services, '/topic "coalition of the willing"')
    assert phrase.hits
    assert all("coalition of the willing" in h.passage.text.lower() for h in phrase.hits)
    without = await ask(services, "/topic drones -Russia")
    assert without.hits
    assert all(not re.search(r"\brussia\b", h.passage.text.lower()) for h in without.hits)
    assert without.total < (await ask(services, "/topic drones")).total  # type: ignore[operator]


async def test_no_false_friends(services: Services) -> None:
    shahed = await ask(services, "/topic Shahed")
    assert shahed.hits and all("shahed" in h.passage.text.lower() for h in shahed.hits)
    factory = await ask(services, "/topic Mukachevo factory")
    assert factory.hits
    for h in factory.hits:
        assert not re.search(r"\bfactor\b", h.passage.text.lower()), h.passage.text[:120]


async def test_speakers_and_a_speakers_button(services: Services) -> None:
    reply = await answer(services, "/speakers", PRIVATE)
    keys = [b for m in reply.messages for row in m.buttons for b in row]
    assert keys and all(b.callback_data and b.callback_data.startswith("sp:") for b in keys)
    first = keys[0]
    listed = await press(services, first.callback_data, PRIVATE)  # type: ignore[arg-type]
    shown = " ".join(m.html for m in listed.send)
    assert first.text in shown
    speaker = await services.library.speakers()
    name = speaker[int(first.callback_data[3:])].name  # type: ignore[index]
    count = speaker[int(first.callback_data[3:])].passages  # type: ignore[index]
    by = await ask(services, f'/topic by:"{name}"')
    # a paragraph shown as the speaker's quotes in it is counted once per quote, not again
    assert 0 < by.total <= count and {h.passage.speaker for h in by.hits} == {name}
    assert f"{name}</b>" in shown or name in shown
