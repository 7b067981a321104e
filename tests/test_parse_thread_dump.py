"""Thread Reader dumps: headers, dates with inferred years, tweets, undated lines above."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from corpus.model import ParsedSource, PassageDate, SourceSpec
from corpus.parse import parse_source

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
DUMP = SEEDS / "000_0e2a154100ffc278.txt"
SPEAKER = "Volodymyr Zelensky"

# (header line, month, day, tweet_count, read_minutes, tweets shown) for all 20 headers
SEED_HEADERS = [
    (3, 9, 4, 15, 3, 2),
    (6, 9, 3, 11, 2, 2),
    (9, 8, 31, 6, 2, 2),
    (12, 8, 28, 10, 2, 2),
    (15, 8, 21, 7, 2, 2),
    (18, 8, 17, 11, 2, 3),
    (22, 8, 15, 5, 2, 2),
    (25, 8, 9, 8, 2, 3),
    (29, 8, 9, 9, 2, 2),
    (32, 7, 31, 12, 3, 2),
    (35, 7, 21, 11, 4, 2),
    (38, 7, 10, 17, 3, 2),
    (41, 7, 6, 6, 1, 2),
    (44, 7, 3, 14, 3, 2),
    (47, 7, 3, 6, 1, 2),
    (50, 6, 27, 15, 3, 2),
    (53, 6, 26, 19, 3, 2),
    (56, 6, 26, 6, 1, 2),
    (59, 6, 24, 22, 4, 2),
    (62, 6, 24, 16, 3, 2),
]


def parse_text(tmp_path: Path, text: str, *, year: int | None = 2025, newline: str = "\n"):
    path = tmp_path / "dump.txt"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return parse_source(SourceSpec(path=path, format="thread_dump", speaker=SPEAKER, year=year))


def assert_verbatim(parsed: ParsedSource) -> None:
    for passage in parsed.passages:
        assert passage.text == parsed.text[passage.start : passage.end]
        assert passage.line == parsed.text.count("\n", 0, passage.start) + 1


@pytest.fixture(scope="module")
def seed() -> ParsedSource:
    return parse_source(SourceSpec(path=DUMP, format="thread_dump", speaker=SPEAKER, year=2025))


def test_seed_has_twenty_threads_with_every_date(seed: ParsedSource) -> None:
    threads = {}
    for passage in seed.passages:
        if passage.thread is not None:
            ref = passage.thread
            threads[ref.number] = (
                ref.header_line,
                passage.date.month,
                passage.date.day,
                ref.tweet_count,
                ref.read_minutes,
                ref.shown,
            )
            assert passage.date.year == 2025
            assert passage.date.year_inferred is False
    assert [threads[n] for n in sorted(threads)] == SEED_HEADERS
    assert sorted(threads) == list(range(1, 21))
    assert seed.warnings == ()


def test_seed_top_paragraphs_are_undated_and_not_under_the_first_header(
    seed: ParsedSource,
) -> None:
    top = [p for p in seed.passages if p.thread is None]
    assert [p.line for p in top] == [1, 2]
    assert all(p.date is None for p in top)
    assert all("above the first thread header" in (p.note or "") for p in top)
    assert top[0].text.startswith("Addressing the Ambrosetti Forum")
    sep4 = [p for p in seed.passages if p.date == PassageDate(2025, 9, 4)]
    assert [p.line for p in sep4] == [4, 5]
    assert [p.thread.position for p in sep4] == [1, 2]


def test_seed_aug_28_has_exactly_two_tweets(seed: ParsedSource) -> None:
    aug28 = [p for p in seed.passages if p.date == PassageDate(2025, 8, 28)]
    assert len(aug28) == 2
    assert aug28[0].text.startswith("In Washington we heard that Putin")
    assert all(p.thread.tweet_count == 10 and p.thread.shown == 2 for p in aug28)


def test_seed_passages_are_tweets_by_the_speaker_and_verbatim(seed: ParsedSource) -> None:
    assert Counter(p.kind for p in seed.passages) == {"tweet": 44}
    assert {p.speaker for p in seed.passages} == {SPEAKER}
    assert_verbatim(seed)
    assert any("weʼve discussed" in p.text for p in seed.passages)  # U+02BC kept
    assert len({p.id for p in seed.passages}) == 44


def test_year_steps_back_when_the_date_moves_forward(tmp_path: Path) -> None:
    text = (
        "Jan 5 • 2 tweets • 1 min read\nA\n"
        "Dec 30 • 3 tweets • 1 min read\nB\n"
        "Dec 30 • 1 tweet • 1 min read\nC\n"
        "Mar 1 • 4 tweets • 1 min read\nD\n"
        "Apr 1 • 4 tweets • 1 min read\nE"
    )
    dates = [p.date for p in parse_text(tmp_path, text, year=2025).passages]
    assert dates == [
        PassageDate(2025, 1, 5),
        PassageDate(2024, 12, 30, year_inferred=True),
        PassageDate(2024, 12, 30, year_inferred=True),
        PassageDate(2024, 3, 1, year_inferred=True),
        PassageDate(2023, 4, 1, year_inferred=True),
    ]


def test_header_variants_are_recognised(tmp_path: Path) -> None:
    text = (
        "September 4  ·  1 tweet  ·  1 min read\nA\n"
        "  Aug 31 •   6 tweets •  2 min read  \nB\n"
        "sept 3 · 2 tweets · 3 mins read\nC"
    )
    parsed = parse_text(tmp_path, text)
    refs = [(p.text, p.date, p.thread.tweet_count, p.thread.read_minutes) for p in parsed.passages]
    assert refs == [
        ("A", PassageDate(2025, 9, 4), 1, 1),
        ("B", PassageDate(2025, 8, 31), 6, 2),
        ("C", PassageDate(2024, 9, 3, year_inferred=True), 2, 3),
    ]


def test_impossible_date_and_empty_thread_warn(tmp_path: Path) -> None:
    text = (
        "Mar 3 • 2 tweets • 1 min read\nA\n"
        "Feb 30 • 2 tweets • 1 min read\nB\n"
        "Feb 2 • 1 tweet • 1 min read"
    )
    parsed = parse_text(tmp_path, text)
    assert [p.date for p in parsed.passages] == [PassageDate(2025, 3, 3), None]
    assert parsed.passages[1].thread.number == 2
    assert "date unknown" in (parsed.passages[1].note or "")
    lines = sorted(w.line for w in parsed.warnings)
    assert lines == [3, 5]
    assert any("impossible" in w.message for w in parsed.warnings)
    assert any("no tweets" in w.message for w in parsed.warnings)


def test_leap_day_uses_the_stepped_year(tmp_path: Path) -> None:
    text = "Mar 1 • 1 tweet • 1 min read\nA\nFeb 29 • 1 tweet • 1 min read\nB"
    assert [p.date for p in parse_text(tmp_path, text, year=2024).passages] == [
        PassageDate(2024, 3, 1),
        PassageDate(2024, 2, 29),
    ]
    bad = parse_text(tmp_path, text, year=2025)
    assert bad.passages[1].date is None
    assert any(w.line == 3 for w in bad.warnings)


def test_missing_year_leaves_dates_unknown_with_a_warning(tmp_path: Path) -> None:
    parsed = parse_text(tmp_path, "Top\nAug 9 • 2 tweets • 1 min read\nA", year=None)
    assert [p.date for p in parsed.passages] == [None, None]
    assert parsed.passages[1].thread.number == 1
    assert parsed.warnings and parsed.warnings[0].line == 2


def test_lines_above_never_take_the_next_headers_date(tmp_path: Path) -> None:
    parsed = parse_text(tmp_path, "\n\nIntro line\n\nAug 9 • 2 tweets • 1 min read\nA")
    intro, tweet = parsed.passages
    assert (intro.text, intro.line, intro.date, intro.thread) == ("Intro line", 3, None, None)
    assert tweet.date == PassageDate(2025, 8, 9)


def test_crlf_and_lf_give_the_same_passages(tmp_path: Path) -> None:
    text = DUMP.read_text(encoding="utf-8")
    (tmp_path / "lf").mkdir()
    (tmp_path / "crlf").mkdir()
    lf = parse_text(tmp_path / "lf", text)
    crlf = parse_text(tmp_path / "crlf", text, newline="\r\n")
    assert [(p.text, p.line, p.date, p.thread, p.id) for p in lf.passages] == [
        (p.text, p.line, p.date, p.thread, p.id) for p in crlf.passages
    ]
    assert "\r\n" in crlf.text
    assert_verbatim(crlf)
    assert all(not p.text.endswith("\r") for p in crlf.passages)


def test_no_headers_warns_and_keeps_every_line_undated(tmp_path: Path) -> None:
    parsed = parse_text(tmp_path, "just a line\nanother")
    assert [p.date for p in parsed.passages] == [None, None]
    assert any("no thread headers" in w.message for w in parsed.warnings)
