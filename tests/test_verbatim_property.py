"""The verbatim promise as a property: every passage of the seeds, and every result of generated
/quote, /topic and /date queries (word windows of real passages, mutated; dates in many forms,
misspelt), is `source_text[start:end]`, its match span lies inside it, and every blockquote the
bot would send is a slice of a source.

One services object (library + state) is opened for the module on a private event loop, so the
hypothesis tests stay plain functions and the index is built once.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import assert_verbatim, write_seed_config
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import Config, load_config
from bot.reply import AskContext, Reply
from bot.router import answer
from bot.services import Services, open_services
from corpus.analysis import is_stop_query
from corpus.library import known_speakers
from corpus.model import Passage
from corpus.normalize import tokenize, words
from corpus.parse import parse_source

CTX = AskContext(chat_id=5, user_id=5, chat_type="private", bot_username="corpusbot")
TAG = re.compile(r"<[^>]*>")
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
PROPERTY = settings(max_examples=50, deadline=None)


class Served:
    """Services opened on a private loop; `ask` runs one message through the router."""

    def __init__(self, folder: Path) -> None:
        path = write_seed_config(folder, rate_limit={"user_per_minute": 0, "chat_per_minute": 0})
        self.config: Config = load_config(path)
        self.texts = {
            spec.name: spec.path.read_bytes().decode("utf-8") for spec in self.config.source_specs()
        }
        self.loop = asyncio.new_event_loop()
        self.stack = contextlib.AsyncExitStack()
        self.services: Services = self.loop.run_until_complete(
            self.stack.enter_async_context(open_services(self.config))
        )

    def ask(self, text: str) -> Reply:
        return self.loop.run_until_complete(answer(self.services, text, CTX))

    def close(self) -> None:
        self.loop.run_until_complete(self.stack.aclose())
        self.loop.run_until_complete(self.loop.shutdown_default_executor())
        self.loop.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    opened = Served(tmp_path_factory.mktemp("verbatim"))
    yield opened
    opened.close()


def seed_passages() -> list[Passage]:
    """Every passage the seeds parse into, as configured by default (tweets, paragraphs,
    statements and quote spans)."""
    from conftest import DEFAULT_CONFIG

    specs = load_config(DEFAULT_CONFIG).source_specs()
    speakers = known_speakers(specs)
    return [p for spec in specs for p in parse_source(spec, known_speakers=speakers).passages]


PASSAGES = seed_passages()


def check_reply(served: Served, reply: Reply) -> None:
    """Every hit verbatim with its spans inside it; every message verbatim and within limits."""
    for hit in reply.hits:
        p = hit.passage
        source = served.texts[p.source]
        assert source[p.start : p.end] == p.text
        assert p.line == source.count("\n", 0, p.start) + 1
        if hit.match_start is not None or hit.match_end is not None:
            assert hit.match_start is not None and hit.match_end is not None
            assert p.start <= hit.match_start <= hit.match_end <= p.end
        for start, end in hit.highlights:
            assert p.start <= start < end <= p.end
    assert reply.messages, "the bot never stays silent in a private chat"
    markups = [m.html for m in reply.messages]
    assert_verbatim(markups, served.texts.values())
    for markup in markups:
        assert len(html.unescape(TAG.sub("", markup)).encode("utf-16-le")) // 2 <= 4096


def test_every_seed_passage_is_a_verbatim_slice_and_stored_as_parsed(served: Served) -> None:
    assert len(PASSAGES) == 68
    library = served.services.library
    stored = served.loop.run_until_complete(library.get_many([p.id for p in PASSAGES]))
    assert [s.id for s in stored] == [p.id for p in PASSAGES]
    for parsed, kept in zip(PASSAGES, stored, strict=True):
        source = served.texts[parsed.source]
        assert source[parsed.start : parsed.end] == parsed.text
        assert library.source_text(parsed.source) == source
        assert (kept.start, kept.end, kept.text, kept.line, kept.speaker, kept.date) == (
            parsed.start,
            parsed.end,
            parsed.text,
            parsed.line,
            parsed.speaker,
            parsed.date,
        )
        assert len(parsed.id.encode()) <= 64


MUTATIONS = ["drop", "swap", "typo", "case", "insert", "punct", "apostrophe"]


@st.composite
def word_windows(draw: Any) -> tuple[Passage, str, list[str]]:
    """(passage, query, mutations): a window of the passage's words, maybe mutated."""
    passage = draw(st.sampled_from(PASSAGES))
    tokens = tokenize(passage.text)
    first = draw(st.integers(0, len(tokens) - 1))
    count = draw(st.integers(1, min(25, len(tokens) - first)))
    window = [passage.text[t.start : t.end] for t in tokens[first : first + count]]
    applied = draw(st.lists(st.sampled_from(MUTATIONS), max_size=3))
    for mutation in applied:
        at = draw(st.integers(0, len(window) - 1))
        if mutation == "drop" and len(window) > 1:
            del window[at]
        elif mutation == "swap" and at + 1 < len(window):
            window[at], window[at + 1] = window[at + 1], window[at]
        elif mutation == "typo":
            word = window[at]
            pos = draw(st.integers(0, len(word) - 1))
            window[at] = word[:pos] + draw(st.sampled_from("aeioustrkz")) + word[pos + 1 :]
        elif mutation == "case":
            window[at] = window[at].swapcase()
        elif mutation == "insert":
            window.insert(at, draw(st.sampled_from(["very", "the", "Kyiv", "zebra", "peace"])))
        elif mutation == "punct":
            window[at] += draw(st.sampled_from([",", ".", " —", ":", "!", "?"]))
        elif mutation == "apostrophe":
            window[at] = window[at].replace("’", "'").replace("'", "’")
    joiner = draw(st.sampled_from([" ", "  ", " , "]))
    return passage, joiner.join(window), applied


