"""The parsers' fast paths give what the simple line-by-line references give."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.normalize import (
    _APOSTROPHES,
    _MARKS,
    _SEPARATORS,
    WORD_RE,
    tokenize,
    words,
    written_words,
)
from corpus.parse.common import Block, iter_lines, split_paragraphs, trim_span, trimmed_lines
from corpus.parse.thread_dump import HEADER, match_header

PROPERTY = settings(max_examples=50, deadline=None)
# lines, blanks of every kind (a BOM too), carriage returns, words, quotes and apostrophes
LINE_TEXT = st.text(st.sampled_from("ab é\t\r\n\n\u2028\ufeff\xa0\x85\u3000.“”’'"), max_size=60)
WORD_TEXT = st.text(
    st.sampled_from(f"aZ9é_ -.,'`{_SEPARATORS}{_APOSTROPHES}\u0301\u00dfﬁ\r\n\t"), max_size=40
)


def reference_lines(text: str) -> list[tuple[int, int, str]]:
    """Each line cut by `iter_lines`, trimmed by `trim_span`, blank lines left out."""
    out = []
    for line in iter_lines(text):
        start, end = trim_span(text, line.start, line.end)
        if start < end:
            out.append((line.number, start, text[start:end]))
    return out


def reference_paragraphs(text: str, by_blank: bool) -> list[Block]:
    """Runs of non-blank lines (or single lines), trimmed over the whole run."""
    blocks: list[Block] = []
    group: list[int] = []
    lines = {line.number: line for line in iter_lines(text)}
    trimmed = {number for number, _, _ in reference_lines(text)}
    for number in [*sorted(lines), len(lines) + 1]:
        if number in trimmed:
            group.append(number)
        if group and (number not in trimmed or not by_blank):
            start, end = trim_span(text, lines[group[0]].start, lines[group[-1]].end)
            blocks.append(Block(start, end, group[0], group[-1]))
            group = []
    return blocks


@PROPERTY
@given(st.one_of(LINE_TEXT, st.text(max_size=80)))
def test_trimmed_lines_are_the_trimmed_non_blank_lines(text: str) -> None:
    assert list(trimmed_lines(text)) == reference_lines(text)


@PROPERTY
@given(LINE_TEXT)
def test_paragraphs_match_the_reference(text: str) -> None:
    assert split_paragraphs(text, "lines") == reference_paragraphs(text, by_blank=False)
    assert split_paragraphs(text, "blank_lines") == reference_paragraphs(text, by_blank=True)


def test_paragraphs_by_blank_lines_keep_inner_newlines() -> None:
    text = "\ufeff one\r\ntwo \r\n\r\n  three\n"
    blocks = split_paragraphs(text)
    assert [text[b.start : b.end] for b in blocks] == ["one\r\ntwo", "three"]
    assert [(b.first_line, b.last_line) for b in blocks] == [(1, 2), (4, 4)]


@PROPERTY
@given(st.one_of(WORD_TEXT, st.text(max_size=60)))
def test_words_are_the_norms_tokenize_gives(text: str) -> None:
    assert words(text) == [token.norm for token in tokenize(text)]


@PROPERTY
@given(st.one_of(WORD_TEXT, st.text(max_size=60)))
def test_written_words_are_the_words_the_pattern_finds(text: str) -> None:
    assert written_words(text) == WORD_RE.findall(text)
    assert [text[t.start : t.end] for t in tokenize(text)] == [
        w for w in written_words(text) if words(w)
    ]


def test_separators_are_never_inside_a_word() -> None:
    word_char = re.compile(rf"[^\W_]|[{_MARKS}{_APOSTROPHES}]")
    assert [char for char in _SEPARATORS if word_char.match(char)] == []
    assert words("“Peace,” she said — now…") == ["peace", "she", "said", "now"]


@PROPERTY
@given(st.text(st.sampled_from("Aug 9•·tweets min read 12 \t"), max_size=40))
def test_header_shortcut_agrees_with_the_pattern(line: str) -> None:
    header = match_header(line, 1)
    if header is not None:
        assert HEADER.fullmatch(line)
    if HEADER.fullmatch(line) is None:
        assert header is None


def test_a_header_line_is_read() -> None:
    header = match_header("Sep 4 • 12 tweets • 3 min read", 7)
    assert header is not None
    assert (header.line, header.month, header.day, header.tweets, header.minutes) == (
        7,
        9,
        4,
        12,
        3,
    )
