"""An X (Twitter) account archive: its tweets, deleted tweets and long posts as one source.

Layout (the archive's README; `x_files` finds the files): each file is a JavaScript
assignment `window.YTD.tweets.part0 = [ ... ]` (`tweet.part0` in older archives,
`tweets.part1` in `tweets-part1.js`, `deleted_tweets.part0` in `deleted-tweets.js`) whose
array holds `{"tweet": {...}}` wrappers, or bare tweet objects; a bare JSON array is read
the same way, and so is a month file of the 2012-2018 archives (`data/js/tweets/2014_01.js`,
`Grailbird.data.tweets_2014_01 = [...]`, one source per file). A tweet has `id_str`,
`full_text` (older: `text`), `created_at` (`Wed Oct 10 20:19:24 +0000 2018`), and may have
`display_text_range`, `edit_info`, `in_reply_to_screen_name`, `entities`; a deleted tweet
also `deleted_at`.

What "verbatim" means here. X escapes `&`, `<` and `>` in `full_text` as `&amp;`, `&lt;`,
`&gt;`; a tweet's record text is `full_text` with those three shown as the characters
(nothing else changed), and every passage is a slice of it. The variants:
- long posts: a post over 280 characters has a cut `full_text` (its start, then `…` and a
  t.co link); `note-tweet.js` (`{"noteTweet": {"noteTweetId", "createdAt", "core":
  {"text", ...}}}`; some archives: `noteTweetResults.text` and the tweet's `tweetId`) holds
  the whole text. A note naming the tweet's id, or whose text begins with the tweet's cut
  text and whose `createdAt` is within `NOTE_SECONDS` of the tweet's, is that tweet's full
  text: the record is the note's `core.text` unchanged, under the tweet's id and link (one
  post, never the cut copy as well). A note no tweet claims is a post of its own (no link)
  when the source is the whole folder or note-tweet.js itself.
- retweets (`RT @user: ...`) are `@user`'s words: passages start after `RT @user: ` and are
  noted as retweeted by the owner; X cuts a long retweet's text with `…`, so such a one is
  also noted "cut by X's archive" (the bot must not present it as the whole post).
- replies: leading `@mentions` before `display_text_range`'s start are X's addressing,
  not the author's words: passages start at that offset (the record keeps them).
- edits: the versions of one post (`edit_info.initial.editTweetIds`, or
  `edit_info.edit.initialTweetId` in the later versions) are one post: the latest version
  in the archive is read, noted "edited"; the earlier ones are not posts.
- deleted tweets (`deleted-tweets.js`): posts noted "deleted <date>".
The owner (speaker of the own posts, and of the retweet notes) is the config's `speaker`,
else `account.js`'s `accountDisplayName (@username)`; links are the config's `link`, else
`https://x.com/<username>/status/<id>` with the username, else `x.com/i/web/status/<id>`.
A passage's `line` is the line where its tweet begins in the file it came from.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import CorpusError, SourceError
from corpus.model import ParsedSource, ParseWarning, PassageDate, SourceSpec
from corpus.parse.encoding import MAX_STRUCTURED_BYTES, cesu_note, decode_text, read_bytes
from corpus.parse.records import RecordMeta, RecordSink, iter_json_array, link_for
from corpus.parse.when import parse_when
from corpus.parse.x_files import Account, ArchiveFiles, account_of, archive_files, files_digest

DEFAULT_LINK = "https://x.com/i/web/status/{id}"
OWNER_LINK = "https://x.com/{username}/status/{{id}}"
NOTE_SECONDS = 60  # a note and its tweet are written in one request: seconds apart at most
UNKNOWN = "unknown"
CUT_RETWEET = "cut by X's archive: not the whole post"
CUT_LONG = "cut by X's archive: the whole post is in note-tweet.js, which was not found"
# `window.YTD.tweets.part0 = `; the 2012-2018 archives: `Grailbird.data.tweets_2014_01 = `
_ASSIGNMENT = re.compile(r"\s*(?:window\.YTD\.[\w.]+|Grailbird\.data\.\w+)\s*=\s*")
_RETWEET = re.compile(r"RT @(\w{1,50}): ")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
_ENTITY = re.compile("&(?:amp|lt|gt);")
_MENTIONS = re.compile(r"(?:[.]?@\w{1,50}[\s\u00a0]*)+")
_TAIL_LINK = re.compile(r"[\s\u00a0]*https?://t\.co/\w+[\s\u00a0]*\Z")
_SPACE = re.compile(r"\s+")


def unescape_x(text: str) -> str:
    """`&amp;` `&lt;` `&gt;` as the characters; nothing else changes (not full HTML)."""
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda found: _ENTITIES[found.group()], text)


def json_part(source: str, text: str) -> str:
    """The JSON of a `window.YTD.<name>.partN = [...]` file, or the text itself."""
    body = text.replace("\ufeff", " ", 1) if text.startswith("\ufeff") else text
    found = _ASSIGNMENT.match(body)
    if found:
        # blank the prefix instead of cutting it, so offsets and lines stay the file's
        prefix = re.sub(r"[^\n]", " ", body[: found.end()])
        return prefix + body[found.end() :].rstrip().removesuffix(";")
    if body.lstrip().startswith(("window.", "Grailbird.")):
        raise SourceError(source, 1, "an X archive file, but not `window.YTD.<name> = [...]`")
    return body


@dataclass(frozen=True, slots=True)
class Note:
    """One `note-tweet.js` item: a long post's whole text."""

    key: str
    line: int
    text: str
    date: PassageDate | None
    epoch: int | None
    folded: str  # the text as matching compares it (`_fold`)
    tweet_id: str | None = None  # some archives name the note's tweet (`tweetId`)
    deleted: bool = False  # from deleted-note-tweet.js


