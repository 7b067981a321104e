"""Page planning: the cheap length bound never changes where pages break."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.paging import ListView, heads, plan_pages
from bot.render import SourceLabel, hit_chunks, pack
from corpus.model import Hit, Passage, PassageDate, ThreadRef

LABELS = {"a.txt": SourceLabel(medium="X thread", title="Threads")}


def reference_pages(view: ListView, per_page: int) -> list[range]:
    """Pages as planned by rendering every trial page in full (no bound)."""
    chunks = [hit_chunks(h, LABELS, mode=view.mode, head=head) for h, head in heads(view)]
    pages: list[range] = []
    start = 0
    while start < len(chunks):
        end = start + 1
        while end < len(chunks) and end - start < per_page:
            trial = [c for k in range(start, end + 1) for c in chunks[k]]
            if len(pack(trial, header=view.header(len(pages)))) > 1:
                break
            end += 1
        pages.append(range(start, end))
        start = end
    return pages


def make_hit(i: int, text: str, speaker: str, note: str | None) -> Hit:
    p = Passage(
        id=f"id{i:08d}",
        source="a.txt",
        start=0,
        end=len(text),
        text=text,
        line=100_000 + i,
        speaker=speaker,
        kind="tweet",
        date=PassageDate(2024, 12, 30, year_inferred=True),
        thread=ThreadRef(
            number=i, header_line=1, tweet_count=999, read_minutes=9, position=i + 1, shown=2
        ),
        note=note,
    )
    return Hit(p, 99.5, None, None, ((0, min(5, len(text))),), ("w",))


TEXTS = st.one_of(
    st.text(min_size=1, max_size=40),
    st.integers(300, 2100).map(lambda n: "x" * n),
    st.integers(300, 1100).map(lambda n: "😀" * n),  # astral: 2 UTF-16 units each
    st.integers(1, 5000).map(lambda n: "<&>" * (n // 3 + 1)),
)


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(TEXTS, min_size=1, max_size=12),
    per_page=st.integers(1, 5),
    speaker=st.text(min_size=1, max_size=120),
    note=st.none() | st.text(max_size=60),
    mode=st.sampled_from(["plain", "topic", "quote"]),
)
def test_bounded_planning_breaks_pages_where_full_rendering_does(
    texts: list[str], per_page: int, speaker: str, note: str | None, mode: str
) -> None:
    hits = tuple(make_hit(i, t, speaker, note) for i, t in enumerate(texts))
    view = ListView("topic", "q", mode, "<b>Topic</b> “q”: many", hits, "lead line")  # type: ignore[arg-type]
    assert plan_pages(view, LABELS, per_page) == reference_pages(view, per_page)
