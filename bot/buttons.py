"""The button and deep-link protocol: what a button's callback data and a `/start` payload say.

Built and read only here. Callback data: `p:<token>:<page>` turns a page, `c:<id>` shows a
passage's context, `k:<id>[:<start>:<end>]` a ready citation of a passage (or of the
characters `start:end` of its text, a quote's matched words), `r` another random passage,
`n` nothing (the page counter, the arrows at the ends). Deep links
(`https://t.me/<bot>?start=<payload>`): `q_<id>` a passage, `c_<id>` its context,
`s_<token>` a saved list, `help`. Telegram's limits come from `telegram.constants`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from telegram.constants import CallbackQueryLimit, InlineKeyboardButtonLimit
from telegram.helpers import create_deep_linked_url

from corpus.model import PASSAGE_ID_RE

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,16}")  # a saved list's token (bot/state.py makes them)
MAX_CALLBACK_BYTES = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
MAX_NOTICE_CHARS = CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH

NOOP = "n"
ANOTHER = "r"
HELP = "help"
PAGE_DATA_RE = re.compile(rf"p:({TOKEN_RE.pattern}):(\d{{1,8}})")  # window*10000+page
CONTEXT_DATA_RE = re.compile(rf"c:({PASSAGE_ID_RE.pattern})")
SPEAKER_DATA_RE = re.compile(r"sp:(\d{1,9})")
PERIOD_DATA_RE = re.compile(rf"tl:({TOKEN_RE.pattern}):(\d{{8}})")
DATE_DATA_RE = re.compile(r"d:([0-9a-z -]{1,60})")
CITE_DATA_RE = re.compile(rf"k:({PASSAGE_ID_RE.pattern})(?::(\d{{1,7}}):(\d{{1,7}}))?")


@dataclass(frozen=True, slots=True)
class TurnPage:
    """`◀`/`▶`: show page `page` (0-based) of the saved list `token`."""

    token: str
    page: int


@dataclass(frozen=True, slots=True)
class ShowContext:
    """`Context`: the passages around `passage_id` (a button, or the `c_` deep link)."""

    passage_id: str


@dataclass(frozen=True, slots=True)
class CitePassage:
    """`Cite`: a ready citation of `passage_id`, of its text's `[start:end]` when given."""

    passage_id: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class ShowPassage:
    """The `q_` deep link: one passage."""

    passage_id: str


@dataclass(frozen=True, slots=True)
class ReopenList:
    """`More in private` (the `s_` deep link): a saved list from its first page."""

    token: str


@dataclass(frozen=True, slots=True)
class Another:
    """`Another`: one more random passage."""


@dataclass(frozen=True, slots=True)
class Nothing:
    """A button that does nothing (the page counter, an arrow at the end)."""


@dataclass(frozen=True, slots=True)
class ShowHelp:
    """The `help` deep link (the inline mode's `How to use` button)."""


@dataclass(frozen=True, slots=True)
class ShowSpeaker:
    """A name under /speakers: that speaker's passages (`speaker_id`: the index's id)."""

    speaker_id: int


@dataclass(frozen=True, slots=True)
class ShowDate:
    """The other reading of an ambiguous date (`text`: its unambiguous form)."""

    text: str


@dataclass(frozen=True, slots=True)
class ShowPeriod:
    """A bar of a /timeline: the passages of that week or month (`token`: the saved query;
    `first`: the period's first day, yyyymmdd)."""

    token: str
    first: int


Press = (
    TurnPage | ShowContext | CitePassage | Another | Nothing | ShowSpeaker | ShowDate | ShowPeriod
)
Start = ShowPassage | ShowContext | ReopenList | ShowHelp


def page_data(token: str, page: int) -> str:
    """The callback data of a button turning to `page` of list `token`."""
    return f"p:{token}:{page}"


def context_data(passage_id: str) -> str:
    """The callback data of a `Context` button."""
    return f"c:{passage_id}"


def period_data(token: str, first: dt.date) -> str:
    """The callback data of a /timeline period's button (at most 28 bytes)."""
    return f"tl:{token}:{first:%Y%m%d}"


def speaker_data(speaker_id: int) -> str:
    """The callback data of a speaker's button under /speakers."""
    return f"sp:{speaker_id}"


def date_data(text: str) -> str | None:
    """The callback data of a date's button (None when the text does not fit the protocol)."""
    data = f"d:{text}"
    ok = DATE_DATA_RE.fullmatch(data) and len(data.encode()) <= MAX_CALLBACK_BYTES
    return data if ok else None


def cite_data(passage_id: str, start: int | None = None, end: int | None = None) -> str:
    """The callback data of a `Cite` button (at most 28 bytes)."""
    if start is None or end is None:
        return f"k:{passage_id}"
    return f"k:{passage_id}:{start}:{end}"


def read_press(data: str) -> Press | None:
    """What a button's callback data asks for; None for forged or unknown data."""
    if data == NOOP:
        return Nothing()
    if data == ANOTHER:
        return Another()
    if m := PAGE_DATA_RE.fullmatch(data):
        return TurnPage(m.group(1), int(m.group(2)))
    if m := CONTEXT_DATA_RE.fullmatch(data):
        return ShowContext(m.group(1))
    if m := CITE_DATA_RE.fullmatch(data):
        if m.group(2) is None:
            return CitePassage(m.group(1))
        start, end = int(m.group(2)), int(m.group(3))
        return CitePassage(m.group(1), start, end) if start < end else None
    if m := PERIOD_DATA_RE.fullmatch(data):
        return ShowPeriod(m.group(1), int(m.group(2)))
    if m := SPEAKER_DATA_RE.fullmatch(data):
        return ShowSpeaker(int(m.group(1)))
    if m := DATE_DATA_RE.fullmatch(data):
        return ShowDate(m.group(1))
    return None


def passage_link(bot_username: str, passage_id: str) -> str:
    """A deep link opening the private chat on one passage."""
    return create_deep_linked_url(bot_username, f"q_{passage_id}")


def context_link(bot_username: str, passage_id: str) -> str:
    """A deep link opening the private chat on a passage's context."""
    return create_deep_linked_url(bot_username, f"c_{passage_id}")


def list_link(bot_username: str, token: str) -> str:
    """A deep link opening the private chat on a saved list."""
    return create_deep_linked_url(bot_username, f"s_{token}")


def read_start(payload: str) -> Start | None:
    """What a `/start` payload asks for; None for one this bot never made."""
    if payload == HELP:
        return ShowHelp()
    kind, _, value = payload.partition("_")
    if kind == "q" and PASSAGE_ID_RE.fullmatch(value):
        return ShowPassage(value)
    if kind == "c" and PASSAGE_ID_RE.fullmatch(value):
        return ShowContext(value)
    if kind == "s":
        return ReopenList(value)  # an unknown or malformed token reads as an expired list
    return None
