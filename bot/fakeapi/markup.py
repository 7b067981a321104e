"""Telegram's HTML parse mode, checked the way the Bot API does, plus UTF-16 lengths.

`parse_telegram_html` turns Telegram HTML into (plain text, entities) or raises
`TelegramHtmlError` whose `description` is Telegram's 400 body, e.g.
`Bad Request: can't parse entities: Unsupported start tag "foo" at byte offset 3`.

It is stricter than Telegram in a few places that Telegram's own docs forbid but its parser
tolerates (so they are bot bugs that render wrongly): a bare `&`, `<` or `>` not part of a tag
or entity, unknown named entities such as `&nbsp;`, nested blockquotes, and tags inside
`code`/`pre`. Those refusals use the fake's own wording, marked "(strict)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.fakeapi.errors import ApiError
from bot.render import utf16_len  # Telegram's unit of limits and entity offsets

ALLOWED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
        "tg-spoiler", "tg-emoji", "tg-time", "code", "pre", "blockquote",
    }
)  # fmt: skip
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([A-Za-z][A-Za-z0-9]*));")
_TOKEN_RE = re.compile(r"[A-Za-z0-9.\-]*")
_STRIP = " \t\n\r"


class TelegramHtmlError(ApiError):
    """Telegram's `can't parse entities` refusal; `description` is the full 400 text."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Bad Request: can't parse entities: {message}", status=400)
        self.message = message


@dataclass
class _Open:
    tag: str
    attrs: dict[str, str | None]
    start: int  # UTF-16 offset in the plain text
    byte: int  # byte offset of '<' in the source
    language: str | None = None
    children: list[str] = field(default_factory=list)


def parse_telegram_html(html: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entity dicts) or raise `TelegramHtmlError`."""
    return _HtmlParser(html).run()


class _HtmlParser:
    def __init__(self, html: str) -> None:
        self.src = html
        self.pos = 0
        self.out: list[str] = []
        self.u16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def byte(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8", "surrogatepass"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.u16 += utf16_len(text)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src = self.src
        while self.pos < len(src):
            ch = src[self.pos]
            if ch == "&":
                self.emit(self.entity())
            elif ch == "<":
                if src.startswith("</", self.pos):
                    self.end_tag()
                else:
                    self.start_tag()
            elif ch == ">":
                raise TelegramHtmlError(
                    f'Unescaped ">" at byte offset {self.byte(self.pos)} (strict)'
                )
            else:
                nxt = self.next_special(self.pos)
                self.emit(src[self.pos : nxt])
                self.pos = nxt
                continue
        if self.stack:
            raise TelegramHtmlError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        return _strip("".join(self.out), self.entities)

    def next_special(self, start: int) -> int:
        hits = [i for i in (self.src.find(c, start) for c in "&<>") if i >= 0]
        return min(hits) if hits else len(self.src)

    def entity(self) -> str:
        m = _ENTITY_RE.match(self.src, self.pos)
        at = self.byte(self.pos)
        if not m:
            raise TelegramHtmlError(f'Unescaped "&" at byte offset {at} (strict)')
        dec, hexa, name = m.groups()
        if name is not None:
            if name not in _NAMED:
                raise TelegramHtmlError(
                    f'Unsupported HTML entity "&{name};" at byte offset {at} (strict)'
                )
            value = _NAMED[name]
        else:
            code = int(dec) if dec is not None else int(hexa, 16)
            if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise TelegramHtmlError(
                    f'Invalid numeric entity "{m.group(0)}" at byte offset {at} (strict)'
                )
            value = chr(code)
        self.pos = m.end()
        return value

    def start_tag(self) -> None:
        src, begin = self.src, self.pos
        at = self.byte(begin)
        i = begin + 1
        while i < len(src) and not src[i].isspace() and src[i] != ">":
            i += 1
        if i >= len(src):
            raise TelegramHtmlError(f"Unclosed start tag at byte offset {at}")
        tag = src[begin + 1 : i].lower()
        if tag not in ALLOWED_TAGS:
            raise TelegramHtmlError(f'Unsupported start tag "{tag}" at byte offset {at}')
        attrs, i = self.attributes(tag, i, at)
        self.pos = i + 1
        self.check_start(tag, attrs, at)
        self.stack.append(_Open(tag, attrs, self.u16, at))

    def attributes(self, tag: str, i: int, at: int) -> tuple[dict[str, str | None], int]:
        src = self.src
        attrs: dict[str, str | None] = {}
        while True:
            while i < len(src) and src[i].isspace():
                i += 1
            if i >= len(src):
                raise TelegramHtmlError(f"Unclosed start tag at byte offset {at}")
            if src[i] == ">":
                return attrs, i
            name_start = i
            while i < len(src) and not src[i].isspace() and src[i] not in "=>":
                i += 1
            name = src[name_start:i].lower()
            if not name:
                raise TelegramHtmlError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {at}'
                )
            while i < len(src) and src[i].isspace():
                i += 1
            if i >= len(src) or src[i] != "=":
                attrs[name] = None
                continue
            i += 1
            while i < len(src) and src[i].isspace():
                i += 1
            if i >= len(src):
                raise TelegramHtmlError(f"Unclosed start tag at byte offset {at}")
            if src[i] in "\"'":
                quote, i = src[i], i + 1
                end = src.find(quote, i)
                if end < 0:
                    raise TelegramHtmlError(f"Unclosed start tag at byte offset {at}")
                attrs[name] = _decode_attr(src[i:end])
                i = end + 1
            else:
                m = _TOKEN_RE.match(src, i)
                assert m is not None
                if not m.group(0):
                    raise TelegramHtmlError(
                        f'Expected quote in declaration of an attribute of the tag "{tag}" '
                        f"at byte offset {at}"
                    )
                attrs[name] = m.group(0).lower()
                i = m.end()

    def check_start(self, tag: str, attrs: dict[str, str | None], at: int) -> None:
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise TelegramHtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        if tag == "tg-emoji" and not (attrs.get("emoji-id") or "").isdigit():
            raise TelegramHtmlError("Invalid custom emoji identifier specified")
        if tag == "tg-time" and not (attrs.get("unix") or "").lstrip("-").isdigit():
            raise TelegramHtmlError(f'Tag "tg-time" must have attribute "unix" at byte offset {at}')
        for open_ in self.stack:
            if tag == "blockquote" and open_.tag == "blockquote":
                raise TelegramHtmlError(
                    f"Blockquote entities can't be nested at byte offset {at} (strict)"
                )
            if open_.tag in ("code", "pre") and not (
                tag == "code" and open_.tag == "pre" and open_ is self.stack[-1]
            ):
                raise TelegramHtmlError(
                    f'Tag "{tag}" can\'t be nested in "{open_.tag}" at byte offset {at} (strict)'
                )

    def end_tag(self) -> None:
        src, begin = self.src, self.pos
        at = self.byte(begin)
        if not self.stack:
            raise TelegramHtmlError(f"Unexpected end tag at byte offset {at}")
        i = begin + 2
        while i < len(src) and not src[i].isspace() and src[i] != ">":
            i += 1
        name = src[begin + 2 : i].lower()
        while i < len(src) and src[i].isspace():
            i += 1
        if i >= len(src) or src[i] != ">":
            raise TelegramHtmlError(f"Unclosed end tag at byte offset {at}")
        top = self.stack[-1]
        if name and name != top.tag:
            raise TelegramHtmlError(
                f'Unmatched end tag at byte offset {at}, expected "</{top.tag}>", found "</{name}>"'
            )
        self.pos = i + 1
        self.stack.pop()
        self.close(top)

    def close(self, top: _Open) -> None:
        length = self.u16 - top.start
        parent = self.stack[-1] if self.stack else None
        if top.tag == "code" and parent is not None and parent.tag == "pre":
            cls = top.attrs.get("class") or ""
            if cls.startswith("language-") and len(cls) > len("language-"):
                parent.language = cls[len("language-") :]
            return
        if length <= 0:
            return
        entity: dict[str, Any] = {"offset": top.start, "length": length}
        if top.tag in _SIMPLE:
            entity["type"] = _SIMPLE[top.tag]
        elif top.tag == "a":
            href = top.attrs.get("href")
            if not href:
                return
            entity.update(type="text_link", url=href)
        elif top.tag == "tg-emoji":
            entity.update(type="custom_emoji", custom_emoji_id=top.attrs["emoji-id"])
        elif top.tag == "tg-time":
            entity.update(type="date_time", unix_time=int(top.attrs["unix"] or 0))
            if top.attrs.get("format"):
                entity["date_time_format"] = top.attrs["format"]
        elif top.tag == "code":
            entity["type"] = "code"
        elif top.tag == "pre":
            entity["type"] = "pre"
            if top.language:
                entity["language"] = top.language
        else:  # blockquote
            expandable = "expandable" in top.attrs
            entity["type"] = "expandable_blockquote" if expandable else "blockquote"
        self.entities.append(entity)


def _decode_attr(raw: str) -> str:
    """Decode the entities Telegram allows inside a quoted attribute value."""

    def one(m: re.Match[str]) -> str:
        dec, hexa, name = m.groups()
        if name is not None:
            return _NAMED.get(name, m.group(0))
        code = int(dec) if dec is not None else int(hexa, 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)

    return _ENTITY_RE.sub(one, raw)


def _strip(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace like Telegram, moving and clipping entities to match."""
    lead = len(text) - len(text.lstrip(_STRIP))
    stripped = text.strip(_STRIP)
    size = utf16_len(stripped)
    out = []
    for ent in entities:
        start = max(ent["offset"] - lead, 0)
        end = min(ent["offset"] + ent["length"] - lead, size)
        if end > start:
            out.append({**ent, "offset": start, "length": end - start})
    out.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, out


def check_entities(text: str, entities: object) -> list[dict[str, Any]]:
    """Validate explicit `entities` against `text` (UTF-16 bounds); return them as dicts."""
    if not isinstance(entities, list):
        raise ApiError("Bad Request: can't parse entities JSON object", status=400)
    size = utf16_len(text)
    out = []
    for ent in entities:
        if not isinstance(ent, dict) or not isinstance(ent.get("type"), str):
            raise ApiError("Bad Request: can't parse MessageEntity: Can't find field \"type\"")
        offset, length = ent.get("offset"), ent.get("length")
        if not isinstance(offset, int) or not isinstance(length, int):
            raise ApiError("Bad Request: can't parse MessageEntity: Field \"offset\" must be "
                           "of type Integer")  # fmt: skip
        if offset < 0 or length <= 0 or offset + length > size:
            continue  # Telegram silently drops entities outside the text
        out.append(dict(ent))
    return out
