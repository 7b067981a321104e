"""Subtitles as transcripts: WebVTT (`.vtt`) and SubRip (`.srt`), read for `format: transcript`.

Layout. WebVTT: a `WEBVTT` line, then blocks separated by blank lines: `NOTE`, `STYLE` and
`REGION` blocks (skipped) and cues: an optional identifier line, a timing line
`00:12:31.000 --> 00:12:34.500` (hours optional) with optional cue settings after it
(`align:start line:0`), then the payload lines. SRT: blocks of a number, a timing line
`00:12:31,000 --> 00:12:34,500` and the text lines.

Speakers, only where the file names them (never guessed): a WebVTT voice span
`<v Speaker>` (or `<v.class Speaker>`) names the speaker of its words in that cue; a label
at a line's start, `NAME: words` or `>> NAME: words`, by the transcript reader's rules
(`transcript.label_candidate` and its repeat rule), names the speaker of the lines that
follow until the next change; `>>` alone or a dialogue dash `- ` at a line's start marks a
change to a speaker the file does not name. Words whose speaker the file does not name
are `unknown` (noted so), or the source's `speaker` in a file that names no speaker and
marks no change (a one-voice subtitle file).

What "verbatim" means. Each passage is one record: a run of consecutive cue texts of one
speaker joined while the text runs on (see `_runs_on`). The record text is the cue texts
with markup removed — tags (`<i>`, `<c.x>`, `<00:12:31.500>`, `<font …>`), the voice span,
`{\\an8}`-style overrides, and the label or `>>`/`- ` marker that opens a speaker's words;
WebVTT's character references (`&amp;` …) read as the characters — each cue's lines and the
cues joined by one `\\n` (`SEPARATOR`). Nothing else is changed, so a passage is
`records[key][0:len]`. Its `note` holds where it starts in the recording (`at 00:12:31`),
its `line` the line of its first cue's timing.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from corpus.model import ParseWarning, Passage, SourceSpec
from corpus.parse.common import PassageIds
from corpus.parse.transcript import accepted_labels, label_candidate

Reading = tuple[tuple[Passage, ...], tuple[ParseWarning, ...], dict[str, str]]
SEPARATOR = "\n"
UNKNOWN = "unknown"
NOT_NAMED = "speaker not named in the file"
JOIN_GAP_MS = 3000  # cues further apart than this are separate passages
SOFT_CHARS = 600  # past this a passage ends where a cue ends a sentence
HARD_CHARS = 3000
SUBTITLE_EXTENSIONS = (".vtt", ".srt")
_TIME = r"(?:(\d{1,3}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING = re.compile(rf"\s*{_TIME}\s*-->\s*{_TIME}(?:[ \t].*)?")
_SRT_HEAD = re.compile(rf"\A\ufeff?\s*\d+\s*\r?\n{_TIME}\s*-->")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>")
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<\d[\d:.]*>|</?[cvbiu]?>|\{\\[^}]*\}")
_CHANGE = re.compile(r"(?:>>+|-(?=[ \t]))[ \t]*")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*\Z")


def is_subtitles(path: PurePath, text: str) -> bool:
    """A WebVTT or SRT file, by its extension or its first lines."""
    if path.suffix.lower() in SUBTITLE_EXTENSIONS:
        return True
    head = text[:512].lstrip("\ufeff")
    return head.startswith("WEBVTT") or bool(_SRT_HEAD.match(head))


@dataclass(slots=True)
class Cue:
    line: int  # the timing line
    start_ms: int
    end_ms: int
    payload: list[str]


@dataclass(slots=True)
class Segment:
    """Words of one speaker within a cue, markup removed."""

    cue: Cue
    name: str | None  # the speaker the file names, or None
    change: bool  # a `>>`/`- `/voice/label marks a new speaker here
    text: str


@dataclass(slots=True)
class Run:
    speaker: str | None
    first: Cue
    last: Cue
    texts: list[str] = field(default_factory=list)


def _ms(hours: str | None, minutes: str, seconds: str, fraction: str) -> int:
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(
        fraction.ljust(3, "0")
    )


def clock(ms: int) -> str:
    """`00:12:31` for a position in the recording."""
    seconds = ms // 1000
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def read_cues(text: str) -> tuple[list[Cue], bool]:
    """The cues in file order, and whether the file is WebVTT."""
    lines = text.lstrip("\ufeff").split("\n")
    vtt = bool(lines) and lines[0].startswith("WEBVTT")
    cues: list[Cue] = []
    block: list[tuple[int, str]] = []
    for number, raw in enumerate([*lines, ""], start=1):
        line = raw.rstrip("\r")
        if line.strip():
            block.append((number, line))
            continue
        if block:
            cue = _cue_of(block, vtt)
            if cue is not None:
                cues.append(cue)
            block = []
    return cues, vtt


def _cue_of(block: list[tuple[int, str]], vtt: bool) -> Cue | None:
    head = block[0][1].strip()
    if vtt and (head.startswith(("WEBVTT", "STYLE", "REGION")) or re.match(r"NOTE(\s|$)", head)):
        return None
    for at, (number, line) in enumerate(block[:2]):
        timing = _TIMING.fullmatch(line)
        if timing:
            g = timing.groups()
            return Cue(number, _ms(*g[:4]), _ms(*g[4:]), [text for _, text in block[at + 1 :]])
    return None


def _strip_markup(text: str, vtt: bool) -> str:
    plain = _TAG.sub("", text)
    return html.unescape(plain) if vtt and "&" in plain else plain


def _segments(cue: Cue, vtt: bool, labels: frozenset[str]) -> list[Segment]:
    """The cue's words split where a voice, a label or a change marker begins."""
    out: list[Segment] = []
    voice: str | None = None
    for raw in cue.payload:
        voices = list(_VOICE.finditer(raw)) if vtt else []
        if voices:
            before = _strip_markup(raw[: voices[0].start()], vtt).strip()
            if before:
                out.append(Segment(cue, voice, False, before))
            for at, found in enumerate(voices):
                voice = (found.group(1) or "").strip() or None
                end = voices[at + 1].start() if at + 1 < len(voices) else len(raw)
                words = _strip_markup(raw[found.end() : end], vtt).strip()
                # a named voice needs no marker: a different name is a new run anyway
                out.append(Segment(cue, voice, voice is None, words))
            continue
        line = _strip_markup(raw, vtt).strip()
        if not line:
            continue
        change = _CHANGE.match(line)
        if change:
            line = line[change.end() :]
        label = label_candidate(line, 0)
        if label is not None and label.name in labels:
            out.append(Segment(cue, label.name, True, line[label.end :].strip()))
        elif voice is not None and change is None:
            out.append(Segment(cue, voice, False, line))
        else:
            out.append(Segment(cue, None, change is not None, line))
    return [s for s in out if s.text or s.change]


