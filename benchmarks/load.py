"""Load through the real PTB Application and the fake Bot API: N simulated users x M commands,
mixed private chats, groups and inline queries, every user waiting for each answer before
sending the next (as people do). Prints answered/errors/refusals and latency percentiles.

    .venv/bin/python -m benchmarks.load                 # 200 users x 20 commands
    .venv/bin/python -m benchmarks.load --users 50 --commands 10 --throttle

Latency is from the update being queued at the fake to the bot's answer arriving there
(includes long-poll pick-up). Without --throttle PTB's AIORateLimiter (Telegram's 30
messages/s ceiling) is left out, so the figure is the bot's own capacity; with it, the
throughput is capped at ~30 messages/s by design.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config" / "corpusbot.yaml"

PRIVATE = [
    "/topic drones",
    "/quote so long as he kills, he lives",
    "/date 28 August 2025",
    "/random",
    "/topic sanctions",
    "drones",
    "/help",
    "/date August 2025",
]
GROUP = [
    "/topic@corpusbot_test drones",
    "/quote so long as he kills, he lives",
    "/date 28 August 2025",
    "/random",
]
INLINE = ["drones", "", "quote: so long as he kills", "date: 28 August 2025", "sanctions"]


def load_config(folder: Path, **sections: dict[str, Any]) -> Any:
    """The default config over the bundled seeds, index and state under `folder`, rate
    limits off (unless `sections` say otherwise)."""
    from bot.config import load_config as load

    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    for source in data["corpus"]["sources"]:
        source["path"] = str((DEFAULT_CONFIG.parent / source["path"]).resolve())
    data["index"] = {"path": str(folder / "index.sqlite3")}
    data["state"] = {"path": str(folder / "state.sqlite3")}
    data["rate_limit"] = {"user_per_minute": 0, "chat_per_minute": 0}
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value}
    path = folder / "corpusbot.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load(path)


@dataclass
class LoadReport:
    users: int
    commands: int
    sent: int = 0  # updates the simulated users sent
    answered: int = 0  # of those, answered
    latencies: list[float] = field(default_factory=list)  # seconds, one per answered command
    seconds: float = 0.0
    refusals: int = 0
    internal_errors: int = 0
    apologies: int = 0  # "something went wrong" replies
    kinds: dict[str, int] = field(default_factory=dict)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def summary(self) -> str:
        rate = self.answered / self.seconds if self.seconds else 0.0
        return (
            f"{self.users} users x {self.commands} commands ({self.kinds}): "
            f"{self.answered}/{self.sent} answered in {self.seconds:.1f} s ({rate:.0f}/s); "
            f"latency p50 {self.percentile(50) * 1000:.0f} ms, "
            f"p99 {self.percentile(99) * 1000:.0f} ms, "
            f"max {max(self.latencies, default=0) * 1000:.0f} ms, "
            f"mean {statistics.fmean(self.latencies) * 1000 if self.latencies else 0:.0f} ms; "
            f"refusals {self.refusals}, internal errors {self.internal_errors}, "
            f"apologies {self.apologies}"
        )


async def run_load(
    config: Any,
    *,
    users: int = 200,
    commands: int = 20,
    throttle: bool = False,
    timeout: float = 30.0,
) -> LoadReport:
    """Serve `config` with the real Application against a new fake; `users` simulated users
    each send `commands` commands one after another. Returns what happened."""
    from bot.app import build_application, serving
    from bot.fakeapi import FakeBotApi
    from bot.fakeapi.records import InlineAnswer, SentMessage
    from bot.handlers import SORRY
    from bot.services import open_services
    from bot.text import SOMETHING_WRONG

    report = LoadReport(users, commands)
    waiting: dict[object, asyncio.Future[float]] = {}
    loop = asyncio.get_running_loop()

    async with contextlib.AsyncExitStack() as stack:
        fake = await stack.enter_async_context(FakeBotApi())
        services = await stack.enter_async_context(open_services(config))
        app = build_application(
            services, base_url=fake.base_url, token=fake.token, throttle=throttle
        )
        await stack.enter_async_context(serving(app, poll_timeout=1))
        await fake.wait_idle(app)
        events = fake.subscribe()

        async def dispatch() -> None:
            while True:
                event = await events.get()
                if isinstance(event, SentMessage):
                    if SORRY in event.text or SOMETHING_WRONG in event.text:
                        report.apologies += 1
                    key: object = ("chat", event.chat_id)
                elif isinstance(event, InlineAnswer):
                    key = ("inline", event.inline_query_id)
                else:
                    continue
                future = waiting.pop(key, None)
                if future is not None and not future.done():
                    future.set_result(loop.time())

        async def user(number: int) -> None:
            user_id = 900_000 + number
            group_id = -900_000 - number
            for step in range(commands):
                kind = ("private", "private", "group", "inline", "private")[(number + step) % 5]
                report.kinds[kind] = report.kinds.get(kind, 0) + 1
                future: asyncio.Future[float] = loop.create_future()
                if kind == "private":
                    waiting[("chat", user_id)] = future
                    started = loop.time()
                    fake.user_sends(PRIVATE[(number + step) % len(PRIVATE)], user_id=user_id)
                elif kind == "group":
                    waiting[("chat", group_id)] = future
                    started = loop.time()
                    fake.user_sends(GROUP[(number + step) % len(GROUP)], user_id=user_id,
                                    chat_id=group_id, chat_type="group")  # fmt: skip
                else:
                    query = INLINE[(number + step) % len(INLINE)]
                    started = loop.time()
                    update = fake.user_inline(query, user_id=user_id)
                    waiting[("inline", update["inline_query"]["id"])] = future
                report.sent += 1
                try:
                    done = await asyncio.wait_for(future, timeout)
                except TimeoutError:
                    continue
                report.answered += 1
                report.latencies.append(done - started)
                # a reply of several messages: let it finish before the next command
                await asyncio.sleep(0.01)

        dispatcher = asyncio.create_task(dispatch())
        began = time.perf_counter()
        try:
            await asyncio.gather(*(user(n) for n in range(users)))
            report.seconds = time.perf_counter() - began
            await fake.wait_idle(app, timeout=timeout)
        finally:
            dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await dispatcher
            fake.unsubscribe(events)
        report.refusals = len(fake.refusals)
        report.internal_errors = len(fake.internal_errors)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--commands", type=int, default=20)
    parser.add_argument("--throttle", action="store_true", help="keep PTB's AIORateLimiter")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        config = load_config(Path(folder))
        report = asyncio.run(
            run_load(config, users=args.users, commands=args.commands, throttle=args.throttle)
        )
    print(report.summary())
    ok = report.answered == report.sent and not (
        report.refusals or report.internal_errors or report.apologies
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
