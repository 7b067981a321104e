"""Build workers die with their parent; scratch goes with the build or at the next start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from corpus.workers import process_gone, scratch_dir, scratch_name, sweep_leftovers

ROOT = Path(__file__).resolve().parent.parent

PARENT = textwrap.dedent(
    """
    import multiprocessing, os, sys, time
    from concurrent.futures import ProcessPoolExecutor
    from corpus.workers import die_with_parent, worker_initializer

    def linger(seconds):
        time.sleep(seconds)  # a long parse, in the worker

    def watched_initializer(parent_pid):
        die_with_parent(parent_pid, use_prctl=False, interval=0.05)

    if __name__ == "__main__":
        init = worker_initializer if sys.argv[1] == "prctl" else watched_initializer
        pool = ProcessPoolExecutor(
            2, mp_context=multiprocessing.get_context("spawn"),
            initializer=init, initargs=(os.getpid(),),
        )
        futures = [pool.submit(linger, 300) for _ in range(2)]
        while len(pool._processes) < 2 or not all(p.pid for p in pool._processes.values()):
            time.sleep(0.01)
        time.sleep(0.5)  # let the initializers run
        print(" ".join(str(p.pid) for p in pool._processes.values()), flush=True)
        time.sleep(300)
    """
)


def wait_until(condition: object, deadline: float) -> bool:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)  # polling a short deadline, not waiting a fixed time
    return False


@pytest.mark.parametrize("how", ["prctl", "watchdog"])
def test_workers_die_when_their_parent_is_killed(how: str, tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen(
        [sys.executable, str(script), how], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and not any(process_gone(pid) for pid in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        assert wait_until(lambda: all(process_gone(pid) for pid in workers), 10.0), workers
    finally:
        parent.kill()
        parent.wait()


def test_scratch_goes_on_any_exit_of_the_block(tmp_path: Path) -> None:
    beside = tmp_path / "index.sqlite3"
    with pytest.raises(KeyboardInterrupt), scratch_dir(beside, "index.sqlite3.parts") as parts:
        (parts / "rows-0.sqlite3").write_bytes(b"x" * 1000)
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_leftovers_of_dead_builders_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    beside = tmp_path / "index.sqlite3"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead_pid = int(dead.stdout)
    gone_dir = beside.with_name(f".index.sqlite3.tantivy.tmp-{dead_pid}-0badc0de")
    gone_dir.mkdir()
    (gone_dir / "seg").write_bytes(b"x")
    gone_file = beside.with_name(f".index.sqlite3.tmp-{dead_pid}-0ddba11")
    gone_file.write_bytes(b"y")
    mine = scratch_name(beside, "index.sqlite3")
    mine.write_bytes(b"live")
    other = tmp_path / "notes.tmp-1-abc"  # not a scratch name: never touched
    other.write_text("keep")
    removed = sweep_leftovers(tmp_path, "index.sqlite3")
    assert sorted(removed) == sorted([gone_dir, gone_file])
    assert mine.exists() and other.exists() and beside.parent.exists()


SENTENCE = "the drones flew over the river at night and nobody in the town slept"


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_corpusbot_index_cleanly(tmp_path: Path, sig: int) -> None:
    """A real `corpusbot index` over 40 generated sources (~12 MB, parsed in worker
    processes): stopped after its first source, it exits within seconds, leaves no worker
    alive and no scratch file, and the next build sweeps nothing because nothing is left."""
    import yaml
    from conftest import ROOT

    words = SENTENCE.split()
    sources = []
    for n in range(40):
        path = tmp_path / f"s{n}.txt"
        lines = (" ".join(words[(i + n) % 7 :] + words[: (i + n) % 7]) for i in range(4000))
        path.write_text("\n\n".join(f"{line} {n}-{i}." for i, line in enumerate(lines)) * 1)
        sources.append({"path": str(path), "format": "plain", "speaker": f"Speaker {n}"})
    config = tmp_path / "corpusbot.yaml"
    index = tmp_path / "var" / "index.sqlite3"
    state = tmp_path / "var" / "state.sqlite3"
    data = {"corpus": {"sources": sources}, "index": {"path": str(index)}}
    config.write_text(yaml.safe_dump({**data, "state": {"path": str(state)}}))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "index", "--config", str(config)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()  # a line per source once one is written
        assert first.startswith("indexing"), first
        workers = children_of(proc.pid)
        proc.send_signal(sig)
        started = time.monotonic()
        rest = proc.communicate(timeout=20)[1]
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (proc.returncode, rest[-1500:])
    assert "Traceback" not in rest and "stopped" in rest, rest[-1500:]
    assert took < 10, took
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{w}").exists() and not process_gone(w) for w in workers):
        assert time.monotonic() < deadline, "orphan workers"
        time.sleep(0.05)
    assert not [p.name for p in index.parent.iterdir() if ".tmp-" in p.name]
    assert not index.exists()
    print(f"\nindex build stopped by signal {sig} in {took:.2f} s; {len(workers)} workers gone")
