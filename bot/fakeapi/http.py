"""A small HTTP/1.1 server on asyncio streams (keep-alive, Content-Length or chunked bodies).

Enough for httpx (what PTB uses) to talk to the fake Bot API: one task per connection,
requests answered in order, connections closed and tasks cancelled on `close()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, urlsplit

_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
MAX_BODY = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    body: dict[str, Any]


DROP = None  # a handler returning DROP closes the connection without answering
Handler = Callable[[HttpRequest], Awaitable[HttpResponse | None]]


class HttpServer:
    """Serve `handler` on 127.0.0.1 at a free port, in the running event loop."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening, hang up every connection and wait for their tasks to end."""
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        tasks = list(self._tasks)
        if tasks:
            _, stuck = await asyncio.wait(tasks, timeout=1.0)
            for task in stuck:
                task.cancel()
            if stuck:
                await asyncio.wait(stuck)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                response = await self._answer_or_hang_up(request, reader)
                if response is DROP:
                    break
                keep = request.headers.get("connection", "").lower() != "close"
                writer.write(_encode(response, keep))
                await writer.drain()
                if not keep:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        except asyncio.CancelledError:
            pass  # only close() cancels us; end quietly (asyncio would log a cancelled cb task)
        finally:
            self._tasks.discard(task)
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _answer_or_hang_up(
        self, request: HttpRequest, reader: asyncio.StreamReader
    ) -> HttpResponse | None:
        """Run the handler, cancelling it if the client hangs up first (an abandoned poll)."""
        work = asyncio.ensure_future(self._handler(request))
        watch = asyncio.ensure_future(reader.read(1))
        try:
            done, _ = await asyncio.wait({work, watch}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (work, watch):
                if not task.done():
                    task.cancel()
            for task in (work, watch):
                with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                    await task
        if work in done:
            return work.result()
        return DROP  # the client hung up (or pipelined, which httpx never does)


async def _read_request(reader: asyncio.StreamReader) -> HttpRequest | None:
    """Read one request; None at a clean end of the connection."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise ValueError("truncated request head") from exc
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        length = int(headers.get("content-length", "0") or 0)
        if length > MAX_BODY:
            raise ValueError("body too large")
        body = await reader.readexactly(length) if length else b""
    parts = urlsplit(target)
    return HttpRequest(method.upper(), parts.path, parts.query, headers, body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


def _encode(response: HttpResponse, keep_alive: bool) -> bytes:
    body = json.dumps(response.body, ensure_ascii=False).encode("utf-8", "surrogatepass")
    reason = _REASONS.get(response.status, "Unknown")
    head = (
        f"HTTP/1.1 {response.status} {reason}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def parse_body(request: HttpRequest) -> dict[str, Any]:
    """Request parameters from the query string and a form, multipart or JSON body.

    Strings keep invalid UTF-8 as lone surrogates (so the caller can refuse them).
    """
    params: dict[str, Any] = dict(
        parse_qsl(request.query, keep_blank_values=True, errors="surrogateescape")
    )
    ctype = request.headers.get("content-type", "").lower()
    if not request.body:
        return params
    if ctype.startswith("application/json"):
        data = json.loads(request.body.decode("utf-8", "surrogateescape"))
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        params.update(data)
    elif ctype.startswith("multipart/form-data"):
        params.update(_parse_multipart(request.headers["content-type"], request.body))
    else:
        text = request.body.decode("latin-1")
        params.update(parse_qsl(text, keep_blank_values=True, errors="surrogateescape"))
    return params


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Form fields as strings; uploaded files as {"filename", "size", "content_type", "data"}
    (`data`: the bytes, for the checks a method makes, e.g. sendPhoto's PNG)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    out: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            payload = b""
        filename = part.get_filename()
        if filename is not None:
            out[str(name)] = {
                "filename": filename,
                "size": len(payload),
                "content_type": part.get_content_type(),
                "data": payload,
            }
        else:
            out[str(name)] = payload.decode("utf-8", "surrogateescape")
    return out
