"""Memory of the webhook bot under many distinct users: the bot in its own process (webhook
mode, default rate limits, PTB's 30 messages/s limiter left out so the run takes minutes, not
an hour), the fake Bot API and the poster in this one. Prints the bot's RSS at the start
(after a warm-up), after N inline queries from N distinct users (every one answered), and
after the TTLs: the bot's clock is moved on by `ADVANCE` (beyond the rate limiter's window,
the seen-update and journal TTLs) with SIGUSR2, its sweep (every second here, 30 s in
production) runs, and 2,000 returning users ask once more.

    .venv/bin/python -m benchmarks.webhook_memory --users 100000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.load import load_config
from bot.fakeapi import FakeBotApi

SECRET = "memory-secret"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
ADVANCE = 25 * 3600.0  # seconds the bot's clock moves on: past every TTL but the 7-day
# paging sessions (inline queries make none)
STEP = 20_000  # users between progress lines
WARM_UP = range(1, 2001)  # users before the start figure, and the ones who return at the end


class ShiftedClock:
    """The bot's clock: wall time plus an offset the parent moves on with SIGUSR2."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self) -> None:
        self.offset += ADVANCE


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def serve(config_path: str, port: int, base_url: str, token: str) -> None:
    """The child: the real Application with the webhook of bot/intake.py, until SIGTERM."""
    from bot.app import WebhookSettings, build_application, serving
    from bot.config import load_config as load
    from bot.intake import bot_id_of
    from bot.services import open_services

    config = load(Path(config_path))
    stop = asyncio.Event()
    clock = ShiftedClock()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGUSR2, clock.advance)
    hook = WebhookSettings("127.0.0.1", port, "/hook", "https://example.org/hook", SECRET)
    async with open_services(config, bot_id=bot_id_of(token), clock=clock) as services:
        app = build_application(services, base_url=base_url, token=token, throttle=False)
        async with serving(app, webhook=hook, tidy_every=1.0):
            await stop.wait()


async def post_inline(
    fake: FakeBotApi, client: httpx.AsyncClient, url: str, users: range, query: str
) -> None:
    semaphore = asyncio.Semaphore(32)

    async def one(user: int) -> None:
        update = fake.user_inline(query, user_id=user)
        fake.world.confirm(update["update_id"] + 1)
        async with semaphore:
            for _ in range(50):
                try:
                    response = await client.post(url, json=update, headers={HEADER: SECRET})
                except httpx.TransportError:  # a keep-alive closed as it was reused: retry
                    continue
                if response.status_code == 200:
                    return
                await asyncio.sleep(0.2)  # 503: the backlog is full, retry like Telegram

    for first in range(users.start, users.stop, 1000):
        await asyncio.gather(*(one(u) for u in range(first, min(first + 1000, users.stop))))


async def answered(fake: FakeBotApi, total: int) -> None:
    """Until the bot has answered `total` inline queries (the backlog drained)."""
    while len(fake.inline_answers) < total:
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)


async def measure(users: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        load_config(folder, rate_limit={"user_per_minute": 20, "inline_per_minute": 120})
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        async with FakeBotApi() as fake:
            child = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "benchmarks.webhook_memory", "--serve",
                str(folder / "corpusbot.yaml"), str(port), fake.base_url, fake.token,
                cwd=Path(__file__).resolve().parent.parent,
                env={**os.environ}, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            url = f"http://127.0.0.1:{port}/hook"
            try:
                async with httpx.AsyncClient(timeout=30) as client:
                    for _ in range(600):
                        try:
                            await client.get(url)
                            break
                        except httpx.TransportError:
                            await asyncio.sleep(0.1)
                    await post_inline(fake, client, url, WARM_UP, "drones")
                    await answered(fake, len(WARM_UP))
                    start = rss_mib(child.pid)
                    began = time.perf_counter()
                    for first in range(10_000, 10_000 + users, STEP):
                        batch = range(first, min(first + STEP, 10_000 + users))
                        await post_inline(fake, client, url, batch, "drones")
                        print(f"  {batch.stop - 10_000:,} users posted: RSS "
                              f"{rss_mib(child.pid):.1f} MiB", flush=True)  # fmt: skip
                    await answered(fake, len(WARM_UP) + users)
                    took = time.perf_counter() - began
                    after = rss_mib(child.pid)
                    print(f"{users:,} distinct users (inline, webhook) in {took:.0f} s "
                          f"({users / took:,.0f}/s): RSS {start:.1f} -> {after:.1f} MiB "
                          f"(+{after - start:.1f})", flush=True)  # fmt: skip
                    child.send_signal(signal.SIGUSR2)  # the TTLs pass
                    await asyncio.sleep(3.0)  # the sweep runs every second
                    await post_inline(fake, client, url, WARM_UP, "war")
                    await answered(fake, 2 * len(WARM_UP) + users)
                    final = rss_mib(child.pid)
                    print(f"after the TTLs (clock +{ADVANCE / 3600:.0f} h) and 2,000 returning "
                          f"users: RSS {final:.1f} MiB ({final - start:+.1f} from the start)",
                          flush=True)  # fmt: skip
            finally:
                child.send_signal(signal.SIGTERM)
                await child.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--serve", nargs=4, metavar=("CONFIG", "PORT", "BASE_URL", "TOKEN"))
    args = parser.parse_args()
    if args.serve:
        config, port, base_url, token = args.serve
        asyncio.run(serve(config, int(port), base_url, token))
    else:
        asyncio.run(measure(args.users))


if __name__ == "__main__":
    main()
