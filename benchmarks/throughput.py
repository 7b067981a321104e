"""Commands per second through the real PTB Application and the fake Bot API, beside a bare echo.

Both Applications talk to the same kind of fake (`bot.fakeapi.FakeBotApi`, real HTTP on
127.0.0.1), by default in a process of its own (`benchmarks.fake_process`: Telegram's servers
are not on the bot's CPU; `fake="inline"` runs it in the bot's process, as before). Echo and
bot run in turn in the same run, `rounds` rounds of each (echo first in even rounds, bot first
in odd ones, so a drift of the machine falls on both alike); each round's ratio is bot/echo
of that round, and the figure is the median of those ratios with their spread. The queue is
filled first (`commands` updates from 100 users, a mix of /date, /topic and /quote from the
generated queries), then the clock runs until every command has its reply. PTB's
AIORateLimiter (Telegram's ~30 messages/s) and the bot's per-user limits are off in both, so
the figure is the software's own ceiling, not Telegram's.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from benchmarks.fake_process import USERS
from benchmarks.measure import load_queries

WARM_UP = 30
ROUNDS = 5


def command_texts(corpus: Path, count: int) -> list[str]:
    """`count` commands cycling /date, /topic, /quote over the generated queries."""
    queries = load_queries(corpus)
    kinds = [
        [f"/date {q['query']}" for q in queries["date"]],
        [f"/topic {q['query']}" for q in queries["topic"]],
        [f"/quote {q['query']}" for q in queries["quote"]],
    ]
    return [kinds[i % 3][(i // 3) % len(kinds[i % 3])] for i in range(count)]


async def pump(fake, application, texts: list[str], timeout: float) -> dict:
    """Queue every text, then time until each has a reply (`fake`: a `RemoteFake` or an
    in-process `FakeBotApi`)."""
    from benchmarks.fake_process import RemoteFake, run_texts
    from bot.app import serving

    async def drive(batch: list[str]) -> dict:
        if isinstance(fake, RemoteFake):
            return await fake.run(batch, timeout)
        return await run_texts(fake, batch, timeout)

    async with serving(application, poll_timeout=1):
        await drive(texts[:WARM_UP])
        await asyncio.wait_for(application.update_queue.join(), 60)
        cpu = time.process_time()
        done = await drive(texts)
        cpu = time.process_time() - cpu
    remote = isinstance(fake, RemoteFake)
    return {
        "commands": len(texts),
        "replies": done["replies"],
        "seconds": done["seconds"],
        "per_s": round(len(texts) / done["seconds"], 1),
        "refusals": done["refusals"],
        # CPU time per command (all threads): the bot's process (with the fake when
        # inline) and the fake's own process; a loaded machine stretches these far less
        # than the wall-clock rate
        "cpu_ms": round(cpu * 1000 / len(texts), 3),
        "fake_cpu_ms": round(done["cpu_s"] * 1000 / len(texts), 3) if remote else None,
    }


def echo_application(fake):
    """The least a PTB bot can do: a CommandHandler that echoes the text back."""
    from telegram.ext import ApplicationBuilder, CommandHandler

    async def echo(update, context) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    application = (
        ApplicationBuilder().token(fake.token).base_url(fake.base_url).concurrent_updates(8).build()
    )
    application.add_handler(CommandHandler(("date", "topic", "quote"), echo))
    return application


async def run_throughput(
    corpus: Path,
    commands: int,
    timeout: float = 300.0,
    rounds: int = ROUNDS,
    fake: str = "process",
) -> dict:
    """Echo and bot in turn, `rounds` times each; the median of the per-round ratios (this
    machine's rate drifts by half from minute to minute, on both alike), their spread, and
    every round's figures. `fake`: "process" (its own process) or "inline" (this one)."""
    import logging

    from bot.config import RateLimitConfig, load_config

    logging.getLogger("httpx").setLevel(logging.WARNING)
    texts = command_texts(corpus, commands)
    config = load_config(corpus / "corpusbot.yaml")
    config = dataclasses.replace(
        config, rate_limit=RateLimitConfig(user_per_minute=0, chat_per_minute=0)
    )
    echoes: list[dict] = []
    bots: list[dict] = []
    for i in range(rounds):
        if i % 2 == 0:
            echoes.append(await _echo_round(texts, timeout, fake))
            bots.append(await _bot_round(config, texts, timeout, fake))
        else:
            bots.append(await _bot_round(config, texts, timeout, fake))
            echoes.append(await _echo_round(texts, timeout, fake))
    ratios = [round(b["per_s"] / e["per_s"], 3) for b, e in zip(bots, echoes, strict=True)]
    cpu_ratios = sorted(e["cpu_ms"] / b["cpu_ms"] for b, e in zip(bots, echoes, strict=True))
    return {
        "mix": "date/topic/quote in turn",
        "users": USERS,
        "rounds": rounds,
        "fake": fake,
        "echo": _median(echoes),
        "bot": _median(bots),
        "ratio": sorted(ratios)[len(ratios) // 2],
        "ratio_spread": [min(ratios), max(ratios)],
        "ratio_rounds": ratios,
        # echo's CPU per command / the bot's, in its own process: the ratio a machine with a
        # core to spare for the fake would give (median of the rounds)
        "cpu_ratio": round(cpu_ratios[len(cpu_ratios) // 2], 3),
        "echo_rounds": [r["per_s"] for r in echoes],
        "bot_rounds": [r["per_s"] for r in bots],
    }


def _median(results: list[dict]) -> dict:
    """The round with the median rate."""
    return sorted(results, key=lambda r: r["per_s"])[len(results) // 2]


@contextlib.asynccontextmanager
async def _fake_api(where: str) -> AsyncIterator[Any]:
    """A fake Bot API in its own process ("process") or in this one ("inline")."""
    if where == "process":
        from benchmarks.fake_process import RemoteFake

        async with await RemoteFake.start() as remote:
            yield remote
    else:
        from bot.fakeapi import FakeBotApi

        async with FakeBotApi() as inline:
            yield inline


async def _echo_round(texts: list[str], timeout: float, fake: str) -> dict:
    async with _fake_api(fake) as api:
        return await pump(api, echo_application(api), texts, timeout)


async def _bot_round(config, texts: list[str], timeout: float, fake: str) -> dict:
    """One bot round (`config`: a bot.config.Config)."""
    from bot.app import build_application
    from bot.services import open_services

    # A fresh state store: the bot skips update ids it has seen, and each fake starts at 1.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{config.state.path}{suffix}").unlink(missing_ok=True)
    async with open_services(config) as services, _fake_api(fake) as api:
        application = build_application(
            services, base_url=api.base_url, token=api.token, throttle=False
        )
        return await pump(api, application, texts, timeout)


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(asyncio.run(run_throughput(Path(sys.argv[1]), int(sys.argv[2]))), indent=1))
