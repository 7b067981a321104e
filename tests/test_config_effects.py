"""Every key the config accepts has an effect: changing its value changes the loaded config
(and, for `paragraphs`, the passages and the index's content hash)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import config as config_module
from bot.config import default_config_path, load_config
from corpus.build import content_hash, read_digests
from corpus.library import Library

FULL = """\
corpus:
  sources:
    - path: a.txt
      format: thread_dump
      speaker: Someone
      year: 2025
      title: Threads
      url: https://example.org/a
      medium: X thread
    - path: b.txt
      format: plain
      speaker: Narrator
      title: Notes
      date: 2025-08
      paragraphs: auto
      language: en
      embedded:
        - lines: "1"
          speaker: Other
          note: a note
    - path: t.csv
      format: table
      speaker: Poster
      link: https://example.org/{id}
      table_format: csv
      date_format: "%d.%m.%Y"
      sheet: Posts
      columns:
        text: body
        date: when
        id: rid
        speaker: who
        url: href
        title: head
index:
  path: var/index.sqlite3
state:
  path: var/state.sqlite3
telegram:
  token: ""
  token_env: TELEGRAM_BOT_TOKEN
  base_url: https://api.telegram.org/bot
  mode: polling
  webhook:
    url: ""
    listen: 127.0.0.1
    port: 8443
    path: /telegram
    secret_token: ""
    max_body: 1048576
    backlog: 5000
  network:
    connect_timeout: 5
    read_timeout: 6
    write_timeout: 7
    pool_timeout: 1
    retries: 2
    retry_backoff: 0.5
  shutdown_grace: 8
access:
  admins: []
  allowed_chats: []
replies:
  hits_per_page: 3
  max_results: 30
  group_max_hits: 3
  inline_max_results: 50
  quote_threshold: 80
  max_query_chars: 512
rate_limit:
  user_per_minute: 20
  chat_per_minute: 30
  inline_per_minute: 120
search:
  synonyms: [[Kyiv, Kiev]]
  timezone: UTC
  date_order: dmy
  time_budget: 2
  lookup_threads: 0
