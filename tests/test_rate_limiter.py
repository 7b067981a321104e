"""The rate limiter: sliding-window limits with bounded memory and microsecond refusals."""

from __future__ import annotations

import time
import tracemalloc

from bot.services import WINDOW, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_notices_once_then_stays_silent_and_recovers() -> None:
    clock = Clock()
    limiter = RateLimiter(3, 100, clock)
    assert [limiter.check(1, 1) for _ in range(3)] == ["ok"] * 3
    assert limiter.check(1, 1) == "notice"
    assert limiter.check(1, 1) == "silent"
    assert limiter.check(2, 1) == "ok"  # another user in the same chat
    clock.now += WINDOW - 1
    assert limiter.check(1, 1) == "silent"
    clock.now += 1.01
    assert limiter.check(1, 1) == "ok"


def test_a_hundred_thousand_passing_users_leave_it_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(20, 20, clock, per_inline=30)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for user in range(100_000):
        clock.now += 0.01  # 1,000 s: each user's window empties long before the end
        assert limiter.check_inline(user) == "ok"
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    # only the users of the last minute are remembered (6,000), not 100,000
    assert len(limiter) <= WINDOW / 0.01 + 2
    assert after - before < 3_000_000, after - before


def test_the_key_cap_holds_within_one_window() -> None:
    clock = Clock()
    limiter = RateLimiter(5, 5, clock, per_inline=5, max_keys=1_000)
    for user in range(10_000):  # all within the same second
        limiter.check_inline(user)
    assert len(limiter) == 1_000


def test_a_refusal_costs_microseconds() -> None:
    clock = Clock()
    limiter = RateLimiter(5, 5, clock, per_inline=5)
    for _ in range(10):
        limiter.check_inline(7)
        limiter.check(7, 7)
    n = 20_000
    started = time.perf_counter()
    for _ in range(n):
        limiter.check_inline(7)
        limiter.check(7, 7)
    per_call = (time.perf_counter() - started) / (2 * n)
    assert limiter.check_inline(7) == "silent"
    assert per_call < 100e-6, per_call  # a few µs here; 100 µs leaves room for a busy CI


def test_the_sweep_forgets_every_idle_user_without_traffic() -> None:
    clock = Clock()
    limiter = RateLimiter(20, 20, clock, per_inline=30)
    for user in range(5_000):
        limiter.check_inline(user)
    clock.now += WINDOW / 2
    limiter.check_inline(99_999)  # seen within the window: kept
    assert limiter.forget_idle() == 0
    clock.now += WINDOW / 2 + 0.01
    assert limiter.forget_idle() == 5_000
    assert len(limiter) == 1
