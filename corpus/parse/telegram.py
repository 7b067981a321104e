"""Telegram Desktop's JSON export (`result.json`) of one chat, or of all chats.

Layout (tdesktop `export/output/export_output_json.cpp`): one chat is `{name, type, id,
messages: [...]}`; an "all chats" export holds them under `chats.list` (and `left_chats.list`).
A message is `{id, type: "message"|"service", date, date_unixtime, from, forwarded_from,
text, text_entities, ...}`; `text` is a string, or a list of strings and entity objects
`{type, text, href?}` whose `text` is what Telegram shows, so the record text is the pieces'
texts joined in order. A message's record key is its id (`<chat id>/<id>` in an all-chats
export); its passages are the paragraphs of that text. A group upgraded to a supergroup
holds the old group's history first, numbered from 1 again: its keys are
`old-group/<id>`, with no link (`history_splits`).

Speaker: `from`, else the chat's name (a channel post); `from: null` (a deleted account)
outside a channel is unknown, never the chat. A forward (`forwarded_from`) is its origin's
words, credited to the origin and noted as forwarded by the chat or sender; a hidden origin
(`forwarded_from: null`) is unknown. A signed channel post (`author`) is its signer's words,
noted as posted in the channel (the post is the channel's; the signature names who wrote
it). `via_bot` and `saved_from` are noted. A poll without text is its question. Service
messages and messages without text (a photo with no caption, a sticker, a contact, a
location) are skipped and counted in one warning. The date is the export's local `date` with
the UTC offset worked out from `date_unixtime` when both are present.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from corpus.errors import SourceError
from corpus.model import ParseWarning, Passage, PassageDate, SourceSpec
from corpus.parse.records import LineFinder, RecordMeta, RecordSink, link_for, load_json
from corpus.parse.when import date_of, from_unix

Reading = tuple[tuple[Passage, ...], tuple[ParseWarning, ...], dict[str, str]]
CHANNEL_TYPES = ("public_channel", "private_channel")
UNKNOWN_ORIGIN = "unknown (a forward whose origin the export hides)"
DELETED = "unknown (a deleted account)"
# the parts of a full-account export that hold no messages
_ACCOUNT_ONLY = ("personal_information", "contacts", "frequent_contacts", "profile_pictures")


def join_text(value: object) -> str:
    """A message's text as Telegram shows it: a string, or its pieces' texts joined."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return ""
    parts = []
    for piece in value:
        if isinstance(piece, str):
            parts.append(piece)
        elif isinstance(piece, Mapping) and isinstance(piece.get("text"), str):
            parts.append(piece["text"])
    return "".join(parts)


def message_date(message: Mapping[str, Any]) -> PassageDate | None:
    """`date` (the exporter's local clock) with its UTC offset from `date_unixtime`."""
    local = None
    raw = message.get("date")
    if isinstance(raw, str):
        try:
            local = dt.datetime.fromisoformat(raw)
        except ValueError:
            local = None
    unix = message.get("date_unixtime")
    seconds = int(unix) if isinstance(unix, str | int) and str(unix).isdigit() else None
    if local is None:
        return from_unix(seconds) if seconds is not None else None
    if local.tzinfo is None and seconds is not None:
        utc = dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None)
        minutes = round((local - utc).total_seconds() / 60)
        if abs(minutes) <= 14 * 60:
            local = local.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))
    return date_of(local)


def iter_chats(data: object, source: str) -> Iterator[tuple[Mapping[str, Any], bool]]:
    """Each chat of the export, and whether the export holds several (an all-chats one)."""
    if isinstance(data, Mapping) and isinstance(data.get("messages"), list):
        yield data, False
        return
    if isinstance(data, Mapping):
        found = False
        for key in ("chats", "left_chats"):
            group = data.get(key)
            chats = group.get("list") if isinstance(group, Mapping) else None
            for chat in chats if isinstance(chats, list) else ():
                if isinstance(chat, Mapping) and isinstance(chat.get("messages"), list):
                    found = True
                    yield chat, True
        if found:
            return
    if isinstance(data, Mapping) and any(key in data for key in _ACCOUNT_ONLY):
        raise SourceError(
            source,
            1,
            "a Telegram Desktop export without messages (only "
            f"{', '.join(k for k in _ACCOUNT_ONLY if k in data)}): export it again with "
            "the chats ticked, or export one chat (its ⋮ menu, Export chat history)",
        )
    raise SourceError(
        source,
        1,
        "not a Telegram Desktop export: expected an object with `messages` "
        "(one chat) or `chats.list` (all chats); export the chat as JSON",
    )


