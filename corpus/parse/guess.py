"""`corpusbot init`'s look at a file: which format it is, and for a table which field is
which. Every guess is tried: the file is parsed with the guessed spec and the guess is kept
only when that gives passages, so the config `init` writes indexes as written.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from corpus.errors import CorpusError
from corpus.model import PassageDate, SourceSpec, TableColumns
from corpus.parse import parse_source
from corpus.parse.encoding import MAX_TEXT_BYTES, decode_text, read_bytes
from corpus.parse.parts import part_number
from corpus.parse.sniff import likely_format, looks_like_telegram_html
from corpus.parse.spreadsheet import is_ods, is_workbook, workbook_rows
from corpus.parse.subtitles import is_subtitles
from corpus.parse.table import BY_EXTENSION, iter_rows
from corpus.parse.thread_dump import HEADER
from corpus.parse.transcript import accepted_labels, label_candidate
from corpus.parse.x_archive import archive_owner
from corpus.parse.x_files import is_x_archive_folder

UNKNOWN = "unknown"
SAMPLE_ROWS = 50
# column names (lower case) that usually hold each piece, best first
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "full_text", "body", "content", "message", "tweet", "statement", "quote"),
    "date": ("date", "created_at", "created", "datetime", "timestamp", "time", "published", "when"),
    "id": ("id", "id_str", "tweet_id", "message_id", "post_id", "status_id"),
    "speaker": ("speaker", "author", "from", "user", "username", "screen_name", "name", "who"),
    "url": ("url", "link", "permalink", "href", "tweet_url"),
    "title": ("title", "headline", "subject"),
}
_WORD = re.compile(r"\w+")
TELEGRAM_LINK_NOTE = "add link: https://t.me/<channel>/{id} for links to each message"


@dataclass(frozen=True, slots=True)
class Guess:
    """What `init` writes for one file: the spec it tried, or why the file is left out."""

    path: Path
    spec: SourceSpec | None  # None: no format read the file (see `problem`)
    passages: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)  # what the user should check
    problem: str | None = None


def _columns(rows: list[Mapping[str, object]]) -> TableColumns | None:
    """Each piece's field by name, the text field else the one with the longest words."""
    names = list(dict.fromkeys(key for row in rows for key in row if isinstance(key, str)))
    lower = {name.lower().strip(): name for name in names}
    found: dict[str, str] = {}
    for piece, candidates in COLUMN_NAMES.items():
        for candidate in candidates:
            name = lower.get(candidate)
            if name is not None and name not in found.values():
                found[piece] = name
                break
    if "date" not in found:  # a workbook's date cells say which column holds dates
        dated = [n for n in names if n not in found.values() and _mostly_dates(rows, n)]
        if dated:
            found["date"] = dated[0]
    if "text" not in found:

        def words(name: str) -> float:
            cells = [row.get(name) for row in rows]
            return sum(len(_WORD.findall(c)) for c in cells if isinstance(c, str)) / len(rows)

        left = [name for name in names if name not in found.values()]
        if not left or words(max(left, key=words)) == 0:
            return None
        found["text"] = max(left, key=words)
    return TableColumns(**found)


def _mostly_dates(rows: list[Mapping[str, object]], name: str) -> bool:
    cells = [row.get(name) for row in rows if row.get(name) is not None]
    return bool(cells) and sum(isinstance(c, PassageDate) for c in cells) * 2 > len(cells)


def _table_spec(path: Path, text: str, fmt: str) -> SourceSpec | None:
    try:
        rows = [
            row
            for _, row in itertools.islice(iter_rows(path.name, text, fmt), SAMPLE_ROWS)
            if isinstance(row, Mapping)
        ]
    except CorpusError:
        return None
    columns = _columns(rows) if rows else None
    if columns is None:
        return None
    return SourceSpec(path, "table", UNKNOWN, columns=columns, table_format=fmt)


