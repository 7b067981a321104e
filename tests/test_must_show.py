"""Issue 2's "must show" list, through the command line exactly as a script would run it:
`corpusbot ask --config PATH --json TEXT` (bot.cli.main with argv, stdout captured)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import SEEDS, assert_verbatim, write_seed_config

from bot.cli import main

THREADS = "000_0e2a154100ffc278.txt"
ARTICLE = "004_587f944356045ec1.txt"
ZELENSKY = "Volodymyr Zelensky"


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config over copies of the seeds; the first `ask` builds the index, later ones reuse it."""
    return write_seed_config(tmp_path_factory.mktemp("must_show"))


def source_text(name: str) -> str:
    return (SEEDS / name).read_bytes().decode("utf-8")


def ask(config_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """One `corpusbot ask --json TEXT`: exit 0, one JSON line, every quote verbatim."""
    rc = main(["ask", "--config", str(config_path), "--json", text])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "Traceback" not in err
    lines = out.splitlines()
    assert len(lines) == 1, out
    reply = json.loads(lines[0])
    texts = {name: source_text(name) for name in (THREADS, ARTICLE)}
    for result in reply["results"]:
        assert texts[result["source"]][result["start"] : result["end"]] == result["text"]
    assert_verbatim(reply["messages"], texts.values())
    return reply


def lines_under(header: str) -> list[tuple[int, str]]:
    """(1-based line number, text) of the tweet lines right under the thread header `header`,
    read from the seed file itself, not through the parser."""
    lines = source_text(THREADS).split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(header + " • "))
    out = []
    for number, line in enumerate(lines[at + 1 :], start=at + 2):
        if " • " in line and "min read" in line:
            break
        out.append((number, line))
    return out


def test_date_aug_28_is_exactly_the_two_passages_under_its_header(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reply = ask(config_path, "/date Aug 28", capsys)
    assert reply["command"] == "date" and reply["query"] == "Aug 28"
    expected = lines_under("Aug 28")
    assert len(expected) == 2
    assert [(r["line"], r["text"]) for r in reply["results"]] == expected
    for result in reply["results"]:
        assert result["source"] == THREADS
        assert result["date"] == "2025-08-28" and result["date_inferred"] is False
        assert result["speaker"] == ZELENSKY
    assert reply["nearest_dates"] == []


def test_date_sep_4_is_the_two_under_its_header_not_the_top_paragraphs(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reply = ask(config_path, "/date Sep 4", capsys)
    expected = lines_under("Sep 4")
    assert len(expected) == 2
    assert [(r["line"], r["text"]) for r in reply["results"]] == expected
    assert {r["date"] for r in reply["results"]} == {"2025-09-04"}
    top = source_text(THREADS).split("\n")[:2]
    assert all(line.strip() for line in top)  # the two undated paragraphs above the header
    assert not {r["text"] for r in reply["results"]} & set(top)
    assert all(r["line"] > 2 for r in reply["results"])


def test_quote_dutch_parliament_is_close_with_the_exact_span(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asked = "Russia is stronger than any of us, but weaker than all of us together"
    reply = ask(config_path, f"/quote {asked}", capsys)
    assert reply["command"] == "quote" and reply["query"] == asked
    assert reply["verdict"] == "close"
    best = reply["results"][0]
    assert best["source"] == THREADS and best["speaker"] == ZELENSKY
    assert best["text"].startswith("Addressing the Dutch Parliament")
    assert best["start"] <= best["match_start"] < best["match_end"] <= best["end"]
    span = source_text(THREADS)[best["match_start"] : best["match_end"]]
    assert span == "Russia is stronger than any of us alone, but weaker than all of us together"
    assert 80 <= best["score"] < 100
    assert best["date"] == "2025-06-24"
    # the word diff names the missing word, and the span is shown bold inside the passage
    assert "<b>alone</b>" in reply["messages"][0]
    assert f"<b>{span}</b>" in reply["messages"][0]


def test_quote_so_long_as_he_kills_is_verbatim(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reply = ask(config_path, "/quote so long as he kills, he lives", capsys)
    assert reply["verdict"] == "verbatim"
    best = reply["results"][0]
    assert best["score"] == 100 and best["speaker"] == ZELENSKY
    span = source_text(best["source"])[best["match_start"] : best["match_end"]]
    assert span == "so long as he kills, he lives"


def test_quote_crimea_is_not_found_and_only_hinted(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reply = ask(config_path, "/quote I will hand Crimea to Russia tomorrow", capsys)
    assert reply["verdict"] == "not_found"
    assert reply["results"] == []
    assert "Not found" in reply["messages"][0] and "hint" in reply["messages"][0]


def test_quote_ready_for_elections_is_zelenskys_in_the_article(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reply = ask(config_path, "/quote I am ready for elections", capsys)
    assert reply["verdict"] in {"close", "verbatim"}
    best = reply["results"][0]
    assert best["speaker"] == ZELENSKY
    assert best["source"] == ARTICLE
    span = source_text(ARTICLE)[best["match_start"] : best["match_end"]]
    assert span == "I am ready for the elections"
    assert best["date"] is None and best["date_inferred"] is False


def test_topic_dictator_is_the_articles_narration_not_zelensky(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reply = ask(config_path, "/topic Dictator", capsys)
    assert reply["command"] == "topic" and reply["verdict"] is None
    assert reply["results"]
    for result in reply["results"]:
        assert "dictator" in result["text"].lower()
        assert result["source"] == ARTICLE
        assert result["speaker"] == "Unknown author"
        assert result["speaker"] != ZELENSKY
        assert result["match_start"] is None and result["match_end"] is None
    assert "Unknown author" in reply["messages"][0]
