"""SIGKILL mid-way, restart, count: the kill tests of tests/test_bot_process.py run again and
again (each run a fresh `corpusbot run` process, a fresh fake Bot API, the kill after a
random number of answers), per send-mark policy (bot/sends.py), with the lost and doubled
answers tallied. The tests fail on any loss or double; this loop counts them instead.

    .venv/bin/python -m benchmarks.kill_restart --runs 10 --updates 1000 \\
        --marks written answered writing

About 60 s a run on the 2-core box (1,000 webhook answers at PTB's 30 messages/s).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE_RE = re.compile(
    r"^(webhook|polling): (\d+) \w+, (\d+) answered before SIGKILL, (\d+) after the restart, "
    r"(\d+) lost, (\d+) twice(.*)$",
    re.MULTILINE,
)


@dataclass
class Tally:
    runs: int = 0
    updates: int = 0
    lost: int = 0
    doubles: int = 0
    runs_with_loss: int = 0
    runs_with_double: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, updates: int, lost: int, doubles: int) -> None:
        self.runs += 1
        self.updates += updates
        self.lost += lost
        self.doubles += doubles
        self.runs_with_loss += lost > 0
        self.runs_with_double += doubles > 0


def run_once(mark: str, updates: int, folder: Path) -> str:
    """One run of both kill tests; their folders (config, state, bot logs) kept in `folder`."""
    env = {**os.environ, "CORPUSBOT_SEND_MARK": mark, "CORPUSBOT_KILL_UPDATES": str(updates)}
    folder.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_bot_process.py", "-q", "-s", "-p",
         "no:cacheprovider", f"--basetemp={folder}", "-k", "webhook_updates or polling_updates"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--updates", type=int, default=1000, help="webhook updates per run")
    parser.add_argument("--marks", nargs="+", default=["written", "answered", "writing"])
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "kill-runs",
                        help="each run's folders (logs, state) go under this")  # fmt: skip
    args = parser.parse_args(argv)
    tallies: dict[tuple[str, str], Tally] = {}
    for n in range(args.runs):
        for mark in args.marks:
            out = run_once(mark, args.updates, args.keep / f"{mark}-{n + 1}")
            found = LINE_RE.findall(out)
            for mode, total, before, after, lost, doubles, which in found:
                tally = tallies.setdefault((mark, mode), Tally())
                tally.add(int(total), int(lost), int(doubles))
                print(f"run {n + 1} {mark:>8} {mode}: {total} owed, {before} before the kill, "
                      f"{after} after, {lost} lost, {doubles} twice{which}",
                      flush=True)  # fmt: skip
            if len(found) < 2:
                print(f"run {n + 1} {mark}: a test did not report\n{out[-3000:]}", flush=True)
    print("\nmark      mode     runs  updates  lost  twice  runs with a loss / a double")
    for (mark, mode), t in sorted(tallies.items()):
        print(f"{mark:<9} {mode:<8} {t.runs:>4} {t.updates:>8} {t.lost:>5} {t.doubles:>6}  "
              f"{t.runs_with_loss} / {t.runs_with_double}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
