"""Telegram Desktop's HTML export (`telegram_html`) on exports generated the way tdesktop's
`export_output_html.cpp` writes them (tests/fakes/tg_html.py; never real data): speakers
carried over `joined` runs (across files too), forwards credited to their origin, signed
posts, polls, captions, service lines, dates with and without the offset, links, a folder
and a full-account export, `init` and `ask --json` end to end, and the verbatim promise."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fakes.tg_html import Msg, serialize, write_export
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from corpus.errors import SourceError
from corpus.model import ParsedSource, Passage, SourceSpec
from corpus.parse import parse_source, verbatim_failures
from corpus.parse.guess import guess_source
from corpus.parse.sniff import likely_format
from corpus.parse.telegram_html import (
    UNKNOWN_ORIGIN,
    UNKNOWN_SENDER,
    ExportPage,
    RawMessage,
    read_page,
    title_date,
)

KYIV = dt.timezone(dt.timedelta(hours=3))
AT = dt.datetime(2025, 8, 28, 14, 3, 12, tzinfo=KYIV)
LINK = "https://t.me/examplechan/{id}"


def minutes(n: int) -> dt.datetime:
    return AT + dt.timedelta(minutes=n)


def read(path: Path, **extra: object) -> ParsedSource:
    spec = SourceSpec(path=path, format="telegram_html", speaker="unknown", **extra)  # type: ignore[arg-type]
    parsed = parse_source(spec)
    assert verbatim_failures(parsed) == []
    for p in parsed.passages:
        assert p.record is not None and parsed.records[p.record][p.start : p.end] == p.text
    return parsed


def by_text(parsed: ParsedSource) -> dict[str, Passage]:
    return {p.text: p for p in parsed.passages}


def variants() -> list[Msg]:
    """One chat with every kind of message the HTML export writes (fictional people)."""
    return [
        Msg(1, AT, "Olena Kovalenko", "Привіт усім!\nЦе другий рядок &amp; більше."),
        Msg(2, minutes(1), None, "A joined message."),
        Msg(3, minutes(2), "Omar Haddad", "مرحبا بالعالم 🌍", reply_to=1),
        Msg(4, minutes(3), "Dana Example", "Storm warnings.", forwarded_from="Coastal Desk"),
        Msg(5, minutes(3), None, "More warnings.", forwarded_from="Coastal Desk",
            forward_named=False),
        Msg(6, minutes(4), "Example Channel", "Signed words here.", signature="Ivan Petrenko"),
        Msg(7, minutes(5), "Example Channel", "Unsigned channel words."),
        Msg(8, minutes(6), "Bob Sample", "", poll="Will the ferry run?"),
        Msg(9, minutes(7), "Bob Sample", "", photo=True),
        Msg(10, minutes(8), "Bob Sample", "A photo caption.", photo=True),
        Msg(11, minutes(9), "Ann Example", "Found it", via="gifbot"),
        Msg(12, minutes(10), "x", service="Ann Example joined group by link"),
        Msg(13, minutes(11), "Ann Example",
            ["Read ", ("bold", "this", ""), " at ", ("text_link", "the site", "https://e.org"),
             " ", ("hashtag", "#news", ""), " ", ("spoiler", "secret", ""), " ",
             ("custom_emoji", "👍", ""), " ", ("code", "x < y", ""), " ",
             ("pre", "a\nb", ""), " ", ("blockquote", "quoted", ""), " ",
             ("mention", "@someone", ""), " ", ("strike", "old", "")],
            buttons=["<b>Open</div>", "Vote & go"]),
        Msg(14, minutes(12), "Ann Example", "First paragraph.\n\nSecond paragraph."),
        Msg(15, minutes(13), "Ann Example", "Tom & Jerry <3 \"quoted\" it's"),
    ]  # fmt: skip


def test_every_variant_of_one_page(tmp_path: Path) -> None:
    write_export(tmp_path / "chat", "Example Chat", variants())
    parsed = read(tmp_path / "chat" / "messages.html", link=LINK)
    by = by_text(parsed)
    assert list(by) == [
        "Привіт усім!\nЦе другий рядок &amp; більше.",
        "A joined message.",
        "مرحبا بالعالم 🌍",
        "Storm warnings.",
        "More warnings.",
        "Signed words here.",
        "Unsigned channel words.",
        "Will the ferry run?",
        "A photo caption.",
        "Found it",
        "Read this at the site #news secret 👍 x < y a\nb quoted @someone old",
        "First paragraph.",
        "Second paragraph.",
        'Tom & Jerry <3 "quoted" it\'s',
    ]
    first = by["Привіт усім!\nЦе другий рядок &amp; більше."]
    assert (first.speaker, first.record, first.url) == (
        "Olena Kovalenko",
        "1",
        "https://t.me/examplechan/1",
    )
    assert first.date is not None and first.date.iso_datetime() == "2025-08-28T14:03:12+03:00"
    assert by["A joined message."].speaker == "Olena Kovalenko"  # carried, never guessed
    assert by["مرحبا بالعالم 🌍"].speaker == "Omar Haddad"  # the reply line is not text
    for words in ("Storm warnings.", "More warnings."):
        assert (by[words].speaker, by[words].note) == ("Coastal Desk", "forwarded by Dana Example")
    signed = by["Signed words here."]
    assert (signed.speaker, signed.note) == ("Ivan Petrenko", "signed post in Example Channel")
    assert (by["Unsigned channel words."].speaker, by["Unsigned channel words."].note) == (
        "Example Channel",
        None,
    )
    assert by["Will the ferry run?"].speaker == "Bob Sample"
    assert (by["Found it"].speaker, by["Found it"].note) == ("Ann Example", "via @gifbot")
    assert by["First paragraph."].record == by["Second paragraph."].record == "14"
    assert by["Second paragraph."].paragraph == 2
    warnings = " | ".join(w.message for w in parsed.warnings)
    assert "1 service" in warnings and "1 without text" in warnings
    lines = (tmp_path / "chat" / "messages.html").read_text("utf-8").split("\n")
    assert 'id="message4"' in lines[by["Storm warnings."].line - 1]


def test_a_chat_split_over_files_is_one_source_in_order(tmp_path: Path) -> None:
    """A joined run and a forwarded run each cross the messages.html / messages2.html line."""
    messages = [
        Msg(1, AT, "Olena Kovalenko", "one"),
        Msg(2, minutes(1), None, "two"),
        Msg(3, minutes(2), None, "three (first of part 2)"),
        Msg(4, minutes(3), "Dana Example", "fwd one", forwarded_from="Coastal Desk"),
        Msg(5, minutes(4), None, "fwd two (first of part 3)", forwarded_from="Coastal Desk",
            forward_named=False),
    ]  # fmt: skip
    folder = tmp_path / "ChatExport_2025-08-28"
    paths = write_export(folder, "Example Chat", messages, per_file=2)
    assert [p.name for p in paths] == ["messages.html", "messages2.html", "messages3.html"]
    parsed = read(folder, link=LINK)
    by = by_text(parsed)
    assert list(by) == ["one", "two", "three (first of part 2)", "fwd one",
                        "fwd two (first of part 3)"]  # fmt: skip
    assert by["three (first of part 2)"].speaker == "Olena Kovalenko"
    assert by["fwd two (first of part 3)"].speaker == "Coastal Desk"
    assert by["fwd two (first of part 3)"].note == "forwarded by Dana Example"
    assert by["fwd two (first of part 3)"].url == "https://t.me/examplechan/5"
    assert parsed.spec.name == "ChatExport_2025-08-28"
    # messages10.html comes after messages9.html, not after messages1
    eleven = [Msg(n, minutes(n), "A", f"m{n}") for n in range(1, 12)]
    many = write_export(tmp_path / "long", "C", eleven, per_file=1)
    assert len(many) == 11
    assert [p.text for p in read(tmp_path / "long").passages] == [f"m{n}" for n in range(1, 12)]


def test_a_deleted_account_is_unknown(tmp_path: Path) -> None:
    from corpus.parse.telegram import DELETED

    messages = [Msg(1, AT, "Deleted Account", "gone"), Msg(2, AT, None, "still gone"),
                Msg(3, AT, "Ann", "fwd", forwarded_from="Deleted Account")]  # fmt: skip
    write_export(tmp_path / "c", "C", messages)
    assert [p.speaker for p in read(tmp_path / "c").passages] == [DELETED, DELETED, DELETED]


def test_a_joined_message_with_nobody_before_it_is_unknown(tmp_path: Path) -> None:
    write_export(tmp_path / "c", "C", [Msg(7, AT, None, "orphan"),
                                       Msg(8, AT, None, "orphan fwd", forwarded_from="X",
                                           forward_named=False)])  # fmt: skip
    by = by_text(read(tmp_path / "c"))
    assert by["orphan"].speaker == UNKNOWN_SENDER
    assert by["orphan fwd"].speaker == UNKNOWN_ORIGIN


def test_old_export_without_offset_keeps_local_time_only(tmp_path: Path) -> None:
    """Before mid-2022 the dates have no offset, and a forward's date is a `span.details`."""
    messages = [Msg(1, AT, "A", "old words"), Msg(2, AT, "A", "fwd", forwarded_from="Desk")]
    write_export(tmp_path / "c", "C", messages, offset=False)
    first, forward = read(tmp_path / "c").passages
    assert first.date is not None and first.date.human_time() == "14:03"
    assert first.date.utc_offset is None
    assert (forward.speaker, forward.note) == ("Desk", "forwarded by A")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("28.08.2025 14:03:12 UTC+03:00", "2025-08-28T14:03:12+03:00"),
        ("01.02.2019 00:00:05 UTC-05:30", "2019-02-01T00:00:05-05:30"),
        ("01.02.2019 23:59:59 UTC", "2019-02-01T23:59:59+00:00"),
        ("01.02.2019 23:59:59", "2019-02-01T23:59:59"),
        ("01.02.2019 23:59:59 Mitteleuropäische Zeit", "2019-02-01T23:59:59"),
        ("28.08.2025 14:03:12 GMT+03:00", "2025-08-28T14:03:12+03:00"),
        ("28.08.2025 14:03:12 GMT\u221205:00", "2025-08-28T14:03:12-05:00"),
        ("28.08.2025 14:03:12 \u200eغرينتش+٠٣:٠٠\u200e", "2025-08-28T14:03:12+03:00"),
        ("28.08.2025 14:03:12 UTC+5", "2025-08-28T14:03:12+05:00"),
        ("28.08.2025 14:03:12 UTC+15:00", "2025-08-28T14:03:12"),
        ("31.02.2019 10:00:00 UTC+01:00", None),
        ("", None),
    ],
)
def test_date_titles(title: str, expected: str | None) -> None:
    date = title_date(title)
    assert (date.iso_datetime() if date else None) == expected


