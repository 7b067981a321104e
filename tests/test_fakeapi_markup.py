"""The fake's Telegram HTML checker and UTF-16 lengths, without a server."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.fakeapi import TelegramHtmlError, parse_telegram_html, utf16_len


def refusal(markup: str) -> str:
    with pytest.raises(TelegramHtmlError) as info:
        parse_telegram_html(markup)
    return info.value.description


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("😀") == 2
    assert utf16_len("é") == 1
    assert utf16_len("👩‍👩‍👧") == 8  # three astral emoji joined by two ZWJ


@pytest.mark.parametrize(
    ("tag", "entity"),
    [
        ("b", "bold"),
        ("strong", "bold"),
        ("i", "italic"),
        ("em", "italic"),
        ("u", "underline"),
        ("ins", "underline"),
        ("s", "strikethrough"),
        ("strike", "strikethrough"),
        ("del", "strikethrough"),
        ("tg-spoiler", "spoiler"),
        ("code", "code"),
        ("pre", "pre"),
        ("blockquote", "blockquote"),
    ],
)
def test_each_allowed_tag_becomes_its_entity(tag: str, entity: str) -> None:
    text, entities = parse_telegram_html(f"x <{tag}>word</{tag}> y")
    assert text == "x word y"
    assert entities == [{"offset": 2, "length": 4, "type": entity}]


def test_attributes_become_entity_fields() -> None:
    text, entities = parse_telegram_html(
        '<a href="https://e.org/?a=1&amp;b=2">link</a> <span class="tg-spoiler">s</span> '
        '<pre><code class="language-python">x = 1</code></pre> '
        "<blockquote expandable>long</blockquote> "
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    assert text == "link s x = 1 long 👍"
    assert {"offset": 0, "length": 4, "type": "text_link", "url": "https://e.org/?a=1&b=2"} in (
        entities
    )
    assert {"offset": 5, "length": 1, "type": "spoiler"} in entities
    assert {"offset": 7, "length": 5, "type": "pre", "language": "python"} in entities
    assert {"offset": 13, "length": 4, "type": "expandable_blockquote"} in entities
    assert entities[-1]["type"] == "custom_emoji"


def test_entity_offsets_are_utf16_units() -> None:
    text, entities = parse_telegram_html("😀😀 <b>x</b>")
    assert text == "😀😀 x"
    assert entities == [{"offset": 5, "length": 1, "type": "bold"}]


def test_nested_formatting_is_allowed_and_sorted() -> None:
    _, entities = parse_telegram_html("<b>a <i>b <u>c</u></i></b>")
    assert [e["type"] for e in entities] == ["bold", "italic", "underline"]
    assert [(e["offset"], e["length"]) for e in entities] == [(0, 5), (2, 3), (4, 1)]


def test_allowed_entities_decode() -> None:
    text, _ = parse_telegram_html("&lt;b&gt; &amp; &quot;q&quot; &#39; &#x27; &#128512;")
    assert text == "<b> & \"q\" ' ' 😀"


def test_html_escape_output_always_parses() -> None:
    nasty = '</blockquote><b>&amp; & <a href="javascript:x"> &#0; \' " >'
    text, entities = parse_telegram_html(f"<blockquote>{html.escape(nasty)}</blockquote>")
    assert text == nasty
    assert entities == [{"offset": 0, "length": utf16_len(nasty), "type": "blockquote"}]


def test_surrounding_whitespace_is_trimmed_like_telegram() -> None:
    text, entities = parse_telegram_html("\n  <b>x</b>  \n")
    assert text == "x"
    assert entities == [{"offset": 0, "length": 1, "type": "bold"}]


def test_unsupported_tag_is_refused_with_its_byte_offset() -> None:
    assert refusal("é <foo>x</foo>") == (
        'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 3'
    )


def test_lone_less_than_is_refused() -> None:
    assert refusal("1 < 2") == (
        'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2'
    )
    assert (
        refusal("a <b") == "Bad Request: can't parse entities: Unclosed start tag at byte offset 2"
    )


def test_unclosed_and_mismatched_tags_are_refused() -> None:
    assert refusal("<b>x") == (
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    )
    assert refusal("<b>x</i>") == (
        "Bad Request: can't parse entities: Unmatched end tag at byte offset 4, "
        'expected "</b>", found "</i>"'
    )
    assert (
        refusal("x</b>") == "Bad Request: can't parse entities: Unexpected end tag at byte offset 1"
    )


def test_span_needs_the_spoiler_class() -> None:
    assert 'Tag "span" must have class "tg-spoiler"' in refusal('<span class="x">a</span>')


def test_nested_blockquote_is_refused() -> None:
    assert "Blockquote entities can't be nested" in refusal(
        "<blockquote>a<blockquote>b</blockquote></blockquote>"
    )


def test_tags_inside_code_are_refused() -> None:
    assert 'can\'t be nested in "code"' in refusal("<code><b>x</b></code>")


@pytest.mark.parametrize("markup", ["&foo;", "&nbsp;", "Q&A", "a & b", "&#0;", "&#xD800;", "1 > 0"])
def test_unescaped_or_unknown_entities_are_refused(markup: str) -> None:
    assert refusal(markup).startswith("Bad Request: can't parse entities: ")


@given(st.text())
def test_any_escaped_text_round_trips(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return
    plain, entities = parse_telegram_html(f"<b>{html.escape(text)}</b>")
    assert plain == text.strip(" \t\n\r")
    assert all(e["type"] == "bold" for e in entities)
