"""Where the index may live, and opening its tantivy half without writing beside it.

The index build replaces the file at `index.path` and deletes directories beside it, so
`check_index_path` refuses any path whose file is not an index already (a source, the config,
a device, a directory, any other file): one line naming the config key. `open_tantivy`
serves a valid index from a read-only folder: tantivy's reader takes a lock file
(`.tantivy-meta.lock`) in the index directory, so when that directory cannot be written the
index is opened through a shadow directory of symlinks in a writable temporary folder.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

import tantivy

from corpus.errors import IndexBuildError

SQLITE_MAGIC = b"SQLite format 3\x00"
SHADOW_PREFIX = "corpusbot-tantivy-"


class IndexPathError(IndexBuildError):
    """`index.path` names something the index must not replace. The message is one line."""


def _kind_of(mode: int) -> str | None:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return None


def is_index_file(path: Path) -> bool:
    """Whether `path` is an index this program wrote (a SQLite file with our `meta` table)."""
    try:
        with path.open("rb") as f:
            if f.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                return False
        db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except (OSError, sqlite3.Error):
        return False
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'format_version'").fetchone()
    except sqlite3.DatabaseError as err:
        # a damaged SQLite file (a build or a copy cut short): ours to rebuild; a sound one
        # without our meta table is someone else's database
        return "no such table" not in str(err)
    finally:
        db.close()
    return row is not None


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def check_index_path(
    index_path: Path,
    *,
    others: Mapping[str, Path] = {},
    key: str = "index.path",
) -> None:
    """Refuse an `index.path` the build would destroy; `others` names every path the index
    must not be (config key -> path: each source, the config file, the state file)."""
    text = str(index_path)
    if (
        not text
        or "\x00" in text
        or text.endswith(("/", os.sep))
        or index_path.name in ("", ".", "..")
    ):
        raise IndexPathError(
            f"{key} {text!r} is not a file path; name a file, e.g. var/corpusbot.sqlite3"
        )
    for other_key, other in others.items():
        if _same(index_path, other):
            raise IndexPathError(
                f"{key} {index_path} is the same file as {other_key}; the index would replace it"
                f" (name a new file, e.g. {index_path.with_name('corpusbot-index.sqlite3')})"
            )
    parent = index_path.parent
    if parent.exists() and not parent.is_dir():
        raise IndexPathError(f"{key} {index_path}: {parent} is not a directory")
    try:
        mode = index_path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as err:
        raise IndexPathError(f"{key} {index_path} cannot be checked ({err.strerror})") from err
    if mode is not None:
        kind = _kind_of(mode)
        if kind is not None:
            raise IndexPathError(f"{key} {index_path} is {kind}; name a file for the index")
        if index_path.stat().st_size > 0 and not is_index_file(index_path):
            raise IndexPathError(
                f"{key} {index_path} is an existing file that is not a corpusbot index;"
                " it would be replaced (move it, or name a new file)"
            )


def _writable(directory: Path) -> bool:
    return os.access(directory, os.W_OK)


def shadow_directory(directory: Path, *, under: Path | None = None) -> Path:
    """A fresh temporary directory of symlinks to every file of `directory` (no copy): a
    writable place for tantivy's lock files beside a read-only index. Remove it when done."""
    shadow = Path(tempfile.mkdtemp(prefix=f"{SHADOW_PREFIX}{os.getpid()}-", dir=under))
    try:
        for entry in directory.iterdir():
            if entry.name.endswith(".lock"):
                continue
            (shadow / entry.name).symlink_to(entry.resolve())
    except OSError:
        shutil.rmtree(shadow, ignore_errors=True)
        raise
    return shadow


def open_tantivy(
    schema: tantivy.Schema, directory: Path, *, shadow_under: Path | None = None
) -> tuple[tantivy.Index, Path | None]:
    """Open an existing tantivy index for reading; (index, shadow directory or None). A
    read-only `directory` is opened through a shadow directory (the caller removes it)."""
    if _writable(directory):
        return tantivy.Index(schema, path=str(directory), reuse=True), None
    shadow = shadow_directory(directory, under=shadow_under)
    try:
        return tantivy.Index(schema, path=str(shadow), reuse=True), shadow
    except BaseException:
        shutil.rmtree(shadow, ignore_errors=True)
        raise


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale_shadows(under: Path | None = None) -> None:
    """Delete shadow directories of processes that are gone (symlinks only: nothing real)."""
    root = Path(under or tempfile.gettempdir())
    for path in root.glob(f"{SHADOW_PREFIX}*-*"):
        pid = path.name[len(SHADOW_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or _pid_alive(int(pid)) or not path.is_dir():
            continue
        if all(p.is_symlink() or p.suffix == ".lock" for p in path.iterdir()):
            shutil.rmtree(path, ignore_errors=True)