"""

# key path (list items as []) -> (the line in FULL, the line changed)
CHANGES: dict[str, tuple[str, str]] = {
    "corpus.sources[].path": ("- path: b.txt", "- path: c.txt"),
    "corpus.sources[].format": ("format: plain", "format: article"),
    "corpus.sources[].speaker": ("speaker: Narrator", "speaker: Someone Else"),
    "corpus.sources[].year": ("year: 2025", "year: 2024"),
    "corpus.sources[].title": ("title: Notes", "title: Other notes"),
    "corpus.sources[].url": ("url: https://example.org/a", "url: https://example.org/b"),
    "corpus.sources[].medium": ("medium: X thread", "medium: thread"),
    "corpus.sources[].date": ("date: 2025-08", "date: 2025-09"),
    "corpus.sources[].paragraphs": ("paragraphs: auto", "paragraphs: lines"),
    "corpus.sources[].language": ("language: en", "language: uk"),
    "corpus.sources[].embedded[].lines": ('- lines: "1"', '- lines: "2"'),
    "corpus.sources[].embedded[].speaker": ("speaker: Other", "speaker: Another"),
    "corpus.sources[].embedded[].note": ("note: a note", "note: another note"),
    "corpus.sources[].link": ("link: https://example.org/{id}", "link: https://example.org/p{id}"),
    "corpus.sources[].table_format": ("table_format: csv", "table_format: tsv"),
    "corpus.sources[].date_format": ('date_format: "%d.%m.%Y"', 'date_format: "%m/%d/%Y"'),
    "corpus.sources[].sheet": ("sheet: Posts", "sheet: Other"),
    "corpus.sources[].columns.text": ("text: body", "text: words"),
    "corpus.sources[].columns.date": ("date: when", "date: created"),
    "corpus.sources[].columns.id": ("id: rid", "id: key"),
    "corpus.sources[].columns.speaker": ("speaker: who", "speaker: author"),
    "corpus.sources[].columns.url": ("url: href", "url: permalink"),
    "corpus.sources[].columns.title": ("title: head", "title: headline"),
    "index.path": ("path: var/index.sqlite3", "path: var/other.sqlite3"),
    "state.path": ("path: var/state.sqlite3", "path: var/other-state.sqlite3"),
    "telegram.token": ('  token: ""', "  token: '123:abc'"),
    "telegram.token_env": ("token_env: TELEGRAM_BOT_TOKEN", "token_env: OTHER_TOKEN"),
    "telegram.base_url": ("base_url: https://api.telegram.org/bot", "base_url: http://x/bot"),
    "telegram.mode": (
        'mode: polling\n  webhook:\n    url: ""',
        "mode: webhook\n  webhook:\n    url: https://example.org/hook",
    ),
    "telegram.webhook.url": ('url: ""', "url: https://example.org/hook"),
    "telegram.webhook.listen": ("listen: 127.0.0.1", "listen: 0.0.0.0"),
    "telegram.webhook.port": ("port: 8443", "port: 8444"),
    "telegram.webhook.path": ("path: /telegram", "path: /hook"),
    "telegram.webhook.secret_token": ('secret_token: ""', "secret_token: s3cret"),
    "telegram.webhook.max_body": ("max_body: 1048576", "max_body: 65536"),
    "telegram.webhook.backlog": ("backlog: 5000", "backlog: 100"),
    "telegram.shutdown_grace": ("shutdown_grace: 8", "shutdown_grace: 2"),
    "telegram.network.connect_timeout": ("connect_timeout: 5", "connect_timeout: 4"),
    "telegram.network.read_timeout": ("read_timeout: 6", "read_timeout: 4"),
    "telegram.network.write_timeout": ("write_timeout: 7", "write_timeout: 4"),
    "telegram.network.pool_timeout": ("pool_timeout: 1", "pool_timeout: 2"),
    "telegram.network.retries": ("retries: 2", "retries: 3"),
    "telegram.network.retry_backoff": ("retry_backoff: 0.5", "retry_backoff: 0.25"),
    "access.admins": ("admins: []", "admins: [7]"),
    "access.allowed_chats": ("allowed_chats: []", "allowed_chats: [-100]"),
    "replies.hits_per_page": ("hits_per_page: 3", "hits_per_page: 4"),
    "replies.max_results": ("max_results: 30", "max_results: 20"),
    "replies.group_max_hits": ("group_max_hits: 3", "group_max_hits: 2"),
    "replies.inline_max_results": ("inline_max_results: 50", "inline_max_results: 40"),
    "replies.quote_threshold": ("quote_threshold: 80", "quote_threshold: 70"),
    "replies.max_query_chars": ("max_query_chars: 512", "max_query_chars: 256"),
    "rate_limit.user_per_minute": ("user_per_minute: 20", "user_per_minute: 10"),
    "rate_limit.chat_per_minute": ("chat_per_minute: 30", "chat_per_minute: 10"),
    "rate_limit.inline_per_minute": ("inline_per_minute: 120", "inline_per_minute: 60"),
    "search.synonyms": ("synonyms: [[Kyiv, Kiev]]", "synonyms: [[drone, UAV]]"),
    "search.timezone": ("timezone: UTC", "timezone: Pacific/Kiritimati"),
    "search.date_order": ("date_order: dmy", "date_order: mdy"),
    "search.time_budget": ("time_budget: 2", "time_budget: 0.5"),
    "search.lookup_threads": ("lookup_threads: 0", "lookup_threads: 2"),
}


def key_paths(value: object, prefix: str = "") -> set[str]:
    """Every leaf key path of a YAML document (a key whose value is no mapping and no list
    of mappings), list items written `[]`."""
    if isinstance(value, dict):
        found: set[str] = set()
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            below = key_paths(inner, path)
            found |= below or {path}
        return found
    if isinstance(value, list):
        return set().union(*(key_paths(item, f"{prefix}[]") for item in value))
    return set()


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    (tmp_path / "a.txt").write_text("Sep 4 • 1 tweets • 1 min read\nHello.\n", encoding="utf-8")
    for name in ("b.txt", "c.txt"):
        (tmp_path / name).write_text("One line.\nTwo lines.\n\nThree.\n", encoding="utf-8")
    (tmp_path / "t.csv").write_text("rid,when,who,body\n1,04.09.2025,Ann,A row.\n", "utf-8")
    path = tmp_path / "corpusbot.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_the_table_covers_every_key_of_the_full_and_the_shipped_config() -> None:
    shipped = key_paths(yaml.safe_load(default_config_path().read_text(encoding="utf-8")))
    assert key_paths(yaml.safe_load(FULL)) | shipped == set(CHANGES)


def test_the_table_covers_every_key_the_loader_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every key any `_Reader.mapping` call allows, seen while loading FULL: a key added to
    the loader without an entry (and so a proven effect) in CHANGES fails here."""
    allowed: set[str] = set()
    mapping = config_module._Reader.mapping

    def recording(self: Any, value: Any, key: str, names: tuple[str, ...]) -> dict[str, Any]:
        where = re.sub(r"\[\d+\]", "[]", key)
        allowed.update(f"{where}.{name}" if where else name for name in names)
        return mapping(self, value, key, names)

    monkeypatch.setattr(config_module._Reader, "mapping", recording)
    load(tmp_path, FULL)
    sections = {re.sub(r"\[\]$", "", path) for path in allowed}
    leaves = {
        path
        for path in allowed
        if not any(other.startswith((f"{path}.", f"{path}[].")) for other in sections | allowed)
    }
    assert leaves == set(CHANGES)


@pytest.mark.parametrize("key", sorted(CHANGES))
def test_every_accepted_key_changes_the_config(tmp_path: Path, key: str) -> None:
    old, new = CHANGES[key]
    assert FULL.count(old) == 1, old
    base = load(tmp_path, FULL)
    changed = load(tmp_path, FULL.replace(old, new))
    assert changed != base


