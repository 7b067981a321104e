"""Generated Telegram Desktop HTML exports (never real data), written the way tdesktop's
`export_output_html.cpp` writes them: block tags on their own indented lines, the text
escaped by `SerializeString` (`\\n` as `<br>`, `&"'<>` as entities, control characters as
`&#x0N;`), 1000 messages a file, a day-separator service line before each new day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

# a text piece: plain words, or (kind, words, href) with kind bold/italic/link/text_link/
# code/pre/spoiler/custom_emoji/blockquote/mention/hashtag/strike/underline
Piece = str | tuple[str, str, str]


def serialize(value: str) -> str:
    out = []
    for ch in value:
        if ch in "\n\u2028\u2029":
            out.append("<br>")
        elif ch == '"':
            out.append("&quot;")
        elif ch == "&":
            out.append("&amp;")
        elif ch == "'":
            out.append("&apos;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ord(ch) < 32:
            out.append(f"&#x{ord(ch):02X};")
        else:
            out.append(ch)
    return "".join(out)


def format_text(pieces: Sequence[Piece]) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(serialize(piece))
            continue
        kind, words, href = piece
        text = serialize(words)
        out.append(
            {
                "bold": f"<strong>{text}</strong>",
                "italic": f"<em>{text}</em>",
                "underline": f"<u>{text}</u>",
                "strike": f"<s>{text}</s>",
                "code": f"<code>{text}</code>",
                "pre": f"<pre>{text}</pre>",
                "blockquote": f"<blockquote>{text}</blockquote>",
                "link": f'<a href="{text}">{text}</a>',
                "text_link": f'<a href="{serialize(href)}">{text}</a>',
                "mention": f'<a href="https://t.me/{text[1:]}">{text}</a>',
                "hashtag": f'<a href="" onclick="return ShowHashtag(&quot;{text[1:]}&quot;)">'
                f"{text}</a>",
                "spoiler": '<span class="spoiler hidden" onclick="ShowSpoiler(this)">'
                f'<span aria-hidden="true">{text}</span></span>',
                "custom_emoji": f'<a href = "stickers/sticker.webp">{text}</a>',
            }[kind]
        )
    return "".join(out)


@dataclass
class Msg:
    id: int
    when: dt.datetime
    sender: str | None = None  # None: a `joined` message (no from_name)
    text: Sequence[Piece] | str = ""
    forwarded_from: str | None = None  # the origin's name
    forward_named: bool = True  # False: the forwarded body has no from_name (a joined run)
    reply_to: int | None = None
    photo: bool = False
    poll: str | None = None
    signature: str | None = None
    via: str | None = None
    buttons: Sequence[str] = ()
    service: str | None = None  # a service message's words (then nothing else counts)


@dataclass
class Tags:
    out: list[str] = field(default_factory=list)
    depth: int = 0

    def push(self, tag: str, **attrs: str) -> None:
        inner = "".join(
            f' {name.rstrip("_")}="{serialize(value)}"' for name, value in attrs.items()
        )
        self.out.append(f"\n{' ' * self.depth}<{tag}{inner}>\n")
        self.depth += 1

    def div(self, classes: str, **attrs: str) -> None:
        self.push("div", class_=classes, **attrs)

    def pop(self, tag: str = "div") -> None:
        self.depth -= 1
        self.out.append(f"\n{' ' * self.depth}</{tag}>\n")

    def raw(self, text: str) -> None:
        self.out.append(text)


def title_of(when: dt.datetime, *, offset: bool) -> str:
    stamp = when.strftime("%d.%m.%Y %H:%M:%S")
    if not offset or when.utcoffset() is None:
        return stamp
    minutes = int(when.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
    sign = "+" if minutes >= 0 else "-"
    return f"{stamp} UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def write_message(tags: Tags, msg: Msg, *, offset: bool) -> None:
    if msg.service is not None:
        tags.div("message service", id=f"message{msg.id}")
        tags.div("body details")
        tags.raw(serialize(msg.service))
        tags.pop()
        tags.pop()
        return
    joined = msg.sender is None
    tags.div("message default clearfix" + (" joined" if joined else ""), id=f"message{msg.id}")
    if not joined:
        tags.div("pull_left userpic_wrap")
        tags.div("userpic userpic1", style="width: 42px; height: 42px")
        tags.div("initials", style="line-height: 42px")
        tags.raw("AB")
        tags.pop()
        tags.pop()
        tags.pop()
    tags.div("body")
    tags.div("pull_right date details", title=title_of(msg.when, offset=offset))
    tags.raw(msg.when.strftime("%H:%M"))
    tags.pop()
    via = f" via @{msg.via}" if msg.via else ""
    if not joined:
        tags.div("from_name")
        tags.raw(serialize(msg.sender or "") + (via if msg.forwarded_from is None else ""))
        tags.pop()
    if msg.forwarded_from is not None:
        if msg.forward_named:
            tags.div("pull_left forwarded userpic_wrap")
            tags.pop()
        tags.div("forwarded body")
        if msg.forward_named:
            tags.div("from_name")
            origin_date = title_of(msg.when - dt.timedelta(days=1), offset=offset)
            tags.raw(serialize(msg.forwarded_from) + via)
            if offset:
                tags.raw(f'<span class="date details" title="{origin_date}"> {origin_date}</span>')
            else:  # before mid-2022: no title and no offset
                tags.raw(f'<span class="details"> {origin_date}</span>')
            tags.pop()
    if msg.reply_to is not None:
        tags.div("reply_to details")
        tags.raw(f'In reply to <a href="#go_to_message{msg.reply_to}" ')
        tags.raw(f'onclick="return GoToMessage({msg.reply_to})">this message</a>')
        tags.pop()
    if msg.photo:
        tags.div("media_wrap clearfix")
        tags.push("a", class_="photo_wrap clearfix pull_left", href="photos/photo_1.jpg")
        tags.raw('<img class="photo" src="photos/photo_1_thumb.jpg" style="width: 260px">')
        tags.pop("a")
        tags.pop()
    if msg.poll is not None:
        tags.div("media_wrap clearfix")
        tags.div("media_poll")
        tags.div("question bold")
        tags.raw(serialize(msg.poll))
        tags.pop()
        tags.div("details")
        tags.raw("Anonymous poll")
        tags.pop()
        tags.div("answer")
        tags.raw('- Yes <span class="details">3 votes</span>')
        tags.pop()
        tags.div("total details\t")
        tags.raw("3 votes")
        tags.pop()
        tags.pop()
        tags.pop()
    text = format_text([msg.text] if isinstance(msg.text, str) else msg.text)
    if text:
        tags.div("text")
        tags.raw(text)
        tags.pop()
    if msg.buttons:
        tags.push("table", class_="bot_buttons_table")
        tags.push("tbody")
        tags.push("tr")
        tags.push("td", class_="bot_button_row")
        for words in msg.buttons:
            tags.div("bot_button")
            tags.push("a", href="https://example.org")
            tags.push("div")
            tags.raw(words)  # tdesktop writes a button's words unescaped
            tags.pop()
            tags.pop("a")
            tags.pop()
        tags.pop("td")
        tags.pop("tr")
        tags.pop("tbody")
        tags.pop("table")
    if msg.signature:
        tags.div("signature details")
        tags.raw(serialize(msg.signature))
        tags.pop()
    if msg.forwarded_from is not None:
        tags.pop()
    tags.pop()  # body
    tags.pop()  # message


def page(chat: str, messages: Sequence[Msg], *, part: int, parts: int, offset: bool) -> str:
    tags = Tags()
    tags.raw('<!DOCTYPE html>\n<html>\n\n <head>\n\n  <meta charset="utf-8"/>\n')
    tags.raw("<title>Exported Data</title>\n")
    tags.raw('<link href="css/style.css" rel="stylesheet"/>\n</head>\n')
    tags.raw('<body onload="CheckLocation();">\n')
    tags.depth = 1
    tags.div("page_wrap")
    tags.div("page_header")
    tags.div("content")
    tags.div("text bold")
    tags.raw(serialize(chat))
    tags.pop()
    tags.pop()
    tags.pop()
    tags.div("page_body chat_page")
    tags.div("history")
    if part > 1:
        before = "messages.html" if part == 2 else f"messages{part - 1}.html"
        tags.push("a", class_="pagination block_link", href=before)
        tags.raw("Previous messages")
        tags.pop("a")
    day = None
    separator = -1 - 1000 * part
    for msg in messages:
        if msg.when.date() != day:
            day = msg.when.date()
            write_message(
                tags, Msg(separator, msg.when, service=day.strftime("%d %B %Y")), offset=offset
            )
            separator -= 1
        write_message(tags, msg, offset=offset)
    if part < parts:
        tags.push("a", class_="pagination block_link", href=f"messages{part + 1}.html")
        tags.raw("Next messages")
        tags.pop("a")
    tags.pop()
    tags.pop()
    tags.pop()
    tags.raw("\n </body>\n\n</html>\n")
    return "".join(tags.out)


def write_export(
    folder: Path,
    chat: str,
    messages: Sequence[Msg],
    *,
    per_file: int = 1000,
    offset: bool = True,
) -> list[Path]:
    """The chat's `messages.html`, `messages2.html`, … in `folder` (with css/, js/, photos/)."""
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("css", "js", "photos"):
        (folder / sub).mkdir(exist_ok=True)
    (folder / "css" / "style.css").write_text("body {}\n", "utf-8")
    chunks = [messages[i : i + per_file] for i in range(0, len(messages), per_file)] or [[]]
    paths = []
    for number, chunk in enumerate(chunks, start=1):
        name = "messages.html" if number == 1 else f"messages{number}.html"
        path = folder / name
        html = page(chat, chunk, part=number, parts=len(chunks), offset=offset)
        path.write_text(html, "utf-8")
        paths.append(path)
    return paths
