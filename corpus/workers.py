"""Clean index builds: worker processes that die with their parent, scratch space that goes
with the build, leftovers of killed builds swept at the next start.

`worker_initializer` is a `ProcessPoolExecutor(initializer=...)`: the worker asks Linux to
kill it when its parent dies (`prctl(PR_SET_PDEATHSIG)`; elsewhere a thread watches the
parent pid) and leaves Ctrl-C to the parent, which stops the pool with `stop_pool`.
Scratch names carry the builder's pid (`.<name>.tmp-<pid>-<hex>`), so `sweep_leftovers`
removes exactly those whose builder is gone, at once rather than after an hour.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import secrets
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

PR_SET_PDEATHSIG = 1
WATCH_INTERVAL = 0.5  # seconds between parent checks where prctl is unavailable
_SCRATCH_RE = re.compile(r"^\..+\.tmp-(\d+)-[0-9a-f]+$")


def _prctl_pdeathsig(sig: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int, interval: float) -> None:
    def watch() -> None:
        while not stopped.wait(interval):
            if os.getppid() != parent_pid:
                os._exit(1)

    stopped = threading.Event()
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def die_with_parent(
    parent_pid: int, *, use_prctl: bool = True, interval: float = WATCH_INTERVAL
) -> str:
    """Make this process exit when `parent_pid` (its parent) dies, even by SIGKILL; how it
    was arranged: "prctl", "watchdog", or "orphan" (the parent was already gone: exited)."""
    how = "prctl" if use_prctl and _prctl_pdeathsig(signal.SIGKILL) else "watchdog"
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)
    if how == "watchdog":
        _watch_parent(parent_pid, interval)
    return how


def worker_initializer(parent_pid: int) -> None:
    """For `ProcessPoolExecutor(initializer=worker_initializer, initargs=(os.getpid(),))`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    die_with_parent(parent_pid)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: pending work cancelled, running workers killed (Ctrl-C, errors)."""
    processes = dict(getattr(pool, "_processes", None) or {})
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()
    for process in processes.values():
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.join(timeout=5)


def scratch_name(beside: Path, label: str) -> Path:
    """A scratch path in `beside`'s folder, named for this process: `.<label>.tmp-<pid>-<hex>`."""
    return beside.with_name(f".{label}.tmp-{os.getpid()}-{secrets.token_hex(4)}")


@contextlib.contextmanager
def scratch_dir(beside: Path, label: str) -> Iterator[Path]:
    """A scratch directory removed on any exit of the block (errors, Ctrl-C, SystemExit)."""
    path = scratch_name(beside, label)
    path.mkdir(parents=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def process_gone(pid: int) -> bool:
    """Whether no live process has this pid (a zombie counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def sweep_leftovers(folder: Path, label_prefix: str = "") -> list[Path]:
    """Remove scratch files and folders in `folder` left by processes that are gone; the
    paths removed. Scratch of live processes (another build) is left alone."""
    removed = []
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            found = _SCRATCH_RE.match(path.name)
            if not found or not path.name.startswith(f".{label_prefix}"):
                continue
            pid = int(found.group(1))
            if pid == os.getpid() or not process_gone(pid):
                continue
            try:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except OSError:
                continue
            removed.append(path)
    return removed
