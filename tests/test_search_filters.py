"""Filters in /quote and inline (issue 13): by: and dates narrow the quote search itself."""

from __future__ import annotations

from corpus.library import Library

QUOTE = "Russia is stronger than any of us, but weaker than all of us together"


async def test_quote_honours_by_and_dates(library: Library) -> None:
    plain = await library.find_quote(QUOTE)
    assert plain.verdict in ("verbatim", "close")
    top = plain.hits[0].passage
    assert top.date is not None
    day = top.date.iso()
    surname = top.speaker.split()[-1]
    kept = await library.find_quote(f"{QUOTE} by:{surname} since:{day} until:{day}")
    assert kept.verdict == plain.verdict and kept.hits[0].passage.id == top.id
    assert all(h.passage.speaker == top.speaker for h in kept.hits)
    before = await library.find_quote(f"{QUOTE} before:{day}")
    assert all(h.passage.date is None or h.passage.date.iso() < day for h in before.hits)
    assert top.id not in {h.passage.id for h in before.hits}
    other = await library.find_quote(f"{QUOTE} by:Rutte")
    assert top.id not in {h.passage.id for h in other.hits}
    assert all(h.passage.speaker != top.speaker for h in other.hits)