@PROPERTY
@given(word_windows())
def test_quote_results_are_verbatim(served: Served, case: tuple[Passage, str, list[str]]) -> None:
    passage, query, mutations = case
    reply = served.ask(f"/quote {query}")
    check_reply(served, reply)
    if reply.error == "quote_too_short":  # one word or stop words only: refused, no verdict
        assert reply.verdict is None and not reply.hits
        norms = [t.norm for t in tokenize(query)]
        assert len(norms) < 2 or is_stop_query(norms, ["en"]), query
        return
    assert reply.command == "quote" and reply.verdict in {
        "verbatim",
        "close",
        "altered",
        "spliced",
        "not_found",
    }
    if reply.verdict == "verbatim":
        best = reply.hits[0]
        span = served.texts[best.passage.source][best.match_start : best.match_end]
        assert words(span) == words(query)
    if not mutations and len(words(query)) >= 4:
        # the exact words of a passage are always found word for word
        assert reply.verdict == "verbatim", (query, passage.id)


@PROPERTY
@given(word_windows())
def test_topic_results_are_verbatim(served: Served, case: tuple[Passage, str, list[str]]) -> None:
    _, query, _ = case
    reply = served.ask(f"/topic {query}")
    check_reply(served, reply)
    assert reply.command == "topic" and reply.verdict is None


SHORT_MONTHS = [m[:3] for m in MONTHS]


def misspell(name: str, where: int) -> str:
    """The month name with one letter dropped (agust) or doubled (Augusst); short names
    (May, June, July) stay as they are: "Jue" could be either."""
    if len(name) < 6:
        return name
    at = 1 + where % (len(name) - 1)
    return name[:at] + name[at + 1 :] if where % 2 else name[:at] + name[at] + name[at:]


@st.composite
def date_queries(draw: Any) -> tuple[str, dt.date, dt.date, bool]:
    """(query, first day, last day, year given) for a day, month or range around the seeds."""
    day = draw(st.dates(min_value=dt.date(2025, 6, 1), max_value=dt.date(2025, 9, 30)))
    kind = draw(st.sampled_from(["day", "month", "range"]))
    month = MONTHS[day.month - 1]
    name = draw(
        st.sampled_from(
            [month, SHORT_MONTHS[day.month - 1], month.lower(), misspell(month, day.day)]
        )
    )
    if kind == "month":
        with_year = draw(st.booleans())
        text = f"{name} {day.year}" if with_year else name
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return text, first, last, with_year
    if kind == "day":
        form = draw(st.sampled_from(["md", "dm", "iso", "dots", "mdy"]))
        text = {
            "md": f"{name} {day.day}",
            "dm": f"{day.day} {name}",
            "iso": day.isoformat(),
            "dots": f"{day.day:02d}.{day.month:02d}.{day.year}",
            "mdy": f"{name} {day.day} {day.year}",
        }[form]
        return text, day, day, form in {"iso", "dots", "mdy"}
    end = day + dt.timedelta(days=draw(st.integers(0, 20)))
    if draw(st.booleans()):
        return f"{day.isoformat()}..{end.isoformat()}", day, end, True
    end_name = SHORT_MONTHS[end.month - 1]
    return f"{name} {day.day} - {end_name} {end.day}", day, end, False


@PROPERTY
@given(date_queries())
def test_date_results_are_verbatim_and_truly_dated(
    served: Served, case: tuple[str, dt.date, dt.date, bool]
) -> None:
    query, first, last, year_given = case
    reply = served.ask(f"/date {query}")
    check_reply(served, reply)
    assert reply.command == "date"
    for hit in reply.hits:
        date = hit.passage.date
        assert date is not None and date.day is not None, "an undated passage listed by date"
        assert date.month is not None
        shown = dt.date(date.year if year_given else first.year, date.month, date.day)
        assert first <= shown <= last, (query, shown)
    seqs = [h.passage.seq for h in reply.hits]
    assert seqs == sorted(seqs)  # corpus order
    if not reply.hits:
        assert reply.nearest_dates, query
