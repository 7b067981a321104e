"""A quote too short to check is refused, never called verbatim: one word, or stop words only,
stand in too many places; `X said so` is no claim that X said "so" (the whole text is the
quote). Through `ask --json` over the seeds, in English and Ukrainian."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_seed_config
from test_cli import run


def ask(config: Path, lines: list[str], capsys: pytest.CaptureFixture[str], lang: str = "en"):
    stdin = "".join(f"{line}\n" for line in lines)
    rc, out, err = run(
        ["ask", "--config", str(config), "--json", "--lang", lang, "-"], capsys, stdin
    )
    assert rc == 0, err
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_seed_config(tmp_path_factory.mktemp("short"))


@pytest.mark.parametrize("query", ["so", "the", "and the", "is not", "Putin"])
def test_too_short_or_common_is_refused(
    config: Path, query: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (reply,) = ask(config, [f"/quote {query}"], capsys)
    assert reply["error"] == "quote_too_short"
    assert reply["verdict"] is None and reply["results"] == []
    assert "too short to check" in reply["messages"][0]


def test_refusal_is_in_the_askers_language(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (quote, topic) = ask(config, ["/quote so", "/topic the and"], capsys, lang="uk")
    assert quote["messages"][0].startswith("Це закоротко")
    assert topic["error"] == "too_common" and topic["messages"][0].startswith("Ці слова")


@pytest.mark.parametrize("query", ["Zelensky said so", "Zelensky says so"])
def test_a_claim_of_a_word_or_two_is_no_claim(
    config: Path, query: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (reply,) = ask(config, [f"/quote {query}"], capsys)
    assert reply["claimed_speaker"] is None
    assert reply["verdict"] == "not_found"
    assert (
        "does not hold all your words" in reply["messages"][0]
        or "scores below" in (reply["messages"][0])
    )


def test_a_real_short_sentence_still_checks(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (reply,) = ask(config, ["/quote President Trump told me so"], capsys)
    assert reply["verdict"] == "verbatim"
    assert reply["results"][0]["speaker"] == "Volodymyr Zelensky"


def test_a_short_sentence_with_a_name_changed_is_altered(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (reply,) = ask(config, ["/quote Rutte told me so"], capsys)
    assert reply["claimed_speaker"] is None  # three words: a sentence, not a claim of "me so"
    assert reply["verdict"] == "altered"
    assert {c["kind"] for c in reply["changes"]} == {"name"}
