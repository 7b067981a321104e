"""The structured readers (telegram, x_archive, table) on files generated from each format's
published layout: speakers, forwards, retweets, full dates, links, and the verbatim promise
for records (`records[passage.record][start:end] == passage.text`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.errors import SourceError
from corpus.model import ParsedSource, SourceSpec, TableColumns
from corpus.parse import parse_source, verbatim_failures

OWNER = "Test Owner"


def spec(path: Path, fmt: str, **extra: object) -> SourceSpec:
    return SourceSpec(path=path, format=fmt, speaker=OWNER, **extra)  # type: ignore[arg-type]


def assert_records_verbatim(parsed: ParsedSource) -> None:
    assert verbatim_failures(parsed) == []
    for p in parsed.passages:
        assert p.record is not None
        assert parsed.records[p.record][p.start : p.end] == p.text


def telegram_export() -> dict[str, object]:
    """A channel export with every message type (fictional people and channel)."""
    base = {"date": "2024-03-05T10:30:00", "date_unixtime": "1709627400"}  # 08:30 UTC: +02:00
    return {
        "name": "Example Channel",
        "type": "public_channel",
        "id": 1234,
        "messages": [
            {"id": 1, "type": "service", **base, "actor": "Example Channel",
             "action": "create_channel", "title": "Example Channel", "text": ""},
            {"id": 2, "type": "message", **base, "from": "Example Channel",
             "from_id": "channel1234", "text": "First paragraph.\n\nSecond paragraph."},
            {"id": 3, "type": "message", **base, "from": "Example Channel",
             "forwarded_from": "Other Source", "text": "Forwarded words."},
            {"id": 4, "type": "message", **base, "from": "Example Channel",
             "photo": "(File not included.)", "text": "A caption & more"},
            {"id": 5, "type": "message", **base, "from": "Example Channel",
             "text": ["Read ", {"type": "bold", "text": "this"}, " at ",
                      {"type": "text_link", "text": "the site", "href": "https://example.org"},
                      " ", {"type": "hashtag", "text": "#news"}],
             "text_entities": [{"type": "plain", "text": "Read "}]},
            {"id": 6, "type": "message", **base, "from": "Example Channel",
             "media_type": "sticker", "sticker_emoji": "🙂", "text": ""},
            {"id": 7, "type": "message", **base, "from": "Example Channel",
             "edited": "2024-03-06T09:00:00", "edited_unixtime": "1709712000",
             "text": "Edited text stays."},
            {"id": 8, "type": "message", **base, "forwarded_from": None, "text": "Hidden origin."},
            {"id": 9, "type": "message", "date": "2024-03-07T23:59:59",
             "text": "No from and no unixtime."},
        ],
    }  # fmt: skip


def test_telegram_channel_export(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(json.dumps(telegram_export(), ensure_ascii=False, indent=1), "utf-8")
    parsed = parse_source(spec(path, "telegram", link="https://t.me/example/{id}"))
    assert_records_verbatim(parsed)
    by = {p.text: p for p in parsed.passages}
    assert list(by) == [
        "First paragraph.",
        "Second paragraph.",
        "Forwarded words.",
        "A caption & more",
        "Read this at the site #news",
        "Edited text stays.",
        "Hidden origin.",
        "No from and no unixtime.",
    ]
    first = by["First paragraph."]
    assert (first.speaker, first.record, first.url) == ("Example Channel", "2", None or first.url)
    assert first.url == "https://t.me/example/2"
    assert first.date is not None and first.date.iso() == "2024-03-05"
    assert first.date.human_time() == "10:30 UTC+02:00"
    assert first.date.iso_datetime() == "2024-03-05T10:30:00+02:00"
    assert by["Second paragraph."].record == "2" and by["Second paragraph."].paragraph == 2
    forward = by["Forwarded words."]
    assert forward.speaker == "Other Source"
    assert forward.note == "forwarded by Example Channel"
    assert by["Hidden origin."].speaker.startswith("unknown")
    late = by["No from and no unixtime."]
    assert late.speaker == "Example Channel" and late.date is not None
    assert late.date.human_time() == "23:59"  # zone unknown: said as unknown
    assert any("1 service" in w.message and "1 without text" in w.message for w in parsed.warnings)
    # the line is where the message's id stands in the file
    lines = path.read_text("utf-8").split("\n")
    assert '"id": 3' in lines[forward.line - 1]


def test_telegram_all_chats_export_and_hex_escapes(tmp_path: Path) -> None:
    chat = telegram_export()
    group = {"name": "A Group", "type": "private_group", "id": 77, "messages": [
        {"id": 2, "type": "message", "date": "2024-01-01T00:00:00", "from": "Ann Example",
         "text": "Same id, other chat."}]}  # fmt: skip
    data = {"about": "...", "chats": {"about": "...", "list": [chat, group]}}
    text = json.dumps(data, indent=1).replace("Edited text stays.", "Edited\\x0Atext.")
    path = tmp_path / "result.json"
    path.write_text(text, "utf-8")
    parsed = parse_source(spec(path, "telegram"))
    assert_records_verbatim(parsed)
    assert {"1234/2", "77/2"} <= set(parsed.records)
    assert "Edited\ntext." in parsed.records.values()
    ann = next(p for p in parsed.passages if p.record == "77/2")
    assert ann.speaker == "Ann Example" and ann.note is None


def test_truncated_json_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(json.dumps(telegram_export(), indent=1)[:700], "utf-8")
    with pytest.raises(SourceError, match=r"result\.json:\d+: not valid JSON.*truncated"):
        parse_source(spec(path, "telegram"))
    path.write_text('{"name": "x"}', "utf-8")
    with pytest.raises(SourceError, match="not a Telegram Desktop export"):
        parse_source(spec(path, "telegram"))


def tweet(tid: str, text: str, created: str = "Wed Oct 10 20:19:24 +0000 2018") -> object:
    return {"tweet": {"id_str": tid, "id": tid, "full_text": text, "created_at": created}}


def test_x_archive_tweets_js(tmp_path: Path) -> None:
    items = [
        tweet("101", "Fish &amp; chips &lt;3 &gt; all"),
        tweet("102", "RT @someone_else: Their words, not mine"),
        tweet("103", "@friend a reply keeps its text", "Mon May 11 09:05:00 +0000 2009"),
    ]
    path = tmp_path / "tweets.js"
    path.write_text("window.YTD.tweets.part0 = " + json.dumps(items, indent=2), "utf-8")
    parsed = parse_source(spec(path, "x_archive"))
    assert_records_verbatim(parsed)
    first, retweet, reply = parsed.passages
    assert first.text == "Fish & chips <3 > all"
    assert parsed.records["101"] == "Fish & chips <3 > all"
    assert first.url == "https://x.com/i/web/status/101"
    assert first.date is not None and first.date.iso_datetime() == "2018-10-10T20:19:24+00:00"
    assert first.date.human_time() == "20:19 UTC"
    assert (retweet.speaker, retweet.text) == ("@someone_else", "Their words, not mine")
    assert retweet.note == f"retweeted by {OWNER}"
    assert reply.text == "@friend a reply keeps its text" and reply.speaker == OWNER
    assert reply.date is not None and reply.date.iso() == "2009-05-11"
    assert path.read_text("utf-8").split("\n")[reply.line - 1].strip() == "{"


def test_x_archive_bare_array_and_link_template(tmp_path: Path) -> None:
    path = tmp_path / "tweet.json"
    path.write_text(json.dumps([{"id": 5, "text": "bare object"}]), "utf-8")
    parsed = parse_source(spec(path, "x_archive", link="https://x.com/me/status/{id}"))
    (only,) = parsed.passages
    assert (only.text, only.url, only.date) == ("bare object", "https://x.com/me/status/5", None)


def test_table_csv_with_columns(tmp_path: Path) -> None:
    path = tmp_path / "tweets.csv"
    path.write_text(
        "id,created,author,body,headline\r\n"
        '1,2016-08-08 15:20:44,Ann Example,"One, quoted ""here"".\n\nSecond para.",Title A\r\n'
        "2,1470669644,,Unix seconds,\r\n"
        "3,Wed Oct 10 20:19:24 +0000 2018,Bob Example,X style,\r\n"
        "4,not a date,,Undated row,\r\n"
        "5,,,,\r\n",
        "utf-8",
    )
    columns = TableColumns(text="body", date="created", id="id", speaker="author", title="headline")
    parsed = parse_source(spec(path, "table", columns=columns, link="https://example.org/{id}"))
    assert_records_verbatim(parsed)
    texts = [p.text for p in parsed.passages]
    assert texts == [
        'One, quoted "here".',
        "Second para.",
        "Unix seconds",
        "X style",
        "Undated row",
    ]
    one = parsed.passages[0]
    assert (one.speaker, one.record, one.line, one.note) == ("Ann Example", "1", 2, "Title A")
    assert one.url == "https://example.org/1"
    assert one.date is not None and one.date.human_time() == "15:20"
    assert parsed.passages[1].line == 2 and parsed.passages[1].paragraph == 2
    unix = parsed.passages[2]
    assert unix.speaker == OWNER and unix.line == 5
    assert unix.date is not None and unix.date.iso_datetime() == "2016-08-08T15:20:44+00:00"
    assert parsed.passages[4].date is None
    messages = " ".join(w.message for w in parsed.warnings)
    assert "1 row(s) with an empty text cell" in messages and "1 row(s) with no date" in messages


def test_table_jsonl_json_tsv_and_date_format(tmp_path: Path) -> None:
    rows = [{"text": "first", "when": "08/09/2016"}, {"text": "second", "when": "09/09/2016"}]
    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    array = tmp_path / "rows.json"
    array.write_text(json.dumps(rows, indent=2), "utf-8")
    tsv = tmp_path / "rows.tsv"
    tsv.write_text("text\twhen\nfirst\t08/09/2016\nsecond\t09/09/2016\n", "utf-8")
    columns = TableColumns(text="text", date="when")
    for path in (jsonl, array, tsv):
        parsed = parse_source(spec(path, "table", columns=columns, date_format="%d/%m/%Y"))
        assert [p.text for p in parsed.passages] == ["first", "second"], path
        assert parsed.passages[0].date is not None
        assert parsed.passages[0].date.iso() == "2016-09-08"
        assert [p.record for p in parsed.passages] == ["1", "2"]
    assert [p.line for p in parse_source(spec(array, "table", columns=columns)).passages] == [
        2,
        6,
    ]


def test_csv_with_an_unterminated_quote_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text('text\nfine\n"never closed\nmore\n', "utf-8")
    with pytest.raises(SourceError, match=r"broken\.csv:3: not valid CSV.*unterminated quote"):
        parse_source(spec(path, "table"))
    path.write_text("body\nx\n", "utf-8")
    with pytest.raises(SourceError, match="no `text` field"):
        parse_source(spec(path, "table"))
    other = tmp_path / "table.dat"
    other.write_text("text\nx\n", "utf-8")
    with pytest.raises(SourceError, match="table_format"):
        parse_source(spec(other, "table"))


TEXTS = st.lists(
    st.characters(blacklist_categories=("Cs",)) | st.sampled_from(["\n\n", "&amp;", "RT @a: "]),
    max_size=30,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(TEXTS, min_size=1, max_size=6), fmt=st.sampled_from(["csv", "json", "x", "tg"])
)
def test_every_structured_passage_is_a_slice_of_its_record(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], fmt: str
) -> None:
    folder = tmp_path_factory.mktemp("records")
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(["text"])
        writer.writerows([t] for t in texts)
        path = folder / "rows.csv"
        path.write_bytes(out.getvalue().encode("utf-8", "surrogatepass"))
        parsed = parse_source(spec(path, "table"))
        expected = [t for t in texts if t.strip()]
    elif fmt == "json":
        path = folder / "rows.json"
        path.write_text(json.dumps([{"text": t} for t in texts]), "utf-8")
        parsed = parse_source(spec(path, "table"))
        expected = [t for t in texts if t.strip()]
    elif fmt == "x":
        path = folder / "tweets.js"
        items = [tweet(str(n), t) for n, t in enumerate(texts)]
        path.write_text("window.YTD.tweets.part0 = " + json.dumps(items), "utf-8")
        parsed = parse_source(spec(path, "x_archive"))
        expected = None
    else:
        data = {"name": "C", "type": "public_channel", "id": 1, "messages": [
            {"id": n, "type": "message", "date": "2020-01-01T00:00:00", "text": t}
            for n, t in enumerate(texts)]}  # fmt: skip
        path = folder / "result.json"
        path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        parsed = parse_source(spec(path, "telegram"))
        expected = [t for t in texts if t.strip()]
    assert_records_verbatim(parsed)
    if expected is not None:
        assert sorted(parsed.records.values()) == sorted(expected)
    for p in parsed.passages:
        assert p.text == p.text.strip() and p.text


def test_time_does_not_change_date_equality() -> None:
    from corpus.parse.when import parse_when

    with_time = parse_when("2020-02-03T04:05:06Z")
    assert with_time is not None and with_time.time == dt.time(4, 5, 6)
    assert with_time == parse_when("2020-02-03")
    assert with_time.human() == "3 Feb 2020"