@dataclass(slots=True)
class Item:
    """One tweet as read from a tweets or deleted-tweets file."""

    tid: str
    line: int
    tweet: Mapping[str, Any]
    text: str  # full_text, unescaped
    date: PassageDate | None
    deleted: PassageDate | None = None
    deleted_file: bool = False
    group: str = ""  # the id of the post's first version (its own id when never edited)
    chain: tuple[str, ...] = ()  # the edit chain's ids, as the tweet lists them
    notes: list[str] = field(default_factory=list)


def _files_items(
    source: str, path: Path, raw: bytes, warnings: list[ParseWarning]
) -> Iterator[tuple[int, object]]:
    decoded = decode_text(path.name, raw)
    note = cesu_note(decoded)
    if note:
        warnings.append(ParseWarning(source, 1, f"{path.name}: {note}"))
    body = json_part(path.name, decoded.text)
    if not body.lstrip(" \t\r\n").startswith("["):
        raise SourceError(
            path.name, 1, "not an X archive: expected `window.YTD.tweets.part0 = [...]` or an array"
        )
    yield from iter_json_array(path.name, body)


def _epoch(date: PassageDate | None) -> int | None:
    if date is None or date.time is None or date.as_date() is None:
        return None
    zone = dt.timezone(dt.timedelta(minutes=date.utc_offset or 0))
    moment = dt.datetime.combine(date.as_date() or dt.date.min, date.time, zone)
    return int(moment.timestamp())


def _fold(text: str) -> str:
    return _SPACE.sub(" ", unescape_x(text)).strip()


def cut_prefix(text: str) -> str:
    """What is left of a cut post: without a trailing t.co link and a trailing `…`."""
    body = _TAIL_LINK.sub("", text).rstrip()
    if body.endswith("…"):
        body = body[:-1]
    elif body.endswith("..."):
        body = body[:-3]
    return body.rstrip()


