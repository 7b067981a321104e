"""Sources that are not files get a one-line reason, decided without reading forever."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from corpus.errors import SourceError
from corpus.source_file import read_source_file, source_problem


def reason(path: Path, **kw: int) -> str:
    with pytest.raises(SourceError) as err:
        read_source_file(path, **kw)
    message = str(err.value)
    assert "\n" not in message
    return message


def test_a_regular_file_is_read_byte_for_byte(tmp_path: Path) -> None:
    raw = "Слово\r\nword\n".encode() + bytes(range(256))
    path = tmp_path / "s.txt"
    path.write_bytes(raw)
    assert read_source_file(path) == raw
    assert source_problem(path) is None


def test_devices_directories_pipes_and_sockets_are_named(tmp_path: Path) -> None:
    assert reason(Path("/dev/zero")) == "zero: is a device, not a file"
    assert "is a directory, not a file" in reason(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # no writer: a plain open() would block forever
    done = threading.Event()
    got: list[str] = []

    def read() -> None:
        got.append(reason(fifo))
        done.set()

    threading.Thread(target=read, daemon=True).start()
    assert done.wait(5.0), "reading a FIFO blocked"
    assert got == ["pipe: is a named pipe (FIFO), not a file"]
    sock_path = tmp_path / "s.sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    try:
        assert "is a socket" in reason(sock_path)
    finally:
        sock.close()
    assert reason(tmp_path / "missing.txt") == "missing.txt: not found"


def test_the_size_cap_is_checked_before_and_while_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 5000)
    assert "over the" in reason(big, max_bytes=4096)
    assert read_source_file(big, max_bytes=5000) == b"x" * 5000


def test_a_file_that_lies_about_its_size_is_capped() -> None:
    proc = Path("/proc/self/status")  # size 0 in stat, text when read
    if not proc.exists():
        pytest.skip("no /proc")
    assert "over the" in reason(proc, max_bytes=16)


@pytest.mark.parametrize("kind", ["device", "directory", "fifo"])
def test_a_source_that_is_not_a_file_gets_its_own_reason_through_the_parser(
    tmp_path: Path, kind: str
) -> None:
    import os

    from corpus.parse import read_source

    path = {"device": Path("/dev/zero"), "directory": tmp_path}.get(kind, tmp_path / "pipe")
    if kind == "fifo":
        os.mkfifo(path)
    with pytest.raises(SourceError) as err:
        read_source(path)
    reason = {"device": "device", "directory": "directory", "fifo": "FIFO"}[kind]
    assert reason in str(err.value) and "\n" not in str(err.value)
