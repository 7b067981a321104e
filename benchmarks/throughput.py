"""Commands per second through the real PTB Application and the fake Bot API, beside a bare echo.

Both Applications poll the same kind of fake (`bot.fakeapi.FakeBotApi`, real HTTP on 127.0.0.1)
in the same process and run, three rounds each, in turn (the medians count). The queue is filled
first (`commands` updates from 100 users, a mix of /date, /topic and /quote from the generated
queries), then the clock runs until every command has its reply. PTB's AIORateLimiter
(Telegram's ~30 messages/s) and the bot's per-user limits are off in both, so the figure is
the software's own ceiling, not Telegram's.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from pathlib import Path

from benchmarks.measure import load_queries

USERS = 100
WARM_UP = 30
ROUNDS = 3


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
    """Queue every text, then time until each has a reply (or the bot goes idle)."""
    from bot.app import serving

    async with serving(application, poll_timeout=1):
        for i, text in enumerate(texts[:WARM_UP]):
            fake.user_sends(text, user_id=10_000 + i % USERS)
        await fake.wait_idle(application, timeout=60)
        base = len(fake.sent)
        began = time.perf_counter()
        for i, text in enumerate(texts):
            fake.user_sends(text, user_id=10_000 + i % USERS)
        try:
            await fake.wait_sent(base + len(texts), timeout=timeout)
        except TimeoutError:
            await fake.wait_idle(application, timeout=timeout)
        seconds = time.perf_counter() - began
        replies = len(fake.sent) - base
    return {
        "commands": len(texts),
        "replies": replies,
        "seconds": round(seconds, 3),
        "per_s": round(len(texts) / seconds, 1),
        "refusals": len(fake.refusals),
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
    corpus: Path, commands: int, timeout: float = 300.0, rounds: int = ROUNDS
) -> dict:
    """Echo and bot in turn, `rounds` times each (this machine's rate drifts by a third from
    minute to minute); the medians and their ratio, and every round's figures."""
    import logging

    from bot.config import RateLimitConfig, load_config

    logging.getLogger("httpx").setLevel(logging.WARNING)
    texts = command_texts(corpus, commands)
    config = load_config(corpus / "corpusbot.yaml")
    config = dataclasses.replace(
        config, rate_limit=RateLimitConfig(user_per_minute=0, chat_per_minute=0)
    )
    echoes, bots = [], []
    for _ in range(rounds):
        echoes.append(await _echo_round(texts, timeout))
        bots.append(await _bot_round(config, texts, timeout))
    echo, bot = _median(echoes), _median(bots)
    return {
        "mix": "date/topic/quote in turn",
        "users": USERS,
        "rounds": rounds,
        "echo": echo,
        "bot": bot,
        "ratio": round(bot["per_s"] / echo["per_s"], 3),
        "echo_rounds": [r["per_s"] for r in echoes],
        "bot_rounds": [r["per_s"] for r in bots],
    }


def _median(results: list[dict]) -> dict:
    """The round with the median rate."""
    return sorted(results, key=lambda r: r["per_s"])[len(results) // 2]


async def _echo_round(texts: list[str], timeout: float) -> dict:
    from bot.fakeapi import FakeBotApi

    async with FakeBotApi() as fake:
        return await pump(fake, echo_application(fake), texts, timeout)


async def _bot_round(config, texts: list[str], timeout: float) -> dict:  # config: bot.config.Config
    from bot.app import build_application
    from bot.fakeapi import FakeBotApi
    from bot.services import open_services

    # A fresh state store: the bot skips update ids it has seen, and each fake starts at 1.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{config.state.path}{suffix}").unlink(missing_ok=True)
    async with open_services(config) as services, FakeBotApi() as fake:
        application = build_application(
            services, base_url=fake.base_url, token=fake.token, throttle=False
        )
        return await pump(fake, application, texts, timeout)


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(asyncio.run(run_throughput(Path(sys.argv[1]), int(sys.argv[2]))), indent=1))
