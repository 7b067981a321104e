"""Telegram Desktop's HTML export (its default format): `messages.html`, `messages2.html`, …

Layout (tdesktop `export/output/export_output_html.cpp`, `HtmlWriter::Wrap::pushMessage`):
a chat's messages are split 1000 a file; each is `<div class="message default clearfix"
id="messageNNN">`, or `… clearfix joined` when it continues the previous message's run (same
sender, same day, within 15 minutes: no `from_name` then). Inside its `div.body`:
`div.pull_right.date.details` whose `title` is the local date and time, `28.08.2025 14:03:12
UTC+03:00` (exports before mid-2022: no offset); `div.from_name` (the sender, ` via @bot`
after it for an inline bot's message); for a forward, `div.forwarded.body` holding the
origin's `div.from_name` (absent when the same origin's run continues) and the rest of the
message; `div.reply_to`; the media (`div.media_wrap`; a poll's `div.question`); `div.text`,
the text or caption; bot buttons; `div.signature` (a signed channel post's author).
`div.message.service` is a service line (joins, pins, date separators): skipped, counted.

The record text of a message is its `div.text` as a browser shows it: HTML entities decoded
(`&amp;` is `&`), `<br>` a line break, links, bold, code, spoilers and custom emoji as their
visible words, no markup. The line break and indentation the exporter writes around the
text for layout are not part of it (Telegram writes a message's own line breaks as `<br>`).
A message with no text but a poll: the poll's question. Every passage is a slice of that.

Speaker: the `from_name`, carried over to the `joined` messages after it (across files too;
a joined message with no named message before it is "unknown", never guessed). A forward is
its origin's words, noted as forwarded by the sender; a hidden origin is "unknown". A signed
channel post is its signer's, noted as posted in the channel. The date keeps the offset the
export writes; Telegram Desktop writes the zone's standard offset, so in summer time in a
zone with daylight saving it is an hour off the clock time beside it: the day and the local
clock time are the export's own. Line numbers are of the message's file. Record keys are
the message ids (`old-group/<id>`, with no link, for an upgraded group's old history, as in
`telegram`; `chats/chat_NN/<id>` in a full export).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from corpus.model import ParseWarning, Passage, PassageDate, SourceSpec
from corpus.parse.parts import part_number
from corpus.parse.records import RecordMeta, RecordSink, link_for
from corpus.parse.telegram import DELETED, history_key, history_splits
from corpus.parse.when import date_of

Reading = tuple[tuple[Passage, ...], tuple[ParseWarning, ...], dict[str, str]]
UNKNOWN_SENDER = "unknown (a message whose sender the export does not name)"
UNKNOWN_ORIGIN = "unknown (a forward whose origin the export hides)"
_LAYOUT = re.compile(r"\r?\n[ \t]*")  # a line break of the HTML file and its indentation
_VIA = re.compile(r"(.+?) via @(\w{1,64})")
_TITLE = re.compile(
    r"\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+(\S.*?))?\s*"
)
# Qt's offset name: `UTC+03:00` (`isoOffsetFormat`), `UTC` for +00:00, or, in Qt 6.8+ on
# some systems, the locale's GMT format (`GMT+03:00`, `غرينتش+٠٣:٠٠`, a minus sign U+2212)
_OFFSET = re.compile(r"\D*?\s*([+\-\u2212])\s*(\d{1,2})(?::?(\d{2}))?")
_ZERO_OFFSET = ("UTC", "GMT", "Z")
_BIDI_MARKS = dict.fromkeys(
    map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u2066\u2067\u2068\u2069")
)
_ID = re.compile(r"-?\d{1,18}")
_SKIPPED = ("reply_to", "media_wrap", "bot_buttons_table", "reactions", "userpic_wrap")


@dataclass(slots=True)
class RawMessage:
    """One `div.message` as the page holds it, before any attribution."""

    id: str
    line: int
    part: str
    service: bool
    joined: bool
    title: str | None = None  # the date's `title`
    sender: list[str] | None = None  # the pieces of `from_name`, when the message has one
    forwarded: bool = False
    origin: list[str] | None = None  # the forwarded body's `from_name`
    text: list[str] | None = None
    question: list[str] | None = None
    signature: list[str] | None = None


def _joined(pieces: list[str] | None) -> str | None:
    return None if pieces is None else "".join(pieces)


@dataclass(slots=True)
class _Open:
    tag: str
    capture: list[str] | None  # where the element's words go (None: nowhere)
    forwarded: bool = False
    skipped: bool = False  # inside a reply, media, buttons: no message text there
    message: bool = False


class ExportPage:
    """Hands each `div.message` of one page to `on_message`; keeps the page's chat name.

    Driven by `read_page` (or by any HTML tokenizer: `start`, `end`, `data`, `close`)."""

    def __init__(self, part: str, on_message: Callable[[RawMessage], None]) -> None:
        self.part = part
        self.chat_name: str | None = None
        self._header: list[str] | None = None
        self._on_message = on_message
        self._open: list[_Open] = []
        self._message: RawMessage | None = None
        self.messages = 0  # `div.message`s seen
        self.capture: list[str] | None = None  # where text goes now (None: nowhere)

    def start(self, tag: str, attrs: Mapping[str, str | None], line: Callable[[], int]) -> None:
        """An opening tag (`tag` in lower case, entities in `attrs` decoded); `line()` gives
        its 1-based line, asked only for a message. Only `div` and `span` shape the page
        (the inline tags of a text, `a`, `strong`, `code`…, change nothing but `br`)."""
        if tag != "div" and tag != "span":
            if tag == "br" and self.capture is not None:
                self.capture.append("\n")
            return
        top = self._open[-1] if self._open else None
        entry = _Open(tag, self.capture)
        if top is not None:
            entry.forwarded, entry.skipped = top.forwarded, top.skipped
        if attrs:
            self._classify(entry, attrs, line)
        self._open.append(entry)
        self.capture = entry.capture

    def _classify(
        self, entry: _Open, values: Mapping[str, str | None], line: Callable[[], int]
    ) -> None:
        classes = (values.get("class") or "").split()
        if not classes:
            return
        message = self._message
        ident = values.get("id") or ""
        if "message" in classes and ident.startswith("message") and entry.tag == "div":
            self._finish()
            self._open.clear()
            self.capture = None
            entry.capture, entry.forwarded, entry.skipped = None, False, False
            entry.message = True
            self.messages += 1
            self._message = RawMessage(
                id=ident[len("message") :],
                line=line(),
                part=self.part,
                service="service" in classes,
                joined="joined" in classes,
            )
            return
        if message is None:
            if "page_header" in classes:
                self._header = []
            elif "text" in classes and self._header is not None:
                entry.capture = self._header
            return
        if entry.skipped:
            if "question" in classes and message.question is None:
                entry.capture = message.question = []
            return
        if "from_name" in classes:
            if entry.forwarded:
                entry.capture = message.origin = []
            else:
                entry.capture = message.sender = []
        elif "date" in classes and "details" in classes:
            title = values.get("title")
            if not entry.forwarded and message.title is None and title is not None:
                message.title = title
            entry.capture = None
        elif "forwarded" in classes and "body" in classes:
            message.forwarded = entry.forwarded = True
        elif "text" in classes and entry.tag == "div":
            entry.capture = message.text = []
        elif "signature" in classes:
            entry.capture = message.signature = []
        elif "details" in classes and entry.tag == "span":
            entry.capture = None  # the forward's date (before 2022: `span.details`, no title)
        elif any(name in classes for name in _SKIPPED):
            entry.skipped, entry.capture = True, None

    def end(self, tag: str) -> None:
        """A closing tag: closes the innermost open element of that name (and any left open
        inside it, as a browser does); one with no such element open is ignored."""
        if tag != "div" and tag != "span":
            return
        opened = self._open
        if opened and opened[-1].tag == tag and not opened[-1].message and self._header is None:
            opened.pop()  # the usual case: the innermost element closes
            self.capture = opened[-1].capture if opened else None
            return
        for depth in range(len(opened) - 1, -1, -1):
            if opened[depth].tag == tag:
                closed = opened[depth]
                del opened[depth:]
                self.capture = opened[-1].capture if opened else None
                if closed.message:
                    self._finish()
                elif self._header:
                    self.chat_name = "".join(self._header).strip() or None
                    self._header = None
                return

    def data(self, text: str) -> None:
        """Text between tags, entities decoded."""
        capture = self.capture
        if capture is not None:
            capture.append(_LAYOUT.sub("", text) if "\n" in text else text)

    def close(self) -> None:
        self._finish()

    def _finish(self) -> None:
        if self._message is not None:
            message, self._message = self._message, None
            self._on_message(message)


# a comment, or a tag: `<name attrs>` / `</name>` (quoted attribute values may hold `>`)
_TOKEN = re.compile(
    r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.DOTALL
)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


_QUOTED = re.compile(r'([^\s"\'>/=]+)\s*=\s*"([^"]*)"')
_NO_ATTRIBUTES: Mapping[str, str | None] = {}


def attributes(inner: str) -> dict[str, str | None]:
    """A tag's attributes (names in lower case, values with entities decoded)."""
    if "'" not in inner and "&" not in inner and inner.count("=") * 2 == inner.count('"'):
        # Telegram Desktop's own form, name="value" only: one scan
        return {name.lower(): value for name, value in _QUOTED.findall(inner)}
    out: dict[str, str | None] = {}
    for found in _ATTR.finditer(inner):
        name, double, single, bare = found.groups()
        value = double if double is not None else single if single is not None else bare
        out.setdefault(name.lower(), None if value is None else unescape(value))
    return out


