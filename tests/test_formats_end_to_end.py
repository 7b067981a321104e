"""The X archive folder, a workbook and subtitles end to end (all generated, fictional
people): `corpusbot init` guesses them, `index` reads them, `ask --json` gives each
passage's speaker, date, url and note, and its text verbatim in its record."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from test_cli import run
from test_parse_subtitles import SRT, VTT
from test_parse_x_archive import NOTE_TEXT, archive

from bot.cli import main
from bot.config import load_config

CONFIG = """\
corpus:
  sources:
    - path: twitter-archive
      format: x_archive
    - path: statements.xlsx
      format: table
      sheet: Statements
      columns: {text: Statement, date: When, speaker: Who, id: Ref}
    - path: meeting.vtt
      format: transcript
      date: 2024-05-02
    - path: debate.srt
      format: transcript
      date: 2024-05-03
index:
  path: index.sqlite3
state:
  path: state.sqlite3
"""


def write_corpus(folder: Path) -> Path:
    archive(folder / "twitter-archive")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Statements"
    sheet.append(["Ref", "When", "Who", "Statement"])
    sheet.append([11, dt.datetime(2022, 6, 1, 9, 30), "Cara Example", "Quays need dredging now."])
    sheet.append([12, dt.datetime(2022, 7, 1), "Cara Example", "The dredger arrives in July."])
    sheet["B3"].number_format = "mmmm yyyy"
    book.save(folder / "statements.xlsx")
    (folder / "meeting.vtt").write_text(VTT, "utf-8")
    (folder / "debate.srt").write_text(SRT, "utf-8")
    config = folder / "corpusbot.yaml"
    config.write_text(CONFIG, "utf-8")
    return config


def ask_json(config: Path, questions: list[str], capsys: pytest.CaptureFixture[str]) -> list[Any]:
    stdin = "\n".join(questions) + "\n"
    rc, out, err = run(["ask", "--json", "--config", str(config), "-"], capsys, stdin)
    assert rc == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_ask_json_over_the_new_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_corpus(tmp_path)
    assert main(["index", "--config", str(config)]) == 0
    capsys.readouterr()
    questions = [
        "/quote Here is what we propose for next season, in full",
        "/quote Thanks, both: the new tables are up",
        "/quote Second thoughts on the pier plan",
        "/quote Second wording of the post",
        "/quote A long retweeted thought that X cut short",
        "/quote The dredger arrives in July",
        "/quote Quays need dredging now",
        "/quote Fares & timetables first, please",
        "/quote We will build ten thousand homes",
    ]
    replies = ask_json(config, questions, capsys)
    got = [r["results"][0] for r in replies]
    owner = "Harbour Desk (@harbourdesk)"
    link = "https://x.com/harbourdesk/status/"
    want = [
        # speaker, date, url, note
        (owner, "2018-10-10", f"{link}900", "long post: whole text from note-tweet.js"),
        (owner, "2018-10-10", f"{link}902", "reply to @alice"),
        (owner, "2021-01-04", f"{link}700", "deleted 5 Jan 2021"),
        (owner, "2023-03-02", f"{link}911", "edited"),
        (
            "@origin_writer",
            "2018-10-10",
            f"{link}901",
            f"retweeted by {owner}; cut by X's archive: not the whole post",
        ),
        ("Cara Example", None, None, None),
        ("Cara Example", "2022-06-01", None, None),
        ("Councillor Ben Sample", "2024-05-02", None, "at 00:12:31"),
        ("JANE ROE", "2024-05-03", None, "at 00:00:09"),
    ]
    assert [(g["speaker"], g["date"], g["url"], g["note"]) for g in got] == want
    assert got[0]["text"] == NOTE_TEXT and got[0]["record"] == "900"
    assert got[6]["datetime"] == "2022-06-01T09:30:00"
    assert "Jul 2022" in replies[5]["messages"][0]  # a month cell is a month, not a day
    assert "at 00:12:31" in replies[7]["messages"][0]
    assert "note-tweet.js" in replies[0]["messages"][0]


def test_init_guesses_the_new_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_corpus(tmp_path)
    config = tmp_path / "guessed.yaml"
    names = ["twitter-archive", "statements.xlsx", "meeting.vtt", "debate.srt"]
    assert main(["init", "--config", str(config), *(str(tmp_path / n) for n in names)]) == 0
    capsys.readouterr()
    specs = {s.name: s for s in load_config(config).source_specs()}
    assert {n: s.format for n, s in specs.items()} == {
        "twitter-archive": "x_archive",
        "statements.xlsx": "table",
        "meeting.vtt": "transcript",
        "debate.srt": "transcript",
    }
    assert specs["twitter-archive"].speaker == "Harbour Desk (@harbourdesk)"
    columns = specs["statements.xlsx"].columns
    assert columns is not None and (columns.text, columns.date) == ("Statement", "When")
    assert main(["index", "--config", str(config)]) == 0


def test_a_changed_companion_file_rebuilds_the_archive_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_corpus(tmp_path)
    assert main(["index", "--config", str(config)]) == 0
    capsys.readouterr()
    question = ["/quote Here is what we propose for next season, in full"]
    assert ask_json(config, question, capsys)[0]["verdict"] == "verbatim"
    notes = tmp_path / "twitter-archive" / "data" / "note-tweet.js"
    notes.write_text("window.YTD.note_tweet.part0 = []", "utf-8")
    assert main(["index", "--config", str(config)]) == 0
    capsys.readouterr()
    (reply,) = ask_json(config, question, capsys)
    assert reply["verdict"] != "verbatim"  # the tail was only in the note
    (cut,) = ask_json(config, ["/quote Harbour notes, part one. The tide tables"], capsys)
    assert "cut by X's archive" in cut["results"][0]["note"]
