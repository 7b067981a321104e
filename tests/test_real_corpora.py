"""Issue 10's must-show items end to end: a config over a Telegram export, an X archive, a
CSV and a transcript (all generated here, fictional people), then `corpusbot ask --json`:
the right speaker, full date and url for each passage, and `text` verbatim in its record;
broken, UTF-16 and CESU-8 sources indexed or refused with the others served; the bot's
reply links the post."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.config import ConfigError, load_config

CHANNEL_LINK = "https://t.me/examplechan/{id}"
OWNER = "Jane Example (@janeexample)"

TELEGRAM = {
    "name": "Example Channel",
    "type": "public_channel",
    "id": 4321,
    "messages": [
        {"id": 1, "type": "service", "date": "2024-03-05T10:00:00", "actor": "Example Channel",
         "action": "create_channel", "title": "Example Channel", "text": ""},
        {"id": 2, "type": "message", "date": "2024-03-05T10:30:00", "date_unixtime": "1709627400",
         "from": "Example Channel", "text": "The harbour bridge reopens on Monday."},
        {"id": 3, "type": "message", "date": "2024-03-06T08:15:00", "date_unixtime": "1709705700",
         "from": "Example Channel", "forwarded_from": "Coastal Weather Desk",
         "text": ["Storm ", {"type": "bold", "text": "warnings"}, " for the northern piers."]},
    ],
}  # fmt: skip

TWEETS = [
    {"tweet": {"id_str": "1001", "full_text": "Lighthouses need keepers &amp; patience.",
               "created_at": "Mon May 11 09:05:00 +0000 2009"}},
    {"tweet": {"id_str": "1002",
               "full_text": "RT @origin_writer: Orchards bloom late in cold valleys.",
               "created_at": "Tue Oct 09 14:00:00 +0000 2018"}},
]  # fmt: skip

CSV_ROWS = [
    ["id", "created", "author", "body", "link"],
    ["77", "2016-08-08 15:20:44", "Bob Sample", 'Ferries run "twice" daily, weather allowing.',
     "https://example.org/posts/77"],
    ["78", "2016-08-09 09:00:00", "", "Tram fares freeze until autumn.", ""],
]  # fmt: skip

TRANSCRIPT = (
    "MODERATOR: Welcome to the first debate of the season.\n\n"
    "Alice Smith: The budget must balance by next spring.\n\n"
    "It is a promise I made to every county.\n\n"
    "Bob Jones: We will plant a million trees on the ridge.\n\n"
    "[crosstalk]\n\n"
    "Alice Smith: Trees do not pay teachers.\n"
)

CONFIG = """\
corpus:
  sources:
    - path: result.json
      format: telegram
      link: "https://t.me/examplechan/{id}"
    - path: tweets.js
      format: x_archive
      speaker: Jane Example (@janeexample)
      link: "https://x.com/janeexample/status/{id}"
    - path: posts.csv
      format: table
      speaker: Posts Desk
      columns: {text: body, date: created, id: id, speaker: author, url: link}
      link: "https://example.org/p/{id}"
    - path: debate.txt
      format: transcript
      date: 2020-09-29
index:
  path: index.sqlite3
state:
  path: state.sqlite3
