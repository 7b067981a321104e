"""The window a SIGKILL can hit around one request, per place a send mark can be written
(bot/sends.py), without the bot around it: a child process sends sendMessage calls from 8
concurrent tasks to the fake Bot API as fast as it can, noting at httpcore's trace points
`send_request_body.started` (just before the last write: the `writing` intent) and
`send_request_body.complete` (after it: the `written` mark); the parent kills it at a random
instant, then compares the notes with what the fake received:

- noted before, never received: lost under `writing` (an intent counted as sent);
- received, not noted after: sent twice under `written` (or `answered`).

    .venv/bin/python -m benchmarks.send_window --runs 40

The child sends ~10x Telegram's 30 messages/s, so the windows are hit ~10x as often as by
the bot; the counts compare the two places, they are not the bot's rates.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
from pathlib import Path

from bot.fakeapi import FakeBotApi

SENDERS = 8
CHILD = """
import asyncio, os, sys
import httpx

base, chat0, notes = sys.argv[1], int(sys.argv[2]), sys.argv[3]
fd = os.open(notes, os.O_WRONLY | os.O_CREAT | os.O_APPEND)

async def sender(client, n):
    i = 0
    while True:
        key = f"{chat0 + n}:{i}"

        async def trace(event, info, key=key):
            if event == "http11.send_request_body.started":
                os.write(fd, f"before {key}\\n".encode())
            elif event == "http11.send_request_body.complete":
                os.write(fd, f"after {key}\\n".encode())

        await client.post(f"{base}/sendMessage", data={"chat_id": chat0 + n, "text": key},
                          extensions={"trace": trace})
        i += 1

async def main():
    async with httpx.AsyncClient() as client:
        await asyncio.gather(*(sender(client, n) for n in range(int(sys.argv[4]))))

asyncio.run(main())
"""


async def measure(runs: int, folder: Path) -> None:
    lost = doubled = in_flight = delivered = 0
    async with FakeBotApi() as fake:
        for run in range(runs):
            chat0 = 1_000 + 10 * run
            for n in range(SENDERS):
                fake.world.add_chat(chat0 + n, "private")
            notes = folder / f"notes-{run}"
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-c", CHILD, f"{fake.base_url}{fake.token}", str(chat0),
                str(notes), str(SENDERS),
            )  # fmt: skip
            await asyncio.sleep(random.uniform(0.8, 1.6))  # a random instant of the sending
            proc.kill()
            await proc.wait()
            await asyncio.sleep(0.3)  # what was in the kernel reaches the fake
            if not notes.exists():
                continue
            lines = notes.read_text().splitlines()
            before = {line.split()[1] for line in lines if line.startswith("before ")}
            after = {line.split()[1] for line in lines if line.startswith("after ")}
            got = {m.text for m in fake.sent if chat0 <= m.chat_id < chat0 + SENDERS}
            lost += len(before - got)
            doubled += len(got - after)
            in_flight += len(before - after)
            delivered += len(got)
    print(f"{runs} kills, {delivered:,} messages delivered, {in_flight} between the two notes "
          f"at the kill\n  writing (intent before the last write): {lost} lost\n"
          f"  written (mark after the last write): {doubled} twice")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(measure(args.runs, Path(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
