"""Transcripts: speaker-labelled turns (`Name: words`), each paragraph credited to its speaker.

A turn begins with a label at the start of a line: `Jane Roe:`, `JANE ROE:`, `Dr. Jane Roe:`,
`SPEAKER 1:`, `Q:`. The label is metadata: a passage's text starts after `Label: `, so it
is still `source_text[start:end]`. Lines after a turn's first (until the next label) belong
to the same speaker, one passage per blank-line paragraph. A line that is only a bracketed
stage direction (`[crosstalk]`, `(APPLAUSE)`) is never a speaker and never a passage.

False labels are avoided by rule: a label is 1-5 words, the first capitalised, every word
capitalised, a number or a name particle (`de`, `van`...), only letters, digits, `.`, `'`
and `-`; the colon is followed by a space or the line's end (so `10:30` is no label); a few
prose lead-ins (`Note:`, `Update:`, `Source:`...) never are; and a label must occur at least
twice, or be in capitals, or the file must already have two repeated speakers (a one-time
`Audience Member:`). Text before the first label is the source's speaker's (kind paragraph).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from corpus.model import ParseWarning, Passage, SourceSpec
from corpus.parse.common import PassageIds, trimmed_lines

MAX_LABEL_WORDS = 5
_CANDIDATE = re.compile(r"([^:\n]{1,60}?)[ \t]*:(?:[ \t]+|$)")
_LABEL_CHARS = re.compile(r"[\w.'’\- ]+")
PARTICLES = frozenset(
    [
        "de",
        "da",
        "del",
        "della",
        "der",
        "den",
        "van",
        "von",
        "la",
        "le",
        "du",
        "dos",
        "das",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
        "e",
        "of",
        "the",
    ]
)
# prose lead-ins that look like a label but never name a speaker (compared in lower case)
NOT_SPEAKERS = frozenset(
    (
        "note", "notes", "nb", "n.b", "ps", "p.s", "pps", "update", "edit", "source", "sources",
        "warning", "caution", "example", "summary", "transcript", "subject", "re", "date",
        "time", "location", "title", "topic", "agenda", "tags", "disclaimer", "correction",
        "editor's note", "editors note", "http", "https", "see also", "background", "context",
    )
)  # fmt: skip
_STAGE = re.compile(r"[\[(][^\])]*[\])]")


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    end: int  # offset where the turn's words begin (after `Name: `)


def label_candidate(words: str, start: int) -> Label | None:
    """The label a trimmed line starts with, by the shape rules (not yet the repeat rule)."""
    found = _CANDIDATE.match(words)
    if not found:
        return None
    name = found.group(1).strip()
    parts = name.split()
    if not 1 <= len(parts) <= MAX_LABEL_WORDS or not _LABEL_CHARS.fullmatch(name):
        return None
    if not parts[0][0].isupper() or name.lower().rstrip(".") in NOT_SPEAKERS:
        return None
    for part in parts[1:]:
        if not (part[0].isupper() or part.isdigit() or part.lower() in PARTICLES):
            return None
    return Label(name, start + found.end())


def accepted_labels(candidates: Counter[str]) -> frozenset[str]:
    """The repeat rule: twice or more, in capitals, or once in a file with two speakers
    already sure (repeated or in capitals: a debate's moderator in capitals and one
    repeated speaker make a one-time `Bob Jones:` a turn, not words of the last speaker)."""
    repeated = {name for name, n in candidates.items() if n >= 2}
    shouting = {
        name for name in candidates if name.isupper() and sum(c.isalpha() for c in name) > 1
    }
    once = set()
    if len(repeated | shouting) >= 2:
        once = {name for name in candidates if len(name.split()) <= 3}
    return frozenset(repeated | shouting | once)


def parse_transcript(
    spec: SourceSpec, text: str
) -> tuple[tuple[Passage, ...], tuple[ParseWarning, ...]]:
    source = spec.name
    lines = list(trimmed_lines(text))
    found = {number: label_candidate(words, start) for number, start, words in lines}
    labels = accepted_labels(Counter(label.name for label in found.values() if label))
    ids = PassageIds(source)
    passages: list[Passage] = []
    speaker: str | None = None
    span: list[int] | None = None  # [start, end, first line, last line]
    stage = 0

    def close() -> None:
        if span is None:
            return
        start, end, first, _ = span
        body = text[start:end]
        passages.append(
            Passage(
                id=ids.next_id(body),
                source=source,
                start=start,
                end=end,
                text=body,
                line=first,
                speaker=speaker or spec.speaker,
                kind="statement" if speaker else "paragraph",
                date=spec.date,
                paragraph=len(passages) + 1,
                note=None if speaker else "before the first speaker label",
            )
        )

    for number, start, words in lines:
        end = start + len(words)
        if _STAGE.fullmatch(words):
            stage += 1
            close()
            span = None
            continue
        label = found[number]
        if label and label.name in labels:
            close()
            speaker = label.name
            span = None
            if label.end >= end:  # `Name:` alone on its line: the words follow
                continue
            start = label.end
            while text[start] in " \t":
                start += 1
        if span is not None and span[3] == number - 1:
            span[1], span[3] = end, number
        else:
            close()
            span = [start, end, number, number]
    close()
    warnings: list[ParseWarning] = []
    if not labels and passages:
        warnings.append(
            ParseWarning(
                source,
                1,
                f"no speaker labels (`Name: words`) found: all text is credited to {spec.speaker}",
            )
        )
    if stage:
        warnings.append(ParseWarning(source, 1, f"{stage} stage direction line(s) skipped"))
    return tuple(passages), tuple(warnings)
