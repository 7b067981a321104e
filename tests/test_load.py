"""Load through the real Application and the fake Bot API, at a test-sized scale: many users,
mixed private/group/inline, each waiting for every answer. Every command answered, no refusal,
no error, no apology. The full 200 x 20 run with latency figures: `python -m benchmarks.load`."""

from __future__ import annotations

from pathlib import Path

from benchmarks.load import load_config, run_load


async def test_every_command_of_many_users_is_answered(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    report = await run_load(config, users=40, commands=10)
    print(f"\n{report.summary()}")
    assert report.sent == 400
    assert report.answered == report.sent
    assert set(report.kinds) == {"private", "group", "inline"}
    assert report.refusals == 0 and report.internal_errors == 0 and report.apologies == 0
    assert len(report.latencies) == report.sent


async def test_load_with_telegrams_rate_limiter_is_still_all_answered(tmp_path: Path) -> None:
    """With PTB's AIORateLimiter (30 messages/s overall, 20/min per group) as in production."""
    config = load_config(tmp_path)
    report = await run_load(config, users=20, commands=4, throttle=True)
    print(f"\n{report.summary()}")
    assert report.answered == report.sent == 80
    assert report.refusals == 0 and report.internal_errors == 0 and report.apologies == 0
