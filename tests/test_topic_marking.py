"""Topic hits are marked a page at a time: the same highlights, on every page shown."""

from __future__ import annotations

import re
from typing import Any

from corpus.library import Library

BLOCKQUOTE = re.compile(r"<blockquote(?: expandable)?>(.*?)</blockquote>", re.S)


async def test_marking_later_equals_marking_at_once(library: Library) -> None:
    whole = await library.find_topic("drones", limit=30)
    lazy = await library.find_topic("drones", limit=30, marked=2)
    assert [h.passage.id for h in lazy.hits] == [h.passage.id for h in whole.hits]
    assert all(h.highlights and h.matched_terms for h in lazy.hits[:2])
    assert all(not h.highlights for h in lazy.hits[2:])
    assert library.mark_topic("drones", lazy.hits) == whole.hits


async def test_every_page_of_a_topic_list_shows_its_highlights(bot: Any) -> None:
    [first] = await bot.send("/topic drones")
    pages = [first]
    for _ in range(2):
        [edited] = await bot.press(pages[-1], button_text="▶")
        pages.append(edited)
    for page in pages:
        quotes = BLOCKQUOTE.findall(page.html)
        assert quotes and all("<b>" in q for q in quotes), page.html
    assert pages[0].html != pages[1].html != pages[2].html
