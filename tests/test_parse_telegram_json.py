"""The JSON export's variants (tdesktop `export_output_json.cpp`): signed channel posts
(`author`), `saved_from`, `via_bot`, hidden forward origins, deleted senders, every text
entity type, edits, polls, contacts and locations, full-account exports, and an export with
only personal information (refused). Files generated here; never real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.errors import SourceError
from corpus.model import ParsedSource, Passage, SourceSpec
from corpus.parse import parse_source, verbatim_failures
from corpus.parse.telegram import DELETED, UNKNOWN_ORIGIN

BASE = {"type": "message", "date": "2024-03-05T10:30:00", "date_unixtime": "1709627400"}
ENTITIES = [
    "plain ", {"type": "bold", "text": "bold"}, " ", {"type": "italic", "text": "it"}, " ",
    {"type": "underline", "text": "u"}, " ", {"type": "strikethrough", "text": "s"}, " ",
    {"type": "code", "text": "c()"}, " ", {"type": "pre", "text": "p\nq", "language": "py"},
    " ", {"type": "text_link", "text": "site", "href": "https://e.org"}, " ",
    {"type": "link", "text": "https://e.org/x"}, " ",
    {"type": "mention", "text": "@who"}, " ",
    {"type": "mention_name", "text": "Ann", "user_id": 42}, " ",
    {"type": "hashtag", "text": "#tag"}, " ", {"type": "cashtag", "text": "$USD"}, " ",
    {"type": "bot_command", "text": "/start"}, " ", {"type": "email", "text": "a@e.org"},
    " ", {"type": "phone", "text": "+380 44 000 0000"}, " ",
    {"type": "bank_card", "text": "4111 1111 1111 1111"}, " ",
    {"type": "spoiler", "text": "hidden"}, " ",
    {"type": "custom_emoji", "text": "👍", "document_id": "stickers/x.webp"}, " ",
    {"type": "blockquote", "text": "quoted", "collapsed": False}, " ",
    {"type": "some_future_type", "text": "future"},
]  # fmt: skip
ENTITY_TEXT = (
    "plain bold it u s c() p\nq site https://e.org/x @who Ann #tag $USD /start a@e.org "
    "+380 44 000 0000 4111 1111 1111 1111 hidden 👍 quoted future"
)


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    return path


def read(path: Path) -> ParsedSource:
    parsed = parse_source(SourceSpec(path=path, format="telegram", speaker="unknown"))
    assert verbatim_failures(parsed) == []
    return parsed


def by_text(parsed: ParsedSource) -> dict[str, Passage]:
    return {p.text: p for p in parsed.passages}


def channel(*messages: dict[str, object]) -> dict[str, object]:
    return {
        "name": "Example Channel",
        "type": "public_channel",
        "id": 1,
        "messages": list(messages),
    }


def test_channel_variants(tmp_path: Path) -> None:
    data = channel(
        {"id": 1, **BASE, "from": "Example Channel", "author": "Ivan Petrenko",
         "text": "Signed post."},
        {"id": 2, **BASE, "from": "Example Channel", "author": "Ivan Petrenko",
         "forwarded_from": None, "text": "Hidden origin, signed forwarder."},
        {"id": 3, **BASE, "from": "Example Channel", "forwarded_from": "Coastal Desk",
         "saved_from": "Coastal Desk", "text": "Saved forward."},
        {"id": 4, **BASE, "from": "Example Channel", "edited": "2024-03-06T09:00:00",
         "edited_unixtime": "1709712000", "text": ENTITIES},
        {"id": 5, **BASE, "from": "Example Channel", "text": "",
         "poll": {"question": "Ferry tomorrow?", "closed": False, "total_voters": 3,
                  "answers": [{"text": "Yes", "voters": 3, "chosen": False}]}},
        {"id": 6, **BASE, "from": "Example Channel", "text": "",
         "poll": {"question": ["Rich ", {"type": "bold", "text": "question"}], "answers": []}},
        {"id": 7, **BASE, "from": "Example Channel", "text": "",
         "contact_information": {"first_name": "A", "last_name": "B", "phone_number": "+1"}},
        {"id": 8, **BASE, "from": "Example Channel", "text": "",
         "location_information": {"latitude": 50.45, "longitude": 30.52}},
        {"id": 9, **BASE, "from": None, "text": "Nameless channel post."},
    )  # fmt: skip
    parsed = read(write(tmp_path / "result.json", data))
    by = by_text(parsed)
    signed = by["Signed post."]
    assert (signed.speaker, signed.note) == ("Ivan Petrenko", "signed post in Example Channel")
    hidden = by["Hidden origin, signed forwarder."]
    assert (hidden.speaker, hidden.note) == (UNKNOWN_ORIGIN, "forwarded by Example Channel")
    saved = by["Saved forward."]
    assert saved.speaker == "Coastal Desk"
    assert saved.note == "forwarded by Example Channel; saved from Coastal Desk"
    entities = by[ENTITY_TEXT]  # every entity as its shown text, in order
    assert entities.date is not None and entities.date.iso() == "2024-03-05"  # sent, not edited
    assert by["Ferry tomorrow?"].record == "5"
    assert by["Rich question"].record == "6"
    assert by["Nameless channel post."].speaker == "Example Channel"
    assert not {"7", "8"} & {p.record for p in by.values()}  # a contact, a location
    assert any("2 without text" in w.message for w in parsed.warnings)


def test_group_variants(tmp_path: Path) -> None:
    data = {"name": "A Group", "type": "private_supergroup", "id": 2, "messages": [
        {"id": 1, **BASE, "from": None, "from_id": "user5", "text": "From a deleted account."},
        {"id": 2, **BASE, "from": "Ann Example", "via_bot": "@gifbot", "text": "Via a bot."},
        {"id": 3, **BASE, "from": "A Group", "author": "Owner", "text": "Anonymous admin."},
        {"id": 4, **BASE, "from": "Ann Example", "forwarded_from": "",
         "text": "Empty origin name."},
        {"id": 5, **BASE, "from": None, "forwarded_from": "Desk", "text": "Deleted forwarder."},
    ]}  # fmt: skip
    by = by_text(read(write(tmp_path / "result.json", data)))
    assert by["From a deleted account."].speaker == DELETED  # never the group
    assert (by["Via a bot."].speaker, by["Via a bot."].note) == ("Ann Example", "via @gifbot")
    # in a group, `author` is an anonymous admin's title: the message stays the group's
    assert by["Anonymous admin."].speaker == "A Group"
    assert by["Empty origin name."].speaker == UNKNOWN_ORIGIN
    assert by["Empty origin name."].note == "forwarded by Ann Example"
    assert by["Deleted forwarder."].note == f"forwarded by {DELETED}"  # never by the group


def test_full_account_export_and_saved_messages(tmp_path: Path) -> None:
    saved = {"type": "saved_messages", "id": 9, "messages": [
        {"id": 1, **BASE, "from": "Me Myself", "text": "A note to self."}]}  # fmt: skip
    left = {"name": "Old Channel", "type": "public_channel", "id": 3, "messages": [
        {"id": 1, **BASE, "from": "Old Channel", "text": "From a left channel."}]}  # fmt: skip
    data = {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 1, "first_name": "Me"},
        "chats": {"about": "...", "list": [saved]},
        "left_chats": {"about": "...", "list": [left]},
    }
    by = by_text(read(write(tmp_path / "result.json", data)))
    assert (by["A note to self."].speaker, by["A note to self."].record) == ("Me Myself", "9/1")
    assert by["From a left channel."].record == "3/1"


def test_personal_information_only_is_refused_clearly(tmp_path: Path) -> None:
    data = {"about": "...", "personal_information": {"user_id": 1, "first_name": "Me"},
            "contacts": {"about": "...", "list": []}}  # fmt: skip
    with pytest.raises(SourceError, match=r"without messages.*personal_information"):
        read(write(tmp_path / "result.json", data))


def test_a_group_upgraded_to_a_supergroup_keeps_both_histories(tmp_path: Path) -> None:
    """The old group's messages come first and number from 1 again in the supergroup: both
    are read (no duplicate-record failure), and only the supergroup's get links."""
    data = {"name": "Grown Group", "type": "public_supergroup", "id": 4, "messages": [
        {"id": 1, **BASE, "from": "Ann", "text": "old one"},
        {"id": 2, **BASE, "from": "Ann", "text": "old two"},
        {"id": 1, **BASE, "type": "service", "action": "migrate_from_group", "text": ""},
        {"id": 2, **BASE, "from": "Bob", "text": "new two"},
    ]}  # fmt: skip
    path = write(tmp_path / "result.json", data)
    parsed = parse_source(
        SourceSpec(path=path, format="telegram", speaker="u", link="https://t.me/grown/{id}")
    )
    assert verbatim_failures(parsed) == []
    by = by_text(parsed)
    assert (by["old one"].record, by["old one"].url) == ("old-group/1", None)
    assert (by["new two"].record, by["new two"].url) == ("2", "https://t.me/grown/2")