def test_empty_chat_and_a_page_that_is_not_an_export(tmp_path: Path) -> None:
    write_export(tmp_path / "empty", "Quiet Chat", [])
    parsed = read(tmp_path / "empty")
    assert parsed.passages == () and any("no passages" in w.message for w in parsed.warnings)
    other = tmp_path / "page.html"
    other.write_text("<html><body><p>Hello</p></body></html>", "utf-8")
    parsed = read(other)
    assert parsed.passages == ()
    assert any("no Telegram Desktop chat" in w.message for w in parsed.warnings)
    bare = tmp_path / "nothing"
    bare.mkdir()
    with pytest.raises(SourceError, match=r"without messages\.html"):
        read(bare)


def test_one_file_of_several_says_the_others_are_not_read(tmp_path: Path) -> None:
    write_export(tmp_path / "c", "C", [Msg(n, AT, "A", f"w{n}") for n in range(3)], per_file=1)
    parsed = read(tmp_path / "c" / "messages.html")
    assert [p.text for p in parsed.passages] == ["w0"]
    assert any("messages2.html, messages3.html" in w.message for w in parsed.warnings)


def test_full_account_export_reads_each_chat(tmp_path: Path) -> None:
    root = tmp_path / "DataExport_2025-08-28"
    write_export(root / "chats" / "chat_01", "First", [Msg(5, AT, "A", "in first")])
    write_export(root / "chats" / "chat_02", "Second", [Msg(5, AT, None, "in second")])
    (root / "export_results.html").write_text("<html></html>", "utf-8")
    parsed = read(root, link=LINK)
    by = by_text(parsed)
    assert by["in first"].record == "chats/chat_01/5" and by["in first"].url is None
    # a joined run never crosses from one chat into the next
    assert by["in second"].speaker == UNKNOWN_SENDER


