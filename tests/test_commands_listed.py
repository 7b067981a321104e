"""Guard: every command in bot.text.COMMANDS is where a user looks for it: the /help reply,
the menu published with setMyCommands (user commands only) and README.md's commands table."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from bot_helpers import checked_bot
from conftest import ROOT

from bot.i18n import languages, translator
from bot.text import COMMANDS

USER_COMMANDS = [c for c in COMMANDS if not c.admin]
ADMIN_COMMANDS = [c for c in COMMANDS if c.admin]
README_ROW_RE = re.compile(r"^\|\s*`/([a-z0-9_]+)`\s*\|\s*`([^`]*)`\s*\|\s*(.+?)\s*\|\s*$", re.M)


def readme_table() -> dict[str, tuple[str, str]]:
    """README.md's `## Commands` table as {name: (example, description)}."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    return {name: (example, what) for name, example, what in README_ROW_RE.findall(section)}


@pytest.fixture
async def tg(make_config: Any) -> AsyncIterator[Any]:
    async with checked_bot(make_config(access={"admins": [1001]})) as running:
        yield running


async def test_every_command_is_in_help_and_user_commands_in_the_menu(tg: Any) -> None:
    admin_help = (await tg.send("/help"))[0].text
    user_help = (await tg.send("/help", user_id=2002))[0].text
    for command in COMMANDS:
        assert f"/{command.name}: {command.description}" in admin_help, command.name
        assert command.example in admin_help, command.name
    for command in USER_COMMANDS:
        assert f"/{command.name}: " in user_help, command.name
    menus = tg.fake.commands_by_scope
    scopes = {scope for scope, _language in menus}
    assert any("all_private_chats" in s for s in scopes)
    assert any("all_group_chats" in s for s in scopes)
    assert {language for _scope, language in menus} == {"", *languages()} - {"en"}
    for (_scope, language), menu in menus.items():
        tr = translator(language or "en")  # "" is the default menu: English
        assert [c["command"] for c in menu] == [c.name for c in USER_COMMANDS]
        assert [c["description"] for c in menu] == [tr._(c.description) for c in USER_COMMANDS]


def test_every_command_is_in_the_readme_table() -> None:
    table = readme_table()
    missing = [c.name for c in COMMANDS if c.name not in table]
    assert missing == [], f"README.md's commands table lacks {missing}"
    unknown = sorted(set(table) - {c.name for c in COMMANDS})
    assert unknown == [], f"README.md lists commands the bot does not have: {unknown}"
    for command in COMMANDS:
        assert table[command.name][0] == command.example, command.name
    for command in ADMIN_COMMANDS:
        assert table[command.name][1].startswith("admins:"), command.name
