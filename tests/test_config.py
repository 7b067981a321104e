"""Config loading: the default loads; every problem names the key path and the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.config import ConfigError, default_config_path, load_config, parse_lines
from corpus.model import PassageDate

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

BASE = """\
corpus:
  sources:
    - path: seeds/a.txt
      format: thread_dump
      speaker: Someone
      year: 2025
    - path: seeds/b.txt
      format: article
      speaker: Unknown author
      embedded:
        - lines: "3,5-8"
          speaker: Volodymyr Zelensky
          note: statement on X
index:
  path: var/index.sqlite3
state:
  path: var/state.sqlite3
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "seeds").mkdir(exist_ok=True)
    (tmp_path / "seeds" / "a.txt").write_text("Sep 4 • 2 tweets • 1 min read\nHello.\n")
    (tmp_path / "seeds" / "b.txt").write_text("Para one.\nPara two.\n")
    path = tmp_path / "corpusbot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path.name) in str(info.value)
    return info.value


def test_default_config_loads() -> None:
    config = load_config(default_config_path())
    names = [spec.name for spec in config.source_specs()]
    assert names == ["000_0e2a154100ffc278.txt", "004_587f944356045ec1.txt"]
    first, second = config.source_specs()
    assert first.format == "thread_dump" and first.year == 2025
    assert first.path == SEEDS / "000_0e2a154100ffc278.txt"
    assert second.embedded[0].lines == (3, 5, 6, 7, 8)
    assert second.embedded[0].speaker == "Volodymyr Zelensky"
    assert config.medium(first.name) == "X thread"
    assert config.medium(second.name) == "article"
    assert config.replies.hits_per_page == 3 and config.replies.quote_threshold == 80
    assert config.index.path == ROOT / "var" / "corpusbot.sqlite3"
    assert config.telegram.mode == "polling"


def test_relative_paths_and_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, BASE))
    assert config.source_specs()[0].path == tmp_path / "seeds" / "a.txt"
    assert config.index.path == tmp_path / "var" / "index.sqlite3"
    assert config.state.path == tmp_path / "var" / "state.sqlite3"
    assert config.replies.max_results == 50
    assert config.rate_limit.user_per_minute == 20
    assert config.access.admins == ()


def test_resolve_token_prefers_config_then_env(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, BASE))
    assert config.resolve_token({}) is None
    assert config.resolve_token({"TELEGRAM_BOT_TOKEN": "123:abc"}) == "123:abc"
    text = BASE + "telegram:\n  token: '42:secret'\n  token_env: MY_TOKEN\n"
    config = load_config(write(tmp_path, text))
    assert config.resolve_token({"MY_TOKEN": "x"}) == "42:secret"
    assert "42:secret" not in repr(config)


def test_medium_and_date_keys(tmp_path: Path) -> None:
    text = BASE.replace(
        "      speaker: Unknown author\n",
        "      speaker: Unknown author\n      medium: op-ed\n      date: 2025-12-11\n"
        "      url: https://example.org/a\n",
    )
    config = load_config(write(tmp_path, text))
    spec = config.source_specs()[1]
    assert config.medium("b.txt") == "op-ed"
    assert spec.date == PassageDate(2025, 12, 11)
    assert spec.url == "https://example.org/a"
    assert config.medium("a.txt") == "X thread"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2025", PassageDate(2025)), ("'2025-09'", PassageDate(2025, 9)), ("2024", PassageDate(2024))],
)
def test_source_date_precisions(tmp_path: Path, value: str, expected: PassageDate) -> None:
    text = BASE.replace("      format: article\n", f"      format: article\n      date: {value}\n")
    assert load_config(write(tmp_path, text)).source_specs()[1].date == expected


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("      year: 2025\n", "      year: soon\n", "corpus.sources[0].year"),
        ("      year: 2025\n", "", "corpus.sources[0].year"),
        ("      speaker: Someone\n", "", "corpus.sources[0].speaker"),
        ("      format: article\n", "      format: pdf\n", "corpus.sources[1].format"),
        (
            "      format: article\n",
            "      format: article\n      colour: red\n",
            "corpus.sources[1].colour",
        ),
        ("    - path: seeds/b.txt\n", "    - path: seeds/missing.txt\n", "corpus.sources[1].path"),
        ('"3,5-8"', '"3,x"', "corpus.sources[1].embedded[0].lines"),
        ('"3,5-8"', '"8-5"', "corpus.sources[1].embedded[0].lines"),
        ("          speaker: Volodymyr Zelensky\n", "", "corpus.sources[1].embedded[0].speaker"),
        (
            "          note: statement on X\n",
            "          note: x\n          who: y\n",
            "corpus.sources[1].embedded[0].who",
        ),
        ("index:\n", "indexx:\n", "indexx"),
        ("  path: var/index.sqlite3\n", "  path: 5\n", "index.path"),
        (
            "      format: article\n",
            "      format: article\n      date: 2025-13\n",
            "corpus.sources[1].date",
        ),
        (
            "      format: article\n",
            "      format: article\n      date: 2025-02-30\n",
            "corpus.sources[1].date",
        ),
    ],
)
def test_errors_name_key_and_file(tmp_path: Path, old: str, new: str, key: str) -> None:
    assert old in BASE
    err = error_of(tmp_path, BASE.replace(old, new, 1))
    assert err.key == key
    assert key in str(err)


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("telegram:\n  mode: carrier-pigeon\n", "telegram.mode"),
        ("telegram:\n  mode: webhook\n", "telegram.webhook.url"),
        ("telegram:\n  webhook:\n    port: 99999\n", "telegram.webhook.port"),
        ("telegram:\n  webhook:\n    secret_token: 'a b'\n", "telegram.webhook.secret_token"),
        ("telegram:\n  webhook:\n    colour: 1\n", "telegram.webhook.colour"),
        ("access:\n  admins: [1, two]\n", "access.admins[1]"),
        ("access:\n  allowed_chats: 5\n", "access.allowed_chats"),
        ("replies:\n  hits_per_page: 0\n", "replies.hits_per_page"),
        ("replies:\n  quote_threshold: high\n", "replies.quote_threshold"),
        ("replies:\n  quote_threshold: 101\n", "replies.quote_threshold"),
        ("replies:\n  inline_max_results: 51\n", "replies.inline_max_results"),
        ("replies:\n  max_results: true\n", "replies.max_results"),
        ("rate_limit:\n  per_day: 3\n", "rate_limit.per_day"),
        ("rate_limit: [1]\n", "rate_limit"),
        ("extra_section: 1\n", "extra_section"),
    ],
)
def test_section_errors(tmp_path: Path, extra: str, key: str) -> None:
    err = error_of(tmp_path, BASE + extra)
    assert err.key == key
    assert str(err).startswith(str(tmp_path / "corpusbot.yaml"))