def parse_telegram(spec: SourceSpec, text: str) -> Reading:
    source = spec.name
    data = load_json(source, text.lstrip("\ufeff"))
    sink = RecordSink(source)
    lines = LineFinder(text)
    skipped = {"service": 0, "without text": 0, "not a message": 0}
    for chat, several in iter_chats(data, source):
        name = chat.get("name") if isinstance(chat.get("name"), str) else None
        chat_name = name or spec.speaker
        channel = chat.get("type") in CHANNEL_TYPES
        messages = chat["messages"]
        histories = history_splits(
            [m.get("id") if isinstance(m, Mapping) else None for m in messages]
        )
        for message, history in zip(messages, histories, strict=True):
            if not isinstance(message, Mapping) or "id" not in message:
                skipped["not a message"] += 1
                continue
            mid = message["id"]
            line = lines.find(f'"id": {mid},', f'"id":{mid},', f'"id": {mid}\n')
            kind = message.get("type", "message")
            if kind != "message":
                skipped["service" if kind == "service" else "not a message"] += 1
                continue
            body = join_text(message.get("text"))
            if not body.strip():
                poll = message.get("poll")
                body = join_text(poll.get("question")) if isinstance(poll, Mapping) else ""
            if not body.strip():
                skipped["without text"] += 1
                continue
            speaker, note = credit(message, chat_name, channel=channel)
            key = history_key(mid, history, histories[-1])
            key = f"{chat.get('id')}/{key}" if several else key
            linked = not several and history == histories[-1]  # an old group has no links
            meta = RecordMeta(
                key=key,
                line=line,
                speaker=speaker,
                date=message_date(message),
                url=link_for(spec.link, mid) if linked else None,
                note=note,
            )
            if not sink.add(meta, body):
                skipped["without text"] += 1
    counted = ", ".join(f"{n} {what}" for what, n in skipped.items() if n)
    if counted:
        sink.warn(1, f"skipped messages: {counted}")
    return tuple(sink.passages), tuple(sink.warnings), sink.records


def history_splits(ids: Sequence[object]) -> list[int]:
    """Which history each message belongs to: 0, 1, … A group upgraded to a supergroup is
    exported as one chat, the old group's messages first and then the supergroup's, and
    each history numbers its messages from 1 (tdesktop `AddMigrateFromSlice`): ids rise
    within a history, so an id not above the one before starts the next. Negative ids
    (the HTML export's day separators) and missing ones belong to the history they sit in.
    """
    out = []
    history = 0
    last: int | None = None
    for value in ids:
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if number is not None and number > 0:
            if last is not None and number <= last:
                history += 1
            last = number
        out.append(history)
    return out


def history_key(mid: object, history: int, newest: int) -> str:
    """The record key: the id in the chat's newest history (where links lead), else
    `old-group/<id>` (`old-group-2/<id>`… when there were several)."""
    if history == newest:
        return str(mid)
    return f"old-group/{mid}" if newest == 1 else f"old-group-{history + 1}/{mid}"


def _text_field(message: Mapping[str, Any], key: str) -> str | None:
    value = message.get(key)
    return value.strip() or None if isinstance(value, str) else None


def credit(message: Mapping[str, Any], chat_name: str, *, channel: bool) -> tuple[str, str | None]:
    """(speaker, note): a forward is its origin's; a signed post its signer's; a post with no
    `from` is the chat's (a `from: null` outside a channel: a deleted account, unknown)."""
    speaker, note = _speaker(message, chat_name, channel=channel)
    extra = []
    bot = _text_field(message, "via_bot")
    if bot:
        extra.append(f"via {bot if bot.startswith('@') else '@' + bot}")
    saved = _text_field(message, "saved_from")
    if saved:
        extra.append(f"saved from {saved}")
    if extra:
        note = "; ".join([note, *extra] if note else extra)
    return speaker, note


def _speaker(
    message: Mapping[str, Any], chat_name: str, *, channel: bool
) -> tuple[str, str | None]:
    sender = _text_field(message, "from")
    if sender is None and "from" in message and not channel:
        poster = DELETED
    else:
        poster = sender or chat_name
    if "forwarded_from" in message:
        origin = _text_field(message, "forwarded_from")
        by = f"forwarded by {chat_name if channel else poster}"
        return origin or UNKNOWN_ORIGIN, by
    signer = _text_field(message, "author")
    if channel and signer and signer != poster:
        return signer, f"signed post in {poster}"
    if channel and sender and sender != chat_name:
        return sender, f"posted in {chat_name}"
    return poster, None
