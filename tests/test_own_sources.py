"""A config listing your own files, in all three formats and with CRLF line ends, works like the
seeds: built by `corpusbot index`, every lookup through `corpusbot ask --json`, offsets exact on
the raw decoded file (no newline translation), ids stable, index reused or rebuilt as needed."""

from __future__ import annotations

import html
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import assert_verbatim

from bot.cli import main

DUMP = "harbour_threads.txt"
ARTICLE = "gazette.txt"
PLAIN = "diary.txt"

DUMP_LINES = [
    "Pinned: the archive of the harbour master's posts.",
    "Every post below is copied as written 🙏.",
    "Jan 2 • 2 tweets • 1 min read",
    "New year: the harbour reopened today after the storm.",
    "Thanks to every volunteer who cleared the quay.",
    "Dec 30 • 1 tweet • 1 min read",
    "Year-end review: fishing quotas and sanctions on polluters.",
    "Dec 2 • 3 tweets • 2 min read",
    "Storm warning for the whole coast tonight.",
    "Boats must stay in the harbour until Friday.",
    "We will report again in the morning.",
]
ARTICLE_TEXT = (
    "Harbour Gazette, weekly edition.\n"
    "\n"
    "The council met on Monday to discuss the harbour. “We will rebuild the northern pier "
    "before summer,” said Mayor Anna Berg.\n"
    "\n"
    "Critics were unconvinced. “This is a promise we have heard before,” he added.\n"
    "\n"
    "Statement: the pier works start in March and finish in June.\n"
)
LONG_WORDS = " ".join(f"Lighthouse log entry {n}: lamp lit, lens clean." for n in range(400))
PLAIN_PARAGRAPHS = [
    "Diary of the harbour master.\nDrones surveyed the breakwater at dawn.",
    "The defence of the coast against the winter sea is everyone's work.",
    LONG_WORDS,
]
CONFIG = """\
corpus:
  sources:
    - path: {dump}
      format: thread_dump
      speaker: Harbour Master
      year: 2026
      title: The harbour master's posts
    - path: {article}
      format: article
      speaker: Harbour Gazette
      embedded:
        - lines: "7"
          speaker: Anna Berg
          note: statement on the council website
    - path: {plain}
      format: plain
      speaker: Harbour Master
      date: 2025-11-20
index:
  path: var/index.sqlite3
state:
  path: var/state.sqlite3
"""


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