def _candidates(path: Path, text: str) -> list[tuple[SourceSpec, tuple[str, ...]]]:
    """The specs worth trying for this file, most likely first, each with its notes."""
    head = text[:8192].lstrip("\ufeff \t\r\n")
    suffix = PurePath(path).suffix.lower()
    out: list[tuple[SourceSpec, tuple[str, ...]]] = []
    if (
        head.startswith(("window.YTD.", "Grailbird.data."))
        or '"full_text"' in head
        or '"tweet"' in head
    ):
        out.append(_x_archive_candidate(path))
    if head.startswith("{") and ('"messages"' in head or '"chats"' in head):
        out.append(
            (
                SourceSpec(path, "telegram", UNKNOWN),
                (TELEGRAM_LINK_NOTE,),
            )
        )
    if looks_like_telegram_html(head):  # never its markup as plain text
        return [(telegram_html_spec(path), (TELEGRAM_LINK_NOTE,))]
    if is_subtitles(path, text):
        subtitles = SourceSpec(path, "transcript", UNKNOWN)
        out.append(
            (subtitles, ("add date: the day it was said (speakers: as the file names them)",))
        )
    table_fmt = BY_EXTENSION.get(suffix)
    looks = likely_format(text) or ""
    tried: tuple[str | None, ...] = (table_fmt,)
    if table_fmt is None:  # a table without a table's extension: only when it looks like one
        tried = (
            "json" if head.startswith("[") else None,
            "jsonl" if head.startswith("{") else None,
            "tsv" if "TSV" in looks else None,
            "csv" if "CSV" in looks else None,
        )
    for fmt in dict.fromkeys(f for f in tried if f):
        spec = _table_spec(path, text, fmt)
        if spec is not None:
            out.append((spec, ("check columns: which field is which",)))
            break
    lines = text[:200_000].splitlines()
    if any(HEADER.fullmatch(line.strip()) for line in lines[:2000]):
        year = "check year: (the year of the newest thread header)"
        out.append((SourceSpec(path, "thread_dump", UNKNOWN, year=_year(text)), (year,)))
    found = (label_candidate(line.strip(), 0) for line in lines)
    labels = accepted_labels(Counter(label.name for label in found if label is not None))
    if len(labels) >= 2:
        out.append((SourceSpec(path, "transcript", UNKNOWN), ("add date: the day it was said",)))
    out.append((SourceSpec(path, "plain", UNKNOWN), ("set speaker: who wrote it",)))
    return out


def _workbook_candidates(path: Path, raw: bytes) -> list[tuple[SourceSpec, tuple[str, ...]]]:
    """A table spec for a workbook's first sheet, its columns guessed from its rows."""
    fmt = "ods" if is_ods(raw) else "xlsx"
    probe = SourceSpec(path, "table", UNKNOWN, table_format=fmt)
    rows = [
        row
        for _, row in itertools.islice(workbook_rows(probe, raw), SAMPLE_ROWS)
        if isinstance(row, Mapping)
    ]
    columns = _columns(rows) if rows else None
    if columns is None:
        return []
    spec = dataclasses.replace(probe, columns=columns)
    return [
        (spec, ("check columns: which field is which (the first sheet; `sheet:` for another)",))
    ]


def _x_archive_candidate(path: Path) -> tuple[SourceSpec, tuple[str, ...]]:
    """An X archive spec whose speaker is the owner `account.js` names, when it is there."""
    owner = archive_owner(path)
    if owner is None:
        return SourceSpec(path, "x_archive", UNKNOWN), (
            "set speaker: to the account, e.g. Jane Doe (@janedoe)",
        )
    return SourceSpec(path, "x_archive", owner), ("speaker and links from account.js",)


def _year(text: str) -> int:
    found = re.search(r"\b(19[89]\d|20\d\d)\b", text[:200_000])
    return int(found.group(1)) if found else 2025


def telegram_html_spec(path: Path) -> SourceSpec:
    """`messages.html` with `messages2.html`… beside it: the folder (the whole chat)."""
    if part_number(path.name) is not None:
        siblings = [p for p in path.parent.glob("messages*.html") if part_number(p.name)]
        if len(siblings) > 1:
            return SourceSpec(path.parent, "telegram_html", UNKNOWN)
    return SourceSpec(path, "telegram_html", UNKNOWN)


def guess_source(path: Path) -> Guess:
    """The format (and table columns) that reads `path` into passages, tried in order; a
    folder is a Telegram Desktop export: its `result.json`, else its HTML pages."""
    path = Path(path)
    if path.is_dir() and (path / "result.json").is_file():  # a JSON export's folder
        return guess_source(path / "result.json")
    if path.is_dir() and is_x_archive_folder(path):  # an X archive's folder (root or data/)
        return _first_reading([_x_archive_candidate(path)], path)
    if path.is_dir():
        try:
            parsed = parse_source(SourceSpec(path, "telegram_html", UNKNOWN))
        except CorpusError as err:
            return Guess(path, None, problem=str(err))
        if parsed.passages:
            return Guess(path, parsed.spec, len(parsed.passages), (TELEGRAM_LINK_NOTE,))
        return Guess(path, None, problem="a folder without any Telegram message text")
    try:
        raw = read_bytes(path.name, path, limit=MAX_TEXT_BYTES)
        if is_workbook(raw, path):
            return _first_reading(_workbook_candidates(path, raw), path)
        text = decode_text(path.name, raw).text
    except CorpusError as err:
        return Guess(path, None, problem=str(err))
    return _first_reading(_candidates(path, text), path)


def _first_reading(candidates: list[tuple[SourceSpec, tuple[str, ...]]], path: Path) -> Guess:
    """The first candidate spec that reads `path` into passages."""
    problem = "no format found any text in it"
    for spec, notes in candidates:
        try:
            parsed = parse_source(spec)
        except CorpusError as err:
            problem = str(err)
            continue
        if parsed.passages:
            return Guess(path, spec, len(parsed.passages), notes)
    return Guess(path, None, problem=problem)
