"""/date lookups: days, months, ranges, year-less queries, nearest dates when nothing matches."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from corpus.errors import QueryError
from corpus.library import Library
from corpus.model import PassageDate, SourceSpec

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
THREADS = SEEDS / "000_0e2a154100ffc278.txt"


def lines_under(header: str) -> list[str]:
    """The tweet lines right under a thread header line starting with `header`."""
    lines = THREADS.read_text("utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(header + " •"))
    out = []
    for line in lines[at + 1 :]:
        if " tweets • " in line:
            break
        out.append(line)
    return out


async def test_aug_28_is_exactly_the_two_tweets_under_its_header(library: Library) -> None:
    result = await library.find_date("Aug 28")
    assert [h.passage.text for h in result.hits] == lines_under("Aug 28")
    assert len(result.hits) == 2
    assert all(h.passage.date == PassageDate(2025, 8, 28) for h in result.hits)
    assert result.nearest == ()


async def test_sep_4_leaves_out_the_undated_top_paragraphs(library: Library) -> None:
    result = await library.find_date("Sep 4")
    assert [h.passage.text for h in result.hits] == lines_under("Sep 4")
    top = THREADS.read_text("utf-8").split("\n")[:2]
    assert not {h.passage.text for h in result.hits} & set(top)


async def test_typo_in_month_and_full_date_forms(library: Library) -> None:
    expected = [h.passage.id for h in (await library.find_date("Aug 28")).hits]
    for text in ("agust 28", "28 August 2025", "2025-08-28", "28.08.2025"):
        assert [h.passage.id for h in (await library.find_date(text)).hits] == expected, text


async def test_range_is_in_corpus_order(library: Library) -> None:
    hits = (await library.find_date("Aug 9 - Aug 17")).hits
    days = {h.passage.date.day for h in hits if h.passage.date}
    assert days == {9, 15, 17}
    assert [h.passage.seq for h in hits] == sorted(h.passage.seq for h in hits)
    # Aug 9 has two thread headers in the dump (3 + 2 tweets): both threads are there
    assert sum(1 for h in hits if h.passage.date and h.passage.date.day == 9) == 5


async def test_month_query(library: Library) -> None:
    hits = (await library.find_date("July 2025")).hits
    assert hits and all(h.passage.date and h.passage.date.month == 7 for h in hits)
    assert len(hits) == 12


async def test_year_without_passages_offers_nearest(library: Library) -> None:
    result = await library.find_date("2019")
    assert result.hits == ()
    assert result.nearest == (dt.date(2025, 6, 24), dt.date(2025, 6, 26), dt.date(2025, 6, 27))


async def test_yearless_day_without_passages_offers_both_sides(library: Library) -> None:
    result = await library.find_date("Aug 1")
    assert result.hits == ()
    assert dt.date(2025, 7, 31) in result.nearest
    assert dt.date(2025, 8, 9) in result.nearest
    assert len(result.nearest) == 3
    assert list(result.nearest) == sorted(result.nearest)


async def test_limit_cuts_in_corpus_order(library: Library) -> None:
    full = (await library.find_date("2025")).hits
    assert len(full) == 42
    cut = (await library.find_date("2025", limit=5)).hits
    assert [h.passage.id for h in cut] == [h.passage.id for h in full[:5]]


async def test_no_date_raises_query_error(library: Library) -> None:
    with pytest.raises(QueryError):
        await library.find_date("banana")


async def test_yearless_range_wraps_over_new_year(tmp_path: Path) -> None:
    source = tmp_path / "threads.txt"
    source.write_text(
        "Jan 2 • 1 tweets • 1 min read\nNew year speech.\n"
        "Dec 31 • 1 tweets • 1 min read\nOld year speech.\n"
        "Dec 20 • 1 tweets • 1 min read\nWinter speech.\n",
        "utf-8",
    )
    spec = SourceSpec(source, "thread_dump", "Speaker", year=2025)
    lib = await Library.open([spec], tmp_path / "index.sqlite3")
    wrapped = await lib.find_date("Dec 30 - Jan 2")
    assert [h.passage.text for h in wrapped.hits] == ["New year speech.", "Old year speech."]
    dated = [h.passage.date for h in wrapped.hits]
    assert dated[0] == PassageDate(2025, 1, 2)
    assert dated[1] is not None and dated[1].year == 2024 and dated[1].year_inferred
    await lib.close()


async def test_month_precision_passages_match_month_queries(tmp_path: Path) -> None:
    source = tmp_path / "plain.txt"
    source.write_text("A statement from some day in March.\n", "utf-8")
    spec = SourceSpec(source, "plain", "Speaker", date=PassageDate(2024, 3))
    lib = await Library.open([spec], tmp_path / "index.sqlite3")
    assert len((await lib.find_date("March 2024")).hits) == 1
    assert len((await lib.find_date("March")).hits) == 1
    assert len((await lib.find_date("2024")).hits) == 1
    assert (await lib.find_date("March 5 2024")).hits == ()
    assert (await lib.find_date("April 2024")).hits == ()
    await lib.close()
