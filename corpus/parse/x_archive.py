"""An X (Twitter) account archive's `data/tweets.js` (or `tweet.js`, `tweets-part1.js`).

Layout (the archive's README): a JavaScript assignment `window.YTD.tweets.part0 = [ ... ]`
(another name or part number in older archives) whose array holds `{"tweet": {...}}`
wrappers, or bare tweet objects; a bare JSON array is read the same way. A tweet has
`id_str`, `full_text` (older: `text`) and `created_at` (`Wed Oct 10 20:19:24 +0000 2018`).

X escapes `&`, `<` and `>` in `full_text` as `&amp;`, `&lt;`, `&gt;`; the record text is
`full_text` with those three shown as the characters (nothing else changed), and every
passage is a slice of that unescaped text. A retweet (`RT @user: ...`) is `@user`'s words:
its passages start after the `RT @user: ` prefix, are credited to `@user` and noted as
retweeted by the archive's owner (the source's speaker).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from corpus.errors import SourceError
from corpus.model import ParseWarning, Passage, SourceSpec
from corpus.parse.records import RecordMeta, RecordSink, iter_json_array, link_for
from corpus.parse.when import parse_when

Reading = tuple[tuple[Passage, ...], tuple[ParseWarning, ...], dict[str, str]]
DEFAULT_LINK = "https://x.com/i/web/status/{id}"
_ASSIGNMENT = re.compile(r"\s*window\.YTD\.[\w.]+\s*=\s*")
_RETWEET = re.compile(r"RT @(\w{1,50}): ")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
_ENTITY = re.compile("&(?:amp|lt|gt);")


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
    if body.lstrip().startswith("window."):
        raise SourceError(source, 1, "an X archive file, but not `window.YTD.<name> = [...]`")
    return body


def parse_x_archive(spec: SourceSpec, text: str) -> Reading:
    source = spec.name
    body = json_part(source, text)
    if not body.lstrip(" \t\r\n").startswith("["):
        raise SourceError(
            source, 1, "not an X archive: expected `window.YTD.tweets.part0 = [...]` or an array"
        )
    sink = RecordSink(source)
    template = spec.link or DEFAULT_LINK
    skipped = 0
    undated = 0
    for line, item in iter_json_array(source, body):
        tweet: Any = item.get("tweet", item) if isinstance(item, Mapping) else None
        if not isinstance(tweet, Mapping):
            skipped += 1
            continue
        tid = tweet.get("id_str") or tweet.get("id")
        raw = tweet.get("full_text", tweet.get("text"))
        if tid is None or not isinstance(raw, str):
            skipped += 1
            continue
        body = unescape_x(raw)
        date = parse_when(tweet.get("created_at"))
        undated += date is None
        speaker, note, skip = spec.speaker, None, 0
        retweet = _RETWEET.match(body)
        if retweet:
            speaker = f"@{retweet.group(1)}"
            note = f"retweeted by {spec.speaker}"
            skip = retweet.end()
        meta = RecordMeta(
            key=str(tid),
            line=line,
            speaker=speaker,
            date=date,
            url=link_for(template, tid),
            note=note,
        )
        if not sink.add(meta, body, skip=skip):
            skipped += 1
    if skipped:
        sink.warn(1, f"skipped {skipped} item(s) without an id or text")
    if undated:
        sink.warn(1, f"{undated} tweet(s) without a readable created_at: undated")
    return tuple(sink.passages), tuple(sink.warnings), sink.records
