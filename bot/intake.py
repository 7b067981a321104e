"""Where updates come in: journalled before Telegram is told they arrived, refused cheaply.

- `JournalingQueue`: PTB's update queue. PTB's polling awaits `put` before it asks for the
  next batch (which confirms the offset), and PTB's webhook awaits it before answering 200,
  so journalling in `put` makes every acknowledged update durable. A redelivered update
  (already journalled) is not queued again.
- `JournaledApplication`: names the update for the send path while its handlers run (each
  message sent is marked, so a replay skips it: bot/sends.py), marks it done after them.
- `WebhookEndpoint` / `webhook_server`: the webhook without PTB's server: the secret and
  the size are checked from the headers before one byte of the body is read; beyond the
  backlog limit the answer is 503 (Telegram retries later); idle and slow connections time
  out; connections over a cap are closed at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import json
import logging
import resource
import socket
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Bot, Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.iostream import IOStream

from bot.housekeeping import AHEAD, GatedQueue, LeanApplication
from bot.journal import JournalUnavailable, UpdateJournal
from bot.sends import ANSWERING, Answering

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # bytes: a Telegram update is a few KB; larger bodies are refused unread
BACKLOG = 5_000  # journalled updates not yet answered, beyond which the webhook says 503
IDLE_SECONDS = 10.0  # an idle keep-alive connection is closed after this
BODY_SECONDS = 10.0  # a body must arrive within this
MAX_CONNECTIONS = 900  # open webhook connections at most (kept under the open-files limit)
ACCEPT_PAUSE = 0.1  # seconds accepting pauses when the process is out of file descriptors
FD_LOG_EVERY = 10.0  # seconds between "out of file descriptors" log lines
OUT_OF_FDS = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)


def bot_id_of(token: str) -> int:
    """The bot's numeric id: the part of its token before the colon (0 when malformed)."""
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def raise_open_files_limit(cap: int = 1 << 20) -> tuple[int, int]:
    """Raise the soft open-files limit to the hard one (at most `cap`); the new (soft, hard)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = cap if hard == resource.RLIM_INFINITY else min(hard, cap)
    if soft == resource.RLIM_INFINITY or soft >= target:
        return soft, hard
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError) as err:
        log.warning("open-files limit stays at %d (%s)", soft, err)
        return soft, hard
    return target, hard


class JournalingQueue(GatedQueue):
    """PTB's update queue, journalling each `Update` before it is queued."""

    def __init__(self, journal: UpdateJournal, bot_id: int, *, ahead: int = AHEAD) -> None:
        super().__init__(ahead)
        self.journal = journal
        self.bot_id = bot_id
        self._warned = False
        self._sent_before: dict[int, frozenset[int]] = {}  # replayed updates only

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            try:
                fresh = await self.journal.record(
                    self.bot_id,
                    item.update_id,
                    json.dumps(item.to_dict()),  # ASCII: lone surrogates
                )
            except JournalUnavailable as err:
                if not self._warned:  # answer anyway: a full disk must not silence the bot
                    log.warning("update journal unavailable (%s); updates not journalled", err)
                    self._warned = True
                fresh = True
            if not fresh:
                log.info("update %s delivered again; ignored", item.update_id)
                return
        await super().put(item)

    async def put_replayed(self, item: Update, sent: frozenset[int] = frozenset()) -> None:
        """Queue an update taken from `journal.unfinished()` (journalled already); `sent`:
        the ordinals of its messages sent before (not sent again)."""
        if sent:
            self._sent_before[item.update_id] = sent
        await super().put(item)

    def answering(self, update_id: int) -> Answering:
        """What the send path needs while this update's handlers run (bot/sends.py)."""
        sent = self._sent_before.pop(update_id, frozenset())
        return Answering(self.journal, self.bot_id, update_id, sent_before=sent)


async def replay_unfinished(application: Application[Any, Any, Any, Any, Any, Any]) -> int:
    """Queue what a dead process journalled but did not answer; how many (call after start)."""
    queue = application.update_queue
    if not isinstance(queue, JournalingQueue):
        return 0
    entries = await queue.journal.unfinished()
    for entry in entries:
        update = Update.de_json(json.loads(entry.body), application.bot)
        await queue.put_replayed(update, entry.sent)
    return len(entries)


