"""The benchmark corpus generator: deterministic, parseable, and its ground truth is true."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.generate import generate, make_typo, parse_size, size_label
from benchmarks.lexicon import FUNCTION_WORDS, TOPICS, make_vocabulary
from bot.config import load_config
from corpus.parse import parse_source, verbatim_failures

PASSAGES = 3000


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, by relative path (the manifest's timing excluded)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(PASSAGES, out, seed=7, queries=40)
    return out


@pytest.fixture(scope="module")
def parsed(corpus: Path) -> list:
    config = load_config(corpus / "corpusbot.yaml")
    return [parse_source(spec) for spec in config.source_specs()]


def test_same_seed_gives_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    generate(PASSAGES, tmp_path, seed=7, queries=40)
    assert digest(tmp_path) == digest(corpus)


def test_another_seed_gives_other_text(corpus: Path, tmp_path: Path) -> None:
    generate(PASSAGES, tmp_path, seed=8, queries=40)
    assert digest(tmp_path)["sources/dump_000.txt"] != digest(corpus)["sources/dump_000.txt"]


def test_every_passage_parses_verbatim_and_the_count_is_exact(parsed: list) -> None:
    passages = [p for source in parsed for p in source.passages]
    assert len(passages) == PASSAGES
    assert all(not verbatim_failures(source) for source in parsed)
    assert not [w for source in parsed for w in source.warnings]
    kinds = Counter(p.kind for p in passages)
    assert kinds["tweet"] > 0 and kinds["paragraph"] > 0 and kinds["quote"] > 0
    # one structured source of each kind (issue 10), forwards and retweets among them
    assert {s.spec.format for s in parsed} >= {"telegram", "x_archive", "table", "transcript"}
    assert kinds["post"] > 0 and kinds["statement"] > 0
    notes = {p.note.split(" by ")[0] for p in passages if p.kind == "post" and p.note}
    assert notes == {"forwarded", "retweeted"}
    assert all(p.url for p in passages if p.kind == "post")


def test_tweets_are_100_to_400_characters_and_dates_span_years(parsed: list) -> None:
    tweets = [p for source in parsed for p in source.passages if p.kind == "tweet"]
    lengths = [len(p.text) for p in tweets]
    assert min(lengths) >= 100 and max(lengths) <= 400
    years = {p.date.year for p in tweets if p.date}
    assert len(years) >= 4


def test_date_truth_counts_what_the_parser_dates(corpus: Path, parsed: list) -> None:
    per_day = Counter(
        p.date.as_date() for source in parsed for p in source.passages if p.date is not None
    )
    queries = json.loads((corpus / "queries.json").read_text(encoding="utf-8"))
    for query in queries["date"]:
        first = dt.date.fromisoformat(query["first"])
        last = dt.date.fromisoformat(query["last"])
        if query["year_given"]:
            count = sum(n for day, n in per_day.items() if first <= day <= last)
        else:
            count = sum(
                n for day, n in per_day.items() if (day.month, day.day) == (first.month, first.day)
            )
        assert count == query["truth_count"], query


def test_topic_truth_counts_the_lines_holding_every_word(corpus: Path, parsed: list) -> None:
    lines = [p.text.lower() for s in parsed for p in s.passages if p.kind != "quote"]
    queries = json.loads((corpus / "queries.json").read_text(encoding="utf-8"))
    for query in queries["topic"][:10]:
        patterns = [re.compile(rf"\b{re.escape(w)}\b") for w in query["words"]]
        count = sum(1 for line in lines if all(p.search(line) for p in patterns))
        assert count == query["truth_count"] >= 1
        assert query["typo"] in query["query"].split() and query["typo"] not in query["words"]


def test_quote_queries_come_from_real_spans_with_changes(corpus: Path, parsed: list) -> None:
    texts = {s.spec.name: s.text for s in parsed}
    queries = json.loads((corpus / "queries.json").read_text(encoding="utf-8"))
    for query in queries["quote"]:
        span = texts[query["source"]][query["start"] : query["end"]]
        assert span == query["span"]
        assert 10 <= len(span.split(" ")) <= 20
        changed = sum(
            a != b for a, b in zip(span.split(" "), query["query"].split(" "), strict=True)
        )
        assert 1 <= changed <= 3


def test_typo_is_one_edit_and_no_known_word() -> None:
    import random

    rng = random.Random(1)
    known = {"sanctions", "sanction"}
    for _ in range(200):
        typo = make_typo(rng, "sanctions", known)
        assert typo not in known and typo[0] == "s" and abs(len(typo) - 9) <= 1


def test_lexicon_words_are_distinct_and_apart_from_the_vocabulary() -> None:
    words = [w for topic in TOPICS for w in topic]
    assert len(words) == len(set(words)) == 240
    assert all(len(w) >= 4 for w in words)
    vocabulary = set(make_vocabulary(2000, seed=1))
    assert not vocabulary & (set(words) | set(FUNCTION_WORDS))


def test_sizes_parse_and_print() -> None:
    assert [parse_size(s) for s in ("10k", "100k", "1M", "2500")] == [10_000, 100_000, 10**6, 2500]
    assert [size_label(n) for n in (10_000, 10**6, 2500)] == ["10k", "1M", "2500"]
