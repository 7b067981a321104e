"""Reading a source file safely: what is not a regular file is named in one line, decided
from `stat` before anything is read, and no read goes past a size cap (so `/dev/zero`, a
FIFO with no writer or a huge file cannot hold the build or the bot)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from corpus.errors import SourceError

MAX_SOURCE_BYTES = 512 * 1024 * 1024  # a source larger than this is refused, not read
_CHUNK = 1 << 20


def _not_a_file(mode: int) -> str | None:
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    if not stat.S_ISREG(mode):
        return "is not a regular file"
    return None


def source_problem(path: Path, *, max_bytes: int = MAX_SOURCE_BYTES) -> str | None:
    """Why `path` cannot be a source (a short phrase after its name), or None. Only stats."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "not found"
    except OSError as err:
        return f"cannot be read ({err.strerror or type(err).__name__})"
    return _not_a_file(st.st_mode) or _too_big(st.st_size, max_bytes)


def _too_big(size: int, max_bytes: int) -> str | None:
    if size <= max_bytes:
        return None
    return f"is {_size(size)}, over the {_size(max_bytes)} a source may be"


def _size(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB" if n >= 2**20 else f"{n:,} bytes"


def read_source_file(path: Path, *, max_bytes: int = MAX_SOURCE_BYTES) -> bytes:
    """The raw bytes of a regular file of at most `max_bytes`; else `SourceError` naming it
    with the reason. Opened non-blocking and checked again on the open descriptor, so a file
    swapped for a FIFO or a device between the check and the open is refused, not waited on;
    a file that grows past the cap while read (or lies about its size, as /proc does) too."""
    name = Path(path).name or str(path)
    problem = source_problem(path, max_bytes=max_bytes)
    if problem is not None:
        raise SourceError(name, None, problem)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        raise SourceError(name, None, f"cannot read the file ({err.strerror})") from err
    try:
        st = os.fstat(fd)
        problem = _not_a_file(st.st_mode) or _too_big(st.st_size, max_bytes)
        if problem is not None:
            raise SourceError(name, None, problem)
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise SourceError(name, None, _too_big(total, max_bytes) or "is too large")
        return b"".join(chunks)
    except OSError as err:
        raise SourceError(name, None, f"cannot read the file ({err.strerror})") from err
    finally:
        os.close(fd)
