"""FakeBotApi: a local HTTP Telegram Bot API that a real PTB Application can talk to.

async with FakeBotApi() as fake:
    app = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build()
    fake.user_sends("/start")
    ...
    assert fake.refusals == []
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from typing import Any, TypeVar

from bot.fakeapi import users
from bot.fakeapi.errors import ApiError
from bot.fakeapi.http import DROP, HttpRequest, HttpResponse, HttpServer, parse_body
from bot.fakeapi.methods import Methods
from bot.fakeapi.records import (
    Call,
    CallbackAnswer,
    Fault,
    FaultServed,
    InlineAnswer,
    Refusal,
    SentMessage,
)
from bot.fakeapi.spec import check_params, decode_params, load_spec, utf8_problem
from bot.fakeapi.world import World

T = TypeVar("T")
_PATH_RE = re.compile(r"/bot([^/]*)/([A-Za-z0-9_]+)/?")
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
Event = SentMessage | CallbackAnswer | InlineAnswer


class FakeBotApi:
    """A fake Telegram Bot API server on 127.0.0.1, validating, recording and simulating."""

    def __init__(
        self,
        *,
        token: str = "123456:TEST-TOKEN",
        username: str = "corpusbot_test",
        first_name: str = "corpusbot",
        strict: bool = True,
    ) -> None:
        self.token = token
        self.strict = strict
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123456
        self.bot_user = {"id": bot_id, "is_bot": True, "first_name": first_name,
                         "username": username}  # fmt: skip
        self.world = World(self.bot_user)
        self.world.on_change = self._changed
        self.world.on_sent = self._publish
        self.methods = Methods(self.world, strict=strict)
        self.calls: list[Call] = []
        self.refusals: list[Refusal] = []
        self.faults_served: list[FaultServed] = []
        self.internal_errors: list[Exception] = []
        self._faults: list[Fault] = []
        self._subscribers: list[asyncio.Queue[Event]] = []
        self._server = HttpServer(self._handle)
        self._event = asyncio.Event()
        self._in_flight = 0
        self._last_activity = 0.0
        self._poll_generation = 0
        self.waiting_polls = 0  # getUpdates calls currently long-polling
        self._drained = 0
        self._method_names = {name.lower(): name for name in load_spec()["methods"]}

    # ----- lifecycle
    async def start(self) -> FakeBotApi:
        await self._server.start()
        return self

    async def close(self) -> None:
        await self._server.close()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def base_url(self) -> str:
        """For `ApplicationBuilder().base_url(...)`; PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def url(self) -> str:
        """The full method URL prefix, `.../bot<token>`."""
        return f"{self.base_url}{self.token}"

    # ----- records
    @property
    def sent(self) -> list[SentMessage]:
        """Every message the bot sent or edited, in order."""
        return self.world.sent

    @property
    def inline_answers(self) -> list[InlineAnswer]:
        return self.world.inline_answers

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self.world.callback_answers

    @property
    def commands(self) -> list[dict[str, str]]:
        """The commands set for the default scope and no language."""
        return self.methods.get_my_commands({})

    @property
    def commands_by_scope(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        """All command lists keyed by (scope JSON, language_code)."""
        return self.world.commands

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot."""
        return list(self.world.updates)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current state of a stored message (user's or bot's)."""
        return self.world.messages.get((chat_id, message_id))

    def subscribe(self) -> asyncio.Queue[Event]:
        """A queue receiving every SentMessage (sent or edited), CallbackAnswer, InlineAnswer."""
        queue: asyncio.Queue[Event] = asyncio.Queue()
        self._subscribers.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None:
        with contextlib.suppress(ValueError):
            self._subscribers.remove(queue)

    # ----- users
    def user_sends(self, text: str, **kwargs: Any) -> dict[str, Any]:
        """See `bot.fakeapi.users.user_sends`; returns the queued Update."""
        return users.user_sends(self.world, text, **kwargs)

    def user_speaks(self, language_code: str, *, user_id: int = users.USER_ID) -> None:
        """Set the `language_code` Telegram sends in this user's updates (`uk`, `en-GB`)."""
        users.user(self.world, user_id, None, None)["language_code"] = language_code

    def user_edits(self, message: users.MessageRef, new_text: str) -> dict[str, Any]:
        return users.user_edits(self.world, message, new_text)

    def user_presses(self, message: users.MessageRef, **kwargs: Any) -> dict[str, Any]:
        return users.user_presses(self.world, message, **kwargs)

    def user_inline(self, query: str, **kwargs: Any) -> dict[str, Any]:
        return users.user_inline(self.world, query, **kwargs)

    def user_chooses_inline(
        self, answer: InlineAnswer, result_id: str, **kwargs: Any
    ) -> dict[str, Any]:
        return users.user_chooses_inline(self.world, answer, result_id, **kwargs)

    def user_posts_channel(self, text: str, **kwargs: Any) -> dict[str, Any]:
        return users.user_posts_channel(self.world, text, **kwargs)

    def group_migrates(self, chat_id: int, new_chat_id: int) -> dict[str, Any]:
        return users.group_migrates(self.world, chat_id, new_chat_id)

    def make_admin(self, chat_id: int, user_id: int) -> None:
        """Make a user an administrator of a chat (getChatMember/getChatAdministrators)."""
        self.world.admins.setdefault(chat_id, set()).add(user_id)

    # ----- faults
    def inject_fault(
        self,
        method: str = "sendMessage",
        *,
        status: int | None = 429,
        retry_after: int = 1,
        description: str | None = None,
        times: int | None = 1,
        delay: float = 0.0,
        drop_connection: bool = False,
        chat_id: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> Fault:
        """Answer the next `times` calls (None: all) of `method` ("*": any but getUpdates)
        with a fault. `status` None or 200 with a `delay` only slows the call down."""
        fault = Fault(method, status, description, retry_after, times, delay, drop_connection,
                      chat_id, migrate_to_chat_id)  # fmt: skip
        self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self._faults.clear()

    def _fault_error(self, fault: Fault, params: dict[str, Any]) -> ApiError:
        status = fault.status or 500
        if fault.migrate_to_chat_id is not None:
            return ApiError(
                fault.description or "Bad Request: group chat was upgraded to a supergroup chat",
                status=400,
                parameters={"migrate_to_chat_id": fault.migrate_to_chat_id},
            )
        if status == 429:
            return ApiError(
                fault.description or f"Too Many Requests: retry after {fault.retry_after}",
                status=429,
                parameters={"retry_after": fault.retry_after},
            )
        if status == 403 and fault.description is None:
            chat = self.world.chats.get(_int_or_none(params.get("chat_id")) or 0, {})
            text = {
                "group": "Forbidden: bot was kicked from the group chat",
                "supergroup": "Forbidden: bot was kicked from the supergroup chat",
                "channel": "Forbidden: bot is not a member of the channel chat",
            }.get(chat.get("type", ""), "Forbidden: bot was blocked by the user")
            return ApiError(text, status=403)
        defaults = {500: "Internal Server Error", 502: "Bad Gateway", 409: _CONFLICT,
                    400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}  # fmt: skip
        return ApiError(fault.description or defaults.get(status, "Error"), status=status)

    # ----- waiting
    def _changed(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def _wait_change(self, timeout: float) -> None:
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Wait until `predicate()` is truthy (re-checked on every change); return its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"fake Bot API: condition not met in {timeout}s; {self}")
            await self._wait_change(min(remaining, 0.05))

    async def wait_sent(self, count: int, timeout: float = 5.0) -> list[SentMessage]:
        """Wait until at least `count` messages were sent or edited in total; return them all."""
        await self.wait_for(lambda: len(self.sent) >= count, timeout)
        return list(self.sent)

    async def wait_idle(
        self, application: Any = None, *, timeout: float = 5.0, quiet: float = 0.05
    ) -> None:
        """Wait until every queued update is confirmed, the bot handled it (when
        `application` is given: its update queue is joined), no call is in flight and none
        started for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        await self.wait_for(lambda: not self.world.updates, timeout)
        if application is not None:
            await asyncio.wait_for(application.update_queue.join(), deadline - loop.time())
        while True:
            idle_for = loop.time() - self._last_activity
            if self._in_flight == 0 and idle_for >= quiet:
                return
            if loop.time() > deadline:
                raise TimeoutError(f"fake Bot API: not idle after {timeout}s; {self}")
            await asyncio.sleep(max(quiet - idle_for, 0.005))

    async def drain(self, application: Any = None, *, timeout: float = 5.0) -> list[SentMessage]:
        """Wait until idle; return the messages sent or edited since the previous drain."""
        await self.wait_idle(application, timeout=timeout)
        new = self.sent[self._drained :]
        self._drained = len(self.sent)
        return new

    def __repr__(self) -> str:
        return (
            f"<FakeBotApi {self.base_url} calls={len(self.calls)} sent={len(self.sent)} "
            f"pending={len(self.world.updates)} refusals={[r.description for r in self.refusals]}>"
        )

    # ----- HTTP
    def _publish(self, item: object) -> None:
        for queue in self._subscribers:
            queue.put_nowait(item)  # type: ignore[arg-type]

    async def _handle(self, request: HttpRequest) -> HttpResponse | None:
        m = _PATH_RE.fullmatch(request.path)
        if not m:
            return HttpResponse(404, ApiError("Not Found", status=404).body())
        token, name = m.group(1), m.group(2)
        method = str(self._method_names.get(name.lower(), name))
        try:
            params = decode_params(method, parse_body(request))
        except ValueError:
            return self._finish(method, {}, ApiError("Bad Request: can't parse request body"))
        if token != self.token:
            return self._finish(method, params, ApiError("Unauthorized", status=401))
        polling = method == "getUpdates"
        loop = asyncio.get_running_loop()
        if not polling:
            self._in_flight += 1
            self._last_activity = loop.time()
        try:
            return await self._answer(method, params)
        except Exception as exc:  # a bug in the fake itself: answer 500 and keep it visible
            self.internal_errors.append(exc)
            return self._finish(method, params, ApiError("Internal Server Error", status=500))
        finally:
            if not polling:
                self._in_flight -= 1
                self._last_activity = loop.time()
                self._changed()

    async def _answer(self, method: str, params: dict[str, Any]) -> HttpResponse | None:
        fault = next((f for f in self._faults if f.matches(method, params)), None)
        if fault is not None:
            fault.served += 1
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop_connection:
                self.faults_served.append(FaultServed(method, params, None, None))
                self.calls.append(Call(method, params, 0, None))
                self._changed()
                return DROP
            if fault.status not in (None, 200):
                error = self._fault_error(fault, params)
                self.faults_served.append(FaultServed(method, params, error.status,
                                                      error.description))  # fmt: skip
                return self._finish(method, params, error, refusal=False)
            self.faults_served.append(FaultServed(method, params, 200, None))
        try:
            result = await self._dispatch(method, params)
        except ApiError as error:
            conflict = error.status == 409 and method == "getUpdates"
            return self._finish(method, params, error, refusal=not conflict)
        return self._finish(method, params, result)

    async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        if self.strict or method not in self._method_names.values():
            check_params(method, params)
        if self.strict and utf8_problem(params):
            raise ApiError("Bad Request: strings must be encoded in UTF-8")
        if method == "getUpdates":
            return await self._get_updates(params)
        return self.methods.call(method, params)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset, limit, timeout = self.methods.poll_settings(params)
        if offset is not None:
            self.world.confirm(offset)
        self._poll_generation += 1
        mine = self._poll_generation
        self._changed()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            updates = self.world.deliverable(limit)
            if updates:
                return updates
            if mine != self._poll_generation:
                raise ApiError(_CONFLICT, status=409)
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            self.waiting_polls += 1
            try:
                await self._wait_change(remaining)
            finally:
                self.waiting_polls -= 1

    def _finish(
        self, method: str, params: dict[str, Any], outcome: Any, *, refusal: bool = True
    ) -> HttpResponse:
        if isinstance(outcome, ApiError):
            status, body = outcome.status, outcome.body()
            if refusal:
                self.refusals.append(Refusal(method, params, outcome.description, status))
        else:
            status, body = 200, {"ok": True, "result": outcome}
        self.calls.append(Call(method, params, status, body))
        self._changed()
        return HttpResponse(status, body)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
