"""A tiny sampling profiler over every Python thread (cProfile sees only the calling thread, but
the core works in `asyncio.to_thread` and aiosqlite's thread)."""

from __future__ import annotations

import sys
import threading
from collections import Counter
from types import FrameType


class Sampler:
    """Every `interval` s, note the innermost frames of all other threads; `report()` ranks
    functions by inclusive share of the samples where a thread was busy in them."""

    def __init__(self, interval: float = 0.002) -> None:
        self.interval = interval
        self.inclusive: Counter[str] = Counter()
        self.exclusive: Counter[str] = Counter()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(self.interval):
            for ident, frame in sys._current_frames().items():
                if ident != me and not _idle(frame):
                    self._note(frame)

    def _note(self, frame: FrameType | None) -> None:
        self.samples += 1
        seen: set[str] = set()
        first = True
        while frame is not None:
            code = frame.f_code
            name = f"{code.co_filename.rsplit('/', 2)[-1]}:{code.co_firstlineno}({code.co_name})"
            if first:
                self.exclusive[name] += 1
                first = False
            if name not in seen:
                seen.add(name)
                self.inclusive[name] += 1
            frame = frame.f_back

    def report(self, lines: int = 30) -> str:
        total = max(1, self.samples)
        out = [
            f"{self.samples} busy samples every {self.interval * 1000:.0f} ms (all threads)",
            "inclusive%  self%  function",
        ]
        for name, count in self.inclusive.most_common(lines):
            out.append(
                f"{100 * count / total:9.1f}  {100 * self.exclusive[name] / total:5.1f}  {name}"
            )
        return "\n".join(out)


def _idle(frame: FrameType) -> bool:
    """A thread parked in a wait (selector, queue, lock, sleep) is not doing work."""
    name = frame.f_code.co_name
    return name in {
        "select",
        "wait",
        "_wait_for_tstate_lock",
        "get",
        "poll",
        "sleep",
        "_worker",
        "run",
    } and frame.f_code.co_filename.endswith(
        ("selectors.py", "threading.py", "queue.py", "thread.py", "core.py", "time.py")
    )
