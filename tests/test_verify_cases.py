"""The verification case table (tests/data/verification_cases.yaml) over the seeds and a
generated corpus, through `corpus.verify.verify_quote` with every passage as a candidate."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import seed_specs

from corpus.model import Passage, PassageDate, ThreadRef
from corpus.parse import parse_source
from corpus.verify.verify import Verification, verify_quote
from corpus.verify.words import proper_nouns

CASES = yaml.safe_load((Path(__file__).parent / "data" / "verification_cases.yaml").read_text())

# A generated corpus of two invented speakers, two threads each.
GENERATED = (
    (
        "Ilsa Varnow",
        1,
        ("The harbour will open before the spring floods.", "Nets dry on the wall."),
    ),
    ("Ilsa Varnow", 2, ("We counted fourteen boats in the northern channel.",)),
    ("Teodor Brask", 3, ("The council meets at dawn.", "Every lantern stays lit until noon.")),
    ("Teodor Brask", 4, ("Grain carts leave the mill on Fridays.",)),
)


@cache
def seed_corpus() -> tuple[tuple[Passage, ...], frozenset[str]]:
    specs = seed_specs()
    speakers = frozenset(s.speaker for s in specs)
    passages: list[Passage] = []
    names: set[str] = set()
    for spec in specs:
        parsed = parse_source(spec, known_speakers=speakers)
        passages += parsed.passages
        names |= proper_nouns(parsed.text)
    return tuple(passages), frozenset(names)


@cache
def generated_corpus() -> tuple[tuple[Passage, ...], frozenset[str]]:
    passages: list[Passage] = []
    for speaker, number, tweets in GENERATED:
        for position, text in enumerate(tweets, 1):
            thread = ThreadRef(number, number * 10, len(tweets), 1, position, len(tweets))
            passages.append(
                Passage(
                    id=f"g{len(passages)}",
                    source="generated.txt",
                    start=0,
                    end=len(text),
                    text=text,
                    line=len(passages) + 1,
                    speaker=speaker,
                    kind="tweet",
                    date=PassageDate(2031, 3, number),
                    thread=thread,
                    seq=len(passages),
                )
            )
    return tuple(passages), frozenset({"varnow", "brask"})


def run_case(case: dict[str, Any]) -> Verification:
    passages, names = generated_corpus() if case.get("corpus") == "generated" else seed_corpus()
    speakers = sorted({p.speaker for p in passages})
    return verify_quote(case["query"], passages, known_speakers=speakers, names=names)


@pytest.mark.parametrize("case", CASES, ids=[c["query"][:50] for c in CASES])
def test_case_holds(case: dict[str, Any]) -> None:
    result = run_case(case)
    assert result.verdict == case["verdict"], result
    kinds = {c.kind for c in result.changes}
    assert set(case.get("kinds", ())) <= kinds, result.changes
    if result.verdict in ("verbatim", "close"):
        assert not result.changes
    if "claimed" in case:
        assert result.claimed_speaker == case["claimed"]
    if "attribution" in case:
        assert result.attribution == case["attribution"]
    if "parts" in case:
        assert len(result.parts) == case["parts"]
        assert len(result.results) >= 2  # each part shown with its own place
    if "skipped" in case:
        assert len(result.skipped) == case["skipped"]
    for located in result.results:  # every shown span is a slice of its passage
        assert located.passage.text[located.start : located.end].strip()


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 40
    verdicts = {c["verdict"] for c in CASES}
    assert verdicts == {"verbatim", "close", "altered", "spliced", "not_found"}