def _runs_on(run: Run, segment: Segment) -> bool:
    """The segment continues the run: same speaker, no change marked, cues close in time,
    and the run is short or its last words do not end a sentence."""
    if segment.change or segment.name != run.speaker:
        return False
    if segment.cue.start_ms - run.last.end_ms > JOIN_GAP_MS:
        return False
    size = sum(len(t) + 1 for t in run.texts)
    if size >= HARD_CHARS:
        return False
    return size < SOFT_CHARS or not _SENTENCE_END.search(run.texts[-1])


def parse_subtitles(spec: SourceSpec, text: str) -> Reading:
    source = spec.name
    cues, vtt = read_cues(text)
    found = (
        label_candidate(_CHANGE.sub("", _strip_markup(line, vtt).strip(), count=1), 0)
        for cue in cues
        for line in cue.payload
    )
    labels = accepted_labels(Counter(label.name for label in found if label))
    runs: list[Run] = []
    marked = False  # a change of speaker is marked somewhere
    carried: str | None = None  # a label's speaker goes on until the next change
    for cue in cues:
        voiced = vtt and any(_VOICE.search(line) for line in cue.payload)
        for segment in _segments(cue, vtt, labels):
            marked = marked or segment.change
            if voiced:  # a voice names the words of its cue only
                carried = None
            elif segment.change:
                carried = segment.name
            elif segment.name is None:
                segment.name = carried
            if runs and _runs_on(runs[-1], segment):
                runs[-1].texts.append(segment.text)
                runs[-1].last = cue
            else:
                runs.append(Run(segment.name, cue, cue, [segment.text]))
    named = any(run.speaker for run in runs)
    ids = PassageIds(source)
    passages: list[Passage] = []
    records: dict[str, str] = {}
    for run in runs:
        body = SEPARATOR.join(t for t in run.texts if t)
        if not body.strip():
            continue
        where = f"at {clock(run.first.start_ms)}"
        if run.speaker is not None:
            speaker, kind, note = run.speaker, "statement", where
        elif named or marked:
            speaker, kind, note = UNKNOWN, "statement", f"{where}; {NOT_NAMED}"
        else:
            speaker, kind, note = spec.speaker, "paragraph", where
        key = str(len(records) + 1)
        records[key] = body
        passages.append(
            Passage(
                id=ids.next_id(body),
                source=source,
                start=0,
                end=len(body),
                text=body,
                line=run.first.line,
                speaker=speaker,
                kind=kind,  # type: ignore[arg-type]
                date=spec.date,
                paragraph=len(passages) + 1,
                note=note,
                record=key,
            )
        )
    warnings: list[ParseWarning] = []
    if not cues:
        what = "WebVTT" if vtt else "SRT"
        warnings.append(ParseWarning(source, 1, f"no cues (`00:00:01.000 --> …`) in this {what}"))
    elif not named and not marked:
        warnings.append(
            ParseWarning(
                source, 1, f"the subtitles name no speaker: all text is credited to {spec.speaker}"
            )
        )
    return tuple(passages), tuple(warnings), records
