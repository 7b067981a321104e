"""Rendering: exact escaped text in blockquotes, highlights that change nothing, 4096 splits."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.fakeapi.markup import parse_telegram_html
from bot.render import (
    MAX_UNITS,
    SourceLabel,
    attribution,
    format_date,
    hit_chunks,
    mark_spans,
    render_card,
    render_context,
    render_diff,
    render_hits,
    render_quote_header,
    utf16_len,
    visible_len,
    visible_text,
)
from bot.terminal import to_terminal
from corpus.model import (
    DiffOp,
    Hit,
    Passage,
    PassageContext,
    PassageDate,
    QuoteResult,
    ThreadRef,
)

LABELS = {
    "a.txt": SourceLabel(medium="X thread", url='https://ex.org/?a=1&b="2"'),
    "b.txt": SourceLabel(medium="article"),
}
QUOTE_RE = re.compile(r"<blockquote(?: expandable)?>(.*?)</blockquote>", re.S)


def check_telegram_html(markup: str) -> None:
    """Telegram's HTML parse mode as the fake Bot API checks it (strict), and the length."""
    text, _ = parse_telegram_html(markup)
    assert utf16_len(text) <= MAX_UNITS


def passage(text: str, *, start: int = 10, **kw: object) -> Passage:
    base: dict[str, object] = {
        "id": "abc123def0",
        "source": "a.txt",
        "start": start,
        "end": start + len(text),
        "text": text,
        "line": 3,
        "speaker": "Volodymyr Zelensky",
        "kind": "tweet",
    }
    base.update(kw)
    return Passage(**base)  # type: ignore[arg-type]


def quotes_of(messages: list[str]) -> list[str]:
    return [visible_text(q) for m in messages for q in QUOTE_RE.findall(m)]


def check_all(messages: list[str]) -> None:
    assert messages
    for message in messages:
        check_telegram_html(message)
        assert visible_len(message) <= MAX_UNITS


HOSTILE = 'He said <b>x</b> </blockquote> & &amp; <a href="javascript:x"> &#0; <3 >_<'


def test_hostile_corpus_text_is_escaped_and_exact() -> None:
    p = passage(HOSTILE, speaker="<i>Evil</i> & Co", note="</b>note")
    messages = render_hits([Hit(p, 88.0)], LABELS, scores=True)
    check_all(messages)
    assert quotes_of(messages) == [HOSTILE]
    shown = visible_text(messages[0])
    assert "<i>Evil</i> & Co" in shown and "</b>note" in shown
    assert "score 88" in shown


def test_topic_highlights_change_no_character() -> None:
    text = "Sanctions & <sanctions> work; SANCTIONS!"
    p = passage(text, start=100)
    spans = ((100, 109), (113, 122), (130, 139))
    messages = render_hits([Hit(p, 70.0, highlights=spans)], LABELS, mode="topic")
    check_all(messages)
    assert quotes_of(messages) == [text]
    bold = re.findall(r"<b>(.*?)</b>", QUOTE_RE.findall(messages[0])[0])
    assert [visible_text(b) for b in bold] == ["Sanctions", "sanctions", "SANCTIONS"]


def test_quote_span_is_bold_inside_the_passage() -> None:
    text = "Before. So long as he kills, he lives. After."
    p = passage(text, start=0)
    hit = Hit(p, 97.0, match_start=8, match_end=38)
    messages = render_hits([hit], LABELS, mode="quote")
    inner = QUOTE_RE.findall(messages[0])[0]
    assert "<b>So long as he kills, he lives.</b>" in inner
    assert visible_text(inner) == text


def test_attribution_line() -> None:
    ref = ThreadRef(number=1, header_line=2, tweet_count=15, read_minutes=3, position=2, shown=2)
    p = passage("x", date=PassageDate(2025, 9, 4), thread=ref)
    line = attribution(p, LABELS)
    check_telegram_html(line)
    shown = visible_text(line)
    assert shown.startswith("— Volodymyr Zelensky · X thread · 4 Sep 2025 · tweet 2 of 15")
    assert "a.txt, line 3" in shown and "/context abc123def0" in shown
    assert 'href="https://ex.org/?a=1&amp;b=&quot;2&quot;"' in line


def test_dates_say_their_precision() -> None:
    assert format_date(None) == "date unknown"
    assert format_date(PassageDate(2024, 9, 4, year_inferred=True)) == "4 Sep 2024 (year inferred)"
    assert format_date(PassageDate(2025, 9)) == "Sep 2025"
    assert format_date(PassageDate(2025)) == "2025"


def test_long_quote_is_expandable() -> None:
    text = "word " * 150
    messages = render_hits([Hit(passage(text), 1.0)], LABELS)
    assert "<blockquote expandable>" in messages[0]
    assert "expandable" not in render_hits([Hit(passage("short"), 1.0)], LABELS)[0]


def test_split_at_passage_boundaries_with_astral_emoji() -> None:
    texts = [f"{i} " + "😀" * 1500 for i in range(4)]  # ~3000 UTF-16 units each
    hits = [Hit(passage(t, start=i * 5000), 1.0) for i, t in enumerate(texts)]
    messages = render_hits(hits, LABELS, header="Header")
    check_all(messages)
    assert len(messages) == 4
    assert quotes_of(messages) == texts  # each passage whole, in order
    assert all(len(QUOTE_RE.findall(m)) == 1 for m in messages)


