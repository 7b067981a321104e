"""The command line: `corpusbot ask` (text, --json, `-` for stdin), `corpusbot index`,
`python -m bot --help`, and config or source errors as one clear line without a traceback.

Most tests call bot.cli.main(argv) in-process with stdout/stderr captured; a few run the
installed entry points in a subprocess.
"""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SEEDS, assert_verbatim, write_seed_config
from telegram.error import InvalidToken, NetworkError

from bot.cli import explain, main

THREADS = "000_0e2a154100ffc278.txt"
ARTICLE = "004_587f944356045ec1.txt"
VENV_BIN = ROOT / ".venv" / "bin"

TOP_KEYS = [
    "command",
    "query",
    "verdict",
    "results",
    "nearest_dates",
    "messages",
    "changes",
    "parts",
    "claimed_speaker",
    "attribution",
    "total",
    "series",
    "undated",
]
QUESTION_KEYS = [
    "kind",
    "language",
    "speaker",
    "speaker_asked",
    "speaker_known",
    "speakers",
    "quote",
    "quoted",
    "topic",
    "date",
    "filters",
    "command",
    "args",
]
RESULT_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "source": (str,),
    "start": (int,),
    "end": (int,),
    "text": (str,),
    "line": (int,),
    "speaker": (str,),
    "date": (str, type(None)),
    "date_inferred": (bool,),
    "score": (int, float),
    "match_start": (int, type(None)),
    "match_end": (int, type(None)),
    "speaker_inferred": (bool,),
}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TAG = re.compile(r"<[^>]*>")


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_seed_config(tmp_path_factory.mktemp("cli"))


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str | None = None
) -> tuple[int, str, str]:
    """main(argv) with `stdin` as standard input; (exit code, stdout, stderr)."""
    old = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        rc = main(argv)
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return rc, out, err


def source_texts() -> dict[str, str]:
    return {name: (SEEDS / name).read_bytes().decode("utf-8") for name in (THREADS, ARTICLE)}


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_schema(reply: dict[str, Any], texts: dict[str, str]) -> None:
    """The fixed `ask --json` schema, and the verbatim promise on every result and message."""
    question = reply.get("question")  # only for a question in plain words
    assert [k for k in reply if k != "question"] == TOP_KEYS
    assert isinstance(reply["command"], str) and isinstance(reply["query"], str)
    if question is not None:
        assert list(question) == QUESTION_KEYS
        assert question["command"] == reply["command"]
    if reply["command"] == "quote":
        assert reply["verdict"] in {"verbatim", "close", "altered", "spliced", "not_found"}
        assert reply["attribution"] in {None, "matches", "differs"}
        for change in reply["changes"]:
            assert set(change) == {"kind", "query", "source"}
        for part in reply["parts"]:
            assert 0 <= part["result"] < len(reply["results"])
    else:
        assert reply["verdict"] is None
    assert all(ISO_DATE.fullmatch(d) for d in reply["nearest_dates"])
    assert isinstance(reply["messages"], list) and reply["messages"]
    for result in reply["results"]:
        for key, types in RESULT_TYPES.items():
            assert key in result, key
            assert isinstance(result[key], types), (key, result[key])
        assert result["source"] in texts  # a file name, not a path
        assert texts[result["source"]][result["start"] : result["end"]] == result["text"]
        assert result["date"] is None or ISO_DATE.fullmatch(result["date"])
        assert not (result["date"] is None and result["date_inferred"])
        assert 0 <= result["score"] <= 100
        assert len(result["id"].encode()) <= 64
        if reply["command"] == "quote":
            assert result["start"] <= result["match_start"] <= result["match_end"]
            assert result["match_end"] <= result["end"]
        else:
            assert result["match_start"] is None and result["match_end"] is None
    for markup in reply["messages"]:
        assert utf16_units(html.unescape(TAG.sub("", markup))) <= 4096
    assert_verbatim(reply["messages"], texts.values())


