"""A source given as a folder: the files that make it up, in order, their hash and size.

Only Telegram Desktop's HTML export is read from a folder: one chat is `messages.html`,
`messages2.html`, … (1000 messages a file) beside `css/`, `js/` and `photos/`; a full-account
export holds each chat under `chats/chat_NN/`. Every other source is one file, and for a file
these functions read just that file, so the build hashes and watches a folder source the same
way it does a file.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from corpus.errors import SourceError

# messages.html is part 1, messages2.html part 2 (tdesktop `HtmlWriter::messagesFile`)
_PART = re.compile(r"messages(\d*)\.html", re.IGNORECASE)


def part_number(name: str) -> int | None:
    """1 for `messages.html`, N for `messagesN.html`, None for any other name."""
    found = _PART.fullmatch(name)
    if found is None:
        return None
    return int(found.group(1)) if found.group(1) else 1


def _parts_in(folder: Path) -> list[Path]:
    found = [(part_number(p.name), p) for p in folder.iterdir() if p.is_file()]
    return [p for number, p in sorted((n, p) for n, p in found if n is not None)]


def source_files(path: Path) -> list[Path]:
    """The files of a source: `[path]` for a file; for a folder, its `messages*.html` in
    part order, else each chat's under `chats/*/` (a full-account export), chat by chat."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    parts = _parts_in(path)
    if parts:
        return parts
    chats = path / "chats"
    if chats.is_dir():
        for chat in sorted(p for p in chats.iterdir() if p.is_dir()):
            parts += _parts_in(chat)
    if not parts:
        raise SourceError(
            path.name,
            None,
            "a folder without messages.html: give the folder of one exported chat "
            "(messages.html, messages2.html, …) or of a full export (chats/chat_NN/)",
        )
    return parts


def part_name(root: Path, part: Path) -> str:
    """The part's path inside the source folder (`messages2.html`, `chats/chat_03/…`)."""
    if part == root:
        return part.name
    return part.relative_to(root).as_posix()


def joint_header(name: str, data: bytes) -> bytes:
    """What a folder source's hash takes in before each file's bytes: its name and length,
    so a rename, a split moved between files, or a new part changes the hash (one file's
    hash is of its bytes alone)."""
    return f"{name}\0{len(data)}\0".encode()


def source_sha256(path: Path) -> str:
    """The SHA-256 of the source's files, each after its `joint_header` when there are
    several, read one at a time (`OSError` if one is unreadable)."""
    path = Path(path)
    if not path.is_dir():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        files = source_files(path)
    except SourceError as err:
        raise OSError(str(err)) from err
    digest = hashlib.sha256()
    for part in files:
        data = part.read_bytes()
        if len(files) > 1:
            digest.update(joint_header(part_name(path, part), data))
        digest.update(data)
    return digest.hexdigest()


def source_stat(path: Path) -> tuple[int, int]:
    """(size in bytes, mtime_ns) of a file; of a folder source, its parts' total size and
    newest mtime (a part edited, added or removed changes one of them, or the folder's)."""
    path = Path(path)
    stat = path.stat()
    if not path.is_dir():
        return stat.st_size, stat.st_mtime_ns
    try:
        files = source_files(path)
    except SourceError as err:
        raise OSError(str(err)) from err
    stats = [p.stat() for p in files]
    return sum(s.st_size for s in stats), max([stat.st_mtime_ns, *(s.st_mtime_ns for s in stats)])