def test_sniff_and_guess_recognise_the_export(tmp_path: Path) -> None:
    paths = write_export(tmp_path / "c", "C", [Msg(n, AT, "A", f"w{n}") for n in range(3)],
                         per_file=2)  # fmt: skip
    text = paths[0].read_text("utf-8")
    assert "telegram_html" in (likely_format(text) or "")
    guess = guess_source(paths[0])
    assert guess.spec is not None and guess.spec.format == "telegram_html"
    assert guess.spec.path == tmp_path / "c" and guess.passages == 3  # the whole chat
    folder = guess_source(tmp_path / "c")
    assert folder.spec is not None and folder.spec.format == "telegram_html"
    write_export(tmp_path / "one", "C", [Msg(1, AT, "A", "alone")])
    single = guess_source(tmp_path / "one" / "messages.html")
    assert single.spec is not None and single.spec.path == tmp_path / "one" / "messages.html"
    # a JSON export's folder: its result.json
    (tmp_path / "json").mkdir()
    message = {"id": 1, "type": "message", "date": "2024-01-01T00:00:00", "text": "hello"}
    chat = {"name": "C", "type": "private_group", "id": 1, "messages": [message]}
    (tmp_path / "json" / "result.json").write_text(json.dumps(chat), "utf-8")
    in_json = guess_source(tmp_path / "json")
    assert in_json.spec is not None and in_json.spec.format == "telegram"
    assert in_json.spec.path == tmp_path / "json" / "result.json"
    # a page of the export without messages (export_results.html) is left out, not plain
    write_export(tmp_path / "quiet", "C", [])
    assert guess_source(tmp_path / "quiet" / "messages.html").spec is None