def test_exactly_fitting_and_one_over() -> None:
    p = passage("x")
    overhead = visible_len(render_hits([Hit(p, 1.0)], LABELS, first_number=None)[0]) - 1
    fits = passage("y" * (MAX_UNITS - overhead))
    assert len(render_hits([Hit(fits, 1.0)], LABELS, first_number=None)) == 1
    over = passage("y" * (MAX_UNITS - overhead + 1))
    messages = render_hits([Hit(over, 1.0)], LABELS, first_number=None)
    check_all(messages)
    assert len(messages) == 1  # a verbatim window, cut marked
    [piece] = quotes_of(messages)
    assert over.text.startswith(piece) and len(piece) < len(over.text)
    assert visible_text(messages[0]).count("…") == 1


def test_a_giant_passage_is_one_verbatim_window_around_the_match() -> None:
    text = "".join(f"word{i} 🇺🇦 and some more text. " for i in range(900))  # ~ 28k units
    p = passage(text, start=7)
    at = text.index("word450 ")
    spans = [(7 + at, 7 + at + len("word450"))]
    messages = render_hits([Hit(p, 50.0, highlights=tuple(spans))], LABELS, mode="topic")
    check_all(messages)
    [piece] = quotes_of(messages)
    assert piece in text and "word450" in piece and len(piece) < len(text)
    shown = visible_text(messages[0])
    assert shown.count("…") == 2  # cut on both sides
    assert "/context abc123def0" in shown


def test_giant_token_without_spaces() -> None:
    text = "a" * 10_000
    messages = render_hits([Hit(passage(text), 1.0)], LABELS)
    check_all(messages)
    [piece] = quotes_of(messages)
    assert text.startswith(piece) and 1000 < len(piece) < len(text)


def test_a_20_mb_line_renders_in_milliseconds() -> None:
    import time

    text = "w " * 10_000_000
    started = time.perf_counter()
    messages = render_hits([Hit(passage(text), 1.0)], LABELS)
    assert time.perf_counter() - started < 0.5
    assert len(messages) == 1


def test_card_stays_in_one_message() -> None:
    text = "😀 " * 5000
    card = render_card(Hit(passage(text), 1.0), LABELS)
    check_telegram_html(card)
    assert visible_len(card) <= MAX_UNITS
    (piece,) = quotes_of([card])
    assert text.startswith(piece) and len(piece) < len(text)
    assert "…" in visible_text(card) and "/context abc123def0" in visible_text(card)


def test_diff_and_quote_header_escape_user_words() -> None:
    diff = (
        DiffOp("equal", "I am", "I am"),
        DiffOp("replace", "<b>ready", "prepared&"),
        DiffOp("insert", "", "now"),
        DiffOp("delete", "</blockquote>", ""),
    )
    line = render_diff(diff)
    check_telegram_html(line)
    assert visible_text(line) == "I am <b>ready → prepared& +now −</blockquote>"
    p = passage("I am prepared& now")
    result = QuoteResult("I am <b>ready </blockquote>", "close", (Hit(p, 90.0),), diff)
    header = render_quote_header(result, 80)
    check_telegram_html(header)
    assert "Close" in header and "score 90" in header


def test_not_found_header_offers_a_hint() -> None:
    result = QuoteResult("zzz", "not_found", (Hit(passage("abc"), 40.0),))
    shown = visible_text(render_quote_header(result, 80))
    assert "Not found" in shown and "hint" in shown


def test_context_marks_the_asked_passage() -> None:
    ps = [passage(f"tweet {i}", id=f"id{i}", start=i * 10, line=i) for i in range(3)]
    messages = render_context(PassageContext(ps[1], (ps[0],), (ps[2],), tuple(ps)), LABELS)
    check_all(messages)
    assert quotes_of(messages) == ["tweet 0", "tweet 1", "tweet 2"]
    assert messages[0].index("the passage asked for") < messages[0].index("tweet 1")


def test_to_terminal() -> None:
    markup = '<b>1.</b> x &amp; y\n<blockquote>a &lt;b&gt;\nb</blockquote>\n— <a href="u">l</a>'
    assert to_terminal(markup) == "1. x & y\n│ a <b>\n│ b\n— l <u>"
    assert "\x1b[1m1.\x1b[0m" in to_terminal(markup, ansi=True)


def test_utf16_len() -> None:
    assert utf16_len("a😀é") == 4
    assert utf16_len("🇺🇦") == 4


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(min_size=1, max_size=300),
    spans=st.lists(st.tuples(st.integers(-5, 305), st.integers(-5, 305)), max_size=8),
)
def test_highlighting_never_changes_the_text(text: str, spans: list[tuple[int, int]]) -> None:
    markup = mark_spans(text, spans)
    check_telegram_html(markup)
    assert visible_text(markup) == text


@settings(max_examples=40, deadline=None)
@given(text=st.text(min_size=1, max_size=9000), budget=st.integers(300, 4096))
def test_chunks_are_verbatim_and_within_limit(text: str, budget: int) -> None:
    chunks = hit_chunks(Hit(passage(text), 1.0), LABELS, limit=budget)
    assert "".join(quotes_of(chunks)) == text
    for chunk in chunks:
        check_telegram_html(chunk)
        assert visible_len(chunk) <= budget


async def test_topic_over_one_200_kb_paragraph_sends_at_most_3_messages(tmp_path: Path) -> None:
    from conftest import running_bot, write_seed_config

    from bot.config import load_config

    sentence = "Reports say the drones flew over the river at night and nobody slept. "
    source = tmp_path / "long.txt"
    source.write_text(sentence * (200_000 // len(sentence)), encoding="utf-8")
    config = load_config(
        write_seed_config(
            tmp_path,
            corpus={"sources": [{"path": str(source), "format": "plain", "speaker": "Someone"}]},
        )
    )
    async with running_bot(config) as bot:
        for command in ("/topic drones", "/random", "/quote the drones flew over the river"):
            replies = await bot.send(command)
            assert 1 <= len(replies) <= 3, (command, len(replies))
