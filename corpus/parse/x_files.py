"""Which files of an X (Twitter) archive a source reads, and the account that owns them.

A source's `path` may be the archive's root folder, its `data/` folder, or one file in it.
In a folder: every tweets file (`tweets.js`, the older `tweet.js`, and the parts
`tweets-part1.js`, `tweets-part2.js`, … of a large archive), `community-tweet.js` (posts in
X Communities), `deleted-tweets.js`, and the companions `note-tweet.js` and
`deleted-note-tweet.js` (the full text of posts over 280 characters) and `account.js`
(the owner's `username` and `accountDisplayName`). Given one file, that file is the source
and only the companions beside it are read with it. Every file read counts in the source's
digest, so a change to any of them rebuilds it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import SourceError

_TWEETS = re.compile(r"tweets?(?:-part(\d+))?\.js(?:on)?", re.IGNORECASE)
DELETED_NAMES = ("deleted-tweets.js", "deleted-tweet.js")
NOTE_NAMES = ("note-tweet.js", "note-tweets.js")
DELETED_NOTE_NAMES = ("deleted-note-tweet.js",)
COMMUNITY_NAMES = ("community-tweet.js",)  # the owner's posts in X Communities
ACCOUNT_NAMES = ("account.js",)


@dataclass(frozen=True, slots=True)
class ArchiveFiles:
    """The files one X archive source reads; `folder`: the source is a whole folder."""

    tweets: tuple[Path, ...]  # tweets.js / tweet.js and its parts, in part order
    deleted: Path | None = None
    notes: Path | None = None
    account: Path | None = None
    folder: bool = False
    deleted_notes: Path | None = None  # the long posts of deleted tweets
    community: Path | None = None
    # a tweets part beside a single given file, which the source does not read
    unread_parts: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[Path, ...]:
        extra = (self.community, self.deleted, self.notes, self.deleted_notes, self.account)
        return (*self.tweets, *(p for p in extra if p is not None))

    @property
    def notes_are_source(self) -> bool:
        """Every note is a post of the source (a folder, or note-tweet.js given alone)."""
        return self.folder or (self.notes is not None and not self.tweets and not self.deleted)


def _first(folder: Path, names: Sequence[str]) -> Path | None:
    for name in names:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def _part(path: Path) -> int:
    found = _TWEETS.fullmatch(path.name)
    return int(found.group(1)) if found and found.group(1) else 0


def tweet_parts(folder: Path) -> tuple[Path, ...]:
    """The tweets files of a folder in part order (`tweets.js` is part 0)."""
    try:
        found = [p for p in folder.iterdir() if _TWEETS.fullmatch(p.name) and p.is_file()]
    except OSError:
        return ()
    return tuple(sorted(found, key=lambda p: (_part(p), p.name)))


def data_folder(path: Path) -> Path:
    """The folder that holds the archive's files: `path`, or its `data/` child."""
    if not tweet_parts(path) and (path / "data").is_dir():
        return path / "data"
    return path


def is_x_archive_folder(path: Path) -> bool:
    """True when the folder `path` (or its `data/`) holds an X archive's tweet files."""
    try:
        archive_files(path)
    except SourceError:
        return False
    return True


def archive_files(path: Path) -> ArchiveFiles:
    """The files of the archive source at `path` (a folder or one of its files)."""
    path = Path(path)
    if path.is_dir():
        folder = data_folder(path)
        files = ArchiveFiles(
            tweets=tweet_parts(folder),
            deleted=_first(folder, DELETED_NAMES),
            notes=_first(folder, NOTE_NAMES),
            account=_first(folder, ACCOUNT_NAMES),
            folder=True,
            deleted_notes=_first(folder, DELETED_NOTE_NAMES),
            community=_first(folder, COMMUNITY_NAMES),
        )
        if not files.tweets and files.deleted is None and files.notes is None:
            raise SourceError(
                path.name,
                None,
                "no tweets.js, tweet.js, deleted-tweets.js or note-tweet.js in this folder "
                "(nor in its data/ folder): is it an X archive?",
            )
        return files
    folder = path.parent
    name = path.name.lower()
    notes = _first(folder, NOTE_NAMES)
    account = _first(folder, ACCOUNT_NAMES)
    if name in NOTE_NAMES:
        return ArchiveFiles(tweets=(), notes=path, account=account)
    if name in DELETED_NAMES:
        deleted_notes = _first(folder, DELETED_NOTE_NAMES)
        return ArchiveFiles(
            tweets=(), deleted=path, notes=notes, account=account, deleted_notes=deleted_notes
        )
    others = tuple(p.name for p in tweet_parts(folder) if p != path and _TWEETS.fullmatch(name))
    return ArchiveFiles(tweets=(path,), notes=notes, account=account, unread_parts=others)


def files_digest(paths: Sequence[Path], datas: Sequence[bytes]) -> str:
    """One file: its SHA-256 (as for every other source); several: a SHA-256 of each
    file's name and SHA-256, so a change to any of them changes the digest."""
    if len(datas) == 1:
        return hashlib.sha256(datas[0]).hexdigest()
    digest = hashlib.sha256()
    for path, data in zip(paths, datas, strict=True):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Account:
    """The archive's owner as `account.js` names them."""

    username: str | None
    display_name: str | None

    @property
    def speaker(self) -> str | None:
        """`Jane Doe (@janedoe)`, `@janedoe`, `Jane Doe`, or None when neither is known."""
        if self.username and self.display_name:
            return f"{self.display_name} (@{self.username})"
        if self.username:
            return f"@{self.username}"
        return self.display_name


def account_of(items: Sequence[object]) -> Account:
    """The owner from `account.js`'s items (`[{"account": {...}}]`); only the two names are
    read (the file also holds the e-mail address and other details that we leave alone)."""
    for item in items:
        data = item.get("account", item) if isinstance(item, Mapping) else None
        if not isinstance(data, Mapping):
            continue
        username = data.get("username") or data.get("screen_name")
        name = data.get("accountDisplayName") or data.get("name")
        username = username.strip().lstrip("@") if isinstance(username, str) else None
        name = name.strip() if isinstance(name, str) else None
        if username or name:
            return Account(username or None, name or None)
    return Account(None, None)