def read_page(text: str, page: ExportPage) -> None:
    """Feed one page's tags and text to `page`.

    A tag scan with one regular expression, and `html.unescape` for text and attribute
    values, as `html.parser` decodes them: Telegram Desktop writes every attribute quoted
    and escaped, and its text escaped, so a scan reads its pages exactly as `html.parser`
    does (tests/test_parse_telegram_html.py drives this reader with both and compares, on
    generated pages with hostile text), in 40% of the CPU time: 7.0 s instead of 12.5 s for
    a 100,000-message export (66 MB), 2.5 times faster on the pages themselves."""
    at = 0
    begin = 0
    line_at, line = 0, 1

    def line_here() -> int:
        nonlocal line_at, line
        line += text.count("\n", line_at, begin)
        line_at = begin
        return line

    start, end, data = page.start, page.end, page.data
    for found in _TOKEN.finditer(text):
        begin = found.start()
        if begin > at and page.capture is not None:
            piece = text[at:begin]
            data(unescape(piece) if "&" in piece else piece)
        at = found.end()
        closing, name, inner = found.groups()
        if name is None:  # a comment
            continue
        name = name.lower()
        if closing:
            end(name)
        elif (name == "div" or name == "span") and "class" in inner:
            start(name, attributes(inner), line_here)
        else:
            start(name, _NO_ATTRIBUTES, line_here)
    if at < len(text) and page.capture is not None:
        tail = text[at:]
        page.data(unescape(tail) if "&" in tail else tail)
    page.close()


