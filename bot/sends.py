"""Exactly once per message: every message that answers an update is marked in the journal
as sent, and a replay after a kill skips the messages marked.

`JournaledApplication` (bot/intake.py) runs each update's handlers with `ANSWERING` naming
the update; `MarkingRequest` (the bot's HTTP request object, under PTB's rate limiter, so
what it sees is what goes on the wire) numbers the calls that answer it (sendMessage,
sendPhoto, editMessageText, ...) 0, 1, 2, ... in the order the handlers make them. A call
counts once it succeeded: a retry of a failed call keeps its number. When the number is in
the update's `sent_before` (a replay), the call is not made and a stub result is returned.

When the mark is written (`SendMark`) decides what a kill in the remaining window costs:
- `ANSWERED`: after Telegram's answer (grouped with concurrent marks into one transaction).
  A kill after the request was written but before the mark: the message is sent again.
- `WRITING`: an intent, committed synchronously just before the request's body (its last
  write: the headers went in the write before) is handed to the kernel, with no await
  between, counted as sent. A kill between the commit and that write (microseconds; a
  multipart upload writes several chunks, with event-loop turns between): the message is
  lost. A kill before the commit: the request is incomplete, so not sent, and is sent again.
- `WRITTEN`: committed synchronously once the request's last byte is with the kernel (which
  delivers it even if the process dies next), counted as sent. A kill between that write and
  the commit (anyio yields one event-loop turn after each write): the message is sent
  again.
Inline answers and callback answers are not numbered: after a restart they are expired.
"""

from __future__ import annotations

import contextvars
import enum
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx
from telegram.request import HTTPXRequest, RequestData

from bot.journal import JournalUnavailable, UpdateJournal

log = logging.getLogger(__name__)

# the Bot API methods whose calls answer an update with a message (sent or edited)
ANSWER_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)
# httpcore's trace events (HTTP/1.1) around writing a request to the socket: the body is
# written after the headers, in one write for PTB's form-encoded calls
BEFORE_LAST_WRITE = "http11.send_request_body.started"
AFTER_LAST_WRITE = "http11.send_request_body.complete"
BODY_FAILED = "http11.send_request_body.failed"


class SendMark(enum.Enum):
    """When a message is marked sent (module docstring)."""

    ANSWERED = "answered"
    WRITING = "writing"
    WRITTEN = "written"


SEND_MARK = SendMark.WRITTEN  # chosen by measurement: docs/reliability.md §7


@dataclass(slots=True)
class Answering:
    """The update whose handlers are running: its key, the ordinals sent before a restart,
    and the ordinal of the next answering call."""

    journal: UpdateJournal
    bot_id: int
    update_id: int
    sent_before: frozenset[int] = frozenset()
    position: int = 0
    warned: bool = False


ANSWERING: contextvars.ContextVar[Answering | None] = contextvars.ContextVar(
    "answering", default=None
)
# the call being written: the update and the ordinal the trace hook marks
_WRITING: contextvars.ContextVar[tuple[Answering, int] | None] = contextvars.ContextVar(
    "writing", default=None
)


def method_of(url: str) -> str:
    """`sendMessage` from `https://api.telegram.org/bot<token>/sendMessage`."""
    return url.rsplit("/", 1)[-1]


def stub_result(method: str, request_data: RequestData | None) -> bytes:
    """What Telegram would have answered, enough for PTB: a message in the asked chat for a
    send (its id unknown: 0), True for an edit."""
    if method.startswith("edit"):
        return b'{"ok":true,"result":true}'
    chat = request_data.parameters.get("chat_id") if request_data is not None else None
    chat_id = int(chat) if isinstance(chat, int | str) and str(chat).lstrip("-").isdigit() else 0
    result = {"message_id": 0, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}}
    return httpx.Response(200, json={"ok": True, "result": result}).content


def _warn(answering: Answering, err: JournalUnavailable) -> None:
    """A full disk costs the guarantee, not the answer: one line per update."""
    if not answering.warned:
        answering.warned = True
        log.warning("update %s: sent marks not written (%s)", answering.update_id, err)


def _mark_now(answering: Answering, ordinal: int) -> None:
    try:
        answering.journal.mark_sent_now(answering.bot_id, answering.update_id, ordinal)
    except JournalUnavailable as err:
        _warn(answering, err)


def _unmark_now(answering: Answering, ordinal: int) -> None:
    try:
        answering.journal.unmark_sent_now(answering.bot_id, answering.update_id, ordinal)
    except JournalUnavailable as err:
        _warn(answering, err)


class MarkingRequest(HTTPXRequest):
    """PTB's HTTPXRequest, numbering and marking the calls that answer an update."""

    __slots__ = ("_mark", "_trace_event")

    def __init__(self, *, mark: SendMark = SEND_MARK, **kwargs: Any) -> None:
        self._mark = mark
        events = {SendMark.WRITING: BEFORE_LAST_WRITE, SendMark.WRITTEN: AFTER_LAST_WRITE}
        self._trace_event = events.get(mark)
        hooks = {"request": [self._attach_trace]} if self._trace_event else {}
        super().__init__(**kwargs, httpx_kwargs={"event_hooks": hooks})

    async def _attach_trace(self, request: httpx.Request) -> None:
        """httpx's request hook (same task as the call): have httpcore tell `_trace` when
        the request is written."""
        if _WRITING.get() is not None:
            request.extensions["trace"] = self._trace

    async def _trace(self, event: str, info: dict[str, Any]) -> None:
        writing = _WRITING.get()
        if writing is None:
            return
        if event == self._trace_event:
            _mark_now(*writing)  # synchronous: no await between this and the socket write
        elif event == BODY_FAILED and self._mark is SendMark.WRITING:
            _unmark_now(*writing)  # the body did not reach the kernel whole: not sent

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        answering = ANSWERING.get()
        name = method_of(url)
        if answering is None or name not in ANSWER_METHODS:
            return await super().do_request(url, method, request_data, *args, **kwargs)
        ordinal = answering.position
        if ordinal in answering.sent_before:
            answering.position += 1
            log.info("update %s: message %d was sent before the restart; not again",
                     answering.update_id, ordinal)  # fmt: skip
            return 200, stub_result(name, request_data)
        token = _WRITING.set((answering, ordinal))
        try:
            status, payload = await super().do_request(url, method, request_data, *args, **kwargs)
        finally:
            _WRITING.reset(token)
        if status != 200:  # Telegram refused it: not sent; a retry keeps the number
            if self._trace_event is not None:
                _unmark_now(answering, ordinal)
            return status, payload
        answering.position += 1
        if self._mark is SendMark.ANSWERED:
            try:
                await answering.journal.mark_sent(answering.bot_id, answering.update_id, ordinal)
            except JournalUnavailable as err:
                _warn(answering, err)
        return status, payload