def write_corpus(folder: Path) -> Path:
    """The three sources (dump and diary with CRLF, the article with LF) and their config."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DUMP).write_bytes(crlf("\n".join(DUMP_LINES) + "\n"))
    (folder / ARTICLE).write_bytes(ARTICLE_TEXT.encode("utf-8"))
    (folder / PLAIN).write_bytes(crlf("\n\n".join(PLAIN_PARAGRAPHS) + "\n"))
    config = folder / "corpusbot.yaml"
    config.write_text(CONFIG.format(dump=DUMP, article=ARTICLE, plain=PLAIN), "utf-8")
    return config


def texts_of(folder: Path) -> dict[str, str]:
    """Each source decoded as UTF-8 with its line ends as they are."""
    return {name: (folder / name).read_bytes().decode("utf-8") for name in (DUMP, ARTICLE, PLAIN)}


def cli(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "") -> str:
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        rc = main(argv)
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "Traceback" not in err
    return out


def ask_all(
    config: Path, commands: list[str], capsys: pytest.CaptureFixture[str]
) -> dict[str, dict[str, Any]]:
    """Every command through one `corpusbot ask --json -`; replies by command, each checked
    verbatim against the raw files."""
    out = cli(["ask", "--config", str(config), "--json", "-"], capsys, "\n".join(commands) + "\n")
    replies = [json.loads(line) for line in out.splitlines()]
    assert len(replies) == len(commands)
    texts = texts_of(config.parent)
    for reply in replies:
        for r in reply["results"]:
            raw = texts[r["source"]]
            assert raw[r["start"] : r["end"]] == r["text"]
            assert r["line"] == raw.count("\n", 0, r["start"]) + 1
            if r["match_start"] is not None:
                assert r["start"] <= r["match_start"] <= r["match_end"] <= r["end"]
        assert assert_verbatim(reply["messages"], texts.values()) == sum(
            m.count("<blockquote") for m in reply["messages"]
        )
        for markup in reply["messages"]:
            visible = html.unescape(re.sub(r"<[^>]*>", "", markup))
            assert len(visible.encode("utf-16-le")) // 2 <= 4096  # Telegram's message limit
    return dict(zip(commands, replies, strict=True))


def by_text(reply: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["text"]: r for r in reply["results"]}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("own") / "corpus")


COMMANDS = [
    "/date Jan 2",
    "/date Dec 30",
    "/date Dec 2025",
    "/date Dec 30 - Jan 2",
    "/date 2025-11-20",
    "/date Mar 15",
    "/topic harbour",
    "/topic drone",
    "/topic defense",
    "/topic lighthouse",
    "/quote we will rebuild the northern pier before summer",
    "/quote this is a promise we have heard before",
    "/quote the pier works start in March",
    "/quote thanks to every helper who cleared the quay",
    "/quote the harbour will be sold to pirates next week",
    "/random",
]


def test_index_counts_every_source(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = cli(["index", "--config", str(corpus), "--force"], capsys)
    assert "rebuilt in" in out
    assert f"{DUMP} (thread_dump" in out and f"{ARTICLE} (article" in out
    assert f"{PLAIN} (plain" in out
    # dump: 2 undated top lines + 6 tweets in 3 threads, 6 dated
    assert "passages 8, threads 3, dated 6, undated 2, quote spans 0" in out
    assert "quote spans 1" in out  # the article: Anna Berg's quotation, not the pronoun one
    assert "speakers: Harbour Gazette, Anna Berg" in out
    assert "passages 3, threads 0, dated 3, undated 0, quote spans 0" in out
    assert "warnings: none" in out and "warnings: 1" not in out


def test_thread_dump_dates_year_rollover_and_undated_top(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = ask_all(corpus, COMMANDS[:6], capsys)
    jan2 = got["/date Jan 2"]["results"]
    assert [r["text"] for r in jan2] == DUMP_LINES[3:5]
    assert {(r["date"], r["date_inferred"]) for r in jan2} == {("2026-01-02", False)}
    assert [r["line"] for r in jan2] == [4, 5]
    assert all("\r" not in r["text"] for r in jan2)
    dec30 = got["/date Dec 30"]["results"]
    assert [(r["text"], r["date"], r["date_inferred"]) for r in dec30] == [
        (DUMP_LINES[6], "2025-12-30", True)
    ]
    december = got["/date Dec 2025"]["results"]
    assert [r["text"] for r in december] == [DUMP_LINES[6], *DUMP_LINES[8:11]]
    assert all(r["date_inferred"] for r in december)
    assert "tweet 2 of 3" in got["/date Dec 2025"]["messages"][0]
    wrapped = got["/date Dec 30 - Jan 2"]["results"]
    assert [r["text"] for r in wrapped] == [*DUMP_LINES[3:5], DUMP_LINES[6]]  # corpus order
    plain = got["/date 2025-11-20"]["results"]
    assert [r["source"] for r in plain] == [PLAIN] * 3
    assert plain[0]["text"] == PLAIN_PARAGRAPHS[0].replace("\n", "\r\n")  # inner CRLF kept
    nothing = got["/date Mar 15"]
    assert nothing["results"] == [] and nothing["nearest_dates"]
    every_dated = [r["text"] for reply in got.values() for r in reply["results"]]
    assert not set(every_dated) & set(DUMP_LINES[:2])  # the top lines never show by date


def test_topic_lookups_on_own_files(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = ask_all(corpus, COMMANDS[6:10], capsys)
    harbour = by_text(got["/topic harbour"])
    assert DUMP_LINES[0] in harbour and harbour[DUMP_LINES[0]]["date"] is None
    assert any(r["source"] == ARTICLE for r in harbour.values())
    assert all(r["speaker"] != "Anna Berg" or r["source"] == ARTICLE for r in harbour.values())
    drone = got["/topic drone"]["results"]
    assert [r["source"] for r in drone] == [PLAIN] and "Drones" in drone[0]["text"]
    defense = got["/topic defense"]["results"]
    assert [r["text"] for r in defense] == [PLAIN_PARAGRAPHS[1]]
    lighthouse = got["/topic lighthouse"]
    assert [r["text"] for r in lighthouse["results"]] == [LONG_WORDS]
    assert len(lighthouse["messages"]) == 1  # a 20k-character paragraph: one verbatim window


def test_quote_lookups_on_own_files(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = ask_all(corpus, COMMANDS[10:], capsys)
    texts = texts_of(corpus.parent)

    def best(command: str) -> tuple[str, dict[str, Any], str]:
        reply = got[command]
        top = reply["results"][0]
        return reply["verdict"], top, texts[top["source"]][top["match_start"] : top["match_end"]]

    verdict, top, span = best("/quote we will rebuild the northern pier before summer")
    assert verdict == "verbatim" and top["speaker"] == "Anna Berg" and top["source"] == ARTICLE
    assert span == "We will rebuild the northern pier before summer"
    verdict, top, span = best("/quote this is a promise we have heard before")
    assert verdict == "verbatim" and top["speaker"] == "Harbour Gazette"  # tied by a pronoun
    assert span == "This is a promise we have heard before"
    verdict, top, span = best("/quote the pier works start in March")
    assert verdict == "verbatim" and top["speaker"] == "Anna Berg" and top["line"] == 7
    verdict, top, span = best("/quote thanks to every helper who cleared the quay")
    # another word, even a near synonym, is not the source's word: never "close"
    assert verdict == "altered" and top["source"] == DUMP
    changes = got["/quote thanks to every helper who cleared the quay"]["changes"]
    assert changes == [{"kind": "word", "query": "helper", "source": "volunteer"}]
    assert span == "Thanks to every volunteer who cleared the quay"
    diff_line = got["/quote thanks to every helper who cleared the quay"]["messages"][0]
    assert "<s>helper</s> → <b>volunteer</b>" in diff_line  # the word diff
    assert got["/quote the harbour will be sold to pirates next week"]["verdict"] == "not_found"
    assert len(got["/random"]["results"]) == 1


def test_ids_stable_index_reused_then_rebuilt_on_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_corpus(tmp_path / "corpus")
    commands = ["/date Dec 30 - Jan 2", "/topic harbour", "/date 2025-11-20"]
    assert "rebuilt in" in cli(["index", "--config", str(config)], capsys)
    first = ask_all(config, commands, capsys)
    ids = {r["text"]: r["id"] for reply in first.values() for r in reply["results"]}
    assert len(ids) >= 8 and all(len(i.encode()) <= 64 for i in ids.values())

    assert "up to date, reused" in cli(["index", "--config", str(config)], capsys)
    assert "rebuilt in" in cli(["index", "--config", str(config), "--force"], capsys)
    again = ask_all(config, commands, capsys)
    assert {r["text"]: r["id"] for reply in again.values() for r in reply["results"]} == ids

    with (tmp_path / "corpus" / PLAIN).open("ab") as diary:
        diary.write(crlf("\nA walrus slept on the slipway all afternoon.\n"))
    assert "rebuilt in" in cli(["index", "--config", str(config)], capsys)
    changed = ask_all(config, [*commands, "/topic walrus"], capsys)
    new_ids = {r["text"]: r["id"] for reply in changed.values() for r in reply["results"]}
    assert all(new_ids[text] == old for text, old in ids.items())  # unchanged text, same id
    walrus = changed["/topic walrus"]["results"]
    assert [r["text"] for r in walrus] == ["A walrus slept on the slipway all afternoon."]
    assert "up to date, reused" in cli(["index", "--config", str(config)], capsys)
