"""/timeline's numbers (issue 13): per week or month, in time order, adding up with the
undated to the /topic total for the same words."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.library import Library
from corpus.lookup.timeline import bucket


def test_bucket_by_week_and_month_with_gaps_and_undated() -> None:
    unit, series, undated = bucket([20250707, 20250709, 20250721, 0, 20250000])
    assert unit == "week" and undated == 2
    assert [(p.label, p.count) for p in series] == [
        ("2025-W28", 2),
        ("2025-W29", 0),
        ("2025-W30", 1),
    ]
    unit, series, undated = bucket([20250707, 20250900, 20251103])
    assert unit == "month" and undated == 0
    assert [(p.label, p.count) for p in series] == [
        ("2025-07", 1),
        ("2025-08", 0),
        ("2025-09", 1),
        ("2025-10", 0),
        ("2025-11", 1),
    ]
    assert series[1].first == dt.date(2025, 8, 1) and series[1].last == dt.date(2025, 8, 31)


@pytest.mark.parametrize(
    "words", ["drones", "Ukraine", "drones by:Zelensky", "ceasefire since:2025-08-01"]
)
async def test_timeline_adds_up_to_the_topic_total(library: Library, words: str) -> None:
    timeline = await library.timeline(words)
    topic = await library.find_topic(words, limit=1000)
    assert timeline.total == topic.total > 0
    assert [p.first for p in timeline.series] == sorted(p.first for p in timeline.series)
