"""Every key the config accepts has an effect: changing its value changes the loaded config
(and, for `paragraphs`, the passages and the index's content hash)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

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
    path = tmp_path / "corpusbot.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_the_table_covers_every_key_of_the_full_and_the_shipped_config() -> None:
    shipped = key_paths(yaml.safe_load(default_config_path().read_text(encoding="utf-8")))
    assert key_paths(yaml.safe_load(FULL)) | shipped == set(CHANGES)


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