def title_date(title: str | None) -> PassageDate | None:
    """`28.08.2025 14:03:12 UTC+03:00` (or without the offset: local time, zone unknown)."""
    if not title:
        return None
    found = _TITLE.fullmatch(title)
    if found is None:
        return None
    day, month, year, hour, minute, second, zone = found.groups()
    try:
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
        )
    except ValueError:
        return None
    zone = (zone or "").translate(_BIDI_MARKS).strip()
    offset = _OFFSET.fullmatch(zone) if zone else None
    if offset is not None:
        sign, hours, minutes = offset.groups()
        total = int(hours) * 60 + int(minutes or 0)
        if total <= 14 * 60:
            shift = dt.timedelta(minutes=total if sign == "+" else -total)
            moment = moment.replace(tzinfo=dt.UTC if not total else dt.timezone(shift))
    elif zone.upper() in _ZERO_OFFSET:
        moment = moment.replace(tzinfo=dt.UTC)
    return date_of(moment)


@dataclass(slots=True)
class ChatRun:
    """What a `joined` message inherits from the message before it in the same chat."""

    sender: str | None = None
    origin: str | None = None
    via: str | None = None


def split_via(name: str) -> tuple[str, str | None]:
    """`Jane via @somebot` -> (`Jane`, `somebot`); tdesktop's placeholder for an account
    with no name, `Deleted Account`, is said as unknown (as the JSON reader says it)."""
    found = _VIA.fullmatch(name)
    name, via = (found.group(1), found.group(2)) if found else (name, None)
    return (DELETED if name == "Deleted Account" else name), via


def credit(message: RawMessage, run: ChatRun) -> tuple[str, str | None]:
    """(speaker, note) of one default message, updating the chat's run."""
    named = _joined(message.sender)
    if named is not None and named.strip():
        run.sender, run.via = split_via(named.strip())
        run.origin = None
    elif not message.joined:
        run.sender, run.via, run.origin = None, None, None
    sender = run.sender
    notes = []
    if message.forwarded:
        origin = _joined(message.origin)
        if origin is not None and origin.strip():
            run.origin, via = split_via(origin.strip())
            run.via = via or run.via
        elif not message.joined:
            run.origin = None
        speaker = run.origin or UNKNOWN_ORIGIN
        notes.append(f"forwarded by {sender or 'an unnamed sender'}")
    else:
        run.origin = None
        signer = (_joined(message.signature) or "").strip()
        if signer and sender and signer != sender:
            speaker = signer
            notes.append(f"signed post in {sender}")
        else:
            speaker = sender or UNKNOWN_SENDER
    if run.via:
        notes.append(f"via @{run.via}")
    return speaker, "; ".join(notes) or None