class JournaledApplication(LeanApplication):
    """Runs each journalled update's handlers with `ANSWERING` naming it (each message they
    send is marked, bot/sends.py) and marks the update done when all have run (or failed)."""

    async def process_update(self, update: object) -> None:
        queue = self.update_queue
        if not isinstance(update, Update) or not isinstance(queue, JournalingQueue):
            await super().process_update(update)
            return
        token = ANSWERING.set(queue.answering(update.update_id))
        try:
            await super().process_update(update)
        finally:
            ANSWERING.reset(token)
            # answered; a replay after a crash would be caught as seen
            with contextlib.suppress(JournalUnavailable):
                await queue.journal.mark_done(queue.bot_id, update.update_id)


class Backlog:
    """The journal's backlog, counted at most every `every` seconds (cheap per request)."""

    def __init__(
        self, journal: UpdateJournal, limit: int, *, every: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self._journal = journal
        self.limit = limit
        self._every = every
        self._clock = clock
        self._counted_at = float("-inf")
        self._count = 0

    async def full(self) -> bool:
        now = self._clock()
        if now - self._counted_at >= self._every:
            self._counted_at = now
            try:
                self._count = await self._journal.pending_count()
            except JournalUnavailable:
                self._count = 0
        return self._count >= self.limit


@tornado.web.stream_request_body
class WebhookEndpoint(tornado.web.RequestHandler):
    """POST <path>: checks headers first (`prepare` runs before the body is read)."""

    def initialize(
        self, *, secret: str, queue: asyncio.Queue[object], bot: Bot, backlog: Backlog | None,
        max_body: int,
    ) -> None:  # fmt: skip
        self._secret = secret.encode()
        self._queue = queue
        self._bot = bot
        self._backlog = backlog
        self._max_body = max_body
        self._chunks: list[bytes] = []
        self._size = 0

    def _refuse(self, status: HTTPStatus, *, retry_after: int | None = None) -> None:
        self.set_status(status)
        if retry_after is not None:
            self.set_header("Retry-After", str(retry_after))
        self.finish()

    async def prepare(self) -> None:
        if self.request.method != "POST":
            self._refuse(HTTPStatus.METHOD_NOT_ALLOWED)
            return
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            self._refuse(HTTPStatus.FORBIDDEN)
            return
        length = self.request.headers.get("Content-Length", "")
        if not length.isdigit() or int(length) > self._max_body:
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        if self._backlog is not None and await self._backlog.full():
            self._refuse(HTTPStatus.SERVICE_UNAVAILABLE, retry_after=5)
            return
        self.request.connection.set_max_body_size(self._max_body)  # type: ignore[union-attr]

    def data_received(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self._max_body:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        self._chunks.append(chunk)

    async def post(self) -> None:
        try:
            data = json.loads(b"".join(self._chunks))
            update = Update.de_json(data, self._bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError, RecursionError):
            update = None
        if update is None:
            log.info("webhook body with the right secret is not an update; refused")
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
        await self._queue.put(update)  # journalled (JournalingQueue) before the 200
        self.set_status(HTTPStatus.OK)
        self.finish()

    def log_exception(self, *args: object) -> None:  # one debug line, never the body
        log.debug("webhook request failed: %s", args[1] if len(args) > 1 else args)


class CappedHTTPServer(HTTPServer):
    """An HTTPServer that closes connections beyond `max_connections` at once and, out of
    file descriptors, pauses accepting for `ACCEPT_PAUSE` s with one log line per
    `FD_LOG_EVERY` s (tornado's own accept loop re-raises EMFILE every loop turn)."""

    def initialize(self, *args: Any, max_connections: int = MAX_CONNECTIONS, **kw: Any) -> None:
        super().initialize(*args, **kw)
        self._max_connections = max_connections
        self._streams: OrderedDict[int, IOStream] = OrderedDict()  # oldest first
        self._refused_at = float("-inf")
        self._fds_logged_at = float("-inf")
        self.fd_pauses = 0  # how often accepting paused for want of file descriptors

    def add_sockets(self, sockets: Iterable[socket.socket]) -> None:
        for sock in sockets:
            self._sockets[sock.fileno()] = sock
            self._handlers[sock.fileno()] = self._accept_on(sock)

    def _accept_on(self, sock: socket.socket) -> Callable[[], None]:
        """Accept connections on `sock` until the returned callable is called."""
        loop = asyncio.get_running_loop()
        fd = sock.fileno()
        state = {"removed": False, "paused": False}

        def resume() -> None:
            if not state["removed"]:
                state["paused"] = False
                loop.add_reader(fd, accept)

        def accept() -> None:
            for _ in range(128):
                try:
                    connection, address = sock.accept()
                except (BlockingIOError, InterruptedError):
                    return
                except ConnectionAbortedError:
                    continue
                except OSError as err:
                    if err.errno not in OUT_OF_FDS:
                        raise
                    self._out_of_fds(err)
                    loop.remove_reader(fd)
                    state["paused"] = True
                    loop.call_later(ACCEPT_PAUSE, resume)
                    return
                self._handle_connection(connection, address)

        def remove() -> None:
            state["removed"] = True
            if not state["paused"]:
                loop.remove_reader(fd)

        loop.add_reader(fd, accept)
        return remove

    def _out_of_fds(self, err: OSError) -> None:
        self.fd_pauses += 1
        self._close_oldest()  # frees a descriptor for the next connection
        now = time.monotonic()
        if now - self._fds_logged_at >= FD_LOG_EVERY:
            self._fds_logged_at = now
            log.warning(
                "webhook: out of file descriptors (%s, %d connections open); accepting"
                " paused %.1f s at a time",
                err.strerror, len(self._connections), ACCEPT_PAUSE,
            )  # fmt: skip

    def handle_stream(self, stream: IOStream, address: tuple[Any, ...]) -> None:
        # tornado keeps the live connections in `_connections` (removed as each closes)
        if len(self._connections) >= self._max_connections:
            self._close_oldest()
        self._streams[id(stream)] = stream
        if len(self._streams) > 2 * self._max_connections:
            self._forget_closed()
        super().handle_stream(stream, address)

    def _forget_closed(self) -> None:
        for key in [k for k, s in self._streams.items() if s.closed()]:
            del self._streams[key]

    def _close_oldest(self) -> None:
        """At the cap the oldest connection goes (an idle flood's are older than Telegram's
        fresh one; a request cut off is retried by Telegram), logged once per 10 s."""
        now = time.monotonic()
        if now - self._refused_at > FD_LOG_EVERY:
            log.warning(
                "webhook: %d connections open (the cap); closing the oldest", len(self._connections)
            )
            self._refused_at = now
        while self._streams:
            _, stream = self._streams.popitem(last=False)
            if not stream.closed():
                stream.close()
                return


def webhook_server(
    *, path: str, secret: str, queue: asyncio.Queue[object], bot: Bot,
    backlog: Backlog | None = None, max_body: int = MAX_BODY,
    max_connections: int = MAX_CONNECTIONS, idle_seconds: float = IDLE_SECONDS,
    body_seconds: float = BODY_SECONDS,
) -> CappedHTTPServer:  # fmt: skip
    """A webhook server at `path`; start it with `.listen(port, address)`, stop it with
    `.stop()` and `await .close_all_connections()`."""
    app = tornado.web.Application(
        [(path, WebhookEndpoint, {"secret": secret, "queue": queue, "bot": bot,
                                  "backlog": backlog, "max_body": max_body})],
        log_function=lambda handler: None,
    )  # fmt: skip
    return CappedHTTPServer(
        app,
        max_connections=max_connections,
        max_body_size=max_body,
        max_buffer_size=max_body,
        idle_connection_timeout=idle_seconds,
        body_timeout=body_seconds,
        decompress_request=False,
        xheaders=False,
    )
