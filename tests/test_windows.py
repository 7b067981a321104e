"""Windows of a long passage: verbatim slices, bounded, cut at sentences, never mid-cluster."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.windows import Window, can_cut, split_windows, window_for

PIECES = st.sampled_from(
    ["Word", "word", " ", "  ", ". ", "! ", "?» ", "\r\n", "\n\n", "e\u0301", "a\u0308\u0323",
     "\U0001f469\u200d\U0001f4bb", "\U0001f44d\U0001f3fd", "\u2764\ufe0f", "…", "\u0301",
     "Слово", "中文。", "\U0001f1fa\U0001f1e6"]
)  # fmt: skip
TEXTS = st.lists(PIECES, max_size=80).map("".join)


def no_safe_cut_within(text: str, window: Window, limit: int) -> bool:
    return not any(can_cut(text, b) for b in range(window.start + 1, window.start + limit + 1))


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.integers(1, 60))
def test_windows_partition_the_text_within_the_limit(text: str, limit: int) -> None:
    windows = split_windows(text, limit)
    assert windows[0].start == 0 and windows[-1].end == len(text)
    for a, b in itertools.pairwise(windows):
        assert a.end == b.start  # consecutive: together they cover the text exactly
    assert "".join(w.slice(text) for w in windows) == text
    for w in windows:
        assert 0 < w.end - w.start <= limit or (not text and w == Window(0, 0))
        assert can_cut(text, w.end) or no_safe_cut_within(text, w, limit)


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.integers(1, 60), st.data())
def test_the_window_for_a_match_holds_it(text: str, limit: int, data: st.DataObject) -> None:
    first = data.draw(st.integers(0, len(text)))
    last = data.draw(st.integers(first, min(len(text), first + limit)))
    w = window_for(text, (first, last), limit)
    assert 0 <= w.start <= w.end <= len(text)
    assert w.end - w.start <= limit
    assert (w.start <= first and last <= w.end) or no_safe_cut_within(text, w, limit)
    # a match that itself ends inside a cluster may end its window there
    assert can_cut(text, w.end) or w.end == last or no_safe_cut_within(text, w, limit)


def test_cuts_fall_after_sentences() -> None:
    sentence = "The harbour was quiet that night. "
    text = sentence * 200  # 6,800 characters, one paragraph
    windows = split_windows(text, 1000)
    assert all(w.slice(text).endswith(". ") for w in windows[:-1])
    assert all(w.slice(text).startswith("The harbour") for w in windows)
    assert len(windows) == 7


def test_a_one_line_text_without_sentences_is_cut_at_words_then_anywhere() -> None:
    words = "drone " * 1000
    assert all(w.slice(words).endswith(" ") for w in split_windows(words, 100)[:-1])
    blob = "x" * 1000
    assert [w.end - w.start for w in split_windows(blob, 300)] == [300, 300, 300, 100]
    assert split_windows("e\u0301" * 10, 3)[0] == Window(0, 2)  # not between e and its accent


def test_the_window_for_a_match_deep_in_a_huge_passage_is_cheap() -> None:
    text = "Nothing happened here. " * 1_000_000 + "The drones came at dawn. " + "Calm. " * 1000
    at = text.index("drones")
    w = window_for(text, (at, at + 6), 3000)
    shown = w.slice(text)
    assert "drones" in shown and len(shown) <= 3000
    assert shown.startswith("Nothing happened") or shown.startswith("The drones")