@dataclass(slots=True)
class HtmlReader:
    """Reads the pages of one source in order into a `RecordSink`."""

    spec: SourceSpec
    several: bool
    sink: RecordSink = field(init=False)
    skipped: dict[str, int] = field(init=False)
    runs: dict[str, ChatRun] = field(default_factory=dict)
    pending: list[RawMessage] = field(default_factory=list)
    undated: int = 0

    def __post_init__(self) -> None:
        self.sink = RecordSink(self.spec.name)
        self.skipped = {"service": 0, "without text": 0}

    def add(self, message: RawMessage) -> None:
        """Keep a message until the chat is read (`finish`): its history is known then."""
        self.pending.append(message)

    def finish(self) -> None:
        """Each kept message in order, with the history it belongs to (`history_splits`)."""
        chats: dict[str, list[RawMessage]] = {}
        for message in self.pending:
            chats.setdefault(message.part.rpartition("/")[0], []).append(message)
        self.pending = []
        for chat, messages in chats.items():
            ids = [int(m.id) if _ID.fullmatch(m.id) else None for m in messages]
            histories = history_splits(ids)
            for message, history in zip(messages, histories, strict=True):
                self.read(chat, message, history, histories[-1])

    def read(self, chat: str, message: RawMessage, history: int, newest: int) -> None:
        if message.service:
            if not message.id.startswith("-"):  # negative ids: the day separators
                self.skipped["service"] += 1
            return
        run = self.runs.setdefault(chat, ChatRun())
        speaker, note = credit(message, run)
        body = _joined(message.text)
        if body is None or not body.strip():
            body = _joined(message.question)
        if body is None or not body.strip():
            self.skipped["without text"] += 1
            return
        date = title_date(message.title)
        self.undated += date is None
        several = self.several and chat
        key = history_key(message.id, history, newest)
        linked = not several and history == newest  # an old group's messages have no links
        meta = RecordMeta(
            key=f"{chat}/{key}" if several else key,
            line=message.line,
            speaker=speaker,
            date=date,
            url=link_for(self.spec.link, message.id) if linked else None,
            note=note,
        )
        if not self.sink.add(meta, body):
            self.skipped["without text"] += 1


def parse_telegram_html(
    spec: SourceSpec, pages: Iterable[tuple[str, str]], *, several: bool | None = None
) -> Reading:
    """The messages of `pages` ((name inside the source, decoded HTML), in export order),
    read one page at a time; `several`: the pages hold more than one chat (`chats/chat_NN/`
    names; worked out from `pages` when not given)."""
    if several is None:
        pages = list(pages)
        several = len({name.rpartition("/")[0] for name, _ in pages}) > 1
    reader = HtmlReader(spec, several=several)
    sink = reader.sink
    for name, text in pages:
        page = ExportPage(name, reader.add)
        read_page(text, page)
        if page.chat_name is None and not page.messages:
            sink.warn(1, f"{name}: no Telegram Desktop chat in it (no page header, no messages)")
    reader.finish()
    counted = ", ".join(f"{n} {what}" for what, n in reader.skipped.items() if n)
    if counted:
        sink.warn(1, f"skipped messages: {counted}")
    if reader.undated:
        sink.warn(1, f"{reader.undated} message(s) without a readable date: undated")
    _warn_unread_parts(spec, sink)
    return tuple(sink.passages), tuple(sink.warnings), sink.records


def _warn_unread_parts(spec: SourceSpec, sink: RecordSink) -> None:
    """A single `messages.html` given while `messages2.html`… sit beside it: say so."""
    path = Path(spec.path)
    if path.is_dir() or part_number(path.name) is None:
        return
    try:
        others = sorted(p.name for p in path.parent.iterdir() if p != path and part_number(p.name))
    except OSError:
        return
    if others:
        shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
        sink.warn(
            1,
            f"only this file is read; {shown} beside it hold more of the chat: "
            "give the folder as path to read them all",
        )
