"""Who said it, when several did: questions over a generated corpus of invented speakers
(two share a surname), through `corpusbot ask --json`: `who said …` names the speaker and
the others who said similar words; a surname two speakers share is checked against the one
whose words they are; a name the corpus lacks is said so."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import write_seed_config
from test_cli import run

TAG = re.compile(r"<[^>]*>")
HARBOUR = "The harbour will reopen in spring, once the new breakwater is finished."
SOURCES = {
    "alice.txt": ("Alice Example", f"{HARBOUR}\n\nThe ferry timetable stays as it is.\n"),
    "bob.txt": ("Bob Sample", f"{HARBOUR}\n\nFishing quotas are a matter for the council.\n"),
    "carol.txt": ("Carol Example", "Orchards bloom late in cold valleys every year.\n"),
}


def ask(tmp_path: Path, capsys: pytest.CaptureFixture[str], *texts: str) -> list[Any]:
    sources = []
    for name, (speaker, text) in SOURCES.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        sources.append(
            {"path": str(path), "format": "plain", "speaker": speaker, "date": "2031-03-04"}
        )
    config = write_seed_config(tmp_path, corpus={"sources": sources})
    rc, out, err = run(
        ["ask", "--config", str(config), "--json", "-"], capsys, "\n".join(texts) + "\n"
    )
    assert rc == 0, err
    return [json.loads(line) for line in out.splitlines()]


def shown(reply: dict[str, Any]) -> str:
    return html.unescape(TAG.sub("", reply["messages"][0]))


def test_who_said_names_every_speaker_of_the_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    who, example, orchards, nobody = ask(
        tmp_path,
        capsys,
        "who said the harbour will reopen in spring?",
        f'did Example say "{HARBOUR}"?',
        'did Example say "Orchards bloom late in cold valleys every year"?',
        f'did Dana Nobody say "{HARBOUR}"?',
    )
    assert who["verdict"] == "verbatim"
    lead = shown(who).splitlines()[1]
    first = who["results"][0]["speaker"]
    other = "Bob Sample" if first == "Alice Example" else "Alice Example"
    assert lead.startswith(f"🗣 Who: {first}")
    assert f"Similar words also by: {other} (score 100)" in shown(who)
    # `Example` is Alice's and Carol's surname: checked against whose words they are
    assert example["question"]["speaker"] is None and example["question"]["speaker_known"]
    assert example["attribution"] == "matches" and example["claimed_speaker"] == "Alice Example"
    assert orchards["attribution"] == "matches" and orchards["claimed_speaker"] == "Carol Example"
    # an unknown name: said so, the words checked without it
    assert nobody["question"]["speaker_known"] is False
    assert "No speaker named “Dana Nobody” in the corpus" in shown(nobody)
    assert nobody["claimed_speaker"] is None and nobody["verdict"] == "verbatim"