@pytest.mark.parametrize(
    ("rule", "texts"),
    [
        (None, ["One line.\nTwo lines.", "Three."]),
        ("auto", ["One line.\nTwo lines.", "Three."]),
        ("lines", ["One line.", "Two lines.", "Three."]),
        ("line", ["One line.", "Two lines.", "Three."]),  # the older spelling
        ("blank_lines", ["One line.\nTwo lines.", "Three."]),
        ("blank", ["One line.\nTwo lines.", "Three."]),  # the older spelling
    ],
)
async def test_paragraphs_from_config_to_passages(
    tmp_path: Path, rule: str | None, texts: list[str]
) -> None:
    line = f"      paragraphs: {rule}\n" if rule else ""
    text = FULL.replace("      paragraphs: auto\n", line).replace(
        '        - lines: "1"\n          speaker: Other\n          note: a note\n', ""
    )
    text = text.replace("      embedded:\n", "")
    config = load(tmp_path, text)
    specs = config.source_specs()
    lib = await Library.open(specs, tmp_path / "i.sqlite3")
    try:
        passages = await lib.random(10, seed=1)
        mine = sorted((p for p in passages if p.source == "b.txt"), key=lambda p: p.start)
        assert [p.text for p in mine] == texts
    finally:
        await lib.close()


def test_paragraphs_enter_the_content_hash(tmp_path: Path) -> None:
    auto = load(tmp_path, FULL).source_specs()
    lines = load(tmp_path, FULL.replace("paragraphs: auto", "paragraphs: lines")).source_specs()
    assert content_hash(read_digests(auto)) != content_hash(read_digests(lines))


def test_an_unknown_paragraph_rule_is_refused_with_its_key(tmp_path: Path) -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match=r"paragraphs.*must be one of auto, lines, blank_lines"):
        load(tmp_path, FULL.replace("paragraphs: auto", "paragraphs: sentences"))


@pytest.mark.parametrize(
    "key", [k for k in CHANGES if "columns" in k or "_format" in k or "link" in k]
)
def test_table_keys_enter_the_content_hash(tmp_path: Path, key: str) -> None:
    """A record key's change rebuilds the index (the spec is part of the content hash)."""
    old, new = CHANGES[key]
    before = load(tmp_path, FULL).source_specs()
    after = load(tmp_path, FULL.replace(old, new)).source_specs()
    assert content_hash(read_digests(before)) != content_hash(read_digests(after))


async def test_table_columns_from_config_to_passages(tmp_path: Path) -> None:
    config = load(tmp_path, FULL)
    lib = await Library.open(config.source_specs(), tmp_path / "i.sqlite3")
    try:
        (row,) = [p for p in await lib.random(20, seed=1) if p.source == "t.csv"]
        assert (row.text, row.speaker, row.record) == ("A row.", "Ann", "1")
        assert row.url == "https://example.org/1"
        assert row.date is not None and row.date.iso() == "2025-09-04"
    finally:
        await lib.close()


SEARCH_SOURCE = "Kiev was cold that night.\n\nNothing else happened."
SEARCH_CONFIG = """\
corpus:
  sources:
    - path: k.txt
      format: plain
      speaker: Narrator
      date: 2025-07-03
index:
  path: var/index.sqlite3
state:
  path: var/state.sqlite3
search:
  synonyms: [[Kyiv, Kiev]]
  timezone: UTC
  date_order: dmy
"""
LATE_ON_3_JULY_UTC = 1751585400.0  # 2025-07-03 23:30 UTC: already 4 July in Kiritimati


@pytest.mark.parametrize(
    ("key", "command"),
    [
        ("search.synonyms", "/topic Kyiv"),
        ("search.timezone", "/date today"),
        ("search.date_order", "/date 03/07/2025"),
    ],
)
async def test_search_keys_change_what_a_search_finds(
    tmp_path: Path, key: str, command: str
) -> None:
    """Each search key's effect seen in a reply: the same command finds the passages dated
    3 Jul 2025 (or the Kiev one) with the key as in SEARCH_CONFIG, and nothing once changed."""
    from bot.reply import AskContext
    from bot.router import answer
    from bot.services import open_services

    (tmp_path / "k.txt").write_text(SEARCH_SOURCE, encoding="utf-8")
    old, new = CHANGES[key]
    found = []
    for text in (SEARCH_CONFIG, SEARCH_CONFIG.replace(old, new)):
        path = tmp_path / "corpusbot.yaml"
        path.write_text(text, encoding="utf-8")
        config = load_config(path)
        async with open_services(config, clock=lambda: LATE_ON_3_JULY_UTC) as services:
            reply = await answer(services, command, AskContext(chat_id=1, user_id=1))
        found.append(len(reply.hits))
    assert found[0] >= 1 and found[1] == 0, found