"""


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "result.json").write_text(json.dumps(TELEGRAM, ensure_ascii=False, indent=1), "utf-8")
    (folder / "tweets.js").write_text(
        "window.YTD.tweets.part0 = " + json.dumps(TWEETS, indent=2), "utf-8"
    )
    out = io.StringIO()
    csv.writer(out).writerows(CSV_ROWS)
    (folder / "posts.csv").write_text(out.getvalue(), "utf-8", newline="")
    (folder / "debate.txt").write_text(TRANSCRIPT, "utf-8")
    config = folder / "corpusbot.yaml"
    config.write_text(CONFIG, "utf-8")
    return config


def ask_json(
    config: Path, questions: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, Any]], str]:
    old = sys.stdin
    sys.stdin = io.StringIO("\n".join(questions) + "\n")
    try:
        rc = main(["ask", "--json", "--config", str(config), "-"])
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return rc, [json.loads(line) for line in out.splitlines()], err


def only_result(reply: dict[str, Any]) -> dict[str, Any]:
    assert reply["verdict"] == "verbatim", reply
    return reply["results"][0]


def test_ask_json_over_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_corpus(tmp_path)
    questions = [
        "/quote The harbour bridge reopens on Monday",
        "/quote Storm warnings for the northern piers",
        "/quote Lighthouses need keepers & patience",
        "/quote Orchards bloom late in cold valleys",
        '/quote Ferries run "twice" daily',
        "/quote Tram fares freeze until autumn",
        "/quote We will plant a million trees on the ridge",
        "/quote It is a promise I made to every county",
    ]
    rc, replies, err = ask_json(config, questions, capsys)
    assert rc == 0, err
    got = [only_result(r) for r in replies]
    want = [
        # speaker, note, date, datetime, url, record
        ("Example Channel", None, "2024-03-05", "2024-03-05T10:30:00+02:00",
         "https://t.me/examplechan/2", "2"),
        ("Coastal Weather Desk", "forwarded by Example Channel", "2024-03-06",
         "2024-03-06T08:15:00+02:00", "https://t.me/examplechan/3", "3"),
        (OWNER, None, "2009-05-11", "2009-05-11T09:05:00+00:00",
         "https://x.com/janeexample/status/1001", "1001"),
        ("@origin_writer", f"retweeted by {OWNER}", "2018-10-09", "2018-10-09T14:00:00+00:00",
         "https://x.com/janeexample/status/1002", "1002"),
        ("Bob Sample", None, "2016-08-08", "2016-08-08T15:20:44",
         "https://example.org/posts/77", "77"),
        ("Posts Desk", None, "2016-08-09", "2016-08-09T09:00:00", "https://example.org/p/78", "78"),
        ("Bob Jones", None, "2020-09-29", None, None, None),
        ("Alice Smith", None, "2020-09-29", None, None, None),
    ]  # fmt: skip
    assert [
        (g["speaker"], g["note"], g["date"], g["datetime"], g["url"], g["record"]) for g in got
    ] == want
    # `text` stands verbatim in its record: the decoded text field, sliced by start/end
    records = {
        ("result.json", "2"): "The harbour bridge reopens on Monday.",
        ("result.json", "3"): "Storm warnings for the northern piers.",
        ("tweets.js", "1001"): "Lighthouses need keepers & patience.",
        ("tweets.js", "1002"): "RT @origin_writer: Orchards bloom late in cold valleys.",
        ("posts.csv", "77"): CSV_ROWS[1][3],
        ("posts.csv", "78"): CSV_ROWS[2][3],
    }
    for g in got:
        whole = records.get((g["source"], g["record"]), TRANSCRIPT)
        assert whole[g["start"] : g["end"]] == g["text"]
    # a transcript turn's text lacks its label; the retweet's lacks the RT prefix
    assert got[6]["text"] == "We will plant a million trees on the ridge."
    assert got[3]["text"] == "Orchards bloom late in cold valleys."
    # the reply's attribution links the post, with the time and the note
    assert '<a href="https://t.me/examplechan/3">post</a>' in replies[1]["messages"][0]
    assert "forwarded by Example Channel" in replies[1]["messages"][0]
    assert "6 Mar 2024, 08:15 UTC+02:00" in replies[1]["messages"][0]
    # a record's line is where it begins in the file
    lines = (tmp_path / "posts.csv").read_text("utf-8").splitlines()
    assert lines[got[4]["line"] - 1].startswith("77,")


def test_index_then_reindex_reuses_and_a_speaker_question_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_corpus(tmp_path)
    assert main(["index", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "result.json (telegram, Telegram" in out and "total: 11 passages in 4 sources" in out
    assert main(["index", "--config", str(config)]) == 0
    assert "up to date, reused" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (
            b"fine line\nbroken \xff byte\n",
            "corpus.sources[4] (extra.txt): line 2: not valid UTF-8",
        ),
        (
            b"\x1f\x8b\x08\x00zipped",
            "(extra.txt): line 1: not valid UTF-8 (byte 0x8b at byte offset 1); it looks like a gz",
        ),
    ],
)
def test_a_broken_source_fails_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: bytes, expected: str
) -> None:
    config = write_corpus(tmp_path)
    (tmp_path / "extra.txt").write_bytes(bad)
    config.write_text(
        CONFIG.replace(
            "index:", "    - path: extra.txt\n      format: plain\n      speaker: Someone\nindex:"
        ),
        "utf-8",
    )
    assert main(["index", "--config", str(config)]) == 2
    out, err = capsys.readouterr()
    assert expected in err and "corpusbot: corpus.sources[4] (extra.txt): line " in err
    assert "1 of 5 sources not indexed" in err
    assert "total: 11 passages in 4 sources" in out
    rc, replies, err = ask_json(config, ["/quote Trees do not pay teachers"], capsys)
    assert rc == 0 and "not indexed: corpus.sources[4] (extra.txt)" in err
    assert only_result(replies[0])["speaker"] == "Alice Smith"


def test_utf16_and_cesu8_sources_are_read_beside_a_broken_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "wide.txt").write_bytes("Wide words from a spreadsheet.\n".encode("utf-16"))
    smile = "😀".encode("utf-16-be")  # the two surrogate halves, each written as UTF-8 bytes
    cesu = b"".join(chr(int.from_bytes(smile[i : i + 2], "big")).encode("utf-8", "surrogatepass")
                    for i in (0, 2))  # fmt: skip
    (tmp_path / "emoji.csv").write_bytes(b"text\r\nGood news " + cesu + b" today\r\n")
    (tmp_path / "broken.csv").write_bytes(b"text\r\nfine\r\nbad \xc3\x28 byte\r\n")
    config = tmp_path / "corpusbot.yaml"
    config.write_text(
        "corpus:\n  sources:\n"
        "    - {path: wide.txt, format: plain, speaker: Wide Writer}\n"
        "    - {path: emoji.csv, format: table, speaker: Emoji Poster}\n"
        "    - {path: broken.csv, format: table, speaker: Nobody}\n"
        "index:\n  path: index.sqlite3\nstate:\n  path: state.sqlite3\n",
        "utf-8",
    )
    assert main(["index", "--config", str(config)]) == 2
    out, err = capsys.readouterr()
    assert "corpus.sources[2] (broken.csv): line 3: not valid UTF-8" in err
    assert "wide.txt" in out and "emoji.csv" in out
    rc, replies, _ = ask_json(
        config, ["/quote Wide words from a spreadsheet", "/quote Good news 😀 today"], capsys
    )
    assert rc == 0
    assert only_result(replies[0])["speaker"] == "Wide Writer"
    assert only_result(replies[1])["text"] == "Good news 😀 today"


@pytest.mark.parametrize(
    ("line", "key", "message"),
    [
        ("      table_format: xls", "table_format", "must be one of csv, tsv, jsonl, json, xlsx"),
        ("      columns: {date: created}", "columns.text", "is required"),
        ("      columns: {text: body, when: x}", "columns.when", "unknown key"),
        ("      link: https://x.com/status", "link", "with {id}"),
        ("      date_format: dd.mm.yyyy", "date_format", "strptime"),
    ],
)
def test_bad_table_keys_name_their_path(tmp_path: Path, line: str, key: str, message: str) -> None:
    config = write_corpus(tmp_path)
    text = CONFIG.replace(
        "      columns: {text: body, date: created, id: id, speaker: author, url: link}\n", ""
    ).replace('      link: "https://example.org/p/{id}"', line)
    config.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=rf"sources\[2\]\.{key}: .*{message}"):
        load_config(config)


def test_keys_of_one_format_are_refused_on_another(tmp_path: Path) -> None:
    config = write_corpus(tmp_path)
    config.write_text(CONFIG.replace("      date: 2020-09-29", "      table_format: csv"), "utf-8")
    with pytest.raises(ConfigError, match=r"sources\[3\]\.table_format: is for format table"):
        load_config(config)


async def test_the_bot_reply_links_the_post(tmp_path: Path) -> None:
    from conftest import running_bot

    config = load_config(write_corpus(tmp_path))
    async with running_bot(config) as bot:
        sent = await bot.send("/quote Storm warnings for the northern piers")
    (reply,) = sent
    assert '<a href="https://t.me/examplechan/3">post</a>' in reply.html
    assert "<b>Coastal Weather Desk</b> (forwarded by Example Channel)" in reply.html


def test_init_guesses_each_format_then_index_and_ask_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_corpus(tmp_path)
    (tmp_path / "notes.txt").write_text("Plain prose about the river.\n\nMore prose.\n", "utf-8")
    (tmp_path / "rows.data").write_text("when,who,words\n1,A,x y\n2,B,z w\n3,C,q r\n", "utf-8")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02binary\xff")
    config = tmp_path / "sub" / "corpusbot.yaml"
    config.parent.mkdir()
    files = ["result.json", "tweets.js", "posts.csv", "debate.txt", "notes.txt", "rows.data"]
    argv = ["init", "--config", str(config), *(str(tmp_path / f) for f in files)]
    assert main([*argv, str(tmp_path / "blob.bin")]) == 0
    err = capsys.readouterr().err
    assert "blob.bin: left out" in err
    loaded = load_config(config)
    formats = {spec.name: spec.format for spec in loaded.source_specs()}
    assert formats == {
        "result.json": "telegram",
        "tweets.js": "x_archive",
        "posts.csv": "table",
        "debate.txt": "transcript",
        "notes.txt": "plain",
        "rows.data": "table",
    }
    table = next(s for s in loaded.source_specs() if s.name == "posts.csv")
    assert table.columns is not None
    assert (table.columns.text, table.columns.date, table.columns.speaker, table.columns.url) == (
        "body",
        "created",
        "author",
        "link",
    )
    assert "# check" in config.read_text("utf-8")
    assert main(["init", "--config", str(config), str(tmp_path / "notes.txt")]) == 2  # exists
    capsys.readouterr()
    assert main(["index", "--config", str(config)]) == 0
    capsys.readouterr()
    rc, replies, _ = ask_json(
        config, ["/quote We will plant a million trees", "/quote Ferries run twice daily"], capsys
    )
    assert rc == 0
    assert only_result(replies[0])["speaker"] == "Bob Jones"
    ferry = replies[1]["results"][0]
    assert (ferry["speaker"], ferry["url"]) == ("Bob Sample", "https://example.org/posts/77")


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2099, 1, 1)),
    offset=st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_x_created_at_fast_path_equals_strptime(moment: dt.datetime, offset: int) -> None:
    from corpus.parse.when import X_CREATED_AT, date_of, parse_when

    zone = dt.timezone(dt.timedelta(minutes=offset))
    text = moment.replace(microsecond=0, tzinfo=zone).strftime(X_CREATED_AT)
    want = date_of(dt.datetime.strptime(text, X_CREATED_AT))
    got = parse_when(text)
    assert got is not None
    assert (got, got.time, got.utc_offset) == (want, want.time, want.utc_offset)


async def test_admins_see_the_failed_sources_under_sources(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.reply import AskContext
    from bot.router import answer
    from bot.services import open_services

    config_path = write_corpus(tmp_path)
    (tmp_path / "extra.txt").write_bytes(b"fine\nbad \xff\n")
    extra = "    - path: extra.txt\n      format: plain\n      speaker: Someone\nindex:"
    config_path.write_text(
        CONFIG.replace("index:", extra).replace("state:", "access:\n  admins: [7]\nstate:"),
        "utf-8",
    )
    config = load_config(config_path)
    with caplog.at_level("WARNING"):
        async with open_services(config) as services:
            admin = await answer(services, "/sources", AskContext(1, 7))
            user = await answer(services, "/sources", AskContext(1, 8))
    wanted = "corpus.sources[4] (extra.txt): line 2: not valid UTF-8"
    assert wanted in admin.messages[0].html and "Not indexed" in admin.messages[0].html
    assert "extra.txt" not in user.messages[0].html and "result.json" in user.messages[0].html
    assert any(wanted in record.getMessage() for record in caplog.records)


async def test_a_broken_source_fails_alone_in_the_worker_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corpus import build
    from corpus.library import Library

    monkeypatch.setattr(build, "PARALLEL_BYTES", 0)  # parse in worker processes
    config_path = write_corpus(tmp_path)
    (tmp_path / "extra.txt").write_bytes(b"fine\nbad \xff\n")
    extra = "    - path: extra.txt\n      format: plain\n      speaker: Someone\nindex:"
    config_path.write_text(CONFIG.replace("index:", extra), "utf-8")
    specs = load_config(config_path).source_specs()
    lib = await Library.open(specs, tmp_path / "index.sqlite3")
    try:
        assert [(f.source, f.line) for f in lib.report.failed] == [("extra.txt", 2)]
        assert sum(info.passages for info in lib.report.sources) == 11
        hit = (await lib.find_quote("Storm warnings for the northern piers")).matches[0]
        record = lib.source_text(hit.passage.source, hit.passage.record)
        assert record[hit.passage.start : hit.passage.end] == hit.passage.text
        assert hit.match_start is not None and hit.match_end is not None
        assert record[hit.match_start : hit.match_end].startswith("Storm warnings")
    finally:
        await lib.close()
    # reopened from disk, the failure is still known (kept in the index's meta)
    again = await Library.open(specs, tmp_path / "index.sqlite3")
    try:
        assert not again.report.rebuilt and [f.source for f in again.report.failed] == ["extra.txt"]
    finally:
        await again.close()
