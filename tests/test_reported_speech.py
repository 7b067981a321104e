"""Narration that reports a known speaker's words in its own (`Mark Rutte said that …`) is
the narrator's words: credited to the narrator, with the reported speaker said beside it,
never as a quotation of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_seed_config
from test_cli import run

from corpus.verify.speaker import reported_by

KNOWN = ["Mark Rutte", "Volodymyr Zelensky"]


@pytest.mark.parametrize(
    ("before", "want"),
    [
        ("War is on the mind. On Thursday NATO Chief Mark Rutte said that ", "Mark Rutte"),
        ("Rutte warned ", "Mark Rutte"),
        ("Zelensky told reporters ", "Volodymyr Zelensky"),
        ("Mark Rutte said so. Then the minister added that ", None),  # another sentence
        ("The minister said that ", None),  # nobody the corpus knows
        ("We met Mark Rutte and ", None),  # no speech verb
    ],
)
def test_reported_by(before: str, want: str | None) -> None:
    assert reported_by(before, KNOWN) == want


def test_a_paraphrase_in_the_article_names_whom_it_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_seed_config(tmp_path)
    stdin = (
        "/quote European nations must prepare for a large-scale war with Russia\n"
        "/quote Russia has brought war back to Europe\n"
    )
    rc, out, err = run(["ask", "--config", str(config), "--json", "-"], capsys, stdin)
    assert rc == 0, err
    paraphrase, quotation = (json.loads(line) for line in out.splitlines())
    assert paraphrase["verdict"] == "verbatim"
    assert paraphrase["results"][0]["speaker"] != "Mark Rutte"  # the article's voice
    assert paraphrase["reported_speaker"] == "Mark Rutte"
    assert "a paraphrase, not a quotation of <b>Mark Rutte</b>" in paraphrase["messages"][0]
    assert quotation["results"][0]["speaker"] == "Mark Rutte"  # his quoted words
    assert "reported_speaker" not in quotation  # only when set
