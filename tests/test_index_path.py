"""`index.path` never destroys what it names; a valid index is served from a read-only folder."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import tantivy

from corpus.build import build_index
from corpus.index_path import (
    IndexPathError,
    check_index_path,
    open_tantivy,
    remove_stale_shadows,
    shadow_directory,
)
from corpus.model import SourceSpec
from corpus.store import tantivy_schema


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(index file, its tantivy directory, the source) of a small generated corpus."""
    source = tmp_path / "talk.txt"
    source.write_text(
        "".join(f"Paragraph {i} speaks of harbours and drones.\n\n" for i in range(30)),
        encoding="utf-8",
    )
    index = tmp_path / "var" / "index.sqlite3"
    build_index([SourceSpec(source, "plain", "A. Speaker")], frozenset(), index)
    (directory,) = index.parent.glob("index.sqlite3.tantivy-*")
    return index, directory, source


def refused(path: Path, **kw: object) -> str:
    with pytest.raises(IndexPathError) as err:
        check_index_path(path, **kw)  # type: ignore[arg-type]
    message = str(err.value)
    assert "index.path" in message and "\n" not in message
    return message


def test_a_fresh_path_or_an_existing_index_is_accepted(built: tuple[Path, Path, Path]) -> None:
    index, _, source = built
    check_index_path(index, others={"corpus.sources[0].path": source})
    check_index_path(index.with_name("new.sqlite3"))
    empty = index.with_name("empty.sqlite3")
    empty.touch()
    check_index_path(empty)


def test_a_source_or_the_config_is_refused(built: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, _, source = built
    before = source.read_bytes()
    assert "corpus.sources[0].path" in refused(source, others={"corpus.sources[0].path": source})
    config = tmp_path / "corpusbot.yaml"
    config.write_text("index: {path: corpusbot.yaml}\n")
    link = tmp_path / "alias.yaml"
    link.symlink_to(config)
    assert "config" in refused(link, others={"the config file": config})
    assert source.read_bytes() == before


def test_any_other_existing_file_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    assert "not a corpusbot index" in refused(notes)
    fake = tmp_path / "other.sqlite3"
    import sqlite3

    sqlite3.connect(fake).execute("CREATE TABLE t (x)").connection.commit()
    assert "not a corpusbot index" in refused(fake)


def test_devices_pipes_sockets_and_directories_are_refused(tmp_path: Path) -> None:
    assert "device" in refused(Path("/dev/null"))
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "FIFO" in refused(fifo)
    sock_path = tmp_path / "s.sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    try:
        assert "socket" in refused(sock_path)
    finally:
        sock.close()
    assert "directory" in refused(tmp_path)
    assert "not a file path" in refused(Path(""))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert "not a directory" in refused(blocker / "index.sqlite3")


def test_a_read_only_index_opens_through_a_shadow_without_writing_beside_it(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, directory, _ = built
    listing = sorted(p.name for p in directory.iterdir())
    shadows = tmp_path / "shadows"
    shadows.mkdir()
    shadow = shadow_directory(directory, under=shadows)
    engine = tantivy.Index(tantivy_schema(), path=str(shadow), reuse=True)
    searcher = engine.searcher()
    assert searcher.num_docs == 30
    query = tantivy.Query.all_query()
    assert searcher.search(query, 5).hits
    assert sorted(p.name for p in directory.iterdir()) == listing  # no lock file written
    del searcher, engine
    remove_stale_shadows(shadows)
    assert shadow.exists()  # this process is alive: its shadow stays
    dead = shadows / f"corpusbot-tantivy-{2**22 + 7}-x"
    dead.mkdir()
    (dead / "meta.json").symlink_to(directory / "meta.json")
    remove_stale_shadows(shadows)
    assert not dead.exists()
    assert (directory / "meta.json").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_open_tantivy_picks_the_shadow_for_a_read_only_folder(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, directory, _ = built
    directory.chmod(0o555)
    try:
        engine, shadow = open_tantivy(tantivy_schema(), directory, shadow_under=tmp_path)
        assert shadow is not None and engine.searcher().num_docs == 30
    finally:
        directory.chmod(0o755)