def _edit_chain(tid: str, tweet: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    """(the first version's id, the chain's ids) from `edit_info` (or the API's
    `edit_control`); a tweet never edited is its own group."""
    info = tweet.get("edit_info") or tweet.get("edit_control")
    if not isinstance(info, Mapping):
        return tid, ()
    edit = info.get("edit")
    initial = info.get("initial")
    first = None
    if isinstance(edit, Mapping):
        first = edit.get("initialTweetId")
        initial = edit.get("editControlInitial", initial)
    first = first or info.get("initial_tweet_id")
    ids = None
    if isinstance(initial, Mapping):
        ids = initial.get("editTweetIds")
    ids = ids if ids is not None else info.get("edit_tweet_ids")
    chain = tuple(str(i) for i in ids) if isinstance(ids, list) else ()
    if first is None and chain:
        first = chain[0]
    return str(first or tid), tuple(dict.fromkeys(chain))


def _id_order(tid: str) -> int:
    return int(tid) if tid.isdigit() else -1


def _display_start(tweet: Mapping[str, Any], text: str) -> int:
    """Where the author's words begin: `display_text_range`'s start, when what precedes it
    is only @mentions (X's addressing of a reply); else 0."""
    bounds = tweet.get("display_text_range")
    if not isinstance(bounds, list) or not bounds:
        return 0
    try:
        start = int(bounds[0])
    except (TypeError, ValueError):
        return 0
    if 0 < start <= len(text) and _MENTIONS.fullmatch(text[:start]):
        return start
    return 0


def _tail_is_show_more(tweet: Mapping[str, Any], text: str) -> bool:
    """A post X cut: `…` then a t.co link that expands to the post itself (`/i/web/`)."""
    tail = _TAIL_LINK.search(text)
    if tail is None or not text[: tail.start()].rstrip().endswith(("…", "...")):
        return False
    entities = tweet.get("entities")
    urls = entities.get("urls") if isinstance(entities, Mapping) else None
    if not isinstance(urls, list):
        return len(text) >= 250
    link = tail.group().strip()
    for url in urls:
        if isinstance(url, Mapping) and url.get("url") == link:
            return "/i/web/status/" in str(url.get("expanded_url", ""))
    return False


class NoteIndex:
    """The notes in the order they were written, each claimed at most once."""

    def __init__(self, notes: list[Note]) -> None:
        self.notes = notes
        self.claimed: set[str] = set()
        timed = sorted((n for n in notes if n.epoch is not None), key=lambda n: n.epoch or 0)
        self._timed = timed
        self._epochs = [n.epoch or 0 for n in timed]
        self._by_tweet = {n.tweet_id: n for n in notes if n.tweet_id}

    def claim(self, item: Item, skip: int) -> Note | None:
        """The note holding `item`'s whole text: written within NOTE_SECONDS, and its text
        begins with the tweet's cut text (from its start, or from its words' start)."""
        named = self._by_tweet.get(item.tid)
        if named is not None and named.key not in self.claimed:
            self.claimed.add(named.key)
            return named
        when = _epoch(item.date)
        if when is None or not self._epochs:
            return None
        low = bisect.bisect_left(self._epochs, when - NOTE_SECONDS)
        high = bisect.bisect_right(self._epochs, when + NOTE_SECONDS)
        near = [n for n in self._timed[low:high] if n.key not in self.claimed]
        if not near:
            return None
        heads = {_fold(cut_prefix(item.text)), _fold(cut_prefix(item.text[skip:]))}
        heads.discard("")
        for note in sorted(near, key=lambda n: abs((n.epoch or 0) - when)):
            if any(note.folded.startswith(head) for head in heads):
                self.claimed.add(note.key)
                return note
        return None


def _note_text(data: Mapping[str, Any]) -> str | None:
    """A note's text: `core.text`, or in other archives' layouts `noteTweetResults.text`
    or `noteTweetContents.text`."""
    for holder in ("core", "noteTweetResults", "noteTweetContents"):
        inner = data.get(holder)
        if isinstance(inner, Mapping) and isinstance(inner.get("text"), str):
            return str(inner["text"])
    return None


def _read_notes(
    source: str, path: Path, raw: bytes, warnings: list[ParseWarning], *, deleted: bool = False
) -> list[Note]:
    notes = []
    for number, (line, item) in enumerate(_files_items(source, path, raw, warnings), 1):
        data = item.get("noteTweet", item) if isinstance(item, Mapping) else None
        text = _note_text(data) if isinstance(data, Mapping) else None
        if not isinstance(data, Mapping) or not text or not text.strip():
            continue
        date = parse_when(data.get("createdAt"))
        key = str(data.get("noteTweetId") or f"#{number}")
        tweet_id = data.get("tweetId")
        notes.append(
            Note(
                f"note-{key}",
                line,
                text,
                date,
                _epoch(date),
                _fold(text),
                str(tweet_id) if tweet_id else None,
                deleted,
            )
        )
    return notes


def _read_items(
    source: str,
    path: Path,
    raw: bytes,
    warnings: list[ParseWarning],
    *,
    deleted_file: bool,
    counts: dict[str, int],
) -> list[Item]:
    items = []
    for line, entry in _files_items(source, path, raw, warnings):
        tweet: Any = entry.get("tweet", entry) if isinstance(entry, Mapping) else None
        if not isinstance(tweet, Mapping):
            counts["skipped"] += 1
            continue
        tid = tweet.get("id_str") or tweet.get("id")
        text = tweet.get("full_text", tweet.get("text"))
        if tid is None or not isinstance(text, str):
            counts["skipped"] += 1
            continue
        tid = str(tid)
        date = parse_when(tweet.get("created_at"))
        counts["undated"] += date is None
        deleted = parse_when(tweet.get("deleted_at")) if deleted_file else None
        group, chain = _edit_chain(tid, tweet)
        items.append(
            Item(tid, line, tweet, unescape_x(text), date, deleted, deleted_file, group, chain)
        )
    return items


def _latest_versions(items: list[Item]) -> tuple[list[Item], int]:
    """Each post once: of the versions of an edited post, the latest (by id, else date)."""
    best: dict[str, Item] = {}
    versions: dict[str, int] = {}
    for item in items:
        versions[item.group] = versions.get(item.group, 0) + 1
        held = best.get(item.group)
        if held is None or (_id_order(item.tid), item.date or PassageDate(1)) > (
            _id_order(held.tid),
            held.date or PassageDate(1),
        ):
            best[item.group] = item
    kept = []
    for item in items:
        if best[item.group] is not item:
            continue
        count = versions[item.group]
        later = [i for i in item.chain if _id_order(i) > _id_order(item.tid)]
        if later:
            item.notes.append("edited: a later version is not in the archive")
        elif count > 1 or len(item.chain) > 1:
            item.notes.append("edited")
        kept.append(item)
    return kept, len(items) - len(kept)


@dataclass(slots=True)
class Owner:
    speaker: str
    link: str


def _owner(spec: SourceSpec, account: Account) -> Owner:
    given = spec.speaker.strip()
    speaker = given if given and given.lower() != UNKNOWN else account.speaker or UNKNOWN
    if spec.link:
        link = spec.link
    elif account.username:
        link = OWNER_LINK.format(username=account.username)
    else:
        link = DEFAULT_LINK
    return Owner(speaker, link)


def _meta_of(item: Item, owner: Owner, notes: NoteIndex, sink: RecordSink) -> None:
    """Add one kept tweet (or the note holding its whole text) to `sink`."""
    text = item.text
    speaker = owner.speaker
    parts: list[str] = []
    skip = 0
    retweet = _RETWEET.match(text)
    if retweet:
        speaker = f"@{retweet.group(1)}"
        parts.append(f"retweeted by {owner.speaker}")
        skip = retweet.end()
        if text.rstrip().endswith(("…", "...")):
            parts.append(CUT_RETWEET)
    else:
        skip = _display_start(item.tweet, text)
        reply_to = item.tweet.get("in_reply_to_screen_name")
        if isinstance(reply_to, str) and reply_to.strip():
            parts.append(f"reply to @{reply_to.strip()}")
        note = notes.claim(item, skip)
        if note is not None:
            text = note.text
            if skip and note.text[:skip] != item.text[:skip]:
                skip = 0
            parts.append("long post: whole text from note-tweet.js")
        elif _tail_is_show_more(item.tweet, text):
            parts.append(CUT_LONG)
    parts += item.notes
    if item.deleted_file:
        when = item.deleted.human() if item.deleted else "at an unknown date"
        parts.append(f"deleted {when}")
    meta = RecordMeta(
        key=item.tid,
        line=item.line,
        speaker=speaker,
        date=item.date,
        url=link_for(owner.link, item.tid),
        note="; ".join(parts) or None,
    )
    if meta.key in sink.records:
        sink.warn(item.line, f"tweet {item.tid} appears twice: the first is kept")
        return
    if not sink.add(meta, text, skip=skip) and skip:
        sink.add(meta, text)  # only mentions: the record is still the owner's post


def _read_account(source: str, path: Path, raw: bytes) -> Account:
    return account_of([item for _, item in _files_items(source, path, raw, [])])


def archive_owner(path: Path) -> str | None:
    """The owner `account.js` names for the archive source at `path`, or None."""
    try:
        found = archive_files(path).account
        if found is None:
            return None
        return _read_account(found.name, found, read_bytes(found.name, found)).speaker
    except CorpusError:
        return None


def read_x_archive(spec: SourceSpec) -> ParsedSource:
    """Read the archive source `spec` (a folder, or one file and its companions)."""
    source = spec.name
    files = archive_files(spec.path)
    warnings: list[ParseWarning] = []
    datas: dict[Path, bytes] = {
        path: read_bytes(path.name, path, limit=MAX_STRUCTURED_BYTES) for path in files.all
    }
    account = Account(None, None)
    if files.account is not None:
        try:
            account = _read_account(source, files.account, datas[files.account])
        except SourceError as err:
            warnings.append(ParseWarning(source, 1, f"account.js not read: {err.message}"))
    owner = _owner(spec, account)
    counts = {"skipped": 0, "undated": 0}
    items: list[Item] = []
    for path in (*files.tweets, *([files.community] if files.community else [])):
        items += _read_items(source, path, datas[path], warnings, deleted_file=False, counts=counts)
    if files.deleted is not None:
        path = files.deleted
        items += _read_items(source, path, datas[path], warnings, deleted_file=True, counts=counts)
    found: list[Note] = []
    if files.notes is not None:
        found += _read_notes(source, files.notes, datas[files.notes], warnings)
    if files.deleted_notes is not None:
        path = files.deleted_notes
        found += _read_notes(source, path, datas[path], warnings, deleted=True)
    notes = NoteIndex(found)
    kept, earlier = _latest_versions(items)
    sink = RecordSink(source)
    for item in kept:
        _meta_of(item, owner, notes, sink)
    if files.notes_are_source:
        for note in notes.notes:
            if note.key not in notes.claimed:
                meta = RecordMeta(
                    note.key,
                    note.line,
                    owner.speaker,
                    note.date,
                    None,
                    f"{'deleted ' if note.deleted else ''}long post from "
                    f"{'deleted-' if note.deleted else ''}note-tweet.js: its tweet is not in "
                    "the archive, no link",
                )
                sink.add(meta, note.text)
    sink.warnings[:0] = warnings
    _summarise(sink, files, owner, spec, counts, earlier)
    main = files.tweets[0] if files.tweets else (files.deleted or files.notes)
    text = decode_text(main.name, datas[main]).text if main is not None else ""
    paths = list(datas)
    return ParsedSource(
        spec=spec,
        text=text,
        sha256=files_digest(paths, [datas[p] for p in paths]),
        passages=tuple(sink.passages),
        warnings=tuple(sink.warnings),
        records=sink.records,
    )


def _summarise(
    sink: RecordSink,
    files: ArchiveFiles,
    owner: Owner,
    spec: SourceSpec,
    counts: dict[str, int],
    earlier: int,
) -> None:
    if counts["skipped"]:
        sink.warn(1, f"skipped {counts['skipped']} item(s) without an id or text")
    if counts["undated"]:
        sink.warn(1, f"{counts['undated']} tweet(s) without a readable created_at: undated")
    if earlier:
        sink.warn(1, f"{earlier} earlier version(s) of edited posts: the latest is read")
    if owner.speaker == UNKNOWN and spec.speaker.strip().lower() == UNKNOWN:
        sink.warn(1, "no speaker: set `speaker:` (no account.js beside the tweets names one)")
    if files.unread_parts:
        sink.warn(
            1,
            f"the folder also holds {', '.join(files.unread_parts)}: give the folder as the "
            "path to read every part",
        )