# the characters a message can hold that its HTML keeps: no control characters but tab and
# newline (the export writes the others as `&#x0N;`, which HTML reads as nothing or U+FFFD)
MESSAGE_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029")
    | st.sampled_from("\n\t<>&\"' ;#"),
    max_size=80,
)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(MESSAGE_TEXT, min_size=1, max_size=5))
def test_every_passage_is_a_slice_of_its_message_text(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("html")
    write_export(folder, "C", [Msg(n, AT, "A", t) for n, t in enumerate(texts, 1)], per_file=2)
    parsed = read(folder)
    for n, text in enumerate(texts, 1):
        record = parsed.records.get(str(n))
        if text.strip():
            assert record is not None
            # the message's own words come back: only the layout line break, and the
            # blanks right after it, are not part of the record
            assert record == text.lstrip(" \t")
        else:
            assert record is None
    assert serialize("a\nb") == "a<br>b"


def test_ask_json_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_export(tmp_path / "chat", "Example Chat", variants(), per_file=5)
    config = tmp_path / "corpusbot.yaml"
    config.write_text(
        "corpus:\n"
        "  sources:\n"
        "    - path: chat\n"
        "      format: telegram_html\n"
        f'      link: "{LINK}"\n'
        f"index: {{path: {tmp_path / 'index.sqlite3'}}}\n"
        f"state: {{path: {tmp_path / 'state.sqlite3'}}}\n",
        "utf-8",
    )
    assert main(["index", "--config", str(config)]) == 0
    capsys.readouterr()
    assert main(["ask", "--config", str(config), "--json", "/quote more warnings"]) == 0
    answer = json.loads(capsys.readouterr().out)
    (hit,) = [r for r in answer["results"] if r["text"] == "More warnings."]
    assert hit["speaker"] == "Coastal Desk" and hit["note"] == "forwarded by Dana Example"
    assert hit["datetime"] == "2025-08-28T14:06:12+03:00"
    assert hit["url"] == "https://t.me/examplechan/5" and hit["record"] == "5"
    assert main(["ask", "--config", str(config), "--json", "/quote signed words here"]) == 0
    (hit,) = json.loads(capsys.readouterr().out)["results"][:1]
    assert (hit["speaker"], hit["note"]) == ("Ivan Petrenko", "signed post in Example Channel")


def test_a_folder_path_is_only_for_telegram_html_and_x_archive(tmp_path: Path) -> None:
    from bot.config import ConfigError, load_config

    (tmp_path / "chat").mkdir()
    config = tmp_path / "c.yaml"
    config.write_text(
        "corpus:\n  sources:\n    - {path: chat, format: plain, speaker: A}\n", "utf-8"
    )
    with pytest.raises(ConfigError, match="only telegram_html and x_archive read one"):
        load_config(config)


class StdlibDriver(HTMLParser):
    """The same page reader driven by the standard library's HTML parser."""

    def __init__(self, page: ExportPage) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.start(tag, dict(attrs), lambda: self.getpos()[0])

    def handle_endtag(self, tag: str) -> None:
        self.page.end(tag)

    def handle_data(self, data: str) -> None:
        self.page.data(data)


def messages_of(html: str, *, stdlib: bool) -> list[tuple[object, ...]]:
    found: list[RawMessage] = []
    page = ExportPage("messages.html", found.append)
    if stdlib:
        driver = StdlibDriver(page)
        driver.feed(html)
        driver.close()
        page.close()
    else:
        read_page(html, page)

    def words(pieces: list[str] | None) -> str | None:
        return None if pieces is None else "".join(pieces)

    read: list[tuple[object, ...]] = [
        (m.id, m.line, m.service, m.joined, m.title, m.forwarded, words(m.sender),
         words(m.origin), words(m.text), words(m.question), words(m.signature))
        for m in found
    ]  # fmt: skip
    return [*read, (page.chat_name,)]


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(st.text(max_size=60) | MESSAGE_TEXT, min_size=1, max_size=4))
def test_the_tag_scan_reads_pages_as_html_parser_does(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("diff")
    messages = variants() + [
        Msg(100 + n, AT, "A" if n % 2 else None, t, signature=t[:5] or None, buttons=[t[:9]])
        for n, t in enumerate(texts)
    ]
    (path,) = write_export(folder, "C & <Co>", messages)
    html = path.read_text("utf-8")
    assert messages_of(html, stdlib=False) == messages_of(html, stdlib=True)


def test_a_folder_source_changes_when_any_part_does(tmp_path: Path) -> None:
    """The build decides reuse by (size, mtime) and the hash: a part edited, added or
    removed changes them (and the parse's own hash agrees with the build's)."""
    from corpus.build import read_digests
    from corpus.parse.parts import source_sha256, source_stat

    folder = tmp_path / "chat"
    write_export(folder, "C", [Msg(n, minutes(n), "A", f"w{n}") for n in range(4)], per_file=2)
    spec = SourceSpec(path=folder, format="telegram_html", speaker="unknown")
    sha, stat = source_sha256(folder), source_stat(folder)
    assert read(folder).sha256 == sha
    (digest,) = read_digests([spec], {str(folder): (*stat, sha)})
    assert digest.sha256 == sha
    second = folder / "messages2.html"
    second.write_text(second.read_text("utf-8").replace("w3", "w9"), "utf-8")
    assert source_sha256(folder) != sha
    write_export(folder, "C", [Msg(n, minutes(n), "A", f"w{n}") for n in range(6)], per_file=2)
    assert (folder / "messages3.html").exists() and source_stat(folder) != stat
    (fresh,) = read_digests([spec], {str(folder): (*stat, sha)})
    assert fresh.sha256 == source_sha256(folder) == read(folder).sha256 != sha


def test_init_lists_a_chats_pages_once_as_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    paths = write_export(tmp_path / "chat", "C", [Msg(n, AT, "A", f"w{n}") for n in range(3)],
                         per_file=1)  # fmt: skip
    config = tmp_path / "corpusbot.yaml"
    assert main(["init", "--config", str(config), *map(str, paths)]) == 0
    sources = yaml.safe_load(config.read_text("utf-8"))["corpus"]["sources"]
    assert [(s["path"], s["format"]) for s in sources] == [("chat", "telegram_html")]
    assert "chat: telegram_html, 3 passages" in capsys.readouterr().err


HTML_JUNK = st.text(st.sampled_from(list("<>/=\"' &;#\nadivspanclass-_0123456789")), max_size=300)


@settings(max_examples=80, deadline=None)
@given(junk=st.lists(HTML_JUNK | st.text(max_size=40), max_size=6))
def test_hostile_pages_never_crash_and_stay_verbatim(
    tmp_path_factory: pytest.TempPathFactory, junk: list[str]
) -> None:
    """Any text at all, between fragments of a real page: read without an error, every
    passage a slice of its record."""
    (path,) = write_export(tmp_path_factory.mktemp("junk"), "C", variants())
    html = path.read_text("utf-8")
    cut = [html[i : i + 500] for i in range(0, len(html), 500)]
    mixed = "".join(piece + (junk[n % len(junk)] if junk else "") for n, piece in enumerate(cut))
    path.write_text(mixed, "utf-8")
    read(path)


def test_an_upgraded_group_split_over_files_keeps_both_histories(tmp_path: Path) -> None:
    messages = [Msg(1, AT, "Ann", "old one"), Msg(2, AT, None, "old two"),
                Msg(1, minutes(1), "x", service="Ann converted this group to a supergroup"),
                Msg(2, minutes(2), "Bob", "new two")]  # fmt: skip
    write_export(tmp_path / "c", "C", messages, per_file=2)
    by = by_text(read(tmp_path / "c", link=LINK))
    assert (by["old two"].record, by["old two"].url, by["old two"].speaker) == (
        "old-group/2",
        None,
        "Ann",
    )
    assert (by["new two"].record, by["new two"].url) == ("2", "https://t.me/examplechan/2")