def test_duplicate_source_names(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "a.txt").write_text("x\n")
    text = BASE.replace(
        "index:\n", "    - path: other/a.txt\n      format: plain\n      speaker: X\nindex:\n"
    )
    err = error_of(tmp_path, text)
    assert err.key == "corpus.sources[2].path"
    assert "duplicate" in str(err)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    err = error_of(tmp_path, BASE + "replies: [unclosed\n  x: {\n")
    assert "YAML syntax error at line" in str(err)


@pytest.mark.parametrize("text", ["", "corpus: {}\n", "corpus:\n  sources: []\n", "[1, 2]\n"])
def test_empty_or_wrong_shape(tmp_path: Path, text: str) -> None:
    err = error_of(tmp_path, text)
    assert err.key in {"corpus.sources", "(top level)"}


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_parse_lines_forms() -> None:
    assert parse_lines("3,5-8", "k") == (3, 5, 6, 7, 8)
    assert parse_lines([4, 2], "k") == (2, 4)
    assert parse_lines(7, "k") == (7,)
    with pytest.raises(ConfigError, match="k"):
        parse_lines("0", "k")
    with pytest.raises(ConfigError, match=r"k\[0\]"):
        parse_lines(["x"], "k")


def test_yaml_date_object_is_accepted(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            BASE.replace("      year: 2025\n", "      year: 2025\n      date: 2025-09-04\n"),
        )
    )
    assert config.source_specs()[0].date.as_date() == dt.date(2025, 9, 4)


@pytest.mark.parametrize(("value", "expected"), [("uk", "uk"), ("en-GB", "en"), ("AR", "ar")])
def test_source_language_key(tmp_path: Path, value: str, expected: str) -> None:
    text = BASE.replace(
        "      speaker: Unknown author\n",
        f"      speaker: Unknown author\n      language: {value}\n",
    )
    config = load_config(write(tmp_path, text))
    assert config.source_specs()[1].language == expected
    assert config.source_specs()[0].language is None  # detected when indexing


@pytest.mark.parametrize("value", ["english", "'1'", "u"])
def test_source_language_must_be_a_code(tmp_path: Path, value: str) -> None:
    text = BASE.replace(
        "      speaker: Unknown author\n",
        f"      speaker: Unknown author\n      language: {value}\n",
    )
    err = error_of(tmp_path, text)
    assert err.key == "corpus.sources[1].language"


def test_one_line_refusals_token_in_token_env_huge_line_ranges_deep_yaml(tmp_path: Path) -> None:
    import time

    import yaml as pyyaml
    from conftest import write_seed_config

    from bot.config import ConfigError, load_config

    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
    path = write_seed_config(tmp_path, telegram={"token_env": token})
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "telegram.token_env" in str(err.value) and token not in str(err.value)

    data = pyyaml.safe_load(path.read_text())
    data["telegram"] = {}
    data["corpus"]["sources"][0]["embedded"] = [{"lines": "1-20000000", "speaker": "X"}]
    path.write_text(pyyaml.safe_dump(data))
    started = time.perf_counter()
    with pytest.raises(ConfigError, match="lines"):
        load_config(path)
    assert time.perf_counter() - started < 1

    path.write_text("a: " + "[" * 100_000 + "]" * 100_000)
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_config(path)
