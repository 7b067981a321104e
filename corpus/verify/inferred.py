"""Quoted words with no speech verb next to them, credited to the person the sentence is about.

`which he called a “fundamental document”`, `assuming the nations that back him can
“guarantee security for the vote,”`: the words go to the named speaker the sentence (or the
previous one) names, a pronoun meaning the last named person; the credit is flagged
inferred. Only known speakers are credited. `find_venue` reads where it was said
(`during a speech in Berlin`); `dominant_speaker` names the person a paragraph mostly quotes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

QUOTE_MARKS = re.compile(r"“(?P<curly>[^“”]*)”|\"(?P<straight>[^\"]*)\"")
PRONOUN = re.compile(r"\b(?:he|she|him|her|his)\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z“\"]|\s*$)")
VENUE = re.compile(
    r"\b(?:during|in|at)\s+(?:a|an|the|his|her)?\s*(?P<venue>(?:speech|address|interview|"
    r"press conference|news conference|summit|forum|conference)"
    r"(?:\s+(?:in|at|with|to)\s+[A-Z][\w’'\-]*(?:,?\s+[A-Z][\w’'\-]*){0,3})?)"
)
MIN_WORDS = 2
MOSTLY = 0.5


@dataclass(frozen=True, slots=True)
class InferredQuote:
    """Quoted words (absolute offsets) credited to a speaker by inference."""

    start: int
    end: int
    speaker: str
    speaker_inferred: bool = True


@dataclass(frozen=True, slots=True)
class _Surnames:
    """Known speakers by surname, for finding their mentions in one regex pass."""

    pattern: re.Pattern[str] | None  # `\b(?:surname|...)\b` over the one-word surnames
    plain: dict[str, tuple[str, ...]]  # one-word surname -> its speakers, in order
    other: tuple[tuple[re.Pattern[str], str], ...]  # (pattern, speaker) for any other surname


_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=64)
def _surnames(speakers: tuple[str, ...]) -> _Surnames:
    plain: dict[str, list[str]] = {}
    other: list[tuple[re.Pattern[str], str]] = []
    for speaker in speakers:
        surname = speaker.split()[-1]
        if _WORD.fullmatch(surname):
            plain.setdefault(surname, []).append(speaker)
        else:
            other.append((re.compile(rf"\b{re.escape(surname)}\b"), speaker))
    alternatives = "|".join(map(re.escape, sorted(plain, key=len, reverse=True)))
    return _Surnames(
        re.compile(rf"\b(?:{alternatives})\b") if plain else None,
        {surname: tuple(names) for surname, names in plain.items()},
        tuple(other),
    )


def _mentions(text: str, start: int, end: int, speakers: Sequence[str]) -> list[tuple[int, str]]:
    """(offset, speaker) for each mention of a known speaker's surname or full name.

    A one-word surname matches exactly where a whole word equals it, so one alternation
    finds every such mention (each match is one surname: whole words do not overlap); a
    surname with other characters (`(@handle)`, hyphens) is searched on its own."""
    if not speakers:
        return []
    known = _surnames(tuple(speakers))
    segment = text[start:end]
    found: list[tuple[int, str]] = []
    if known.pattern is not None:
        for hit in known.pattern.finditer(segment):
            found += [(start + hit.start(), speaker) for speaker in known.plain[hit.group()]]
    for pattern, speaker in known.other:
        for hit in pattern.finditer(segment):
            found.append((start + hit.start(), speaker))
    return sorted(found)


def infer_quotes(
    text: str,
    start: int,
    end: int,
    *,
    speakers: Sequence[str],
    attributed: Sequence[tuple[int, int]] = (),
    before: int = 0,
) -> list[InferredQuote]:
    """The quotations in `text[start:end]` not in `attributed` (inner offsets), credited to
    the speaker their sentence or the previous one is about. `before`: where the document
    context for a pronoun starts (e.g. the previous paragraph)."""
    taken = set(attributed)
    out: list[InferredQuote] = []
    for found in QUOTE_MARKS.finditer(text, start, end):
        group = "curly" if found["curly"] is not None else "straight"
        inner = found.start(group), found.end(group)
        quoted = found[group].strip(" ,")
        if inner in taken or len(quoted.split()) < MIN_WORDS:
            continue
        if any(a <= inner[0] and inner[1] <= b for a, b in taken):
            continue
        sentence = _sentence_start(text, start, found.start())
        previous = _sentence_start(text, before, max(before, sentence - 1))
        named = _mentions(text, sentence, found.start(), speakers)
        if not named and PRONOUN.search(text, sentence, found.start()):
            named = _mentions(text, before, sentence, speakers)
        if not named:
            named = _mentions(text, previous, sentence, speakers)
        if named:
            s, e = inner
            while s < e and text[s].isspace():
                s += 1
            while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
                e -= 1
            out.append(InferredQuote(s, e, named[-1][1]))
    return out


def _sentence_start(text: str, lo: int, at: int) -> int:
    starts = [m.end() for m in SENTENCE_END.finditer(text, lo, at)]
    return starts[-1] if starts else lo


def find_venue(text: str, start: int, end: int) -> str | None:
    """Where the words were said when the text says so: `speech in Berlin, Germany`."""
    found = VENUE.search(text, start, end)
    return found["venue"] if found else None


def dominant_speaker(start: int, end: int, spans: Sequence[tuple[int, int, str]]) -> str | None:
    """The speaker whose quoted words make up most of the paragraph `[start, end)`."""
    share: dict[str, int] = {}
    for s, e, speaker in spans:
        share[speaker] = share.get(speaker, 0) + max(0, min(e, end) - max(s, start))
    if not share:
        return None
    speaker, chars = max(share.items(), key=lambda item: item[1])
    return speaker if chars >= MOSTLY * (end - start) else None
