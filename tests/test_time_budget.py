"""A lookup's time budget (`search.time_budget`): with a clock that jumps past it, the core
answers with what it checked (flagged partial) or raises `LookupTimeout`, and each edge says
so once: the bot politely, `ask --json` with `partial` / `error`."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import running_bot, write_seed_config
from test_cli import run

from corpus.budget import Deadline
from corpus.errors import LookupTimeout
from corpus.library import Library
from corpus.verify.verify import verify_quote

QUOTE = "so long as he kills, he lives"
# in no single passage: only the clause searches (skipped once the budget is spent) place it
SPLICED = "Ukraine never wanted this war. We have to stop the killings."


def jumping_clock(step: float = 10.0) -> Callable[[], float]:
    """A clock that moves `step` seconds every time it is read."""
    ticks = itertools.count(0.0, step)
    return lambda: next(ticks)


def test_a_deadline_expires_on_its_clock_and_remembers_a_cut() -> None:
    now = [100.0]
    deadline = Deadline(2.0, lambda: now[0])
    assert not deadline.expired() and not deadline.spent()
    deadline.check()
    now[0] = 101.9
    assert not deadline.expired()
    now[0] = 102.0
    assert deadline.expired() and not deadline.cut
    assert deadline.spent() and deadline.cut
    with pytest.raises(LookupTimeout) as raised:
        deadline.check()
    assert raised.value.seconds == 2.0
    unlimited = Deadline(None, jumping_clock(1e9))
    assert not unlimited.expired() and not unlimited.spent()


async def test_without_a_budget_spent_nothing_is_partial(library: Library) -> None:
    library.time_budget, library.clock = 1.0, jumping_clock(0.0)
    result = await library.find_quote(QUOTE)
    assert result.verdict == "verbatim" and not result.partial
    topic = await library.find_topic("drones")
    assert topic.hits and not topic.partial


async def test_a_spent_budget_answers_a_quote_with_what_it_checked(library: Library) -> None:
    free = await library.find_quote(QUOTE)
    library.time_budget, library.clock = 1.0, jumping_clock()
    cut = await library.find_quote(QUOTE)
    assert cut.partial
    # the best candidate was checked: the words stand there as asked, and nowhere else is
    # claimed; the place is the one the unhurried lookup finds
    assert cut.verdict == "verbatim"
    assert cut.hits[0].passage.id == free.hits[0].passage.id
    assert (cut.hits[0].match_start, cut.hits[0].match_end) == (
        free.hits[0].match_start,
        free.hits[0].match_end,
    )


async def test_a_spent_budget_never_claims_a_splice_it_did_not_check(library: Library) -> None:
    free = await library.find_quote(SPLICED)
    library.time_budget, library.clock = 1.0, jumping_clock()
    cut = await library.find_quote(SPLICED)
    assert cut.partial
    assert free.verdict == "spliced", free.verdict  # a test that can fail: the splice exists
    assert cut.verdict != "spliced"  # the clause searches were not run


async def test_a_spent_budget_leaves_topic_hits_whole_and_times_out_a_timeline(
    library: Library,
) -> None:
    free = await library.find_topic("drones")
    library.time_budget, library.clock = 1.0, jumping_clock()
    cut = await library.find_topic("drones")
    # every hit holds every word: the ranking is tantivy's, only the marking waits
    assert [h.passage.id for h in cut.hits] == [h.passage.id for h in free.hits]
    assert cut.total == free.total
    marked = library.mark_topic("drones", cut.hits)
    assert [h.passage.id for h in marked] == [h.passage.id for h in free.hits]
    with pytest.raises(LookupTimeout):
        await library.timeline("drones")
    with pytest.raises(LookupTimeout):
        await library.find_date("Aug 2025")


async def test_the_bot_says_politely_that_a_search_took_too_long(
    make_config: Callable[..., Any],
) -> None:
    async with running_bot(make_config()) as bot:
        library = bot.services.library
        assert library.time_budget == 2.0  # the shipped default
        library.clock = jumping_clock()
        answer = await bot.send("/timeline drones")
        assert len(answer) == 1
        assert "took too long" in answer[0].html
        assert "Traceback" not in answer[0].html
        bot.fake.user_speaks("uk")
        answer = await bot.send("/timeline drones")
        assert "тривав задовго" in answer[-1].html
        bot.fake.user_speaks("en")
        answer = await bot.send(f"/quote {QUOTE}")
        assert "checked only the closest candidates" in answer[0].html
        # a cut-short not_found never says no passage holds the words (promise 3)
        answer = await bot.send(f"/quote {SPLICED}")
        assert "in the passages I had time to check" in answer[0].html
        assert "no passage says this" not in answer[0].html


def test_ask_json_gives_partial_and_a_timeout_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_seed_config(tmp_path, search={"time_budget": 0.000001})
    commands = [f"/quote {QUOTE}", "/timeline drones", "/sources"]
    rc, out, err = run(
        ["ask", "--config", str(config), "--json", "-"], capsys, "\n".join(commands) + "\n"
    )
    assert rc == 0, err
    quote, timeline, sources = (json.loads(line) for line in out.splitlines())
    assert quote["partial"] is True and quote["verdict"] == "verbatim"
    assert timeline["error"] == "timeout" and timeline["series"] == []
    assert "took too long" in timeline["messages"][0]
    assert "error" not in sources and "partial" not in sources


async def test_verify_places_no_clause_it_had_no_time_for(library: Library) -> None:
    free = await library.find_quote(SPLICED)
    passages = [hit.passage for hit in free.hits]
    whole = verify_quote(SPLICED, passages)
    assert whole.verdict == "spliced"
    spent = Deadline(1.0, jumping_clock())
    cut = verify_quote(SPLICED, passages, deadline=spent)
    assert cut.verdict == "not_found" and spent.cut