def test_json_lines_from_stdin_follow_the_schema(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    commands = [
        "/date Aug 28",
        "/date 1999",
        "/topic drones",
        "/quote so long as he kills, he lives",
        "/quote I will hand Crimea to Russia tomorrow",
        "/random",
        "/sources",
        "/help",
        "/date banana",
        "what about sanctions",
    ]
    stdin = "\r\n".join(commands[:3]) + "\n\n   \n" + "\n".join(commands[3:]) + "\n"
    rc, out, err = run(["ask", "--config", str(config_path), "--json", "-"], capsys, stdin)
    assert rc == 0 and "Traceback" not in err
    lines = out.splitlines()
    assert len(lines) == len(commands)  # one JSON line per command; blank lines skipped
    replies = [json.loads(line) for line in lines]
    texts = source_texts()
    for reply in replies:
        check_schema(reply, texts)
    assert [r["command"] for r in replies[:5]] == ["date", "date", "topic", "quote", "quote"]
    assert replies[0]["query"] == "Aug 28"  # no trailing \r from the CRLF line
    assert len(replies[0]["results"]) == 2
    assert replies[1]["results"] == [] and replies[1]["nearest_dates"]
    assert replies[2]["results"] and all("drone" in r["text"] for r in replies[2]["results"])
    assert [r["verdict"] for r in replies[3:5]] == ["verbatim", "not_found"]
    assert len(replies[5]["results"]) == 1


def test_context_by_id_from_a_previous_answer(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out, _ = run(["ask", "--config", str(config_path), "--json", "/date Aug 28"], capsys)
    first = json.loads(out)["results"][0]
    rc, out, err = run(
        ["ask", "--config", str(config_path), "--json", f"/context {first['id']}"], capsys
    )
    assert rc == 0, err
    reply = json.loads(out)
    check_schema(reply, source_texts())
    assert first["id"] in {r["id"] for r in reply["results"]}


def test_plain_ask_prints_what_the_user_reads(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out, err = run(["ask", "--config", str(config_path), "/date Aug 28"], capsys)
    assert rc == 0 and err == ""
    assert "<b>" not in out and "<blockquote>" not in out  # terminal text, not HTML
    texts = source_texts()
    tweets = [line for line in texts[THREADS].split("\n") if "rescue operations" in line]
    assert tweets and tweets[0] in out
    assert "28 Aug 2025" in out and "Volodymyr Zelensky" in out


def test_plain_ask_from_stdin_answers_each_command_in_order(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    commands = ["/topic sanctions", "/quote so long as he kills, he lives", "/date Sep 4"]
    stdin = "\n".join(commands) + "\n"
    rc, out, _ = run(["ask", "--config", str(config_path), "-"], capsys, stdin)
    assert rc == 0
    marks = [out.index(f"> {command}\n") for command in commands]
    assert marks == sorted(marks) and marks[0] == 0
    assert out.count("\n> /") == len(commands) - 1


def test_index_prints_per_source_counts_then_reuses(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out, err = run(["index", "--config", str(config_path), "--force"], capsys)
    assert rc == 0 and "Traceback" not in err
    assert "rebuilt in" in out
    assert "passages 44, threads 20, dated 42, undated 2, quote spans 0" in out
    assert "passages 24, threads 0, dated 0, undated 24, quote spans 6" in out
    assert "speakers: Unknown author, Volodymyr Zelensky, Mark Rutte" in out
    assert "warnings: none" in out
    assert "total: 68 passages in 2 sources" in out
    rc, out, _ = run(["index", "--config", str(config_path)], capsys)
    assert rc == 0 and "up to date, reused" in out


def test_index_prints_every_parse_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = tmp_path / "dump.txt"
    dump.write_text(
        "Mar 3 • 2 tweets • 1 min read\nA tweet.\n"
        "Feb 30 • 2 tweets • 1 min read\nAn impossible day.\n"
        "Feb 2 • 1 tweet • 1 min read\n",
        "utf-8",
    )
    config = tmp_path / "corpusbot.yaml"
    config.write_text(
        "corpus:\n  sources:\n"
        "    - path: dump.txt\n      format: thread_dump\n      speaker: Someone\n"
        "      year: 2025\n"
        "index:\n  path: index.sqlite3\n",
        "utf-8",
    )
    rc, out, _ = run(["index", "--config", str(config)], capsys)
    assert rc == 0
    assert "warnings: 2" in out
    warning_lines = [line.strip() for line in out.splitlines() if line.startswith("    ")]
    assert len(warning_lines) == 2
    assert any(line.startswith("dump.txt:3") and "impossible" in line for line in warning_lines)
    assert any(line.startswith("dump.txt:5") and "no tweets" in line for line in warning_lines)
    assert "passages 2, threads 2, dated 1, undated 1" in out


def config_with(tmp_path: Path, old: str, new: str) -> Path:
    path = write_seed_config(tmp_path)
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


@pytest.mark.parametrize("command", [["index"], ["ask", "/topic drones"], ["run"], ["chat"]])
@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("  hits_per_page: 3\n", "  hits_per_page: 3\n  colour: blue\n", "replies.colour"),
        ("  quote_threshold: 80\n", "  quote_threshold: eighty\n", "replies.quote_threshold"),
        ("    format: article\n", "    format: pdf\n", "corpus.sources[1].format"),
        ("    year: 2025\n", "    year: last year\n", "corpus.sources[0].year"),
    ],
)
def test_config_errors_name_key_and_file_without_traceback(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    old: str,
    new: str,
    says: str,
) -> None:
    path = config_with(tmp_path, old, new)
    rc, out, err = run([command[0], "--config", str(path), *command[1:]], capsys)
    assert rc != 0
    assert out == ""
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert says in err and str(path) in err


def test_missing_config_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.yaml"
    rc, out, err = run(["ask", "--config", str(missing), "/topic drones"], capsys)
    assert rc != 0 and out == "" and "Traceback" not in err
    assert str(missing) in err and "not found" in err


def test_missing_source_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_seed_config(tmp_path)
    (tmp_path / "seeds" / ARTICLE).unlink()
    rc, out, err = run(["index", "--config", str(path)], capsys)
    assert rc != 0 and out == "" and "Traceback" not in err
    assert ARTICLE in err


def test_undecodable_source_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine line\r\nsecond line\r\nbroken \xff\xfe byte\r\n")
    config = tmp_path / "corpusbot.yaml"
    config.write_text(
        "corpus:\n  sources:\n    - path: bad.txt\n      format: plain\n      speaker: X\n"
        "index:\n  path: index.sqlite3\n",
        "utf-8",
    )
    for argv in (["index"], ["ask", "/topic line"]):
        rc, out, err = run([argv[0], "--config", str(config), *argv[1:]], capsys)
        assert rc != 0 and out == "" and "Traceback" not in err
        assert "corpusbot: corpus.sources[0] (bad.txt): line 3: not valid UTF-8" in err


def test_no_command_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _out, err = run([], capsys)
    assert rc != 0 and "usage: corpusbot" in err


def test_python_m_bot_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: corpusbot")
    for command in ("index", "ask", "run", "chat"):
        assert command in done.stdout


def test_console_script_output_cut_short_ends_without_traceback(config_path: Path) -> None:
    """`corpusbot ask - | head -c 100`: the closed pipe stops the command quietly."""
    script = VENV_BIN / "corpusbot"
    if not script.exists():
        pytest.skip("the corpusbot console script is not installed in .venv")
    commands = "".join("/topic drones\n" for _ in range(30)).encode()
    process = subprocess.Popen(
        [str(script), "ask", "--config", str(config_path), "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin and process.stdout and process.stderr
    process.stdin.write(commands)
    process.stdin.close()
    first = process.stdout.read(100)
    process.stdout.close()
    err = process.stderr.read().decode()
    process.stderr.close()
    rc = process.wait(timeout=60)
    assert first.startswith(b"> /topic drones")
    assert "Traceback" not in err and "Error" not in err
    assert rc in (0, 1)


def test_many_commands_from_stdin_are_all_answered(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The chat rate limit (20 a minute) must not silence a script's 50th command."""
    stdin = "/date Aug 28\n" * 50
    rc, out, _ = run(["ask", "--config", str(config_path), "--json", "-"], capsys, stdin)
    assert rc == 0
    replies = [json.loads(line) for line in out.splitlines()]
    assert len(replies) == 50
    assert all(len(r["results"]) == 2 and r["messages"] for r in replies)


def month_lines(prefix: str) -> list[str]:
    """The tweet lines under every thread header of a month, read from the seed itself."""
    out: list[str] = []
    inside = False
    for line in source_texts()[THREADS].split("\n"):
        if " • " in line and "min read" in line:
            inside = line.startswith(prefix + " ")
        elif inside and line.strip():
            out.append(line)
    return out


def test_lookup_spellings_agree_through_cli(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    groups = [
        ["/date Aug 28", "/date agust 28", "/date 28 August", "/date 28.08.2025"],
        ["/date Aug", "/date August 2025", "/date agust", "/date 2025-08"],
        ["/date Aug 9 - Aug 17", "/date 2025-08-09..2025-08-17"],
        ["/topic sanctions", "/topic sanktions"],
        ["/topic drone", "/topic drones"],
        ["/topic defence", "/topic defense"],
    ]
    commands = [command for group in groups for command in group]
    rc, out, _ = run(
        ["ask", "--config", str(config_path), "--json", "-"], capsys, "\n".join(commands)
    )
    assert rc == 0
    replies = dict(zip(commands, map(json.loads, out.splitlines()), strict=True))
    texts = source_texts()
    for reply in replies.values():
        check_schema(reply, texts)
    for group in groups:
        ids = [[r["id"] for r in replies[command]["results"]] for command in group]
        assert ids[0], group[0]
        assert all(other == ids[0] for other in ids[1:]), group
    august = replies["/date Aug"]["results"]
    assert [r["text"] for r in august] == month_lines("Aug")
    assert all(r["date"].startswith("2025-08-") for r in august)
    ranged = replies["/date Aug 9 - Aug 17"]["results"]
    assert {r["date"] for r in ranged} == {"2025-08-09", "2025-08-15", "2025-08-17"}
    assert [r["start"] for r in ranged] == sorted(r["start"] for r in ranged)  # corpus order
    assert all("drones" in r["text"] for r in replies["/topic drone"]["results"])
    assert all("defense" in r["text"].lower() for r in replies["/topic defence"]["results"])
    nothing = json.loads(
        run(["ask", "--config", str(config_path), "--json", "/date Aug 1"], capsys)[1]
    )
    assert nothing["results"] == []
    assert "2025-07-31" in nothing["nearest_dates"] and "2025-08-09" in nothing["nearest_dates"]


def test_a_corpus_error_is_one_line_and_exit_2_for_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One error, one message, one exit code, whichever command met it (translated in one
    place, bot/cli.py `explain`)."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:not-used-the-corpus-fails-first")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine line\nbroken \xff byte\n")
    config = tmp_path / "corpusbot.yaml"
    config.write_text(
        "corpus:\n  sources:\n    - path: bad.txt\n      format: plain\n      speaker: X\n"
        "index:\n  path: index.sqlite3\nstate:\n  path: state.sqlite3\n",
        "utf-8",
    )
    seen = set()
    for argv in (["index"], ["ask", "/topic line"], ["run"], ["chat"]):
        rc, out, err = run([argv[0], "--config", str(config), *argv[1:]], capsys, stdin="")
        assert rc == 2, (argv, err)
        assert argv == ["chat"] or out == ""  # the chat says it is opening the corpus
        assert "Traceback" not in out + err and len(err.strip().splitlines()) == 1
        assert err.startswith("corpusbot: ") and "corpus.sources[0] (bad.txt): line 2:" in err
        seen.add(err)
    assert len(seen) == 1, seen


def test_run_without_a_token_names_the_key_and_exits_2(
    config_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    rc, out, err = run(["run", "--config", str(config_path)], capsys)
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "telegram.token" in err and str(config_path) in err and "BotFather" in err


def test_telegram_errors_are_explained_once() -> None:
    assert explain(InvalidToken()) == (
        "Telegram refused the bot token; check it with @BotFather.",
        2,
    )
    line, code = explain(NetworkError("connection refused"))
    assert code == 1 and line == "cannot reach the Bot API: connection refused"
