"""The fake Bot API in a process of its own, for the throughput benchmark.

Telegram's servers are not on the bot's CPU: with the fake (`bot.fakeapi.FakeBotApi`: HTTP,
spec checks, HTML validation, records) in the bot's process, every reply paid for both sides
on one interpreter. Here the fake runs in a child process and the bot talks to it over
127.0.0.1 as it would to Telegram; the parent drives it with one JSON line per request on
the child's stdin and reads one JSON line back:

    {"op": "run", "texts": [...], "timeout": 300}  -> queue the texts as commands from
        `USERS` users, wait until each has a reply; {"replies", "seconds", "cpu_s",
        "refusals", "timed_out"} (cpu_s: the fake's own CPU time meanwhile)
    {"op": "quit"}                                  -> the child closes the fake and exits

The child prints {"base_url", "token"} once it listens. The clock runs in the child, from
queueing the first command to the last reply.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

USERS = 100
FIRST_USER = 10_000


class RemoteFake:
    """The parent's handle on a fake Bot API serving in a child process."""

    def __init__(self, process: asyncio.subprocess.Process, base_url: str, token: str) -> None:
        self._process = process
        self.base_url = base_url
        self.token = token

    @classmethod
    async def start(cls) -> RemoteFake:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.fake_process",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None
        hello = json.loads(await process.stdout.readline())
        return cls(process, hello["base_url"], hello["token"])

    async def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write((json.dumps(request) + "\n").encode())
        await self._process.stdin.drain()
        line = await self._process.stdout.readline()
        if not line:
            raise RuntimeError("the fake Bot API process ended")
        answer: dict[str, Any] = json.loads(line)
        return answer

    async def run(self, texts: list[str], timeout: float) -> dict[str, Any]:
        """Queue `texts` and wait until each has its reply (the child times it)."""
        return await self._ask({"op": "run", "texts": texts, "timeout": timeout})

    async def close(self) -> None:
        if self._process.returncode is None:
            await self._ask({"op": "quit"})
            await self._process.wait()

    async def __aenter__(self) -> RemoteFake:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def run_texts(fake: Any, texts: list[str], timeout: float) -> dict[str, Any]:
    """In the fake's process: queue `texts` from `USERS` users, time until each has a reply
    (or `timeout` passes)."""
    base = len(fake.sent)
    began = time.perf_counter()
    cpu = time.process_time()
    for i, text in enumerate(texts):
        fake.user_sends(text, user_id=FIRST_USER + i % USERS)
    timed_out = False
    try:
        await fake.wait_sent(base + len(texts), timeout=timeout)
    except TimeoutError:
        timed_out = True
    seconds = time.perf_counter() - began
    return {
        "replies": len(fake.sent) - base,
        "seconds": round(seconds, 4),
        "cpu_s": round(time.process_time() - cpu, 4),
        "refusals": len(fake.refusals),
        "timed_out": timed_out,
    }


async def serve() -> None:
    """The child: serve a fake until told to quit."""
    from bot.fakeapi import FakeBotApi

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    async with FakeBotApi() as fake:
        print(json.dumps({"base_url": fake.base_url, "token": fake.token}), flush=True)
        while line := await reader.readline():
            request = json.loads(line)
            if request["op"] == "quit":
                print(json.dumps({"ok": True}), flush=True)
                break
            answer = await run_texts(fake, request["texts"], float(request["timeout"]))
            print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    asyncio.run(serve())
